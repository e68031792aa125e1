//! Memberships, dues orders, the inbox, services and the unit picker, read from the
//! synced records; overrides and renewals go to the server (a secretary's acts that
//! change someone's status are not made offline).

use std::collections::HashMap;

use huiji_domain::org::{Action as Perm, NodeKind, Role};
use huiji_domain::sync::OrgNodeBody;
use huiji_domain::wire::{AccountView, MembershipOverrideRequest, Record, RenewRequest};
use huiji_domain::workflow::{MembershipBody, MembershipStatus, NotificationBody, ServiceDef};
use huiji_domain::DomainError;
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::core::{not_logged_in, AppCore};
use super::views::MembershipView;
use super::workflow::views::{
    MembershipCounts, MembershipPage, MembershipQuery, MembershipRecordView, NotificationView,
    ServiceView, UnitOption,
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
const MAX_PAGE_SIZE: u32 = 200;

/// The server's rule, answered here at once.
pub const OVERRIDE_ENDED: DomainError = DomainError::new(
    "OverrideInvalid",
    "不能手动设为“已终止”，终止会籍请走退会流程",
    "A membership is ended by a withdrawal, not by an override",
);
pub const MEMBERSHIP_OFFLINE: DomainError = DomainError::new(
    "MembershipOffline",
    "调整会籍需要联网，当前无法连接服务器，请联网后再试",
    "Changing a membership needs the network; connect and try again",
);

fn bad_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| Error::Server {
        status: 400,
        code: "BadId".into(),
        message: "编号格式不正确".into(),
    })
}

/// The organisation tree on this device (sites left out: nobody joins a checkpoint).
pub(crate) struct Tree {
    nodes: HashMap<Uuid, OrgNodeBody>,
}

impl Tree {
    pub(crate) fn load(c: &Connection) -> Result<Tree> {
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

    pub(crate) fn ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.nodes.keys().copied()
    }

    pub(crate) fn name(&self, id: Uuid) -> String {
        self.nodes
            .get(&id)
            .map(|n| n.name.clone())
            .unwrap_or_default()
    }

    /// `id` and its ancestors, itself first (as far as this device knows the tree).
    fn up(&self, id: Uuid) -> Vec<Uuid> {
        let mut out = vec![id];
        let mut at = self.nodes.get(&id).and_then(|n| n.parent_id);
        while let Some(p) = at {
            if out.contains(&p) || out.len() > 64 {
                break;
            }
            out.push(p);
            at = self.nodes.get(&p).and_then(|n| n.parent_id);
        }
        out
    }

    /// `node` is `root` or lies under it.
    pub(crate) fn within(&self, node: Uuid, root: Uuid) -> bool {
        self.up(node).contains(&root)
    }
}

/// Where someone may do `perm` (see members, manage dues): everywhere, or under
/// these nodes.
pub(crate) enum Scope {
    All,
    Under(Vec<Uuid>),
}

impl Scope {
    pub(crate) fn of(account: &AccountView, perm: Perm) -> Scope {
        let mut roots = Vec::new();
        for g in &account.grants {
            if !g.role.permits(perm) {
                continue;
            }
            match g.node_id {
                Some(n) => roots.push(n),
                None if g.role == Role::SystemAdmin => return Scope::All,
                None => {}
            }
        }
        Scope::Under(roots)
    }

    pub(crate) fn covers(&self, tree: &Tree, node: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Under(roots) => roots.iter().any(|r| tree.within(node, *r)),
        }
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

/// What a page of 会籍管理 needs of a record, read without parsing its body.
struct Lean {
    id: String,
    unit: Uuid,
    unit_name: String,
    name: String,
    status: MembershipStatus,
    start_on: String,
    account: Option<String>,
    updated_at: i64,
}

fn lean_rows(c: &Connection) -> Result<Vec<Lean>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, node_id, json_extract(body, '$.unit_id'), json_extract(body, '$.unit_name'), \
         json_extract(body, '$.name'), json_extract(body, '$.status'), \
         json_extract(body, '$.start_on'), json_extract(body, '$.account_id'), updated_at \
         FROM records WHERE kind = 'membership' AND deleted = 0",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, i64>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, node, unit, unit_name, name, status, start_on, account, updated_at) = row?;
        let Some(unit) = unit
            .as_deref()
            .or(Some(node.as_str()))
            .and_then(|u| Uuid::parse_str(u).ok())
        else {
            continue;
        };
        let Some(status) = status.as_deref().and_then(MembershipStatus::parse) else {
            continue;
        };
        out.push(Lean {
            id,
            unit,
            unit_name: unit_name.unwrap_or_default(),
            name: name.unwrap_or_default(),
            status,
            start_on: start_on.unwrap_or_default(),
            account,
            updated_at,
        });
    }
    Ok(out)
}

fn count_status(counts: &mut MembershipCounts, s: MembershipStatus) {
    counts.all += 1;
    match s {
        MembershipStatus::Pending => counts.pending += 1,
        MembershipStatus::Current => counts.current += 1,
        MembershipStatus::Grace => counts.grace += 1,
        MembershipStatus::Expired => counts.expired += 1,
        MembershipStatus::Ended => counts.ended += 1,
    }
}

/// The units a secretary filters 会籍管理 by: those holding records in scope, and the
/// nodes from them up to the scope's own, ordered by path.
fn filter_units(tree: &Tree, scope: &Scope, rows: &[Lean]) -> Vec<UnitOption> {
    let mut ids: Vec<Uuid> = Vec::new();
    let mut unknown: Vec<UnitOption> = Vec::new();
    for r in rows {
        if ids.contains(&r.unit) || unknown.iter().any(|u| u.id == r.unit.to_string()) {
            continue;
        }
        if !tree.nodes.contains_key(&r.unit) {
            unknown.push(UnitOption {
                id: r.unit.to_string(),
                name: r.unit_name.clone(),
                kind: String::new(),
                path_names: vec![r.unit_name.clone()],
                has_children: false,
                levels: Vec::new(),
            });
            continue;
        }
        for n in tree.up(r.unit) {
            if !ids.contains(&n) {
                ids.push(n);
            }
            let top = match scope {
                Scope::All => false,
                Scope::Under(roots) => roots.contains(&n),
            };
            if top {
                break;
            }
        }
    }
    let mut out: Vec<UnitOption> = ids
        .into_iter()
        .filter(|n| scope.covers(tree, *n))
        .filter_map(|n| tree.option(n))
        .chain(unknown)
        .collect();
    out.sort_by(|a, b| a.path_names.cmp(&b.path_names));
    out
}

/// One page of the membership records `account` may see (its ViewMembers scope), with
/// the counts per status and the units to filter by.
pub(crate) fn membership_page(
    c: &Connection,
    account: &AccountView,
    q: &MembershipQuery,
) -> Result<MembershipPage> {
    let tree = Tree::load(c)?;
    let scope = Scope::of(account, Perm::ViewMembers);
    let unit = q
        .unit_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(bad_id)
        .transpose()?;
    let text = q
        .text
        .as_deref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty());
    // A roster entry stands for its account (an entry without one has no records).
    let (person, member_name) = match q.member_id.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => {
            let m = bad_id(m)?.to_string();
            let found: Option<(Option<String>, Option<String>)> = c
                .prepare_cached(
                    "SELECT json_extract(body, '$.account_id'), json_extract(body, '$.name') \
                     FROM records WHERE id = ?1 AND kind = 'member' AND deleted = 0",
                )?
                .query_row([&m], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let (acc, name) = found.ok_or(Error::NotFound)?;
            (Some(acc.unwrap_or_default()), name)
        }
        _ => (None, None),
    };

    let scoped: Vec<Lean> = lean_rows(c)?
        .into_iter()
        .filter(|r| scope.covers(&tree, r.unit))
        .collect();
    let units = filter_units(&tree, &scope, &scoped);
    let mut counts = MembershipCounts::default();
    let mut rows: Vec<Lean> = scoped
        .into_iter()
        .filter(|r| unit.is_none_or(|u| r.unit == u || tree.within(r.unit, u)))
        .filter(|r| {
            person
                .as_deref()
                .is_none_or(|p| !p.is_empty() && r.account.as_deref() == Some(p))
        })
        .filter(|r| {
            text.as_deref()
                .is_none_or(|t| r.name.to_lowercase().contains(t))
        })
        .inspect(|r| count_status(&mut counts, r.status))
        .filter(|r| q.status.is_none_or(|s| s == r.status))
        .collect();
    rows.sort_by(|a, b| {
        b.start_on
            .cmp(&a.start_on)
            .then_with(|| b.updated_at.cmp(&a.updated_at))
            .then_with(|| b.id.cmp(&a.id))
    });
    let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let size = q.page_size.clamp(1, MAX_PAGE_SIZE) as usize;
    let skip = (q.page.max(1) as usize - 1).saturating_mul(size);
    let mut stmt = c.prepare_cached(
        "SELECT body FROM records WHERE id = ?1 AND kind = 'membership' AND deleted = 0",
    )?;
    let mut page = Vec::new();
    for r in rows.into_iter().skip(skip).take(size) {
        let body: Option<String> = stmt.query_row([&r.id], |x| x.get(0)).optional()?;
        if let Some(b) = body.and_then(|b| serde_json::from_str::<MembershipBody>(&b).ok()) {
            page.push(membership_view(r.id, b));
        }
    }
    Ok(MembershipPage {
        rows: page,
        total,
        counts,
        units,
        member_name,
    })
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

    /// 会籍管理: the membership records in the caller's ViewMembers scope that this
    /// device holds, filtered and paged, newest first.
    pub fn unit_memberships(&self, query: &MembershipQuery) -> Result<MembershipPage> {
        let session = self.session()?.ok_or_else(not_logged_in)?;
        self.store()
            .with_conn(|c| membership_page(c, &session.account, query))
    }

    pub fn my_memberships(&self) -> Result<Vec<MembershipRecordView>> {
        let me = self.account_id()?;
        self.store().with_conn(|c| memberships_of(c, me))
    }

    /// The device's copy of a membership record, if it has one.
    fn local_membership(&self, id: &str) -> Result<Option<MembershipBody>> {
        let id = bad_id(id)?.to_string();
        let body: Option<String> = self.store().with_conn(|c| {
            Ok(c.prepare_cached(
                "SELECT body FROM records WHERE id = ?1 AND kind = 'membership' AND deleted = 0",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?)
        })?;
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
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
            .await
            .map_err(|e| match e {
                Error::Network(_) => Error::Invalid(MEMBERSHIP_OFFLINE),
                other => other,
            })?;
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
        if status == Some(MembershipStatus::Ended) {
            return Err(OVERRIDE_ENDED.into());
        }
        if self
            .local_membership(id)?
            .is_some_and(|m| m.ended_on.is_some() || m.status == MembershipStatus::Ended)
        {
            return Err(huiji_domain::workflow::MEMBERSHIP_ENDED.into());
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
        // The date rules are checked on the device's copy first (an instant answer).
        if let Some(mut m) = self.local_membership(id)? {
            let today = huiji_domain::time::today_cst(self.store().now()).to_string();
            huiji_domain::workflow::renew(&mut m, end_on.trim(), &today, "")?;
        }
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
                        payment_id: b.payment_id.map(|r| r.to_string()),
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
