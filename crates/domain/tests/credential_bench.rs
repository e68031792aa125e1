//! Size and speed figures for the credential format. Ignored by default (timing in a debug
//! build means nothing); run with
//! `cargo test -p huiji-domain --release --test credential_bench -- --ignored --nocapture`.

use std::time::Instant;

use huiji_domain::credential::{
    issue, verify, Body, Claims, Direction, Expect, HealthColour, RevocationList, SigningKey,
    TrustList,
};
use uuid::Uuid;

const T0: i64 = 1_767_225_600;

fn claims(body: Body) -> Claims {
    Claims {
        id: Uuid::from_u128(0x0194_2f3a_7c00_7000_8000_1234_5678_9abc),
        subject: Uuid::from_u128(0x0194_2f3a_7c00_7000_8000_0000_0000_0001),
        display_name: "张*".into(),
        issued_at: T0,
        not_before: T0,
        expires: T0 + 86_400,
        body,
    }
}

fn samples() -> Vec<(&'static str, Claims)> {
    let u = Uuid::from_u128;
    vec![
        (
            "health pass",
            claims(Body::HealthPass {
                colour: HealthColour::Green,
                region: Some("220221".into()),
                from_high_risk: false,
            }),
        ),
        (
            "event ticket",
            claims(Body::EventTicket {
                event: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00e1),
                ticket: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00f1),
            }),
        ),
        (
            "venue code",
            claims(Body::VenueCode {
                venue: u(0x0194_2f3a_7c00_7000_8000_0000_0000_00a1),
                event: Some(u(0x0194_2f3a_7c00_7000_8000_0000_0000_00e1)),
                direction: Direction::In,
            }),
        ),
    ]
}

#[test]
#[ignore = "prints figures; run in release"]
fn qr_text_lengths() {
    let key = SigningKey::from_seed("k2026a", [1u8; 32]);
    for (name, c) in samples() {
        let text = issue(&c, &key).unwrap();
        let cose = base45::decode(&text[4..]).unwrap();
        println!(
            "{name}: {} chars of QR text, {} bytes of COSE; cose hex {}",
            text.len(),
            cose.len(),
            hex::encode(&cose)
        );
    }
}

#[test]
#[ignore = "prints figures; run in release"]
fn verify_throughput() {
    let key = SigningKey::from_seed("k2026a", [1u8; 32]);
    let trust = TrustList {
        keys: vec![key.trusted(0)],
        updated_at: T0,
    };
    let revoked = RevocationList::default();
    let (_, health) = &samples()[0];
    let text = issue(health, &key).unwrap();
    let n = 20_000;
    let start = Instant::now();
    let mut valid = 0;
    for _ in 0..n {
        let v = verify(
            std::hint::black_box(&text),
            T0 + 60,
            &trust,
            &revoked,
            Expect::default(),
        );
        valid += usize::from(v.reason.is_valid());
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(valid, n);
    println!(
        "verify: {n} valid health passes in {secs:.3} s = {:.0}/s on one core ({:.1} us each)",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
}
