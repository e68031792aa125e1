//! Approvals on devices against a real `huiji-server`: a member applies to join while
//! the server is away and the application is stored once when it returns; a secretary
//! bulk-approves; a reviewer's offline approval overtaken by the other reviewer comes
//! back as a conflict that says who decided; organisations register without logging
//! in and complete their profile; memberships are renewed and overridden.

use huiji_domain::workflow::{MembershipStatus, OrgProfile, OrgRegistrationForm, RequestKind};
use huiji_offline::app::{
    AppCore, IssueStatus, LocalStatus, MembershipQuery, RequestBox, RequestQuery, SyncEvent,
};
use huiji_tests::{demo_node, login, ServerProcess, DEMO_PASSWORD};
use serde_json::json;

fn no_events() -> impl Fn(SyncEvent) + Send + Sync {
    |_| {}
}

fn query(b: RequestBox) -> RequestQuery {
    RequestQuery {
        request_box: b,
        kind: None,
        state: None,
        text: None,
        page: 1,
        page_size: 50,
    }
}

async fn app(dir: &std::path::Path, name: &str, base: &str, phone: &str) -> AppCore {
    let app = AppCore::open(&dir.join(name), base).unwrap();
    app.login_password(phone, DEMO_PASSWORD).await.unwrap();
    let st = app.sync_now(&no_events()).await.unwrap();
    assert!(st.online, "{st:?}");
    app
}

/// What the server holds in a box for an account.
async fn server_box(base: &str, phone: &str, b: &str) -> serde_json::Value {
    let token = login(base, phone).await;
    reqwest::Client::new()
        .get(format!("{base}/api/v1/requests?box={b}&page_size=200"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_join_made_offline_is_stored_once_and_a_secretary_bulk_approves() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();
    let njmu = demo_node("南京医科大学工会");
    let nju = demo_node("南京大学工会");

    let member = app(dir.path(), "member", &base, "13800000001").await;
    // Her home lists the membership record (type from the record, not the roster).
    let home = member.home_summary().unwrap().member.unwrap();
    assert_eq!(home.memberships.len(), 1, "{home:?}");
    assert_eq!(home.memberships[0].unit_name, "南京医科大学工会");
    let mine = member.my_memberships().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].status, MembershipStatus::Current);
    assert_eq!(mine[0].history[0].what, "joined");

    // The unit picker: search by name, and the path down the tree.
    let found = member.units_search("南京大学").unwrap();
    let unit = found.iter().find(|u| u.id == nju.to_string()).unwrap();
    assert_eq!(
        unit.path_names.last().map(String::as_str),
        Some("南京大学工会")
    );
    assert!(unit.path_names.len() >= 2, "{unit:?}");
    let roots = member.units_children(None).unwrap();
    assert!(!roots.is_empty() && roots.iter().all(|r| r.path_names.len() == 1));
    let mut level = roots;
    let mut path = Vec::new();
    for name in &unit.path_names {
        let next = level.iter().find(|u| &u.name == name).unwrap().clone();
        path.push(next.name.clone());
        level = member.units_children(Some(&next.id)).unwrap();
    }
    assert_eq!(&path, &unit.path_names);

    // The server refuses at once what can never pass: she is a member there already.
    let join = |unit: uuid::Uuid| json!({"category": "企业职工", "unit_id": unit, "company": "南京鼓楼医院", "agreed": true});
    let err = member
        .request_submit(RequestKind::Join, join(njmu), Vec::new(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "AlreadyMember");
    assert_eq!(member.request_counts().unwrap().sent, 0);

    // With the server away, the application to 南京大学工会 waits on the device — and
    // stays there across a restart of the app.
    server.kill_hard();
    let d = member
        .request_submit(RequestKind::Join, join(nju), Vec::new(), None)
        .await
        .unwrap();
    assert_eq!((d.local, d.version), (LocalStatus::Queued, 0));
    drop(member);
    let member = AppCore::open(&dir.path().join("member"), &base).unwrap();
    let sent = member.requests_list(&query(RequestBox::Sent)).unwrap();
    assert_eq!(sent.total, 1);
    assert_eq!(sent.rows[0].local, LocalStatus::Queued);
    assert_eq!(sent.rows[0].node_name, "南京大学工会");

    // The server returns; one sync sends it and brings it back as the server's record.
    let _server = ServerProcess::restart(&data, &base);
    let st = member.sync_now(&no_events()).await.unwrap();
    assert!(st.online, "{st:?}");
    member.sync_now(&no_events()).await.unwrap();
    let sent = member.requests_list(&query(RequestBox::Sent)).unwrap();
    assert_eq!((sent.total, sent.counts.sent), (1, 1), "{sent:?}");
    let row = &sent.rows[0];
    assert_eq!(row.id, d.id);
    assert_eq!(row.local, LocalStatus::Synced);
    assert!(!row.sms_verified, "applied offline: not confirmed by SMS");
    assert_eq!(row.step_title.as_deref(), Some("单位工会审核"));
    let on_server = server_box(&base, "13800000001", "sent").await;
    assert_eq!(on_server["total"], 1, "{on_server}");
    let detail = member.request_detail(&d.id).unwrap();
    assert!(detail.version >= 1);
    assert!(detail.allowed.contains(&"withdraw".to_owned()));

    // 李明华 (南京大学工会) has it to do, with the transfer of 黄思琪 out of his unit.
    let sec = app(dir.path(), "secretary", &base, "13900000002").await;
    assert_eq!(
        sec.home_summary()
            .unwrap()
            .secretary
            .unwrap()
            .pending_reviews,
        2
    );
    let todo = sec.requests_list(&query(RequestBox::Todo)).unwrap();
    assert_eq!((todo.total, todo.counts.todo, todo.counts.done), (2, 2, 0));
    let kinds: Vec<RequestKind> = todo.rows.iter().map(|r| r.kind).collect();
    assert!(kinds.contains(&RequestKind::Join) && kinds.contains(&RequestKind::Transfer));
    let only_joins = sec
        .requests_list(&RequestQuery {
            kind: Some(RequestKind::Join),
            ..query(RequestBox::Todo)
        })
        .unwrap();
    assert_eq!(only_joins.total, 1);
    assert!(!only_joins.rows[0].sms_verified);
    let by_name = sec
        .requests_list(&RequestQuery {
            text: Some("黄思琪".into()),
            ..query(RequestBox::Todo)
        })
        .unwrap();
    assert_eq!(by_name.total, 1);

    let ids: Vec<String> = todo.rows.iter().map(|r| r.id.clone()).collect();
    let bulk = sec
        .requests_bulk_approve(&ids, Some("同意".into()))
        .await
        .unwrap();
    assert_eq!((bulk.applied, bulk.queued), (2, 0), "{bulk:?}");
    assert!(bulk.failed.is_empty());
    let c = sec.request_counts().unwrap();
    assert_eq!((c.todo, c.done, c.sent), (0, 2, 0));
    // A second bulk approval of the same requests is refused here, not sent.
    let again = sec.requests_bulk_approve(&ids, None).await.unwrap();
    assert_eq!((again.applied, again.failed.len()), (0, 2));

    // The member's device gets the membership and the decision in her inbox.
    member.sync_now(&no_events()).await.unwrap();
    let mine = member.my_memberships().unwrap();
    let at_nju = mine.iter().find(|m| m.unit_id == nju.to_string()).unwrap();
    assert_eq!(at_nju.status, MembershipStatus::Current);
    assert_eq!(at_nju.member_type, "企业职工");
    let sent = member.requests_list(&query(RequestBox::Sent)).unwrap();
    assert_eq!(sent.rows[0].state_label, "已通过");
    let inbox = member.notifications_list().unwrap();
    assert!(!inbox.is_empty());
    let decision = inbox
        .iter()
        .find(|n| n.request_id.as_deref() == Some(d.id.as_str()))
        .expect("an inbox entry for the decision");
    assert!(!decision.read);
    member.notification_read(&decision.id).unwrap();
    assert!(member
        .notifications_list()
        .unwrap()
        .iter()
        .any(|n| n.id == decision.id && n.read));

    // 张靖 (南京医科大学工会) renews her membership there and then overrides its status.
    let zj = app(dir.path(), "zhangjing", &base, "13900000001").await;
    let at_njmu = mine.iter().find(|m| m.unit_id == njmu.to_string()).unwrap();
    let year: i32 = at_njmu.end_on.as_deref().unwrap()[..4].parse().unwrap();
    let renewed = zj
        .membership_renew(&at_njmu.id, &format!("{}-12-31", year + 2))
        .await
        .unwrap();
    assert_eq!(renewed.end_on, Some(format!("{}-12-31", year + 2)));
    assert!(renewed.history.iter().any(|h| h.what == "renewed"));
    let err = zj
        .membership_set_status(&at_njmu.id, Some(MembershipStatus::Expired), " ")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ReasonRequired");
    let overridden = zj
        .membership_set_status(&at_njmu.id, Some(MembershipStatus::Expired), "会费长期未缴")
        .await
        .unwrap();
    assert_eq!(overridden.status, MembershipStatus::Expired);
    assert_eq!(overridden.override_reason.as_deref(), Some("会费长期未缴"));
    member.sync_now(&no_events()).await.unwrap();
    let after = member.my_memberships().unwrap();
    let m = after.iter().find(|m| m.id == at_njmu.id).unwrap();
    assert_eq!(m.status_label, "已过期");
}

#[tokio::test]
async fn an_offline_approval_overtaken_by_the_other_reviewer_says_who_decided() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();

    // 欧阳娜娜 asks 西安文理学院's service hall for a website change, confirmed by SMS,
    // with a letter attached.
    let member = app(dir.path(), "member", &base, "13800000001").await;
    let services = member.services_list().unwrap();
    assert_eq!(services.len(), 3, "{services:?}");
    let site = services
        .iter()
        .find(|s| s.def.name == "网站变更申请")
        .unwrap();
    assert_eq!(site.node_name, "西安文理学院");
    let err = member
        .attachment_upload("letter.pdf", b"not a pdf".to_vec())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "AttachmentType");
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let letter = member
        .attachment_upload("../部门申请函.pdf", pdf.clone())
        .await
        .unwrap();
    assert_eq!(
        (letter.name.as_str(), letter.mime.as_str()),
        ("部门申请函.pdf", "application/pdf")
    );
    let code = member.send_verify_code().await.unwrap();
    let form = json!({"service_id": site.id, "values": {
        "department": "外国语学院", "site_name": "外国语学院网站", "site_url": "https://wgy.xawl.edu.cn",
        "change_type": "栏目调整", "detail": "新增“国际交流”栏目", "contact_phone": "13800000001"}});
    let bad = json!({"service_id": site.id, "values": {"department": "外国语学院"}});
    let err = member
        .request_submit(RequestKind::Service, bad, Vec::new(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "FieldRequired");
    let d = member
        .request_submit(
            RequestKind::Service,
            form,
            vec![letter.clone()],
            code.dev_code,
        )
        .await
        .unwrap();
    assert_eq!(d.local, LocalStatus::Synced);
    assert!(d.body.sms_verified);
    assert_eq!(d.body.steps[0].title, "部门负责人审核");

    // Both reviewers of the first step (或签) have it to do.
    let zheng = app(dir.path(), "zheng", &base, "13900000009").await;
    let kong = app(dir.path(), "kong", &base, "13900000011").await;
    for r in [&zheng, &kong] {
        let todo = r.requests_list(&query(RequestBox::Todo)).unwrap();
        assert!(todo.rows.iter().any(|row| row.id == d.id), "{todo:?}");
    }
    let data_seen = kong.attachment_fetch(&letter.id.to_string()).await.unwrap();
    assert_eq!(data_seen.name, "部门申请函.pdf");
    assert_eq!(data_seen.mime, "application/pdf");
    assert!(data_seen.base64.starts_with("JVBERi0")); // "%PDF-"

    // 郑海峰 opens the letter, then the server goes away.
    assert_eq!(
        zheng
            .attachment_fetch(&letter.id.to_string())
            .await
            .unwrap()
            .base64,
        data_seen.base64
    );
    server.kill_hard();
    // The letter he opened still shows; one never opened here cannot.
    assert_eq!(
        zheng
            .attachment_fetch(&letter.id.to_string())
            .await
            .unwrap()
            .name,
        "部门申请函.pdf"
    );
    let err = zheng
        .attachment_fetch(&uuid::Uuid::now_v7().to_string())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "AttachmentOffline");

    // He approves with the server away: queued, and gone from his to-do list.
    let before = zheng.request_counts().unwrap();
    let mine = zheng
        .request_act(&d.id, json!({"action": "approve", "comment": "同意"}))
        .await
        .unwrap();
    assert_eq!(mine.local, LocalStatus::Queued);
    let after = zheng.request_counts().unwrap();
    assert_eq!((after.todo, after.done), (before.todo - 1, before.done + 1));

    // Meanwhile 孔令辉 rejects it on the server.
    let _server = ServerProcess::restart(&data, &base);
    let theirs = kong
        .request_act(
            &d.id,
            json!({"action": "reject", "reason": "请先由部门负责人签字"}),
        )
        .await
        .unwrap();
    assert_eq!(theirs.local, LocalStatus::Synced);
    assert_eq!(
        theirs.body.state,
        huiji_domain::workflow::RequestState::Rejected
    );

    // 郑海峰's device syncs: his approval comes back as a conflict, said plainly.
    zheng.sync_now(&no_events()).await.unwrap();
    let issues = zheng.workflow_issues().unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    let i = &issues[0];
    assert_eq!(i.status, IssueStatus::Conflict);
    assert_eq!(i.request_id, d.id);
    assert_eq!(i.what, "通过");
    assert_eq!(i.decided_by.as_deref(), Some("孔令辉"));
    assert_eq!(i.current_state_label.as_deref(), Some("未通过"));
    let reason = i.reason.as_deref().unwrap();
    assert!(
        reason.starts_with("已由孔令辉于") && reason.ends_with("驳回"),
        "{reason}"
    );
    let detail = zheng.request_detail(&d.id).unwrap();
    assert_eq!(detail.local, LocalStatus::Conflict);
    assert_eq!(
        detail.body.state,
        huiji_domain::workflow::RequestState::Rejected
    );
    let done = zheng.requests_list(&query(RequestBox::Done)).unwrap();
    let row = done.rows.iter().find(|r| r.id == d.id).unwrap();
    assert_eq!(
        (row.local, row.state_label.as_str()),
        (LocalStatus::Conflict, "未通过")
    );
    zheng.workflow_issue_dismiss(&i.id).unwrap();
    assert!(zheng.workflow_issues().unwrap().is_empty());

    // The applicant reads the decision and its reason.
    member.sync_now(&no_events()).await.unwrap();
    let mine = member.request_detail(&d.id).unwrap();
    assert_eq!(mine.body.reason.as_deref(), Some("请先由部门负责人签字"));
    assert!(mine.allowed.iter().all(|a| a != "withdraw"));
}

#[tokio::test]
async fn an_organisation_registers_without_logging_in_and_completes_its_profile() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), None);
    let base = server.base_url.clone();
    let app = AppCore::open(&dir.path().join("app"), &base).unwrap();

    let associations = app.org_associations().await.unwrap();
    let assoc = associations
        .iter()
        .find(|a| a.name == "江苏省互联网协会")
        .unwrap();
    assert!(!assoc.levels.is_empty());
    let first17 = "91320100MA1999999";
    let credit = format!(
        "{first17}{}",
        huiji_domain::validate::credit_code_check_char(first17).unwrap()
    );
    let form = OrgRegistrationForm {
        unit_name: "南京晓风网络科技有限公司".into(),
        credit_code: credit.clone(),
        legal_rep: "顾晓风".into(),
        legal_phone: "13951100011".into(),
        contact: "沈一帆".into(),
        contact_phone: "13951100012".into(),
        user_type: assoc.levels[0].clone(),
    };
    let err = app
        .org_register(&assoc.id, &form, "Xiaofeng2026", false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "NotAgreed");
    let st = app
        .org_register(&assoc.id, &form, "Xiaofeng2026", true)
        .await
        .unwrap();
    assert_eq!(st.state_label, "审核中");
    let again = app
        .org_register(&assoc.id, &form, "Xiaofeng2026", true)
        .await
        .unwrap_err();
    assert_eq!(again.code(), "OrgAlreadyRegistered");
    assert!(app_message(&again).contains("已经注册过，请使用统一社会信用代码登录"));
    let looked_up = app.org_register_status(&credit).await.unwrap();
    assert_eq!(looked_up.unit_name, "南京晓风网络科技有限公司");
    assert_eq!(looked_up.association_name, "江苏省互联网协会");

    // The association's secretary has it to do.
    let zhou = AppCore::open(&dir.path().join("zhou"), &base).unwrap();
    zhou.login_password("13900000007", DEMO_PASSWORD)
        .await
        .unwrap();
    zhou.sync_now(&no_events()).await.unwrap();
    let todo = zhou
        .requests_list(&RequestQuery {
            kind: Some(RequestKind::OrgRegistration),
            ..query(RequestBox::Todo)
        })
        .unwrap();
    assert!(todo
        .rows
        .iter()
        .any(|r| r.title.contains("江苏省互联网协会") || r.applicant_name.contains("晓风")));

    // A registered organisation edits its profile.
    let org = AppCore::open(&dir.path().join("org"), &base).unwrap();
    org.login_org("91320100MA1000000E", DEMO_PASSWORD)
        .await
        .unwrap();
    let mut profile: OrgProfile = org.org_profile_get().await.unwrap();
    assert_eq!(profile.unit_status, "存续");
    profile.postcode = "12345".into();
    let err = org.org_profile_save(&profile).await.unwrap_err();
    assert_eq!(err.code(), "PostcodeInvalid");
    profile.postcode = "210000".into();
    let session = org.org_profile_save(&profile).await.unwrap();
    assert!(!session.account.needs_profile);
    assert_eq!(org.org_profile_get().await.unwrap().postcode, "210000");
}

#[tokio::test]
async fn a_secretary_sees_her_units_memberships_and_hands_a_step_to_someone_she_knows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();
    let njmu = demo_node("南京医科大学工会");
    let all = MembershipQuery {
        unit_id: None,
        status: None,
        text: None,
        member_id: None,
        page: 1,
        page_size: 50,
    };

    // 会籍管理: 张靖 sees her union's records (hers too), not 南京大学工会's.
    let zj = app(dir.path(), "zj", &base, "13900000001").await;
    let page = zj.unit_memberships(&all).unwrap();
    let mut names: Vec<&str> = page.rows.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, vec!["张靖", "欧阳娜娜"], "{page:?}");
    assert!(page.rows.iter().all(|r| r.unit_id == njmu.to_string()));
    assert_eq!(page.counts.current, 2);
    assert_eq!(page.units.len(), 1);
    assert_eq!(page.units[0].name, "南京医科大学工会");
    // The roster entry of 欧阳娜娜 opens her record.
    let roster = zj
        .search_members(&huiji_offline::app::MemberQuery {
            text: "欧阳娜娜".into(),
            sort: huiji_offline::app::MemberSort::Name,
            desc: false,
            page: 1,
            page_size: 5,
        })
        .unwrap();
    let entry = roster.items.iter().find(|m| m.name == "欧阳娜娜").unwrap();
    let hers = zj
        .unit_memberships(&MembershipQuery {
            member_id: Some(entry.id.clone()),
            ..all.clone()
        })
        .unwrap();
    assert_eq!(hers.total, 1);
    assert_eq!(hers.member_name.as_deref(), Some("欧阳娜娜"));

    // The people she may hand 李春燕's join to: 欧阳娜娜 (her unit's member with an
    // account) — not herself, not the applicant, none of the roster without accounts.
    let todo = zj.requests_list(&query(RequestBox::Todo)).unwrap();
    let join = todo
        .rows
        .iter()
        .find(|r| r.applicant_name == "李春燕")
        .unwrap();
    let offered = zj.delegation_candidates(&join.id, "").unwrap();
    let offered_names: Vec<&str> = offered.iter().map(|c| c.person.name.as_str()).collect();
    assert_eq!(offered_names, vec!["欧阳娜娜"], "{offered:?}");
    assert_eq!(offered[0].label, "南京医科大学工会 · 会员");
    assert_eq!(offered[0].phone_masked.as_deref(), Some("138****0001"));
    // The server takes the delegation to her.
    let d = zj
        .request_act(
            &join.id,
            json!({"action": "delegate", "to": offered[0].person, "comment": "请协助核实"}),
        )
        .await
        .unwrap();
    assert_eq!(d.local, LocalStatus::Synced, "{d:?}");
    assert_eq!(d.body.steps[0].delegations[0].delegate.name, "欧阳娜娜");

    // 李明华 decides 黄思琪's transfer first: 张靖, who decides the next step, is offered.
    let lmh = app(dir.path(), "lmh", &base, "13900000002").await;
    let todo = lmh.requests_list(&query(RequestBox::Todo)).unwrap();
    let transfer = todo
        .rows
        .iter()
        .find(|r| r.applicant_name == "黄思琪")
        .unwrap();
    let offered = lmh.delegation_candidates(&transfer.id, "张").unwrap();
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(offered[0].person.name, "张靖");
    assert_eq!(offered[0].label, "南京医科大学工会 · 秘书");
    assert!(lmh
        .delegation_candidates(&transfer.id, "黄")
        .unwrap()
        .is_empty());
    drop(server);
}

fn app_message(e: &huiji_offline::Error) -> String {
    huiji_offline::app::app_error(e).message
}
