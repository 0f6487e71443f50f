//! [`HostPool`]: a pool that owns a region of the host's heap (feature `std`).

use core::fmt;
use core::mem::ManuallyDrop;
use core::ops::Deref;
use core::ptr::NonNull;

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};

use crate::{Backend, ClaimError, Pool};

/// Alignment of a host region (enough for any usual `Layout`).
const REGION_ALIGN: usize = 16;

/// A [`Pool`] over `size` bytes of the host's heap, freed on drop.
///
/// For tests, benchmarks and Linux integrations that create many pools: it
/// does not leak. It dereferences to the pool, so allocate through `&*host`
/// (a `&Pool<B>`). Blocks borrow the pool, so the region cannot be freed
/// while one is in use.
///
/// ```
/// use allocator_api2::vec::Vec;
/// use ocpp_alloc::{HostPool, Talc};
///
/// let pool = HostPool::<Talc>::new(16 * 1024);
/// let mut v: Vec<u64, _> = Vec::new_in(&*pool);
/// v.try_reserve(100).unwrap();
/// assert!(pool.contains(v.as_ptr().cast()));
/// ```
pub struct HostPool<B: Backend> {
    /// Dropped by hand before the region is freed.
    pool: ManuallyDrop<Pool<B>>,
    /// The region, from `std::alloc::alloc` with `layout` (none if size 0).
    region: Option<(NonNull<u8>, Layout)>,
}

// SAFETY: the region is only reached through the pool, which is `Send` and
// `Sync` (critical sections); the raw pointer is only used again in `drop`.
unsafe impl<B: Backend> Send for HostPool<B> {}
// SAFETY: as above: `&HostPool` gives only `&Pool`, which is `Sync`.
unsafe impl<B: Backend> Sync for HostPool<B> {}

impl<B: Backend> HostPool<B> {
    /// A pool over a fresh region of `size` bytes.
    ///
    /// If the region is too small for the backend (or `size` is 0), the
    /// pool stays unclaimed and refuses every allocation; see
    /// [`try_new`](HostPool::try_new) to be told. Aborts through
    /// `handle_alloc_error` if the host heap cannot give `size` bytes.
    #[must_use]
    pub fn new(size: usize) -> Self {
        Self::build(size).0
    }

    /// As [`new`](HostPool::new), but says if the backend refused the region.
    ///
    /// # Errors
    ///
    /// [`ClaimError::TooSmall`] when the region cannot hold the backend's
    /// metadata and one block.
    pub fn try_new(size: usize) -> Result<Self, ClaimError> {
        let (host, claimed) = Self::build(size);
        claimed.map(|()| host)
    }

    fn build(size: usize) -> (Self, Result<(), ClaimError>) {
        let pool = Pool::new();
        let Ok(layout) = Layout::from_size_align(size, REGION_ALIGN) else {
            return (Self::unclaimed(pool), Err(ClaimError::TooSmall));
        };
        if size == 0 {
            return (Self::unclaimed(pool), Err(ClaimError::TooSmall));
        }
        // SAFETY: `layout` has a non-zero size.
        let Some(base) = NonNull::new(unsafe { alloc(layout) }) else {
            handle_alloc_error(layout)
        };
        // SAFETY: the fresh region is valid for reads and writes and used by
        // nothing else; it is freed in `drop`, after the pool is dropped and
        // when no block can be alive any more (blocks borrow `self`).
        let claimed = unsafe { pool.claim_raw(base.as_ptr(), size) };
        let host = HostPool {
            pool: ManuallyDrop::new(pool),
            region: Some((base, layout)),
        };
        (host, claimed)
    }

    fn unclaimed(pool: Pool<B>) -> Self {
        HostPool {
            pool: ManuallyDrop::new(pool),
            region: None,
        }
    }

    /// The pool (also reachable through `Deref`).
    pub fn pool(&self) -> &Pool<B> {
        &self.pool
    }
}

impl<B: Backend> Deref for HostPool<B> {
    type Target = Pool<B>;

    fn deref(&self) -> &Pool<B> {
        &self.pool
    }
}

impl<B: Backend> Drop for HostPool<B> {
    fn drop(&mut self) {
        // SAFETY: `pool` is dropped exactly once, here, and not used after.
        unsafe { ManuallyDrop::drop(&mut self.pool) };
        if let Some((base, layout)) = self.region.take() {
            // SAFETY: `base` came from `alloc(layout)` and is freed once; the
            // pool using it is gone and `&mut self` proves no block borrows it.
            unsafe { dealloc(base.as_ptr(), layout) };
        }
    }
}

impl<B: Backend> fmt::Debug for HostPool<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HostPool").field(&*self.pool).finish()
    }
}
