//! Trigger throughput through the core on PostgreSQL, without HTTP: many
//! concurrent tasks over distinct users, after a warm-up, through
//! [`CoreTrigger`] (the service as the demo wires it, with a mailer that
//! drops messages).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::Fallible;
use crate::cli::Args;
use crate::library::CoreTrigger;
use crate::report::Report;
use crate::stats::{ms, p50_p99, sorted};

const SCENARIO: &str = "core, PostgreSQL";
const TARGET_PER_SECOND: f64 = 1000.0;

/// Runs the phase in a schema of its own, dropped afterwards.
pub async fn run(args: &Args, report: &mut Report) -> Fallible<()> {
    let Some(url) = args.database_url.as_deref() else {
        let target = format!("≥ {TARGET_PER_SECOND:.0}/s");
        report.not_run(SCENARIO, "trigger throughput", "DATABASE_URL is not set", &target);
        return Ok(());
    };
    println!("\n== {SCENARIO}: trigger through ResetService with a dropping mailer ==");
    let warm_up = (args.core_users / 20).max(10);
    let core = CoreTrigger::set_up(url, args.core_users + warm_up).await?;
    let outcome = measure(args, &core, warm_up, report).await;
    core.tear_down().await;
    outcome
}

async fn measure(args: &Args, core: &CoreTrigger, warm_up: usize, report: &mut Report) -> Fallible<()> {
    let (users, tasks) = (args.core_users, args.core_tasks);
    trigger_range(core, 1, warm_up, tasks.min(warm_up)).await?;
    let (elapsed, latencies) = trigger_range(core, warm_up + 1, warm_up + users, tasks).await?;
    let rate = users as f64 / elapsed.as_secs_f64();
    println!("triggered {users} resets in {:.2} s ({rate:.0}/s, {tasks} tasks)", elapsed.as_secs_f64());
    let figure = format!("trigger throughput ({users} users, {tasks} tasks)");
    let target = format!("≥ {TARGET_PER_SECOND:.0}/s");
    report.judged(SCENARIO, &figure, format!("{rate:.0}/s"), &target, rate >= TARGET_PER_SECOND);
    let (p50, p99) = p50_p99(&latencies);
    report.info(SCENARIO, "trigger latency p50 / p99", format!("{p50:.1} / {p99:.1} ms"));
    Ok(())
}

/// Triggers users `from..=to` from `tasks` concurrent tasks, each taking the
/// next user until none is left; returns the time taken and the sorted
/// latencies in milliseconds.
async fn trigger_range(
    core: &CoreTrigger,
    from: usize,
    to: usize,
    tasks: usize,
) -> Fallible<(Duration, Vec<f64>)> {
    let next = Arc::new(AtomicUsize::new(from));
    let mut set = JoinSet::new();
    let started = Instant::now();
    for _ in 0..tasks {
        let (core, next) = (core.clone(), Arc::clone(&next));
        set.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n > to {
                    return Ok::<_, String>(latencies);
                }
                let one = Instant::now();
                core.trigger(n).await?;
                latencies.push(ms(one.elapsed()));
            }
        });
    }
    let mut latencies = Vec::new();
    while let Some(joined) = set.join_next().await {
        latencies.extend(joined.map_err(|error| format!("a trigger task failed: {error}"))??);
    }
    Ok((started.elapsed(), sorted(latencies)))
}
