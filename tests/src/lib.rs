//! Shared by the end-to-end tests and the benchmarks: a real `huiji-server` process on a
//! loopback port, and logins against it.

#![allow(clippy::unwrap_used)]

pub mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const DEMO_PASSWORD: &str = "Huiji2026";

/// The huiji-server binary next to this test binary (`target/<profile>/huiji-server`),
/// built on demand when missing so `cargo test -p huiji-tests` works from a cold tree.
pub fn server_binary() -> PathBuf {
    if let Ok(p) = std::env::var("HUIJI_SERVER_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let mut dir = exe.parent().unwrap().to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let bin = dir.join("huiji-server");
    if !bin.exists() {
        let release = dir.ends_with("release");
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(["build", "-p", "huiji-server", "--bin", "huiji-server"]);
        if release {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build for huiji-server");
        assert!(status.success(), "building huiji-server failed");
    }
    bin
}

pub struct ServerProcess {
    child: Child,
    pub base_url: String,
}

impl ServerProcess {
    /// Starts `huiji-server --demo --dev` on a free loopback port over `data`
    /// (or `database_url`), and waits until it listens.
    pub fn start(data: &Path, database_url: Option<&str>) -> ServerProcess {
        Self::start_at(data, database_url, "127.0.0.1:0")
    }

    /// Starts it again where a stopped one listened (the app keeps its server address).
    pub fn restart(data: &Path, base_url: &str) -> ServerProcess {
        let listen = base_url.trim_start_matches("http://").trim_end_matches('/');
        Self::start_at(data, None, listen)
    }

    pub fn start_at(data: &Path, database_url: Option<&str>, listen: &str) -> ServerProcess {
        let mut cmd = Command::new(server_binary());
        cmd.args(["--listen", listen, "--demo", "--dev", "--data"])
            .arg(data)
            .env("HUIJI_LOG", "warn")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            cmd.env("DATABASE_URL", url);
        }
        let mut child = cmd.spawn().expect("start huiji-server");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent {
                    if let Some(url) = line.strip_prefix("huiji-server listening on ") {
                        let _ = tx.send(url.trim().to_owned());
                        sent = true;
                    }
                }
            }
        });
        let base_url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                panic!("huiji-server did not start within 60 s");
            }
        };
        ServerProcess { child, base_url }
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

/// A demo citizen's current health pass (the `HJ1:` text), as their phone would get it.
pub async fn health_pass(base_url: &str, phone: &str) -> String {
    let token = login(base_url, phone).await;
    let v: serde_json::Value = reqwest::Client::new()
        .get(format!("{base_url}/api/v1/health/pass"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["text"].as_str().unwrap().to_owned()
}

/// Password login; returns the bearer token.
pub async fn login(base_url: &str, phone: &str) -> String {
    let resp = reqwest::Client::new()
        .post(format!("{base_url}/api/v1/auth/password/login"))
        .json(&serde_json::json!({"phone": phone, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_success(),
        "login {phone}: {}",
        resp.status()
    );
    let v: serde_json::Value = resp.json().await.unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// A fresh PostgreSQL database for one run, when PostgreSQL is reachable (or required).
pub async fn fresh_pg_database() -> Option<String> {
    use sqlx::Connection;
    let admin = std::env::var("HUIJI_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let required = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("HUIJI_REQUIRE_PG").is_ok_and(|v| v == "1");
    let mut conn = match sqlx::PgConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) if !required => {
            eprintln!("SKIP: PostgreSQL not reachable at {admin}: {e}");
            return None;
        }
        Err(e) => panic!("PostgreSQL required but not reachable at {admin}: {e}"),
    };
    let name = format!("huiji_e2e_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    Some(format!("{base}/{name}"))
}

pub async fn drop_pg_database(url: &str) {
    use sqlx::Connection;
    let admin = std::env::var("HUIJI_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let Some((_, name)) = url.rsplit_once('/') else {
        return;
    };
    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}

/// Stable ids of demo nodes (the server's `demo_id`).
pub fn demo_node(name: &str) -> uuid::Uuid {
    const NS: uuid::Uuid = uuid::Uuid::from_u128(0x6875_696a_6964_656d_6f00_0000_0000_0001);
    uuid::Uuid::new_v5(&NS, name.as_bytes())
}
