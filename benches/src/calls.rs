//! The CALLs of the standard session (BENCHMARK.md), and how many of each
//! the charge point sent. The central system that answers them is
//! `ocpp_testkit`'s; this is only what the benchmark counts and checks.

use core::fmt;
use core::ops::{Index, IndexMut};

use ocpp_engine::ocpp_model::Action;

/// The CALLs the charge point sends in the standard session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// Registration.
    BootNotification,
    /// A connector's status.
    StatusNotification,
    /// An idTag to authorize.
    Authorize,
    /// Alive, and the clock.
    Heartbeat,
    /// A transaction begins.
    StartTransaction,
    /// Periodic samples of a transaction.
    MeterValues,
    /// A transaction ends.
    StopTransaction,
}

impl Call {
    /// Every CALL of the script, in the order of [`CallCounts`].
    pub const ALL: [Call; 7] = [
        Call::BootNotification,
        Call::StatusNotification,
        Call::Authorize,
        Call::Heartbeat,
        Call::StartTransaction,
        Call::MeterValues,
        Call::StopTransaction,
    ];

    /// The action on the wire.
    pub const fn action(self) -> Action {
        match self {
            Call::BootNotification => Action::BootNotification,
            Call::StatusNotification => Action::StatusNotification,
            Call::Authorize => Action::Authorize,
            Call::Heartbeat => Action::Heartbeat,
            Call::StartTransaction => Action::StartTransaction,
            Call::MeterValues => Action::MeterValues,
            Call::StopTransaction => Action::StopTransaction,
        }
    }

    /// The action's name on the wire.
    pub const fn as_str(self) -> &'static str {
        self.action().as_str()
    }

    /// The CALL of `action`, if the standard session sends it.
    pub const fn of(action: Action) -> Option<Call> {
        Some(match action {
            Action::BootNotification => Call::BootNotification,
            Action::StatusNotification => Call::StatusNotification,
            Action::Authorize => Call::Authorize,
            Action::Heartbeat => Call::Heartbeat,
            Action::StartTransaction => Call::StartTransaction,
            Action::MeterValues => Call::MeterValues,
            Action::StopTransaction => Call::StopTransaction,
            _ => return None,
        })
    }
}

/// How many CALLs of each action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallCounts([u64; Call::ALL.len()]);

impl CallCounts {
    /// All actions together.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// What was counted between `earlier` and `self`.
    pub fn since(&self, earlier: &CallCounts) -> CallCounts {
        let mut out = *self;
        for (n, e) in out.0.iter_mut().zip(earlier.0) {
            *n -= e;
        }
        out
    }

    /// The counts by action, those that are not zero.
    pub fn iter(&self) -> impl Iterator<Item = (Call, u64)> + '_ {
        Call::ALL
            .into_iter()
            .map(|c| (c, self[c]))
            .filter(|(_, n)| *n > 0)
    }
}

impl Index<Call> for CallCounts {
    type Output = u64;
    fn index(&self, c: Call) -> &u64 {
        &self.0[c as usize]
    }
}

impl IndexMut<Call> for CallCounts {
    fn index_mut(&mut self, c: Call) -> &mut u64 {
        &mut self.0[c as usize]
    }
}

/// `StatusNotification 4, Authorize 1, ...`: the counts that are not zero.
impl fmt::Display for CallCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (c, n)) in self.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{} {n}", c.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_counts_add_up_and_print() {
        let mut a = CallCounts::default();
        a[Call::StatusNotification] = 4;
        a[Call::Heartbeat] = 2;
        let mut b = a;
        b[Call::MeterValues] += 10;
        assert_eq!(b.since(&a).total(), 10);
        assert_eq!(
            b.to_string(),
            "StatusNotification 4, Heartbeat 2, MeterValues 10"
        );
        for c in Call::ALL {
            assert_eq!(Call::of(c.action()), Some(c));
        }
        assert_eq!(Call::of(Action::DataTransfer), None);
    }

    /// The standard session's CALLs are the rows of the kit's one table
    /// (each answered otherwise than `{}`, or on purpose with it).
    #[test]
    fn every_call_of_the_session_has_a_usual_answer() {
        for c in Call::ALL {
            assert!(
                ocpp_testkit::answers::row(c.as_str()).is_some(),
                "{}",
                c.as_str()
            );
        }
    }
}
