//! Managed state, set up once in `run()`.

use std::sync::Arc;

use huiji_offline::app::AppCore;
use tokio::sync::Notify;

pub struct AppState {
    pub core: Arc<AppCore>,
    /// Wakes the background sync (after login, on "sync now" from elsewhere).
    pub kick: Arc<Notify>,
}
