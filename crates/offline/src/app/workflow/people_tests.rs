//! 会籍管理 (`unit_memberships`) and the hand-over picker (`delegation_candidates`) on the
//! device's synced records: scope, filters, counts, paging; who may be picked and who
//! never is. Also what logging out would lose shows in the pending count.

use std::path::Path;

use huiji_domain::org::{NodeKind, Role};
use huiji_domain::sync::{MemberBody, OrgNodeBody, RecordKind};
use huiji_domain::wire::{AccountKind, AccountView, GrantView, Record};
use huiji_domain::workflow::{
    self, HistoryEntry, MembershipBody, MembershipStatus, Person, RequestBody, RequestKind, Step,
    StepMode, StepTemplate,
};
use serde_json::json;
use uuid::Uuid;

use super::views::*;
use crate::app::{AppCore, HomeKind, SessionView};
use crate::error::Error;

const NO_SERVER: &str = "http://127.0.0.1:9";
const T0: i64 = 1_795_000_000_000;

// The tree: 教科工会 ⊃ {南京医科大学工会, 南京大学工会}; 互联网协会 elsewhere.
const JK: u128 = 100;
const NJMU: u128 = 101;
const NJU: u128 = 102;
const JSIA: u128 = 200;

// People.
const ZHANG: u128 = 1; // secretary of 南京医科大学工会
const LI: u128 = 2; // secretary of 南京大学工会
const CHEN: u128 = 3; // reviewer of 教科工会
const OUYANG: u128 = 11; // member at 南京医科大学工会
const HUANG: u128 = 12; // member at 南京大学工会
const WANG: u128 = 13; // member at 南京医科大学工会
const ZHOU: u128 = 14; // member at 互联网协会 (outside 张靖's scope)
const ORG: u128 = 15; // an organisation on 南京医科大学工会's roster

fn uid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn name_of(n: u128) -> &'static str {
    match n {
        ZHANG => "张靖",
        LI => "李明华",
        CHEN => "陈思远",
        OUYANG => "欧阳娜娜",
        HUANG => "黄思琪",
        WANG => "王建国",
        ZHOU => "周文斌",
        ORG => "江苏测试网络科技有限公司",
        _ => "路人甲",
    }
}

fn person(n: u128) -> Person {
    Person {
        id: uid(n),
        name: name_of(n).to_owned(),
    }
}

fn node_name(n: u128) -> &'static str {
    match n {
        JK => "江苏省教科工会委员会",
        NJMU => "南京医科大学工会",
        NJU => "南京大学工会",
        JSIA => "江苏省互联网协会",
        _ => "",
    }
}

fn session(n: u128, grants: &[(Role, Option<u128>)]) -> SessionView {
    SessionView {
        account: AccountView {
            id: uid(n),
            kind: AccountKind::Person,
            phone_masked: Some("139****0001".into()),
            real_name: Some(name_of(n).into()),
            id_number_masked: None,
            credit_code: None,
            org_name: None,
            grants: grants
                .iter()
                .map(|(role, node)| GrantView {
                    role: *role,
                    node_id: node.map(uid),
                    node_name: node.map(|x| node_name(x).to_owned()),
                    node_path: None,
                })
                .collect(),
            needs_profile: false,
        },
        home: HomeKind::Secretary,
        logged_in_at: T0,
    }
}

fn rec(
    id: Uuid,
    kind: RecordKind,
    node: u128,
    owner: Option<u128>,
    seq: i64,
    body: serde_json::Value,
) -> Record {
    Record {
        id,
        kind,
        node_id: uid(node),
        owner_id: owner.map(uid),
        version: 1,
        seq,
        deleted: false,
        body,
        updated_at: T0 + seq,
        updated_by: None,
    }
}

fn org_node(n: u128, parent: Option<u128>, kind: NodeKind, seq: i64) -> Record {
    let body = OrgNodeBody {
        name: node_name(n).into(),
        kind,
        parent_id: parent.map(uid),
        credit_code: None,
        levels: Vec::new(),
        address: None,
        contact: None,
        contact_phone: None,
    };
    rec(
        uid(n),
        RecordKind::OrgNode,
        n,
        None,
        seq,
        serde_json::to_value(body).unwrap(),
    )
}

fn roster(id: u128, who: u128, unit: u128, seq: i64) -> Record {
    let body = MemberBody {
        name: name_of(who).into(),
        phone_masked: Some(format!("138****{:04}", who)),
        id_number_masked: None,
        category: Some("企业职工".into()),
        level: None,
        credit_code: (who == ORG).then(|| "91320100MA1000000E".to_owned()),
        title: None,
        account_id: Some(uid(who)),
    };
    rec(
        uid(id),
        RecordKind::Member,
        unit,
        Some(who),
        seq,
        serde_json::to_value(body).unwrap(),
    )
}

fn membership(
    id: u128,
    who: u128,
    unit: u128,
    start_on: &str,
    end_on: Option<&str>,
    status: MembershipStatus,
    seq: i64,
) -> Record {
    let body = MembershipBody {
        account_id: uid(who),
        name: name_of(who).into(),
        unit_id: uid(unit),
        unit_name: node_name(unit).into(),
        member_type: "企业职工".into(),
        level: None,
        title: None,
        joined_on: start_on.into(),
        start_on: start_on.into(),
        end_on: end_on.map(str::to_owned),
        ended_on: (status == MembershipStatus::Ended).then(|| "2026-06-30".to_owned()),
        status,
        override_status: None,
        history: vec![HistoryEntry {
            on: start_on.into(),
            what: "joined".into(),
            note: None,
            by: Some("张靖".into()),
        }],
        request_id: None,
    };
    rec(
        uid(id),
        RecordKind::Membership,
        unit,
        Some(who),
        seq,
        serde_json::to_value(body).unwrap(),
    )
}

fn tree() -> Vec<Record> {
    vec![
        org_node(JK, None, NodeKind::IndustryUnion, 1),
        org_node(NJMU, Some(JK), NodeKind::UnitUnion, 2),
        org_node(NJU, Some(JK), NodeKind::UnitUnion, 3),
        org_node(JSIA, None, NodeKind::Association, 4),
    ]
}

fn app(dir: &Path, s: &SessionView) -> AppCore {
    let core = AppCore::open(dir, NO_SERVER).unwrap();
    core.save_session(s).unwrap();
    core.store()
        .set_setting("session_token", Some("test-token"))
        .unwrap();
    core
}

fn memberships_fixture() -> Vec<Record> {
    let mut v = tree();
    v.extend([
        membership(
            1001,
            OUYANG,
            NJMU,
            "2024-09-01",
            Some("2026-12-31"),
            MembershipStatus::Current,
            10,
        ),
        membership(
            1002,
            WANG,
            NJMU,
            "2025-03-01",
            Some("2025-12-31"),
            MembershipStatus::Grace,
            11,
        ),
        membership(
            1003,
            OUYANG,
            NJU,
            "2019-07-15",
            None,
            MembershipStatus::Ended,
            12,
        ),
        membership(
            1004,
            HUANG,
            NJU,
            "2026-01-01",
            Some("2026-12-31"),
            MembershipStatus::Current,
            13,
        ),
        membership(
            1005,
            ZHOU,
            JSIA,
            "2022-01-01",
            Some("2022-12-31"),
            MembershipStatus::Expired,
            14,
        ),
        membership(
            1006,
            ZHANG,
            NJMU,
            "2027-01-01",
            Some("2027-12-31"),
            MembershipStatus::Pending,
            15,
        ),
        roster(2001, OUYANG, NJMU, 20),
        roster(2002, WANG, NJMU, 21),
    ]);
    v
}

fn q() -> MembershipQuery {
    MembershipQuery {
        unit_id: None,
        status: None,
        text: None,
        member_id: None,
        page: 1,
        page_size: 20,
    }
}

fn names(p: &MembershipPage) -> Vec<(&str, &str)> {
    p.rows
        .iter()
        .map(|r| (r.name.as_str(), r.unit_name.as_str()))
        .collect()
}

#[test]
fn a_unit_secretary_sees_the_records_of_their_unit_newest_first_with_counts() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(
        dir.path(),
        &session(ZHANG, &[(Role::Secretary, Some(NJMU))]),
    );
    core.store()
        .apply_server_records(&memberships_fixture())
        .unwrap();

    let page = core.unit_memberships(&q()).unwrap();
    // Not 南京大学工会's, not the association's: only the unit's, newest start first.
    assert_eq!(
        names(&page),
        vec![
            ("张靖", "南京医科大学工会"),
            ("王建国", "南京医科大学工会"),
            ("欧阳娜娜", "南京医科大学工会"),
        ]
    );
    assert_eq!(page.total, 3);
    assert_eq!(
        page.counts,
        MembershipCounts {
            all: 3,
            pending: 1,
            current: 1,
            grace: 1,
            expired: 0,
            ended: 0
        }
    );
    // The record carries its history and its status words.
    let ouyang = &page.rows[2];
    assert_eq!(ouyang.status_label, "有效");
    assert_eq!(ouyang.history[0].what, "joined");
    // The unit filter offers the unit only.
    let units: Vec<&str> = page.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(units, vec!["南京医科大学工会"]);
}

#[test]
fn a_reviewer_above_sees_both_units_and_filters_by_unit_status_text_and_page() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), &session(CHEN, &[(Role::Reviewer, Some(JK))]));
    core.store()
        .apply_server_records(&memberships_fixture())
        .unwrap();

    let all = core.unit_memberships(&q()).unwrap();
    assert_eq!(all.total, 5, "the association's record is out of scope");
    assert_eq!(all.counts.all, 5);
    assert_eq!(all.counts.current, 2);
    assert_eq!(all.counts.ended, 1);
    // The units to filter by: the reviewer's node and the two units under it, by path.
    let units: Vec<&str> = all.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        units,
        vec!["江苏省教科工会委员会", "南京医科大学工会", "南京大学工会"]
    );

    // By unit (a node and its subtree).
    let nju = core
        .unit_memberships(&MembershipQuery {
            unit_id: Some(uid(NJU).to_string()),
            ..q()
        })
        .unwrap();
    assert_eq!(
        names(&nju),
        vec![("黄思琪", "南京大学工会"), ("欧阳娜娜", "南京大学工会")]
    );
    let whole = core
        .unit_memberships(&MembershipQuery {
            unit_id: Some(uid(JK).to_string()),
            ..q()
        })
        .unwrap();
    assert_eq!(whole.total, 5);

    // By status: the counts stay those of the other filters, so every tab keeps its number.
    let current = core
        .unit_memberships(&MembershipQuery {
            status: Some(MembershipStatus::Current),
            ..q()
        })
        .unwrap();
    assert_eq!(current.total, 2);
    assert!(current
        .rows
        .iter()
        .all(|r| r.status == MembershipStatus::Current));
    assert_eq!(current.counts, all.counts);

    // By name: both of 欧阳娜娜's records, the ended one too.
    let ouyang = core
        .unit_memberships(&MembershipQuery {
            text: Some(" 欧阳 ".into()),
            ..q()
        })
        .unwrap();
    assert_eq!(
        names(&ouyang),
        vec![
            ("欧阳娜娜", "南京医科大学工会"),
            ("欧阳娜娜", "南京大学工会")
        ]
    );
    assert_eq!(ouyang.counts.all, 2);
    assert_eq!(ouyang.counts.ended, 1);

    // Paging: 2 a page, the third page has the last one.
    let p3 = core
        .unit_memberships(&MembershipQuery {
            page: 3,
            page_size: 2,
            ..q()
        })
        .unwrap();
    assert_eq!(p3.total, 5);
    assert_eq!(names(&p3), vec![("欧阳娜娜", "南京大学工会")]);
}

#[test]
fn a_roster_entry_opens_its_persons_records() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), &session(CHEN, &[(Role::Reviewer, Some(JK))]));
    core.store()
        .apply_server_records(&memberships_fixture())
        .unwrap();
    let mine = core
        .unit_memberships(&MembershipQuery {
            member_id: Some(uid(2001).to_string()),
            ..q()
        })
        .unwrap();
    assert_eq!(mine.member_name.as_deref(), Some("欧阳娜娜"));
    assert_eq!(mine.total, 2);
    assert!(mine.rows.iter().all(|r| r.name == "欧阳娜娜"));

    // An entry without an account has no records; an unknown entry is not found.
    let mut nobody = roster(2009, WANG, NJMU, 30);
    nobody.body.as_object_mut().unwrap().remove("account_id");
    core.store().apply_server_records(&[nobody]).unwrap();
    let none = core
        .unit_memberships(&MembershipQuery {
            member_id: Some(uid(2009).to_string()),
            ..q()
        })
        .unwrap();
    assert_eq!(none.total, 0);
    assert!(matches!(
        core.unit_memberships(&MembershipQuery {
            member_id: Some(uid(9999).to_string()),
            ..q()
        }),
        Err(Error::NotFound)
    ));
}

#[test]
fn members_and_admins_see_what_their_grants_give() {
    let dir = tempfile::tempdir().unwrap();
    // A plain member holds their own record on the device but manages nobody's.
    let core = app(dir.path(), &session(OUYANG, &[(Role::Member, Some(NJMU))]));
    core.store()
        .apply_server_records(&memberships_fixture())
        .unwrap();
    let page = core.unit_memberships(&q()).unwrap();
    assert_eq!(page.total, 0);
    assert!(page.units.is_empty());
    drop(core);

    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), &session(ZHANG, &[(Role::SystemAdmin, None)]));
    core.store()
        .apply_server_records(&memberships_fixture())
        .unwrap();
    let page = core.unit_memberships(&q()).unwrap();
    assert_eq!(page.total, 6);
    assert_eq!(page.counts.expired, 1);
    assert_eq!(page.units.len(), 4);
}

#[tokio::test]
async fn overrides_and_renewals_are_checked_here_and_need_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(
        dir.path(),
        &session(ZHANG, &[(Role::Secretary, Some(NJMU))]),
    );
    core.store()
        .apply_server_records(&memberships_fixture())
        .unwrap();
    let id = uid(1001).to_string();
    let code = |r: crate::error::Result<MembershipRecordView>| r.unwrap_err().code().to_owned();

    assert_eq!(
        code(core.membership_set_status(&id, None, "  ").await),
        "ReasonRequired"
    );
    assert_eq!(
        code(
            core.membership_set_status(&id, Some(MembershipStatus::Ended), "退会")
                .await
        ),
        "OverrideInvalid"
    );
    assert_eq!(
        code(
            core.membership_set_status(
                &uid(1003).to_string(),
                Some(MembershipStatus::Current),
                "恢复"
            )
            .await
        ),
        "MembershipEnded"
    );
    // Not after the current end (2026-12-31): refused before anything is sent.
    assert_eq!(
        code(core.membership_renew(&id, "2026-12-31").await),
        "DateOrder"
    );
    assert_eq!(
        code(core.membership_renew(&id, "2026-02-30").await),
        "DateInvalid"
    );
    // Valid, but no server: said plainly.
    let offline = core
        .membership_set_status(&id, Some(MembershipStatus::Grace), "会费缓缴")
        .await
        .unwrap_err();
    assert_eq!(offline.code(), "MembershipOffline");
    assert_eq!(
        crate::app::app_error(&offline).message,
        "调整会籍需要联网，当前无法连接服务器，请联网后再试"
    );
    assert_eq!(
        code(core.membership_renew(&id, "2027-12-31").await),
        "MembershipOffline"
    );
}

// ---------------------------------------------------------------- delegation candidates

/// A transfer from 南京大学工会 to 南京医科大学工会, out of its first step (李明华 approved),
/// waiting for 张靖 at the second.
fn transfer(applicant: u128) -> RequestBody {
    let step = |title: &str, unit: u128, who: Vec<Person>| {
        Step::from_template(
            &StepTemplate {
                title: title.into(),
                mode: StepMode::Any,
                role: Role::Secretary,
                node_id: uid(unit),
            },
            who,
        )
    };
    let mut b = workflow::submit(
        RequestKind::Transfer,
        "转会申请 · 南京医科大学工会".into(),
        person(applicant),
        (uid(NJMU), "南京医科大学工会".into()),
        json!({"category": "企业职工", "to_unit_id": uid(NJMU), "reason": "工作调动", "agreed": true}),
        Vec::new(),
        vec![
            step("转出单位审核", NJU, vec![person(LI)]),
            step("转入单位审核", NJMU, vec![person(ZHANG)]),
        ],
        true,
        T0,
    )
    .unwrap()
    .body;
    b = workflow::apply(
        &b,
        &person(LI),
        &workflow::Action::Approve {
            comment: None,
            bill: None,
        },
        T0 + 1,
    )
    .unwrap()
    .body;
    assert_eq!(b.current, 1);
    b
}

fn request_rec(id: u128, body: &RequestBody, seq: i64) -> Record {
    rec(
        uid(id),
        RecordKind::Request,
        NJMU,
        Some(body.applicant.id.as_u128()),
        seq,
        serde_json::to_value(body).unwrap(),
    )
}

fn candidate_fixture() -> Vec<Record> {
    let mut v = tree();
    v.extend([
        roster(2001, OUYANG, NJMU, 20),
        roster(2002, WANG, NJMU, 21),
        roster(2003, ZHANG, NJMU, 22),
        roster(2004, ORG, NJMU, 23),
        roster(2005, HUANG, NJU, 24),
        roster(2006, ZHOU, JSIA, 25),
        request_rec(3001, &transfer(HUANG), 30),
    ]);
    v
}

fn ids(v: &[DelegateCandidate]) -> Vec<&str> {
    v.iter().map(|c| c.person.name.as_str()).collect()
}

#[test]
fn candidates_are_the_units_people_and_the_other_steps_approvers_never_self_or_the_step() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(
        dir.path(),
        &session(ZHANG, &[(Role::Secretary, Some(NJMU))]),
    );
    core.store()
        .apply_server_records(&candidate_fixture())
        .unwrap();
    let rid = uid(3001).to_string();

    let all = core.delegation_candidates(&rid, "").unwrap();
    // 李明华 approved the first step at 南京大学工会 (a sibling: no transfer to her is
    // known to be accepted); then the unit's people by name. Not 张靖 herself (the
    // caller and the step's approver), not 黄思琪 (the applicant), not the
    // organisation, not 周文斌 (another association, outside her scope).
    assert_eq!(ids(&all), vec!["欧阳娜娜", "王建国", "李明华"]);
    let li = all.iter().find(|c| c.person.id == uid(LI)).unwrap();
    assert_eq!(li.label, "南京大学工会 · 秘书");
    assert!(!li.reviewer);
    let ouyang = &all[0];
    assert_eq!(ouyang.label, "南京医科大学工会 · 会员");
    assert_eq!(ouyang.phone_masked.as_deref(), Some("138****0011"));
    for c in &all {
        assert_ne!(c.person.id, uid(ZHANG));
        assert_ne!(c.person.id, uid(HUANG));
    }

    // Searchable by name.
    assert_eq!(
        ids(&core.delegation_candidates(&rid, " 王").unwrap()),
        vec!["王建国"]
    );
    assert!(core
        .delegation_candidates(&rid, "不存在")
        .unwrap()
        .is_empty());
    // Unknown request.
    assert!(matches!(
        core.delegation_candidates(&uid(9).to_string(), ""),
        Err(Error::NotFound)
    ));
}

#[test]
fn an_approver_above_the_step_is_offered_first_as_one_who_may_take_it_over() {
    // A position request at 南京医科大学工会: 秘书处审核 (张靖) then 上级会签 at 教科工会
    // (陈思远). While 陈思远 waits on nobody, 张靖 decides the first step; the reviewer
    // at the node above may take it over.
    let first = Step::from_template(
        &StepTemplate {
            title: "秘书处审核".into(),
            mode: StepMode::Any,
            role: Role::Secretary,
            node_id: uid(NJMU),
        },
        vec![person(ZHANG)],
    );
    let second = Step::from_template(
        &StepTemplate {
            title: "上级会签".into(),
            mode: StepMode::All,
            role: Role::Reviewer,
            node_id: uid(JK),
        },
        vec![person(CHEN), person(LI)],
    );
    let body = workflow::submit(
        RequestKind::Position,
        "职务申请 · 南京医科大学工会".into(),
        person(OUYANG),
        (uid(NJMU), "南京医科大学工会".into()),
        json!({"unit_id": uid(NJMU), "position": "工会委员"}),
        Vec::new(),
        vec![first, second],
        true,
        T0,
    )
    .unwrap()
    .body;
    let dir = tempfile::tempdir().unwrap();
    let core = app(
        dir.path(),
        &session(ZHANG, &[(Role::Secretary, Some(NJMU))]),
    );
    let mut records = candidate_fixture();
    records.push(request_rec(3002, &body, 40));
    core.store().apply_server_records(&records).unwrap();

    let all = core
        .delegation_candidates(&uid(3002).to_string(), "")
        .unwrap();
    // The applicant 欧阳娜娜 is not offered; the reviewers above come first.
    assert_eq!(ids(&all), vec!["李明华", "陈思远", "王建国"]);
    assert!(all[0].reviewer && all[1].reviewer && !all[2].reviewer);
    assert_eq!(all[1].label, "江苏省教科工会委员会 · 审核员");

    // The same request seen by 陈思远 (not an approver of the current step): the people
    // of the unit, less the applicant and the step's approver 张靖.
    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), &session(CHEN, &[(Role::Reviewer, Some(JK))]));
    core.store().apply_server_records(&records).unwrap();
    let seen = core
        .delegation_candidates(&uid(3002).to_string(), "")
        .unwrap();
    assert_eq!(ids(&seen), vec!["李明华", "王建国", "黄思琪"]);
}

#[test]
fn the_pending_count_includes_queued_approvals_and_offline_registrations() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(
        dir.path(),
        &session(ZHANG, &[(Role::Secretary, Some(NJMU))]),
    );
    assert_eq!(core.sync_status().unwrap().pending, 0);
    core.store()
        .write(|tx| {
            tx.execute(
                "INSERT INTO assisted_outbox (id, request, created_at) VALUES ('a1', '{}', 1)",
                [],
            )?;
            tx.execute(
                "INSERT INTO workflow_outbox (id, ord, op, request_id, account_id, payload, title, \
                 what, state, made_at) VALUES ('w1', 1, 'action', 'r1', 'x', '{}', 't', '通过', \
                 'queued', 1), ('w2', 2, 'action', 'r2', 'x', '{}', 't', '通过', 'rejected', 1)",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    // One registration, one queued decision; the refused one is not waiting to be sent.
    assert_eq!(core.sync_status().unwrap().pending, 2);
}
