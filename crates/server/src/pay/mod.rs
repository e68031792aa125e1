//! Payment providers (线上缴费). The server talks to a provider through one trait: start
//! a trade (where the payer goes to pay), verify and read a notification the provider
//! sends back, ask for a trade's state when a notification may have been lost, and
//! answer the provider the way it expects. The demo's provider is the local sandbox
//! (`sandbox`), which plays the payment company: a payment page, a trade table, and
//! signed notifications posted back to the server.
//!
//! A WeChat Pay (v3) or Alipay adapter implements the same four things — see the README
//! ("Online payment providers") for what each must do.

pub mod sandbox;

use std::future::Future;
use std::pin::Pin;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huiji_domain::dues::ProviderEvent;
use huiji_domain::DomainError;

use crate::error::{ApiError, Result};
use crate::state::AppState;

pub type PayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// What the server asks the provider to collect.
#[derive(Debug, Clone)]
pub struct PayIntent {
    /// Our trade number (32 characters at most: WeChat's limit).
    pub out_trade_no: String,
    pub amount_fen: i64,
    /// "2026年度会费 · 江苏省互联网协会".
    pub subject: String,
    /// The unit that receives the money.
    pub merchant: String,
    /// Where the provider posts its notification.
    pub notify_url: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct PayStart {
    /// A page to open, or to show as a QR code for the payer's phone.
    pub pay_url: String,
}

/// A notification whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Refused if seen before (see `payment_nonces`).
    pub nonce: String,
    pub out_trade_no: String,
    pub event: ProviderEvent,
}

pub trait PaymentProvider: Send + Sync + 'static {
    /// The name in URLs and records: "sandbox", "wechat", "alipay".
    fn name(&self) -> &'static str;
    /// What the payer reads: "在线支付（沙箱）".
    fn label_zh(&self) -> &'static str;
    fn start<'a>(&'a self, st: &'a AppState, intent: &'a PayIntent) -> PayFuture<'a, PayStart>;
    /// Checks the signature and freshness of a notification and reads it. Pure: no
    /// database (the nonce is checked by the caller in its transaction).
    fn verify(&self, headers: &HeaderMap, body: &[u8], now_ms: i64) -> Result<Verified>;
    /// The trade's state at the provider, for a notification that never came.
    fn query<'a>(
        &'a self,
        st: &'a AppState,
        out_trade_no: &'a str,
    ) -> PayFuture<'a, Option<ProviderEvent>>;
    /// The answer that tells the provider to stop retrying.
    fn ack(&self) -> Response;
}

/// How long a trade stays open at the provider.
pub const TRADE_TTL_MS: i64 = 30 * 60 * 1000;
/// How far a notification's timestamp may be from the server's clock.
pub const NOTIFY_WINDOW_MS: i64 = 5 * 60 * 1000;

pub const ONLINE_UNAVAILABLE: DomainError = DomainError::new(
    "OnlinePayUnavailable",
    "暂未开通在线支付，请使用线下缴费",
    "Online payment is not available; pay offline",
);

pub fn signature_invalid() -> ApiError {
    ApiError::client(
        StatusCode::UNAUTHORIZED,
        "NotifySignatureInvalid",
        "支付通知签名验证失败，已拒绝",
    )
}

pub fn notify_expired() -> ApiError {
    ApiError::client(
        StatusCode::BAD_REQUEST,
        "NotifyExpired",
        "支付通知的时间戳已过期，已拒绝",
    )
}

pub fn notify_replayed() -> ApiError {
    ApiError::client(
        StatusCode::CONFLICT,
        "NotifyReplayed",
        "该支付通知已处理过（重放），已拒绝",
    )
}

pub fn notify_malformed() -> ApiError {
    ApiError::bad_request("NotifyMalformed", "支付通知内容格式不正确")
}
