//! The learning platform on the device (学习平台, seed 004 §十二): the course list and a
//! course's lessons (kept, so they open with no network), enrolment, the reading reports
//! of the lesson page, and the completion certificate saved as a PDF. Reading time is
//! the server's to count (on its own clock, only while the page is open and visible): a
//! report that cannot be sent earns nothing, so reading offline does not count — the
//! screen says so. Secretaries write and publish courses here too.

use std::path::Path;

use huiji_domain::community::learning::{
    Course, CourseDetail, CourseSummary, EnrolmentView, ReadSignal,
};
use huiji_domain::DomainError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dues::views::SavedFile;
use super::dues::{bad_id, offline_as, save_file};
use super::AppCore;
use crate::Result;

const KEY_LIST: &str = "courses";

pub const COURSE_NEEDS_NETWORK: DomainError = DomainError::new(
    "CourseNeedsNetwork",
    "报名、计入学习时长和下载证书需要联网，请连接网络后再试",
    "Enrolling, counting reading time and the certificate need the network",
);

pub const COURSES_NOT_KEPT: DomainError = DomainError::new(
    "CoursesNotKept",
    "没有网络，本机也还没有保存过课程：请联网后打开一次学习平台",
    "Offline, and no course was kept on the device yet",
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CourseListScreen {
    pub items: Vec<CourseSummary>,
    pub offline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CourseScreen {
    pub course: CourseDetail,
    pub offline: bool,
}

fn course_key(id: &uuid::Uuid) -> String {
    format!("course:{id}")
}

impl AppCore {
    fn keep_course(&self, d: &CourseDetail) -> Result<()> {
        self.store()
            .set_setting(&course_key(&d.summary.id), Some(&serde_json::to_string(d)?))
    }

    pub async fn courses(&self) -> Result<CourseListScreen> {
        let (items, offline) = self
            .kept(KEY_LIST, "/api/v1/courses", COURSES_NOT_KEPT)
            .await?;
        Ok(CourseListScreen { items, offline })
    }

    pub async fn course(&self, id: &str) -> Result<CourseScreen> {
        let id = bad_id(id)?;
        let (course, offline) = self
            .kept(
                &course_key(&id),
                &format!("/api/v1/courses/{id}"),
                COURSES_NOT_KEPT,
            )
            .await?;
        Ok(CourseScreen { course, offline })
    }

    /// 报名: the course opens at once when free; a price makes an order to pay in 缴费.
    pub async fn course_enrol(&self, id: &str) -> Result<CourseDetail> {
        let id = bad_id(id)?;
        let token = self.token()?;
        let d: CourseDetail = self
            .remote()?
            .post(
                &format!("/api/v1/courses/{id}/enrol"),
                Some(&token),
                &serde_json::json!({}),
            )
            .await
            .map_err(|e| offline_as(e, COURSE_NEEDS_NETWORK))?;
        self.keep_course(&d)?;
        Ok(d)
    }

    /// One report of a lesson's page (opened, shown, hidden, a beat, closed).
    pub async fn course_read(
        &self,
        id: &str,
        lesson: u32,
        signal: ReadSignal,
    ) -> Result<EnrolmentView> {
        let id = bad_id(id)?;
        let token = self.token()?;
        self.remote()?
            .post(
                &format!("/api/v1/courses/{id}/lessons/{lesson}/read"),
                Some(&token),
                &serde_json::json!({ "signal": signal }),
            )
            .await
            .map_err(|e| offline_as(e, COURSE_NEEDS_NETWORK))
    }

    /// The completion certificate, saved to `dir`.
    pub async fn course_certificate(&self, id: &str, dir: &Path) -> Result<SavedFile> {
        let id = bad_id(id)?;
        let token = self.token()?;
        let f = self
            .remote()?
            .get_bytes(&format!("/api/v1/courses/{id}/certificate"), Some(&token))
            .await
            .map_err(|e| offline_as(e, COURSE_NEEDS_NETWORK))?;
        save_file(dir, f.name.as_deref().unwrap_or("结业证书.pdf"), &f.bytes)
    }

    /// A secretary's new course at `node_id` (`id` None) or an edit (checked here first).
    pub async fn course_save(
        &self,
        id: Option<&str>,
        node_id: &str,
        course: &Course,
    ) -> Result<CourseDetail> {
        huiji_domain::community::learning::validate_course(course)?;
        let token = self.token()?;
        let remote = self.remote()?;
        let d: CourseDetail = match id {
            Some(id) => {
                let id = bad_id(id)?;
                remote
                    .put(
                        &format!("/api/v1/courses/{id}"),
                        Some(&token),
                        &serde_json::json!({ "course": course }),
                    )
                    .await
            }
            None => {
                let node = bad_id(node_id)?;
                remote
                    .post(
                        "/api/v1/courses",
                        Some(&token),
                        &serde_json::json!({ "node_id": node, "course": course }),
                    )
                    .await
            }
        }
        .map_err(|e| offline_as(e, COURSE_NEEDS_NETWORK))?;
        self.keep_course(&d)?;
        Ok(d)
    }

    /// 发布 (true) / 下架 (false).
    pub async fn course_publish(&self, id: &str, published: bool) -> Result<CourseDetail> {
        let id = bad_id(id)?;
        let token = self.token()?;
        let d: CourseDetail = self
            .remote()?
            .put(
                &format!("/api/v1/courses/{id}/publish"),
                Some(&token),
                &serde_json::json!({ "published": published }),
            )
            .await
            .map_err(|e| offline_as(e, COURSE_NEEDS_NETWORK))?;
        self.keep_course(&d)?;
        Ok(d)
    }
}

pub fn decls(cfg: &ts_rs::Config) -> Vec<String> {
    use huiji_domain::community::learning::{Lesson, LessonView};
    vec![
        Lesson::decl(cfg),
        Course::decl(cfg),
        ReadSignal::decl(cfg),
        EnrolmentView::decl(cfg),
        CourseSummary::decl(cfg),
        LessonView::decl(cfg),
        CourseDetail::decl(cfg),
        CourseListScreen::decl(cfg),
        CourseScreen::decl(cfg),
    ]
}
