//! The machine and its processes: cores, load, and what `/proc` says about
//! the demo (memory, CPU time) and about a local PostgreSQL server (CPU
//! time).

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
    let stat = read_stat(pid)?;
    Ok(ticks_to_duration(stat.ticks))
}

/// The postmaster of the PostgreSQL server process `backend` (what
/// `pg_backend_pid()` answers): `backend`'s parent, when both are
/// `postgres` processes visible here and that parent's own parent is not
/// a `postgres` process. `None` when the server runs elsewhere (another
/// machine, or another PID namespace, where `backend` names nothing or
/// some other process).
pub fn postmaster_of(backend: u32) -> Option<u32> {
    let stat = read_stat(backend).ok()?;
    if stat.comm != POSTGRES {
        return None;
    }
    let parent = read_stat(stat.ppid).ok()?;
    let grandparent_is_postgres = read_stat(parent.ppid).is_ok_and(|stat| stat.comm == POSTGRES);
    (parent.comm == POSTGRES && !grandparent_is_postgres).then_some(stat.ppid)
}

/// CPU time the PostgreSQL cluster whose postmaster is `postmaster` has
/// used so far: `utime + stime` of the postmaster and of every `postgres`
/// process it started (backends, checkpointer, autovacuum, …), plus the
/// postmaster's `cutime + cstime`, the CPU time of its children that have
/// already exited (the backends of closed connections).
///
/// Only that cluster: another one on this machine (a test run's, say) is
/// left out. An error when the postmaster is gone or is not `postgres`.
pub fn postgres_cpu_time(postmaster: u32) -> Fallible<Duration> {
    let entries = std::fs::read_dir("/proc").map_err(|error| format!("cannot list /proc: {error}"))?;
    let processes: Vec<(u32, ProcStat)> = entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        // A process may exit between the listing and the read: left out
        // (its CPU time moves to its parent's `cutime + cstime`).
        .filter_map(|pid| Some((pid, read_stat(pid).ok()?)))
        .collect();
    let ticks = cluster_ticks(&processes, postmaster)
        .ok_or_else(|| format!("no PostgreSQL postmaster with pid {postmaster} here"))?;
    Ok(ticks_to_duration(ticks))
}

/// The command name PostgreSQL's processes have (their titles, such as
/// `postgres: checkpointer`, are in the command line, not here).
const POSTGRES: &str = "postgres";

/// The clock ticks of the cluster under `postmaster` in a snapshot of the
/// process table (see [`postgres_cpu_time`]); `None` when `postmaster` is
/// not in it or is not a `postgres` process.
fn cluster_ticks(processes: &[(u32, ProcStat)], postmaster: u32) -> Option<u64> {
    let (_, main) = processes.iter().find(|(pid, stat)| *pid == postmaster && stat.comm == POSTGRES)?;
    let children = (processes.iter())
        .filter(|(pid, stat)| *pid != postmaster && stat.ppid == postmaster && stat.comm == POSTGRES)
        .map(|(_, stat)| stat.ticks);
    Some(main.ticks + main.children_ticks + children.sum::<u64>())
}

/// Clock ticks (`USER_HZ`) as a duration.
fn ticks_to_duration(ticks: u64) -> Duration {
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

/// The fields of `/proc/<pid>/stat` this tool reads.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ProcStat {
    /// The command name (field 2, without its parentheses).
    comm: String,
    /// The parent's pid (field 4).
    ppid: u32,
    /// `utime + stime` (fields 14 and 15), in clock ticks.
    ticks: u64,
    /// `cutime + cstime` (fields 16 and 17): the children that have exited
    /// and been waited for, in clock ticks.
    children_ticks: u64,
}

/// `/proc/<pid>/stat`, read and parsed.
fn read_stat(pid: u32) -> Fallible<ProcStat> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|error| format!("cannot read /proc/{pid}/stat: {error}"))?;
    parse_stat(&stat).ok_or_else(|| format!("cannot parse /proc/{pid}/stat: {stat:?}"))
}

/// The text of `/proc/<pid>/stat`, parsed.
fn parse_stat(stat: &str) -> Option<ProcStat> {
    // The command name (field 2) is in parentheses and may itself hold
    // spaces and parentheses, so fields are counted after its last `)`:
    // there the state is field 3, the parent's pid field 4, utime field 14,
    // stime 15, cutime 16 and cstime 17.
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let comm = stat.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().take(15).collect();
    let field = |number: usize| -> Option<u64> { fields.get(number.checked_sub(3)?)?.parse().ok() };
    let ppid = u32::try_from(field(4)?).ok()?;
    Some(ProcStat { comm, ppid, ticks: field(14)? + field(15)?, children_ticks: field(16)? + field(17)? })
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
    fn stat_fields_are_counted_after_the_command_name() {
        let stat = "4242 (odd) name)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 12 3 20 0 9 0 123 0";
        let parsed = ProcStat { comm: "odd) name)".to_owned(), ppid: 1, ticks: 325, children_ticks: 15 };
        assert_eq!(parse_stat(stat), Some(parsed));
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse_stat("4242 (short) S 1 4242"), None);
    }

    fn process(comm: &str, ppid: u32, ticks: u64, children_ticks: u64) -> ProcStat {
        ProcStat { comm: comm.to_owned(), ppid, ticks, children_ticks }
    }

    #[test]
    fn a_cluster_is_its_postmaster_its_postgres_children_and_the_exited_ones() {
        // Two clusters (the second a test run's), a psql client, a shell.
        let stat = [
            "700 (postgres) S 1 700 700 0 -1 4194560 900 0 0 0 40 10 300 50 20 0 1 0 99 0",
            "701 (postgres) S 700 701 701 0 -1 4194624 20 0 0 0 5 5 0 0 20 0 1 0 99 0",
            "702 (postgres) R 700 702 702 0 -1 4194624 80 0 0 0 200 60 0 0 20 0 1 0 99 0",
            "703 (psql) S 650 703 650 0 -1 4194304 30 0 0 0 4 1 0 0 20 0 1 0 99 0",
            "650 (bash) S 1 650 650 0 -1 4194304 30 0 0 0 9 9 70 70 20 0 1 0 99 0",
            "800 (postgres) S 1 800 800 0 -1 4194560 900 0 0 0 1000 1000 1000 1000 20 0 1 0 99 0",
            "801 (postgres) R 800 801 801 0 -1 4194624 80 0 0 0 1000 1000 0 0 20 0 1 0 99 0",
        ];
        let processes: Vec<(u32, ProcStat)> = (stat.iter())
            .map(|line| (line.split(' ').next().unwrap().parse().unwrap(), parse_stat(line).unwrap()))
            .collect();
        assert_eq!(cluster_ticks(&processes, 700), Some(50 + 350 + 10 + 260));
        assert_eq!(cluster_ticks(&processes, 650), None, "not postgres");
        assert_eq!(cluster_ticks(&processes, 999), None, "not there");
        let only_postmaster = [(700, process("postgres", 1, 7, 3))];
        assert_eq!(cluster_ticks(&only_postmaster, 700), Some(10));
    }

    #[test]
    fn this_process_has_used_some_cpu() {
        let spent = cpu_time_of(std::process::id()).unwrap();
        let thread = thread_cpu_time();
        assert!(spent < Duration::from_secs(3600) && thread > Duration::ZERO);
    }

    #[test]
    fn this_process_is_no_postmaster() {
        assert_eq!(postmaster_of(std::process::id()), None);
        assert!(postgres_cpu_time(std::process::id()).is_err());
    }
}
