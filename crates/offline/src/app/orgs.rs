//! Attachments, the applicant's SMS confirmation, organisation registration (no login)
//! and an organisation's profile. All need the server; files uploaded or opened here
//! are kept so an application shows its attachments offline.

use huiji_domain::wire::{AccountView, OrgRegisterRequest, OrgRegisterStatus, SmsSendResponse};
use huiji_domain::workflow::{
    clean_file_name, sniff_attachment, validate_org_profile, Attachment, OrgProfile,
    OrgRegistrationForm, NOT_AGREED,
};
use huiji_domain::DomainError;
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

use super::core::{not_logged_in, AppCore};
use super::remote::query_value;
use super::views::{SessionView, SmsSent};
use super::workflow::views::{AttachmentData, UnitOption};
use crate::error::{Error, Result};

pub const UPLOAD_OFFLINE: DomainError = DomainError::new(
    "UploadOffline",
    "上传附件需要联网，请连接网络后再试",
    "Uploading an attachment needs the network",
);
pub const ATTACHMENT_OFFLINE: DomainError = DomainError::new(
    "AttachmentOffline",
    "该附件未保存在本机，请联网后查看",
    "This attachment is not on this device; connect to view it",
);
pub const QUERY_REQUIRED: DomainError = DomainError::new(
    "QueryRequired",
    "请输入统一社会信用代码或手机号",
    "Enter a credit code or a phone number",
);

/// Files kept for offline display, at most (oldest dropped first).
const CACHE_MAX_BYTES: i64 = 64 * 1024 * 1024;

fn bad_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| Error::Server {
        status: 400,
        code: "BadId".into(),
        message: "编号格式不正确".into(),
    })
}

/// Standard base64 with padding (RFC 4648), for the webview's data URLs.
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// A server-side failure to reach the network, said as `offline`.
fn offline_as(e: Error, offline: DomainError) -> Error {
    match e {
        Error::Network(_) => Error::Invalid(offline),
        other => other,
    }
}

impl AppCore {
    fn cache_attachment(&self, id: Uuid, name: &str, mime: &str, bytes: &[u8]) -> Result<()> {
        let now = self.store().now();
        self.store().write(|tx| {
            tx.prepare_cached(
                "INSERT INTO attachment_cache (id, name, mime, bytes, cached_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET cached_at = excluded.cached_at",
            )?
            .execute(params![id.to_string(), name, mime, bytes, now])?;
            // Oldest out while the cache is over its size.
            tx.execute(
                "DELETE FROM attachment_cache WHERE id IN ( \
                   SELECT id FROM (SELECT id, SUM(length(bytes)) OVER (ORDER BY cached_at DESC, id DESC) AS total \
                   FROM attachment_cache) WHERE total > ?1)",
                [CACHE_MAX_BYTES],
            )?;
            Ok(())
        })
    }

    /// Uploads a file for a request: its type is read from its content here first
    /// (PDF, JPEG, PNG, WebP; at most 5 MB), then it goes to the server. Online only.
    pub async fn attachment_upload(&self, name: &str, bytes: Vec<u8>) -> Result<Attachment> {
        let mime = sniff_attachment(&bytes)?;
        let name = clean_file_name(name);
        let token = self.token()?;
        let a: Attachment = self
            .remote()?
            .post_bytes(
                &format!("/api/v1/attachments?name={}", query_value(&name)),
                Some(&token),
                mime,
                bytes.clone(),
            )
            .await
            .map_err(|e| offline_as(e, UPLOAD_OFFLINE))?;
        if let Err(e) = self.cache_attachment(a.id, &a.name, &a.mime, &bytes) {
            tracing::warn!(error = %e, "attachment not kept on the device");
        }
        Ok(a)
    }

    /// An attachment's content: from the device when it has it, else from the server
    /// (then kept).
    pub async fn attachment_fetch(&self, id: &str) -> Result<AttachmentData> {
        let id = bad_id(id)?;
        let cached: Option<(String, String, Vec<u8>)> = self.store().with_conn(|c| {
            Ok(
                c.prepare_cached("SELECT name, mime, bytes FROM attachment_cache WHERE id = ?1")?
                    .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?,
            )
        })?;
        if let Some((name, mime, bytes)) = cached {
            return Ok(AttachmentData {
                name,
                mime,
                base64: base64(&bytes),
            });
        }
        let token = self.token()?;
        let f = self
            .remote()?
            .get_bytes(&format!("/api/v1/attachments/{id}"), Some(&token))
            .await
            .map_err(|e| offline_as(e, ATTACHMENT_OFFLINE))?;
        // The name the request lists it under, else the server's.
        let listed: Option<String> = self.store().with_conn(|c| {
            Ok(c.prepare_cached(
                "SELECT json_extract(a.value, '$.name') FROM records r, json_each(r.body, '$.attachments') a \
                 WHERE r.kind = 'request' AND json_extract(a.value, '$.id') = ?1 LIMIT 1",
            )?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?
            .flatten())
        })?;
        let name = listed.or(f.name).unwrap_or_else(|| "附件".to_owned());
        let mime = sniff_attachment(&f.bytes)
            .map(str::to_owned)
            .ok()
            .or(f.mime)
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        if let Err(e) = self.cache_attachment(id, &name, &mime, &f.bytes) {
            tracing::warn!(error = %e, "attachment not kept on the device");
        }
        Ok(AttachmentData {
            name,
            mime,
            base64: base64(&f.bytes),
        })
    }

    /// Has the server text a confirmation code (purpose verify) to the user's own
    /// phone, for an application's SMS confirmation. The phone never leaves the server.
    pub async fn send_verify_code(&self) -> Result<SmsSent> {
        let token = self.token()?;
        let r: SmsSendResponse = self
            .remote()?
            .post(
                "/api/v1/sms/verify-code",
                Some(&token),
                &serde_json::json!({}),
            )
            .await?;
        Ok(SmsSent {
            retry_after_secs: r.retry_after_secs,
            dev_code: r.dev_code,
        })
    }

    /// The associations an organisation may register with (no login).
    pub async fn org_associations(&self) -> Result<Vec<UnitOption>> {
        let list: Vec<serde_json::Value> = self
            .remote()?
            .get("/api/v1/org-registrations/associations", None)
            .await?;
        let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
        Ok(list
            .iter()
            .map(|v| {
                let strings = |k: &str| -> Vec<String> {
                    v[k].as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|s| s.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                UnitOption {
                    id: text(v, "id"),
                    name: text(v, "name"),
                    kind: v["kind"].as_str().unwrap_or("association").to_owned(),
                    path_names: strings("path_names"),
                    has_children: false,
                    levels: strings("levels"),
                }
            })
            .filter(|u| !u.id.is_empty())
            .collect())
    }

    /// 单位注册 (seed 001 §2.1): checked here, then sent (no login).
    pub async fn org_register(
        &self,
        association_id: &str,
        form: &OrgRegistrationForm,
        password: &str,
        agreed: bool,
    ) -> Result<OrgRegisterStatus> {
        let association_id = bad_id(association_id)?;
        // The association's levels are on the server; the user type is checked there.
        huiji_domain::workflow::parse_org_registration(
            &serde_json::to_value(form)?,
            std::slice::from_ref(&form.user_type),
        )?;
        huiji_domain::validate::validate_password(password)?;
        if !agreed {
            return Err(NOT_AGREED.into());
        }
        self.remote()?
            .post(
                "/api/v1/org-registrations",
                None,
                &OrgRegisterRequest {
                    association_id,
                    form: form.clone(),
                    password: password.to_owned(),
                    agreed,
                },
            )
            .await
    }

    /// Where a registration stands, by credit code or phone (no login).
    pub async fn org_register_status(&self, q: &str) -> Result<OrgRegisterStatus> {
        let q = q.trim();
        if q.is_empty() {
            return Err(QUERY_REQUIRED.into());
        }
        self.remote()?
            .get(
                &format!("/api/v1/org-registrations/status?q={}", query_value(q)),
                None,
            )
            .await
    }

    pub async fn org_profile_get(&self) -> Result<OrgProfile> {
        let token = self.token()?;
        self.remote()?
            .get("/api/v1/org/profile", Some(&token))
            .await
    }

    /// Saves the organisation's profile (checked here first); the session then no
    /// longer asks for it.
    pub async fn org_profile_save(&self, profile: &OrgProfile) -> Result<SessionView> {
        validate_org_profile(profile)?;
        let token = self.token()?;
        let answer: serde_json::Value = self
            .remote()?
            .put("/api/v1/org/profile", Some(&token), profile)
            .await?;
        let mut session = self.session()?.ok_or_else(not_logged_in)?;
        match serde_json::from_value::<AccountView>(answer) {
            Ok(account) => {
                session.home = super::home::home_for(&account);
                session.account = account;
            }
            Err(_) => session.account.needs_profile = false,
        }
        self.save_session(&session)?;
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }
}
