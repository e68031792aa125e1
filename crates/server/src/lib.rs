//! Huiji's central server: REST + JSON under /api/v1 over SQLite or PostgreSQL.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod cards;
pub mod clock;
pub mod config;
pub mod content;
pub mod credentials;
pub mod db;
pub mod demo;
pub mod demo_dues;
pub mod demo_events;
pub mod dues;
pub mod error;
pub mod events;
pub mod extract;
pub mod learning;
pub mod metrics;
pub mod notices;
pub mod openapi;
pub mod pay;
pub mod proof_image;
pub mod receipt;
pub mod records;
pub mod routes;
pub mod showcases;
pub mod sms;
pub mod sql;
pub mod state;
pub mod workflow;

use tokio::net::TcpListener;

/// Serves until the process is told to stop (Ctrl-C or SIGTERM). The membership status
/// pass runs at start and then hourly (and just after midnight) while it serves.
pub async fn serve(state: state::AppState, listener: TcpListener) -> std::io::Result<()> {
    let _ = metrics::handle();
    if let Ok(addr) = listener.local_addr() {
        let host = if addr.ip().is_unspecified() {
            std::net::SocketAddr::from(([127, 0, 0, 1], addr.port()))
        } else {
            addr
        };
        let _ = state.listening_at.set(format!("http://{host}"));
    }
    let job = workflow::spawn_membership_job(state.clone());
    let dues_job = dues::orders::spawn_dues_job(state.clone());
    let served = axum::serve(listener, app::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await;
    job.abort();
    dues_job.abort();
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
