//! khabar's work queue for scale-out mode, on NATS JetStream.
//!
//! `khabar ingest --bus nats://…` publishes every raw document to the work stream ([`WORK_STREAM`], subject
//! [`WORK_SUBJECT`], work-queue retention); `khabar worker` processes pull from one durable consumer
//! ([`CONSUMER`]) that all workers share, so each message goes to one worker at a time. A worker acknowledges a
//! message only after the store committed its result; a worker that dies leaves the message unacknowledged and
//! JetStream redelivers it after `ack_wait` (30 s, or `$KHABAR_ACK_WAIT` seconds) to another worker (the store's raw-hash check makes the replay a no-op
//! when the commit had happened). Messages that cannot be processed (malformed, or delivered `max_deliver` times
//! without completing) go to the dead-letter stream ([`DEAD_STREAM`]) with the reason in a header, and are counted.
//!
//! The API is blocking: the bus owns a small tokio runtime, so the thread-based pipeline can use it directly.

#![deny(missing_docs)]

#[doc(hidden)]
pub mod testing;

use async_nats::jetstream::{self, consumer::pull, stream, AckKind};
use futures_util::StreamExt;
use std::time::Duration;
use thiserror::Error;

/// Subject of raw documents waiting to be processed.
pub const WORK_SUBJECT: &str = "khabar.raw";
/// Stream holding [`WORK_SUBJECT`] (work-queue retention: a message leaves once acknowledged).
pub const WORK_STREAM: &str = "KHABAR_WORK";
/// Subject of dead letters.
pub const DEAD_SUBJECT: &str = "khabar.dead";
/// Stream holding [`DEAD_SUBJECT`].
pub const DEAD_STREAM: &str = "KHABAR_DEAD";
/// The durable consumer all workers share.
pub const CONSUMER: &str = "khabar-workers";
/// Header of a dead letter that says why it was dead-lettered.
pub const REASON_HEADER: &str = "Khabar-Reason";

/// Why a bus operation failed.
#[derive(Debug, Error)]
pub enum BusError {
    /// The NATS server could not be reached.
    #[error("cannot reach bus {url}: {message}")]
    Unreachable {
        /// The bus URL, without credentials.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// JetStream refused or failed an operation.
    #[error("bus error while {action}: {message}")]
    JetStream {
        /// What was being done.
        action: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// Result alias of this crate.
pub type BusResult<T> = Result<T, BusError>;

fn js_err(action: &'static str, e: impl std::fmt::Display) -> BusError {
    BusError::JetStream {
        action,
        message: e.to_string(),
    }
}

/// Delivery tuning.
#[derive(Debug, Clone)]
pub struct BusConfig {
    /// How long a worker may hold a message before JetStream redelivers it elsewhere.
    pub ack_wait: Duration,
    /// Deliveries after which a message that never completed is dead-lettered.
    pub max_deliver: i64,
    /// Connection attempts before giving up (exponential backoff from 200 ms).
    pub connect_attempts: u32,
}

impl Default for BusConfig {
    /// 30 s ack wait (`$KHABAR_ACK_WAIT` seconds when set), 5 deliveries, 5 connection attempts.
    fn default() -> Self {
        let ack_wait = std::env::var("KHABAR_ACK_WAIT")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(30);
        BusConfig {
            ack_wait: Duration::from_secs(ack_wait),
            max_deliver: 5,
            connect_attempts: 5,
        }
    }
}

/// The URL with any `user:password@` removed, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}{}", &url[..scheme + 3], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// A connection to the bus with the khabar streams in place.
pub struct Bus {
    rt: tokio::runtime::Runtime,
    js: jetstream::Context,
    url: String,
    config: BusConfig,
}

impl Bus {
    /// Connects to `url` with the default [`BusConfig`] and creates the streams if missing.
    pub fn connect(url: &str) -> BusResult<Bus> {
        Bus::connect_with(url, BusConfig::default())
    }

    /// Connects to `url`, retrying with backoff, and creates the streams and the shared consumer if missing.
    pub fn connect_with(url: &str, config: BusConfig) -> BusResult<Bus> {
        let shown = redact(url);
        let unreachable = |message: String| BusError::Unreachable {
            url: shown.clone(),
            message,
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| unreachable(format!("cannot start the bus runtime: {e}")))?;
        let mut delay = Duration::from_millis(200);
        let mut last = String::new();
        let mut client = None;
        for attempt in 0..config.connect_attempts.max(1) {
            if attempt > 0 {
                std::thread::sleep(delay);
                delay = (delay * 2).min(Duration::from_secs(3));
            }
            let attempt = rt.block_on(async {
                tokio::time::timeout(
                    Duration::from_secs(3),
                    async_nats::ConnectOptions::new()
                        .connection_timeout(Duration::from_secs(2))
                        .connect(url),
                )
                .await
            });
            match attempt {
                Ok(Ok(c)) => {
                    client = Some(c);
                    break;
                }
                Ok(Err(e)) => last = e.to_string(),
                Err(_) => last = "timed out".into(),
            }
        }
        let client = client.ok_or_else(|| unreachable(last))?;
        let js = jetstream::new(client);
        let bus = Bus {
            rt,
            js,
            url: shown,
            config,
        };
        bus.ensure()?;
        Ok(bus)
    }

    /// The URL without credentials.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn ensure(&self) -> BusResult<()> {
        let config = self.config.clone();
        self.rt.block_on(async {
            let work = self
                .js
                .get_or_create_stream(stream::Config {
                    name: WORK_STREAM.into(),
                    subjects: vec![WORK_SUBJECT.into()],
                    retention: stream::RetentionPolicy::WorkQueue,
                    duplicate_window: Duration::from_secs(120),
                    ..Default::default()
                })
                .await
                .map_err(|e| js_err("creating the work stream", e))?;
            self.js
                .get_or_create_stream(stream::Config {
                    name: DEAD_STREAM.into(),
                    subjects: vec![DEAD_SUBJECT.into()],
                    ..Default::default()
                })
                .await
                .map_err(|e| js_err("creating the dead-letter stream", e))?;
            work.get_or_create_consumer(
                CONSUMER,
                pull::Config {
                    durable_name: Some(CONSUMER.into()),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait: config.ack_wait,
                    max_deliver: config.max_deliver,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| js_err("creating the worker consumer", e))?;
            Ok(())
        })
    }

    /// Publishes one work item and waits for JetStream to store it. `msg_id` deduplicates re-publishes of the same
    /// item within two minutes.
    pub fn publish(&self, msg_id: &str, payload: Vec<u8>) -> BusResult<()> {
        self.publish_to(WORK_SUBJECT, msg_id, None, payload)
    }

    fn publish_to(
        &self,
        subject: &str,
        msg_id: &str,
        reason: Option<&str>,
        payload: Vec<u8>,
    ) -> BusResult<()> {
        let mut headers = async_nats::HeaderMap::new();
        if !msg_id.is_empty() {
            headers.insert("Nats-Msg-Id", msg_id);
        }
        if let Some(reason) = reason {
            // Header values are one line.
            let line: String = reason
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            headers.insert(REASON_HEADER, line.as_str());
        }
        self.rt.block_on(async {
            let ack = self
                .js
                .publish_with_headers(subject.to_string(), headers, payload.into())
                .await
                .map_err(|e| js_err("publishing", e))?;
            ack.await.map_err(|e| js_err("waiting for the publish ack", e))?;
            Ok(())
        })
    }

    /// Messages of the work stream not yet acknowledged (waiting or in a worker's hands).
    pub fn pending(&self) -> BusResult<u64> {
        self.stored_messages(
            WORK_STREAM,
            ("opening the work stream", "reading the work stream"),
        )
    }

    /// Dead letters stored so far.
    pub fn dead_letter_count(&self) -> BusResult<u64> {
        self.stored_messages(
            DEAD_STREAM,
            ("opening the dead-letter stream", "reading the dead-letter stream"),
        )
    }

    /// Messages stored in `stream`; `actions` name the two steps in errors.
    fn stored_messages(&self, stream: &str, actions: (&'static str, &'static str)) -> BusResult<u64> {
        self.rt.block_on(async {
            let mut s = self
                .js
                .get_stream(stream)
                .await
                .map_err(|e| js_err(actions.0, e))?;
            let info = s.info().await.map_err(|e| js_err(actions.1, e))?;
            Ok(info.state.messages)
        })
    }

    /// Up to `max` dead letters, oldest first: (reason, payload).
    pub fn dead_letters(&self, max: usize) -> BusResult<Vec<(String, Vec<u8>)>> {
        self.rt.block_on(async {
            let s = self
                .js
                .get_stream(DEAD_STREAM)
                .await
                .map_err(|e| js_err("opening the dead-letter stream", e))?;
            let mut out = Vec::new();
            for seq in 1..=u64::MAX {
                if out.len() >= max {
                    break;
                }
                match s.get_raw_message(seq).await {
                    Ok(m) => {
                        let reason = m
                            .headers
                            .get(REASON_HEADER)
                            .map(|v| v.as_str().to_string())
                            .unwrap_or_default();
                        out.push((reason, m.payload.to_vec()));
                    }
                    Err(_) => break,
                }
            }
            Ok(out)
        })
    }

    /// A handle on the shared worker consumer.
    pub fn consumer(&self) -> BusResult<Consumer<'_>> {
        let inner = self.rt.block_on(async {
            let s = self
                .js
                .get_stream(WORK_STREAM)
                .await
                .map_err(|e| js_err("opening the work stream", e))?;
            s.get_consumer::<pull::Config>(CONSUMER)
                .await
                .map_err(|e| js_err("opening the worker consumer", e))
        })?;
        Ok(Consumer { bus: self, inner })
    }
}

/// A worker's handle on the shared consumer.
pub struct Consumer<'a> {
    bus: &'a Bus,
    inner: jetstream::consumer::PullConsumer,
}

impl Consumer<'_> {
    /// The next message, waiting up to `wait`; `None` when nothing came.
    pub fn next(&self, wait: Duration) -> BusResult<Option<Delivery<'_>>> {
        let wait = wait.max(Duration::from_millis(100));
        self.bus.rt.block_on(async {
            let mut batch = self
                .inner
                .fetch()
                .max_messages(1)
                .expires(wait)
                .messages()
                .await
                .map_err(|e| js_err("fetching work", e))?;
            match batch.next().await {
                None => Ok(None),
                Some(Ok(msg)) => Ok(Some(Delivery { bus: self.bus, msg })),
                Some(Err(e)) => Err(js_err("receiving work", e)),
            }
        })
    }
}

/// One message in a worker's hands. Drop it without acknowledging and JetStream redelivers it after `ack_wait`.
pub struct Delivery<'a> {
    bus: &'a Bus,
    msg: jetstream::Message,
}

impl Delivery<'_> {
    /// The message body.
    pub fn payload(&self) -> &[u8] {
        &self.msg.payload
    }

    /// How many times this message has been delivered (1 on the first delivery).
    pub fn attempt(&self) -> i64 {
        self.msg.info().map(|i| i.delivered).unwrap_or(1)
    }

    /// Whether this is the last delivery JetStream will make.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt() >= self.bus.config.max_deliver
    }

    /// Acknowledges the message as done, waiting for the server to confirm.
    pub fn ack(self) -> BusResult<()> {
        self.bus
            .rt
            .block_on(self.msg.double_ack())
            .map_err(|e| js_err("acknowledging", e))
    }

    /// Hands the message back for redelivery after `delay`.
    pub fn nak(self, delay: Duration) -> BusResult<()> {
        self.bus
            .rt
            .block_on(self.msg.ack_with(AckKind::Nak(Some(delay))))
            .map_err(|e| js_err("returning work", e))
    }

    /// Tells JetStream the worker is still busy with the message (resets its `ack_wait`).
    pub fn in_progress(&self) -> BusResult<()> {
        self.bus
            .rt
            .block_on(self.msg.ack_with(AckKind::Progress))
            .map_err(|e| js_err("extending the ack deadline", e))
    }

    /// Moves the message to the dead-letter stream with `reason`, then removes it from the work stream.
    pub fn dead_letter(self, reason: &str) -> BusResult<()> {
        let id = self
            .msg
            .info()
            .map(|i| format!("dead-{}", i.stream_sequence))
            .unwrap_or_default();
        self.bus
            .publish_to(DEAD_SUBJECT, &id, Some(reason), self.msg.payload.to_vec())?;
        self.bus
            .rt
            .block_on(self.msg.ack_with(AckKind::Term))
            .map_err(|e| js_err("terminating a dead letter", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_drops_credentials_only() {
        assert_eq!(redact("nats://u:secret@127.0.0.1:4222"), "nats://127.0.0.1:4222");
        assert_eq!(redact("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
    }

    #[test]
    fn an_unreachable_server_is_named_in_the_error() {
        // Port 1 on loopback: nothing listens there.
        let config = BusConfig {
            connect_attempts: 1,
            ..BusConfig::default()
        };
        let err = Bus::connect_with("nats://user:pw@127.0.0.1:1", config)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("nats://127.0.0.1:1"), "{err}");
        assert!(!err.contains("pw"), "{err}");
    }
}
