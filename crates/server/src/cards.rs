//! Electronic business cards (电子名片, seed 004 §五): the member's choices kept per
//! account, their card drawn from what the server holds (name, the latest membership's
//! 职务, the join form's company, the phone) through `community::card::view`, and the
//! public page anyone with the link opens without signing in. The link's token is
//! derived (HMAC of a server secret, the account and a generation) and only its hash is
//! stored; revoking it moves to the next generation, so the old link is dead for good.

use hmac::{Hmac, Mac};
use huiji_domain::community::card::{self, CardField, CardSettings, CardSource, CardView, MyCard};
use huiji_domain::DomainError;
use sha2::{Digest, Sha256};
use sqlx::Row;
use uuid::Uuid;

use crate::error::{ApiError, Result};
use crate::receipt::html_escape as esc;
use crate::state::AppState;

pub const CARD_NOT_FOUND: DomainError = DomainError::new(
    "CardNotFound",
    "名片不存在或已停止分享",
    "This card does not exist or is no longer shared",
);
pub const PERSONS_ONLY: DomainError = DomainError::new(
    "CardPersonsOnly",
    "电子名片仅供个人会员使用",
    "Business cards are for people",
);

struct Stored {
    settings: CardSettings,
    generation: i64,
    shared_at: Option<i64>,
}

async fn card_secret(st: &AppState) -> Result<Vec<u8>> {
    crate::db::server_secret(&st.db, "card_key").await
}

/// The link's token for an account at a generation: 128 bits, URL-safe hex.
fn token(secret: &[u8], account: Uuid, generation: i64) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(account.as_bytes());
    mac.update(&generation.to_be_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn link(st: &AppState, token: &str) -> String {
    format!("{}/card/{token}", st.public_url())
}

async fn stored(st: &AppState, account: Uuid) -> Result<Option<Stored>> {
    let row =
        sqlx::query("SELECT settings, generation, shared_at FROM cards WHERE account_id = $1")
            .bind(account.to_string())
            .fetch_optional(&st.db.writer)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let settings: CardSettings = serde_json::from_str(&row.try_get::<String, _>(0)?)
        .map_err(|e| ApiError::internal(format!("card settings: {e}")))?;
    Ok(Some(Stored {
        settings,
        generation: row.try_get(1)?,
        shared_at: row.try_get(2)?,
    }))
}

/// What the server holds for the card: the name, the phone, the latest live
/// membership's 职务 and the company its join form gave (`showcases::profile`).
async fn source(st: &AppState, account: Uuid) -> Result<CardSource> {
    let acc = crate::accounts::get(st, account).await?;
    if acc.kind != "person" {
        return Err(PERSONS_ONLY.into());
    }
    let mut conn = st.db.pool.acquire().await?;
    let held = crate::showcases::profile(st, &mut conn, account).await?;
    drop(conn);
    // The post held at their company (担任职务); else the position in the organisation.
    let title = held.job_title.or(held.profile.position);
    let (products, certificates) = crate::content::card_items(st, account).await?;
    Ok(CardSource {
        name: acc.real_name.clone(),
        title,
        company: held.profile.company,
        phone: acc.phone.clone(),
        wechat: None,
        products,
        certificates,
    })
}

async fn my_card_from(st: &AppState, account: Uuid, s: Option<Stored>) -> Result<MyCard> {
    let src = source(st, account).await?;
    let (settings, shared) = match s {
        Some(s) => {
            let shared = match s.shared_at {
                Some(at) => {
                    let secret = card_secret(st).await?;
                    Some((link(st, &token(&secret, account, s.generation)), at))
                }
                None => None,
            };
            (s.settings, shared)
        }
        None => (CardSettings::default(), None),
    };
    Ok(MyCard {
        view: card::view(&settings, &src),
        settings,
        link: shared.as_ref().map(|(l, _)| l.clone()),
        shared_at: shared.map(|(_, at)| at),
    })
}

/// The caller's card (the default choices until they save some).
pub async fn my_card(st: &AppState, account: Uuid) -> Result<MyCard> {
    let s = stored(st, account).await?;
    my_card_from(st, account, s).await
}

/// Saves the caller's choices; a shared link shows them at once.
pub async fn save(st: &AppState, account: Uuid, settings: &CardSettings) -> Result<MyCard> {
    let settings = card::validate_settings(settings)?;
    // Persons only, before anything is written.
    source(st, account).await?;
    let json = serde_json::to_string(&settings).map_err(|e| ApiError::internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO cards (account_id, settings, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
    )
    .bind(account.to_string())
    .bind(json)
    .bind(st.now())
    .execute(&st.db.writer)
    .await?;
    my_card(st, account).await
}

/// Shares the card: its link (the same link while it stays shared).
pub async fn share(st: &AppState, account: Uuid) -> Result<MyCard> {
    source(st, account).await?;
    let secret = card_secret(st).await?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let defaults = serde_json::to_string(&CardSettings::default())
        .map_err(|e| ApiError::internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO cards (account_id, settings, updated_at) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account.to_string())
    .bind(defaults)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query("SELECT generation, shared_at FROM cards WHERE account_id = $1")
        .bind(account.to_string())
        .fetch_one(&mut *tx)
        .await?;
    let generation: i64 = row.try_get(0)?;
    if row.try_get::<Option<i64>, _>(1)?.is_none() {
        sqlx::query("UPDATE cards SET share_hash = $1, shared_at = $2 WHERE account_id = $3")
            .bind(token_hash(&token(&secret, account, generation)))
            .bind(now)
            .bind(account.to_string())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    my_card(st, account).await
}

/// Stops sharing: the link opens nothing any more, and a new share makes a new link.
pub async fn revoke(st: &AppState, account: Uuid) -> Result<MyCard> {
    sqlx::query(
        "UPDATE cards SET share_hash = NULL, shared_at = NULL, generation = generation + 1 \
         WHERE account_id = $1 AND shared_at IS NOT NULL",
    )
    .bind(account.to_string())
    .execute(&st.db.writer)
    .await?;
    my_card(st, account).await
}

/// The public card behind a link's token.
pub async fn public(st: &AppState, token: &str) -> Result<CardView> {
    let t = token.trim();
    if t.len() != 32 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CARD_NOT_FOUND.into());
    }
    let row = sqlx::query("SELECT account_id, settings FROM cards WHERE share_hash = $1")
        .bind(token_hash(&t.to_ascii_lowercase()))
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or(ApiError::from(CARD_NOT_FOUND))?;
    let account: Uuid = row
        .try_get::<String, _>(0)?
        .parse()
        .map_err(|_| ApiError::internal("card account id".into()))?;
    let settings: CardSettings = serde_json::from_str(&row.try_get::<String, _>(1)?)
        .map_err(|e| ApiError::internal(format!("card settings: {e}")))?;
    Ok(card::view(&settings, &source(st, account).await?))
}

/// The public page: the card's chosen fields, drawn in its layout and background.
pub fn page(v: &CardView) -> String {
    let bg = match v.background {
        card::Background::Azure => "linear-gradient(135deg,#1565a8,#12a19a)",
        card::Background::Crimson => "linear-gradient(135deg,#b3261e,#e0583a)",
        card::Background::Ink => "linear-gradient(135deg,#2b2f36,#5c6470)",
        card::Background::Gold => "linear-gradient(135deg,#9a6b16,#d9a441)",
        card::Background::Plain => "#ffffff",
    };
    let ink = if v.background == card::Background::Plain {
        "#1f2933"
    } else {
        "#ffffff"
    };
    let layout = match v.layout {
        card::Layout::Classic => "classic",
        card::Layout::Centered => "centered",
        card::Layout::Banner => "banner",
    };
    let line = |f: CardField, value: &Option<String>| {
        value.as_deref().map_or(String::new(), |x| {
            let key = format!("{f:?}").to_lowercase();
            format!(
                "<div class=\"row\" data-field=\"{key}\"><span class=\"k\">{}</span><span class=\"v\">{}</span></div>",
                f.label_zh(),
                esc(x)
            )
        })
    };
    let list = |f: CardField, items: &[card::CardItem]| {
        if items.is_empty() {
            return String::new();
        }
        let key = format!("{f:?}").to_lowercase();
        let lis: String = items
            .iter()
            .map(|i| {
                format!(
                    "<li><b>{}</b>{}</li>",
                    esc(&i.title),
                    i.detail
                        .as_deref()
                        .map(|d| format!("<span>{}</span>", esc(d)))
                        .unwrap_or_default()
                )
            })
            .collect();
        format!(
            "<section data-field=\"{key}\"><h2>{}</h2><ul>{lis}</ul></section>",
            f.label_zh()
        )
    };
    let title = v
        .name
        .as_deref()
        .map_or("电子名片".to_owned(), |n| format!("{}的名片", esc(n)));
    let name = v
        .name
        .as_deref()
        .map(|n| format!("<h1 data-field=\"name\">{}</h1>", esc(n)))
        .unwrap_or_default();
    let job = v
        .title
        .as_deref()
        .map(|t| format!("<p class=\"job\" data-field=\"title\">{}</p>", esc(t)))
        .unwrap_or_default();
    let company = v
        .company
        .as_deref()
        .map(|c| format!("<p class=\"company\" data-field=\"company\">{}</p>", esc(c)))
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>\
body{{margin:0;font-family:system-ui,'Noto Sans CJK SC',sans-serif;background:#eef1f5;color:#1f2933}}\
main{{max-width:440px;margin:0 auto;padding:20px}}\
.card{{background:{bg};color:{ink};border-radius:16px;padding:24px;box-shadow:0 6px 24px rgba(0,0,0,.15);min-height:180px}}\
.card h1{{margin:0 0 4px;font-size:26px}}.job{{margin:0 0 12px;opacity:.9}}.company{{margin:0 0 16px;font-weight:600}}\
.row{{display:flex;gap:10px;margin:4px 0}}.k{{opacity:.75;min-width:3em}}\
.centered{{text-align:center}}.centered .row{{justify-content:center}}\
.banner h1{{margin:-24px -24px 14px;padding:18px 24px;background:rgba(0,0,0,.18);border-radius:16px 16px 0 0}}\
section{{background:#fff;border-radius:12px;padding:14px 18px;margin-top:14px}}section h2{{font-size:16px;margin:0 0 8px}}\
ul{{margin:0;padding-left:18px}}li span{{display:block;color:#52606d;font-size:13px}}\
footer{{text-align:center;color:#7b8794;font-size:12px;margin-top:18px}}</style></head>\
<body><main><div class=\"card {layout}\" data-testid=\"card\" data-layout=\"{layout}\">{name}{job}{company}{phone}{wechat}</div>\
{products}{certificates}<footer>会籍 · 电子名片</footer></main></body></html>",
        phone = line(CardField::Phone, &v.phone),
        wechat = line(CardField::Wechat, &v.wechat),
        products = list(CardField::Products, &v.products),
        certificates = list(CardField::Certificates, &v.certificates),
    )
}

/// The page for a link that opens nothing.
pub fn gone_page() -> String {
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>名片不可用</title><style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;padding:40px;text-align:center;color:#52606d}</style></head>\
<body><h1 data-testid=\"card-gone\">名片不存在或已停止分享</h1></body></html>"
        .to_owned()
}
