//! The harness for the API suite: the same tests on SQLite and on PostgreSQL.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use huiji_server::clock::ManualClock;
use huiji_server::config::Config;
use huiji_server::sms::{SendFuture, SmsProvider};
use huiji_server::state::AppState;
use huiji_server::{app, demo};
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub clock: ManualClock,
    /// Every SMS the server sent: (phone, message).
    pub sms: Arc<Mutex<Vec<(String, String)>>>,
    _dir: tempfile::TempDir,
    pg_db: Option<String>,
}

pub fn pg_admin_url() -> String {
    std::env::var("HUIJI_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// PostgreSQL tests fail loudly instead of skipping when CI is set or it is required.
pub fn pg_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("HUIJI_REQUIRE_PG").is_ok_and(|v| v == "1")
}

/// Creates a fresh database for one test; `None` (skip) when PostgreSQL is absent and
/// not required.
pub async fn fresh_pg_database() -> Option<(String, String)> {
    let admin = pg_admin_url();
    let mut conn = match sqlx::PgConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) if !pg_required() => {
            eprintln!("SKIP: PostgreSQL not reachable at {admin}: {e}");
            return None;
        }
        Err(e) => panic!("PostgreSQL required (CI) but not reachable at {admin}: {e}"),
    };
    let name = format!("huiji_t_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    Some((format!("{base}/{name}"), name))
}

pub async fn drop_pg_database(name: &str) {
    if let Ok(mut conn) = sqlx::PgConnection::connect(&pg_admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> Option<TestApp> {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg_db) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let (url, name) = fresh_pg_database().await?;
                (Some(url), Some(name))
            }
        };
        let config = Config::for_tests(dir.path().to_path_buf(), url);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let clock = ManualClock::new(now);
        let mut state = app::build_state(config, Arc::new(clock.clone()))
            .await
            .unwrap();
        let sms = Arc::new(Mutex::new(Vec::new()));
        state.sms = Arc::new(RecordingSms(sms.clone()));
        demo::load(&state).await.unwrap();
        let router = app::router(state.clone());
        Some(TestApp {
            router,
            state,
            clock,
            sms,
            _dir: dir,
            pg_db,
        })
    }

    pub async fn cleanup(self) {
        let pg = self.pg_db.clone();
        self.state.db.pool.close().await;
        self.state.db.writer.close().await;
        if let Some(name) = pg {
            drop_pg_database(&name).await;
        }
    }

    pub async fn raw(&self, req: Request<Body>) -> (StatusCode, Value) {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, json)
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.raw(req).await
    }

    /// The records of `kind` the caller's pull brings (everything from the start).
    #[allow(dead_code)]
    pub async fn pull_kind(&self, token: &str, kind: &str) -> Vec<serde_json::Value> {
        let (s, v) = self
            .call(
                "GET",
                "/api/v1/sync/pull?cursor=0&limit=5000",
                Some(token),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == kind)
            .cloned()
            .collect()
    }

    pub async fn login(&self, phone: &str) -> String {
        let (s, v) = self
            .call(
                "POST",
                "/api/v1/auth/password/login",
                None,
                Some(serde_json::json!({"phone": phone, "password": demo::DEMO_PASSWORD})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_owned()
    }

    /// `GET /me`, which must answer.
    pub async fn me(&self, token: &str) -> Value {
        let (s, v) = self.call("GET", "/api/v1/me", Some(token), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    /// A login code sent to `phone` (tests run with `--dev`: the answer carries it).
    pub async fn send_code(&self, phone: &str) -> String {
        let (s, v) = self
            .call(
                "POST",
                "/api/v1/auth/sms/send",
                None,
                Some(serde_json::json!({"phone": phone})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["dev_code"].as_str().unwrap().to_owned()
    }

    /// `POST /auth/sms/login` with that code.
    pub async fn sms_login(&self, phone: &str, code: &str) -> (StatusCode, Value) {
        self.call(
            "POST",
            "/api/v1/auth/sms/login",
            None,
            Some(serde_json::json!({"phone": phone, "code": code})),
        )
        .await
    }

    /// `POST /auth/org/login` with the demo password.
    pub async fn org_login(&self, credit_code: &str) -> (StatusCode, Value) {
        self.call(
            "POST",
            "/api/v1/auth/org/login",
            None,
            Some(serde_json::json!({"credit_code": credit_code, "password": demo::DEMO_PASSWORD})),
        )
        .await
    }

    /// Messages sent to `phone` so far, waiting up to two seconds for one containing
    /// `needle` (notification SMS go out in the background after the commit).
    pub async fn sms_to(&self, phone: &str, needle: &str) -> Vec<String> {
        for _ in 0..200 {
            let got: Vec<String> = self
                .sms
                .lock()
                .unwrap()
                .iter()
                .filter(|(p, _)| p == phone)
                .map(|(_, m)| m.clone())
                .collect();
            if got.iter().any(|m| m.contains(needle)) {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.sms
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == phone)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Uploads `bytes` as one of the caller's attachments; its id.
    pub async fn upload(&self, token: &str, name: &str, bytes: &[u8]) -> String {
        let req = Request::post(format!("/api/v1/attachments?name={name}"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/octet-stream")
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        let (s, v) = self.raw(req).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_str().unwrap().to_owned()
    }

    /// The raw body of a GET (a PDF, a page), signed in as `token` if given.
    pub async fn get_bytes(&self, uri: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
        let mut b = Request::get(uri);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let resp = self
            .router
            .clone()
            .oneshot(b.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, bytes)
    }

    /// A public page (no login) as text.
    pub async fn get_text(&self, uri: &str) -> (StatusCode, String) {
        let (s, b) = self.get_bytes(uri, None).await;
        (s, String::from_utf8(b).unwrap())
    }

    /// Pays an order online in the sandbox: starts the payment as `token` and delivers
    /// the provider's signed success notice.
    pub async fn pay_online(&self, token: &str, order_id: &str, amount_fen: i64) {
        use huiji_server::pay::sandbox;
        let (s, started) = self
            .call(
                "POST",
                "/api/v1/payments/online",
                Some(token),
                Some(serde_json::json!({"id": uuid::Uuid::now_v7(), "order_id": order_id})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{started}");
        let otn = started["payment"]["body"]["out_trade_no"].as_str().unwrap();
        let notice = sandbox::notice_of(otn, "SUCCESS", amount_fen, Some("SBX0042".into()), None);
        let body = serde_json::to_vec(&notice).unwrap();
        let key = self.state.sandbox_key().unwrap();
        let headers = sandbox::signed_headers(&key, self.state.now(), &format!("n-{otn}"), &body);
        let mut b = Request::builder()
            .method("POST")
            .uri("/api/v1/payments/notify/sandbox")
            .header("content-type", "application/json");
        for (name, v) in &headers {
            b = b.header(name, v);
        }
        let (s, v) = self.raw(b.body(Body::from(body)).unwrap()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    }
}

/// A small real PNG (a picture the server can decode and re-encode).
pub fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Polls the futures together on this task (requests racing one another).
pub async fn join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futs.map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    done.into_iter().map(|d| d.unwrap()).collect()
}

/// Records every SMS instead of sending it.
struct RecordingSms(Arc<Mutex<Vec<(String, String)>>>);

impl SmsProvider for RecordingSms {
    fn send<'a>(&'a self, phone: &'a str, message: &'a str) -> SendFuture<'a> {
        self.0
            .lock()
            .unwrap()
            .push((phone.to_owned(), message.to_owned()));
        Box::pin(async { Ok(()) })
    }
}

/// Runs each listed test once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(t) = $crate::common::TestApp::new($crate::common::Backend::Sqlite).await {
                        super::$name(&t).await;
                        t.cleanup().await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(t) = $crate::common::TestApp::new($crate::common::Backend::Postgres).await {
                        super::$name(&t).await;
                        t.cleanup().await;
                    }
                }
            )*
        }
    };
}
