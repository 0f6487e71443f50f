//! [`Pool`]: one backend over one fixed address range, behind a critical section.

use core::alloc::Layout;
use core::cell::RefCell;
use core::fmt;
use core::mem::MaybeUninit;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicBool, Ordering};

use allocator_api2::alloc::{AllocError, Allocator};
use critical_section::{CriticalSection, Mutex};

use crate::{Backend, ClaimError, Stats};

/// A pool over a fixed address range, run by the backend `B`.
///
/// - `const fn new` makes it usable in a `static`; it owns no memory until
///   it [claims](Pool::claim) one region (once).
/// - Every address it hands out lies inside that region ([`Pool::contains`]).
/// - It is `Sync`: every operation runs in a `critical_section`, so an
///   interrupt handler or the other core may share it. Nothing here needs
///   compare-and-swap (thumbv6m has none).
/// - Allocation is through `&Pool` ([`Allocator`] is implemented for
///   `&Pool<B>`); a refusal is an `AllocError`, never a panic.
/// - Zero-sized requests get a dangling, well-aligned pointer and never reach
///   the backend; requests aligned beyond what the backend does by itself
///   are handled by the backend (both built-in ones take a `Layout`).
pub struct Pool<B: Backend> {
    state: Mutex<RefCell<State<B>>>,
    /// Set (once, inside a critical section) when a claim succeeded; read
    /// without one by [`Pool::is_claimed`]. Plain load/store: no CAS needed.
    claimed: AtomicBool,
}

struct State<B> {
    backend: B,
    /// Address of the claimed region (an address only: never dereferenced).
    base: usize,
    /// Length of the claimed region; 0 while unclaimed.
    len: usize,
    stats: Stats,
}

/// A pool running [talc](crate::Talc).
pub type TalcPool = Pool<crate::Talc>;
/// A pool running [linked_list_allocator](crate::LinkedList).
pub type LinkedListPool = Pool<crate::LinkedList>;

/// A dangling pointer aligned to `align`, for zero-sized blocks.
pub(crate) fn dangling(align: usize) -> NonNull<u8> {
    NonNull::new(ptr::without_provenance_mut(align)).unwrap_or(NonNull::dangling())
}

impl<B: Backend> Pool<B> {
    /// An empty pool; allocations are refused until it [claims](Pool::claim) a region.
    #[must_use]
    pub const fn new() -> Self {
        Pool {
            state: Mutex::new(RefCell::new(State {
                backend: B::EMPTY,
                base: 0,
                len: 0,
                stats: Stats::ZERO,
            })),
            claimed: AtomicBool::new(false),
        }
    }

    /// Gives the pool its region, for good. A pool claims exactly once.
    ///
    /// # Errors
    ///
    /// [`ClaimError::AlreadyClaimed`] if it has a region already;
    /// [`ClaimError::TooSmall`] if the backend cannot fit its metadata and
    /// one block (the pool stays unclaimed and may claim again).
    pub fn claim(&self, region: &'static mut [MaybeUninit<u8>]) -> Result<(), ClaimError> {
        let len = region.len();
        let base = region.as_mut_ptr().cast::<u8>();
        // SAFETY: a `&'static mut` slice is valid for reads and writes
        // forever, and it is consumed here, so nothing else can use it.
        unsafe { self.claim_raw(base, len) }
    }

    /// Gives the pool the region `base .. base + len`, which need not be `'static`.
    ///
    /// This is the path of [`HostPool`](crate::HostPool) and of integrations
    /// that own their region some other way.
    ///
    /// # Errors
    ///
    /// As [`Pool::claim`].
    ///
    /// # Safety
    ///
    /// - `base .. base + len` is valid for reads and writes, and nothing but
    ///   this pool reads or writes it, from this call until the pool is
    ///   dropped or, if it never is, forever;
    /// - when the region stops being valid before that, no block of the pool
    ///   is used any more and the pool is not used any more.
    pub unsafe fn claim_raw(&self, base: *mut u8, len: usize) -> Result<(), ClaimError> {
        critical_section::with(|cs| {
            let mut state = self
                .state
                .borrow(cs)
                .try_borrow_mut()
                .map_err(|_| ClaimError::AlreadyClaimed)?;
            if state.len != 0 {
                return Err(ClaimError::AlreadyClaimed);
            }
            if len == 0 {
                return Err(ClaimError::TooSmall);
            }
            // SAFETY: the caller hands the region over for the pool's life;
            // `state.len == 0` says no earlier claim succeeded.
            unsafe { state.backend.claim(base, len) }?;
            state.base = base as usize;
            state.len = len;
            self.claimed.store(true, Ordering::Release);
            Ok(())
        })
    }

    /// Whether the pool has claimed its region. Cheap: no critical section.
    pub fn is_claimed(&self) -> bool {
        self.claimed.load(Ordering::Acquire)
    }

    /// Whether `ptr` lies inside the claimed region (always `false` before a claim).
    pub fn contains(&self, ptr: *const u8) -> bool {
        self.with_state(|s| {
            let addr = ptr as usize;
            addr >= s.base && addr - s.base < s.len
        })
        .unwrap_or(false)
    }

    /// The counters. `largest_free` is 0: neither backend can tell it cheaply.
    pub fn stats(&self) -> Stats {
        self.with_state(|s| s.stats).unwrap_or_default()
    }

    /// Bytes of the claimed region (0 before a claim), backend metadata included.
    pub fn capacity(&self) -> usize {
        self.with_state(|s| s.len).unwrap_or(0)
    }

    /// Sets the `peak` counter back to the current `in_use`.
    pub fn reset_peak(&self) {
        self.with_state(|s| s.stats.reset_peak());
    }

    /// Bytes the backend could still hand out (in total, maybe fragmented),
    /// where it keeps that figure: always for [`LinkedList`](crate::LinkedList),
    /// with the `counters` feature for [`Talc`](crate::Talc). `None` before a claim.
    pub fn backend_free(&self) -> Option<usize> {
        self.with_state(|s| {
            if s.len == 0 {
                None
            } else {
                s.backend.free_bytes()
            }
        })
        .flatten()
    }

    /// What the backend spends beyond the requested bytes: metadata,
    /// headers, rounding, alignment padding, unusable edges of the region:
    /// `capacity - in_use - backend_free`. `None` where `backend_free` is.
    pub fn overhead(&self) -> Option<usize> {
        self.with_state(|s| {
            if s.len == 0 {
                return None;
            }
            let free = s.backend.free_bytes()?;
            Some(s.len.saturating_sub(s.stats.in_use).saturating_sub(free))
        })
        .flatten()
    }

    /// The backend's name ([`Backend::NAME`]).
    pub const fn backend_name(&self) -> &'static str {
        B::NAME
    }

    /// Runs `f` on the state inside a critical section; `None` only if the
    /// state is already borrowed (which cannot happen: no method re-enters).
    fn with_state<R>(&self, f: impl FnOnce(&mut State<B>) -> R) -> Option<R> {
        critical_section::with(|cs| self.state_in(cs, f))
    }

    fn state_in<R>(
        &self,
        cs: CriticalSection<'_>,
        f: impl FnOnce(&mut State<B>) -> R,
    ) -> Option<R> {
        let mut state = self.state.borrow(cs).try_borrow_mut().ok()?;
        Some(f(&mut state))
    }

    /// Allocates a non-zero-sized block, counting success or refusal.
    fn alloc_block(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.with_state(|s| {
            if s.len == 0 {
                s.stats.on_refusal();
                return Err(AllocError);
            }
            // SAFETY: the caller only passes non-zero sizes.
            match unsafe { s.backend.alloc(layout) } {
                Some(block) => {
                    debug_assert!(s.holds(block, layout.size()));
                    s.stats.on_alloc(layout.size());
                    Ok(NonNull::slice_from_raw_parts(block, layout.size()))
                }
                None => {
                    s.stats.on_refusal();
                    Err(AllocError)
                }
            }
        })
        .unwrap_or(Err(AllocError))
    }

    /// Resizes a live non-zero-sized block to a non-zero `new` layout.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this pool for `old`; `new.size() > 0`.
    unsafe fn resize_block(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        self.with_state(|s| {
            // SAFETY: forwarded from the caller; the backend methods get a
            // live block of theirs, non-zero sizes, and the direction they
            // expect (grow: `new >= old`, shrink: `new < old`).
            let moved = unsafe {
                if new.align() != old.align() {
                    s.move_block(ptr, old, new)
                } else if new.size() >= old.size() {
                    s.backend.grow(ptr, old, new.size())
                } else {
                    s.backend.shrink(ptr, old, new.size())
                }
            };
            match moved {
                Some(block) => {
                    debug_assert!(s.holds(block, new.size()));
                    s.stats.on_resize(old.size(), new.size());
                    Ok(NonNull::slice_from_raw_parts(block, new.size()))
                }
                None => {
                    s.stats.on_refusal();
                    Err(AllocError)
                }
            }
        })
        .unwrap_or(Err(AllocError))
    }
}

impl<B: Backend> State<B> {
    /// Whether `block .. block + size` lies inside the region.
    fn holds(&self, block: NonNull<u8>, size: usize) -> bool {
        let addr = block.as_ptr() as usize;
        addr >= self.base && addr - self.base <= self.len && size <= self.len - (addr - self.base)
    }

    /// Allocate `new`, copy, free `old`: for resizes that change the alignment.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of the backend for `old`; `new.size() > 0`.
    unsafe fn move_block(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<u8>> {
        // SAFETY: `new.size() > 0` (caller).
        let fresh = unsafe { self.backend.alloc(new) }?;
        // SAFETY: two distinct live blocks, each at least `min(old, new)`
        // bytes; the old one is then freed with its own layout.
        unsafe {
            fresh
                .as_ptr()
                .copy_from_nonoverlapping(ptr.as_ptr(), old.size().min(new.size()));
            self.backend.free(ptr, old);
        }
        Some(fresh)
    }
}

impl<B: Backend> Default for Pool<B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<B: Backend> fmt::Debug for Pool<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("backend", &B::NAME)
            .field("capacity", &self.capacity())
            .field("stats", &self.stats())
            .finish()
    }
}

// SAFETY: blocks come from the backend, whose contract (see `Backend`) makes
// them valid, aligned, inside the region and disjoint; zero-sized blocks are
// dangling and aligned and never reach the backend. All backend access is
// inside a critical section, so `&Pool` may be used from any context. A
// refused grow/shrink leaves the old block untouched (backend contract).
unsafe impl<B: Backend> Allocator for &Pool<B> {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        if layout.size() == 0 {
            return Ok(NonNull::slice_from_raw_parts(dangling(layout.align()), 0));
        }
        self.alloc_block(layout)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        if layout.size() == 0 {
            return;
        }
        self.with_state(|s| {
            debug_assert!(s.holds(ptr, layout.size()));
            // SAFETY: the caller guarantees `ptr` is a live block of this
            // pool for `layout` (non-zero sized, so it came from the backend).
            unsafe { s.backend.free(ptr, layout) };
            s.stats.on_free(layout.size());
        });
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        debug_assert!(new.size() >= old.size());
        if old.size() == 0 {
            return self.allocate(new);
        }
        // SAFETY: the caller guarantees a live block for `old`; `new.size()
        // >= old.size() > 0`.
        unsafe { self.resize_block(ptr, old, new) }
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        debug_assert!(new.size() <= old.size());
        if new.size() == 0 {
            // SAFETY: the caller guarantees a live block for `old`; it is
            // not used after a successful shrink.
            unsafe { self.deallocate(ptr, old) };
            return Ok(NonNull::slice_from_raw_parts(dangling(new.align()), 0));
        }
        // SAFETY: the caller guarantees a live block for `old` with
        // `old.size() >= new.size() > 0`.
        unsafe { self.resize_block(ptr, old, new) }
    }
}
