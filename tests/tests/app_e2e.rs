//! The real app, end to end: the debug `huiji-app` in a real WebKit webview on a virtual
//! display, driven by tauri-driver + WebKitWebDriver, against a real `huiji-server
//! --demo`. Screenshots of each home go to `test-output/e2e/`.

use huiji_tests::webdriver::{
    missing_tools, open_app, out_dir, password_login, required, wait_online, Xvfb,
};
use huiji_tests::ServerProcess;

#[tokio::test]
async fn members_secretaries_and_scanners_see_their_homes_and_the_data_survives_offline() {
    if let Some(why) = missing_tools() {
        assert!(!required(), "end-to-end tools missing under CI: {why}");
        eprintln!("SKIP: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let xvfb = Xvfb::start();
    let mut server = ServerProcess::start(&tmp.path().join("server"), None);
    let out = out_dir();

    // Member (phone layout).
    {
        let (_d, s) = open_app(&xvfb.display, &tmp.path().join("member"), &server.base_url).await;
        password_login(&s, "13800000001").await;
        s.wait("[data-testid=home-member]", 30).await;
        wait_online(&s, true, 30).await;
        let m = s.wait("[data-testid=membership]", 30).await;
        assert!(s.text(&m).await.contains("南京医科大学工会"));
        s.wait("[data-testid=notice]", 10).await;
        s.screenshot(&xvfb.display, &out.join("home-member.png"))
            .await;
        s.quit().await;
    }

    // Secretary (desktop layout): counts, the members table, pinyin search.
    let secretary_data = tmp.path().join("secretary");
    {
        let (_d, s) = open_app(&xvfb.display, &secretary_data, &server.base_url).await;
        password_login(&s, "13900000001").await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, true, 30).await;
        s.wait("[data-testid=member-row]", 30).await;
        let search = s.wait("[data-testid=member-search]", 10).await;
        s.type_text(&search, "zj").await;
        s.wait_js("Array.from(document.querySelectorAll('[data-testid=member-row]')).some(function(r){return r.textContent.indexOf('张靖')>=0;})", 15).await;
        s.screenshot(&xvfb.display, &out.join("home-secretary.png"))
            .await;
        s.quit().await;
    }

    // Scanner: the big scan button, today's counts, the site.
    {
        let (_d, s) = open_app(&xvfb.display, &tmp.path().join("scanner"), &server.base_url).await;
        password_login(&s, "13900000005").await;
        s.wait("[data-testid=home-scanner]", 30).await;
        s.wait("[data-testid=scan-button]", 10).await;
        let site = s.wait("[data-testid=site-name]", 30).await;
        s.wait_js("(document.querySelector('[data-testid=site-name]')||{}).textContent.indexOf('口前镇检查站')>=0", 30).await;
        assert!(s.text(&site).await.contains("口前镇检查站"));
        s.screenshot(&xvfb.display, &out.join("home-scanner.png"))
            .await;
        s.quit().await;
    }

    // The server stops; the secretary reopens the app: the data is there, and it says offline.
    server.kill_hard();
    {
        let (_d, s) = open_app(&xvfb.display, &secretary_data, &server.base_url).await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, false, 45).await;
        s.wait("[data-testid=member-row]", 30).await;
        let rows = s.find_all("[data-testid=member-row]").await;
        assert!(!rows.is_empty());
        let total = s.wait("[data-testid=members-total]", 10).await;
        assert!(
            s.text(&total).await.contains("62"),
            "{}",
            s.text(&total).await
        );
        s.screenshot(&xvfb.display, &out.join("home-secretary-offline.png"))
            .await;
        s.quit().await;
    }
    drop(xvfb);
}
