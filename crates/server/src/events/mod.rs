//! The server side of events, questionnaires and lotteries (`huiji_domain::events`):
//! events saved by secretaries; registrations decided under the seq lock (so two members
//! racing for the last place cannot both get it), the waitlist promoted in order, fees
//! through the dues orders; check-ins by venue code (sent from members' phones, perhaps
//! hours later) and by hand; attendance and its export; surveys with one answer per
//! person; lotteries drawn reproducibly.

pub mod attendance;
pub mod lottery;
pub mod registrations;
pub mod surveys;

use huiji_domain::events::{Audience, EventBody};
use huiji_domain::org::{Action as Perm, NodePath};
use huiji_domain::sync::{RecordKind, UNKNOWN_NODE};
use huiji_domain::wire::Record;
use huiji_domain::workflow::NotificationBody;
use huiji_domain::DomainError;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, typed, write_server_rows, ServerRow, Typed};
use crate::state::AppState;
use crate::workflow::{get_record, node, to_json};

pub type EventRec = Typed<EventBody>;

pub const EVENT_NOT_FOUND: DomainError =
    DomainError::new("EventNotFound", "活动不存在", "The event does not exist");

pub async fn event(conn: &mut AnyConnection, id: Uuid) -> Result<Option<EventRec>> {
    typed(conn, id, RecordKind::Event).await
}

pub async fn event_or_404(conn: &mut AnyConnection, id: Uuid) -> Result<EventRec> {
    event(conn, id).await?.ok_or_else(|| {
        ApiError::client(
            axum::http::StatusCode::NOT_FOUND,
            EVENT_NOT_FOUND.code,
            EVENT_NOT_FOUND.message,
        )
    })
}

/// Whether the caller belongs where `path` is: a grant at it, below it or above it (a
/// member of a unit takes part in its federation's events and the other way round).
pub fn belongs(user: &AuthUser, path: &NodePath) -> bool {
    user.principal.is_system_admin()
        || user
            .principal
            .nodes()
            .any(|n| n.is_within(path) || path.is_within(n))
}

/// May the caller take part in something for `audience` at `path`?
pub fn may_take_part(user: &AuthUser, path: &NodePath, audience: Audience) -> bool {
    audience == Audience::Open || belongs(user, path)
}

/// An inbox entry for one account.
pub fn notice(
    to: Uuid,
    node_id: Uuid,
    path: &NodePath,
    title: &str,
    text: String,
    now: i64,
) -> Result<ServerRow> {
    Ok(ServerRow {
        id: Uuid::now_v7(),
        kind: RecordKind::Notification,
        node_id,
        node_path: path.clone(),
        owner_id: Some(to),
        body: to_json(&NotificationBody {
            title: title.to_owned(),
            text,
            request_id: None,
            payment_id: None,
            notice_id: None,
            at: now,
        })?,
        audience: Vec::new(),
    })
}

/// Saves an event (a new one, or a new version); more places promote the waitlist.
pub async fn save_event(
    st: &AppState,
    user: &AuthUser,
    req: huiji_domain::events::wire::EventSave,
) -> Result<(bool, Record)> {
    let body = huiji_domain::events::validate_event(&req.event)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let unit = node(&mut tx, req.node_id)
        .await?
        .ok_or(ApiError::from(UNKNOWN_NODE))?;
    user.require(Perm::ManageEvents, &unit.path)?;
    let (id, created) = match req.id {
        Some(id) => {
            let old = event_or_404(&mut tx, id).await?;
            if old.rec.record.node_id != unit.id {
                return Err(ApiError::not_found("活动"));
            }
            (id, false)
        }
        None => (Uuid::now_v7(), true),
    };
    let mut rows = vec![ServerRow {
        id,
        kind: RecordKind::Event,
        node_id: unit.id,
        node_path: unit.path.clone(),
        owner_id: None,
        body: to_json(&body)?,
        audience: Vec::new(),
    }];
    if !created {
        rows.extend(registrations::fill_places(&mut tx, id, &body, &unit.path, now).await?);
    }
    write_server_rows(&mut tx, st.db.backend, rows, Some(user.id()), now).await?;
    let rec = get_record(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::internal("event vanished".into()))?;
    tx.commit().await?;
    Ok((created, rec.record))
}
