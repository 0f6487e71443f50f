//! [`CountingGlobal`]: a global allocator that counts what a piece of code
//! takes from the global heap (feature `std`).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::hint::black_box;

use std::alloc::System;

/// A `#[global_allocator]` for host tests and fuzz targets that must show
/// a piece of code never touches the global heap: it forwards everything to
/// [`System`] and counts the requests (`alloc`, `alloc_zeroed`, `realloc`)
/// made on the current thread while [`CountingGlobal::count`] runs. Other
/// threads (a test harness's) and code outside `count` are not counted.
///
/// Only a binary can register a global allocator, so a library checking
/// with it should first ask [`CountingGlobal::is_installed`]: without the
/// registration every count is a silent 0.
///
/// ```no_run
/// use ocpp_alloc::CountingGlobal;
///
/// #[global_allocator]
/// static GLOBAL: CountingGlobal = CountingGlobal;
///
/// fn main() {
///     assert!(CountingGlobal::is_installed());
///     let (sum, allocations) = CountingGlobal::count(|| [1u32, 2, 3].iter().sum::<u32>());
///     assert_eq!((sum, allocations), (6, 0));
/// }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CountingGlobal;

std::thread_local! {
    /// Whether this thread's requests are counted now.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Requests counted on this thread since `count` began.
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

/// Counts one request, if this thread is counting. `try_with`: a request
/// made while the thread-locals are being destroyed is not counted.
fn note() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = COUNT.try_with(|c| c.set(c.get() + 1));
    }
}

/// Restores the counter of an enclosing `count` when it is dropped, also
/// when the measured code panics.
struct Restore {
    counting: bool,
    count: usize,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let inner = COUNT.with(Cell::get);
        COUNTING.with(|c| c.set(self.counting));
        // An enclosing `count` sees the nested requests too.
        COUNT.with(|c| c.set(self.count + if self.counting { inner } else { 0 }));
    }
}

impl CountingGlobal {
    /// Runs `f` and returns its result with the number of global-heap
    /// requests made on this thread meanwhile (0 when this allocator is not
    /// the registered one: see [`CountingGlobal::is_installed`]).
    pub fn count<R>(f: impl FnOnce() -> R) -> (R, usize) {
        let _restore = Restore {
            counting: COUNTING.with(|c| c.replace(true)),
            count: COUNT.with(|c| c.replace(0)),
        };
        let r = f();
        let n = COUNT.with(Cell::get);
        (r, n)
    }

    /// Whether `CountingGlobal` is the program's `#[global_allocator]`:
    /// a request through the global heap is counted.
    pub fn is_installed() -> bool {
        let layout = Layout::new::<u64>();
        let ((), n) = Self::count(|| {
            // SAFETY: a non-zero-sized layout; the block, if any, is freed
            // with the same layout. `black_box` keeps the pair from being
            // optimized away.
            unsafe {
                let p = black_box(std::alloc::alloc(layout));
                if !p.is_null() {
                    std::alloc::dealloc(p, layout);
                }
            }
        });
        n > 0
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments, so
// `System`'s guarantees are ours; counting touches only const-initialised
// thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for CountingGlobal {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract is `GlobalAlloc::alloc`'s, as is System's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: `ptr` came from `System` (through us) with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` (through us) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One request of each kind through `CountingGlobal` itself (it is not
    /// this test binary's global allocator).
    fn three_requests() {
        let layout = Layout::from_size_align(16, 8).unwrap();
        // SAFETY: a non-zero-sized layout; each block is freed (or grown
        // and then freed) with the layout it has.
        unsafe {
            let p = CountingGlobal.alloc(layout);
            let q = CountingGlobal.alloc_zeroed(layout);
            assert!(!p.is_null() && !q.is_null());
            let p = CountingGlobal.realloc(p, layout, 32);
            assert!(!p.is_null());
            CountingGlobal.dealloc(p, Layout::from_size_align(32, 8).unwrap());
            CountingGlobal.dealloc(q, layout);
        }
    }

    #[test]
    fn counts_requests_inside_count_only() {
        three_requests(); // outside: not counted
        let ((), n) = CountingGlobal::count(three_requests);
        assert_eq!(n, 3);
        let ((), n) = CountingGlobal::count(|| ());
        assert_eq!(n, 0);
    }

    #[test]
    fn nested_counts_add_up() {
        let (inner, outer) = CountingGlobal::count(|| {
            three_requests();
            CountingGlobal::count(three_requests).1
        });
        assert_eq!((inner, outer), (3, 6));
    }

    #[test]
    fn knows_it_is_not_this_binarys_allocator() {
        assert!(!CountingGlobal::is_installed());
    }
}
