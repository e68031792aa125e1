//! One error type for the device side. Every variant has a stable code the UI can map to
//! a message; server errors keep the server's own `{code, message}`.

use huiji_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("local database: {0}")]
    Db(#[from] rusqlite::Error),
    /// The local database was written by a newer version of the app.
    #[error("local database schema {found} is newer than this app knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    /// The server could not be reached, or stopped answering.
    #[error("network: {0}")]
    Network(#[from] reqwest::Error),
    /// The server answered with an error status and its `{code, message}` body.
    #[error("server {status}: {code}: {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// The server answered 2xx with something this client cannot use.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// Local JSON that could not be encoded or read back.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("record not found")]
    NotFound,
    /// The record has an unresolved sync conflict; resolve it before editing again.
    #[error("the record has an unresolved conflict")]
    Conflict,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A stable code: ours, the domain rule's, or the server's.
    pub fn code(&self) -> &str {
        match self {
            Error::Db(_) => "Db",
            Error::SchemaTooNew { .. } => "SchemaTooNew",
            Error::Network(_) => "Network",
            Error::Server { code, .. } => code,
            Error::Protocol(_) => "Protocol",
            Error::Invalid(e) => e.code,
            Error::Json(_) => "Json",
            Error::NotFound => "NotFound",
            Error::Conflict => "Conflict",
        }
    }

    /// Worth trying again later: the network failed or the server had a fault. A 4xx
    /// will answer the same next time.
    pub fn is_retryable(&self) -> bool {
        match self {
            // A request that could not even be built will not build next time.
            Error::Network(e) => !e.is_builder(),
            Error::Server { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether the failed attempt reached the server; `None` when it says nothing about
    /// the network (a local failure).
    pub(crate) fn reached_server(&self) -> Option<bool> {
        match self {
            Error::Network(_) => Some(false),
            Error::Server { .. } | Error::Protocol(_) => Some(true),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_server_codes_pass_through() {
        let server = Error::Server {
            status: 401,
            code: "Unauthorized".into(),
            message: "请先登录".into(),
        };
        let cases: Vec<(Error, &str, bool)> = vec![
            (Error::NotFound, "NotFound", false),
            (Error::Conflict, "Conflict", false),
            (Error::Protocol("x".into()), "Protocol", false),
            (
                Error::SchemaTooNew { found: 9, known: 1 },
                "SchemaTooNew",
                false,
            ),
            (
                Error::Invalid(huiji_domain::sync::BODY_INVALID),
                "BodyInvalid",
                false,
            ),
            (Error::Db(rusqlite::Error::InvalidQuery), "Db", false),
            (server, "Unauthorized", false),
            (
                Error::Server {
                    status: 503,
                    code: "Unavailable".into(),
                    message: String::new(),
                },
                "Unavailable",
                true,
            ),
        ];
        for (err, code, retry) in cases {
            assert_eq!(err.code(), code, "{err}");
            assert_eq!(err.is_retryable(), retry, "{err}");
        }
    }
}
