//! Dues through the real app (issue 6): 欧阳娜娜 pays her dues online in the sandbox (the
//! test plays her browser on the payment page; the sandbox's signed notification settles
//! the order, which the app shows); 张靖 bills next year by hand on the desktop;
//! 欧阳娜娜 pays that order offline with a photo of the transfer; 张靖 sees the photo in
//! the confirmation queue and confirms; both payments are in the ledger and in its XLSX
//! and CSV exports. WebDriver drives the debug `huiji-app` under Xvfb against a real
//! `huiji-server --demo`; screenshots go to `test-output/e2e/dues-*.png`.

use std::io::Read;

use huiji_tests::webdriver::{
    choose, choose_text, click, missing_tools, open_app, out_dir, password_login, pick_file,
    required, wait_online, with_attr, Xvfb,
};
use huiji_tests::ServerProcess;

const MEMBER: &str = "13800000001"; // 欧阳娜娜, member of 南京医科大学工会
const SECRETARY: &str = "13900000001"; // 张靖, its secretary

/// A photo of a bank transfer slip.
fn slip_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(800, 500, |x, y| {
        if y < 70 {
            image::Rgb([196, 30, 58])
        } else if (y / 36) % 2 == 0 && (60..740).contains(&x) && (x / 9) % 4 != 0 {
            image::Rgb([55, 60, 70])
        } else {
            image::Rgb([250, 250, 246])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn year() -> i32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    huiji_domain::time::today_cst(now).year
}

#[tokio::test]
async fn a_member_pays_online_and_offline_with_a_photo_and_the_secretary_confirms_and_exports() {
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
    let (this_year, next_year) = (year().to_string(), (year() + 1).to_string());

    // 1. 欧阳娜娜 pays this year's dues online.
    {
        let (_d, s) = open_app(&xvfb.display, &member_data, &base).await;
        password_login(&s, MEMBER).await;
        s.wait("[data-testid=home-member]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=home-dues]").await;
        s.wait("[data-testid=my-dues]", 20).await;
        let order = with_attr("[data-testid=dues-order]", "data-status", "pending");
        let card = s.wait(&order, 30).await;
        assert_eq!(s.attr(&card, "data-fen").await.as_deref(), Some("24000"));
        click(&s, &format!("{order} [data-testid=pay-online]")).await;
        let link = s.wait("[data-testid=pay-url]", 30).await;
        let pay_url = s.attr(&link, "data-url").await.unwrap();
        assert!(pay_url.contains("/sandbox/pay/"), "{pay_url}");
        s.wait("[data-testid=pay-qr] svg", 10).await;
        s.screenshot(&xvfb.display, &out.join("dues-pay-online.png"))
            .await;
        // Her browser (or phone) on the sandbox's page: it shows what she pays, she pays.
        let http = reqwest::Client::new();
        let page = http
            .get(&pay_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("¥240.00") && page.contains("南京医科大学工会"),
            "{page}"
        );
        let done = http
            .post(format!("{pay_url}/pay"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(done.contains("支付成功"), "{done}");
        // The sandbox notifies the server; the sheet, polling, turns to success.
        let ok = s.wait("[data-testid=pay-done]", 40).await;
        assert!(s.text(&ok).await.contains("SJ"), "a receipt number");
        s.screenshot(&xvfb.display, &out.join("dues-paid-online.png"))
            .await;
        s.quit().await;
    }

    // 2. 张靖 bills next year by hand on the desktop.
    {
        let (_d, s) = open_app(&xvfb.display, &secretary_data, &base).await;
        password_login(&s, SECRETARY).await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=nav-dues]").await;
        s.wait("[data-testid=dues-admin]", 20).await;
        click(&s, "[data-testid=dues-tab-rules]").await;
        choose_text(&s, "[data-testid=generate-unit]", "南京医科大学工会").await;
        choose(
            &s,
            "[data-testid=generate-period]",
            &format!("{next_year:?}"),
        )
        .await;
        click(&s, "[data-testid=generate-submit]").await;
        let report = s.wait("[data-testid=generate-report]", 30).await;
        let text = s.text(&report).await;
        assert!(text.contains("已生成2张"), "{text}");
        s.quit().await;
    }

    // 3. 欧阳娜娜 pays next year's order offline, with a photo of the transfer.
    {
        let (_d, s) = open_app(&xvfb.display, &member_data, &base).await;
        s.wait("[data-testid=home-member]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=sync-now]").await;
        click(&s, "[data-testid=home-dues]").await;
        let order = format!(
            "{}{}",
            with_attr("[data-testid=dues-order]", "data-status", "pending"),
            "[data-fen='24000']"
        );
        s.wait(&order, 45).await;
        click(&s, &format!("{order} [data-testid=pay-offline]")).await;
        s.wait("[data-testid=offline-form]", 20).await;
        choose(&s, "[data-testid=offline-method]", "'bank_transfer'").await;
        let reference = s.wait("[data-testid=offline-reference]", 10).await;
        s.type_text(&reference, "工商银行 6222 **** 0001").await;
        pick_file(
            &s,
            "[data-testid=offline-file]",
            "转账截图.jpg",
            "image/jpeg",
            &slip_jpeg(),
        )
        .await;
        s.wait("[data-testid=offline-preview]", 20).await;
        s.screenshot(&xvfb.display, &out.join("dues-offline-form.png"))
            .await;
        click(&s, "[data-testid=offline-submit]").await;
        s.wait_js(
            "!!document.querySelector('[data-testid=offline-saved]') || !!document.querySelector('[data-testid=offline-error]') || !!document.querySelector('[data-testid=offline-form] [data-testid$=-error]')",
            60,
        )
        .await;
        if s.find("[data-testid=offline-saved]").await.is_none() {
            let form = s.wait("[data-testid=offline-form]", 5).await;
            s.screenshot(&xvfb.display, &out.join("dues-offline-refused.png"))
                .await;
            panic!("the offline payment was refused: {}", s.text(&form).await);
        }
        let saved = s.wait("[data-testid=offline-saved]", 5).await;
        assert_eq!(
            s.attr(&saved, "data-local").await.as_deref(),
            Some("synced")
        );
        s.quit().await;
    }

    // 4. 张靖 sees it waiting, with the photo, and confirms; the ledger and its exports
    //    carry both payments.
    {
        let (_d, s) = open_app(&xvfb.display, &secretary_data, &base).await;
        s.wait("[data-testid=home-secretary]", 30).await;
        wait_online(&s, true, 30).await;
        click(&s, "[data-testid=sync-now]").await;
        s.wait_js(
            "(function(){var e=document.querySelector('[data-testid=nav-dues-badge]');return !!e&&e.textContent.trim()==='1';})()",
            45,
        )
        .await;
        click(&s, "[data-testid=nav-dues]").await;
        let row = with_attr("[data-testid=queue-payment]", "data-payer", "欧阳娜娜");
        click(&s, &format!("{row} [data-testid=queue-open]")).await;
        s.wait("[data-testid=queue-detail]", 20).await;
        // The proof photo really shows (decoded by the webview, not a broken image).
        s.wait_js(
            "(function(){var i=document.querySelectorAll('[data-testid=queue-proof] img');for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)return true;}return false;})()",
            30,
        )
        .await;
        s.screenshot(&xvfb.display, &out.join("dues-confirm-queue.png"))
            .await;
        click(&s, "[data-testid=queue-confirm]").await;
        s.wait_js(
            "(function(){var e=document.querySelector('[data-testid=queue-detail]');return !!e&&e.textContent.indexOf('已确认')>=0;})()",
            30,
        )
        .await;

        click(&s, "[data-testid=dues-tab-ledger]").await;
        s.wait("[data-testid=ledger]", 20).await;
        let both = "(function(){var rs=document.querySelectorAll(\"[data-testid=ledger-row][data-payer='欧阳娜娜'][data-status=confirmed]\");var m={};for(var i=0;i<rs.length;i++)m[rs[i].getAttribute('data-method')]=true;return !!m.online&&!!m.bank_transfer;})()";
        s.wait_js(both, 30).await;
        s.screenshot(&xvfb.display, &out.join("dues-ledger.png"))
            .await;

        click(&s, "[data-testid=ledger-export-csv]").await;
        let saved = s.wait("[data-testid=export-saved]", 30).await;
        let csv_path = s.attr(&saved, "data-path").await.unwrap();
        let csv = std::fs::read_to_string(&csv_path).unwrap();
        let lines: Vec<&str> = csv.lines().filter(|l| l.contains("欧阳娜娜")).collect();
        assert_eq!(lines.len(), 2, "both payments in the CSV: {csv}");
        assert!(
            lines.iter().any(|l| l.contains("在线支付"))
                && lines.iter().any(|l| l.contains("银行转账")),
            "{csv}"
        );
        assert!(
            csv.contains(&format!("{this_year}年度")) && csv.contains(&format!("{next_year}年度")),
            "{csv}"
        );

        click(&s, "[data-testid=ledger-export-xlsx]").await;
        s.wait_js(
            "(function(){var e=document.querySelector('[data-testid=export-saved]');return !!e&&(e.getAttribute('data-path')||'').endsWith('.xlsx');})()",
            30,
        )
        .await;
        let saved = s.wait("[data-testid=export-saved]", 10).await;
        let xlsx_path = s.attr(&saved, "data-path").await.unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx_path).unwrap()).unwrap();
        let mut shared = String::new();
        zip.by_name("xl/sharedStrings.xml")
            .unwrap()
            .read_to_string(&mut shared)
            .unwrap();
        assert!(
            shared.contains("欧阳娜娜")
                && shared.contains("银行转账")
                && shared.contains("在线支付"),
            "{shared}"
        );
        s.quit().await;
    }
    drop(server);
}
