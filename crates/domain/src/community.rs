//! The member community (seed 004 §五, §六, §九, §十, §十二) as pure rules:
//!
//! - [`content`]: reviewed content — supply/demand listings (供需大厅), honour
//!   certificates (荣誉证书), expert profiles (专家信息) and showcase entries (会员风采,
//!   企业风采). One life cycle for all of them: submitted → reviewed → shown; an edit of
//!   a shown item is reviewed again while the old version stays shown; the owner puts a
//!   shown item on or off the shelf and deletes it.
//! - [`card`]: the electronic business card (电子名片): layout, background, the fields
//!   the member chose, their own wording, and what the public page may show.
//! - [`showcase`]: what the showcases show of a member and their companies — never the
//!   phone, WeChat, ID number, height or weight.
//! - [`learning`]: reading time counted only while a lesson is open and visible, and the
//!   credits and pass it earns.
//!
//! The server stores and moves these through the approval engine; the device uses the
//! same functions to show what a change will do.

pub mod card;
pub mod content;
pub mod learning;
pub mod showcase;

/// Text as stored: control characters dropped, trimmed; `None` when empty.
pub(crate) fn tidy(s: &str) -> Option<String> {
    let t = crate::dues::clean_text(s);
    (!t.is_empty()).then_some(t)
}

/// `tidy`, and at most `max` characters.
pub(crate) fn tidy_max(
    s: Option<&str>,
    max: usize,
    too_long: crate::DomainError,
) -> crate::Result<Option<String>> {
    let t = s.and_then(tidy);
    if t.as_deref().is_some_and(|t| t.chars().count() > max) {
        return Err(too_long);
    }
    Ok(t)
}
