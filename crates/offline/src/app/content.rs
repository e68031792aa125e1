//! Reviewed community content on the device (seed 004 §六, §九, §十): the hall (供需大厅,
//! 荣誉证书, 专家库, 风采) and the member's own items. Posting, editing, the shelf and
//! deleting are the server's (each version is reviewed by the unit's secretaries); the
//! forms are checked here first with the same rules. The last hall and the last list of
//! one's own items are kept, so both open with no network (to read, not to change).

use huiji_domain::community::content::{
    self as cc, ContentForm, ContentKind, HallItem, ListingSide, MyItem,
};
use huiji_domain::community::showcase::MemberShowcaseView;
use huiji_domain::DomainError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dues::{bad_id, offline_as};
use super::remote::query_value;
use super::AppCore;
use crate::Result;

const KEY_MINE: &str = "content_mine";

pub const CONTENT_NEEDS_NETWORK: DomainError = DomainError::new(
    "ContentNeedsNetwork",
    "发布、修改、上下架或删除需要联网，请连接网络后再试",
    "Posting, editing, shelving or deleting needs the network",
);

pub const CONTENT_NOT_KEPT: DomainError = DomainError::new(
    "ContentNotKept",
    "没有网络，本机也还没有保存过这些内容：请联网后打开一次",
    "Offline, and nothing of this was kept on the device yet",
);

/// Which part of the hall: a kind, and for listings a side (供应 / 需求).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HallFilter {
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<ContentKind>,
    #[serde(default)]
    #[ts(optional)]
    pub side: Option<ListingSide>,
    /// Words to find (searched on the server; offline, in the kept copy).
    #[serde(default)]
    #[ts(optional)]
    pub q: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HallScreen {
    pub items: Vec<HallItem>,
    /// Shown from the device's copy: the server could not be reached.
    pub offline: bool,
}

/// 会员风采: the members of the caller's units, their open fields and approved entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ShowcaseScreen {
    pub members: Vec<MemberShowcaseView>,
    pub offline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MyContentScreen {
    pub items: Vec<MyItem>,
    pub offline: bool,
}

fn hall_key(f: &HallFilter) -> String {
    format!(
        "content_hall:{}:{}",
        f.kind.map(ContentKind::as_str).unwrap_or(""),
        match f.side {
            Some(ListingSide::Supply) => "supply",
            Some(ListingSide::Demand) => "demand",
            None => "",
        }
    )
}

impl AppCore {
    /// What is on show, newest first. A search goes to the server; with no network it
    /// looks through the copy kept for the same kind and side.
    pub async fn content_hall(&self, f: &HallFilter) -> Result<HallScreen> {
        let mut q = Vec::new();
        if let Some(k) = f.kind {
            q.push(format!("kind={}", query_value(k.as_str())));
        }
        if let Some(s) = f.side {
            q.push(format!(
                "side={}",
                if s == ListingSide::Supply {
                    "supply"
                } else {
                    "demand"
                }
            ));
        }
        let words = f.q.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let Some(words) = words else {
            let path = format!("/api/v1/content?{}", q.join("&"));
            let (items, offline) = self.kept(&hall_key(f), &path, CONTENT_NOT_KEPT).await?;
            return Ok(HallScreen { items, offline });
        };
        q.push(format!("q={}", query_value(words)));
        let token = self.token()?;
        let path = format!("/api/v1/content?{}", q.join("&"));
        let fetched: Result<Vec<HallItem>> =
            async { self.remote()?.get(&path, Some(&token)).await }.await;
        match fetched {
            Ok(items) => Ok(HallScreen {
                items,
                offline: false,
            }),
            Err(crate::Error::Network(e)) => match self.store().setting(&hall_key(f))? {
                Some(s) => {
                    let all: Vec<HallItem> = serde_json::from_str(&s)?;
                    Ok(HallScreen {
                        items: all
                            .into_iter()
                            .filter(|h| h.content.matches(words))
                            .collect(),
                        offline: true,
                    })
                }
                None => Err(offline_as(crate::Error::Network(e), CONTENT_NOT_KEPT)),
            },
            Err(e) => Err(e),
        }
    }

    /// The caller's own items, every status.
    pub async fn content_mine(&self) -> Result<MyContentScreen> {
        let (items, offline) = self
            .kept(KEY_MINE, "/api/v1/content/mine", CONTENT_NOT_KEPT)
            .await?;
        Ok(MyContentScreen { items, offline })
    }

    /// 会员风采 of the caller's units.
    pub async fn member_showcases(&self) -> Result<ShowcaseScreen> {
        let (members, offline) = self
            .kept("showcases", "/api/v1/showcases/members", CONTENT_NOT_KEPT)
            .await?;
        Ok(ShowcaseScreen { members, offline })
    }

    /// Posts a new item (`id` made by the screen once per form, so a retry after a lost
    /// answer files nothing twice).
    pub async fn content_post(&self, id: &str, form: &ContentForm) -> Result<MyItem> {
        let id = bad_id(id)?;
        let form = cc::validate(form)?;
        let token = self.token()?;
        let body = serde_json::json!({ "id": id, "content": form });
        self.remote()?
            .post("/api/v1/content", Some(&token), &body)
            .await
            .map_err(|e| offline_as(e, CONTENT_NEEDS_NETWORK))
    }

    /// An edit: reviewed again, the shown version stays shown meanwhile.
    pub async fn content_edit(&self, id: &str, form: &ContentForm) -> Result<MyItem> {
        let id = bad_id(id)?;
        let form = cc::validate(form)?;
        let token = self.token()?;
        self.remote()?
            .put(
                &format!("/api/v1/content/{id}"),
                Some(&token),
                &serde_json::json!({ "content": form }),
            )
            .await
            .map_err(|e| offline_as(e, CONTENT_NEEDS_NETWORK))
    }

    /// 上架 (true) / 下架 (false).
    pub async fn content_shelf(&self, id: &str, on_shelf: bool) -> Result<MyItem> {
        let id = bad_id(id)?;
        let token = self.token()?;
        self.remote()?
            .put(
                &format!("/api/v1/content/{id}/shelf"),
                Some(&token),
                &serde_json::json!({ "on_shelf": on_shelf }),
            )
            .await
            .map_err(|e| offline_as(e, CONTENT_NEEDS_NETWORK))
    }

    pub async fn content_delete(&self, id: &str) -> Result<MyItem> {
        let id = bad_id(id)?;
        let token = self.token()?;
        self.remote()?
            .delete(&format!("/api/v1/content/{id}"), Some(&token))
            .await
            .map_err(|e| offline_as(e, CONTENT_NEEDS_NETWORK))
    }
}

pub fn decls(cfg: &ts_rs::Config) -> Vec<String> {
    use huiji_domain::community::content::{
        CertificateForm, CompanyShowcaseForm, ContentItem, ContentStatus, ExpertForm, ListingForm,
        MemberShowcaseForm, Review, ReviewState, Shown,
    };
    vec![
        ContentKind::decl(cfg),
        ListingSide::decl(cfg),
        ListingForm::decl(cfg),
        CertificateForm::decl(cfg),
        ExpertForm::decl(cfg),
        MemberShowcaseForm::decl(cfg),
        CompanyShowcaseForm::decl(cfg),
        ContentForm::decl(cfg),
        Shown::decl(cfg),
        ReviewState::decl(cfg),
        Review::decl(cfg),
        ContentItem::decl(cfg),
        ContentStatus::decl(cfg),
        MyItem::decl(cfg),
        HallItem::decl(cfg),
        HallFilter::decl(cfg),
        HallScreen::decl(cfg),
        MyContentScreen::decl(cfg),
        MemberShowcaseView::decl(cfg),
        ShowcaseScreen::decl(cfg),
    ]
}
