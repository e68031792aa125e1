//! Electronic business cards over HTTP (issue 8 §2): the member picks fields and wording,
//! shares a link anyone opens without signing in, sees edits on that link at once, and
//! revokes it for good. Every test runs on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use tower::ServiceExt;

on_both_backends!(
    the_shared_page_shows_the_chosen_fields_and_follows_edits,
    a_revoked_link_stays_dead,
    bad_choices_are_refused_with_their_reason,
    the_page_escapes_what_the_member_typed,
);

const OUYANG: &str = "13800000001"; // member of 南京医科大学工会

/// The token at the end of a card link.
fn token_of(card: &Value) -> String {
    let link = card["link"].as_str().expect("a shared card has a link");
    assert!(link.contains("/card/"), "{link}");
    link.rsplit('/').next().unwrap().to_owned()
}

async fn page(t: &TestApp, token: &str) -> (StatusCode, String) {
    let (s, v) = t.call("GET", &format!("/card/{token}"), None, None).await;
    (s, v.as_str().unwrap_or_default().to_owned())
}

async fn the_shared_page_shows_the_chosen_fields_and_follows_edits(t: &TestApp) {
    let token = t.login(OUYANG).await;
    let me = t.me(&token).await;
    let name = me["real_name"]
        .as_str()
        .or(me["account"]["real_name"].as_str())
        .unwrap_or_else(|| panic!("no real name in {me}"))
        .to_owned();

    // A new card: name, title and company; never the phone until ticked.
    let (s, card) = t.call("GET", "/api/v1/card", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{card}");
    assert_eq!(card["view"]["name"], name.as_str());
    assert!(card["view"].get("phone").is_none(), "{card}");
    assert!(card.get("link").is_none());

    let (s, card) = t
        .call(
            "PUT",
            "/api/v1/card",
            Some(&token),
            Some(json!({
                "layout": "banner", "background": "crimson",
                "fields": ["name", "title", "phone", "wechat"],
                "overrides": {"title": "工会干事", "wechat": "ouyang_wx", "company": "不展示的公司"}
            })),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{card}");
    let (s, shared) = t
        .call("POST", "/api/v1/card/share", Some(&token), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{shared}");
    let tok = token_of(&shared);
    // Sharing again gives the same link.
    let (_, again) = t
        .call("POST", "/api/v1/card/share", Some(&token), None)
        .await;
    assert_eq!(token_of(&again), tok);

    // Anyone, no login.
    let (s, html) = page(t, &tok).await;
    assert_eq!(s, StatusCode::OK);
    for shown in [
        name.as_str(),
        "工会干事",
        OUYANG,
        "ouyang_wx",
        "data-layout=\"banner\"",
    ] {
        assert!(html.contains(shown), "{shown} missing from the page");
    }
    assert!(
        !html.contains("不展示的公司"),
        "an unticked field reached the page"
    );
    let (s, v) = t
        .call("GET", &format!("/api/v1/public/cards/{tok}"), None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["title"], "工会干事");
    assert!(v.get("company").is_none(), "{v}");
    // The page runs no script.
    let resp = t
        .router
        .clone()
        .oneshot(
            Request::get(format!("/card/{tok}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let csp = resp.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");

    // The phone unticked: the same link no longer shows it, at once.
    let (s, _) = t
        .call(
            "PUT",
            "/api/v1/card",
            Some(&token),
            Some(json!({"fields": ["name", "title"], "overrides": {"title": "工会干事"}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, html) = page(t, &tok).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !html.contains(OUYANG),
        "the unticked phone is still on the shared page"
    );
    assert!(!html.contains("ouyang_wx"));
    assert!(html.contains("工会干事"));

    // Signed out, the member's own card is not reachable.
    let (s, _) = t.call("GET", "/api/v1/card", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn a_revoked_link_stays_dead(t: &TestApp) {
    let token = t.login(OUYANG).await;
    let (_, shared) = t
        .call("POST", "/api/v1/card/share", Some(&token), None)
        .await;
    let old = token_of(&shared);
    assert_eq!(page(t, &old).await.0, StatusCode::OK);

    let (s, card) = t
        .call("DELETE", "/api/v1/card/share", Some(&token), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(card.get("link").is_none(), "{card}");
    let (s, html) = page(t, &old).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("名片不存在或已停止分享"));
    let (s, v) = t
        .call("GET", &format!("/api/v1/public/cards/{old}"), None, None)
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("CardNotFound"))
    );

    // Shared again: a new link; the old one still opens nothing.
    let (_, again) = t
        .call("POST", "/api/v1/card/share", Some(&token), None)
        .await;
    let new = token_of(&again);
    assert_ne!(new, old);
    assert_eq!(page(t, &new).await.0, StatusCode::OK);
    assert_eq!(page(t, &old).await.0, StatusCode::NOT_FOUND);
    // Only a hash of the token is stored.
    let stored: Vec<String> = sqlx::query_scalar("SELECT share_hash FROM cards")
        .fetch_all(&t.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored.contains(&new));
    // Tokens that were never given out, of every shape.
    for bad in ["0".repeat(32), "x".into(), "%2e%2e".into(), "A".repeat(300)] {
        assert_eq!(page(t, &bad).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
}

async fn bad_choices_are_refused_with_their_reason(t: &TestApp) {
    let token = t.login(OUYANG).await;
    let cases = [
        (json!({"fields": []}), "CardEmpty"),
        (
            json!({"fields": ["name"], "overrides": {"phone": "call me"}}),
            "CardPhoneInvalid",
        ),
        (
            json!({"fields": ["name"], "overrides": {"name": "名".repeat(31)}}),
            "CardTextInvalid",
        ),
        (
            json!({"fields": ["name"], "overrides": {"products": "x"}}),
            "CardOverrideInvalid",
        ),
    ];
    for (body, code) in cases {
        let (s, v) = t
            .call("PUT", "/api/v1/card", Some(&token), Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["code"], code, "{body}: {v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // A field or layout the card does not have: the form's shape is wrong.
    for body in [
        json!({"fields": ["id_number"]}),
        json!({"fields": ["name"], "layout": "poster"}),
        json!({"fields": ["name"], "height": 178}),
    ] {
        let (s, v) = t
            .call("PUT", "/api/v1/card", Some(&token), Some(body.clone()))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["code"], "InvalidField", "{body}: {v}");
    }
    // Nothing was saved: the card is still the default one.
    let (_, card) = t.call("GET", "/api/v1/card", Some(&token), None).await;
    assert_eq!(
        card["settings"]["fields"],
        json!(["name", "title", "company"])
    );
}

async fn the_page_escapes_what_the_member_typed(t: &TestApp) {
    let token = t.login(OUYANG).await;
    let (s, _) = t
        .call(
            "PUT",
            "/api/v1/card",
            Some(&token),
            Some(json!({"fields": ["name", "title"], "overrides": {"title": "<script>alert(1)</script>"}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, shared) = t
        .call("POST", "/api/v1/card/share", Some(&token), None)
        .await;
    let (_, html) = page(t, &token_of(&shared)).await;
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}
