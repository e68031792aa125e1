//! Approvals on the device with no server answering: boxes and counts from the index,
//! decisions and submissions queued with their local status, refusals shown plainly,
//! and the queue surviving a restart. (The same flows against a real server are in
//! tests/tests/workflow_core.rs.)

use std::path::Path;
use std::time::Instant;

use huiji_domain::org::Role;
use huiji_domain::sync::RecordKind;
use huiji_domain::wire::{AccountKind, AccountView, GrantView, Record};
use huiji_domain::workflow::{
    self, Person, RequestBody, RequestKind, Step, StepMode, StepTemplate,
};
use serde_json::json;
use uuid::Uuid;

use super::queue::{self, Settle};
use super::views::*;
use crate::app::{AppCore, HomeKind, SessionView};

const APPLICANT: u128 = 1;
const SEC_A: u128 = 10;
const SEC_B: u128 = 11;
const UNIT: u128 = 1000;
/// Nothing listens here: every call to the server fails at once.
const NO_SERVER: &str = "http://127.0.0.1:9";
const T0: i64 = 1_795_000_000_000;

fn who(n: u128) -> Person {
    let name = match n {
        APPLICANT => "欧阳娜娜",
        SEC_A => "张靖",
        SEC_B => "李明华",
        _ => "路人甲",
    };
    Person {
        id: Uuid::from_u128(n),
        name: name.to_owned(),
    }
}

fn session(n: u128, role: Option<Role>) -> SessionView {
    let p = who(n);
    SessionView {
        account: AccountView {
            id: p.id,
            kind: AccountKind::Person,
            phone_masked: Some("138****0001".into()),
            real_name: Some(p.name),
            id_number_masked: None,
            credit_code: None,
            org_name: None,
            grants: role
                .map(|role| GrantView {
                    role,
                    node_id: Some(Uuid::from_u128(UNIT)),
                    node_name: Some("南京医科大学工会".into()),
                    node_path: None,
                })
                .into_iter()
                .collect(),
            needs_profile: false,
        },
        home: if role.is_some() {
            HomeKind::Secretary
        } else {
            HomeKind::Member
        },
        logged_in_at: T0,
    }
}

/// An app "logged in" as `n` (a session and a token kept, as after a login).
fn app(dir: &Path, n: u128, role: Option<Role>) -> AppCore {
    let core = AppCore::open(dir, NO_SERVER).unwrap();
    core.save_session(&session(n, role)).unwrap();
    core.store()
        .set_setting("session_token", Some("test-token"))
        .unwrap();
    core
}

/// A join waiting on an 或签 step of two secretaries, as the server would send it.
fn join(applicant: u128, at: i64) -> RequestBody {
    let step = Step::from_template(
        &StepTemplate {
            title: "单位工会审核".into(),
            mode: StepMode::Any,
            role: Role::Secretary,
            node_id: Uuid::from_u128(UNIT),
        },
        vec![who(SEC_A), who(SEC_B)],
    );
    let mut applicant_p = who(applicant);
    if applicant > 1_000_000 {
        applicant_p.name = format!("会员{applicant}");
    }
    workflow::submit(
        RequestKind::Join,
        "入会申请 · 南京医科大学工会".into(),
        applicant_p,
        (Uuid::from_u128(UNIT), "南京医科大学工会".into()),
        json!({"category": "企业职工", "unit_id": Uuid::from_u128(UNIT), "agreed": true}),
        Vec::new(),
        vec![step],
        true,
        at,
    )
    .unwrap()
    .body
}

fn record(id: Uuid, version: i64, seq: i64, body: &RequestBody) -> Record {
    Record {
        id,
        kind: RecordKind::Request,
        node_id: Uuid::from_u128(UNIT),
        owner_id: Some(body.applicant.id),
        version,
        seq,
        deleted: false,
        body: serde_json::to_value(body).unwrap(),
        updated_at: T0 + seq,
        updated_by: None,
    }
}

fn query(b: RequestBox) -> RequestQuery {
    RequestQuery {
        request_box: b,
        kind: None,
        state: None,
        text: None,
        page: 1,
        page_size: 20,
    }
}

fn approve() -> serde_json::Value {
    json!({"action": "approve", "comment": null, "bill": null})
}

#[tokio::test]
async fn boxes_follow_the_steps_and_a_decision_made_offline_waits_in_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let sec = app(&dir.path().join("a"), SEC_A, Some(Role::Secretary));
    let id = Uuid::now_v7();
    let body = join(APPLICANT, T0);
    sec.store()
        .apply_server_records(&[record(id, 1, 1, &body)])
        .unwrap();

    let counts = sec.request_counts().unwrap();
    assert_eq!((counts.todo, counts.done, counts.sent), (1, 0, 0));
    let page = sec.requests_list(&query(RequestBox::Todo)).unwrap();
    assert_eq!(page.total, 1);
    let row = &page.rows[0];
    assert_eq!(row.id, id.to_string());
    assert_eq!(
        (
            row.local,
            row.step_title.as_deref(),
            row.applicant_name.as_str()
        ),
        (LocalStatus::Synced, Some("单位工会审核"), "欧阳娜娜")
    );
    let detail = sec.request_detail(&id.to_string()).unwrap();
    assert!(detail.allowed.contains(&"approve".to_owned()), "{detail:?}");
    // The secretary's home counts it.
    assert_eq!(
        sec.home_summary()
            .unwrap()
            .secretary
            .unwrap()
            .pending_reviews,
        1
    );

    // A refusal the domain knows is immediate and queues nothing.
    let err = sec
        .request_act(&id.to_string(), json!({"action": "reject", "reason": " "}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ReasonRequired");
    let err = sec
        .request_act(&id.to_string(), json!({"action": "approve", "oops": 1}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ActionInvalid");

    // Offline: the approval is queued; the row is unchanged but marked, and it moves
    // from to-do to done.
    let detail = sec.request_act(&id.to_string(), approve()).await.unwrap();
    assert_eq!(detail.local, LocalStatus::Queued);
    assert!(detail.allowed.is_empty());
    assert_eq!(detail.body.state, workflow::RequestState::Submitted);
    let counts = sec.request_counts().unwrap();
    assert_eq!((counts.todo, counts.done), (0, 1));
    let done = sec.requests_list(&query(RequestBox::Done)).unwrap();
    assert_eq!(done.rows[0].local, LocalStatus::Queued);
    let err = sec
        .request_act(&id.to_string(), approve())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ActionQueued");
    // The sync bar counts it as a change waiting to be sent.
    assert_eq!(sec.sync_status().unwrap().pending, 1);

    // The queue survives a restart of the app.
    drop(sec);
    let sec = AppCore::open(&dir.path().join("a"), NO_SERVER).unwrap();
    assert_eq!(
        sec.request_detail(&id.to_string()).unwrap().local,
        LocalStatus::Queued
    );
    let status = sec
        .sync_now(&|_| {})
        .await
        .expect("sync reports offline, not an error");
    assert!(!status.online);
    assert_eq!(sec.request_counts().unwrap().done, 1);

    // The applicant sees it in "sent"; the other secretary in to-do.
    let other = app(&dir.path().join("b"), SEC_B, Some(Role::Secretary));
    other
        .store()
        .apply_server_records(&[record(id, 1, 1, &body)])
        .unwrap();
    assert_eq!(other.request_counts().unwrap().todo, 1);
    let member = app(&dir.path().join("m"), APPLICANT, None);
    member
        .store()
        .apply_server_records(&[record(id, 1, 1, &body)])
        .unwrap();
    let c = member.request_counts().unwrap();
    assert_eq!((c.sent, c.todo, c.done), (1, 0, 0));
    assert_eq!(
        member.request_detail(&id.to_string()).unwrap().allowed,
        vec!["withdraw".to_owned(), "comment".to_owned()]
    );

    // Secretary B approves (the server's new version arrives): done for both
    // secretaries, still "sent" for the applicant.
    let approved = workflow::apply(
        &body,
        &who(SEC_B),
        &serde_json::from_value(approve()).unwrap(),
        T0 + 60_000,
    )
    .unwrap()
    .body;
    other
        .store()
        .apply_server_records(&[record(id, 2, 2, &approved)])
        .unwrap();
    let c = other.request_counts().unwrap();
    assert_eq!((c.todo, c.done), (0, 1));
    member
        .store()
        .apply_server_records(&[record(id, 2, 2, &approved)])
        .unwrap();
    let sent = member.requests_list(&query(RequestBox::Sent)).unwrap();
    assert_eq!(sent.rows[0].state_label, "已通过");
}

#[tokio::test]
async fn a_decision_overtaken_by_another_secretary_reads_who_decided_first() {
    let dir = tempfile::tempdir().unwrap();
    let sec = app(dir.path(), SEC_A, Some(Role::Secretary));
    let id = Uuid::now_v7();
    let body = join(APPLICANT, T0);
    sec.store()
        .apply_server_records(&[record(id, 1, 1, &body)])
        .unwrap();
    sec.request_act(&id.to_string(), approve()).await.unwrap();
    // 2026-11-18 10:30 CST.
    let at = huiji_domain::time::start_ms_cst(huiji_domain::validate::SimpleDate {
        year: 2026,
        month: 11,
        day: 18,
    }) + 10 * 3_600_000
        + 30 * 60_000;
    let theirs = workflow::apply(
        &body,
        &who(SEC_B),
        &serde_json::from_value(json!({"action": "reject", "reason": "材料不全"})).unwrap(),
        at,
    )
    .unwrap()
    .body;
    let current = record(id, 2, 2, &theirs);
    let entry = queue::entries(sec.store(), who(SEC_A).id, "queued").unwrap();
    assert_eq!(entry.len(), 1);
    queue::settle(
        sec.store(),
        &[(entry[0].id.as_str(), Settle::Conflict(Some(&current)))],
    )
    .unwrap();

    let issues = sec.workflow_issues().unwrap();
    assert_eq!(issues.len(), 1);
    let i = &issues[0];
    assert_eq!(i.status, IssueStatus::Conflict);
    assert_eq!(i.what, "通过");
    assert_eq!(i.decided_by.as_deref(), Some("李明华"));
    assert_eq!(i.current_state_label.as_deref(), Some("未通过"));
    let reason = i.reason.clone().unwrap();
    assert!(reason == "已由李明华于11月18日 10:30驳回", "{reason}");
    // The row shows the server's request, marked as a conflict; no buttons remain.
    let d = sec.request_detail(&id.to_string()).unwrap();
    assert_eq!(d.local, LocalStatus::Conflict);
    assert_eq!(d.body.state, workflow::RequestState::Rejected);
    assert_eq!(d.local_reason.as_deref(), Some(reason.as_str()));
    assert_eq!(d.allowed, vec!["comment".to_owned()]);
    let c = sec.request_counts().unwrap();
    assert_eq!((c.todo, c.done), (0, 1));

    sec.workflow_issue_dismiss(&i.id).unwrap();
    assert!(sec.workflow_issues().unwrap().is_empty());
    assert_eq!(
        sec.request_detail(&id.to_string()).unwrap().local,
        LocalStatus::Synced
    );
}

#[tokio::test]
async fn an_application_made_offline_is_queued_and_listed_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let member = app(dir.path(), APPLICANT, None);
    let form = json!({"category": "企业职工", "unit_id": Uuid::from_u128(UNIT), "agreed": false});
    let err = member
        .request_submit(RequestKind::Join, form, Vec::new(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "NotAgreed");
    let form = json!({"category": "企业职工", "unit_id": Uuid::from_u128(UNIT), "agreed": true});
    let d = member
        .request_submit(RequestKind::Join, form, Vec::new(), Some("123456".into()))
        .await
        .unwrap();
    assert_eq!((d.version, d.local), (0, LocalStatus::Queued));
    assert!(!d.body.sms_verified);
    let sent = member.requests_list(&query(RequestBox::Sent)).unwrap();
    assert_eq!((sent.total, sent.counts.sent), (1, 1));
    assert_eq!(sent.rows[0].local, LocalStatus::Queued);
    assert_eq!(sent.rows[0].kind_label, "入会申请");
    // Queued without the SMS code: it would have expired by the time it is sent.
    let entries = queue::entries(member.store(), who(APPLICANT).id, "queued").unwrap();
    let payload: serde_json::Value = serde_json::from_str(&entries[0].payload).unwrap();
    assert!(payload["sms_code"].is_null(), "{payload}");

    // Once the server's record arrives (same id), it is listed once.
    let mut body = join(APPLICANT, T0);
    body.sms_verified = false;
    member
        .store()
        .apply_server_records(&[record(Uuid::parse_str(&d.id).unwrap(), 1, 1, &body)])
        .unwrap();
    let sent = member.requests_list(&query(RequestBox::Sent)).unwrap();
    assert_eq!(sent.total, 1, "{sent:?}");
}

#[test]
fn a_review_queue_of_ten_thousand_opens_and_pages_from_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::Store::open(dir.path().join("q.db")).unwrap();
    store.set_full_sync(false).unwrap();
    let n = 10_000u128;
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let b = join(2_000_000 + i, T0 + i as i64);
            record(Uuid::now_v7(), 1, i as i64 + 1, &b)
        })
        .collect();
    let t = Instant::now();
    for chunk in records.chunks(2000) {
        store.apply_server_records(chunk).unwrap();
    }
    let loaded = t.elapsed();
    let me = Uuid::from_u128(SEC_A);
    let mut times = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for page in [1u32, 2, 3, 250, 500, 499, 100, 1] {
        let q = RequestQuery {
            page,
            ..query(RequestBox::Todo)
        };
        let t = Instant::now();
        let p = super::request_page(&store, me, &q).unwrap();
        times.push(t.elapsed());
        assert_eq!((p.total, p.counts.todo, p.rows.len()), (10_000, 10_000, 20));
        if page != 1 && page != 499 {
            for r in &p.rows {
                assert!(seen.insert(r.id.clone()), "row on two pages");
            }
        }
    }
    let filtered = super::request_page(
        &store,
        me,
        &RequestQuery {
            text: Some("会员2000042".into()),
            ..query(RequestBox::Todo)
        },
    )
    .unwrap();
    assert_eq!(filtered.total, 1, "{filtered:?}");
    assert_eq!(filtered.rows[0].applicant_name, "会员2000042");
    times.sort();
    eprintln!(
        "10,000 requests indexed in {loaded:?}; page times {:?} (max {:?})",
        times,
        times.last()
    );
}

#[tokio::test]
async fn a_resubmitted_form_meets_the_kinds_rules_before_it_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let member = app(dir.path(), APPLICANT, None);
    let id = Uuid::now_v7();
    let sent_back = workflow::apply(
        &join(APPLICANT, T0),
        &who(SEC_A),
        &serde_json::from_value(json!({"action": "send_back", "reason": "请补充工作单位"}))
            .unwrap(),
        T0 + 1,
    )
    .unwrap()
    .body;
    member
        .store()
        .apply_server_records(&[record(id, 2, 2, &sent_back)])
        .unwrap();
    let d = member.request_detail(&id.to_string()).unwrap();
    assert_eq!(d.allowed, vec!["resubmit", "withdraw", "comment"]);
    let form = |agreed: bool| json!({"category": "企业职工", "unit_id": Uuid::from_u128(UNIT), "company": "南京鼓楼医院", "agreed": agreed});
    let err = member
        .request_act(
            &id.to_string(),
            json!({"action": "resubmit", "form": form(false)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "NotAgreed");
    assert!(member.workflow_issues().unwrap().is_empty());
    let d = member
        .request_act(
            &id.to_string(),
            json!({"action": "resubmit", "form": form(true)}),
        )
        .await
        .unwrap();
    assert_eq!(d.local, LocalStatus::Queued);
    // Still the server's row (sent back) until the server takes it.
    assert_eq!(d.body.state, workflow::RequestState::Returned);
}
