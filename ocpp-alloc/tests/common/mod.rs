//! Helpers shared by the integration tests.
#![allow(dead_code)]

use core::hash::{BuildHasher, Hasher};
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator, Layout};

/// Scale a loop count down under Miri, which is ~1000x slower.
pub const fn scaled(native: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        native
    }
}

/// A tiny FNV-1a hasher, so hashbrown needs no default hasher.
#[derive(Clone, Copy, Default, Debug)]
pub struct Fnv;

/// State of [`Fnv`].
#[derive(Debug)]
pub struct FnvHasher(u64);

impl BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Xorshift64* for test workloads.
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform-ish in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

/// A live block in a test.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub ptr: NonNull<u8>,
    pub layout: Layout,
}

pub fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

pub fn alloc<A: Allocator>(a: A, size: usize, align: usize) -> Result<Block, AllocError> {
    let layout = layout(size, align);
    let ptr = a.allocate(layout)?;
    assert!(ptr.len() >= size);
    Ok(Block {
        ptr: ptr.cast(),
        layout,
    })
}

pub fn free<A: Allocator>(a: A, block: Block) {
    // SAFETY: tests only free blocks they got from `a` and still hold.
    unsafe { a.deallocate(block.ptr, block.layout) }
}

pub fn grow<A: Allocator>(a: A, block: Block, size: usize) -> Result<Block, AllocError> {
    let new = layout(size, block.layout.align());
    // SAFETY: a live block of `a`; `size >= block.layout.size()` (tests).
    let ptr = unsafe { a.grow(block.ptr, block.layout, new) }?;
    Ok(Block {
        ptr: ptr.cast(),
        layout: new,
    })
}

pub fn shrink<A: Allocator>(a: A, block: Block, size: usize) -> Result<Block, AllocError> {
    let new = layout(size, block.layout.align());
    // SAFETY: a live block of `a`; `size <= block.layout.size()` (tests).
    let ptr = unsafe { a.shrink(block.ptr, block.layout, new) }?;
    Ok(Block {
        ptr: ptr.cast(),
        layout: new,
    })
}

/// What [`fill`] writes: byte `i` of a block filled with `tag` is
/// `tag + i` (mod 256), which is `PATTERN[tag + i]`; so a fill is one copy
/// and a check one comparison, which Miri does natively (byte by byte, it
/// interprets every access: the random workloads took minutes).
static PATTERN: [u8; PATTERN_LEN] = {
    let mut p = [0u8; PATTERN_LEN];
    let mut i = 0;
    while i < PATTERN_LEN {
        p[i] = i as u8;
        i += 1;
    }
    p
};
const PATTERN_LEN: usize = 256 + 64 * 1024;

/// The first `len` bytes of a block filled with `tag` (blocks up to 64 KiB).
fn pattern(tag: u8, len: usize) -> &'static [u8] {
    let start = usize::from(tag);
    PATTERN
        .get(start..start + len)
        .expect("test blocks are at most 64 KiB")
}

/// Fills a block with `tag`-derived bytes.
pub fn fill(block: Block, tag: u8) {
    let bytes = pattern(tag, block.layout.size());
    // SAFETY: the block is live and `bytes.len()` long; a static never
    // overlaps a pool block.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), block.ptr.as_ptr(), bytes.len()) };
}

/// Checks the first `len` bytes of a block hold `fill(.., tag)`'s pattern.
#[track_caller]
pub fn check(block: Block, tag: u8, len: usize) {
    let len = len.min(block.layout.size());
    // SAFETY: the first `len` bytes of the live block were written by `fill`.
    let bytes = unsafe { core::slice::from_raw_parts(block.ptr.as_ptr(), len) };
    let want = pattern(tag, len);
    // One comparison first; the byte at fault only when there is one.
    if bytes != want {
        if let Some(i) = bytes.iter().zip(want).position(|(a, b)| a != b) {
            panic!(
                "byte {i} of a block tagged {tag}: {} instead of {}",
                bytes[i], want[i]
            );
        }
    }
}
