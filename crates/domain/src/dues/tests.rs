use std::collections::HashSet;

use uuid::Uuid;

use super::period::{add_days, normalise_label};
use super::*;
use crate::validate::SimpleDate;
use crate::workflow::{MembershipBody, MembershipStatus};

fn d(y: i32, m: u32, day: u32) -> SimpleDate {
    SimpleDate::new(y, m, day)
}

#[test]
fn periods_parse_print_and_span_their_days() {
    let cases: &[(&str, &str, &str, &str, i64, &str)] = &[
        ("2026", "2026-01-01", "2026-12-31", "2026年度", 365, "2027"),
        ("2028", "2028-01-01", "2028-12-31", "2028年度", 366, "2029"),
        (
            "2026-H1",
            "2026-01-01",
            "2026-06-30",
            "2026年上半年",
            181,
            "2026-H2",
        ),
        (
            "2026-H2",
            "2026-07-01",
            "2026-12-31",
            "2026年下半年",
            184,
            "2027-H1",
        ),
        (
            "2028-02",
            "2028-02-01",
            "2028-02-29",
            "2028年2月",
            29,
            "2028-03",
        ),
        (
            "2026-12",
            "2026-12-01",
            "2026-12-31",
            "2026年12月",
            31,
            "2027-01",
        ),
        (
            " 2026-03 ",
            "2026-03-01",
            "2026-03-31",
            "2026年3月",
            31,
            "2026-04",
        ),
    ];
    for (text, start, end, zh, days, next) in cases {
        let p = Period::parse(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(p.start().to_string(), *start, "{text}");
        assert_eq!(p.end().to_string(), *end, "{text}");
        assert_eq!(p.label_zh(), *zh, "{text}");
        assert_eq!(p.days(), *days, "{text}");
        assert_eq!(p.next().label(), *next, "{text}");
        assert_eq!(Period::parse(&p.label()), Some(p), "{text} round-trips");
    }
    for bad in [
        "",
        "26",
        "2026-",
        "2026-H3",
        "2026-H0",
        "2026-13",
        "2026-00",
        "2026-3",
        "1999",
        "2100",
        "２０２６",
        "2026年",
        "2026-01-01",
        "abcd",
    ] {
        assert_eq!(Period::parse(bad), None, "{bad:?}");
    }
    assert_eq!(normalise_label(" 2026 "), "2026");
    assert_eq!(normalise_label("2026年度"), "2026年度", "free text stays");
    assert_eq!(
        Period::containing(PeriodKind::HalfYear, d(2026, 7, 1)).label(),
        "2026-H2"
    );
    assert_eq!(
        Period::containing(PeriodKind::Month, d(2026, 2, 28)).label(),
        "2026-02"
    );
    assert_eq!(add_days(d(2024, 2, 28), 1), d(2024, 2, 29));
}

fn rule(amount: i64, kind: PeriodKind, prorate: bool) -> DuesRule {
    DuesRule {
        name: "会员年费".into(),
        unit_id: Uuid::nil(),
        unit_name: "江苏省互联网协会".into(),
        member_type: None,
        level: None,
        amount_fen: amount,
        period: kind,
        due_days: 30,
        prorate_first: prorate,
        active: true,
    }
}

#[test]
fn a_first_period_joined_part_way_is_charged_for_the_days_left() {
    let y = Period::parse("2026").unwrap();
    let r = rule(36_500, PeriodKind::Year, true);
    // (start, expected fen)
    let cases = [
        (d(2025, 12, 1), 36_500), // joined before: whole period
        (d(2026, 1, 1), 36_500),  // on the first day: whole period
        (d(2026, 1, 2), 36_400),  // 364 of 365 days
        (d(2026, 7, 1), 18_400),  // 184 days left
        (d(2026, 12, 31), 100),   // one day
        (d(2027, 1, 5), 36_500),  // not in this period: whole (by hand for a later one)
    ];
    for (start, want) in cases {
        assert_eq!(amount_for(&r, &y, start), want, "{start}");
    }
    // Half up to the fen, never below 1 fen.
    let m = Period::parse("2026-02").unwrap();
    let small = rule(1, PeriodKind::Month, true);
    assert_eq!(amount_for(&small, &m, d(2026, 2, 28)), 1);
    let odd = rule(1_000, PeriodKind::Month, true);
    // 2 of 28 days of 10 yuan = 71.43 fen → 71; 14 of 28 = 500.
    assert_eq!(amount_for(&odd, &m, d(2026, 2, 27)), 71);
    assert_eq!(amount_for(&odd, &m, d(2026, 2, 15)), 500);
    let whole = rule(1_000, PeriodKind::Month, false);
    assert_eq!(amount_for(&whole, &m, d(2026, 2, 27)), 1_000, "no pro-rata");
}

fn membership(member_type: &str, level: Option<&str>, start: &str) -> MembershipBody {
    MembershipBody {
        account_id: Uuid::now_v7(),
        name: "张三".into(),
        unit_id: Uuid::nil(),
        unit_name: "江苏省互联网协会".into(),
        member_type: member_type.into(),
        level: level.map(str::to_owned),
        title: None,
        joined_on: start.into(),
        start_on: start.into(),
        end_on: None,
        ended_on: None,
        status: MembershipStatus::Current,
        override_status: None,
        history: Vec::new(),
        request_id: None,
    }
}

#[test]
fn the_most_specific_active_rule_bills_a_membership() {
    let any = rule(100, PeriodKind::Year, false);
    let by_type = DuesRule {
        member_type: Some("单位会员".into()),
        ..rule(200, PeriodKind::Year, false)
    };
    let by_level = DuesRule {
        level: Some("理事单位".into()),
        ..rule(300, PeriodKind::Year, false)
    };
    let both = DuesRule {
        member_type: Some("单位会员".into()),
        level: Some("理事单位".into()),
        ..rule(400, PeriodKind::Year, false)
    };
    let inactive = DuesRule {
        active: false,
        member_type: Some("单位会员".into()),
        level: Some("副理事长单位".into()),
        ..rule(999, PeriodKind::Year, false)
    };
    let rules = vec![
        (1, any),
        (2, by_type),
        (3, by_level),
        (4, both),
        (5, inactive),
    ];
    let pick = |t: &str, l: Option<&str>| {
        rule_for(&rules, &membership(t, l, "2025-01-01")).map(|(id, _)| *id)
    };
    assert_eq!(pick("单位会员", Some("理事单位")), Some(4));
    assert_eq!(pick("单位会员", Some("会员单位")), Some(2));
    assert_eq!(pick("个人会员", Some("理事单位")), Some(3));
    assert_eq!(pick("个人会员", None), Some(1));
    assert_eq!(
        pick("单位会员", Some("副理事长单位")),
        Some(2),
        "inactive skipped"
    );
    let elsewhere = vec![(
        9,
        DuesRule {
            unit_id: Uuid::now_v7(),
            ..rule(1, PeriodKind::Year, false)
        },
    )];
    assert_eq!(
        rule_for(&elsewhere, &membership("x", None, "2025-01-01")),
        None
    );
}

#[test]
fn rules_are_checked_and_tidied() {
    let ok = DuesRule {
        member_type: Some("  ".into()),
        name: "  年费 ".into(),
        ..rule(100, PeriodKind::Month, false)
    };
    let t = validate_rule(&DuesRule {
        due_days: 27,
        ..ok.clone()
    })
    .unwrap();
    assert_eq!((t.name.as_str(), t.member_type), ("年费", None));
    for bad in [
        DuesRule {
            amount_fen: 0,
            ..ok.clone()
        },
        DuesRule {
            amount_fen: MAX_AMOUNT_FEN + 1,
            ..ok.clone()
        },
        DuesRule {
            name: " ".into(),
            ..ok.clone()
        },
        DuesRule {
            name: "长".repeat(41),
            ..ok.clone()
        },
        DuesRule {
            due_days: 28,
            ..ok.clone()
        },
        DuesRule {
            period: PeriodKind::Year,
            due_days: 365,
            ..ok.clone()
        },
        DuesRule {
            level: Some("级".repeat(31)),
            ..ok.clone()
        },
    ] {
        assert_eq!(validate_rule(&bad), Err(RULE_INVALID), "{bad:?}");
    }
    let y = Period::parse("2026").unwrap();
    assert_eq!(rule(1, PeriodKind::Year, false).due_on(&y), d(2026, 1, 31));
}

#[test]
fn the_job_bills_members_who_joined_before_the_period_and_are_live() {
    let p = Period::parse("2027").unwrap();
    let today = d(2027, 1, 2);
    let mut m = membership("个人会员", None, "2026-05-01");
    assert!(job_bills(&m, &p, today));
    assert!(
        !job_bills(&m, &p, d(2026, 12, 31)),
        "not before the period starts"
    );
    let newcomer = membership("个人会员", None, "2027-01-01");
    assert!(
        !job_bills(&newcomer, &p, today),
        "first period: the approver's choice"
    );
    m.status = MembershipStatus::Expired;
    assert!(!job_bills(&m, &p, today));
    m.status = MembershipStatus::Grace;
    assert!(job_bills(&m, &p, today));
    m.ended_on = Some("2026-12-01".into());
    assert!(!job_bills(&m, &p, today));
    // By hand: anyone live during the period.
    assert!(may_bill_by_hand(&newcomer, &p));
    assert!(!may_bill_by_hand(&membership("x", None, "2028-01-01"), &p));
    assert!(!may_bill_by_hand(&m, &p), "ended before the period");
}

fn order(amount: i64) -> DuesOrderBody {
    DuesOrderBody {
        account_id: Uuid::now_v7(),
        name: "张三".into(),
        unit_id: Uuid::nil(),
        unit_name: "协会".into(),
        membership_id: Uuid::now_v7(),
        period: "2026".into(),
        amount_fen: amount,
        paid_fen: 0,
        pending_fen: 0,
        status: OrderStatus::Pending,
        request_id: None,
        rule_id: None,
        due_on: None,
        prorated: false,
        cancel_reason: None,
        event_id: None,
        title: None,
        created_at: 0,
    }
}

#[test]
fn an_order_settles_by_its_confirmed_payments() {
    let mut o = order(24_000);
    assert!(!o.settle(0, 0));
    assert!(o.settle(10_000, 5_000));
    assert_eq!(
        (o.status, o.outstanding(), o.open_for_submission()),
        (OrderStatus::Partial, 14_000, 9_000)
    );
    assert!(o.settle(24_000, 0));
    assert_eq!(o.status, OrderStatus::Paid);
    assert_eq!(o.check_payable(), Err(ORDER_SETTLED));
    assert!(o.settle(30_000, 0), "overpaid stays paid");
    assert_eq!((o.status, o.outstanding()), (OrderStatus::Paid, 0));
    let mut c = order(100);
    c.status = OrderStatus::Cancelled;
    c.settle(0, 0);
    assert_eq!(c.status, OrderStatus::Cancelled);
    assert_eq!(c.check_payable(), Err(ORDER_CANCELLED));
    assert_eq!(order(100).check_payable(), Ok(()));
    // Old records said "pending"/"paid" as strings: they still read.
    let old = serde_json::json!({"account_id": Uuid::nil(), "name": "a", "unit_id": Uuid::nil(),
        "unit_name": "u", "membership_id": Uuid::nil(), "period": "2026", "amount_fen": 1,
        "paid_fen": 0, "status": "pending", "request_id": null, "created_at": 0});
    let o: DuesOrderBody = serde_json::from_value(old).unwrap();
    assert_eq!((o.status, o.pending_fen), (OrderStatus::Pending, 0));
    assert_eq!(o.item(), "2026年度会费");
}

#[test]
fn a_paid_period_pays_the_membership_to_its_end() {
    let mut o = order(100);
    let mut m = membership("x", None, "2026-03-01");
    m.end_on = Some("2026-12-31".into());
    o.period = "2027".into();
    assert_eq!(paid_through(&o, &m), None, "not paid yet");
    o.settle(100, 0);
    assert_eq!(paid_through(&o, &m).as_deref(), Some("2027-12-31"));
    o.period = "2026-H1".into();
    assert_eq!(paid_through(&o, &m), None, "already later");
    o.period = "年费".into();
    assert_eq!(paid_through(&o, &m), None, "free text: no period");
    o.period = "2027-03".into();
    m.ended_on = Some("2026-10-01".into());
    assert_eq!(paid_through(&o, &m), None, "ended");
}

fn form(amount: i64, paid_on: &str, method: PayMethod) -> OfflinePaymentForm {
    OfflinePaymentForm {
        amount_fen: amount,
        paid_on: paid_on.into(),
        method,
        reference: Some(" 6222 0210 ".into()),
        note: None,
    }
}

#[test]
fn the_offline_form_is_checked_with_specific_errors() {
    let today = d(2026, 12, 1);
    let ok = check_offline(&form(100, "2026-11-30", PayMethod::Cash), today, 100, false).unwrap();
    assert_eq!(ok.reference.as_deref(), Some("6222 0210"));
    let cases: &[(OfflinePaymentForm, i64, bool, DomainError)] = &[
        (
            form(100, "2026-11-30", PayMethod::Online),
            100,
            true,
            METHOD_INVALID,
        ),
        (
            form(0, "2026-11-30", PayMethod::Cash),
            100,
            true,
            AMOUNT_INVALID,
        ),
        (
            form(-5, "2026-11-30", PayMethod::Cash),
            100,
            true,
            AMOUNT_INVALID,
        ),
        (
            form(MAX_AMOUNT_FEN + 1, "2026-11-30", PayMethod::Cash),
            i64::MAX,
            true,
            AMOUNT_INVALID,
        ),
        (
            form(101, "2026-11-30", PayMethod::Cash),
            100,
            true,
            AMOUNT_EXCEEDS_BALANCE,
        ),
        (
            form(100, "2026-12-02", PayMethod::Cash),
            100,
            true,
            PAID_ON_INVALID,
        ),
        (
            form(100, "2026-02-30", PayMethod::Cash),
            100,
            true,
            PAID_ON_INVALID,
        ),
        (
            form(100, "30/11/2026", PayMethod::Cash),
            100,
            true,
            PAID_ON_INVALID,
        ),
        (
            form(100, "1999-12-31", PayMethod::Cash),
            100,
            true,
            PAID_ON_INVALID,
        ),
        (
            form(100, "2026-11-30", PayMethod::BankTransfer),
            100,
            false,
            PROOF_REQUIRED,
        ),
        (
            OfflinePaymentForm {
                note: Some("备".repeat(201)),
                ..form(100, "2026-11-30", PayMethod::Other)
            },
            100,
            true,
            TEXT_TOO_LONG,
        ),
        (
            OfflinePaymentForm {
                reference: Some("1".repeat(65)),
                ..form(100, "2026-11-30", PayMethod::Other)
            },
            100,
            true,
            TEXT_TOO_LONG,
        ),
    ];
    for (f, open, proof, want) in cases {
        assert_eq!(
            check_offline(f, today, *open, *proof).as_ref().err(),
            Some(want),
            "{f:?}"
        );
    }
    assert!(check_offline(
        &form(100, "2026-12-01", PayMethod::BankTransfer),
        today,
        100,
        true
    )
    .is_ok());
}

// ---------------------------------------------------------------- the state machine

fn payment(status: PaymentStatus, method: PayMethod) -> PaymentBody {
    PaymentBody {
        order_id: Uuid::nil(),
        account_id: Uuid::nil(),
        payer: "张三".into(),
        unit_id: Uuid::nil(),
        unit_name: "协会".into(),
        period: "2026".into(),
        amount_fen: 24_000,
        method,
        status,
        paid_on: Some("2026-11-30".into()),
        reference: None,
        note: None,
        proof: None,
        channel: (method == PayMethod::Online).then(|| "sandbox".into()),
        out_trade_no: None,
        reason: None,
        decided_by: None,
        decided_at: None,
        receipt_no: None,
        created_at: 0,
        log: Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum In {
    Edit,
    Delete,
    Confirm,
    Reject,
    Cancel,
    Paid,
    PaidWrongAmount,
    ProviderClose,
}

const INPUTS: [In; 8] = [
    In::Edit,
    In::Delete,
    In::Confirm,
    In::Reject,
    In::Cancel,
    In::Paid,
    In::PaidWrongAmount,
    In::ProviderClose,
];

fn input(i: In) -> PayInput {
    match i {
        In::Edit => PayInput::Act(PaymentAction::Edit {
            form: form(20_000, "2026-11-29", PayMethod::Cash),
            proof_upload_id: None,
        }),
        In::Delete => PayInput::Act(PaymentAction::Delete),
        In::Confirm => PayInput::Act(PaymentAction::Confirm { comment: None }),
        In::Reject => PayInput::Act(PaymentAction::Reject {
            reason: "转账金额与凭证不符".into(),
        }),
        In::Cancel => PayInput::Act(PaymentAction::Cancel),
        In::Paid => PayInput::Provider(ProviderEvent::Paid {
            amount_fen: 24_000,
            trade_no: "T1".into(),
            paid_on: "2026-12-01".into(),
        }),
        In::PaidWrongAmount => PayInput::Provider(ProviderEvent::Paid {
            amount_fen: 1,
            trade_no: "T1".into(),
            paid_on: "2026-12-01".into(),
        }),
        In::ProviderClose => PayInput::Provider(ProviderEvent::Closed),
    }
}

#[derive(Debug, PartialEq)]
enum Want {
    To(PaymentStatus),
    Same,
    Gone,
    No(&'static str),
}

/// The payment state machine as one table. Every (status, input) pair of the method's
/// statuses is listed for the actor it is meant for; the other actors are checked below.
#[test]
fn the_payment_state_machine_table() {
    use In::*;
    use PayActor::{Admin, Payer, Provider};
    use PaymentStatus::*;
    use Want::*;
    let off = PayMethod::BankTransfer;
    let on = PayMethod::Online;
    let table: Vec<(PaymentStatus, PayMethod, PayActor, In, Want)> = vec![
        // Offline, waiting for an admin.
        (Submitted, off, Payer, Edit, To(Submitted)),
        (Submitted, off, Payer, Delete, Gone),
        (Submitted, off, Admin, Confirm, To(Confirmed)),
        (Submitted, off, Admin, Reject, To(Rejected)),
        (Submitted, off, Payer, Confirm, No("SelfConfirm")),
        (Submitted, off, Payer, Reject, No("SelfConfirm")),
        (Submitted, off, Admin, Edit, No("PaymentNotYours")),
        (Submitted, off, Admin, Delete, No("PaymentNotYours")),
        (Submitted, off, Payer, Cancel, No("NotOnline")),
        (Submitted, off, Provider, Paid, No("NotOnline")),
        (Submitted, off, Provider, PaidWrongAmount, No("NotOnline")),
        (Submitted, off, Provider, ProviderClose, No("NotOnline")),
        // Offline, rejected: the payer corrects (back to waiting) or deletes it.
        (Rejected, off, Payer, Edit, To(Submitted)),
        (Rejected, off, Payer, Delete, Gone),
        (Rejected, off, Admin, Confirm, No("PaymentNotWaiting")),
        (Rejected, off, Admin, Reject, No("PaymentNotWaiting")),
        (Rejected, off, Payer, Cancel, No("NotOnline")),
        (Rejected, off, Provider, Paid, No("NotOnline")),
        (Rejected, off, Provider, PaidWrongAmount, No("NotOnline")),
        (Rejected, off, Provider, ProviderClose, No("NotOnline")),
        // Offline, confirmed: final.
        (Confirmed, off, Payer, Edit, No("PaymentConfirmed")),
        (Confirmed, off, Payer, Delete, No("PaymentConfirmed")),
        (Confirmed, off, Admin, Confirm, No("PaymentConfirmed")),
        (Confirmed, off, Admin, Reject, No("PaymentConfirmed")),
        (Confirmed, off, Payer, Cancel, No("NotOnline")),
        (Confirmed, off, Provider, Paid, No("NotOnline")),
        (Confirmed, off, Provider, PaidWrongAmount, No("NotOnline")),
        (Confirmed, off, Provider, ProviderClose, No("NotOnline")),
        // Online, created.
        (Created, on, Provider, Paid, To(Confirmed)),
        (Created, on, Provider, PaidWrongAmount, No("AmountMismatch")),
        (Created, on, Provider, ProviderClose, To(Closed)),
        (Created, on, Payer, Cancel, To(Closed)),
        (Created, on, Payer, Edit, No("OnlineNotEditable")),
        (Created, on, Payer, Delete, No("OnlineNotEditable")),
        (Created, on, Admin, Confirm, No("OnlineNotEditable")),
        (Created, on, Admin, Reject, No("OnlineNotEditable")),
        // Online, paid: a repeated or late notification changes nothing.
        (Confirmed, on, Provider, Paid, Same),
        (
            Confirmed,
            on,
            Provider,
            PaidWrongAmount,
            No("AmountMismatch"),
        ),
        (Confirmed, on, Provider, ProviderClose, Same),
        (Confirmed, on, Payer, Cancel, No("PaymentConfirmed")),
        (Confirmed, on, Payer, Edit, No("OnlineNotEditable")),
        (Confirmed, on, Payer, Delete, No("OnlineNotEditable")),
        (Confirmed, on, Admin, Confirm, No("OnlineNotEditable")),
        (Confirmed, on, Admin, Reject, No("OnlineNotEditable")),
        // Online, closed: money that arrives anyway is recorded.
        (Closed, on, Provider, Paid, To(Confirmed)),
        (Closed, on, Provider, PaidWrongAmount, No("AmountMismatch")),
        (Closed, on, Provider, ProviderClose, Same),
        (Closed, on, Payer, Cancel, Same),
        (Closed, on, Payer, Edit, No("OnlineNotEditable")),
        (Closed, on, Payer, Delete, No("OnlineNotEditable")),
        (Closed, on, Admin, Confirm, No("OnlineNotEditable")),
        (Closed, on, Admin, Reject, No("OnlineNotEditable")),
    ];
    let admin = crate::workflow::Person {
        id: Uuid::now_v7(),
        name: "张靖".into(),
    };
    let mut seen = HashSet::new();
    for (status, method, actor, i, want) in &table {
        let p = payment(*status, *method);
        let got = match apply_payment(&p, *actor, Some(&admin), &input(*i), 1_000) {
            Ok(Transition::Changed(n)) => To(n.status),
            Ok(Transition::Unchanged) => Same,
            Ok(Transition::Deleted) => Gone,
            Err(e) => No(e.code),
        };
        assert_eq!(&got, want, "{status:?} {method:?} {actor:?} {i:?}");
        seen.insert((*status, *method == PayMethod::Online, *i));
    }
    // Every input is tried in every status each method can be in.
    for (statuses, online) in [
        (vec![Submitted, Rejected, Confirmed], false),
        (vec![Created, Confirmed, Closed], true),
    ] {
        for s in statuses {
            for i in INPUTS {
                assert!(
                    seen.contains(&(s, online, i)),
                    "untried: {s:?} online={online} {i:?}"
                );
            }
        }
    }
    // Outsiders and the wrong actor for a kind of input never move anything.
    for status in PaymentStatus::ALL {
        for method in [off, on] {
            for i in INPUTS {
                let p = payment(status, method);
                let r = apply_payment(&p, PayActor::Other, None, &input(i), 0);
                assert!(r.is_err(), "an outsider moved {status:?} {method:?} {i:?}");
                if matches!(i, Paid | PaidWrongAmount | ProviderClose) {
                    for a in [Payer, Admin] {
                        assert!(
                            apply_payment(&p, a, None, &input(i), 0).is_err(),
                            "{a:?} posed as the provider"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn transitions_record_who_did_what() {
    let admin = crate::workflow::Person {
        id: Uuid::now_v7(),
        name: "张靖".into(),
    };
    let p = payment(PaymentStatus::Submitted, PayMethod::Cash);
    let Ok(Transition::Changed(r)) =
        apply_payment(&p, PayActor::Admin, Some(&admin), &input(In::Reject), 5)
    else {
        panic!("reject");
    };
    assert_eq!(r.reason.as_deref(), Some("转账金额与凭证不符"));
    assert_eq!(
        (r.decided_by.as_ref(), r.decided_at),
        (Some(&admin), Some(5))
    );
    assert!(r.last_act().starts_with("已由张靖于"), "{}", r.last_act());
    assert!(r.last_act().ends_with("驳回"));
    // Corrected after the rejection: waiting again, the old decision cleared.
    let Ok(Transition::Changed(e)) = apply_payment(&r, PayActor::Payer, None, &input(In::Edit), 6)
    else {
        panic!("edit");
    };
    assert_eq!(
        (
            e.status,
            e.amount_fen,
            e.reason.clone(),
            e.decided_by.clone()
        ),
        (PaymentStatus::Submitted, 20_000, None, None)
    );
    assert_eq!(
        e.log.iter().map(|l| l.action.as_str()).collect::<Vec<_>>(),
        ["reject", "edit"]
    );
    // A blank reason is refused.
    let blank = PayInput::Act(PaymentAction::Reject {
        reason: "  ".into(),
    });
    assert_eq!(
        apply_payment(&p, PayActor::Admin, Some(&admin), &blank, 0)
            .err()
            .map(|e| e.code),
        Some("ReasonRequired")
    );
    // The provider's payment carries its trade number and date.
    let on = payment(PaymentStatus::Created, PayMethod::Online);
    let Ok(Transition::Changed(paid)) =
        apply_payment(&on, PayActor::Provider, None, &input(In::Paid), 7)
    else {
        panic!("paid");
    };
    assert_eq!(
        (paid.reference.as_deref(), paid.paid_on.as_deref()),
        (Some("T1"), Some("2026-12-01"))
    );
}

#[test]
fn allowed_actions_follow_the_machine() {
    let sub = payment(PaymentStatus::Submitted, PayMethod::Cash);
    assert_eq!(
        allowed_payment_actions(&sub, PayActor::Payer),
        ["edit", "delete"]
    );
    assert_eq!(
        allowed_payment_actions(&sub, PayActor::Admin),
        ["confirm", "reject"]
    );
    let conf = payment(PaymentStatus::Confirmed, PayMethod::Cash);
    assert!(allowed_payment_actions(&conf, PayActor::Payer).is_empty());
    let created = payment(PaymentStatus::Created, PayMethod::Online);
    assert_eq!(
        allowed_payment_actions(&created, PayActor::Payer),
        ["cancel"]
    );
}

#[test]
fn the_ledger_lists_decided_and_waiting_payments_by_default() {
    let q = LedgerQuery::default();
    let listed: Vec<_> = PaymentStatus::ALL
        .into_iter()
        .filter(|s| q.status_listed(*s))
        .collect();
    assert_eq!(
        listed,
        [
            PaymentStatus::Submitted,
            PaymentStatus::Confirmed,
            PaymentStatus::Rejected
        ]
    );
    let q = LedgerQuery {
        status: Some(PaymentStatus::Closed),
        ..Default::default()
    };
    assert!(q.status_listed(PaymentStatus::Closed) && !q.status_listed(PaymentStatus::Confirmed));
    let mut t = LedgerTotals::default();
    t.add(PaymentStatus::Confirmed, 100);
    t.add(PaymentStatus::Submitted, 50);
    t.add(PaymentStatus::Rejected, 7);
    assert_eq!(
        (
            t.count,
            t.amount_fen,
            t.confirmed_fen,
            t.pending_fen,
            t.pending_count
        ),
        (3, 157, 100, 50, 1)
    );
}
