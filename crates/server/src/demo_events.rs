//! Demo events, questionnaires and a lottery (seed 004 §七, §八, §十一) at 南京医科大学工会:
//! a sports day with registration and limited places, a New Year party that needs approval
//! and a fee, a vote on next year's rest-and-recuperation trip, an anonymous satisfaction
//! survey, and the annual meeting's lottery (its seed committed, secret until the draw).

use huiji_domain::events::lottery::{commitment, seed_of, LotteryBody, LotteryStatus, Prize};
use huiji_domain::events::survey::validate_survey;
use huiji_domain::events::survey::{
    Question, QuestionKind, ResultsVisible, SurveyBody, SurveyKind,
};
use huiji_domain::events::{validate_event, Audience, EventBody};
use huiji_domain::sync::RecordKind;
use rand::RngCore;

use crate::demo::demo_id;
use crate::error::{ApiError, Result};
use crate::records::{lock_seq, write_server_rows, ServerRow};
use crate::state::AppState;
use crate::workflow::{self as engine, to_json};

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

fn q(id: &str, text: &str, kind: QuestionKind, options: &[&str]) -> Question {
    Question {
        id: id.to_owned(),
        text: text.to_owned(),
        kind,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        min: None,
        max: None,
        required: kind != QuestionKind::Text,
    }
}

/// The start of a day `days` from now at `hour` o'clock China time.
fn at(now: i64, days: i64, hour: i64) -> i64 {
    let midnight = huiji_domain::time::start_ms_cst(huiji_domain::time::today_cst(now));
    midnight + days * DAY + hour * HOUR
}

pub async fn load(st: &AppState) -> Result<()> {
    let marker = demo_id("event:sports-day");
    let mut conn = st.db.pool.acquire().await?;
    if engine::get_record(&mut conn, marker).await?.is_some() {
        return Ok(());
    }
    let unit = engine::node(&mut conn, demo_id("南京医科大学工会"))
        .await?
        .ok_or_else(|| ApiError::internal("demo node 南京医科大学工会 missing".into()))?;
    drop(conn);
    let now = st.now();
    let row = |name: &str, kind: RecordKind, body: serde_json::Value| ServerRow {
        id: demo_id(name),
        kind,
        node_id: unit.id,
        node_path: unit.path.clone(),
        owner_id: None,
        body,
        audience: Vec::new(),
    };
    let sports = EventBody {
        title: "2026年职工趣味运动会".into(),
        place: Some("江宁校区体育馆".into()),
        starts_at: at(now, 7, 9),
        ends_at: at(now, 7, 12),
        description: Some(
            "项目：托球跑、拔河、袋鼠跳、飞镖。请穿运动鞋，到场后扫描场馆门口的签到码签到。".into(),
        ),
        registration: true,
        capacity: Some(30),
        registration_deadline: Some(at(now, 5, 18)),
        ..Default::default()
    };
    let party = EventBody {
        title: "2027年新春联欢会".into(),
        place: Some("学术交流中心报告厅".into()),
        starts_at: at(now, 30, 18),
        ends_at: at(now, 30, 21),
        description: Some("含晚餐，报名经工会审核后缴纳餐费50元，缴费后领取电子票。".into()),
        registration: true,
        capacity: Some(120),
        approval_required: true,
        fee_fen: Some(5_000),
        ..Default::default()
    };
    let mut multiple = q(
        "q2",
        "希望同行的家属（可多选，最多2项）",
        QuestionKind::Multiple,
        &["配偶", "子女", "父母"],
    );
    multiple.max = Some(2);
    multiple.required = false;
    let vote = SurveyBody {
        title: "2027年度职工疗休养目的地投票".into(),
        description: Some("每人一票，投票结束后公布结果。".into()),
        kind: SurveyKind::Vote,
        questions: vec![
            q(
                "q1",
                "您最想去的疗休养目的地",
                QuestionKind::Single,
                &["黄山", "千岛湖", "婺源", "武夷山"],
            ),
            multiple,
        ],
        opens_at: now - HOUR,
        closes_at: at(now, 10, 18),
        anonymous: false,
        audience: Audience::Members,
        changeable: false,
        results: ResultsVisible::AfterAnswer,
    };
    let survey = SurveyBody {
        title: "工会会员服务满意度调查".into(),
        description: Some("匿名填写，结果仅工会可见。".into()),
        kind: SurveyKind::Survey,
        questions: vec![
            q("s1", "对工会活动的总体满意度", QuestionKind::Rating, &[]),
            q(
                "s2",
                "您最希望增加的服务",
                QuestionKind::Single,
                &["法律援助", "心理咨询", "子女托管", "健康体检"],
            ),
            q("s3", "其他意见和建议", QuestionKind::Text, &[]),
        ],
        opens_at: now - HOUR,
        closes_at: at(now, 20, 18),
        anonymous: true,
        audience: Audience::Members,
        changeable: true,
        results: ResultsVisible::Organisers,
    };
    let mut random = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let seed = seed_of(random);
    let lottery = LotteryBody {
        title: "2026年度会员大会抽奖".into(),
        event_id: Some(demo_id("event:annual-2026")),
        prizes: vec![
            Prize {
                name: "一等奖 · 扫地机器人".into(),
                count: 1,
            },
            Prize {
                name: "二等奖 · 电饭煲".into(),
                count: 3,
            },
            Prize {
                name: "三等奖 · 保温杯".into(),
                count: 10,
            },
        ],
        seed_commitment: commitment(&seed)?,
        seed: None,
        status: LotteryStatus::Open,
        entrants: 0,
        entrants_digest: None,
        results: Vec::new(),
        drawn_at: None,
        created_at: now,
    };
    // The demo goes through the same checks as a secretary's input.
    let (sports, party) = (validate_event(&sports)?, validate_event(&party)?);
    let (vote, survey) = (validate_survey(&vote)?, validate_survey(&survey)?);
    let rows = vec![
        row("event:sports-day", RecordKind::Event, to_json(&sports)?),
        row("event:new-year-party", RecordKind::Event, to_json(&party)?),
        row("survey:trip-vote", RecordKind::Survey, to_json(&vote)?),
        row("survey:satisfaction", RecordKind::Survey, to_json(&survey)?),
        row(
            "lottery:annual-2026",
            RecordKind::Lottery,
            to_json(&lottery)?,
        ),
    ];
    let mut tx = st.db.writer.begin().await?;
    lock_seq(&mut tx).await?;
    crate::events::lottery::keep_seed(&mut tx, demo_id("lottery:annual-2026"), &seed).await?;
    write_server_rows(&mut tx, st.db.backend, rows, None, now).await?;
    tx.commit().await?;
    Ok(())
}
