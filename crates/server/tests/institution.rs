//! Institution accounts over HTTP (issue 5 §2, seed 003): 在校师生 log in with 工号/学号
//! and password, bind a phone of their own, unbind and bind a new number. Every test
//! runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use huiji_server::demo::{demo_id, identity_password, HAN_XUE_PHONE, IDENTITIES};
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    institutions_offering_the_login_are_listed,
    an_unbound_student_binds_a_new_phone_and_becomes_a_member,
    a_bound_number_logs_straight_in,
    wrong_password_unknown_and_retired_numbers_are_refused,
    ten_wrong_passwords_lock_the_number,
    binding_conflicts_are_refused_with_their_codes,
    an_existing_account_binds_its_own_number,
    unbind_then_bind_the_new_number_after_going_on_to_graduate_study,
    a_signed_in_person_unbinds_their_own_number,
    tickets_expire_after_ten_minutes_and_serve_once,
    no_5xx_on_the_institution_endpoints,
);

const XAU: &str = "西安文理学院";
const QIAN: &str = "13900000010"; // 钱文静, 工号 20080123 bound
const ZHENG: &str = "13900000009"; // 郑海峰, 工号 20120456 unbound

fn xau() -> String {
    demo_id(XAU).to_string()
}

/// The demo password of a number (the last 8 characters of the person's ID number).
fn password_of(number: &str) -> String {
    let (_, _, _, owner, _, _) = IDENTITIES.iter().find(|i| i.0 == number).unwrap();
    identity_password(*owner)
}

async fn login(t: &TestApp, number: &str, password: &str) -> (StatusCode, Value) {
    t.call(
        "POST",
        "/api/v1/institutions/login",
        None,
        Some(json!({"institution_id": xau(), "number": number, "password": password})),
    )
    .await
}

/// Logs in an unbound number; returns the ticket.
async fn ticket(t: &TestApp, number: &str) -> String {
    let (s, v) = login(t, number, &password_of(number)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["needs_binding"], true, "{v}");
    assert!(v.get("token").is_none(), "{v}");
    v["ticket"].as_str().unwrap().to_owned()
}

async fn bind(t: &TestApp, ticket: &str, phone: &str, code: &str) -> (StatusCode, Value) {
    t.call(
        "POST",
        "/api/v1/institutions/bind",
        None,
        Some(json!({"ticket": ticket, "phone": phone, "sms_code": code})),
    )
    .await
}

/// `POST /institutions/unbind`, signed in or not.
async fn unbind(t: &TestApp, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    t.call("POST", "/api/v1/institutions/unbind", token, Some(body))
        .await
}

/// Binds with a fresh code; returns the login answer.
async fn bind_ok(t: &TestApp, ticket: &str, phone: &str) -> Value {
    let code = t.send_code(phone).await;
    let (s, v) = bind(t, ticket, phone, &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// Binding with a fresh code is refused with `want`.
async fn refused(t: &TestApp, ticket: &str, phone: &str, want: (StatusCode, &str)) -> Value {
    let code = t.send_code(phone).await;
    let (s, v) = bind(t, ticket, phone, &code).await;
    assert_eq!((s, v["code"].as_str().unwrap_or("")), want, "{v}");
    v
}

/// The roles of an account's grants.
fn roles_of(account: &Value) -> Vec<&str> {
    account["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["role"].as_str().unwrap())
        .collect()
}

fn member_at_xau(account: &Value) -> bool {
    account["grants"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["role"] == "member" && g["node_id"] == xau().as_str())
}

/// Live (not deleted) records of `kind` owned by `account`: their bodies.
async fn records_of(t: &TestApp, kind: &str, account: &str) -> Vec<Value> {
    use sqlx::Row;
    sqlx::query(
        "SELECT body FROM records WHERE kind = $1 AND owner_id = $2 AND deleted = 0 ORDER BY seq",
    )
    .bind(kind)
    .bind(account)
    .fetch_all(&t.state.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| serde_json::from_str(&r.try_get::<String, _>(0).unwrap()).unwrap())
    .collect()
}

async fn institutions_offering_the_login_are_listed(t: &TestApp) {
    let (s, v) = t.call("GET", "/api/v1/institutions", None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, json!([{"id": xau(), "name": XAU}]));
}

async fn an_unbound_student_binds_a_new_phone_and_becomes_a_member(t: &TestApp) {
    let (s, v) = login(t, "2022110101", &password_of("2022110101")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["needs_binding"], true);
    assert_eq!(v["name_masked"], "林**");
    assert_eq!(v["kind"], "student");
    assert_eq!(v["institution_name"], XAU);
    let expires = v["ticket_expires_at"].as_i64().unwrap();
    assert_eq!(expires, t.state.now() + 10 * 60_000);
    let ticket = v["ticket"].as_str().unwrap().to_owned();
    assert!(ticket.len() > 40);
    // Only a hash of the ticket is kept.
    use sqlx::Row;
    let stored: String = sqlx::query("SELECT ticket_hash FROM institution_tickets")
        .fetch_one(&t.state.db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert!(!stored.contains(&ticket[4..]));

    // Her phone is new: the account is made in her name, her ID number still to give.
    let phone = "13611112201";
    let v = bind_ok(t, &ticket, phone).await;
    let token = v["token"].as_str().unwrap().to_owned();
    let account = &v["account"];
    assert_eq!(account["real_name"], "林雨桐");
    assert_eq!(account["phone_masked"], "136****2201");
    assert_eq!(account["needs_profile"], true);
    assert!(member_at_xau(account), "{account}");
    let id = account["id"].as_str().unwrap().to_owned();
    assert!(member_at_xau(&t.me(&token).await));

    // A membership (学生, with its history) and a roster entry at the institution.
    let ms = records_of(t, "membership", &id).await;
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(ms[0]["unit_name"], XAU);
    assert_eq!(ms[0]["member_type"], "学生");
    assert_eq!(ms[0]["status"], "current");
    assert_eq!(ms[0]["history"][0]["note"], "绑定学号2022110101");
    let roster = records_of(t, "member", &id).await;
    assert_eq!(roster.len(), 1);
    assert_eq!(roster[0]["category"], "学生");
    assert_eq!(roster[0]["phone_masked"], "136****2201");

    let (s, v) = t
        .call("GET", "/api/v1/institutions/bindings", Some(&token), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["number"], "2022110101");
    assert_eq!(v[0]["kind"], "student");
    assert_eq!(v[0]["institution_name"], XAU);
    assert_eq!(v[0]["real_name"], "林雨桐");
    assert_eq!(v[0]["status"], "active");

    // From now on the number logs straight in, to the same account.
    let (s, v) = login(t, "2022110101", &password_of("2022110101")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["needs_binding"], false);
    assert!(v.get("ticket").is_none());
    assert_eq!(v["account"]["id"], id.as_str());
    let token2 = v["token"].as_str().unwrap();
    assert_eq!(t.me(token2).await["id"], id.as_str());
    // So does the phone (SMS login), to the same account.
    let code = send_code_later(t, phone).await;
    let (_, v) = t.sms_login(phone, &code).await;
    assert_eq!(v["account"]["id"], id.as_str());
}

async fn a_bound_number_logs_straight_in(t: &TestApp) {
    let (s, v) = login(t, "20080123", &password_of("20080123")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["needs_binding"], false);
    assert_eq!(v["kind"], "staff");
    assert_eq!(v["account"]["id"], demo_id(QIAN).to_string());
    let roles = roles_of(&v["account"]);
    assert!(
        roles.contains(&"secretary") && roles.contains(&"member"),
        "{roles:?}"
    );
    let token = v["token"].as_str().unwrap();
    assert_eq!(t.me(token).await["real_name"], "钱文静");
    // Letters and spaces around the number do not matter.
    let (s, _) = login(t, " 20080123 ", &password_of("20080123")).await;
    assert_eq!(s, StatusCode::OK);
}

async fn wrong_password_unknown_and_retired_numbers_are_refused(t: &TestApp) {
    let cases = [
        (
            "2022110101",
            "wrong-pass".to_owned(),
            StatusCode::UNAUTHORIZED,
            "InstitutionLoginFailed",
        ),
        (
            "2099000001",
            password_of("2022110101"),
            StatusCode::UNAUTHORIZED,
            "InstitutionLoginFailed",
        ),
        (
            "2019110318",
            password_of("2019110318"),
            StatusCode::FORBIDDEN,
            "InstitutionNumberRetired",
        ),
        // A retired number with a wrong password says no more than any other.
        (
            "2019110318",
            "12345678".to_owned(),
            StatusCode::UNAUTHORIZED,
            "InstitutionLoginFailed",
        ),
        (
            "",
            "x".to_owned(),
            StatusCode::BAD_REQUEST,
            "NumberRequired",
        ),
        (
            "20-22",
            "x".to_owned(),
            StatusCode::BAD_REQUEST,
            "NumberInvalid",
        ),
        (
            "2022110101",
            String::new(),
            StatusCode::BAD_REQUEST,
            "PasswordRequired",
        ),
    ];
    for (number, password, status, code) in cases {
        let (s, v) = login(t, number, &password).await;
        assert_eq!(
            (s, v["code"].as_str().unwrap()),
            (status, code),
            "{number}: {v}"
        );
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c > '\u{2e80}'),
            "{v}"
        );
    }
    let (_, v) = login(t, "2019110318", &password_of("2019110318")).await;
    assert_eq!(v["message"], "该工号/学号已停用，请使用新的工号/学号登录");
    // An institution without numbers on file, and no institution at all.
    for inst in [demo_id("南京医科大学工会"), Uuid::now_v7()] {
        let (s, v) = t
            .call(
                "POST",
                "/api/v1/institutions/login",
                None,
                Some(json!({"institution_id": inst, "number": "2022110101", "password": "x"})),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("InstitutionNotFound"))
        );
    }
    assert_eq!(t.count("institution_tickets").await, 0);
}

async fn ten_wrong_passwords_lock_the_number(t: &TestApp) {
    let right = password_of("2023110205");
    for _ in 0..9 {
        let (s, _) = login(t, "2023110205", "not-it-123").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // The right password before the tenth failure clears the count.
    let (s, _) = login(t, "2023110205", &right).await;
    assert_eq!(s, StatusCode::OK);
    for _ in 0..10 {
        let (s, _) = login(t, "2023110205", "not-it-123").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    let (s, v) = login(t, "2023110205", &right).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::LOCKED, Some("InstitutionLocked")),
        "{v}"
    );
    // Unbinding with the password is locked too.
    let (s, _) = unbind(
        t,
        None,
        json!({"institution_id": xau(), "number": "2023110205", "password": right}),
    )
    .await;
    assert_eq!(s, StatusCode::LOCKED);
    // Other numbers are not affected.
    let (s, _) = login(t, "2022110101", &password_of("2022110101")).await;
    assert_eq!(s, StatusCode::OK);
    t.clock.advance_ms(15 * 60_000 + 1);
    let (s, v) = login(t, "2023110205", &right).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

async fn binding_conflicts_are_refused_with_their_codes(t: &TestApp) {
    let conflict = |code| (StatusCode::CONFLICT, code);
    // 钱文静's phone is registered in her name: 杜晓明 cannot bind it.
    let du = ticket(t, "20210315").await;
    let v = refused(t, &du, QIAN, conflict("PhoneNotOwn")).await;
    assert_eq!(v["message"], "该手机号已实名登记为他人，请使用本人的手机号");
    // 韩雪's phone is still bound to her old (retired) 学号: unbind first.
    let han = ticket(t, "2023210318").await;
    let v = refused(t, &han, HAN_XUE_PHONE, conflict("PhoneBoundToOtherNumber")).await;
    assert_eq!(v["message"], "该手机号已绑定其他工号/学号，请先解绑");

    // Two tickets for one number: the first binding wins, the second is refused.
    let first = ticket(t, "2023110205").await;
    let second = ticket(t, "2023110205").await;
    bind_ok(t, &first, "13611112202").await;
    let v = refused(t, &second, "13611112203", conflict("NumberAlreadyBound")).await;
    assert_eq!(v["message"], "该工号/学号已绑定手机号，如需更换请先解绑");

    // A wrong code is the SMS check's error, and the ticket stays good.
    let lin = ticket(t, "2022110101").await;
    let code = t.send_code("13611112204").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (s, v) = bind(t, &lin, "13611112204", wrong).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("SmsCodeWrong"))
    );
    let (s, v) = bind(t, &lin, "not a phone", &code).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = bind(t, &lin, "13611112204", &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["account"]["real_name"], "林雨桐");
    // Nothing was left half-done by the refusals.
    use sqlx::Row;
    let bound: i64 =
        sqlx::query("SELECT COUNT(*) FROM institution_identities WHERE account_id IS NOT NULL")
            .fetch_one(&t.state.db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    assert_eq!(bound, 4, "钱文静, 韩雪 (old), 马浩宇, 林雨桐");
    assert!(
        records_of(t, "membership", &demo_id(QIAN).to_string())
            .await
            .len()
            == 1
    );
}

/// A code for a phone that had one less than a minute ago.
async fn send_code_later(t: &TestApp, phone: &str) -> String {
    t.clock.advance_ms(61_000);
    t.send_code(phone).await
}

async fn an_existing_account_binds_its_own_number(t: &TestApp) {
    let zheng = ticket(t, "20120456").await;
    let v = bind_ok(t, &zheng, ZHENG).await;
    assert_eq!(v["account"]["id"], demo_id(ZHENG).to_string());
    assert_eq!(v["account"]["needs_profile"], false);
    let roles = roles_of(&v["account"]);
    assert!(
        roles.contains(&"reviewer") && roles.contains(&"member"),
        "{roles:?}"
    );
    // Unbinding takes away the member grant it gave, nothing else.
    let token = v["token"].as_str().unwrap().to_owned();
    let (s, v) = unbind(t, Some(&token), json!({"institution_id": xau()})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let roles = roles_of(&v["account"]);
    assert_eq!(roles, ["reviewer"]);

    // A member who joined before binding keeps the membership after unbinding.
    use sqlx::Row;
    let acc = demo_id(ZHENG).to_string();
    sqlx::query("INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, 'member', $3, 0)")
        .bind(Uuid::now_v7().to_string())
        .bind(&acc)
        .bind(xau())
        .execute(&t.state.db.writer)
        .await
        .unwrap();
    let memberships = records_of(t, "membership", &acc).await.len();
    let again = ticket(t, "20120456").await;
    t.clock.advance_ms(61_000);
    let v = bind_ok(t, &again, ZHENG).await;
    assert!(member_at_xau(&v["account"]));
    assert_eq!(records_of(t, "membership", &acc).await.len(), memberships);
    let (s, _) = unbind(
        t,
        None,
        json!({"institution_id": xau(), "number": "20120456", "password": password_of("20120456")}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let n: i64 =
        sqlx::query("SELECT COUNT(*) FROM grants WHERE account_id = $1 AND role = 'member'")
            .bind(&acc)
            .fetch_one(&t.state.db.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    assert_eq!(n, 1);
}

async fn unbind_then_bind_the_new_number_after_going_on_to_graduate_study(t: &TestApp) {
    let han = demo_id(HAN_XUE_PHONE).to_string();
    // The demo: 韩雪 is a member through her 本科 学号, now retired.
    let token = t.login(HAN_XUE_PHONE).await;
    assert!(member_at_xau(&t.me(&token).await));
    let old_membership = records_of(t, "membership", &han).await;
    assert_eq!(old_membership.len(), 1);
    assert_eq!(
        old_membership[0]["history"][0]["note"],
        "绑定学号2019110318"
    );

    // The new 学号 cannot be bound while the old one holds her phone.
    let ticket_new = ticket(t, "2023210318").await;
    let code = t.send_code(HAN_XUE_PHONE).await;
    let (s, v) = bind(t, &ticket_new, HAN_XUE_PHONE, &code).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("PhoneBoundToOtherNumber"))
    );

    // Unbinding the old number: its password, even though it is retired.
    let unbind_old = |password: String| json!({"institution_id": xau(), "number": "2019110318", "password": password});
    let (s, v) = unbind(t, None, unbind_old("bad-pass-1".into())).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("InstitutionLoginFailed"))
    );
    let (s, v) = unbind(t, None, unbind_old(password_of("2019110318"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["number"], "2019110318");
    assert_eq!(v["kind"], "student");
    assert!(
        v.get("account").is_none(),
        "not signed in: no account in the answer"
    );
    // The grant it gave is gone, the membership ended with its history, the roster
    // entry taken out.
    assert!(!member_at_xau(&t.me(&token).await));
    let ms = records_of(t, "membership", &han).await;
    assert_eq!(ms[0]["status"], "ended");
    let what: Vec<&str> = ms[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["what"].as_str().unwrap())
        .collect();
    assert!(what.contains(&"withdrawn"), "{what:?}");
    assert!(records_of(t, "member", &han).await.is_empty());
    // A second unbind finds nothing bound.
    let (s, v) = unbind(t, None, unbind_old(password_of("2019110318"))).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("NumberNotBound"))
    );

    // The same ticket (the refused bind did not use it) binds the new 学号.
    let v = bind_ok_later(t, &ticket_new, HAN_XUE_PHONE).await;
    assert_eq!(v["account"]["id"], han.as_str());
    assert!(member_at_xau(&v["account"]));
    let ms = records_of(t, "membership", &han).await;
    assert_eq!(ms.len(), 2, "the old one stays as history");
    assert_eq!(ms[1]["status"], "current");
    assert_eq!(ms[1]["history"][0]["note"], "绑定学号2023210318");
    let (s, v) = login(t, "2023210318", &password_of("2023210318")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["account"]["id"], han.as_str());
    let (_, v) = login(t, "2019110318", &password_of("2019110318")).await;
    assert_eq!(v["code"], "InstitutionNumberRetired");
}

async fn bind_ok_later(t: &TestApp, ticket: &str, phone: &str) -> Value {
    t.clock.advance_ms(61_000);
    bind_ok(t, ticket, phone).await
}

async fn a_signed_in_person_unbinds_their_own_number(t: &TestApp) {
    let lin = ticket(t, "2022110101").await;
    let v = bind_ok(t, &lin, "13611112205").await;
    let token = v["token"].as_str().unwrap().to_owned();
    let id = v["account"]["id"].as_str().unwrap().to_owned();
    // Anonymous, without number and password: who?
    let (s, _) = unbind(t, None, json!({"institution_id": xau()})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Someone with no binding there.
    let other = t.login("13900000001").await;
    let (s, v) = unbind(t, Some(&other), json!({"institution_id": xau()})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NoBinding"))
    );
    let (s, v) = unbind(t, Some(&token), json!({"institution_id": xau()})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["number"], "2022110101");
    assert_eq!(v["account"]["id"], id.as_str());
    assert!(!member_at_xau(&v["account"]));
    let (_, v) = t
        .call("GET", "/api/v1/institutions/bindings", Some(&token), None)
        .await;
    assert_eq!(v, json!([]));
    // The token still works (the account stays), and the number asks to be bound again.
    assert_eq!(t.me(&token).await["id"], id.as_str());
    let again = ticket(t, "2022110101").await;
    let v = bind_ok_later(t, &again, "13611112205").await;
    assert_eq!(v["account"]["id"], id.as_str());
}

async fn tickets_expire_after_ten_minutes_and_serve_once(t: &TestApp) {
    let bad = |code: &'static str| (StatusCode::BAD_REQUEST, code);
    let (s, v) = bind(t, "hjb_nonsense", "13611112206", "123456").await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        bad("BindingTicketInvalid")
    );
    let (s, v) = bind(t, "", "13611112206", "123456").await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        bad("BindingTicketInvalid")
    );

    let late = ticket(t, "20210315").await;
    t.clock.advance_ms(10 * 60_000);
    let code = t.send_code("13611112206").await;
    let (s, v) = bind(t, &late, "13611112206", &code).await;
    assert_eq!(
        (s, v["code"].as_str().unwrap()),
        bad("BindingTicketExpired"),
        "{v}"
    );
    assert_eq!(v["message"], "绑定已超时，请重新登录");
    // The code was not spent on the expired ticket.
    let fresh = ticket(t, "20210315").await;
    let (s, v) = bind(t, &fresh, "13611112206", &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["account"]["real_name"], "杜晓明");
    let code = send_code_later(t, "13611112207").await;
    let (s, v) = bind(t, &fresh, "13611112207", &code).await;
    assert_eq!((s, v["code"].as_str().unwrap()), bad("BindingTicketUsed"));
}

async fn no_5xx_on_the_institution_endpoints(t: &TestApp) {
    let token = t.login(QIAN).await;
    let zero = "00000000-0000-0000-0000-000000000000";
    let bodies = [
        "".to_owned(),
        "null".into(),
        "{}".into(),
        "[]".into(),
        "{{{".into(),
        json!({"institution_id": zero, "number": "x", "password": "y"}).to_string(),
        json!({"institution_id": xau(), "number": "😀😀😀😀", "password": "\u{0000}"}).to_string(),
        json!({"institution_id": xau(), "number": "2022110101", "password": "x".repeat(10_000)})
            .to_string(),
        json!({"institution_id": xau(), "number": null, "password": null}).to_string(),
        json!({"institution_id": "x", "number": 1}).to_string(),
        json!({"ticket": "' OR 1=1 --", "phone": "13611112299", "sms_code": "1"}).to_string(),
        json!({"ticket": "x".repeat(5000), "phone": "", "sms_code": ""}).to_string(),
        json!({"institution_id": xau(), "extra": true}).to_string(),
    ];
    for path in [
        "/api/v1/institutions/login",
        "/api/v1/institutions/bind",
        "/api/v1/institutions/unbind",
    ] {
        for body in &bodies {
            for auth in [None, Some(token.as_str()), Some("hj_garbage")] {
                let mut b = axum::http::Request::builder()
                    .method("POST")
                    .uri(path)
                    .header("content-type", "application/json");
                if let Some(a) = auth {
                    b = b.header("authorization", format!("Bearer {a}"));
                }
                let (s, v) = t
                    .raw(b.body(axum::body::Body::from(body.clone())).unwrap())
                    .await;
                assert!(
                    s.is_client_error() || s.is_success(),
                    "{path} {body}: {s} {v}"
                );
            }
        }
    }
}
