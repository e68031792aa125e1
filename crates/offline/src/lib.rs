//! Huiji's device side: the offline SQLite store, the outbox of local changes, and the
//! client that syncs them with the server (see DESIGN.md §Sync).
//!
//! Every local write changes the mirror and the outbox in one transaction; a push sends
//! the outbox and settles each op by the server's answer; a pull applies pages of server
//! rows, each with its cursor in one transaction.

pub mod app;
pub mod clock;
mod conflicts;
pub mod error;
mod local;
mod migrations;
mod outbox;
mod pull;
mod request_index;
pub mod store;
pub mod sync;

#[cfg(test)]
mod tests;

pub use clock::{Clock, ManualClock, SystemClock};
pub use conflicts::ConflictView;
pub use error::{Error, Result};
pub use outbox::{PushReport, RejectedOp};
pub use pull::{Progress, PullReport};
pub use store::{LocalRecord, Store, SyncStatus};
pub use sync::{RetryPolicy, SyncClient, SyncReport, DEFAULT_BATCH_SIZE};
