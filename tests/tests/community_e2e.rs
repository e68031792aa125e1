//! Community content in the real app (issue 8 §6): 欧阳娜娜 posts a supply listing with a
//! picture in 会员社区 → 我的发布 (审核中, not yet in the hall); 张靖, her unit's secretary,
//! opens it in the review queue on the desktop, sees the picture among the attachments and
//! approves; she then finds it in 供需大厅 and, once she shows 我的供应, on her business
//! card and its public page. WebDriver drives the debug `huiji-app` under Xvfb against a
//! real `huiji-server --demo`; screenshots go to `test-output/e2e/community-*.png`.

use huiji_tests::webdriver::{
    click, click_text, has_text, password_login, pick_file, wait_online, Session, World,
};

const MEMBER: &str = "13800000001"; // 欧阳娜娜, 南京医科大学工会
const SECRETARY: &str = "13900000001"; // 张靖, its secretary
const TITLE: &str = "企业团建拓展服务";

/// A small photo of the service (a real PNG, so the thumbnail draws).
fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(160, 120, |x, y| {
        if y < 40 {
            image::Rgb([46, 125, 50])
        } else if (x / 20 + y / 20) % 2 == 0 {
            image::Rgb([255, 193, 7])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn type_into(s: &Session, css: &str, text: &str) {
    let e = s.wait(css, 20).await;
    s.type_text(&e, text).await;
}

#[tokio::test]
async fn a_member_posts_a_listing_the_secretary_approves_it_and_it_shows_in_the_hall_and_on_her_card(
) {
    let Some(w) = World::start() else {
        return;
    };

    // 1. The member posts a supply listing with a picture.
    {
        let (_d, s) = w.open_app("member").await;
        password_login(&s, MEMBER).await;
        s.wait("[data-testid=home-member]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=open-community]").await;
        s.wait("[data-testid=community-sheet]", 20).await;
        // The demo's approved listing is in the hall already; the new one is not.
        s.wait_js(&has_text("[data-testid=hall-item]", "职工心理健康讲座"), 30)
            .await;
        click(&s, "[data-testid=community-tab-mine]").await;
        click(&s, "[data-testid=content-new-listing]").await;
        click(&s, "[data-testid=content-side-supply]").await;
        type_into(&s, "[data-testid=content-f-title]", TITLE).await;
        type_into(
            &s,
            "[data-testid=content-f-company]",
            "南京医科大学第一附属医院",
        )
        .await;
        type_into(&s, "[data-testid=content-f-price]", "2000元/场").await;
        type_into(
            &s,
            "[data-testid=content-f-description]",
            "为会员单位提供一天的团建拓展活动策划与执行。",
        )
        .await;
        pick_file(
            &s,
            "[data-testid=content-images-file]",
            "团建.png",
            "image/png",
            &photo(),
        )
        .await;
        s.wait(
            "[data-testid=content-images] [data-testid=content-thumb] img",
            30,
        )
        .await;
        w.screenshot(&s, "community-post.png").await;
        click(&s, "[data-testid=content-submit]").await;
        s.wait_js(
            &has_text("[data-testid=community-notice]", "审核通过后展示"),
            30,
        )
        .await;
        s.wait_js(
            &format!(
                "(function(){{var es=document.querySelectorAll('[data-testid=mine-item]');for(var i=0;i<es.length;i++){{if(es[i].textContent.indexOf({TITLE:?})>=0&&es[i].getAttribute('data-status')==='reviewing')return true;}}return false;}})()"
            ),
            30,
        )
        .await;
        w.screenshot(&s, "community-mine-reviewing.png").await;
        click(&s, "[data-testid=community-tab-listing]").await;
        s.wait_js(&has_text("[data-testid=hall-item]", "职工心理健康讲座"), 30)
            .await;
        assert_eq!(
            s.exec(&has_text("[data-testid=hall-item]", TITLE)).await,
            serde_json::Value::Bool(false),
            "the listing is in the hall before it was approved"
        );
        s.quit().await;
    }

    // 2. The secretary approves it in the review queue.
    {
        let (_d, s) = w.open_app("secretary").await;
        password_login(&s, SECRETARY).await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=nav-queue]").await;
        s.wait("[data-testid=review-queue]", 20).await;
        click_text(&s, "[data-testid=queue-row]", TITLE).await;
        s.wait("[data-testid=request-detail]", 20).await;
        s.wait_js(&has_text("[data-testid=request-detail]", "2000元/场"), 20)
            .await;
        let preview = s.wait("[data-testid=attachment-preview]", 20).await;
        assert_eq!(s.attr(&preview, "alt").await.as_deref(), Some("团建.png"));
        // Content is approved or refused, never sent back.
        let actions = s.text(&s.wait("[data-testid=actions]", 10).await).await;
        assert!(
            actions.contains("通过") && !actions.contains("退回修改"),
            "{actions}"
        );
        s.exec("(function(){var e=document.querySelector('[data-testid=attachment-preview]');if(e)e.scrollIntoView({block:'center'});return true;})()")
            .await;
        w.screenshot(&s, "community-review.png").await;
        click(&s, "[data-testid=approve]").await;
        click(&s, "[data-testid=confirm-approve]").await;
        s.wait_js(
            "(function(){var e=document.querySelector('[data-testid=detail-state]');return !!e&&e.getAttribute('data-state')==='approved';})()",
            45,
        )
        .await;
        s.quit().await;
    }

    // 3. The member finds it in the hall (with its picture) and puts it on her card.
    let link = {
        let (_d, s) = w.open_app("member").await;
        s.wait("[data-testid=home-member]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=open-community]").await;
        click(&s, "[data-testid=hall-side-supply]").await;
        s.wait_js(&has_text("[data-testid=hall-item]", TITLE), 30)
            .await;
        s.wait_js(
            &format!(
                "(function(){{var es=document.querySelectorAll('[data-testid=hall-item]');for(var i=0;i<es.length;i++){{if(es[i].textContent.indexOf({TITLE:?})>=0)return !!es[i].querySelector('[data-testid=content-thumb] img');}}return false;}})()"
            ),
            30,
        )
        .await;
        w.screenshot(&s, "community-hall.png").await;
        click(&s, "[data-testid=community-tab-mine]").await;
        s.wait_js(
            "(function(){var e=document.querySelector('[data-testid=mine-item][data-status=shown]');return !!e;})()",
            30,
        )
        .await;
        click(&s, "[data-testid=community-close]").await;

        click(&s, "[data-testid=open-card]").await;
        s.wait("[data-testid=card-preview] [data-field=name]", 30)
            .await;
        click(&s, "[data-testid=card-field-products]").await;
        click(&s, "[data-testid=card-save]").await;
        s.wait_js(&has_text("[data-testid=card-products]", TITLE), 30)
            .await;
        click(&s, "[data-testid=card-share]").await;
        let link = s.text(&s.wait("[data-testid=card-link]", 30).await).await;
        s.exec("(function(){var e=document.querySelector('[data-testid=card-products]');if(e)e.scrollIntoView({block:'center'});return true;})()")
            .await;
        w.screenshot(&s, "community-card.png").await;
        s.quit().await;
        link
    };
    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    assert!(
        page.contains(TITLE),
        "the approved listing is not on the shared card page"
    );
}
