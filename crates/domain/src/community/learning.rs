//! The learning platform (学习平台, seed 004 §十二): courses with a member and a
//! non-member price, enrolment and learning windows, lessons with a minimum reading time
//! and credits, progress, a pass score.
//!
//! Reading time is counted from what the lesson's page reports — opened, shown, hidden,
//! a heartbeat every few seconds while shown, closed — and only between two reports
//! while the page is both open and visible; a gap between reports counts at most
//! [`MAX_GAP_MS`], so a page that stops reporting (the device asleep, the app frozen)
//! earns nothing for the silence.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{DomainError, Result};

/// The longest stretch between two reports that still counts (the page beats every 10 s).
pub const MAX_GAP_MS: i64 = 30_000;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub title: String,
    /// 课程简介.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub intro: Option<String>,
    /// 会员价 and 非会员价, in fen (0: free).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub member_price_fen: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub non_member_price_fen: i64,
    /// 报名时间 (Unix ms; `None`: 不限).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub enrol_from: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub enrol_until: Option<i64>,
    /// 学习时间.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub learn_from: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub learn_until: Option<i64>,
    /// 达标分数: the credits needed to pass.
    pub pass_score: u32,
    /// 结业证书's title, e.g. 高级程序员证书.
    pub certificate_title: String,
    pub lessons: Vec<Lesson>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    pub title: String,
    /// The lesson's text (paragraphs separated by blank lines).
    #[serde(default)]
    pub body: String,
    /// Its pictures (attachment ids of the course's author), shown after the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Uuid>>", optional))]
    pub images: Vec<Uuid>,
    /// 达标要求: 阅读 N 秒.
    pub min_read_secs: u32,
    /// 可获得学分.
    pub credits: u32,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadSignal {
    Open,
    Visible,
    Hidden,
    Beat,
    Close,
}

pub const COURSE_INVALID: DomainError = DomainError::new(
    "CourseInvalid",
    "课程信息不完整：请填写课程名称、结业证书名称，至少一节课，价格不能为负",
    "A course needs a title, a certificate title, a lesson, and prices of zero or more",
);
pub const PASS_SCORE_UNREACHABLE: DomainError = DomainError::new(
    "CoursePassScoreUnreachable",
    "达标分数高于全部课时学分之和，学员无法结业",
    "The pass score is more than all the lessons' credits",
);
pub const ENROL_CLOSED: DomainError = DomainError::new(
    "CourseEnrolClosed",
    "不在课程报名时间内",
    "Enrolment for this course is not open now",
);
pub const LEARN_CLOSED: DomainError = DomainError::new(
    "CourseLearnClosed",
    "不在课程学习时间内，学习时长不计入进度",
    "Outside the course's learning time; reading is not counted",
);

pub const COURSE_TEXT_TOO_LONG: DomainError = DomainError::new(
    "CourseTextTooLong",
    "课程内容过长：名称不超过60字，简介不超过2000字，每节课正文不超过20000字、图片不超过9张，最多100节课",
    "Course text is too long",
);

pub fn validate_course(c: &Course) -> Result<()> {
    let blank = |s: &str| super::tidy(s).is_none();
    let len = |s: &str| s.chars().count();
    if blank(&c.title)
        || blank(&c.certificate_title)
        || c.lessons.is_empty()
        || c.lessons.iter().any(|l| blank(&l.title))
        || c.member_price_fen < 0
        || c.non_member_price_fen < 0
    {
        return Err(COURSE_INVALID);
    }
    if len(&c.title) > 60
        || len(&c.certificate_title) > 60
        || c.intro.as_deref().is_some_and(|i| len(i) > 2_000)
        || c.lessons.len() > 100
        || c.lessons.iter().any(|l| {
            len(&l.title) > 60
                || len(&l.body) > 20_000
                || l.images.len() > 9
                || l.min_read_secs > 86_400
        })
    {
        return Err(COURSE_TEXT_TOO_LONG);
    }
    let total: u32 = c.lessons.iter().map(|l| l.credits).sum();
    if c.pass_score > total {
        return Err(PASS_SCORE_UNREACHABLE);
    }
    Ok(())
}

fn within(from: Option<i64>, until: Option<i64>, now: i64) -> bool {
    from.is_none_or(|f| now >= f) && until.is_none_or(|u| now < u)
}

impl Course {
    /// The price for a member or a non-member.
    pub fn price_fen(&self, member: bool) -> i64 {
        if member {
            self.member_price_fen
        } else {
            self.non_member_price_fen
        }
    }

    pub fn check_enrol(&self, now: i64) -> Result<()> {
        if within(self.enrol_from, self.enrol_until, now) {
            Ok(())
        } else {
            Err(ENROL_CLOSED)
        }
    }

    pub fn check_learn(&self, now: i64) -> Result<()> {
        if within(self.learn_from, self.learn_until, now) {
            Ok(())
        } else {
            Err(LEARN_CLOSED)
        }
    }
}

/// A lesson page's state between two reports: when it last reported, and whether it was
/// open and visible then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub visible: bool,
}

impl ReadState {
    /// Takes one report and returns the reading time it earns: the stretch since the
    /// last report if the page was open and visible through it, at most [`MAX_GAP_MS`].
    /// A report older than the last one (a clock going back) earns nothing and changes
    /// nothing.
    pub fn report(&mut self, at: i64, sig: ReadSignal) -> i64 {
        let mut earned = 0;
        if let Some(prev) = self.at {
            if at < prev {
                return 0;
            }
            if self.open && self.visible {
                earned = (at - prev).min(MAX_GAP_MS);
            }
        }
        self.at = Some(at);
        match sig {
            ReadSignal::Open => {
                self.open = true;
                self.visible = true;
            }
            ReadSignal::Visible => self.visible = self.open,
            ReadSignal::Hidden => self.visible = false,
            ReadSignal::Beat => {}
            ReadSignal::Close => {
                self.open = false;
                self.visible = false;
            }
        }
        earned
    }
}

/// The reading time the reports earn: the sum of the stretches between consecutive
/// reports while the page was open and visible, each at most [`MAX_GAP_MS`]. Reports out
/// of order (a clock going back) are ignored.
pub fn visible_ms(reports: &[(i64, ReadSignal)]) -> i64 {
    let mut st = ReadState::default();
    reports.iter().map(|&(at, sig)| st.report(at, sig)).sum()
}

/// Where a learner stands in a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done: Vec<bool>,
    /// 学习进度, 0–100.
    pub percent: u32,
    /// 得分: the credits of the lessons done.
    pub score: u32,
    pub passed: bool,
}

/// The progress from each lesson's reading time (ms, in lesson order).
pub fn progress(c: &Course, read_ms: &[i64]) -> Progress {
    let done: Vec<bool> = c
        .lessons
        .iter()
        .enumerate()
        .map(|(i, l)| read_ms.get(i).copied().unwrap_or(0) >= i64::from(l.min_read_secs) * 1000)
        .collect();
    let n = done.iter().filter(|d| **d).count() as u32;
    let score = c
        .lessons
        .iter()
        .zip(&done)
        .filter(|(_, d)| **d)
        .map(|(l, _)| l.credits)
        .sum();
    let percent = if c.lessons.is_empty() {
        0
    } else {
        n * 100 / c.lessons.len() as u32
    };
    Progress {
        done,
        percent,
        score,
        passed: score >= c.pass_score,
    }
}

// ---------------------------------------------------------------- views

/// One lesson's reading on the server: the time earned and the page's last report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    pub read_ms: i64,
    #[serde(default)]
    pub state: ReadState,
}

/// A learner's enrolment as they (and the course's managers) see it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    pub id: Uuid,
    /// Paid (or free): the lessons can be read and count.
    pub active: bool,
    /// Whether the member price applied.
    pub member: bool,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub price_fen: i64,
    /// The order to pay while not active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub order_id: Option<Uuid>,
    /// Seconds read per lesson, in lesson order.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub read_secs: Vec<i64>,
    pub done: Vec<bool>,
    pub percent: u32,
    pub score: u32,
    pub passed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub passed_at: Option<i64>,
    /// 结业证书编号, once passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub certificate_no: Option<String>,
}

/// A course in a list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseSummary {
    pub id: Uuid,
    pub node_id: Uuid,
    pub unit_name: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub intro: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub member_price_fen: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub non_member_price_fen: i64,
    /// What the caller would pay (member price if they are a member under the course's unit).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub my_price_fen: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub enrol_from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub enrol_until: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub learn_from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub learn_until: Option<i64>,
    pub lessons: u32,
    pub total_credits: u32,
    pub pass_score: u32,
    pub certificate_title: String,
    pub published: bool,
    /// The caller may edit and publish it.
    pub manage: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub enrolment: Option<EnrolmentView>,
}

/// A lesson as the learner sees it: the text and pictures once enrolled (and paid).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonView {
    pub title: String,
    pub min_read_secs: u32,
    pub credits: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Uuid>>", optional))]
    pub images: Vec<Uuid>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseDetail {
    pub summary: CourseSummary,
    pub lessons: Vec<LessonView>,
}

#[cfg(test)]
mod tests {
    use super::ReadSignal::*;
    use super::*;

    fn w3c() -> Course {
        let l = |t: &str, s| Lesson {
            title: t.into(),
            body: String::new(),
            images: Vec::new(),
            min_read_secs: s,
            credits: 10,
        };
        Course {
            title: "W3C 教程".into(),
            intro: None,
            member_price_fen: 0,
            non_member_price_fen: 0,
            enrol_from: None,
            enrol_until: None,
            learn_from: None,
            learn_until: None,
            pass_score: 10,
            certificate_title: "高级程序员证书".into(),
            lessons: vec![
                l("w3c简介", 10),
                l("W3C 是如何创建的?", 5),
                l("标准化 web", 30),
            ],
        }
    }

    /// A beat every 10 s from `from` for `secs` seconds.
    fn beats(from: i64, secs: i64) -> Vec<(i64, ReadSignal)> {
        (1..=secs / 10).map(|i| (from + i * 10_000, Beat)).collect()
    }

    #[test]
    fn only_open_and_visible_time_counts() {
        let mut r = vec![(0, Open)];
        r.extend(beats(0, 30));
        r.push((30_000, Hidden));
        r.push((90_000, Beat)); // a hidden tab still beating earns nothing
        r.push((120_000, Visible));
        r.extend(beats(120_000, 20));
        r.push((145_000, Close));
        r.push((200_000, Beat)); // after close
        assert_eq!(visible_ms(&r), 30_000 + 25_000);
    }

    #[test]
    fn a_hidden_window_gains_no_credit() {
        // Opened and hidden at once, left for an hour with beats: nothing.
        let mut r = vec![(0, Open), (100, Hidden)];
        r.extend(beats(100, 3_600));
        assert_eq!(visible_ms(&r), 100);
        let p = progress(&w3c(), &[visible_ms(&r), 0, 0]);
        assert_eq!((p.score, p.passed, p.percent), (0, false, 0));
        // "Visible" without an open page does not count either.
        assert_eq!(visible_ms(&[(0, Visible), (60_000, Beat)]), 0);
    }

    #[test]
    fn silence_and_clocks_going_back_earn_nothing_extra() {
        // Open, then nothing for ten minutes, then closed: one gap of at most 30 s.
        assert_eq!(visible_ms(&[(0, Open), (600_000, Close)]), MAX_GAP_MS);
        // A report from the past is ignored.
        assert_eq!(
            visible_ms(&[
                (0, Open),
                (10_000, Beat),
                (-5_000_000, Beat),
                (20_000, Close)
            ]),
            20_000
        );
    }

    #[test]
    fn progress_score_and_pass() {
        let c = w3c();
        let p = progress(&c, &[10_000, 4_999, 31_000]);
        assert_eq!(p.done, vec![true, false, true]);
        assert_eq!((p.percent, p.score, p.passed), (66, 20, true));
        let none = progress(&c, &[]);
        assert_eq!((none.percent, none.score, none.passed), (0, 0, false));
    }

    #[test]
    fn courses_are_checked() {
        assert_eq!(validate_course(&w3c()), Ok(()));
        let mut c = w3c();
        c.pass_score = 31;
        assert_eq!(
            validate_course(&c).unwrap_err().code,
            "CoursePassScoreUnreachable"
        );
        let mut c = w3c();
        c.lessons.clear();
        assert_eq!(validate_course(&c).unwrap_err().code, "CourseInvalid");
        let mut c = w3c();
        c.non_member_price_fen = -1;
        assert_eq!(validate_course(&c).unwrap_err().code, "CourseInvalid");
        let mut c = w3c();
        c.member_price_fen = 0;
        c.non_member_price_fen = 19_900;
        assert_eq!((c.price_fen(true), c.price_fen(false)), (0, 19_900));
        c.enrol_from = Some(1_000);
        c.enrol_until = Some(2_000);
        assert_eq!(c.check_enrol(999).unwrap_err().code, "CourseEnrolClosed");
        assert!(c.check_enrol(1_000).is_ok());
        assert_eq!(c.check_enrol(2_000).unwrap_err().code, "CourseEnrolClosed");
        c.learn_until = Some(5_000);
        assert!(c.check_learn(4_999).is_ok());
        assert_eq!(c.check_learn(5_000).unwrap_err().code, "CourseLearnClosed");
    }
}
