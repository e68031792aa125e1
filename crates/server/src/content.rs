//! Reviewed content on the server (issue 8 §1): supply/demand listings, honour
//! certificates, expert profiles and showcase entries. An item lives in `content_items`
//! (its body is `community::content::ContentItem`, shown and pending versions both);
//! every version to be shown is a `content` request of the one approval engine, decided
//! by the secretaries of the owner's unit. The engine's decision moves the item in the
//! same transaction (`on_decision`). An edit withdraws a review still waiting and files
//! a new one, so a decision is always about the latest text.

use std::collections::hash_map::{Entry, HashMap};

use huiji_domain::community::card::CardItem;
use huiji_domain::community::content::{
    self as cc, ContentForm, ContentItem, ContentKind, ContentReview, HallItem, ListingSide, MyItem,
};
use huiji_domain::workflow::{self as wf, Action, RequestBody, RequestKind, RequestState};
use huiji_domain::DomainError;
use serde::Deserialize;
use sqlx::{Any, AnyConnection, Row, Transaction};
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, write_server_rows};
use crate::state::AppState;
use crate::workflow::{
    from_json, get_record, kind_steps, live_memberships, node, notice_rows, notices, request_row,
    spawn_sms, to_json, who, Notice, Who,
};

pub const CONTENT_NOT_FOUND: DomainError = DomainError::new(
    "ContentNotFound",
    "没有找到该内容，或它不属于您",
    "No such item, or it is not yours",
);
pub const MEMBERS_ONLY: DomainError = DomainError::new(
    "ContentMembersOnly",
    "入会成为会员后才能发布供需、证书、专家和风采信息",
    "Only members can post listings, certificates, experts and showcases",
);
pub const IMAGE_INVALID: DomainError = DomainError::new(
    "ContentImageInvalid",
    "图片不存在或不是您本人上传的，请重新上传",
    "A picture is missing or not uploaded by you",
);
pub const IMAGE_NOT_PICTURE: DomainError = DomainError::new(
    "ContentImageNotPicture",
    "只能使用图片（JPEG 或 PNG），PDF 等文件不能作为展示图片",
    "Only JPEG or PNG pictures can be shown",
);
pub const ID_TAKEN: DomainError = DomainError::new(
    "ContentIdTaken",
    "该内容编号已被使用，请重新填写后提交",
    "This item id is taken",
);

/// A new item: made on the device (a repeat of the same id and form answers with the
/// stored item).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewContent {
    pub id: Uuid,
    pub content: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditContent {
    pub content: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShelfRequest {
    pub on_shelf: bool,
}

struct Row_ {
    item: ContentItem,
    node_id: Uuid,
    request_id: Option<Uuid>,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e.to_string())
}

async fn load(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Row_>> {
    let row = sqlx::query("SELECT body, node_id, request_id FROM content_items WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Row_ {
        item: serde_json::from_str(&row.try_get::<String, _>(0)?).map_err(internal)?,
        node_id: row.try_get::<String, _>(1)?.parse().map_err(internal)?,
        request_id: row
            .try_get::<Option<String>, _>(2)?
            .map(|s| s.parse())
            .transpose()
            .map_err(internal)?,
    }))
}

async fn save(conn: &mut AnyConnection, id: Uuid, r: &Row_, now: i64, insert: bool) -> Result<()> {
    let body = serde_json::to_string(&r.item).map_err(internal)?;
    let public = i64::from(r.item.public().is_some());
    let sql = if insert {
        "INSERT INTO content_items (body, status, public, request_id, updated_at, id, kind, owner_id, node_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $5)"
    } else {
        "UPDATE content_items SET body = $1, status = $2, public = $3, request_id = $4, updated_at = $5 WHERE id = $6"
    };
    let mut q = sqlx::query(sql)
        .bind(body)
        .bind(format!("{:?}", r.item.status()))
        .bind(public)
        .bind(r.request_id.map(|u| u.to_string()))
        .bind(now)
        .bind(id.to_string());
    if insert {
        q = q
            .bind(r.item.kind.as_str())
            .bind(r.item.owner_id.to_string())
            .bind(r.node_id.to_string());
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

fn my_item(id: Uuid, r: Row_) -> MyItem {
    let status = r.item.status();
    MyItem {
        id,
        request_id: r.request_id.filter(|_| {
            r.item
                .review
                .as_ref()
                .is_some_and(|v| v.state == cc::ReviewState::Pending)
        }),
        status,
        status_label: status.label_zh().to_owned(),
        item: r.item,
    }
}

/// The unit whose secretaries review the caller's content: their latest live membership.
async fn review_unit(conn: &mut AnyConnection, me: &Who) -> Result<crate::workflow::NodeInfo> {
    if me.kind != "person" {
        return Err(MEMBERS_ONLY.into());
    }
    let live = live_memberships(conn, me.id).await?;
    let (_, m) = live.first().ok_or(ApiError::from(MEMBERS_ONLY))?;
    node(conn, m.unit_id)
        .await?
        .ok_or_else(|| ApiError::internal("membership unit vanished".into()))
}

/// Files the engine's request for revision `rev` of an item; returns its id, the rows to
/// write and the notices.
async fn file_review(
    tx: &mut AnyConnection,
    me: &Who,
    unit: &crate::workflow::NodeInfo,
    item_id: Uuid,
    item: &ContentItem,
    now: i64,
) -> Result<(Uuid, Vec<crate::records::ServerRow>, Vec<Notice>)> {
    let review = item
        .review
        .as_ref()
        .ok_or_else(|| ApiError::internal("no review to file".into()))?;
    let form = to_json(&ContentReview {
        item_id,
        rev: review.rev,
        content: review.form.clone(),
    })?;
    let pictures = pictures(tx, me.id, &review.form).await?;
    let steps = kind_steps(tx, me.id, RequestKind::Content, unit, None, None).await?;
    let title = format!("{} · {}", item.kind.label_zh(), review.form.headline());
    let outcome = wf::submit(
        RequestKind::Content,
        title,
        me.person(),
        (unit.id, unit.body.name.clone()),
        form,
        // The reviewers see the pictures through the request.
        pictures,
        steps,
        false,
        now,
    )?;
    let rid = Uuid::now_v7();
    let notes = notices(&outcome, "submit", &me.person());
    let mut rows = vec![request_row(rid, unit, &outcome.body)?];
    rows.extend(notice_rows(&notes, rid, unit, now)?);
    Ok((rid, rows, notes))
}

pub const IMAGE_UNREADABLE: DomainError = DomainError::new(
    "ContentImageUnreadable",
    "图片已损坏、无法读取或尺寸不合适，请换一张 JPEG 或 PNG 图片",
    "A picture is damaged, unreadable or of unsuitable size",
);

/// A picture others will see (a post's, a notice cover, a lesson's): `owner`'s own
/// upload and an image (else `invalid`), re-encoded once without its metadata (EXIF,
/// GPS) by the proof pipeline.
pub async fn own_picture(
    conn: &mut AnyConnection,
    owner: Uuid,
    id: Uuid,
    invalid: DomainError,
) -> Result<wf::Attachment> {
    let row =
        sqlx::query("SELECT owner_id, name, mime, data, cleaned FROM attachments WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .filter(|r| r.try_get::<String, _>(0).ok() == Some(owner.to_string()))
            .ok_or_else(|| ApiError::from(invalid.clone()))?;
    let name: String = row.try_get(1)?;
    let mime: String = row.try_get(2)?;
    if !mime.starts_with("image/") {
        return Err(if invalid == IMAGE_INVALID {
            IMAGE_NOT_PICTURE.into()
        } else {
            invalid.into()
        });
    }
    if row.try_get::<i64, _>(4)? != 0 {
        let data: Vec<u8> = row.try_get(3)?;
        return Ok(wf::Attachment {
            id,
            name,
            mime,
            size: data.len() as u64,
        });
    }
    let data: Vec<u8> = row.try_get(3)?;
    let clean =
        crate::proof_image::process_proof(&data).map_err(|_| ApiError::from(IMAGE_UNREADABLE))?;
    let size = clean.image.len() as u64;
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&clean.image));
    sqlx::query("UPDATE attachments SET data = $1, mime = 'image/jpeg', size = $2, sha256 = $3, cleaned = 1 WHERE id = $4")
        .bind(clean.image)
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(sha)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(wf::Attachment {
        id,
        name,
        mime: "image/jpeg".into(),
        size,
    })
}

/// The form's pictures: each the owner's own image, cleaned.
async fn pictures(
    conn: &mut AnyConnection,
    owner: Uuid,
    form: &ContentForm,
) -> Result<Vec<wf::Attachment>> {
    let mut out = Vec::new();
    for id in form.attachments() {
        out.push(own_picture(conn, owner, id, IMAGE_INVALID).await?);
    }
    Ok(out)
}

/// Whether attachment `id` is a picture of something on show (anyone signed in may
/// see it then).
pub async fn shows_attachment(st: &AppState, id: Uuid) -> Result<bool> {
    let rows = sqlx::query("SELECT body FROM content_items WHERE public = 1 AND body LIKE $1")
        .bind(format!("%{id}%"))
        .fetch_all(&st.db.pool)
        .await?;
    for row in rows {
        let item: ContentItem =
            serde_json::from_str(&row.try_get::<String, _>(0)?).map_err(internal)?;
        if item
            .public()
            .is_some_and(|s| s.form.attachments().contains(&id))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Withdraws the engine's request still waiting for an item (after an edit or a delete).
async fn withdraw_waiting(
    tx: &mut AnyConnection,
    me: &Who,
    request_id: Option<Uuid>,
    now: i64,
) -> Result<Vec<crate::records::ServerRow>> {
    let Some(rid) = request_id else {
        return Ok(Vec::new());
    };
    let Some(rec) = get_record(tx, rid).await? else {
        return Ok(Vec::new());
    };
    let body: RequestBody = from_json(&rec.record.body)?;
    if body.state != RequestState::Submitted {
        return Ok(Vec::new());
    }
    let outcome = wf::apply(&body, &me.person(), &Action::Withdraw, now)?;
    let unit = node(tx, rec.record.node_id)
        .await?
        .ok_or_else(|| ApiError::internal("request unit vanished".into()))?;
    Ok(vec![request_row(rid, &unit, &outcome.body)?])
}

async fn me(conn: &mut AnyConnection, user: &AuthUser) -> Result<Who> {
    who(conn, user.id())
        .await?
        .ok_or_else(ApiError::unauthorized)
}

async fn commit_with(
    st: &AppState,
    mut tx: Transaction<'_, Any>,
    rows: Vec<crate::records::ServerRow>,
    actor: Uuid,
    notes: Vec<Notice>,
) -> Result<()> {
    if !rows.is_empty() {
        write_server_rows(&mut tx, st.db.backend, rows, Some(actor), st.now()).await?;
    }
    tx.commit().await?;
    spawn_sms(st, notes);
    Ok(())
}

/// A new item, its first version sent for review.
pub async fn create(st: &AppState, user: &AuthUser, req: NewContent) -> Result<(bool, MyItem)> {
    let form = cc::parse(&req.content)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    if let Some(existing) = load(&mut tx, req.id).await? {
        tx.rollback().await?;
        let same = existing.item.owner_id == user.id()
            && [
                existing.item.review.as_ref().map(|r| &r.form),
                existing.item.shown.as_ref().map(|s| &s.form),
            ]
            .into_iter()
            .flatten()
            .any(|f| *f == form);
        return if same {
            Ok((false, my_item(req.id, existing)))
        } else {
            Err(ID_TAKEN.into())
        };
    }
    let who = me(&mut tx, user).await?;
    let unit = review_unit(&mut tx, &who).await?;
    let item = ContentItem::new(who.id, &form, now)?;
    let (rid, rows, notes) = file_review(&mut tx, &who, &unit, req.id, &item, now).await?;
    let r = Row_ {
        item,
        node_id: unit.id,
        request_id: Some(rid),
    };
    save(&mut tx, req.id, &r, now, true).await?;
    commit_with(st, tx, rows, who.id, notes).await?;
    Ok((true, my_item(req.id, r)))
}

fn not_found() -> ApiError {
    ApiError::client(
        axum::http::StatusCode::NOT_FOUND,
        CONTENT_NOT_FOUND.code,
        CONTENT_NOT_FOUND.message,
    )
}

/// The caller's own item; someone else's gets the same answer as a missing one.
async fn owned(tx: &mut AnyConnection, user: &AuthUser, id: Uuid) -> Result<Row_> {
    load(tx, id)
        .await?
        .filter(|r| r.item.owner_id == user.id())
        .ok_or_else(not_found)
}

/// The owner's edit: reviewed again; the shown version stays shown meanwhile.
pub async fn edit(st: &AppState, user: &AuthUser, id: Uuid, req: EditContent) -> Result<MyItem> {
    let form = cc::parse(&req.content)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut r = owned(&mut tx, user, id).await?;
    let who = me(&mut tx, user).await?;
    r.item.edit(&form, now)?;
    let mut rows = withdraw_waiting(&mut tx, &who, r.request_id, now).await?;
    let mut notes = Vec::new();
    r.request_id = None;
    if r.item
        .review
        .as_ref()
        .is_some_and(|v| v.state == cc::ReviewState::Pending)
    {
        let unit = node(&mut tx, r.node_id)
            .await?
            .ok_or_else(|| ApiError::internal("content unit vanished".into()))?;
        let (rid, more, n) = file_review(&mut tx, &who, &unit, id, &r.item, now).await?;
        rows.extend(more);
        notes = n;
        r.request_id = Some(rid);
    }
    save(&mut tx, id, &r, now, false).await?;
    commit_with(st, tx, rows, who.id, notes).await?;
    Ok(my_item(id, r))
}

/// 后台分配 (seed 004 §六 专家信息): a secretary of the member's unit (`manage_members`)
/// writes an expert profile for them. Written by the reviewers' side, it is approved and
/// on show at once; from then on it is the member's, and their edits are reviewed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignExpert {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub content: serde_json::Value,
}

pub const ONLY_EXPERTS: DomainError = DomainError::new(
    "ContentAssignExpertsOnly",
    "后台只能分配专家信息；供需、证书和风采由会员本人提交",
    "Only expert profiles are assigned; members post the rest",
);

pub async fn assign_expert(st: &AppState, user: &AuthUser, req: AssignExpert) -> Result<MyItem> {
    let form = cc::parse(&req.content)?;
    if form.kind() != ContentKind::Expert {
        return Err(ONLY_EXPERTS.into());
    }
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let owner = who(&mut tx, req.owner_id)
        .await?
        .filter(|w| w.kind == "person")
        .ok_or(ApiError::from(MEMBERS_ONLY))?;
    let unit = review_unit(&mut tx, &owner).await?;
    user.require(huiji_domain::org::Action::ManageMembers, &unit.path)?;
    if let Some(existing) = load(&mut tx, req.id).await? {
        tx.rollback().await?;
        let same = existing.item.owner_id == owner.id
            && existing.item.shown.as_ref().is_some_and(|v| v.form == form);
        return if same {
            Ok(my_item(req.id, existing))
        } else {
            Err(ID_TAKEN.into())
        };
    }
    let mut item = ContentItem::new(owner.id, &form, now)?;
    item.approve(1, user.id(), now)?;
    let r = Row_ {
        item,
        node_id: unit.id,
        request_id: None,
    };
    save(&mut tx, req.id, &r, now, true).await?;
    tx.commit().await?;
    Ok(my_item(req.id, r))
}

/// 上架 / 下架.
pub async fn set_shelf(st: &AppState, user: &AuthUser, id: Uuid, on: bool) -> Result<MyItem> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let mut r = owned(&mut tx, user, id).await?;
    r.item.set_shelf(on)?;
    save(&mut tx, id, &r, now, false).await?;
    tx.commit().await?;
    Ok(my_item(id, r))
}

/// Deletes an item (and withdraws its waiting review).
pub async fn delete(st: &AppState, user: &AuthUser, id: Uuid) -> Result<MyItem> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut r = owned(&mut tx, user, id).await?;
    let who = me(&mut tx, user).await?;
    let rows = withdraw_waiting(&mut tx, &who, r.request_id, now).await?;
    r.item.delete();
    r.request_id = None;
    save(&mut tx, id, &r, now, false).await?;
    commit_with(st, tx, rows, who.id, Vec::new()).await?;
    Ok(my_item(id, r))
}

/// The engine decided a `content` request: the item takes the decision in the same
/// transaction. `reason`: a refusal's reason.
pub async fn on_decision(
    tx: &mut AnyConnection,
    body: &RequestBody,
    approved: bool,
    reason: Option<&str>,
    actor: Uuid,
    now: i64,
) -> Result<()> {
    let f: ContentReview = from_json(&body.form)?;
    let mut r = load(tx, f.item_id).await?.ok_or_else(not_found)?;
    if approved {
        r.item.approve(f.rev, actor, now)?;
    } else {
        r.item.refuse(f.rev, reason.unwrap_or("未通过审核"))?;
    }
    r.request_id = None;
    save(tx, f.item_id, &r, now, false).await
}

/// The caller's items, newest first.
pub async fn mine(st: &AppState, user: &AuthUser) -> Result<Vec<MyItem>> {
    let rows = sqlx::query(
        "SELECT id FROM content_items WHERE owner_id = $1 AND status <> 'Deleted' ORDER BY created_at DESC, id DESC",
    )
    .bind(user.id().to_string())
    .fetch_all(&st.db.pool)
    .await?;
    let mut conn = st.db.pool.acquire().await?;
    let mut out = Vec::new();
    for row in rows {
        let id: Uuid = row.try_get::<String, _>(0)?.parse().map_err(internal)?;
        if let Some(r) = load(&mut conn, id).await? {
            out.push(my_item(id, r));
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HallQuery {
    #[serde(default)]
    pub kind: Option<String>,
    /// `supply` or `demand` (listings).
    #[serde(default)]
    pub side: Option<String>,
    #[serde(default)]
    pub owner: Option<Uuid>,
    /// Words the shown text must contain (title, company, description…).
    #[serde(default)]
    pub q: Option<String>,
}

pub const KIND_INVALID: DomainError = DomainError::new(
    "ContentKindInvalid",
    "内容类型应为 listing、certificate、expert、member_showcase 或 company_showcase",
    "Unknown content kind",
);

pub const SEARCH_TOO_LONG: DomainError = DomainError::new(
    "ContentSearchTooLong",
    "搜索词过长，请不超过50个字",
    "The search is too long",
);

pub const SIDE_INVALID: DomainError = DomainError::new(
    "ListingSideInvalid",
    "供需类型应为 supply（供应）或 demand（需求）",
    "The side must be supply or demand",
);

/// What is on show: approved versions on the shelf, newest approval first.
pub async fn hall(st: &AppState, q: &HallQuery) -> Result<Vec<HallItem>> {
    if q.q.as_deref().is_some_and(|w| w.chars().count() > 50) {
        return Err(SEARCH_TOO_LONG.into());
    }
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(ContentKind::parse(k).ok_or(ApiError::from(KIND_INVALID))?),
        None => None,
    };
    let side = match q.side.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some("supply") => Some(ListingSide::Supply),
        Some("demand") => Some(ListingSide::Demand),
        Some(_) => return Err(SIDE_INVALID.into()),
        None => None,
    };
    let rows = sqlx::query(
        "SELECT c.id, c.body, c.node_id FROM content_items c WHERE c.public = 1 \
         AND ($1 = '' OR c.kind = $1) AND ($2 = '' OR c.owner_id = $2) ORDER BY c.updated_at DESC, c.id DESC LIMIT 500",
    )
    .bind(kind.map(|k| k.as_str()).unwrap_or(""))
    .bind(q.owner.map(|o| o.to_string()).unwrap_or_default())
    .fetch_all(&st.db.pool)
    .await?;
    let mut conn = st.db.pool.acquire().await?;
    // Owners and units are looked up once each, however many items they have.
    let mut owners: HashMap<Uuid, String> = HashMap::new();
    let mut units: HashMap<Uuid, String> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let id: Uuid = row.try_get::<String, _>(0)?.parse().map_err(internal)?;
        let item: ContentItem =
            serde_json::from_str(&row.try_get::<String, _>(1)?).map_err(internal)?;
        let Some(shown) = item.public().cloned() else {
            continue;
        };
        if let (Some(s), ContentForm::Listing(l)) = (side, &shown.form) {
            if l.side != s {
                continue;
            }
        }
        if q.q.as_deref().is_some_and(|w| !shown.form.matches(w)) {
            continue;
        }
        if let Entry::Vacant(e) = owners.entry(item.owner_id) {
            let name = who(&mut conn, item.owner_id)
                .await?
                .map(|w| w.person().name)
                .unwrap_or_default();
            e.insert(name);
        }
        let node_id: Uuid = row.try_get::<String, _>(2)?.parse().map_err(internal)?;
        if let Entry::Vacant(e) = units.entry(node_id) {
            let name = node(&mut conn, node_id)
                .await?
                .map(|n| n.body.name)
                .unwrap_or_default();
            e.insert(name);
        }
        let unit_name = units[&node_id].clone();
        out.push(HallItem {
            id,
            kind: item.kind,
            owner_name: owners[&item.owner_id].clone(),
            unit_name,
            content: shown.form,
            approved_at: shown.approved_at,
        });
    }
    Ok(out)
}

/// The owner's supply listings and certificates on show, for their business card.
pub async fn card_items(st: &AppState, owner: Uuid) -> Result<(Vec<CardItem>, Vec<CardItem>)> {
    let shown = hall(
        st,
        &HallQuery {
            owner: Some(owner),
            ..HallQuery::default()
        },
    )
    .await?;
    let mut products = Vec::new();
    let mut certificates = Vec::new();
    for h in shown {
        match h.content {
            ContentForm::Listing(l) if l.side == ListingSide::Supply => products.push(CardItem {
                id: h.id,
                title: l.title,
                detail: l
                    .valid_until
                    .map(|d| format!("截止时间：{d}"))
                    .or(l.company),
            }),
            ContentForm::Certificate(c) => certificates.push(CardItem {
                id: h.id,
                title: c.title,
                detail: Some(format!("{} · {}", c.issuer, c.issued_on)),
            }),
            _ => {}
        }
    }
    Ok((products, certificates))
}

/// Demo content, approved by 张秀英 (the unit's secretary) through the domain's checks:
/// 欧阳娜娜's supply listing and certificate (shown on her card once she ticks them) and
/// 黄 's need in the hall. Loaded once.
pub async fn load_demo(st: &AppState) -> Result<()> {
    use crate::demo::demo_id;
    use huiji_domain::community::content::{CertificateForm, ListingForm};
    let marker = demo_id("content:listing-ouyang");
    let mut conn = st.db.writer.acquire().await?;
    if load(&mut conn, marker).await?.is_some() {
        return Ok(());
    }
    drop(conn);
    let account = |phone: &'static str| async move {
        crate::accounts::find_by(st, "phone", phone)
            .await?
            .map(|a| a.id)
            .ok_or_else(|| ApiError::internal(format!("demo account {phone} missing")))
    };
    let (ouyang, huang, zhang) = (
        account("13800000001").await?,
        account("13800000002").await?,
        account("13900000001").await?,
    );
    let now = st.now();
    let items = [
        (
            "content:listing-ouyang",
            ouyang,
            "南京医科大学工会",
            ContentForm::Listing(ListingForm {
                side: ListingSide::Supply,
                title: "职工心理健康讲座（公益）".into(),
                category: Some("健康服务".into()),
                company: Some("南京医科大学第一附属医院".into()),
                price: Some("免费".into()),
                description: Some(
                    "面向各单位工会，可上门开展职工心理健康与减压讲座，每场约90分钟。".into(),
                ),
                valid_until: Some(crate::workflow::today(now + 180 * 86_400_000)),
                images: Vec::new(),
            }),
        ),
        (
            "content:certificate-ouyang",
            ouyang,
            "南京医科大学工会",
            ContentForm::Certificate(CertificateForm {
                title: "江苏省五一巾帼标兵".into(),
                holder: "欧阳娜娜".into(),
                issuer: "江苏省总工会".into(),
                issued_on: "2025-04-28".into(),
                number: None,
                validity: None,
                image: demo_id("content:certificate-ouyang:image"),
            }),
        ),
        (
            "content:listing-huang",
            huang,
            "南京大学工会",
            ContentForm::Listing(ListingForm {
                side: ListingSide::Demand,
                title: "求购职工运动会计时设备".into(),
                category: Some("文体用品".into()),
                company: Some("南京大学".into()),
                price: Some("面议".into()),
                description: None,
                valid_until: None,
                images: Vec::new(),
            }),
        ),
    ];
    let mut tx = st.db.writer.begin().await?;
    let png = certificate_png();
    sqlx::query("INSERT INTO attachments (id, owner_id, name, mime, size, sha256, data, created_at) VALUES ($1, $2, '荣誉证书.png', 'image/png', $3, $4, $5, $6)")
        .bind(demo_id("content:certificate-ouyang:image").to_string())
        .bind(ouyang.to_string())
        .bind(i64::try_from(png.len()).unwrap_or(0))
        .bind(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&png)))
        .bind(png)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    for (name, owner, unit, form) in items {
        let mut item = ContentItem::new(owner, &form, now)?;
        item.approve(1, zhang, now)?;
        let r = Row_ {
            item,
            node_id: demo_id(unit),
            request_id: None,
        };
        save(&mut tx, demo_id(name), &r, now, true).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The demo certificate's picture: a cream sheet in a gold frame with a red seal.
fn certificate_png() -> Vec<u8> {
    let (w, h) = (600u32, 420u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let edge = x.min(y).min(w - 1 - x).min(h - 1 - y);
        let (dx, dy) = (f64::from(x) - 470.0, f64::from(y) - 320.0);
        let r = (dx * dx + dy * dy).sqrt();
        if edge < 10 || (16..20).contains(&edge) {
            image::Rgb([191, 144, 0])
        } else if (44.0..54.0).contains(&r) || (r < 30.0 && (x + y) % 7 < 3) {
            image::Rgb([200, 30, 40])
        } else if (60..80).contains(&y) && (200..400).contains(&x) {
            image::Rgb([150, 20, 30])
        } else if [150u32, 190, 230].iter().any(|&l| (l..l + 10).contains(&y))
            && (90..510).contains(&x)
            && (x / 6) % 4 != 0
        {
            image::Rgb([70, 64, 60])
        } else {
            image::Rgb([253, 248, 232])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}
