//! `AppCore`: one per running app. Holds the store, the settings, the session and the
//! sync state; every Tauri command is a call to one of its methods.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use huiji_domain::time::today_cst;
use huiji_domain::validate::{validate_id_number, validate_name, validate_phone};
use huiji_domain::wire::{
    AccountView, LoginResponse, OrgLoginRequest, PasswordLoginRequest, ProfileRequest,
    SmsLoginRequest, SmsPurpose, SmsSendRequest, SmsSendResponse,
};

use super::home;
use super::remote::Remote;
use super::search::MemberIndex;
use super::views::*;
use crate::error::{Error, Result};
use crate::pull::Progress;
use crate::store::Store;
use crate::sync::SyncClient;

const KEY_SERVER: &str = "server_url";
const KEY_LOCALE: &str = "locale";
const KEY_TOKEN: &str = "session_token";
const KEY_SESSION: &str = "session";

/// What the background sync reports, for the shell to forward to the UI as events.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    Status(SyncStatusView),
    Progress(SyncProgress),
}

#[derive(Default)]
struct SyncRuntime {
    syncing: bool,
    progress: Option<SyncProgress>,
    /// The last attempt's failure in words for people (the store keeps the technical
    /// text for logs).
    last_error: Option<String>,
}

pub struct AppCore {
    store: Arc<Store>,
    default_server_url: String,
    search: Mutex<MemberIndex>,
    runtime: Mutex<SyncRuntime>,
    /// One sync at a time; a second request while one runs waits for it.
    sync_gate: tokio::sync::Mutex<()>,
    /// Trust list, revocations and risk regions, rebuilt when the store changes.
    trust: Mutex<Option<super::checkpoint::TrustCache>>,
    /// One flush of the workflow outbox at a time (sync and a decision may both start
    /// one).
    workflow_gate: tokio::sync::Mutex<()>,
    /// The same for the payment outbox.
    payment_gate: tokio::sync::Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The message people read for an error: the server's own words when it answered,
/// ours otherwise.
pub fn app_error(e: &Error) -> AppError {
    let message = match e {
        Error::Server { message, .. } if !message.is_empty() => message.clone(),
        Error::Server { status, .. } => format!("服务器返回错误（{status}）"),
        Error::Network(_) => "无法连接服务器，请检查网络或服务器地址".to_owned(),
        Error::Invalid(d) => d.message.to_owned(),
        Error::Db(_) | Error::SchemaTooNew { .. } => "本机数据读写失败".to_owned(),
        Error::Protocol(_) | Error::Json(_) => "服务器返回的内容无法识别".to_owned(),
        Error::NotFound => "记录不存在".to_owned(),
        Error::Conflict => "该记录有未处理的同步冲突".to_owned(),
    };
    AppError {
        code: e.code().to_owned(),
        message,
    }
}

pub(crate) fn not_logged_in() -> Error {
    Error::Server {
        status: 401,
        code: "NotLoggedIn".into(),
        message: "请先登录".into(),
    }
}

/// The server address rule: https anywhere, plain http only to this machine.
pub fn check_server_url(raw: &str) -> Result<String> {
    let bad = |msg: &'static str| Error::Server {
        status: 400,
        code: "InvalidServerUrl".into(),
        message: msg.into(),
    };
    let u = url::Url::parse(raw.trim())
        .map_err(|_| bad("服务器地址格式不正确，例如 https://huiji.example.org"))?;
    let host = u.host_str().unwrap_or("");
    match u.scheme() {
        "https" => {}
        "http" if matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1") => {}
        "http" => return Err(bad("除本机外，服务器地址必须使用 https")),
        _ => return Err(bad("服务器地址须以 https:// 开头")),
    }
    Ok(u.as_str().trim_end_matches('/').to_owned())
}

impl AppCore {
    /// Opens (or creates) the device store in `data_dir`.
    pub fn open(data_dir: &Path, default_server_url: &str) -> Result<AppCore> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| Error::Protocol(format!("cannot create {}: {e}", data_dir.display())))?;
        let store = Store::open(data_dir.join("huiji-device.db"))?;
        Ok(AppCore {
            store: Arc::new(store),
            default_server_url: default_server_url.to_owned(),
            search: Mutex::new(MemberIndex::default()),
            runtime: Mutex::new(SyncRuntime::default()),
            sync_gate: tokio::sync::Mutex::new(()),
            trust: Mutex::new(None),
            workflow_gate: tokio::sync::Mutex::new(()),
            payment_gate: tokio::sync::Mutex::new(()),
        })
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    fn now(&self) -> i64 {
        self.store.now()
    }

    pub fn server_url(&self) -> Result<String> {
        Ok(self
            .store
            .setting(KEY_SERVER)?
            .unwrap_or_else(|| self.default_server_url.clone()))
    }

    pub(crate) fn trust_slot(
        &self,
    ) -> std::sync::MutexGuard<'_, Option<super::checkpoint::TrustCache>> {
        lock(&self.trust)
    }

    pub(crate) fn payment_gate(&self) -> &tokio::sync::Mutex<()> {
        &self.payment_gate
    }

    pub(crate) fn workflow_gate(&self) -> &tokio::sync::Mutex<()> {
        &self.workflow_gate
    }

    pub(crate) fn remote(&self) -> Result<Remote> {
        Remote::new(&self.server_url()?)
    }

    pub fn session(&self) -> Result<Option<SessionView>> {
        match self.store.setting(KEY_SESSION)? {
            Some(s) => Ok(serde_json::from_str(&s).ok()),
            None => Ok(None),
        }
    }

    pub(crate) fn save_session(&self, session: &SessionView) -> Result<()> {
        self.store
            .set_setting(KEY_SESSION, Some(&serde_json::to_string(session)?))
    }

    pub(crate) fn token(&self) -> Result<String> {
        self.store.setting(KEY_TOKEN)?.ok_or_else(not_logged_in)
    }

    pub fn app_info(&self) -> Result<AppInfo> {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            server_url: self.server_url()?,
            default_server_url: self.default_server_url.clone(),
            locale: self
                .store
                .setting(KEY_LOCALE)?
                .unwrap_or_else(|| "zh-CN".to_owned()),
            session: self.session()?,
        })
    }

    pub fn set_server_url(&self, url: &str) -> Result<AppInfo> {
        let url = check_server_url(url)?;
        if self.session()?.is_some() && url != self.server_url()? {
            return Err(Error::Server {
                status: 409,
                code: "LoggedIn".into(),
                message: "请先退出登录再更换服务器".into(),
            });
        }
        self.store.set_setting(KEY_SERVER, Some(&url))?;
        self.app_info()
    }

    pub fn set_locale(&self, locale: &str) -> Result<AppInfo> {
        let locale = match locale {
            "zh-CN" | "zh" => "zh-CN",
            "en" | "en-US" => "en",
            _ => {
                return Err(Error::Server {
                    status: 400,
                    code: "UnsupportedLocale".into(),
                    message: "不支持的语言".into(),
                })
            }
        };
        self.store.set_setting(KEY_LOCALE, Some(locale))?;
        self.app_info()
    }

    /// Field-by-field checks of the registration form, before anything is sent.
    pub fn check_registration(
        &self,
        phone: &str,
        real_name: &str,
        id_number: &str,
    ) -> Vec<FieldIssue> {
        let mut out = Vec::new();
        let mut push = |field: &str, e: huiji_domain::DomainError| {
            out.push(FieldIssue {
                field: field.to_owned(),
                code: e.code.to_owned(),
                message: e.message.to_owned(),
            })
        };
        if let Err(e) = validate_phone(phone) {
            push("phone", e);
        }
        if let Err(e) = validate_name(real_name) {
            push("real_name", e);
        }
        if let Err(e) = validate_id_number(id_number, today_cst(self.now())) {
            push("id_number", e);
        }
        out
    }

    pub async fn send_sms_code(&self, phone: &str) -> Result<SmsSent> {
        self.send_code(phone, SmsPurpose::Login).await
    }

    /// Asks the server to text a code to `phone` (checked here first).
    pub(crate) async fn send_code(&self, phone: &str, purpose: SmsPurpose) -> Result<SmsSent> {
        validate_phone(phone)?;
        let r: SmsSendResponse = self
            .remote()?
            .post(
                "/api/v1/auth/sms/send",
                None,
                &SmsSendRequest {
                    phone: phone.to_owned(),
                    purpose,
                },
            )
            .await?;
        Ok(SmsSent {
            retry_after_secs: r.retry_after_secs,
            dev_code: r.dev_code,
        })
    }

    pub(crate) fn start_session(&self, login: LoginResponse) -> Result<SessionView> {
        // Another account's data never stays on a shared device.
        if let Some(prev) = self.session()? {
            if prev.account.id != login.account.id {
                self.store.clear_data()?;
            }
        }
        let session = SessionView {
            home: home::home_for(&login.account),
            account: login.account,
            logged_in_at: self.now(),
        };
        self.store.set_setting(KEY_TOKEN, Some(&login.token))?;
        self.store
            .set_setting(KEY_SESSION, Some(&serde_json::to_string(&session)?))?;
        Ok(session)
    }

    pub async fn login_sms(&self, phone: &str, code: &str) -> Result<SessionView> {
        validate_phone(phone)?;
        let r: LoginResponse = self
            .remote()?
            .post(
                "/api/v1/auth/sms/login",
                None,
                &SmsLoginRequest {
                    phone: phone.to_owned(),
                    code: code.trim().to_owned(),
                },
            )
            .await?;
        self.start_session(r)
    }

    pub async fn login_password(&self, phone: &str, password: &str) -> Result<SessionView> {
        validate_phone(phone)?;
        let r: LoginResponse = self
            .remote()?
            .post(
                "/api/v1/auth/password/login",
                None,
                &PasswordLoginRequest {
                    phone: phone.to_owned(),
                    password: password.to_owned(),
                },
            )
            .await?;
        self.start_session(r)
    }

    pub async fn login_org(&self, credit_code: &str, password: &str) -> Result<SessionView> {
        huiji_domain::validate::validate_credit_code(credit_code)?;
        let r: LoginResponse = self
            .remote()?
            .post(
                "/api/v1/auth/org/login",
                None,
                &OrgLoginRequest {
                    credit_code: credit_code.to_owned(),
                    password: password.to_owned(),
                },
            )
            .await?;
        self.start_session(r)
    }

    /// First login: real name and ID number, and (seed 002's registration) the password
    /// the person will log in with from then on. Everything is checked before anything
    /// is sent.
    pub async fn complete_profile(
        &self,
        real_name: &str,
        id_number: &str,
        password: Option<&str>,
    ) -> Result<SessionView> {
        validate_name(real_name)?;
        validate_id_number(id_number, today_cst(self.now()))?;
        if let Some(p) = password {
            huiji_domain::validate::validate_password(p)?;
        }
        let token = self.token()?;
        let account: AccountView = self
            .remote()?
            .put(
                "/api/v1/me/profile",
                Some(&token),
                &ProfileRequest {
                    real_name: real_name.to_owned(),
                    id_number: id_number.to_owned(),
                },
            )
            .await?;
        if let Some(p) = password {
            let _: serde_json::Value = self
                .remote()?
                .put(
                    "/api/v1/me/password",
                    Some(&token),
                    &huiji_domain::wire::SetPasswordRequest {
                        password: p.to_owned(),
                    },
                )
                .await?;
        }
        let mut session = self.session()?.ok_or_else(not_logged_in)?;
        session.home = home::home_for(&account);
        session.account = account;
        self.store
            .set_setting(KEY_SESSION, Some(&serde_json::to_string(&session)?))?;
        Ok(session)
    }

    /// A signed-in GET whose answer is kept under `key`: the kept copy (and `true`) when
    /// the server cannot be reached, `needs` when nothing was kept yet.
    pub(crate) async fn kept<T: serde::Serialize + serde::de::DeserializeOwned>(
        &self,
        key: &str,
        path: &str,
        needs: huiji_domain::DomainError,
    ) -> Result<(T, bool)> {
        let token = self.token()?;
        let fetched: Result<T> = async { self.remote()?.get(path, Some(&token)).await }.await;
        match fetched {
            Ok(v) => {
                self.store
                    .set_setting(key, Some(&serde_json::to_string(&v)?))?;
                Ok((v, false))
            }
            Err(Error::Network(e)) => match self.store.setting(key)? {
                Some(s) => Ok((serde_json::from_str(&s)?, true)),
                None => Err(super::dues::offline_as(Error::Network(e), needs)),
            },
            Err(e) => Err(e),
        }
    }

    /// Signs out: the token is revoked when the server can be reached, and the device
    /// forgets the account's data either way.
    pub async fn logout(&self) -> Result<AppInfo> {
        if let Ok(token) = self.token() {
            let revoked: Result<serde_json::Value> = self
                .remote()?
                .post("/api/v1/auth/logout", Some(&token), &serde_json::json!({}))
                .await;
            if let Err(e) = revoked {
                tracing::info!(error = %e, "logout: token not revoked on the server (offline?)");
            }
        }
        self.store.set_setting(KEY_TOKEN, None)?;
        self.store.set_setting(KEY_SESSION, None)?;
        self.store.clear_data()?;
        self.app_info()
    }

    pub fn home_summary(&self) -> Result<HomeSummary> {
        let session = self.session()?.ok_or_else(not_logged_in)?;
        let now = self.now();
        self.store.ensure_request_index()?;
        self.store
            .with_conn(|c| home::summary(c, &session.account, now))
    }

    pub fn search_members(&self, query: &MemberQuery) -> Result<MemberPage> {
        self.session()?.ok_or_else(not_logged_in)?;
        lock(&self.search).search(&self.store, query)
    }

    /// Whether the server answers `/healthz` right now (a cheap probe while offline).
    pub async fn server_reachable(&self) -> bool {
        match self.remote() {
            Ok(r) => r.get::<serde_json::Value>("/healthz", None).await.is_ok(),
            Err(_) => false,
        }
    }

    pub fn sync_status(&self) -> Result<SyncStatusView> {
        let s = self.store.status()?;
        // Applications and decisions waiting to be sent, and people registered at a
        // checkpoint while offline, count as pending changes too: all of it is lost if
        // the user logs out before it is sent.
        let queued: i64 = self.store.with_conn(|c| {
            Ok(c.prepare_cached(
                "SELECT (SELECT COUNT(*) FROM workflow_outbox WHERE state = 'queued') \
                 + (SELECT COUNT(*) FROM payment_outbox WHERE state = 'queued') \
                 + (SELECT COUNT(*) FROM assisted_outbox)",
            )?
            .query_row([], |r| r.get(0))?)
        })?;
        let rt = lock(&self.runtime);
        Ok(SyncStatusView {
            online: s.online,
            syncing: rt.syncing,
            last_success_ms: s.last_success_ms,
            pending: (s.pending + queued.max(0) as u64) as u32,
            rejected: s.rejected as u32,
            conflicts: s.conflicts as u32,
            last_error: match (&rt.last_error, s.last_error) {
                (Some(msg), Some(_)) => Some(msg.clone()),
                (None, Some(_)) => Some("上次同步未完成".to_owned()),
                (_, None) => None,
            },
            progress: rt.progress,
        })
    }

    /// Push, pull, push; reports progress through `events`. Errors end up in the
    /// status (online flag, last error), which is also returned.
    pub async fn sync_now(
        &self,
        events: &(dyn Fn(SyncEvent) + Send + Sync),
    ) -> Result<SyncStatusView> {
        let token = self.token()?;
        let _one_at_a_time = self.sync_gate.lock().await;
        let client = SyncClient::new(&self.server_url()?, &token)?.with_pull_limit(2000);
        lock(&self.runtime).syncing = true;
        events(SyncEvent::Status(self.sync_status()?));
        // People registered at a checkpoint while offline go first: the scans that
        // count them follow in the push.
        if let Err(e) = self.flush_assisted().await {
            tracing::info!(error = %e, "assisted registrations not sent yet");
        }
        // Applications and decisions made offline go before the pull, so what the
        // server made of them comes down with it.
        if let Err(e) = self.flush_workflow().await {
            tracing::info!(error = %e, "queued applications and decisions not sent yet");
        }
        if let Err(e) = self.flush_payments().await {
            tracing::info!(error = %e, "queued payments not sent yet");
        }
        if let Err(e) = self.flush_activities().await {
            tracing::info!(error = %e, "queued check-ins, answers and entries not sent yet");
        }
        let result = client
            .sync_with_progress(&self.store, |p: Progress| {
                let p = SyncProgress {
                    rows: p.rows as u32,
                    cursor: p.cursor,
                    server_seq: p.server_seq,
                };
                lock(&self.runtime).progress = Some(p);
                events(SyncEvent::Progress(p));
            })
            .await;
        {
            let mut rt = lock(&self.runtime);
            rt.syncing = false;
            rt.progress = None;
            rt.last_error = result.as_ref().err().map(|e| match e {
                Error::Network(_) => "无法连接服务器，正在使用本机数据".to_owned(),
                other => app_error(other).message,
            });
        }
        if let Err(e) = &result {
            tracing::info!(error = %e, "sync failed");
        }
        let status = self.sync_status()?;
        events(SyncEvent::Status(status.clone()));
        Ok(status)
    }
}
