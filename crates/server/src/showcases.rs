//! 会员风采 and 企业风采 (seed 004 §六): each member's open information — name, gender, the
//! organisation's 职务, their company, post and industry, their unit — with the approved
//! introduction and photos and the approved companies on the shelf. Built through
//! `community::showcase::member_view`, which has no private field to fill: the phone,
//! WeChat, ID number, height and weight never reach a showcase. The business card draws on
//! the same profile (`profile`).

use std::collections::HashMap;

use huiji_domain::community::content::{ContentForm, ContentItem};
use huiji_domain::community::showcase::{member_view, MemberProfile, MemberShowcaseView};
use huiji_domain::org::Action as Perm;
use huiji_domain::sync::UNKNOWN_NODE;
use huiji_domain::workflow::{JoinForm, RequestBody, RequestKind};
use serde::Deserialize;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use crate::auth::{parse_uuid, AuthUser};
use crate::error::{ApiError, Result};
use crate::state::AppState;
use crate::workflow::{
    from_json, get_record, live_members_under, live_memberships, live_unit_paths, node,
};

/// What the server holds about a member for the card and the showcase.
pub struct Held {
    pub profile: MemberProfile,
    /// 担任职务 at their company (the join form's).
    pub job_title: Option<String>,
}

/// 男 / 女 from an 18-digit ID number's 17th digit.
fn gender_of(id_number: Option<&str>) -> Option<String> {
    let d = id_number?.chars().nth(16)?.to_digit(10)?;
    Some(if d % 2 == 1 { "男" } else { "女" }.to_owned())
}

/// A person's profile: the account, their live memberships (the organisation's 职务, the
/// unit) and the join form behind them (company, post, industry).
pub async fn profile(st: &AppState, conn: &mut AnyConnection, account: Uuid) -> Result<Held> {
    let acc = crate::accounts::get(st, account).await?;
    let live = live_memberships(conn, account).await?;
    let (mut job_title, mut company, mut industry, mut position, mut unit) =
        (None, None, None, None, None);
    for (_, m) in &live {
        if let Some(rid) = m.request_id.filter(|_| company.is_none()) {
            if let Some(r) = get_record(conn, rid).await? {
                let body: RequestBody = from_json(&r.record.body)?;
                if body.kind == RequestKind::Join {
                    if let Ok(f) = serde_json::from_value::<JoinForm>(body.form) {
                        company = f.company;
                        job_title = job_title.or(f.job_title);
                        industry = industry.or(f.industry);
                    }
                }
            }
        }
        position = position.or_else(|| m.title.clone());
        unit = unit.or_else(|| Some(m.unit_name.clone()));
    }
    Ok(Held {
        profile: MemberProfile {
            account_id: account,
            name: acc.real_name.clone(),
            gender: gender_of(acc.id_number.as_deref()),
            hometown: None,
            education: None,
            position,
            company,
            industry,
            unit_name: unit,
            phone: acc.phone.clone(),
            wechat: None,
            id_number: acc.id_number.clone(),
            height_cm: None,
            weight_kg: None,
        },
        job_title,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShowcaseQuery {
    /// Members at this unit or below (default: the caller's own units).
    #[serde(default)]
    pub unit: Option<Uuid>,
}

/// The units whose members the caller may browse: those given (if the caller is a member
/// there or below, or may view its members), else the caller's own units.
async fn scope(
    conn: &mut AnyConnection,
    user: &AuthUser,
    unit: Option<Uuid>,
) -> Result<Vec<huiji_domain::org::NodePath>> {
    let my_paths = live_unit_paths(conn, user.id()).await?;
    match unit {
        Some(u) => {
            let n = node(conn, u).await?.ok_or(ApiError::from(UNKNOWN_NODE))?;
            let member_there = my_paths.iter().any(|p| p.is_within(&n.path));
            if !member_there {
                user.require(Perm::ViewMembers, &n.path)?;
            }
            Ok(vec![n.path])
        }
        None => Ok(my_paths),
    }
}

/// 会员风采: the members under the scope (at most 200), by name.
pub async fn members(
    st: &AppState,
    user: &AuthUser,
    q: &ShowcaseQuery,
) -> Result<Vec<MemberShowcaseView>> {
    let mut conn = st.db.pool.acquire().await?;
    let mut accounts: Vec<Uuid> = Vec::new();
    for path in scope(&mut conn, user, q.unit).await? {
        for a in live_members_under(&mut conn, &path).await? {
            if !accounts.contains(&a) && accounts.len() < 200 {
                accounts.push(a);
            }
        }
    }
    // What each has on show: the latest approved introduction, the companies.
    let mut intros = HashMap::new();
    let mut companies: HashMap<Uuid, Vec<_>> = HashMap::new();
    let rows = sqlx::query(
        "SELECT owner_id, body FROM content_items WHERE public = 1 \
         AND kind IN ('member_showcase', 'company_showcase') ORDER BY updated_at",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let owner = parse_uuid(&row.try_get::<String, _>(0)?)?;
        let item: ContentItem = serde_json::from_str(&row.try_get::<String, _>(1)?)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        match item.public().map(|s| s.form.clone()) {
            Some(ContentForm::MemberShowcase(f)) => {
                intros.insert(owner, f);
            }
            Some(ContentForm::CompanyShowcase(f)) => companies.entry(owner).or_default().push(f),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for a in accounts {
        let held = profile(st, &mut conn, a).await?;
        out.push(member_view(
            &held.profile,
            intros.get(&a),
            companies.get(&a).map_or(&[][..], Vec::as_slice),
        ));
    }
    out.sort_by(|x, y| x.name.cmp(&y.name));
    Ok(out)
}
