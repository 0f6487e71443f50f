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

/// Fills a block with `tag`-derived bytes.
pub fn fill(block: Block, tag: u8) {
    for i in 0..block.layout.size() {
        // SAFETY: `i` is inside the live block.
        unsafe { block.ptr.as_ptr().add(i).write(tag.wrapping_add(i as u8)) };
    }
}

/// Checks the first `len` bytes of a block hold `fill(.., tag)`'s pattern.
#[track_caller]
pub fn check(block: Block, tag: u8, len: usize) {
    for i in 0..len.min(block.layout.size()) {
        // SAFETY: `i` is inside the live, initialized block.
        let byte = unsafe { block.ptr.as_ptr().add(i).read() };
        assert_eq!(
            byte,
            tag.wrapping_add(i as u8),
            "byte {i} of a block tagged {tag}"
        );
    }
}
