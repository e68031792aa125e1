//! Questionnaires and votes (问卷/投票, seed 004 §八): single and multiple choice (with
//! limits), text and rating questions, an open/close window, anonymous or named, for
//! members or anyone, one answer per person (changeable until the close when allowed),
//! and the tally the server keeps.

use serde::{Deserialize, Serialize};

use super::Audience;
use crate::error::{DomainError, Result};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SurveyKind {
    /// 问卷.
    Survey,
    /// 投票.
    Vote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Single,
    Multiple,
    Text,
    Rating,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable within the survey: "q1", "q2" …
    pub id: String,
    pub text: String,
    pub kind: QuestionKind,
    /// Choices (single, multiple).
    #[serde(default)]
    pub options: Vec<String>,
    /// Multiple choice: at least / at most this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    #[serde(default)]
    pub required: bool,
}

/// When answerers may see the results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ResultsVisible {
    /// Once they have answered.
    #[default]
    AfterAnswer,
    AfterClose,
    /// Only the organisers.
    Organisers,
}

/// The body of a `survey` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct SurveyBody {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub kind: SurveyKind,
    pub questions: Vec<Question>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub opens_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub closes_at: i64,
    /// Nobody — organisers included — sees who answered what.
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub audience: Audience,
    /// An answer may be changed until the close.
    #[serde(default)]
    pub changeable: bool,
    #[serde(default)]
    pub results: ResultsVisible,
}

/// One question's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct AnswerValue {
    pub question_id: String,
    /// Chosen options' indexes (single: one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u32>,
}

/// The body of an `answer` record: a person's answers to one survey (one record per
/// person and survey, replaced when changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AnswerBody {
    pub survey_id: uuid::Uuid,
    pub answers: Vec<AnswerValue>,
    /// The device's clock when answered (unix ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub answered_at: i64,
}

pub const RATING_MAX: u32 = 5;
pub const TEXT_MAX: usize = 1_000;

pub const SURVEY_INVALID: DomainError = DomainError::new(
    "SurveyInvalid",
    "问卷需有标题（1到100字）、1到50道题、截止时间晚于开始时间；选择题需2到20个选项，多选的最少/最多选项数应在选项数以内",
    "A survey needs a 1–100 character title, 1–50 questions and a close after its opening; choice questions 2–20 options, multiple-choice limits within them",
);
pub const SURVEY_NOT_OPEN: DomainError = DomainError::new(
    "SurveyNotOpen",
    "该问卷/投票尚未开始",
    "This survey has not opened yet",
);
pub const SURVEY_CLOSED: DomainError =
    DomainError::new("SurveyClosed", "该问卷/投票已结束", "This survey is closed");
pub const ANSWER_INVALID: DomainError = DomainError::new(
    "AnswerInvalid",
    "答案与题目不符（选项不存在、题目不存在或同一题答了两次）",
    "The answer does not match the questions",
);
pub const ANSWER_REQUIRED: DomainError = DomainError::new(
    "AnswerRequired",
    "请回答所有必答题",
    "Answer every required question",
);
pub const CHOICE_COUNT: DomainError = DomainError::new(
    "ChoiceCount",
    "多选题的选择数量不符合要求",
    "Too few or too many choices for this question",
);
pub const ALREADY_ANSWERED: DomainError = DomainError::new(
    "AlreadyAnswered",
    "您已提交过答案，本问卷/投票不允许修改",
    "You have answered already and answers cannot be changed",
);

fn clean(s: &str) -> String {
    crate::dues::clean_text(s)
}

/// Checks a survey and returns it tidied.
pub fn validate_survey(s: &SurveyBody) -> Result<SurveyBody> {
    let title = clean(&s.title);
    let n = title.chars().count();
    if !(1..=100).contains(&n)
        || s.closes_at <= s.opens_at
        || !(1..=50).contains(&s.questions.len())
        || s.description
            .as_deref()
            .is_some_and(|d| d.chars().count() > 5_000)
    {
        return Err(SURVEY_INVALID);
    }
    let mut seen = std::collections::HashSet::new();
    let mut questions = Vec::with_capacity(s.questions.len());
    for q in &s.questions {
        let text = clean(&q.text);
        let id = q.id.trim().to_owned();
        if text.is_empty()
            || text.chars().count() > 200
            || id.is_empty()
            || id.len() > 20
            || !seen.insert(id.clone())
        {
            return Err(SURVEY_INVALID);
        }
        let options: Vec<String> = q.options.iter().map(|o| clean(o)).collect();
        let choice = matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple);
        if choice
            && (!(2..=20).contains(&options.len())
                || options
                    .iter()
                    .any(|o| o.is_empty() || o.chars().count() > 100))
        {
            return Err(SURVEY_INVALID);
        }
        if !choice && !options.is_empty() {
            return Err(SURVEY_INVALID);
        }
        let (min, max) = match q.kind {
            QuestionKind::Multiple => {
                let max = q.max.unwrap_or(options.len() as u32);
                let min = q.min.unwrap_or(1);
                if min > max || max == 0 || max as usize > options.len() {
                    return Err(SURVEY_INVALID);
                }
                (Some(min), Some(max))
            }
            _ => (None, None),
        };
        questions.push(Question {
            id,
            text,
            kind: q.kind,
            options,
            min,
            max,
            required: q.required,
        });
    }
    Ok(SurveyBody {
        title,
        description: s
            .description
            .as_deref()
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty()),
        questions,
        ..s.clone()
    })
}

/// Whether answers are taken on `now`.
pub fn check_window(s: &SurveyBody, now: i64) -> Result<()> {
    if now < s.opens_at {
        return Err(SURVEY_NOT_OPEN);
    }
    if now >= s.closes_at {
        return Err(SURVEY_CLOSED);
    }
    Ok(())
}

/// Checks a set of answers against the survey; returns them tidied, in question order.
pub fn check_answers(s: &SurveyBody, answers: &[AnswerValue]) -> Result<Vec<AnswerValue>> {
    let mut out = Vec::new();
    let mut used = std::collections::HashSet::new();
    for a in answers {
        if !used.insert(a.question_id.as_str()) {
            return Err(ANSWER_INVALID);
        }
        if !s.questions.iter().any(|q| q.id == a.question_id) {
            return Err(ANSWER_INVALID);
        }
    }
    for q in &s.questions {
        let a = answers.iter().find(|a| a.question_id == q.id);
        let blank = |a: &AnswerValue| match q.kind {
            QuestionKind::Single | QuestionKind::Multiple => a.choices.is_empty(),
            QuestionKind::Text => a.text.as_deref().is_none_or(|t| clean(t).is_empty()),
            QuestionKind::Rating => a.rating.is_none(),
        };
        let Some(a) = a.filter(|a| !blank(a)) else {
            if q.required {
                return Err(ANSWER_REQUIRED);
            }
            continue;
        };
        let mut v = AnswerValue {
            question_id: q.id.clone(),
            choices: Vec::new(),
            text: None,
            rating: None,
        };
        match q.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                if a.text.is_some() || a.rating.is_some() {
                    return Err(ANSWER_INVALID);
                }
                let mut c = a.choices.clone();
                c.sort_unstable();
                c.dedup();
                if c.len() != a.choices.len() || c.iter().any(|i| *i as usize >= q.options.len()) {
                    return Err(ANSWER_INVALID);
                }
                let n = c.len() as u32;
                let ok = match q.kind {
                    QuestionKind::Single => n == 1,
                    _ => q.min.unwrap_or(1) <= n && n <= q.max.unwrap_or(u32::MAX),
                };
                if !ok {
                    return Err(if q.kind == QuestionKind::Single {
                        ANSWER_INVALID
                    } else {
                        CHOICE_COUNT
                    });
                }
                v.choices = c;
            }
            QuestionKind::Text => {
                if !a.choices.is_empty() || a.rating.is_some() {
                    return Err(ANSWER_INVALID);
                }
                let t = clean(a.text.as_deref().unwrap_or(""));
                if t.chars().count() > TEXT_MAX {
                    return Err(ANSWER_INVALID);
                }
                v.text = Some(t);
            }
            QuestionKind::Rating => {
                if !a.choices.is_empty() || a.text.is_some() {
                    return Err(ANSWER_INVALID);
                }
                let r = a.rating.unwrap_or(0);
                if !(1..=RATING_MAX).contains(&r) {
                    return Err(ANSWER_INVALID);
                }
                v.rating = Some(r);
            }
        }
        out.push(v);
    }
    Ok(out)
}

/// A question's tally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuestionResult {
    pub question_id: String,
    pub text: String,
    pub kind: QuestionKind,
    /// Choice questions: votes per option, in the options' order.
    pub counts: Vec<u32>,
    pub options: Vec<String>,
    /// Rating: how many gave 1..=5, and the mean ×100 (integer: no float on the wire).
    pub ratings: Vec<u32>,
    pub mean_x100: Option<u32>,
    /// Text answers (up to 200, newest first).
    pub texts: Vec<String>,
    /// People who answered this question.
    pub answered: u32,
}

/// The tally over every response (each one a person's set of answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SurveyResults {
    pub responses: u32,
    pub questions: Vec<QuestionResult>,
}

pub fn tally<'a>(
    s: &SurveyBody,
    responses: impl IntoIterator<Item = &'a [AnswerValue]>,
) -> SurveyResults {
    let mut qs: Vec<QuestionResult> = s
        .questions
        .iter()
        .map(|q| QuestionResult {
            question_id: q.id.clone(),
            text: q.text.clone(),
            kind: q.kind,
            counts: vec![0; q.options.len()],
            options: q.options.clone(),
            ratings: if q.kind == QuestionKind::Rating {
                vec![0; RATING_MAX as usize]
            } else {
                Vec::new()
            },
            mean_x100: None,
            texts: Vec::new(),
            answered: 0,
        })
        .collect();
    let mut n = 0;
    for answers in responses {
        n += 1;
        for a in answers {
            let Some(r) = qs.iter_mut().find(|r| r.question_id == a.question_id) else {
                continue;
            };
            r.answered += 1;
            for c in &a.choices {
                if let Some(slot) = r.counts.get_mut(*c as usize) {
                    *slot += 1;
                }
            }
            if let Some(t) = &a.text {
                if r.texts.len() < 200 {
                    r.texts.push(t.clone());
                }
            }
            if let Some(v) = a.rating {
                if let Some(slot) = r.ratings.get_mut(v.saturating_sub(1) as usize) {
                    *slot += 1;
                }
            }
        }
    }
    for r in &mut qs {
        let total: u32 = r.ratings.iter().sum();
        if total > 0 {
            let sum: u32 = r
                .ratings
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u32 + 1) * c)
                .sum();
            // Half up to the hundredth.
            r.mean_x100 = Some((sum * 200 + total) / (2 * total));
        }
    }
    SurveyResults {
        responses: n,
        questions: qs,
    }
}

/// May an answerer (who has answered or not) see the results on `now`?
pub fn results_visible_to_answerer(s: &SurveyBody, answered: bool, now: i64) -> bool {
    match s.results {
        ResultsVisible::AfterAnswer => answered || now >= s.closes_at,
        ResultsVisible::AfterClose => now >= s.closes_at,
        ResultsVisible::Organisers => false,
    }
}
