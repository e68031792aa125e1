//! Health codes, the authority's desk, signing keys, sites and assisted registration
//! (seed 002). Every test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use huiji_domain::credential::{
    self, CredentialKind, Expect, Reason, RevocationList, TrustList, TrustedKey,
};
use huiji_domain::sync::{RevocationBody, TrustKeyBody};
use huiji_server::demo::{demo_id, demo_id_number_in, CITIZENS};
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    a_citizen_gets_a_signed_health_pass_that_verifies_offline,
    a_status_change_revokes_the_old_code_and_the_next_carries_the_new_colour,
    only_the_health_authority_sets_status_and_bad_requests_are_named,
    a_csv_import_applies_good_rows_and_reports_each_bad_one,
    rotated_keys_keep_verifying_until_retired_and_revoked_keys_stop_at_once,
    a_site_manager_adds_and_edits_sub_sites_and_scanners_within_their_tree,
    site_counts_roll_up_scans_per_day_and_subtree,
    assisted_registration_is_idempotent_and_confirmed_by_sms_later,
    risk_regions_are_kept_by_the_authority_and_public_to_scanners,
    members_get_event_tickets_and_double_admissions_are_flagged_for_the_secretary,
);

const AUTHORITY: &str = "13900000006";
const SITE_MANAGER: &str = "13900000004";
const SCANNER: &str = "13900000005";
const ADMIN: &str = "13900000000";

/// One push as a device would send it.
async fn push(t: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    t.call("POST", "/api/v1/sync/push", Some(token), Some(body))
        .await
}

/// Everything the caller may pull, as records.
async fn pull_all(t: &TestApp, token: &str) -> Vec<Value> {
    let mut cursor = 0i64;
    let mut out = Vec::new();
    loop {
        let (s, v) = t
            .call(
                "GET",
                &format!("/api/v1/sync/pull?cursor={cursor}&limit=5000"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        out.extend(v["records"].as_array().unwrap().iter().cloned());
        cursor = v["next_cursor"].as_i64().unwrap();
        if !v["has_more"].as_bool().unwrap() {
            return out;
        }
    }
}

/// What a scanner device holds after a sync: the trust list and revocations.
async fn trust_data(t: &TestApp, token: &str) -> (TrustList, RevocationList) {
    let recs = pull_all(t, token).await;
    let keys = recs
        .iter()
        .filter(|r| r["kind"] == "trust_key")
        .map(|r| serde_json::from_value::<TrustKeyBody>(r["body"].clone()).unwrap())
        .map(TrustedKey::from)
        .collect();
    let revs: Vec<String> = recs
        .iter()
        .filter(|r| r["kind"] == "revocation")
        .map(|r| {
            serde_json::from_value::<RevocationBody>(r["body"].clone())
                .unwrap()
                .key
        })
        .collect();
    (
        TrustList {
            keys,
            updated_at: 0,
        },
        RevocationList::from_keys(revs),
    )
}

fn now_s(t: &TestApp) -> i64 {
    t.state.now() / 1000
}

fn verify(t: &TestApp, text: &str, trust: &(TrustList, RevocationList)) -> credential::Verdict {
    credential::verify(
        text,
        now_s(t),
        &trust.0,
        &trust.1,
        Expect {
            kinds: &[CredentialKind::HealthPass],
            event: None,
        },
    )
}

async fn pass(t: &TestApp, token: &str) -> Value {
    let (s, v) = t
        .call("GET", "/api/v1/health/pass", Some(token), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn a_citizen_gets_a_signed_health_pass_that_verifies_offline(t: &TestApp) {
    let citizen = t.login(CITIZENS[0].0).await;
    let p = pass(t, &citizen).await;
    assert_eq!(p["colour"], "green");
    assert_eq!(p["display_name"], "李**");
    let text = p["text"].as_str().unwrap();
    assert!(text.starts_with("HJ1:"));
    // No full ID number or phone anywhere in the code.
    let (_, claims) = credential::decode_unverified(text).unwrap();
    let dump = format!("{claims:?}");
    assert!(!dump.contains(CITIZENS[0].0));
    assert!(!dump.contains(&demo_id_number_in(CITIZENS[0].2, 0)));
    assert!(dump.contains("220221"), "the region travels: {dump}");
    // A scanner verifies it with what it synced, with no further call.
    let scanner = t.login(SCANNER).await;
    let trust = trust_data(t, &scanner).await;
    let v = verify(t, text, &trust);
    assert_eq!(v.reason, Reason::Valid, "{v:?}");
    // Asking again within the day hands out the same code.
    assert_eq!(pass(t, &citizen).await["text"], p["text"]);
    // A day later it has expired, and the refresh is a new one.
    t.clock.advance_ms(25 * 3600 * 1000);
    assert_eq!(verify(t, text, &trust).reason, Reason::Expired);
    let citizen = t.login(CITIZENS[0].0).await;
    let p2 = pass(t, &citizen).await;
    assert_ne!(p2["text"], p["text"]);
    // Someone without real name and ID gets told what to do.
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/auth/sms/send",
            None,
            Some(json!({"phone": "13600000077"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, login) = t
        .call(
            "POST",
            "/api/v1/auth/sms/login",
            None,
            Some(json!({"phone": "13600000077", "code": v["dev_code"]})),
        )
        .await;
    let (s, e) = t
        .call("GET", "/api/v1/health/pass", login["token"].as_str(), None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["code"], "ProfileNeeded");
}

async fn a_status_change_revokes_the_old_code_and_the_next_carries_the_new_colour(t: &TestApp) {
    let citizen = t.login(CITIZENS[0].0).await;
    let old = pass(t, &citizen).await["text"].as_str().unwrap().to_owned();
    let authority = t.login(AUTHORITY).await;
    let (s, r) = t
        .call(
            "PUT",
            "/api/v1/health/status",
            Some(&authority),
            Some(json!({"id_number": demo_id_number_in(CITIZENS[0].2, 0), "colour": "红", "note": "密接"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["colour"], "red");
    assert_eq!(r["revoked"], 1);
    assert_eq!(r["name_masked"], "李**");
    assert!(r["id_number_masked"].as_str().unwrap().contains('*'));
    let scanner = t.login(SCANNER).await;
    let trust = trust_data(t, &scanner).await;
    assert_eq!(verify(t, &old, &trust).reason, Reason::Revoked);
    let new = pass(t, &citizen).await;
    assert_eq!(new["colour"], "red");
    let v = verify(t, new["text"].as_str().unwrap(), &trust);
    assert_eq!(v.reason, Reason::Valid);
    match v.claims.unwrap().body {
        credential::Body::HealthPass { colour, .. } => {
            assert_eq!(colour, credential::HealthColour::Red)
        }
        other => panic!("{other:?}"),
    }
}

async fn only_the_health_authority_sets_status_and_bad_requests_are_named(t: &TestApp) {
    let scanner = t.login(SCANNER).await;
    let body = json!({"phone": CITIZENS[0].0, "colour": "red"});
    let (s, _) = t
        .call(
            "PUT",
            "/api/v1/health/status",
            Some(&scanner),
            Some(body.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .call("PUT", "/api/v1/health/status", None, Some(body))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let authority = t.login(AUTHORITY).await;
    for (body, code) in [
        (
            json!({"phone": CITIZENS[0].0, "colour": "purple"}),
            "ColourInvalid",
        ),
        (json!({"colour": "green"}), "IdentifyOnce"),
        (
            json!({"phone": CITIZENS[0].0, "id_number": demo_id_number_in(CITIZENS[0].2, 0), "colour": "green"}),
            "IdentifyOnce",
        ),
        (
            json!({"phone": "13612345678", "colour": "green"}),
            "PersonNotFound",
        ),
        (
            json!({"id_number": "220221199001011234", "colour": "green"}),
            "IdNumberCheckChar",
        ),
    ] {
        let (s, v) = t
            .call(
                "PUT",
                "/api/v1/health/status",
                Some(&authority),
                Some(body.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {v}");
        assert_eq!(v["code"], code, "{body} → {v}");
    }
    assert_eq!(t.count("health_status").await, CITIZENS.len() as i64);
}

async fn csv(t: &TestApp, token: &str, text: &str) -> (StatusCode, Value) {
    let req = Request::post("/api/v1/health/status/import")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(Body::from(text.to_owned()))
        .unwrap();
    t.raw(req).await
}

async fn a_csv_import_applies_good_rows_and_reports_each_bad_one(t: &TestApp) {
    let authority = t.login(AUTHORITY).await;
    let id = |i: usize| demo_id_number_in(CITIZENS[i].2, i);
    let text = format!(
        "\u{feff}身份证号,手机号,健康码,来自高风险地区,备注\n\
         {},,黄,否,复查\n\
         ,{},红码,是,\n\
         {},,green,,\n\
         {},,紫,,\n\
         110101199003077777,,红,,\n\
         ,13612345678,红,,\n\
         {},,红,,重复\n\
         {},,绿,也许,\n",
        id(0),
        CITIZENS[1].0,
        id(2),
        id(3),
        id(0),
        id(4),
    );
    let (s, r) = csv(t, &authority, &text).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["total"], 8);
    assert_eq!(r["applied"], 3, "{r}");
    let errors: Vec<(i64, String)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (5, "ColourInvalid".to_owned()),
            (6, "IdNumberCheckChar".to_owned()),
            (7, "PersonNotFound".to_owned()),
            (8, "CsvDuplicatePerson".to_owned()),
            (9, "FlagInvalid".to_owned()),
        ]
    );
    let citizen = t.login(CITIZENS[1].0).await;
    assert_eq!(pass(t, &citizen).await["colour"], "red");
    // A file without the colour column is refused whole, and changes nothing.
    let (s, v) = csv(t, &authority, "身份证号,备注\n1,2\n").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["code"], "CsvHeader");
    let (s, _) = csv(t, &t.login(SCANNER).await, &text).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn rotated_keys_keep_verifying_until_retired_and_revoked_keys_stop_at_once(t: &TestApp) {
    let citizen = t.login(CITIZENS[0].0).await;
    let scanner = t.login(SCANNER).await;
    let admin = t.login(ADMIN).await;
    let old = pass(t, &citizen).await["text"].as_str().unwrap().to_owned();
    let (old_kid, _) = credential::decode_unverified(&old).unwrap();
    let (s, _) = t
        .call("POST", "/api/v1/admin/keys/rotate", Some(&scanner), None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, new_kid) = t
        .call("POST", "/api/v1/admin/keys/rotate", Some(&admin), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(new_kid.as_str().unwrap(), old_kid);
    let trust = trust_data(t, &scanner).await;
    assert_eq!(trust.0.keys.len(), 2);
    assert_eq!(
        verify(t, &old, &trust).reason,
        Reason::Valid,
        "old key still verifies"
    );
    // A fresh code (after the old one is revoked by a status change) uses the new key.
    let authority = t.login(AUTHORITY).await;
    t.call(
        "PUT",
        "/api/v1/health/status",
        Some(&authority),
        Some(json!({"phone": CITIZENS[0].0, "colour": "green"})),
    )
    .await;
    let fresh = pass(t, &citizen).await["text"].as_str().unwrap().to_owned();
    assert_eq!(
        credential::decode_unverified(&fresh).unwrap().0,
        new_kid.as_str().unwrap()
    );
    // Retired: no longer signs, what it signed before still verifies.
    let other = t.login(CITIZENS[2].0).await;
    let (s, _) = t
        .call(
            "POST",
            &format!("/api/v1/admin/keys/{old_kid}/retire"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let signed_before = pass(t, &other).await["text"].as_str().unwrap().to_owned();
    assert_eq!(
        credential::decode_unverified(&signed_before).unwrap().0,
        new_kid.as_str().unwrap()
    );
    // Revoked (compromised): nothing it signed verifies.
    let (s, _) = t
        .call(
            "POST",
            &format!("/api/v1/admin/keys/{old_kid}/revoke"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let trust = trust_data(t, &scanner).await;
    let v = verify(t, &old, &trust);
    assert_eq!(v.reason, Reason::RetiredKey, "{v:?}");
    assert_eq!(verify(t, &fresh, &trust).reason, Reason::Valid);
    let (s, _) = t
        .call(
            "POST",
            "/api/v1/admin/keys/nokey/revoke",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Revoking the active key brings in a new one: codes can still be issued.
    let (_, keys) = t
        .call("GET", "/api/v1/admin/keys", Some(&admin), None)
        .await;
    assert_eq!(keys.as_array().unwrap().len(), 2);
    let (s, _) = t
        .call(
            "POST",
            &format!("/api/v1/admin/keys/{}/revoke", new_kid.as_str().unwrap()),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, keys) = t
        .call("GET", "/api/v1/admin/keys", Some(&admin), None)
        .await;
    assert_eq!(keys.as_array().unwrap().len(), 3);
}

async fn a_site_manager_adds_and_edits_sub_sites_and_scanners_within_their_tree(t: &TestApp) {
    let manager = t.login(SITE_MANAGER).await;
    let parent = demo_id("口前镇检查站");
    let (s, site) = t
        .call(
            "POST",
            "/api/v1/sites",
            Some(&manager),
            Some(json!({"parent_id": parent, "name": "口前镇客运站卡点", "address": "口前镇站前路1号", "contact": "王强", "contact_phone": "13512345678"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{site}");
    let id = site["id"].as_str().unwrap().to_owned();
    assert!(site["path"].as_str().unwrap().contains(&parent.to_string()));
    let (s, e) = t
        .call(
            "POST",
            "/api/v1/sites",
            Some(&manager),
            Some(json!({"parent_id": parent, "name": "x"})),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("NodeNameInvalid"))
    );
    let (s, e) = t
        .call(
            "POST",
            "/api/v1/sites",
            Some(&manager),
            Some(json!({"parent_id": parent, "name": "新卡点", "contact_phone": "12345"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    // A scanner may not add sites; a site manager may not add them to a union.
    let scanner = t.login(SCANNER).await;
    let (s, _) = t
        .call(
            "POST",
            "/api/v1/sites",
            Some(&scanner),
            Some(json!({"parent_id": parent, "name": "新卡点"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .call(
            "POST",
            "/api/v1/sites",
            Some(&manager),
            Some(json!({"parent_id": demo_id("南京大学工会"), "name": "新卡点"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = t
        .call(
            "PUT",
            &format!("/api/v1/sites/{id}"),
            Some(&manager),
            Some(json!({"name": "口前镇客运站卡点（东）", "address": "站前路2号"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Devices get the new site and the edit by sync.
    let recs = pull_all(t, &scanner).await;
    let node = recs.iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert_eq!(node["body"]["name"], "口前镇客运站卡点（东）");
    assert_eq!(node["version"], 2);
    // Scanner staff: a new phone gets an account and the role at the site.
    let (s, sc) = t
        .call(
            "POST",
            &format!("/api/v1/sites/{id}/scanners"),
            Some(&manager),
            Some(json!({"phone": "13611112222", "name": "钱多多"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{sc}");
    assert_eq!(sc["phone_masked"], "136****2222");
    let (s, e) = t
        .call(
            "POST",
            &format!("/api/v1/sites/{id}/scanners"),
            Some(&manager),
            Some(json!({"phone": "13611112222", "name": "钱多多"})),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("ScannerExists"))
    );
    let (s, list) = t
        .call(
            "GET",
            &format!("/api/v1/sites/{id}/scanners"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    // The new scanner logs in by SMS and is a scanner at that site.
    let (_, sms) = t
        .call(
            "POST",
            "/api/v1/auth/sms/send",
            None,
            Some(json!({"phone": "13611112222"})),
        )
        .await;
    let (_, login) = t
        .call(
            "POST",
            "/api/v1/auth/sms/login",
            None,
            Some(json!({"phone": "13611112222", "code": sms["dev_code"]})),
        )
        .await;
    let grants = login["account"]["grants"].as_array().unwrap();
    assert!(
        grants
            .iter()
            .any(|g| g["role"] == "scanner" && g["node_id"] == id.as_str()),
        "{login}"
    );
}

fn scan_op(site: Uuid, admitted: bool, turn_back: &[&str], verdict: &str, at: i64) -> Value {
    json!({
        "op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "scan", "node_id": site,
        "body": {"subject": "张*", "temperature_tenths": 365, "verdict": verdict, "admitted": admitted,
                 "turn_back": turn_back, "scanned_at": at},
        "made_at": at,
    })
}

async fn site_counts_roll_up_scans_per_day_and_subtree(t: &TestApp) {
    let now = t.state.now();
    let yesterday = now - 86_400_000;
    let scanner = t.login(SCANNER).await; // at 口前镇检查站
    let gate = demo_id("口前镇高速路口卡点");
    let town = demo_id("口前镇检查站");
    let ops = vec![
        scan_op(town, true, &[], "credential.valid", now),
        scan_op(gate, false, &["turn_back.fever"], "credential.valid", now),
        scan_op(gate, true, &[], "assisted", now),
        scan_op(gate, true, &[], "credential.valid", yesterday),
    ];
    let (s, v) = push(
        t,
        &scanner,
        json!({"device_id": Uuid::now_v7(), "ops": ops}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "applied"),
        "{v}"
    );
    let manager = t.login(SITE_MANAGER).await;
    let root = demo_id("永吉县");
    let (s, rows) = t
        .call(
            "GET",
            &format!("/api/v1/sites/{root}/stats"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    let row = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(rows[0]["name"], "永吉县");
    assert_eq!(rows[0]["subtree"]["scans"], 3);
    assert_eq!(row("口前镇检查站")["own"]["scans"], 1);
    assert_eq!(row("口前镇检查站")["subtree"]["scans"], 3);
    assert_eq!(row("口前镇检查站")["subtree"]["turned_back"], 1);
    assert_eq!(row("口前镇高速路口卡点")["own"]["assisted"], 1);
    assert_eq!(row("岔路河镇检查站")["subtree"]["scans"], 0);
    let d = huiji_domain::time::today_cst(yesterday);
    let (_, rows) = t
        .call(
            "GET",
            &format!(
                "/api/v1/sites/{root}/stats?date={:04}-{:02}-{:02}",
                d.year, d.month, d.day
            ),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(rows[0]["subtree"]["scans"], 1);
    let (s, e) = t
        .call(
            "GET",
            &format!("/api/v1/sites/{root}/stats?date=2026-13-01"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("DateInvalid"))
    );
    // A scanner does not see counts; a secretary of a union neither.
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/sites/{root}/stats"),
            Some(&scanner),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn assisted_registration_is_idempotent_and_confirmed_by_sms_later(t: &TestApp) {
    let scanner = t.login(SCANNER).await;
    let site = demo_id("口前镇检查站");
    let idn = demo_id_number_in("220221", 40);
    let id = Uuid::now_v7();
    let req = json!({"id": id, "site_id": site, "phone": "13655556666", "name": "孙悟净", "id_number": idn,
                     "temperature_tenths": 366, "remark": "无智能手机", "recorded_at": t.state.now()});
    let (s, r) = t
        .call(
            "POST",
            "/api/v1/checkpoint/assisted",
            Some(&scanner),
            Some(req.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["verified"], false);
    assert_eq!(r["duplicate"], false);
    assert_eq!(r["name_masked"], "孙**");
    let (s, r) = t
        .call(
            "POST",
            "/api/v1/checkpoint/assisted",
            Some(&scanner),
            Some(req),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["duplicate"], true);
    assert_eq!(t.count("assisted_registrations").await, 1);
    // The person was sent a code; logging in with it confirms the phone.
    let code: String = {
        use sqlx::Row;
        let _ = sqlx::query("SELECT 1")
            .fetch_one(&t.state.db.pool)
            .await
            .unwrap()
            .try_get::<i64, _>(0);
        // Codes are stored hashed: ask for a fresh one a minute later, as the person would.
        t.clock.advance_ms(61_000);
        let (_, v) = t
            .call(
                "POST",
                "/api/v1/auth/sms/send",
                None,
                Some(json!({"phone": "13655556666"})),
            )
            .await;
        v["dev_code"].as_str().unwrap().to_owned()
    };
    let (s, login) = t
        .call(
            "POST",
            "/api/v1/auth/sms/login",
            None,
            Some(json!({"phone": "13655556666", "code": code})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    assert_eq!(
        login["account"]["needs_profile"], false,
        "name and ID came from the checkpoint"
    );
    let (_, again) = t
        .call("POST", "/api/v1/checkpoint/assisted", Some(&scanner), Some(json!({"id": id, "site_id": site, "phone": "13655556666", "name": "孙悟净", "id_number": idn, "recorded_at": 0})))
        .await;
    assert_eq!(again["verified"], true);
    // With the code at the checkpoint: verified at once; a wrong code is refused.
    let (_, sms) = t
        .call(
            "POST",
            "/api/v1/auth/sms/send",
            None,
            Some(json!({"phone": "13677778888", "purpose": "verify"})),
        )
        .await;
    let idn2 = demo_id_number_in("220221", 41);
    let mk = |code: &str| json!({"id": Uuid::now_v7(), "site_id": site, "phone": "13677778888", "name": "沙和尚", "id_number": idn2, "sms_code": code, "recorded_at": 0});
    let (s, e) = t
        .call(
            "POST",
            "/api/v1/checkpoint/assisted",
            Some(&scanner),
            Some(mk("000000")),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, r) = t
        .call(
            "POST",
            "/api/v1/checkpoint/assisted",
            Some(&scanner),
            Some(mk(sms["dev_code"].as_str().unwrap())),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["verified"], true);
    // The same ID number with another phone is a conflict, named.
    let (s, e) = t
        .call("POST", "/api/v1/checkpoint/assisted", Some(&scanner), Some(json!({"id": Uuid::now_v7(), "site_id": site, "phone": "13699990000", "name": "沙和尚", "id_number": idn2, "recorded_at": 0})))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::OK, None),
        "a new phone for a known ID number joins that account: {e}"
    );
    // Bad input: named, nothing written.
    let before = t.count("assisted_registrations").await;
    for (body, code) in [
        (
            json!({"id": Uuid::now_v7(), "site_id": site, "phone": "123", "name": "沙和尚", "id_number": idn2, "recorded_at": 0}),
            "PhoneLength",
        ),
        (
            json!({"id": Uuid::now_v7(), "site_id": site, "phone": "13699990001", "name": "沙和尚", "id_number": "220221199001011234", "recorded_at": 0}),
            "IdNumberCheckChar",
        ),
        (
            json!({"id": Uuid::now_v7(), "site_id": site, "phone": "13699990001", "name": "沙和尚", "id_number": idn2, "temperature_tenths": 460, "recorded_at": 0}),
            "TemperatureOutOfRange",
        ),
    ] {
        let (s, e) = t
            .call(
                "POST",
                "/api/v1/checkpoint/assisted",
                Some(&scanner),
                Some(body),
            )
            .await;
        assert_eq!(
            (s, e["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{e}"
        );
    }
    assert_eq!(t.count("assisted_registrations").await, before);
    // Only staff of the site register people there.
    let other = t.login("13900000001").await;
    let (s, _) = t
        .call("POST", "/api/v1/checkpoint/assisted", Some(&other), Some(json!({"id": Uuid::now_v7(), "site_id": site, "phone": "13699990002", "name": "沙和尚", "id_number": idn2, "recorded_at": 0})))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn risk_regions_are_kept_by_the_authority_and_public_to_scanners(t: &TestApp) {
    let authority = t.login(AUTHORITY).await;
    let scanner = t.login(SCANNER).await;
    let op = |code: &str| {
        json!({"device_id": Uuid::now_v7(), "ops": [{"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "risk_region",
               "node_id": demo_id("永吉县"), "body": {"code": code, "name": "某地"}, "made_at": 0}]})
    };
    let (_, v) = push(t, &authority, op("440300")).await;
    assert_eq!(v["results"][0]["status"], "applied", "{v}");
    let (_, v) = push(t, &authority, op("44030")).await;
    assert_eq!(v["results"][0]["code"], "RegionCodeInvalid", "{v}");
    let (_, v) = push(t, &scanner, op("440300")).await;
    assert_eq!(v["results"][0]["code"], "Forbidden", "{v}");
    let recs = pull_all(t, &scanner).await;
    let codes: Vec<&str> = recs
        .iter()
        .filter(|r| r["kind"] == "risk_region")
        .map(|r| r["body"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 3, "{codes:?}");
    assert!(codes.contains(&"440300"));
    // Trust data names no one.
    for r in recs
        .iter()
        .filter(|r| ["trust_key", "revocation"].contains(&r["kind"].as_str().unwrap()))
    {
        assert!(r["owner_id"].is_null());
    }
}

fn ticket_scan(
    site: Uuid,
    ticket: Uuid,
    event: Uuid,
    direction: &str,
    at: i64,
    device: Uuid,
) -> Value {
    json!({
        "op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "scan", "node_id": site,
        "body": {"subject": "欧阳**", "verdict": "credential.valid", "admitted": true, "credential_kind": "event_ticket",
                 "event_id": event, "ticket_id": ticket, "direction": direction, "scanned_at": at, "device_id": device},
        "made_at": at,
    })
}

async fn members_get_event_tickets_and_double_admissions_are_flagged_for_the_secretary(
    t: &TestApp,
) {
    let event = demo_id("event:annual-2026");
    let member = t.login("13800000001").await;
    let (s, tk) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/ticket"),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{tk}");
    let text = tk["text"].as_str().unwrap();
    let scanner = t.login(SCANNER).await;
    let trust = trust_data(t, &scanner).await;
    let at_event = |e: Uuid| {
        credential::verify(
            text,
            now_s(t),
            &trust.0,
            &trust.1,
            Expect {
                kinds: &[CredentialKind::EventTicket],
                event: Some(e),
            },
        )
    };
    let v = at_event(event);
    assert_eq!(v.reason, Reason::Valid, "{v:?}");
    assert_eq!(at_event(Uuid::now_v7()).reason, Reason::WrongEvent);
    // The same person gets the same ticket id whenever it is issued again.
    let (_, again) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/ticket"),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(again["ticket_id"], tk["ticket_id"]);
    // Not this union's event: no ticket.
    let other = t.login("13900000002").await;
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/ticket"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Two scanners, both offline, admit the ticket; a third ticket goes in and out.
    let ticket: Uuid = tk["ticket_id"].as_str().unwrap().parse().unwrap();
    let (dev_a, dev_b) = (Uuid::now_v7(), Uuid::now_v7());
    let site = demo_id("口前镇检查站");
    let gate = demo_id("口前镇高速路口卡点");
    let now = t.state.now();
    let other_ticket = Uuid::now_v7();
    let ops = vec![
        ticket_scan(site, ticket, event, "in", now - 60_000, dev_a),
        ticket_scan(gate, ticket, event, "in", now - 30_000, dev_b),
        ticket_scan(site, other_ticket, event, "in", now - 50_000, dev_a),
        ticket_scan(site, other_ticket, event, "out", now - 40_000, dev_a),
    ];
    let (_, v) = push(t, &scanner, json!({"device_id": dev_a, "ops": ops})).await;
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "applied"),
        "{v}"
    );
    let secretary = t.login("13900000001").await;
    let (s, a) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/attendance"),
            Some(&secretary),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["checked_in"], 2);
    assert_eq!(a["inside"], 1);
    assert_eq!(a["admitted_scans"], 4);
    let conflicts = a["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{a}");
    assert_eq!(conflicts[0]["ticket_id"], ticket.to_string());
    assert_eq!(conflicts[0]["flagged_site"], "口前镇高速路口卡点");
    assert_eq!(conflicts[0]["earlier_site"], "口前镇检查站");
    assert_eq!(conflicts[0]["reason"], "该票已签到入场，不能重复使用");
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/attendance"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/events/{}/attendance", Uuid::now_v7()),
            Some(&secretary),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
