//! The local sandbox provider: it plays the payment company for the demo server and the
//! tests. A trade gets a payment page (`/sandbox/pay/{out_trade_no}`, no login: it is
//! the payment company's page, not ours); paying or cancelling there posts a signed
//! notification to the server's notify URL, retried until the server acknowledges it,
//! like a real provider.
//!
//! Signature: HMAC-SHA256 with the merchant key over `timestamp\nnonce\nbody\n` (the
//! string WeChat Pay v3 signs), hex, in `Huiji-Pay-Signature`; `Huiji-Pay-Timestamp` is
//! unix seconds, `Huiji-Pay-Nonce` is random. The key is made once and kept in
//! `server_secrets`.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use huiji_domain::dues::ProviderEvent;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::Row;

use super::{
    notify_expired, notify_malformed, signature_invalid, PayFuture, PayIntent, PayStart,
    PaymentProvider, Verified, NOTIFY_WINDOW_MS,
};
use crate::error::Result;
use crate::state::AppState;

pub const HEADER_TIMESTAMP: &str = "huiji-pay-timestamp";
pub const HEADER_NONCE: &str = "huiji-pay-nonce";
pub const HEADER_SIGNATURE: &str = "huiji-pay-signature";

pub struct Sandbox {
    key: Vec<u8>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sandbox { key: *** }")
    }
}

/// The notification's body, as the sandbox sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxNotice {
    pub out_trade_no: String,
    /// SUCCESS or CLOSED.
    pub trade_state: String,
    pub amount_fen: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_no: Option<String>,
    /// Unix ms, when paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_time: Option<i64>,
}

pub fn sign(key: &[u8], timestamp: &str, nonce: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(timestamp.as_bytes());
    mac.update(b"\n");
    mac.update(nonce.as_bytes());
    mac.update(b"\n");
    mac.update(body);
    mac.update(b"\n");
    hex::encode(mac.finalize().into_bytes())
}

/// The headers a notification carries, signed with `key`.
pub fn signed_headers(key: &[u8], now_ms: i64, nonce: &str, body: &[u8]) -> HeaderMap {
    let ts = (now_ms / 1000).to_string();
    let mut h = HeaderMap::new();
    let mut put = |name: &'static str, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(name, v);
        }
    };
    put(HEADER_TIMESTAMP, &ts);
    put(HEADER_NONCE, nonce);
    put(HEADER_SIGNATURE, &sign(key, &ts, nonce, body));
    h
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The merchant key, made at first start and kept.
pub async fn load_key(st_db: &crate::db::Db) -> Result<Vec<u8>> {
    crate::db::server_secret(st_db, "sandbox_pay_key").await
}

impl Sandbox {
    pub fn new(key: Vec<u8>) -> Self {
        Sandbox { key }
    }

    pub fn key(&self) -> &[u8] {
        &self.key
    }
}

impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn label_zh(&self) -> &'static str {
        "在线支付（沙箱）"
    }

    fn start<'a>(&'a self, st: &'a AppState, intent: &'a PayIntent) -> PayFuture<'a, PayStart> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO sandbox_trades (out_trade_no, amount_fen, subject, merchant, \
                 notify_url, state, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, 'NOTPAY', $6, $7) ON CONFLICT (out_trade_no) DO NOTHING",
            )
            .bind(&intent.out_trade_no)
            .bind(intent.amount_fen)
            .bind(&intent.subject)
            .bind(&intent.merchant)
            .bind(&intent.notify_url)
            .bind(st.now())
            .bind(intent.expires_at)
            .execute(&st.db.writer)
            .await?;
            Ok(PayStart {
                pay_url: format!("{}/sandbox/pay/{}", st.public_url(), intent.out_trade_no),
            })
        })
    }

    fn verify(&self, headers: &HeaderMap, body: &[u8], now_ms: i64) -> Result<Verified> {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let (Some(ts), Some(nonce), Some(sig)) = (
            get(HEADER_TIMESTAMP),
            get(HEADER_NONCE),
            get(HEADER_SIGNATURE),
        ) else {
            return Err(signature_invalid());
        };
        let given = hex::decode(sig).map_err(|_| signature_invalid())?;
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{ts}\n{nonce}\n").as_bytes());
        mac.update(body);
        mac.update(b"\n");
        // Constant time: a forger learns nothing from how long the check took.
        mac.verify_slice(&given).map_err(|_| signature_invalid())?;
        let secs: i64 = ts.parse().map_err(|_| notify_malformed())?;
        if (secs.saturating_mul(1000) - now_ms).abs() > NOTIFY_WINDOW_MS {
            return Err(notify_expired());
        }
        if nonce.len() > 64 {
            return Err(notify_malformed());
        }
        let n: SandboxNotice = serde_json::from_slice(body).map_err(|_| notify_malformed())?;
        let event = match n.trade_state.as_str() {
            "SUCCESS" => ProviderEvent::Paid {
                amount_fen: n.amount_fen,
                trade_no: n.trade_no.ok_or_else(notify_malformed)?,
                paid_on: crate::workflow::today(n.success_time.unwrap_or(now_ms)),
            },
            "CLOSED" => ProviderEvent::Closed,
            _ => return Err(notify_malformed()),
        };
        Ok(Verified {
            nonce: nonce.to_owned(),
            out_trade_no: n.out_trade_no,
            event,
        })
    }

    fn query<'a>(
        &'a self,
        st: &'a AppState,
        out_trade_no: &'a str,
    ) -> PayFuture<'a, Option<ProviderEvent>> {
        Box::pin(async move {
            let Some(t) = trade(st, out_trade_no).await? else {
                return Ok(None);
            };
            Ok(match t.state.as_str() {
                "SUCCESS" => Some(ProviderEvent::Paid {
                    amount_fen: t.amount_fen,
                    trade_no: t.trade_no.unwrap_or_default(),
                    paid_on: crate::workflow::today(t.paid_at.unwrap_or(st.now())),
                }),
                "CLOSED" => Some(ProviderEvent::Closed),
                _ if st.now() > t.expires_at => Some(ProviderEvent::Closed),
                _ => None,
            })
        })
    }

    fn ack(&self) -> Response {
        Json(serde_json::json!({"code": "SUCCESS", "message": "成功"})).into_response()
    }
}

// ---------------------------------------------------------------- the payment company

#[derive(Debug, Clone)]
struct Trade {
    out_trade_no: String,
    amount_fen: i64,
    subject: String,
    merchant: String,
    notify_url: String,
    state: String,
    trade_no: Option<String>,
    expires_at: i64,
    paid_at: Option<i64>,
}

async fn trade(st: &AppState, out_trade_no: &str) -> Result<Option<Trade>> {
    let row = sqlx::query(
        "SELECT out_trade_no, amount_fen, subject, merchant, notify_url, state, trade_no, \
         expires_at, paid_at FROM sandbox_trades WHERE out_trade_no = $1",
    )
    .bind(out_trade_no)
    .fetch_optional(&st.db.pool)
    .await?;
    row.map(|r| {
        Ok(Trade {
            out_trade_no: r.try_get(0)?,
            amount_fen: r.try_get(1)?,
            subject: r.try_get(2)?,
            merchant: r.try_get(3)?,
            notify_url: r.try_get(4)?,
            state: r.try_get(5)?,
            trade_no: r.try_get(6)?,
            expires_at: r.try_get(7)?,
            paid_at: r.try_get(8)?,
        })
    })
    .transpose()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sandbox/pay/{out_trade_no}", get(page))
        .route("/sandbox/pay/{out_trade_no}/pay", post(pay))
        .route("/sandbox/pay/{out_trade_no}/cancel", post(cancel))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

fn shell(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
<style>body{{font-family:system-ui,'Noto Sans CJK SC',sans-serif;background:#f3f5f7;margin:0;padding:24px;color:#1f2933}}\
.card{{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;box-shadow:0 2px 10px #0001;padding:24px}}\
.badge{{display:inline-block;background:#fff4ce;color:#8a6100;border-radius:6px;padding:2px 8px;font-size:13px}}\
h1{{font-size:20px;margin:12px 0}} .amount{{font-size:34px;font-weight:700;margin:12px 0;color:#0b7a43}}\
dl{{display:grid;grid-template-columns:auto 1fr;gap:6px 12px;font-size:14px}} dt{{color:#52606d}}\
button{{font-size:17px;padding:12px;border-radius:8px;border:0;width:100%;margin-top:10px;cursor:pointer}}\
.pay{{background:#07c160;color:#fff}} .cancel{{background:#e4e7eb;color:#1f2933}}</style></head>\
<body><div class=\"card\"><span class=\"badge\">支付沙箱 · 演示用，不产生真实扣款</span>{body}</div></body></html>"
    );
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(html),
    )
        .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        shell(
            "交易不存在",
            "<h1>交易不存在</h1><p>请回到会籍App重新发起支付。</p>",
        ),
    )
        .into_response()
}

async fn page(State(st): State<AppState>, Path(otn): Path<String>) -> Result<Response> {
    let Some(t) = trade(&st, &otn).await? else {
        return Ok(not_found());
    };
    let open = t.state == "NOTPAY" && st.now() <= t.expires_at;
    let state = match (t.state.as_str(), open) {
        ("SUCCESS", _) => "<p data-state=\"SUCCESS\">该订单已支付成功。</p>".to_owned(),
        (_, false) => "<p data-state=\"CLOSED\">该交易已关闭，请回到App重新发起支付。</p>".to_owned(),
        _ => format!(
            "<form method=\"post\" action=\"/sandbox/pay/{o}/pay\"><button class=\"pay\" id=\"pay\" type=\"submit\">确认支付 ¥{a}</button></form>\
             <form method=\"post\" action=\"/sandbox/pay/{o}/cancel\"><button class=\"cancel\" id=\"cancel\" type=\"submit\">取消支付</button></form>",
            o = esc(&t.out_trade_no),
            a = yuan(t.amount_fen)
        ),
    };
    let body = format!(
        "<h1>{subject}</h1><div class=\"amount\" id=\"amount\">¥{amount}</div>\
         <dl><dt>收款方</dt><dd>{merchant}</dd><dt>商户订单号</dt><dd id=\"otn\">{otn}</dd>\
         <dt>有效期至</dt><dd>{until}</dd></dl>{state}",
        subject = esc(&t.subject),
        amount = yuan(t.amount_fen),
        merchant = esc(&t.merchant),
        otn = esc(&t.out_trade_no),
        until = huiji_domain::workflow::short_time_cst(t.expires_at),
    );
    Ok(shell("支付沙箱", &body))
}

async fn pay(State(st): State<AppState>, Path(otn): Path<String>) -> Result<Response> {
    let now = st.now();
    let trade_no = format!("SBX{}", random_hex(12).to_uppercase());
    let changed = sqlx::query(
        "UPDATE sandbox_trades SET state = 'SUCCESS', trade_no = $1, paid_at = $2 \
         WHERE out_trade_no = $3 AND state = 'NOTPAY' AND expires_at >= $2",
    )
    .bind(&trade_no)
    .bind(now)
    .bind(&otn)
    .execute(&st.db.writer)
    .await?
    .rows_affected();
    let Some(t) = trade(&st, &otn).await? else {
        return Ok(not_found());
    };
    if changed == 0 {
        return page(State(st), Path(otn)).await;
    }
    spawn_delivery(&st, t.clone());
    Ok(shell(
        "支付成功",
        &format!(
            "<h1 data-state=\"SUCCESS\">支付成功</h1><div class=\"amount\">¥{}</div>\
             <p>收款方：{}</p><p>交易单号：<span id=\"trade-no\">{}</span></p><p>请回到会籍App查看缴费结果。</p>",
            yuan(t.amount_fen),
            esc(&t.merchant),
            esc(t.trade_no.as_deref().unwrap_or_default())
        ),
    ))
}

async fn cancel(State(st): State<AppState>, Path(otn): Path<String>) -> Result<Response> {
    let changed = sqlx::query(
        "UPDATE sandbox_trades SET state = 'CLOSED' WHERE out_trade_no = $1 AND state = 'NOTPAY'",
    )
    .bind(&otn)
    .execute(&st.db.writer)
    .await?
    .rows_affected();
    let Some(t) = trade(&st, &otn).await? else {
        return Ok(not_found());
    };
    if changed > 0 {
        spawn_delivery(&st, t);
    }
    Ok(shell(
        "已取消",
        "<h1 data-state=\"CLOSED\">已取消支付</h1><p>未产生扣款。可回到会籍App重新发起支付或选择线下缴费。</p>",
    ))
}

/// The notification for a trade as it stands.
pub fn notice_of(
    t_out: &str,
    state: &str,
    amount_fen: i64,
    trade_no: Option<String>,
    paid_at: Option<i64>,
) -> SandboxNotice {
    SandboxNotice {
        out_trade_no: t_out.to_owned(),
        trade_state: state.to_owned(),
        amount_fen,
        trade_no,
        success_time: paid_at,
    }
}

/// Posts the notification, retrying with backoff (1, 2, 4, 8, 16 s) until the server
/// acknowledges it, as payment companies do.
fn spawn_delivery(st: &AppState, t: Trade) {
    let st = st.clone();
    tokio::spawn(async move {
        let notice = notice_of(
            &t.out_trade_no,
            &t.state,
            t.amount_fen,
            t.trade_no.clone(),
            t.paid_at,
        );
        let Ok(body) = serde_json::to_vec(&notice) else {
            return;
        };
        let Some(key) = st.sandbox_key() else {
            return;
        };
        let mut wait = Duration::from_secs(1);
        for attempt in 1..=6 {
            let headers = signed_headers(&key, st.now(), &random_hex(16), &body);
            let sent = st
                .http
                .post(&t.notify_url)
                .headers(headers)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => return,
                Ok(r) => {
                    tracing::warn!(status = %r.status(), attempt, "sandbox notification refused")
                }
                Err(e) => tracing::warn!(error = %e, attempt, "sandbox notification not delivered"),
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
    });
}
