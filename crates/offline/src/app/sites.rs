//! Site management (站点管理) and the health authority's desk. Sites are read from the
//! synced tree; changes go to the server at once (they hand out roles, so they are not
//! made offline). Counts come from the server, or from the synced scans when offline.

use huiji_domain::checkpoint::{scanned_on, site_stats, SiteNode};
use huiji_domain::org::{NodeKind, NodePath, Role};
use huiji_domain::sync::{OrgNodeBody, RecordKind, RiskRegionBody, ScanBody};
use huiji_domain::time::today_cst;
use huiji_domain::wire::{
    AddScannerRequest, HealthStatusResult, ImportReport, NodeView, ScannerView,
    SetHealthStatusRequest, SiteRequest, SiteStatsRow,
};
use rusqlite::params;
use uuid::Uuid;

use super::core::{not_logged_in, AppCore};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SiteView {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub address: Option<String>,
    pub contact: Option<String>,
    pub contact_phone_masked: Option<String>,
    pub depth: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SiteForm {
    pub parent_id: Option<String>,
    pub name: String,
    pub address: Option<String>,
    pub contact: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SiteStatsView {
    pub rows: Vec<SiteStatsRow>,
    /// Counted here from synced scans: the server could not be reached.
    pub offline: bool,
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct RiskRegionView {
    pub id: String,
    pub code: String,
    pub name: String,
}

fn bad_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| Error::Server {
        status: 400,
        code: "BadId".into(),
        message: "编号格式不正确".into(),
    })
}

impl AppCore {
    /// The site this account manages (site manager grant), else the one it scans at.
    fn managed_site(&self) -> Result<Uuid> {
        let session = self.session()?.ok_or_else(not_logged_in)?;
        [Role::SiteManager, Role::HealthAuthority, Role::Scanner]
            .iter()
            .find_map(|r| {
                session
                    .account
                    .grants
                    .iter()
                    .find(|g| g.role == *r)
                    .and_then(|g| g.node_id)
            })
            .ok_or_else(|| Error::Server {
                status: 403,
                code: "NoSite".into(),
                message: "当前账号没有管理的站点".into(),
            })
    }

    fn site_nodes(&self) -> Result<Vec<(SiteNode, OrgNodeBody)>> {
        self.store().with_conn(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, body FROM records WHERE kind = 'org_node' AND deleted = 0",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut raw = Vec::new();
            for row in rows {
                let (id, body) = row?;
                if let (Ok(id), Ok(body)) = (
                    Uuid::parse_str(&id),
                    serde_json::from_str::<OrgNodeBody>(&body),
                ) {
                    if body.kind == NodeKind::Site {
                        raw.push((id, body));
                    }
                }
            }
            // Paths from parent links (the device keeps node ids, not paths).
            let parent_of: std::collections::HashMap<Uuid, Option<Uuid>> =
                raw.iter().map(|(id, b)| (*id, b.parent_id)).collect();
            let path_of = |mut id: Uuid| {
                let mut chain = vec![id];
                while let Some(Some(p)) = parent_of.get(&id) {
                    if chain.contains(p) || chain.len() > 64 {
                        break;
                    }
                    chain.push(*p);
                    id = *p;
                }
                chain.reverse();
                let mut path = NodePath::root(chain[0]);
                for n in &chain[1..] {
                    path = path.child(*n);
                }
                path
            };
            Ok(raw
                .into_iter()
                .map(|(id, body)| {
                    (
                        SiteNode {
                            id,
                            parent_id: body.parent_id,
                            name: body.name.clone(),
                            path: path_of(id),
                        },
                        body,
                    )
                })
                .collect())
        })
    }

    /// The managed site and every site below it, parents before children.
    pub fn sites_list(&self) -> Result<Vec<SiteView>> {
        let root = self.managed_site()?;
        let nodes = self.site_nodes()?;
        let Some((root_node, _)) = nodes.iter().find(|(n, _)| n.id == root) else {
            return Ok(Vec::new());
        };
        let rows = site_stats(
            root_node,
            &nodes.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
            &[],
        );
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let (_, body) = nodes.iter().find(|(n, _)| n.id == r.node_id)?;
                Some(SiteView {
                    id: r.node_id.to_string(),
                    parent_id: r.parent_id.map(|p| p.to_string()),
                    name: r.name,
                    address: body.address.clone(),
                    contact: body.contact.clone(),
                    contact_phone_masked: body
                        .contact_phone
                        .as_deref()
                        .map(huiji_domain::mask::mask_phone),
                    depth: r.depth,
                })
            })
            .collect())
    }

    fn site_request(form: &SiteForm) -> Result<SiteRequest> {
        Ok(SiteRequest {
            parent_id: form.parent_id.as_deref().map(bad_id).transpose()?,
            name: form.name.clone(),
            address: form.address.clone(),
            contact: form.contact.clone(),
            contact_phone: form.contact_phone.clone(),
        })
    }

    pub async fn site_create(&self, form: &SiteForm) -> Result<NodeView> {
        let token = self.token()?;
        let v: NodeView = self
            .remote()?
            .post("/api/v1/sites", Some(&token), &Self::site_request(form)?)
            .await?;
        Ok(v)
    }

    pub async fn site_edit(&self, id: &str, form: &SiteForm) -> Result<NodeView> {
        let token = self.token()?;
        let id = bad_id(id)?;
        self.remote()?
            .put(
                &format!("/api/v1/sites/{id}"),
                Some(&token),
                &Self::site_request(form)?,
            )
            .await
    }

    pub async fn site_scanners(&self, id: &str) -> Result<Vec<ScannerView>> {
        let token = self.token()?;
        let id = bad_id(id)?;
        self.remote()?
            .get(&format!("/api/v1/sites/{id}/scanners"), Some(&token))
            .await
    }

    pub async fn site_add_scanner(&self, id: &str, phone: &str, name: &str) -> Result<ScannerView> {
        let token = self.token()?;
        let id = bad_id(id)?;
        self.remote()?
            .post(
                &format!("/api/v1/sites/{id}/scanners"),
                Some(&token),
                &AddScannerRequest {
                    phone: phone.to_owned(),
                    name: name.to_owned(),
                },
            )
            .await
    }

    /// Today's counts per site below the managed one: from the server when it answers
    /// (every scanner's scans), else from the scans synced to this device.
    pub async fn site_stats(&self) -> Result<SiteStatsView> {
        let root = self.managed_site()?;
        let day = today_cst(self.store().now());
        let date = format!("{:04}-{:02}-{:02}", day.year, day.month, day.day);
        let token = self.token()?;
        let online: Result<Vec<SiteStatsRow>> = async {
            self.remote()?
                .get(
                    &format!("/api/v1/sites/{root}/stats?date={date}"),
                    Some(&token),
                )
                .await
        }
        .await;
        match online {
            Ok(rows) => Ok(SiteStatsView {
                rows,
                offline: false,
                date,
            }),
            Err(Error::Network(_)) => {
                let nodes: Vec<SiteNode> = self.site_nodes()?.into_iter().map(|(n, _)| n).collect();
                let Some(root_node) = nodes.iter().find(|n| n.id == root).cloned() else {
                    return Ok(SiteStatsView {
                        rows: Vec::new(),
                        offline: true,
                        date,
                    });
                };
                let path_by_id: std::collections::HashMap<Uuid, NodePath> =
                    nodes.iter().map(|n| (n.id, n.path.clone())).collect();
                let scans = self.store().with_conn(|c| {
                    let mut stmt = c.prepare_cached(
                        "SELECT node_id, body FROM records WHERE kind = 'scan' AND deleted = 0",
                    )?;
                    let rows = stmt
                        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
                    let mut out = Vec::new();
                    for row in rows {
                        let (node, body) = row?;
                        let (Ok(node), Ok(body)) = (
                            Uuid::parse_str(&node),
                            serde_json::from_str::<ScanBody>(&body),
                        ) else {
                            continue;
                        };
                        if let (Some(p), true) = (path_by_id.get(&node), scanned_on(&body, day)) {
                            out.push((p.clone(), body));
                        }
                    }
                    Ok(out)
                })?;
                Ok(SiteStatsView {
                    rows: site_stats(&root_node, &nodes, &scans),
                    offline: true,
                    date,
                })
            }
            Err(e) => Err(e),
        }
    }

    // ------------------------------------------------------------ health authority

    pub async fn health_set_status(
        &self,
        req: &SetHealthStatusRequest,
    ) -> Result<HealthStatusResult> {
        let token = self.token()?;
        self.remote()?
            .put("/api/v1/health/status", Some(&token), req)
            .await
    }

    pub async fn health_import_csv(&self, csv_text: &str) -> Result<ImportReport> {
        let token = self.token()?;
        self.remote()?
            .post_text(
                "/api/v1/health/status/import",
                Some(&token),
                "text/csv",
                csv_text.to_owned(),
            )
            .await
    }

    pub fn risk_regions(&self) -> Result<Vec<RiskRegionView>> {
        self.store().with_conn(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, body FROM records WHERE kind = 'risk_region' AND deleted = 0 \
                 ORDER BY json_extract(body, '$.code')",
            )?;
            let rows = stmt.query_map(params![], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, body) = row?;
                if let Ok(b) = serde_json::from_str::<RiskRegionBody>(&body) {
                    out.push(RiskRegionView {
                        id,
                        code: b.code,
                        name: b.name,
                    });
                }
            }
            Ok(out)
        })
    }

    /// Adds a high-risk region (synced to every scanner).
    pub fn risk_region_add(&self, code: &str, name: &str) -> Result<Vec<RiskRegionView>> {
        let node = self.managed_site()?;
        let body = RiskRegionBody {
            code: code.trim().to_owned(),
            name: name.trim().to_owned(),
        };
        if self.risk_regions()?.iter().any(|r| r.code == body.code) {
            return Err(Error::Server {
                status: 409,
                code: "RiskRegionExists".into(),
                message: "该地区已在高风险地区列表中".into(),
            });
        }
        self.store()
            .create(RecordKind::RiskRegion, node, serde_json::to_value(body)?)?;
        self.risk_regions()
    }

    pub fn risk_region_remove(&self, id: &str) -> Result<Vec<RiskRegionView>> {
        self.store().delete(bad_id(id)?)?;
        self.risk_regions()
    }
}

// ---------------------------------------------------------------- events at the checkpoint

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct EventView {
    pub id: String,
    pub title: String,
    pub place: Option<String>,
    #[ts(type = "number")]
    pub starts_at: i64,
    #[ts(type = "number")]
    pub ends_at: i64,
    pub reentry_allowed: bool,
}

/// A member's ticket, as "my ticket" shows it (kept for offline display).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct TicketView {
    pub event_id: String,
    pub ticket_id: String,
    pub title: String,
    pub place: Option<String>,
    #[ts(type = "number")]
    pub starts_at: i64,
    #[ts(type = "number")]
    pub ends_at: i64,
    pub text: String,
    pub svg: String,
    /// Shown from the device's copy: the server could not be reached.
    pub offline: bool,
}

impl AppCore {
    /// Events on this device (synced), soonest first; ended ones last.
    pub fn events_list(&self) -> Result<Vec<EventView>> {
        let now = self.store().now();
        let mut out: Vec<EventView> = self.store().with_conn(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, body FROM records WHERE kind = 'event' AND deleted = 0",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (id, body) = row?;
                if let Ok(b) = serde_json::from_str::<huiji_domain::sync::EventBody>(&body) {
                    out.push(EventView {
                        id,
                        title: b.title,
                        place: b.place,
                        starts_at: b.starts_at,
                        ends_at: b.ends_at,
                        reentry_allowed: b.reentry_allowed,
                    });
                }
            }
            Ok(out)
        })?;
        out.sort_by_key(|e| (e.ends_at <= now, e.starts_at));
        Ok(out)
    }

    /// The member's ticket for an event: fetched when online, else the kept copy.
    pub async fn my_ticket(&self, event_id: &str) -> Result<TicketView> {
        let id = bad_id(event_id)?;
        let key = format!("ticket.{id}");
        let token = self.token()?;
        let fetched: Result<huiji_domain::wire::TicketResponse> = async {
            self.remote()?
                .get(&format!("/api/v1/events/{id}/ticket"), Some(&token))
                .await
        }
        .await;
        let (t, offline) = match fetched {
            Ok(t) => {
                self.store()
                    .set_setting(&key, Some(&serde_json::to_string(&t)?))?;
                (t, false)
            }
            Err(Error::Network(e)) => {
                let kept = self
                    .store()
                    .setting(&key)?
                    .and_then(|s| serde_json::from_str(&s).ok());
                match kept {
                    Some(t) => (t, true),
                    None => return Err(Error::Network(e)),
                }
            }
            Err(e) => return Err(e),
        };
        Ok(TicketView {
            event_id: t.event_id.to_string(),
            ticket_id: t.ticket_id.to_string(),
            svg: super::checkpoint::qr_svg(&t.text)?,
            title: t.title,
            place: t.place,
            starts_at: t.starts_at,
            ends_at: t.ends_at,
            text: t.text,
            offline,
        })
    }

    /// Check-ins of an event and its double admissions (secretary; needs the network).
    pub async fn event_attendance(
        &self,
        event_id: &str,
    ) -> Result<huiji_domain::wire::AttendanceView> {
        let id = bad_id(event_id)?;
        let token = self.token()?;
        self.remote()?
            .get(&format!("/api/v1/events/{id}/attendance"), Some(&token))
            .await
    }
}
