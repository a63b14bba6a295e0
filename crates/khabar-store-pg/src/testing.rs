//! Helpers for tests that need a real PostgreSQL server: `KHABAR_PG_URL`, or else the one `scripts/services.sh
//! start` brings up; each test gets its own fresh database so tests run in parallel. Not for production use.

use std::sync::OnceLock;

/// The server's URL (database `khabar`), or why there is none.
pub fn server_url() -> Result<String, String> {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("KHABAR_PG_URL") {
            if !url.trim().is_empty() {
                return Ok(url);
            }
        }
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/services.sh");
        let out = std::process::Command::new("bash")
            .arg(&script)
            .arg("start")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        stdout
            .lines()
            .find_map(|l| l.strip_prefix("KHABAR_PG_URL="))
            .map(str::to_string)
            .ok_or_else(|| {
                format!(
                    "scripts/services.sh start failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )
            })
    })
    .clone()
}

/// `url` with its database name replaced.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (server, _) = base.rsplit_once('/').unwrap_or((base, ""));
    match query {
        Some(q) => format!("{server}/{db}?{q}"),
        None => format!("{server}/{db}"),
    }
}

/// A fresh database on the test server, dropped (with its connections) when this value is dropped.
pub struct TestDb {
    /// URL of the server's `khabar` database (used to create and drop test databases).
    pub admin: String,
    /// Name of the fresh database.
    pub name: String,
    /// URL of the fresh database.
    pub url: String,
}

impl TestDb {
    /// A fresh database, or `None` after printing `SKIPPED: …` when no server can be reached or started.
    pub fn new() -> Option<TestDb> {
        let admin = match server_url() {
            Ok(u) => u,
            Err(why) => {
                eprintln!("SKIPPED: no PostgreSQL server: {why}");
                return None;
            }
        };
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        let name = format!("khabar_test_{:016x}", h.finish());
        let created = postgres::Client::connect(&admin, postgres::NoTls)
            .and_then(|mut c| c.batch_execute(&format!("CREATE DATABASE {name}")));
        if let Err(e) = created {
            eprintln!(
                "SKIPPED: cannot create a test database on {}: {e}",
                crate::redact(&admin)
            );
            return None;
        }
        let url = with_db(&admin, &name);
        Some(TestDb { admin, name, url })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}
