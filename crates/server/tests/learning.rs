//! The learning platform over HTTP (issue 8 §4): a unit's secretary writes and publishes
//! a course; a member enrols at the member price, another at the non-member price and
//! learns once the order is paid; reading time counts only while the lesson's page is
//! open and visible (a hidden window beating for an hour earns nothing), at most 30 s
//! between reports and only inside the learning window; reaching the pass score issues a
//! numbered certificate (PDF) whose public page verifies it. Every test runs on SQLite
//! and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use huiji_server::demo::demo_id;
use serde_json::{json, Value};

on_both_backends!(
    reading_counts_only_while_the_lesson_is_open_and_visible_and_passing_issues_a_certificate,
    a_non_member_pays_the_non_member_price_and_learns_once_paid,
    only_the_units_secretaries_write_courses_and_the_windows_hold,
);

const ZHANG: &str = "13900000001"; // secretary of 南京医科大学工会
const LI: &str = "13900000002"; // secretary of 南京大学工会
const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const HUANG: &str = "13800000002"; // member of 南京大学工会 (not under 南京医科大学工会)

fn course() -> Value {
    json!({
        "title": "W3C 教程", "intro": "网页标准入门",
        "member_price_fen": 0, "non_member_price_fen": 5_000,
        "pass_score": 20, "certificate_title": "高级程序员证书",
        "lessons": [
            {"title": "w3c简介", "body": "W3C 是万维网联盟。", "min_read_secs": 20, "credits": 10},
            {"title": "标准化 web", "body": "web 标准由结构、表现和行为组成。", "min_read_secs": 30, "credits": 10},
        ],
    })
}

async fn create(t: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    t.call(
        "POST",
        "/api/v1/courses",
        Some(token),
        Some(json!({"node_id": demo_id("南京医科大学工会"), "course": body})),
    )
    .await
}

async fn published(t: &TestApp, sec: &str, body: Value) -> String {
    let (s, c) = create(t, sec, body).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["summary"]["id"].as_str().unwrap().to_owned();
    let (s, v) = t
        .call(
            "PUT",
            &format!("/api/v1/courses/{id}/publish"),
            Some(sec),
            Some(json!({"published": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

async fn enrol(t: &TestApp, token: &str, id: &str) -> (StatusCode, Value) {
    t.call(
        "POST",
        &format!("/api/v1/courses/{id}/enrol"),
        Some(token),
        None,
    )
    .await
}

async fn course_of(t: &TestApp, token: &str, id: &str) -> (StatusCode, Value) {
    t.call("GET", &format!("/api/v1/courses/{id}"), Some(token), None)
        .await
}

async fn report(t: &TestApp, token: &str, id: &str, n: usize, signal: &str) -> (StatusCode, Value) {
    t.call(
        "POST",
        &format!("/api/v1/courses/{id}/lessons/{n}/read"),
        Some(token),
        Some(json!({"signal": signal})),
    )
    .await
}

/// Reports `signal`, then a beat every 10 s for `secs` seconds (the clock moving on).
async fn read_for(t: &TestApp, token: &str, id: &str, n: usize, signal: &str, secs: i64) -> Value {
    let (s, mut v) = report(t, token, id, n, signal).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for _ in 0..secs / 10 {
        t.clock.advance_ms(10_000);
        let (s, b) = report(t, token, id, n, "beat").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        v = b;
    }
    v
}

async fn reading_counts_only_while_the_lesson_is_open_and_visible_and_passing_issues_a_certificate(
    t: &TestApp,
) {
    let sec = t.login(ZHANG).await;
    let m = t.login(OUYANG).await;
    let (s, c) = create(t, &sec, course()).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["summary"]["id"].as_str().unwrap().to_owned();
    // Unpublished: the member neither lists nor opens it.
    let (_, list) = t.call("GET", "/api/v1/courses", Some(&m), None).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["id"] != id.as_str()));
    let (s, _) = course_of(t, &m, &id).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    t.call(
        "PUT",
        &format!("/api/v1/courses/{id}/publish"),
        Some(&sec),
        Some(json!({"published": true})),
    )
    .await;
    let (_, d) = course_of(t, &m, &id).await;
    assert_eq!(d["summary"]["my_price_fen"], 0, "{d}");
    assert!(
        d["lessons"][0].get("body").is_none(),
        "text before enrolling: {d}"
    );

    let (s, d) = enrol(t, &m, &id).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["summary"]["enrolment"]["active"], true, "{d}");
    assert_eq!(d["lessons"][0]["body"], "W3C 是万维网联盟。");

    // Lesson 1: opened, then hidden at once; an hour of beats from the hidden window earns
    // nothing.
    report(t, &m, &id, 1, "open").await;
    let v = read_for(t, &m, &id, 1, "hidden", 3_600).await;
    assert_eq!(v["read_secs"], json!([0, 0]), "{v}");
    // Lesson 0: 20 s shown is enough for it; a 5-minute silence then counts 30 s at most.
    let v = read_for(t, &m, &id, 0, "open", 20).await;
    assert_eq!(
        (v["read_secs"][0].clone(), v["done"][0].clone()),
        (json!(20), json!(true)),
        "{v}"
    );
    assert_eq!(
        (v["score"].clone(), v["passed"].clone()),
        (json!(10), json!(false))
    );
    t.clock.advance_ms(5 * 60_000);
    let (_, v) = report(t, &m, &id, 0, "beat").await;
    assert_eq!(v["read_secs"][0], 50, "{v}");
    // Closed: beats after it count nothing.
    report(t, &m, &id, 0, "close").await;
    t.clock.advance_ms(20_000);
    let (_, v) = report(t, &m, &id, 0, "beat").await;
    assert_eq!(v["read_secs"][0], 50, "{v}");

    // Shown again, lesson 1 is read for 30 s: the pass score, and a certificate number.
    let (s, v) = report(t, &m, &id, 1, "visible").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let v = read_for(t, &m, &id, 1, "beat", 30).await;
    assert_eq!(
        (v["score"].clone(), v["passed"].clone()),
        (json!(20), json!(true)),
        "{v}"
    );
    let no = v["certificate_no"].as_str().unwrap().to_owned();
    assert!(no.starts_with("HJ") && no.len() == 22, "{no}");
    // The learner is told in the inbox.
    let inbox = t.pull_kind(&m, "notification").await;
    assert!(
        inbox
            .iter()
            .any(|n| n["body"]["title"] == "已结业 · W3C 教程"),
        "{inbox:?}"
    );
    // More reading keeps the same number.
    let v = read_for(t, &m, &id, 1, "beat", 10).await;
    assert_eq!(v["certificate_no"], no.as_str());

    let (s, pdf) = t
        .get_bytes(&format!("/api/v1/courses/{id}/certificate"), Some(&m))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let (s, page) = t.get_text(&format!("/certificates/{no}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("证书有效") && page.contains("欧阳娜娜") && page.contains("高级程序员证书"),
        "{page}"
    );
    assert!(
        !page.contains("13800000001"),
        "the phone is on the verification page"
    );
    let (s, page) = t.get_text("/certificates/HJ20261204FFFFFFFFFFFF").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(page.contains("未查到该证书"));
}

async fn a_non_member_pays_the_non_member_price_and_learns_once_paid(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let img = t.upload(&sec, "diagram.png", &common::png()).await;
    let mut c = course();
    c["lessons"][0]["images"] = json!([img]);
    let id = published(t, &sec, c).await;
    let other = t.login(HUANG).await;
    let picture = |token: String| {
        let img = img.clone();
        async move {
            t.get_bytes(&format!("/api/v1/attachments/{img}"), Some(&token))
                .await
                .0
        }
    };
    let (_, d) = course_of(t, &other, &id).await;
    assert_eq!(d["summary"]["my_price_fen"], 5_000, "{d}");
    let (s, d) = enrol(t, &other, &id).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let e = &d["summary"]["enrolment"];
    assert_eq!(
        (
            e["active"].clone(),
            e["member"].clone(),
            e["price_fen"].clone()
        ),
        (json!(false), json!(false), json!(5_000))
    );
    assert!(
        d["lessons"][0].get("body").is_none(),
        "text before paying: {d}"
    );
    let order_id = e["order_id"].as_str().unwrap().to_owned();
    // The order is the learner's, titled by the course.
    let orders = t.pull_kind(&other, "dues_order").await;
    let o = orders
        .iter()
        .find(|o| o["id"] == order_id.as_str())
        .unwrap();
    assert_eq!(o["body"]["amount_fen"], 5_000);
    assert!(o["body"]["title"].as_str().unwrap().contains("W3C 教程"));
    let (s, v) = report(t, &other, &id, 0, "open").await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CourseNotPaid"))
    );
    // The lesson's picture is not theirs to see before paying.
    assert_eq!(picture(other.clone()).await, StatusCode::NOT_FOUND);
    // Enrolling again is the same enrolment, not a second order.
    let (_, again) = enrol(t, &other, &id).await;
    assert_eq!(again["summary"]["enrolment"]["order_id"], order_id.as_str());
    assert_eq!(t.count("enrolments").await, 1);

    t.pay_online(&other, &order_id, 5_000).await;
    let (_, d) = course_of(t, &other, &id).await;
    assert_eq!(d["summary"]["enrolment"]["active"], true, "{d}");
    let inbox = t.pull_kind(&other, "notification").await;
    assert!(
        inbox
            .iter()
            .any(|n| n["body"]["title"] == "课程已开通 · W3C 教程"),
        "{inbox:?}"
    );
    assert_eq!(d["lessons"][0]["images"], json!([img]));
    assert_eq!(picture(other.clone()).await, StatusCode::OK);
    let v = read_for(t, &other, &id, 0, "open", 20).await;
    assert_eq!(v["done"][0], true, "{v}");
}

async fn only_the_units_secretaries_write_courses_and_the_windows_hold(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let li = t.login(LI).await;
    let m = t.login(OUYANG).await;
    for token in [&li, &m] {
        let (s, _) = create(t, token, course()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let mut c = course();
    c["lessons"] = json!([]);
    let (s, v) = create(t, &sec, c).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CourseInvalid"))
    );
    let mut c = course();
    c["pass_score"] = json!(21);
    let (s, v) = create(t, &sec, c).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CoursePassScoreUnreachable"))
    );
    let mut c = course();
    c["lessons"][0]["images"] = json!([uuid::Uuid::now_v7()]);
    let (s, v) = create(t, &sec, c).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("ContentImageInvalid"))
    );

    // Enrolment opens in an hour; learning ends two hours after that.
    let now = t.state.now();
    let mut c = course();
    c["enrol_from"] = json!(now + 3_600_000);
    c["learn_until"] = json!(now + 3 * 3_600_000);
    let id = published(t, &sec, c).await;
    // Another unit's secretary cannot change it.
    let (s, _) = t
        .call(
            "PUT",
            &format!("/api/v1/courses/{id}/publish"),
            Some(&li),
            Some(json!({"published": false})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = enrol(t, &m, &id).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CourseEnrolClosed"))
    );
    let (s, v) = report(t, &m, &id, 0, "open").await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CourseNotEnrolled"))
    );
    t.clock.advance_ms(3_600_000);
    let (s, _) = enrol(t, &m, &id).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = report(t, &m, &id, 2, "open").await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::NOT_FOUND, json!("LessonNotFound"))
    );
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/courses/{id}/certificate"),
            Some(&m),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CourseNotPassed"))
    );
    // After the learning window nothing counts.
    t.clock.advance_ms(2 * 3_600_000);
    let (s, v) = report(t, &m, &id, 0, "open").await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("CourseLearnClosed"))
    );
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/courses/{}/enrol", uuid::Uuid::now_v7()),
            Some(&m),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::NOT_FOUND, json!("CourseNotFound"))
    );
}
