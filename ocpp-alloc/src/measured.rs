//! [`Measured`]: counts what goes through any allocator, and can cap it.

use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator};
use critical_section::Mutex;

use crate::Stats;

/// Wraps any allocator `A`, keeping [`Stats`] of what passes through it and,
/// with [`with_cap`](Measured::with_cap), refusing anything that would take
/// `in_use` past a budget.
///
/// Counting follows [`Stats`]: requested sizes, zero-sized blocks not
/// counted, grow/shrink adjust `in_use` only. Refusals are counted whether
/// the cap or the inner allocator refused. `largest_free` is always 0.
///
/// Allocation is through `&Measured<A>`, which is `Copy`; the counters are a
/// `critical_section::Mutex<Cell<..>>`, so `Measured<A>` is `Sync` when `A` is.
/// Each request runs inside one critical section (nested with the inner
/// allocator's, which critical-section allows), so the cap holds even when
/// several contexts share the wrapper.
///
/// ```
/// use allocator_api2::alloc::{Allocator, Layout};
/// use ocpp_alloc::{Arena, Measured, TalcPool};
///
/// static POOL: TalcPool = TalcPool::new();
/// static ARENA: Arena<4096> = Arena::new();
/// POOL.claim(ARENA.take().unwrap()).unwrap();
///
/// let budget = Measured::with_cap(&POOL, 100);
/// let a = (&budget).allocate(Layout::new::<[u8; 64]>()).unwrap();
/// assert!((&budget).allocate(Layout::new::<[u8; 64]>()).is_err()); // 128 > 100
/// assert_eq!(budget.stats().in_use, 64);
/// assert_eq!(budget.stats().refusals, 1);
/// unsafe { (&budget).deallocate(a.cast(), Layout::new::<[u8; 64]>()) };
/// ```
pub struct Measured<A> {
    inner: A,
    cap: usize,
    stats: Mutex<Cell<Stats>>,
}

impl<A> Measured<A> {
    /// Counts everything through `inner`, without a cap.
    pub const fn new(inner: A) -> Self {
        Self::with_cap(inner, usize::MAX)
    }

    /// Counts, and refuses a request when `in_use + requested > cap`
    /// (for a grow: `in_use + (new - old) > cap`).
    pub const fn with_cap(inner: A, cap: usize) -> Self {
        Measured {
            inner,
            cap,
            stats: Mutex::new(Cell::new(Stats::ZERO)),
        }
    }

    /// The counters.
    pub fn stats(&self) -> Stats {
        critical_section::with(|cs| self.stats.borrow(cs).get())
    }

    /// Sets `peak` back to the current `in_use`.
    pub fn reset_peak(&self) {
        self.with_stats(Stats::reset_peak);
    }

    /// The cap (`usize::MAX` for none).
    pub const fn cap(&self) -> usize {
        self.cap
    }

    /// The wrapped allocator.
    pub const fn inner(&self) -> &A {
        &self.inner
    }

    /// Runs `f` with the counters in one critical section and stores them back.
    fn with_stats<R>(&self, f: impl FnOnce(&mut Stats) -> R) -> R {
        critical_section::with(|cs| {
            let cell = self.stats.borrow(cs);
            let mut stats = cell.get();
            let result = f(&mut stats);
            cell.set(stats);
            result
        })
    }

    /// Whether `extra` more bytes stay within the cap.
    fn fits(&self, stats: &Stats, extra: usize) -> bool {
        stats
            .in_use
            .checked_add(extra)
            .is_some_and(|total| total <= self.cap)
    }
}

impl<A: fmt::Debug> fmt::Debug for Measured<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Measured");
        d.field("inner", &self.inner);
        if self.cap != usize::MAX {
            d.field("cap", &self.cap);
        }
        d.field("stats", &self.stats()).finish()
    }
}

// SAFETY: every block comes from, and goes back to, `inner` unchanged; the
// wrapper only counts, and refuses before calling `inner` (so a refused grow
// or shrink leaves the old block untouched).
unsafe impl<A: Allocator> Allocator for &Measured<A> {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.with_stats(|stats| {
            if !self.fits(stats, layout.size()) {
                stats.on_refusal();
                return Err(AllocError);
            }
            let result = self.inner.allocate(layout);
            match result {
                Ok(_) if layout.size() != 0 => stats.on_alloc(layout.size()),
                Ok(_) => {}
                Err(_) => stats.on_refusal(),
            }
            result
        })
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's guarantees hold for `inner`, which made the block.
        unsafe { self.inner.deallocate(ptr, layout) };
        if layout.size() != 0 {
            self.with_stats(|s| s.on_free(layout.size()));
        }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        self.with_stats(|stats| {
            if !self.fits(stats, new.size().saturating_sub(old.size())) {
                stats.on_refusal();
                return Err(AllocError);
            }
            // SAFETY: the caller's guarantees hold for `inner`, which made the block.
            let result = unsafe { self.inner.grow(ptr, old, new) };
            if result.is_ok() {
                stats.count_resize(old.size(), new.size());
            } else {
                stats.on_refusal();
            }
            result
        })
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        self.with_stats(|stats| {
            // SAFETY: the caller's guarantees hold for `inner`, which made the block.
            let result = unsafe { self.inner.shrink(ptr, old, new) };
            if result.is_ok() {
                stats.count_resize(old.size(), new.size());
            } else {
                stats.on_refusal();
            }
            result
        })
    }
}

impl Stats {
    /// A successful resize as [`Stats`] counts it: a block appearing from
    /// size 0 is an allocation, one going to size 0 a free.
    pub(crate) fn count_resize(&mut self, old: usize, new: usize) {
        match (old, new) {
            (0, 0) => {}
            (0, n) => self.on_alloc(n),
            (o, 0) => self.on_free(o),
            (o, n) => self.on_resize(o, n),
        }
    }
}
