//! The app's side of the device: session, settings, home screens, member search and
//! sync orchestration, with no Tauri in sight. The Tauri commands are one-line calls
//! into `AppCore`, so everything here is tested without a window.

pub mod activities;
pub mod card;
mod checkpoint;
pub mod content;
mod core;
pub mod dues;
mod home;
pub mod institution;
pub mod learning;
mod memberships;
pub mod notices;
mod orgs;
mod remote;
pub mod search;
mod sites;
pub mod views;
pub mod workflow;

pub use self::checkpoint::{qr_svg, ScanMode};
pub use self::core::{app_error, check_server_url, AppCore, SyncEvent};
pub use activities::views::*;
pub use dues::views::*;
pub use institution::{
    IdentityKind, InstitutionBindingView, InstitutionLoginView, InstitutionOption,
    InstitutionUnbindView,
};
pub use sites::{EventView, RiskRegionView, SiteForm, SiteStatsView, SiteView, TicketView};
pub use views::*;
pub use workflow::request_page;
pub use workflow::views::*;
