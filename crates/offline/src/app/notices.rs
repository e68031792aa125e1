//! News and notices on the device: a secretary publishes (online; the record then syncs
//! to everyone under the node, who read it offline), and a member's subscription
//! settings (消息订阅) for SMS.

use huiji_domain::sync::{validate_body, NoticeBody, NoticeKind, RecordKind};
use huiji_domain::workflow::NotifyPrefs;
use huiji_domain::DomainError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dues::{bad_id, offline_as};
use super::AppCore;
use crate::Result;

pub const NOTICE_NEEDS_NETWORK: DomainError = DomainError::new(
    "NoticeNeedsNetwork",
    "发布通知和修改消息订阅需要联网，请连接网络后再试",
    "Publishing and subscription settings need the network",
);

/// A notice or news item to publish (`id` made once per form by the screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NoticeForm {
    pub id: String,
    pub node_id: String,
    pub kind: NoticeKind,
    pub title: String,
    pub content: String,
    #[ts(optional)]
    pub cover: Option<String>,
    pub important: bool,
}

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NoticePublished {
    pub id: String,
    /// Members told in their inbox (important notices).
    pub notified: u32,
}

#[derive(Deserialize)]
struct Answer {
    record: huiji_domain::wire::Record,
    notified: u32,
}

impl AppCore {
    /// Publishes a notice (checked here first with the sync rules); the next sync brings
    /// it to this device's lists.
    pub async fn notice_publish(&self, f: &NoticeForm) -> Result<NoticePublished> {
        let id = bad_id(&f.id)?;
        let node = bad_id(&f.node_id)?;
        let cover = f.cover.as_deref().map(bad_id).transpose()?;
        let body = NoticeBody {
            title: f.title.trim().to_owned(),
            content: f.content.trim().to_owned(),
            kind: f.kind,
            cover,
            important: f.important,
        };
        validate_body(RecordKind::Notice, &serde_json::to_value(&body)?)?;
        let token = self.token()?;
        let a: Answer = self
            .remote()?
            .post(
                "/api/v1/notices",
                Some(&token),
                &serde_json::json!({
                    "id": id, "node_id": node, "kind": body.kind, "title": body.title,
                    "content": body.content, "cover": body.cover, "important": body.important,
                }),
            )
            .await
            .map_err(|e| offline_as(e, NOTICE_NEEDS_NETWORK))?;
        Ok(NoticePublished {
            id: a.record.id.to_string(),
            notified: a.notified,
        })
    }

    pub async fn notify_prefs(&self) -> Result<NotifyPrefs> {
        let (p, _) = self
            .kept(
                "notify_prefs",
                "/api/v1/me/notify-prefs",
                NOTICE_NEEDS_NETWORK,
            )
            .await?;
        Ok(p)
    }

    pub async fn notify_prefs_set(&self, p: &NotifyPrefs) -> Result<NotifyPrefs> {
        let token = self.token()?;
        let saved: NotifyPrefs = self
            .remote()?
            .put("/api/v1/me/notify-prefs", Some(&token), p)
            .await
            .map_err(|e| offline_as(e, NOTICE_NEEDS_NETWORK))?;
        self.store()
            .set_setting("notify_prefs", Some(&serde_json::to_string(&saved)?))?;
        Ok(saved)
    }
}

pub fn decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        NoticeKind::decl(cfg),
        NotifyPrefs::decl(cfg),
        NoticeForm::decl(cfg),
        NoticePublished::decl(cfg),
    ]
}
