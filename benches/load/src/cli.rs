//! The command line: which phases run, their sizes, and which demo they drive.

use std::path::PathBuf;
use std::time::Duration;

use crate::Fallible;

pub const USAGE: &str = "usage: load [--memory] [--postgres] [--scale] [--core-trigger] [--all] [--quick]
            [--target URL [--mail-dir DIR] [--target-pid PID]]
            [--submits N] [--strength-loops N] [--strength-interval-ms MS]
            [--scale-requests N] [--scale-users N] [--scale-measured N]
            [--core-users N] [--core-tasks N] [--demo-bin PATH] [--demo-env KEY=VALUE]...
  --memory        the HTTP load test on a spawned demo with the in-memory store (the default)
  --postgres      the HTTP load test on a spawned demo with PostgreSQL (DATABASE_URL)
  --scale         trigger/open/submit latency with 1,000,000 reset requests and 100,000 users
                  in PostgreSQL vs an empty database (DATABASE_URL; creates two databases)
  --core-trigger  trigger throughput through the core on PostgreSQL (DATABASE_URL)
  --all           every phase
  --quick         small sizes; no figure is judged against its target
  --target URL    drive the demo running at URL (plain http) instead of spawning one; it
                  must run with the load-test settings (see docs/PERFORMANCE.md) and
                  INZANT_DEMO_ADMIN_PASSWORD must hold its admin's password here too
  --mail-dir DIR  with --target: the target's INZANT_MAIL_DIR as this machine sees it
                  (a shared mount); without it only trigger throughput is measured
  --target-pid N  with --target on this machine: the demo's process id, for its RSS and CPU";

/// What one run measures, against what.
#[derive(Debug)]
pub struct Args {
    pub phases: Phases,
    /// Small sizes, nothing judged.
    pub quick: bool,
    /// Concurrent submits in the burst.
    pub submits: usize,
    /// Strength-meter loops running beside the burst.
    pub strength_loops: usize,
    /// How often each strength loop rates a password.
    pub strength_interval: Duration,
    pub scale: ScaleSizes,
    /// Users triggered through the core.
    pub core_users: usize,
    /// Concurrent tasks triggering through the core.
    pub core_tasks: usize,
    /// The demo binary to spawn (default: next to this one).
    pub demo_bin: Option<PathBuf>,
    /// Extra `KEY=VALUE` environment for a spawned demo (experiments, e.g. malloc tuning).
    pub demo_env: Vec<(String, String)>,
    /// A running demo to drive instead of spawning one.
    pub target: Option<Target>,
    /// `DATABASE_URL`, for spawned demos on PostgreSQL and the core trigger.
    pub database_url: Option<String>,
}

/// The phases chosen on the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Phases {
    pub memory: bool,
    pub postgres: bool,
    /// The HTTP load test against `--target`.
    pub target: bool,
    pub core_trigger: bool,
    pub scale: bool,
}

/// Sizes of the scale phase.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScaleSizes {
    /// Reset requests written into the full database.
    pub requests: usize,
    /// Users in the full database.
    pub users: usize,
    /// Users whose trigger, open and submit are timed on each side.
    pub measured: usize,
}

/// A demo someone else runs.
#[derive(Debug)]
pub struct Target {
    /// Its base URL, without a trailing slash.
    pub url: String,
    /// Its mail directory, readable from here.
    pub mail_dir: Option<PathBuf>,
    /// Its process id, when it runs on this machine.
    pub pid: Option<u32>,
    /// Its admin's password (`INZANT_DEMO_ADMIN_PASSWORD`).
    pub admin_password: String,
}

/// Flags as given, before defaults and checks.
#[derive(Default)]
struct Raw {
    phases: Phases,
    all: bool,
    quick: bool,
    submits: Option<usize>,
    strength_loops: Option<usize>,
    strength_interval_ms: Option<usize>,
    scale_requests: Option<usize>,
    scale_users: Option<usize>,
    scale_measured: Option<usize>,
    core_users: Option<usize>,
    core_tasks: Option<usize>,
    demo_bin: Option<PathBuf>,
    demo_env: Vec<(String, String)>,
    target: Option<String>,
    mail_dir: Option<PathBuf>,
    target_pid: Option<usize>,
}

/// Parses the arguments (without the program name); `env` reads
/// `DATABASE_URL` and `INZANT_DEMO_ADMIN_PASSWORD`.
pub fn parse(args: impl IntoIterator<Item = String>, env: impl Fn(&str) -> Option<String>) -> Fallible<Args> {
    let mut raw = Raw::default();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        apply(&mut raw, &flag, &mut args)?;
    }
    finish(raw, &env)
}

fn apply(raw: &mut Raw, flag: &str, rest: &mut impl Iterator<Item = String>) -> Fallible<()> {
    let mut number = || positive(flag, rest.next());
    match flag {
        "--memory" => raw.phases.memory = true,
        "--postgres" => raw.phases.postgres = true,
        "--scale" => raw.phases.scale = true,
        "--core-trigger" => raw.phases.core_trigger = true,
        "--all" => raw.all = true,
        "--quick" => raw.quick = true,
        "--submits" => raw.submits = Some(number()?),
        "--strength-loops" => raw.strength_loops = Some(number()?),
        "--strength-interval-ms" => raw.strength_interval_ms = Some(number()?),
        "--scale-requests" => raw.scale_requests = Some(number()?),
        "--scale-users" => raw.scale_users = Some(number()?),
        "--scale-measured" => raw.scale_measured = Some(number()?),
        "--core-users" => raw.core_users = Some(number()?),
        "--core-tasks" => raw.core_tasks = Some(number()?),
        "--target-pid" => raw.target_pid = Some(number()?),
        "--demo-bin" => raw.demo_bin = Some(PathBuf::from(value(flag, rest.next())?)),
        "--mail-dir" => raw.mail_dir = Some(PathBuf::from(value(flag, rest.next())?)),
        "--target" => raw.target = Some(value(flag, rest.next())?),
        "--demo-env" => raw.demo_env.push(key_value(flag, rest.next())?),
        "-h" | "--help" => return Err("help".to_owned()),
        other => return Err(format!("unknown argument {other:?}")),
    }
    Ok(())
}

fn value(flag: &str, value: Option<String>) -> Fallible<String> {
    value.ok_or_else(|| format!("{flag} needs a value"))
}

fn positive(flag: &str, value: Option<String>) -> Fallible<usize> {
    let value = value.ok_or_else(|| format!("{flag} needs a number"))?;
    match value.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag} needs a positive number (got {value:?})")),
    }
}

fn key_value(flag: &str, pair: Option<String>) -> Fallible<(String, String)> {
    let pair = value(flag, pair)?;
    let (key, value) =
        pair.split_once('=').ok_or_else(|| format!("{flag} needs KEY=VALUE (got {pair:?})"))?;
    Ok((key.to_owned(), value.to_owned()))
}

/// Fills in the defaults (small ones in quick mode) and refuses combinations
/// that cannot work.
fn finish(raw: Raw, env: &impl Fn(&str) -> Option<String>) -> Fallible<Args> {
    let quick = raw.quick;
    let size = |given: Option<usize>, quick_size: usize, full_size: usize| {
        given.unwrap_or(if quick { quick_size } else { full_size })
    };
    let target = target(&raw, env)?;
    let phases = phases(&raw, target.is_some())?;
    let database_url = env("DATABASE_URL").filter(|url| !url.trim().is_empty());
    // Phases named on the command line need the database; those `--all`
    // adds to a `--target` run report themselves as not run without one.
    let named = raw.phases;
    let needs_database =
        named.postgres || named.core_trigger || (target.is_none() && (named.scale || raw.all));
    if needs_database && database_url.is_none() {
        return Err("--postgres, --scale and --core-trigger need DATABASE_URL \
                    (scripts/load starts a private cluster)"
            .to_owned());
    }
    let scale = ScaleSizes {
        requests: size(raw.scale_requests, 20_000, 1_000_000),
        users: size(raw.scale_users, 2_000, 100_000),
        measured: size(raw.scale_measured, 20, 1000),
    };
    Ok(Args {
        phases,
        quick,
        submits: size(raw.submits, 20, 500),
        strength_loops: raw.strength_loops.unwrap_or(3),
        strength_interval: Duration::from_millis(raw.strength_interval_ms.unwrap_or(20) as u64),
        scale,
        core_users: size(raw.core_users, 200, 5000),
        core_tasks: raw.core_tasks.unwrap_or(64),
        demo_bin: raw.demo_bin,
        demo_env: raw.demo_env,
        target,
        database_url,
    })
}

fn target(raw: &Raw, env: &impl Fn(&str) -> Option<String>) -> Fallible<Option<Target>> {
    let Some(url) = &raw.target else {
        if raw.mail_dir.is_some() || raw.target_pid.is_some() {
            return Err("--mail-dir and --target-pid go with --target (a spawned demo's mail \
                        and process are the tool's own)"
                .to_owned());
        }
        return Ok(None);
    };
    if !url.starts_with("http://") {
        return Err(format!(
            "--target needs a plain http:// URL (got {url:?}): the load tool speaks HTTP/1.1 \
             without TLS, so point it at the demo itself, not at a TLS front"
        ));
    }
    let admin_password = env("INZANT_DEMO_ADMIN_PASSWORD").filter(|p| !p.is_empty()).ok_or(
        "--target needs INZANT_DEMO_ADMIN_PASSWORD: the admin password the target demo was started with",
    )?;
    let pid = raw.target_pid.map(u32::try_from).transpose().map_err(|_| "--target-pid is too large")?;
    Ok(Some(Target {
        url: url.trim_end_matches('/').to_owned(),
        mail_dir: raw.mail_dir.clone(),
        pid,
        admin_password,
    }))
}

fn phases(raw: &Raw, remote: bool) -> Fallible<Phases> {
    let mut phases = raw.phases;
    if remote && (phases.memory || phases.postgres) {
        return Err("--memory and --postgres spawn their own demo; with --target the target's \
                    store is the one measured"
            .to_owned());
    }
    if raw.all {
        (phases.core_trigger, phases.scale) = (true, true);
        (phases.memory, phases.postgres, phases.target) = (!remote, !remote, remote);
    }
    if !(phases.memory || phases.postgres || phases.core_trigger || phases.scale) {
        phases.memory = !remote;
        phases.target = remote;
    }
    Ok(phases)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse_with(args: &[&str], env: &[(&str, &str)]) -> Fallible<Args> {
        let env: Vec<(String, String)> =
            env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        parse(args.iter().map(|a| (*a).to_owned()), move |name| {
            env.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
        })
    }

    #[test]
    fn no_phase_means_the_memory_load_test() {
        let args = parse_with(&[], &[]).unwrap();
        assert!(args.phases.memory && !args.phases.postgres && !args.phases.scale);
        assert_eq!((args.submits, args.scale.requests, args.scale.users), (500, 1_000_000, 100_000));
    }

    #[test]
    fn quick_mode_makes_every_size_small() {
        let args = parse_with(&["--quick", "--all"], &[("DATABASE_URL", "postgres://x/db")]).unwrap();
        assert!(args.phases.memory && args.phases.postgres && args.phases.scale && args.phases.core_trigger);
        assert_eq!((args.submits, args.core_users), (20, 200));
        assert_eq!((args.scale.requests, args.scale.users, args.scale.measured), (20_000, 2_000, 20));
    }

    #[test]
    fn database_phases_need_a_database() {
        assert!(parse_with(&["--scale"], &[]).is_err());
        assert!(parse_with(&["--postgres"], &[("DATABASE_URL", " ")]).is_err());
    }

    #[test]
    fn a_target_replaces_the_spawned_demos() {
        let env = [("INZANT_DEMO_ADMIN_PASSWORD", "pw"), ("DATABASE_URL", "postgres://x/db")];
        let args = parse_with(&["--target", "http://10.0.0.5:3000/", "--all"], &env).unwrap();
        assert!(args.phases.target && !args.phases.memory && !args.phases.postgres);
        assert_eq!(args.target.unwrap().url, "http://10.0.0.5:3000");
        let without_database = parse_with(&["--target", "http://h", "--all"], &env[..1]).unwrap();
        assert!(without_database.phases.core_trigger && without_database.database_url.is_none());
        assert!(parse_with(&["--target", "http://h", "--core-trigger"], &env[..1]).is_err());
        assert!(parse_with(&["--target", "http://h", "--memory"], &env).is_err());
    }

    #[test]
    fn a_target_needs_plain_http_and_the_admin_password() {
        let env = [("INZANT_DEMO_ADMIN_PASSWORD", "pw")];
        assert!(parse_with(&["--target", "https://h"], &env).is_err());
        assert!(parse_with(&["--target", "http://h"], &[]).is_err());
        assert!(parse_with(&["--mail-dir", "/srv/mail"], &env).is_err());
        let args =
            parse_with(&["--target", "http://h", "--mail-dir", "/m", "--target-pid", "42"], &env).unwrap();
        let target = args.target.unwrap();
        assert_eq!((target.pid, target.mail_dir), (Some(42), Some(PathBuf::from("/m"))));
        assert!(args.phases.target);
    }

    #[test]
    fn numbers_must_be_positive() {
        assert!(parse_with(&["--submits", "0"], &[]).is_err());
        assert!(parse_with(&["--submits"], &[]).is_err());
        assert!(parse_with(&["--demo-env", "NOEQUALS"], &[]).is_err());
        assert_eq!(parse_with(&["--demo-env", "A=b=c"], &[]).unwrap().demo_env, [("A".into(), "b=c".into())]);
    }
}
