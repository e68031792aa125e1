//! Demo data from the seeds: the Jiangsu union tree, the Internet association with its
//! levels, Yongji county's checkpoint sites, Xi'an University's service hall, a business
//! association, an account for every role and a few hundred members. Loading twice
//! changes nothing.

use std::fmt::Write as _;

use huiji_domain::mask::{mask_id_number, mask_phone};
use huiji_domain::org::{NodeKind, NodePath, Role};
use huiji_domain::sync::{MemberBody, OrgNodeBody, RecordKind};
use huiji_domain::validate::{credit_code_check_char, id_number_check_char};
use huiji_domain::wire::Record;
use sqlx::Row;
use uuid::Uuid;

use crate::auth::hash_password;
use crate::error::{ApiError, Result};
use crate::records::{
    lock_seq, set_seq, write_records, write_server_rows, ServerRow, StoredRecord,
};
use crate::routes::institution::{self, IdentityKind};
use crate::state::AppState;
use crate::workflow as engine;
use huiji_domain::workflow::{
    self as wf, FieldDef, FieldType, HistoryEntry, JoinForm, MembershipBody, OrgProfile,
    OrgRegistrationForm, Person, RequestKind, ServiceDef, StepMode, StepTemplate, TransferForm,
};

pub const DEMO_PASSWORD: &str = "Huiji2026";
const NS: Uuid = Uuid::from_u128(0x6875_696a_6964_656d_6f00_0000_0000_0001);

/// Stable ids, so tests and the app can name demo nodes.
pub fn demo_id(name: &str) -> Uuid {
    Uuid::new_v5(&NS, name.as_bytes())
}

struct NodeSpec {
    name: &'static str,
    kind: NodeKind,
    parent: Option<&'static str>,
    levels: &'static [&'static str],
}

const fn n(name: &'static str, kind: NodeKind, parent: Option<&'static str>) -> NodeSpec {
    NodeSpec {
        name,
        kind,
        parent,
        levels: &[],
    }
}

const ASSOC_LEVELS: &[&str] = &["会员单位", "理事单位", "常务理事单位", "副理事长单位"];
const CHAMBER_LEVELS: &[&str] = &["会员", "理事", "常务理事", "副会长", "会长"];

fn nodes() -> Vec<NodeSpec> {
    use NodeKind::*;
    vec![
        n("江苏省总工会", UnionFederation, None),
        n("江苏省教科工会委员会", IndustryUnion, Some("江苏省总工会")),
        n("南京医科大学工会", UnitUnion, Some("江苏省教科工会委员会")),
        n("南京大学工会", UnitUnion, Some("江苏省教科工会委员会")),
        n("东南大学工会", UnitUnion, Some("江苏省教科工会委员会")),
        n("南京师范大学工会", UnitUnion, Some("江苏省教科工会委员会")),
        n("江苏省机械冶金工会", IndustryUnion, Some("江苏省总工会")),
        n("徐工集团工会", UnitUnion, Some("江苏省机械冶金工会")),
        NodeSpec {
            name: "江苏省互联网协会",
            kind: Association,
            parent: None,
            levels: ASSOC_LEVELS,
        },
        n("永吉县", Site, None),
        n("口前镇检查站", Site, Some("永吉县")),
        n("口前镇高速路口卡点", Site, Some("口前镇检查站")),
        n("口前镇火车站卡点", Site, Some("口前镇检查站")),
        n("岔路河镇检查站", Site, Some("永吉县")),
        n("岔路河镇服务区卡点", Site, Some("岔路河镇检查站")),
        n("西安文理学院", Institution, None),
        n(
            "西安文理学院信息与现代教育技术中心",
            Institution,
            Some("西安文理学院"),
        ),
        NodeSpec {
            name: "苏州市青年企业家商会",
            kind: Association,
            parent: None,
            levels: CHAMBER_LEVELS,
        },
    ]
}

struct AccountSpec {
    phone: &'static str,
    name: &'static str,
    role: Role,
    node: Option<&'static str>,
}

const fn a(
    phone: &'static str,
    name: &'static str,
    role: Role,
    node: Option<&'static str>,
) -> AccountSpec {
    AccountSpec {
        phone,
        name,
        role,
        node,
    }
}

fn accounts() -> Vec<AccountSpec> {
    vec![
        a("13900000000", "王立新", Role::SystemAdmin, None),
        a(
            "13900000001",
            "张靖",
            Role::Secretary,
            Some("南京医科大学工会"),
        ),
        a(
            "13900000002",
            "李明华",
            Role::Secretary,
            Some("南京大学工会"),
        ),
        a(
            "13900000003",
            "陈思远",
            Role::Reviewer,
            Some("江苏省教科工会委员会"),
        ),
        a("13900000004", "刘国庆", Role::SiteManager, Some("永吉县")),
        a("13900000005", "赵晓东", Role::Scanner, Some("口前镇检查站")),
        a(
            "13900000006",
            "孙丽娟",
            Role::HealthAuthority,
            Some("永吉县"),
        ),
        a(
            "13900000007",
            "周文斌",
            Role::Secretary,
            Some("江苏省互联网协会"),
        ),
        a(
            "13900000008",
            "吴佳怡",
            Role::Secretary,
            Some("苏州市青年企业家商会"),
        ),
        a(
            "13900000009",
            "郑海峰",
            Role::Reviewer,
            Some("西安文理学院"),
        ),
        a(
            "13800000001",
            "欧阳娜娜",
            Role::Member,
            Some("南京医科大学工会"),
        ),
        // Issue 5: the service hall's approvers at 西安文理学院, and a member of the
        // sibling unit who asks to transfer to 南京医科大学工会.
        a(
            "13900000010",
            "钱文静",
            Role::Secretary,
            Some("西安文理学院"),
        ),
        a(
            "13900000011",
            "孔令辉",
            Role::Reviewer,
            Some("西安文理学院"),
        ),
        a("13800000002", "黄思琪", Role::Member, Some("南京大学工会")),
    ]
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "欧阳", "司马", "诸葛",
];
const GIVEN: &[&str] = &[
    "靖", "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓燕", "文博", "子涵",
    "雨桐", "浩然", "欣怡", "俊杰", "思远", "嘉怡", "宇轩", "梓萱", "一鸣", "晨曦", "海燕", "志强",
    "丽华", "国栋", "春梅", "德明", "玉兰", "振华",
];
const CATEGORIES: &[&str] = &["机关事业单位职工", "企业职工", "灵活就业人员"];
const REGIONS: &[&str] = &[
    "320102", "320104", "320106", "320583", "320211", "220221", "610113",
];

pub fn demo_name(i: usize) -> String {
    let s = SURNAMES[(i * 7 + i / 13) % SURNAMES.len()];
    let g = GIVEN[(i * 11 + i / 5) % GIVEN.len()];
    format!("{s}{g}")
}

/// A valid (check character included) but fictitious ID number.
pub fn demo_id_number(i: usize) -> String {
    let region = REGIONS[i % REGIONS.len()];
    let year = 1960 + (i * 3) % 45;
    let month = 1 + (i * 5) % 12;
    let day = 1 + (i * 7) % 28;
    let serial = 100 + (i * 37) % 900;
    let first17 = format!("{region}{year:04}{month:02}{day:02}{serial:03}");
    let check = id_number_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// Citizens of the health-code demo (seed 002): phone, name, household region, status
/// colour, came from a high-risk region. 上海 (310000) is on the demo high-risk list.
pub const CITIZENS: &[(&str, &str, &str, &str, bool)] = &[
    ("13700000001", "李春燕", "220221", "green", false),
    ("13700000002", "王建国", "220221", "yellow", false),
    ("13700000003", "刘红梅", "220202", "red", false),
    ("13700000004", "陈浩然", "310104", "green", false),
    ("13700000005", "赵雪松", "220221", "green", true),
];

/// The demo high-risk regions: code, name.
pub const RISK_REGIONS: &[(&str, &str)] = &[("310000", "上海市"), ("650100", "乌鲁木齐市")];

/// A valid ID number in `region` (6 digits) for demo person `i`.
pub fn demo_id_number_in(region: &str, i: usize) -> String {
    let year = 1970 + (i * 7) % 35;
    let first17 = format!(
        "{region}{year:04}{:02}{:02}{:03}",
        1 + i % 12,
        1 + (i * 3) % 28,
        200 + i
    );
    let check = id_number_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

pub fn demo_phone(i: usize) -> String {
    let prefixes = ["138", "139", "150", "151", "186", "187", "135", "177"];
    format!(
        "{}{:08}",
        prefixes[i % prefixes.len()],
        10_000_000 + i * 7919 % 89_999_999
    )
}

pub fn demo_credit_code(i: usize) -> String {
    let first17 = format!("91320100MA{:07}", 1_000_000 + i * 7);
    let check = credit_code_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// Loads everything once; returns the printable list of demo logins.
pub async fn load(st: &AppState) -> Result<String> {
    let marker = demo_id("江苏省总工会").to_string();
    let exists = sqlx::query("SELECT 1 FROM records WHERE id = $1")
        .bind(&marker)
        .fetch_optional(&st.db.pool)
        .await?;
    if exists.is_none() {
        insert_all(st).await?;
    }
    let marker = demo_id("service:网站变更申请").to_string();
    let exists = sqlx::query("SELECT 1 FROM records WHERE id = $1")
        .bind(&marker)
        .fetch_optional(&st.db.pool)
        .await?;
    if exists.is_none() {
        insert_workflow(st).await?;
    }
    let exists = sqlx::query("SELECT 1 FROM institution_identities LIMIT 1")
        .fetch_optional(&st.db.pool)
        .await?;
    if exists.is_none() {
        insert_institution(st).await?;
    }
    crate::demo_dues::load(st).await?;
    crate::demo_events::load(st).await?;
    crate::content::load_demo(st).await?;
    crate::learning::load_demo(st).await?;
    Ok(report())
}

async fn insert_all(st: &AppState) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    let mut seq = lock_seq(&mut tx).await?;
    let mut rows: Vec<StoredRecord> = Vec::new();
    let mut paths: std::collections::HashMap<&'static str, NodePath> =
        std::collections::HashMap::new();
    let mut record = |id: Uuid,
                      kind: RecordKind,
                      node_id: Uuid,
                      path: NodePath,
                      owner: Option<Uuid>,
                      body: serde_json::Value| {
        seq += 1;
        StoredRecord {
            record: Record {
                id,
                kind,
                node_id,
                owner_id: owner,
                version: 1,
                seq,
                deleted: false,
                body,
                updated_at: now,
                updated_by: None,
            },
            node_path: path,
            created_at: now,
            audience: Vec::new(),
        }
    };
    for spec in nodes() {
        let id = demo_id(spec.name);
        let path = match spec.parent.and_then(|p| paths.get(p)) {
            Some(pp) => pp.child(id),
            None => NodePath::root(id),
        };
        paths.insert(spec.name, path.clone());
        let body = OrgNodeBody {
            name: spec.name.to_owned(),
            kind: spec.kind,
            parent_id: spec.parent.map(demo_id),
            credit_code: None,
            levels: spec.levels.iter().map(|s| (*s).to_owned()).collect(),
            address: None,
            contact: None,
            contact_phone: None,
        };
        rows.push(record(
            id,
            RecordKind::OrgNode,
            id,
            path,
            None,
            serde_json::to_value(body).unwrap_or_default(),
        ));
    }

    let hash = hash_password(DEMO_PASSWORD)?;
    for (i, acc) in accounts().into_iter().enumerate() {
        let id = demo_id(acc.phone);
        let idn = demo_id_number(10_000 + i);
        sqlx::query("INSERT INTO accounts (id, kind, phone, password_hash, real_name, id_number, status, created_at) VALUES ($1, 'person', $2, $3, $4, $5, 'active', $6)")
            .bind(id.to_string()).bind(acc.phone).bind(&hash).bind(acc.name).bind(&idn).bind(now)
            .execute(&mut *tx).await?;
        sqlx::query("INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(Uuid::now_v7().to_string()).bind(id.to_string()).bind(acc.role.as_str())
            .bind(acc.node.map(|n| demo_id(n).to_string())).bind(now)
            .execute(&mut *tx).await?;
        // Members have their roster entry; so does 张靖, the secretary of 南京医科大学工会
        // and a member of her own union.
        let roster_node = match (acc.role, acc.node) {
            (Role::Member, Some(node)) => Some(node),
            (Role::Secretary, Some(node @ "南京医科大学工会")) => Some(node),
            _ => None,
        };
        if let Some(node) = roster_node {
            let body = MemberBody {
                name: acc.name.to_owned(),
                phone_masked: Some(mask_phone(acc.phone)),
                id_number_masked: Some(mask_id_number(&idn)),
                category: Some(CATEGORIES[0].to_owned()),
                level: None,
                credit_code: None,
                title: None,
                account_id: Some(id),
            };
            rows.push(record(
                demo_id(&format!("member:{}", acc.phone)),
                RecordKind::Member,
                demo_id(node),
                paths[node].clone(),
                Some(id),
                serde_json::to_value(body).unwrap_or_default(),
            ));
        }
    }

    // Organisation accounts of the Internet association (seed 001), one still in review.
    let orgs = [
        ("江苏测试网络科技有限公司", "副理事长单位", "active"),
        ("南京云启信息技术有限公司", "理事单位", "active"),
        ("苏州数联科技有限公司", "会员单位", "pending"),
    ];
    for (i, (name, level, status)) in orgs.iter().enumerate() {
        let id = demo_id(name);
        let cc = demo_credit_code(i);
        sqlx::query("INSERT INTO accounts (id, kind, credit_code, org_name, password_hash, status, created_at) VALUES ($1, 'organisation', $2, $3, $4, $5, $6)")
            .bind(id.to_string()).bind(&cc).bind(*name).bind(&hash).bind(*status).bind(now)
            .execute(&mut *tx).await?;
        if *status == "active" {
            sqlx::query("INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, 'member', $3, $4)")
                .bind(Uuid::now_v7().to_string()).bind(id.to_string()).bind(demo_id("江苏省互联网协会").to_string()).bind(now)
                .execute(&mut *tx).await?;
            let body = serde_json::json!({"name": "张靖", "credit_code": cc, "level": level, "title": name, "account_id": id});
            let node = "江苏省互联网协会";
            rows.push(record(
                demo_id(&format!("member:{cc}")),
                RecordKind::Member,
                demo_id(node),
                paths[node].clone(),
                Some(id),
                body,
            ));
        }
    }

    // A few hundred members spread over the units and associations.
    let units = [
        "南京医科大学工会",
        "南京大学工会",
        "东南大学工会",
        "南京师范大学工会",
        "徐工集团工会",
        "苏州市青年企业家商会",
    ];
    for i in 0..360 {
        let node = units[i % units.len()];
        let body = MemberBody {
            name: demo_name(i),
            phone_masked: Some(mask_phone(&demo_phone(i))),
            id_number_masked: Some(mask_id_number(&demo_id_number(i))),
            category: Some(CATEGORIES[i % CATEGORIES.len()].to_owned()),
            level: (node == "苏州市青年企业家商会")
                .then(|| CHAMBER_LEVELS[i % CHAMBER_LEVELS.len()].to_owned()),
            credit_code: None,
            title: None,
            account_id: None,
        };
        rows.push(record(
            demo_id(&format!("member:{i}")),
            RecordKind::Member,
            demo_id(node),
            paths[node].clone(),
            None,
            serde_json::to_value(body).unwrap_or_default(),
        ));
    }
    // Citizens with a health status, and the authority's high-risk regions.
    for (i, (phone, name, region, colour, high_risk)) in CITIZENS.iter().enumerate() {
        let id = demo_id(phone);
        sqlx::query("INSERT INTO accounts (id, kind, phone, password_hash, real_name, id_number, status, created_at) VALUES ($1, 'person', $2, $3, $4, $5, 'active', $6)")
            .bind(id.to_string()).bind(*phone).bind(&hash).bind(*name).bind(demo_id_number_in(region, i)).bind(now)
            .execute(&mut *tx).await?;
        sqlx::query("INSERT INTO health_status (account_id, colour, from_high_risk, note, updated_at, updated_by) VALUES ($1, $2, $3, NULL, $4, $5)")
            .bind(id.to_string()).bind(*colour).bind(i64::from(*high_risk)).bind(now).bind(demo_id("13900000006").to_string())
            .execute(&mut *tx).await?;
    }
    for (code, name) in RISK_REGIONS {
        let body = huiji_domain::sync::RiskRegionBody {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
        };
        rows.push(record(
            demo_id(&format!("risk_region:{code}")),
            RecordKind::RiskRegion,
            demo_id("永吉县"),
            paths["永吉县"].clone(),
            None,
            serde_json::to_value(body).unwrap_or_default(),
        ));
    }
    // An event whose tickets the checkpoints scan (seed 004 §七 comes with events).
    let event = huiji_domain::sync::EventBody {
        title: "2026年度会员大会".to_owned(),
        place: Some("南京医科大学江宁校区学术交流中心".to_owned()),
        starts_at: now - 3600 * 1000,
        ends_at: now + 30 * 86_400_000,
        reentry_allowed: false,
        ..Default::default()
    };
    rows.push(record(
        demo_id("event:annual-2026"),
        RecordKind::Event,
        demo_id("南京医科大学工会"),
        paths["南京医科大学工会"].clone(),
        None,
        serde_json::to_value(event).unwrap_or_default(),
    ));
    let notice = serde_json::json!({"title": "关于做好2026年度会员信息核对工作的通知", "content": "请各单位工会于12月31日前完成会员信息核对。"});
    rows.push(record(
        demo_id("notice:1"),
        RecordKind::Notice,
        demo_id("江苏省总工会"),
        paths["江苏省总工会"].clone(),
        None,
        notice,
    ));

    write_records(&mut tx, st.db.backend, &rows, true)
        .await
        .map_err(|e| match e {
            crate::records::PushError::Other(e) => e,
            crate::records::PushError::Race => {
                crate::error::ApiError::internal("demo data raced another writer".into())
            }
        })?;
    set_seq(&mut tx, seq).await?;
    tx.commit().await?;
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM records")
        .fetch_one(&st.db.pool)
        .await?
        .try_get(0)?;
    tracing::info!(records = n, "demo data loaded");
    Ok(())
}

fn field(key: &str, label: &str, t: FieldType, required: bool, options: &[&str]) -> FieldDef {
    FieldDef {
        key: key.to_owned(),
        label: label.to_owned(),
        field_type: t,
        required,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
    }
}

fn step(title: &str, mode: StepMode, role: Role, node: &str) -> StepTemplate {
    StepTemplate {
        title: title.to_owned(),
        mode,
        role,
        node_id: demo_id(node),
    }
}

/// The service hall of 西安文理学院 (seed 003): 网站变更申请 and two more.
fn services() -> Vec<ServiceDef> {
    use FieldType::*;
    const XAU: &str = "西安文理学院";
    const NIC: &str = "西安文理学院信息与现代教育技术中心";
    vec![
        ServiceDef {
            name: "网站变更申请".into(),
            description: "校内各部门网站的新建、域名变更、栏目调整、服务器迁移或关停，经部门负责人审核后由信息与现代教育技术中心办理。".into(),
            fields: vec![
                field("department", "申请部门", Text, true, &[]),
                field("site_name", "网站名称", Text, true, &[]),
                field("site_url", "网站地址", Url, true, &[]),
                field("change_type", "变更类型", Choice, true, &["新建网站", "域名变更", "栏目调整", "内容更新", "服务器迁移", "网站关停"]),
                field("detail", "变更内容说明", LongText, true, &[]),
                field("expected_on", "期望完成日期", Date, false, &[]),
                field("contact_phone", "联系电话", Phone, true, &[]),
            ],
            steps: vec![
                step("部门负责人审核", StepMode::Any, Role::Reviewer, XAU),
                step("信息中心审核", StepMode::Any, Role::Secretary, NIC),
            ],
        },
        ServiceDef {
            name: "公章使用申请".into(),
            description: "使用学校公章、党委公章或合同、财务专用章，须经审核人会签后由校长办公室审批。".into(),
            fields: vec![
                field("department", "申请部门", Text, true, &[]),
                field("seal_type", "用印类型", Choice, true, &["学校公章", "党委公章", "合同专用章", "财务专用章"]),
                field("document", "用印文件名称", Text, true, &[]),
                field("copies", "份数", Text, true, &[]),
                field("purpose", "用印事由", LongText, true, &[]),
                field("use_on", "用印日期", Date, true, &[]),
                field("contact_phone", "联系电话", Phone, true, &[]),
            ],
            steps: vec![
                step("审核人会签", StepMode::All, Role::Reviewer, XAU),
                step("校长办公室审批", StepMode::Any, Role::Secretary, XAU),
            ],
        },
        ServiceDef {
            name: "会议室借用申请".into(),
            description: "借用行政楼会议室、图书馆报告厅或信息中心研讨室。".into(),
            fields: vec![
                field("room", "会议室", Choice, true, &["行政楼第一会议室", "图书馆报告厅", "信息中心研讨室"]),
                field("use_on", "使用日期", Date, true, &[]),
                field("period", "使用时段", Choice, true, &["上午", "下午", "晚上"]),
                field("topic", "会议主题", Text, true, &[]),
                field("attendees", "参会人数", Text, true, &[]),
                field("equipment", "所需设备", LongText, false, &[]),
                field("contact_phone", "联系电话", Phone, true, &[]),
            ],
            steps: vec![step("校长办公室审批", StepMode::Any, Role::Secretary, XAU)],
        },
    ]
}

fn json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| ApiError::internal(format!("demo json: {e}")))
}

/// A request submitted `days_ago`, with its approvers looked up as the engine does.
#[allow(clippy::too_many_arguments)]
async fn demo_request(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: Uuid,
    kind: RequestKind,
    applicant: Person,
    unit: &engine::NodeInfo,
    old: Option<&engine::NodeInfo>,
    form: serde_json::Value,
    sms_verified: bool,
    at: i64,
) -> Result<Vec<ServerRow>> {
    let steps = engine::kind_steps(tx, applicant.id, kind, unit, old, None).await?;
    let outcome = wf::submit(
        kind,
        format!("{} · {}", kind.label_zh(), unit.body.name),
        applicant.clone(),
        (unit.id, unit.body.name.clone()),
        form,
        Vec::new(),
        steps,
        sms_verified,
        at,
    )?;
    let notes = engine::notices(&outcome, "submit", &applicant);
    let mut rows = vec![engine::request_row(id, unit, &outcome.body)?];
    rows.extend(engine::notice_rows(&notes, id, unit, at)?);
    Ok(rows)
}

fn membership(
    account: Uuid,
    name: &str,
    unit: &engine::NodeInfo,
    joined_on: &str,
    end_on: String,
    today: &str,
) -> MembershipBody {
    MembershipBody {
        account_id: account,
        name: name.to_owned(),
        unit_id: unit.id,
        unit_name: unit.body.name.clone(),
        member_type: CATEGORIES[0].to_owned(),
        level: None,
        title: None,
        joined_on: joined_on.to_owned(),
        start_on: joined_on.to_owned(),
        status: wf::derive_status(joined_on, Some(&end_on), None, today),
        end_on: Some(end_on),
        ended_on: None,
        override_status: None,
        history: vec![HistoryEntry {
            on: joined_on.to_owned(),
            what: "joined".into(),
            note: None,
            by: None,
        }],
        request_id: None,
    }
}

/// The approval engine's demo (issue 5): the service hall's services, memberships of
/// the demo members, profiles of the registered organisations, and requests waiting
/// for 张靖 (two joins), 周文斌 (an organisation's registration) and 李明华 (a transfer
/// from 南京大学工会 to 南京医科大学工会). Loaded once, like the rest.
async fn insert_workflow(st: &AppState) -> Result<()> {
    let now = st.now();
    let day = 86_400_000;
    let today = engine::today(now);
    let year = &today[..4];
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let mut rows: Vec<ServerRow> = Vec::new();

    // Accounts added after a database was first loaded.
    for (i, acc) in accounts().into_iter().enumerate() {
        let id = demo_id(acc.phone);
        let known = sqlx::query("SELECT 1 FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_some() {
            continue;
        }
        let idn = demo_id_number(10_000 + i);
        sqlx::query("INSERT INTO accounts (id, kind, phone, password_hash, real_name, id_number, status, created_at) VALUES ($1, 'person', $2, $3, $4, $5, 'active', $6)")
            .bind(id.to_string()).bind(acc.phone).bind(&hash).bind(acc.name).bind(&idn).bind(now)
            .execute(&mut *tx).await?;
        sqlx::query("INSERT INTO grants (id, account_id, role, node_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(Uuid::now_v7().to_string()).bind(id.to_string()).bind(acc.role.as_str())
            .bind(acc.node.map(|n| demo_id(n).to_string())).bind(now)
            .execute(&mut *tx).await?;
        if let (Role::Member, Some(node)) = (acc.role, acc.node) {
            let n = engine::node(&mut tx, demo_id(node))
                .await?
                .ok_or_else(|| ApiError::internal(format!("demo node {node} missing")))?;
            let body = MemberBody {
                name: acc.name.to_owned(),
                phone_masked: Some(mask_phone(acc.phone)),
                id_number_masked: Some(mask_id_number(&idn)),
                category: Some(CATEGORIES[0].to_owned()),
                level: None,
                credit_code: None,
                title: None,
                account_id: Some(id),
            };
            rows.push(ServerRow {
                id: demo_id(&format!("member:{}", acc.phone)),
                kind: RecordKind::Member,
                node_id: n.id,
                node_path: n.path,
                owner_id: Some(id),
                body: json(&body)?,
                audience: Vec::new(),
            });
        }
    }

    let mut nodes = std::collections::HashMap::new();
    for name in [
        "西安文理学院",
        "南京医科大学工会",
        "南京大学工会",
        "江苏省互联网协会",
    ] {
        let n = engine::node(&mut tx, demo_id(name))
            .await?
            .ok_or_else(|| ApiError::internal(format!("demo node {name} missing")))?;
        nodes.insert(name, n);
    }
    let (xau, njmu, nju, assoc) = (
        &nodes["西安文理学院"],
        &nodes["南京医科大学工会"],
        &nodes["南京大学工会"],
        &nodes["江苏省互联网协会"],
    );

    for def in services() {
        rows.push(ServerRow {
            id: demo_id(&format!("service:{}", def.name)),
            kind: RecordKind::Service,
            node_id: xau.id,
            node_path: xau.path.clone(),
            owner_id: None,
            body: json(&def)?,
            audience: Vec::new(),
        });
    }

    // Memberships of the members already on a roster.
    let end_on = format!("{year}-12-31");
    for (phone, name, unit, joined) in [
        ("13800000001", "欧阳娜娜", njmu, "2023-09-01"),
        ("13900000001", "张靖", njmu, "2019-03-15"),
        ("13800000002", "黄思琪", nju, "2021-10-20"),
    ] {
        let m = membership(demo_id(phone), name, unit, joined, end_on.clone(), &today);
        rows.push(ServerRow {
            id: demo_id(&format!("membership:{phone}")),
            kind: RecordKind::Membership,
            node_id: unit.id,
            node_path: unit.path.clone(),
            owner_id: Some(demo_id(phone)),
            body: json(&m)?,
            audience: Vec::new(),
        });
    }

    // Two joins for 张靖: one confirmed by SMS, one made offline.
    let joins = [
        (
            "13700000001",
            "李春燕",
            "企业职工",
            Some("南京鼓楼医院集团"),
            true,
            2,
        ),
        ("13700000004", "陈浩然", "灵活就业人员", None, false, 1),
    ];
    for (phone, name, category, company, sms, days) in joins {
        let form = JoinForm {
            category: category.to_owned(),
            unit_id: njmu.id,
            company: company.map(str::to_owned),
            job_title: None,
            industry: None,
            position: None,
            referrer_name: None,
            referrer_phone: None,
            agreed: true,
        };
        let who = Person {
            id: demo_id(phone),
            name: name.to_owned(),
        };
        rows.extend(
            demo_request(
                &mut tx,
                demo_id(&format!("request:join:{phone}")),
                RequestKind::Join,
                who,
                njmu,
                None,
                json(&form)?,
                sms,
                now - days * day,
            )
            .await?,
        );
    }

    // 黄思琪 of 南京大学工会 asks to move to 南京医科大学工会 (李明华 decides first).
    let form = TransferForm {
        category: CATEGORIES[0].to_owned(),
        to_unit_id: njmu.id,
        reason: Some("工作调动至南京医科大学".into()),
        agreed: true,
    };
    rows.extend(
        demo_request(
            &mut tx,
            demo_id("request:transfer:13800000002"),
            RequestKind::Transfer,
            Person {
                id: demo_id("13800000002"),
                name: "黄思琪".into(),
            },
            njmu,
            Some(nju),
            json(&form)?,
            true,
            now - day,
        )
        .await?,
    );

    // 苏州数联科技有限公司 (in review) registered with the Internet association.
    let org = "苏州数联科技有限公司";
    let org_id = demo_id(org);
    let pending = sqlx::query("SELECT 1 FROM accounts WHERE id = $1 AND status = 'pending'")
        .bind(org_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if pending.is_some() {
        let form = OrgRegistrationForm {
            unit_name: org.into(),
            credit_code: demo_credit_code(2),
            legal_rep: "顾建平".into(),
            legal_phone: "13951100001".into(),
            contact: "沈佳".into(),
            contact_phone: "13951100002".into(),
            user_type: "会员单位".into(),
        };
        let request_id = demo_id("request:org:苏州数联科技有限公司");
        sqlx::query("INSERT INTO org_registrations (account_id, request_id, association_id, unit_name, credit_code, legal_phone, contact, contact_phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(org_id.to_string()).bind(request_id.to_string()).bind(assoc.id.to_string())
            .bind(&form.unit_name).bind(&form.credit_code).bind(&form.legal_phone)
            .bind(&form.contact).bind(&form.contact_phone).bind(now - 3 * day)
            .execute(&mut *tx).await?;
        rows.extend(
            demo_request(
                &mut tx,
                request_id,
                RequestKind::OrgRegistration,
                Person {
                    id: org_id,
                    name: org.into(),
                },
                assoc,
                None,
                json(&form)?,
                false,
                now - 3 * day,
            )
            .await?,
        );
    }

    // The registered organisations have completed their profiles.
    for (name, nature, scale) in [
        ("江苏测试网络科技有限公司", "民营企业", "100-499人"),
        ("南京云启信息技术有限公司", "民营企业", "20-99人"),
    ] {
        let p = OrgProfile {
            unit_status: "存续".into(),
            unit_nature: nature.into(),
            industry: "软件和信息技术服务业".into(),
            scale: scale.into(),
            region: "江苏省 南京市".into(),
            address: "南京市建邺区江东中路".into(),
            ..OrgProfile::default()
        };
        sqlx::query("INSERT INTO org_profiles (account_id, body, updated_at) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING")
            .bind(demo_id(name).to_string())
            .bind(serde_json::to_string(&p).map_err(|e| ApiError::internal(e.to_string()))?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }

    write_server_rows(&mut tx, st.db.backend, rows, None, now).await?;
    tx.commit().await?;
    tracing::info!("demo approvals loaded");
    Ok(())
}

/// Where a demo institution number's person comes from.
#[derive(Debug, Clone, Copy)]
pub enum IdentityOwner {
    /// A demo account (by phone): its ID number, and the account when bound.
    Account(&'static str),
    /// Someone with no account yet, ID number `demo_id_number(i)`.
    Person(usize),
}

/// 西安文理学院's staff and students (seed 003): number, kind, name, whose, status, bound
/// to the person's phone. 韩雪 went on to 读研: her 本科 学号 is retired (still bound
/// to her phone until she unbinds it) and her new 学号 waits to be bound.
pub const IDENTITIES: &[(&str, IdentityKind, &str, IdentityOwner, &str, bool)] = &[
    (
        "20080123",
        IdentityKind::Staff,
        "钱文静",
        IdentityOwner::Account("13900000010"),
        "active",
        true,
    ),
    (
        "20120456",
        IdentityKind::Staff,
        "郑海峰",
        IdentityOwner::Account("13900000009"),
        "active",
        false,
    ),
    (
        "20210315",
        IdentityKind::Staff,
        "杜晓明",
        IdentityOwner::Person(20_001),
        "active",
        false,
    ),
    (
        "2022110101",
        IdentityKind::Student,
        "林雨桐",
        IdentityOwner::Person(20_009),
        "active",
        false,
    ),
    (
        "2023110205",
        IdentityKind::Student,
        "马浩宇",
        IdentityOwner::Person(20_024),
        "active",
        false,
    ),
    (
        "2019110318",
        IdentityKind::Student,
        "韩雪",
        IdentityOwner::Account(HAN_XUE_PHONE),
        "retired",
        true,
    ),
    (
        "2023210318",
        IdentityKind::Student,
        "韩雪",
        IdentityOwner::Account(HAN_XUE_PHONE),
        "active",
        false,
    ),
];

/// 韩雪's phone: her account was made when she bound her 本科 学号.
pub const HAN_XUE_PHONE: &str = "13800000003";
const HAN_XUE_ID: usize = 20_008;

/// The ID number of a demo number's person.
pub fn identity_id_number(owner: IdentityOwner) -> String {
    match owner {
        IdentityOwner::Account(HAN_XUE_PHONE) => demo_id_number(HAN_XUE_ID),
        IdentityOwner::Account(phone) => {
            let i = accounts()
                .iter()
                .position(|a| a.phone == phone)
                .unwrap_or(0);
            demo_id_number(10_000 + i)
        }
        IdentityOwner::Person(i) => demo_id_number(i),
    }
}

/// A demo number's initial password: the last 8 characters of the ID number.
pub fn identity_password(owner: IdentityOwner) -> String {
    let idn = identity_id_number(owner);
    idn[idn.len() - 8..].to_owned()
}

/// The institution accounts of 西安文理学院 (issue 5, seed 003). Loaded once.
async fn insert_institution(st: &AppState) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    let xau = engine::node(&mut tx, demo_id("西安文理学院"))
        .await?
        .ok_or_else(|| ApiError::internal("demo node 西安文理学院 missing".into()))?;
    let han = demo_id(HAN_XUE_PHONE);
    let known = sqlx::query("SELECT 1 FROM accounts WHERE id = $1")
        .bind(han.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        sqlx::query("INSERT INTO accounts (id, kind, phone, password_hash, real_name, id_number, status, created_at) VALUES ($1, 'person', $2, $3, '韩雪', $4, 'active', $5)")
            .bind(han.to_string())
            .bind(HAN_XUE_PHONE)
            .bind(hash_password(DEMO_PASSWORD)?)
            .bind(demo_id_number(HAN_XUE_ID))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    for (number, kind, name, owner, status, bound) in IDENTITIES {
        let hash = hash_password(&identity_password(*owner))?;
        let ident =
            institution::insert_identity(&mut tx, xau.id, number, *kind, name, &hash, status, now)
                .await?;
        if let (true, IdentityOwner::Account(phone)) = (*bound, owner) {
            institution::attach(&mut tx, st.db.backend, &ident, demo_id(phone), &xau, now).await?;
        }
    }
    tx.commit().await?;
    tracing::info!("demo institution accounts loaded");
    Ok(())
}

fn report() -> String {
    let mut s = String::from("\n演示账号 / Demo accounts (密码 password: ");
    s.push_str(DEMO_PASSWORD);
    s.push_str("; 也可用手机号+短信验证码登录，开发模式下验证码见服务器日志)\n");
    for acc in accounts() {
        let _ = writeln!(
            s,
            "  {:<11} {:<6} {:<8} {}",
            acc.phone,
            acc.name,
            acc.role.label_zh(),
            acc.node.unwrap_or("全平台")
        );
    }
    for (phone, name, region, colour, high_risk) in CITIZENS {
        let mut label = String::from(match *colour {
            "green" => "市民(绿码",
            "yellow" => "市民(黄码",
            _ => "市民(红码",
        });
        let risky =
            huiji_domain::checkpoint::RiskRegions::from_codes(RISK_REGIONS.iter().map(|(c, _)| *c));
        if risky.covers(region) {
            label.push_str("，户籍在高风险地区");
        }
        if *high_risk {
            label.push_str("，近期到过高风险地区");
        }
        label.push(')');
        let _ = writeln!(s, "  {phone:<11} {name:<6} {label}");
    }
    let _ = writeln!(
        s,
        "  西安文理学院 在校师生 (工号/学号 + 初始密码 = 身份证号后8位; 手机号 {HAN_XUE_PHONE} 为韩雪):"
    );
    for (number, kind, name, owner, status, bound) in IDENTITIES {
        let mut note = String::new();
        if *status == "retired" {
            note.push_str(" 已停用");
        }
        note.push_str(if *bound {
            " 已绑定手机"
        } else {
            " 未绑定"
        });
        let _ = writeln!(
            s,
            "    {number:<10} {:<4} {name:<4} 密码 {}{note}",
            kind.number_label(),
            identity_password(*owner),
        );
    }
    for (i, name) in [
        "江苏测试网络科技有限公司",
        "南京云启信息技术有限公司",
        "苏州数联科技有限公司(审核中)",
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(
            s,
            "  {:<18} 单位账号(信用代码登录) {}",
            demo_credit_code(i),
            name
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use huiji_domain::validate::{
        validate_credit_code, validate_id_number, validate_name, validate_phone, SimpleDate,
    };

    #[test]
    fn generated_identities_pass_validation() {
        let today = SimpleDate {
            year: 2026,
            month: 11,
            day: 22,
        };
        for i in 0..2000 {
            validate_id_number(&demo_id_number(i), today).unwrap();
            validate_name(&demo_name(i)).unwrap();
            validate_phone(&demo_phone(i)).unwrap();
        }
        for (i, (phone, name, region, _, _)) in CITIZENS.iter().enumerate() {
            validate_id_number(&demo_id_number_in(region, i), today).unwrap();
            validate_name(name).unwrap();
            validate_phone(phone).unwrap();
        }
        for i in 0..50 {
            validate_credit_code(&demo_credit_code(i)).unwrap();
        }
    }

    #[test]
    fn institution_numbers_have_valid_id_numbers_and_their_last_8_as_password() {
        let today = SimpleDate {
            year: 2026,
            month: 11,
            day: 22,
        };
        for (number, _, name, owner, status, bound) in IDENTITIES {
            huiji_domain::validate::check_institution_number(number).unwrap();
            validate_name(name).unwrap();
            let idn = identity_id_number(*owner);
            validate_id_number(&idn, today).unwrap();
            assert_eq!(identity_password(*owner), idn[10..]);
            assert!(matches!(*status, "active" | "retired"));
            // Only people with an account are bound in the demo.
            assert!(!bound || matches!(owner, IdentityOwner::Account(_)));
        }
        let q = IDENTITIES.iter().find(|i| i.2 == "钱文静").unwrap();
        assert_eq!(identity_id_number(q.3), demo_id_number(10_011));
    }

    #[test]
    fn every_node_hangs_where_its_kind_allows() {
        let specs = nodes();
        for s in &specs {
            let parent_kind = s
                .parent
                .map(|p| specs.iter().find(|x| x.name == p).map(|x| x.kind).unwrap());
            huiji_domain::org::check_new_node(s.name, s.kind, parent_kind).unwrap();
        }
    }
}
