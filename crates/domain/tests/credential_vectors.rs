//! Golden vectors for the credential format: `tests/vectors/credentials.json`.
//!
//! Ed25519 is deterministic, so fixed seeds and fixed claims give fixed texts. This test
//! re-issues every vector and compares byte for byte, and checks each verdict listed in
//! the file. A change to the format therefore fails here until the file is regenerated on
//! purpose:
//!
//! ```text
//! UPDATE_VECTORS=1 cargo test -p huiji-domain --test credential_vectors
//! ```
//!
//! The file is self-contained (seeds, trust list, revocation list, claims as JSON, texts,
//! verdicts), so a scanner written in another language can test against it too.

use std::path::PathBuf;

use huiji_domain::credential::{
    decode_unverified, issue, revocation_key, verify, Body, Claims, CredentialKind, Direction,
    Expect, HealthColour, Reason, RevocationList, SigningKey, TrustList,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct File {
    note: String,
    keys: Vec<Key>,
    trust_list: TrustList,
    /// Revocation keys (see `revocation_key`).
    revoked: Vec<String>,
    vectors: Vec<Vector>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Key {
    kid: String,
    /// 32-byte Ed25519 seed, hex. Test keys only.
    seed: String,
    public_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Vector {
    name: String,
    kid: String,
    claims: Claims,
    text: String,
    checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Check {
    now: i64,
    /// Expect.kinds; empty = any.
    kinds: Vec<CredentialKind>,
    event: Option<Uuid>,
    reason: Reason,
}

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/credentials.json")
}

fn u(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn key_a() -> SigningKey {
    SigningKey::from_seed("k2026a", [1u8; 32])
}

fn key_b() -> SigningKey {
    SigningKey::from_seed("k2026b", [2u8; 32])
}

fn check(now: i64, reason: Reason) -> Check {
    Check {
        now,
        kinds: vec![],
        event: None,
        reason,
    }
}

fn claims(id: u128, issued_at: i64, days: i64, name: &str, body: Body) -> Claims {
    Claims {
        id: u(id),
        subject: u(0x0194_2f3a_7c00_7000_8000_0000_0000_0001),
        display_name: name.into(),
        issued_at,
        not_before: issued_at,
        expires: issued_at + days * DAY,
        body,
    }
}

const EVENT: u128 = 0x0194_2f3a_7c00_7000_8000_0000_0000_00e1;
const OTHER_EVENT: u128 = 0x0194_2f3a_7c00_7000_8000_0000_0000_00e2;
const REVOKED_ID: u128 = 0x0194_2f3a_7c00_7000_8000_0000_0000_0c05;

/// The vectors, as code. Everything in the file comes from here.
fn generate() -> File {
    let a = key_a();
    let b = key_b();
    let mut trusted_a = a.trusted(T0 - 30 * DAY);
    // k2026a was rotated out on day 20: what it signed before still verifies.
    trusted_a.retired_at = Some(T0 + 20 * DAY);
    let trust_list = TrustList {
        keys: vec![trusted_a, b.trusted(T0 + 10 * DAY)],
        updated_at: T0 + 20 * DAY,
    };
    let keys = [&a, &b]
        .iter()
        .zip([[1u8; 32], [2u8; 32]])
        .map(|(k, seed)| Key {
            kid: k.kid().into(),
            seed: hex::encode(seed),
            public_key: k.public_key_hex(),
        })
        .collect();

    let mut vectors = Vec::new();
    let mut push = |name: &str, key: &SigningKey, claims: Claims, checks: Vec<Check>| {
        let text = issue(&claims, key).expect(name);
        vectors.push(Vector {
            name: name.into(),
            kid: key.kid().into(),
            claims,
            text,
            checks,
        });
    };

    let c = claims(
        0x0194_2f3a_7c00_7000_8000_0000_0000_0c01,
        T0,
        1,
        "张*",
        Body::HealthPass {
            colour: HealthColour::Green,
            region: Some("220221".into()),
            from_high_risk: false,
        },
    );
    push(
        "health_pass_green",
        &a,
        c,
        vec![
            check(T0 - 61, Reason::NotYetValid),
            check(T0 - 60, Reason::Valid),
            check(T0 + 3600, Reason::Valid),
            check(T0 + DAY - 1, Reason::Valid),
            check(T0 + DAY, Reason::Expired),
            Check {
                kinds: vec![CredentialKind::EventTicket],
                ..check(T0 + 3600, Reason::WrongKind)
            },
        ],
    );

    let c = claims(
        0x0194_2f3a_7c00_7000_8000_0000_0000_0c02,
        T0 + DAY,
        365,
        "欧阳**",
        Body::MemberCard {
            node: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00b1),
        },
    );
    push(
        "member_card",
        &a,
        c,
        vec![
            check(T0 + 2 * DAY, Reason::Valid),
            // Still valid long after k2026a was retired: it was issued before.
            check(T0 + 100 * DAY, Reason::Valid),
        ],
    );

    let c = claims(
        0x0194_2f3a_7c00_7000_8000_0000_0000_0c03,
        T0 + 11 * DAY,
        30,
        "J*** S****",
        Body::EventTicket {
            event: u(EVENT),
            ticket: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00f1),
        },
    );
    push(
        "event_ticket",
        &b,
        c,
        vec![
            Check {
                kinds: vec![CredentialKind::EventTicket],
                event: Some(u(EVENT)),
                ..check(T0 + 12 * DAY, Reason::Valid)
            },
            Check {
                kinds: vec![CredentialKind::EventTicket],
                event: Some(u(OTHER_EVENT)),
                ..check(T0 + 12 * DAY, Reason::WrongEvent)
            },
        ],
    );

    let c = claims(
        0x0194_2f3a_7c00_7000_8000_0000_0000_0c04,
        T0 + 11 * DAY,
        90,
        "买**·**",
        Body::VenueCode {
            venue: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00a1),
            event: None,
            direction: Direction::In,
        },
    );
    push(
        "venue_code_in",
        &b,
        c,
        vec![
            // Not bound to an event: fine at any event.
            Check {
                event: Some(u(OTHER_EVENT)),
                ..check(T0 + 12 * DAY, Reason::Valid)
            },
        ],
    );

    let c = claims(
        REVOKED_ID,
        T0 + 12 * DAY,
        7,
        "李*",
        Body::LotteryCode {
            lottery: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00d1),
        },
    );
    push(
        "lottery_code_revoked",
        &b,
        c,
        vec![
            check(T0 + 13 * DAY, Reason::Revoked),
            check(T0 + 30 * DAY, Reason::Expired),
        ],
    );

    let c = claims(
        0x0194_2f3a_7c00_7000_8000_0000_0000_0c06,
        T0 + 12 * DAY,
        365,
        "王**",
        Body::BusinessCard {
            card: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00c1),
        },
    );
    push(
        "business_card",
        &b,
        c,
        vec![check(T0 + 13 * DAY, Reason::Valid)],
    );

    // Signed by k2026a after its retirement date: refused, claims not shown.
    let c = claims(
        0x0194_2f3a_7c00_7000_8000_0000_0000_0c07,
        T0 + 21 * DAY,
        1,
        "赵*",
        Body::HealthPass {
            colour: HealthColour::Red,
            region: None,
            from_high_risk: true,
        },
    );
    push(
        "health_pass_after_key_retired",
        &a,
        c,
        vec![check(T0 + 21 * DAY + 1, Reason::RetiredKey)],
    );

    File {
        note: "Golden vectors for huiji-domain::credential (HJ1). Test keys only. Regenerate \
               deliberately with UPDATE_VECTORS=1 cargo test -p huiji-domain --test \
               credential_vectors"
            .into(),
        keys,
        trust_list,
        revoked: vec![revocation_key(u(REVOKED_ID))],
        vectors,
    }
}

/// The file must be what the code generates.
#[test]
fn vectors_file_is_current() {
    let generated = generate();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        let json = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(path(), json).unwrap();
        return;
    }
    let stored: File = serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap();
    for (s, g) in stored.vectors.iter().zip(&generated.vectors) {
        assert_eq!(
            s.text, g.text,
            "{}: the format changed; if deliberate, run with UPDATE_VECTORS=1",
            s.name
        );
    }
    assert_eq!(
        stored, generated,
        "vectors file out of date; if deliberate, run with UPDATE_VECTORS=1"
    );
}

/// Everything below reads only the file, as another implementation would.
#[test]
fn vectors_reissue_byte_for_byte_and_verify() {
    let file: File = serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap();
    assert!(file.vectors.len() >= 6);
    let revoked = RevocationList::from_keys(&file.revoked);
    assert_eq!(revoked.len(), file.revoked.len());
    let mut kinds_seen = std::collections::HashSet::new();
    let mut reasons_seen = std::collections::HashSet::new();
    for v in &file.vectors {
        let key = file.keys.iter().find(|k| k.kid == v.kid).unwrap();
        let seed: [u8; 32] = hex::decode(&key.seed).unwrap().try_into().unwrap();
        let signing = SigningKey::from_seed(&key.kid, seed);
        assert_eq!(signing.public_key_hex(), key.public_key, "{}", v.name);
        assert_eq!(issue(&v.claims, &signing).unwrap(), v.text, "{}", v.name);
        assert_eq!(
            decode_unverified(&v.text),
            Ok((v.kid.clone(), v.claims.clone())),
            "{}",
            v.name
        );
        kinds_seen.insert(v.claims.kind());
        assert!(!v.checks.is_empty(), "{}", v.name);
        for c in &v.checks {
            let expect = Expect {
                kinds: c.kinds.clone().leak(),
                event: c.event,
            };
            let verdict = verify(&v.text, c.now, &file.trust_list, &revoked, expect);
            assert_eq!(verdict.reason, c.reason, "{} at {}", v.name, c.now);
            assert_eq!(verdict.kid.as_deref(), Some(v.kid.as_str()));
            let shows_claims = !matches!(
                c.reason,
                Reason::Malformed | Reason::UnknownKey | Reason::RetiredKey | Reason::BadSignature
            );
            let expected = shows_claims.then(|| v.claims.clone());
            assert_eq!(verdict.claims, expected, "{} at {}", v.name, c.now);
            reasons_seen.insert(c.reason);
        }
    }
    assert_eq!(
        kinds_seen.len(),
        CredentialKind::ALL.len(),
        "one vector per kind"
    );
    assert!(reasons_seen.len() >= 7, "{reasons_seen:?}");
}
