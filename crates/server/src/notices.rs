//! News and notices (通知公告、新闻, issue 8 §5) and what members are told. A secretary
//! (`publish_notice` at a node) publishes to the node; the record syncs to everyone under
//! it, who read it offline. A cover picture is optional. An important one also lands in
//! the inbox of every member under the node and goes by SMS to those who did not turn
//! that off in their subscription settings (消息订阅), which also cover the approval
//! engine's SMS.

use huiji_domain::org::Action as Perm;
use huiji_domain::sync::{validate_body, NoticeBody, NoticeKind, RecordKind, UNKNOWN_NODE};
use huiji_domain::wire::Record;
use huiji_domain::workflow::{NotificationBody, NotifyPrefs};
use huiji_domain::DomainError;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, write_server_rows};
use crate::state::AppState;
use crate::workflow::{
    from_json, get_record, live_members_under, node, row, spawn_sms, to_json, Notice, Topic,
};

pub const NOTICE_ID_TAKEN: DomainError = DomainError::new(
    "NoticeIdTaken",
    "该通知编号已被使用，请重新发布",
    "This notice id is taken",
);
pub const COVER_INVALID: DomainError = DomainError::new(
    "NoticeCoverInvalid",
    "封面图片不存在、不是图片或不是您上传的，请重新上传",
    "The cover is missing, not a picture, or not yours",
);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishNotice {
    /// Made on the device: the same id and text again answer with the stored notice.
    pub id: Uuid,
    pub node_id: Uuid,
    #[serde(default)]
    pub kind: NoticeKind,
    pub title: String,
    pub content: String,
    #[serde(default)]
    pub cover: Option<Uuid>,
    #[serde(default)]
    pub important: bool,
}

/// The published notice and how many members were told of it.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub record: Record,
    /// Inbox entries written (important notices only).
    pub notified: usize,
}

pub async fn prefs_of(conn: &mut AnyConnection, account: Uuid) -> Result<NotifyPrefs> {
    let row = sqlx::query("SELECT body FROM notify_prefs WHERE account_id = $1")
        .bind(account.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => serde_json::from_str(&r.try_get::<String, _>(0)?).unwrap_or_default(),
        None => NotifyPrefs::default(),
    })
}

pub async fn get_prefs(st: &AppState, user: &AuthUser) -> Result<NotifyPrefs> {
    let mut conn = st.db.pool.acquire().await?;
    prefs_of(&mut conn, user.id()).await
}

pub async fn set_prefs(st: &AppState, user: &AuthUser, p: NotifyPrefs) -> Result<NotifyPrefs> {
    let body = serde_json::to_string(&p).map_err(|e| ApiError::internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO notify_prefs (account_id, body, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(user.id().to_string())
    .bind(body)
    .bind(st.now())
    .execute(&st.db.writer)
    .await?;
    Ok(p)
}

pub async fn publish(
    st: &AppState,
    user: &AuthUser,
    req: PublishNotice,
) -> Result<(bool, Published)> {
    let body = NoticeBody {
        title: req.title.trim().to_owned(),
        content: req.content.trim().to_owned(),
        kind: req.kind,
        cover: req.cover,
        important: req.important,
    };
    let value = to_json(&body)?;
    validate_body(RecordKind::Notice, &value)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let unit = node(&mut tx, req.node_id)
        .await?
        .ok_or(ApiError::from(UNKNOWN_NODE))?;
    user.require(Perm::PublishNotice, &unit.path)?;
    if let Some(existing) = get_record(&mut tx, req.id).await? {
        tx.rollback().await?;
        let same = existing.record.kind == RecordKind::Notice
            && existing.record.node_id == unit.id
            && from_json::<NoticeBody>(&existing.record.body).ok().as_ref() == Some(&body);
        return if same {
            Ok((
                false,
                Published {
                    record: existing.record,
                    notified: 0,
                },
            ))
        } else {
            Err(NOTICE_ID_TAKEN.into())
        };
    }
    if let Some(c) = body.cover {
        crate::content::own_picture(&mut tx, user.id(), c, COVER_INVALID).await?;
    }
    let mut rows = vec![row(req.id, RecordKind::Notice, &unit, None, value)];
    let mut notes = Vec::new();
    if body.important {
        let title = format!("重要{} · {}", body.kind.label_zh(), body.title);
        let text = format!(
            "{}发布了{}《{}》，请在会籍App中查看。",
            unit.body.name,
            body.kind.label_zh(),
            body.title
        );
        for to in live_members_under(&mut tx, &unit.path).await? {
            let n = NotificationBody {
                title: title.clone(),
                text: text.clone(),
                request_id: None,
                payment_id: None,
                notice_id: Some(req.id),
                at: now,
            };
            rows.push(row(
                Uuid::now_v7(),
                RecordKind::Notification,
                &unit,
                Some(to),
                to_json(&n)?,
            ));
            notes.push(Notice {
                to,
                title: title.clone(),
                text: text.clone(),
                sms: true,
                topic: Topic::Notice,
            });
        }
    }
    let notified = notes.len();
    write_server_rows(&mut tx, st.db.backend, rows, Some(user.id()), now).await?;
    let rec = get_record(&mut tx, req.id)
        .await?
        .ok_or_else(|| ApiError::internal("notice vanished".into()))?;
    tx.commit().await?;
    spawn_sms(st, notes);
    Ok((
        true,
        Published {
            record: rec.record,
            notified,
        },
    ))
}

/// Whether attachment `id` is the cover of a notice (any signed-in account may see it;
/// covers are the public face of news).
pub async fn is_cover(st: &AppState, id: Uuid) -> Result<bool> {
    let rows = sqlx::query(
        "SELECT body FROM records WHERE kind = 'notice' AND deleted = 0 AND body LIKE $1",
    )
    .bind(format!("%{id}%"))
    .fetch_all(&st.db.pool)
    .await?;
    for r in rows {
        let b: Option<NoticeBody> = serde_json::from_str(&r.try_get::<String, _>(0)?).ok();
        if b.is_some_and(|b| b.cover == Some(id)) {
            return Ok(true);
        }
    }
    Ok(false)
}
