//! [`NoGlobalHeap`]: a global allocator that refuses everything.

use core::alloc::{GlobalAlloc, Layout};

/// A `#[global_allocator]` for firmware whose every allocation goes through
/// a pool: it refuses every request.
///
/// `allocator_api2`'s collections link Rust's `alloc` crate, which will not
/// link without a global allocator even when nothing uses it. Register this
/// one and a stray use of the global heap ends in `handle_alloc_error` (a
/// loud failure) instead of silently taking memory outside the pool:
///
/// ```no_run
/// #[global_allocator]
/// static NO_GLOBAL_HEAP: ocpp_alloc::NoGlobalHeap = ocpp_alloc::NoGlobalHeap;
/// # fn main() {} // compiled and linked; not run, as the test harness itself allocates
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct NoGlobalHeap;

// SAFETY: `alloc` never hands out memory (null is GlobalAlloc's documented
// refusal), so no block exists for `dealloc` to be called with; the default
// `realloc`/`alloc_zeroed` go through `alloc` and refuse as well.
unsafe impl GlobalAlloc for NoGlobalHeap {
    unsafe fn alloc(&self, _: Layout) -> *mut u8 {
        core::ptr::null_mut()
    }

    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_request() {
        for (size, align) in [(1, 1), (64, 8), (4096, 4096)] {
            let layout = Layout::from_size_align(size, align).unwrap();
            // SAFETY: a non-zero-sized layout, as `GlobalAlloc::alloc` requires.
            let p = unsafe { NoGlobalHeap.alloc(layout) };
            assert!(p.is_null());
            // SAFETY: as above.
            let p = unsafe { NoGlobalHeap.alloc_zeroed(layout) };
            assert!(p.is_null());
        }
    }
}
