//! The strength meter, bounded (`PasswordPolicy::evaluate`) against stock
//! zxcvbn 3.1 (`PasswordPolicy::evaluate_reference`), side by side in one run
//! over an adversarial corpus and a realistic one.
//!
//! Prints a summary table (worst-case and median time per call per corpus,
//! agreement of the levels), then runs criterion per input.
//!
//! ```text
//! cargo bench -p inzant-reset-benches --bench strength             # full
//! cargo bench -p inzant-reset-benches --bench strength -- --quick  # < 1 min
//! ```
//! `STRENGTH_QUICK=1` also selects the quick mode.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use inzant_reset_benches::adversarial_corpus;
use inzant_reset_core::PasswordPolicy;
use inzant_reset_core::policy::corpus;

const INPUTS: [&str; 3] = ["sam.web@inzant.example", "sam.web", "Sam Web"];

struct Settings {
    quick: bool,
    /// Calls per input for our meter.
    ours_reps: usize,
    /// Calls per input for stock (some take a third of a second).
    stock_reps: usize,
    realistic: usize,
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// Per-input median of `reps` calls, and the slowest single call.
fn time(reps: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut samples: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    let max = samples.iter().copied().max().unwrap_or_default();
    (median(&mut samples), max)
}

struct Row {
    ours: Duration,
    ours_max: Duration,
    stock: Duration,
}

fn measure(policy: &PasswordPolicy, corpus: &[(String, String)], settings: &Settings) -> Vec<Row> {
    corpus
        .iter()
        .map(|(_, password)| {
            // Interleave so that noise hits both sides alike.
            let (stock, _) = time(settings.stock_reps, || {
                black_box(policy.evaluate_reference(black_box(password), &INPUTS));
            });
            let (ours, ours_max) = time(settings.ours_reps, || {
                black_box(policy.evaluate(black_box(password), &INPUTS));
            });
            Row { ours, ours_max, stock }
        })
        .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn summarize(name: &str, rows: &[Row]) {
    let mut ours: Vec<Duration> = rows.iter().map(|r| r.ours).collect();
    let mut stock: Vec<Duration> = rows.iter().map(|r| r.stock).collect();
    let ours_max = rows.iter().map(|r| r.ours_max).max().unwrap_or_default();
    let worst_ours = ours.iter().copied().max().unwrap_or_default();
    let worst_stock = stock.iter().copied().max().unwrap_or_default();
    println!(
        "| {name:<22} | {:>5} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10} |",
        rows.len(),
        ms(worst_ours),
        ms(median(&mut ours)),
        ms(ours_max),
        ms(worst_stock),
        ms(median(&mut stock)),
    );
}

fn summary(settings: &Settings) {
    let policy = PasswordPolicy::default();
    let adversarial = adversarial_corpus();
    let realistic: Vec<(String, String)> =
        corpus::realistic(2026, settings.realistic).into_iter().map(|p| (String::new(), p)).collect();

    // Warm up both (lazy statics, caches).
    for (_, p) in realistic.iter().take(50) {
        black_box(policy.evaluate(p, &INPUTS));
        black_box(policy.evaluate_reference(p, &INPUTS));
    }

    let adversarial_rows = measure(&policy, &adversarial, settings);
    println!("\nPer input, adversarial corpus (median of the calls; ours vs stock zxcvbn 3.1):");
    println!("| {:<22} | {:>10} | {:>10} | {:>7} | ours / stock level |", "input", "ours", "stock", "ratio");
    println!("|{:-<24}|{:-<12}|{:-<12}|{:-<9}|{:-<20}|", "", "", "", "", "");
    for ((name, password), row) in adversarial.iter().zip(&adversarial_rows) {
        let ours = policy.evaluate(password, &INPUTS).level();
        let stock = policy.evaluate_reference(password, &INPUTS).level();
        println!(
            "| {name:<22} | {:>10} | {:>10} | {:>6.0}x | {} / {} |",
            ms(row.ours),
            ms(row.stock),
            row.stock.as_secs_f64() / row.ours.as_secs_f64().max(1e-9),
            ours,
            stock
        );
    }
    let realistic_rows = measure(&policy, &realistic, settings);

    println!(
        "\nTime per call (worst and median over the inputs of each input's median; max = slowest single call):"
    );
    println!(
        "| {:<22} | {:>5} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10} |",
        "corpus", "n", "ours worst", "ours med", "ours max", "stock worst", "stock med"
    );
    println!("|{:-<24}|{:-<7}|{:-<12}|{:-<12}|{:-<12}|{:-<12}|{:-<12}|", "", "", "", "", "", "", "");
    summarize("adversarial (≤128)", &adversarial_rows);
    summarize("realistic (≤40)", &realistic_rows);

    // Agreement of levels: the Inzant policy and the bare zxcvbn score.
    let bare = PasswordPolicy {
        require_uppercase: false,
        require_lowercase: false,
        require_digit: false,
        require_symbol: false,
        ..PasswordPolicy::default()
    };
    for (label, policy) in [("Inzant policy", &policy), ("score only (no rules)", &bare)] {
        let mut agree = 0usize;
        let mut windowed_agree = 0usize;
        for (_, password) in &realistic {
            let stock = policy.evaluate_reference(password, &INPUTS).level();
            agree += usize::from(policy.evaluate(password, &INPUTS).level() == stock);
            windowed_agree += usize::from(policy.evaluate_windowed(password, &INPUTS).level() == stock);
        }
        let n = realistic.len().max(1) as f64;
        println!(
            "\nAgreement with stock zxcvbn 3.1 + rules, realistic corpus, {label}: {agree}/{} = {:.2} % \
             (windowed path forced on every input: {:.2} %)",
            realistic.len(),
            agree as f64 * 100.0 / n,
            windowed_agree as f64 * 100.0 / n
        );
    }
    println!();
}

fn criterion_per_input(settings: &Settings) {
    let policy = PasswordPolicy::default();
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(if settings.quick { 50 } else { 500 }))
        .measurement_time(Duration::from_millis(if settings.quick { 100 } else { 2000 }))
        .configure_from_args();
    let mut group = criterion.benchmark_group("strength");
    for (name, password) in adversarial_corpus() {
        group.bench_function(format!("ours/{name}"), |b| {
            b.iter(|| policy.evaluate(black_box(&password), &INPUTS))
        });
        // Stock takes up to a third of a second per call on some of these;
        // in quick mode only the cheap ones run.
        let start = Instant::now();
        black_box(policy.evaluate_reference(&password, &INPUTS));
        if !settings.quick || start.elapsed() < Duration::from_millis(5) {
            group.bench_function(format!("stock/{name}"), |b| {
                b.iter(|| policy.evaluate_reference(black_box(&password), &INPUTS))
            });
        }
    }
    group.finish();
    criterion.final_summary();
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick") || std::env::var_os("STRENGTH_QUICK").is_some();
    let settings = if quick {
        Settings { quick, ours_reps: 15, stock_reps: 1, realistic: 600 }
    } else {
        Settings { quick, ours_reps: 101, stock_reps: 5, realistic: 3000 }
    };
    summary(&settings);
    criterion_per_input(&settings);
}
