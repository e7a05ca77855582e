//! The machine and its processes: cores, load, and what `/proc` says about
//! the demo (memory, CPU time).

use std::time::{Duration, Instant};

use crate::Fallible;
use crate::cli::Args;
use crate::report::Report;

/// Cores this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The 1-minute load average, as `/proc/loadavg` prints it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "n/a".to_owned())
}

/// The "machine" rows at the top of the table.
pub async fn describe(args: &Args, cores: usize, report: &mut Report) -> Fallible<()> {
    report.info("machine", "cores (available_parallelism)", cores.to_string());
    report.info("machine", "load average at start (1 min)", load_average());
    let scaling = tokio::task::spawn_blocking(move || cpu_scaling(cores))
        .await
        .map_err(|error| format!("the scaling task failed: {error}"))?;
    report.info(
        "machine",
        "pure-compute scaling, all cores vs one",
        format!("{scaling:.2}× (ideal {cores}×)"),
    );
    if !args.demo_env.is_empty() {
        let env: Vec<String> = args.demo_env.iter().map(|(key, value)| format!("{key}={value}")).collect();
        report.info("machine", "extra demo environment", env.join(" "));
    }
    if let Some(target) = &args.target {
        report.info("machine", "target (not spawned)", target.url.clone());
    }
    Ok(())
}

/// How many times one thread's work `cores` threads get done in the same
/// time, on a pure integer loop (no memory traffic): `cores` on an idle
/// machine with real cores, less with busy neighbours or shared cores.
fn cpu_scaling(cores: usize) -> f64 {
    fn spin(rounds: u64) -> u64 {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..rounds {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        x
    }
    const ROUNDS: u64 = 150_000_000;
    let started = Instant::now();
    std::hint::black_box(spin(std::hint::black_box(ROUNDS)));
    let one = started.elapsed().as_secs_f64();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| std::hint::black_box(spin(std::hint::black_box(ROUNDS))));
        }
    });
    let all = started.elapsed().as_secs_f64();
    cores as f64 * one / all
}

/// Resident memory of a process, in MiB.
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    /// The high-water mark (`VmHWM`).
    pub peak: f64,
    /// Now (`VmRSS`).
    pub now: f64,
}

/// Peak and current resident set size of `pid`.
pub fn memory_of(pid: u32) -> Fallible<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|error| format!("cannot read /proc/{pid}/status: {error}"))?;
    let field = |name: &str| -> Fallible<f64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<f64>().ok())
            .map(|kib| kib / 1024.0)
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok(Memory { peak: field("VmHWM:")?, now: field("VmRSS:")? })
}

/// CPU time `pid` has used so far, every thread, user and system
/// (`utime + stime` of `/proc/<pid>/stat`).
pub fn cpu_time_of(pid: u32) -> Fallible<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|error| format!("cannot read /proc/{pid}/stat: {error}"))?;
    let ticks = stat_ticks(&stat).ok_or_else(|| format!("cannot parse /proc/{pid}/stat: {stat:?}"))?;
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    Ok(Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// `utime + stime`, in clock ticks, from the text of `/proc/<pid>/stat`.
fn stat_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may itself hold
    // spaces and parentheses, so fields are counted after its last `)`:
    // there the state is field 3, utime field 14 and stime field 15.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// CPU time the calling thread has used so far.
pub fn thread_cpu_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    let seconds = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(now.tv_nsec).unwrap_or(0);
    Duration::new(seconds, nanos)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn stat_ticks_count_fields_after_the_command_name() {
        let stat = "4242 (odd) name)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 9 0 123 0";
        assert_eq!(stat_ticks(stat), Some(325));
        assert_eq!(stat_ticks("garbage"), None);
    }

    #[test]
    fn this_process_has_used_some_cpu() {
        let spent = cpu_time_of(std::process::id()).unwrap();
        let thread = thread_cpu_time();
        assert!(spent < Duration::from_secs(3600) && thread > Duration::ZERO);
    }
}
