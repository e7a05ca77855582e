//! The strength check with a breach source: `ResetService::rate` on an
//! acceptable password (which is then looked up) without a source, with a
//! local mirror (range directory, sorted file) and with the range API on
//! loopback (each password new: a request; the same password again: the
//! cache). Prints p50 and p99 over many calls, the mirror's memory, then
//! criterion's figures for the lookups alone. `-- --quick` for fewer calls.
//!
//! The mirror holds, for each password rated, a range of 900 other hashes
//! (about 40 KB, as the official ranges), and the loopback API answers
//! ranges of 900 lines plus padding, so each lookup reads what a real one
//! reads.

use std::collections::HashMap;
use std::convert::Infallible;
use std::hint::black_box;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::Criterion;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use inzant_reset_breach::{
    LocalMirror, MirrorCheck, RangeApi, RangeApiSettings, write_range_directory, write_sorted_file,
};
use inzant_reset_core::breach::{BreachPolicy, PasswordSha1, parse_prefix, parse_range, prefix_hex};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::ports::BreachedPasswords;
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{directory_of, person};
use secrecy::SecretString;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
/// A breach source for the service, or none.
type Source = Option<Arc<dyn BreachedPasswords>>;

/// Lines of a range besides the password's own (the official ranges hold 800–1,100).
const RANGE_LINES: usize = 900;

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `RANGE_LINES` made-up hashes in range `prefix`.
fn filler(prefix: u32, seed: u64) -> Vec<(PasswordSha1, u64)> {
    let mut state = seed | 1;
    (0..RANGE_LINES)
        .map(|_| {
            let mut bytes = [0u8; 20];
            for chunk in bytes.chunks_mut(8) {
                let word = xorshift(&mut state).to_le_bytes();
                chunk.copy_from_slice(&word[..chunk.len()]);
            }
            bytes[0] = (prefix >> 12) as u8;
            bytes[1] = (prefix >> 4) as u8;
            bytes[2] = ((prefix & 0xf) as u8) << 4 | (bytes[2] & 0x0f);
            (PasswordSha1::from_bytes(bytes), 1 + xorshift(&mut state) % 5000)
        })
        .collect()
}

/// Acceptable, distinct passwords.
fn passwords(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("Quiet7-Mango-Trail-{i}")).collect()
}

fn all_hashes(passwords: &[String]) -> Vec<(PasswordSha1, u64)> {
    passwords
        .iter()
        .enumerate()
        .flat_map(|(i, password)| {
            let sha1 = PasswordSha1::of(password);
            let mut range = filler(sha1.prefix_index(), i as u64 * 7919 + 1);
            // Every fourth one is breached.
            if i % 4 == 0 {
                range.push((sha1, 3));
            }
            range
        })
        .collect()
}

/// A range API on loopback answering ranges of `RANGE_LINES` lines plus padding.
async fn loopback_api() -> Fallible<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let bodies: Arc<Mutex<HashMap<u32, Bytes>>> = Arc::default();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let bodies = bodies.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let prefix =
                        parse_prefix(request.uri().path().rsplit('/').next().unwrap_or("").as_bytes());
                    let body = prefix.map_or_else(Bytes::new, |prefix| {
                        let mut bodies = bodies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        bodies
                            .entry(prefix)
                            .or_insert_with(|| {
                                let mut lines: Vec<String> = filler(prefix, u64::from(prefix) + 1)
                                    .into_iter()
                                    .map(|(sha1, count)| format!("{}:{count}", sha1.suffix()))
                                    .collect();
                                lines.extend((0..100).map(|i| format!("{:035X}:0", 0xDEAD_0000u64 + i)));
                                lines.sort();
                                Bytes::from(lines.join("\r\n"))
                            })
                            .clone()
                    });
                    async move { Ok::<_, Infallible>(Response::new(Full::new(body))) }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    Ok(format!("http://{address}/range/"))
}

fn service(source: Option<Arc<dyn BreachedPasswords>>) -> Fallible<(ResetService, Arc<MemoryOutbox>)> {
    let directory = directory_of([
        person("1", "admin@inzant.example", UserType::Admin),
        person("2", "sam.web@inzant.example", UserType::Web),
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let keys = CodeKeys::new(vec![1; 32], vec![])?;
    let mut builder = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        keys,
        ResetConfig::new("https://sales.inzant.example"),
    )
    .hash_params(HashParams::insecure_for_tests());
    if let Some(source) = source {
        builder = builder.breached_passwords(source, BreachPolicy::default());
    }
    Ok((builder.build()?, outbox))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// p50 and p99 of `ResetService::rate` over `passwords`, each rated once
/// (`repeat` false) or the first one again and again.
fn rate_figures(
    runtime: &Runtime,
    source: Option<Arc<dyn BreachedPasswords>>,
    passwords: &[String],
    repeat: bool,
) -> Fallible<(Duration, Duration)> {
    let (service, outbox) = service(source)?;
    runtime.block_on(async {
        service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await?;
        let (token, _) = outbox.last_link_and_code().ok_or("no email")?;
        let opened = service.open(&token).await?;
        let mut times = Vec::with_capacity(passwords.len());
        for password in passwords {
            let password = SecretString::from(if repeat { passwords[0].as_str() } else { password.as_str() });
            let started = Instant::now();
            black_box(service.rate(&opened, &password).await);
            times.push(started.elapsed());
        }
        times.sort();
        Ok((percentile(&times, 0.5), percentile(&times, 0.99)))
    })
}

fn rss_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

fn summary(runtime: &Runtime, dir: &Path, sorted: &Path, api_base: &str, calls: usize) -> Fallible<()> {
    let passwords = passwords(calls);
    let rss_before = rss_kib();
    let ranges = LocalMirror::open(dir)?;
    let sorted_mirror = LocalMirror::open(sorted)?;
    let rss_opened = rss_kib();
    let settings = RangeApiSettings::with_base_url(api_base);
    let api = Arc::new(RangeApi::new(settings)?);

    // The lookups alone.
    let mut lookups: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (name, mirror) in [("range directory", &ranges), ("sorted file", &sorted_mirror)] {
        let mut times: Vec<Duration> = passwords
            .iter()
            .map(|password| {
                let sha1 = PasswordSha1::of(password);
                let started = Instant::now();
                black_box(mirror.lookup(&sha1)?);
                Ok(started.elapsed())
            })
            .collect::<Fallible<_>>()?;
        times.sort();
        lookups.push((name, times));
    }
    println!("\nLookup alone (`LocalMirror::lookup`, on the calling thread):");
    for (name, times) in &lookups {
        println!(
            "  {name}: p50 {} µs, p99 {} µs",
            percentile(times, 0.5).as_micros(),
            percentile(times, 0.99).as_micros()
        );
    }
    let rss_after = rss_kib();

    println!(
        "\nStrength check (`ResetService::rate`, policy threads) on an acceptable password, {calls} calls:"
    );
    println!("| {:<44} | {:>9} | {:>9} |", "source", "p50", "p99");
    println!("|{:-<46}|{:-<11}|{:-<11}|", "", "", "");
    let rows: Vec<(&str, Source, bool)> = vec![
        ("no breach source", None, false),
        ("local mirror, range directory", Some(Arc::new(ranges.clone())), false),
        ("local mirror, one sorted file", Some(Arc::new(sorted_mirror.clone())), false),
        ("range API on loopback, uncached (a request)", Some(api.clone()), false),
        ("range API on loopback, cached (same password)", Some(api.clone()), true),
    ];
    for (name, source, repeat) in rows {
        let (p50, p99) = rate_figures(runtime, source, &passwords, repeat)?;
        println!("| {name:<44} | {:>6} µs | {:>6} µs |", p50.as_micros(), p99.as_micros());
    }

    println!("\nMemory:");
    println!(
        "  range directory ({} range files): {} bytes kept between lookups (an index of which ranges exist)",
        ranges.range_files().unwrap_or(0),
        ranges.resident_bytes()
    );
    println!(
        "  sorted file ({} MB): {} bytes kept between lookups",
        std::fs::metadata(sorted).map(|m| m.len() / 1_000_000).unwrap_or(0),
        sorted_mirror.resident_bytes()
    );
    if let (Some(before), Some(opened), Some(after)) = (rss_before, rss_opened, rss_after) {
        println!(
            "  process RSS: {before} KiB before opening both, {opened} KiB after, {after} KiB after {calls} lookups in each"
        );
    }
    println!(
        "  range API cache: {} ranges held after {} distinct passwords (capacity {}, ≈ 22 KB per range of 900 lines)",
        api.cached_ranges(),
        calls,
        api.settings().cache_capacity
    );
    println!("  requests sent to the loopback API: {}", api.requests_sent());
    Ok(())
}

fn criterion_lookups(
    runtime: &Runtime,
    dir: &Path,
    sorted: &Path,
    api_base: &str,
    quick: bool,
) -> Fallible<()> {
    let mut criterion = Criterion::default().configure_from_args();
    if quick {
        criterion =
            criterion.warm_up_time(Duration::from_millis(200)).measurement_time(Duration::from_millis(500));
    }
    let ranges = LocalMirror::open_with(dir, MirrorCheck::Sample(16))?;
    let sorted_mirror = LocalMirror::open_with(sorted, MirrorCheck::Sample(16))?;
    let passwords: Vec<PasswordSha1> = passwords(256).iter().map(|p| PasswordSha1::of(p)).collect();
    let mut group = criterion.benchmark_group("breach");
    group.sample_size(20);
    let mut i = 0;
    group.bench_function("mirror-range-directory-lookup", |b| {
        b.iter(|| {
            i = (i + 1) % passwords.len();
            ranges.lookup(black_box(&passwords[i]))
        })
    });
    group.bench_function("mirror-sorted-file-lookup", |b| {
        b.iter(|| {
            i = (i + 1) % passwords.len();
            sorted_mirror.lookup(black_box(&passwords[i]))
        })
    });
    let body = std::fs::read(dir.join(format!("{}.txt", prefix_hex(passwords[0].prefix_index()))))?;
    let suffix = passwords[0].suffix();
    group.bench_function("parse-range-900-lines", |b| b.iter(|| parse_range(black_box(&body), &suffix)));
    let api =
        RangeApi::new(RangeApiSettings { cache_capacity: 0, ..RangeApiSettings::with_base_url(api_base) })?;
    group.bench_function("range-api-loopback-uncached", |b| {
        b.iter(|| runtime.block_on(api.occurrences(black_box(&passwords[0]))))
    });
    let cached = RangeApi::new(RangeApiSettings::with_base_url(api_base))?;
    group.bench_function("range-api-cached", |b| {
        b.iter(|| runtime.block_on(cached.occurrences(black_box(&passwords[0]))))
    });
    group.finish();
    criterion.final_summary();
    Ok(())
}

fn main() -> Fallible<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let calls = if quick { 200 } else { 2000 };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let dir = tempfile::tempdir()?;
    let ranges = dir.path().join("ranges");
    let sorted = dir.path().join("sorted.txt");
    let hashes = all_hashes(&passwords(calls));
    write_range_directory(&ranges, hashes.iter().cloned())?;
    write_sorted_file(&sorted, hashes)?;
    let api_base = runtime.block_on(loopback_api())?;
    summary(&runtime, &ranges, &sorted, &api_base, calls)?;
    criterion_lookups(&runtime, &ranges, &sorted, &api_base, quick)
}
