//! Event tickets at the checkpoint: a member's signed ticket, and the secretary's view of
//! check-ins with the tickets admitted twice by scanners that were offline together.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use huiji_domain::checkpoint::{inside_count, ticket_conflicts, TicketScan};
use huiji_domain::credential::{Body, Claims, Direction};
use huiji_domain::events::RegistrationStatus;
use huiji_domain::mask::mask_name;
use huiji_domain::org::{Action, NodePath};
use huiji_domain::sync::{EventBody, ScanBody};
use huiji_domain::wire::{AttendanceView, TicketConflictView, TicketResponse, VenueCodeResponse};
use serde::Deserialize;
use sqlx::Row;
use uuid::Uuid;

use crate::accounts;
use crate::auth::{parse_uuid, AuthUser};
use crate::credentials;
use crate::db::Backend;
use crate::error::{ApiError, Result};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events/{id}/ticket", get(my_ticket))
        .route("/api/v1/events/{id}/attendance", get(attendance))
        .route("/api/v1/events/{id}/venue-code", get(venue_code))
}

async fn load_event(st: &AppState, id: Uuid) -> Result<(NodePath, EventBody)> {
    let row = sqlx::query(
        "SELECT node_path, body FROM records WHERE id = $1 AND kind = 'event' AND deleted = 0",
    )
    .bind(id.to_string())
    .fetch_optional(&st.db.pool)
    .await?
    .ok_or_else(|| ApiError::not_found("活动"))?;
    let path = NodePath::parse(&row.try_get::<String, _>(0)?)
        .ok_or_else(|| ApiError::internal("bad node path".into()))?;
    let body: EventBody = serde_json::from_str(&row.try_get::<String, _>(1)?)
        .map_err(|e| ApiError::internal(format!("bad event body: {e}")))?;
    Ok((path, body))
}

/// One ticket per person and event: the same id whenever it is re-issued, so entries
/// and exits follow the person, not the piece of paper.
pub fn ticket_id(event: Uuid, account: Uuid) -> Uuid {
    Uuid::new_v5(&event, account.as_bytes())
}

/// The caller's ticket for an event of their organisation (the event's node, a unit
/// below it, or one above it).
#[utoipa::path(get, path = "/api/v1/events/{id}/ticket", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: any account with a grant at the event's node, below it or above it.",
    security(("bearer" = [])), responses((status = 200, body = TicketResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn my_ticket(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<TicketResponse>> {
    let (path, event) = load_event(&st, id).await?;
    // With registration, the registration decides (an open event takes people from
    // anywhere); without, belonging to the organisation does.
    if !event.registration && !crate::events::belongs(&user, &path) {
        return Err(ApiError::forbidden());
    }
    let now_ms = st.now();
    if now_ms >= event.ends_at {
        return Err(ApiError::bad_request("EventEnded", "活动已结束"));
    }
    if event.registration {
        let mut conn = st.db.pool.acquire().await?;
        let reg = crate::events::registrations::registration_of(&mut conn, id, user.id()).await?;
        match reg {
            Some(r) if r.body.has_ticket() => {}
            Some(r) if r.body.status == RegistrationStatus::Confirmed => {
                let e = crate::events::registrations::FEE_UNPAID;
                return Err(ApiError::bad_request(e.code, e.message));
            }
            Some(r) if r.body.status == RegistrationStatus::Waitlisted => {
                return Err(ApiError::bad_request(
                    "Waitlisted",
                    "您在候补名单中，递补成功后即可领取电子票",
                ));
            }
            Some(r) if r.body.status == RegistrationStatus::Pending => {
                return Err(ApiError::bad_request(
                    "RegistrationPending",
                    "报名正在审核，通过后即可领取电子票",
                ));
            }
            _ => {
                return Err(ApiError::bad_request(
                    "NotRegistered",
                    "本活动需要报名，报名成功后才能领取电子票",
                ));
            }
        }
    }
    let acc = accounts::get(&st, user.id()).await?;
    let name = acc
        .real_name
        .as_deref()
        .or(acc.org_name.as_deref())
        .map(mask_name)
        .unwrap_or_else(|| "*".to_owned());
    let ticket = ticket_id(id, acc.id);
    let now = now_ms / 1000;
    let claims = Claims {
        id: Uuid::now_v7(),
        subject: acc.id,
        display_name: name,
        issued_at: now,
        not_before: now,
        expires: (event.ends_at / 1000).max(now + 60),
        body: Body::EventTicket { event: id, ticket },
    };
    let mut tx = st.db.writer.begin().await?;
    let text = credentials::issue(&mut tx, &claims).await?;
    tx.commit().await?;
    Ok(Json(TicketResponse {
        text,
        event_id: id,
        ticket_id: ticket,
        title: event.title,
        place: event.place,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
    }))
}

/// Check-ins of an event: tickets in, inside now, and each ticket admitted twice by
/// scanners that were offline at the same time (the later scan flagged; both kept).
#[utoipa::path(get, path = "/api/v1/events/{id}/attendance", tag = "events", params(("id" = Uuid, Path)),
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 200, body = AttendanceView), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn attendance(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<AttendanceView>> {
    let (path, event) = load_event(&st, id).await?;
    user.require(Action::ManageEvents, &path)?;
    let event_expr = match st.db.backend {
        Backend::Sqlite => "json_extract(body, '$.event_id')",
        Backend::Postgres => "(body::jsonb ->> 'event_id')",
    };
    let rows = sqlx::query(&format!(
        "SELECT r.id, r.node_id, r.body, n.body FROM records r \
         LEFT JOIN records n ON n.id = r.node_id AND n.kind = 'org_node' \
         WHERE r.kind = 'scan' AND r.deleted = 0 AND {} = $1",
        event_expr.replace("body", "r.body")
    ))
    .bind(id.to_string())
    .fetch_all(&st.db.pool)
    .await?;
    let mut scans = Vec::new();
    let mut info = std::collections::HashMap::new();
    for r in &rows {
        let scan_id = parse_uuid(&r.try_get::<String, _>(0)?)?;
        let Ok(body) = serde_json::from_str::<ScanBody>(&r.try_get::<String, _>(2)?) else {
            continue;
        };
        let site: Option<String> = r.try_get(3)?;
        let site_name = site
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .and_then(|v| v["name"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let (Some(ticket), true) = (body.ticket_id, body.admitted) else {
            continue;
        };
        let direction = if body.direction.as_deref() == Some("out") {
            Direction::Out
        } else {
            Direction::In
        };
        scans.push(TicketScan {
            scan_id,
            ticket,
            direction,
            at: body.scanned_at,
            device: body.device_id.unwrap_or_default(),
        });
        info.insert(scan_id, (body.subject.clone(), body.scanned_at, site_name));
    }
    let conflicts = ticket_conflicts(&scans, event.reentry_allowed);
    let checked_in = scans
        .iter()
        .filter(|s| s.direction == Direction::In)
        .map(|s| s.ticket)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let view = |scan: Uuid| info.get(&scan).cloned().unwrap_or_default();
    Ok(Json(AttendanceView {
        event_id: id,
        title: event.title,
        checked_in: checked_in as u32,
        inside: inside_count(&scans, event.reentry_allowed) as u32,
        admitted_scans: scans.len() as u32,
        conflicts: conflicts
            .into_iter()
            .map(|c| {
                let (subject, flagged_at, flagged_site) = view(c.flagged_scan);
                let (_, earlier_at, earlier_site) = view(c.earlier_scan);
                TicketConflictView {
                    ticket_id: c.ticket,
                    subject,
                    reason: c.reason.message().to_owned(),
                    flagged_scan: c.flagged_scan,
                    flagged_at,
                    flagged_site,
                    earlier_scan: c.earlier_scan,
                    earlier_at,
                    earlier_site,
                }
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VenueQuery {
    /// "in" (签到) or "out" (签退).
    pub direction: String,
}

/// The venue code (场地码) of an event for printing: members scan it with their phone to
/// check themselves in or out. Signed like every credential, valid until the event ends.
#[utoipa::path(get, path = "/api/v1/events/{id}/venue-code", tag = "events", params(("id" = Uuid, Path), VenueQuery),
    description = "Role: secretary (manage_events) at the event's node or above.",
    security(("bearer" = [])), responses((status = 200, body = VenueCodeResponse), (status = 400, body = huiji_domain::wire::ErrorBody), (status = 403, body = huiji_domain::wire::ErrorBody), (status = 404, body = huiji_domain::wire::ErrorBody)))]
pub async fn venue_code(
    State(st): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<VenueQuery>,
) -> Result<Json<VenueCodeResponse>> {
    Ok(Json(venue_code_for(&st, &user, id, &q.direction).await?))
}

/// Issue a venue code of an event (the secretary's check is made here).
pub async fn venue_code_for(
    st: &AppState,
    user: &AuthUser,
    id: Uuid,
    direction_word: &str,
) -> Result<VenueCodeResponse> {
    let (path, event) = load_event(st, id).await?;
    user.require(Action::ManageEvents, &path)?;
    let direction = match direction_word {
        "in" => Direction::In,
        "out" => Direction::Out,
        _ => {
            return Err(ApiError::bad_request(
                "DirectionInvalid",
                "方向应为 in（签到）或 out（签退）",
            ))
        }
    };
    let now_ms = st.now();
    if now_ms >= event.ends_at {
        return Err(ApiError::bad_request("EventEnded", "活动已结束"));
    }
    let now = now_ms / 1000;
    let title: String = event.title.chars().take(32).collect();
    let claims = Claims {
        id: Uuid::now_v7(),
        subject: id,
        display_name: title,
        issued_at: now,
        not_before: now,
        expires: (event.ends_at / 1000).max(now + 60),
        body: Body::VenueCode {
            venue: Uuid::new_v5(&id, b"venue"),
            event: Some(id),
            direction,
        },
    };
    let mut tx = st.db.writer.begin().await?;
    let text = credentials::issue(&mut tx, &claims).await?;
    tx.commit().await?;
    Ok(VenueCodeResponse {
        text,
        event_id: id,
        title: event.title,
        direction: direction_word.to_owned(),
        expires_at: claims.expires,
    })
}
