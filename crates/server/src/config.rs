//! One typed config from flags and `HUIJI_*` variables. Secrets never print.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser, Clone)]
#[command(
    name = "huiji-server",
    version,
    about = "Huiji central server (会籍 中心服务器)"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "HUIJI_LISTEN", default_value = "127.0.0.1:8686")]
    pub listen: SocketAddr,
    /// Data directory; the SQLite file is `<data>/huiji.db`.
    #[arg(long, env = "HUIJI_DATA", default_value = "./data")]
    pub data: PathBuf,
    /// Load the demo organisations and accounts (idempotent) and print their logins.
    #[arg(long, env = "HUIJI_DEMO")]
    pub demo: bool,
    /// Development mode: SMS codes are returned in the API response for tests.
    #[arg(long, env = "HUIJI_DEV")]
    pub dev: bool,
    /// postgres://… selects PostgreSQL; unset means the embedded SQLite file.
    #[arg(long = "database-url", env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Send SMS by POSTing `{phone, message}` as JSON to this URL; unset logs codes.
    #[arg(long, env = "HUIJI_SMS_HTTP_URL")]
    pub sms_http_url: Option<String>,
    /// Bearer token lifetime in hours.
    #[arg(long, env = "HUIJI_TOKEN_TTL_HOURS", default_value_t = 24 * 30)]
    pub token_ttl_hours: i64,
    /// The address clients reach this server at, for links it hands out (payment pages,
    /// the provider's notify URL). Default: the address it listens on.
    #[arg(long = "public-url", env = "HUIJI_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The online payment provider: `sandbox` (the local demo provider) or `none`.
    /// Default: `sandbox` with `--demo` or `--dev`, else `none`.
    #[arg(long = "pay-provider", env = "HUIJI_PAY_PROVIDER")]
    pub pay_provider: Option<String>,
}

impl Config {
    /// A config for tests and embedding: dev mode, SQLite in `data`.
    pub fn for_tests(data: PathBuf, database_url: Option<String>) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data,
            demo: false,
            dev: true,
            database_url,
            sms_http_url: None,
            token_ttl_hours: 24,
            public_url: None,
            pay_provider: None,
        }
    }
}

fn redact(url: &str) -> String {
    // postgres://user:password@host/db → postgres://user:***@host/db
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data", &self.data)
            .field("demo", &self.demo)
            .field("dev", &self.dev)
            .field("database_url", &self.database_url.as_deref().map(redact))
            .field("sms_http_url", &self.sms_http_url.as_deref().map(redact))
            .field("token_ttl_hours", &self.token_ttl_hours)
            .field("public_url", &self.public_url)
            .field("pay_provider", &self.pay_provider)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_database_password() {
        let mut c = Config::for_tests(PathBuf::from("/tmp/x"), None);
        c.database_url = Some("postgres://huiji:s3cret@db.internal:5432/huiji".into());
        let s = format!("{c:?}");
        assert!(!s.contains("s3cret"), "{s}");
        assert!(
            s.contains("postgres://huiji:***@db.internal:5432/huiji"),
            "{s}"
        );
    }

    #[test]
    fn flags_have_the_documented_defaults() {
        let c = Config::try_parse_from(["huiji-server"]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8686");
        assert_eq!(c.data, PathBuf::from("./data"));
        assert!(!c.demo && !c.dev);
    }
}
