//! The few non-sync calls the app makes to the server: sign-in and profile. Sync has its
//! own client with retries; these are answered at once, success or a clear error.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::sync::server_error;

#[derive(Clone)]
pub(crate) struct Remote {
    http: reqwest::Client,
    base: String,
}

impl Remote {
    pub(crate) fn new(base: &str) -> Result<Remote> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .use_rustls_tls()
            .build()?;
        Ok(Remote {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        token: Option<&str>,
    ) -> Result<T> {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let resp = req.send().await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if !status.is_success() {
            return Err(server_error(status.as_u16(), &bytes));
        }
        if bytes.is_empty() {
            return serde_json::from_slice(b"null").map_err(|e| Error::Protocol(e.to_string()));
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Protocol(format!("unreadable {status} answer: {e}")))
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<T> {
        let req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .json(body);
        self.send(req, token).await
    }

    pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<T> {
        self.send_json(reqwest::Method::POST, path, token, body)
            .await
    }

    pub(crate) async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<T> {
        self.send_json(reqwest::Method::PUT, path, token, body)
            .await
    }

    /// POSTs a text body (a CSV file) with its content type.
    pub(crate) async fn post_text<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: String,
    ) -> Result<T> {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.send(req, token).await
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<T> {
        self.send(self.http.get(format!("{}{path}", self.base)), token)
            .await
    }
}
