//! Feeds arbitrary data to `credential::verify` and `credential::decode_unverified`.
//!
//! The first byte picks how the rest is used, so the fuzzer reaches every layer:
//! - even: the rest as (lossy UTF-8) text, exactly as a scanner would hand it over;
//! - odd: "HJ1:" + Base45(rest), which skips straight to the COSE/CBOR layers.
//!
//! Beyond "never panics", it checks the invariants callers rely on: claims are only shown
//! after a trusted signature, and a Valid verdict agrees with `decode_unverified`.
#![no_main]

use std::sync::OnceLock;

use huiji_domain::credential::{
    decode_unverified, verify, CredentialKind, Expect, Reason, RevocationList, SigningKey,
    TrustList, PREFIX,
};
use libfuzzer_sys::fuzz_target;

/// 2026-01-01T00:00:00Z plus an hour: inside the seed credentials' validity.
const NOW: i64 = 1_767_225_600 + 3600;

fn trust() -> &'static TrustList {
    static T: OnceLock<TrustList> = OnceLock::new();
    T.get_or_init(|| {
        // The golden vectors' keys (crates/domain/tests/vectors/credentials.json), so the
        // seeds verify, plus a revoked one.
        let a = SigningKey::from_seed("k2026a", [1u8; 32]);
        let b = SigningKey::from_seed("k2026b", [2u8; 32]);
        let c = SigningKey::from_seed("k2026c", [3u8; 32]);
        let mut retired = a.trusted(1_764_633_600);
        retired.retired_at = Some(1_768_953_600);
        let mut revoked = c.trusted(0);
        revoked.revoked = true;
        TrustList {
            keys: vec![retired, b.trusted(0), revoked],
            updated_at: 0,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        format!("{PREFIX}{}", base45::encode(rest))
    };
    let expect = match mode / 2 % 3 {
        0 => Expect::default(),
        1 => Expect {
            kinds: &[CredentialKind::EventTicket],
            event: Some(uuid_from(rest)),
        },
        _ => Expect {
            kinds: &[CredentialKind::HealthPass, CredentialKind::MemberCard],
            event: None,
        },
    };
    let mut revoked = RevocationList::default();
    if mode >= 128 {
        if let Ok((_, claims)) = decode_unverified(&text) {
            revoked.insert_id(claims.id);
        }
    }
    let verdict = verify(&text, NOW, trust(), &revoked, expect);
    let decoded = decode_unverified(&text);

    let signed = !matches!(
        verdict.reason,
        Reason::Malformed | Reason::UnknownKey | Reason::RetiredKey | Reason::BadSignature
    );
    assert_eq!(verdict.claims.is_some(), signed, "{verdict:?}");
    assert_ne!(verdict.reason, Reason::AlreadyUsed);
    if let Some(claims) = &verdict.claims {
        let (kid, decoded) = decoded.expect("verified text must decode");
        assert_eq!(&decoded, claims);
        assert_eq!(Some(kid), verdict.kid);
    }
    if verdict.reason == Reason::Valid {
        assert!(mode < 128, "revoked credential passed");
    }
});

fn uuid_from(bytes: &[u8]) -> uuid::Uuid {
    let mut b = [0u8; 16];
    for (d, s) in b.iter_mut().zip(bytes.iter().rev()) {
        *d = *s;
    }
    uuid::Uuid::from_bytes(b)
}
