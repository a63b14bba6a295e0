//! Connecting (with retries), URL redaction, error mapping and migrations.

use khabar_store::StoreError;
use postgres::error::SqlState;
use postgres::{Client, GenericClient, NoTls};
use std::time::Duration;

/// Migrations in order; the `schema_version` table holds the number applied.
const MIGRATIONS: [&str; 2] = [
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_story_evidence.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Advisory-lock key serialising migrations ("khabar" + 1).
const MIGRATION_LOCK_KEY: i64 = 0x6b68_6162_6172_0001;

/// How [`crate::PgStore::connect_with`] connects: attempts and exponential backoff between them.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Connection attempts before giving up (at least 1 is made).
    pub attempts: u32,
    /// Wait after the first failed attempt; doubled after each further one.
    pub first_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// Timeout of one attempt, unless the URL sets `connect_timeout`.
    pub connect_timeout: Duration,
}

impl Default for ConnectOptions {
    /// 5 attempts, waits of 0.2 s, 0.4 s, 0.8 s, 1.6 s (at most 3 s), 5 s per attempt.
    fn default() -> ConnectOptions {
        ConnectOptions {
            attempts: 5,
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(3),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl ConnectOptions {
    /// The defaults with `attempts` attempts.
    pub fn attempts(attempts: u32) -> ConnectOptions {
        ConnectOptions {
            attempts,
            ..ConnectOptions::default()
        }
    }
}

/// Internal failure: a PostgreSQL error (mapped at the API boundary, where the URL is known) or a store error.
#[derive(Debug)]
pub(crate) enum Fail {
    Pg(postgres::Error),
    Store(StoreError),
}

impl From<postgres::Error> for Fail {
    fn from(e: postgres::Error) -> Fail {
        Fail::Pg(e)
    }
}

impl From<serde_json::Error> for Fail {
    fn from(e: serde_json::Error) -> Fail {
        Fail::Store(StoreError::Json(e))
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Fail {
        Fail::Store(e)
    }
}

/// Internal result.
pub(crate) type R<T> = Result<T, Fail>;

/// Maps an internal failure to a [`StoreError`]: a lost connection becomes [`StoreError::Unreachable`] naming the
/// (redacted) URL, any other PostgreSQL error [`StoreError::Backend`] with backend `"postgres"`.
pub(crate) fn to_store(redacted_url: &str, f: Fail) -> StoreError {
    match f {
        Fail::Store(e) => e,
        Fail::Pg(e) if is_connection_loss(&e) => StoreError::Unreachable {
            url: redacted_url.to_string(),
            message: format!("connection lost: {}", describe(&e)),
        },
        Fail::Pg(e) => StoreError::Backend {
            backend: "postgres",
            message: describe(&e),
        },
    }
}

/// Whether a store error means the server could not be reached or the connection was lost (retry after
/// [`crate::PgStore::reconnect`]) rather than a failed statement.
pub fn is_connection_error(e: &StoreError) -> bool {
    matches!(e, StoreError::Unreachable { .. })
}

/// Whether a PostgreSQL error is a lost or refused connection.
fn is_connection_loss(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(code) = e.code() {
        return code.code().starts_with("08")
            || *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW;
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Whether a failed connection attempt is worth repeating (no answer, or the server is starting or shutting down;
/// not a refused password or a missing database).
fn is_retryable(e: &postgres::Error) -> bool {
    match e.code() {
        Some(code) => {
            *code == SqlState::CANNOT_CONNECT_NOW
                || *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::TOO_MANY_CONNECTIONS
        }
        None => true,
    }
}

/// One line describing a PostgreSQL error, with the server's message and SQLSTATE when it sent one.
pub(crate) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
        if let Some(detail) = db.detail() {
            s.push_str(": ");
            s.push_str(detail);
        }
        return s;
    }
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        source = cause.source();
    }
    s
}

/// The URL without its password, for messages: `postgres://user:secret@host/db` → `postgres://user@host/db`;
/// a `password=` query parameter or key/value setting is dropped too.
pub fn redact(url: &str) -> String {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    for scheme in ["postgresql://", "postgres://"] {
        if lower.starts_with(scheme) {
            let rest = &url[scheme.len()..];
            // The last '@' ends the user info: a password may hold unescaped '/', '?' or '@'; cutting at the last
            // one can only drop more, never show part of the password.
            let (user, after) = match rest.rfind('@') {
                Some(at) => {
                    let info = &rest[..at];
                    let user = info.split(':').next().unwrap_or("");
                    (Some(user), &rest[at + 1..])
                }
                None => (None, rest),
            };
            let (base, query) = match after.split_once('?') {
                Some((b, q)) => (b, Some(q)),
                None => (after, None),
            };
            let mut out = String::with_capacity(url.len());
            out.push_str(&url[..scheme.len()]);
            if let Some(user) = user.filter(|u| !u.is_empty()) {
                out.push_str(user);
                out.push('@');
            }
            out.push_str(base);
            if let Some(q) = query {
                let kept: Vec<&str> = q
                    .split('&')
                    .filter(|p| !p.to_ascii_lowercase().starts_with("password="))
                    .collect();
                if !kept.is_empty() {
                    out.push('?');
                    out.push_str(&kept.join("&"));
                }
            }
            return out;
        }
    }
    redact_key_value(url)
}

/// Drops the `password` setting of a key/value connection string (`host=h password='a b' user=u`).
fn redact_key_value(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let start = i;
        while i < chars.len() && chars[i] != '=' && !chars[i].is_whitespace() {
            i += 1;
        }
        let key: String = chars[start..i].iter().collect();
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if i < chars.len() && chars[i] == '\'' {
                value.push('\'');
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        value.push(chars[i]);
                        i += 1;
                    }
                    value.push(chars[i]);
                    i += 1;
                }
                value.push('\'');
                i += 1;
            } else {
                while i < chars.len() && !chars[i].is_whitespace() {
                    value.push(chars[i]);
                    i += 1;
                }
            }
        }
        if !key.eq_ignore_ascii_case("password") {
            out.push(format!("{key}={value}"));
        }
    }
    out.join(" ")
}

/// The connection settings of `url` with the defaults of `opts` (timeout, application name).
pub(crate) fn config_for(url: &str, opts: &ConnectOptions) -> Result<postgres::Config, StoreError> {
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e: postgres::Error| StoreError::Unreachable {
            url: redact(url),
            message: format!("invalid URL: {}", describe(&e)),
        })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(opts.connect_timeout);
    }
    if config.get_application_name().is_none() {
        config.application_name("khabar");
    }
    Ok(config)
}

/// Opens one connection, retrying with exponential backoff; fails with [`StoreError::Unreachable`].
pub(crate) fn open_client(url: &str, opts: &ConnectOptions) -> Result<Client, StoreError> {
    let redacted = redact(url);
    let unreachable = |message: String| StoreError::Unreachable {
        url: redacted.clone(),
        message,
    };
    let config = config_for(url, opts)?;
    let attempts = opts.attempts.max(1);
    let mut wait = opts.first_backoff;
    let mut n = 0;
    loop {
        n += 1;
        match config.connect(NoTls) {
            Ok(client) => return Ok(client),
            Err(e) => {
                if n >= attempts || !is_retryable(&e) {
                    let tries = if n == 1 {
                        "1 attempt".to_string()
                    } else {
                        format!("{n} attempts")
                    };
                    return Err(unreachable(format!("{} (after {tries})", describe(&e))));
                }
                std::thread::sleep(wait);
                wait = (wait * 2).min(opts.max_backoff);
            }
        }
    }
}

/// Applies the missing migrations up to `target`, all in one transaction under an advisory lock so concurrent
/// workers starting together migrate once. Returns the schema version afterwards.
pub(crate) fn migrate(client: &mut Client, target: i32) -> R<i32> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")?;
    let found = schema_version(&mut tx)?;
    if found > SCHEMA_VERSION {
        return Err(Fail::Store(StoreError::TooNew {
            found: found.into(),
            supported: SCHEMA_VERSION.into(),
        }));
    }
    let mut version = found;
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target.max(0) as usize)
        .skip(found.max(0) as usize)
    {
        tx.batch_execute(sql)?;
        version = i as i32 + 1;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&version])?;
    }
    tx.commit()?;
    Ok(version)
}

/// The schema version stored (0 before any migration).
pub(crate) fn schema_version(c: &mut impl GenericClient) -> R<i32> {
    Ok(
        c.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?
            .get(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(url: &str, opts: &ConnectOptions) -> StoreError {
        match open_client(url, opts) {
            Ok(_) => panic!("connected to {url}"),
            Err(e) => e,
        }
    }

    #[test]
    fn redact_drops_passwords_in_every_form() {
        assert_eq!(
            redact("postgres://khabar:s3cret@127.0.0.1:5432/khabar"),
            "postgres://khabar@127.0.0.1:5432/khabar"
        );
        assert_eq!(
            redact("postgresql://u:p%40ss@db.example:6543/x?sslmode=disable&password=leak"),
            "postgresql://u@db.example:6543/x?sslmode=disable"
        );
        // An unescaped '@' or '/' inside the password never leaks part of it.
        let r = redact("postgres://u:a/b@c@host/db");
        assert!(!r.contains("a/b") && !r.contains("b@c"), "{r}");
        assert_eq!(r, "postgres://u@host/db");
        assert_eq!(redact("postgres://host/db"), "postgres://host/db");
        assert_eq!(
            redact("host=127.0.0.1 password='a b\\' c' user=khabar dbname=khabar"),
            "host=127.0.0.1 user=khabar dbname=khabar"
        );
        assert_eq!(redact("host=h PASSWORD = x port=1"), "host=h port=1");
    }

    #[test]
    fn a_closed_port_is_unreachable_and_names_the_url_without_password() {
        // Bind then drop a listener to get a port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let url = format!("postgres://khabar:topsecret@127.0.0.1:{port}/khabar");
        let started = std::time::Instant::now();
        let err = fails(&url, &ConnectOptions::attempts(1));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(is_connection_error(&err));
        let msg = err.to_string();
        assert!(msg.contains(&format!("127.0.0.1:{port}/khabar")), "{msg}");
        assert!(msg.contains("khabar@"), "{msg}");
        assert!(!msg.contains("topsecret"), "{msg}");
        assert!(msg.contains("1 attempt"), "{msg}");
    }

    #[test]
    fn retries_back_off_before_failing() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let opts = ConnectOptions {
            attempts: 3,
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(150),
            connect_timeout: Duration::from_secs(2),
        };
        let started = std::time::Instant::now();
        let err = fails(&format!("postgres://u@127.0.0.1:{port}/d"), &opts);
        // Two waits: 100 ms then 150 ms (capped).
        assert!(started.elapsed() >= Duration::from_millis(250));
        assert!(err.to_string().contains("3 attempts"), "{err}");
    }

    #[test]
    fn a_malformed_url_is_reported_without_its_password() {
        let err = fails("postgres://u:pw@host:notaport/db", &ConnectOptions::attempts(1));
        assert!(is_connection_error(&err));
        assert!(!err.to_string().contains("pw@"), "{err}");
    }
}
