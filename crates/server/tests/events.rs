//! Events, questionnaires and lotteries over HTTP (issue 7): registration with capacity
//! (racing for the last place), the waitlist promoted in order, approval and fees through
//! the dues payments, cancellation until the start; check-ins by venue code made offline
//! and sent later, by hand, the attendance report and its export; one answer per person
//! across devices, anonymous tallies; a lottery drawn from a committed seed that anyone
//! can draw again; who may do what; no 5xx. Every test runs on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{join_all, TestApp};
use http_body_util::BodyExt;
use huiji_domain::events::lottery::{draw, Prize};
use huiji_server::demo::demo_id;
use huiji_server::pay::sandbox::{self, SandboxNotice};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use uuid::Uuid;

on_both_backends!(
    the_last_place_goes_to_exactly_one_racer,
    the_waitlist_moves_up_in_order_and_cancelling_closes_at_the_start,
    approval_and_fee_come_before_the_ticket,
    venue_code_checkins_made_offline_count_at_the_phones_time,
    one_answer_per_member_across_two_devices,
    anonymous_results_and_who_sees_them,
    the_draw_is_committed_and_can_be_run_again,
    who_may_do_what,
    no_5xx_on_the_events_endpoints,
    the_demo_has_events_a_vote_a_survey_and_a_lottery,
);

const WANG: &str = "13900000000"; // system administrator
const ZHANG: &str = "13900000001"; // secretary of 南京医科大学工会
const LI: &str = "13900000002"; // secretary of 南京大学工会
const REVIEWER: &str = "13900000003"; // reviewer at 江苏省教科工会委员会
const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const HUANG: &str = "13800000002"; // member of 南京大学工会
const CITIZENS: [&str; 5] = [
    "13700000001",
    "13700000002",
    "13700000003",
    "13700000004",
    "13700000005",
];

const HOUR: i64 = 3_600_000;

fn njmu() -> Uuid {
    demo_id("南京医科大学工会")
}

fn event_body(t: &TestApp, extra: Value) -> Value {
    let now = t.state.now();
    let mut e = json!({
        "title": "职工趣味运动会",
        "place": "江宁校区体育馆",
        "starts_at": now + 48 * HOUR,
        "ends_at": now + 52 * HOUR,
        "registration": true,
    });
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

async fn save_event(t: &TestApp, token: &str, body: Value) -> Value {
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/events",
            Some(token),
            Some(json!({"node_id": njmu(), "event": body})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn register(t: &TestApp, token: &str, event: &str) -> (StatusCode, Value) {
    t.call(
        "POST",
        &format!("/api/v1/events/{event}/registrations"),
        Some(token),
        Some(json!({"id": Uuid::now_v7()})),
    )
    .await
}

async fn pull(t: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    t.pull_kind(token, kind).await
}

async fn registrations(t: &TestApp, token: &str, event: &str) -> Vec<Value> {
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/registrations"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().clone()
}

async fn ticket(t: &TestApp, token: &str, event: &str) -> (StatusCode, Value) {
    t.call(
        "GET",
        &format!("/api/v1/events/{event}/ticket"),
        Some(token),
        None,
    )
    .await
}

async fn get_bytes(t: &TestApp, token: &str, uri: &str) -> (StatusCode, Vec<u8>, String) {
    let req = Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body, ctype)
}

fn codes(v: &Value) -> Vec<(String, String)> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_owned(),
                r["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- registration

async fn the_last_place_goes_to_exactly_one_racer(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let e = save_event(
        t,
        &sec,
        event_body(t, json!({"capacity": 3, "audience": "open"})),
    )
    .await;
    let id = e["id"].as_str().unwrap().to_owned();
    // Two places go first; then seven people race for the last one.
    for p in [OUYANG, REVIEWER] {
        let tok = t.login(p).await;
        let (s, v) = register(t, &tok, &id).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["body"]["status"], "confirmed");
    }
    let mut racers = vec![t.login(HUANG).await, t.login(LI).await];
    for c in CITIZENS {
        racers.push(t.login(c).await);
    }
    let outcomes = join_all(racers.iter().map(|tok| register(t, tok, &id))).await;
    let statuses: Vec<String> = outcomes
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, StatusCode::CREATED, "{v}");
            v["body"]["status"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| *s == "confirmed").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| *s == "waitlisted").count(), 6);
    let list = registrations(t, &sec, &id).await;
    assert_eq!(list.len(), 9);
    let confirmed = list
        .iter()
        .filter(|r| r["body"]["status"] == "confirmed")
        .count();
    assert_eq!(confirmed, 3, "never more places than the capacity");
    // Registering again: the one registration, not a second one.
    let (s, v) = register(t, &racers[0], &id).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("AlreadyRegistered"))
    );
    // The same request sent again answers what is stored.
    let tok = t.login(CITIZENS[0]).await;
    let mine = pull(t, &tok, "registration").await;
    assert_eq!(mine.len(), 1, "a member sees only their own registration");
    let again_id = mine[0]["id"].clone();
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            Some(&tok),
            Some(json!({"id": again_id})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["id"], again_id);
    // Another record's id is never overwritten.
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/events/{id}/registrations"),
            Some(&t.login(WANG).await),
            Some(json!({"id": again_id})),
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::CONFLICT, json!("IdInUse"))
    );
}

async fn the_waitlist_moves_up_in_order_and_cancelling_closes_at_the_start(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let e = save_event(
        t,
        &sec,
        event_body(t, json!({"capacity": 1, "audience": "open"})),
    )
    .await;
    let id = e["id"].as_str().unwrap().to_owned();
    let first = t.login(OUYANG).await;
    let (_, r1) = register(t, &first, &id).await;
    assert_eq!(r1["body"]["status"], "confirmed");
    // Three join the waitlist a minute apart: they move up in that order.
    let mut waiting = Vec::new();
    for c in &CITIZENS[..3] {
        t.clock.advance_ms(60_000);
        let tok = t.login(c).await;
        let (_, r) = register(t, &tok, &id).await;
        assert_eq!(r["body"]["status"], "waitlisted");
        waiting.push((tok, r));
    }
    // A waitlisted person has no ticket yet.
    let (s, v) = ticket(t, &waiting[0].0, &id).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("Waitlisted"))
    );
    // The confirmed one cancels: the first in the waitlist gets the place and is told.
    let (s, v) = t
        .call(
            "POST",
            &format!(
                "/api/v1/registrations/{}/cancel",
                r1["id"].as_str().unwrap()
            ),
            Some(&first),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["body"]["status"], "cancelled");
    let by_id = |list: &[Value], rid: &Value| {
        list.iter().find(|r| r["id"] == *rid).unwrap()["body"]["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let list = registrations(t, &sec, &id).await;
    assert_eq!(by_id(&list, &waiting[0].1["id"]), "confirmed");
    assert_eq!(by_id(&list, &waiting[1].1["id"]), "waitlisted");
    let notes = pull(t, &waiting[0].0, "notification").await;
    assert!(
        notes.iter().any(|n| n["body"]["title"] == "候补成功"),
        "{notes:?}"
    );
    let (s, tk) = ticket(t, &waiting[0].0, &id).await;
    assert_eq!(s, StatusCode::OK, "{tk}");
    // More places: the rest of the waitlist moves up, in order.
    let mut more = event_body(t, json!({"capacity": 2, "audience": "open"}));
    more["starts_at"] = e["body"]["starts_at"].clone();
    more["ends_at"] = e["body"]["ends_at"].clone();
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/events",
            Some(&sec),
            Some(json!({"id": id, "node_id": njmu(), "event": more})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let list = registrations(t, &sec, &id).await;
    assert_eq!(by_id(&list, &waiting[1].1["id"]), "confirmed");
    assert_eq!(by_id(&list, &waiting[2].1["id"]), "waitlisted");
    // The one who cancelled registers again: the end of the waitlist.
    let (s, v) = register(t, &first, &id).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["body"]["status"], "waitlisted");
    assert_eq!(v["id"], r1["id"], "one registration per person and event");
    // Once the event has started nobody cancels or registers.
    t.clock.advance_ms(49 * HOUR);
    let waiting: Vec<(String, Value)> = {
        let mut w = Vec::new();
        for (c, (_, r)) in CITIZENS[..3].iter().zip(waiting) {
            w.push((t.login(c).await, r));
        }
        w
    };
    let (s, v) = t
        .call(
            "POST",
            &format!(
                "/api/v1/registrations/{}/cancel",
                waiting[0].1["id"].as_str().unwrap()
            ),
            Some(&waiting[0].0),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("EventStarted"))
    );
    let (s, v) = register(t, &t.login(CITIZENS[4]).await, &id).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // Someone else's registration is not theirs to cancel.
    let (s, _) = t
        .call(
            "POST",
            &format!(
                "/api/v1/registrations/{}/cancel",
                waiting[1].1["id"].as_str().unwrap()
            ),
            Some(&waiting[2].0),
            None,
        )
        .await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
        "{s}"
    );
}

async fn notify_paid(t: &TestApp, otn: &str, amount: i64) {
    let notice: SandboxNotice =
        sandbox::notice_of(otn, "SUCCESS", amount, Some("SBX0042".into()), None);
    let body = serde_json::to_vec(&notice).unwrap();
    let key = t.state.sandbox_key().unwrap();
    let headers = sandbox::signed_headers(&key, t.state.now(), "n-event", &body);
    let mut b = Request::builder()
        .method("POST")
        .uri("/api/v1/payments/notify/sandbox")
        .header("content-type", "application/json");
    for (name, v) in &headers {
        b = b.header(name, v);
    }
    let (s, v) = t.raw(b.body(Body::from(body)).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

async fn approval_and_fee_come_before_the_ticket(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let e = save_event(
        t,
        &sec,
        event_body(
            t,
            json!({"approval_required": true, "fee_fen": 5_000, "capacity": 10}),
        ),
    )
    .await;
    let id = e["id"].as_str().unwrap().to_owned();
    let m = t.login(OUYANG).await;
    let (s, r) = register(t, &m, &id).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["body"]["status"], "pending");
    let (s, v) = ticket(t, &m, &id).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("RegistrationPending"))
    );
    // A members-only event: a member of another union may not register.
    let (s, v) = register(t, &t.login(HUANG).await, &id).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("MembersOnly"))
    );
    // Refusing needs a reason.
    let rid = r["id"].as_str().unwrap();
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/registrations/{rid}/decision"),
            Some(&sec),
            Some(json!({"approve": false, "reason": " "})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // Approved: a place, and the fee's order.
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/registrations/{rid}/decision"),
            Some(&sec),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["body"]["status"], "confirmed");
    assert_eq!(v["body"]["paid"], false);
    let order_id = v["body"]["order_id"].as_str().unwrap().to_owned();
    let (s, v) = ticket(t, &m, &id).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("FeeUnpaid"))
    );
    // Deciding twice: refused.
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/registrations/{rid}/decision"),
            Some(&sec),
            Some(json!({"approve": true})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // The order is the member's, for the fee, titled by the event.
    let orders = pull(t, &m, "dues_order").await;
    let o = orders
        .iter()
        .find(|o| o["id"] == order_id.as_str())
        .unwrap();
    assert_eq!(o["body"]["amount_fen"], 5_000);
    assert!(o["body"]["title"]
        .as_str()
        .unwrap()
        .contains("职工趣味运动会"));
    // Paid online: the registration is paid and the ticket comes.
    let (s, started) = t
        .call(
            "POST",
            "/api/v1/payments/online",
            Some(&m),
            Some(json!({"id": Uuid::now_v7(), "order_id": order_id})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{started}");
    notify_paid(
        t,
        started["payment"]["body"]["out_trade_no"].as_str().unwrap(),
        5_000,
    )
    .await;
    let mine = pull(t, &m, "registration").await;
    let reg = mine.iter().find(|x| x["id"] == rid).unwrap();
    assert_eq!(reg["body"]["paid"], true, "{reg}");
    let (s, tk) = ticket(t, &m, &id).await;
    assert_eq!(s, StatusCode::OK, "{tk}");
    // A deadline passed: no more registrations.
    let mut closed = event_body(t, json!({}));
    closed["registration_deadline"] = json!(t.state.now() + HOUR);
    let e2 = save_event(t, &sec, closed).await;
    t.clock.advance_ms(2 * HOUR);
    let (s, v) = register(t, &m, e2["id"].as_str().unwrap()).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("RegistrationClosed"))
    );
}

// ---------------------------------------------------------------- check-ins

async fn venue_code(t: &TestApp, sec: &str, event: &str, dir: &str) -> String {
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/venue-code?direction={dir}"),
            Some(sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["text"].as_str().unwrap().to_owned()
}

async fn checkin(t: &TestApp, token: &str, items: Value) -> Value {
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/events/checkins",
            Some(token),
            Some(json!({ "items": items })),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn report(t: &TestApp, sec: &str, event: &str) -> Value {
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/events/{event}/report"),
            Some(sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn venue_code_checkins_made_offline_count_at_the_phones_time(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let now = t.state.now();
    let e = save_event(
        t,
        &sec,
        event_body(
            t,
            json!({"starts_at": now + HOUR, "ends_at": now + 5 * HOUR, "reentry_allowed": true}),
        ),
    )
    .await;
    let id = e["id"].as_str().unwrap().to_owned();
    let m = t.login(OUYANG).await;
    let (_, r) = register(t, &m, &id).await;
    assert_eq!(r["body"]["status"], "confirmed");
    let code_in = venue_code(t, &sec, &id, "in").await;
    let code_out = venue_code(t, &sec, &id, "out").await;
    // The poster to print is a PDF.
    let (s, pdf, ctype) = get_bytes(
        t,
        &sec,
        &format!("/api/v1/events/{id}/venue-poster?direction=in"),
    )
    .await;
    assert_eq!((s, ctype.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));

    // The phone scanned at 10:05 and 12:00 offline; it sends both at 14:00.
    t.clock.advance_ms(HOUR + 5 * 60_000);
    let scanned_in = t.state.now();
    t.clock.advance_ms(2 * HOUR);
    let scanned_out = t.state.now() - 5 * 60_000;
    t.clock.advance_ms(HOUR);
    let dev = Uuid::now_v7();
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let items = json!([
        {"id": a, "code": code_in, "at": scanned_in, "device_id": dev},
        {"id": b, "code": code_out, "at": scanned_out, "device_id": dev},
    ]);
    let v = checkin(t, &m, items.clone()).await;
    assert_eq!(
        codes(&v),
        vec![
            ("applied".into(), String::new()),
            ("applied".into(), String::new())
        ]
    );
    // Sent again (the answer was lost): recorded once.
    let v = checkin(t, &m, items).await;
    assert_eq!(codes(&v)[0].0, "duplicate");
    let rep = report(t, &sec, &id).await;
    assert_eq!(rep["rows"].as_array().unwrap().len(), 1, "{rep}");
    let row = rep["rows"][0].clone();
    assert_eq!(
        row["first_in"], scanned_in,
        "the phone's time, not the upload's"
    );
    assert_eq!(row["last_out"], scanned_out);
    assert_eq!(row["inside"], false);
    assert_eq!(row["how"], "venue_code");
    assert_eq!(rep["counts"]["checked_in"], 1);

    // A clock in the future, a time outside the event, a forged code, a non-registrant.
    let v = checkin(
        t,
        &m,
        json!([
            {"id": Uuid::now_v7(), "code": code_in, "at": t.state.now() + HOUR},
            {"id": Uuid::now_v7(), "code": code_in, "at": now - 10 * HOUR},
            {"id": Uuid::now_v7(), "code": format!("{code_in}x"), "at": t.state.now()},
        ]),
    )
    .await;
    let c = codes(&v);
    assert_eq!(c[0], ("rejected".into(), "CheckinClosed".into()), "{v}");
    assert_eq!(c[1], ("rejected".into(), "CheckinClosed".into()));
    assert_eq!(c[2].0, "rejected");
    assert_eq!(c[2].1, "VenueCodeInvalid");
    let other = t.login(REVIEWER).await;
    let v = checkin(
        t,
        &other,
        json!([{"id": Uuid::now_v7(), "code": code_in, "at": t.state.now()}]),
    )
    .await;
    assert_eq!(codes(&v)[0], ("rejected".into(), "NotRegistered".into()));

    // By hand, with a reason: the secretary checks the member back in.
    let tk: Uuid = row["ticket_id"].as_str().unwrap().parse().unwrap();
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/events/{id}/manual-checkin"),
            Some(&sec),
            Some(json!({"id": Uuid::now_v7(), "ticket_id": tk, "direction": "in", "reason": ""})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a reason is needed: {v}");
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/events/{id}/manual-checkin"),
            Some(&sec),
            Some(json!({"id": Uuid::now_v7(), "ticket_id": tk, "direction": "in", "reason": "手机没电，现场核验身份证"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let rep = report(t, &sec, &id).await;
    assert_eq!(rep["counts"]["inside"], 1);
    assert_eq!(rep["rows"][0]["how"], "manual");
    // An unknown ticket cannot be checked in by hand.
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/events/{id}/manual-checkin"),
            Some(&sec),
            Some(json!({"id": Uuid::now_v7(), "ticket_id": Uuid::now_v7(), "direction": "in", "reason": "补录"})),
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("NotRegistered"))
    );
    // The export is a workbook with the member's (masked) name.
    let (s, x, _) = get_bytes(t, &sec, &format!("/api/v1/events/{id}/report/export")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(x.starts_with(b"PK"), "an XLSX is a zip");
    let sheet = unzip_text(&x);
    assert!(sheet.contains("欧阳"), "{sheet}");
    assert!(!sheet.contains("欧阳娜娜"), "names are masked");
    // The member's phone sees its own check-ins in the pull.
    let mine = pull(t, &m, "checkin").await;
    assert_eq!(mine.len(), 3);
}

/// Every XML part of a zip, concatenated (to look for text in a workbook).
fn unzip_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.push_str(&s);
        }
    }
    out
}

// ---------------------------------------------------------------- surveys

fn vote(t: &TestApp, extra: Value) -> Value {
    let now = t.state.now();
    let mut s = json!({
        "title": "2027年度职工疗休养目的地投票",
        "kind": "vote",
        "questions": [
            {"id": "q1", "text": "您最想去哪里？", "kind": "single", "options": ["黄山", "千岛湖", "婺源"], "required": true},
            {"id": "q2", "text": "可以同行的家属（可多选，最多2项）", "kind": "multiple", "options": ["配偶", "子女", "父母"], "max": 2},
            {"id": "q3", "text": "对往年活动的满意度", "kind": "rating"},
            {"id": "q4", "text": "其他建议", "kind": "text"},
        ],
        "opens_at": now - HOUR,
        "closes_at": now + 24 * HOUR,
        "anonymous": false,
        "audience": "members",
        "changeable": false,
        "results": "after_answer",
    });
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    s
}

async fn save_survey(t: &TestApp, sec: &str, body: Value) -> String {
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/surveys",
            Some(sec),
            Some(json!({"node_id": njmu(), "survey": body})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

async fn answer(
    t: &TestApp,
    token: &str,
    survey: &str,
    answers: Value,
    at: i64,
) -> (String, String) {
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/surveys/answers",
            Some(token),
            Some(json!({"items": [{"id": Uuid::now_v7(), "survey_id": survey, "answers": answers, "answered_at": at}]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    codes(&v).remove(0)
}

async fn results(t: &TestApp, token: &str, survey: &str) -> (StatusCode, Value) {
    t.call(
        "GET",
        &format!("/api/v1/surveys/{survey}/results"),
        Some(token),
        None,
    )
    .await
}

async fn one_answer_per_member_across_two_devices(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let sid = save_survey(t, &sec, vote(t, json!({}))).await;
    let m = t.login(OUYANG).await;
    let now = t.state.now();
    let mine = json!([
        {"question_id": "q1", "choices": [1]},
        {"question_id": "q2", "choices": [0, 1]},
        {"question_id": "q3", "rating": 4},
        {"question_id": "q4", "text": "希望安排在秋季"},
    ]);
    // The phone answered offline; the tablet (same account) answers differently.
    assert_eq!(
        answer(t, &m, &sid, mine.clone(), now - 60_000).await.0,
        "applied"
    );
    let other = json!([{"question_id": "q1", "choices": [2]}]);
    assert_eq!(
        answer(t, &m, &sid, other, now).await,
        ("rejected".into(), "AlreadyAnswered".into())
    );
    // The phone sends the same answers again: recorded once.
    assert_eq!(answer(t, &m, &sid, mine, now).await.0, "duplicate");
    // Bad answers: a required question left out, too many choices, an unknown option.
    let sec_member = t.login(WANG).await;
    for (bad, code) in [
        (
            json!([{"question_id": "q3", "rating": 3}]),
            "AnswerRequired",
        ),
        (
            json!([{"question_id": "q1", "choices": [0]}, {"question_id": "q2", "choices": [0, 1, 2]}]),
            "ChoiceCount",
        ),
        (
            json!([{"question_id": "q1", "choices": [7]}]),
            "AnswerInvalid",
        ),
    ] {
        assert_eq!(
            answer(t, &sec_member, &sid, bad, now).await,
            ("rejected".into(), code.into())
        );
    }
    // A member of another union is not asked.
    assert_eq!(
        answer(
            t,
            &t.login(HUANG).await,
            &sid,
            json!([{"question_id": "q1", "choices": [0]}]),
            now
        )
        .await,
        ("rejected".into(), "MembersOnly".into())
    );
    let (s, r) = results(t, &sec, &sid).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["responses"], 1);
    assert_eq!(r["questions"][0]["counts"], json!([0, 1, 0]));
    assert_eq!(r["questions"][1]["counts"], json!([1, 1, 0]));
    assert_eq!(r["questions"][2]["mean_x100"], 400);
    // A changeable vote: the answer is replaced, still one response.
    let sid2 = save_survey(t, &sec, vote(t, json!({"changeable": true}))).await;
    let a = json!([{"question_id": "q1", "choices": [0]}]);
    let b = json!([{"question_id": "q1", "choices": [2]}]);
    assert_eq!(answer(t, &m, &sid2, a, now).await.0, "applied");
    assert_eq!(answer(t, &m, &sid2, b, now).await.0, "applied");
    let (_, r) = results(t, &sec, &sid2).await;
    assert_eq!(r["responses"], 1);
    assert_eq!(r["questions"][0]["counts"], json!([0, 0, 1]));
    // After the close (and its grace for phones that were offline) nothing is taken.
    t.clock.advance_ms(24 * HOUR + 25 * HOUR);
    let sec_member = t.login(WANG).await;
    let sec = t.login(ZHANG).await;
    assert_eq!(
        answer(
            t,
            &sec_member,
            &sid2,
            json!([{"question_id": "q1", "choices": [0]}]),
            t.state.now()
        )
        .await,
        ("rejected".into(), "SurveyClosed".into())
    );
    // The export lists the answers.
    let (s, x, _) = get_bytes(t, &sec, &format!("/api/v1/surveys/{sid}/export")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(unzip_text(&x).contains("希望安排在秋季"));
}

async fn anonymous_results_and_who_sees_them(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let sid = save_survey(
        t,
        &sec,
        vote(t, json!({"anonymous": true, "results": "after_answer"})),
    )
    .await;
    let now = t.state.now();
    let m = t.login(OUYANG).await;
    // Before answering, a member does not see the tally.
    let (s, v) = results(t, &m, &sid).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::FORBIDDEN, json!("ResultsHidden"))
    );
    let ans = json!([{"question_id": "q1", "choices": [0]}, {"question_id": "q4", "text": "欧阳的私人意见"}]);
    assert_eq!(answer(t, &m, &sid, ans, now).await.0, "applied");
    let (s, v) = results(t, &m, &sid).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["questions"][0]["counts"], json!([1, 0, 0]));
    assert_eq!(
        v["questions"][3]["texts"],
        json!([]),
        "answerers never see free text"
    );
    // The organiser sees the text, but no name beside it, in the tally or the export.
    let (_, v) = results(t, &sec, &sid).await;
    assert_eq!(v["questions"][3]["texts"], json!(["欧阳的私人意见"]));
    let (_, x, _) = get_bytes(t, &sec, &format!("/api/v1/surveys/{sid}/export")).await;
    let text = unzip_text(&x);
    assert!(text.contains("欧阳的私人意见"));
    assert!(
        !text.contains("欧阳*") && !text.contains("欧阳娜娜"),
        "{text}"
    );
    // Results only for organisers: a member who answered still does not see them.
    let sid2 = save_survey(t, &sec, vote(t, json!({"results": "organisers"}))).await;
    assert_eq!(
        answer(
            t,
            &m,
            &sid2,
            json!([{"question_id": "q1", "choices": [0]}]),
            now
        )
        .await
        .0,
        "applied"
    );
    let (s, _) = results(t, &m, &sid2).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Another union's secretary is no organiser here.
    let (s, _) = results(t, &t.login(LI).await, &sid2).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

// ---------------------------------------------------------------- lottery

async fn the_draw_is_committed_and_can_be_run_again(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let (s, l) = t
        .call(
            "POST",
            "/api/v1/lotteries",
            Some(&sec),
            Some(json!({"node_id": njmu(), "title": "年会抽奖", "prizes": [
                {"name": "一等奖 · 扫地机器人", "count": 1},
                {"name": "二等奖 · 保温杯", "count": 2},
            ]})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let lid = l["id"].as_str().unwrap().to_owned();
    let commitment = l["body"]["seed_commitment"].as_str().unwrap().to_owned();
    assert!(
        l["body"].get("seed").is_none(),
        "the seed stays secret until the draw"
    );
    let (s, code) = t
        .call(
            "GET",
            &format!("/api/v1/lotteries/{lid}/code"),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{code}");
    let code = code["text"].as_str().unwrap().to_owned();
    // Four people of the organisation scan the code; one of them twice.
    let people = [OUYANG, ZHANG, WANG, REVIEWER];
    for p in people {
        let tok = t.login(p).await;
        let (s, v) = t
            .call(
                "POST",
                "/api/v1/lotteries/entries",
                Some(&tok),
                Some(json!({"items": [{"id": Uuid::now_v7(), "code": code, "at": t.state.now()}]})),
            )
            .await;
        assert_eq!(
            (s, codes(&v)[0].0.as_str()),
            (StatusCode::OK, "applied"),
            "{v}"
        );
    }
    let m = t.login(OUYANG).await;
    let (_, v) = t
        .call(
            "POST",
            "/api/v1/lotteries/entries",
            Some(&m),
            Some(json!({"items": [{"id": Uuid::now_v7(), "code": code, "at": t.state.now()}]})),
        )
        .await;
    assert_eq!(codes(&v)[0].0, "duplicate", "one entry per person");
    // Not of the organisation: no entry.
    let (_, v) = t
        .call(
            "POST",
            "/api/v1/lotteries/entries",
            Some(&t.login(HUANG).await),
            Some(json!({"items": [{"id": Uuid::now_v7(), "code": code, "at": t.state.now()}]})),
        )
        .await;
    assert_eq!(codes(&v)[0].0, "rejected");
    let (s, before) = t
        .call(
            "GET",
            &format!("/api/v1/lotteries/{lid}/entrants"),
            Some(&m),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{before}");
    assert_eq!(before["entries"].as_array().unwrap().len(), 4);
    assert!(before["seed"].is_null());
    // A member cannot draw; the secretary draws once.
    let (s, _) = t
        .call(
            "POST",
            &format!("/api/v1/lotteries/{lid}/draw"),
            Some(&m),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, drawn) = t
        .call(
            "POST",
            &format!("/api/v1/lotteries/{lid}/draw"),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{drawn}");
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/lotteries/{lid}/draw"),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("LotteryDrawn"))
    );
    // Anyone can check: the seed matches the commitment, the entrants the digest, and
    // running the draw again gives the same winners.
    let (_, pub_) = t
        .call(
            "GET",
            &format!("/api/v1/lotteries/{lid}/entrants"),
            Some(&m),
            None,
        )
        .await;
    let seed = pub_["seed"].as_str().unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(hex::decode(seed).unwrap())),
        commitment
    );
    let ids: Vec<Uuid> = pub_["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry_id"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut h = Sha256::new();
    for i in &ids {
        h.update(i.as_bytes());
    }
    assert_eq!(
        hex::encode(h.finalize()),
        drawn["body"]["entrants_digest"].as_str().unwrap()
    );
    let prizes = vec![
        Prize {
            name: "一等奖 · 扫地机器人".into(),
            count: 1,
        },
        Prize {
            name: "二等奖 · 保温杯".into(),
            count: 2,
        },
    ];
    let again = draw(seed, &ids, &prizes).unwrap();
    let winners: Vec<Vec<String>> = drawn["body"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["winners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["entry_id"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect();
    let expected: Vec<Vec<String>> = again
        .iter()
        .map(|ws| ws.iter().map(|&i| ids[i].to_string()).collect())
        .collect();
    assert_eq!(winners, expected);
    assert_eq!(winners.concat().len(), 3);
    // Winners hear it; no entry after the draw.
    let mut told = 0;
    for p in people {
        let n = pull(t, &t.login(p).await, "notification").await;
        told += n
            .iter()
            .filter(|x| x["body"]["title"] == "恭喜中奖")
            .count();
    }
    assert_eq!(told, 3);
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/lotteries/{lid}/code"),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("LotteryDrawn"))
    );
}

// ---------------------------------------------------------------- authorisation

async fn who_may_do_what(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let li = t.login(LI).await;
    let m = t.login(OUYANG).await;
    let body = event_body(t, json!({}));
    // Another union's secretary, or a member, cannot make an event here.
    for tok in [&li, &m] {
        let (s, _) = t
            .call(
                "POST",
                "/api/v1/events",
                Some(tok),
                Some(json!({"node_id": njmu(), "event": body})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, _) = t
        .call(
            "POST",
            "/api/v1/events",
            None,
            Some(json!({"node_id": njmu(), "event": body})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let e = save_event(t, &sec, body).await;
    let id = e["id"].as_str().unwrap();
    let (_, r) = register(t, &m, id).await;
    for uri in [
        format!("/api/v1/events/{id}/registrations"),
        format!("/api/v1/events/{id}/report"),
        format!("/api/v1/events/{id}/venue-code?direction=in"),
    ] {
        for tok in [&li, &m] {
            let (s, _) = t.call("GET", &uri, Some(tok), None).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{uri}");
        }
    }
    let (s, _) = t
        .call(
            "POST",
            &format!(
                "/api/v1/registrations/{}/decision",
                r["id"].as_str().unwrap()
            ),
            Some(&li),
            Some(json!({"approve": false, "reason": "不是本单位"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The registration list masks names; it never shows phones or ID numbers.
    let list = registrations(t, &sec, id).await;
    let text = list[0].to_string();
    assert!(!text.contains(OUYANG), "{text}");
    // Invalid settings are refused with a specific code.
    for (bad, code) in [
        (json!({"title": ""}), "EventInvalid"),
        (json!({"capacity": 0}), "EventSettingsInvalid"),
        (json!({"fee_fen": -1}), "EventSettingsInvalid"),
    ] {
        let (s, v) = t
            .call(
                "POST",
                "/api/v1/events",
                Some(&sec),
                Some(json!({"node_id": njmu(), "event": event_body(t, bad)})),
            )
            .await;
        assert_eq!(
            (s, v["code"].clone()),
            (StatusCode::BAD_REQUEST, json!(code))
        );
    }
}

async fn no_5xx_on_the_events_endpoints(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let e = save_event(t, &sec, event_body(t, json!({}))).await;
    let id = e["id"].as_str().unwrap();
    let junk = [
        json!(null),
        json!([]),
        json!({"items": "x"}),
        json!({"items": [{"id": "nope"}]}),
        json!({"items": [{"id": Uuid::now_v7(), "code": "", "at": -1}]}),
        json!({"items": [{"id": Uuid::now_v7(), "survey_id": Uuid::now_v7(), "answers": [], "answered_at": 0}]}),
        json!({"id": "not-a-uuid"}),
        json!({"approve": "yes"}),
        json!({"node_id": Uuid::now_v7(), "event": {"title": "x", "starts_at": 0, "ends_at": 1}}),
        json!({"node_id": njmu(), "title": "x", "prizes": []}),
        json!({"node_id": njmu(), "title": "x", "prizes": [{"name": "a", "count": 100000000}]}),
        json!({"id": Uuid::now_v7(), "ticket_id": Uuid::now_v7(), "direction": "sideways", "reason": "x"}),
    ];
    let unknown = Uuid::now_v7();
    let posts = [
        "/api/v1/events".to_owned(),
        "/api/v1/events/checkins".to_owned(),
        format!("/api/v1/events/{id}/registrations"),
        format!("/api/v1/events/{unknown}/registrations"),
        format!("/api/v1/events/{id}/manual-checkin"),
        format!("/api/v1/registrations/{unknown}/cancel"),
        format!("/api/v1/registrations/{unknown}/decision"),
        "/api/v1/surveys".to_owned(),
        "/api/v1/surveys/answers".to_owned(),
        "/api/v1/lotteries".to_owned(),
        "/api/v1/lotteries/entries".to_owned(),
        format!("/api/v1/lotteries/{unknown}/draw"),
        "/api/v1/registrations/not-a-uuid/cancel".to_owned(),
    ];
    for tok in [Some(sec.as_str()), None] {
        for p in &posts {
            for j in &junk {
                let (s, v) = t.call("POST", p, tok, Some(j.clone())).await;
                if s.is_success() {
                    // A batch answers item by item: each bad item refused.
                    assert!(
                        p.ends_with("checkins") || p.ends_with("answers") || p.ends_with("entries"),
                        "{p} {j} -> {s} {v}"
                    );
                    assert!(
                        codes(&v).iter().all(|(st, _)| st == "rejected"),
                        "{p} {j} -> {v}"
                    );
                } else {
                    assert!(s.is_client_error(), "{p} {j} -> {s} {v}");
                }
            }
        }
    }
    let gets = [
        format!("/api/v1/events/{unknown}/report"),
        format!("/api/v1/events/{unknown}/report/export"),
        format!("/api/v1/events/{id}/venue-poster?direction=up"),
        format!("/api/v1/events/{id}/venue-poster"),
        format!("/api/v1/surveys/{unknown}/results"),
        format!("/api/v1/surveys/{unknown}/export"),
        format!("/api/v1/lotteries/{unknown}/code"),
        format!("/api/v1/lotteries/{unknown}/poster"),
        format!("/api/v1/lotteries/{unknown}/entrants"),
        "/api/v1/lotteries/x/entrants".to_owned(),
    ];
    for g in &gets {
        let (s, v) = t.call("GET", g, Some(&sec), None).await;
        assert!(s.is_client_error(), "{g} -> {s} {v}");
    }
}

async fn the_demo_has_events_a_vote_a_survey_and_a_lottery(t: &TestApp) {
    let m = t.login(OUYANG).await;
    let events = pull(t, &m, "event").await;
    let sports = events
        .iter()
        .find(|e| e["id"] == demo_id("event:sports-day").to_string())
        .expect("the sports day");
    assert_eq!(sports["body"]["capacity"], 30);
    let (s, r) = register(t, &m, sports["id"].as_str().unwrap()).await;
    assert_eq!(
        (s, r["body"]["status"].clone()),
        (StatusCode::CREATED, json!("confirmed"))
    );
    let party = demo_id("event:new-year-party").to_string();
    let (_, r) = register(t, &m, &party).await;
    assert_eq!(r["body"]["status"], "pending", "the party needs approval");
    let surveys = pull(t, &m, "survey").await;
    assert_eq!(surveys.len(), 2);
    let vote = demo_id("survey:trip-vote").to_string();
    assert_eq!(
        answer(
            t,
            &m,
            &vote,
            json!([{"question_id": "q1", "choices": [1]}]),
            t.state.now()
        )
        .await
        .0,
        "applied"
    );
    let lotteries = pull(t, &m, "lottery").await;
    assert_eq!(lotteries.len(), 1);
    assert_eq!(
        lotteries[0]["body"]["seed_commitment"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    let sec = t.login(ZHANG).await;
    let (s, code) = t
        .call(
            "GET",
            &format!(
                "/api/v1/lotteries/{}/code",
                lotteries[0]["id"].as_str().unwrap()
            ),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{code}");
}
