//! [`Arena`]: static storage for one pool, and the [`static_pool!`](crate::static_pool) handle.

use core::cell::{Cell, UnsafeCell};
use core::fmt;
use core::mem::MaybeUninit;

use critical_section::Mutex;

use crate::{Backend, Pool};

/// `N` bytes of static storage for a pool, aligned to 8, handed out once.
///
/// ```
/// use ocpp_alloc::Arena;
/// static ARENA: Arena<1024> = Arena::new();
/// let region = ARENA.take().expect("first take");
/// assert_eq!(region.len(), 1024);
/// assert!(ARENA.take().is_none());
/// ```
#[repr(C, align(8))]
pub struct Arena<const N: usize> {
    /// First field of a `repr(C, align(8))` struct: aligned to 8.
    storage: UnsafeCell<[MaybeUninit<u8>; N]>,
    taken: Mutex<Cell<bool>>,
}

// SAFETY: the storage is only ever reached through the one `&'static mut`
// that `take` hands out, and `take` decides who gets it inside a critical
// section; the flag is a `critical_section::Mutex`.
unsafe impl<const N: usize> Sync for Arena<N> {}

impl<const N: usize> Arena<N> {
    /// Uninitialized storage, not yet taken. `const`: meant for a `static`.
    #[must_use]
    pub const fn new() -> Self {
        Arena {
            storage: UnsafeCell::new([MaybeUninit::uninit(); N]),
            taken: Mutex::new(Cell::new(false)),
        }
    }

    /// The storage, the first time; `None` every later time.
    #[allow(
        clippy::mut_from_ref,
        reason = "the take-once flag makes the returned reference unique"
    )]
    pub fn take(&'static self) -> Option<&'static mut [MaybeUninit<u8>]> {
        let first = critical_section::with(|cs| !self.taken.borrow(cs).replace(true));
        if !first {
            return None;
        }
        // SAFETY: the flag flipped from false to true inside a critical
        // section exactly once, here, so this is the only reference ever
        // made to the storage; it lives in a `'static`.
        let storage: &'static mut [MaybeUninit<u8>; N] = unsafe { &mut *self.storage.get() };
        Some(storage.as_mut_slice())
    }

    /// Size of the storage in bytes (`N`).
    pub const fn len(&self) -> usize {
        N
    }

    /// Whether `N` is 0.
    pub const fn is_empty(&self) -> bool {
        N == 0
    }

    /// Whether [`take`](Arena::take) has handed the storage out.
    pub fn is_taken(&self) -> bool {
        critical_section::with(|cs| self.taken.borrow(cs).get())
    }
}

impl<const N: usize> Default for Arena<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for Arena<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arena")
            .field("len", &N)
            .field("taken", &self.is_taken())
            .finish()
    }
}

/// Claims `arena` for `pool` unless the pool has claimed already; returns the pool.
///
/// The check is a plain load; the take-and-claim runs in one critical
/// section, so two contexts racing here claim once. If the arena is too
/// small for the backend the pool stays unclaimed and refuses everything.
#[doc(hidden)]
pub fn lazy_claim<B: Backend, const N: usize>(
    pool: &'static Pool<B>,
    arena: &'static Arena<N>,
) -> &'static Pool<B> {
    if !pool.is_claimed() {
        critical_section::with(|_| {
            if !pool.is_claimed() {
                if let Some(region) = arena.take() {
                    // An arena too small for the backend leaves the pool
                    // unclaimed: every allocation is then refused, and counted.
                    let _ = pool.claim(region);
                }
            }
        });
    }
    pool
}

/// Defines a zero-sized handle to a pool in a `static`, over a static arena.
///
/// ```
/// ocpp_alloc::static_pool!(
///     /// The OCPP pool.
///     pub OcppPool: ocpp_alloc::TalcPool, 8 * 1024
/// );
///
/// let mut v = allocator_api2::vec::Vec::<u32, OcppPool>::new_in(OcppPool);
/// v.try_reserve(16).unwrap();
/// assert!(OcppPool::pool().contains(v.as_ptr().cast()));
/// assert_eq!(core::mem::size_of::<OcppPool>(), 0);
/// ```
///
/// expands to a unit struct `OcppPool` (`Clone`, `Copy`, `Default`, `Debug`,
/// `PartialEq`, `Eq`) implementing `allocator_api2::alloc::Allocator`, and
/// `OcppPool::pool() -> &'static TalcPool`. The `static` arena and pool live
/// inside `pool()`; the arena is claimed on first use (see
/// [`Pool::is_claimed`]): the first allocation through the handle, or the
/// first call to `pool()`. Engine types then carry a ZST, not a pointer.
#[macro_export]
macro_rules! static_pool {
    ($(#[$meta:meta])* $vis:vis $name:ident : $pool:ty, $size:expr $(,)?) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Default, Debug, PartialEq, Eq, Hash)]
        $vis struct $name;

        impl $name {
            /// The pool behind this handle; claims its arena on first use.
            #[allow(dead_code)]
            $vis fn pool() -> &'static $pool {
                static ARENA: $crate::Arena<{ $size }> = $crate::Arena::new();
                static POOL: $pool = <$pool>::new();
                $crate::__private::lazy_claim(&POOL, &ARENA)
            }
        }

        // SAFETY: every method forwards to the `'static` pool, which
        // implements `Allocator` through `&Pool`; the handle is a ZST, so all
        // copies of it forward to the same pool.
        unsafe impl $crate::__private::Allocator for $name {
            #[inline]
            fn allocate(
                &self,
                layout: $crate::__private::Layout,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::__private::AllocError,
            > {
                $crate::__private::Allocator::allocate(&Self::pool(), layout)
            }

            #[inline]
            unsafe fn deallocate(
                &self,
                ptr: ::core::ptr::NonNull<u8>,
                layout: $crate::__private::Layout,
            ) {
                // SAFETY: the caller's guarantees, for the same pool.
                unsafe { $crate::__private::Allocator::deallocate(&Self::pool(), ptr, layout) }
            }

            #[inline]
            unsafe fn grow(
                &self,
                ptr: ::core::ptr::NonNull<u8>,
                old: $crate::__private::Layout,
                new: $crate::__private::Layout,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::__private::AllocError,
            > {
                // SAFETY: the caller's guarantees, for the same pool.
                unsafe { $crate::__private::Allocator::grow(&Self::pool(), ptr, old, new) }
            }

            #[inline]
            unsafe fn shrink(
                &self,
                ptr: ::core::ptr::NonNull<u8>,
                old: $crate::__private::Layout,
                new: $crate::__private::Layout,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::__private::AllocError,
            > {
                // SAFETY: the caller's guarantees, for the same pool.
                unsafe { $crate::__private::Allocator::shrink(&Self::pool(), ptr, old, new) }
            }
        }
    };
}
