use super::*;
use serde_json::json;

fn p(n: u128, name: &str) -> Person {
    Person {
        id: Uuid::from_u128(n),
        name: name.to_owned(),
    }
}

const APPLICANT: u128 = 1;
const SEC_A: u128 = 10;
const SEC_B: u128 = 11;
const REV_A: u128 = 20;
const REV_B: u128 = 21;
const OUTSIDER: u128 = 99;
const HELPER: u128 = 50;

fn who(n: u128) -> Person {
    let name = match n {
        APPLICANT => "欧阳娜娜",
        SEC_A => "张靖",
        SEC_B => "李明华",
        REV_A => "陈思远",
        REV_B => "郑海峰",
        HELPER => "王立新",
        _ => "路人甲",
    };
    p(n, name)
}

fn step(title: &str, mode: StepMode, role: Role, approvers: &[u128]) -> Step {
    Step::from_template(
        &StepTemplate {
            title: title.into(),
            mode,
            role,
            node_id: Uuid::from_u128(1000),
        },
        approvers.iter().map(|n| who(*n)).collect(),
    )
}

/// A join with an 或签 step of two secretaries, then a 会签 step of two reviewers.
fn two_steps(kind: RequestKind) -> RequestBody {
    submit(
        kind,
        "入会申请 · 南京医科大学工会".into(),
        who(APPLICANT),
        (Uuid::from_u128(1000), "南京医科大学工会".into()),
        json!({"category": "企业职工", "unit_id": Uuid::from_u128(1000), "agreed": true}),
        Vec::new(),
        vec![
            step(
                "单位工会审核",
                StepMode::Any,
                Role::Secretary,
                &[SEC_A, SEC_B],
            ),
            step(
                "上级工会会签",
                StepMode::All,
                Role::Reviewer,
                &[REV_A, REV_B],
            ),
        ],
        true,
        1_000,
    )
    .unwrap()
    .body
}

fn approve() -> Action {
    Action::Approve {
        comment: None,
        bill: None,
    }
}

fn run(req: &RequestBody, n: u128, a: Action) -> Result<Outcome> {
    apply(req, &who(n), &a, 2_000)
}

fn ok(req: &RequestBody, n: u128, a: Action) -> RequestBody {
    run(req, n, a.clone())
        .unwrap_or_else(|e| panic!("{} by {n} refused: {e}", a.name()))
        .body
}

/// The states a request can be in, each built through the engine itself.
fn states() -> Vec<(&'static str, RequestBody)> {
    let fresh = two_steps(RequestKind::Join);
    let step_two = ok(&fresh, SEC_A, approve());
    let half_signed = ok(&step_two, REV_A, approve());
    let returned = ok(
        &fresh,
        SEC_B,
        Action::SendBack {
            reason: "请补充工作单位".into(),
        },
    );
    let approved = ok(&half_signed, REV_B, approve());
    let rejected = ok(
        &fresh,
        SEC_A,
        Action::Reject {
            reason: "不属于本单位职工".into(),
        },
    );
    let withdrawn = ok(&fresh, APPLICANT, Action::Withdraw);
    let mut draft = fresh.clone();
    draft.state = RequestState::Draft;
    vec![
        ("fresh", fresh),
        ("step_two", step_two),
        ("half_signed", half_signed),
        ("returned", returned),
        ("approved", approved),
        ("rejected", rejected),
        ("withdrawn", withdrawn),
        ("draft", draft),
    ]
}

fn actions() -> Vec<(&'static str, Action)> {
    vec![
        ("approve", approve()),
        (
            "reject",
            Action::Reject {
                reason: "材料不全".into(),
            },
        ),
        (
            "send_back",
            Action::SendBack {
                reason: "请上传申请书".into(),
            },
        ),
        ("withdraw", Action::Withdraw),
        (
            "resubmit",
            Action::Resubmit {
                form: json!({"category": "企业职工", "unit_id": Uuid::from_u128(1000), "agreed": true, "company": "南京某公司"}),
                attachments: Vec::new(),
            },
        ),
        (
            "delegate",
            Action::Delegate {
                to: who(HELPER),
                comment: None,
            },
        ),
        (
            "transfer",
            Action::Transfer {
                to: who(HELPER),
                comment: None,
            },
        ),
        (
            "comment",
            Action::Comment {
                text: "请尽快处理".into(),
            },
        ),
    ]
}

/// Every (state, actor, action): allowed — to which state — or refused with which code.
/// "ok:<state>" or the refusal's code.
#[test]
fn every_transition_is_allowed_or_refused_with_its_reason() {
    #[rustfmt::skip]
    let table: &[(&str, u128, &str, &str)] = &[
        // fresh: step 1 (或签 by SEC_A or SEC_B) waits.
        ("fresh", SEC_A, "approve", "ok:submitted"),
        ("fresh", SEC_B, "approve", "ok:submitted"),
        ("fresh", REV_A, "approve", "NotYourStep"),
        ("fresh", APPLICANT, "approve", "NotYourStep"),
        ("fresh", OUTSIDER, "approve", "NotYourStep"),
        ("fresh", SEC_A, "reject", "ok:rejected"),
        ("fresh", REV_A, "reject", "NotYourStep"),
        ("fresh", SEC_A, "send_back", "ok:returned"),
        ("fresh", APPLICANT, "send_back", "NotYourStep"),
        ("fresh", APPLICANT, "withdraw", "ok:withdrawn"),
        ("fresh", SEC_A, "withdraw", "NotApplicant"),
        ("fresh", APPLICANT, "resubmit", "NotReturned"),
        ("fresh", SEC_A, "delegate", "ok:submitted"),
        ("fresh", APPLICANT, "delegate", "NotYourStep"),
        ("fresh", SEC_A, "transfer", "ok:submitted"),
        ("fresh", REV_A, "transfer", "NotYourStep"),
        ("fresh", APPLICANT, "comment", "ok:submitted"),
        ("fresh", REV_B, "comment", "ok:submitted"),
        ("fresh", OUTSIDER, "comment", "NotInvolved"),
        // step two: 会签 by REV_A and REV_B; step one's people are done.
        ("step_two", REV_A, "approve", "ok:submitted"),
        ("step_two", SEC_A, "approve", "NotYourStep"),
        ("step_two", SEC_B, "approve", "NotYourStep"),
        ("step_two", APPLICANT, "withdraw", "WithdrawTooLate"),
        ("step_two", REV_B, "reject", "ok:rejected"),
        ("step_two", REV_A, "send_back", "ok:returned"),
        ("step_two", APPLICANT, "resubmit", "NotReturned"),
        ("step_two", REV_B, "delegate", "ok:submitted"),
        ("step_two", SEC_A, "delegate", "NotYourStep"),
        ("step_two", REV_B, "transfer", "ok:submitted"),
        ("step_two", SEC_A, "comment", "ok:submitted"),
        // half signed: REV_A approved, REV_B still to sign.
        ("half_signed", REV_A, "approve", "AlreadyVoted"),
        ("half_signed", REV_A, "reject", "AlreadyVoted"),
        ("half_signed", REV_B, "approve", "ok:approved"),
        ("half_signed", REV_B, "reject", "ok:rejected"),
        ("half_signed", APPLICANT, "withdraw", "WithdrawTooLate"),
        ("half_signed", REV_B, "send_back", "ok:returned"),
        ("half_signed", REV_A, "send_back", "AlreadyVoted"),
        ("half_signed", APPLICANT, "resubmit", "NotReturned"),
        ("half_signed", REV_A, "delegate", "AlreadyVoted"),
        ("half_signed", REV_B, "transfer", "ok:submitted"),
        ("half_signed", REV_A, "comment", "ok:submitted"),
        // returned to the applicant.
        ("returned", APPLICANT, "resubmit", "ok:submitted"),
        ("returned", SEC_A, "resubmit", "NotApplicant"),
        ("returned", APPLICANT, "withdraw", "ok:withdrawn"),
        ("returned", SEC_A, "approve", "NotPending"),
        ("returned", SEC_A, "send_back", "NotPending"),
        ("returned", SEC_A, "comment", "ok:returned"),
        ("returned", SEC_A, "reject", "NotPending"),
        ("returned", SEC_A, "delegate", "NotPending"),
        ("returned", SEC_A, "transfer", "NotPending"),
        // final states refuse everything but comments.
        ("approved", REV_B, "approve", "NotPending"),
        ("approved", SEC_A, "reject", "NotPending"),
        ("approved", APPLICANT, "withdraw", "NotPending"),
        ("approved", APPLICANT, "resubmit", "NotReturned"),
        ("approved", SEC_A, "delegate", "NotPending"),
        ("approved", APPLICANT, "comment", "ok:approved"),
        ("rejected", SEC_B, "approve", "NotPending"),
        ("rejected", APPLICANT, "withdraw", "NotPending"),
        ("rejected", APPLICANT, "resubmit", "NotReturned"),
        ("withdrawn", SEC_A, "approve", "NotPending"),
        ("withdrawn", APPLICANT, "withdraw", "NotPending"),
        ("withdrawn", APPLICANT, "resubmit", "NotReturned"),
        // a draft is the device's own; nobody decides it.
        ("draft", SEC_A, "approve", "NotPending"),
        ("draft", APPLICANT, "withdraw", "ok:withdrawn"),
    ];
    let states = states();
    let actions = actions();
    for (state, actor, action, want) in table {
        let req = &states.iter().find(|(n, _)| n == state).unwrap().1;
        let act = actions.iter().find(|(n, _)| n == action).unwrap().1.clone();
        let got = match run(req, *actor, act) {
            Ok(o) => format!("ok:{}", o.body.state.as_str()),
            Err(e) => e.code.to_owned(),
        };
        assert_eq!(&got, want, "{state} + {action} by {actor}");
    }
    // Every action is tried in every state at least once.
    for (s, _) in &states {
        for (a, _) in &actions {
            let covered = table.iter().any(|(ts, _, ta, _)| ts == s && ta == a);
            let final_state = matches!(*s, "approved" | "rejected" | "withdrawn" | "draft");
            if !final_state {
                assert!(covered, "untested: {a} in {s}");
            }
        }
    }
}

#[test]
fn any_step_passes_on_the_first_approval_and_all_step_waits_for_everyone() {
    let fresh = two_steps(RequestKind::Join);
    assert_eq!(
        fresh.waiting_on(),
        vec![Uuid::from_u128(SEC_A), Uuid::from_u128(SEC_B)]
    );
    let o = run(&fresh, SEC_B, approve()).unwrap();
    assert_eq!(o.effect, Some(Effect::NextStep));
    assert_eq!(o.body.current, 1);
    assert_eq!(
        o.notify,
        vec![Uuid::from_u128(REV_A), Uuid::from_u128(REV_B)]
    );
    let o = run(&o.body, REV_B, approve()).unwrap();
    assert_eq!(o.effect, None, "one of two signatures is not enough");
    assert_eq!(o.body.waiting_on(), vec![Uuid::from_u128(REV_A)]);
    let o = run(&o.body, REV_A, approve()).unwrap();
    assert_eq!(o.effect, Some(Effect::Approved));
    assert_eq!(o.body.state, RequestState::Approved);
    assert_eq!(o.body.decided_at, Some(2_000));
    assert_eq!(o.notify, vec![Uuid::from_u128(APPLICANT)]);
    assert!(o.body.waiting_on().is_empty());
    let actions: Vec<&str> = o.body.log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["submit", "approve", "approve", "approve"]);
}

#[test]
fn send_back_and_resubmit_start_the_steps_again_and_keep_the_log() {
    let fresh = two_steps(RequestKind::Join);
    let after_one = ok(&fresh, SEC_A, approve());
    let back = run(
        &after_one,
        REV_A,
        Action::SendBack {
            reason: "申请书未签字".into(),
        },
    )
    .unwrap();
    assert_eq!(back.effect, Some(Effect::SentBack));
    assert_eq!(back.notify, vec![Uuid::from_u128(APPLICANT)]);
    assert_eq!(back.body.reason.as_deref(), Some("申请书未签字"));
    assert_eq!(
        allowed_actions(&back.body, Uuid::from_u128(APPLICANT)),
        vec!["resubmit", "withdraw", "comment"]
    );
    let again = ok(
        &back.body,
        APPLICANT,
        Action::Resubmit {
            form: json!({"category": "企业职工", "unit_id": Uuid::from_u128(1000), "agreed": true}),
            attachments: Vec::new(),
        },
    );
    assert_eq!(again.state, RequestState::Submitted);
    assert_eq!(again.current, 0);
    assert!(again.steps.iter().all(|s| s.votes.is_empty()));
    assert!(!again.has_decision());
    assert_eq!(again.log.len(), 4, "submit, approve, send_back, resubmit");
    // After a resubmission nobody has decided yet: withdrawing is allowed again.
    assert!(run(&again, APPLICANT, Action::Withdraw).is_ok());
}

#[test]
fn a_delegates_advice_returns_to_the_owner_who_decides() {
    let fresh = two_steps(RequestKind::Join);
    let d = ok(
        &fresh,
        SEC_A,
        Action::Delegate {
            to: who(HELPER),
            comment: Some("请帮忙核实".into()),
        },
    );
    assert!(d.waiting_on().contains(&Uuid::from_u128(HELPER)));
    assert_eq!(
        allowed_actions(&d, Uuid::from_u128(HELPER)),
        vec!["advise", "comment"]
    );
    // The delegate cannot decide the step, only advise.
    assert_eq!(run(&d, HELPER, approve()).unwrap_err(), NOT_YOUR_STEP);
    assert_eq!(
        run(
            &d,
            OUTSIDER,
            Action::Advise {
                approve: true,
                comment: None
            }
        )
        .unwrap_err(),
        NOT_DELEGATE
    );
    let advised = run(
        &d,
        HELPER,
        Action::Advise {
            approve: true,
            comment: Some("情况属实".into()),
        },
    )
    .unwrap();
    assert_eq!(advised.notify, vec![Uuid::from_u128(SEC_A)]);
    assert_eq!(advised.body.state, RequestState::Submitted);
    assert_eq!(advised.body.current, 0, "advice decides nothing");
    assert_eq!(
        run(
            &advised.body,
            HELPER,
            Action::Advise {
                approve: false,
                comment: None
            }
        )
        .unwrap_err(),
        NOT_DELEGATE,
        "advice is given once"
    );
    let decided = ok(&advised.body, SEC_A, approve());
    assert_eq!(decided.current, 1);
    // Delegating to yourself or to a co-approver is refused.
    for to in [SEC_A, SEC_B] {
        assert_eq!(
            run(
                &fresh,
                SEC_A,
                Action::Delegate {
                    to: who(to),
                    comment: None
                }
            )
            .unwrap_err(),
            DELEGATE_INVALID
        );
    }
}

#[test]
fn a_transfer_hands_the_step_over() {
    let fresh = two_steps(RequestKind::Join);
    let t = ok(
        &fresh,
        SEC_A,
        Action::Transfer {
            to: who(HELPER),
            comment: None,
        },
    );
    assert!(!t.steps[0].is_approver(Uuid::from_u128(SEC_A)));
    assert!(t.steps[0].is_approver(Uuid::from_u128(HELPER)));
    assert_eq!(run(&t, SEC_A, approve()).unwrap_err(), NOT_YOUR_STEP);
    assert!(t.participants().contains(&Uuid::from_u128(HELPER)));
    assert_eq!(ok(&t, HELPER, approve()).current, 1);
}

#[test]
fn single_step_and_billing_only_on_the_last_step_of_a_join() {
    let bill = BillSpec {
        amount_fen: 24_000,
        period: "2026".into(),
    };
    let with_bill = Action::Approve {
        comment: None,
        bill: Some(bill.clone()),
    };
    let fresh = two_steps(RequestKind::Join);
    assert_eq!(
        run(&fresh, SEC_A, with_bill.clone()).unwrap_err(),
        BILL_NOT_ALLOWED
    );
    let last = ok(&ok(&fresh, SEC_A, approve()), REV_A, approve());
    let done = run(&last, REV_B, with_bill.clone()).unwrap();
    assert_eq!(done.body.bill, Some(bill));
    let position = two_steps(RequestKind::Position);
    let last = ok(&ok(&position, SEC_A, approve()), REV_A, approve());
    assert_eq!(run(&last, REV_B, with_bill).unwrap_err(), BILL_NOT_ALLOWED);
    for (amount, period) in [(0, "2026"), (-5, "2026"), (100_000_001, "2026"), (100, " ")] {
        let a = Action::Approve {
            comment: None,
            bill: Some(BillSpec {
                amount_fen: amount,
                period: period.into(),
            }),
        };
        let last = ok(&ok(&fresh, SEC_A, approve()), REV_A, approve());
        assert_eq!(run(&last, REV_B, a).unwrap_err(), BILL_INVALID);
    }
    // A single step with one approver.
    let single = submit(
        RequestKind::Withdrawal,
        "退会申请".into(),
        who(APPLICANT),
        (Uuid::from_u128(1000), "南京医科大学工会".into()),
        json!({}),
        Vec::new(),
        vec![step(
            "单位审核",
            StepMode::Single,
            Role::Secretary,
            &[SEC_A],
        )],
        false,
        1,
    )
    .unwrap()
    .body;
    assert_eq!(
        run(&single, SEC_A, approve()).unwrap().effect,
        Some(Effect::Approved)
    );
}

#[test]
fn submit_needs_someone_to_decide_every_step() {
    let no_steps = submit(
        RequestKind::Join,
        "x".into(),
        who(APPLICANT),
        (Uuid::from_u128(1), "x".into()),
        json!({}),
        Vec::new(),
        Vec::new(),
        true,
        1,
    );
    assert_eq!(no_steps.unwrap_err(), NO_STEPS);
    let nobody = submit(
        RequestKind::Join,
        "x".into(),
        who(APPLICANT),
        (Uuid::from_u128(1), "x".into()),
        json!({}),
        Vec::new(),
        vec![step("审核", StepMode::Any, Role::Secretary, &[])],
        true,
        1,
    );
    assert_eq!(nobody.unwrap_err(), NO_STEPS);
}

#[test]
fn reasons_and_comments_are_checked() {
    let fresh = two_steps(RequestKind::Join);
    for bad in ["", "   ", &"长".repeat(501)] {
        assert_eq!(
            run(&fresh, SEC_A, Action::Reject { reason: bad.into() }).unwrap_err(),
            REASON_REQUIRED
        );
        assert_eq!(
            run(&fresh, SEC_A, Action::SendBack { reason: bad.into() }).unwrap_err(),
            REASON_REQUIRED
        );
        assert_eq!(
            run(&fresh, APPLICANT, Action::Comment { text: bad.into() }).unwrap_err(),
            COMMENT_INVALID
        );
    }
    let long = Action::Approve {
        comment: Some("长".repeat(501)),
        bill: None,
    };
    assert_eq!(run(&fresh, SEC_A, long).unwrap_err(), COMMENT_INVALID);
    // A blank comment on approval is simply no comment.
    let blank = Action::Approve {
        comment: Some("  ".into()),
        bill: None,
    };
    assert_eq!(ok(&fresh, SEC_A, blank).log[1].comment, None);
}

#[test]
fn actions_round_trip_as_tagged_json() {
    for (_, a) in actions() {
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["action"], a.name());
        assert_eq!(serde_json::from_value::<Action>(v).unwrap(), a);
    }
    let unknown = json!({"action": "approve", "comment": null, "sneaky": 1});
    assert!(serde_json::from_value::<Action>(unknown).is_err());
}

// ---------------------------------------------------------------- forms

#[test]
fn join_form_is_validated() {
    let unit = Uuid::from_u128(7);
    let good = json!({"category": "机关事业单位职工", "unit_id": unit, "agreed": true});
    assert_eq!(parse_join(&good).unwrap().unit_id, unit);
    let cases = [
        (
            json!({"category": "学生", "unit_id": unit, "agreed": true}),
            CATEGORY_INVALID,
        ),
        (
            json!({"category": "企业职工", "unit_id": unit, "agreed": false}),
            NOT_AGREED,
        ),
        (
            json!({"category": "企业职工", "agreed": true}),
            FORM_INVALID,
        ),
        (
            json!({"category": "企业职工", "unit_id": "x", "agreed": true}),
            FORM_INVALID,
        ),
        (
            json!({"category": "企业职工", "unit_id": unit, "agreed": true, "x": 1}),
            FORM_INVALID,
        ),
        (
            json!({"category": "企业职工", "unit_id": unit, "agreed": true, "company": "长".repeat(101)}),
            FIELD_TOO_LONG,
        ),
        (
            json!({"category": "企业职工", "unit_id": unit, "agreed": true, "referrer_name": "王立新"}),
            REFERRER_INCOMPLETE,
        ),
        (
            json!({"category": "企业职工", "unit_id": unit, "agreed": true, "referrer_name": "王立新", "referrer_phone": "12345"}),
            crate::validate::PHONE_LENGTH,
        ),
    ];
    for (form, want) in cases {
        assert_eq!(parse_join(&form).unwrap_err(), want, "{form}");
    }
    let with_referrer = json!({"category": "企业职工", "unit_id": unit, "agreed": true,
        "referrer_name": "王立新", "referrer_phone": "13900000000"});
    assert!(parse_join(&with_referrer).is_ok());
}

#[test]
fn other_forms_are_validated() {
    let unit = Uuid::from_u128(7);
    assert!(
        parse_transfer(&json!({"category": "企业职工", "to_unit_id": unit, "agreed": true}))
            .is_ok()
    );
    assert_eq!(
        parse_transfer(&json!({"category": "企业职工", "to_unit_id": unit, "agreed": false}))
            .unwrap_err(),
        NOT_AGREED
    );
    assert_eq!(
        parse_position(&json!({"unit_id": unit, "position": " "})).unwrap_err(),
        POSITION_REQUIRED
    );
    assert!(parse_position(&json!({"unit_id": unit, "position": "副会长"})).is_ok());
    assert_eq!(
        parse_withdrawal(&json!({"unit_id": unit, "reason": ""})).unwrap_err(),
        REASON_REQUIRED
    );
    assert!(parse_withdrawal(&json!({"unit_id": unit, "reason": "调离本单位"})).is_ok());
    let levels = vec!["会员单位".to_owned(), "理事单位".to_owned()];
    let org = json!({"unit_name": "南京测试科技有限公司", "credit_code": "91320100MA1000000E",
        "legal_rep": "张靖", "legal_phone": "13814119776", "contact": "李明华",
        "contact_phone": "13814119777", "user_type": "会员单位"});
    assert!(parse_org_registration(&org, &levels).is_ok());
    let mut bad_code = org.clone();
    bad_code["credit_code"] = json!("91320100MA1000000X");
    assert!(parse_org_registration(&bad_code, &levels).is_err());
    let mut bad_type = org.clone();
    bad_type["user_type"] = json!("会长单位");
    assert_eq!(
        parse_org_registration(&bad_type, &levels).unwrap_err(),
        USER_TYPE_INVALID
    );
    let mut bad_phone = org;
    bad_phone["contact_phone"] = json!("1381411977");
    assert_eq!(
        parse_org_registration(&bad_phone, &levels).unwrap_err(),
        crate::validate::PHONE_LENGTH
    );
}

fn website_change() -> ServiceDef {
    ServiceDef {
        name: "网站变更申请".into(),
        description: String::new(),
        fields: vec![
            FieldDef {
                key: "site".into(),
                label: "网站地址".into(),
                field_type: FieldType::Url,
                required: true,
                options: vec![],
            },
            FieldDef {
                key: "change".into(),
                label: "变更类型".into(),
                field_type: FieldType::Choice,
                required: true,
                options: vec!["新建".into(), "改版".into(), "关停".into()],
            },
            FieldDef {
                key: "date".into(),
                label: "期望完成日期".into(),
                field_type: FieldType::Date,
                required: false,
                options: vec![],
            },
        ],
        steps: vec![StepTemplate {
            title: "信息中心审核".into(),
            mode: StepMode::Any,
            role: Role::Reviewer,
            node_id: Uuid::from_u128(3),
        }],
    }
}

#[test]
fn service_forms_follow_their_definition() {
    let def = website_change();
    validate_service(&def).unwrap();
    let sid = Uuid::from_u128(5);
    let form = |v: serde_json::Value| json!({"service_id": sid, "values": v});
    assert!(parse_service(
        &form(json!({"site": "https://www.xawl.edu.cn", "change": "改版"})),
        &def
    )
    .is_ok());
    let cases = [
        (json!({"change": "改版"}), FIELD_REQUIRED),
        (json!({"site": "www.x.cn", "change": "改版"}), URL_INVALID),
        (
            json!({"site": "https://x.cn", "change": "删除"}),
            CHOICE_INVALID,
        ),
        (
            json!({"site": "https://x.cn", "change": "改版", "date": "2026-02-30"}),
            DATE_INVALID,
        ),
        (
            json!({"site": "https://x.cn", "change": "改版", "other": "x"}),
            FORM_INVALID,
        ),
    ];
    for (v, want) in cases {
        assert_eq!(
            parse_service(&form(v.clone()), &def).unwrap_err(),
            want,
            "{v}"
        );
    }
    let mut dup = website_change();
    dup.fields.push(dup.fields[0].clone());
    assert_eq!(validate_service(&dup).unwrap_err(), SERVICE_INVALID);
    let mut no_steps = website_change();
    no_steps.steps.clear();
    assert_eq!(validate_service(&no_steps).unwrap_err(), SERVICE_INVALID);
}

#[test]
fn attachments_are_typed_by_content() {
    assert_eq!(
        sniff_attachment(b"%PDF-1.7\n...").unwrap(),
        "application/pdf"
    );
    assert_eq!(
        sniff_attachment(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0]).unwrap(),
        "image/png"
    );
    assert_eq!(
        sniff_attachment(&[0xff, 0xd8, 0xff, 0xe0]).unwrap(),
        "image/jpeg"
    );
    assert_eq!(
        sniff_attachment(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(),
        "image/webp"
    );
    assert_eq!(
        sniff_attachment(b"MZ\x90\0 an exe named letter.pdf").unwrap_err(),
        ATTACHMENT_TYPE
    );
    assert_eq!(sniff_attachment(b"<html>").unwrap_err(), ATTACHMENT_TYPE);
    assert_eq!(sniff_attachment(b"").unwrap_err(), ATTACHMENT_EMPTY);
    let mut big = b"%PDF-".to_vec();
    big.resize(ATTACHMENT_MAX_BYTES + 1, b' ');
    assert_eq!(sniff_attachment(&big).unwrap_err(), ATTACHMENT_TOO_LARGE);
    assert_eq!(
        clean_file_name("C:\\Users\\a\\入会申请书.pdf"),
        "入会申请书.pdf"
    );
    assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
    assert_eq!(clean_file_name("\u{0}\u{1}"), "附件");
}

// ---------------------------------------------------------------- memberships

#[test]
fn membership_status_follows_the_dates() {
    use MembershipStatus::*;
    let cases = [
        ("2026-12-01", None, None, "2026-11-22", Pending),
        ("2026-11-22", None, None, "2026-11-22", Current),
        (
            "2025-01-01",
            Some("2026-11-22"),
            None,
            "2026-11-22",
            Current,
        ),
        ("2025-01-01", Some("2026-11-21"), None, "2026-11-22", Grace),
        ("2025-01-01", Some("2026-10-23"), None, "2026-11-22", Grace),
        (
            "2025-01-01",
            Some("2026-10-22"),
            None,
            "2026-11-22",
            Expired,
        ),
        ("2025-01-01", None, Some("2026-11-22"), "2026-11-22", Ended),
        (
            "2025-01-01",
            None,
            Some("2026-11-23"),
            "2026-11-22",
            Current,
        ),
        // A leap day and a year boundary.
        ("2024-02-29", Some("2024-12-31"), None, "2025-01-30", Grace),
        (
            "2024-02-29",
            Some("2024-12-31"),
            None,
            "2025-01-31",
            Expired,
        ),
    ];
    for (start, end, ended, today, want) in cases {
        assert_eq!(
            derive_status(start, end, ended, today),
            want,
            "{start} {end:?} {ended:?} {today}"
        );
    }
}

fn membership() -> MembershipBody {
    MembershipBody {
        account_id: Uuid::from_u128(APPLICANT),
        name: "欧阳娜娜".into(),
        unit_id: Uuid::from_u128(1000),
        unit_name: "南京医科大学工会".into(),
        member_type: "企业职工".into(),
        level: None,
        title: None,
        joined_on: "2026-01-01".into(),
        start_on: "2026-01-01".into(),
        end_on: Some("2026-12-31".into()),
        ended_on: None,
        status: MembershipStatus::Current,
        override_status: None,
        history: Vec::new(),
        request_id: None,
    }
}

#[test]
fn refresh_override_renew_and_end() {
    let mut m = membership();
    assert!(!m.refresh_status("2026-11-22"));
    assert!(m.refresh_status("2027-01-05"));
    assert_eq!(m.status, MembershipStatus::Grace);
    assert_eq!(
        m.history.last().unwrap().note.as_deref(),
        Some("有效 → 宽限期")
    );
    // An override wins over the dates until it is cleared.
    m.override_status = Some(StatusOverride {
        status: MembershipStatus::Current,
        reason: "会费已线下缴纳".into(),
        by: who(SEC_A),
        at: 1,
    });
    assert!(m.refresh_status("2027-03-01"));
    assert_eq!(m.status, MembershipStatus::Current);
    m.override_status = None;
    assert!(m.refresh_status("2027-03-01"));
    assert_eq!(m.status, MembershipStatus::Expired);
    // Renewal moves the end date forward only.
    assert_eq!(
        renew(&mut m, "2026-06-30", "2027-03-01", "张靖").unwrap_err(),
        DATE_ORDER
    );
    assert_eq!(
        renew(&mut m, "2027-13-01", "2027-03-01", "张靖").unwrap_err(),
        DATE_INVALID
    );
    renew(&mut m, "2027-12-31", "2027-03-01", "张靖").unwrap();
    assert_eq!(m.status, MembershipStatus::Current);
    end_membership(
        &mut m,
        "2027-03-02",
        "transferred_out",
        Some("转入南京大学工会".into()),
    );
    assert_eq!(m.status, MembershipStatus::Ended);
    assert!(!m.is_live());
    assert_eq!(
        renew(&mut m, "2028-12-31", "2027-03-03", "张靖").unwrap_err(),
        MEMBERSHIP_ENDED
    );
    let whats: Vec<&str> = m.history.iter().map(|h| h.what.as_str()).collect();
    assert_eq!(
        whats,
        [
            "status",
            "status",
            "status",
            "renewed",
            "status",
            "transferred_out",
            "status"
        ]
    );
}

#[test]
fn record_bodies_pass_the_sync_validation() {
    use crate::sync::{validate_body, RecordKind};
    let req = two_steps(RequestKind::Join);
    validate_body(RecordKind::Request, &serde_json::to_value(&req).unwrap()).unwrap();
    validate_body(
        RecordKind::Membership,
        &serde_json::to_value(membership()).unwrap(),
    )
    .unwrap();
    validate_body(
        RecordKind::Service,
        &serde_json::to_value(website_change()).unwrap(),
    )
    .unwrap();
    assert!(validate_body(RecordKind::Request, &json!({"kind": "join"})).is_err());
}

#[test]
fn org_profile_is_validated() {
    let good = OrgProfile {
        unit_status: "存续".into(),
        unit_nature: "民营企业".into(),
        industry: "软件和信息技术服务业".into(),
        scale: "100-499人".into(),
        region: "江苏省 南京市".into(),
        address: "南京市建邺区江东中路1号".into(),
        postcode: "210019".into(),
        contact_email: "contact@example.cn".into(),
        registered_capital: "500".into(),
        founded_on: "2015-06-01".into(),
        ..OrgProfile::default()
    };
    validate_org_profile(&good).unwrap();
    type Change = fn(&mut OrgProfile);
    let cases: Vec<(Change, DomainError)> = vec![
        (|p| p.address = " ".into(), PROFILE_REQUIRED),
        (|p| p.unit_nature = "皮包公司".into(), CHOICE_INVALID),
        (|p| p.postcode = "21001".into(), POSTCODE_INVALID),
        (|p| p.contact_email = "a@b".into(), EMAIL_INVALID),
        (|p| p.founded_on = "2015-13-01".into(), DATE_INVALID),
        (|p| p.paid_in_capital = "-3".into(), CAPITAL_INVALID),
        (|p| p.paid_in_capital = "NaN".into(), CAPITAL_INVALID),
        (|p| p.intro = "长".repeat(2001), FIELD_TOO_LONG),
    ];
    for (change, want) in cases {
        let mut p = good.clone();
        change(&mut p);
        assert_eq!(validate_org_profile(&p).unwrap_err(), want);
    }
}

#[test]
fn the_last_act_is_named_for_an_overtaken_decision() {
    let fresh = two_steps(RequestKind::Join);
    assert_eq!(
        fresh.last_act(),
        (None, "该申请已有变化，当前状态：审核中".to_owned())
    );
    // 2026-11-22 02:30 UTC is 10:30 in China.
    let approved = apply(&fresh, &who(SEC_B), &approve(), 1_795_314_600_000)
        .unwrap()
        .body;
    assert_eq!(
        approved.last_act(),
        (
            Some("李明华".to_owned()),
            "已由李明华于11月22日 10:30通过".to_owned()
        )
    );
    // A comment afterwards does not change who decided.
    let commented = ok(
        &approved,
        APPLICANT,
        Action::Comment {
            text: "谢谢".into(),
        },
    );
    assert_eq!(commented.last_act().0.as_deref(), Some("李明华"));
}
