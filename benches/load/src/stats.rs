//! Quantiles and units.

use std::time::Duration;

/// The `q`-quantile (nearest rank) of sorted `values`; NaN when empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).copied().unwrap_or(f64::NAN)
}

/// p50 and p99 of sorted `values`.
pub fn p50_p99(sorted: &[f64]) -> (f64, f64) {
    (quantile(sorted, 0.5), quantile(sorted, 0.99))
}

/// `values` in ascending order.
pub fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

/// Milliseconds, as a float.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let values = sorted((1..=100).rev().map(f64::from).collect());
        assert_eq!(p50_p99(&values), (50.0, 99.0));
        assert_eq!(quantile(&values, 1.0), 100.0);
        assert_eq!(quantile(&[7.0], 0.99), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
