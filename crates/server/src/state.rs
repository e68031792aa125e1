use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::pay::sandbox::Sandbox;
use crate::pay::PaymentProvider;
use crate::sms::SmsProvider;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub sms: Arc<dyn SmsProvider>,
    pub config: Arc<Config>,
    /// The online payment provider; `None`: online payment is not offered.
    pub pay: Option<Arc<dyn PaymentProvider>>,
    /// The sandbox, when it is the provider (its merchant key signs notifications).
    pub sandbox: Option<Arc<Sandbox>>,
    /// Outgoing HTTP (the sandbox's notifications).
    pub http: reqwest::Client,
    /// `http://host:port` as clients reach this server, learnt when it starts listening
    /// unless `--public-url` says it.
    pub listening_at: Arc<OnceLock<String>>,
    /// Decoding proof images is heavy: a few at a time, on blocking threads.
    pub image_gate: Arc<Semaphore>,
}

impl AppState {
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The base of links the server hands out (payment pages, notify URLs).
    pub fn public_url(&self) -> String {
        if let Some(u) = &self.config.public_url {
            return u.trim_end_matches('/').to_owned();
        }
        self.listening_at
            .get()
            .cloned()
            .unwrap_or_else(|| format!("http://{}", self.config.listen))
    }

    pub fn sandbox_key(&self) -> Option<Vec<u8>> {
        self.sandbox.as_ref().map(|s| s.key().to_vec())
    }
}
