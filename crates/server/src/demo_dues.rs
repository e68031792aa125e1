//! Demo dues (seeds 001 §3, 004 §三): rules of the Internet association by member level,
//! the unions' yearly and monthly dues, the member organisations' memberships, this
//! period's orders as the dues job makes them, one order paid online and one offline
//! transfer (with a proof image) waiting for the association's secretary.

use huiji_domain::dues::{
    DuesRule, PayMethod, PaymentBody, PaymentLog, PaymentStatus, PeriodKind, ProofImage,
};
use huiji_domain::sync::RecordKind;
use huiji_domain::workflow::{self as wf, HistoryEntry, MembershipBody, Person};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::demo::demo_id;
use crate::dues::{self, orders};
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, write_server_rows, ServerRow};
use crate::state::AppState;
use crate::workflow::{self as engine, to_json, today};

fn rule(
    name: &str,
    unit: &engine::NodeInfo,
    (member_type, level): (Option<&str>, Option<&str>),
    amount_fen: i64,
    period: PeriodKind,
    due_days: u32,
    prorate_first: bool,
) -> DuesRule {
    DuesRule {
        name: name.to_owned(),
        unit_id: unit.id,
        unit_name: unit.body.name.clone(),
        member_type: member_type.map(str::to_owned),
        level: level.map(str::to_owned),
        amount_fen,
        period,
        due_days,
        prorate_first,
        active: true,
    }
}

/// A picture of a bank transfer slip: something real to confirm in the demo.
fn slip_png() -> Vec<u8> {
    let (w, h) = (640u32, 400u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let band = y / 40;
        if y < 60 {
            image::Rgb([196, 30, 58]) // the bank's header bar
        } else if band % 2 == 0 && (40..600).contains(&x) && (x / 8) % 3 != 0 {
            image::Rgb([60, 64, 72]) // lines of text
        } else {
            image::Rgb([250, 250, 247])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

pub async fn load(st: &AppState) -> Result<()> {
    let marker = demo_id("dues_rule:江苏省互联网协会:副理事长单位");
    let mut conn = st.db.pool.acquire().await?;
    if engine::get_record(&mut conn, marker).await?.is_some() {
        return Ok(());
    }
    let mut nodes = std::collections::HashMap::new();
    for name in [
        "江苏省互联网协会",
        "南京医科大学工会",
        "南京大学工会",
        "苏州市青年企业家商会",
    ] {
        let n = engine::node(&mut conn, demo_id(name))
            .await?
            .ok_or_else(|| ApiError::internal(format!("demo node {name} missing")))?;
        nodes.insert(name, n);
    }
    drop(conn);
    let (assoc, njmu, nju, chamber) = (
        &nodes["江苏省互联网协会"],
        &nodes["南京医科大学工会"],
        &nodes["南京大学工会"],
        &nodes["苏州市青年企业家商会"],
    );
    let now = st.now();
    let day = today(now);
    let year = &day[..4];
    let rules = [
        (
            "江苏省互联网协会:副理事长单位",
            rule(
                "副理事长单位年费",
                assoc,
                (Some("单位会员"), Some("副理事长单位")),
                2_000_000,
                PeriodKind::Year,
                90,
                false,
            ),
        ),
        (
            "江苏省互联网协会:理事单位",
            rule(
                "理事单位年费",
                assoc,
                (Some("单位会员"), Some("理事单位")),
                1_000_000,
                PeriodKind::Year,
                90,
                false,
            ),
        ),
        (
            "江苏省互联网协会:会员单位",
            rule(
                "会员单位年费",
                assoc,
                (None, None),
                300_000,
                PeriodKind::Year,
                90,
                true,
            ),
        ),
        (
            "南京医科大学工会",
            rule(
                "工会会员年费",
                njmu,
                (None, None),
                24_000,
                PeriodKind::Year,
                30,
                true,
            ),
        ),
        (
            "南京大学工会",
            rule(
                "工会会费（按月）",
                nju,
                (None, None),
                2_000,
                PeriodKind::Month,
                10,
                false,
            ),
        ),
        (
            "苏州市青年企业家商会",
            rule(
                "商会会员年费",
                chamber,
                (None, None),
                500_000,
                PeriodKind::Year,
                60,
                true,
            ),
        ),
    ];

    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut rows: Vec<ServerRow> = Vec::new();
    for (key, r) in &rules {
        let unit = nodes
            .values()
            .find(|n| n.id == r.unit_id)
            .ok_or_else(|| ApiError::internal("rule unit".into()))?;
        rows.push(ServerRow {
            id: demo_id(&format!("dues_rule:{key}")),
            kind: RecordKind::DuesRule,
            node_id: unit.id,
            node_path: unit.path.clone(),
            owner_id: None,
            body: to_json(r)?,
            audience: Vec::new(),
        });
    }
    // The member organisations' memberships of the association (seed 001).
    let end_on = format!("{year}-12-31");
    for (org, level, joined) in [
        ("江苏测试网络科技有限公司", "副理事长单位", "2022-04-01"),
        ("南京云启信息技术有限公司", "理事单位", "2023-06-01"),
    ] {
        let m = MembershipBody {
            account_id: demo_id(org),
            name: org.to_owned(),
            unit_id: assoc.id,
            unit_name: assoc.body.name.clone(),
            member_type: "单位会员".into(),
            level: Some(level.into()),
            title: None,
            joined_on: joined.into(),
            start_on: joined.into(),
            status: wf::derive_status(joined, Some(&end_on), None, &day),
            end_on: Some(end_on.clone()),
            ended_on: None,
            override_status: None,
            history: vec![HistoryEntry {
                on: joined.into(),
                what: "joined".into(),
                note: None,
                by: None,
            }],
            request_id: None,
        };
        rows.push(ServerRow {
            id: demo_id(&format!("membership:{org}")),
            kind: RecordKind::Membership,
            node_id: assoc.id,
            node_path: assoc.path.clone(),
            owner_id: Some(demo_id(org)),
            body: to_json(&m)?,
            audience: Vec::new(),
        });
    }
    write_server_rows(&mut tx, st.db.backend, rows, None, now).await?;
    tx.commit().await?;

    // This period's orders, as the dues job makes them.
    orders::bill_current(st).await?;

    // 南京云启 paid online; 江苏测试网络科技 sent half by bank transfer, to be confirmed.
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut rows = Vec::new();
    for (org, method, amount_part, status) in [
        (
            "南京云启信息技术有限公司",
            PayMethod::Online,
            1,
            PaymentStatus::Confirmed,
        ),
        (
            "江苏测试网络科技有限公司",
            PayMethod::BankTransfer,
            2,
            PaymentStatus::Submitted,
        ),
    ] {
        let Some(o) = order_of(&mut tx, demo_id(&format!("membership:{org}")), year).await? else {
            continue;
        };
        let id = demo_id(&format!("payment:{org}:{year}"));
        let payer = Person {
            id: o.body.account_id,
            name: org.to_owned(),
        };
        let proof = if method == PayMethod::BankTransfer {
            Some(demo_proof(&mut tx, o.body.account_id, id, now).await?)
        } else {
            None
        };
        let then = now - 3 * 86_400_000;
        let mut body = PaymentBody::for_order(
            o.rec.record.id,
            &o.body,
            o.body.amount_fen / amount_part,
            method,
            then,
        );
        body.status = status;
        body.paid_on = Some(today(then));
        body.reference = Some(if method == PayMethod::Online {
            "SBX5F1E2D3C4B5A69788796A5".into()
        } else {
            "中国银行 6217 **** 0021 转账".into()
        });
        body.proof = proof;
        body.channel = (method == PayMethod::Online).then(|| "sandbox".into());
        body.out_trade_no = (method == PayMethod::Online).then(|| id.simple().to_string());
        body.decided_at = (status == PaymentStatus::Confirmed).then_some(then);
        body.log.push(PaymentLog {
            at: then,
            actor: Some(payer),
            action: if method == PayMethod::Online {
                "create"
            } else {
                "submit"
            }
            .into(),
            note: None,
        });
        if status == PaymentStatus::Confirmed {
            body.log.push(PaymentLog {
                at: now - 3 * 86_400_000,
                actor: None,
                action: "paid".into(),
                note: None,
            });
        }
        let mut p = dues::Typed {
            rec: crate::records::StoredRecord {
                record: huiji_domain::wire::Record {
                    id,
                    kind: RecordKind::Payment,
                    node_id: assoc.id,
                    owner_id: Some(o.body.account_id),
                    version: 0,
                    seq: 0,
                    deleted: false,
                    body: serde_json::Value::Null,
                    updated_at: now,
                    updated_by: None,
                },
                node_path: assoc.path.clone(),
                created_at: now,
                audience: Vec::new(),
            },
            body,
        };
        rows.extend(dues::save_payment(&mut tx, &mut p, now).await?);
    }
    write_server_rows(&mut tx, st.db.backend, rows, None, now).await?;
    tx.commit().await?;
    tracing::info!("demo dues loaded");
    Ok(())
}

async fn order_of(
    tx: &mut sqlx::AnyConnection,
    membership: Uuid,
    period: &str,
) -> Result<Option<dues::OrderRec>> {
    use sqlx::Row;
    let row = sqlx::query("SELECT id FROM dues_orders WHERE membership_id = $1 AND period = $2")
        .bind(membership.to_string())
        .bind(period)
        .fetch_optional(&mut *tx)
        .await?;
    match row {
        Some(r) => dues::order(tx, crate::auth::parse_uuid(&r.try_get::<String, _>(0)?)?).await,
        None => Ok(None),
    }
}

/// A processed proof image stored as a completed upload of `owner`.
async fn demo_proof(
    tx: &mut sqlx::AnyConnection,
    owner: Uuid,
    payment: Uuid,
    now: i64,
) -> Result<ProofImage> {
    let png = slip_png();
    let p = crate::proof_image::process_proof(&png)?;
    let upload = demo_id(&format!("upload:{payment}"));
    let (image_id, thumb_id) = (Uuid::now_v7(), Uuid::now_v7());
    for (aid, bytes) in [(image_id, &p.image), (thumb_id, &p.thumb)] {
        sqlx::query("INSERT INTO attachments (id, owner_id, name, mime, size, sha256, data, created_at) VALUES ($1, $2, '转账凭证.jpg', 'image/jpeg', $3, $4, $5, $6)")
            .bind(aid.to_string()).bind(owner.to_string()).bind(bytes.len() as i64)
            .bind(hex::encode(Sha256::digest(bytes))).bind(bytes.clone()).bind(now)
            .execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO uploads (id, owner_id, name, size, sha256, received, image_id, thumb_id, width, height, stored_size, created_at) VALUES ($1, $2, '转账凭证.png', $3, $4, $3, $5, $6, $7, $8, $9, $10)")
        .bind(upload.to_string()).bind(owner.to_string()).bind(png.len() as i64).bind(p.sha256.clone())
        .bind(image_id.to_string()).bind(thumb_id.to_string()).bind(i64::from(p.width)).bind(i64::from(p.height))
        .bind(p.image.len() as i64).bind(now)
        .execute(&mut *tx).await?;
    Ok(ProofImage {
        upload_id: upload,
        width: p.width,
        height: p.height,
        size: p.image.len() as u64,
    })
}
