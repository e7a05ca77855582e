//! The password resets' trend as an SVG line chart, drawn on the server: no
//! script, no inline style (the page's CSP forbids both; the colours and
//! dashes are classes of `/assets/demo.css`). It is an image with a title
//! and a description for screen readers; the page's table holds the same
//! figures.

use maud::{Markup, html};
use time::Date;

use crate::trend::{SERIES, Trend};

/// The class suffix of each series, in the order of [`SERIES`].
pub const SERIES_CLASSES: [&str; 5] = ["sent", "completed", "expired", "cancelled", "locked"];

/// The drawing's size, in its own units (it scales to the page).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 290.0;
/// The plot area within it: room on the left for the counts, below for the days.
const LEFT: f64 = 44.0;
const RIGHT: f64 = WIDTH - 28.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = HEIGHT - 34.0;

/// "10 Mar".
pub fn short_date(date: Date) -> String {
    let month: String = date.month().to_string().chars().take(3).collect();
    format!("{} {month}", date.day())
}

/// "10 March 2026".
pub fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// The step between the count axis's lines: 1, 2 or 5 times a power of ten,
/// the smallest giving at most five steps up to `peak`.
fn step(peak: u32) -> u64 {
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * power;
            if u64::from(peak).div_ceil(step) <= 5 {
                return step;
            }
        }
        power *= 10;
    }
}

/// The chart's one-sentence summaries for its description.
fn description(trend: &Trend) -> String {
    let totals = trend.totals();
    let listed: Vec<String> =
        SERIES.iter().zip(totals).map(|(name, total)| format!("{} {total}", name.to_lowercase())).collect();
    let mut text = format!(
        "A line chart of the reset emails sent and the requests completed, expired, cancelled and locked \
         each day. Over the {} days: {}.",
        trend.days.len(),
        listed.join(", ")
    );
    let busiest = trend
        .days
        .iter()
        .flat_map(|day| SERIES.iter().zip(day.figures()).map(move |(name, figure)| (figure, name, day.date)))
        .filter(|(figure, _, _)| *figure > 0)
        // The first day with the peak, by the first series that reaches it.
        .fold(None, |best: Option<(u32, &&str, Date)>, seen| match best {
            Some(best) if best.0 >= seen.0 => Some(best),
            _ => Some(seen),
        });
    match busiest {
        Some((figure, name, date)) => {
            text.push_str(&format!(
                " The busiest day was {}: {} {figure}.",
                long_date(date),
                name.to_lowercase()
            ));
        }
        None => text.push_str(" Nothing happened in these days."),
    }
    text.push_str(" The table below lists every day's figures.");
    text
}

/// The chart, as an `<svg role="img">` titled `title`; `id` prefixes the
/// ids of its title and description.
pub fn svg(trend: &Trend, title: &str, id: &str) -> Markup {
    let days = trend.days.len();
    let peak = trend.peak();
    let step = step(peak);
    let top_count = step * u64::from(peak).div_ceil(step).max(1);
    let x = |i: usize| {
        let spread = if days > 1 { (RIGHT - LEFT) / (days - 1) as f64 } else { 0.0 };
        LEFT + spread * i as f64
    };
    let y = |count: u64| BOTTOM - (BOTTOM - TOP) * count as f64 / top_count as f64;
    let counts: Vec<u64> = (0..=top_count / step).map(|n| n * step).collect();
    // A label a week apart, counted back from today.
    let labelled: Vec<usize> = (0..days).filter(|i| (days - 1 - i).is_multiple_of(7)).collect();
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    html! {
        svg.trend-chart xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
            role="img" aria-labelledby={ (title_id) " " (desc_id) } {
            title id=(title_id) { (title) }
            desc id=(desc_id) { (description(trend)) }
            g.grid {
                @for count in &counts {
                    line x1=(LEFT) x2=(RIGHT) y1=(coordinate(y(*count))) y2=(coordinate(y(*count))) {}
                }
            }
            g.y-labels {
                @for count in &counts {
                    text x=(LEFT - 8.0) y=(coordinate(y(*count) + 4.5)) { (count) }
                }
            }
            line.axis x1=(LEFT) x2=(RIGHT) y1=(BOTTOM) y2=(BOTTOM) {}
            g.x-labels {
                @for i in &labelled {
                    @if let Some(day) = trend.days.get(*i) {
                        line.tick x1=(coordinate(x(*i))) x2=(coordinate(x(*i))) y1=(BOTTOM) y2=(BOTTOM + 5.0) {}
                        text x=(coordinate(x(*i))) y=(BOTTOM + 20.0) { (short_date(day.date)) }
                    }
                }
            }
            @for (series, class) in SERIES_CLASSES.iter().enumerate() {
                @let points: Vec<(f64, f64, u32)> = trend.days.iter().enumerate()
                    .map(|(i, day)| {
                        let figure = day.figures().get(series).copied().unwrap_or(0);
                        (x(i), y(u64::from(figure)), figure)
                    })
                    .collect();
                g class={ "series-" (class) } {
                    polyline.line points=(polyline(&points)) {}
                    @for (px, py, figure) in &points {
                        @if *figure > 0 {
                            circle.dot cx=(coordinate(*px)) cy=(coordinate(*py)) r="3" {}
                        }
                    }
                }
            }
        }
    }
}

/// A line sample for the legend, beside the series' name.
pub fn swatch(class: &str) -> Markup {
    html! {
        svg.legend-swatch xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 12" aria-hidden="true" {
            g class={ "series-" (class) } {
                line.line x1="0" y1="6" x2="32" y2="6" {}
            }
        }
    }
}

/// A coordinate to one decimal: enough for the screen, short in the page.
fn coordinate(value: f64) -> String {
    format!("{value:.1}")
}

fn polyline(points: &[(f64, f64, u32)]) -> String {
    points.iter().map(|(x, y, _)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::trend::trend;

    #[test]
    fn the_count_axis_takes_round_steps() {
        for (peak, expected) in
            [(0, 1), (1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10), (999, 200)]
        {
            assert_eq!(step(peak), expected, "peak {peak}");
        }
    }

    #[test]
    fn the_chart_is_a_titled_image_without_inline_style_or_script() {
        let now = datetime!(2026-03-30 15:00 UTC);
        let chart =
            svg(&trend(&[], |_| std::time::Duration::from_secs(3600), now), "Resets", "t").into_string();
        for part in [
            "role=\"img\"",
            "aria-labelledby=\"t-title t-desc\"",
            "<title id=\"t-title\">Resets</title>",
            "<desc id=\"t-desc\">",
            "Nothing happened in these days.",
            ">2 Mar<",
            ">30 Mar<",
            "class=\"series-locked\"",
        ] {
            assert!(chart.contains(part), "{part} missing from {chart}");
        }
        assert!(!chart.contains("style") && !chart.contains("<script"), "{chart}");
        assert_eq!(short_date(now.date()), "30 Mar");
        assert_eq!(long_date(now.date()), "30 March 2026");
    }
}
