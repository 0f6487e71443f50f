//! The engine's own notion of time: a monotonic millisecond counter the
//! integrator supplies (a hardware timer, `std::time::Instant`, a test clock).
//! The engine never reads a clock itself.

use core::fmt;
use core::num::NonZeroU64;
use core::ops::{Add, Sub};

use serde::{Serialize, Serializer};

/// A point on the integrator's monotonic clock, in milliseconds, from 0 to
/// [`Instant::END`].
///
/// Kept as the millisecond count plus one, never zero, so that an
/// `Option<Instant>` (a deadline that may be unset, of which the engine
/// holds many) takes 8 bytes, not 16.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(NonZeroU64);

impl Instant {
    /// The last instant (`u64::MAX - 1` ms, some 584 million years): later
    /// ones saturate to it.
    pub const END: Instant = Instant(NonZeroU64::MAX);

    /// The instant `ms` milliseconds after the clock's (arbitrary) origin
    /// ([`Instant::END`] for `u64::MAX`).
    pub const fn from_millis(ms: u64) -> Self {
        match NonZeroU64::new(ms.saturating_add(1)) {
            Some(n) => Self(n),
            None => Self::END,
        }
    }

    /// Milliseconds since the clock's origin.
    pub const fn as_millis(self) -> u64 {
        self.0.get() - 1
    }

    /// The time from `earlier` to `self`, zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: Instant) -> Duration {
        Duration(self.as_millis().saturating_sub(earlier.as_millis()))
    }
}

impl Default for Instant {
    /// The clock's origin.
    fn default() -> Self {
        Self::from_millis(0)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Instant").field(&self.as_millis()).finish()
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.as_millis())
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
        Instant::from_millis(self.as_millis().saturating_add(d.0))
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
        let t = Instant::from_millis(u64::MAX - 3);
        assert_eq!(t + Duration::from_secs(5), Instant::END);
        assert_eq!(Instant::from_millis(u64::MAX), Instant::END);
        assert_eq!(Instant::END.as_millis(), u64::MAX - 1);
        assert_eq!(Instant::from_millis(0), Instant::default());
        assert_eq!(Instant::from_millis(7).as_millis(), 7);
        assert_eq!(
            Instant::from_millis(5) - Instant::from_millis(9),
            Duration::ZERO
        );
        assert_eq!(Duration::from_secs(300).as_millis(), 300_000);
    }

    #[test]
    fn an_unset_deadline_costs_no_room() {
        assert_eq!(core::mem::size_of::<Option<Instant>>(), 8);
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
