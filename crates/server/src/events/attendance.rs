//! Check-in and check-out both ways (签到签退, seed 004 §七): members scan the printed venue
//! code with their phone — offline the scan is kept and sent with the phone's time — and
//! secretaries check people in by hand with a reason; staff scans of tickets are the
//! checkpoint's `scan` records. Attendance counts all three in the order they happened.

use huiji_domain::checkpoint::{ticket_conflicts, TicketScan};
use huiji_domain::credential::{Body, CredentialKind, Direction, Expect, Reason};
use huiji_domain::events::wire::{AttendanceReport, Batch, CheckinItem, ManualCheckin};
use huiji_domain::events::{
    attendees, check_window, AttendanceCounts, AttendeeRow, CheckinBody, CheckinSource, Movement,
    RegistrationStatus, NOT_REGISTERED, WRONG_VENUE,
};
use huiji_domain::mask::mask_name;
use huiji_domain::org::Action as Perm;
use huiji_domain::sync::{RecordKind, ScanBody};
use huiji_domain::wire::{ActionBatchResponse, ActionResult, OpStatus};
use huiji_domain::DomainError;
use sqlx::Row;
use uuid::Uuid;

use super::registrations::registration_of;
use super::{event_or_404, may_take_part, EventRec};
use crate::auth::{parse_uuid, AuthUser};
use crate::db::Backend;
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, write_server_rows, ServerRow};
use crate::state::AppState;
use crate::workflow::{action_result, check_reason, get_record, refused_result, to_json, who};

pub const CODE_INVALID: DomainError = DomainError::new(
    "VenueCodeInvalid",
    "签到码无效或已过期",
    "The venue code is not valid",
);
pub const MAX_ITEMS: usize = 500;

fn too_many() -> ApiError {
    ApiError::bad_request("TooManyItems", format!("每次最多提交{MAX_ITEMS}条"))
}

async fn write_checkin(
    st: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: Uuid,
    e: &EventRec,
    c: &CheckinBody,
    actor: Uuid,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO checkins (id, event_id, ticket_id, account_id, direction, source, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string())
        .bind(c.event_id.to_string())
        .bind(c.ticket_id.to_string())
        .bind(c.account_id.to_string())
        .bind(c.direction.as_str())
        .bind(match c.source {
            CheckinSource::VenueCode => "venue_code",
            CheckinSource::Manual => "manual",
        })
        .bind(c.at)
        .execute(&mut **tx)
        .await?;
    write_server_rows(
        tx,
        st.db.backend,
        vec![ServerRow {
            id,
            kind: RecordKind::Checkin,
            node_id: e.rec.record.node_id,
            node_path: e.rec.node_path.clone(),
            owner_id: Some(c.account_id),
            body: to_json(c)?,
            audience: Vec::new(),
        }],
        Some(actor),
        now,
    )
    .await
}

/// Check-ins made by scanning venue codes, one transaction each; the same item sent
/// again is a duplicate.
pub async fn venue_checkins(
    st: &AppState,
    user: &AuthUser,
    batch: Batch<CheckinItem>,
) -> Result<ActionBatchResponse> {
    if batch.items.len() > MAX_ITEMS {
        return Err(too_many());
    }
    let mut results = Vec::with_capacity(batch.items.len());
    for item in &batch.items {
        let r = match venue_one(st, user, item).await {
            Ok(r) => r,
            Err(e @ ApiError::Client { .. }) => refused_result(item.id, &e),
            Err(e) => return Err(e),
        };
        results.push(r);
    }
    Ok(ActionBatchResponse { results })
}

async fn venue_one(st: &AppState, user: &AuthUser, item: &CheckinItem) -> Result<ActionResult> {
    let v = crate::credentials::verify_here(
        st,
        &item.code,
        Expect {
            kinds: &[CredentialKind::VenueCode],
            event: None,
        },
    )
    .await?;
    // A code that was valid when scanned offline may have expired since the event ended;
    // the window check below judges the time.
    let claims = match (v.reason, v.claims) {
        (Reason::Valid | Reason::Expired, Some(c)) => c,
        _ => return Err(CODE_INVALID.into()),
    };
    let Body::VenueCode {
        event: Some(event_id),
        direction,
        ..
    } = claims.body
    else {
        return Err(WRONG_VENUE.into());
    };
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    if get_record(&mut tx, item.id).await?.is_some() {
        tx.rollback().await?;
        return Ok(action_result(item.id, OpStatus::Duplicate));
    }
    let e = event_or_404(&mut tx, event_id).await?;
    check_window(&e.body, item.at)?;
    // The phone's clock may be off, but never ahead of the server by more than the
    // credential skew: a check-in from the future is a wrong clock.
    if item.at > now + 5 * 60_000 {
        return Err(huiji_domain::events::CHECKIN_WINDOW.into());
    }
    let me = who(&mut tx, user.id())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if e.body.registration {
        let ok = registration_of(&mut tx, event_id, me.id)
            .await?
            .is_some_and(|r| r.body.has_ticket());
        if !ok {
            return Err(NOT_REGISTERED.into());
        }
    } else if !may_take_part(user, &e.rec.node_path, e.body.audience) {
        return Err(NOT_REGISTERED.into());
    }
    let c = CheckinBody {
        event_id,
        ticket_id: crate::routes::events::ticket_id(event_id, me.id),
        account_id: me.id,
        name: mask_name(&me.name),
        direction,
        at: item.at,
        source: CheckinSource::VenueCode,
        reason: None,
        by: None,
        device_id: item.device_id,
    };
    write_checkin(st, &mut tx, item.id, &e, &c, me.id, now).await?;
    let rec = get_record(&mut tx, item.id)
        .await?
        .ok_or_else(|| ApiError::internal("check-in vanished".into()))?;
    tx.commit().await?;
    let mut r = action_result(item.id, OpStatus::Applied);
    r.current = Some(rec.record);
    Ok(r)
}

/// A secretary checks someone in or out by hand, with a reason.
pub async fn manual(
    st: &AppState,
    user: &AuthUser,
    event_id: Uuid,
    req: ManualCheckin,
) -> Result<(bool, huiji_domain::wire::Record)> {
    let reason = check_reason(&req.reason)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let e = event_or_404(&mut tx, event_id).await?;
    user.require(Perm::ManageEvents, &e.rec.node_path)?;
    if let Some(r) = get_record(&mut tx, req.id).await? {
        tx.rollback().await?;
        return Ok((false, r.record));
    }
    let me = who(&mut tx, user.id())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    // Whose ticket: a registration's, or one a scanner has seen.
    let row = sqlx::query(
        "SELECT account_id FROM registrations WHERE event_id = $1 AND status = 'confirmed'",
    )
    .bind(event_id.to_string())
    .fetch_all(&mut *tx)
    .await?;
    let mut account = None;
    for r in row {
        let a = parse_uuid(&r.try_get::<String, _>(0)?)?;
        if crate::routes::events::ticket_id(event_id, a) == req.ticket_id {
            account = Some(a);
        }
    }
    let account = match account {
        Some(a) => a,
        None => {
            let seen = sqlx::query(
                "SELECT account_id FROM checkins WHERE event_id = $1 AND ticket_id = $2 LIMIT 1",
            )
            .bind(event_id.to_string())
            .bind(req.ticket_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            match seen {
                Some(r) => parse_uuid(&r.try_get::<String, _>(0)?)?,
                None => return Err(NOT_REGISTERED.into()),
            }
        }
    };
    let person = who(&mut tx, account)
        .await?
        .ok_or(ApiError::from(NOT_REGISTERED))?;
    let c = CheckinBody {
        event_id,
        ticket_id: req.ticket_id,
        account_id: account,
        name: mask_name(&person.name),
        direction: req.direction,
        at: now,
        source: CheckinSource::Manual,
        reason: Some(reason),
        by: Some(me.person()),
        device_id: None,
    };
    write_checkin(st, &mut tx, req.id, &e, &c, me.id, now).await?;
    let rec = get_record(&mut tx, req.id)
        .await?
        .ok_or_else(|| ApiError::internal("check-in vanished".into()))?;
    tx.commit().await?;
    Ok((true, rec.record))
}

/// Attendance: registrations, staff scans and check-ins in the order they happened.
pub async fn report(st: &AppState, user: &AuthUser, event_id: Uuid) -> Result<AttendanceReport> {
    let mut conn = st.db.pool.acquire().await?;
    let e = event_or_404(&mut conn, event_id).await?;
    user.require(Perm::ManageEvents, &e.rec.node_path)?;
    let mut names: std::collections::HashMap<Uuid, (String, Option<RegistrationStatus>)> =
        Default::default();
    let mut counts = AttendanceCounts::default();
    let regs = sqlx::query(
        "SELECT r.body FROM registrations g JOIN records r ON r.id = g.id WHERE g.event_id = $1",
    )
    .bind(event_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    for r in regs {
        let Ok(b) = serde_json::from_str::<huiji_domain::events::RegistrationBody>(
            &r.try_get::<String, _>(0)?,
        ) else {
            continue;
        };
        match b.status {
            RegistrationStatus::Confirmed => counts.registered += 1,
            RegistrationStatus::Waitlisted => counts.waitlisted += 1,
            _ => {}
        }
        if b.status.is_live() {
            names.insert(b.ticket_id, (mask_name(&b.name), Some(b.status)));
        }
    }
    let event_expr = match st.db.backend {
        Backend::Sqlite => "json_extract(body, '$.event_id')",
        Backend::Postgres => "(body::jsonb ->> 'event_id')",
    };
    let scans = sqlx::query(&format!(
        "SELECT id, body FROM records WHERE kind = 'scan' AND deleted = 0 AND {event_expr} = $1"
    ))
    .bind(event_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut moves = Vec::new();
    let mut staff = Vec::new();
    for r in scans {
        let Ok(b) = serde_json::from_str::<ScanBody>(&r.try_get::<String, _>(1)?) else {
            continue;
        };
        let (Some(ticket), true) = (b.ticket_id, b.admitted) else {
            continue;
        };
        let direction = if b.direction.as_deref() == Some("out") {
            Direction::Out
        } else {
            Direction::In
        };
        moves.push(Movement {
            ticket,
            direction,
            at: b.scanned_at,
            how: "staff",
        });
        staff.push(TicketScan {
            scan_id: parse_uuid(&r.try_get::<String, _>(0)?)?,
            ticket,
            direction,
            at: b.scanned_at,
            device: b.device_id.unwrap_or_default(),
        });
        names.entry(ticket).or_insert((b.subject.clone(), None));
    }
    let checkins = sqlx::query(
        "SELECT r.body FROM checkins c JOIN records r ON r.id = c.id WHERE c.event_id = $1",
    )
    .bind(event_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    for r in checkins {
        let Ok(b) = serde_json::from_str::<CheckinBody>(&r.try_get::<String, _>(0)?) else {
            continue;
        };
        let how = match b.source {
            CheckinSource::VenueCode => "venue_code",
            CheckinSource::Manual => "manual",
        };
        moves.push(Movement {
            ticket: b.ticket_id,
            direction: b.direction,
            at: b.at,
            how,
        });
        names.entry(b.ticket_id).or_insert((b.name.clone(), None));
    }
    let mut rows = Vec::new();
    let seen = attendees(&moves);
    for p in &seen {
        if p.first_in.is_some() {
            counts.checked_in += 1;
        }
        if p.inside {
            counts.inside += 1;
        } else if p.first_in.is_some() {
            counts.left += 1;
        }
        let (name, status) = names.get(&p.ticket).cloned().unwrap_or_default();
        rows.push(AttendeeRow {
            ticket_id: p.ticket,
            name,
            status,
            first_in: p.first_in,
            last_out: p.last_out,
            inside: p.inside,
            how: (!p.how.is_empty()).then(|| p.how.to_owned()),
        });
    }
    // Registered people who have not come yet are rows too.
    for (ticket, (name, status)) in &names {
        if status == &Some(RegistrationStatus::Confirmed)
            && !seen.iter().any(|s| &s.ticket == ticket)
        {
            rows.push(AttendeeRow {
                ticket_id: *ticket,
                name: name.clone(),
                status: *status,
                first_in: None,
                last_out: None,
                inside: false,
                how: None,
            });
        }
    }
    if !e.body.registration {
        counts.registered = counts.checked_in;
    }
    rows.sort_by(|a, b| {
        a.first_in
            .is_none()
            .cmp(&b.first_in.is_none())
            .then(a.first_in.cmp(&b.first_in))
            .then(a.ticket_id.cmp(&b.ticket_id))
    });
    Ok(AttendanceReport {
        event_id,
        title: e.body.title.clone(),
        counts,
        rows,
        double_admissions: ticket_conflicts(&staff, e.body.reentry_allowed).len() as u32,
    })
}

/// The attendance as XLSX.
pub async fn export(st: &AppState, user: &AuthUser, event_id: Uuid) -> Result<(String, Vec<u8>)> {
    let r = report(st, user, event_id).await?;
    let bytes = xlsx(&r).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((format!("签到记录-{}.xlsx", r.title), bytes))
}

fn xlsx(r: &AttendanceReport) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("签到记录")?;
    let bold = Format::new().set_bold();
    let headers = [
        "姓名",
        "报名状态",
        "首次签到",
        "最后签退",
        "是否在场",
        "签到方式",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, 16.0)?;
    }
    let time = |t: Option<i64>| t.map(crate::dues::ledger::datetime_cst).unwrap_or_default();
    for (i, a) in r.rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string(row, 0, &a.name)?;
        ws.write_string(row, 1, a.status.map(|s| s.label_zh()).unwrap_or("—"))?;
        ws.write_string(row, 2, time(a.first_in))?;
        ws.write_string(row, 3, time(a.last_out))?;
        ws.write_string(
            row,
            4,
            if a.inside {
                "在场"
            } else if a.first_in.is_some() {
                "已离场"
            } else {
                "未到"
            },
        )?;
        ws.write_string(
            row,
            5,
            match a.how.as_deref() {
                Some("staff") => "工作人员扫票",
                Some("venue_code") => "扫场地码",
                Some("manual") => "人工签到",
                _ => "",
            },
        )?;
    }
    let last = u32::try_from(r.rows.len() + 2).unwrap_or(u32::MAX);
    let c = r.counts;
    ws.write_string_with_format(
        last,
        0,
        format!(
            "报名{}人，签到{}人，在场{}人，已离场{}人，候补{}人",
            c.registered, c.checked_in, c.inside, c.left, c.waitlisted
        ),
        &bold,
    )?;
    wb.save_to_buffer()
}
