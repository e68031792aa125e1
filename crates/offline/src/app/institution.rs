//! Institution accounts (seed 003): 在校师生 log in with 工号/学号 and the school's
//! password; an unbound number binds a phone of the person's own (SMS code) and the
//! session starts; a bound person may unbind (e.g. before binding a new 学号 after
//! 本科生读研). Everything here needs the server; the bindings last seen are kept so the
//! profile shows them offline.

use huiji_domain::validate::{check_institution_number, validate_phone, PASSWORD_REQUIRED};
pub use huiji_domain::wire::IdentityKind;
use huiji_domain::wire::{
    InstitutionBindRequest, InstitutionBindingView as BindingAnswer, InstitutionLoginRequest,
    InstitutionLoginResponse, InstitutionUnbindRequest, InstitutionUnbindResponse, LoginResponse,
};
use huiji_domain::DomainError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::core::{not_logged_in, AppCore};
use super::home;
use super::views::SessionView;
use crate::error::{Error, Result};

const KEY_BINDINGS: &str = "institution_bindings";

pub const INSTITUTION_REQUIRED: DomainError = DomainError::new(
    "InstitutionRequired",
    "请选择学校",
    "Choose the institution",
);
pub const CODE_REQUIRED: DomainError =
    DomainError::new("SmsCodeRequired", "请输入短信验证码", "Enter the SMS code");

/// An institution whose staff and students log in with their numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstitutionOption {
    pub id: String,
    pub name: String,
}

/// What a number's login gives: a session (bound), or the binding step (unbound) with
/// its ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstitutionLoginView {
    pub session: Option<SessionView>,
    pub needs_binding: bool,
    /// For `institution_bind`, good for ten minutes.
    pub ticket: Option<String>,
    #[ts(type = "number | null")]
    pub ticket_expires_at: Option<i64>,
    /// Whose number it is, masked ("林**").
    pub name_masked: String,
    pub kind: IdentityKind,
    pub number: String,
    pub institution_id: String,
    pub institution_name: String,
}

/// One of the signed-in person's bound numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstitutionBindingView {
    pub institution_id: String,
    pub institution_name: String,
    pub number: String,
    pub kind: IdentityKind,
    pub real_name: String,
    #[ts(type = "number")]
    pub bound_at: i64,
    /// active | retired
    pub status: String,
}

/// A binding undone; `session` is the signed-in person's session after it (the member
/// grant the binding gave is gone), when it was theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstitutionUnbindView {
    pub institution_name: String,
    pub number: String,
    pub kind: IdentityKind,
    pub session: Option<SessionView>,
}

pub fn decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        InstitutionOption::decl(cfg),
        IdentityKind::decl(cfg),
        InstitutionLoginView::decl(cfg),
        InstitutionBindingView::decl(cfg),
        InstitutionUnbindView::decl(cfg),
    ]
}

fn institution_id(s: &str) -> Result<Uuid> {
    let s = s.trim();
    if s.is_empty() {
        return Err(INSTITUTION_REQUIRED.into());
    }
    Uuid::parse_str(s).map_err(|_| INSTITUTION_REQUIRED.into())
}

impl AppCore {
    /// The institutions offering 在校师生 login (no login needed).
    pub async fn institutions_list(&self) -> Result<Vec<InstitutionOption>> {
        let list: Vec<InstitutionOption> = self.remote()?.get("/api/v1/institutions", None).await?;
        Ok(list)
    }

    /// 工号/学号 + password. Bound: the session starts. Unbound: the binding step's
    /// ticket. Checked here first, field by field.
    pub async fn institution_login(
        &self,
        institution: &str,
        number: &str,
        password: &str,
    ) -> Result<InstitutionLoginView> {
        let institution_id = institution_id(institution)?;
        let number = check_institution_number(number)?;
        if password.is_empty() {
            return Err(PASSWORD_REQUIRED.into());
        }
        let request = InstitutionLoginRequest {
            institution_id,
            number,
            password: password.to_string(),
        };
        let a: InstitutionLoginResponse = self
            .remote()?
            .post("/api/v1/institutions/login", None, &request)
            .await?;
        let session = match (a.needs_binding, a.token, a.expires_at, a.account) {
            (false, Some(token), Some(expires_at), Some(account)) => {
                let s = self.start_session(LoginResponse {
                    token,
                    expires_at,
                    account,
                })?;
                self.refresh_bindings().await;
                Some(s)
            }
            (false, ..) => {
                return Err(Error::Protocol(
                    "institution login: no token for a bound number".into(),
                ))
            }
            (true, ..) => None,
        };
        Ok(InstitutionLoginView {
            session,
            needs_binding: a.needs_binding,
            ticket: a.ticket,
            ticket_expires_at: a.ticket_expires_at,
            name_masked: a.name_masked,
            kind: a.kind,
            number: a.number,
            institution_id: a.institution_id.to_string(),
            institution_name: a.institution_name,
        })
    }

    /// Binds the ticket's number to `phone` (the person's own; the code from
    /// `send_sms_code`) and starts the session.
    pub async fn institution_bind(
        &self,
        ticket: &str,
        phone: &str,
        code: &str,
    ) -> Result<SessionView> {
        let phone = validate_phone(phone)?;
        if code.trim().is_empty() {
            return Err(CODE_REQUIRED.into());
        }
        let request = InstitutionBindRequest {
            ticket: ticket.trim().to_string(),
            phone: phone.as_str().to_string(),
            sms_code: code.trim().to_string(),
        };
        let login: LoginResponse = self
            .remote()?
            .post("/api/v1/institutions/bind", None, &request)
            .await?;
        let session = self.start_session(login)?;
        self.refresh_bindings().await;
        Ok(session)
    }

    /// Undoes a binding: with number and password, or (both None, signed in) the
    /// person's own binding at the institution. The session follows the change.
    pub async fn institution_unbind(
        &self,
        institution: &str,
        number: Option<&str>,
        password: Option<&str>,
    ) -> Result<InstitutionUnbindView> {
        let mut request = InstitutionUnbindRequest {
            institution_id: institution_id(institution)?,
            number: None,
            password: None,
        };
        if number.is_some() || password.is_some() {
            let number = check_institution_number(number.unwrap_or_default())?;
            let password = password.unwrap_or_default();
            if password.is_empty() {
                return Err(PASSWORD_REQUIRED.into());
            }
            request.number = Some(number);
            request.password = Some(password.to_string());
        }
        let token = self.token().ok();
        if token.is_none() && request.number.is_none() {
            return Err(not_logged_in());
        }
        let a: InstitutionUnbindResponse = self
            .remote()?
            .post("/api/v1/institutions/unbind", token.as_deref(), &request)
            .await?;
        let session = match (a.account, self.session()?) {
            (Some(account), Some(mut s)) if s.account.id == account.id => {
                s.home = home::home_for(&account);
                s.account = account;
                self.save_session(&s)?;
                Some(s)
            }
            _ => None,
        };
        if token.is_some() {
            self.refresh_bindings().await;
        }
        Ok(InstitutionUnbindView {
            institution_name: a.institution_name,
            number: a.number,
            kind: a.kind,
            session,
        })
    }

    /// The signed-in person's bound numbers: from the server, else as last seen here.
    pub async fn institution_bindings(&self) -> Result<Vec<InstitutionBindingView>> {
        let token = self.token()?;
        match self.fetch_bindings(&token).await {
            Ok(list) => Ok(list),
            Err(Error::Network(e)) => {
                tracing::info!(error = %e, "bindings: showing the copy on this device");
                self.kept_bindings()
            }
            Err(e) => Err(e),
        }
    }

    async fn fetch_bindings(&self, token: &str) -> Result<Vec<InstitutionBindingView>> {
        let list: Vec<BindingAnswer> = self
            .remote()?
            .get("/api/v1/institutions/bindings", Some(token))
            .await?;
        let list: Vec<InstitutionBindingView> = list
            .into_iter()
            .map(|b| InstitutionBindingView {
                institution_id: b.institution_id.to_string(),
                institution_name: b.institution_name,
                number: b.number,
                kind: b.kind,
                real_name: b.real_name,
                bound_at: b.bound_at,
                status: b.status,
            })
            .collect();
        // Kept under the account's id: another account on this device never sees them.
        if let Some(s) = self.session()? {
            let kept = serde_json::json!({"account_id": s.account.id, "bindings": list});
            self.store()
                .set_setting(KEY_BINDINGS, Some(&kept.to_string()))?;
        }
        Ok(list)
    }

    fn kept_bindings(&self) -> Result<Vec<InstitutionBindingView>> {
        let me = self.session()?.ok_or_else(not_logged_in)?.account.id;
        let kept: Option<serde_json::Value> = self
            .store()
            .setting(KEY_BINDINGS)?
            .and_then(|s| serde_json::from_str(&s).ok());
        Ok(kept
            .filter(|k| k["account_id"].as_str() == Some(me.to_string().as_str()))
            .and_then(|k| serde_json::from_value(k["bindings"].clone()).ok())
            .unwrap_or_default())
    }

    /// After a login or a change: the bindings kept for offline display (best effort).
    async fn refresh_bindings(&self) {
        let Ok(token) = self.token() else { return };
        if let Err(e) = self.fetch_bindings(&token).await {
            tracing::info!(error = %e, "bindings not refreshed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_institution_is_asked_for() {
        let e = institution_id(" ").unwrap_err();
        assert_eq!(e.code(), "InstitutionRequired");
        let e = institution_id("x").unwrap_err();
        assert_eq!(e.code(), "InstitutionRequired");
    }
}
