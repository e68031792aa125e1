//! Dues on devices against a real `huiji-server` (issue 6): a member pays online through
//! the sandbox's page (its notification posted back over HTTP); a member records an
//! offline payment with a photo while the server is away — the photo goes up in pieces
//! on the next sync, resuming where an earlier try stopped — and the payment is
//! recorded once; the secretary decides offline and is told when another admin acted
//! first; the ledger from the server and from the device; receipts and exports saved.

use std::time::Duration;

use huiji_domain::dues::{LedgerQuery, OfflinePaymentForm, PayMethod, PaymentStatus};
use huiji_offline::app::{AppCore, LocalStatus, PaymentQuery, SyncEvent};
use huiji_tests::{login, ServerProcess, DEMO_PASSWORD};
use serde_json::json;

const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const ZHANG: &str = "13900000001"; // its secretary
const WANG: &str = "13900000000"; // system admin

fn no_events() -> impl Fn(SyncEvent) + Send + Sync {
    |_| {}
}

async fn app(dir: &std::path::Path, name: &str, base: &str, phone: &str) -> AppCore {
    let app = AppCore::open(&dir.join(name), base).unwrap();
    app.login_password(phone, DEMO_PASSWORD).await.unwrap();
    let st = app.sync_now(&no_events()).await.unwrap();
    assert!(st.online, "{st:?}");
    app
}

/// A photo of a transfer: big enough to go up in several pieces.
fn photo() -> Vec<u8> {
    let mut x = 0x2545_f491u32;
    let img = image::RgbImage::from_fn(1400, 1000, |px, py| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([(x & 0xff) as u8, (px % 251) as u8, (py % 241) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn form(amount: i64, method: PayMethod, today: &str) -> OfflinePaymentForm {
    OfflinePaymentForm {
        amount_fen: amount,
        paid_on: today.to_owned(),
        method,
        reference: Some("工商银行 6222 **** 0001".into()),
        note: Some("2026年会费".into()),
    }
}

fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    huiji_domain::time::today_cst(now).to_string()
}

#[tokio::test]
async fn a_member_pays_online_in_the_sandbox_and_the_order_settles() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), None);
    let base = server.base_url.clone();
    let member = app(dir.path(), "member", &base, OUYANG).await;
    let orders = member.my_dues_orders().unwrap();
    let o = orders
        .iter()
        .find(|o| o.unit_name == "南京医科大学工会")
        .unwrap();
    assert_eq!((o.amount_fen, o.open_fen), (24_000, 24_000), "{o:?}");
    assert_eq!(o.item, format!("{}年度会费", &today()[..4]));
    let started = member.payment_start_online(&o.id, None).await.unwrap();
    assert_eq!(started.payment.status, PaymentStatus::Created);
    assert!(started.qr_svg.starts_with("<?xml") || started.qr_svg.contains("<svg"));
    assert_eq!(started.channel_label, "在线支付（沙箱）");
    // The payer's browser: the sandbox's page, then its pay button.
    let http = reqwest::Client::new();
    let page = http
        .get(&started.pay_url)
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
        .post(format!("{}/pay", started.pay_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("支付成功"), "{done}");
    // The sandbox posts its signed notification to the server; the app sees it settle.
    let mut paid = None;
    for _ in 0..50 {
        let p = member.payment_poll(&started.payment.id).await.unwrap();
        if p.status == PaymentStatus::Confirmed {
            paid = Some(p);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let paid = paid.expect("the notification settled the payment");
    assert_eq!(paid.status_label, "已支付");
    assert!(paid.receipt_no.as_deref().unwrap().starts_with("SJ"));
    member.sync_now(&no_events()).await.unwrap();
    let o = member
        .my_dues_orders()
        .unwrap()
        .into_iter()
        .find(|x| x.id == o.id)
        .unwrap();
    assert_eq!(
        (o.status_label.as_str(), o.paid_fen, o.open_fen),
        ("已缴清", 24_000, 0)
    );
    // The receipt, saved as a file.
    let saved = member
        .payment_receipt(&paid.id, &dir.path().join("downloads"))
        .await
        .unwrap();
    let pdf = std::fs::read(&saved.path).unwrap();
    assert!(
        pdf.starts_with(b"%PDF") && saved.name.ends_with(".pdf"),
        "{saved:?}"
    );
    // Offline, paying online is refused with a plain message.
    drop(server);
    let err = member.payment_start_online(&o.id, None).await.unwrap_err();
    assert!(
        matches!(err.code(), "OrderSettled" | "PayOnlineOffline"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_offline_payment_with_a_photo_is_recorded_once_and_decided_offline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();
    let member = app(dir.path(), "member", &base, OUYANG).await;
    let secretary = app(dir.path(), "secretary", &base, ZHANG).await;
    let order = member
        .my_dues_orders()
        .unwrap()
        .into_iter()
        .find(|o| o.unit_name == "南京医科大学工会")
        .unwrap();

    // No network: the payment and its photo wait on the phone.
    server.kill_hard();
    let bytes = photo();
    assert!(bytes.len() > 600 * 1024, "several pieces: {}", bytes.len());
    let err = member
        .payment_submit_offline(
            &order.id,
            form(24_000, PayMethod::BankTransfer, &today()),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ProofRequired");
    let err = member
        .payment_submit_offline(
            &order.id,
            form(24_000, PayMethod::BankTransfer, &today()),
            Some(("a.pdf".into(), b"%PDF-1.4 not an image".to_vec())),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ProofNotImage");
    let p = member
        .payment_submit_offline(
            &order.id,
            form(24_000, PayMethod::BankTransfer, &today()),
            Some(("转账截图.jpg".into(), bytes.clone())),
        )
        .await
        .unwrap();
    assert_eq!(
        (p.local, p.version, p.status_label.as_str()),
        (LocalStatus::Queued, 0, "待同步")
    );
    assert_eq!(p.allowed, ["edit", "delete"]);
    let shown = member.payment_proof(&p.id, true).await.unwrap();
    assert_eq!(
        shown.mime, "image/jpeg",
        "the photo is shown from the phone"
    );
    let o = member
        .my_dues_orders()
        .unwrap()
        .into_iter()
        .find(|o| o.id == order.id)
        .unwrap();
    assert_eq!((o.pending_fen, o.open_fen), (24_000, 0), "{o:?}");
    assert_eq!(member.sync_status().unwrap().pending, 1);
    // Corrected before it was sent: it stays one payment.
    let p = member
        .payment_act(&p.id, json!({"action": "edit", "form": {"amount_fen": 20_000, "paid_on": today(), "method": "bank_transfer", "reference": "6222 **** 0002"}}), None)
        .await
        .unwrap();
    assert_eq!(
        (p.amount_fen, p.reference.as_deref()),
        (20_000, Some("6222 **** 0002"))
    );

    // The server is back. An earlier try had sent the first piece already (the
    // connection dropped after it): the sync goes on from there.
    let _server = ServerProcess::restart(&data, &base);
    let upload_id = p.proof.as_ref().unwrap().upload_id;
    let token = login(&base, OUYANG).await;
    let http = reqwest::Client::new();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let st: serde_json::Value = http
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(&token)
        .json(&json!({"id": upload_id, "name": "转账截图.jpg", "size": bytes.len(), "sha256": sha}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(st["received"], 0, "{st}");
    let st: serde_json::Value = http
        .put(format!("{base}/api/v1/uploads/{upload_id}?offset=0"))
        .bearer_auth(&token)
        .body(bytes[..256 * 1024].to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(st["received"], 256 * 1024);
    let st = member.sync_now(&no_events()).await.unwrap();
    assert!(st.online && st.pending == 0, "{st:?}");
    let p = member.payment_detail(&p.id).unwrap();
    assert_eq!(
        (p.local, p.status, p.amount_fen),
        (LocalStatus::Synced, PaymentStatus::Submitted, 20_000)
    );
    let proof = p.proof.clone().unwrap();
    assert!(
        proof.width > 0 && proof.width <= 2560,
        "processed on the server: {proof:?}"
    );
    // A second sync sends nothing again: one payment on the server.
    member.sync_now(&no_events()).await.unwrap();
    let ledger: serde_json::Value = http
        .get(format!("{base}/api/v1/payments/ledger?status=submitted"))
        .bearer_auth(login(&base, ZHANG).await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ledger["totals"]["count"], 1, "{ledger}");

    // The secretary pulls it, goes offline, and confirms on the desktop; meanwhile the
    // platform admin rejected it online. Her confirmation comes back as a conflict.
    secretary.sync_now(&no_events()).await.unwrap();
    let q = PaymentQuery::default();
    let page = secretary.payments_review(&q).unwrap();
    assert_eq!((page.waiting, page.total), (1, 1), "{page:?}");
    let row = &page.items[0];
    assert_eq!(row.allowed, ["confirm", "reject"]);
    let thumb = secretary.payment_proof(&row.id, true).await.unwrap();
    assert_eq!(thumb.mime, "image/jpeg");
    let wang = login(&base, WANG).await;
    let r: serde_json::Value = http
        .post(format!("{base}/api/v1/payments/actions"))
        .bearer_auth(&wang)
        .json(&json!({"actions": [{"action_id": uuid::Uuid::now_v7(), "payment_id": row.id, "base_version": row.version, "action": {"action": "reject", "reason": "凭证模糊，请重新上传"}}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["results"][0]["status"], "applied", "{r}");
    drop(_server);
    let v = secretary
        .payment_act(&row.id, json!({"action": "confirm"}), None)
        .await
        .unwrap();
    assert_eq!(
        (v.local, v.status),
        (LocalStatus::Queued, PaymentStatus::Confirmed),
        "shown as it will be"
    );
    let _server = ServerProcess::restart(&data, &base);
    secretary.sync_now(&no_events()).await.unwrap();
    let v = secretary.payment_detail(&row.id).unwrap();
    assert_eq!(
        (v.local, v.status),
        (LocalStatus::Conflict, PaymentStatus::Rejected),
        "{v:?}"
    );
    let reason = v.local_reason.clone().unwrap();
    assert!(
        reason.starts_with("已由王立新于") && reason.contains("驳回"),
        "{reason}"
    );

    // The member sees why, corrects it and it goes back to the queue; the secretary
    // confirms it this time.
    member.sync_now(&no_events()).await.unwrap();
    let p = member.payment_detail(&p.id).unwrap();
    assert_eq!(
        (p.status, p.reason.as_deref()),
        (PaymentStatus::Rejected, Some("凭证模糊，请重新上传"))
    );
    let p = member
        .payment_act(&p.id, json!({"action": "edit", "form": {"amount_fen": 20_000, "paid_on": today(), "method": "bank_transfer"}}), Some(("清晰.jpg".into(), photo())))
        .await
        .unwrap();
    assert_eq!(
        (p.local, p.status),
        (LocalStatus::Synced, PaymentStatus::Submitted),
        "{p:?}"
    );
    secretary.payment_dismiss(&row.id).unwrap();
    secretary.sync_now(&no_events()).await.unwrap();
    let v = secretary
        .payment_act(&row.id, json!({"action": "confirm"}), None)
        .await
        .unwrap();
    assert_eq!(
        (v.local, v.status),
        (LocalStatus::Synced, PaymentStatus::Confirmed),
        "{v:?}"
    );

    // The ledger from the server, and from the device when the server is away.
    let online = secretary
        .payments_ledger(&LedgerQuery::default())
        .await
        .unwrap();
    assert!(!online.offline);
    assert_eq!(
        online.ledger.totals.confirmed_fen, 20_000,
        "{:?}",
        online.ledger.totals
    );
    let saved = secretary
        .payments_export(
            &LedgerQuery::default(),
            "csv",
            &dir.path().join("downloads"),
        )
        .await
        .unwrap();
    let csv = std::fs::read_to_string(&saved.path).unwrap();
    assert!(csv.contains("欧阳娜娜") && csv.contains("200.00"), "{csv}");
    secretary.sync_now(&no_events()).await.unwrap();
    drop(_server);
    let local = secretary
        .payments_ledger(&LedgerQuery::default())
        .await
        .unwrap();
    assert!(local.offline);
    assert_eq!(
        local.ledger.totals, online.ledger.totals,
        "the device's copy agrees"
    );
    assert_eq!(local.ledger.by_period, online.ledger.by_period);
    let err = secretary
        .payments_export(
            &LedgerQuery::default(),
            "xlsx",
            &dir.path().join("downloads"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "DuesNeedsNetwork");
}
