//! The background sync: at start, every minute, right after login, and as soon as the
//! server answers again after being unreachable. Progress and status go to the UI as
//! `sync-progress` and `sync-status` events.

use std::sync::Arc;
use std::time::Duration;

use huiji_offline::app::{AppCore, SyncEvent};
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::Notify;

const EVERY: Duration = Duration::from_secs(60);
const PROBE_WHEN_OFFLINE: Duration = Duration::from_secs(10);

pub fn emitter<R: Runtime>(app: AppHandle<R>) -> impl Fn(SyncEvent) + Send + Sync {
    move |e| {
        let _ = match e {
            SyncEvent::Status(s) => app.emit("sync-status", s),
            SyncEvent::Progress(p) => app.emit("sync-progress", p),
        };
    }
}

pub fn spawn<R: Runtime>(app: AppHandle<R>, core: Arc<AppCore>, kick: Arc<Notify>) {
    tauri::async_runtime::spawn(async move {
        let emit = emitter(app);
        loop {
            if matches!(core.session(), Ok(Some(_))) {
                let _ = core.sync_now(&emit).await;
            }
            let online = core.sync_status().map(|s| s.online).unwrap_or(false);
            if online {
                tokio::select! {
                    _ = kick.notified() => {}
                    _ = tokio::time::sleep(EVERY) => {}
                }
            } else {
                // Offline: probe cheaply until the server answers, then sync at once.
                let mut waited = Duration::ZERO;
                loop {
                    tokio::select! {
                        _ = kick.notified() => break,
                        _ = tokio::time::sleep(PROBE_WHEN_OFFLINE) => {}
                    }
                    waited += PROBE_WHEN_OFFLINE;
                    if core.server_reachable().await || waited >= EVERY {
                        break;
                    }
                }
            }
        }
    });
}
