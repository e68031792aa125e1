//! The business card in the real app (issue 8 §2): 欧阳娜娜 opens 电子名片 from her home,
//! shows 我的供应 and 荣誉证书 (the demo's approved listing and certificate), her own WeChat,
//! the banner layout, saves and shares; the QR and the link appear, and the link opens the
//! public page with those fields. WebDriver drives the debug `huiji-app` under Xvfb against
//! a real `huiji-server --demo`; screenshots go to `test-output/e2e/card-*.png`.

use huiji_tests::webdriver::{choose, click, password_login, wait_online, World};

#[tokio::test]
async fn a_member_designs_and_shares_her_card() {
    let Some(w) = World::start() else {
        return;
    };
    let (_d, s) = w.open_app("member").await;
    password_login(&s, "13800000001").await;
    s.wait("[data-testid=home-member]", 30).await;
    wait_online(&s, true, 30).await;

    click(&s, "[data-testid=open-card]").await;
    s.wait("[data-testid=card-preview] [data-field=name]", 30)
        .await;
    click(&s, "[data-testid=card-layout-banner]").await;
    click(&s, "[data-testid=card-field-products]").await;
    click(&s, "[data-testid=card-field-certificates]").await;
    click(&s, "[data-testid=card-field-wechat]").await;
    choose(&s, "[data-testid=card-own-wechat]", "'ouyang_nn'").await;
    click(&s, "[data-testid=card-save]").await;
    s.wait_js(
        "(function(){var n=document.querySelector('[data-testid=card-notice]');var p=document.querySelector('[data-testid=card-preview]');\
         return !!n && n.textContent.indexOf('已保存')>=0 && p.getAttribute('data-layout')==='banner' && p.textContent.indexOf('ouyang_nn')>=0;})()",
        30,
    )
    .await;
    // The demo's approved listing and certificate are on the card.
    let products = s
        .text(&s.wait("[data-testid=card-products]", 30).await)
        .await;
    assert!(products.contains("职工心理健康讲座（公益）"), "{products}");
    let certs = s
        .text(&s.wait("[data-testid=card-certificates]", 30).await)
        .await;
    assert!(certs.contains("江苏省五一巾帼标兵"), "{certs}");
    w.screenshot(&s, "card-edit.png").await;

    click(&s, "[data-testid=card-share]").await;
    s.wait("[data-testid=card-qr] svg", 30).await;
    let link = s.text(&s.wait("[data-testid=card-link]", 30).await).await;
    assert!(
        link.starts_with(&w.base) && link.contains("/card/"),
        "{link}"
    );
    s.exec("(function(){var e=document.querySelector('[data-testid=card-qr]');if(e)e.scrollIntoView({block:'center'});return true;})()")
        .await;
    w.screenshot(&s, "card-shared.png").await;
    s.quit().await;

    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    for shown in [
        "欧阳娜娜",
        "ouyang_nn",
        "职工心理健康讲座（公益）",
        "江苏省五一巾帼标兵",
    ] {
        assert!(page.contains(shown), "{shown} missing from the shared page");
    }
    assert!(
        !page.contains("13800000001"),
        "the unticked phone is on the shared page"
    );
}
