//! Lotteries (抽奖, seed 004 §十一): entrants check in by scanning the lottery's code; the
//! draw is reproducible by anyone. Its randomness comes from a seed fixed when the
//! lottery is made — its SHA-256 (`commitment`) is published then, before anyone enters,
//! and the seed itself at the draw, so nobody can pick entrants to suit a known seed and
//! anyone can check the seed was not changed — and the entrant list in its published order:
//! `key = SHA-256(seed ‖ entry ids in order)`, then for each winner in turn a partial
//! Fisher–Yates step with `SHA-256(key ‖ round)` as the random number. Nothing else — no
//! clock, no server state — goes in, so `draw` run on the published inputs gives the
//! published winners.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{DomainError, Result};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Prize {
    /// "一等奖 · 平板电脑".
    pub name: String,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LotteryStatus {
    Open,
    Drawn,
}

/// A winner as the results publish them: the entry (random id, no identity) and a masked
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Winner {
    pub entry_id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrizeResult {
    pub prize: String,
    pub winners: Vec<Winner>,
}

/// The body of a `lottery` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LotteryBody {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<Uuid>,
    pub prizes: Vec<Prize>,
    /// SHA-256 (hex) of the seed, published when the lottery is made: the seed cannot be
    /// changed afterwards, and nobody can foresee the draw before it.
    pub seed_commitment: String,
    /// The seed (64 hex characters), revealed at the draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    pub status: LotteryStatus,
    /// Entrants (once drawn: those drawn among).
    pub entrants: u32,
    /// SHA-256 of the entry ids in the order drawn among (hex), once drawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrants_digest: Option<String>,
    #[serde(default)]
    pub results: Vec<PrizeResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub drawn_at: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

/// An entry (the body of a `lottery_entry` record; only its entrant receives it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LotteryEntryBody {
    pub lottery_id: Uuid,
    pub account_id: Uuid,
    /// The id the results and the entrant list name (random, not the account).
    pub entry_id: Uuid,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
}

pub const LOTTERY_INVALID: DomainError = DomainError::new(
    "LotteryInvalid",
    "抽奖需有名称（1到100字）和1到20个奖项，每个奖项1到1000名",
    "A lottery needs a 1–100 character title and 1–20 prizes of 1–1,000 winners each",
);
pub const LOTTERY_DRAWN: DomainError = DomainError::new(
    "LotteryDrawn",
    "该抽奖已开奖，不能再参加或重复开奖",
    "This lottery has been drawn",
);
pub const NO_ENTRANTS: DomainError = DomainError::new(
    "NoEntrants",
    "还没有人签到参加抽奖，不能开奖",
    "Nobody has entered yet",
);
pub const SEED_INVALID: DomainError = DomainError::new(
    "SeedInvalid",
    "抽奖种子应为64位十六进制",
    "The seed must be 64 hex characters",
);

pub fn validate_prizes(title: &str, prizes: &[Prize]) -> Result<(String, Vec<Prize>)> {
    let title = crate::dues::clean_text(title);
    if !(1..=100).contains(&title.chars().count()) || !(1..=20).contains(&prizes.len()) {
        return Err(LOTTERY_INVALID);
    }
    let mut out = Vec::new();
    for p in prizes {
        let name = crate::dues::clean_text(&p.name);
        if name.is_empty() || name.chars().count() > 60 || !(1..=1000).contains(&p.count) {
            return Err(LOTTERY_INVALID);
        }
        out.push(Prize {
            name,
            count: p.count,
        });
    }
    Ok((title, out))
}

fn seed_bytes(seed: &str) -> Result<Vec<u8>> {
    let b = hex::decode(seed.trim()).map_err(|_| SEED_INVALID)?;
    if b.len() != 32 {
        return Err(SEED_INVALID);
    }
    Ok(b)
}

/// SHA-256 of the entry ids in order (hex): what the results publish beside the list.
pub fn entrants_digest(entries: &[Uuid]) -> String {
    let mut h = Sha256::new();
    for e in entries {
        h.update(e.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The draw: for each prize in order, the indexes (into `entries`) of its winners, in
/// the order drawn. Nobody wins twice; a prize gets fewer winners when entrants run out.
pub fn draw(seed: &str, entries: &[Uuid], prizes: &[Prize]) -> Result<Vec<Vec<usize>>> {
    let seed = seed_bytes(seed)?;
    let mut key = Sha256::new();
    key.update(&seed);
    for e in entries {
        key.update(e.as_bytes());
    }
    let key = key.finalize();
    let mut pool: Vec<usize> = (0..entries.len()).collect();
    let mut round: u64 = 0;
    let mut out = Vec::with_capacity(prizes.len());
    for p in prizes {
        let mut winners = Vec::new();
        for _ in 0..p.count {
            if pool.is_empty() {
                break;
            }
            let mut h = Sha256::new();
            h.update(key);
            h.update(round.to_be_bytes());
            round += 1;
            let r = h.finalize();
            let n = u64::from_be_bytes([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]);
            // 64 random bits modulo at most a few thousand: the bias is below 2^-50.
            let i = (n % pool.len() as u64) as usize;
            winners.push(pool.swap_remove(i));
        }
        out.push(winners);
    }
    Ok(out)
}

/// The commitment to a seed: SHA-256 of its bytes, hex.
pub fn commitment(seed: &str) -> Result<String> {
    Ok(hex::encode(Sha256::digest(seed_bytes(seed)?)))
}

/// A fresh seed from 32 random bytes (the caller's randomness: this module has none).
pub fn seed_of(random: [u8; 32]) -> String {
    hex::encode(random)
}
