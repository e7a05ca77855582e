//! The final table: every figure of the run, next to its target.

use std::fmt::Write as _;

/// How a row's figure compares with its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// A figure for context, without a target.
    Info,
    Met,
    Missed,
    /// Quick-mode sizes are too small to judge.
    NotJudged,
    /// The phase could not measure it here (e.g. against a remote target).
    NotRun,
}

/// One line of the table.
struct Row {
    scenario: String,
    figure: String,
    value: String,
    target: String,
    verdict: Verdict,
}

/// The rows collected so far.
pub struct Report {
    quick: bool,
    rows: Vec<Row>,
}

impl Report {
    pub fn new(quick: bool) -> Self {
        Self { quick, rows: Vec::new() }
    }

    /// A figure without a target.
    pub fn info(&mut self, scenario: &str, figure: &str, value: String) {
        self.push(scenario, figure, value, "", Verdict::Info);
    }

    /// A figure with a target, judged unless in quick mode.
    pub fn judged(&mut self, scenario: &str, figure: &str, value: String, target: &str, met: bool) {
        let verdict = match (self.quick, met) {
            (true, _) => Verdict::NotJudged,
            (false, true) => Verdict::Met,
            (false, false) => Verdict::Missed,
        };
        self.push(scenario, figure, value, target, verdict);
    }

    /// A figure this run could not measure, and why.
    pub fn not_run(&mut self, scenario: &str, figure: &str, why: &str, target: &str) {
        self.push(scenario, figure, format!("not measured: {why}"), target, Verdict::NotRun);
    }

    fn push(&mut self, scenario: &str, figure: &str, value: String, target: &str, verdict: Verdict) {
        self.rows.push(Row {
            scenario: scenario.to_owned(),
            figure: figure.to_owned(),
            value,
            target: target.to_owned(),
            verdict,
        });
    }

    /// The last line: what the run shows as a whole.
    pub fn summary(&self) -> String {
        let missed = self.rows.iter().filter(|row| row.verdict == Verdict::Missed).count();
        if self.quick {
            "quick mode: sizes are small and no figure is judged; every request succeeded.".to_owned()
        } else if missed == 0 {
            "every measured target met.".to_owned()
        } else {
            format!("{missed} target(s) missed: see docs/PERFORMANCE.md, \"Submit path under load\".")
        }
    }

    /// The table in Markdown, ready to paste into `docs/PERFORMANCE.md`.
    pub fn render(&self) -> String {
        let headers = ["scenario", "figure", "measured", "target", "verdict"].map(str::to_owned);
        let cells: Vec<[String; 5]> = self.rows.iter().map(cells).collect();
        let mut widths = headers.clone().map(|h| h.chars().count());
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = line(&headers, &widths);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let _ = writeln!(out, "|-{}-|", rule.join("-|-"));
        for row in &cells {
            out.push_str(&line(row, &widths));
        }
        out
    }
}

fn cells(row: &Row) -> [String; 5] {
    let verdict = match row.verdict {
        Verdict::Info => "",
        Verdict::Met => "met",
        Verdict::Missed => "MISSED",
        Verdict::NotJudged => "not judged (--quick)",
        Verdict::NotRun => "not run",
    };
    [row.scenario.clone(), row.figure.clone(), row.value.clone(), row.target.clone(), verdict.to_owned()]
}

/// One table line; the measured column right-aligned, the others left.
fn line(row: &[String; 5], widths: &[usize; 5]) -> String {
    let mut text = String::from("|");
    for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
        let _ = if i == 2 { write!(text, " {cell:>width$} |") } else { write!(text, " {cell:<width$} |") };
    }
    format!("{}\n", text.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_mode_judges_nothing() {
        let mut report = Report::new(true);
        report.judged("s", "f", "1".to_owned(), "≤ 2", false);
        assert!(report.render().contains("not judged (--quick)"));
        assert!(!report.render().contains("MISSED"));
    }

    #[test]
    fn columns_line_up() {
        let mut report = Report::new(false);
        report.judged("HTTP, memory", "redeem", "110.0/s".to_owned(), "≥ 90 %", true);
        report.not_run("HTTP, target", "peak RSS", "remote target", "≤ 300 MB");
        let table = report.render();
        let widths: Vec<usize> = table.lines().map(|l| l.chars().count()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
        assert!(table.contains("| not run |"));
        assert_eq!(report.summary(), "every measured target met.");
    }
}
