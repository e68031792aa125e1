//! Dues on the device with no server answering: an offline payment waits with its photo
//! and counts against its order at once; an unsent one is corrected or dropped in place;
//! a secretary's queued decision shows as it will be and blocks a second one; the
//! device's own ledger filters and totals. (Against a real server: tests/tests/dues_core.rs.)

use std::path::Path;

use huiji_domain::dues::{
    DuesOrderBody, LedgerQuery, OfflinePaymentForm, OrderStatus, PayMethod, PaymentBody,
    PaymentLog, PaymentStatus,
};
use huiji_domain::org::{NodeKind, Role};
use huiji_domain::sync::{OrgNodeBody, RecordKind};
use huiji_domain::wire::{AccountKind, AccountView, GrantView, Record};
use huiji_domain::workflow::Person;
use serde_json::json;
use uuid::Uuid;

use super::views::PaymentQuery;
use crate::app::{AppCore, HomeKind, LocalStatus, SessionView};

const MEMBER: u128 = 1;
const SECRETARY: u128 = 10;
const UNIT: u128 = 1000;
const ORDER: u128 = 2000;
const NO_SERVER: &str = "http://127.0.0.1:9";
/// The smallest thing that reads as a PNG (the device checks kind and size only).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn session(n: u128, role: Option<Role>) -> SessionView {
    SessionView {
        account: AccountView {
            id: Uuid::from_u128(n),
            kind: AccountKind::Person,
            phone_masked: None,
            real_name: Some(
                if n == MEMBER {
                    "欧阳娜娜"
                } else {
                    "张靖"
                }
                .into(),
            ),
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
        logged_in_at: 0,
    }
}

fn rec(id: Uuid, kind: RecordKind, owner: Uuid, seq: i64, body: serde_json::Value) -> Record {
    Record {
        id,
        kind,
        node_id: Uuid::from_u128(UNIT),
        owner_id: Some(owner),
        version: 1,
        seq,
        deleted: false,
        body,
        updated_at: 0,
        updated_by: None,
    }
}

fn order(owner: u128, period: &str) -> DuesOrderBody {
    DuesOrderBody {
        account_id: Uuid::from_u128(owner),
        name: "欧阳娜娜".into(),
        unit_id: Uuid::from_u128(UNIT),
        unit_name: "南京医科大学工会".into(),
        membership_id: Uuid::from_u128(3000 + owner),
        period: period.into(),
        amount_fen: 24_000,
        paid_fen: 0,
        pending_fen: 0,
        status: OrderStatus::Pending,
        request_id: None,
        rule_id: None,
        due_on: Some(format!("{period}-01-31")),
        prorated: false,
        cancel_reason: None,
        event_id: None,
        title: None,
        created_at: 1,
    }
}

fn payment(
    payer: u128,
    order_id: Uuid,
    status: PaymentStatus,
    method: PayMethod,
    amount: i64,
    period: &str,
) -> PaymentBody {
    PaymentBody {
        order_id,
        account_id: Uuid::from_u128(payer),
        payer: "欧阳娜娜".into(),
        unit_id: Uuid::from_u128(UNIT),
        unit_name: "南京医科大学工会".into(),
        period: period.into(),
        amount_fen: amount,
        method,
        status,
        paid_on: Some("2026-11-30".into()),
        reference: None,
        note: None,
        proof: None,
        channel: None,
        out_trade_no: None,
        reason: None,
        decided_by: None,
        decided_at: None,
        receipt_no: None,
        created_at: 5,
        log: vec![PaymentLog {
            at: 5,
            actor: Some(Person {
                id: Uuid::from_u128(payer),
                name: "欧阳娜娜".into(),
            }),
            action: "submit".into(),
            note: None,
        }],
    }
}

/// An app logged in as `n` that knows the unit and the member's order for 2026.
fn app(dir: &Path, n: u128, role: Option<Role>) -> AppCore {
    let core = AppCore::open(dir, NO_SERVER).unwrap();
    core.save_session(&session(n, role)).unwrap();
    core.store()
        .set_setting("session_token", Some("test-token"))
        .unwrap();
    let unit = OrgNodeBody {
        name: "南京医科大学工会".into(),
        kind: NodeKind::UnitUnion,
        parent_id: None,
        credit_code: None,
        levels: Vec::new(),
        address: None,
        contact: None,
        contact_phone: None,
    };
    core.store()
        .apply_server_records(&[
            Record {
                kind: RecordKind::OrgNode,
                owner_id: None,
                ..rec(
                    Uuid::from_u128(UNIT),
                    RecordKind::OrgNode,
                    Uuid::nil(),
                    1,
                    serde_json::to_value(&unit).unwrap(),
                )
            },
            rec(
                Uuid::from_u128(ORDER),
                RecordKind::DuesOrder,
                Uuid::from_u128(MEMBER),
                2,
                serde_json::to_value(order(MEMBER, "2026")).unwrap(),
            ),
        ])
        .unwrap();
    core
}

fn form(amount: i64, method: PayMethod) -> OfflinePaymentForm {
    OfflinePaymentForm {
        amount_fen: amount,
        paid_on: "2026-11-30".into(),
        method,
        reference: None,
        note: None,
    }
}

fn queued_uploads(core: &AppCore) -> i64 {
    core.store()
        .with_conn(|c| Ok(c.query_row("SELECT COUNT(*) FROM upload_outbox", [], |r| r.get(0))?))
        .unwrap()
}

#[tokio::test]
async fn an_offline_payment_waits_with_its_photo_and_counts_against_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), MEMBER, None);
    let oid = Uuid::from_u128(ORDER).to_string();
    let err = core
        .payment_submit_offline(&oid, form(24_000, PayMethod::BankTransfer), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ProofRequired");
    let err = core
        .payment_submit_offline(
            &oid,
            form(24_000, PayMethod::BankTransfer),
            Some(("a.jpg".into(), b"%PDF-1.4".to_vec())),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ProofNotImage");
    let p = core
        .payment_submit_offline(
            &oid,
            form(20_000, PayMethod::BankTransfer),
            Some(("a.png".into(), PNG.to_vec())),
        )
        .await
        .unwrap();
    assert_eq!(
        (p.local, p.version, p.status_label.as_str()),
        (LocalStatus::Queued, 0, "待同步")
    );
    assert_eq!(p.allowed, ["edit", "delete"]);
    assert_eq!(queued_uploads(&core), 1, "the photo waits beside it");
    let o = &core.my_dues_orders().unwrap()[0];
    assert_eq!(
        (o.pending_fen, o.open_fen, o.outstanding_fen),
        (20_000, 4_000, 24_000)
    );
    assert!(o.overdue, "due 2026-01-31, unpaid");
    let err = core
        .payment_submit_offline(&oid, form(4_001, PayMethod::Cash), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "AmountExceedsBalance", "the waiting one counts");
    assert_eq!(core.sync_status().unwrap().pending, 1);
    // Paying online needs the network, and says so.
    let err = core.payment_start_online(&oid, None).await.unwrap_err();
    assert_eq!(err.code(), "PayOnlineOffline");
    // The photo is shown from the device.
    assert_eq!(
        core.payment_proof(&p.id, true).await.unwrap().mime,
        "image/png"
    );
}

#[tokio::test]
async fn an_unsent_payment_is_corrected_or_dropped_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), MEMBER, None);
    let oid = Uuid::from_u128(ORDER).to_string();
    let p = core
        .payment_submit_offline(
            &oid,
            form(10_000, PayMethod::Cash),
            Some(("a.png".into(), PNG.to_vec())),
        )
        .await
        .unwrap();
    let edited = core
        .payment_act(&p.id, json!({"action": "edit", "form": {"amount_fen": 24_000, "paid_on": "2026-11-29", "method": "cash"}}), None)
        .await
        .unwrap();
    assert_eq!(
        (
            edited.id.as_str(),
            edited.amount_fen,
            edited.paid_on.as_deref()
        ),
        (p.id.as_str(), 24_000, Some("2026-11-29"))
    );
    assert_eq!(core.my_payments().unwrap().len(), 1, "still one payment");
    assert_eq!(core.sync_status().unwrap().pending, 1);
    // More than the order asks: refused even before it is sent.
    let err = core
        .payment_act(&p.id, json!({"action": "edit", "form": {"amount_fen": 24_001, "paid_on": "2026-11-29", "method": "cash"}}), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "AmountExceedsBalance");
    let gone = core
        .payment_act(&p.id, json!({"action": "delete"}), None)
        .await
        .unwrap_err();
    assert!(matches!(gone, crate::Error::NotFound));
    assert!(core.my_payments().unwrap().is_empty());
    assert_eq!(
        (queued_uploads(&core), core.sync_status().unwrap().pending),
        (0, 0),
        "nothing left to send"
    );
    assert_eq!(core.my_dues_orders().unwrap()[0].open_fen, 24_000);
}

#[tokio::test]
async fn a_queued_decision_shows_as_it_will_be_and_blocks_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), SECRETARY, Some(Role::Secretary));
    let pid = Uuid::from_u128(4000);
    let body = payment(
        MEMBER,
        Uuid::from_u128(ORDER),
        PaymentStatus::Submitted,
        PayMethod::BankTransfer,
        24_000,
        "2026",
    );
    core.store()
        .apply_server_records(&[rec(
            pid,
            RecordKind::Payment,
            Uuid::from_u128(MEMBER),
            3,
            serde_json::to_value(&body).unwrap(),
        )])
        .unwrap();
    let page = core.payments_review(&PaymentQuery::default()).unwrap();
    assert_eq!((page.waiting, page.total), (1, 1));
    assert_eq!(page.items[0].allowed, ["confirm", "reject"]);
    let err = core
        .payment_act(
            &pid.to_string(),
            json!({"action": "reject", "reason": "  "}),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ReasonRequired");
    let v = core
        .payment_act(&pid.to_string(), json!({"action": "confirm"}), None)
        .await
        .unwrap();
    assert_eq!(
        (v.status, v.local, v.decided_by.as_deref()),
        (PaymentStatus::Confirmed, LocalStatus::Queued, Some("张靖"))
    );
    assert!(v.allowed.is_empty(), "nothing more until it is sent");
    let err = core
        .payment_act(
            &pid.to_string(),
            json!({"action": "reject", "reason": "未到账"}),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "PaymentQueued");
    // It stays in the queue, marked, until the server has it.
    let page = core.payments_review(&PaymentQuery::default()).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].local, LocalStatus::Queued);
    // Nobody confirms their own payment, on the device either.
    let own = payment(
        SECRETARY,
        Uuid::from_u128(ORDER),
        PaymentStatus::Submitted,
        PayMethod::Cash,
        100,
        "2026",
    );
    let own_id = Uuid::from_u128(4001);
    core.store()
        .apply_server_records(&[rec(
            own_id,
            RecordKind::Payment,
            Uuid::from_u128(SECRETARY),
            4,
            serde_json::to_value(&own).unwrap(),
        )])
        .unwrap();
    let err = core
        .payment_act(&own_id.to_string(), json!({"action": "confirm"}), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "SelfConfirm");
}

#[tokio::test]
async fn the_device_ledger_filters_and_totals_its_copy() {
    let dir = tempfile::tempdir().unwrap();
    let core = app(dir.path(), SECRETARY, Some(Role::Secretary));
    let o25 = Uuid::from_u128(ORDER + 1);
    let mut paid25 = order(MEMBER, "2025");
    paid25.paid_fen = 24_000;
    paid25.status = OrderStatus::Paid;
    let mut rows = vec![rec(
        o25,
        RecordKind::DuesOrder,
        Uuid::from_u128(MEMBER),
        10,
        serde_json::to_value(&paid25).unwrap(),
    )];
    let cases = [
        (PaymentStatus::Confirmed, PayMethod::Online, 24_000, "2025"),
        (
            PaymentStatus::Submitted,
            PayMethod::BankTransfer,
            10_000,
            "2026",
        ),
        (PaymentStatus::Rejected, PayMethod::Cash, 5_000, "2026"),
        (PaymentStatus::Closed, PayMethod::Online, 24_000, "2026"),
    ];
    for (i, (status, method, amount, period)) in cases.into_iter().enumerate() {
        let order_id = if period == "2025" {
            o25
        } else {
            Uuid::from_u128(ORDER)
        };
        let b = payment(MEMBER, order_id, status, method, amount, period);
        rows.push(rec(
            Uuid::from_u128(5000 + i as u128),
            RecordKind::Payment,
            Uuid::from_u128(MEMBER),
            11 + i as i64,
            serde_json::to_value(&b).unwrap(),
        ));
    }
    core.store().apply_server_records(&rows).unwrap();
    let all = core.payments_ledger(&LedgerQuery::default()).await.unwrap();
    assert!(all.offline);
    let t = &all.ledger.totals;
    assert_eq!(
        (t.count, t.confirmed_fen, t.pending_fen, t.amount_fen),
        (3, 24_000, 10_000, 39_000),
        "a closed trade is left out"
    );
    assert_eq!(
        all.ledger
            .by_period
            .iter()
            .map(|p| (
                p.period.as_str(),
                p.orders,
                p.paid_orders,
                p.outstanding_fen
            ))
            .collect::<Vec<_>>(),
        [("2026", 1, 0, 24_000), ("2025", 1, 1, 0)]
    );
    let q = LedgerQuery {
        period: Some("2026".into()),
        method: Some(PayMethod::Cash),
        ..Default::default()
    };
    let cash = core.payments_ledger(&q).await.unwrap();
    assert_eq!(
        cash.ledger
            .rows
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [PaymentStatus::Rejected]
    );
    let q = LedgerQuery {
        status: Some(PaymentStatus::Closed),
        ..Default::default()
    };
    assert_eq!(
        core.payments_ledger(&q).await.unwrap().ledger.totals.count,
        1
    );
    // Exports are made by the server.
    let err = core
        .payments_export(&LedgerQuery::default(), "xlsx", dir.path())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "DuesNeedsNetwork");
    let err = core
        .payments_export(&LedgerQuery::default(), "pdf", dir.path())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ExportFormat");
}
