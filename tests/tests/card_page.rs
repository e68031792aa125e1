//! The shared business card as a visitor sees it (issue 8 §2): a real server on
//! loopback, a member choosing fields over HTTP, and the public page opened in headless
//! Chromium with no login — its rendered DOM shows the chosen fields and never the hidden
//! ones, follows an edit at once, and is gone once the link is revoked. A screenshot goes
//! to `test-output/e2e/card-page.png`.

use std::path::Path;
use std::process::Command;

use huiji_domain::community::card::{CardField, CardSettings};
use huiji_offline::app::AppCore;
use huiji_tests::webdriver::{out_dir, required};
use huiji_tests::{login, ServerProcess, DEMO_PASSWORD};
use serde_json::{json, Value};

fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// Runs headless Chromium on `url` with its own empty profile; `what` is `--dump-dom`
/// or `--screenshot=…`. Returns what it printed.
fn chromium_run(bin: &str, profile: &Path, url: &str, what: &str) -> String {
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=440,560",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(what)
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn send(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let mut r = c.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap();
    assert!(status.is_success(), "{url}: {status} {v}");
    v
}

#[tokio::test]
async fn a_visitor_sees_only_the_chosen_fields() {
    let Some(bin) = chromium() else {
        assert!(
            !required(),
            "chromium is not installed (scripts/setup.sh installs it)"
        );
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&tmp.path().join("server"), None);
    let base = server.base_url.clone();
    let token = login(&base, "13800000001").await;
    let c = reqwest::Client::new();
    use reqwest::Method;

    send(
        &c,
        Method::PUT,
        &format!("{base}/api/v1/card"),
        &token,
        Some(json!({
            "layout": "centered", "background": "gold",
            "fields": ["name", "title", "wechat"],
            "overrides": {"title": "校工会宣传委员", "wechat": "ouyang_nn", "phone": "400-800-6603"}
        })),
    )
    .await;
    let card = send(
        &c,
        Method::POST,
        &format!("{base}/api/v1/card/share"),
        &token,
        None,
    )
    .await;
    let link = card["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with(&base), "{link}");

    let profile = tmp.path().join("chromium");
    let dom = chromium_run(bin, &profile, &link, "--dump-dom");
    assert!(dom.contains("data-testid=\"card\""), "{dom}");
    assert!(dom.contains("欧阳娜娜"), "the name is missing: {dom}");
    assert!(dom.contains("校工会宣传委员"));
    assert!(dom.contains("ouyang_nn"));
    assert!(dom.contains("data-layout=\"centered\""));
    // Not ticked: neither the phone the member worded nor the one on file.
    assert!(
        !dom.contains("400-800-6603"),
        "an unticked phone reached the page"
    );
    assert!(
        !dom.contains("13800000001"),
        "the phone on file reached the page"
    );
    assert!(!dom.contains("data-field=\"phone\""));
    std::fs::create_dir_all(out_dir()).unwrap();
    let shot = out_dir().join("card-page.png");
    chromium_run(
        bin,
        &profile,
        &link,
        &format!("--screenshot={}", shot.display()),
    );
    assert!(std::fs::metadata(&shot).unwrap().len() > 1000);

    // An edit shows on the same link at once.
    send(
        &c,
        Method::PUT,
        &format!("{base}/api/v1/card"),
        &token,
        Some(json!({"fields": ["name", "phone"], "overrides": {"phone": "400-800-6603"}})),
    )
    .await;
    let dom = chromium_run(bin, &profile, &link, "--dump-dom");
    assert!(dom.contains("400-800-6603"));
    assert!(
        !dom.contains("ouyang_nn"),
        "a field unticked since is still shown"
    );
    assert!(!dom.contains("校工会宣传委员"));

    // Revoked: the link opens nothing.
    send(
        &c,
        Method::DELETE,
        &format!("{base}/api/v1/card/share"),
        &token,
        None,
    )
    .await;
    let dom = chromium_run(bin, &profile, &link, "--dump-dom");
    assert!(dom.contains("名片不存在或已停止分享"), "{dom}");
    assert!(!dom.contains("欧阳娜娜"));
    drop(server);
}

/// The app's side (what the 电子名片 screen calls): saved and shared through the server,
/// the link's QR drawn on the device, the card kept for when the server is gone, and a
/// change refused offline with its own message.
#[tokio::test]
async fn the_app_saves_shares_and_keeps_the_card() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&tmp.path().join("server"), None);
    let app = AppCore::open(&tmp.path().join("app"), &server.base_url).unwrap();
    app.login_password("13800000001", DEMO_PASSWORD)
        .await
        .unwrap();

    let first = app.my_card().await.unwrap();
    assert!(first.card.view.phone.is_none());
    assert!(first.qr_svg.is_none());
    let mut s = first.card.settings.clone();
    s.fields = vec![CardField::Name, CardField::Wechat];
    s.overrides.insert(CardField::Wechat, "ouyang_nn".into());
    let saved = app.card_save(&s).await.unwrap();
    assert_eq!(saved.card.view.wechat.as_deref(), Some("ouyang_nn"));
    assert!(saved.card.view.title.is_none());
    // Checked on the device before it goes anywhere.
    let empty = CardSettings {
        fields: vec![],
        ..s.clone()
    };
    let e = huiji_offline::app::app_error(&app.card_save(&empty).await.unwrap_err());
    assert_eq!(e.code, "CardEmpty");

    let shared = app.card_share().await.unwrap();
    let link = shared.card.link.clone().unwrap();
    assert!(shared.qr_svg.as_deref().is_some_and(|q| q.contains("<svg")));
    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    assert!(page.contains("ouyang_nn"));

    // The server gone: the card as last seen, marked offline; changes refused.
    server.kill_hard();
    let kept = app.my_card().await.unwrap();
    assert!(kept.offline);
    assert_eq!(kept.card.link.as_deref(), Some(link.as_str()));
    let e = huiji_offline::app::app_error(&app.card_save(&s).await.unwrap_err());
    assert_eq!(e.code, "CardNeedsNetwork", "{e:?}");
}
