//! Reviewed content: one life cycle for supply/demand listings, honour certificates,
//! expert profiles and showcase entries.
//!
//! An item holds at most two versions: the one the public sees (`shown`, once a reviewer
//! approved it) and the one under review (`review`). A first submission has no shown
//! version; an edit of a shown item leaves the shown version in place until the new one
//! is approved, and a refusal of the edit keeps the old one shown. Each submission gets
//! the next revision number, so a decision about an older revision (a reviewer working
//! from a stale list) is refused rather than applied to newer text. The owner puts a shown
//! item on or off the shelf (上架/下架) and may delete it at any time; a deleted item
//! accepts nothing more.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{tidy, tidy_max};
use crate::error::{DomainError, Result};

/// What kind of reviewed content an item is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// 供需大厅: a product or service offered, or a need.
    Listing,
    /// 荣誉证书: a member's honour certificate.
    Certificate,
    /// 专家信息: an expert profile in the expert library.
    Expert,
    /// 会员风采: the member's own showcase text and photos.
    MemberShowcase,
    /// 企业风采: one of the member's companies (a member may have many).
    CompanyShowcase,
}

impl ContentKind {
    pub const ALL: [ContentKind; 5] = [
        ContentKind::Listing,
        ContentKind::Certificate,
        ContentKind::Expert,
        ContentKind::MemberShowcase,
        ContentKind::CompanyShowcase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Listing => "listing",
            ContentKind::Certificate => "certificate",
            ContentKind::Expert => "expert",
            ContentKind::MemberShowcase => "member_showcase",
            ContentKind::CompanyShowcase => "company_showcase",
        }
    }

    pub fn parse(s: &str) -> Option<ContentKind> {
        ContentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ContentKind::Listing => "供需信息",
            ContentKind::Certificate => "荣誉证书",
            ContentKind::Expert => "专家信息",
            ContentKind::MemberShowcase => "会员风采",
            ContentKind::CompanyShowcase => "企业风采",
        }
    }
}

// ---------------------------------------------------------------- the forms

/// 供应 or 需求.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingSide {
    Supply,
    Demand,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingForm {
    pub side: ListingSide,
    pub title: String,
    /// 分类, e.g. 品牌设计.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub company: Option<String>,
    /// Free text: "面议", "5000元/套".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    /// 截止时间, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub valid_until: Option<String>,
    /// Uploaded pictures (attachment ids), at most nine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Uuid>>", optional))]
    pub images: Vec<Uuid>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateForm {
    /// e.g. 2015年度广东省诚信示范企业.
    pub title: String,
    /// 授予: the company or person it was given to.
    pub holder: String,
    /// 颁发单位.
    pub issuer: String,
    /// 颁发日期, YYYY-MM-DD.
    pub issued_on: String,
    /// 证书编号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub number: Option<String>,
    /// 有效期, free text ("五年").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub validity: Option<String>,
    /// The scan or photo of the certificate (an attachment id).
    pub image: Uuid,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpertForm {
    pub name: String,
    /// 专业领域.
    pub field: String,
    /// 职称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub bio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub photo: Option<Uuid>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberShowcaseForm {
    /// 个人简介.
    pub intro: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Uuid>>", optional))]
    pub photos: Vec<Uuid>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyShowcaseForm {
    pub name: String,
    /// 行业.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub intro: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub logo: Option<Uuid>,
}

/// A version of an item's content, by kind.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ContentForm {
    Listing(ListingForm),
    Certificate(CertificateForm),
    Expert(ExpertForm),
    MemberShowcase(MemberShowcaseForm),
    CompanyShowcase(CompanyShowcaseForm),
}

impl ContentForm {
    pub fn kind(&self) -> ContentKind {
        match self {
            ContentForm::Listing(_) => ContentKind::Listing,
            ContentForm::Certificate(_) => ContentKind::Certificate,
            ContentForm::Expert(_) => ContentKind::Expert,
            ContentForm::MemberShowcase(_) => ContentKind::MemberShowcase,
            ContentForm::CompanyShowcase(_) => ContentKind::CompanyShowcase,
        }
    }

    /// The line a list shows for it.
    pub fn headline(&self) -> &str {
        match self {
            ContentForm::Listing(f) => &f.title,
            ContentForm::Certificate(f) => &f.title,
            ContentForm::Expert(f) => &f.name,
            ContentForm::MemberShowcase(_) => "会员风采",
            ContentForm::CompanyShowcase(f) => &f.name,
        }
    }

    /// Whether its text contains `words` (each of them, any case): the hall's search.
    pub fn matches(&self, words: &str) -> bool {
        let parts: Vec<Option<&str>> = match self {
            ContentForm::Listing(f) => vec![
                Some(&f.title),
                f.category.as_deref(),
                f.company.as_deref(),
                f.description.as_deref(),
            ],
            ContentForm::Certificate(f) => vec![
                Some(&f.title),
                Some(&f.holder),
                Some(&f.issuer),
                f.number.as_deref(),
            ],
            ContentForm::Expert(f) => vec![
                Some(&f.name),
                Some(&f.field),
                f.title.as_deref(),
                f.organisation.as_deref(),
                f.bio.as_deref(),
            ],
            ContentForm::MemberShowcase(f) => vec![Some(&f.intro)],
            ContentForm::CompanyShowcase(f) => vec![
                Some(&f.name),
                f.industry.as_deref(),
                f.intro.as_deref(),
                f.address.as_deref(),
            ],
        };
        let text = parts
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        words
            .split_whitespace()
            .all(|w| text.contains(&w.to_lowercase()))
    }

    /// The attachments it refers to (the server checks they are the owner's).
    pub fn attachments(&self) -> Vec<Uuid> {
        match self {
            ContentForm::Listing(f) => f.images.clone(),
            ContentForm::Certificate(f) => vec![f.image],
            ContentForm::Expert(f) => f.photo.into_iter().collect(),
            ContentForm::MemberShowcase(f) => f.photos.clone(),
            ContentForm::CompanyShowcase(f) => f.logo.into_iter().collect(),
        }
    }
}

pub const CONTENT_FORM_INVALID: DomainError = DomainError::new(
    "ContentFormInvalid",
    "内容格式不正确，请检查后重新提交",
    "The content's form is malformed",
);
pub const TITLE_REQUIRED: DomainError = DomainError::new(
    "ContentTitleRequired",
    "请填写标题（不超过60个字）",
    "Enter a title (at most 60 characters)",
);
pub const NAME_REQUIRED: DomainError = DomainError::new(
    "ContentNameRequired",
    "请填写名称（不超过60个字）",
    "Enter a name (at most 60 characters)",
);
pub const HOLDER_REQUIRED: DomainError = DomainError::new(
    "CertificateHolderRequired",
    "请填写证书授予对象（不超过60个字）",
    "Enter whom the certificate was given to (at most 60 characters)",
);
pub const ISSUER_REQUIRED: DomainError = DomainError::new(
    "CertificateIssuerRequired",
    "请填写颁发单位（不超过60个字）",
    "Enter the issuer (at most 60 characters)",
);
pub const FIELD_REQUIRED: DomainError = DomainError::new(
    "ExpertFieldRequired",
    "请填写专业领域（不超过40个字）",
    "Enter the field of expertise (at most 40 characters)",
);
pub const INTRO_REQUIRED: DomainError = DomainError::new(
    "ShowcaseIntroRequired",
    "请填写简介",
    "Enter an introduction",
);
pub const DATE_INVALID: DomainError = DomainError::new(
    "ContentDateInvalid",
    "日期格式不正确，应为年-月-日，如 2026-12-31",
    "The date must be YYYY-MM-DD",
);
pub const TEXT_TOO_LONG: DomainError = DomainError::new(
    "ContentTextTooLong",
    "内容过长，请精简后再提交",
    "A field is too long",
);
pub const TOO_MANY_IMAGES: DomainError = DomainError::new(
    "ContentTooManyImages",
    "图片最多9张",
    "At most nine pictures",
);
pub const WEBSITE_INVALID: DomainError = DomainError::new(
    "ContentWebsiteInvalid",
    "网址应以 http:// 或 https:// 开头",
    "The website must start with http:// or https://",
);

fn required(s: &str, max: usize, e: DomainError) -> Result<String> {
    match tidy(s) {
        Some(t) if t.chars().count() <= max => Ok(t),
        _ => Err(e),
    }
}

/// A calendar date as 2026-12-31; 2026-1-5 and 2026/1/5 are read too.
fn date(s: &str) -> Result<String> {
    let parts: Vec<&str> = s.trim().split(['-', '/']).collect();
    let padded = match parts.as_slice() {
        [y, m, d] if [m, d].iter().all(|p| (1..=2).contains(&p.len())) => {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => return Err(DATE_INVALID),
    };
    let d = crate::time::parse_date(&padded).ok_or(DATE_INVALID)?;
    Ok(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
}

fn images(v: &[Uuid]) -> Result<Vec<Uuid>> {
    let mut out: Vec<Uuid> = Vec::new();
    for id in v {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.len() > 9 {
        return Err(TOO_MANY_IMAGES);
    }
    Ok(out)
}

fn opt(s: &Option<String>, max: usize) -> Result<Option<String>> {
    tidy_max(s.as_deref(), max, TEXT_TOO_LONG)
}

/// Checks a form and returns it tidied (text trimmed, control characters dropped,
/// dates normalised, repeated pictures once).
pub fn validate(form: &ContentForm) -> Result<ContentForm> {
    Ok(match form {
        ContentForm::Listing(f) => ContentForm::Listing(ListingForm {
            side: f.side,
            title: required(&f.title, 60, TITLE_REQUIRED)?,
            category: opt(&f.category, 20)?,
            company: opt(&f.company, 60)?,
            price: opt(&f.price, 30)?,
            description: opt(&f.description, 2_000)?,
            valid_until: f
                .valid_until
                .as_deref()
                .and_then(tidy)
                .map(|d| date(&d))
                .transpose()?,
            images: images(&f.images)?,
        }),
        ContentForm::Certificate(f) => ContentForm::Certificate(CertificateForm {
            title: required(&f.title, 60, TITLE_REQUIRED)?,
            holder: required(&f.holder, 60, HOLDER_REQUIRED)?,
            issuer: required(&f.issuer, 60, ISSUER_REQUIRED)?,
            issued_on: date(&f.issued_on)?,
            number: opt(&f.number, 40)?,
            validity: opt(&f.validity, 20)?,
            image: f.image,
        }),
        ContentForm::Expert(f) => ContentForm::Expert(ExpertForm {
            name: required(&f.name, 30, NAME_REQUIRED)?,
            field: required(&f.field, 40, FIELD_REQUIRED)?,
            title: opt(&f.title, 40)?,
            organisation: opt(&f.organisation, 60)?,
            bio: opt(&f.bio, 2_000)?,
            photo: f.photo,
        }),
        ContentForm::MemberShowcase(f) => ContentForm::MemberShowcase(MemberShowcaseForm {
            intro: required(&f.intro, 2_000, INTRO_REQUIRED)?,
            photos: images(&f.photos)?,
        }),
        ContentForm::CompanyShowcase(f) => {
            let website = opt(&f.website, 200)?;
            if website
                .as_deref()
                .is_some_and(|w| !(w.starts_with("https://") || w.starts_with("http://")))
            {
                return Err(WEBSITE_INVALID);
            }
            ContentForm::CompanyShowcase(CompanyShowcaseForm {
                name: required(&f.name, 60, NAME_REQUIRED)?,
                industry: opt(&f.industry, 30)?,
                intro: opt(&f.intro, 2_000)?,
                address: opt(&f.address, 100)?,
                website,
                logo: f.logo,
            })
        }
    })
}

/// Parses a form sent as JSON (`{"kind": "listing", …}`) and checks it.
pub fn parse(v: &serde_json::Value) -> Result<ContentForm> {
    let f: ContentForm = serde_json::from_value(v.clone()).map_err(|_| CONTENT_FORM_INVALID)?;
    validate(&f)
}

/// The form of a `content` request in the approval engine: which item, which of its
/// revisions, and that revision's text (what the reviewer decides on).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentReview {
    pub item_id: Uuid,
    pub rev: u32,
    pub content: ContentForm,
}

// ---------------------------------------------------------------- the item

/// The version the public sees.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub rev: u32,
    pub form: ContentForm,
    /// Unix ms.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub approved_at: i64,
    pub approved_by: Uuid,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// 审核中.
    Pending,
    /// 未通过: the reason is kept; the owner may edit and submit again.
    Refused,
}

/// The version under review, or the last refused one.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub rev: u32,
    pub form: ContentForm,
    pub state: ReviewState,
    /// Unix ms.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub submitted_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub reason: Option<String>,
}

/// A reviewed item (the body of its record).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentItem {
    pub kind: ContentKind,
    pub owner_id: Uuid,
    /// The last revision number given out.
    pub rev: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub shown: Option<Shown>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub review: Option<Review>,
    /// 上架: the owner shows the approved version (a new item goes on the shelf when it
    /// is first approved).
    pub on_shelf: bool,
    #[serde(default)]
    pub deleted: bool,
}

/// Where an item stands, for lists and badges.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentStatus {
    /// First version under review.
    Reviewing,
    /// First version refused.
    Refused,
    /// Shown, and on the shelf.
    Shown,
    /// Shown, with an edit under review (the old version stays shown).
    ShownEditReviewing,
    /// Shown, and the last edit was refused (the old version stays shown).
    ShownEditRefused,
    /// Approved but taken off the shelf by its owner.
    OffShelf,
    Deleted,
}

impl ContentStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            ContentStatus::Reviewing => "审核中",
            ContentStatus::Refused => "未通过",
            ContentStatus::Shown => "已上架",
            ContentStatus::ShownEditReviewing => "修改审核中",
            ContentStatus::ShownEditRefused => "修改未通过",
            ContentStatus::OffShelf => "已下架",
            ContentStatus::Deleted => "已删除",
        }
    }
}

pub const USE_CONTENT_PAGES: DomainError = DomainError::new(
    "UseContentPages",
    "供需信息、荣誉证书、专家信息和风采请在各自页面提交或修改",
    "Listings, certificates, experts and showcases are submitted and edited on their own pages",
);
pub const CONTENT_DELETED: DomainError = DomainError::new(
    "ContentDeleted",
    "该内容已删除",
    "This item has been deleted",
);
pub const KIND_CHANGED: DomainError = DomainError::new(
    "ContentKindChanged",
    "修改不能改变内容的类型",
    "An edit cannot change the item's kind",
);
pub const NOTHING_TO_REVIEW: DomainError = DomainError::new(
    "ContentNotUnderReview",
    "该内容没有待审核的版本",
    "This item has nothing waiting for review",
);
pub const REVIEW_STALE: DomainError = DomainError::new(
    "ContentReviewStale",
    "提交者已修改了内容，请按最新版本重新审核",
    "The owner has changed it since; review the latest version",
);
pub const NOT_APPROVED_YET: DomainError = DomainError::new(
    "ContentNotApproved",
    "审核通过后才能上架",
    "It can go on the shelf once it is approved",
);
pub const REASON_REQUIRED: DomainError = DomainError::new(
    "ContentReasonRequired",
    "请填写不通过的原因（不超过200个字）",
    "Give the reason for refusing (at most 200 characters)",
);
pub const SAME_AS_SHOWN: DomainError = DomainError::new(
    "ContentUnchanged",
    "内容与已展示的版本相同，无需重新审核",
    "Nothing changed from the version shown",
);

impl ContentItem {
    /// A new item, its first version submitted for review.
    pub fn new(owner_id: Uuid, form: &ContentForm, now: i64) -> Result<ContentItem> {
        let form = validate(form)?;
        Ok(ContentItem {
            kind: form.kind(),
            owner_id,
            rev: 1,
            shown: None,
            review: Some(Review {
                rev: 1,
                form,
                state: ReviewState::Pending,
                submitted_at: now,
                reason: None,
            }),
            on_shelf: false,
            deleted: false,
        })
    }

    pub fn status(&self) -> ContentStatus {
        if self.deleted {
            return ContentStatus::Deleted;
        }
        let review = self.review.as_ref().map(|r| r.state);
        match (&self.shown, review) {
            (None, Some(ReviewState::Refused)) => ContentStatus::Refused,
            (None, _) => ContentStatus::Reviewing,
            (Some(_), _) if !self.on_shelf => ContentStatus::OffShelf,
            (Some(_), Some(ReviewState::Pending)) => ContentStatus::ShownEditReviewing,
            (Some(_), Some(ReviewState::Refused)) => ContentStatus::ShownEditRefused,
            (Some(_), None) => ContentStatus::Shown,
        }
    }

    /// What the public sees: the approved version while it is on the shelf.
    pub fn public(&self) -> Option<&Shown> {
        self.shown
            .as_ref()
            .filter(|_| self.on_shelf && !self.deleted)
    }

    fn live(&self) -> Result<()> {
        if self.deleted {
            Err(CONTENT_DELETED)
        } else {
            Ok(())
        }
    }

    /// The owner's edit: a new revision under review (replacing one still pending or
    /// refused). The shown version stays shown meanwhile.
    pub fn edit(&mut self, form: &ContentForm, now: i64) -> Result<u32> {
        self.live()?;
        let form = validate(form)?;
        if form.kind() != self.kind {
            return Err(KIND_CHANGED);
        }
        if self.shown.as_ref().is_some_and(|s| s.form == form) {
            if self
                .review
                .as_ref()
                .is_some_and(|r| r.state == ReviewState::Pending)
            {
                // Back to the shown text: the pending edit is withdrawn.
                self.review = None;
                return Ok(self.shown.as_ref().map_or(self.rev, |s| s.rev));
            }
            return Err(SAME_AS_SHOWN);
        }
        self.rev += 1;
        self.review = Some(Review {
            rev: self.rev,
            form,
            state: ReviewState::Pending,
            submitted_at: now,
            reason: None,
        });
        Ok(self.rev)
    }

    fn pending(&self, rev: u32) -> Result<&Review> {
        self.live()?;
        let r = self
            .review
            .as_ref()
            .filter(|r| r.state == ReviewState::Pending)
            .ok_or(NOTHING_TO_REVIEW)?;
        if r.rev != rev {
            return Err(REVIEW_STALE);
        }
        Ok(r)
    }

    /// A reviewer approves revision `rev`: it becomes the shown version. A first
    /// approval puts the item on the shelf; an approved edit keeps the owner's choice.
    pub fn approve(&mut self, rev: u32, by: Uuid, now: i64) -> Result<()> {
        let form = self.pending(rev)?.form.clone();
        if self.shown.is_none() {
            self.on_shelf = true;
        }
        self.shown = Some(Shown {
            rev,
            form,
            approved_at: now,
            approved_by: by,
        });
        self.review = None;
        Ok(())
    }

    /// A reviewer refuses revision `rev` with a reason; a shown version stays shown.
    pub fn refuse(&mut self, rev: u32, reason: &str) -> Result<()> {
        self.pending(rev)?;
        let reason = match tidy(reason) {
            Some(r) if r.chars().count() <= 200 => r,
            _ => return Err(REASON_REQUIRED),
        };
        if let Some(r) = self.review.as_mut() {
            r.state = ReviewState::Refused;
            r.reason = Some(reason);
        }
        Ok(())
    }

    /// The owner puts the approved version on (true) or off (false) the shelf.
    pub fn set_shelf(&mut self, on: bool) -> Result<()> {
        self.live()?;
        if self.shown.is_none() {
            return Err(NOT_APPROVED_YET);
        }
        self.on_shelf = on;
        Ok(())
    }

    /// The owner deletes the item: nothing of it is shown any more, and nothing more
    /// is accepted. Deleting twice is not an error.
    pub fn delete(&mut self) {
        self.deleted = true;
        self.on_shelf = false;
        self.review = None;
    }
}

// ---------------------------------------------------------------- views

/// The owner's view of an item: both versions and where it stands.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyItem {
    pub id: Uuid,
    pub item: ContentItem,
    pub status: ContentStatus,
    pub status_label: String,
    /// The engine's request for the version under review, while it waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub request_id: Option<Uuid>,
}

/// An item as the hall (and anyone signed in) sees it: the shown version only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallItem {
    pub id: Uuid,
    pub kind: ContentKind,
    pub owner_name: String,
    pub unit_name: String,
    pub content: ContentForm,
    /// Unix ms.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub approved_at: i64,
}

#[cfg(test)]
mod tests;
