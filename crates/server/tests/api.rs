//! The server API suite. Every test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use huiji_server::demo::{demo_credit_code, demo_id, demo_id_number, DEMO_PASSWORD};
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    health_openapi_and_metrics_are_served,
    openapi_declares_auth_on_every_non_public_endpoint,
    sms_login_registers_and_first_login_asks_for_real_name_and_id,
    sms_codes_expire_allow_five_tries_and_are_rate_limited,
    ten_failed_logins_lock_the_account_for_fifteen_minutes,
    organisations_log_in_with_credit_code_and_pending_ones_are_told_so,
    tokens_can_be_revoked_and_expire,
    bad_input_gets_a_4xx_with_a_stable_code_and_writes_nothing,
    a_member_cannot_read_another_units_members,
    a_secretary_cannot_act_on_a_sibling_unit,
    push_applies_replays_as_duplicates_and_reports_conflicts,
    pull_pages_cover_everything_visible_exactly_once,
    demo_data_loads_idempotently,
    no_client_input_gets_a_5xx,
    concurrent_pushes_apply_each_op_once,
);

const NJMU: &str = "南京医科大学工会";
const NJU: &str = "南京大学工会";

fn node(name: &str) -> String {
    demo_id(name).to_string()
}

async fn health_openapi_and_metrics_are_served(t: &TestApp) {
    let (s, v) = t.call("GET", "/healthz", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    let (s, v) = t.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/auth/sms/login",
        "/api/v1/nodes/{id}/members",
    ] {
        assert!(v["paths"].get(p).is_some(), "missing {p}");
    }
    let resp = t
        .raw(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(resp.0, StatusCode::OK);
    assert!(
        resp.1
            .as_str()
            .unwrap()
            .contains("huiji_http_requests_total"),
        "{}",
        resp.1
    );
}

async fn openapi_declares_auth_on_every_non_public_endpoint(t: &TestApp) {
    let (_, v) = t.call("GET", "/api/v1/openapi.json", None, None).await;
    let public = [
        "/api/v1/auth/sms/send",
        "/api/v1/auth/sms/login",
        "/api/v1/auth/password/login",
        "/api/v1/auth/org/login",
        "/api/v1/org-registrations",
        "/api/v1/org-registrations/status",
        "/api/v1/org-registrations/associations",
        "/api/v1/institutions",
        "/api/v1/institutions/login",
        "/api/v1/institutions/bind",
        "/api/v1/institutions/unbind",
        // The payment provider's callback: trusted by its signature, not a login.
        "/api/v1/payments/notify/{provider}",
        // A shared business card: anyone with the link.
        "/api/v1/public/cards/{token}",
    ];
    for (path, item) in v["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let desc = op["description"].as_str().unwrap_or("");
            assert!(
                desc.starts_with("Role:"),
                "{method} {path} does not declare its role"
            );
            if public.contains(&path.as_str()) {
                continue;
            }
            assert!(
                op.get("security").is_some(),
                "{method} {path} has no security"
            );
            // And the endpoint really refuses an anonymous caller.
            let uri = path.replace("{id}", &node(NJMU));
            let (s, body) = t
                .call(&method.to_uppercase(), &uri, None, Some(json!({})))
                .await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        }
    }
}

async fn sms_login_registers_and_first_login_asks_for_real_name_and_id(t: &TestApp) {
    let phone = "13712345678";
    let code = t.send_code(phone).await;
    let (s, v) = t.sms_login(phone, &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["account"]["needs_profile"], true);
    assert_eq!(v["account"]["phone_masked"], "137****5678");
    let token = v["token"].as_str().unwrap().to_owned();

    // A wrong check character is refused with its own code.
    let good = demo_id_number(4242);
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '1' { '2' } else { '1' });
    let (s, v) = t
        .call(
            "PUT",
            "/api/v1/me/profile",
            Some(&token),
            Some(json!({"real_name": "张靖", "id_number": bad})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "IdNumberCheckChar"),
        "{v}"
    );
    let (s, v) = t
        .call(
            "PUT",
            "/api/v1/me/profile",
            Some(&token),
            Some(json!({"real_name": "张", "id_number": good})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    let (s, v) = t
        .call(
            "PUT",
            "/api/v1/me/profile",
            Some(&token),
            Some(json!({"real_name": "张靖", "id_number": good})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["needs_profile"], false);
    let masked = v["id_number_masked"].as_str().unwrap();
    assert_eq!(masked, format!("{}**********{}", &good[..4], &good[14..]));
    // Nowhere in the answer is the full number.
    assert!(!v.to_string().contains(&good));

    // Someone else cannot claim the same ID number.
    let code = t.send_code("13712345679").await;
    let (_, v) = t.sms_login("13712345679", &code).await;
    let other = v["token"].as_str().unwrap().to_owned();
    let (s, v) = t
        .call(
            "PUT",
            "/api/v1/me/profile",
            Some(&other),
            Some(json!({"real_name": "李四", "id_number": good})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::CONFLICT, "IdNumberTaken")
    );

    // The same phone logs in to the same account next time.
    t.clock.advance_ms(61_000);
    let code = t.send_code(phone).await;
    let (_, v) = t.sms_login(phone, &code).await;
    assert_eq!(v["account"]["needs_profile"], false);
    assert_eq!(v["account"]["real_name"], "张靖");
}

async fn sms_codes_expire_allow_five_tries_and_are_rate_limited(t: &TestApp) {
    let phone = "15000000001";
    let code = t.send_code(phone).await;
    // A second code within the minute is refused.
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/auth/sms/send",
            None,
            Some(json!({"phone": phone})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::TOO_MANY_REQUESTS, "SmsTooFrequent")
    );
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (s, v) = t.sms_login(phone, wrong).await;
        assert_eq!(
            (s, v["code"].as_str().unwrap()),
            (StatusCode::UNAUTHORIZED, "SmsCodeWrong")
        );
    }
    // Even the right code is refused after five wrong tries.
    let (s, v) = t.sms_login(phone, &code).await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "SmsCodeTooManyAttempts")
    );

    // A code older than five minutes is refused.
    t.clock.advance_ms(61_000);
    let code = t.send_code(phone).await;
    t.clock.advance_ms(5 * 60_000 + 1);
    let (s, v) = t.sms_login(phone, &code).await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "SmsCodeExpired")
    );

    // Ten a day.
    for _ in 0..8 {
        t.clock.advance_ms(61_000);
        t.send_code(phone).await;
    }
    t.clock.advance_ms(61_000);
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/auth/sms/send",
            None,
            Some(json!({"phone": phone})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::TOO_MANY_REQUESTS, "SmsDailyLimit")
    );
    t.clock.advance_ms(24 * 3600 * 1000);
    t.send_code(phone).await;

    // A bad phone never reaches the provider.
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/auth/sms/send",
            None,
            Some(json!({"phone": "1234"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["code"].as_str().unwrap().starts_with("Phone"), "{v}");
}

async fn ten_failed_logins_lock_the_account_for_fifteen_minutes(t: &TestApp) {
    let phone = "13900000002";
    for i in 0..10 {
        let (s, v) = t
            .call(
                "POST",
                "/api/v1/auth/password/login",
                None,
                Some(json!({"phone": phone, "password": "wrong-password1"})),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str().unwrap()),
            (StatusCode::UNAUTHORIZED, "LoginFailed"),
            "try {i}"
        );
    }
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/auth/password/login",
            None,
            Some(json!({"phone": phone, "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::LOCKED, "AccountLocked"),
        "{v}"
    );
    t.clock.advance_ms(15 * 60_000 + 1000);
    t.login(phone).await;
    // A success resets the count: nine more failures do not lock.
    for _ in 0..9 {
        t.call(
            "POST",
            "/api/v1/auth/password/login",
            None,
            Some(json!({"phone": phone, "password": "wrong-password1"})),
        )
        .await;
    }
    t.login(phone).await;
}

async fn organisations_log_in_with_credit_code_and_pending_ones_are_told_so(t: &TestApp) {
    let (s, v) = t.org_login(&demo_credit_code(0)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["account"]["kind"], "organisation");
    assert_eq!(v["account"]["org_name"], "江苏测试网络科技有限公司");
    let (s, v) = t.org_login(&demo_credit_code(2)).await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::FORBIDDEN, "AccountPendingReview")
    );
    let mut bad = demo_credit_code(0);
    bad.replace_range(17..18, if bad.ends_with('0') { "1" } else { "0" });
    let (s, v) = t.org_login(&bad).await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "CreditCodeCheckChar")
    );
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/auth/org/login",
            None,
            Some(json!({"credit_code": demo_credit_code(1), "password": "Wrong12345"})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::UNAUTHORIZED, "LoginFailed")
    );
}

async fn tokens_can_be_revoked_and_expire(t: &TestApp) {
    let a = t.login("13900000001").await;
    let b = t.login("13900000001").await;
    assert_eq!(
        t.call("GET", "/api/v1/me", Some(&a), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        t.call("POST", "/api/v1/auth/logout", Some(&a), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.call("GET", "/api/v1/me", Some(&a), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.call("GET", "/api/v1/me", Some(&b), None).await.0,
        StatusCode::OK
    );
    let c = t.login("13900000001").await;
    assert_eq!(
        t.call("POST", "/api/v1/auth/logout-all", Some(&c), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.call("GET", "/api/v1/me", Some(&b), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.call("GET", "/api/v1/me", Some(&c), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Expiry (tests run with a 24 h lifetime).
    let d = t.login("13900000001").await;
    t.clock.advance_ms(24 * 3600 * 1000 + 1);
    let (s, v) = t.call("GET", "/api/v1/me", Some(&d), None).await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::UNAUTHORIZED, "Unauthorized")
    );
    // Garbage and foreign tokens.
    assert_eq!(
        t.call("GET", "/api/v1/me", Some("hj_deadbeef"), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let forged = format!("hj_{}", "ab".repeat(32));
    assert_eq!(
        t.call("GET", "/api/v1/me", Some(&forged), None).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn bad_input_gets_a_4xx_with_a_stable_code_and_writes_nothing(t: &TestApp) {
    let token = t.login("13900000001").await;
    let before = (
        t.count("records").await,
        t.count("applied_ops").await,
        t.count("accounts").await,
    );
    let push = |body: Body| {
        Request::post("/api/v1/sync/push")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(body)
            .unwrap()
    };
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            push(Body::from("{\"device_id\": ")),
            StatusCode::BAD_REQUEST,
            "MalformedJson",
        ),
        (
            push(Body::from("{\"device_id\": 5, \"ops\": []}")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidField",
        ),
        (
            push(Body::from(
                json!({"device_id": Uuid::now_v7(), "ops": [], "extra": 1}).to_string(),
            )),
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidField",
        ),
        (
            push(Body::from(json!({"device_id": Uuid::now_v7()}).to_string())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidField",
        ),
        (
            push(Body::from(format!(
                "{{\"device_id\": \"{}\", \"ops\": [], \"pad\": \"{}\"}}",
                Uuid::now_v7(),
                "x".repeat(9 * 1024 * 1024)
            ))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
        ),
        (
            Request::post("/api/v1/auth/password/login")
                .header("content-type", "application/json")
                .body(Body::from(format!(
                    "{{\"phone\":\"{}\"}}",
                    "1".repeat(1024 * 1024 + 10)
                )))
                .unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
        ),
        (
            Request::post("/api/v1/auth/password/login")
                .body(Body::from("{}"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
        ),
        (
            Request::get("/api/v1/nope").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            Request::delete("/api/v1/me")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
        ),
        (
            Request::get("/api/v1/nodes/not-a-uuid/members")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "InvalidPath",
        ),
        (
            Request::get("/api/v1/sync/pull?cursor=abc")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
        ),
        (
            Request::get("/api/v1/sync/pull?cursor=-1")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "InvalidCursor",
        ),
        (
            Request::get(format!("/api/v1/nodes/{}/members", Uuid::now_v7()))
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
    ];
    for (req, status, code) in cases {
        let uri = req.uri().to_string();
        let (s, v) = t.raw(req).await;
        assert_eq!(
            (s, v["code"].as_str().unwrap_or("")),
            (status, code),
            "{uri}: {v}"
        );
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{uri}: {v}"
        );
    }
    // Too many ops in one batch.
    let op = json!({"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "notice", "node_id": node(NJMU), "body": {"title": "t", "content": ""}, "made_at": 0});
    let ops: Vec<Value> = (0..1001).map(|_| op.clone()).collect();
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/sync/push",
            Some(&token),
            Some(json!({"device_id": Uuid::now_v7(), "ops": ops})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "TooManyOps")
    );
    // Invalid bodies inside a valid batch are rejected one by one, nothing stored.
    let bad_ops = vec![
        json!({"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "member", "node_id": node(NJMU), "body": {"name": "张"}, "made_at": 0}),
        json!({"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "member", "node_id": node(NJMU), "body": {"name": "张靖", "credit_code": "91320000134757617B"}, "made_at": 0}),
        json!({"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "member", "node_id": Uuid::now_v7(), "body": {"name": "张靖"}, "made_at": 0}),
    ];
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/sync/push",
            Some(&token),
            Some(json!({"device_id": Uuid::now_v7(), "ops": bad_ops})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["NameTooShort", "CreditCodeCheckChar", "UnknownNode"]
    );
    let after = (
        t.count("records").await,
        t.count("applied_ops").await,
        t.count("accounts").await,
    );
    assert_eq!(before, after);
}

async fn a_member_cannot_read_another_units_members(t: &TestApp) {
    let member = t.login("13800000001").await; // 欧阳娜娜, member of NJMU
    for unit in [NJMU, NJU] {
        let (s, v) = t
            .call(
                "GET",
                &format!("/api/v1/nodes/{}/members", node(unit)),
                Some(&member),
                None,
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str().unwrap()),
            (StatusCode::FORBIDDEN, "Forbidden"),
            "{unit}"
        );
    }
    // Pull gives the member the tree, the notice for the province and their own entry only.
    let (_, v) = t
        .call(
            "GET",
            "/api/v1/sync/pull?cursor=0&limit=5000",
            Some(&member),
            None,
        )
        .await;
    let records = v["records"].as_array().unwrap();
    let members: Vec<&Value> = records.iter().filter(|r| r["kind"] == "member").collect();
    assert_eq!(members.len(), 1, "{members:?}");
    assert_eq!(members[0]["body"]["name"], "欧阳娜娜");
    assert!(records.iter().any(|r| r["kind"] == "notice"));
    assert!(records.iter().filter(|r| r["kind"] == "org_node").count() >= 18);
}

async fn a_secretary_cannot_act_on_a_sibling_unit(t: &TestApp) {
    let sec = t.login("13900000001").await; // NJMU secretary
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/nodes/{}/members?page_size=500", node(NJMU)),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 62);
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["phone_masked"].as_str().unwrap().contains("****")));
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/nodes/{}/members", node(NJU)),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/nodes/{}/members", node("江苏省教科工会委员会")),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The industry union's reviewer sees both units.
    let rev = t.login("13900000003").await;
    let (s, v) = t
        .call(
            "GET",
            &format!(
                "/api/v1/nodes/{}/members?q=王",
                node("江苏省教科工会委员会")
            ),
            Some(&rev),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["name"].as_str().unwrap().contains('王')));
    // A push into the sibling unit is refused and stores nothing.
    let op = json!({"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "member", "node_id": node(NJU), "body": {"name": "王小明"}, "made_at": 0});
    let before = t.count("records").await;
    let (_, v) = t
        .call(
            "POST",
            "/api/v1/sync/push",
            Some(&sec),
            Some(json!({"device_id": Uuid::now_v7(), "ops": [op]})),
        )
        .await;
    assert_eq!(v["results"][0]["status"], "rejected");
    assert_eq!(v["results"][0]["code"], "Forbidden");
    assert_eq!(t.count("records").await, before);
    // Nor does the secretary's pull include the sibling's roster.
    let (_, v) = t
        .call(
            "GET",
            "/api/v1/sync/pull?cursor=0&limit=5000",
            Some(&sec),
            None,
        )
        .await;
    let nju = node(NJU);
    assert!(v["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "member")
        .all(|r| r["node_id"] != nju.as_str()));
    // A scanner cannot push a member.
    let scanner = t.login("13900000005").await;
    let op = json!({"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "member", "node_id": node(NJMU), "body": {"name": "王小明"}, "made_at": 0});
    let (_, v) = t
        .call(
            "POST",
            "/api/v1/sync/push",
            Some(&scanner),
            Some(json!({"device_id": Uuid::now_v7(), "ops": [op]})),
        )
        .await;
    assert_eq!(v["results"][0]["code"], "Forbidden");
}

async fn push_applies_replays_as_duplicates_and_reports_conflicts(t: &TestApp) {
    let sec = t.login("13900000001").await;
    let rec = Uuid::now_v7();
    let create = json!({"op_id": Uuid::now_v7(), "record_id": rec, "kind": "member", "node_id": node(NJMU), "body": {"name": "张靖", "phone_masked": "138****9776"}, "made_at": 1});
    let batch = json!({"device_id": Uuid::now_v7(), "ops": [create]});
    let (_, first) = t
        .call("POST", "/api/v1/sync/push", Some(&sec), Some(batch.clone()))
        .await;
    assert_eq!(first["results"][0]["status"], "applied");
    assert_eq!(first["results"][0]["version"], 1);
    let seq = first["results"][0]["seq"].as_i64().unwrap();
    let records = t.count("records").await;
    let (_, again) = t
        .call("POST", "/api/v1/sync/push", Some(&sec), Some(batch))
        .await;
    assert_eq!(again["results"][0]["status"], "duplicate");
    assert_eq!(again["results"][0]["seq"].as_i64().unwrap(), seq);
    assert_eq!(t.count("records").await, records);

    let edit = |base: i64, name: &str| json!({"op_id": Uuid::now_v7(), "record_id": rec, "kind": "member", "node_id": node(NJMU), "base_version": base, "body": {"name": name}, "made_at": 2});
    let (_, v) = t
        .call(
            "POST",
            "/api/v1/sync/push",
            Some(&sec),
            Some(json!({"device_id": Uuid::now_v7(), "ops": [edit(1, "张晶")]})),
        )
        .await;
    assert_eq!(v["results"][0]["status"], "applied");
    assert_eq!(v["results"][0]["version"], 2);
    // Another device still on version 1.
    let (_, v) = t
        .call(
            "POST",
            "/api/v1/sync/push",
            Some(&sec),
            Some(json!({"device_id": Uuid::now_v7(), "ops": [edit(1, "张京")]})),
        )
        .await;
    let r = &v["results"][0];
    assert_eq!(r["status"], "conflict", "{r}");
    assert_eq!(r["code"], "Conflict");
    assert_eq!(r["current"]["version"], 2);
    assert_eq!(r["current"]["body"]["name"], "张晶");
    // Two edits of one record in one batch chain their versions.
    let (_, v) = t
        .call(
            "POST",
            "/api/v1/sync/push",
            Some(&sec),
            Some(json!({"device_id": Uuid::now_v7(), "ops": [edit(2, "张一"), edit(3, "张二")]})),
        )
        .await;
    assert_eq!(v["results"][0]["version"], 3);
    assert_eq!(v["results"][1]["version"], 4);
    let (_, v) = t
        .call(
            "GET",
            &format!("/api/v1/nodes/{}/members?q=张二", node(NJMU)),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(v["total"], 1);
}

async fn pull_pages_cover_everything_visible_exactly_once(t: &TestApp) {
    let admin = t.login("13900000000").await;
    // Requests and inbox entries reach only the people they name, not even an admin
    // (the demo names no admin in any).
    let total = t
        .count("records WHERE kind NOT IN ('request', 'notification')")
        .await;
    let mut cursor = 0;
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0;
    loop {
        let (s, v) = t
            .call(
                "GET",
                &format!("/api/v1/sync/pull?cursor={cursor}&limit=50"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        for r in v["records"].as_array().unwrap() {
            assert!(
                seen.insert(r["id"].as_str().unwrap().to_owned()),
                "row twice"
            );
            assert!(r["seq"].as_i64().unwrap() > cursor);
        }
        cursor = v["next_cursor"].as_i64().unwrap();
        pages += 1;
        if !v["has_more"].as_bool().unwrap() {
            break;
        }
        assert!(pages < 100);
    }
    assert_eq!(seen.len() as i64, total);
    assert!(pages >= (total / 50) as usize);
    // Nothing new: an empty page at the same cursor.
    let (_, v) = t
        .call(
            "GET",
            &format!("/api/v1/sync/pull?cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(v["records"].as_array().unwrap().len(), 0);
    assert_eq!(v["next_cursor"].as_i64().unwrap(), cursor);
    // A scanner's cursor still moves to the end though it sees few rows.
    let scanner = t.login("13900000005").await;
    let (_, v) = t
        .call(
            "GET",
            "/api/v1/sync/pull?cursor=0&limit=5000",
            Some(&scanner),
            None,
        )
        .await;
    assert_eq!(v["next_cursor"].as_i64().unwrap(), cursor);
    assert!(v["records"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["kind"] != "member"));
}

async fn demo_data_loads_idempotently(t: &TestApp) {
    let before = (
        t.count("records").await,
        t.count("accounts").await,
        t.count("grants").await,
    );
    huiji_server::demo::load(&t.state).await.unwrap();
    let after = (
        t.count("records").await,
        t.count("accounts").await,
        t.count("grants").await,
    );
    assert_eq!(before, after);
    assert!(before.0 > 300 && before.1 >= 14);
}

/// Garbage of every shape at every endpoint, signed in or not: always a 4xx (or a 2xx
/// where the garbage happens to be acceptable), never a 5xx.
async fn no_client_input_gets_a_5xx(t: &TestApp) {
    let token = t.login("13900000001").await;
    let (_, doc) = t.call("GET", "/api/v1/openapi.json", None, None).await;
    let bodies = [
        "", "null", "[]", "{}", "\"x\"", "{\"phone\": null}", "{\"phone\": \"\u{0000}\"}", "{{{{", "{\"ops\": [{}]}",
        "{\"device_id\": \"00000000-0000-0000-0000-000000000000\", \"ops\": [{\"op_id\": \"00000000-0000-0000-0000-000000000000\", \"record_id\": \"00000000-0000-0000-0000-000000000000\", \"kind\": \"scan\", \"node_id\": \"00000000-0000-0000-0000-000000000000\", \"body\": [], \"made_at\": -1}]}",
        "{\"phone\": \"13800000000\", \"code\": \"' OR 1=1 --\", \"password\": \"x\"}",
        "{\"credit_code\": \"%%%%%%%%%%%%%%%%%%\", \"password\": \"\"}",
        "{\"real_name\": \"😀😀\", \"id_number\": \"99999999999999999999999\"}",
    ];
    let ids = ["00000000-0000-0000-0000-000000000000", "%2e%2e", "x"];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            for id in ids {
                let uri = format!(
                    "{}?cursor=9999999999999999999&limit=0&page=0&page_size=99999&q=%25",
                    path.replace("{id}", id)
                );
                for body in bodies {
                    for auth in [None, Some(token.as_str())] {
                        let mut b = Request::builder()
                            .method(method.to_uppercase().as_str())
                            .uri(&uri)
                            .header("content-type", "application/json");
                        if let Some(a) = auth {
                            b = b.header("authorization", format!("Bearer {a}"));
                        }
                        let (s, v) = t.raw(b.body(Body::from(body)).unwrap()).await;
                        assert!(s.as_u16() < 500, "{method} {uri} {body}: {s} {v}");
                    }
                }
            }
        }
    }
}

/// The HTTP SMS provider posts the code to the configured gateway.
#[tokio::test]
async fn http_sms_provider_posts_to_the_gateway() {
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = got.clone();
    let gateway = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(v);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, gateway).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let mut config = huiji_server::config::Config::for_tests(dir.path().to_path_buf(), None);
    config.dev = false;
    config.sms_http_url = Some(format!("http://{addr}/sms"));
    let state = huiji_server::app::build_state_default(config)
        .await
        .unwrap();
    let router = huiji_server::app::router(state);
    use tower::ServiceExt;
    let resp = router
        .oneshot(
            Request::post("/api/v1/auth/sms/send")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"phone":"+86 138-1411-9776"}"#))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        v.get("dev_code").is_none(),
        "outside --dev the code is never returned: {v}"
    );
    let sent = got.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["phone"], "13814119776");
    let msg = sent[0]["message"].as_str().unwrap();
    let code: String = msg
        .split("验证码是")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(code.len(), 6, "{msg}");
}

/// The same batch sent eight times at once (a client retrying on a slow network), and
/// eight devices editing one record on the same version at once: each op lands once,
/// every other answer is a duplicate or a conflict, never an error.
async fn concurrent_pushes_apply_each_op_once(t: &TestApp) {
    let sec = t.login("13900000001").await;
    let ops: Vec<Value> = (0..50)
        .map(|i| json!({"op_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": "member", "node_id": node(NJMU), "body": {"name": format!("并发{}", ["甲", "乙"][i % 2])}, "made_at": 0}))
        .collect();
    let batch = json!({"device_id": Uuid::now_v7(), "ops": ops});
    let before = t.count("records").await;
    let calls =
        (0..8).map(|_| t.call("POST", "/api/v1/sync/push", Some(&sec), Some(batch.clone())));
    let answers = common::join_all(calls).await;
    let mut applied = 0;
    for (s, v) in &answers {
        assert_eq!(*s, StatusCode::OK, "{v}");
        for r in v["results"].as_array().unwrap() {
            match r["status"].as_str().unwrap() {
                "applied" => applied += 1,
                "duplicate" => {}
                other => panic!("unexpected {other}: {r}"),
            }
        }
    }
    assert_eq!(applied, 50);
    assert_eq!(t.count("records").await, before + 50);

    let rec = Uuid::now_v7();
    let (_, v) = t.call("POST", "/api/v1/sync/push", Some(&sec), Some(json!({"device_id": Uuid::now_v7(), "ops": [{"op_id": Uuid::now_v7(), "record_id": rec, "kind": "member", "node_id": node(NJMU), "body": {"name": "张靖"}, "made_at": 0}]}))).await;
    assert_eq!(v["results"][0]["status"], "applied");
    let edits = (0..8).map(|i| {
        let body = json!({"device_id": Uuid::now_v7(), "ops": [{"op_id": Uuid::now_v7(), "record_id": rec, "kind": "member", "node_id": node(NJMU), "base_version": 1, "body": {"name": format!("张靖{}", ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"][i])}, "made_at": 0}]});
        t.call("POST", "/api/v1/sync/push", Some(&sec), Some(body))
    });
    let answers = common::join_all(edits).await;
    let statuses: Vec<String> = answers
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, StatusCode::OK, "{v}");
            v["results"][0]["status"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "applied").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "conflict").count(),
        7,
        "{statuses:?}"
    );
}
