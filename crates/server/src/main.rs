use clap::Parser;
use huiji_server::config::Config;
use huiji_server::{app, demo};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("HUIJI_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    tracing::info!(?config, "starting huiji-server");
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huiji-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listen = config.listen;
    let load_demo = config.demo;
    let state = app::build_state_default(config).await?;
    if load_demo {
        let report = demo::load(&state).await?;
        println!("{report}");
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    // Tests and scripts wait for this line to know the port (useful with port 0).
    println!(
        "huiji-server listening on http://{}",
        listener.local_addr()?
    );
    huiji_server::serve(state, listener).await?;
    Ok(())
}
