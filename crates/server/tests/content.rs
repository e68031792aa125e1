//! Reviewed content over HTTP (issue 8 §1): a member's listing goes to their unit's
//! secretaries as a `content` request of the approval engine; approved, it shows in the
//! hall and on the member's business card; an edit is reviewed again while the old
//! version stays shown; refused edits keep the old one; the owner shelves and deletes;
//! nobody else may touch it. Every test runs on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use huiji_server::demo::demo_id;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    a_listing_is_reviewed_shown_edited_and_shelved,
    a_refused_edit_keeps_the_shown_version,
    certificates_show_on_the_card_and_nobody_else_may_touch_an_item,
    bad_content_is_refused_with_its_reason,
    the_demo_shows_approved_content_on_the_hall_and_card,
    pictures_are_the_owners_images_seen_by_reviewers_and_once_shown_by_all,
    showcases_show_open_fields_and_approved_entries_to_members_only,
    a_secretary_assigns_an_expert_profile_the_member_then_edits_under_review,
);

const ZHANG: &str = "13900000001"; // secretary of 南京医科大学工会
const LI: &str = "13900000002"; // secretary of 南京大学工会
const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const HUANG: &str = "13800000002"; // member of 南京大学工会

fn listing(title: &str) -> Value {
    json!({"kind": "listing", "side": "supply", "title": title, "category": "品牌设计",
           "company": "清远网博信息技术有限公司", "valid_until": "2027-10-31",
           "description": "品牌IP形象设计"})
}

async fn post(t: &TestApp, token: &str, content: Value) -> (StatusCode, Value) {
    t.call(
        "POST",
        "/api/v1/content",
        Some(token),
        Some(json!({"id": Uuid::now_v7(), "content": content})),
    )
    .await
}

async fn picture(t: &TestApp, token: &str) -> String {
    t.upload(token, "photo.png", &common::png()).await
}

/// The status of fetching attachment `id` as `token`.
async fn fetch_status(t: &TestApp, token: &str, id: &str) -> StatusCode {
    t.call(
        "GET",
        &format!("/api/v1/attachments/{id}"),
        Some(token),
        None,
    )
    .await
    .0
}

/// The demo's own items (approved when the demo loads).
const DEMO_ITEMS: [&str; 3] = [
    "content:listing-ouyang",
    "content:certificate-ouyang",
    "content:listing-huang",
];

/// What the hall shows of the items this test made (the demo's are left out).
async fn hall_titles(t: &TestApp, token: &str, query: &str) -> Vec<String> {
    let (s, v) = t
        .call("GET", &format!("/api/v1/content{query}"), Some(token), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let demo: Vec<String> = DEMO_ITEMS.iter().map(|n| demo_id(n).to_string()).collect();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|h| !demo.iter().any(|d| h["id"] == d.as_str()))
        .map(|h| {
            h["content"]["title"]
                .as_str()
                .or(h["content"]["name"].as_str())
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The request as the secretary sees it (for its version and step).
async fn request_of(t: &TestApp, token: &str, id: &Value) -> Value {
    t.pull_kind(token, "request")
        .await
        .into_iter()
        .find(|r| r["id"] == *id)
        .unwrap_or_else(|| panic!("the secretary has no request {id}"))
}

async fn decide(t: &TestApp, token: &str, item: &Value, action: Value) -> Value {
    let req = request_of(t, token, &item["request_id"]).await;
    assert_eq!(req["body"]["kind"], "content");
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/requests/actions",
            Some(token),
            Some(json!({"actions": [{
                "action_id": Uuid::now_v7(), "request_id": req["id"], "base_version": req["version"],
                "step": req["body"]["current"], "action": action,
            }]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["results"][0].clone()
}

async fn mine(t: &TestApp, token: &str, id: &Value) -> Value {
    let (_, v) = t
        .call("GET", "/api/v1/content/mine", Some(token), None)
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == *id)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn card_page(t: &TestApp, token: &str) -> String {
    let (_, card) = t
        .call("POST", "/api/v1/card/share", Some(token), None)
        .await;
    let tok = card["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (s, v) = t.call("GET", &format!("/card/{tok}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    v.as_str().unwrap().to_owned()
}

async fn a_listing_is_reviewed_shown_edited_and_shelved(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let sec = t.login(ZHANG).await;
    let other = t.login(HUANG).await;

    let (s, item) = post(t, &member, listing("品牌IP形象设计")).await;
    assert_eq!(s, StatusCode::CREATED, "{item}");
    assert_eq!(item["status"], "reviewing");
    assert_eq!(item["status_label"], "审核中");
    // Not shown before review, to anyone.
    assert!(hall_titles(t, &other, "?kind=listing").await.is_empty());

    // The secretary of the member's unit decides it in the engine.
    let r = decide(t, &sec, &item, json!({"action": "approve"})).await;
    assert_eq!(r["status"], "applied", "{r}");
    assert_eq!(
        hall_titles(t, &other, "?kind=listing&side=supply").await,
        ["品牌IP形象设计"]
    );
    assert!(hall_titles(t, &other, "?kind=listing&side=demand")
        .await
        .is_empty());
    let id = item["id"].clone();
    assert_eq!(mine(t, &member, &id).await["status"], "shown");
    // On the member's card once they show 我的供应.
    let (s, _) = t
        .call(
            "PUT",
            "/api/v1/card",
            Some(&member),
            Some(json!({"fields": ["name", "products"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(card_page(t, &member).await.contains("品牌IP形象设计"));

    // An edit: the old version stays shown while the new one waits.
    let (s, edited) = t
        .call(
            "PUT",
            &format!("/api/v1/content/{}", id.as_str().unwrap()),
            Some(&member),
            Some(json!({"content": listing("品牌IP形象设计（含VI手册）")})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(edited["status"], "shown_edit_reviewing");
    assert_eq!(
        hall_titles(t, &other, "?kind=listing").await,
        ["品牌IP形象设计"]
    );
    // Edited again before review: the first edit's request is withdrawn.
    let first_edit = edited.clone();
    let (_, edited) = t
        .call(
            "PUT",
            &format!("/api/v1/content/{}", id.as_str().unwrap()),
            Some(&member),
            Some(json!({"content": listing("品牌IP形象与VI设计")})),
        )
        .await;
    assert_ne!(edited["request_id"], first_edit["request_id"]);
    let withdrawn = request_of(t, &sec, &first_edit["request_id"]).await;
    assert_eq!(withdrawn["body"]["state"], "withdrawn");
    let r = decide(t, &sec, &edited, json!({"action": "approve"})).await;
    assert_eq!(r["status"], "applied", "{r}");
    assert_eq!(
        hall_titles(t, &other, "?kind=listing").await,
        ["品牌IP形象与VI设计"]
    );
    assert!(card_page(t, &member).await.contains("品牌IP形象与VI设计"));

    // Off the shelf: gone from the hall and the card; back on: shown again.
    let shelf = format!("/api/v1/content/{}/shelf", id.as_str().unwrap());
    let (s, v) = t
        .call(
            "PUT",
            &shelf,
            Some(&member),
            Some(json!({"on_shelf": false})),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("off_shelf"))
    );
    assert!(hall_titles(t, &other, "").await.is_empty());
    assert!(!card_page(t, &member).await.contains("品牌IP形象与VI设计"));
    t.call(
        "PUT",
        &shelf,
        Some(&member),
        Some(json!({"on_shelf": true})),
    )
    .await;
    assert_eq!(hall_titles(t, &other, "").await.len(), 1);

    // Deleted: gone, and nothing more is accepted.
    let (s, _) = t
        .call(
            "DELETE",
            &format!("/api/v1/content/{}", id.as_str().unwrap()),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(hall_titles(t, &other, "").await.is_empty());
    let (s, v) = t
        .call(
            "PUT",
            &shelf,
            Some(&member),
            Some(json!({"on_shelf": true})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ContentDeleted"))
    );
}

async fn a_refused_edit_keeps_the_shown_version(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let sec = t.login(ZHANG).await;
    let (_, item) = post(t, &member, listing("展台搭建")).await;
    // Content is approved or refused, never sent back.
    let r = decide(
        t,
        &sec,
        &item,
        json!({"action": "send_back", "reason": "请补充图片"}),
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["code"].as_str()),
        (Some("rejected"), Some("ContentNoSendBack")),
        "{r}"
    );
    // Nor withdrawn through the engine by its owner (an edit or a delete does that), and
    // the request offers neither.
    let r = decide(t, &member, &item, json!({"action": "withdraw"})).await;
    assert_eq!(
        (r["status"].as_str(), r["code"].as_str()),
        (Some("rejected"), Some("UseContentPages")),
        "{r}"
    );
    let req = request_of(t, &sec, &item["request_id"]).await;
    let body: huiji_domain::workflow::RequestBody =
        serde_json::from_value(req["body"].clone()).unwrap();
    let approver = huiji_domain::workflow::allowed_actions(&body, body.steps[0].approvers[0].id);
    assert!(
        approver.contains(&"approve") && !approver.contains(&"send_back"),
        "{approver:?}"
    );
    assert!(
        !huiji_domain::workflow::allowed_actions(&body, body.applicant.id).contains(&"withdraw")
    );
    decide(t, &sec, &item, json!({"action": "approve"})).await;
    let id = item["id"].as_str().unwrap().to_owned();
    let (_, edited) = t
        .call(
            "PUT",
            &format!("/api/v1/content/{id}"),
            Some(&member),
            Some(json!({"content": listing("展台搭建（全国最低价）")})),
        )
        .await;
    let r = decide(
        t,
        &sec,
        &edited,
        json!({"action": "reject", "reason": "不得使用绝对化用语"}),
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");
    let now = mine(t, &member, &json!(id)).await;
    assert_eq!(now["status"], "shown_edit_refused");
    assert_eq!(now["item"]["review"]["reason"], "不得使用绝对化用语");
    assert_eq!(hall_titles(t, &member, "").await, ["展台搭建"]);
    // The member hears about it in their inbox.
    let inbox = t.pull_kind(&member, "notification").await;
    assert!(
        inbox.iter().any(|n| n.to_string().contains("内容审核")),
        "no notice of the decision: {inbox:?}"
    );
}

async fn certificates_show_on_the_card_and_nobody_else_may_touch_an_item(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let sec = t.login(ZHANG).await;
    let li = t.login(LI).await;
    let other = t.login(HUANG).await;
    let (s, cert) = post(
        t,
        &member,
        json!({"kind": "certificate", "title": "2015年度广东省诚信示范企业", "holder": "清远网博信息技术有限公司",
               "issuer": "广东省诚信示范企业评选委员会", "issued_on": "2015-12-24", "image": picture(t, &member).await}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{cert}");
    // Another unit's secretary is not among its reviewers.
    assert!(t
        .pull_kind(&li, "request")
        .await
        .iter()
        .all(|r| r["id"] != cert["request_id"]));
    decide(t, &sec, &cert, json!({"action": "approve"})).await;
    t.call(
        "PUT",
        "/api/v1/card",
        Some(&member),
        Some(json!({"fields": ["name", "certificates"]})),
    )
    .await;
    let page = card_page(t, &member).await;
    assert!(page.contains("2015年度广东省诚信示范企业"));
    assert!(page.contains("广东省诚信示范企业评选委员会"));

    // Someone else: the same answer as for an item that does not exist.
    let id = cert["id"].as_str().unwrap();
    for (m, path, body) in [
        (
            "PUT",
            format!("/api/v1/content/{id}"),
            Some(json!({"content": listing("x")})),
        ),
        (
            "PUT",
            format!("/api/v1/content/{id}/shelf"),
            Some(json!({"on_shelf": false})),
        ),
        ("DELETE", format!("/api/v1/content/{id}"), None),
        (
            "DELETE",
            format!("/api/v1/content/{}", Uuid::now_v7()),
            None,
        ),
    ] {
        let (s, v) = t.call(m, &path, Some(&other), body).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("ContentNotFound")),
            "{m} {path}"
        );
    }
    assert_eq!(hall_titles(t, &other, "?kind=certificate").await.len(), 1);
    // The same post sent twice (a flaky network) is one item.
    let again = json!({"id": cert["id"], "content": {"kind": "certificate", "title": "2015年度广东省诚信示范企业", "holder": "清远网博信息技术有限公司",
               "issuer": "广东省诚信示范企业评选委员会", "issued_on": "2015-12-24", "image": Uuid::nil()}});
    let (s, v) = t
        .call("POST", "/api/v1/content", Some(&member), Some(again))
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ContentIdTaken")),
        "{v}"
    );
    let id2 = Uuid::now_v7();
    let body = json!({"id": id2, "content": listing("重复提交")});
    let (s1, _) = t
        .call("POST", "/api/v1/content", Some(&member), Some(body.clone()))
        .await;
    let (s2, v2) = t
        .call("POST", "/api/v1/content", Some(&member), Some(body))
        .await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK), "{v2}");
    assert_eq!(t.count("content_items").await, 2 + DEMO_ITEMS.len() as i64);
}

async fn bad_content_is_refused_with_its_reason(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let cases = [
        (
            json!({"kind": "listing", "side": "supply", "title": " "}),
            "ContentTitleRequired",
        ),
        (
            json!({"kind": "listing", "side": "supply", "title": "x", "valid_until": "明年"}),
            "ContentDateInvalid",
        ),
        (
            json!({"kind": "listing", "side": "both", "title": "x"}),
            "ContentFormInvalid",
        ),
        (
            json!({"kind": "company_showcase", "name": "网博", "website": "ftp://x"}),
            "ContentWebsiteInvalid",
        ),
        (
            json!({"kind": "expert", "name": "陈之谦", "field": ""}),
            "ExpertFieldRequired",
        ),
        (
            json!({"kind": "member_showcase", "intro": "简介", "phone": "13800000001"}),
            "ContentFormInvalid",
        ),
    ];
    for (content, code) in cases {
        let (s, v) = post(t, &member, content.clone()).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{content}: {v}"
        );
    }
    // Not a member anywhere: a citizen of the checkpoint demo.
    let citizen = t.login("13700000001").await;
    let (s, v) = post(t, &citizen, listing("x")).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ContentMembersOnly")),
        "{v}"
    );
    // Content requests are not filed through the generic request endpoint.
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/requests",
            Some(&member),
            Some(json!({"id": Uuid::now_v7(), "kind": "content", "form": {}})),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("UseContentPages")),
        "{v}"
    );
    let (s, _) = t
        .call("GET", "/api/v1/content?kind=poster", Some(&member), None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = t.call("GET", "/api/v1/content", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(t.count("content_items").await, DEMO_ITEMS.len() as i64);
}

async fn the_demo_shows_approved_content_on_the_hall_and_card(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let (_, v) = t
        .call(
            "GET",
            "/api/v1/content?kind=listing&side=demand",
            Some(&member),
            None,
        )
        .await;
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|h| h["content"]["title"] == "求购职工运动会计时设备"),
        "{v}"
    );
    t.call(
        "PUT",
        "/api/v1/card",
        Some(&member),
        Some(json!({"fields": ["name", "products", "certificates"]})),
    )
    .await;
    let page = card_page(t, &member).await;
    assert!(page.contains("职工心理健康讲座（公益）"));
    assert!(page.contains("江苏省五一巾帼标兵"));
    // The hall's search: every word, in the shown text.
    let (_, found) = t
        .call(
            "GET",
            "/api/v1/content?q=%E8%AE%A1%E6%97%B6%20%E5%8D%97%E4%BA%AC",
            Some(&member),
            None,
        )
        .await;
    let titles: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["content"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["求购职工运动会计时设备"], "计时 南京");
    let long = "长".repeat(51);
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/content?q={}", long.replace('长', "%E9%95%BF")),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("ContentSearchTooLong"))
    );
    // The demo certificate's picture is a real PNG anyone signed in may see.
    let img = demo_id("content:certificate-ouyang:image").to_string();
    let other = t.login(HUANG).await;
    assert_eq!(fetch_status(t, &other, &img).await, StatusCode::OK);
    // Loading the demo again adds nothing.
    huiji_server::demo::load(&t.state).await.unwrap();
    assert_eq!(t.count("content_items").await, DEMO_ITEMS.len() as i64);
}

async fn pictures_are_the_owners_images_seen_by_reviewers_and_once_shown_by_all(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let sec = t.login(ZHANG).await;
    let other = t.login(HUANG).await;
    let mine = picture(t, &member).await;
    let theirs = picture(t, &other).await;
    let pdf = t.upload(&member, "letter.pdf", b"%PDF-1.4 a letter").await;

    let broken = t
        .upload(
            &member,
            "broken.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-picture",
        )
        .await;
    // Someone else's picture, a PDF, a broken image, an id nobody uploaded: refused,
    // nothing filed.
    for (img, code) in [
        (theirs.clone(), "ContentImageInvalid"),
        (pdf, "ContentImageNotPicture"),
        (broken, "ContentImageUnreadable"),
        (Uuid::now_v7().to_string(), "ContentImageInvalid"),
    ] {
        let mut l = listing("带图的供应");
        l["images"] = json!([img]);
        let (s, v) = post(t, &member, l).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(v["code"], code);
    }
    let (_, all) = t
        .call("GET", "/api/v1/content/mine", Some(&member), None)
        .await;
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["item"]["review"]["form"]["title"] != "带图的供应"));

    let mut l = listing("带图的供应");
    l["images"] = json!([mine]);
    let (s, item) = post(t, &member, l).await;
    assert_eq!(s, StatusCode::CREATED, "{item}");
    // Re-encoded without its metadata: a JPEG now, whatever was uploaded.
    let (s, bytes) = t
        .get_bytes(&format!("/api/v1/attachments/{mine}"), Some(&member))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(&[0xff, 0xd8, 0xff]), "not re-encoded");
    // Under review: the reviewer sees the picture, another member does not.
    assert_eq!(fetch_status(t, &sec, &mine).await, StatusCode::OK);
    assert_eq!(fetch_status(t, &other, &mine).await, StatusCode::NOT_FOUND);
    decide(t, &sec, &item, json!({"action": "approve"})).await;
    // On show: anyone signed in sees it; off the shelf, nobody but the owner.
    assert_eq!(fetch_status(t, &other, &mine).await, StatusCode::OK);
    let id = item["id"].as_str().unwrap();
    let (s, _) = t
        .call(
            "PUT",
            &format!("/api/v1/content/{id}/shelf"),
            Some(&member),
            Some(json!({"on_shelf": false})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(fetch_status(t, &other, &mine).await, StatusCode::NOT_FOUND);
    assert_eq!(fetch_status(t, &member, &mine).await, StatusCode::OK);
    // The other member's own picture was never shown: still theirs alone.
    assert_eq!(
        fetch_status(t, &member, &theirs).await,
        StatusCode::NOT_FOUND
    );
}

/// The longest run of digits in `s` (an ID number is 18, a phone 11).
fn longest_digits(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

async fn showcases_show_open_fields_and_approved_entries_to_members_only(t: &TestApp) {
    let member = t.login(OUYANG).await;
    let sec = t.login(ZHANG).await;
    let other = t.login(HUANG).await;
    let (_, intro) = post(
        t,
        &member,
        json!({"kind": "member_showcase", "intro": "十年工会工作经验，擅长职工心理辅导。"}),
    )
    .await;
    decide(t, &sec, &intro, json!({"action": "approve"})).await;
    let (_, company) = post(
        t,
        &member,
        json!({"kind": "company_showcase", "name": "南京心晴咨询工作室", "industry": "健康服务"}),
    )
    .await;
    decide(t, &sec, &company, json!({"action": "approve"})).await;
    // A company still under review is not on show.
    post(
        t,
        &member,
        json!({"kind": "company_showcase", "name": "待审核的公司"}),
    )
    .await;

    let (s, v) = t
        .call("GET", "/api/v1/showcases/members", Some(&member), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let me = v
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "欧阳娜娜")
        .unwrap_or_else(|| panic!("欧阳娜娜 missing from her unit's showcase: {v}"));
    assert_eq!(me["intro"], "十年工会工作经验，擅长职工心理辅导。");
    assert_eq!(me["unit_name"], "南京医科大学工会");
    assert_eq!(me["companies"].as_array().unwrap().len(), 1, "{me}");
    assert_eq!(me["companies"][0]["name"], "南京心晴咨询工作室");
    let text = v.to_string();
    assert!(!text.contains(OUYANG), "a phone on the showcase");
    assert!(
        longest_digits(&text) < 11,
        "a phone or ID number on the showcase: {text}"
    );
    for private in ["phone", "wechat", "id_number", "height", "weight"] {
        assert!(!text.contains(private), "{private} on the showcase");
    }
    // Another unit's member sees their own unit, and may not browse this one.
    let (_, theirs) = t
        .call("GET", "/api/v1/showcases/members", Some(&other), None)
        .await;
    assert!(theirs
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["name"] != "欧阳娜娜"));
    let njmu = demo_id("南京医科大学工会");
    let (s, _) = t
        .call(
            "GET",
            &format!("/api/v1/showcases/members?unit={njmu}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The unit's secretary may.
    let (s, v) = t
        .call(
            "GET",
            &format!("/api/v1/showcases/members?unit={njmu}"),
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["name"] == "欧阳娜娜"));
}

async fn a_secretary_assigns_an_expert_profile_the_member_then_edits_under_review(t: &TestApp) {
    let sec = t.login(ZHANG).await;
    let li = t.login(LI).await;
    let member = t.login(OUYANG).await;
    let ouyang = t.me(&member).await["id"].as_str().unwrap().to_owned();
    let expert = json!({"kind": "expert", "name": "欧阳娜娜", "field": "职工心理健康",
                        "title": "心理咨询师", "organisation": "南京医科大学第一附属医院"});
    let body = json!({"id": Uuid::now_v7(), "owner_id": ouyang, "content": expert});
    // Another unit's secretary, and the member herself, may not assign.
    for token in [&li, &member] {
        let (s, _) = t
            .call(
                "POST",
                "/api/v1/content/experts/assign",
                Some(token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, item) = t
        .call(
            "POST",
            "/api/v1/content/experts/assign",
            Some(&sec),
            Some(body.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{item}");
    assert_eq!(item["status"], "shown");
    let (_, hall) = t
        .call("GET", "/api/v1/content?kind=expert", Some(&li), None)
        .await;
    assert!(
        hall.as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == item["id"] && h["content"]["name"] == "欧阳娜娜"),
        "{hall}"
    );
    // Sent again: the same item.
    let (_, again) = t
        .call(
            "POST",
            "/api/v1/content/experts/assign",
            Some(&sec),
            Some(body),
        )
        .await;
    assert_eq!(again["id"], item["id"]);
    // Only expert profiles are assigned.
    let (s, v) = t
        .call(
            "POST",
            "/api/v1/content/experts/assign",
            Some(&sec),
            Some(
                json!({"id": Uuid::now_v7(), "owner_id": ouyang, "content": listing("代发的供应")}),
            ),
        )
        .await;
    assert_eq!(
        (s, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("ContentAssignExpertsOnly"))
    );
    // It is hers: her edit is reviewed while the assigned text stays shown.
    let id = item["id"].as_str().unwrap();
    let (s, edited) = t
        .call(
            "PUT",
            &format!("/api/v1/content/{id}"),
            Some(&member),
            Some(json!({"content": {"kind": "expert", "name": "欧阳娜娜", "field": "职工心理健康与减压"}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(edited["status"], "shown_edit_reviewing");
    let (_, hall) = t
        .call("GET", "/api/v1/content?kind=expert", Some(&li), None)
        .await;
    let shown = hall
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == id)
        .unwrap();
    assert_eq!(shown["content"]["field"], "职工心理健康");
}
