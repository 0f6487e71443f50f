//! The talc 4 backend.

use core::alloc::Layout;
use core::fmt;
use core::ptr::{self, NonNull};

use super::Backend;
use crate::ClaimError;

/// The [talc](https://crates.io/crates/talc) 4 allocator (`talc::Talc<ErrOnOom>`):
/// segregated free lists, O(1) allocation, in-place grow and shrink.
///
/// Its bins (256 B on 32-bit targets, 1 KiB on 64-bit ones) live at the start
/// of the claimed region. [`Backend::free_bytes`] is known only with this
/// crate's `counters` feature (talc's counters).
///
/// Two detours around talc 4.4.3, whose pointer arithmetic can step past the
/// end of its heap (undefined behaviour, reported by Miri):
/// - alignments above a word are not passed to talc (its search for an
///   over-aligned chunk does that arithmetic): such a block is carved from a
///   word-aligned talc block `align` bytes larger, with its offset in the
///   word just below it; it costs `align` extra bytes, and grows and shrinks
///   in place like any other;
/// - a grow whose new end would lie past the heap's end cannot happen in
///   place anyway, and is done by allocate-copy-free here instead of by
///   talc's `grow` (which computes that end first).
pub struct Talc {
    talc: ::talc::Talc<::talc::ErrOnOom>,
    /// Address of the end of the claimed heap (0 before the claim).
    acme: usize,
}

/// talc's own alignment: one machine word.
const WORD: usize = core::mem::align_of::<usize>();

impl fmt::Debug for Talc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Talc").finish_non_exhaustive()
    }
}

impl Talc {
    /// The word-aligned talc block that carries an over-aligned block.
    fn carrier(size: usize, align: usize) -> Option<Layout> {
        Layout::from_size_align(size.checked_add(align)?, WORD).ok()
    }

    /// Where the block aligned to `align` starts in a carrier at `base`:
    /// at least one word in (room for the offset), at most `align`.
    fn offset_in(base: NonNull<u8>, align: usize) -> usize {
        let after_header = (base.as_ptr() as usize).wrapping_add(WORD);
        WORD + (after_header.wrapping_neg() & (align - 1))
    }

    /// Reads the offset of an over-aligned block in its carrier.
    ///
    /// # Safety
    ///
    /// `ptr` is a live over-aligned block made by `alloc_over_aligned`.
    unsafe fn offset_of(ptr: NonNull<u8>) -> usize {
        // SAFETY: the word below the block lies in its carrier (offset >=
        // WORD), is word-aligned (the block is aligned to more than a word)
        // and holds the offset written when the block was placed.
        unsafe { ptr.as_ptr().sub(WORD).cast::<usize>().read() }
    }

    /// Places the over-aligned block in the carrier at `base`, recording
    /// its offset.
    ///
    /// # Safety
    ///
    /// `base` is a live carrier of at least `align` bytes more than the
    /// block needs.
    unsafe fn place(base: NonNull<u8>, align: usize) -> NonNull<u8> {
        let offset = Self::offset_in(base, align);
        // SAFETY: `WORD <= offset <= align`, so the block and the word
        // below it lie inside the carrier (caller); the word is aligned.
        unsafe {
            let block = base.add(offset);
            block.as_ptr().sub(WORD).cast::<usize>().write(offset);
            block
        }
    }

    /// talc's `grow`, called only when the grown block would end inside the
    /// heap (see the type's docs); otherwise allocate, copy and free, which
    /// is what talc's `grow` falls back to when it cannot grow in place.
    ///
    /// # Safety
    ///
    /// `ptr` is a live talc block for `old`; `new_size >= old.size()`.
    unsafe fn talc_grow(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let end = (ptr.as_ptr() as usize).checked_add(new_size)?;
        if end <= self.acme {
            // SAFETY: a live block (caller), `new_size >= old.size()`, and
            // `ptr + new_size` stays inside the heap.
            return unsafe { self.talc.grow(ptr, old, new_size) }.ok();
        }
        let new = Layout::from_size_align(new_size, old.align()).ok()?;
        // SAFETY: `new_size >= old.size() > 0`.
        let fresh = unsafe { self.talc.malloc(new) }.ok()?;
        // SAFETY: two distinct live blocks, at least `old.size()` bytes
        // each; the old one is then freed with its own layout.
        unsafe {
            fresh
                .as_ptr()
                .copy_from_nonoverlapping(ptr.as_ptr(), old.size());
            self.talc.free(ptr, old);
        }
        Some(fresh)
    }

    fn alloc_over_aligned(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let carrier = Self::carrier(layout.size(), layout.align())?;
        // SAFETY: the carrier's size is at least `align > 0`.
        let base = unsafe { self.talc.malloc(carrier) }.ok()?;
        // SAFETY: a fresh carrier `align` bytes larger than the block.
        Some(unsafe { Self::place(base, layout.align()) })
    }
}

// SAFETY: talc hands out blocks only from the heaps it has claimed (one
// here), aligned to a word, never overlapping; `malloc` fails without a
// claimed heap; `grow` either fails before touching the old block or copies
// and frees it; `shrink` works in place and never fails. Over-aligned blocks
// lie inside their carrier (see `place`), and a moved carrier has its block
// moved to the new offset before the offset is rewritten.
unsafe impl Backend for Talc {
    const NAME: &'static str = "talc";
    const EMPTY: Self = Talc {
        talc: ::talc::Talc::new(::talc::ErrOnOom),
        acme: 0,
    };

    unsafe fn claim(&mut self, base: *mut u8, len: usize) -> Result<(), ClaimError> {
        let span = ::talc::Span::from_base_size(base, len);
        // SAFETY: the caller hands the region over for the backend's
        // lifetime (read/write valid, used by nothing else); a region of a
        // live object never contains the null address.
        match unsafe { self.talc.claim(span) } {
            Ok(heap) => {
                self.acme = heap.get_base_acme().map_or(0, |(_, acme)| acme as usize);
                Ok(())
            }
            Err(()) => Err(ClaimError::TooSmall),
        }
    }

    unsafe fn alloc(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        if layout.align() > WORD {
            return self.alloc_over_aligned(layout);
        }
        // SAFETY: the caller guarantees a non-zero size.
        unsafe { self.talc.malloc(layout) }.ok()
    }

    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout) {
        if layout.align() > WORD {
            // SAFETY: `ptr` is a live over-aligned block (caller), so its
            // carrier starts `offset` bytes below and has this layout.
            unsafe {
                let offset = Self::offset_of(ptr);
                if let Some(carrier) = Self::carrier(layout.size(), layout.align()) {
                    self.talc.free(ptr.sub(offset), carrier);
                }
            }
            return;
        }
        // SAFETY: the caller guarantees `ptr` is a live block for `layout`.
        unsafe { self.talc.free(ptr, layout) }
    }

    unsafe fn grow(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let align = old.align();
        if align <= WORD {
            // SAFETY: the caller guarantees a live block and `new_size >= old.size()`.
            return unsafe { self.talc_grow(ptr, old, new_size) };
        }
        let carrier = Self::carrier(old.size(), align)?;
        let new_carrier = Self::carrier(new_size, align)?;
        // SAFETY: `ptr` is a live over-aligned block (caller): its carrier
        // starts `offset` below with layout `carrier`, and grows to a larger
        // one. talc copies the whole old carrier, so the block sits at the
        // same offset in the new one; it is moved (overlapping copy) to the
        // new offset before the offset word, which may overlap the old
        // position of the block, is rewritten.
        unsafe {
            let offset = Self::offset_of(ptr);
            let base = self.talc_grow(ptr.sub(offset), carrier, new_carrier.size())?;
            let new_offset = Self::offset_in(base, align);
            if new_offset != offset {
                ptr::copy(
                    base.add(offset).as_ptr(),
                    base.add(new_offset).as_ptr(),
                    old.size(),
                );
            }
            Some(Self::place(base, align))
        }
    }

    unsafe fn shrink(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let align = old.align();
        if align <= WORD {
            // SAFETY: the caller guarantees a live block and `0 < new_size <= old.size()`.
            unsafe { self.talc.shrink(ptr, old, new_size) };
            return Some(ptr);
        }
        let carrier = Self::carrier(old.size(), align)?;
        let new_carrier = Self::carrier(new_size, align)?;
        // SAFETY: `ptr` is a live over-aligned block (caller); its carrier
        // shrinks in place, keeping the block and its offset word.
        unsafe {
            let offset = Self::offset_of(ptr);
            self.talc
                .shrink(ptr.sub(offset), carrier, new_carrier.size());
        }
        Some(ptr)
    }

    fn free_bytes(&self) -> Option<usize> {
        #[cfg(feature = "counters")]
        {
            Some(self.talc.get_counters().available_bytes)
        }
        #[cfg(not(feature = "counters"))]
        {
            None
        }
    }
}
