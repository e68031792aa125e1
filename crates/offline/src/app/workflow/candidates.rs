//! Who a step can be handed to (委托 / 转交): the people this device knows in the
//! caller's reach — roster entries with an account at the request's unit or within the
//! caller's ViewMembers scope, and the approvers of the request's other steps — less the
//! caller, the applicant and the current step's approvers (the domain refuses those).

use std::collections::HashMap;

use huiji_domain::org::Action as Perm;
use huiji_domain::sync::MemberBody;
use huiji_domain::wire::AccountView;
use huiji_domain::workflow::{Person, RequestBody};
use rusqlite::Connection;
use uuid::Uuid;

use super::views::DelegateCandidate;
use crate::app::memberships::{Scope, Tree};
use crate::error::Result;

/// At most this many come back (the name filter narrows them).
pub(crate) const LIMIT: usize = 100;

struct Found {
    c: DelegateCandidate,
    /// On the roster of the request's own unit.
    here: bool,
}

pub(crate) fn candidates(
    c: &Connection,
    account: &AccountView,
    body: &RequestBody,
    text: &str,
) -> Result<Vec<DelegateCandidate>> {
    let Some(step) = body.current_step() else {
        return Ok(Vec::new());
    };
    let tree = Tree::load(c)?;
    let scope = Scope::of(account, Perm::ViewMembers);
    let excluded = |id: Uuid| id == account.id || id == body.applicant.id || step.is_approver(id);
    let mut found: HashMap<Uuid, Found> = HashMap::new();

    // Approvers of the other steps: they review at their step's node, so at the current
    // step's node too when theirs is the same node or above it.
    for (i, s) in body.steps.iter().enumerate() {
        if i as u32 == body.current {
            continue;
        }
        let reviewer =
            s.role.permits(Perm::ReviewApplications) && tree.within(step.node_id, s.node_id);
        let node = tree.name(s.node_id);
        let place = if node.is_empty() {
            s.title.clone()
        } else {
            node
        };
        for p in &s.approvers {
            if excluded(p.id) {
                continue;
            }
            let e = found.entry(p.id).or_insert_with(|| Found {
                c: DelegateCandidate {
                    person: p.clone(),
                    label: format!("{place} · {}", s.role.label_zh()),
                    phone_masked: None,
                    reviewer,
                },
                here: false,
            });
            e.c.reviewer |= reviewer;
        }
    }

    // The roster: people with an account, at the request's unit or within the scope.
    let mut stmt = c.prepare_cached(
        "SELECT node_id, body FROM records WHERE kind = 'member' AND deleted = 0 \
         AND json_extract(body, '$.account_id') IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (node, b) = row?;
        let (Ok(node), Ok(m)) = (
            Uuid::parse_str(&node),
            serde_json::from_str::<MemberBody>(&b),
        ) else {
            continue;
        };
        // Organisations are members too, but only people decide.
        let Some(id) = m.account_id.filter(|_| m.credit_code.is_none()) else {
            continue;
        };
        let here = node == body.node_id;
        if excluded(id) || !(here || scope.covers(&tree, node)) {
            continue;
        }
        let what = m
            .title
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "会员".to_owned());
        let e = found.entry(id).or_insert_with(|| Found {
            c: DelegateCandidate {
                person: Person {
                    id,
                    name: m.name.clone(),
                },
                label: format!("{} · {what}", tree.name(node)),
                phone_masked: None,
                reviewer: false,
            },
            here,
        });
        e.here |= here;
        if e.c.phone_masked.is_none() {
            e.c.phone_masked = m.phone_masked.clone();
        }
    }

    let t = text.trim().to_lowercase();
    let mut out: Vec<Found> = found
        .into_values()
        .filter(|f| t.is_empty() || f.c.person.name.to_lowercase().contains(&t))
        .collect();
    // Those who may take the step over first, then the unit's own people, then by name.
    out.sort_by(|a, b| {
        b.c.reviewer
            .cmp(&a.c.reviewer)
            .then_with(|| b.here.cmp(&a.here))
            .then_with(|| a.c.person.name.cmp(&b.c.person.name))
            .then_with(|| a.c.person.id.cmp(&b.c.person.id))
    });
    out.truncate(LIMIT);
    Ok(out.into_iter().map(|f| f.c).collect())
}
