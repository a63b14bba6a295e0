//! CPU time read from `/proc` (Linux), for benchmarks that report per-CPU-second figures: on a shared machine the
//! wall clock measures the neighbours too.

/// User + system CPU seconds of this whole process (all threads); `None` where `/proc` is unavailable.
pub fn process_seconds() -> Option<f64> {
    stat_seconds("/proc/self/stat")
}

/// User + system CPU seconds of the calling thread; `None` where `/proc` is unavailable.
pub fn thread_seconds() -> Option<f64> {
    stat_seconds("/proc/thread-self/stat")
}

/// utime + stime of a `stat` file, at the usual 100 clock ticks per second.
fn stat_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name (in parentheses, may hold spaces): utime and stime are 11 and 12 there
    // (14 and 15 of the whole line).
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_time_grows_with_work() {
        let Some(a) = super::process_seconds() else {
            eprintln!("skipped: no /proc");
            return;
        };
        let t = super::thread_seconds().expect("thread stat where process stat exists");
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed().as_millis() < 150 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let b = super::process_seconds().expect("still there");
        assert!(b >= a && super::thread_seconds().is_some_and(|u| u >= t));
    }
}
