//! Exponential back-off, the one rule for every wait that grows after a failure: retries of a
//! call (`RetryPolicy::delay`), TMC reconnects, the mock servers' accept errors. The wait
//! before step `n` (1-based) is `min` doubled `n - 1` times, capped at `max` (no overflow,
//! whatever `n`), then spread by the caller's jitter so that many clients failing at once do
//! not come back at once.

use std::time::Duration;

/// How a wait is spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Jitter {
    /// Exactly the wait (a local server's own pause: nobody to collide with).
    #[cfg_attr(not(feature = "mock"), allow(dead_code))]
    None,
    /// Uniform in `[d/2, d]`: never longer than the cap (retries of a call, where the caller
    /// waits).
    Below,
    /// Uniform in `[d, 1.5 d]`: never shorter than the wait (reconnects, which the server may
    /// be refusing on purpose).
    #[cfg_attr(not(feature = "tmc"), allow(dead_code))]
    Above,
}

/// The wait before step `step` (1 = the first after a failure).
pub(crate) fn delay(min: Duration, max: Duration, step: u32, jitter: Jitter) -> Duration {
    let doubled = min.saturating_mul(1u32.checked_shl(step.saturating_sub(1)).unwrap_or(u32::MAX));
    let d = doubled.min(max);
    let spread = |span: Duration| {
        Duration::from_nanos(fastrand::u64(
            0..=span.as_nanos().min(u64::MAX as u128) as u64,
        ))
    };
    match jitter {
        Jitter::None => d,
        Jitter::Below => d / 2 + spread(d - d / 2),
        Jitter::Above => d.saturating_add(spread(d / 2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_cap_without_overflow_and_jitters_within_bounds() {
        let (min, max) = (Duration::from_millis(5), Duration::from_secs(1));
        let exact: Vec<u128> = (1..=9)
            .map(|n| delay(min, max, n, Jitter::None).as_millis())
            .collect();
        assert_eq!(exact, [5, 10, 20, 40, 80, 160, 320, 640, 1000]);
        assert_eq!(delay(min, max, 0, Jitter::None), min);
        assert_eq!(delay(min, max, u32::MAX, Jitter::None), max);
        assert_eq!(
            delay(Duration::MAX, Duration::MAX, 40, Jitter::Above),
            Duration::MAX
        );
        for n in 1..12 {
            let d = delay(min, max, n, Jitter::None);
            let below = delay(min, max, n, Jitter::Below);
            assert!(below >= d / 2 && below <= d, "{n}: {below:?}");
            let above = delay(min, max, n, Jitter::Above);
            assert!(above >= d && above <= d + d / 2, "{n}: {above:?}");
        }
    }
}
