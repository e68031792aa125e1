//! The community features through the app's Rust core against a real `huiji-server`
//! (issue 8): a secretary writes and publishes a course, a member enrols and reads it —
//! reading time counted by the server only while the page is shown — passes and saves
//! the certificate; a member posts a listing; a secretary publishes important news that
//! reaches the member's device and inbox; subscription settings are saved; and with the
//! server gone the courses, the lesson text and the hall open from the device's copy.

use std::time::Duration;

use huiji_domain::community::content::{ContentForm, ContentStatus, ListingForm, ListingSide};
use huiji_domain::community::learning::{Course, Lesson, ReadSignal};
use huiji_domain::sync::NoticeKind;
use huiji_domain::workflow::NotifyPrefs;
use huiji_offline::app::content::HallFilter;
use huiji_offline::app::notices::NoticeForm;
use huiji_offline::app::{app_error, AppCore, SyncEvent};
use huiji_tests::{demo_node, ServerProcess, DEMO_PASSWORD};

const OUYANG: &str = "13800000001"; // member of 南京医科大学工会
const ZHANG: &str = "13900000001"; // its secretary

async fn app(dir: &std::path::Path, name: &str, base: &str, phone: &str) -> AppCore {
    let app = AppCore::open(&dir.join(name), base).unwrap();
    app.login_password(phone, DEMO_PASSWORD).await.unwrap();
    app.sync_now(&|_: SyncEvent| {}).await.unwrap();
    app
}

fn short_course() -> Course {
    Course {
        title: "安全生产两分钟".into(),
        intro: Some("两节短课".into()),
        member_price_fen: 0,
        non_member_price_fen: 1_000,
        enrol_from: None,
        enrol_until: None,
        learn_from: None,
        learn_until: None,
        pass_score: 20,
        certificate_title: "安全生产结业证书".into(),
        lessons: ["用电安全", "消防通道"]
            .iter()
            .map(|t| Lesson {
                title: (*t).into(),
                body: format!("{t}：第一段。\n\n第二段。"),
                images: Vec::new(),
                min_read_secs: 2,
                credits: 10,
            })
            .collect(),
    }
}

#[tokio::test]
async fn the_app_learns_posts_publishes_and_keeps_what_it_read() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&tmp.path().join("server"), None);
    let base = server.base_url.clone();
    let sec = app(tmp.path(), "secretary", &base, ZHANG).await;
    let m = app(tmp.path(), "member", &base, OUYANG).await;
    let unit = demo_node("南京医科大学工会").to_string();

    // The secretary writes a course (checked on the device first) and publishes it.
    let mut bad = short_course();
    bad.pass_score = 99;
    let e = app_error(&sec.course_save(None, &unit, &bad).await.unwrap_err());
    assert_eq!(e.code, "CoursePassScoreUnreachable");
    let d = sec.course_save(None, &unit, &short_course()).await.unwrap();
    let id = d.summary.id.to_string();
    assert!(!d.summary.published && d.summary.manage);
    assert!(m
        .courses()
        .await
        .unwrap()
        .items
        .iter()
        .all(|c| c.id.to_string() != id));
    sec.course_publish(&id, true).await.unwrap();

    // The member (of the unit) enrols free; the text opens.
    let list = m.courses().await.unwrap();
    let c = list.items.iter().find(|c| c.id.to_string() == id).unwrap();
    assert_eq!(c.my_price_fen, 0);
    assert!(m.course(&id).await.unwrap().course.lessons[0]
        .body
        .is_none());
    let d = m.course_enrol(&id).await.unwrap();
    assert!(d.summary.enrolment.as_ref().unwrap().active);
    assert!(d.lessons[0].body.as_deref().unwrap().contains("用电安全"));

    // Lesson 1 hidden for the whole stretch: nothing; lesson 0 shown: it counts.
    m.course_read(&id, 1, ReadSignal::Open).await.unwrap();
    m.course_read(&id, 1, ReadSignal::Hidden).await.unwrap();
    m.course_read(&id, 0, ReadSignal::Open).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let v = m.course_read(&id, 1, ReadSignal::Beat).await.unwrap();
    assert_eq!(v.read_secs[1], 0, "{v:?}");
    let v = m.course_read(&id, 0, ReadSignal::Beat).await.unwrap();
    assert!(v.done[0] && v.read_secs[0] >= 2, "{v:?}");
    assert!(!v.passed);
    m.course_read(&id, 1, ReadSignal::Visible).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let v = m.course_read(&id, 1, ReadSignal::Close).await.unwrap();
    assert!(v.passed && v.certificate_no.is_some(), "{v:?}");
    let saved = m
        .course_certificate(&id, &tmp.path().join("downloads"))
        .await
        .unwrap();
    let pdf = std::fs::read(&saved.path).unwrap();
    assert!(
        pdf.starts_with(b"%PDF-") && saved.name.ends_with(".pdf"),
        "{}",
        saved.name
    );

    // A listing posted from the device waits for review; the hall does not show it yet.
    let form = ContentForm::Listing(ListingForm {
        side: ListingSide::Supply,
        title: "  安全培训上门服务 ".into(),
        category: None,
        company: None,
        price: Some("面议".into()),
        description: None,
        valid_until: None,
        images: Vec::new(),
    });
    let posted = m
        .content_post(&uuid::Uuid::now_v7().to_string(), &form)
        .await
        .unwrap();
    assert_eq!(posted.status, ContentStatus::Reviewing);
    let mine = m.content_mine().await.unwrap();
    assert!(mine.items.iter().any(|i| i.id == posted.id));
    let hall = m
        .content_hall(&HallFilter {
            kind: None,
            side: Some(ListingSide::Supply),
            q: None,
        })
        .await
        .unwrap();
    assert!(hall.items.iter().all(|h| h.id != posted.id));
    assert!(
        hall.items.iter().any(|h| h.owner_name == "欧阳娜娜"),
        "the demo's listing"
    );

    // Important news from the secretary reaches the member's device and inbox.
    let p = sec
        .notice_publish(&NoticeForm {
            id: uuid::Uuid::now_v7().to_string(),
            node_id: unit.clone(),
            kind: NoticeKind::News,
            title: "职工书屋开放".into(),
            content: "每周二、四下午开放。".into(),
            cover: None,
            important: true,
        })
        .await
        .unwrap();
    assert!(p.notified >= 1);
    m.sync_now(&|_: SyncEvent| {}).await.unwrap();
    let home = m.home_summary().unwrap();
    let n = home
        .member
        .unwrap()
        .notices
        .into_iter()
        .find(|n| n.id == p.id)
        .expect("the news on the member's device");
    assert!(n.important && n.kind == NoticeKind::News);
    assert!(m
        .notifications_list()
        .unwrap()
        .iter()
        .any(|x| x.title.contains("职工书屋开放")));
    let prefs = m
        .notify_prefs_set(&NotifyPrefs {
            sms_notices: false,
            sms_approvals: true,
        })
        .await
        .unwrap();
    assert!(!prefs.sms_notices);
    assert!(!m.notify_prefs().await.unwrap().sms_notices);

    // The server gone: what was read opens from the device; changes say so.
    server.kill_hard();
    let list = m.courses().await.unwrap();
    assert!(list.offline && list.items.iter().any(|c| c.id.to_string() == id));
    let kept = m.course(&id).await.unwrap();
    assert!(kept.offline);
    assert!(kept.course.lessons[1]
        .body
        .as_deref()
        .unwrap()
        .contains("消防通道"));
    let e = app_error(&m.course_read(&id, 0, ReadSignal::Open).await.unwrap_err());
    assert_eq!(e.code, "CourseNeedsNetwork", "{e:?}");
    let hall = m
        .content_hall(&HallFilter {
            kind: None,
            side: Some(ListingSide::Supply),
            q: None,
        })
        .await
        .unwrap();
    assert!(hall.offline && !hall.items.is_empty());
    // Searching offline looks through that copy.
    let search = |q: &str| HallFilter {
        kind: None,
        side: Some(ListingSide::Supply),
        q: Some(q.into()),
    };
    let found = m.content_hall(&search("心理健康")).await.unwrap();
    assert!(found.offline && !found.items.is_empty());
    assert!(found.items.len() < hall.items.len() || hall.items.len() == 1);
    assert!(found.items.iter().all(|h| h.content.matches("心理健康")));
    assert!(m
        .content_hall(&search("没有这个词"))
        .await
        .unwrap()
        .items
        .is_empty());
    let e = app_error(
        &m.content_post(&uuid::Uuid::now_v7().to_string(), &form)
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, "ContentNeedsNetwork", "{e:?}");
}
