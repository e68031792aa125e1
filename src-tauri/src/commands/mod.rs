//! Commands by area. Each is a thin call into `huiji_offline::app::AppCore`.

pub mod activities;
pub mod app;
pub mod auth;
pub mod card;
pub mod checkpoint;
pub mod content;
pub mod dues;
pub mod home;
pub mod institution;
pub mod learning;
pub mod notices;
pub mod sync;
pub mod workflow;
