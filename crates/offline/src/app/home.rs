//! The three homes, read from the local store only, so they show offline.

use std::collections::HashMap;

use huiji_domain::org::Role;
use huiji_domain::sync::{MemberBody, NoticeBody, OrgNodeBody};
use huiji_domain::wire::AccountView;
use rusqlite::{params, Connection};

use super::views::{
    HomeKind, HomeSummary, MemberHome, MembershipView, NoticeView, ScannerHome, SecretaryHome,
    UnitCount,
};
use crate::error::Result;

/// Which home an account opens on: whoever reviews or runs a unit gets the secretary's
/// desk, checkpoint staff and the health authority the checkpoint screens (scanning,
/// sites, the health desk), everyone else the member's phone screens.
pub fn home_for(account: &AccountView) -> HomeKind {
    let has = |roles: &[Role]| account.grants.iter().any(|g| roles.contains(&g.role));
    if has(&[Role::Secretary, Role::Reviewer, Role::SystemAdmin]) {
        HomeKind::Secretary
    } else if has(&[Role::Scanner, Role::SiteManager, Role::HealthAuthority]) {
        HomeKind::Scanner
    } else {
        HomeKind::Member
    }
}

/// Node id → node name.
type NodeNames = HashMap<String, String>;

fn node_names(c: &Connection) -> Result<NodeNames> {
    let mut stmt =
        c.prepare_cached("SELECT id, body FROM records WHERE kind = 'org_node' AND deleted = 0")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, body) = row?;
        if let Ok(b) = serde_json::from_str::<OrgNodeBody>(&body) {
            out.insert(id, b.name);
        }
    }
    Ok(out)
}

fn notices(c: &Connection, names: &NodeNames) -> Result<Vec<NoticeView>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, node_id, body, updated_at FROM records WHERE kind = 'notice' AND deleted = 0 \
         ORDER BY updated_at DESC, seq DESC LIMIT 50",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, node_id, body, updated_at) = row?;
        let Ok(b) = serde_json::from_str::<NoticeBody>(&body) else {
            continue;
        };
        out.push(NoticeView {
            id,
            title: b.title,
            content: b.content,
            node_name: names.get(&node_id).cloned().unwrap_or_default(),
            updated_at,
            kind: b.kind,
            cover: b.cover.map(|c| c.to_string()),
            important: b.important,
        });
    }
    Ok(out)
}

/// Midnight of `now`'s day in China Standard Time, in unix ms.
pub fn start_of_day_cst(now_ms: i64) -> i64 {
    const DAY: i64 = 86_400_000;
    const CST: i64 = 8 * 3_600_000;
    (now_ms + CST).div_euclid(DAY) * DAY - CST
}

fn grant_node_name(account: &AccountView, roles: &[Role]) -> Option<String> {
    account
        .grants
        .iter()
        .find(|g| roles.contains(&g.role))
        .map(|g| g.node_name.clone().unwrap_or_else(|| "全平台".to_owned()))
}

pub fn summary(c: &Connection, account: &AccountView, now_ms: i64) -> Result<HomeSummary> {
    let home = home_for(account);
    let names = node_names(c)?;
    let mut out = HomeSummary {
        home,
        member: None,
        secretary: None,
        scanner: None,
    };
    match home {
        HomeKind::Member => {
            if let Some(memberships) = super::memberships::home_memberships(c, account.id)? {
                out.member = Some(MemberHome {
                    memberships,
                    notices: notices(c, &names)?,
                });
                return Ok(out);
            }
            let me = account.id.to_string();
            let mut stmt = c.prepare_cached(
                "SELECT id, node_id, body FROM records WHERE kind = 'member' AND deleted = 0 \
                 AND (owner_id = ?1 OR json_extract(body, '$.account_id') = ?1) ORDER BY seq",
            )?;
            let rows = stmt.query_map([&me], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut memberships = Vec::new();
            for row in rows {
                let (id, node_id, body) = row?;
                let Ok(b) = serde_json::from_str::<MemberBody>(&body) else {
                    continue;
                };
                memberships.push(MembershipView {
                    id,
                    unit_name: names.get(&node_id).cloned().unwrap_or_default(),
                    category: b.category,
                    level: b.level,
                    title: b.title,
                });
            }
            out.member = Some(MemberHome {
                memberships,
                notices: notices(c, &names)?,
            });
        }
        HomeKind::Secretary => {
            let member_count: i64 = c.query_row(
                "SELECT COUNT(*) FROM records WHERE kind = 'member' AND deleted = 0",
                [],
                |r| r.get(0),
            )?;
            let mut stmt = c.prepare_cached(
                "SELECT node_id, COUNT(*) FROM records WHERE kind = 'member' AND deleted = 0 \
                 GROUP BY node_id ORDER BY COUNT(*) DESC LIMIT 50",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            let mut units = Vec::new();
            for row in rows {
                let (node_id, n) = row?;
                units.push(UnitCount {
                    name: names.get(&node_id).cloned().unwrap_or_default(),
                    node_id,
                    members: n as u32,
                });
            }
            out.secretary = Some(SecretaryHome {
                scope_name: grant_node_name(
                    account,
                    &[
                        Role::Secretary,
                        Role::Reviewer,
                        Role::SystemAdmin,
                        Role::HealthAuthority,
                    ],
                )
                .unwrap_or_default(),
                member_count: member_count as u32,
                pending_reviews: super::workflow::list::counts(c, account.id)?.todo,
                units,
                notices: notices(c, &names)?,
            });
        }
        HomeKind::Scanner => {
            let since = start_of_day_cst(now_ms);
            let (scans, turned_back, last): (i64, i64, Option<i64>) = c.query_row(
                "SELECT COUNT(*), \
                 COALESCE(SUM(json_array_length(body, '$.turn_back') > 0), 0), \
                 MAX(json_extract(body, '$.scanned_at')) FROM records \
                 WHERE kind = 'scan' AND json_extract(body, '$.scanned_at') >= ?1",
                params![since],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            out.scanner = Some(ScannerHome {
                site_name: grant_node_name(account, &[Role::Scanner, Role::SiteManager])
                    .unwrap_or_default(),
                scans_today: scans as u32,
                turned_back_today: turned_back as u32,
                last_scan_at: last,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_midnight_china_time() {
        // 2026-11-22 01:30 CST = 2026-11-21T17:30Z
        let t = 1_795_282_200_000;
        assert_eq!(start_of_day_cst(t), 1_795_276_800_000);
        // One minute before midnight CST belongs to the day before.
        assert_eq!(
            start_of_day_cst(1_795_276_800_000 - 60_000),
            1_795_276_800_000 - 86_400_000
        );
        assert!(start_of_day_cst(t) <= t && t - start_of_day_cst(t) < 86_400_000);
    }
}
