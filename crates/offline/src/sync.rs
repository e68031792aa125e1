//! The sync client: push the outbox, pull pages, retry what is worth retrying. The store
//! is never locked while a request is in flight.

use std::time::Duration;

use huiji_domain::wire::{
    ErrorBody, PullResponse, PushRequest, PushResponse, PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT,
    PUSH_MAX_OPS,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::outbox::{apply_push_results, next_batch, PushReport};
use crate::pull::{apply_pull_page, Progress, PullReport};
use crate::store::Store;

pub const DEFAULT_BATCH_SIZE: usize = 500;

/// Exponential backoff for network failures and 5xx answers. A 4xx is never retried: it
/// would answer the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included; 1 means no retry.
    pub max_attempts: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait after failed try number `failed` (1-based): initial, doubling, capped.
    pub fn delay_after(&self, failed: u32) -> Duration {
        let factor = 2u32.saturating_pow(failed.saturating_sub(1));
        self.initial_delay
            .saturating_mul(factor)
            .min(self.max_delay)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub pushed: PushReport,
    pub pulled: PullReport,
}

#[derive(Clone)]
pub struct SyncClient {
    http: reqwest::Client,
    base: String,
    token: String,
    batch_size: usize,
    pull_limit: u32,
    timeout: Duration,
    retry: RetryPolicy,
}

impl std::fmt::Debug for SyncClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncClient")
            .field("base", &self.base)
            .field("token", &"<redacted>")
            .field("batch_size", &self.batch_size)
            .field("pull_limit", &self.pull_limit)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl SyncClient {
    /// `base_url` is the server root, e.g. `https://huiji.example.org`.
    pub fn new(base_url: &str, token: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .use_rustls_tls()
            .build()?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            batch_size: DEFAULT_BATCH_SIZE,
            pull_limit: PULL_DEFAULT_LIMIT,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        })
    }

    /// Ops per push request, 1 ..= `PUSH_MAX_OPS`.
    pub fn with_batch_size(mut self, n: usize) -> Self {
        self.batch_size = n.clamp(1, PUSH_MAX_OPS);
        self
    }

    /// Rows per pull page, 1 ..= `PULL_MAX_LIMIT`.
    pub fn with_pull_limit(mut self, n: u32) -> Self {
        self.pull_limit = n.clamp(1, PULL_MAX_LIMIT);
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = RetryPolicy {
            max_attempts: retry.max_attempts.max(1),
            ..retry
        };
        self
    }

    /// The whole-request time limit, per try.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Push, pull, and push again if local writes arrived meanwhile.
    pub async fn sync_once(&self, store: &Store) -> Result<SyncReport> {
        self.sync_with_progress(store, |_| {}).await
    }

    pub async fn sync_with_progress(
        &self,
        store: &Store,
        mut progress: impl FnMut(Progress),
    ) -> Result<SyncReport> {
        let res = async {
            let mut pushed = self.push(store).await?;
            let pulled = self.pull(store, &mut progress).await?;
            if store.pending_count()? > 0 {
                pushed.add(&self.push(store).await?);
            }
            Ok(SyncReport { pushed, pulled })
        }
        .await;
        store.note_attempt(&res);
        res
    }

    /// Sends the outbox in order until nothing sendable is left.
    pub async fn push_pending(&self, store: &Store) -> Result<PushReport> {
        let res = self.push(store).await;
        store.note_attempt(&res);
        res
    }

    /// Pulls pages from the stored cursor until the server has no more.
    pub async fn pull_all(
        &self,
        store: &Store,
        mut progress: impl FnMut(Progress),
    ) -> Result<PullReport> {
        let res = self.pull(store, &mut progress).await;
        store.note_attempt(&res);
        res
    }

    async fn push(&self, store: &Store) -> Result<PushReport> {
        let device_id = store.device_id()?;
        let url = format!("{}/api/v1/sync/push", self.base);
        let mut report = PushReport::default();
        loop {
            // Each batch settles every op in it (applied, rejected or set aside as a
            // conflict), so this ends once no local writes arrive meanwhile.
            let ops = next_batch(store, self.batch_size)?;
            if ops.is_empty() {
                return Ok(report);
            }
            let req = PushRequest { device_id, ops };
            let resp: PushResponse = self.send(|| self.http.post(&url).json(&req)).await?;
            let batch = apply_push_results(store, &req.ops, &resp.results)?;
            tracing::debug!(?batch, "pushed a batch");
            report.add(&batch);
        }
    }

    async fn pull(&self, store: &Store, progress: &mut impl FnMut(Progress)) -> Result<PullReport> {
        let mut cursor = store.cursor()?;
        let mut report = PullReport::default();
        loop {
            let url = format!(
                "{}/api/v1/sync/pull?cursor={cursor}&limit={}",
                self.base, self.pull_limit
            );
            let raw: RawPage = self.send(|| self.http.get(&url)).await?;
            let page = raw.into_page()?;
            if page.next_cursor < cursor {
                return Err(Error::Protocol(format!(
                    "pull cursor went back from {cursor} to {}",
                    page.next_cursor
                )));
            }
            apply_pull_page(store, &page)?;
            report.rows += page.records.len();
            report.pages += 1;
            progress(Progress {
                rows: report.rows,
                pages: report.pages,
                cursor: page.next_cursor,
                server_seq: page.server_seq,
            });
            if !page.has_more {
                return Ok(report);
            }
            if page.next_cursor == cursor {
                return Err(Error::Protocol(
                    "pull said there is more but did not move the cursor".into(),
                ));
            }
            cursor = page.next_cursor;
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<T> {
        let mut failed = 0;
        loop {
            match self.send_once(build()).await {
                Err(e) if e.is_retryable() && failed + 1 < self.retry.max_attempts => {
                    failed += 1;
                    let delay = self.retry.delay_after(failed);
                    tracing::debug!(failed, ?delay, error = %e, "sync request failed; retrying");
                    tokio::time::sleep(delay).await;
                }
                other => return other,
            }
        }
    }

    async fn send_once<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T> {
        let resp = req
            .bearer_auth(&self.token)
            .timeout(self.timeout)
            .send()
            .await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| Error::Protocol(format!("unreadable {status} answer: {e}")));
        }
        Err(server_error(status.as_u16(), &bytes))
    }
}

/// A pull page as it arrives. A newer server may send kinds of record this version of
/// the app does not know: they are skipped (and logged), so an older app keeps syncing
/// everything it understands instead of failing on every page. A row of a known kind
/// that does not parse is still an error.
#[derive(serde::Deserialize)]
struct RawPage {
    records: Vec<serde_json::Value>,
    next_cursor: i64,
    has_more: bool,
    server_seq: i64,
}

impl RawPage {
    fn into_page(self) -> Result<PullResponse> {
        let mut records = Vec::with_capacity(self.records.len());
        for v in self.records {
            let known = v["kind"]
                .as_str()
                .is_some_and(|k| huiji_domain::sync::RecordKind::parse(k).is_some());
            if !known {
                tracing::warn!(kind = %v["kind"], "skipping a record of a kind this app does not know");
                continue;
            }
            records.push(
                serde_json::from_value(v)
                    .map_err(|e| Error::Protocol(format!("unreadable record: {e}")))?,
            );
        }
        Ok(PullResponse {
            records,
            next_cursor: self.next_cursor,
            has_more: self.has_more,
            server_seq: self.server_seq,
        })
    }
}

/// The server's `{code, message}`, or a stand-in when a proxy answered instead.
pub(crate) fn server_error(status: u16, bytes: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(b) => Error::Server {
            status,
            code: b.code,
            message: b.message,
        },
        Err(_) => Error::Server {
            status,
            code: format!("Http{status}"),
            message: String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
        },
    }
}

#[cfg(test)]
mod raw_page_tests {
    use super::*;

    #[test]
    fn unknown_kinds_from_a_newer_server_are_skipped_and_known_ones_kept() {
        let known = serde_json::json!({"id": uuid::Uuid::now_v7(), "kind": "notice", "node_id": uuid::Uuid::now_v7(),
            "owner_id": null, "version": 1, "seq": 7, "deleted": false, "body": {"title": "t", "content": "c"},
            "updated_at": 0, "updated_by": null});
        let mut future = known.clone();
        future["kind"] = "hologram".into();
        let raw: RawPage = serde_json::from_value(serde_json::json!({
            "records": [future, known], "next_cursor": 9, "has_more": false, "server_seq": 9
        }))
        .unwrap();
        let page = raw.into_page().unwrap();
        assert_eq!(page.records.len(), 1);
        assert_eq!(page.records[0].seq, 7);
        assert_eq!(page.next_cursor, 9);
        // A known kind with a broken shape is an error, not silently dropped.
        let raw: RawPage = serde_json::from_value(serde_json::json!({
            "records": [{"kind": "notice", "id": "x"}], "next_cursor": 9, "has_more": false, "server_seq": 9
        }))
        .unwrap();
        assert!(raw.into_page().is_err());
    }
}
