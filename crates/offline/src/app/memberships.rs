//! Memberships, dues orders, the inbox, services and the unit picker, read from the
//! synced records; overrides and renewals go to the server (a secretary's acts that
//! change someone's status are not made offline).

use std::collections::HashMap;

use huiji_domain::org::NodeKind;
use huiji_domain::sync::OrgNodeBody;
use huiji_domain::wire::{MembershipOverrideRequest, Record, RenewRequest};
use huiji_domain::workflow::{
    DuesOrderBody, MembershipBody, MembershipStatus, NotificationBody, ServiceDef,
};
use rusqlite::{params, Connection};
use uuid::Uuid;

use super::core::{not_logged_in, AppCore};
use super::views::MembershipView;
use super::workflow::views::{
    DuesOrderView, MembershipRecordView, NotificationView, ServiceView, UnitOption,
};
use crate::error::{Error, Result};

/// Node kinds a person joins (the join form's choices).
const JOINABLE: [NodeKind; 4] = [
    NodeKind::UnitUnion,
    NodeKind::Association,
    NodeKind::Institution,
    NodeKind::IndustryUnion,
];

const SEARCH_LIMIT: usize = 50;

fn bad_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| Error::Server {
        status: 400,
        code: "BadId".into(),
        message: "编号格式不正确".into(),
    })
}

/// The organisation tree on this device (sites left out: nobody joins a checkpoint).
struct Tree {
    nodes: HashMap<Uuid, OrgNodeBody>,
}

impl Tree {
    fn load(c: &Connection) -> Result<Tree> {
        let mut stmt = c.prepare_cached(
            "SELECT id, body FROM records WHERE kind = 'org_node' AND deleted = 0",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut nodes = HashMap::new();
        for row in rows {
            let (id, body) = row?;
            if let (Ok(id), Ok(b)) = (
                Uuid::parse_str(&id),
                serde_json::from_str::<OrgNodeBody>(&body),
            ) {
                if b.kind != NodeKind::Site {
                    nodes.insert(id, b);
                }
            }
        }
        Ok(Tree { nodes })
    }

    fn path_names(&self, id: Uuid) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = Some(id);
        while let Some(n) = at.and_then(|i| self.nodes.get(&i)) {
            out.push(n.name.clone());
            if out.len() > 64 {
                break;
            }
            at = n.parent_id;
        }
        out.reverse();
        out
    }

    fn option(&self, id: Uuid) -> Option<UnitOption> {
        let n = self.nodes.get(&id)?;
        Some(UnitOption {
            id: id.to_string(),
            name: n.name.clone(),
            kind: n.kind.as_str().to_owned(),
            path_names: self.path_names(id),
            has_children: self.nodes.values().any(|c| c.parent_id == Some(id)),
            levels: n.levels.clone(),
        })
    }

    fn name(&self, id: Uuid) -> String {
        self.nodes
            .get(&id)
            .map(|n| n.name.clone())
            .unwrap_or_default()
    }
}

fn sorted(mut v: Vec<UnitOption>) -> Vec<UnitOption> {
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// Rows of a kind that belong to `account` (owner, or named in the body).
fn own_bodies(c: &Connection, kind: &str, account: Uuid) -> Result<Vec<(String, String)>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, body FROM records WHERE kind = ?1 AND deleted = 0 \
         AND (owner_id = ?2 OR json_extract(body, '$.account_id') = ?2) ORDER BY id",
    )?;
    let rows = stmt.query_map(params![kind, account.to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn membership_view(id: String, b: MembershipBody) -> MembershipRecordView {
    MembershipRecordView {
        id,
        name: b.name,
        unit_id: b.unit_id.to_string(),
        unit_name: b.unit_name,
        member_type: b.member_type,
        level: b.level,
        title: b.title,
        joined_on: b.joined_on,
        start_on: b.start_on,
        end_on: b.end_on,
        ended_on: b.ended_on,
        status: b.status,
        status_label: b.status.label_zh().to_owned(),
        override_reason: b.override_status.map(|o| o.reason),
        history: b.history,
    }
}

/// The account's membership records, live ones first, newest first.
pub(crate) fn memberships_of(c: &Connection, account: Uuid) -> Result<Vec<MembershipRecordView>> {
    let mut out: Vec<MembershipRecordView> = own_bodies(c, "membership", account)?
        .into_iter()
        .filter_map(|(id, body)| {
            serde_json::from_str::<MembershipBody>(&body)
                .ok()
                .map(|b| membership_view(id, b))
        })
        .collect();
    let live = |s: MembershipStatus| {
        matches!(
            s,
            MembershipStatus::Pending | MembershipStatus::Current | MembershipStatus::Grace
        )
    };
    out.sort_by(|a, b| {
        live(b.status)
            .cmp(&live(a.status))
            .then_with(|| b.start_on.cmp(&a.start_on))
    });
    Ok(out)
}

/// What the member's home lists: live memberships from the membership records (None
/// when the device has no membership record of theirs).
pub(crate) fn home_memberships(
    c: &Connection,
    account: Uuid,
) -> Result<Option<Vec<MembershipView>>> {
    let all = memberships_of(c, account)?;
    if all.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        all.into_iter()
            .filter(|m| {
                matches!(
                    m.status,
                    MembershipStatus::Pending | MembershipStatus::Current | MembershipStatus::Grace
                )
            })
            .map(|m| MembershipView {
                id: m.id,
                unit_name: m.unit_name,
                category: Some(m.member_type),
                level: m.level,
                title: m.title,
            })
            .collect(),
    ))
}

impl AppCore {
    fn account_id(&self) -> Result<Uuid> {
        Ok(self.session()?.ok_or_else(not_logged_in)?.account.id)
    }

    /// The organisation tree one level down from `parent_id` (the roots for None).
    pub fn units_children(&self, parent_id: Option<&str>) -> Result<Vec<UnitOption>> {
        let parent = parent_id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(bad_id)
            .transpose()?;
        let tree = self.store().with_conn(Tree::load)?;
        Ok(sorted(
            tree.nodes
                .iter()
                .filter(|(_, n)| n.parent_id == parent)
                .filter_map(|(id, _)| tree.option(*id))
                .collect(),
        ))
    }

    /// Units one can join whose name contains `text`.
    pub fn units_search(&self, text: &str) -> Result<Vec<UnitOption>> {
        let t = text.trim().to_lowercase();
        if t.is_empty() {
            return Ok(Vec::new());
        }
        let tree = self.store().with_conn(Tree::load)?;
        let mut found: Vec<UnitOption> = tree
            .nodes
            .iter()
            .filter(|(_, n)| JOINABLE.contains(&n.kind) && n.name.to_lowercase().contains(&t))
            .filter_map(|(id, _)| tree.option(*id))
            .collect();
        found.sort_by(|a, b| {
            (a.name.chars().count(), &a.name).cmp(&(b.name.chars().count(), &b.name))
        });
        found.truncate(SEARCH_LIMIT);
        Ok(found)
    }

    pub fn my_memberships(&self) -> Result<Vec<MembershipRecordView>> {
        let me = self.account_id()?;
        self.store().with_conn(|c| memberships_of(c, me))
    }

    pub fn my_dues_orders(&self) -> Result<Vec<DuesOrderView>> {
        let me = self.account_id()?;
        let mut out: Vec<(i64, DuesOrderView)> = self.store().with_conn(|c| {
            Ok(own_bodies(c, "dues_order", me)?
                .into_iter()
                .filter_map(|(id, body)| {
                    let b = serde_json::from_str::<DuesOrderBody>(&body).ok()?;
                    Some((
                        b.created_at,
                        DuesOrderView {
                            id,
                            unit_name: b.unit_name,
                            period: b.period,
                            amount_fen: b.amount_fen,
                            paid_fen: b.paid_fen,
                            status: b.status,
                        },
                    ))
                })
                .collect())
        })?;
        out.sort_by_key(|o| std::cmp::Reverse(o.0));
        Ok(out.into_iter().map(|(_, v)| v).collect())
    }

    async fn membership_call(
        &self,
        id: &str,
        what: &str,
        body: &impl serde::Serialize,
    ) -> Result<MembershipRecordView> {
        let token = self.token()?;
        let id = bad_id(id)?;
        let answer: serde_json::Value = self
            .remote()?
            .post(
                &format!("/api/v1/memberships/{id}/{what}"),
                Some(&token),
                body,
            )
            .await?;
        // The server answers with the record (or its body); keep it so the screens
        // show it before the next sync.
        if let Ok(record) = serde_json::from_value::<Record>(answer.clone()) {
            self.store()
                .apply_server_records(std::slice::from_ref(&record))?;
            let b: MembershipBody = serde_json::from_value(record.body)?;
            return Ok(membership_view(record.id.to_string(), b));
        }
        let b: MembershipBody = serde_json::from_value(answer)
            .map_err(|e| Error::Protocol(format!("membership answer: {e}")))?;
        Ok(membership_view(id.to_string(), b))
    }

    /// Sets (or with `status` None clears) a manual status with its reason.
    pub async fn membership_set_status(
        &self,
        id: &str,
        status: Option<MembershipStatus>,
        reason: &str,
    ) -> Result<MembershipRecordView> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(huiji_domain::workflow::REASON_REQUIRED.into());
        }
        self.membership_call(
            id,
            "status",
            &MembershipOverrideRequest {
                status,
                reason: reason.to_owned(),
            },
        )
        .await
    }

    pub async fn membership_renew(&self, id: &str, end_on: &str) -> Result<MembershipRecordView> {
        huiji_domain::time::parse_date(end_on).ok_or(huiji_domain::workflow::DATE_INVALID)?;
        self.membership_call(
            id,
            "renew",
            &RenewRequest {
                end_on: end_on.trim().to_owned(),
            },
        )
        .await
    }

    /// The inbox, newest first.
    pub fn notifications_list(&self) -> Result<Vec<NotificationView>> {
        let me = self.account_id()?;
        let mut out: Vec<NotificationView> = self.store().with_conn(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT r.id, r.body, EXISTS (SELECT 1 FROM notification_read n WHERE n.id = r.id) \
                 FROM records r WHERE r.kind = 'notification' AND r.deleted = 0 \
                 AND (r.owner_id = ?1 OR r.owner_id IS NULL)",
            )?;
            let rows = stmt.query_map([me.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, body, read) = row?;
                if let Ok(b) = serde_json::from_str::<NotificationBody>(&body) {
                    out.push(NotificationView {
                        id,
                        title: b.title,
                        text: b.text,
                        request_id: b.request_id.map(|r| r.to_string()),
                        at: b.at,
                        read,
                    });
                }
            }
            Ok(out)
        })?;
        out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
        Ok(out)
    }

    pub fn notification_read(&self, id: &str) -> Result<()> {
        let id = bad_id(id)?.to_string();
        let now = self.store().now();
        self.store().write(|tx| {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO notification_read (id, read_at) VALUES (?1, ?2)",
            )?
            .execute(params![id, now])?;
            Ok(())
        })
    }

    /// The service hall's services synced to this device.
    pub fn services_list(&self) -> Result<Vec<ServiceView>> {
        self.store().with_conn(|c| {
            let tree = Tree::load(c)?;
            let mut stmt = c.prepare_cached(
                "SELECT id, node_id, body FROM records WHERE kind = 'service' AND deleted = 0",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, node, body) = row?;
                let Ok(def) = serde_json::from_str::<ServiceDef>(&body) else {
                    continue;
                };
                let node_name = Uuid::parse_str(&node)
                    .map(|n| tree.name(n))
                    .unwrap_or_default();
                out.push(ServiceView {
                    id,
                    node_id: node,
                    node_name,
                    def,
                });
            }
            out.sort_by(|a, b| (&a.node_name, &a.def.name).cmp(&(&b.node_name, &b.def.name)));
            Ok(out)
        })
    }
}
