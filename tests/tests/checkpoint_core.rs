//! The checkpoint on a device, against a real `huiji-server`: a scanner syncs, loses
//! the server, verifies twenty codes (five of them bad) and records temperatures and an
//! assisted registration offline; the server returns, the device syncs, and the site
//! manager sees the counts.

use huiji_offline::app::{AppCore, AssistedInput, ScanMode, SyncEvent};
use huiji_tests::{health_pass, ServerProcess, DEMO_PASSWORD};

fn no_events() -> impl Fn(SyncEvent) + Send + Sync {
    |_| {}
}

#[tokio::test]
async fn a_scanner_works_offline_and_the_site_manager_sees_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();

    // Codes the citizens show: green, yellow, red, Shanghai-registered, travelled.
    let mut codes = Vec::new();
    for phone in [
        "13700000001",
        "13700000002",
        "13700000003",
        "13700000004",
        "13700000005",
    ] {
        codes.push(health_pass(&base, phone).await);
    }

    let scanner = AppCore::open(&dir.path().join("scanner"), &base).unwrap();
    scanner
        .login_password("13900000005", DEMO_PASSWORD)
        .await
        .unwrap();
    let st = scanner.sync_now(&no_events()).await.unwrap();
    assert!(st.online, "{st:?}");
    let status = scanner.checkpoint_status().unwrap();
    assert_eq!(status.site_name, "口前镇检查站");
    assert!(status.keys >= 1 && status.risk_regions == 2, "{status:?}");
    assert!(!status.trust_stale);

    server.kill_hard();

    // Twenty scans with no server: fifteen good codes, five bad ones.
    let green = &codes[0];
    let forged = {
        // One character of the signed payload changed: the signature no longer matches.
        let mut b = green.clone().into_bytes();
        let i = b.len() / 2;
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        String::from_utf8(b).unwrap()
    };
    let bad = [
        (forged, "credential.bad_signature"),
        (green[..green.len() - 10].to_owned(), "credential.malformed"),
        (green.replacen("HJ1:", "HJ2:", 1), "credential.malformed"),
        (
            "https://example.com/not-a-code".to_owned(),
            "credential.malformed",
        ),
        (format!("HJ1:{}", "A".repeat(3000)), "credential.malformed"),
    ];
    let mut admitted = 0;
    let mut turned_back = 0;
    for i in 0..15 {
        let code = &codes[i % 5];
        let temp = if i == 3 { "37.6" } else { "36.5" };
        let v = scanner
            .checkpoint_record(&format!("{code}\r\n"), ScanMode::Health, Some(temp), None)
            .unwrap();
        assert!(v.valid, "{v:?}");
        assert!(v.scan_id.is_some());
        let expect_admit = matches!(i % 5, 0 | 1) && i != 3;
        assert_eq!(v.admitted, expect_admit, "scan {i}: {v:?}");
        match i % 5 {
            2 => assert!(
                v.turn_back.iter().any(|t| t.code == "turn_back.red_code"),
                "{v:?}"
            ),
            3 | 4 => assert!(
                v.turn_back
                    .iter()
                    .any(|t| t.code == "turn_back.high_risk_region"),
                "{v:?}"
            ),
            _ => {}
        }
        if i % 5 == 1 {
            assert_eq!(v.colour.as_deref(), Some("yellow"));
        }
        if expect_admit {
            admitted += 1;
        } else {
            turned_back += 1;
        }
    }
    for (text, reason) in &bad {
        let v = scanner
            .checkpoint_record(text, ScanMode::Health, Some("36.4"), Some("现场核验"))
            .unwrap();
        assert_eq!(&v.reason_code, reason, "{text}: {v:?}");
        assert!(!v.valid && !v.admitted);
        assert!(v
            .turn_back
            .iter()
            .any(|t| t.code == "turn_back.invalid_code"));
        turned_back += 1;
    }
    // A mistyped temperature is named and records nothing.
    let err = scanner
        .checkpoint_record(green, ScanMode::Health, Some("365"), None)
        .unwrap_err();
    assert_eq!(err.code(), "TemperatureFormat");

    // Assisted registration with no network: kept, and counted.
    let assisted = scanner
        .assisted_register(&AssistedInput {
            phone: "13655550001".into(),
            sms_code: None,
            name: "周八戒".into(),
            id_number: huiji_server_id(),
            temperature: "36.8".into(),
            remark: Some("老人无手机".into()),
        })
        .await
        .unwrap();
    assert!(assisted.queued && !assisted.verified);
    let status = scanner.checkpoint_status().unwrap();
    assert_eq!(status.today.scans, 21);
    assert_eq!(status.today.admitted, admitted + 1);
    assert_eq!(status.today.turned_back, turned_back);
    assert_eq!(status.today.assisted, 1);
    assert_eq!(status.pending_assisted, 1);
    // 21 scans and the registration itself wait to be sent.
    assert_eq!(scanner.sync_status().unwrap().pending, 22);
    let recent = scanner.checkpoint_recent(50).unwrap();
    assert_eq!(recent.len(), 21);
    assert!(recent.iter().all(|r| !r.synced));

    // The server returns where it was; one sync sends everything.
    let _server = ServerProcess::restart(&data, &base);
    let st = scanner.sync_now(&no_events()).await.unwrap();
    assert!(st.online && st.pending == 0 && st.rejected == 0, "{st:?}");
    assert_eq!(scanner.checkpoint_status().unwrap().pending_assisted, 0);
    assert!(scanner
        .checkpoint_recent(50)
        .unwrap()
        .iter()
        .all(|r| r.synced));

    // The site manager of the county sees them, per site and for the whole county.
    let manager = AppCore::open(&dir.path().join("manager"), &base).unwrap();
    manager
        .login_password("13900000004", DEMO_PASSWORD)
        .await
        .unwrap();
    manager.sync_now(&no_events()).await.unwrap();
    let stats = manager.site_stats().await.unwrap();
    assert!(!stats.offline);
    let town = stats
        .rows
        .iter()
        .find(|r| r.name == "口前镇检查站")
        .unwrap();
    assert_eq!(town.own.scans, 21);
    assert_eq!(town.own.turned_back, turned_back);
    assert_eq!(town.own.assisted, 1);
    assert_eq!(stats.rows[0].name, "永吉县");
    assert_eq!(stats.rows[0].subtree.scans, 21);
    let sites = manager.sites_list().unwrap();
    assert_eq!(sites[0].name, "永吉县");
    assert!(sites
        .iter()
        .any(|s| s.name == "口前镇火车站卡点" && s.depth == 2));
    // Offline, the manager's device counts from the scans it synced.
    drop(_server);
    let offline = manager.site_stats().await.unwrap();
    assert!(offline.offline);
    assert_eq!(offline.rows[0].subtree.scans, 21);
    assert_eq!(
        offline
            .rows
            .iter()
            .find(|r| r.name == "口前镇检查站")
            .unwrap()
            .own
            .turned_back,
        turned_back
    );
}

/// A valid ID number for the assisted registration (Yongji county).
fn huiji_server_id() -> String {
    let first17 = "22022119581203461";
    let check = huiji_domain::validate::id_number_check_char(first17).unwrap();
    format!("{first17}{check}")
}

#[tokio::test]
async fn my_code_is_shown_offline_with_its_age() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&dir.path().join("server"), None);
    let app = AppCore::open(&dir.path().join("citizen"), &server.base_url).unwrap();
    app.login_password("13700000003", DEMO_PASSWORD)
        .await
        .unwrap();
    let code = app.my_health_code().await.unwrap();
    assert_eq!(code.colour, "red");
    assert_eq!(code.display_name, "刘**");
    assert!(!code.offline && !code.expired);
    assert!(
        code.svg.starts_with("<?xml") || code.svg.contains("<svg"),
        "{}",
        &code.svg[..60]
    );
    assert!(code.text.starts_with("HJ1:"));
    server.kill_hard();
    let kept = app.my_health_code().await.unwrap();
    assert!(kept.offline);
    assert_eq!(kept.text, code.text);
    assert_eq!(kept.colour, "red");
}

#[tokio::test]
async fn a_ticket_admitted_at_two_offline_scanners_is_flagged_after_sync() {
    use huiji_domain::credential::Direction;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();

    let member = AppCore::open(&dir.path().join("member"), &base).unwrap();
    member
        .login_password("13800000001", DEMO_PASSWORD)
        .await
        .unwrap();
    member.sync_now(&no_events()).await.unwrap();
    let events = member.events_list().unwrap();
    let event = events
        .iter()
        .find(|e| e.title == "2026年度会员大会")
        .unwrap()
        .clone();
    let ticket = member.my_ticket(&event.id).await.unwrap();
    assert!(!ticket.offline && ticket.svg.contains("<svg"));

    // Two scanners at two gates, synced, then cut off.
    let gate_a = AppCore::open(&dir.path().join("gate-a"), &base).unwrap();
    let gate_b = AppCore::open(&dir.path().join("gate-b"), &base).unwrap();
    for g in [&gate_a, &gate_b] {
        g.login_password("13900000005", DEMO_PASSWORD)
            .await
            .unwrap();
        g.sync_now(&no_events()).await.unwrap();
    }
    server.kill_hard();
    // The member's ticket still shows, from the phone's copy.
    assert!(member.my_ticket(&event.id).await.unwrap().offline);

    let mode = |direction| ScanMode::Ticket {
        event: event.id.parse().unwrap(),
        direction,
        reentry_allowed: event.reentry_allowed,
    };
    let a = gate_a
        .checkpoint_record(&ticket.text, mode(Direction::In), None, None)
        .unwrap();
    assert!(a.admitted, "{a:?}");
    // The same gate refuses it a second time, by its own log.
    let again = gate_a
        .checkpoint_verify(&ticket.text, mode(Direction::In))
        .unwrap();
    assert_eq!(again.reason_code, "credential.already_used");
    assert!(!again.admitted);
    let b = gate_b
        .checkpoint_record(&ticket.text, mode(Direction::In), None, None)
        .unwrap();
    assert!(b.admitted, "gate B has not heard of gate A: {b:?}");
    // Out at gate A, and no re-entry for this event.
    let out = gate_a
        .checkpoint_record(&ticket.text, mode(Direction::Out), None, None)
        .unwrap();
    assert!(out.admitted);
    let back = gate_a
        .checkpoint_verify(&ticket.text, mode(Direction::In))
        .unwrap();
    assert_eq!(back.reason_code, "credential.already_used");
    assert_eq!(back.reason, "该活动不允许离场后再次入场");

    let _server = ServerProcess::restart(&data, &base);
    for g in [&gate_a, &gate_b] {
        let st = g.sync_now(&no_events()).await.unwrap();
        assert!(st.online && st.pending == 0, "{st:?}");
    }
    let secretary = AppCore::open(&dir.path().join("secretary"), &base).unwrap();
    secretary
        .login_password("13900000001", DEMO_PASSWORD)
        .await
        .unwrap();
    let att = secretary.event_attendance(&event.id).await.unwrap();
    assert_eq!(att.checked_in, 1);
    assert_eq!(att.admitted_scans, 3);
    assert_eq!(att.conflicts.len(), 1, "{att:?}");
    assert_eq!(att.conflicts[0].subject, "欧阳**");
    assert!(att.conflicts[0].flagged_at > att.conflicts[0].earlier_at);
}
