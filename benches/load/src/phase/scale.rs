//! Cost as the table grows: trigger, open and submit latency against a demo
//! on PostgreSQL holding a million reset requests and 100,000 users, side by
//! side with a demo on an empty database, as ratios.
//!
//! Both demos run at once, each on a database of its own. The full one
//! seeds its users itself (`INZANT_DEMO_LOAD_USERS`) and gets its requests
//! from [`database::fill`] in SQL. The same load-test users are then timed
//! on both, one request at a time, alternating between the demos from one
//! request to the next so a change in the machine's load hits both alike.

use std::time::{Duration, Instant};

use crate::Fallible;
use crate::argon2;
use crate::cli::Args;
use crate::database::{self, Scratch};
use crate::demo::{self, Demo, Spawn};
use crate::flow::{self, Admin};
use crate::http::{self, HttpClient};
use crate::library;
use crate::machine::cpu_time_of;
use crate::mail::{Link, Mailbox};
use crate::report::Report;
use crate::stats::{ms, p50_p99, sorted};

const SCENARIO: &str = "scale, PostgreSQL";
/// Full ÷ empty, for p50 and p99 alike.
const RATIO_TARGET: f64 = 1.5;

/// A step of the flow, timed.
#[derive(Clone, Copy)]
enum Step {
    Trigger,
    Open,
    Submit,
}

impl Step {
    const ALL: [Self; 3] = [Self::Trigger, Self::Open, Self::Submit];

    fn name(self) -> &'static str {
        match self {
            Self::Trigger => "trigger",
            Self::Open => "open",
            Self::Submit => "submit",
        }
    }
}

/// One of the two demos, with its admin session and its users' links.
struct Side {
    demo: Demo,
    admin: Admin,
    mailbox: Mailbox,
    links: Vec<Link>,
}

impl Side {
    async fn start(args: &Args, url: &str, users: usize, client: &HttpClient) -> Fallible<Self> {
        let bin = match &args.demo_bin {
            Some(path) => path.clone(),
            None => demo::default_bin()?,
        };
        let spawn =
            Spawn { bin: &bin, database_url: Some(url), load_users: users, extra_env: &args.demo_env };
        let demo = Demo::spawn(&spawn, client).await?;
        let admin = flow::sign_in(client, &demo).await?;
        let mailbox = demo.mailbox()?.ok_or("a spawned demo has a mail directory")?;
        Ok(Self { demo, admin, mailbox, links: Vec::new() })
    }

    /// Load-test user `n` takes `step`.
    async fn take(&self, client: &HttpClient, step: Step, n: usize) -> Fallible<()> {
        let base = &self.demo.base;
        let link = || self.links.get(n - 1).ok_or_else(|| format!("no link for user {n}"));
        match step {
            Step::Trigger => flow::trigger(client, base, &self.admin, n).await,
            Step::Open => flow::open(client, base, link()?).await,
            Step::Submit => flow::submit(client, base, link()?, &flow::new_password(n)).await,
        }
    }
}

/// Runs the phase, in two scratch databases dropped afterwards.
pub async fn run(args: &Args, report: &mut Report) -> Fallible<()> {
    if args.target.is_some() {
        let why = "it starts its own demos on databases it fills (not with --target)";
        for step in Step::ALL {
            let figure = format!("{}, full ÷ empty (p50 / p99)", step.name());
            report.not_run(SCENARIO, &figure, why, &format!("≤ {RATIO_TARGET}×"));
        }
        return Ok(());
    }
    let url = args.database_url.as_deref().ok_or("--scale needs DATABASE_URL")?;
    println!("\n== {SCENARIO}: {} requests and {} users vs empty ==", args.scale.requests, args.scale.users);
    let tag = format!("inzant_load_{}_{}", std::process::id(), library::random_hex(3)?);
    let empty = Scratch::create(url, &format!("{tag}_empty")).await?;
    let full = match Scratch::create(url, &format!("{tag}_full")).await {
        Ok(full) => full,
        Err(error) => {
            empty.remove().await;
            return Err(error);
        }
    };
    let outcome = side_by_side(args, &empty.url, &full.url, report).await;
    empty.remove().await;
    full.remove().await;
    outcome.map_err(|error| format!("{SCENARIO}: {error}"))
}

async fn side_by_side(args: &Args, empty_url: &str, full_url: &str, report: &mut Report) -> Fallible<()> {
    let sizes = args.scale;
    let warm_up = if args.quick { 3 } else { 10 };
    let timed = warm_up + sizes.measured;
    if sizes.users < timed {
        return Err(format!("--scale-users must be at least {timed} (the timed users and the warm-up)"));
    }
    let client = http::client();
    let empty = Side::start(args, empty_url, timed, &client).await?;
    let full = Side::start(args, full_url, sizes.users, &client).await?;
    let startups = [&empty, &full].map(|side| side.demo.startup.unwrap_or_default().as_secs_f64());
    let value = format!("{} users: {:.1} s; {timed} users: {:.1} s", sizes.users, startups[1], startups[0]);
    report.info(SCENARIO, "demo start, seeding its users (INZANT_DEMO_LOAD_USERS)", value);
    println!("demos up: empty in {:.1} s, full ({} users) in {:.1} s", startups[0], sizes.users, startups[1]);
    let filled = database::fill(full_url, &sizes, timed).await?;
    let value = format!("{} rows in {:.1} s ({})", filled.rows, filled.took.as_secs_f64(), filled.table);
    println!("filled {value}");
    report.info(SCENARIO, "fill: reset requests in SQL, then VACUUM ANALYZE", value);
    // The full demo's last user, triggered once: the seeding reached it.
    flow::trigger(&client, &full.demo.base, &full.admin, sizes.users).await?;
    let mut sides = [empty, full];
    let hash_cpu_before = argon2::one_hash_cpu(if args.quick { 3 } else { 7 }).await?;
    let timings = time_steps(&client, &mut sides, timed, warm_up).await.map_err(|error| {
        let [empty, full] = &sides;
        format!(
            "{error}\n-- empty demo log --\n{}\n-- full demo log --\n{}",
            empty.demo.log_tail(),
            full.demo.log_tail()
        )
    })?;
    for side in &mut sides {
        side.demo.check_running()?;
    }
    // One hash's CPU time moves with the machine's other tenants: the mean
    // of before and after the timed steps.
    let hash_cpu_after = argon2::one_hash_cpu(if args.quick { 3 } else { 7 }).await?;
    let hash_cpu = (hash_cpu_before + hash_cpu_after) / 2;
    report_timings(&timings, hash_cpu, sizes.measured, report);
    Ok(())
}

/// Per step, each side's sorted latencies; and each side's server CPU
/// time over its submits.
struct Timings {
    steps: Vec<(Step, [Vec<f64>; 2])>,
    /// Submits on each side, warm-up included.
    submits: usize,
    submit_cpu: [Duration; 2],
}

async fn time_steps(
    client: &HttpClient,
    sides: &mut [Side; 2],
    timed: usize,
    warm_up: usize,
) -> Fallible<Timings> {
    let mut steps = Vec::new();
    steps.push((Step::Trigger, alternate(client, sides, Step::Trigger, timed, warm_up).await?));
    let usernames = flow::usernames(1, timed);
    for side in sides.iter_mut() {
        side.links = side.mailbox.links_for(&usernames).await?;
    }
    steps.push((Step::Open, alternate(client, sides, Step::Open, timed, warm_up).await?));
    let before = server_cpu(sides)?;
    steps.push((Step::Submit, alternate(client, sides, Step::Submit, timed, warm_up).await?));
    let after = server_cpu(sides)?;
    let submit_cpu = [0, 1].map(|i| after[i].saturating_sub(before[i]));
    Ok(Timings { steps, submits: timed, submit_cpu })
}

fn server_cpu(sides: &[Side; 2]) -> Fallible<[Duration; 2]> {
    let [empty, full] = sides;
    let cpu = |side: &Side| side.demo.pid.map(cpu_time_of).transpose().map(Option::unwrap_or_default);
    Ok([cpu(empty)?, cpu(full)?])
}

/// Users `1..=users` take `step` one at a time, each on one demo then on
/// the other (which goes first alternates from user to user), so a burst of
/// work elsewhere on the machine falls on both sides alike; the first
/// `warm_up` users are not counted.
async fn alternate(
    client: &HttpClient,
    sides: &[Side; 2],
    step: Step,
    users: usize,
    warm_up: usize,
) -> Fallible<[Vec<f64>; 2]> {
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for n in 1..=users {
        for i in if n % 2 == 0 { [0, 1] } else { [1, 0] } {
            let (Some(side), Some(times)) = (sides.get(i), times.get_mut(i)) else { continue };
            let started = Instant::now();
            side.take(client, step, n).await.map_err(|error| format!("{}: {error}", step.name()))?;
            if n > warm_up {
                times.push(ms(started.elapsed()));
            }
        }
    }
    Ok(times.map(sorted))
}

fn report_timings(timings: &Timings, hash_cpu: Duration, measured: usize, report: &mut Report) {
    for (step, [empty, full]) in &timings.steps {
        let name = step.name();
        let (empty, full) = (p50_p99(empty), p50_p99(full));
        let value = format!("{:.2} / {:.2} ms → {:.2} / {:.2} ms", empty.0, empty.1, full.0, full.1);
        report.info(
            SCENARIO,
            &format!("{name} p50 / p99, empty → full ({measured} users, one at a time)"),
            value,
        );
        let ratios = (full.0 / empty.0, full.1 / empty.1);
        let met = ratios.0 <= RATIO_TARGET && ratios.1 <= RATIO_TARGET;
        let value = format!("{:.2}× / {:.2}×", ratios.0, ratios.1);
        let (figure, target) = (format!("{name}, full ÷ empty (p50 / p99)"), format!("≤ {RATIO_TARGET}×"));
        report.judged(SCENARIO, &figure, value, &target, met);
    }
    // Every submit of the step is in the server's CPU time, warm-up ones included.
    let submits = timings.submits as f64;
    let [empty, full] = timings.submit_cpu.map(|cpu| cpu.as_secs_f64() / submits / hash_cpu.as_secs_f64());
    let value = format!("{empty:.3} → {full:.3} (one hash: {:.2} ms CPU)", ms(hash_cpu));
    report.info(SCENARIO, "server CPU per redeem ÷ one hash's CPU, one at a time, empty → full", value);
}
