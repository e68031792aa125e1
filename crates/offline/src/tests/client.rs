//! The client against a scripted HTTP responder on loopback: retries, error mapping,
//! batching and paging, with no Huiji server involved.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{OpResult, OpStatus, PushRequest, PushResponse};
use serde_json::json;

use super::*;
use crate::sync::{RetryPolicy, SyncClient};

#[derive(Debug, Clone)]
struct Req {
    head: String,
    body: Vec<u8>,
}

impl Req {
    fn target(&self) -> &str {
        self.head.split_whitespace().nth(1).unwrap_or("")
    }
}

struct Fake {
    url: String,
    requests: Arc<Mutex<Vec<Req>>>,
}

impl Fake {
    fn hits(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }
}

/// Serves one request per connection; `answer(n, request)` gives the nth reply.
fn fake(answer: impl Fn(usize, &Req) -> (u16, String) + Send + 'static) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let Some(req) = read_request(&mut s) else {
                continue;
            };
            let n = {
                let mut g = seen.lock().unwrap();
                g.push(req.clone());
                g.len() - 1
            };
            let (status, body) = answer(n, &req);
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes());
        }
    });
    Fake { url, requests }
}

fn read_request(s: &mut TcpStream) -> Option<Req> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(Req {
        head,
        body: buf[head_end..].to_vec(),
    })
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
    }
}

/// Applies every pushed op, numbering seqs from 100.
fn apply_all(n: usize, req: &Req) -> (u16, String) {
    let push: PushRequest = serde_json::from_slice(&req.body).unwrap();
    let results = push
        .ops
        .iter()
        .enumerate()
        .map(|(i, op)| OpResult {
            op_id: op.op_id,
            status: OpStatus::Applied,
            version: Some(op.base_version.unwrap_or(0) + 1),
            seq: Some(100 + (n * 10 + i) as i64),
            code: None,
            reason: None,
            current: None,
        })
        .collect();
    (
        200,
        serde_json::to_string(&PushResponse { results }).unwrap(),
    )
}

fn empty_page(cursor: i64) -> String {
    json!({"records": [], "next_cursor": cursor, "has_more": false, "server_seq": cursor})
        .to_string()
}

#[test]
fn backoff_doubles_from_the_initial_delay_up_to_the_cap() {
    let p = RetryPolicy {
        max_attempts: 10,
        initial_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(2),
    };
    let cases = [
        (1, 200),
        (2, 400),
        (3, 800),
        (4, 1600),
        (5, 2000),
        (60, 2000),
    ];
    for (failed, ms) in cases {
        assert_eq!(
            p.delay_after(failed),
            Duration::from_millis(ms),
            "after try {failed}"
        );
    }
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let c = SyncClient::new("http://127.0.0.1:1/", "secret-token").unwrap();
    assert!(!format!("{c:?}").contains("secret-token"));
}

#[test]
fn sync_futures_can_run_on_a_multithreaded_runtime() {
    fn check<F: Send>(_: F) {}
    let f = fx();
    let c = SyncClient::new("http://127.0.0.1:1", "t").unwrap();
    check(c.sync_once(&f.store));
    check(c.pull_all(&f.store, |_| {}));
}

#[tokio::test]
async fn push_sends_the_outbox_in_batches_with_the_bearer_token() {
    let srv = fake(apply_all);
    let f = fx();
    let ids = f
        .store
        .create_many(
            RecordKind::Notice,
            node(),
            (0..5).map(|i| notice(&format!("通知{i}"))).collect(),
        )
        .unwrap();
    let client = SyncClient::new(&srv.url, "tok-1")
        .unwrap()
        .with_batch_size(2)
        .with_retry(fast());
    let report = client.push_pending(&f.store).await.unwrap();
    assert_eq!((report.applied, report.batches), (5, 3));
    let hits = srv.hits();
    assert_eq!(hits.len(), 3);
    for h in &hits {
        assert!(h.head.starts_with("POST /api/v1/sync/push "), "{}", h.head);
        assert!(
            h.head
                .to_ascii_lowercase()
                .contains("authorization: bearer tok-1"),
            "{}",
            h.head
        );
        let push: PushRequest = serde_json::from_slice(&h.body).unwrap();
        assert_eq!(push.device_id, f.store.device_id().unwrap());
    }
    let first: PushRequest = serde_json::from_slice(&hits[0].body).unwrap();
    assert_eq!(
        first.ops.iter().map(|o| o.record_id).collect::<Vec<_>>(),
        ids[..2]
    );
    assert_eq!(f.store.pending_count().unwrap(), 0);
    assert_eq!(f.store.get(ids[0]).unwrap().unwrap().version, 1);
    let st = f.store.status().unwrap();
    assert!(st.online);
    assert_eq!(st.last_success_ms, Some(T0));
}

#[tokio::test]
async fn sync_once_pushes_then_pulls_every_page_reporting_progress() {
    let remote = Uuid::now_v7();
    let srv = fake(move |_, req| {
        let target = req.target().to_owned();
        if target.starts_with("/api/v1/sync/push") {
            return apply_all(0, req);
        }
        if target.contains("cursor=0&") {
            let rec = server_record(remote, 1, 50, member("王芳"));
            return (
                200,
                json!({"records": [rec], "next_cursor": 50, "has_more": true, "server_seq": 120})
                    .to_string(),
            );
        }
        assert!(target.contains("cursor=50&limit=2"), "{target}");
        (200, empty_page(120))
    });
    let f = fx();
    let mine = f
        .store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let client = SyncClient::new(&format!("{}/", srv.url), "t")
        .unwrap()
        .with_pull_limit(2)
        .with_retry(fast());
    let mut seen = Vec::new();
    let report = client
        .sync_with_progress(&f.store, |p| seen.push(p))
        .await
        .unwrap();
    assert_eq!(
        (
            report.pushed.applied,
            report.pulled.rows,
            report.pulled.pages
        ),
        (1, 1, 2)
    );
    assert_eq!(
        seen.iter()
            .map(|p| (p.rows, p.cursor, p.server_seq))
            .collect::<Vec<_>>(),
        vec![(1, 50, 120), (1, 120, 120)]
    );
    assert!((seen[1].fraction() - 1.0).abs() < f64::EPSILON);
    assert_eq!(f.store.cursor().unwrap(), 120);
    assert!(f.store.get(remote).unwrap().is_some());
    assert_eq!(f.store.get(mine).unwrap().unwrap().version, 1);
    assert_eq!(
        srv.hits().len(),
        3,
        "nothing pending after the pull: no second push"
    );
}

#[tokio::test]
async fn server_faults_are_retried_with_backoff_until_one_succeeds() {
    let srv = fake(|n, _| match n {
        0 => (
            503,
            json!({"code": "Unavailable", "message": "稍后再试"}).to_string(),
        ),
        1 => (502, "<html>bad gateway</html>".into()),
        _ => (200, empty_page(7)),
    });
    let f = fx();
    let client = SyncClient::new(&srv.url, "t").unwrap().with_retry(fast());
    let report = client.pull_all(&f.store, |_| {}).await.unwrap();
    assert_eq!(report.pages, 1);
    assert_eq!(srv.hits().len(), 3);
    assert_eq!(f.store.cursor().unwrap(), 7);
}

#[tokio::test]
async fn retries_stop_after_the_configured_number_of_tries() {
    let srv = fake(|_, _| (500, "oops".into()));
    let f = fx();
    let client = SyncClient::new(&srv.url, "t").unwrap().with_retry(fast());
    let err = client.pull_all(&f.store, |_| {}).await.unwrap_err();
    assert!(matches!(&err, Error::Server { status: 500, .. }), "{err}");
    assert_eq!(err.code(), "Http500");
    assert_eq!(srv.hits().len(), 3);
}

#[tokio::test]
async fn a_client_error_is_not_retried_and_keeps_the_servers_code_and_message() {
    let srv = fake(|_, _| {
        (
            401,
            json!({"code": "Unauthorized", "message": "请先登录"}).to_string(),
        )
    });
    let f = fx();
    f.store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let client = SyncClient::new(&srv.url, "expired")
        .unwrap()
        .with_retry(fast());
    let err = client.sync_once(&f.store).await.unwrap_err();
    match &err {
        Error::Server {
            status,
            code,
            message,
        } => {
            assert_eq!(
                (*status, code.as_str(), message.as_str()),
                (401, "Unauthorized", "请先登录")
            );
        }
        other => panic!("{other}"),
    }
    assert_eq!(srv.hits().len(), 1);
    assert_eq!(
        f.store.pending_count().unwrap(),
        1,
        "the op waits for the next try"
    );
    let st = f.store.status().unwrap();
    assert!(st.online);
    assert!(st.last_error.unwrap().contains("Unauthorized"));
}

#[tokio::test]
async fn an_unreachable_server_is_retried_then_reported_offline() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let f = fx();
    f.store.note_attempt(&Ok(()));
    f.store
        .create(RecordKind::Member, node(), member("张靖"))
        .unwrap();
    let client = SyncClient::new(&format!("http://127.0.0.1:{port}"), "t")
        .unwrap()
        .with_retry(fast());
    let err = client.push_pending(&f.store).await.unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err}");
    let st = f.store.status().unwrap();
    assert!(!st.online);
    assert_eq!(st.pending, 1);
    assert!(st.last_error.unwrap().starts_with("Network"));
    assert_eq!(
        outbox(&f.store)[0].attempts,
        1,
        "retries resend the same batch"
    );
}

#[tokio::test]
async fn a_slow_server_times_out_as_a_network_error() {
    let srv = fake(|_, _| {
        std::thread::sleep(Duration::from_millis(400));
        (200, empty_page(1))
    });
    let f = fx();
    let client = SyncClient::new(&srv.url, "t")
        .unwrap()
        .with_timeout(Duration::from_millis(50))
        .with_retry(RetryPolicy::none());
    let start = Instant::now();
    let err = client.pull_all(&f.store, |_| {}).await.unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err}");
    assert!(start.elapsed() < Duration::from_millis(400));
    assert_eq!(f.store.cursor().unwrap(), 0);
}

#[tokio::test]
async fn malformed_answers_are_protocol_errors_that_change_nothing() {
    let cases = [
        ("not json", "{\"results\": ["),
        ("too few results", "{\"results\": []}"),
    ];
    for (name, body) in cases {
        let body = body.to_owned();
        let srv = fake(move |_, _| (200, body.clone()));
        let f = fx();
        f.store
            .create(RecordKind::Member, node(), member("张靖"))
            .unwrap();
        let client = SyncClient::new(&srv.url, "t").unwrap().with_retry(fast());
        let err = client.push_pending(&f.store).await.unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{name}: {err}");
        assert_eq!(srv.hits().len(), 1, "{name}: not retried");
        assert_eq!(f.store.pending_count().unwrap(), 1, "{name}");
    }
}

#[tokio::test]
async fn a_pull_that_claims_more_without_moving_the_cursor_stops() {
    let srv = fake(|_, _| {
        (
            200,
            json!({"records": [], "next_cursor": 0, "has_more": true, "server_seq": 9}).to_string(),
        )
    });
    let f = fx();
    let client = SyncClient::new(&srv.url, "t").unwrap().with_retry(fast());
    let err = client.pull_all(&f.store, |_| {}).await.unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err}");
    assert_eq!(srv.hits().len(), 1);
}
