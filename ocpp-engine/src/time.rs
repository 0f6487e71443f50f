//! The engine's own notion of time: a monotonic millisecond counter the
//! integrator supplies (a hardware timer, `std::time::Instant`, a test clock).
//! The engine never reads a clock itself.

use core::ops::{Add, Sub};

use serde::Serialize;

/// A point on the integrator's monotonic clock, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Instant(u64);

impl Instant {
    /// The instant `ms` milliseconds after the clock's (arbitrary) origin.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// Milliseconds since the clock's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time from `earlier` to `self`, zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

/// A span of time, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Duration(u64);

impl Duration {
    /// Zero length.
    pub const ZERO: Duration = Duration(0);

    /// `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// `s` seconds.
    pub const fn from_secs(s: u64) -> Self {
        Self(s.saturating_mul(1000))
    }

    /// The length in milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The length in whole seconds.
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// Whether this is zero length.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Saturates at the end of time rather than wrapping.
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_since(earlier)
    }
}

/// The earlier of two optional deadlines.
pub(crate) fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        let t = Instant::from_millis(u64::MAX - 1);
        assert_eq!((t + Duration::from_secs(5)).as_millis(), u64::MAX);
        assert_eq!(
            Instant::from_millis(5) - Instant::from_millis(9),
            Duration::ZERO
        );
        assert_eq!(Duration::from_secs(300).as_millis(), 300_000);
    }

    #[test]
    fn conversions_and_differences_keep_their_units() {
        // Whole seconds, rounded down: 2,999 ms is 2 s.
        assert_eq!(Duration::from_millis(2_999).as_secs(), 2);
        assert_eq!(Duration::from_secs(7).as_secs(), 7);
        assert_eq!(Duration::from_millis(1_500).as_millis(), 1_500);
        assert_eq!(Instant::from_millis(1_234).as_millis(), 1_234);
        assert_eq!(
            Instant::from_millis(9_000) - Instant::from_millis(1_500),
            Duration::from_millis(7_500)
        );
        assert_eq!(
            Instant::from_millis(9).saturating_since(Instant::from_millis(5)),
            Duration::from_millis(4)
        );
        assert!(Duration::ZERO.is_zero());
        assert!(!Duration::from_millis(1).is_zero());
    }

    #[test]
    fn earliest_ignores_missing_deadlines() {
        let a = Some(Instant::from_millis(3));
        let b = Some(Instant::from_millis(7));
        assert_eq!(earliest(a, b), a);
        assert_eq!(earliest(None, b), b);
        assert_eq!(earliest(b, None), b);
        assert_eq!(earliest(b, a), a);
        assert_eq!(earliest(None, None), None);
    }
}
