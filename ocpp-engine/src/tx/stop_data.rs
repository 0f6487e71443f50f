//! StopTxnAlignedData: the clock-aligned samples of each running
//! transaction, kept for the `transactionData` of its StopTransaction.
//!
//! Memory: a pool vector (in a box) that exists only while a sample is
//! kept, one place per sample, grown exactly when a sample is taken (every
//! ClockAlignedDataInterval, so a realloc each time costs nothing that
//! matters). It holds at most
//! [`Config::max_stop_aligned_samples`](crate::Config::max_stop_aligned_samples)
//! samples, all transactions together. A sample the bound or the pool
//! refuses is not kept and is counted
//! ([`QueueStats::stop_aligned_skipped`](super::QueueStats::stop_aligned_skipped));
//! the samples already kept stay, in order: the StopTransaction carries the
//! transaction's first ones. A sample leaves when its transaction's
//! StopTransaction leaves the queue (delivered or given up), or when its
//! transaction will send none (an orphan).

use allocator_api2::boxed::Box;
use allocator_api2::vec::Vec;
use ocpp_model::{Allocator, DateTime};
use serde::Serialize;

use super::meter::Readings;

/// One clock-aligned sample of transaction `local`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Aligned {
    pub(crate) local: u32,
    pub(crate) timestamp: DateTime,
    pub(crate) values: Readings,
}

/// The samples kept, oldest first: nothing in the pool and 16 bytes inline
/// (a vector would be 32, at every idle charge point) while none is kept.
#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct StopData<A: Allocator + Clone> {
    #[serde(serialize_with = "samples")]
    samples: Option<Box<Vec<Aligned, A>, A>>,
}

fn samples<A: Allocator + Clone, S: serde::Serializer>(
    v: &Option<Box<Vec<Aligned, A>, A>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    crate::snapshot::slice(&v.as_deref().map_or(&[][..], |v| &v[..]), s)
}

impl<A: Allocator + Clone> StopData<A> {
    pub(crate) const fn new() -> Self {
        Self { samples: None }
    }

    /// Keeps `sample` if fewer than `max` are kept and the pool allows;
    /// `false` (nothing changed) otherwise.
    pub(crate) fn keep(&mut self, sample: Aligned, max: u8, alloc: &A) -> bool {
        if self.all().len() >= usize::from(max) {
            return false;
        }
        if self.samples.is_none() {
            let Ok(store) = Box::try_new_in(Vec::new_in(alloc.clone()), alloc.clone()) else {
                return false;
            };
            self.samples = Some(store);
        }
        let Some(v) = self.samples.as_deref_mut() else {
            return false;
        };
        if v.try_reserve_exact(1).is_err() {
            self.free_if_empty();
            return false;
        }
        let pushed = v.push_within_capacity(sample);
        debug_assert!(pushed.is_ok());
        true
    }

    /// The samples of transaction `local`, oldest first.
    pub(crate) fn of(&self, local: u32) -> impl Iterator<Item = &Aligned> {
        self.all().iter().filter(move |s| s.local == local)
    }

    /// Every sample, oldest first (the record).
    pub(crate) fn all(&self) -> &[Aligned] {
        self.samples.as_deref().map_or(&[], |v| &v[..])
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.all().is_empty()
    }

    /// Keeps only the samples of the transactions `wanted` says still need
    /// them; the memory goes back to the pool once none is kept.
    pub(crate) fn retain(&mut self, mut wanted: impl FnMut(u32) -> bool) {
        if let Some(v) = self.samples.as_deref_mut() {
            v.retain(|s| wanted(s.local));
        }
        self.free_if_empty();
    }

    fn free_if_empty(&mut self) {
        if self.is_empty() {
            self.samples = None;
        }
    }

    /// Memory for `n` restored samples, all or nothing. A record written
    /// under a larger bound is restored whole: a kept sample is never
    /// dropped because this build keeps fewer.
    pub(crate) fn reserve_restored(&mut self, n: usize, alloc: &A) -> Result<(), ()> {
        debug_assert!(self.samples.is_none(), "restored into a fresh store");
        if n == 0 {
            return Ok(());
        }
        let mut store =
            Box::try_new_in(Vec::new_in(alloc.clone()), alloc.clone()).map_err(|_| ())?;
        store.try_reserve_exact(n).map_err(|_| ())?;
        self.samples = Some(store);
        Ok(())
    }

    /// A restored sample, in the place [`reserve_restored`](Self::reserve_restored) made.
    pub(crate) fn push_restored(&mut self, sample: Aligned) {
        let pushed = self
            .samples
            .as_deref_mut()
            .map(|v| v.push_within_capacity(sample).is_ok());
        debug_assert_eq!(pushed, Some(true));
    }

    /// Gives back what a failed restore reserved.
    pub(crate) fn forget(&mut self) {
        self.samples = None;
    }
}
