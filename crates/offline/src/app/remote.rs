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

    /// POSTs raw bytes (an attachment) with their content type.
    pub(crate) async fn post_bytes<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<T> {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.send(req, token).await
    }

    /// PUTs raw bytes (a piece of an upload).
    pub(crate) async fn put_bytes<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<T> {
        let req = self
            .http
            .put(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(body);
        self.send(req, token).await
    }

    /// GETs a file: its bytes, content type and the file name the server gives.
    pub(crate) async fn get_bytes(&self, path: &str, token: Option<&str>) -> Result<Fetched> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let mime = header(reqwest::header::CONTENT_TYPE);
        let name = header(reqwest::header::CONTENT_DISPOSITION)
            .as_deref()
            .and_then(disposition_file_name);
        let bytes = resp.bytes().await?;
        if !status.is_success() {
            return Err(server_error(status.as_u16(), &bytes));
        }
        Ok(Fetched {
            bytes: bytes.to_vec(),
            mime,
            name,
        })
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<T> {
        self.send(self.http.get(format!("{}{path}", self.base)), token)
            .await
    }

    pub(crate) async fn delete<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<T> {
        self.send(self.http.delete(format!("{}{path}", self.base)), token)
            .await
    }
}

pub(crate) struct Fetched {
    pub bytes: Vec<u8>,
    pub mime: Option<String>,
    pub name: Option<String>,
}

/// The file name of a `Content-Disposition` header: `filename*=UTF-8''…` (percent
/// encoded) first, else `filename="…"`.
fn disposition_file_name(h: &str) -> Option<String> {
    let parts = h.split(';').map(str::trim);
    let mut plain = None;
    for p in parts {
        if let Some(v) = p.strip_prefix("filename*=") {
            let v = v.trim_matches('"');
            let enc = v.split_once("''").map_or(v, |(_, rest)| rest);
            let bytes: Vec<u8> =
                url::form_urlencoded::parse(format!("x={}", enc.replace('+', "%2B")).as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned().into_bytes())
                    .unwrap_or_default();
            if let Ok(s) = String::from_utf8(bytes) {
                if !s.is_empty() {
                    return Some(s);
                }
            }
        } else if let Some(v) = p.strip_prefix("filename=") {
            plain = Some(v.trim_matches('"').to_owned());
        }
    }
    plain.filter(|s| !s.is_empty())
}

/// A query-string value, percent-encoded.
pub(crate) fn query_value(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_either_form_of_content_disposition() {
        assert_eq!(
            disposition_file_name("attachment; filename*=UTF-8''%E4%BB%8B%E7%BB%8D%E4%BF%A1.pdf"),
            Some("介绍信.pdf".to_owned())
        );
        assert_eq!(
            disposition_file_name(r#"inline; filename="letter.pdf""#),
            Some("letter.pdf".to_owned())
        );
        assert_eq!(disposition_file_name("inline"), None);
        assert_eq!(query_value("江苏 a&b"), "%E6%B1%9F%E8%8B%8F+a%26b");
    }
}
