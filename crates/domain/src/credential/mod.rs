//! Signed credentials: the text inside every QR code the system shows (health passes,
//! member cards, event tickets, venue codes, lottery codes, business cards).
//!
//! # Format
//!
//! The shape of the EU Digital COVID Certificate, so scanners can check a code offline
//! with nothing but a synced list of public keys:
//!
//! ```text
//! "HJ1:" + Base45( COSE_Sign1( protected = {1: -8 (EdDSA), 4: kid}, unprotected = {},
//!                              payload = CBOR claims map, signature = Ed25519 ) )
//! ```
//!
//! - COSE_Sign1 (RFC 9052), tagged (CBOR tag 18), signed with Ed25519 (deterministic: the
//!   same claims and key always give the same text, which the golden vectors rely on).
//!   No external AAD.
//! - Base45 (RFC 9285), because its alphabet is the QR alphanumeric mode, which packs 5.5
//!   bits per char instead of byte mode's 8.
//! - No zlib. The claims are mostly random UUIDs and the signature is 64 random bytes, so
//!   deflate has almost nothing to find and its 6 bytes of header and checksum usually cost
//!   more than it saves. Measured (zlib level 9 over the COSE bytes): a health pass is 158
//!   bytes = 241 chars raw, 163 to 169 bytes with zlib (v7 / v4 UUIDs); an event ticket
//!   182 bytes = 277 chars raw, 178 to 193 with zlib. Leaving it out also removes the
//!   decompression-bomb surface.
//! - The version lives in the prefix: a future incompatible format is "HJ2:", and this
//!   verifier calls it `Malformed`.
//!
//! # Claim keys
//!
//! Small integers, one CBOR byte each. 2/4/5/6/7 follow the CWT registry (RFC 8392); sub
//! and cti are byte strings here (16-byte UUIDs).
//!
//! | key | claim            | CBOR type              | kinds                      |
//! |----:|------------------|------------------------|----------------------------|
//! |   7 | id (cti)         | bstr(16)               | all                        |
//! |   2 | subject (sub)    | bstr(16)               | all                        |
//! |   6 | issued_at (iat)  | int, unix seconds      | all                        |
//! |   5 | not_before (nbf) | int, unix seconds      | all                        |
//! |   4 | expires (exp)    | int, unix seconds      | all                        |
//! |  -1 | kind             | uint: 1 health pass, 2 member card, 3 event ticket, 4 venue code, 5 lottery code, 6 business card | all |
//! |  -2 | display_name     | tstr, masked, <= 32 chars | all                     |
//! |  -3 | colour           | uint: 0 green, 1 yellow, 2 red | health pass        |
//! |  -4 | region           | tstr, 6 digits (absent = none) | health pass        |
//! |  -5 | from_high_risk   | bool                   | health pass                |
//! |  -6 | node             | bstr(16)               | member card                |
//! |  -7 | event            | bstr(16) (optional for venue codes) | event ticket, venue code |
//! |  -8 | ticket           | bstr(16)               | event ticket               |
//! |  -9 | venue            | bstr(16)               | venue code                 |
//! | -10 | direction        | uint: 0 in, 1 out      | venue code                 |
//! | -11 | lottery          | bstr(16)               | lottery code               |
//! | -12 | card             | bstr(16)               | business card              |
//!
//! Keys this version does not know are ignored (a newer issuer may add claims); a known
//! key twice, a missing required key, a wrong type or an unknown enum number is
//! `Malformed`. Decoding applies the same checks as issuing, so any `Claims` read from a
//! credential could have been issued.
//!
//! # Verifying
//!
//! [`verify`] is pure and total: any string gives a [`Verdict`], never a panic (fuzzed:
//! see `fuzz/`). Claims are only shown when the signature checked out with a key that is
//! trusted for the credential's issue time; nothing unsigned ever reaches the screen.

mod claims;
mod envelope;
mod keys;
mod revocation;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use claims::{
    Body, Claims, CredentialKind, Direction, HealthColour, DISPLAY_NAME_EMPTY,
    DISPLAY_NAME_INVALID, DISPLAY_NAME_TOO_LONG, DISPLAY_NAME_UNMASKED, ENCODING_FAILED,
    EXPIRES_BEFORE_ISSUE, EXPIRES_BEFORE_START, ID_NIL, KID_INVALID, MAX_DISPLAY_NAME_CHARS,
    REGION_INVALID, TOO_LONG,
};
pub use keys::{is_valid_kid, SigningKey, TrustList, TrustedKey, MAX_KID_LEN};
pub use revocation::{revocation_key, RevocationList};

use crate::error::DomainError;

/// Every credential's text starts with this. The "1" is the format version.
pub const PREFIX: &str = "HJ1:";

/// Longer input is `Malformed` without decoding. Real credentials are 240 to 290 chars;
/// the cap bounds the work an attacker's QR code can cause.
pub const MAX_TEXT_LEN: usize = 2048;

/// How far ahead of the scanner's clock `not_before` may be: phones' clocks drift, and a
/// pass issued a moment ago must not bounce at the gate.
pub const CLOCK_SKEW_SECS: i64 = 60;

/// Signs `claims` with `key` and returns the QR text ("HJ1:...").
///
/// Refuses claims that could not be verified or that would leak data:
/// `credential.kid_invalid`, `credential.id_nil`, `credential.display_name_empty`,
/// `credential.display_name_too_long`, `credential.display_name_invalid` (control chars),
/// `credential.display_name_unmasked` (7+ digits in a row: a phone or ID number),
/// `credential.expires_before_start`, `credential.expires_before_issue`,
/// `credential.region_invalid`, `credential.too_long`.
pub fn issue(claims: &Claims, key: &SigningKey) -> Result<String, DomainError> {
    if !is_valid_kid(key.kid()) {
        return Err(KID_INVALID);
    }
    claims::check(claims)?;
    envelope::seal(claims::to_cbor(claims)?, key)
}

/// The outcome of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Valid,
    Expired,
    NotYetValid,
    UnknownKey,
    RetiredKey,
    BadSignature,
    Revoked,
    WrongKind,
    WrongEvent,
    /// Decided by the caller's scan log, never by [`verify`].
    AlreadyUsed,
    Malformed,
}

impl Reason {
    pub const ALL: [Reason; 11] = [
        Reason::Valid,
        Reason::Expired,
        Reason::NotYetValid,
        Reason::UnknownKey,
        Reason::RetiredKey,
        Reason::BadSignature,
        Reason::Revoked,
        Reason::WrongKind,
        Reason::WrongEvent,
        Reason::AlreadyUsed,
        Reason::Malformed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Valid => "credential.valid",
            Reason::Expired => "credential.expired",
            Reason::NotYetValid => "credential.not_yet_valid",
            Reason::UnknownKey => "credential.unknown_key",
            Reason::RetiredKey => "credential.retired_key",
            Reason::BadSignature => "credential.bad_signature",
            Reason::Revoked => "credential.revoked",
            Reason::WrongKind => "credential.wrong_kind",
            Reason::WrongEvent => "credential.wrong_event",
            Reason::AlreadyUsed => "credential.already_used",
            Reason::Malformed => "credential.malformed",
        }
    }

    /// For the scanner screen.
    pub fn message(self) -> &'static str {
        match self {
            Reason::Valid => "有效",
            Reason::Expired => "已过期",
            Reason::NotYetValid => "尚未生效",
            Reason::UnknownKey => "未知签发密钥",
            Reason::RetiredKey => "密钥已停用",
            Reason::BadSignature => "签名无效（可能伪造）",
            Reason::Revoked => "已吊销",
            Reason::WrongKind => "码类型不符",
            Reason::WrongEvent => "非本活动票",
            Reason::AlreadyUsed => "已使用",
            Reason::Malformed => "无法识别的码",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            Reason::Valid => "Valid",
            Reason::Expired => "Expired",
            Reason::NotYetValid => "Not valid yet",
            Reason::UnknownKey => "Unknown signing key",
            Reason::RetiredKey => "Signing key retired",
            Reason::BadSignature => "Invalid signature (possibly forged)",
            Reason::Revoked => "Revoked",
            Reason::WrongKind => "Wrong kind of code",
            Reason::WrongEvent => "Ticket for another event",
            Reason::AlreadyUsed => "Already used",
            Reason::Malformed => "Unrecognised code",
        }
    }

    pub fn is_valid(self) -> bool {
        self == Reason::Valid
    }
}

/// What the scanner expects at this point.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expect {
    /// Empty = any kind.
    pub kinds: &'static [CredentialKind],
    /// The event being checked in; tickets and event-bound venue codes for another event
    /// are `WrongEvent`.
    pub event: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub reason: Reason,
    /// The key id from the header, once the envelope parsed (also for `UnknownKey` and
    /// `BadSignature`, which is what an operator needs to diagnose a sync problem).
    pub kid: Option<String>,
    /// The decoded claims when the signature checked out with a key trusted for the
    /// credential's issue time (also for Expired/NotYetValid/Revoked/WrongKind/WrongEvent,
    /// so the screen can show whose code it was). None for Malformed, UnknownKey,
    /// RetiredKey and BadSignature: claims signed by a compromised, retired or unknown key
    /// are not worth showing.
    pub claims: Option<Claims>,
}

impl Verdict {
    fn new(reason: Reason, kid: Option<&str>, claims: Option<Claims>) -> Self {
        Self {
            reason,
            kid: kid.map(str::to_owned),
            claims,
        }
    }
}

/// Checks a scanned text. Pure and total: any `&str` gives a Verdict, never a panic.
/// `now` is unix seconds.
///
/// Order of checks, first failure wins:
/// 1. length, prefix, Base45, COSE/CBOR structure, header -> `Malformed`
/// 2. kid not in `trust` (or its public key unusable) -> `UnknownKey`
/// 3. key `revoked` (compromised) -> `RetiredKey`
/// 4. Ed25519 signature -> `BadSignature`
/// 5. claims decode -> `Malformed`
/// 6. signed `issued_at < valid_from` -> `UnknownKey`; key retired at or before the
///    signed `issued_at` -> `RetiredKey`
/// 7. `now < not_before - 60` -> `NotYetValid`; `now >= expires` -> `Expired`
/// 8. id in `revoked` -> `Revoked`
/// 9. kind not in `expect.kinds` (when not empty) -> `WrongKind`
/// 10. bound to another event than `expect.event` -> `WrongEvent`
/// 11. otherwise `Valid`. (`AlreadyUsed` is the caller's scan log's call.)
///
/// Step 6 needs `issued_at`, which is only trustworthy once the signature checked out, so
/// the retired-key rule runs after the signature rather than together with step 3.
pub fn verify(
    text: &str,
    now: i64,
    trust: &TrustList,
    revoked: &RevocationList,
    expect: Expect,
) -> Verdict {
    let Ok(opened) = envelope::open(text) else {
        return Verdict::new(Reason::Malformed, None, None);
    };
    let kid = Some(opened.kid.as_str());
    let Some(trusted) = trust.get(&opened.kid) else {
        return Verdict::new(Reason::UnknownKey, kid, None);
    };
    let Some(public_key) = trusted.verifying_key() else {
        return Verdict::new(Reason::UnknownKey, kid, None);
    };
    if trusted.revoked {
        return Verdict::new(Reason::RetiredKey, kid, None);
    }
    if !opened.signature_ok(&public_key) {
        return Verdict::new(Reason::BadSignature, kid, None);
    }
    let Ok(claims) = claims::from_cbor(opened.payload()) else {
        return Verdict::new(Reason::Malformed, kid, None);
    };
    if claims.issued_at < trusted.valid_from {
        return Verdict::new(Reason::UnknownKey, kid, None);
    }
    if trusted.retired_at.is_some_and(|t| claims.issued_at >= t) {
        return Verdict::new(Reason::RetiredKey, kid, None);
    }
    let reason = judge(&claims, now, revoked, expect);
    Verdict::new(reason, kid, Some(claims))
}

/// Steps 7 to 11 of [`verify`], on claims whose signature checked out.
fn judge(claims: &Claims, now: i64, revoked: &RevocationList, expect: Expect) -> Reason {
    if now < claims.not_before.saturating_sub(CLOCK_SKEW_SECS) {
        return Reason::NotYetValid;
    }
    if now >= claims.expires {
        return Reason::Expired;
    }
    if revoked.contains(claims.id) {
        return Reason::Revoked;
    }
    if !expect.kinds.is_empty() && !expect.kinds.contains(&claims.kind()) {
        return Reason::WrongKind;
    }
    if let (Some(want), Some(got)) = (expect.event, claims.body.event()) {
        if want != got {
            return Reason::WrongEvent;
        }
    }
    Reason::Valid
}

/// Decodes without verifying anything (for diagnostics and tests): the kid and the claims,
/// or `Err(Reason::Malformed)` on junk. Never use the result to let anyone in.
pub fn decode_unverified(text: &str) -> Result<(String, Claims), Reason> {
    let opened = envelope::open(text).map_err(|_| Reason::Malformed)?;
    let claims = claims::from_cbor(opened.payload()).map_err(|_| Reason::Malformed)?;
    Ok((opened.kid, claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    fn key() -> SigningKey {
        SigningKey::from_seed("k1", [1u8; 32])
    }

    fn trust() -> TrustList {
        TrustList {
            keys: vec![key().trusted(0)],
            updated_at: T0,
        }
    }

    fn claims(body: Body) -> Claims {
        Claims {
            id: Uuid::from_u128(0xabc),
            subject: Uuid::from_u128(0xdef),
            display_name: "张*".into(),
            issued_at: T0,
            not_before: T0,
            expires: T0 + 3600,
            body,
        }
    }

    fn health() -> Claims {
        claims(Body::HealthPass {
            colour: HealthColour::Green,
            region: Some("220221".into()),
            from_high_risk: false,
        })
    }

    fn check(text: &str, now: i64, expect: Expect) -> Reason {
        verify(text, now, &trust(), &RevocationList::default(), expect).reason
    }

    #[test]
    fn issue_then_verify() {
        let c = health();
        let text = issue(&c, &key()).unwrap();
        assert!(text.starts_with(PREFIX));
        let v = verify(
            &text,
            T0 + 10,
            &trust(),
            &RevocationList::default(),
            Expect::default(),
        );
        assert_eq!(v.reason, Reason::Valid);
        assert_eq!(v.kid.as_deref(), Some("k1"));
        assert_eq!(v.claims, Some(c.clone()));
        assert_eq!(decode_unverified(&text), Ok(("k1".to_owned(), c)));
    }

    #[test]
    fn issuing_is_deterministic() {
        assert_eq!(issue(&health(), &key()), issue(&health(), &key()));
    }

    #[test]
    fn issue_refuses_bad_claims_and_kids() {
        let mut c = health();
        c.expires = c.not_before;
        assert_eq!(
            issue(&c, &key()).unwrap_err().code,
            "credential.expires_before_start"
        );
        let bad = SigningKey::from_seed("", [1u8; 32]);
        assert_eq!(issue(&health(), &bad).unwrap_err(), KID_INVALID);
    }

    #[test]
    fn clock_skew_and_expiry_edges() {
        let text = issue(&health(), &key()).unwrap();
        let e = Expect::default();
        assert_eq!(
            check(&text, T0 - CLOCK_SKEW_SECS - 1, e),
            Reason::NotYetValid
        );
        assert_eq!(check(&text, T0 - CLOCK_SKEW_SECS, e), Reason::Valid);
        assert_eq!(check(&text, T0 + 3599, e), Reason::Valid);
        assert_eq!(check(&text, T0 + 3600, e), Reason::Expired);
        assert_eq!(check(&text, i64::MIN, e), Reason::NotYetValid);
        assert_eq!(check(&text, i64::MAX, e), Reason::Expired);
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let mut c = health();
        c.issued_at = i64::MIN;
        c.not_before = i64::MIN;
        c.expires = i64::MAX;
        let text = issue(&c, &key()).unwrap();
        // valid_from 0 > iat: the key did not exist then.
        assert_eq!(check(&text, 0, Expect::default()), Reason::UnknownKey);
        let trust = TrustList {
            keys: vec![key().trusted(i64::MIN)],
            updated_at: 0,
        };
        let v = verify(
            &text,
            i64::MIN,
            &trust,
            &RevocationList::default(),
            Expect::default(),
        );
        assert_eq!(v.reason, Reason::Valid);
    }

    #[test]
    fn kinds_and_events() {
        let event = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        let ticket = issue(
            &claims(Body::EventTicket {
                event,
                ticket: Uuid::from_u128(3),
            }),
            &key(),
        )
        .unwrap();
        let venue_any = issue(
            &claims(Body::VenueCode {
                venue: Uuid::from_u128(4),
                event: None,
                direction: Direction::In,
            }),
            &key(),
        )
        .unwrap();
        let member = issue(
            &claims(Body::MemberCard {
                node: Uuid::from_u128(5),
            }),
            &key(),
        )
        .unwrap();
        const TICKETS: &[CredentialKind] = &[CredentialKind::EventTicket];
        let at = |event| Expect {
            kinds: &[],
            event: Some(event),
        };
        let now = T0 + 1;
        assert_eq!(check(&ticket, now, at(event)), Reason::Valid);
        assert_eq!(check(&ticket, now, at(other)), Reason::WrongEvent);
        assert_eq!(check(&venue_any, now, at(other)), Reason::Valid);
        assert_eq!(check(&member, now, at(other)), Reason::Valid);
        let tickets_only = Expect {
            kinds: TICKETS,
            event: Some(other),
        };
        // Kind is checked before event.
        assert_eq!(check(&member, now, tickets_only), Reason::WrongKind);
        assert_eq!(check(&ticket, now, tickets_only), Reason::WrongEvent);
    }

    #[test]
    fn reasons_have_distinct_codes_and_messages() {
        let mut codes: Vec<_> = Reason::ALL.iter().map(|r| r.code()).collect();
        let mut zh: Vec<_> = Reason::ALL.iter().map(|r| r.message()).collect();
        codes.sort_unstable();
        codes.dedup();
        zh.sort_unstable();
        zh.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
        assert_eq!(zh.len(), Reason::ALL.len());
        for r in Reason::ALL {
            assert!(r.code().starts_with("credential."));
            assert!(!r.message_en().is_empty());
            assert_eq!(r.is_valid(), r == Reason::Valid);
            // serde name and code agree: "credential.not_yet_valid" <-> "not_yet_valid".
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(
                format!("\"credential.{}\"", &json[1..json.len() - 1]),
                format!("\"{}\"", r.code())
            );
        }
        assert_eq!(Reason::BadSignature.message(), "签名无效（可能伪造）");
    }
}
