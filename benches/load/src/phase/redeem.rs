//! The submit path under load, against one demo:
//!
//! 1. the Argon2 costs, measured in this process with the demo idle;
//! 2. the admin triggers one reset per load-test user over HTTP (trigger
//!    throughput), then each link and code is read from the demo's mail;
//! 3. a few loops rate passwords on the strength endpoint while idle (a
//!    baseline, and the server's CPU time per call), then every submit is
//!    fired at once while the loops keep rating on links not being
//!    redeemed: redeem throughput against the bound, strength p50/p99 under
//!    load, and the demo's CPU time per redeem; on PostgreSQL also the
//!    database server's CPU time per redeem (when its processes are visible
//!    here), and the two together: the whole cost of a redeem;
//! 4. the demo's peak RSS after the burst;
//! 5. a spawned demo's own counts of emails sent and passwords saved (its
//!    `/metrics`) next to the tool's, and whether they agree.
//!
//! Against a `--target` the steps that need its mail (`--mail-dir`) or its
//! process (`--target-pid`) are reported as not run when those are missing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::Fallible;
use crate::argon2::{self, Costs};
use crate::cli::Args;
use crate::demo::{self, Demo, Spawn};
use crate::http::{self, HttpClient};
use crate::machine::{self, cpu_time_of, memory_of};
use crate::mail::Link;
use crate::report::Report;
use crate::stats::{ms, p50_p99, quantile, sorted};
use crate::strength::{self, Samples, Until};
use crate::{database, flow};

/// Targets from the performance targets.
const REDEEM_TARGET_PERCENT: f64 = 90.0;
const STRENGTH_P99_TARGET_MS: f64 = 10.0;
const PEAK_RSS_TARGET_MB: f64 = 300.0;
const CPU_PER_REDEEM_TARGET: f64 = 1.10;

/// Triggers in flight at once over HTTP (an admin UI is not a burst source).
const TRIGGER_IN_FLIGHT: usize = 32;

/// The demo this phase drives.
#[derive(Clone, Copy, Debug)]
pub enum Store {
    /// Spawned on the in-memory store.
    Memory,
    /// Spawned on PostgreSQL (`DATABASE_URL`).
    Postgres,
    /// The `--target`, on whatever store it has.
    Target,
}

impl Store {
    fn scenario(self) -> &'static str {
        match self {
            Self::Memory => "HTTP, memory",
            Self::Postgres => "HTTP, PostgreSQL",
            Self::Target => "HTTP, target",
        }
    }
}

/// Runs the phase against a demo on `store`.
pub async fn run(args: &Args, store: Store, report: &mut Report) -> Fallible<()> {
    let scenario = store.scenario();
    println!("\n== {scenario}: the submit path under load ==");
    let client = http::client();
    let mut demo = start(args, store, &client).await?;
    let outcome = measure(args, &client, &demo, store, report).await;
    demo.check_running().map_err(|error| format!("{scenario}: during the test, {error}"))?;
    outcome.map_err(|error| format!("{scenario}: {error}\n-- demo log (last lines) --\n{}", demo.log_tail()))
}

async fn start(args: &Args, store: Store, client: &HttpClient) -> Fallible<Demo> {
    if let (Store::Target, Some(target)) = (store, &args.target) {
        return Ok(Demo::remote(target));
    }
    let bin = match &args.demo_bin {
        Some(path) => path.clone(),
        None => demo::default_bin()?,
    };
    let spawn = Spawn {
        bin: &bin,
        database_url: if matches!(store, Store::Postgres) { args.database_url.as_deref() } else { None },
        load_users: args.submits + args.strength_loops,
        extra_env: &args.demo_env,
    };
    let demo = Demo::spawn(&spawn, client).await?;
    let startup = demo.startup.unwrap_or_default().as_secs_f64();
    println!("demo up in {startup:.1} s (pid {}, {})", demo.pid.unwrap_or_default(), demo.base);
    Ok(demo)
}

async fn measure(
    args: &Args,
    client: &HttpClient,
    demo: &Demo,
    store: Store,
    report: &mut Report,
) -> Fallible<()> {
    let scenario = store.scenario();
    print_rss(demo, "after start")?;
    let costs = argon2_costs(args, scenario, report).await?;
    let mailbox = demo.mailbox()?;
    triggers(args, client, demo, mailbox.is_some(), scenario, report).await?;
    let Some(mailbox) = mailbox else {
        report_without_mail(scenario, report);
        return Ok(());
    };
    let mut links = mailbox.links_for(&flow::usernames(1, args.submits + args.strength_loops)).await?;
    let meter_links = links.split_off(args.submits);
    print_rss(demo, "after the triggers")?;
    let postmaster = postgres_server(args, store).await;
    let idle = idle_meter(args, client, demo, &meter_links).await?;
    let burst = burst(args, client, demo, &postmaster, links, meter_links).await?;
    report_burst(args, scenario, &costs, &idle.samples, &burst, report);
    let after = argon2::one_hash_cpu(if args.quick { 3 } else { 7 }).await?;
    let hash_cpu = HashCpu { before: costs.one_hash_cpu, after, parallel: costs.parallel_cpu };
    report_server(demo, scenario, &hash_cpu, &idle, &burst, report)?;
    let triggered = args.submits + args.strength_loops;
    cross_check(client, demo, triggered, burst.submits(), scenario, report).await
}

/// The demo's own counts (its `/metrics`, read once at the end) next to
/// the tool's: every trigger succeeded and every submit saved a password,
/// so the demo must have counted exactly as many of each.
async fn cross_check(
    client: &HttpClient,
    demo: &Demo,
    triggered: usize,
    completed: usize,
    scenario: &str,
    report: &mut Report,
) -> Fallible<()> {
    let Some(counts) = demo.counts(client).await? else {
        return Ok(());
    };
    let same = |counted: f64, ours: usize| (counted - ours as f64).abs() < 0.5;
    let verdict = if same(counts.triggers, triggered) && same(counts.completed, completed) {
        "they agree"
    } else {
        "they DISAGREE"
    };
    let (demo_triggers, demo_completed) = (counts.triggers, counts.completed);
    println!(
        "the demo's /metrics: {demo_triggers:.0} emails sent, {demo_completed:.0} resets completed; \
         the load tool's: {triggered}, {completed}: {verdict}"
    );
    let value =
        format!("{demo_triggers:.0} / {demo_completed:.0} (tool: {triggered} / {completed}): {verdict}");
    report.info(scenario, "demo's /metrics: emails sent / completed", value);
    Ok(())
}

/// One hash's CPU time in this process, measured before and after the
/// burst: it moves with what the machine's other tenants do (caches and
/// cores are shared), so the redeems are compared with the mean of both.
struct HashCpu {
    before: Duration,
    after: Duration,
    /// With every core hashing at once.
    parallel: Duration,
}

impl HashCpu {
    fn mean(&self) -> Duration {
        (self.before + self.after) / 2
    }
}

/// The Argon2 costs, measured while the demo is idle.
async fn argon2_costs(args: &Args, scenario: &str, report: &mut Report) -> Fallible<Costs> {
    let cores = machine::cores();
    let costs = argon2::measure(cores, if args.quick { 3 } else { 7 }).await?;
    let (wall, cpu) = (ms(costs.one_hash), ms(costs.one_hash_cpu));
    println!(
        "argon2: one hash {wall:.1} ms ({cpu:.1} ms CPU) → bound {cores} ÷ {wall:.1} ms = {:.1}/s \
         ({:.1}/s with every core hashing)",
        costs.bound_per_second, costs.parallel_per_second
    );
    report.info(scenario, "Argon2 one hash (median, in-process)", format!("{wall:.1} ms ({cpu:.1} ms CPU)"));
    report.info(scenario, "Argon2 bound (cores ÷ one hash)", format!("{:.1}/s", costs.bound_per_second));
    let percent = 100.0 * costs.parallel_per_second / costs.bound_per_second;
    let value = format!("{:.1}/s = {percent:.0} % of bound", costs.parallel_per_second);
    report.info(scenario, "Argon2 reached with every core hashing", value);
    Ok(costs)
}

/// The admin triggers one reset per load-test user.
async fn triggers(
    args: &Args,
    client: &HttpClient,
    demo: &Demo,
    emails_checked: bool,
    scenario: &str,
    report: &mut Report,
) -> Fallible<()> {
    let users = args.submits + args.strength_loops;
    let admin = flow::sign_in(client, demo).await?;
    let took = flow::trigger_all(client, &demo.base, &admin, users, TRIGGER_IN_FLIGHT).await?;
    let (seconds, rate) = (took.as_secs_f64(), users as f64 / took.as_secs_f64());
    println!("triggered {users} resets in {seconds:.2} s ({rate:.0}/s, {TRIGGER_IN_FLIGHT} in flight)");
    let checked = if emails_checked { "" } else { "; answers only, emails not checked" };
    let value = format!("{rate:.0}/s ({users} resets, {TRIGGER_IN_FLIGHT} in flight{checked})");
    report.info(scenario, "trigger throughput over HTTP", value);
    Ok(())
}

fn print_rss(demo: &Demo, when: &str) -> Fallible<()> {
    if let Some(pid) = demo.pid {
        println!("demo RSS {when}: {:.1} MiB", memory_of(pid)?.now);
    }
    Ok(())
}

/// What this machine sees of the PostgreSQL server behind the demo.
#[derive(Clone, Debug)]
enum PgSide<T> {
    /// Nothing to measure: the in-memory store, or a target's, whose store
    /// this tool does not know.
    NotApplicable,
    /// Its processes are not visible from here, and why.
    Hidden(String),
    /// Seen: its postmaster's pid, or the CPU time it used.
    Seen(T),
}

/// The postmaster of the cluster behind `DATABASE_URL`, when the demo is on
/// PostgreSQL: the parent of the backend that answers `pg_backend_pid()`.
/// Found this way, not by name, so that another cluster on this machine (a
/// test run's) is not counted.
async fn postgres_server(args: &Args, store: Store) -> PgSide<u32> {
    let (Store::Postgres, Some(url)) = (store, args.database_url.as_deref()) else {
        return PgSide::NotApplicable;
    };
    // The backend is read while its connection is open; the connection is
    // closed well before the burst (the idle meter runs in between), so its
    // backend has exited by then and is not counted as the cluster's work.
    let side =
        match database::with_backend_pid(url, |backend| (backend, machine::postmaster_of(backend))).await {
            Ok((_, Some(postmaster))) => PgSide::Seen(postmaster),
            Ok((backend, None)) => PgSide::Hidden(format!(
                "not visible from here (backend pid {backend} is no PostgreSQL process here)"
            )),
            Err(error) => PgSide::Hidden(format!("not visible from here ({error})")),
        };
    match &side {
        PgSide::Seen(postmaster) => println!("PostgreSQL server: postmaster pid {postmaster}"),
        PgSide::Hidden(why) => println!("PostgreSQL server: {why}"),
        PgSide::NotApplicable => {}
    }
    side
}

/// The PostgreSQL cluster's CPU time so far, read off the async workers
/// (it walks `/proc`).
async fn postgres_cpu(postmaster: &PgSide<u32>) -> PgSide<Duration> {
    match postmaster {
        PgSide::NotApplicable => PgSide::NotApplicable,
        PgSide::Hidden(why) => PgSide::Hidden(why.clone()),
        PgSide::Seen(pid) => {
            let pid = *pid;
            match tokio::task::spawn_blocking(move || machine::postgres_cpu_time(pid)).await {
                Ok(Ok(cpu)) => PgSide::Seen(cpu),
                Ok(Err(error)) => PgSide::Hidden(error),
                Err(error) => PgSide::Hidden(format!("the /proc walk failed: {error}")),
            }
        }
    }
}

/// The CPU time the cluster used between two readings.
fn postgres_spent(before: PgSide<Duration>, after: PgSide<Duration>) -> PgSide<Duration> {
    match (before, after) {
        (PgSide::Seen(before), PgSide::Seen(after)) => PgSide::Seen(after.saturating_sub(before)),
        (PgSide::Hidden(why), _) | (_, PgSide::Hidden(why)) => PgSide::Hidden(why),
        _ => PgSide::NotApplicable,
    }
}

/// The strength loops on an idle demo.
struct Idle {
    samples: Samples,
    /// The server's CPU time per strength call, when its process is known.
    cpu_per_call: Option<Duration>,
}

async fn idle_meter(args: &Args, client: &HttpClient, demo: &Demo, links: &[Link]) -> Fallible<Idle> {
    let calls = if args.quick { 100 } else { 300 };
    let until = Until { stop: Arc::new(AtomicBool::new(false)), min_calls: 0, max_calls: Some(calls) };
    let before = demo.pid.map(cpu_time_of).transpose()?;
    let samples = strength::run(client, &demo.base, links, args.strength_interval, until).await?;
    let after = demo.pid.map(cpu_time_of).transpose()?;
    let made = u32::try_from(samples.calls().max(1)).unwrap_or(u32::MAX);
    let cpu_per_call = before.zip(after).map(|(before, after)| after.saturating_sub(before) / made);
    Ok(Idle { samples, cpu_per_call })
}

/// Every submit fired at once, with the strength loops running beside.
struct Burst {
    started: Instant,
    /// When the last submit was answered.
    last: Instant,
    /// Milliseconds from the burst's start to each answer, sorted.
    latencies: Vec<f64>,
    meter: Samples,
    /// The demo's CPU time from the first submit to the last answer.
    cpu: Option<Duration>,
    /// The PostgreSQL cluster's, over the same span.
    postgres: PgSide<Duration>,
}

impl Burst {
    fn submits(&self) -> usize {
        self.latencies.len()
    }

    fn redeems_per_second(&self) -> f64 {
        self.submits() as f64 / (self.last - self.started).as_secs_f64()
    }

    /// Strength calls made while the submits were in flight.
    fn meter_calls_during(&self) -> usize {
        self.meter
            .timed
            .iter()
            .filter(|(started, _)| *started >= self.started && *started <= self.last)
            .count()
    }
}

async fn burst(
    args: &Args,
    client: &HttpClient,
    demo: &Demo,
    postmaster: &PgSide<u32>,
    links: Vec<Link>,
    meter_links: Vec<Link>,
) -> Fallible<Burst> {
    let stop = Arc::new(AtomicBool::new(false));
    let until =
        Until { stop: Arc::clone(&stop), min_calls: if args.quick { 200 } else { 0 }, max_calls: None };
    // Its own connection pool: the burst's new connections overflow the
    // listen queue for a moment, and a meter loop whose idle connection a
    // submit took would wait out a SYN retransmit (1 s).
    let (meter_client, base, every) = (http::client(), demo.base.clone(), args.strength_interval);
    let meter =
        tokio::spawn(async move { strength::run(&meter_client, &base, &meter_links, every, until).await });
    // Let the meter loops start before the burst.
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The cluster's readings around the demo's, so both span the burst.
    let postgres_before = postgres_cpu(postmaster).await;
    let cpu_before = demo.pid.map(cpu_time_of).transpose()?;
    let (started, answered) = fire(client, &demo.base, links).await;
    let cpu_after = demo.pid.map(cpu_time_of).transpose()?;
    let postgres_after = postgres_cpu(postmaster).await;
    stop.store(true, Ordering::Relaxed);
    let meter = meter.await.map_err(|error| format!("the strength meter task failed: {error}"))??;
    let answered = answered?;
    let last = answered.iter().copied().max().unwrap_or(started);
    let latencies = sorted(answered.iter().map(|done| ms(*done - started)).collect());
    let cpu = cpu_before.zip(cpu_after).map(|(before, after)| after.saturating_sub(before));
    let postgres = postgres_spent(postgres_before, postgres_after);
    let burst = Burst { started, last, latencies, meter, cpu, postgres };
    let redeemed = burst.submits();
    println!(
        "redeemed {redeemed} in {:.2} s ({:.1}/s)",
        (last - started).as_secs_f64(),
        burst.redeems_per_second()
    );
    if let PgSide::Seen(cpu) = burst.postgres {
        println!("PostgreSQL server CPU in the burst: {:.2} s", cpu.as_secs_f64());
    }
    Ok(burst)
}

/// Fires one submit per link at once; returns when they started and when
/// each was answered (or the first error, once all have finished).
async fn fire(client: &HttpClient, base: &str, links: Vec<Link>) -> (Instant, Fallible<Vec<Instant>>) {
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    for (i, link) in links.into_iter().enumerate() {
        let (client, base) = (client.clone(), base.to_owned());
        tasks.spawn(async move {
            flow::submit(&client, &base, &link, &flow::new_password(i)).await?;
            Ok::<Instant, String>(Instant::now())
        });
    }
    let mut answered = Vec::new();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined.map_err(|error| format!("a submit task failed: {error}")).and_then(|done| done) {
            Ok(done) => answered.push(done),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    (started, first_error.map_or(Ok(answered), Err))
}

fn report_without_mail(scenario: &str, report: &mut Report) {
    let why = "the target's mail is not readable here (give --mail-dir)";
    report.not_run(scenario, "redeem throughput", why, &format!("≥ {REDEEM_TARGET_PERCENT:.0} % of bound"));
    report.not_run(
        scenario,
        "strength p99 during the burst",
        why,
        &format!("≤ {STRENGTH_P99_TARGET_MS:.0} ms"),
    );
    report.not_run(
        scenario,
        "demo peak RSS (VmHWM) after the burst",
        why,
        &format!("≤ {PEAK_RSS_TARGET_MB:.0} MB"),
    );
    report.not_run(scenario, CPU_PER_REDEEM, why, &format!("≤ {CPU_PER_REDEEM_TARGET:.2}"));
}

fn report_burst(
    args: &Args,
    scenario: &str,
    costs: &Costs,
    idle: &Samples,
    burst: &Burst,
    report: &mut Report,
) {
    let (submits, rate) = (burst.submits(), burst.redeems_per_second());
    let percent = 100.0 * rate / costs.bound_per_second;
    let figure = format!("redeem throughput, {submits} concurrent submits");
    let target = format!("≥ {REDEEM_TARGET_PERCENT:.0} % of bound");
    let value = format!("{rate:.1}/s = {percent:.1} % of bound");
    report.judged(scenario, &figure, value, &target, percent >= REDEEM_TARGET_PERCENT);
    let reached = format!("{:.1} %", 100.0 * rate / costs.parallel_per_second);
    report.info(scenario, "redeem vs Argon2 reached with every core hashing", reached);
    let (p50, p99) = p50_p99(&burst.latencies);
    report.info(scenario, "submit latency p50 / p99 (in the burst)", format!("{p50:.0} / {p99:.0} ms"));
    let (p50, p99) = p50_p99(&idle.latencies);
    let figure = format!("strength p50 / p99, idle ({} loops)", args.strength_loops);
    report.info(scenario, &figure, format!("{p50:.2} / {p99:.2} ms ({} calls)", idle.calls()));
    let loaded = &burst.meter;
    let (p50, p99) = p50_p99(&loaded.latencies);
    report.info(scenario, "strength p50 during the burst", format!("{p50:.2} ms ({} calls)", loaded.calls()));
    let max = loaded.latencies.last().copied().unwrap_or(f64::NAN);
    let target = format!("≤ {STRENGTH_P99_TARGET_MS:.0} ms");
    let value = format!("{p99:.2} ms (max {max:.1} ms)");
    report.judged(scenario, "strength p99 during the burst", value, &target, p99 <= STRENGTH_P99_TARGET_MS);
    let settled_from = burst.started + Duration::from_secs(1);
    let settled = sorted(
        (loaded.timed.iter())
            .filter(|(started, _)| *started >= settled_from && *started <= burst.last)
            .map(|(_, latency)| *latency)
            .collect(),
    );
    let value = match settled.len() {
        0 => "no calls (the burst took under a second)".to_owned(),
        calls => format!("{:.2} ms ({calls} calls)", quantile(&settled, 0.99)),
    };
    report.info(scenario, "strength p99 after the burst's first second", value);
}

/// The demo's own figures, from `/proc`: peak RSS and CPU per redeem; and
/// the PostgreSQL server's CPU per redeem.
fn report_server(
    demo: &Demo,
    scenario: &str,
    hash_cpu: &HashCpu,
    idle: &Idle,
    burst: &Burst,
    report: &mut Report,
) -> Fallible<()> {
    let rss_target = format!("≤ {PEAK_RSS_TARGET_MB:.0} MB");
    let (Some(pid), Some(cpu), Some(per_call)) = (demo.pid, burst.cpu, idle.cpu_per_call) else {
        let why = "remote target (give --target-pid when it runs on this machine)";
        report.not_run(scenario, "demo peak RSS (VmHWM) after the burst", why, &rss_target);
        report.not_run(scenario, CPU_PER_REDEEM, why, &format!("≤ {CPU_PER_REDEEM_TARGET:.2}"));
        report_postgres(scenario, hash_cpu, None, burst, report);
        return Ok(());
    };
    let memory = memory_of(pid)?;
    let value = format!("{:.1} MiB (now {:.1} MiB)", memory.peak, memory.now);
    let met = memory.peak * 1.048_576 <= PEAK_RSS_TARGET_MB;
    report.judged(scenario, "demo peak RSS (VmHWM) after the burst", value, &rss_target, met);
    let demo_per_redeem = report_cpu(scenario, hash_cpu, cpu, per_call, burst, report);
    report_postgres(scenario, hash_cpu, Some(demo_per_redeem), burst, report);
    Ok(())
}

const CPU_PER_REDEEM: &str = "server CPU per redeem ÷ one hash's CPU";

/// The demo's CPU time per redeem over the burst (`cpu`), as a multiple
/// of one hash's CPU time in this process; returns that time per redeem.
fn report_cpu(
    scenario: &str,
    hash_cpu: &HashCpu,
    cpu: Duration,
    per_call: Duration,
    burst: &Burst,
    report: &mut Report,
) -> Duration {
    // The meter loops' calls ran on the same server during the burst; their
    // CPU, at the idle baseline's cost per call, is not the redeems'.
    let meter_calls = u32::try_from(burst.meter_calls_during()).unwrap_or(u32::MAX);
    let meter_cpu = per_call * meter_calls;
    let value = format!(
        "{:.2} ms ({meter_calls} calls in the burst: {:.2} s)",
        ms(per_call),
        meter_cpu.as_secs_f64()
    );
    report.info(scenario, "server CPU per strength call (idle baseline)", value);
    let value = format!("{:.2} s over {} submits", cpu.as_secs_f64(), burst.submits());
    report.info(scenario, "server CPU during the burst", value);
    let redeems = u32::try_from(burst.submits().max(1)).unwrap_or(u32::MAX);
    let per_redeem = cpu.saturating_sub(meter_cpu) / redeems;
    let ratio = per_redeem.as_secs_f64() / hash_cpu.mean().as_secs_f64();
    let value = format!(
        "{ratio:.3} = {:.2} ms ÷ {:.2} ms (hash {:.2} before, {:.2} after)",
        ms(per_redeem),
        ms(hash_cpu.mean()),
        ms(hash_cpu.before),
        ms(hash_cpu.after)
    );
    let target = format!("≤ {CPU_PER_REDEEM_TARGET:.2}");
    report.judged(scenario, CPU_PER_REDEEM, value, &target, ratio <= CPU_PER_REDEEM_TARGET);
    let parallel = per_redeem.as_secs_f64() / hash_cpu.parallel.as_secs_f64();
    let value = format!("{parallel:.3} (one hash: {:.2} ms CPU)", ms(hash_cpu.parallel));
    report.info(scenario, "… ÷ one hash's CPU with every core hashing", value);
    per_redeem
}

/// The row of the PostgreSQL server's CPU time per redeem.
const POSTGRES_CPU_PER_REDEEM: &str = "PostgreSQL server CPU per redeem";
/// The row of the whole cost of a redeem: the demo's CPU and PostgreSQL's.
const WHOLE_CPU_PER_REDEEM: &str = "demo + PostgreSQL CPU per redeem ÷ one hash's CPU";

/// The PostgreSQL server's CPU time per redeem over the burst and, added to
/// the demo's (`demo_per_redeem`), the whole cost of a redeem, as multiples
/// of one hash's CPU time. Figures for context: the judged one stays the
/// demo's alone.
fn report_postgres(
    scenario: &str,
    hash_cpu: &HashCpu,
    demo_per_redeem: Option<Duration>,
    burst: &Burst,
    report: &mut Report,
) {
    let cpu = match &burst.postgres {
        PgSide::NotApplicable => return,
        PgSide::Hidden(why) => {
            report.not_run(scenario, POSTGRES_CPU_PER_REDEEM, why, "");
            report.not_run(scenario, WHOLE_CPU_PER_REDEEM, why, "");
            return;
        }
        PgSide::Seen(cpu) => *cpu,
    };
    // Nothing is subtracted for the strength loops here: the demo keeps an
    // opened link for a second, so each loop reads the store about once a
    // second, and there is no honest per-call cost to take off. Those few
    // reads are in this figure, and so is whatever the cluster's background
    // processes (checkpointer, autovacuum, …) did during the burst.
    let redeems = u32::try_from(burst.submits().max(1)).unwrap_or(u32::MAX);
    let per_redeem = cpu / redeems;
    let hash = hash_cpu.mean();
    let value = format!(
        "{:.2} ms = {:.3} × one hash's CPU ({:.2} s over {} submits, meter reads included)",
        ms(per_redeem),
        per_redeem.as_secs_f64() / hash.as_secs_f64(),
        cpu.as_secs_f64(),
        burst.submits()
    );
    report.info(scenario, POSTGRES_CPU_PER_REDEEM, value);
    let Some(demo_per_redeem) = demo_per_redeem else {
        let why = "the demo's process is not visible from here";
        report.not_run(scenario, WHOLE_CPU_PER_REDEEM, why, "");
        return;
    };
    let whole = demo_per_redeem + per_redeem;
    let value = format!(
        "{:.3} = ({:.2} + {:.2}) ms ÷ {:.2} ms",
        whole.as_secs_f64() / hash.as_secs_f64(),
        ms(demo_per_redeem),
        ms(per_redeem),
        ms(hash)
    );
    report.info(scenario, WHOLE_CPU_PER_REDEEM, value);
}
