/// One failure, one stable code, one Chinese message (English second).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{code}: {message}")]
pub struct DomainError {
    pub code: &'static str,
    pub message: &'static str,
    pub message_en: &'static str,
}

pub type Result<T> = std::result::Result<T, DomainError>;

impl DomainError {
    pub const fn new(code: &'static str, message: &'static str, message_en: &'static str) -> Self {
        Self {
            code,
            message,
            message_en,
        }
    }
}
