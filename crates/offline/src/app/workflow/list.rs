//! The three request lists, read from the index (`request_index`, `request_people`)
//! and this device's workflow outbox; no request body is parsed for a page.

use huiji_domain::workflow::{RequestBody, RequestKind, RequestState};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::views::{LocalStatus, RequestBox, RequestCounts, RequestPage, RequestQuery, RequestRow};
use crate::error::Result;
use crate::store::Store;

pub const MAX_PAGE_SIZE: u32 = 200;

/// A local action of `?1` on the request waits to be sent.
const QUEUED_ACTION: &str =
    "EXISTS (SELECT 1 FROM workflow_outbox o WHERE o.request_id = p.request_id \
     AND o.account_id = ?1 AND o.op = 'action' AND o.state = 'queued')";

fn box_condition(b: RequestBox) -> String {
    match b {
        RequestBox::Todo => format!("p.box = 'todo' AND NOT {QUEUED_ACTION}"),
        // Waiting on me but decided here (queued): it is done as far as I am concerned.
        RequestBox::Done => format!("(p.box = 'done' OR (p.box = 'todo' AND {QUEUED_ACTION}))"),
        RequestBox::Sent => "p.box = 'sent'".to_owned(),
    }
}

/// Submissions of `account` queued (or refused) here that the server has not sent
/// back as records yet, newest first.
fn local_submissions(c: &Connection, account: &str) -> Result<Vec<(RequestRow, RequestBody)>> {
    let mut stmt = c.prepare_cached(
        "SELECT o.request_id, o.provisional, o.state, o.made_at FROM workflow_outbox o \
         WHERE o.op = 'submit' AND o.account_id = ?1 \
         AND NOT EXISTS (SELECT 1 FROM request_index ri WHERE ri.id = o.request_id) \
         ORDER BY o.ord DESC",
    )?;
    let rows = stmt.query_map([account], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, provisional, state, made_at) = row?;
        let Some(b) = provisional.and_then(|p| serde_json::from_str::<RequestBody>(&p).ok()) else {
            continue;
        };
        out.push((
            RequestRow {
                id,
                kind: b.kind,
                kind_label: b.kind.label_zh().to_owned(),
                title: b.title.clone(),
                applicant_name: b.applicant.name.clone(),
                node_name: b.node_name.clone(),
                state: b.state,
                state_label: b.state.label_zh().to_owned(),
                step_title: None,
                submitted_at: b.submitted_at,
                updated_at: made_at,
                sms_verified: b.sms_verified,
                local: local_status(&state),
            },
            b,
        ));
    }
    Ok(out)
}

pub(crate) fn local_status(state: &str) -> LocalStatus {
    match state {
        "queued" => LocalStatus::Queued,
        "rejected" => LocalStatus::Rejected,
        "conflict" => LocalStatus::Conflict,
        _ => LocalStatus::Synced,
    }
}

fn count(c: &Connection, sql: &str, account: &str) -> Result<u32> {
    let n: i64 = c.prepare_cached(sql)?.query_row([account], |r| r.get(0))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The badge counts of the three boxes (no filter).
pub(crate) fn counts(c: &Connection, account: Uuid) -> Result<RequestCounts> {
    let me = account.to_string();
    let in_box = |b: RequestBox| {
        format!(
            "SELECT COUNT(*) FROM request_people p WHERE p.account_id = ?1 AND {}",
            box_condition(b)
        )
    };
    let local_sent = count(
        c,
        "SELECT COUNT(*) FROM workflow_outbox o WHERE o.op = 'submit' AND o.account_id = ?1 \
         AND NOT EXISTS (SELECT 1 FROM request_index ri WHERE ri.id = o.request_id)",
        &me,
    )?;
    Ok(RequestCounts {
        sent: count(c, &in_box(RequestBox::Sent), &me)? + local_sent,
        todo: count(c, &in_box(RequestBox::Todo), &me)?,
        done: count(c, &in_box(RequestBox::Done), &me)?,
    })
}

fn matches(q: &RequestQuery, b: &RequestBody) -> bool {
    q.kind.is_none_or(|k| k == b.kind)
        && q.state.is_none_or(|s| s == b.state)
        && text_of(q).is_none_or(|t| {
            b.title.contains(t) || b.applicant.name.contains(t) || b.node_name.contains(t)
        })
}

fn text_of(q: &RequestQuery) -> Option<&str> {
    q.text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// One page of a box for `account`, with the total matching the filters and the three
/// box counts. Public so benchmarks can open a queue without a session.
pub fn request_page(store: &Store, account: Uuid, q: &RequestQuery) -> Result<RequestPage> {
    store.ensure_request_index()?;
    store.with_conn(|c| page(c, account, q))
}

fn page(c: &Connection, account: Uuid, q: &RequestQuery) -> Result<RequestPage> {
    let me = account.to_string();
    let size = q.page_size.clamp(1, MAX_PAGE_SIZE);
    let offset = q.page.max(1).saturating_sub(1).saturating_mul(size);
    let counts = counts(c, account)?;

    // Queued submissions come first in "sent" (they are the newest, and only here).
    let local: Vec<RequestRow> = if q.request_box == RequestBox::Sent {
        local_submissions(c, &me)?
            .into_iter()
            .filter(|(_, b)| matches(q, b))
            .map(|(r, _)| r)
            .collect()
    } else {
        Vec::new()
    };

    let mut filter = format!("p.account_id = ?1 AND {}", box_condition(q.request_box));
    let mut args: Vec<SqlValue> = vec![SqlValue::Text(me.clone())];
    if let Some(k) = q.kind {
        args.push(SqlValue::Text(k.as_str().to_owned()));
        filter.push_str(&format!(" AND ri.kind = ?{}", args.len()));
    }
    if let Some(s) = q.state {
        args.push(SqlValue::Text(s.as_str().to_owned()));
        filter.push_str(&format!(" AND ri.state = ?{}", args.len()));
    }
    if let Some(t) = text_of(q) {
        args.push(SqlValue::Text(t.to_owned()));
        let n = args.len();
        filter.push_str(&format!(
            " AND (instr(ri.title, ?{n}) > 0 OR instr(ri.applicant_name, ?{n}) > 0 \
             OR instr(ri.node_name, ?{n}) > 0)"
        ));
    }
    let unfiltered = q.kind.is_none() && q.state.is_none() && text_of(q).is_none();
    let indexed_total = match (unfiltered, q.request_box) {
        (true, RequestBox::Todo) => counts.todo,
        (true, RequestBox::Done) => counts.done,
        _ => {
            let n: i64 = c
                .prepare_cached(&format!(
                    "SELECT COUNT(*) FROM request_people p \
                     JOIN request_index ri ON ri.id = p.request_id WHERE {filter}"
                ))?
                .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
            u32::try_from(n).unwrap_or(u32::MAX)
        }
    };

    let local_n = local.len() as u32;
    let mut rows: Vec<RequestRow> = local
        .into_iter()
        .skip(offset as usize)
        .take(size as usize)
        .collect();
    let want = size - rows.len() as u32;
    if want > 0 {
        let skip = offset.saturating_sub(local_n);
        args.push(SqlValue::Integer(i64::from(want)));
        args.push(SqlValue::Integer(i64::from(skip)));
        let (nl, no) = (args.len() - 1, args.len());
        let sql = format!(
            "SELECT ri.id, ri.kind, ri.title, ri.applicant_name, ri.node_name, ri.state, \
             ri.step_title, ri.submitted_at, ri.updated_at, ri.sms_verified, \
             (SELECT o.state FROM workflow_outbox o WHERE o.request_id = ri.id \
              AND o.account_id = ?1 ORDER BY o.ord DESC LIMIT 1) \
             FROM request_people p JOIN request_index ri ON ri.id = p.request_id \
             WHERE {filter} ORDER BY p.sort_at DESC, p.request_id DESC LIMIT ?{nl} OFFSET ?{no}"
        );
        let mut stmt = c.prepare_cached(&sql)?;
        let found = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            let kind: String = r.get(1)?;
            let state: String = r.get(5)?;
            Ok((
                kind,
                state,
                RowParts {
                    id: r.get(0)?,
                    title: r.get(2)?,
                    applicant_name: r.get(3)?,
                    node_name: r.get(4)?,
                    step_title: r.get(6)?,
                    submitted_at: r.get(7)?,
                    updated_at: r.get(8)?,
                    sms_verified: r.get(9)?,
                    local: r.get(10)?,
                },
            ))
        })?;
        for row in found {
            let (kind, state, p) = row?;
            let (Some(kind), Some(state)) =
                (RequestKind::parse(&kind), RequestState::parse(&state))
            else {
                continue;
            };
            rows.push(RequestRow {
                id: p.id,
                kind,
                kind_label: kind.label_zh().to_owned(),
                title: p.title,
                applicant_name: p.applicant_name,
                node_name: p.node_name,
                state,
                state_label: state.label_zh().to_owned(),
                step_title: p.step_title,
                submitted_at: p.submitted_at,
                updated_at: p.updated_at,
                sms_verified: p.sms_verified,
                local: p.local.as_deref().map_or(LocalStatus::Synced, local_status),
            });
        }
    }
    Ok(RequestPage {
        rows,
        total: indexed_total + local_n,
        counts,
    })
}

struct RowParts {
    id: String,
    title: String,
    applicant_name: String,
    node_name: String,
    step_title: Option<String>,
    submitted_at: Option<i64>,
    updated_at: i64,
    sms_verified: bool,
    local: Option<String>,
}

/// State, code and reason of an outbox entry.
pub(crate) type LatestEntry = (String, Option<String>, Option<String>);

/// The latest entry of `account`'s outbox for a request.
pub(crate) fn latest_entry(
    c: &Connection,
    request_id: &str,
    account: &str,
) -> Result<Option<LatestEntry>> {
    Ok(c.prepare_cached(
        "SELECT state, code, reason FROM workflow_outbox WHERE request_id = ?1 AND account_id = ?2 \
         ORDER BY ord DESC LIMIT 1",
    )?
    .query_row(params![request_id, account], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .optional()?)
}
