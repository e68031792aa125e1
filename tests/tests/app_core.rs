//! The app's logic behind the Tauri commands, against a real `huiji-server`: logins,
//! homes by role, registration checks, member search, and opening offline.

use huiji_offline::app::{AppCore, HomeKind, MemberQuery, MemberSort, SyncEvent};
use huiji_tests::{ServerProcess, DEMO_PASSWORD};

fn no_events() -> impl Fn(SyncEvent) + Send + Sync {
    |_| {}
}

fn query(text: &str) -> MemberQuery {
    MemberQuery {
        text: text.to_owned(),
        sort: MemberSort::Name,
        desc: false,
        page: 1,
        page_size: 20,
    }
}

#[tokio::test]
async fn each_role_lands_on_its_home_and_the_data_stays_offline() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&dir.path().join("server"), None);

    // Secretary of 南京医科大学工会.
    let sec_dir = dir.path().join("secretary");
    let app = AppCore::open(&sec_dir, &server.base_url).unwrap();
    assert!(app.app_info().unwrap().session.is_none());
    let err = app
        .login_password("13900000001", "wrong-password1")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "LoginFailed");
    let session = app
        .login_password("13900000001", DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(session.home, HomeKind::Secretary);
    let status = app.sync_now(&no_events()).await.unwrap();
    assert!(
        status.online && status.last_success_ms.is_some(),
        "{status:?}"
    );
    let home = app.home_summary().unwrap();
    let sec = home.secretary.unwrap();
    assert_eq!(sec.scope_name, "南京医科大学工会");
    assert_eq!(sec.member_count, 62);
    assert!(!sec.notices.is_empty());

    // Search: name, pinyin full and initials, phone suffix.
    let by_name = app.search_members(&query("张")).unwrap();
    assert!(
        by_name.total > 0 && by_name.items.iter().all(|m| m.name.contains('张')),
        "{by_name:?}"
    );
    let first = &by_name.items[0];
    let page = app.search_members(&query("欧阳")).unwrap();
    assert!(page.items.iter().all(|m| m.name.starts_with("欧阳")));
    let zj = app.search_members(&query("zj")).unwrap();
    assert!(zj.items.iter().any(|m| m.name == "张靖"), "{zj:?}");
    let full = app.search_members(&query("zhangjing")).unwrap();
    assert!(full.items.iter().any(|m| m.name == "张靖"), "{full:?}");
    let tail: String = first
        .phone_masked
        .clone()
        .unwrap()
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let by_phone = app.search_members(&query(&tail)).unwrap();
    assert!(
        by_phone.items.iter().any(|m| m.id == first.id),
        "{tail}: {by_phone:?}"
    );
    let all = app
        .search_members(&MemberQuery {
            text: String::new(),
            sort: MemberSort::Name,
            desc: false,
            page: 4,
            page_size: 20,
        })
        .unwrap();
    assert_eq!((all.total, all.items.len()), (62, 2));

    // Member: her own membership and the province's notice.
    let member = AppCore::open(&dir.path().join("member"), &server.base_url).unwrap();
    let s = member
        .login_password("13800000001", DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(s.home, HomeKind::Member);
    assert_eq!(
        s.account
            .id_number_masked
            .as_deref()
            .map(|m| m.contains("**********")),
        Some(true)
    );
    member.sync_now(&no_events()).await.unwrap();
    let home = member.home_summary().unwrap().member.unwrap();
    assert_eq!(home.memberships.len(), 1);
    assert_eq!(home.memberships[0].unit_name, "南京医科大学工会");
    assert!(home
        .notices
        .iter()
        .any(|n| n.title.contains("会员信息核对")));
    // A member has no roster to search.
    assert_eq!(member.search_members(&query("")).unwrap().total, 1);

    // Scanner: its site.
    let scanner = AppCore::open(&dir.path().join("scanner"), &server.base_url).unwrap();
    assert_eq!(
        scanner
            .login_password("13900000005", DEMO_PASSWORD)
            .await
            .unwrap()
            .home,
        HomeKind::Scanner
    );
    scanner.sync_now(&no_events()).await.unwrap();
    let sc = scanner.home_summary().unwrap().scanner.unwrap();
    assert_eq!((sc.site_name.as_str(), sc.scans_today), ("口前镇检查站", 0));

    // The server goes away; the secretary's app reopens with its data and says offline.
    server.kill_hard();
    drop(app);
    let app = AppCore::open(&sec_dir, "http://127.0.0.1:9").unwrap();
    let info = app.app_info().unwrap();
    assert_eq!(
        info.session.as_ref().map(|s| s.home),
        Some(HomeKind::Secretary)
    );
    assert_eq!(
        app.home_summary().unwrap().secretary.unwrap().member_count,
        62
    );
    assert!(app
        .search_members(&query("zj"))
        .unwrap()
        .items
        .iter()
        .any(|m| m.name == "张靖"));
    let status = app.sync_now(&no_events()).await.unwrap();
    assert!(!status.online, "{status:?}");
    assert!(status.last_error.is_some());
    assert!(!app.server_reachable().await);

    // Logging out forgets the account's data on this device.
    app.logout().await.unwrap();
    assert!(app.app_info().unwrap().session.is_none());
    assert!(app.home_summary().is_err());
}

#[tokio::test]
async fn registration_checks_and_first_login_profile() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), None);
    let app = AppCore::open(&dir.path().join("app"), &server.base_url).unwrap();

    let issues = app.check_registration("1381411977", "张", "110105194912310021");
    let codes: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.field.as_str(), i.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("phone", "PhoneLength"),
            ("real_name", "NameTooShort"),
            ("id_number", "IdNumberCheckChar")
        ]
    );
    assert!(issues.iter().all(|i| !i.message.is_empty()));
    assert!(app
        .check_registration("13814119776", "张靖", "11010519491231002X")
        .is_empty());

    let sent = app.send_sms_code("13814119776").await.unwrap();
    let code = sent.dev_code.expect("dev server returns the code");
    let again = app.send_sms_code("13814119776").await.unwrap_err();
    assert_eq!(again.code(), "SmsTooFrequent");
    let session = app.login_sms("13814119776", &code).await.unwrap();
    assert!(session.account.needs_profile);
    let bad = app
        .complete_profile("张靖", "110105194912310021", None)
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "IdNumberCheckChar");
    let done = app
        .complete_profile("张靖", "11010519491231002X", Some("Qiang2026"))
        .await
        .unwrap();
    assert!(!done.account.needs_profile);
    assert_eq!(
        done.account.id_number_masked.as_deref(),
        Some("1101**********002X")
    );
    assert_eq!(
        app.app_info()
            .unwrap()
            .session
            .unwrap()
            .account
            .real_name
            .as_deref(),
        Some("张靖")
    );
    // The password chosen at registration logs in from then on (seed 002).
    let again = AppCore::open(&dir.path().join("again"), &server.base_url).unwrap();
    let s = again
        .login_password("13814119776", "Qiang2026")
        .await
        .unwrap();
    assert!(!s.account.needs_profile);

    // The same ID number on another account is refused with the server's message.
    let other = AppCore::open(&dir.path().join("other"), &server.base_url).unwrap();
    let code = other
        .send_sms_code("13700000000")
        .await
        .unwrap()
        .dev_code
        .unwrap();
    other.login_sms("13700000000", &code).await.unwrap();
    let dup = other
        .complete_profile("李四", "11010519491231002X", None)
        .await
        .unwrap_err();
    assert_eq!(dup.code(), "IdNumberTaken");
    assert_eq!(
        huiji_offline::app::app_error(&dup).message,
        "该身份证号已绑定其他账号"
    );

    // Organisation login, and the server address rules.
    let org = AppCore::open(&dir.path().join("org"), &server.base_url).unwrap();
    assert_eq!(
        org.login_org("91320100MA1000000E", DEMO_PASSWORD)
            .await
            .unwrap()
            .account
            .org_name
            .as_deref(),
        Some("江苏测试网络科技有限公司")
    );
    assert_eq!(
        org.login_org("91320100MA1000014U", DEMO_PASSWORD)
            .await
            .unwrap_err()
            .code(),
        "AccountPendingReview"
    );
    assert_eq!(
        org.set_server_url("http://10.0.0.8:8686")
            .unwrap_err()
            .code(),
        "InvalidServerUrl"
    );
    assert_eq!(
        org.set_server_url("https://huiji.example.org")
            .unwrap_err()
            .code(),
        "LoggedIn"
    );
    assert_eq!(app.set_locale("en").unwrap().locale, "en");
}
