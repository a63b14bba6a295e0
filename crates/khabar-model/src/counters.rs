//! Per-stage counters: received, processed, skipped, rejected.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// Lock-free counters a stage bumps per item; shared between the stage's worker threads.
#[derive(Debug, Default)]
pub struct StageCounters {
    received: AtomicU64,
    processed: AtomicU64,
    skipped: AtomicU64,
    rejected: AtomicU64,
    busy_nanos: AtomicU64,
}

/// A point-in-time copy of [`StageCounters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CounterSnapshot {
    /// Items that reached the stage.
    pub received: u64,
    /// Items the stage passed on.
    pub processed: u64,
    /// Items deliberately dropped (duplicates, already stored).
    pub skipped: u64,
    /// Items refused as bad input.
    pub rejected: u64,
    /// Time spent inside the stage, summed over its worker threads, in milliseconds.
    pub busy_ms: u64,
}

impl StageCounters {
    /// Counts an item arriving.
    pub fn received(&self) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }
    /// Counts an item passed on.
    pub fn processed(&self) {
        self.processed.fetch_add(1, Ordering::Relaxed);
    }
    /// Counts an item skipped.
    pub fn skipped(&self) {
        self.skipped.fetch_add(1, Ordering::Relaxed);
    }
    /// Counts an item rejected.
    pub fn rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }
    /// Adds time spent processing (summed over threads).
    pub fn add_busy(&self, elapsed: std::time::Duration) {
        self.busy_nanos.fetch_add(
            elapsed.as_nanos().min(u128::from(u64::MAX)) as u64,
            Ordering::Relaxed,
        );
    }
    /// Runs `f`, adding its duration to the stage's busy time.
    pub fn timed<T>(&self, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let out = f();
        self.add_busy(start.elapsed());
        out
    }
    /// Records the outcome of [`crate::Stage::process`]-like results.
    pub fn record<T>(&self, result: &Result<T, crate::StageError>) {
        match result {
            Ok(_) => self.processed(),
            Err(crate::StageError::Skipped(_)) => self.skipped(),
            Err(_) => self.rejected(),
        }
    }
    /// Reads all counters.
    pub fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            received: self.received.load(Ordering::Relaxed),
            processed: self.processed.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            busy_ms: self.busy_nanos.load(Ordering::Relaxed) / 1_000_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StageError;

    #[test]
    fn record_sorts_outcomes() {
        let c = StageCounters::default();
        for r in [
            Ok(()),
            Err(StageError::Skipped("dup".into())),
            Err(StageError::Rejected("empty".into())),
            Ok(()),
        ] {
            c.received();
            c.record(&r);
        }
        assert_eq!(
            c.snapshot(),
            CounterSnapshot {
                received: 4,
                processed: 2,
                skipped: 1,
                rejected: 1,
                busy_ms: 0
            }
        );
        let v = c.timed(|| {
            std::thread::sleep(std::time::Duration::from_millis(3));
            7
        });
        assert_eq!(v, 7);
        assert!(c.snapshot().busy_ms >= 3);
    }
}
