//! SMS goes through a provider: the development one logs the code; the HTTP one posts
//! to a configured gateway.

use std::future::Future;
use std::pin::Pin;

use crate::error::{ApiError, Result};

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

pub trait SmsProvider: Send + Sync + 'static {
    fn send<'a>(&'a self, phone: &'a str, message: &'a str) -> SendFuture<'a>;
}

/// Logs messages instead of sending them (phone masked in the log).
pub struct DevSms;

impl SmsProvider for DevSms {
    fn send<'a>(&'a self, phone: &'a str, message: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(phone = %huiji_domain::mask::mask_phone(phone), %message, "SMS (development provider, not sent)");
            Ok(())
        })
    }
}

/// POSTs `{"phone": …, "message": …}` to a gateway URL; any 2xx is success.
pub struct HttpSms {
    pub url: String,
    pub client: reqwest::Client,
}

impl SmsProvider for HttpSms {
    fn send<'a>(&'a self, phone: &'a str, message: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            let resp = self
                .client
                .post(&self.url)
                .json(&serde_json::json!({ "phone": phone, "message": message }))
                .send()
                .await
                .map_err(|e| ApiError::internal(format!("SMS gateway unreachable: {e}")))?;
            if !resp.status().is_success() {
                return Err(ApiError::internal(format!(
                    "SMS gateway answered {}",
                    resp.status()
                )));
            }
            Ok(())
        })
    }
}
