//! The allocation algorithms a [`Pool`](crate::Pool) can run on, called
//! through their raw (lock-free, `&mut self`) APIs.
//!
//! The pool does the locking (a critical section), the statistics, the
//! zero-size and alignment-change cases; a backend only ever sees non-zero
//! sizes and resizes that keep the alignment.

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::ClaimError;

mod linked_list;
mod talc;

pub use self::linked_list::LinkedList;
pub use self::talc::Talc;

/// An allocation algorithm over one claimed region.
///
/// # Safety
///
/// Implementations must uphold, for a backend that has claimed a region:
/// - `alloc`, `grow` and `shrink` return blocks that lie entirely inside the
///   claimed region, are aligned to the requested alignment, and do not
///   overlap any other live block;
/// - a `None` from `grow` or `shrink` leaves the old block allocated and
///   its contents unchanged; a `Some` carries the old contents over (up to the
///   smaller of the two sizes) and ends the old block;
/// - before any successful `claim`, `alloc` returns `None`.
pub unsafe trait Backend: Send {
    /// Short name for reports and benchmark tables.
    const NAME: &'static str;

    /// A backend with no memory; `const` so a pool can live in a `static`.
    const EMPTY: Self;

    /// Gives the backend the region `base .. base + len`.
    ///
    /// Returns [`ClaimError::TooSmall`] (and changes nothing) when the region
    /// cannot hold the backend's metadata and one block.
    ///
    /// # Safety
    ///
    /// - The region is valid for reads and writes, and nothing else reads or
    ///   writes it for as long as the backend is used.
    /// - It is called at most once with `Ok` as the result.
    unsafe fn claim(&mut self, base: *mut u8, len: usize) -> Result<(), ClaimError>;

    /// Allocates a block for `layout`.
    ///
    /// # Safety
    ///
    /// `layout.size()` is not zero.
    unsafe fn alloc(&mut self, layout: Layout) -> Option<NonNull<u8>>;

    /// Frees a block.
    ///
    /// # Safety
    ///
    /// `ptr` was returned by this backend for `layout` (through `alloc`, or
    /// `grow`/`shrink` to `layout.size()`), and is not used afterwards.
    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout);

    /// Grows a block to `new_size` bytes, keeping `old.align()`.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this backend for `old`, and
    /// `new_size >= old.size()`, and `new_size` rounded up to `old.align()`
    /// does not overflow `isize`.
    unsafe fn grow(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>>;

    /// Shrinks a block to `new_size` bytes, keeping `old.align()`.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this backend for `old`, and
    /// `0 < new_size <= old.size()`.
    unsafe fn shrink(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>>;

    /// Bytes the backend could still hand out in total (possibly in several
    /// fragments), where it keeps that figure; `None` where it does not.
    fn free_bytes(&self) -> Option<usize> {
        None
    }
}
