//! News and notices over HTTP (issue 8 §5): a secretary publishes to their unit; it syncs
//! to the members under it (not to another unit); an important one lands in each
//! member's inbox and goes by SMS; the member's subscription settings (消息订阅) stop
//! notice SMS and approval SMS while the inbox keeps everything. Every test runs on
//! SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use huiji_server::demo::demo_id;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    an_important_notice_reaches_the_units_members_inbox_and_phone,
    subscription_settings_stop_sms_but_not_the_inbox,
    only_secretaries_of_the_node_publish_and_bad_notices_are_refused,
);

const ZHANG: &str = "13900000001"; // secretary of 南京医科大学工会
const LI: &str = "13900000002"; // secretary of 南京大学工会
const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const HUANG: &str = "13800000002"; // member of 南京大学工会

fn notice(title: &str, important: bool) -> Value {
    json!({"id": Uuid::now_v7(), "node_id": demo_id("南京医科大学工会"), "kind": "news",
           "title": title, "content": "12月10日下午两点在工会活动中心举行。", "important": important})
}

async fn publish(t: &TestApp, token: &str, body: &Value) -> (StatusCode, Value) {
    t.call("POST", "/api/v1/notices", Some(token), Some(body.clone()))
        .await
}

async fn inbox_titles(t: &TestApp, token: &str) -> Vec<String> {
    t.pull_kind(token, "notification")
        .await
        .iter()
        .map(|n| n["body"]["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_important_notice_reaches_the_units_members_inbox_and_phone(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let m = t.login(OUYANG).await;
    let other = t.login(HUANG).await;
    let cover = t.upload(&sec, "cover.png", &common::png()).await;
    let mut body = notice("职工运动会报名开始", true);
    body["cover"] = json!(cover);
    let (s, v) = publish(t, &sec, &body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["notified"].as_u64().unwrap() >= 1, "{v}");
    let id = body["id"].as_str().unwrap();

    // The member under the unit has it (and its cover) to read offline; another unit's does not.
    let mine = t.pull_kind(&m, "notice").await;
    let n = mine
        .iter()
        .find(|n| n["id"] == id)
        .expect("the member has the notice");
    assert_eq!(n["body"]["kind"], "news");
    assert_eq!(n["body"]["cover"], cover.as_str());
    assert!(t
        .pull_kind(&other, "notice")
        .await
        .iter()
        .all(|n| n["id"] != id));
    let (s, _) = t
        .get_bytes(&format!("/api/v1/attachments/{cover}"), Some(&m))
        .await;
    assert_eq!(s, StatusCode::OK);

    // Important: the inbox, with the notice it is about, and an SMS.
    let inbox = t.pull_kind(&m, "notification").await;
    let note = inbox
        .iter()
        .find(|x| x["body"]["notice_id"] == id)
        .expect("an inbox entry for the notice");
    assert!(note["body"]["title"]
        .as_str()
        .unwrap()
        .contains("职工运动会报名开始"));
    assert!(!inbox_titles(t, &other)
        .await
        .iter()
        .any(|x| x.contains("职工运动会报名开始")));
    let sms = t.sms_to(OUYANG, "职工运动会报名开始").await;
    assert!(
        sms.iter().any(|s| s.contains("职工运动会报名开始")),
        "{sms:?}"
    );

    // The same publication again (a lost answer) tells nobody twice.
    let before = t.count("records").await;
    let (s, again) = publish(t, &sec, &body).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(t.count("records").await, before);
    // A plain one: synced, but no inbox entry.
    let (s, v) = publish(t, &sec, &notice("食堂本周菜单", false)).await;
    assert_eq!((s, v["notified"].clone()), (StatusCode::CREATED, json!(0)));
    assert!(!inbox_titles(t, &m)
        .await
        .iter()
        .any(|x| x.contains("食堂本周菜单")));
}

async fn subscription_settings_stop_sms_but_not_the_inbox(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let m = t.login(OUYANG).await;
    let (s, p) = t
        .call("GET", "/api/v1/me/notify-prefs", Some(&m), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p, json!({"sms_notices": true, "sms_approvals": true}));
    let (s, p) = t
        .call(
            "PUT",
            "/api/v1/me/notify-prefs",
            Some(&m),
            Some(json!({"sms_notices": false, "sms_approvals": true})),
        )
        .await;
    assert_eq!(
        (s, p["sms_notices"].clone()),
        (StatusCode::OK, json!(false))
    );
    let (s, _) = publish(t, &sec, &notice("停电通知", true)).await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(inbox_titles(t, &m)
        .await
        .iter()
        .any(|x| x.contains("停电通知")));
    let sms = t.sms_to(OUYANG, "停电通知").await;
    assert!(!sms.iter().any(|s| s.contains("停电通知")), "{sms:?}");

    // The secretary turns approval SMS off: a member's new listing reaches the inbox only.
    t.call(
        "PUT",
        "/api/v1/me/notify-prefs",
        Some(&sec),
        Some(json!({"sms_notices": true, "sms_approvals": false})),
    )
    .await;
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/content",
            Some(&m),
            Some(json!({"id": Uuid::now_v7(), "content": {"kind": "listing", "side": "supply", "title": "静音测试供应"}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(inbox_titles(t, &sec)
        .await
        .iter()
        .any(|x| x.contains("静音测试供应")));
    let sms = t.sms_to(ZHANG, "静音测试供应").await;
    assert!(!sms.iter().any(|s| s.contains("静音测试供应")), "{sms:?}");
    // A malformed setting is refused, the old one kept.
    let (s, _) = t
        .call(
            "PUT",
            "/api/v1/me/notify-prefs",
            Some(&m),
            Some(json!({"sms_notices": "no"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, p) = t
        .call("GET", "/api/v1/me/notify-prefs", Some(&m), None)
        .await;
    assert_eq!(p["sms_notices"], false);
}

async fn only_secretaries_of_the_node_publish_and_bad_notices_are_refused(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    for phone in [LI, OUYANG] {
        let token = t.login(phone).await;
        let (s, _) = publish(t, &token, &notice("越权通知", true)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{phone}");
    }
    let mut blank = notice("", false);
    blank["title"] = json!("   ");
    let (s, v) = publish(t, &sec, &blank).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // Someone else's picture (or none at all) is no cover.
    let theirs = t
        .upload(&t.login(OUYANG).await, "mine.png", &common::png())
        .await;
    for cover in [json!(theirs), json!(Uuid::now_v7())] {
        let mut b = notice("带封面的新闻", false);
        b["cover"] = cover;
        let (s, v) = publish(t, &sec, &b).await;
        assert_eq!(
            (s, v["code"].clone()),
            (StatusCode::BAD_REQUEST, json!("NoticeCoverInvalid"))
        );
    }
    // An id already used for something else.
    let b = notice("第一条", false);
    publish(t, &sec, &b).await;
    let mut b2 = b.clone();
    b2["title"] = json!("第二条");
    let (s, v) = publish(t, &sec, &b2).await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("NoticeIdTaken"))
    );
}
