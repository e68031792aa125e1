//! The one error every command returns: `{ "code": "StableCode", "message": "…" }`,
//! the shape `ui/src/lib/api.ts` expects (`AppError`).

use huiji_offline::app::{app_error, AppError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CmdError(pub AppError);

impl From<huiji_offline::Error> for CmdError {
    fn from(e: huiji_offline::Error) -> Self {
        CmdError(app_error(&e))
    }
}

impl From<huiji_domain::DomainError> for CmdError {
    fn from(e: huiji_domain::DomainError) -> Self {
        CmdError(AppError {
            code: e.code.to_owned(),
            message: e.message.to_owned(),
        })
    }
}

pub type CmdResult<T> = Result<T, CmdError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_as_code_and_message() {
        let e: CmdError = huiji_offline::Error::Server {
            status: 401,
            code: "LoginFailed".into(),
            message: "手机号或密码错误".into(),
        }
        .into();
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"LoginFailed","message":"手机号或密码错误"}"#
        );
        let e: CmdError = huiji_domain::validate::validate_phone("12")
            .unwrap_err()
            .into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 2);
        assert!(v["code"].as_str().unwrap().starts_with("Phone"));
    }
}
