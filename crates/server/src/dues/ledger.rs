//! The secretary's ledger (缴费台账): payments under the units the caller manages dues
//! for, filtered by unit, period, status, method and payer, with totals over every
//! matching row and the orders' standing by period; its export as XLSX or CSV; and a
//! receipt (PDF) for each confirmed payment, whose QR leads to a public check.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use huiji_domain::dues::{
    LedgerPage, LedgerQuery, LedgerRow, LedgerTotals, MethodTotal, PayMethod, PaymentBody,
    PaymentStatus, PeriodTotal,
};
use huiji_domain::mask::mask_name;
use huiji_domain::org::{Action as Perm, NodePath};
use sha2::Sha256;
use sqlx::Row;

use super::{internal, may_see_payment, payment};
use crate::auth::{parse_uuid, AuthUser};
use crate::error::{ApiError, Result};
use crate::receipt::{receipt_pdf, ReceiptData};
use crate::sql::Sql;
use crate::state::AppState;
use crate::workflow::{from_json, node};

/// The most rows one export carries.
pub const EXPORT_MAX: usize = 100_000;

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The subtrees the ledger covers: the unit asked for (if the caller manages dues
/// there), else every subtree the caller manages dues in; `None` is everywhere.
async fn scopes(st: &AppState, user: &AuthUser, q: &LedgerQuery) -> Result<Option<Vec<NodePath>>> {
    if let Some(unit) = q.unit_id {
        let mut conn = st.db.pool.acquire().await?;
        let n = node(&mut conn, unit)
            .await?
            .ok_or(ApiError::from(huiji_domain::sync::UNKNOWN_NODE))?;
        user.require(Perm::ManageDues, &n.path)?;
        return Ok(Some(vec![n.path]));
    }
    match user.principal.scopes_for(Perm::ManageDues) {
        None => Ok(None),
        Some(v) if v.is_empty() => Err(ApiError::forbidden()),
        Some(v) => Ok(Some(v)),
    }
}

/// `WHERE …` for payments (or, with `orders`, for dues_orders: unit and period only).
fn filter(
    qb: &mut Sql,
    scopes: &Option<Vec<NodePath>>,
    q: &LedgerQuery,
    orders: bool,
) -> Result<()> {
    qb.push(" WHERE 1 = 1");
    if let Some(paths) = scopes {
        qb.push(" AND (1 = 0");
        for p in paths {
            qb.push(" OR unit_path LIKE ")
                .bind(format!("{}%", p.as_str()))?;
        }
        qb.push(")");
    }
    if let Some(period) = q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        qb.push(" AND period = ")
            .bind(huiji_domain::dues::period::normalise_label(period))?;
    }
    if orders {
        qb.push(" AND status <> 'cancelled'");
        return Ok(());
    }
    match q.status {
        Some(s) => {
            qb.push(" AND status = ").bind(s.as_str())?;
        }
        None => {
            qb.push(" AND status IN ('submitted', 'confirmed', 'rejected')");
        }
    }
    if let Some(m) = q.method {
        qb.push(" AND method = ").bind(m.as_str())?;
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        qb.push(" AND payer LIKE ")
            .bind(format!("%{}%", like_escape(text)))?
            .push(" ESCAPE '\\'");
    }
    Ok(())
}

/// Rows (bodies from `records`) matching the filters, newest first.
async fn rows(
    st: &AppState,
    scopes: &Option<Vec<NodePath>>,
    q: &LedgerQuery,
    limit: i64,
    offset: i64,
) -> Result<Vec<LedgerRow>> {
    // The page's ids first (from the index alone), then only their bodies: joining
    // before the limit would read every matching body.
    let mut qb = Sql::new(
        st.db.backend,
        "SELECT r.id, r.body FROM (SELECT id, created_at FROM payments",
    );
    filter(&mut qb, scopes, q, false)?;
    qb.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .bind(limit)?
        .push(" OFFSET ")
        .bind(offset)?
        .push(") p JOIN records r ON r.id = p.id ORDER BY p.created_at DESC, p.id DESC");
    let found = qb.fetch_all(&st.db.pool).await?;
    let mut out = Vec::with_capacity(found.len());
    for r in &found {
        let id = parse_uuid(&r.try_get::<String, _>(0)?)?;
        let body: PaymentBody =
            serde_json::from_str(&r.try_get::<String, _>(1)?).map_err(internal)?;
        out.push(LedgerRow::of(id, &body));
    }
    Ok(out)
}

pub async fn ledger(st: &AppState, user: &AuthUser, q: &LedgerQuery) -> Result<LedgerPage> {
    let scopes = scopes(st, user, q).await?;
    let page = q.page.unwrap_or(1).max(1);
    let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
    let offset = i64::from(page - 1) * i64::from(page_size);
    let listed = rows(st, &scopes, q, i64::from(page_size), offset).await?;

    let mut qb = Sql::new(
        st.db.backend,
        "SELECT status, method, COUNT(*), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM payments",
    );
    filter(&mut qb, &scopes, q, false)?;
    qb.push(" GROUP BY status, method");
    let mut totals = LedgerTotals::default();
    let mut by_method: BTreeMap<&'static str, MethodTotal> = BTreeMap::new();
    for r in qb.fetch_all(&st.db.pool).await? {
        let status = PaymentStatus::parse(&r.try_get::<String, _>(0)?);
        let method = PayMethod::parse(&r.try_get::<String, _>(1)?);
        let (Some(status), Some(method)) = (status, method) else {
            continue;
        };
        let n = u32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(u32::MAX);
        let fen: i64 = r.try_get(3)?;
        totals.count += n;
        totals.amount_fen += fen;
        match status {
            PaymentStatus::Confirmed => {
                totals.confirmed_count += n;
                totals.confirmed_fen += fen;
                let m = by_method.entry(method.as_str()).or_insert(MethodTotal {
                    method,
                    count: 0,
                    amount_fen: 0,
                });
                m.count += n;
                m.amount_fen += fen;
            }
            PaymentStatus::Submitted => {
                totals.pending_count += n;
                totals.pending_fen += fen;
            }
            _ => {}
        }
    }

    let mut qb = Sql::new(
        st.db.backend,
        "SELECT period, COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT), CAST(COALESCE(SUM(paid_fen), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN amount_fen > paid_fen THEN amount_fen - paid_fen ELSE 0 END), 0) AS BIGINT) \
         FROM dues_orders",
    );
    filter(&mut qb, &scopes, q, true)?;
    qb.push(" GROUP BY period ORDER BY period DESC LIMIT 60");
    let mut by_period = Vec::new();
    for r in qb.fetch_all(&st.db.pool).await? {
        by_period.push(PeriodTotal {
            period: r.try_get(0)?,
            orders: u32::try_from(r.try_get::<i64, _>(1)?).unwrap_or(u32::MAX),
            paid_orders: u32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(u32::MAX),
            due_fen: r.try_get(3)?,
            paid_fen: r.try_get(4)?,
            outstanding_fen: r.try_get(5)?,
        });
    }
    Ok(LedgerPage {
        rows: listed,
        page,
        page_size,
        totals,
        by_method: by_method.into_values().collect(),
        by_period,
    })
}

// ---------------------------------------------------------------- export

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

const HEADERS: [&str; 11] = [
    "收据号",
    "缴费人",
    "单位",
    "周期",
    "金额（元）",
    "缴费方式",
    "状态",
    "缴费日期",
    "凭证号/交易号",
    "确认人",
    "提交时间",
];

fn money(fen: i64) -> String {
    format!(
        "{}{}.{:02}",
        if fen < 0 { "-" } else { "" },
        (fen / 100).abs(),
        (fen % 100).abs()
    )
}

fn cells(r: &LedgerRow) -> [String; 11] {
    [
        r.receipt_no.clone().unwrap_or_default(),
        r.payer.clone(),
        r.unit_name.clone(),
        huiji_domain::dues::period::label_zh(&r.period),
        money(r.amount_fen),
        r.method.label_zh().to_owned(),
        r.status.label_zh(r.method).to_owned(),
        r.paid_on.clone().unwrap_or_default(),
        r.reference.clone().unwrap_or_default(),
        r.decided_by.clone().unwrap_or_default(),
        huiji_domain::workflow::short_time_cst(r.created_at),
    ]
}

/// A spreadsheet cell must never start a formula (CSV injection).
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The file name and bytes of the ledger's rows (every matching row, up to 100,000).
pub async fn export(
    st: &AppState,
    user: &AuthUser,
    q: &LedgerQuery,
    format: ExportFormat,
) -> Result<(String, &'static str, Vec<u8>)> {
    let scopes = scopes(st, user, q).await?;
    let all = rows(st, &scopes, q, EXPORT_MAX as i64, 0).await?;
    let mut totals = LedgerTotals::default();
    for r in &all {
        totals.add(r.status, r.amount_fen);
    }
    let stamp = crate::workflow::today(st.now());
    let period = q
        .period
        .as_deref()
        .map(|p| format!("-{}", p.trim()))
        .unwrap_or_default();
    match format {
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(HEADERS).map_err(internal)?;
            for r in &all {
                w.write_record(cells(r).iter().map(|c| defuse(c)))
                    .map_err(internal)?;
            }
            w.write_record(
                [
                    "合计".to_owned(),
                    format!("{}笔", totals.count),
                    String::new(),
                    String::new(),
                    money(totals.amount_fen),
                    format!("已确认{}元", money(totals.confirmed_fen)),
                    format!("待确认{}元", money(totals.pending_fen)),
                ]
                .iter()
                .chain(std::iter::repeat_n(&String::new(), 4)),
            )
            .map_err(internal)?;
            let mut bytes = b"\xEF\xBB\xBF".to_vec(); // Excel reads UTF-8 with a BOM
            bytes.extend(w.into_inner().map_err(internal)?);
            Ok((
                format!("缴费台账{period}-{stamp}.csv"),
                "text/csv; charset=utf-8",
                bytes,
            ))
        }
        ExportFormat::Xlsx => {
            let bytes = xlsx(&all, &totals).map_err(internal)?;
            Ok((
                format!("缴费台账{period}-{stamp}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            ))
        }
    }
}

fn xlsx(
    all: &[LedgerRow],
    totals: &LedgerTotals,
) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("缴费台账")?;
    let bold = Format::new().set_bold();
    let amount = Format::new().set_num_format("#,##0.00");
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let widths = [
        20.0, 16.0, 24.0, 12.0, 12.0, 10.0, 8.0, 12.0, 24.0, 10.0, 14.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, r) in all.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (c, v) in cells(r).iter().enumerate() {
            if c == 4 {
                // Integer fen to yuan only here, for the spreadsheet's number cell.
                ws.write_number_with_format(row, 4, r.amount_fen as f64 / 100.0, &amount)?;
            } else {
                ws.write_string(row, c as u16, v)?;
            }
        }
    }
    let last = u32::try_from(all.len() + 1).unwrap_or(u32::MAX);
    ws.write_string_with_format(last, 0, "合计", &bold)?;
    ws.write_string(last, 1, format!("{}笔", totals.count))?;
    ws.write_number_with_format(last, 4, totals.amount_fen as f64 / 100.0, &amount)?;
    ws.write_string(last, 5, format!("已确认{}元", money(totals.confirmed_fen)))?;
    ws.write_string(last, 6, format!("待确认{}元", money(totals.pending_fen)))?;
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

// ---------------------------------------------------------------- receipts

async fn receipt_key(st: &AppState) -> Result<Vec<u8>> {
    crate::db::server_secret(&st.db, "receipt_key").await
}

fn receipt_mac(key: &[u8], receipt_no: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(receipt_no.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..10])
}

fn method_label(p: &PaymentBody) -> String {
    match (p.method, p.channel.as_deref()) {
        (PayMethod::Online, Some("sandbox")) => "在线支付（沙箱）".into(),
        (m, _) => m.label_zh().into(),
    }
}

/// The receipt of a confirmed payment, for its payer or a dues admin.
pub async fn receipt(st: &AppState, user: &AuthUser, id: uuid::Uuid) -> Result<(String, Vec<u8>)> {
    let mut conn = st.db.pool.acquire().await?;
    let p = payment(&mut conn, id)
        .await?
        .filter(|p| may_see_payment(user, p))
        .ok_or_else(|| ApiError::not_found("缴费记录"))?;
    drop(conn);
    let (PaymentStatus::Confirmed, Some(no)) = (p.body.status, p.body.receipt_no.clone()) else {
        return Err(ApiError::bad_request(
            "ReceiptNotReady",
            "缴费确认后才能开具收据",
        ));
    };
    let key = receipt_key(st).await?;
    let url = format!(
        "{}/receipts/{no}?k={}",
        st.public_url(),
        receipt_mac(&key, &no)
    );
    let data = ReceiptData {
        receipt_no: no.clone(),
        issuer: p.body.unit_name.clone(),
        payer: p.body.payer.clone(),
        item: format!(
            "{}会费",
            huiji_domain::dues::period::label_zh(&p.body.period)
        ),
        amount_fen: p.body.amount_fen,
        method: method_label(&p.body),
        paid_on: p.body.paid_on.clone().unwrap_or_default(),
        reference: p.body.reference.clone(),
        confirmed_by: p
            .body
            .decided_by
            .as_ref()
            .map(|d| d.name.clone())
            .or_else(|| (p.body.method == PayMethod::Online).then(|| "支付机构自动确认".into())),
        confirmed_at: p
            .body
            .decided_at
            .map(crate::dues::ledger::datetime_cst)
            .unwrap_or_default(),
        verify_url: Some(url),
    };
    Ok((format!("收据-{no}.pdf"), receipt_pdf(&data)))
}

/// "2026-12-01 10:30" in China Standard Time.
pub fn datetime_cst(ms: i64) -> String {
    let d = huiji_domain::time::today_cst(ms);
    let mins = (ms + 8 * 3_600_000).rem_euclid(86_400_000) / 60_000;
    format!("{d} {:02}:{:02}", mins / 60, mins % 60)
}

/// The public check a receipt's QR leads to: whether the number is genuine, with the
/// payer's name masked.
pub async fn verify_page(st: &AppState, no: &str, k: &str) -> Result<String> {
    let key = receipt_key(st).await?;
    let genuine_mac = receipt_mac(&key, no.trim());
    let ok_mac = hmac_eq(genuine_mac.as_bytes(), k.trim().as_bytes());
    let found = if ok_mac {
        sqlx::query(
            "SELECT r.body FROM payments p JOIN records r ON r.id = p.id WHERE p.receipt_no = $1",
        )
        .bind(no.trim())
        .fetch_optional(&st.db.pool)
        .await?
    } else {
        None
    };
    let esc = crate::receipt::html_escape;
    let inner = match found {
        Some(r) => {
            let p: PaymentBody = from_json(&serde_json::from_str(&r.try_get::<String, _>(0)?).map_err(internal)?)?;
            format!(
                "<h1 data-genuine=\"true\">✅ 收据真实有效</h1><dl><dt>收据号</dt><dd>{}</dd><dt>收款单位</dt><dd>{}</dd>\
                 <dt>缴费人</dt><dd>{}</dd><dt>项目</dt><dd>{}会费</dd><dt>金额</dt><dd>¥{}</dd><dt>缴费日期</dt><dd>{}</dd></dl>",
                esc(no.trim()),
                esc(&p.unit_name),
                esc(&mask_name(&p.payer)),
                esc(&huiji_domain::dues::period::label_zh(&p.period)),
                money(p.amount_fen),
                esc(p.paid_on.as_deref().unwrap_or("")),
            )
        }
        None => "<h1 data-genuine=\"false\">❌ 未找到该收据</h1><p>收据号或校验码不正确，请核对后重试。</p>".to_owned(),
    };
    Ok(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>收据核验</title><style>body{{font-family:system-ui,'Noto Sans CJK SC',sans-serif;padding:24px;background:#f3f5f7}}\
.card{{max-width:420px;margin:auto;background:#fff;border-radius:12px;padding:24px}}dl{{display:grid;grid-template-columns:auto 1fr;gap:6px 12px}}dt{{color:#52606d}}</style>\
</head><body><div class=\"card\">{inner}</div></body></html>"
    ))
}

fn hmac_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
