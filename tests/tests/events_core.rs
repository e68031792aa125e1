//! Events, surveys and lotteries on devices against a real `huiji-server` (issue 7): a
//! member registers, then checks in by scanning the printed venue code while the server
//! is away — the check-in is sent on the next sync and counts at the phone's time; one
//! member answers the same vote on two devices offline — one answer is taken, the other
//! device is told why; a lottery entered by scanning its code, drawn, and re-checked on
//! the member's phone from the published seed and entrants.

use std::time::{SystemTime, UNIX_EPOCH};

use huiji_domain::events::lottery::Prize;
use huiji_domain::events::survey::{
    AnswerValue, Question, QuestionKind, ResultsVisible, SurveyBody, SurveyKind,
};
use huiji_domain::events::{Audience, EventBody};
use huiji_offline::app::{app_error, AppCore, SyncEvent};
use huiji_tests::{demo_node, ServerProcess, DEMO_PASSWORD};

const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const ZHANG: &str = "13900000001"; // its secretary
const HOUR: i64 = 3_600_000;

fn no_events() -> impl Fn(SyncEvent) + Send + Sync {
    |_| {}
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn app(dir: &std::path::Path, name: &str, base: &str, phone: &str) -> AppCore {
    let app = AppCore::open(&dir.join(name), base).unwrap();
    app.login_password(phone, DEMO_PASSWORD).await.unwrap();
    let st = app.sync_now(&no_events()).await.unwrap();
    assert!(st.online, "{st:?}");
    app
}

fn njmu() -> String {
    demo_node("南京医科大学工会").to_string()
}

#[tokio::test]
async fn a_member_checks_in_offline_with_the_venue_code_and_it_counts_at_the_phones_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();
    let sec = app(dir.path(), "secretary", &base, ZHANG).await;
    let now = now_ms();
    let event = sec
        .event_save(
            None,
            &njmu(),
            EventBody {
                title: "职工趣味运动会".into(),
                place: Some("江宁校区体育馆".into()),
                starts_at: now + HOUR,
                ends_at: now + 4 * HOUR,
                registration: true,
                capacity: Some(50),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(event.can_manage);
    let member = app(dir.path(), "member", &base, OUYANG).await;
    let seen = member.activities().unwrap();
    let e = seen
        .iter()
        .find(|a| a.id == event.id)
        .expect("the event is on the phone");
    assert_eq!(e.register_block, None, "{e:?}");
    let e = member.event_register(&event.id).await.unwrap();
    let mine = e.mine.clone().unwrap();
    assert_eq!(
        (mine.status_label.as_str(), mine.has_ticket),
        ("已报名", true)
    );
    assert!(e.can_cancel);
    let code = sec.event_venue_code(&event.id, "in").await.unwrap();
    assert!(code.svg.contains("<svg"));

    // The gym has no signal: the phone scans the poster and keeps the check-in.
    server.kill_hard();
    let scanned_at = now_ms();
    let r = member.member_scan(&code.text).await.unwrap();
    assert_eq!(
        (r.kind.as_str(), r.state.as_str()),
        ("checkin", "queued"),
        "{r:?}"
    );
    assert_eq!(r.title, "职工趣味运动会");
    let e = member.activity_detail(&event.id).unwrap();
    assert_eq!(e.my_checkins.len(), 1);
    assert_eq!(e.my_checkins[0].outbox.as_ref().unwrap().state, "queued");
    // Other codes are not for this: a health pass, or noise.
    let err = member.member_scan("HJ1.garbage").await.unwrap_err();
    assert_eq!(app_error(&err).code, "ActivityCodeInvalid");

    // Back online a while later: the sync sends it, stamped with the phone's time.
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let _server = ServerProcess::restart(&data, &base);
    member.sync_now(&no_events()).await.unwrap();
    let e = member.activity_detail(&event.id).unwrap();
    assert_eq!(e.my_checkins.len(), 1, "{:?}", e.my_checkins);
    assert!(
        e.my_checkins[0].outbox.is_none(),
        "sent: {:?}",
        e.my_checkins
    );
    let at = e.my_checkins[0].at;
    assert!(
        (scanned_at - 1_000..=scanned_at + 1_000).contains(&at),
        "{at} vs {scanned_at}"
    );
    let report = sec.event_report(&event.id).await.unwrap();
    assert_eq!(report.counts.checked_in, 1, "{report:?}");
    assert_eq!(report.rows[0].first_in, Some(at));
    assert_eq!(report.rows[0].how.as_deref(), Some("venue_code"));
    // Another sync sends nothing twice.
    member.sync_now(&no_events()).await.unwrap();
    assert_eq!(
        sec.event_report(&event.id).await.unwrap().counts.checked_in,
        1
    );
}

fn vote(now: i64) -> SurveyBody {
    SurveyBody {
        title: "2027年度疗休养目的地投票".into(),
        description: None,
        kind: SurveyKind::Vote,
        questions: vec![Question {
            id: "q1".into(),
            text: "您最想去哪里？".into(),
            kind: QuestionKind::Single,
            options: vec!["黄山".into(), "千岛湖".into(), "婺源".into()],
            min: None,
            max: None,
            required: true,
        }],
        opens_at: now - HOUR,
        closes_at: now + 24 * HOUR,
        anonymous: false,
        audience: Audience::Members,
        changeable: false,
        results: ResultsVisible::AfterAnswer,
    }
}

fn choose(i: u32) -> Vec<AnswerValue> {
    vec![AnswerValue {
        question_id: "q1".into(),
        choices: vec![i],
        text: None,
        rating: None,
    }]
}

#[tokio::test]
async fn one_answer_per_member_across_two_devices_that_were_offline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut server = ServerProcess::start(&data, None);
    let base = server.base_url.clone();
    let sec = app(dir.path(), "secretary", &base, ZHANG).await;
    let s = sec
        .survey_save(None, &njmu(), vote(now_ms()))
        .await
        .unwrap();
    let phone = app(dir.path(), "phone", &base, OUYANG).await;
    let tablet = app(dir.path(), "tablet", &base, OUYANG).await;
    assert!(phone.survey_detail(&s.id).unwrap().can_answer);
    // A bad answer is refused on the device, before anything is queued.
    let err = phone.survey_answer(&s.id, vec![]).await.unwrap_err();
    assert_eq!(app_error(&err).code, "AnswerRequired");

    server.kill_hard();
    let p = phone.survey_answer(&s.id, choose(0)).await.unwrap();
    assert_eq!(p.outbox.as_ref().unwrap().state, "queued");
    assert_eq!(p.my_answers.as_deref(), Some(choose(0).as_slice()));
    let t = tablet.survey_answer(&s.id, choose(2)).await.unwrap();
    assert_eq!(t.outbox.as_ref().unwrap().state, "queued");
    // Changing an unsent answer replaces it (still one queued).
    let t = tablet.survey_answer(&s.id, choose(1)).await.unwrap();
    assert_eq!(t.my_answers.as_deref(), Some(choose(1).as_slice()));

    let _server = ServerProcess::restart(&data, &base);
    phone.sync_now(&no_events()).await.unwrap();
    assert!(phone.survey_detail(&s.id).unwrap().outbox.is_none());
    tablet.sync_now(&no_events()).await.unwrap();
    let t = tablet.survey_detail(&s.id).unwrap();
    let ob = t.outbox.clone().expect("the tablet is told");
    assert_eq!(
        (ob.state.as_str(), ob.code.as_deref()),
        ("rejected", Some("AlreadyAnswered"))
    );
    // What counts is the phone's answer; the tablet shows it after the pull.
    tablet.sync_now(&no_events()).await.unwrap();
    let t = tablet.survey_detail(&s.id).unwrap();
    assert_eq!(t.my_answers.as_deref(), Some(choose(0).as_slice()), "{t:?}");
    assert!(!t.can_answer);
    let r = sec.survey_results(&s.id).await.unwrap();
    assert_eq!(r.responses, 1);
    assert_eq!(r.questions[0].counts, vec![1, 0, 0]);
    // The member sees the tally once answered.
    let r = tablet.survey_results(&s.id).await.unwrap();
    assert_eq!(r.questions[0].counts, vec![1, 0, 0]);
}

#[tokio::test]
async fn a_lottery_entered_by_scanning_is_drawn_and_rechecked_on_the_phone() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), None);
    let base = server.base_url.clone();
    let sec = app(dir.path(), "secretary", &base, ZHANG).await;
    let l = sec
        .lottery_create(
            &njmu(),
            "年会抽奖",
            None,
            vec![Prize {
                name: "一等奖 · 扫地机器人".into(),
                count: 1,
            }],
        )
        .await
        .unwrap();
    assert!(l.seed.is_none() && l.seed_commitment.len() == 64);
    let code = sec.lottery_code(&l.id).await.unwrap();
    let member = app(dir.path(), "member", &base, OUYANG).await;
    let r = member.member_scan(&code.text).await.unwrap();
    assert_eq!(
        (r.kind.as_str(), r.state.as_str()),
        ("lottery", "done"),
        "{r:?}"
    );
    // Twice: still one entry.
    let r = member.member_scan(&code.text).await.unwrap();
    assert_eq!(r.state, "done");
    member.sync_now(&no_events()).await.unwrap();
    let mine = member.lottery_detail(&l.id).unwrap();
    assert!(mine.my_entry.is_some(), "{mine:?}");
    let drawn = sec.lottery_draw(&l.id).await.unwrap();
    assert_eq!(drawn.results[0].winners.len(), 1);
    member.sync_now(&no_events()).await.unwrap();
    let prizes = member.my_prizes().unwrap();
    assert_eq!(prizes.len(), 1);
    assert_eq!(prizes[0].prize, "一等奖 · 扫地机器人");
    let check = member.lottery_check(&l.id).await.unwrap();
    assert!(
        check.seed_matches && check.entrants_match && check.winners_match,
        "{check:?}"
    );
    assert_eq!(check.entrants, 1);
}
