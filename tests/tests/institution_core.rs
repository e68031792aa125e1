//! Institution accounts (seed 003) through the app's logic against a real
//! `huiji-server`: an unbound student logs in with her 学号, binds her phone and lands on
//! the member home of 西安文理学院; a student who went on to 读研 unbinds her old 学号
//! and binds the new one.

use huiji_offline::app::{AppCore, HomeKind, IdentityKind, SyncEvent};
use huiji_tests::{demo_node, ServerProcess, DEMO_PASSWORD};

const XAU: &str = "西安文理学院";
// The demo's initial passwords: the last 8 characters of each person's ID number (the
// server prints them with the demo logins).
const LIN_NUMBER: &str = "2022110101"; // 林雨桐, unbound
const LIN_PASSWORD: &str = "02086332";
const HAN_OLD: &str = "2019110318"; // 韩雪's 本科 学号: retired, bound to her phone
const HAN_NEW: &str = "2023210318"; // her 研究生 学号: unbound
const HAN_PASSWORD: &str = "09015968";
const HAN_PHONE: &str = "13800000003";

fn no_events() -> impl Fn(SyncEvent) + Send + Sync {
    |_| {}
}

fn xau() -> String {
    demo_node(XAU).to_string()
}

fn member_of_xau(app: &AppCore) -> bool {
    let session = app.session().unwrap().unwrap();
    session
        .account
        .grants
        .iter()
        .any(|g| g.node_name.as_deref() == Some(XAU) && g.role.as_str() == "member")
}

/// The units on the member home after a sync.
async fn home_units(app: &AppCore) -> Vec<(String, Option<String>)> {
    let status = app.sync_now(&no_events()).await.unwrap();
    assert!(status.online && status.last_error.is_none(), "{status:?}");
    let home = app.home_summary().unwrap();
    assert_eq!(home.home, HomeKind::Member);
    home.member
        .unwrap()
        .memberships
        .into_iter()
        .map(|m| (m.unit_name, m.category))
        .collect()
}

#[tokio::test]
async fn a_student_binds_her_phone_and_a_graduate_student_rebinds_her_new_number() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), None);

    // 林雨桐 on her phone: 在校师生 → 西安文理学院 → 学号 + password.
    let app = AppCore::open(&dir.path().join("lin"), &server.base_url).unwrap();
    let institutions = app.institutions_list().await.unwrap();
    assert_eq!(institutions.len(), 1, "{institutions:?}");
    assert_eq!(institutions[0].name, XAU);
    assert_eq!(institutions[0].id, xau());
    // Checked on the device before anything is sent, then by the server.
    let err = app.institution_login(&xau(), " ", "x").await.unwrap_err();
    assert_eq!(err.code(), "NumberRequired");
    let err = app
        .institution_login("", LIN_NUMBER, "x")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "InstitutionRequired");
    let err = app
        .institution_login(&xau(), LIN_NUMBER, "wrong-one")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "InstitutionLoginFailed");
    let err = app
        .institution_login(&xau(), HAN_OLD, HAN_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "InstitutionNumberRetired");

    let step = app
        .institution_login(&xau(), LIN_NUMBER, LIN_PASSWORD)
        .await
        .unwrap();
    assert!(step.needs_binding && step.session.is_none(), "{step:?}");
    assert_eq!(step.name_masked, "林**");
    assert_eq!(step.kind, IdentityKind::Student);
    assert_eq!(step.institution_name, XAU);
    assert!(
        app.session().unwrap().is_none(),
        "not logged in before binding"
    );
    let ticket = step.ticket.unwrap();

    // 绑定手机号: her own phone, with the SMS code.
    let phone = "13622220101";
    let err = app
        .institution_bind(&ticket, "1234", "123456")
        .await
        .unwrap_err();
    assert!(err.code().starts_with("Phone"), "{err:?}");
    let code = app.send_sms_code(phone).await.unwrap().dev_code.unwrap();
    let session = app.institution_bind(&ticket, phone, &code).await.unwrap();
    assert_eq!(session.home, HomeKind::Member);
    assert_eq!(session.account.real_name.as_deref(), Some("林雨桐"));
    assert!(
        session.account.needs_profile,
        "her ID number is still to give"
    );
    assert!(member_of_xau(&app));
    assert_eq!(
        home_units(&app).await,
        [(XAU.to_owned(), Some("学生".to_owned()))]
    );
    let bindings = app.institution_bindings().await.unwrap();
    assert_eq!(bindings.len(), 1);
    assert_eq!(
        (bindings[0].number.as_str(), bindings[0].kind),
        (LIN_NUMBER, IdentityKind::Student)
    );

    // The ticket served once; from now on the number logs straight in.
    let again = app
        .institution_bind(&ticket, phone, &code)
        .await
        .unwrap_err();
    assert_eq!(again.code(), "BindingTicketUsed");
    app.logout().await.unwrap();
    let back = app
        .institution_login(&xau(), LIN_NUMBER, LIN_PASSWORD)
        .await
        .unwrap();
    assert!(!back.needs_binding);
    assert_eq!(back.session.unwrap().account.id, session.account.id);

    // She unbinds in her profile: the membership the binding gave ends.
    let out = app.institution_unbind(&xau(), None, None).await.unwrap();
    assert_eq!(out.number, LIN_NUMBER);
    assert!(!member_of_xau(&app));
    assert!(app.institution_bindings().await.unwrap().is_empty());
    assert!(home_units(&app).await.is_empty());
    // Signed out, unbinding needs the number and its password.
    app.logout().await.unwrap();
    let err = app
        .institution_unbind(&xau(), None, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "NotLoggedIn");

    // 韩雪 went on to 读研: her phone is still bound to her retired 本科 学号.
    let han = AppCore::open(&dir.path().join("han"), &server.base_url).unwrap();
    let me = han.login_password(HAN_PHONE, DEMO_PASSWORD).await.unwrap();
    assert!(member_of_xau(&han));
    let bindings = han.institution_bindings().await.unwrap();
    assert_eq!(
        (bindings[0].number.as_str(), bindings[0].status.as_str()),
        (HAN_OLD, "retired")
    );
    han.logout().await.unwrap();
    // First the old number is unbound (number + password, from the login screen) …
    let out = han
        .institution_unbind(&xau(), Some(HAN_OLD), Some(HAN_PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        (out.number.as_str(), out.kind),
        (HAN_OLD, IdentityKind::Student)
    );
    assert!(out.session.is_none());
    // … then the new 学号 logs in and is bound to the same phone, the same account.
    let step = han
        .institution_login(&xau(), HAN_NEW, HAN_PASSWORD)
        .await
        .unwrap();
    assert!(step.needs_binding);
    assert_eq!(step.name_masked, "韩*");
    let code = han
        .send_sms_code(HAN_PHONE)
        .await
        .unwrap()
        .dev_code
        .unwrap();
    let session = han
        .institution_bind(step.ticket.as_deref().unwrap(), HAN_PHONE, &code)
        .await
        .unwrap();
    assert_eq!(session.account.id, me.account.id);
    assert!(member_of_xau(&han));
    assert_eq!(
        home_units(&han).await,
        [(XAU.to_owned(), Some("学生".to_owned()))]
    );
    let bindings = han.institution_bindings().await.unwrap();
    assert_eq!(bindings.len(), 1);
    assert_eq!(
        (bindings[0].number.as_str(), bindings[0].status.as_str()),
        (HAN_NEW, "active")
    );
    // Her history keeps both: the 本科 membership ended, the new one current.
    let mine = han.my_memberships().unwrap();
    assert_eq!(mine.len(), 2, "{mine:?}");
}
