//! Dues and payments over HTTP (issue 6): rules, the dues job and billing by hand;
//! online payment through the sandbox provider (signature, replay, expiry, amount,
//! order of arrival); offline payment with a chunked proof upload, edited or deleted
//! by the payer, confirmed or rejected by the secretary, conflicts and replays; image
//! bombs and non-images; the ledger, its export and receipts; who may do what. Every
//! test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use http_body_util::BodyExt;
use huiji_domain::time::{parse_date, start_ms_cst, today_cst};
use huiji_server::demo::demo_id;
use huiji_server::pay::sandbox::{self, SandboxNotice};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use uuid::Uuid;

on_both_backends!(
    demo_bills_this_period_and_the_ledger_totals_it,
    online_payment_settles_once_whatever_the_provider_sends,
    a_lost_notification_is_recovered_by_asking_the_provider,
    offline_payment_with_a_proof_is_confirmed_by_the_secretary,
    the_payer_edits_or_deletes_until_confirmed,
    the_same_submission_sent_again_is_recorded_once,
    a_second_admin_deciding_gets_a_conflict,
    uploads_resume_and_bad_images_are_refused,
    rules_the_job_and_billing_by_hand,
    who_may_do_what,
    the_export_carries_the_ledger,
    no_5xx_on_the_dues_endpoints,
);

const ZHANG: &str = "13900000001"; // secretary of 南京医科大学工会
const LI: &str = "13900000002"; // secretary of 南京大学工会
const ZHOU: &str = "13900000007"; // secretary of 江苏省互联网协会
const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const HUANG: &str = "13800000002"; // member of 南京大学工会
const NJMU: &str = "南京医科大学工会";

fn year(t: &TestApp) -> String {
    today_cst(t.state.now()).year.to_string()
}

fn today(t: &TestApp) -> String {
    today_cst(t.state.now()).to_string()
}

fn set_today(t: &TestApp, date: &str) {
    let target = start_ms_cst(parse_date(date).unwrap()) + 10 * 3_600_000;
    t.clock.advance_ms(target - t.state.now());
}

async fn pull(t: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    t.pull_kind(token, kind).await
}

/// The member's order for `period` (the demo bills this year at start).
async fn order_of(t: &TestApp, token: &str, period: &str) -> Value {
    pull(t, token, "dues_order")
        .await
        .into_iter()
        .find(|r| r["body"]["period"] == period && r["deleted"] == false)
        .unwrap_or_else(|| panic!("no order for {period}"))
}

async fn record(t: &TestApp, token: &str, id: &str) -> Value {
    pull(t, token, "dues_order")
        .await
        .into_iter()
        .chain(pull(t, token, "payment").await)
        .chain(pull(t, token, "membership").await)
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no record {id}"))
}

async fn raw_bytes(t: &TestApp, req: Request<Body>) -> (StatusCode, Vec<u8>, String) {
    let resp = t.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    (
        status,
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
        ctype,
    )
}

async fn get_bytes(t: &TestApp, token: Option<&str>, uri: &str) -> (StatusCode, Vec<u8>, String) {
    let mut b = Request::builder().uri(uri);
    if let Some(tok) = token {
        b = b.header("authorization", format!("Bearer {tok}"));
    }
    raw_bytes(t, b.body(Body::empty()).unwrap()).await
}

// ---------------------------------------------------------------- online helpers

async fn start_online(t: &TestApp, token: &str, order: &str) -> Value {
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/payments/online",
            Some(token),
            Some(json!({"id": Uuid::now_v7(), "order_id": order})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn otn(started: &Value) -> String {
    started["payment"]["body"]["out_trade_no"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Posts a notification as the sandbox would, signed with its key (or `key`).
async fn notify(
    t: &TestApp,
    notice: &SandboxNotice,
    nonce: &str,
    at_ms: i64,
    key: Option<&[u8]>,
) -> (StatusCode, Value) {
    let body = serde_json::to_vec(notice).unwrap();
    let k = key
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| t.state.sandbox_key().unwrap());
    let headers = sandbox::signed_headers(&k, at_ms, nonce, &body);
    let mut b = Request::builder()
        .method("POST")
        .uri("/api/v1/payments/notify/sandbox")
        .header("content-type", "application/json");
    for (name, v) in &headers {
        b = b.header(name, v);
    }
    t.raw(b.body(Body::from(body)).unwrap()).await
}

fn paid(otn: &str, amount: i64) -> SandboxNotice {
    sandbox::notice_of(otn, "SUCCESS", amount, Some("SBX0001".into()), None)
}

async fn ledger(t: &TestApp, token: &str, query: &str) -> Value {
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/payments/ledger?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

// ---------------------------------------------------------------- offline helpers

fn noisy_jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    let img = image::RgbImage::from_fn(w, h, |px, py| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([
            (x & 0xff) as u8,
            ((px * 3) & 0xff) as u8,
            ((py * 5) & 0xff) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

async fn put_chunk(
    t: &TestApp,
    token: &str,
    id: &str,
    offset: usize,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method("PUT")
        .uri(format!("/api/v1/uploads/{id}?offset={offset}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    t.raw(req).await
}

/// Uploads `bytes` in pieces of `chunk`; returns the last answer.
async fn upload(t: &TestApp, token: &str, bytes: &[u8], chunk: usize) -> (StatusCode, Value) {
    let id = Uuid::now_v7().to_string();
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/uploads",
            Some(token),
            Some(json!({"id": id, "name": "转账截图.jpg", "size": bytes.len(), "sha256": hex::encode(Sha256::digest(bytes))})),
        )
        .await;
    if s != StatusCode::OK {
        return (s, v);
    }
    let mut last = (s, v);
    for (i, piece) in bytes.chunks(chunk).enumerate() {
        last = put_chunk(t, token, &id, i * chunk, piece).await;
        if last.0 != StatusCode::OK {
            return last;
        }
    }
    last
}

async fn proof_id(t: &TestApp, token: &str) -> String {
    let (s, v) = upload(t, token, &noisy_jpeg(900, 600, 7), 64 * 1024).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["proof"].is_object(), "{v}");
    v["id"].as_str().unwrap().to_owned()
}

fn offline(order: &str, amount: i64, method: &str, proof: Option<&str>, paid_on: &str) -> Value {
    json!({
        "id": Uuid::now_v7(),
        "order_id": order,
        "form": {"amount_fen": amount, "paid_on": paid_on, "method": method, "reference": "工行 6222****0001"},
        "proof_upload_id": proof,
    })
}

async fn submit(t: &TestApp, token: &str, req: &Value) -> (StatusCode, Value) {
    t.call(
        "POST",
        "/api/v1/payments/offline",
        Some(token),
        Some(req.clone()),
    )
    .await
}

async fn act(t: &TestApp, token: &str, payment: &Value, action: Value) -> Value {
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/payments/actions",
            Some(token),
            Some(json!({"actions": [{"action_id": Uuid::now_v7(), "payment_id": payment["id"], "base_version": payment["version"], "action": action}]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["results"][0].clone()
}

// ---------------------------------------------------------------- tests

async fn demo_bills_this_period_and_the_ledger_totals_it(t: &TestApp) {
    let y = year(t);
    let ouyang = t.login(OUYANG).await;
    let o = order_of(t, &ouyang, &y).await;
    assert_eq!(o["body"]["amount_fen"], 24_000, "{o}");
    assert_eq!(o["body"]["status"], "pending");
    assert_eq!(o["body"]["due_on"], format!("{y}-01-31"));
    // The monthly union bills the current month.
    let huang = t.login(HUANG).await;
    let month = &today(t)[..7];
    assert_eq!(
        order_of(t, &huang, month).await["body"]["amount_fen"],
        2_000
    );
    // The association's secretary: one online payment confirmed, one transfer waiting.
    let zhou = t.login(ZHOU).await;
    let l = ledger(t, &zhou, "").await;
    assert_eq!(l["totals"]["count"], 2, "{l}");
    assert_eq!(l["totals"]["confirmed_fen"], 1_000_000);
    assert_eq!(l["totals"]["pending_fen"], 1_000_000);
    let p = l["by_period"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == y.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (p["orders"].clone(), p["paid_orders"].clone()),
        (json!(2), json!(1)),
        "{p}"
    );
    assert_eq!(p["due_fen"], 3_000_000);
    assert_eq!(p["outstanding_fen"], 2_000_000);
    let waiting = ledger(t, &zhou, "status=submitted").await;
    assert_eq!(waiting["rows"][0]["payer"], "江苏测试网络科技有限公司");
    assert_eq!(waiting["rows"][0]["method"], "bank_transfer");
    // Loading the demo again bills nothing twice.
    huiji_server::demo::load(&t.state).await.unwrap();
    huiji_server::dues::orders::bill_current(&t.state)
        .await
        .unwrap();
    let orders = pull(t, &ouyang, "dues_order").await;
    assert_eq!(
        orders
            .iter()
            .filter(|o| o["body"]["period"] == y.as_str())
            .count(),
        1
    );
}

async fn online_payment_settles_once_whatever_the_provider_sends(t: &TestApp) {
    let y = year(t);
    let token = t.login(OUYANG).await;
    let o = order_of(t, &token, &y).await;
    let started = start_online(t, &token, o["id"].as_str().unwrap()).await;
    assert_eq!(started["payment"]["body"]["status"], "created");
    assert_eq!(started["payment"]["body"]["amount_fen"], 24_000);
    let out = otn(&started);
    // The sandbox's page (no login) shows what is paid and to whom.
    let url = started["pay_url"].as_str().unwrap();
    let path = &url[url.find("/sandbox/").unwrap()..];
    let (s, html, _) = get_bytes(t, None, path).await;
    let html = String::from_utf8(html).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("240.00") && html.contains(NJMU) && html.contains("确认支付"),
        "{html}"
    );

    let now = t.state.now();
    // Forged: signed with another key.
    let (s, v) = notify(
        t,
        &paid(&out, 24_000),
        "n-forged",
        now,
        Some(b"not the merchant key"),
    )
    .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("NotifySignatureInvalid"))
    );
    // Stale: a captured notification sent ten minutes late.
    let (s, v) = notify(t, &paid(&out, 24_000), "n-stale", now - 600_000, None).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("NotifyExpired"))
    );
    // A different amount than asked: refused, nothing recorded.
    let (s, v) = notify(t, &paid(&out, 1), "n-amount", now, None).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("AmountMismatch"))
    );
    let pid = started["payment"]["id"].as_str().unwrap();
    assert_eq!(record(t, &token, pid).await["body"]["status"], "created");
    // The real one: paid, receipt numbered, the order settled, the member told.
    let (s, v) = notify(t, &paid(&out, 24_000), "n-1", now, None).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::OK, json!("SUCCESS")),
        "{v}"
    );
    let p = record(t, &token, pid).await;
    assert_eq!(p["body"]["status"], "confirmed");
    assert_eq!(p["body"]["reference"], "SBX0001");
    assert!(p["body"]["receipt_no"].as_str().unwrap().starts_with("SJ"));
    let version = p["version"].clone();
    let o2 = record(t, &token, o["id"].as_str().unwrap()).await;
    assert_eq!(
        (o2["body"]["status"].clone(), o2["body"]["paid_fen"].clone()),
        (json!("paid"), json!(24_000))
    );
    let inbox = pull(t, &token, "notification").await;
    assert!(
        inbox
            .iter()
            .any(|n| n["body"]["title"] == "缴费成功" && n["body"]["payment_id"] == pid),
        "{inbox:?}"
    );
    // Replayed with its nonce: refused. Delivered again (new nonce) and a late CLOSED:
    // acknowledged, nothing changes.
    let (s, v) = notify(t, &paid(&out, 24_000), "n-1", now, None).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::CONFLICT, json!("NotifyReplayed"))
    );
    let (s, _) = notify(t, &paid(&out, 24_000), "n-2", now, None).await;
    assert_eq!(s, StatusCode::OK);
    let closed = sandbox::notice_of(&out, "CLOSED", 24_000, None, None);
    let (s, _) = notify(t, &closed, "n-3", now, None).await;
    assert_eq!(s, StatusCode::OK);
    let p = record(t, &token, pid).await;
    assert_eq!(
        (p["version"].clone(), p["body"]["status"].clone()),
        (version, json!("confirmed"))
    );
    let zhang = t.login(ZHANG).await;
    let l = ledger(t, &zhang, &format!("period={y}&method=online")).await;
    assert_eq!(
        (
            l["totals"]["count"].clone(),
            l["totals"]["confirmed_fen"].clone()
        ),
        (json!(1), json!(24_000)),
        "{l}"
    );
    // Paid in full: no further payment is taken.
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/payments/online",
            Some(&token),
            Some(json!({"id": Uuid::now_v7(), "order_id": o["id"]})),
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("OrderSettled"))
    );
    // Reordered: a CLOSED that arrives first closes a trade; its SUCCESS still counts.
    let zs = t.login(ZHANG).await;
    let zo = order_of(t, &zs, &y).await;
    let z = start_online(t, &zs, zo["id"].as_str().unwrap()).await;
    let zotn = otn(&z);
    let (s, _) = notify(
        t,
        &sandbox::notice_of(&zotn, "CLOSED", 24_000, None, None),
        "z-1",
        now,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        record(t, &zs, z["payment"]["id"].as_str().unwrap()).await["body"]["status"],
        "closed"
    );
    let (s, _) = notify(t, &paid(&zotn, 24_000), "z-2", now, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        record(t, &zs, z["payment"]["id"].as_str().unwrap()).await["body"]["status"],
        "confirmed"
    );
    // A trade nobody started.
    let (s, _) = notify(
        t,
        &paid("0123456789abcdef0123456789abcdef", 1),
        "x-1",
        now,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn a_lost_notification_is_recovered_by_asking_the_provider(t: &TestApp) {
    let token = t.login(OUYANG).await;
    let o = order_of(t, &token, &year(t)).await;
    // Amounts that are not money to pay are refused as such; more than is due too.
    for (bad, code) in [
        (0, "AmountInvalid"),
        (-100, "AmountInvalid"),
        (100_000_001, "AmountInvalid"),
        (24_001, "AmountExceedsBalance"),
    ] {
        let (s, v) = t
            .call(
                "POST",
                "/api/v1/payments/online",
                Some(&token),
                Some(json!({"id": Uuid::now_v7(), "order_id": o["id"], "amount_fen": bad})),
            )
            .await;
        assert_eq!(
            (s, v["code"].clone()),
            (StatusCode::BAD_REQUEST, json!(code)),
            "{bad}"
        );
    }
    let started = start_online(t, &token, o["id"].as_str().unwrap()).await;
    // Started again (another tap, a new id) while it is open: the same trade, never a
    // second one that could be paid too.
    let (s, twice) = t
        .call(
            "POST",
            "/api/v1/payments/online",
            Some(&token),
            Some(json!({"id": Uuid::now_v7(), "order_id": o["id"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{twice}");
    assert_eq!(twice["payment"]["id"], started["payment"]["id"]);
    // The same id again answers the same trade.
    let (s, again) = t
        .call(
            "POST",
            "/api/v1/payments/online",
            Some(&token),
            Some(json!({"id": started["payment"]["id"], "order_id": o["id"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["pay_url"], started["pay_url"]);
    // The payer pays on the sandbox page; its notification never arrives (no listener).
    let url = started["pay_url"].as_str().unwrap();
    let path = format!("{}/pay", &url[url.find("/sandbox/").unwrap()..]);
    let (s, html, _) = raw_bytes(
        t,
        Request::builder()
            .method("POST")
            .uri(&path)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8(html).unwrap().contains("支付成功"));
    let id = started["payment"]["id"].as_str().unwrap();
    let (_, plain) = t
        .call("GET", &format!("/api/v1/payments/{id}"), Some(&token), None)
        .await;
    assert_eq!(plain["body"]["status"], "created");
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/payments/{id}?refresh=true"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["body"]["status"], "confirmed");
    // An abandoned trade closes once it expires.
    let huang = t.login(HUANG).await;
    let month = &today(t)[..7];
    let ho = order_of(t, &huang, month).await;
    let h = start_online(t, &huang, ho["id"].as_str().unwrap()).await;
    t.clock.advance_ms(31 * 60 * 1000);
    let hid = h["payment"]["id"].as_str().unwrap();
    let (_, v) = t
        .call(
            "GET",
            &format!("/api/v1/payments/{hid}?refresh=true"),
            Some(&huang),
            None,
        )
        .await;
    assert_eq!(v["body"]["status"], "closed", "{v}");
}

async fn offline_payment_with_a_proof_is_confirmed_by_the_secretary(t: &TestApp) {
    let y = year(t);
    let member = t.login(OUYANG).await;
    let o = order_of(t, &member, &y).await;
    let proof = proof_id(t, &member).await;
    let req = offline(
        o["id"].as_str().unwrap(),
        24_000,
        "bank_transfer",
        Some(&proof),
        &today(t),
    );
    let (s, p) = submit(t, &member, &req).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["body"]["status"], "submitted");
    let w = p["body"]["proof"]["width"].as_u64().unwrap();
    assert!(w > 0 && w <= 2560, "{p}");
    let o1 = record(t, &member, o["id"].as_str().unwrap()).await;
    assert_eq!(
        (
            o1["body"]["pending_fen"].clone(),
            o1["body"]["status"].clone()
        ),
        (json!(24_000), json!("pending"))
    );
    // More than is left (the waiting one counts) is refused.
    let (s, v) = submit(
        t,
        &member,
        &offline(o["id"].as_str().unwrap(), 1, "cash", None, &today(t)),
    )
    .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("AmountExceedsBalance"))
    );
    // The secretary has it on the device, sees the proof, confirms.
    let zhang = t.login(ZHANG).await;
    let mine = pull(t, &zhang, "payment").await;
    let on_device = mine.iter().find(|r| r["id"] == p["id"]).unwrap().clone();
    let pid = p["id"].as_str().unwrap();
    let (s, thumb, ctype) = get_bytes(
        t,
        Some(&zhang),
        &format!("/api/v1/payments/{pid}/proof?thumb=true"),
    )
    .await;
    assert_eq!((s, ctype.as_str()), (StatusCode::OK, "image/jpeg"));
    let img = image::load_from_memory(&thumb).unwrap();
    assert!(img.width() <= 320 && img.height() <= 320);
    let r = act(t, &zhang, &on_device, json!({"action": "confirm"})).await;
    assert_eq!(r["status"], "applied", "{r}");
    let c = r["current"].clone();
    assert_eq!(c["body"]["status"], "confirmed");
    assert_eq!(c["body"]["decided_by"]["name"], "张靖");
    let o2 = record(t, &member, o["id"].as_str().unwrap()).await;
    assert_eq!(
        (
            o2["body"]["status"].clone(),
            o2["body"]["paid_fen"].clone(),
            o2["body"]["pending_fen"].clone()
        ),
        (json!("paid"), json!(24_000), json!(0))
    );
    // Confirmed: the payer can no longer change it.
    let r = act(t, &member, &c, json!({"action": "delete"})).await;
    assert_eq!(
        (r["status"].clone(), r["code"].clone()),
        (json!("rejected"), json!("PaymentConfirmed"))
    );
    // A receipt, whose QR leads to a public check.
    let (s, pdf, ctype) =
        get_bytes(t, Some(&member), &format!("/api/v1/payments/{pid}/receipt")).await;
    assert_eq!((s, ctype.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let no = c["body"]["receipt_no"].as_str().unwrap();
    let text = String::from_utf8_lossy(&pdf).into_owned();
    assert!(text.contains(no), "receipt number drawn in the PDF");
    let (s, bad, _) = get_bytes(t, None, &format!("/receipts/{no}?k=00")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8(bad)
        .unwrap()
        .contains("data-genuine=\"false\""));
    // The URL (with its key) is inside the QR; the key is what the server computes.
    let k = huiji_server_receipt_key(t, no).await;
    let (s, good, _) = get_bytes(t, None, &format!("/receipts/{no}?k={k}")).await;
    let good = String::from_utf8(good).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(good.contains("data-genuine=\"true\""), "{good}");
    assert!(
        good.contains("欧阳**") && !good.contains("欧阳娜娜"),
        "the payer masked: {good}"
    );
    // The inbox says so.
    let inbox = pull(t, &member, "notification").await;
    assert!(inbox.iter().any(|n| n["body"]["title"] == "缴费已确认"));
}

/// The key a receipt's QR carries, as the server computes it.
async fn huiji_server_receipt_key(t: &TestApp, no: &str) -> String {
    use hmac::{Hmac, Mac};
    use sqlx::Row;
    let row = sqlx::query("SELECT value FROM server_secrets WHERE name = 'receipt_key'")
        .fetch_one(&t.state.db.pool)
        .await
        .unwrap();
    let key = hex::decode(row.try_get::<String, _>(0).unwrap()).unwrap();
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(no.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..10])
}

async fn the_payer_edits_or_deletes_until_confirmed(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let zhang = t.login(ZHANG).await;
    let o = order_of(t, &member, &year(t)).await;
    let oid = o["id"].as_str().unwrap();
    let (s, p) = submit(t, &member, &offline(oid, 10_000, "cash", None, &today(t))).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    // Edit: a new amount and method; a bank transfer now needs its proof.
    let form = json!({"amount_fen": 12_000, "paid_on": today(t), "method": "bank_transfer"});
    let r = act(t, &member, &p, json!({"action": "edit", "form": form})).await;
    assert_eq!(r["code"], "ProofRequired", "{r}");
    let proof = proof_id(t, &member).await;
    let r = act(
        t,
        &member,
        &p,
        json!({"action": "edit", "form": form, "proof_upload_id": proof}),
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");
    let p2 = r["current"].clone();
    assert_eq!(
        (
            p2["body"]["amount_fen"].clone(),
            p2["body"]["method"].clone()
        ),
        (json!(12_000), json!("bank_transfer"))
    );
    assert!(p2["version"].as_i64() > p["version"].as_i64());
    assert_eq!(record(t, &member, oid).await["body"]["pending_fen"], 12_000);
    // The secretary rejects with a reason; the payer corrects it, then deletes it.
    let r = act(
        t,
        &zhang,
        &p2,
        json!({"action": "reject", "reason": "凭证金额与填写不符"}),
    )
    .await;
    assert_eq!(r["current"]["body"]["status"], "rejected");
    assert_eq!(record(t, &member, oid).await["body"]["pending_fen"], 0);
    let r = act(t, &member, &r["current"], json!({"action": "edit", "form": {"amount_fen": 24_000, "paid_on": today(t), "method": "cash"}})).await;
    assert_eq!(r["current"]["body"]["status"], "submitted", "{r}");
    assert_eq!(r["current"]["body"]["reason"], Value::Null);
    let r = act(t, &member, &r["current"], json!({"action": "delete"})).await;
    assert_eq!(r["status"], "applied", "{r}");
    assert_eq!(r["current"]["deleted"], true);
    let o2 = record(t, &member, oid).await;
    assert_eq!(
        (
            o2["body"]["pending_fen"].clone(),
            o2["body"]["status"].clone()
        ),
        (json!(0), json!("pending"))
    );
    let l = ledger(t, &zhang, "").await;
    assert!(
        l["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != p["id"]),
        "deleted: gone from the ledger"
    );
    // Somebody else's payment is not theirs to touch.
    let (_, q) = submit(t, &member, &offline(oid, 100, "cash", None, &today(t))).await;
    let r = act(
        t,
        &zhang,
        &q,
        json!({"action": "edit", "form": {"amount_fen": 1, "paid_on": today(t), "method": "cash"}}),
    )
    .await;
    assert_eq!(r["code"], "PaymentNotYours");
    // A date in the future is refused.
    let (s, v) = submit(t, &member, &offline(oid, 100, "cash", None, "2099-01-01")).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("PaidOnInvalid"))
    );
}

async fn the_same_submission_sent_again_is_recorded_once(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let o = order_of(t, &member, &year(t)).await;
    let req = offline(o["id"].as_str().unwrap(), 5_000, "cash", None, &today(t));
    let (s1, a) = submit(t, &member, &req).await;
    let (s2, b) = submit(t, &member, &req).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(a["id"], b["id"]);
    // Four copies at once (a flaky network's retries): one payment.
    let req2 = offline(o["id"].as_str().unwrap(), 6_000, "cash", None, &today(t));
    let answers = common::join_all((0..4).map(|_| submit(t, &member, &req2))).await;
    assert!(answers.iter().all(|(s, _)| s.is_success()), "{answers:?}");
    assert_eq!(
        answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count(),
        1
    );
    let payments = pull(t, &member, "payment").await;
    assert_eq!(payments.len(), 2, "{payments:?}");
    assert_eq!(
        record(t, &member, o["id"].as_str().unwrap()).await["body"]["pending_fen"],
        11_000
    );
    // The same id with other content is refused.
    let mut other = req.clone();
    other["form"]["amount_fen"] = json!(4_000);
    let (s, v) = submit(t, &member, &other).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("PaymentIdTaken"))
    );
}

async fn a_second_admin_deciding_gets_a_conflict(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let o = order_of(t, &member, &year(t)).await;
    let (_, p) = submit(
        t,
        &member,
        &offline(o["id"].as_str().unwrap(), 24_000, "cash", None, &today(t)),
    )
    .await;
    // A second secretary of the unit.
    sqlx::query("INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, 'secretary', $3, 0)")
        .bind(Uuid::now_v7().to_string())
        .bind(demo_id(LI).to_string())
        .bind(demo_id(NJMU).to_string())
        .execute(&t.state.db.writer)
        .await
        .unwrap();
    let zhang = t.login(ZHANG).await;
    let li = t.login(LI).await;
    // Both saw version 1 (offline on their desktops); 张靖 confirms first.
    let items = |action: Value| json!({"actions": [{"action_id": Uuid::now_v7(), "payment_id": p["id"], "base_version": p["version"], "action": action}]});
    let confirm = items(json!({"action": "confirm"}));
    let (_, a) = t
        .call(
            "POST",
            "/api/v1/payments/actions",
            Some(&zhang),
            Some(confirm.clone()),
        )
        .await;
    assert_eq!(a["results"][0]["status"], "applied");
    let (_, b) = t
        .call(
            "POST",
            "/api/v1/payments/actions",
            Some(&li),
            Some(items(json!({"action": "reject", "reason": "未到账"}))),
        )
        .await;
    let b = &b["results"][0];
    assert_eq!(b["status"], "conflict", "{b}");
    let reason = b["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("已由张靖于") && reason.contains("确认"),
        "{reason}"
    );
    assert_eq!(b["current"]["body"]["status"], "confirmed");
    // 张靖's action sent again (the answer was lost): a duplicate, nothing changes.
    let (_, again) = t
        .call(
            "POST",
            "/api/v1/payments/actions",
            Some(&zhang),
            Some(confirm),
        )
        .await;
    assert_eq!(again["results"][0]["status"], "duplicate");
    let l = ledger(t, &zhang, "status=confirmed").await;
    assert_eq!(l["totals"]["count"], 1);
    // Paid in full now: nothing more is taken.
    let (s, q) = submit(
        t,
        &member,
        &offline(o["id"].as_str().unwrap(), 1, "cash", None, &today(t)),
    )
    .await;
    assert_eq!(
        (s, q["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("OrderSettled"))
    );
}

async fn uploads_resume_and_bad_images_are_refused(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let jpeg = noisy_jpeg(1200, 800, 3);
    assert!(jpeg.len() > 200_000, "{}", jpeg.len());
    let id = Uuid::now_v7().to_string();
    let start = json!({"id": id, "name": "凭证.jpg", "size": jpeg.len(), "sha256": hex::encode(Sha256::digest(&jpeg))});
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/uploads",
            Some(&member),
            Some(start.clone()),
        )
        .await;
    assert_eq!((s, v["received"].clone()), (StatusCode::OK, json!(0)));
    let (s, v) = put_chunk(t, &member, &id, 0, &jpeg[..100_000]).await;
    assert_eq!((s, v["received"].clone()), (StatusCode::OK, json!(100_000)));
    // The connection drops; the same piece comes again, then a piece from the wrong place.
    let (s, v) = put_chunk(t, &member, &id, 0, &jpeg[..100_000]).await;
    assert_eq!((s, v["received"].clone()), (StatusCode::OK, json!(100_000)));
    let (s, v) = put_chunk(t, &member, &id, 150_000, &jpeg[150_000..160_000]).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::CONFLICT, json!("UploadOffsetMismatch"))
    );
    // Announced again after a restart: where it stands; then the rest.
    let (_, v) = t
        .call("POST", "/api/v1/uploads", Some(&member), Some(start))
        .await;
    let at = v["received"].as_u64().unwrap() as usize;
    let mut at = at;
    let mut last = json!(null);
    while at < jpeg.len() {
        let end = (at + 512 * 1024).min(jpeg.len());
        let (s, v) = put_chunk(t, &member, &id, at, &jpeg[at..end]).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        at = end;
        last = v;
    }
    assert!(last["proof"]["width"].as_u64().unwrap() > 0, "{last}");
    // Another person cannot see or use it.
    let zhang = t.login(ZHANG).await;
    let (s, _) = t
        .call("GET", &format!("/api/v1/uploads/{id}"), Some(&zhang), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Refused with a clear code.
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n".to_vec();
    let (s, v) = upload(t, &member, &pdf, 1024).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("ProofNotImage"))
    );
    let mut exe = b"MZ\x90\x00".to_vec();
    exe.resize(4096, 0);
    let (_, v) = upload(t, &member, &exe, 1024).await;
    assert_eq!(v["code"], "ProofNotImage");
    // A PNG that claims 100000 x 100000 pixels (a decompression bomb's header).
    let bomb = png_header(100_000, 100_000);
    let (s, v) = upload(t, &member, &bomb, 1024).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("ProofDimensions")),
        "{v}"
    );
    let mut broken = noisy_jpeg(200, 200, 1);
    broken.truncate(400);
    let (_, v) = upload(t, &member, &broken, 1024).await;
    assert_eq!(v["code"], "ProofUnreadable");
    let (s, v) = t
        .call("POST", "/api/v1/uploads", Some(&member), Some(json!({"id": Uuid::now_v7(), "name": "x.jpg", "size": 10 * 1024 * 1024 + 1, "sha256": "0".repeat(64)})))
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::PAYLOAD_TOO_LARGE, json!("ProofTooLarge"))
    );
    // Bytes that do not match the announced hash.
    let id2 = Uuid::now_v7().to_string();
    let small = noisy_jpeg(64, 64, 9);
    t.call(
        "POST",
        "/api/v1/uploads",
        Some(&member),
        Some(json!({"id": id2, "name": "a.jpg", "size": small.len(), "sha256": "ab".repeat(32)})),
    )
    .await;
    let (s, v) = put_chunk(t, &member, &id2, 0, &small).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("UploadCorrupt"))
    );
    // A refused upload cannot be used as a proof.
    let o = order_of(t, &member, &year(t)).await;
    let (s, v) = submit(
        t,
        &member,
        &offline(
            o["id"].as_str().unwrap(),
            100,
            "bank_transfer",
            Some(&id2),
            &today(t),
        ),
    )
    .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("ProofNotUploaded"))
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = b"IHDR".to_vec();
    chunk.extend(w.to_be_bytes());
    chunk.extend(h.to_be_bytes());
    chunk.extend([8, 0, 0, 0, 0]);
    out.extend(13u32.to_be_bytes());
    out.extend(&chunk);
    out.extend(crc32(&chunk).to_be_bytes());
    out.extend([0, 0, 0, 0]);
    out.extend(b"IEND");
    out.extend(crc32(b"IEND").to_be_bytes());
    out
}

async fn rules_the_job_and_billing_by_hand(t: &TestApp) {
    let zhang = t.login(ZHANG).await;
    let y: i32 = year(t).parse().unwrap();
    // By hand: next year for everyone there (the yearly rule), then again: nothing new.
    let next = (y + 1).to_string();
    let (s, rep) = t
        .call(
            "POST",
            "/api/v1/dues/orders/generate",
            Some(&zhang),
            Some(json!({"unit_id": demo_id(NJMU), "period": next})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rep}");
    assert_eq!(rep["created"], 2, "欧阳娜娜 and 张靖: {rep}");
    let (_, rep) = t
        .call(
            "POST",
            "/api/v1/dues/orders/generate",
            Some(&zhang),
            Some(json!({"unit_id": demo_id(NJMU), "period": next})),
        )
        .await;
    assert_eq!(
        (rep["created"].clone(), rep["existing"].clone()),
        (json!(0), json!(2))
    );
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/dues/orders/generate",
            Some(&zhang),
            Some(json!({"unit_id": demo_id(NJMU), "period": "明年"})),
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("PeriodInvalid"))
    );
    // A monthly rule for 机关事业单位职工, pro rata: now it is theirs (more specific).
    let rule = json!({"rule": {"name": "企业职工月费", "unit_id": demo_id(NJMU), "unit_name": "", "member_type": "机关事业单位职工", "amount_fen": 3_100, "period": "month", "due_days": 9, "prorate_first": true, "active": true}});
    let (s, r) = t
        .call("POST", "/api/v1/dues/rules", Some(&zhang), Some(rule))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["body"]["unit_name"], NJMU);
    let bad = json!({"rule": {"name": "", "unit_id": demo_id(NJMU), "unit_name": "", "amount_fen": 0, "period": "year", "due_days": 400, "active": true}});
    let (s, v) = t
        .call("POST", "/api/v1/dues/rules", Some(&zhang), Some(bad))
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("DuesRuleInvalid"))
    );
    let other = json!({"rule": {"name": "越权", "unit_id": demo_id("南京大学工会"), "unit_name": "", "amount_fen": 1, "period": "year", "due_days": 1, "active": true}});
    let (s, _) = t
        .call("POST", "/api/v1/dues/rules", Some(&zhang), Some(other))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A month by hand: the monthly rule bills its type, joined part-way pays pro rata.
    sqlx::query("UPDATE records SET body = REPLACE(body, '\"start_on\":\"2023-09-01\"', '\"start_on\":\"2031-03-17\"') WHERE id = $1")
        .bind(demo_id("membership:13800000001").to_string())
        .execute(&t.state.db.writer)
        .await
        .unwrap();
    let (_, rep) = t
        .call(
            "POST",
            "/api/v1/dues/orders/generate",
            Some(&zhang),
            Some(json!({"unit_id": demo_id(NJMU), "period": "2031-03"})),
        )
        .await;
    assert_eq!(rep["created"], 2, "{rep}");
    let member = t.login(OUYANG).await;
    let m = order_of(t, &member, "2031-03").await;
    // 15 of 31 days of 31 yuan.
    assert_eq!(
        (
            m["body"]["amount_fen"].clone(),
            m["body"]["prorated"].clone()
        ),
        (json!(1_500), json!(true)),
        "{m}"
    );
    assert_eq!(m["body"]["due_on"], "2031-03-10");

    // The job at the start of next year bills who joined before it, once.
    set_today(t, &format!("{}-01-02", y + 2));
    let first = huiji_server::dues::orders::bill_current(&t.state)
        .await
        .unwrap();
    let second = huiji_server::dues::orders::bill_current(&t.state)
        .await
        .unwrap();
    assert!(first.created >= 1, "{first:?}");
    assert_eq!(second.created, 0, "{second:?}");
    let jan = format!("{}-01", y + 2);
    // Two years on: the sessions have expired.
    let (zhang, member) = (t.login(ZHANG).await, t.login(OUYANG).await);
    let huang = t.login(HUANG).await;
    assert_eq!(order_of(t, &huang, &jan).await["body"]["amount_fen"], 2_000);
    // 张靖's rule is the monthly one now: January, whole; 欧阳娜娜 starts later.
    assert_eq!(order_of(t, &zhang, &jan).await["body"]["amount_fen"], 3_100);
    assert!(pull(t, &member, "dues_order")
        .await
        .iter()
        .all(|o| o["body"]["period"] != jan.as_str()));

    // Cancel an order nothing was paid on; one with a payment cannot be.
    let o = order_of(t, &member, &next).await;
    let (s, c) = t
        .call(
            "POST",
            &format!("/api/v1/dues/orders/{}/cancel", o["id"].as_str().unwrap()),
            Some(&zhang),
            Some(json!({"reason": "重复开具"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["body"]["status"], "cancelled");
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/payments/online",
            Some(&member),
            Some(json!({"id": Uuid::now_v7(), "order_id": o["id"]})),
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("OrderCancelled"))
    );
    let o = order_of(t, &member, &y.to_string()).await;
    let (_, p) = submit(
        t,
        &member,
        &offline(o["id"].as_str().unwrap(), 100, "cash", None, &today(t)),
    )
    .await;
    assert_eq!(p["body"]["status"], "submitted", "{p}");
    let (s, v) = t
        .call(
            "POST",
            &format!("/api/v1/dues/orders/{}/cancel", o["id"].as_str().unwrap()),
            Some(&zhang),
            Some(json!({"reason": "x"})),
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("OrderHasPayments"))
    );
}

async fn who_may_do_what(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let li = t.login(LI).await;
    let zhang = t.login(ZHANG).await;
    let o = order_of(t, &member, &year(t)).await;
    let (_, p) = submit(
        t,
        &member,
        &offline(o["id"].as_str().unwrap(), 1_000, "cash", None, &today(t)),
    )
    .await;
    let pid = p["id"].as_str().unwrap();
    // A member has no ledger; a sibling unit's secretary neither sees nor decides it.
    let (s, _) = t
        .call("GET", "/api/v1/payments/ledger", Some(&member), None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/payments/ledger?unit_id={}", demo_id(NJMU)),
            Some(&li),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let l = ledger(t, &li, "").await;
    assert!(l["rows"].as_array().unwrap().iter().all(|r| r["id"] != pid));
    assert!(pull(t, &li, "payment").await.iter().all(|r| r["id"] != pid));
    let r = act(t, &li, &p, json!({"action": "confirm"})).await;
    assert_eq!(r["code"], "PaymentNotFound", "{r}");
    for path in [
        format!("/api/v1/payments/{pid}"),
        format!("/api/v1/payments/{pid}/receipt"),
        format!("/api/v1/payments/{pid}/proof"),
    ] {
        let (s, _, _) = get_bytes(t, Some(&li), &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    // Nobody confirms their own payment, and a member cannot pay someone else's order.
    let zo = order_of(t, &zhang, &year(t)).await;
    let (_, zp) = submit(
        t,
        &zhang,
        &offline(zo["id"].as_str().unwrap(), 1_000, "cash", None, &today(t)),
    )
    .await;
    let r = act(t, &zhang, &zp, json!({"action": "confirm"})).await;
    assert_eq!(r["code"], "SelfConfirm");
    let (s, v) = submit(
        t,
        &member,
        &offline(zo["id"].as_str().unwrap(), 1_000, "cash", None, &today(t)),
    )
    .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("NotYourOrder"))
    );
    // The receipt is only for a confirmed payment; the sandbox pages need no login but
    // know only their own trade.
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/payments/{pid}/receipt"),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("ReceiptNotReady"))
    );
    let (s, _, _) = get_bytes(t, None, "/sandbox/pay/deadbeef").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Without a login nothing else answers.
    let (s, _) = t.call("GET", "/api/v1/payments/ledger", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn the_export_carries_the_ledger(t: &TestApp) {
    let zhou = t.login(ZHOU).await;
    let (s, csv, ctype) = get_bytes(t, Some(&zhou), "/api/v1/payments/export?format=csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"));
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("收据号,缴费人,单位,周期,金额（元）"),
        "{text}"
    );
    assert_eq!(lines.len(), 4, "header, two payments, totals: {text}");
    assert!(
        text.contains("南京云启信息技术有限公司")
            && text.contains("10000.00")
            && text.contains("待确认")
    );
    assert!(lines[3].starts_with("合计,2笔"), "{text}");
    let (s, xlsx, ctype) = get_bytes(
        t,
        Some(&zhou),
        &format!("/api/v1/payments/export?period={}", year(t)),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.contains("spreadsheetml"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut shared = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut shared)
        .unwrap();
    assert!(
        shared.contains("江苏测试网络科技有限公司") && shared.contains("缴费人"),
        "{shared}"
    );
    // Filters narrow the export too; a formula-looking payer cannot inject one.
    let (_, csv, _) = get_bytes(
        t,
        Some(&zhou),
        "/api/v1/payments/export?format=csv&method=online",
    )
    .await;
    assert_eq!(String::from_utf8_lossy(&csv).lines().count(), 3);
    let (s, v) = t
        .call(
            "GET",
            "/api/v1/payments/export?format=pdf",
            Some(&zhou),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("FormatInvalid"))
    );
}

async fn no_5xx_on_the_dues_endpoints(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let zhang = t.login(ZHANG).await;
    let zero = Uuid::nil();
    let bodies = [
        String::new(),
        "{".into(),
        "[]".into(),
        "null".into(),
        json!({"id": "x"}).to_string(),
        json!({"id": zero, "order_id": zero}).to_string(),
        json!({"id": zero, "order_id": zero, "amount_fen": -1}).to_string(),
        json!({"id": zero, "order_id": zero, "amount_fen": i64::MAX}).to_string(),
        json!({"id": zero, "order_id": zero, "form": {"amount_fen": 1, "paid_on": "x", "method": "gold"}}).to_string(),
        json!({"id": zero, "order_id": zero, "form": {"amount_fen": 1, "paid_on": "2026-01-01", "method": "cash"}, "proof_upload_id": zero}).to_string(),
        json!({"actions": [{"action_id": zero, "payment_id": zero, "base_version": -1, "action": {"action": "confirm"}}]}).to_string(),
        json!({"actions": [{"action_id": zero, "payment_id": zero, "base_version": 1, "action": {"action": "fly"}}]}).to_string(),
        json!({"rule": {"name": "x"}}).to_string(),
        json!({"unit_id": zero, "period": "2026"}).to_string(),
        json!({"reason": ""}).to_string(),
        json!({"id": zero, "name": "\u{0}", "size": u64::MAX, "sha256": "zz"}).to_string(),
    ];
    let paths = [
        ("POST", "/api/v1/dues/rules".to_owned()),
        ("POST", "/api/v1/dues/orders/generate".to_owned()),
        ("POST", format!("/api/v1/dues/orders/{zero}/cancel")),
        ("POST", "/api/v1/dues/orders/x/cancel".to_owned()),
        ("POST", "/api/v1/payments/online".to_owned()),
        ("POST", "/api/v1/payments/offline".to_owned()),
        ("POST", "/api/v1/payments/actions".to_owned()),
        (
            "GET",
            "/api/v1/payments/ledger?status=x&method=y&period=z&page=0&page_size=99999".to_owned(),
        ),
        (
            "GET",
            "/api/v1/payments/ledger?q=%25%27%22_%5C&page=4294967295".to_owned(),
        ),
        ("GET", "/api/v1/payments/export?format=csv&q=%00".to_owned()),
        ("GET", format!("/api/v1/payments/{zero}?refresh=true")),
        ("GET", "/api/v1/payments/x".to_owned()),
        ("GET", format!("/api/v1/payments/{zero}/receipt")),
        ("GET", format!("/api/v1/payments/{zero}/proof?thumb=maybe")),
        ("POST", "/api/v1/uploads".to_owned()),
        ("PUT", format!("/api/v1/uploads/{zero}?offset=0")),
        ("PUT", format!("/api/v1/uploads/{zero}?offset=-1")),
        ("GET", format!("/api/v1/uploads/{zero}")),
        ("POST", "/api/v1/payments/notify/sandbox".to_owned()),
        ("POST", "/api/v1/payments/notify/wechat".to_owned()),
        ("GET", "/receipts/%00?k=%ff".to_owned()),
        ("GET", "/sandbox/pay/%27%22".to_owned()),
        ("POST", "/sandbox/pay/x/pay".to_owned()),
        ("POST", "/sandbox/pay/x/cancel".to_owned()),
    ];
    for token in [Some(&member), Some(&zhang), None] {
        for (method, path) in &paths {
            for body in &bodies {
                let mut b = Request::builder().method(*method).uri(path);
                if let Some(tok) = token {
                    b = b.header("authorization", format!("Bearer {tok}"));
                }
                let req = b
                    .header("content-type", "application/json")
                    .body(Body::from(body.clone()))
                    .unwrap();
                let (s, v) = t.raw(req).await;
                assert!(
                    s.is_client_error() || s.is_success(),
                    "{method} {path} {body}: {s} {v}"
                );
            }
        }
    }
}
