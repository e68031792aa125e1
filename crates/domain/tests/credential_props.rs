//! Properties of `verify` and `decode_unverified` on arbitrary input: they never panic, and
//! nothing but the untouched credential is ever Valid.

use std::sync::OnceLock;

use huiji_domain::credential::{
    decode_unverified, issue, verify, Body, Claims, Direction, Expect, HealthColour, Reason,
    RevocationList, SigningKey, TrustList, PREFIX,
};
use proptest::prelude::*;
use uuid::Uuid;

const T0: i64 = 1_767_225_600;
const NOW: i64 = T0 + 3600;

/// Base45 alphabet (RFC 9285), the chars a mutation most likely keeps decodable.
const B45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn key() -> SigningKey {
    SigningKey::from_seed("k2026a", [1u8; 32])
}

fn trust() -> &'static TrustList {
    static T: OnceLock<TrustList> = OnceLock::new();
    T.get_or_init(|| TrustList {
        keys: vec![key().trusted(0)],
        updated_at: T0,
    })
}

fn valid() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        let claims = Claims {
            id: Uuid::from_u128(0x0194_2f3a_7c00_7000_8000_1234_5678_9abc),
            subject: Uuid::from_u128(0x5b),
            display_name: "张*".into(),
            issued_at: T0,
            not_before: T0,
            expires: T0 + 86_400,
            body: Body::HealthPass {
                colour: HealthColour::Yellow,
                region: Some("220221".into()),
                from_high_risk: true,
            },
        };
        issue(&claims, &key()).unwrap()
    })
}

/// Runs both entry points; returns the verify reason.
fn run(text: &str) -> Reason {
    let v = verify(
        text,
        NOW,
        trust(),
        &RevocationList::default(),
        Expect::default(),
    );
    let decoded = decode_unverified(text);
    if v.reason != Reason::Malformed {
        // Anything that got past the envelope has a kid.
        assert!(v.kid.is_some());
    }
    if let Some(claims) = &v.claims {
        assert_eq!(decoded.as_ref().map(|d| &d.1), Ok(claims));
    }
    v.reason
}

fn is_untouched(text: &str) -> bool {
    text.trim_ascii() == valid()
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Swap(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let ch = prop_oneof![
        4 => prop::sample::select(B45),
        1 => any::<u8>().prop_map(|b| b & 0x7f),
    ];
    prop_oneof![
        (any::<usize>(), ch.clone()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<usize>(), ch).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Edit::Swap(i, j)),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let n = bytes.len();
    match *edit {
        Edit::Replace(i, c) if n > 0 => bytes[i % n] = c,
        Edit::Insert(i, c) => bytes.insert(i % (n + 1), c),
        Edit::Delete(i) if n > 0 => {
            bytes.remove(i % n);
        }
        Edit::Truncate(i) => bytes.truncate(i % (n + 1)),
        Edit::Swap(i, j) if n > 0 => bytes.swap(i % n, j % n),
        _ => {}
    }
}

fn claims_strategy() -> impl Strategy<Value = Claims> {
    let uuid = any::<u128>().prop_map(Uuid::from_u128);
    let body = prop_oneof![
        (0..3u8, proptest::option::of("[0-9]{6}"), any::<bool>()).prop_map(|(c, region, r)| {
            Body::HealthPass {
                colour: [HealthColour::Green, HealthColour::Yellow, HealthColour::Red]
                    [usize::from(c)],
                region,
                from_high_risk: r,
            }
        }),
        uuid.clone().prop_map(|node| Body::MemberCard { node }),
        (uuid.clone(), uuid.clone())
            .prop_map(|(event, ticket)| Body::EventTicket { event, ticket }),
        (
            uuid.clone(),
            proptest::option::of(uuid.clone()),
            any::<bool>()
        )
            .prop_map(|(venue, event, out)| Body::VenueCode {
                venue,
                event,
                direction: if out { Direction::Out } else { Direction::In },
            }),
        uuid.clone()
            .prop_map(|lottery| Body::LotteryCode { lottery }),
        uuid.clone().prop_map(|card| Body::BusinessCard { card }),
    ];
    (
        (1..=u128::MAX).prop_map(Uuid::from_u128),
        uuid,
        "[\\p{Han}a-zA-Z*·]{1,32}",
        any::<i64>(),
        1..=i64::MAX,
        body,
    )
        .prop_map(
            |(id, subject, display_name, issued_at, life, body)| Claims {
                id,
                subject,
                display_name,
                issued_at,
                not_before: issued_at,
                expires: issued_at.saturating_add(life),
                body,
            },
        )
        .prop_filter("expires after issue", |c| c.expires > c.issued_at)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_are_not_valid(s in any::<String>()) {
        prop_assert_ne!(run(&s), Reason::Valid);
        let prefixed = format!("{PREFIX}{s}");
        prop_assert_ne!(run(&prefixed), Reason::Valid);
    }

    #[test]
    fn arbitrary_bytes_are_not_valid(b in prop::collection::vec(any::<u8>(), 0..3000)) {
        prop_assert_ne!(run(&String::from_utf8_lossy(&b)), Reason::Valid);
    }

    #[test]
    fn base45_of_arbitrary_bytes_is_not_valid(b in prop::collection::vec(any::<u8>(), 0..1400)) {
        let text = format!("{PREFIX}{}", base45::encode(&b));
        let reason = run(&text);
        prop_assert!(reason == Reason::Malformed, "{:?}", reason);
    }

    #[test]
    fn mutated_text_is_only_valid_if_unchanged(edits in prop::collection::vec(edit(), 1..6)) {
        let mut bytes = valid().as_bytes().to_vec();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let text = String::from_utf8_lossy(&bytes);
        let reason = run(&text);
        prop_assert!(reason != Reason::Valid || is_untouched(&text), "{:?} {}", reason, text);
    }

    #[test]
    fn mutated_cose_bytes_are_only_valid_if_unchanged(
        edits in prop::collection::vec(
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Replace(i, b)), 1..4)
    ) {
        let original = base45::decode(&valid()[PREFIX.len()..]).unwrap();
        let mut bytes = original.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let text = format!("{PREFIX}{}", base45::encode(&bytes));
        let reason = run(&text);
        prop_assert!(reason != Reason::Valid || bytes == original, "{:?}", reason);
    }

    #[test]
    fn issued_claims_round_trip(claims in claims_strategy()) {
        let text = issue(&claims, &key()).unwrap();
        let (kid, decoded) = decode_unverified(&text).unwrap();
        prop_assert_eq!(kid, "k2026a");
        prop_assert_eq!(&decoded, &claims);
        let now = claims.not_before.saturating_add((claims.expires - claims.not_before) / 2);
        let v = verify(&text, now, &TrustList {
            keys: vec![key().trusted(i64::MIN)],
            updated_at: 0,
        }, &RevocationList::default(), Expect::default());
        prop_assert_eq!(v.reason, Reason::Valid);
        prop_assert_eq!(v.claims, Some(claims));
    }
}

#[test]
fn the_valid_credential_is_valid() {
    assert_eq!(run(valid()), Reason::Valid);
    assert_eq!(run(&format!("\r\n{}\n", valid())), Reason::Valid);
}
