//! One database handle over SQLite (the embedded default) or PostgreSQL, through sqlx's
//! `Any` driver so every query is written once. The schema is portable SQL (TEXT,
//! BIGINT, `$n` placeholders, `ON CONFLICT`, `RETURNING`), so the same migrations run on
//! both.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::error::{ApiError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    /// Reads, and writes on PostgreSQL.
    pub pool: AnyPool,
    /// Writes. On SQLite a single connection, so writers queue in-process instead of
    /// failing with SQLITE_BUSY when two deferred transactions both try to write.
    pub writer: AnyPool,
    pub backend: Backend,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// `DATABASE_URL` if given (postgres:// or sqlite://), else `<data>/huiji.db`.
    pub async fn connect(database_url: Option<&str>, data_dir: &Path) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let url = match database_url {
            Some(u) if !u.is_empty() => u.to_owned(),
            _ => {
                std::fs::create_dir_all(data_dir).map_err(|e| {
                    ApiError::internal(format!(
                        "cannot create data dir {}: {e}",
                        data_dir.display()
                    ))
                })?;
                format!("sqlite://{}?mode=rwc", data_dir.join("huiji.db").display())
            }
        };
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(ApiError::internal(
                "DATABASE_URL must start with postgres:// or sqlite://".to_owned(),
            ));
        };
        let opts = AnyConnectOptions::from_str(&url).map_err(ApiError::from)?;
        let db = match backend {
            Backend::Sqlite => {
                let pool = sqlite_pool(&opts, 4).await?;
                let writer = sqlite_pool(&opts, 1).await?;
                Db {
                    pool,
                    writer,
                    backend,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Db {
                    writer: pool.clone(),
                    pool,
                    backend,
                }
            }
        };
        MIGRATOR
            .run(&db.writer)
            .await
            .map_err(|e| ApiError::internal(format!("migration failed: {e}")))?;
        Ok(db)
    }
}

async fn sqlite_pool(opts: &AnyConnectOptions, max: u32) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; \
                     PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(opts.clone())
        .await?)
}

/// A server secret (32 random bytes, hex in `server_secrets`): made the first time it is
/// asked for and kept. Read first, so the usual call writes nothing; two first calls at
/// once agree on the one that was stored.
pub async fn server_secret(db: &Db, name: &'static str) -> crate::error::Result<Vec<u8>> {
    use rand::RngCore;
    use sqlx::Row;
    let read = || sqlx::query("SELECT value FROM server_secrets WHERE name = $1").bind(name);
    let mut row = read().fetch_optional(&db.pool).await?;
    if row.is_none() {
        let mut fresh = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(hex::encode(fresh))
            .execute(&db.writer)
            .await?;
        row = read().fetch_optional(&db.writer).await?;
    }
    let hexed: String = row
        .ok_or_else(|| crate::error::ApiError::internal(format!("secret {name} not stored")))?
        .try_get(0)?;
    hex::decode(hexed).map_err(|e| crate::error::ApiError::internal(format!("secret {name}: {e}")))
}
