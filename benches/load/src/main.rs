//! `load`: the password-reset flow under load, every figure in one table
//! next to its target (the performance targets in `docs/PERFORMANCE.md`).
//!
//! The load tool talks to the demo over HTTP, as an admin and as users do.
//! By default it starts the release demo itself, as a child process on a
//! free loopback port with a temporary mail directory; with `--target URL`
//! it drives a demo that is already running, possibly on another machine.
//!
//! Phases (each its own module under `phase`):
//! - `redeem` (`--memory`, `--postgres`, or the `--target`): trigger
//!   throughput over HTTP, strength p50/p99 idle and during a burst of
//!   concurrent submits, redeem throughput against the Argon2 bound, the
//!   demo's peak RSS and its CPU time per redeem (on PostgreSQL, the
//!   database server's too);
//! - `scale` (`--scale`): trigger / open / submit latency with a million
//!   reset requests and 100,000 users in PostgreSQL, side by side with an
//!   empty database;
//! - `core_trigger` (`--core-trigger`): trigger throughput through the core
//!   on PostgreSQL, without HTTP.
//!
//! The process exits non-zero on errors (a refused request, a missing email,
//! a demo that does not start), never on a missed target. `scripts/load`
//! builds the binaries, provides PostgreSQL and runs `--all`.

#![forbid(unsafe_code)]

mod argon2;
mod cli;
mod database;
mod demo;
mod flow;
mod http;
mod library;
mod machine;
mod mail;
mod phase;
mod report;
mod stats;
mod strength;

use std::process::ExitCode;

use cli::{Args, Phases};
use report::Report;

/// Errors are sentences for the operator; the tool has nothing to recover.
type Fallible<T> = Result<T, String>;

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("load: {message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("load: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nload: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the chosen phases in order and prints the table.
async fn run(args: &Args) -> Fallible<()> {
    let cores = machine::cores();
    let mut report = Report::new(args.quick);
    println!(
        "load test: {} submits, {} strength loops, {cores} cores{}",
        args.submits,
        args.strength_loops,
        if args.quick { ", quick mode (no figure judged)" } else { "" }
    );
    machine::describe(args, cores, &mut report).await?;
    let Phases { memory, postgres, target, core_trigger, scale } = args.phases;
    if memory {
        phase::redeem::run(args, phase::redeem::Store::Memory, &mut report).await?;
    }
    if postgres {
        phase::redeem::run(args, phase::redeem::Store::Postgres, &mut report).await?;
    }
    if target {
        phase::redeem::run(args, phase::redeem::Store::Target, &mut report).await?;
    }
    if scale {
        phase::scale::run(args, &mut report).await?;
    }
    if core_trigger {
        phase::core_trigger::run(args, &mut report).await?;
    }
    report.info("machine", "load average at end (1 min)", machine::load_average());
    println!("\n{}", report.render());
    println!("{}", report.summary());
    Ok(())
}
