//! Counters shared by pools and wrappers, and the claim error.

use core::fmt;

/// A snapshot of an allocator's counters: a `Copy` struct of public fields.
///
/// Byte figures count the **requested** sizes (`Layout::size()`), not what a
/// backend rounds them up to, so the same workload gives the same figures on
/// every backend. What a backend spends on top (headers, rounding, alignment
/// padding, metadata) is its overhead: see [`Pool::overhead`](crate::Pool::overhead).
///
/// Zero-sized allocations never reach a backend and are not counted.
/// A grow or a shrink changes `in_use` by the difference of the sizes and
/// counts neither an allocation nor a free (even where the backend moves the
/// block), so `allocations - frees` is always the number of live blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stats {
    /// Bytes currently allocated (sum of the live blocks' requested sizes).
    pub in_use: usize,
    /// Highest `in_use` seen since creation or the last `reset_peak`.
    pub peak: usize,
    /// Successful allocations of a non-zero size.
    pub allocations: usize,
    /// Deallocations of a non-zero size (including shrinks to size zero).
    pub frees: usize,
    /// Requests (allocate, grow, shrink) answered with `AllocError`.
    pub refusals: usize,
    /// Size of the largest free block, where the allocator can tell cheaply;
    /// `0` where it cannot. Neither built-in backend exposes it cheaply
    /// (talc's bins and linked_list_allocator's hole list are private), so
    /// pools and wrappers report `0` today.
    pub largest_free: usize,
}

impl Stats {
    /// All counters at zero (`Default::default()` in a `const` context).
    pub const ZERO: Stats = Stats {
        in_use: 0,
        peak: 0,
        allocations: 0,
        frees: 0,
        refusals: 0,
        largest_free: 0,
    };

    /// Number of live blocks: `allocations - frees`.
    #[must_use]
    pub const fn live_blocks(&self) -> usize {
        self.allocations.saturating_sub(self.frees)
    }

    /// Records a successful allocation of `size > 0` bytes.
    pub(crate) fn on_alloc(&mut self, size: usize) {
        self.allocations = self.allocations.wrapping_add(1);
        self.add_in_use(size);
    }

    /// Records a deallocation of `size > 0` bytes.
    pub(crate) fn on_free(&mut self, size: usize) {
        self.frees = self.frees.wrapping_add(1);
        self.in_use = self.in_use.saturating_sub(size);
    }

    /// Records a successful resize from `old` to `new` bytes (both non-zero).
    pub(crate) fn on_resize(&mut self, old: usize, new: usize) {
        if new >= old {
            self.add_in_use(new - old);
        } else {
            self.in_use = self.in_use.saturating_sub(old - new);
        }
    }

    /// Records a refused request.
    pub(crate) fn on_refusal(&mut self) {
        self.refusals = self.refusals.wrapping_add(1);
    }

    /// Sets `peak` back to `in_use`.
    pub(crate) fn reset_peak(&mut self) {
        self.peak = self.in_use;
    }

    fn add_in_use(&mut self, size: usize) {
        self.in_use = self.in_use.saturating_add(size);
        if self.in_use > self.peak {
            self.peak = self.in_use;
        }
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "in_use {} B, peak {} B, {} allocations, {} frees, {} refusals",
            self.in_use, self.peak, self.allocations, self.frees, self.refusals
        )
    }
}

/// Why [`Pool::claim`](crate::Pool::claim) refused a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimError {
    /// The pool already has its region; a pool claims exactly one.
    AlreadyClaimed,
    /// The region cannot hold the backend's metadata and one block (talc
    /// keeps its bins at the start of the region: 256 B on 32-bit targets,
    /// 1 KiB on 64-bit ones; linked_list_allocator needs two words).
    TooSmall,
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClaimError::AlreadyClaimed => "the pool has already claimed a region",
            ClaimError::TooSmall => "the region is too small for the pool's backend",
        })
    }
}

impl core::error::Error for ClaimError {}
