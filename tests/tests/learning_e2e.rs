//! News and learning in the real app (issue 8 §4, §5): 张靖 publishes important news to
//! 南京医科大学工会 from the desktop; 欧阳娜娜 finds it on her home, enrols in the demo
//! course 职工心理健康基础 and reads its first lesson in the real webview until the
//! server counts the 20 seconds it asks for. WebDriver drives the debug `huiji-app` under
//! Xvfb against a real `huiji-server --demo`; screenshots go to
//! `test-output/e2e/learning-*.png`.

use huiji_tests::webdriver::{click, has_text, password_login, wait_online, World};

const MEMBER: &str = "13800000001"; // 欧阳娜娜, 南京医科大学工会
const SECRETARY: &str = "13900000001"; // 张靖, its secretary
const NEWS: &str = "职工书屋本周起开放";

#[tokio::test]
async fn news_reaches_the_member_and_a_lesson_read_in_the_app_counts() {
    let Some(w) = World::start() else {
        return;
    };

    // 1. The secretary publishes important news.
    {
        let (_d, s) = w.open_app("secretary").await;
        password_login(&s, SECRETARY).await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=notice-new]").await;
        click(&s, "[data-testid=notice-kind-news]").await;
        let title = s.wait("[data-testid=notice-title]", 10).await;
        s.type_text(&title, NEWS).await;
        let body = s.wait("[data-testid=notice-content-input]", 10).await;
        s.type_text(&body, "每周二、四下午开放，欢迎借阅。").await;
        click(&s, "[data-testid=notice-important-input]").await;
        click(&s, "[data-testid=notice-submit]").await;
        s.wait_js(
            "(function(){var e=document.querySelector('[data-testid=notice-published]');return !!e&&e.textContent.indexOf('已通知')>=0;})()",
            30,
        )
        .await;
        s.wait_js(&has_text("[data-testid=notices]", NEWS), 30)
            .await;
        w.screenshot(&s, "learning-news-published.png").await;
        s.quit().await;
    }

    // 2. The member sees it, then learns.
    let (_d, s) = w.open_app("member").await;
    password_login(&s, MEMBER).await;
    s.wait("[data-testid=home-member]", 30).await;
    wait_online(&s, true, 30).await;
    s.wait_js(
        &format!("(function(){{var es=document.querySelectorAll('[data-testid=notice][data-important=true]');for(var i=0;i<es.length;i++){{if(es[i].textContent.indexOf({NEWS:?})>=0)return true;}}return false;}})()"),
        45,
    )
    .await;
    click(&s, "[data-testid=open-learning]").await;
    click(&s, "[data-testid=course-item]").await;
    let price = s.wait("[data-testid=course-my-price]", 20).await;
    assert_eq!(s.attr(&price, "data-fen").await.as_deref(), Some("0"));
    click(&s, "[data-testid=course-enrol]").await;
    click(&s, "[data-testid=lesson-open]").await;
    s.wait("[data-testid=lesson-body]", 20).await;
    // The page beats every 10 s while shown; the server counts 20 s within about 30.
    s.wait_js(
        "(function(){var e=document.querySelector('[data-testid=lesson-meter]');return !!e&&e.getAttribute('data-done')==='true';})()",
        60,
    )
    .await;
    w.screenshot(&s, "learning-lesson.png").await;
    click(&s, "[data-testid=lesson-back]").await;
    let first = s.wait("[data-testid=course-lesson]", 20).await;
    assert_eq!(s.attr(&first, "data-done").await.as_deref(), Some("true"));
    let progress = s
        .text(&s.wait("[data-testid=course-progress]", 20).await)
        .await;
    assert!(progress.contains("得分 10"), "{progress}");
    s.quit().await;
}
