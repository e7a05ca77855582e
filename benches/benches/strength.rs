//! The strength meter, bounded (`PasswordPolicy::rate`) against stock
//! zxcvbn 3.1 (`PasswordPolicy::evaluate_reference`), side by side in one run
//! over an adversarial corpus, a realistic one (up to 40 characters) and a
//! long one (41 to 128 characters, the windowed path).
//!
//! Prints a summary table (worst-case and median time per call per corpus,
//! agreement of the levels, passwords rated more leniently than stock), draws
//! time per call against length for both, one line per input family, into an
//! SVG (`docs/strength-time.svg` in full mode, the temporary directory in
//! quick mode), then runs criterion per input.
//!
//! ```text
//! cargo bench -p inzant-reset-benches --bench strength             # full
//! cargo bench -p inzant-reset-benches --bench strength -- --quick  # < 1 min
//! ```
//! `STRENGTH_QUICK=1` also selects the quick mode.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;
use inzant_reset_benches::adversarial_corpus;
use inzant_reset_core::PasswordPolicy;
use inzant_reset_test_support::corpus;
use plotters::prelude::*;

const INPUTS: [&str; 3] = ["sam.web@inzant.example", "sam.web", "Sam Web"];

struct Settings {
    quick: bool,
    /// Calls per input for our meter.
    ours_reps: usize,
    /// Calls per input for stock (some take a third of a second).
    stock_reps: usize,
    realistic: usize,
    /// Passwords of the long corpus.
    long: usize,
    /// Calls per point of the plot, ours and stock.
    plot_reps: (usize, usize),
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// Median, fastest and slowest of `reps` calls.
fn time(reps: usize, mut f: impl FnMut()) -> (Duration, Duration, Duration) {
    let mut samples: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    let min = samples.iter().copied().min().unwrap_or_default();
    let max = samples.iter().copied().max().unwrap_or_default();
    (median(&mut samples), min, max)
}

struct Row {
    ours: Duration,
    /// The fastest of our calls: the input's cost without the machine's
    /// other work (this machine is shared).
    ours_min: Duration,
    ours_max: Duration,
    stock: Duration,
}

/// Times every input of `corpus` in rounds: each round calls stock once
/// and ours once per input, so that the machine's other work (it is
/// shared) hits every input and both estimators alike instead of inflating
/// the inputs that happened to run during a burst.
fn measure(policy: &PasswordPolicy, corpus: &[(String, String)], settings: &Settings) -> Vec<Row> {
    let mut ours: Vec<Vec<Duration>> = vec![Vec::with_capacity(settings.ours_reps); corpus.len()];
    let mut stock: Vec<Vec<Duration>> = vec![Vec::with_capacity(settings.stock_reps); corpus.len()];
    for round in 0..settings.ours_reps.max(settings.stock_reps) {
        for (index, (_, password)) in corpus.iter().enumerate() {
            if round < settings.stock_reps {
                let (t, _, _) = time(1, || {
                    black_box(policy.evaluate_reference(black_box(password), &INPUTS));
                });
                stock[index].push(t);
            }
            if round < settings.ours_reps {
                let (t, _, _) = time(1, || {
                    black_box(policy.rate(black_box(password), &INPUTS));
                });
                ours[index].push(t);
            }
        }
    }
    ours.iter_mut()
        .zip(&mut stock)
        .map(|(ours, stock)| Row {
            ours_min: ours.iter().copied().min().unwrap_or_default(),
            ours_max: ours.iter().copied().max().unwrap_or_default(),
            ours: median(ours),
            stock: median(stock),
        })
        .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn summarize(name: &str, rows: &[Row]) {
    let mut ours: Vec<Duration> = rows.iter().map(|r| r.ours).collect();
    let worst_min = rows.iter().map(|r| r.ours_min).max().unwrap_or_default();
    let mut stock: Vec<Duration> = rows.iter().map(|r| r.stock).collect();
    let ours_max = rows.iter().map(|r| r.ours_max).max().unwrap_or_default();
    let worst_ours = ours.iter().copied().max().unwrap_or_default();
    let worst_stock = stock.iter().copied().max().unwrap_or_default();
    println!(
        "| {name:<22} | {:>5} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10} |",
        rows.len(),
        ms(worst_ours),
        ms(worst_min),
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
        black_box(policy.rate(p, &INPUTS));
        black_box(policy.evaluate_reference(p, &INPUTS));
    }

    let adversarial_rows = measure(&policy, &adversarial, settings);
    println!("\nPer input, adversarial corpus (median of the calls; ours vs stock zxcvbn 3.1):");
    println!("| {:<22} | {:>10} | {:>10} | {:>7} | ours / stock level |", "input", "ours", "stock", "ratio");
    println!("|{:-<24}|{:-<12}|{:-<12}|{:-<9}|{:-<20}|", "", "", "", "", "");
    for ((name, password), row) in adversarial.iter().zip(&adversarial_rows) {
        let ours = policy.rate(password, &INPUTS).level();
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
        "\nTime per call (worst and median over the inputs of each input's median; worst fast = the largest \
         of each input's fastest call; max = slowest single call):"
    );
    println!(
        "| {:<22} | {:>5} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10} | {:>10} |",
        "corpus", "n", "ours worst", "worst fast", "ours med", "ours max", "stock worst", "stock med"
    );
    println!(
        "|{:-<24}|{:-<7}|{:-<12}|{:-<12}|{:-<12}|{:-<12}|{:-<12}|{:-<12}|",
        "", "", "", "", "", "", "", ""
    );
    let long: Vec<(String, String)> = corpus::long(2026, settings.long)
        .into_iter()
        .map(|(family, p)| (family.name().to_owned(), p))
        .collect();
    let long_rows = measure(&policy, &long, settings);
    summarize("adversarial (≤128)", &adversarial_rows);
    summarize("realistic (≤40)", &realistic_rows);
    summarize("long (41–128)", &long_rows);
    for (name, corpus, rows) in [("realistic", &realistic, &realistic_rows), ("long", &long, &long_rows)] {
        if let Some(((_, password), row)) = corpus.iter().zip(rows.iter()).max_by_key(|(_, row)| row.ours) {
            println!(
                "slowest {name} input for ours: {password:?} ({} median, {} fastest)",
                ms(row.ours),
                ms(row.ours_min)
            );
        }
    }

    // Agreement of levels: the Inzant policy and the bare zxcvbn score.
    let mut bare = PasswordPolicy::default();
    bare.require_uppercase = false;
    bare.require_lowercase = false;
    bare.require_digit = false;
    bare.require_symbol = false;
    bare.forbid_user_details = false;
    println!(
        "\nAgreement of the level with stock zxcvbn 3.1 + the rules (lenient = stock refuses, ours would save):"
    );
    println!("| {:<34} | {:<22} | {:>17} | {:>7} |", "corpus", "policy", "agreement", "lenient");
    println!("|{:-<36}|{:-<24}|{:-<19}|{:-<9}|", "", "", "", "");
    for (label, policy) in [("Inzant policy", &policy), ("score only (no rules)", &bare)] {
        let passwords =
            |corpus: &[(String, String)]| corpus.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>();
        agreement("realistic (≤40), evaluate", label, policy, &passwords(&realistic), PasswordPolicy::rate);
        agreement(
            "realistic (≤40), windowed forced",
            label,
            policy,
            &passwords(&realistic),
            PasswordPolicy::evaluate_windowed,
        );
        agreement("long (41–128), evaluate", label, policy, &passwords(&long), PasswordPolicy::rate);
    }
    println!();
}

type Evaluate = fn(&PasswordPolicy, &str, &[&str]) -> inzant_reset_core::policy::StrengthReport;

/// Prints one agreement row: levels equal to stock's, and passwords stock
/// refuses that ours would save.
fn agreement(corpus: &str, label: &str, policy: &PasswordPolicy, passwords: &[String], ours: Evaluate) {
    let mut agree = 0usize;
    let mut lenient = 0usize;
    for password in passwords {
        let stock = policy.evaluate_reference(password, &INPUTS).level();
        let level = ours(policy, password, &INPUTS).level();
        agree += usize::from(level == stock);
        if stock < policy.minimum_level && level >= policy.minimum_level {
            lenient += 1;
            println!("  lenient: {password:?}: ours {level}, stock {stock}");
        }
    }
    let rate = format!(
        "{agree}/{} = {:.2} %",
        passwords.len(),
        agree as f64 * 100.0 / passwords.len().max(1) as f64
    );
    println!("| {corpus:<34} | {label:<22} | {rate:>17} | {lenient:>7} |");
}

/// Makes a password of the given length.
type Generator = Box<dyn Fn(usize) -> String>;

/// Input families of the plot.
fn plot_families() -> Vec<(&'static str, Generator)> {
    let cycle = |s: &'static str| move |n: usize| s.chars().cycle().take(n).collect::<String>();
    let printable: Vec<char> =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{};:,.<>/?~|"
            .chars()
            .collect();
    // A fixed pseudo-random walk: the same strings in every run.
    let random = move |alphabet: Vec<char>| {
        move |n: usize| {
            let mut state: u64 = 0x2545_f491_4f6c_dd1d;
            (0..n)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect()
        }
    };
    vec![
        ("l33t-dense", Box::new(cycle("4@8({[<3&6|!1|7+0$5%2"))),
        ("random printable", Box::new(random(printable))),
        ("random digits", Box::new(random("0123456789".chars().collect()))),
        ("word chain", Box::new(cycle("passwordiloveyousunshinedragonmonkeyprincess"))),
        ("passphrase", Box::new(cycle("Velvet-Harbour-Lantern-42-Quiet-River-"))),
        ("repeated base", Box::new(cycle("Michael24$"))),
    ]
}

const PLOT_LENGTHS: [usize; 12] = [8, 12, 16, 20, 24, 32, 40, 48, 64, 80, 100, 128];

/// Median time per call of both estimators for each family and length,
/// drawn as an SVG with a logarithmic time axis.
fn plot(settings: &Settings) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let policy = PasswordPolicy::default();
    let families = plot_families();
    let mut lines: Vec<Line<'_>> = Vec::new();
    for (name, make) in &families {
        let mut ours = Vec::new();
        let mut stock = Vec::new();
        for n in PLOT_LENGTHS {
            let password = make(n);
            let (t_stock, _, _) = time(settings.plot_reps.1, || {
                black_box(policy.evaluate_reference(black_box(&password), &INPUTS));
            });
            let (t_ours, _, _) = time(settings.plot_reps.0, || {
                black_box(policy.rate(black_box(&password), &INPUTS));
            });
            ours.push((n as f64, t_ours.as_secs_f64() * 1e3));
            stock.push((n as f64, t_stock.as_secs_f64() * 1e3));
        }
        lines.push((name, false, ours));
        lines.push((name, true, stock));
    }

    let path = if settings.quick {
        std::env::temp_dir().join("strength-time.svg")
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/strength-time.svg")
    };
    draw(&path, lines)?;
    Ok(path)
}

/// One plotted line: family, whether it is stock's, (length, ms) points.
type Line<'a> = (&'a str, bool, Vec<(f64, f64)>);

fn draw(path: &Path, lines: Vec<Line<'_>>) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Strength meter: time per call vs password length (solid: ours, dashed: stock zxcvbn 3.1)",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..130f64, (0.001f64..1000f64).log_scale())?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("password length (characters)")
        .y_desc("time per call (ms, log scale)")
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;
    let colours = [
        RGBColor(0xd6, 0x27, 0x28),
        RGBColor(0x1f, 0x77, 0xb4),
        RGBColor(0x2c, 0xa0, 0x2c),
        RGBColor(0x94, 0x67, 0xbd),
        RGBColor(0xff, 0x7f, 0x0e),
        RGBColor(0x8c, 0x56, 0x4b),
    ];
    for (index, (name, stock, points)) in lines.into_iter().enumerate() {
        let colour = colours[(index / 2) % colours.len()];
        let style = colour.stroke_width(2);
        if stock {
            chart
                .draw_series(DashedLineSeries::new(points, 6, 4, style))?
                .label(format!("{name} (stock)"))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 8, y)], colour.stroke_width(2)));
        } else {
            chart
                .draw_series(LineSeries::new(points, style))?
                .label(format!("{name} (ours)"))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
        }
    }
    chart
        .draw_series(DashedLineSeries::new([(0.0, 1.0), (130.0, 1.0)], 2, 3, BLACK.stroke_width(1)))?
        .label("1 ms target")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.stroke_width(1)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
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
            b.iter(|| policy.rate(black_box(&password), &INPUTS))
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
        Settings { quick, ours_reps: 15, stock_reps: 1, realistic: 600, long: 200, plot_reps: (5, 1) }
    } else {
        Settings { quick, ours_reps: 101, stock_reps: 5, realistic: 3000, long: 1000, plot_reps: (51, 3) }
    };
    summary(&settings);
    match plot(&settings) {
        Ok(path) => println!("Plot of time per call against length: {}\n", path.display()),
        Err(error) => println!("The plot could not be drawn: {error}\n"),
    }
    criterion_per_input(&settings);
}
