//! Events through the real app (issue 7): 张靖 publishes a talk starting in half an hour on
//! the desktop and saves its venue-code poster (PDF); the poster is turned into a picture
//! (as a member's photo of the printed sheet would be); 欧阳娜娜 registers on her app, picks
//! that picture in 扫一扫 and is checked in; she answers the demo vote and sees its result
//! chart; 张靖's live attendance shows her registered and checked in. WebDriver drives the
//! debug `huiji-app` under Xvfb against a real `huiji-server --demo`; screenshots go to
//! `test-output/e2e/events-*.png`.

use std::process::Command;

use huiji_tests::webdriver::{
    choose, choose_text, click, missing_tools, open_app, out_dir, password_login, pick_file,
    required, wait_online, with_attr, Session, Xvfb,
};
use huiji_tests::ServerProcess;

const MEMBER: &str = "13800000001"; // 欧阳娜娜, member of 南京医科大学工会
const SECRETARY: &str = "13900000001"; // 张靖, its secretary
const TITLE: &str = "心理健康讲座（端到端）";

/// A `datetime-local` value `minutes` from now, in the webview's own time zone.
fn local_in(minutes: i64) -> String {
    format!(
        "(function(){{var d=new Date(Date.now()+{minutes}*60000);function p(n){{return String(n).padStart(2,'0');}}\
         return d.getFullYear()+'-'+p(d.getMonth()+1)+'-'+p(d.getDate())+'T'+p(d.getHours())+':'+p(d.getMinutes());}})()"
    )
}

/// Types into an input the way `choose` does (value + input/change events).
async fn fill(s: &Session, css: &str, value: &str) {
    choose(s, css, &format!("{value:?}")).await;
}

/// A PDF's first page as a PNG at 110 dpi, with poppler's pdftoppm.
fn pdf_to_png(pdf: &std::path::Path, dir: &std::path::Path) -> Vec<u8> {
    let prefix = dir.join("poster");
    let st = Command::new("pdftoppm")
        .args(["-png", "-r", "110", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(st.success(), "pdftoppm failed on {}", pdf.display());
    std::fs::read(prefix.with_extension("png")).unwrap()
}

#[tokio::test]
async fn a_member_registers_checks_in_by_scanning_the_venue_poster_and_votes() {
    if let Some(why) = missing_tools() {
        assert!(!required(), "end-to-end tools missing under CI: {why}");
        eprintln!("SKIP: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let xvfb = Xvfb::start();
    let server = ServerProcess::start(&tmp.path().join("server"), None);
    let base = server.base_url.clone();
    let out = out_dir();
    let member_data = tmp.path().join("member");
    let secretary_data = tmp.path().join("secretary");

    // 1. 张靖 publishes the talk and saves its venue-code poster.
    let (event_id, poster) = {
        let (_d, s) = open_app(&xvfb.display, &secretary_data, &base).await;
        password_login(&s, SECRETARY).await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=nav-activities-admin]").await;
        s.wait("[data-testid=events-admin]", 20).await;
        click(&s, "[data-testid=event-new]").await;
        s.wait("[data-testid=event-form]", 20).await;
        choose_text(&s, "[data-testid=event-form-unit]", "南京医科大学工会").await;
        // Saving with no title is refused by the form, in Chinese.
        fill(&s, "[data-testid=event-form-title]", "").await;
        click(&s, "[data-testid=event-save]").await;
        s.wait("[data-testid=event-form-title-error]", 10).await;
        fill(&s, "[data-testid=event-form-title]", TITLE).await;
        fill(&s, "[data-testid=event-form-place]", "图书馆报告厅").await;
        choose(&s, "[data-testid=event-form-start]", &local_in(30)).await;
        choose(&s, "[data-testid=event-form-end]", &local_in(120)).await;
        choose(&s, "[data-testid=event-form-deadline]", "''").await;
        fill(&s, "[data-testid=event-form-capacity]", "80").await;
        click(&s, "[data-testid=event-save]").await;
        // The new event opens, or the list shows it: open it either way.
        let open = with_attr("[data-testid=event-row]", "data-phase", "upcoming");
        s.wait_js(
            "(function(){return !!document.querySelector('[data-testid=event-detail]')||!!document.querySelector('[data-testid=event-row]');})()",
            30,
        )
        .await;
        if s.find("[data-testid=event-detail]").await.is_none() {
            let rows = s.find_all(&open).await;
            let mut found = false;
            for r in rows {
                if s.text(&r).await.contains(TITLE) {
                    s.click(&r).await;
                    found = true;
                    break;
                }
            }
            assert!(found, "the new event is in the list");
        }
        let detail = s.wait("[data-testid=event-detail]", 20).await;
        let event_id = s.attr(&detail, "data-event-id").await.unwrap();
        click(&s, "[data-testid=event-part-code]").await;
        let svg = s.wait("[data-testid=venue-code-svg]", 30).await;
        let code = s.attr(&svg, "data-code-text").await.unwrap();
        assert!(code.starts_with("HJ1:"), "{code}");
        click(&s, "[data-testid=venue-poster]").await;
        let saved = s.wait("[data-testid=venue-poster-saved]", 30).await;
        let path = s.attr(&saved, "data-path").await.unwrap();
        s.screenshot(&xvfb.display, &out.join("events-venue-code.png"))
            .await;
        s.quit().await;
        (event_id, std::fs::read(&path).unwrap())
    };
    assert!(poster.starts_with(b"%PDF"), "the poster is a PDF");
    let pdf = tmp.path().join("poster.pdf");
    std::fs::write(&pdf, &poster).unwrap();
    let photo = pdf_to_png(&pdf, tmp.path());

    // 2. 欧阳娜娜 registers, scans the poster and votes.
    {
        let (_d, s) = open_app(&xvfb.display, &member_data, &base).await;
        password_login(&s, MEMBER).await;
        s.wait("[data-testid=home-member]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=sync-now]").await;
        click(&s, "[data-testid=nav-activities]").await;
        let card = with_attr("[data-testid=activity-card]", "data-id", &event_id);
        s.wait(&card, 30).await;
        click(&s, &card).await;
        s.wait("[data-testid=activity-detail]", 20).await;
        click(&s, "[data-testid=activity-register]").await;
        let status = s
            .wait(
                &with_attr("[data-testid=activity-status]", "data-status", "confirmed"),
                30,
            )
            .await;
        let said = s.text(&status).await;
        assert!(!said.trim().is_empty(), "the status is worded");
        s.screenshot(&xvfb.display, &out.join("events-registered.png"))
            .await;
        // Back home, 扫一扫, the photo of the poster.
        open_home(&s).await;
        click(&s, "[data-testid=member-scan]").await;
        pick_file(
            &s,
            "[data-testid=member-scan-file]",
            "poster.png",
            "image/png",
            &photo,
        )
        .await;
        let result = s
            .wait(
                &with_attr("[data-testid=member-scan-result]", "data-state", "done"),
                30,
            )
            .await;
        assert_eq!(
            s.attr(&result, "data-kind").await.as_deref(),
            Some("checkin")
        );
        assert_eq!(
            s.attr(&result, "data-target").await.as_deref(),
            Some(event_id.as_str())
        );
        let text = s.text(&result).await;
        assert!(text.contains("签到成功"), "{text}");
        s.screenshot(&xvfb.display, &out.join("events-checked-in.png"))
            .await;
        // The demo vote: 千岛湖, and the chart of the results.
        open_home(&s).await;
        click(&s, "[data-testid=nav-surveys]").await;
        // The list loads after the page opens: wait for the vote to be in it.
        s.wait_js(
            "Array.from(document.querySelectorAll('[data-testid=survey-card]')).some(function(c){return c.textContent.indexOf('疗休养目的地投票')>=0;})",
            30,
        )
        .await;
        let cards = s.find_all("[data-testid=survey-card]").await;
        let mut opened = false;
        for c in cards {
            if s.text(&c).await.contains("疗休养目的地投票") {
                s.click(&c).await;
                opened = true;
                break;
            }
        }
        assert!(opened, "the demo vote is listed");
        click(&s, "[data-testid=survey-option-q1-1]").await;
        click(&s, "[data-testid=survey-submit]").await;
        s.wait("[data-testid=survey-answered]", 30).await;
        let chart = s.wait("[data-testid=survey-chart]", 30).await;
        let chart_text = s.text(&chart).await;
        assert!(chart_text.contains("千岛湖"), "{chart_text}");
        s.exec("document.querySelector('[data-testid=survey-chart]').scrollIntoView()")
            .await;
        s.screenshot(&xvfb.display, &out.join("events-vote-chart.png"))
            .await;
        s.quit().await;
    }

    // 3. 张靖's live attendance: one registered, one checked in and inside.
    {
        let (_d, s) = open_app(&xvfb.display, &secretary_data, &base).await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=sync-now]").await;
        click(&s, "[data-testid=nav-activities-admin]").await;
        let row = with_attr("[data-testid=event-row]", "data-event-id", &event_id);
        s.wait(&row, 30).await;
        click(&s, &format!("{row} [data-testid=event-open]")).await;
        s.wait("[data-testid=event-detail]", 20).await;
        click(&s, "[data-testid=event-part-attendance]").await;
        s.wait_js(
            "(function(){var a=document.querySelector('[data-testid=attendance-checked-in]');var r=document.querySelector('[data-testid=attendance-registered]');\
             return !!a&&!!r&&/\\b1\\b/.test(a.textContent)&&/\\b1\\b/.test(r.textContent);})()",
            40,
        )
        .await;
        s.screenshot(&xvfb.display, &out.join("events-attendance.png"))
            .await;
        s.quit().await;
    }
    drop(server);
}

/// Back to the member's home, page by page (the activity pages open over it).
async fn open_home(s: &Session) {
    for _ in 0..6 {
        if s.find("[data-testid=home-acts]").await.is_some() {
            return;
        }
        click(s, "[data-testid=page-back]").await;
    }
    s.wait("[data-testid=home-acts]", 20).await;
}
