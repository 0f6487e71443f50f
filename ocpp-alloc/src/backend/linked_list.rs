//! The linked_list_allocator 0.10 backend.

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

use super::Backend;
use crate::ClaimError;

/// The [linked_list_allocator](https://crates.io/crates/linked_list_allocator)
/// 0.10 heap: one address-ordered list of holes, first fit, O(holes).
///
/// Blocks are rounded up to two words and to a multiple of a word. It has no
/// in-place resize: grow and shrink allocate, copy and free, except where
/// the rounded size does not change; so, unlike talc, it can refuse a
/// shrink when the pool is full (the old block then stays as it was).
/// [`Backend::free_bytes`] is always known.
pub struct LinkedList {
    heap: linked_list_allocator::Heap,
}

impl fmt::Debug for LinkedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkedList").finish_non_exhaustive()
    }
}

impl LinkedList {
    /// The smallest region `Heap::init` accepts without panicking: after
    /// aligning the start up to a word and the length down to a word, two
    /// words (one hole) must remain.
    fn usable(base: *mut u8, len: usize) -> bool {
        let word = core::mem::size_of::<usize>();
        let pad = base.align_offset(core::mem::align_of::<usize>());
        match len.checked_sub(pad) {
            Some(rest) => rest / word * word >= 2 * word,
            None => false,
        }
    }

    /// The block size the heap really reserves for `layout`.
    fn rounded(layout: Layout) -> Option<Layout> {
        linked_list_allocator::hole::HoleList::align_layout(layout).ok()
    }

    /// Allocate, copy `min(old, new_size)` bytes, free the old block.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this heap for `old`; `new_size` is not zero.
    unsafe fn move_block(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let new = Layout::from_size_align(new_size, old.align()).ok()?;
        let fresh = self.heap.allocate_first_fit(new).ok()?;
        // SAFETY: both blocks are live, distinct blocks of this heap, each at
        // least `min(old, new)` bytes long, so the ranges are valid and do
        // not overlap; the old block is then freed with its own layout.
        unsafe {
            fresh
                .as_ptr()
                .copy_from_nonoverlapping(ptr.as_ptr(), old.size().min(new_size));
            self.heap.deallocate(ptr, old);
        }
        Some(fresh)
    }

    /// Resize in place when the heap would reserve the same block for both
    /// sizes (so freeing with either layout frees the same bytes), else move.
    ///
    /// # Safety
    ///
    /// `ptr` is a live block of this heap for `old`; `new_size` is not zero.
    unsafe fn resize(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let new = Layout::from_size_align(new_size, old.align()).ok()?;
        if Self::rounded(old).is_some() && Self::rounded(old) == Self::rounded(new) {
            return Some(ptr);
        }
        // SAFETY: forwarded from the caller.
        unsafe { self.move_block(ptr, old, new_size) }
    }
}

// SAFETY: the heap hands out blocks only from its one hole list, which
// covers exactly the claimed region, aligned per the layout and never
// overlapping; it has no holes before `init`; grow/shrink either resize in
// place where the reserved block is identical, or allocate first (failing
// without touching the old block), copy, then free.
unsafe impl Backend for LinkedList {
    const NAME: &'static str = "linked_list_allocator";
    const EMPTY: Self = LinkedList {
        heap: linked_list_allocator::Heap::empty(),
    };

    unsafe fn claim(&mut self, base: *mut u8, len: usize) -> Result<(), ClaimError> {
        if !Self::usable(base, len) {
            return Err(ClaimError::TooSmall);
        }
        // SAFETY: the caller hands the region over for the backend's
        // lifetime and claims at most once; `usable` checked the size that
        // `init` asserts on, so it cannot panic.
        unsafe { self.heap.init(base, len) };
        Ok(())
    }

    unsafe fn alloc(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.heap.allocate_first_fit(layout).ok()
    }

    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` is a live block for `layout`.
        unsafe { self.heap.deallocate(ptr, layout) }
    }

    unsafe fn grow(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded from the caller (`new_size >= old.size() > 0`).
        unsafe { self.resize(ptr, old, new_size) }
    }

    unsafe fn shrink(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded from the caller (`new_size > 0`).
        unsafe { self.resize(ptr, old, new_size) }
    }

    fn free_bytes(&self) -> Option<usize> {
        Some(self.heap.free())
    }
}
