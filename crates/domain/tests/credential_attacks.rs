//! The attack table: each way a scanned code can be wrong, and the one Reason it must get.

use coset::{CborSerializable, CoseSign1, TaggedCborSerializable};
use huiji_domain::credential::{
    decode_unverified, issue, verify, Body, Claims, CredentialKind, Expect, HealthColour, Reason,
    RevocationList, SigningKey, TrustList, TrustedKey, MAX_TEXT_LEN, PREFIX,
};
use uuid::Uuid;

/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;
const DAY: i64 = 86_400;
const NOW: i64 = T0 + 3600;
const EVENT: Uuid = Uuid::from_u128(0xe1);
const TICKETS: &[CredentialKind] = &[CredentialKind::EventTicket];
const HEALTH: &[CredentialKind] = &[CredentialKind::HealthPass];

fn issuer() -> SigningKey {
    SigningKey::from_seed("k2026a", [1u8; 32])
}

fn attacker() -> SigningKey {
    SigningKey::from_seed("k2026a", [0xee; 32])
}

fn trust_with(key: TrustedKey) -> TrustList {
    TrustList {
        keys: vec![key],
        updated_at: T0,
    }
}

fn trust() -> TrustList {
    trust_with(issuer().trusted(T0 - DAY))
}

fn health(id: u128) -> Claims {
    Claims {
        id: Uuid::from_u128(id),
        subject: Uuid::from_u128(0x5b),
        display_name: "张*".into(),
        issued_at: T0,
        not_before: T0,
        expires: T0 + DAY,
        body: Body::HealthPass {
            colour: HealthColour::Green,
            region: Some("220221".into()),
            from_high_risk: false,
        },
    }
}

fn ticket(event: Uuid) -> Claims {
    Claims {
        body: Body::EventTicket {
            event,
            ticket: Uuid::from_u128(0x77),
        },
        ..health(0x71)
    }
}

fn text(claims: &Claims) -> String {
    issue(claims, &issuer()).unwrap()
}

/// Base45 body of a credential, decoded.
fn raw(text: &str) -> Vec<u8> {
    base45::decode(text.strip_prefix(PREFIX).unwrap()).unwrap()
}

fn wrap(bytes: &[u8]) -> String {
    format!("{PREFIX}{}", base45::encode(bytes))
}

struct Case {
    name: &'static str,
    text: String,
    trust: TrustList,
    revoked: RevocationList,
    expect: Expect,
    now: i64,
    want: Reason,
}

fn case(name: &'static str, text: String, want: Reason) -> Case {
    Case {
        name,
        text,
        trust: trust(),
        revoked: RevocationList::default(),
        expect: Expect::default(),
        now: NOW,
        want,
    }
}

/// Flips one bit inside the signed CBOR claims (the payload bstr) and re-encodes.
fn altered_claim_byte(text: &str) -> String {
    let mut sign1 = CoseSign1::from_tagged_slice(&raw(text)).unwrap();
    let payload = sign1.payload.as_mut().unwrap();
    // Inside the display name "张*" (UTF-8 e5 bc a0 2a): '*' -> '+', still valid CBOR
    // and still a valid name, so only the signature can catch it.
    let star = payload.iter().rposition(|&b| b == b'*').unwrap();
    payload[star] = b'+';
    let forged = wrap(&sign1.to_tagged_vec().unwrap());
    assert_eq!(decode_unverified(&forged).unwrap().1.display_name, "张+");
    forged
}

/// Swaps one byte anywhere in the payload region, whatever it does to the CBOR.
fn altered_payload_byte(text: &str, index: usize) -> String {
    let sign1 = CoseSign1::from_tagged_slice(&raw(text)).unwrap();
    let payload = sign1.payload.clone().unwrap();
    let mut bytes = raw(text);
    let start = bytes
        .windows(payload.len())
        .position(|w| w == payload.as_slice())
        .unwrap();
    bytes[start + index] ^= 0x01;
    wrap(&bytes)
}

fn cases() -> Vec<Case> {
    let valid = text(&health(1));
    let mut revoked_key = issuer().trusted(T0 - DAY);
    revoked_key.revoked = true;
    let mut retired_before_issue = issuer().trusted(T0 - DAY);
    retired_before_issue.retired_at = Some(T0);
    let mut retired_after_issue = issuer().trusted(T0 - DAY);
    retired_after_issue.retired_at = Some(T0 + 1);
    let mut revocations = RevocationList::default();
    revocations.insert_id(Uuid::from_u128(1));

    vec![
        case("untouched", valid.clone(), Reason::Valid),
        case("with scanner CR/LF", format!("{valid}\r\n"), Reason::Valid),
        case(
            "forged: attacker key, trusted kid",
            issue(&health(1), &attacker()).unwrap(),
            Reason::BadSignature,
        ),
        case(
            "unknown key",
            issue(&health(1), &SigningKey::from_seed("k2099z", [1u8; 32])).unwrap(),
            Reason::UnknownKey,
        ),
        Case {
            trust: trust_with(retired_before_issue),
            ..case(
                "retired key (issued at retirement)",
                valid.clone(),
                Reason::RetiredKey,
            )
        },
        Case {
            trust: trust_with(retired_after_issue),
            ..case("retired key, issued before", valid.clone(), Reason::Valid)
        },
        Case {
            trust: trust_with(issuer().trusted(T0 + 1)),
            ..case(
                "issued before key existed",
                valid.clone(),
                Reason::UnknownKey,
            )
        },
        Case {
            trust: trust_with(revoked_key.clone()),
            ..case(
                "key compromised (revoked flag)",
                valid.clone(),
                Reason::RetiredKey,
            )
        },
        Case {
            trust: trust_with(revoked_key),
            ..case(
                "key compromised, forged too",
                issue(&health(1), &attacker()).unwrap(),
                Reason::RetiredKey,
            )
        },
        Case {
            now: T0 + DAY,
            ..case("expired", valid.clone(), Reason::Expired)
        },
        Case {
            now: T0 - 61,
            ..case("not yet valid", valid.clone(), Reason::NotYetValid)
        },
        Case {
            revoked: revocations,
            ..case("revoked", valid.clone(), Reason::Revoked)
        },
        case(
            "one altered claim byte",
            altered_claim_byte(&valid),
            Reason::BadSignature,
        ),
        case(
            // A byte of the issued_at value: still a well-formed map, wrong signature.
            "altered issued_at byte",
            altered_payload_byte(&valid, 40),
            Reason::BadSignature,
        ),
        case(
            "truncated by one char",
            valid[..valid.len() - 1].to_owned(),
            Reason::Malformed,
        ),
        case(
            "truncated by three chars",
            valid[..valid.len() - 3].to_owned(),
            Reason::Malformed,
        ),
        case("truncated to prefix", PREFIX.to_owned(), Reason::Malformed),
        case("empty", String::new(), Reason::Malformed),
        case(
            "wrong prefix",
            valid.replacen("HJ1:", "HC1:", 1),
            Reason::Malformed,
        ),
        case(
            "lowercase prefix",
            valid.replacen("HJ1:", "hj1:", 1),
            Reason::Malformed,
        ),
        case("no prefix", valid[4..].to_owned(), Reason::Malformed),
        case(
            "not base45",
            format!("{PREFIX}{}", valid[4..].to_lowercase()),
            Reason::Malformed,
        ),
        case(
            "base45 of junk",
            wrap(b"definitely not a credential"),
            Reason::Malformed,
        ),
        case(
            "oversized",
            format!("{valid}{}", "0".repeat(MAX_TEXT_LEN)),
            Reason::Malformed,
        ),
        case(
            "oversized whitespace",
            format!("{valid}{}", " ".repeat(MAX_TEXT_LEN)),
            Reason::Malformed,
        ),
        Case {
            expect: Expect {
                kinds: TICKETS,
                event: None,
            },
            ..case("wrong kind", valid.clone(), Reason::WrongKind)
        },
        Case {
            expect: Expect {
                kinds: HEALTH,
                event: Some(EVENT),
            },
            ..case("right kind, event ignored", valid.clone(), Reason::Valid)
        },
        Case {
            expect: Expect {
                kinds: TICKETS,
                event: Some(EVENT),
            },
            ..case(
                "wrong event",
                text(&ticket(Uuid::from_u128(0xe2))),
                Reason::WrongEvent,
            )
        },
        Case {
            expect: Expect {
                kinds: TICKETS,
                event: Some(EVENT),
            },
            ..case("right event", text(&ticket(EVENT)), Reason::Valid)
        },
    ]
}

#[test]
fn attack_table() {
    let mut failures = Vec::new();
    for c in cases() {
        let v = verify(&c.text, c.now, &c.trust, &c.revoked, c.expect);
        if v.reason != c.want {
            failures.push(format!("{}: got {:?}, want {:?}", c.name, v.reason, c.want));
        }
        // Claims are only ever shown once a trusted signature checked out.
        let shows = !matches!(
            v.reason,
            Reason::Malformed | Reason::UnknownKey | Reason::RetiredKey | Reason::BadSignature
        );
        if v.claims.is_some() != shows {
            failures.push(format!("{}: claims shown = {}", c.name, v.claims.is_some()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn forged_claims_are_never_shown() {
    let forged = issue(&health(1), &attacker()).unwrap();
    let v = verify(
        &forged,
        NOW,
        &trust(),
        &RevocationList::default(),
        Expect::default(),
    );
    assert_eq!(v.reason, Reason::BadSignature);
    assert_eq!(v.kid.as_deref(), Some("k2026a"));
    assert_eq!(v.claims, None);
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let valid = text(&health(1));
    let bytes = raw(&valid);
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            let v = verify(
                &wrap(&b),
                NOW,
                &trust(),
                &RevocationList::default(),
                Expect::default(),
            );
            assert!(!v.reason.is_valid(), "byte {i} bit {bit}");
        }
    }
}

#[test]
fn key_rotation() {
    let old = issuer();
    let new = SigningKey::from_seed("k2026b", [2u8; 32]);
    let rotation = T0 + 10 * DAY;

    let old_credential = issue(
        &Claims {
            expires: T0 + 30 * DAY,
            ..health(1)
        },
        &old,
    )
    .unwrap();
    let new_credential = issue(
        &Claims {
            issued_at: rotation,
            not_before: rotation,
            expires: rotation + DAY,
            ..health(2)
        },
        &new,
    )
    .unwrap();
    let late_old = issue(
        &Claims {
            issued_at: rotation + 1,
            not_before: rotation + 1,
            expires: rotation + DAY,
            ..health(3)
        },
        &old,
    )
    .unwrap();
    let now = rotation + 3600;
    let check = |trust: &TrustList, text: &str| {
        verify(
            text,
            now,
            trust,
            &RevocationList::default(),
            Expect::default(),
        )
        .reason
    };

    // Before the list knows the new key, its credentials are unknown.
    let before = trust_with(old.trusted(T0 - DAY));
    assert_eq!(check(&before, &new_credential), Reason::UnknownKey);
    assert_eq!(check(&before, &old_credential), Reason::Valid);

    // Rotation: the new key is added, the old one retired at the rotation time.
    let mut old_entry = old.trusted(T0 - DAY);
    old_entry.retired_at = Some(rotation);
    let mut rotated = TrustList {
        keys: vec![old_entry, new.trusted(rotation)],
        updated_at: rotation,
    };
    assert_eq!(check(&rotated, &new_credential), Reason::Valid);
    assert_eq!(check(&rotated, &old_credential), Reason::Valid);
    assert_eq!(check(&rotated, &late_old), Reason::RetiredKey);

    // The old key turns out to be compromised: everything it signed goes.
    rotated.keys[0].revoked = true;
    assert_eq!(check(&rotated, &old_credential), Reason::RetiredKey);
    assert_eq!(check(&rotated, &new_credential), Reason::Valid);

    // Removed from the list altogether: unknown.
    rotated.keys.remove(0);
    assert_eq!(check(&rotated, &old_credential), Reason::UnknownKey);
}

#[test]
fn trusted_key_with_broken_public_key_is_unknown() {
    let mut entry = issuer().trusted(0);
    entry.public_key = "00".repeat(31);
    let v = verify(
        &text(&health(1)),
        NOW,
        &trust_with(entry),
        &RevocationList::default(),
        Expect::default(),
    );
    assert_eq!(v.reason, Reason::UnknownKey);
}

#[test]
fn signed_but_undecodable_claims_are_malformed() {
    // A payload the issuer's key really signed, but not claims this version understands
    // (e.g. a future kind): signature fine, then Malformed, and no claims shown.
    let key = issuer();
    let protected = coset::HeaderBuilder::new()
        .algorithm(coset::iana::Algorithm::EdDSA)
        .key_id(b"k2026a".to_vec())
        .build();
    let sign1 = coset::CoseSign1Builder::new()
        .protected(protected)
        .payload(vec![0xa0]) // {}
        .create_signature(b"", |tbs| {
            // Sign through the public API only: an independent dalek key from the same seed.
            use ed25519_dalek::Signer;
            ed25519_dalek::SigningKey::from_bytes(&[1u8; 32])
                .sign(tbs)
                .to_bytes()
                .to_vec()
        })
        .build();
    assert_eq!(
        key.public_key(),
        ed25519_dalek::SigningKey::from_bytes(&[1u8; 32])
            .verifying_key()
            .to_bytes()
    );
    let text = wrap(&sign1.to_tagged_vec().unwrap());
    let v = verify(
        &text,
        NOW,
        &trust(),
        &RevocationList::default(),
        Expect::default(),
    );
    assert_eq!(v.reason, Reason::Malformed);
    assert_eq!(v.kid.as_deref(), Some("k2026a"));
    assert_eq!(v.claims, None);
    assert_eq!(decode_unverified(&text), Err(Reason::Malformed));
    // And the untagged form of a valid credential is not accepted either.
    let untagged = CoseSign1::from_tagged_slice(&raw(&text_of_valid()))
        .unwrap()
        .to_vec()
        .unwrap();
    assert_eq!(
        verify(
            &wrap(&untagged),
            NOW,
            &trust(),
            &RevocationList::default(),
            Expect::default()
        )
        .reason,
        Reason::Malformed
    );
}

fn text_of_valid() -> String {
    text(&health(1))
}
