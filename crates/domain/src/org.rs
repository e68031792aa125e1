//! The organisation tree, roles and the one authorisation rule: a grant of a role at a
//! node covers that node and its whole subtree.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{DomainError, Result};

/// What a node of the organisation tree is. The kinds come from the seeds: a union
/// federation with industry and unit unions (000), associations (001, 004), an
/// institution's service hall (003), checkpoint sites with sub-sites (002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    UnionFederation,
    IndustryUnion,
    UnitUnion,
    Association,
    Institution,
    Site,
}

impl NodeKind {
    pub const ALL: [NodeKind; 6] = [
        NodeKind::UnionFederation,
        NodeKind::IndustryUnion,
        NodeKind::UnitUnion,
        NodeKind::Association,
        NodeKind::Institution,
        NodeKind::Site,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::UnionFederation => "union_federation",
            NodeKind::IndustryUnion => "industry_union",
            NodeKind::UnitUnion => "unit_union",
            NodeKind::Association => "association",
            NodeKind::Institution => "institution",
            NodeKind::Site => "site",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            NodeKind::UnionFederation => "总工会",
            NodeKind::IndustryUnion => "产业工会",
            NodeKind::UnitUnion => "单位工会",
            NodeKind::Association => "协会",
            NodeKind::Institution => "机构",
            NodeKind::Site => "站点",
        }
    }

    /// Which kinds may hang below this one. `None` as parent means a root.
    pub fn may_be_child_of(self, parent: Option<NodeKind>) -> bool {
        use NodeKind::*;
        match (self, parent) {
            (_, None) => matches!(self, UnionFederation | Association | Institution | Site),
            (IndustryUnion, Some(UnionFederation | IndustryUnion)) => true,
            (UnitUnion, Some(UnionFederation | IndustryUnion)) => true,
            (Association, Some(UnionFederation | Association)) => true,
            (Institution, Some(Institution | UnionFederation)) => true,
            (Site, Some(Site | Institution | Association)) => true,
            _ => false,
        }
    }
}

pub const NODE_KIND_NOT_ALLOWED: DomainError = DomainError::new(
    "NodeKindNotAllowed",
    "该类型的组织不能设在所选上级组织之下",
    "This kind of node cannot be placed under the chosen parent",
);
pub const NODE_NAME_INVALID: DomainError = DomainError::new(
    "NodeNameInvalid",
    "组织名称应为2到60个字符",
    "A node name must be 2 to 60 characters",
);

/// Checks a new node against its parent; the one rule the server and the app share.
pub fn check_new_node(name: &str, kind: NodeKind, parent: Option<NodeKind>) -> Result<()> {
    let n = name.trim().chars().count();
    if !(2..=60).contains(&n) {
        return Err(NODE_NAME_INVALID);
    }
    if !kind.may_be_child_of(parent) {
        return Err(NODE_KIND_NOT_ALLOWED);
    }
    Ok(())
}

/// A node's place in the tree as `/<root id>/<child id>/…/<node id>/`. Subtree tests are
/// prefix tests, so they need no tree in memory and translate to SQL `LIKE 'path%'`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct NodePath(String);

impl NodePath {
    pub fn root(id: Uuid) -> Self {
        NodePath(format!("/{id}/"))
    }

    pub fn child(&self, id: Uuid) -> Self {
        NodePath(format!("{}{id}/", self.0))
    }

    /// Accepts only well-formed paths, so a stored string cannot widen a scope.
    pub fn parse(s: &str) -> Option<Self> {
        if !s.starts_with('/') || !s.ends_with('/') || s.len() < 3 {
            return None;
        }
        let inner = &s[1..s.len() - 1];
        if inner.split('/').all(|seg| Uuid::parse_str(seg).is_ok()) {
            Some(NodePath(s.to_owned()))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &NodePath) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    /// This path and every ancestor path, root first.
    pub fn ancestors_and_self(&self) -> Vec<NodePath> {
        let mut out = Vec::new();
        let mut acc = String::from("/");
        for seg in self.0.trim_matches('/').split('/') {
            acc.push_str(seg);
            acc.push('/');
            out.push(NodePath(acc.clone()));
        }
        out
    }

    pub fn node_id(&self) -> Option<Uuid> {
        self.0
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .and_then(|s| Uuid::parse_str(s).ok())
    }

    pub fn depth(&self) -> usize {
        self.0.trim_matches('/').split('/').count()
    }
}

/// The roles of the seeds. A grant gives one role at one node (and its subtree);
/// only a system admin holds a grant with no node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    Member,
    Secretary,
    Reviewer,
    SiteManager,
    Scanner,
    HealthAuthority,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Member,
        Role::Secretary,
        Role::Reviewer,
        Role::SiteManager,
        Role::Scanner,
        Role::HealthAuthority,
        Role::SystemAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Secretary => "secretary",
            Role::Reviewer => "reviewer",
            Role::SiteManager => "site_manager",
            Role::Scanner => "scanner",
            Role::HealthAuthority => "health_authority",
            Role::SystemAdmin => "system_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Member => "会员",
            Role::Secretary => "秘书",
            Role::Reviewer => "审核员",
            Role::SiteManager => "站点管理员",
            Role::Scanner => "扫码员",
            Role::HealthAuthority => "卫健部门",
            Role::SystemAdmin => "系统管理员",
        }
    }

    /// The one table of who may do what. Everything else asks `can`.
    pub fn permits(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::SystemAdmin => true,
            Role::Secretary => matches!(
                action,
                ViewMembers
                    | ManageMembers
                    | ReviewApplications
                    | PublishNotice
                    | ManageNodes
                    | ManageEvents
                    | ManageDues
            ),
            Role::Reviewer => matches!(action, ViewMembers | ReviewApplications),
            Role::SiteManager => matches!(action, ManageSites | ViewScans | RecordScan),
            Role::Scanner => matches!(action, RecordScan),
            Role::HealthAuthority => matches!(action, SetHealthStatus | ViewScans),
            Role::Member => false,
        }
    }
}

/// What a caller wants to do at a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ViewMembers,
    ManageMembers,
    ReviewApplications,
    PublishNotice,
    ManageNodes,
    ManageSites,
    ViewScans,
    RecordScan,
    SetHealthStatus,
    /// Create events, issue tickets, see check-ins and double admissions.
    ManageEvents,
    /// Dues rules and orders; confirm or reject offline payments; the ledger.
    ManageDues,
    Administer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    /// `None` only for a system admin: the whole platform.
    pub node: Option<NodePath>,
}

/// Who is asking: an account and its grants, loaded by the server per request and
/// cached by the app after login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub account_id: Uuid,
    pub grants: Vec<Grant>,
}

impl Principal {
    pub fn is_system_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::SystemAdmin)
    }

    /// Nodes where this principal holds any role (its "home" nodes).
    pub fn nodes(&self) -> impl Iterator<Item = &NodePath> {
        self.grants.iter().filter_map(|g| g.node.as_ref())
    }

    /// The subtree roots at which `action` is allowed; `None` means everywhere.
    pub fn scopes_for(&self, action: Action) -> Option<Vec<NodePath>> {
        let mut out = Vec::new();
        for g in &self.grants {
            if !g.role.permits(action) {
                continue;
            }
            match &g.node {
                None => return None,
                Some(p) => out.push(p.clone()),
            }
        }
        Some(out)
    }
}

/// May `principal` do `action` at `node`? True when one of its grants permits the action
/// and is held at `node` or one of its ancestors.
pub fn can(principal: &Principal, action: Action, node: &NodePath) -> bool {
    principal.grants.iter().any(|g| {
        g.role.permits(action)
            && match &g.node {
                None => g.role == Role::SystemAdmin,
                Some(scope) => node.is_within(scope),
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    struct Tree {
        province: NodePath,
        industry: NodePath,
        njmu: NodePath,
        sibling: NodePath,
        other_root: NodePath,
    }

    fn tree() -> Tree {
        let province = NodePath::root(id(1));
        let industry = province.child(id(2));
        let njmu = industry.child(id(3));
        let sibling = industry.child(id(4));
        let other_root = NodePath::root(id(9));
        Tree {
            province,
            industry,
            njmu,
            sibling,
            other_root,
        }
    }

    fn principal(grants: &[(Role, Option<&NodePath>)]) -> Principal {
        Principal {
            account_id: id(100),
            grants: grants
                .iter()
                .map(|(role, node)| Grant {
                    role: *role,
                    node: node.cloned(),
                })
                .collect(),
        }
    }

    #[test]
    fn grants_cover_their_subtree_and_nothing_else() {
        let t = tree();
        // (role, grant node, action, target, expected)
        let cases: Vec<(Role, Option<&NodePath>, Action, &NodePath, bool)> = vec![
            (
                Role::Secretary,
                Some(&t.njmu),
                Action::ViewMembers,
                &t.njmu,
                true,
            ),
            (
                Role::Secretary,
                Some(&t.njmu),
                Action::ViewMembers,
                &t.sibling,
                false,
            ),
            (
                Role::Secretary,
                Some(&t.njmu),
                Action::ViewMembers,
                &t.industry,
                false,
            ),
            (
                Role::Secretary,
                Some(&t.industry),
                Action::ViewMembers,
                &t.njmu,
                true,
            ),
            (
                Role::Secretary,
                Some(&t.industry),
                Action::ManageMembers,
                &t.sibling,
                true,
            ),
            (
                Role::Secretary,
                Some(&t.province),
                Action::PublishNotice,
                &t.njmu,
                true,
            ),
            (
                Role::Secretary,
                Some(&t.province),
                Action::PublishNotice,
                &t.other_root,
                false,
            ),
            (
                Role::Secretary,
                Some(&t.njmu),
                Action::RecordScan,
                &t.njmu,
                false,
            ),
            (
                Role::Reviewer,
                Some(&t.njmu),
                Action::ReviewApplications,
                &t.njmu,
                true,
            ),
            (
                Role::Reviewer,
                Some(&t.njmu),
                Action::ManageMembers,
                &t.njmu,
                false,
            ),
            (
                Role::Member,
                Some(&t.njmu),
                Action::ViewMembers,
                &t.njmu,
                false,
            ),
            (
                Role::Scanner,
                Some(&t.njmu),
                Action::RecordScan,
                &t.njmu,
                true,
            ),
            (
                Role::Scanner,
                Some(&t.njmu),
                Action::ViewScans,
                &t.njmu,
                false,
            ),
            (
                Role::SiteManager,
                Some(&t.industry),
                Action::ManageSites,
                &t.sibling,
                true,
            ),
            (
                Role::HealthAuthority,
                Some(&t.province),
                Action::SetHealthStatus,
                &t.njmu,
                true,
            ),
            (
                Role::HealthAuthority,
                Some(&t.njmu),
                Action::SetHealthStatus,
                &t.province,
                false,
            ),
            (
                Role::SystemAdmin,
                None,
                Action::Administer,
                &t.other_root,
                true,
            ),
            (Role::SystemAdmin, None, Action::ViewMembers, &t.njmu, true),
            // A nodeless grant of any other role is malformed and grants nothing.
            (Role::Secretary, None, Action::ViewMembers, &t.njmu, false),
        ];
        for (role, node, action, target, expected) in cases {
            let p = principal(&[(role, node)]);
            assert_eq!(
                can(&p, action, target),
                expected,
                "{role:?} at {node:?} doing {action:?} on {target:?}"
            );
        }
    }

    #[test]
    fn any_one_grant_is_enough() {
        let t = tree();
        let p = principal(&[
            (Role::Member, Some(&t.njmu)),
            (Role::Scanner, Some(&t.sibling)),
        ]);
        assert!(can(&p, Action::RecordScan, &t.sibling));
        assert!(!can(&p, Action::RecordScan, &t.njmu));
    }

    #[test]
    fn a_path_prefix_of_another_id_is_not_an_ancestor() {
        // Paths end with '/', so /…1/ never matches /…12/.
        let a = NodePath::parse("/00000000-0000-0000-0000-000000000001/").unwrap();
        let b = NodePath::parse("/00000000-0000-0000-0000-000000000012/").unwrap();
        assert!(!b.is_within(&a));
        assert!(a.is_within(&a));
    }

    #[test]
    fn path_parsing_rejects_anything_but_uuid_segments() {
        for bad in [
            "",
            "/",
            "//",
            "abc",
            "/x/",
            "/00000000-0000-0000-0000-000000000001",
            "/00000000-0000-0000-0000-000000000001/%/",
        ] {
            assert!(NodePath::parse(bad).is_none(), "{bad:?} should not parse");
        }
        let t = tree();
        assert_eq!(NodePath::parse(t.njmu.as_str()), Some(t.njmu.clone()));
    }

    #[test]
    fn ancestors_are_listed_root_first() {
        let t = tree();
        assert_eq!(
            t.njmu.ancestors_and_self(),
            vec![t.province.clone(), t.industry.clone(), t.njmu.clone()]
        );
        assert_eq!(t.njmu.node_id(), Some(id(3)));
        assert_eq!(t.njmu.depth(), 3);
    }

    #[test]
    fn node_kinds_nest_as_the_seeds_describe() {
        use NodeKind::*;
        let cases = [
            (UnionFederation, None, true),
            (IndustryUnion, Some(UnionFederation), true),
            (UnitUnion, Some(IndustryUnion), true),
            (UnitUnion, None, false),
            (UnitUnion, Some(Site), false),
            (Site, Some(Site), true),
            (Site, None, true),
            (Association, Some(UnionFederation), true),
            (IndustryUnion, Some(Association), false),
        ];
        for (kind, parent, ok) in cases {
            assert_eq!(
                kind.may_be_child_of(parent),
                ok,
                "{kind:?} under {parent:?}"
            );
        }
        assert_eq!(
            check_new_node("永吉县口前镇检查站", Site, Some(Site)),
            Ok(())
        );
        assert_eq!(check_new_node("站", Site, None), Err(NODE_NAME_INVALID));
        assert_eq!(
            check_new_node("南京医科大学工会", UnitUnion, None),
            Err(NODE_KIND_NOT_ALLOWED)
        );
    }

    #[test]
    fn scopes_for_lists_grant_nodes_or_everywhere() {
        let t = tree();
        let p = principal(&[
            (Role::Secretary, Some(&t.njmu)),
            (Role::Member, Some(&t.sibling)),
        ]);
        assert_eq!(
            p.scopes_for(Action::ViewMembers),
            Some(vec![t.njmu.clone()])
        );
        let admin = principal(&[(Role::SystemAdmin, None)]);
        assert_eq!(admin.scopes_for(Action::ViewMembers), None);
    }
}
