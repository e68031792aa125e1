//! Lotteries (抽奖): made with a seed published at once; entered by scanning the
//! lottery's code (a signed credential, checked again here); drawn by `draw` over the
//! entries in the order they arrived; the entrant list is public so anyone can run the
//! draw again and get the same winners.

use huiji_domain::credential::{Body, Claims, CredentialKind, Expect, Reason};
use huiji_domain::events::lottery::{
    commitment, draw as draw_winners, entrants_digest, seed_of, validate_prizes, LotteryBody,
    LotteryEntryBody, LotteryStatus, PrizeResult, Winner, LOTTERY_DRAWN, NO_ENTRANTS,
};
use huiji_domain::events::wire::{
    Batch, CodeResponse, EntrantRow, LotteryCreate, LotteryEnterItem, LotteryEntrants,
};
use huiji_domain::events::NOT_IN_AUDIENCE;
use huiji_domain::mask::mask_name;
use huiji_domain::org::Action as Perm;
use huiji_domain::sync::{RecordKind, UNKNOWN_NODE};
use huiji_domain::wire::{ActionBatchResponse, ActionResult, OpStatus, Record};
use huiji_domain::DomainError;
use rand::RngCore;
use sqlx::Row;
use uuid::Uuid;

use super::{belongs, notice};
use crate::auth::{parse_uuid, AuthUser};
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, typed, write_server_rows, ServerRow, Typed};
use crate::state::AppState;
use crate::workflow::{action_result, get_record, node, refused_result, to_json, who};

pub const LOTTERY_NOT_FOUND: DomainError = DomainError::new(
    "LotteryNotFound",
    "抽奖不存在",
    "The lottery does not exist",
);
pub const LOTTERY_CODE_INVALID: DomainError = DomainError::new(
    "LotteryCodeInvalid",
    "抽奖码无效或已过期",
    "The lottery code is not valid",
);
/// A lottery's code is valid this long (a day of the event).
const CODE_TTL_S: i64 = 24 * 3600;

pub type LotteryRec = Typed<LotteryBody>;

async fn lottery(conn: &mut sqlx::AnyConnection, id: Uuid) -> Result<LotteryRec> {
    typed(conn, id, RecordKind::Lottery).await?.ok_or_else(|| {
        ApiError::client(
            axum::http::StatusCode::NOT_FOUND,
            LOTTERY_NOT_FOUND.code,
            LOTTERY_NOT_FOUND.message,
        )
    })
}

/// Keeps a lottery's seed until its draw (only its commitment is in the record).
pub async fn keep_seed(tx: &mut sqlx::AnyConnection, id: Uuid, seed: &str) -> Result<()> {
    sqlx::query("INSERT INTO lottery_seeds (lottery_id, seed) VALUES ($1, $2)")
        .bind(id.to_string())
        .bind(seed)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn create(st: &AppState, user: &AuthUser, req: LotteryCreate) -> Result<Record> {
    let (title, prizes) = validate_prizes(&req.title, &req.prizes)?;
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let unit = node(&mut tx, req.node_id)
        .await?
        .ok_or(ApiError::from(UNKNOWN_NODE))?;
    user.require(Perm::ManageEvents, &unit.path)?;
    let mut random = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let seed = seed_of(random);
    let body = LotteryBody {
        title,
        event_id: req.event_id,
        prizes,
        seed_commitment: commitment(&seed)?,
        seed: None,
        status: LotteryStatus::Open,
        entrants: 0,
        entrants_digest: None,
        results: Vec::new(),
        drawn_at: None,
        created_at: now,
    };
    let id = Uuid::now_v7();
    keep_seed(&mut tx, id, &seed).await?;
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![ServerRow {
            id,
            kind: RecordKind::Lottery,
            node_id: unit.id,
            node_path: unit.path.clone(),
            owner_id: None,
            body: to_json(&body)?,
            audience: Vec::new(),
        }],
        Some(user.id()),
        now,
    )
    .await?;
    let rec = get_record(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::internal("lottery vanished".into()))?;
    tx.commit().await?;
    Ok(rec.record)
}

/// The lottery's code to show or print (organisers).
pub async fn code(st: &AppState, user: &AuthUser, id: Uuid) -> Result<CodeResponse> {
    let mut conn = st.db.pool.acquire().await?;
    let l = lottery(&mut conn, id).await?;
    drop(conn);
    user.require(Perm::ManageEvents, &l.rec.node_path)?;
    if l.body.status == LotteryStatus::Drawn {
        return Err(LOTTERY_DRAWN.into());
    }
    let now = st.now() / 1000;
    let claims = Claims {
        id: Uuid::now_v7(),
        subject: id,
        display_name: l.body.title.chars().take(32).collect(),
        issued_at: now,
        not_before: now,
        expires: now + CODE_TTL_S,
        body: Body::LotteryCode { lottery: id },
    };
    let mut tx = st.db.writer.begin().await?;
    let text = crate::credentials::issue(&mut tx, &claims).await?;
    tx.commit().await?;
    Ok(CodeResponse {
        text,
        title: l.body.title,
        expires_at: claims.expires,
    })
}

pub async fn enter(
    st: &AppState,
    user: &AuthUser,
    batch: Batch<LotteryEnterItem>,
) -> Result<ActionBatchResponse> {
    if batch.items.len() > 200 {
        return Err(ApiError::bad_request("TooManyItems", "每次最多提交200条"));
    }
    let mut results = Vec::new();
    for item in &batch.items {
        let r = match enter_one(st, user, item).await {
            Ok(r) => r,
            Err(e @ ApiError::Client { .. }) => refused_result(item.id, &e),
            Err(e) => return Err(e),
        };
        results.push(r);
    }
    Ok(ActionBatchResponse { results })
}

async fn enter_one(
    st: &AppState,
    user: &AuthUser,
    item: &LotteryEnterItem,
) -> Result<ActionResult> {
    let v = crate::credentials::verify_here(
        st,
        &item.code,
        Expect {
            kinds: &[CredentialKind::LotteryCode],
            event: None,
        },
    )
    .await?;
    // Scanned while valid (offline): the lottery's state decides, not the code's age.
    let lottery_id = match (v.reason, v.claims.map(|c| c.body)) {
        (Reason::Valid | Reason::Expired, Some(Body::LotteryCode { lottery })) => lottery,
        _ => return Err(LOTTERY_CODE_INVALID.into()),
    };
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let l = lottery(&mut tx, lottery_id).await?;
    if !belongs(user, &l.rec.node_path) {
        return Err(NOT_IN_AUDIENCE.into());
    }
    let before = sqlx::query(
        "SELECT entry_id FROM lottery_entries WHERE lottery_id = $1 AND account_id = $2",
    )
    .bind(lottery_id.to_string())
    .bind(user.id().to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if before.is_some() {
        // Entered once (by this scan sent again, or another): one entry per person.
        tx.rollback().await?;
        return Ok(action_result(item.id, OpStatus::Duplicate));
    }
    if l.body.status == LotteryStatus::Drawn {
        return Err(LOTTERY_DRAWN.into());
    }
    let me = who(&mut tx, user.id())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM lottery_entries WHERE lottery_id = $1")
        .bind(lottery_id.to_string())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    // The entry's id is the server's (one per person and lottery), never the client's:
    // nobody can pick an id that wins.
    let entry_id = Uuid::new_v5(&lottery_id, me.id.as_bytes());
    let entry = LotteryEntryBody {
        lottery_id,
        account_id: me.id,
        entry_id,
        name: mask_name(&me.name),
        at: item.at.min(now),
    };
    sqlx::query("INSERT INTO lottery_entries (lottery_id, account_id, entry_id, n, name, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(lottery_id.to_string())
        .bind(me.id.to_string())
        .bind(entry_id.to_string())
        .bind(n + 1)
        .bind(&entry.name)
        .bind(entry.at)
        .execute(&mut *tx)
        .await?;
    let mut l2 = l.clone();
    l2.body.entrants = u32::try_from(n + 1).unwrap_or(u32::MAX);
    write_server_rows(
        &mut tx,
        st.db.backend,
        vec![
            ServerRow {
                id: entry_id,
                kind: RecordKind::LotteryEntry,
                node_id: l.rec.record.node_id,
                node_path: l.rec.node_path.clone(),
                owner_id: Some(me.id),
                body: to_json(&entry)?,
                audience: Vec::new(),
            },
            l2.row()?,
        ],
        Some(me.id),
        now,
    )
    .await?;
    let rec = get_record(&mut tx, entry_id)
        .await?
        .ok_or_else(|| ApiError::internal("entry vanished".into()))?;
    tx.commit().await?;
    let mut r = action_result(item.id, OpStatus::Applied);
    r.current = Some(rec.record);
    Ok(r)
}

async fn entries(conn: &mut sqlx::AnyConnection, id: Uuid) -> Result<Vec<(Uuid, String, Uuid)>> {
    let rows = sqlx::query(
        "SELECT entry_id, name, account_id FROM lottery_entries WHERE lottery_id = $1 ORDER BY n",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                parse_uuid(&r.try_get::<String, _>(0)?)?,
                r.try_get(1)?,
                parse_uuid(&r.try_get::<String, _>(2)?)?,
            ))
        })
        .collect()
}

/// Draws every prize once; the winners hear it in their inbox.
pub async fn draw(st: &AppState, user: &AuthUser, id: Uuid) -> Result<Record> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut l = lottery(&mut tx, id).await?;
    user.require(Perm::ManageEvents, &l.rec.node_path)?;
    if l.body.status == LotteryStatus::Drawn {
        return Err(LOTTERY_DRAWN.into());
    }
    let list = entries(&mut tx, id).await?;
    if list.is_empty() {
        return Err(NO_ENTRANTS.into());
    }
    let ids: Vec<Uuid> = list.iter().map(|e| e.0).collect();
    let seed: String = sqlx::query("SELECT seed FROM lottery_seeds WHERE lottery_id = $1")
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if commitment(&seed)? != l.body.seed_commitment {
        return Err(ApiError::internal(
            "lottery seed does not match its commitment".into(),
        ));
    }
    let picks = draw_winners(&seed, &ids, &l.body.prizes)?;
    l.body.seed = Some(seed);
    let mut rows = Vec::new();
    let mut results = Vec::new();
    for (prize, winners) in l.body.prizes.iter().zip(&picks) {
        let mut ws = Vec::new();
        for &i in winners {
            let (entry_id, name, account) = &list[i];
            ws.push(Winner {
                entry_id: *entry_id,
                name: name.clone(),
            });
            rows.push(notice(
                *account,
                l.rec.record.node_id,
                &l.rec.node_path,
                "恭喜中奖",
                format!("您在“{}”中获得{}", l.body.title, prize.name),
                now,
            )?);
        }
        results.push(PrizeResult {
            prize: prize.name.clone(),
            winners: ws,
        });
    }
    l.body.status = LotteryStatus::Drawn;
    l.body.results = results;
    l.body.entrants = ids.len() as u32;
    l.body.entrants_digest = Some(entrants_digest(&ids));
    l.body.drawn_at = Some(now);
    rows.insert(0, l.row()?);
    write_server_rows(&mut tx, st.db.backend, rows, Some(user.id()), now).await?;
    let rec = get_record(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::internal("lottery vanished".into()))?;
    tx.commit().await?;
    Ok(rec.record)
}

/// The entrants in the draw's order, with the seed and digest: enough to draw again.
pub async fn entrants(st: &AppState, user: &AuthUser, id: Uuid) -> Result<LotteryEntrants> {
    let mut conn = st.db.pool.acquire().await?;
    let l = lottery(&mut conn, id).await?;
    if !belongs(user, &l.rec.node_path) {
        return Err(NOT_IN_AUDIENCE.into());
    }
    let list = entries(&mut conn, id).await?;
    let ids: Vec<Uuid> = list.iter().map(|e| e.0).collect();
    Ok(LotteryEntrants {
        lottery_id: id,
        seed_commitment: l.body.seed_commitment,
        seed: l.body.seed,
        digest: entrants_digest(&ids),
        entries: list
            .into_iter()
            .map(|(entry_id, name, _)| EntrantRow { entry_id, name })
            .collect(),
    })
}
