//! Pool behaviour, written once and run for both backends.

mod common;

use core::mem::MaybeUninit;

use allocator_api2::alloc::{Allocator, Layout};
use allocator_api2::vec::Vec;
use common::{alloc, check, fill, free, grow, scaled, shrink, Block, Fnv, Rng};
use ocpp_alloc::{Backend, ClaimError, HostPool, Measured, Pool, Stats};

const SIZE: usize = 16 * 1024;

fn host<B: Backend>() -> HostPool<B> {
    HostPool::<B>::try_new(SIZE).expect("16 KiB is enough for every backend")
}

#[track_caller]
fn assert_inside<B: Backend>(pool: &Pool<B>, block: Block) {
    let start = block.ptr.as_ptr();
    assert!(pool.contains(start), "{start:p} outside the pool");
    let last = start.wrapping_add(block.layout.size() - 1);
    assert!(pool.contains(last), "{last:p} outside the pool");
}

fn allocations_inside_range<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    assert_eq!(pool.capacity(), SIZE);
    let outside = 0u8;
    assert!(!pool.contains(&outside));
    let mut blocks: [Option<Block>; 512] = [None; 512];
    let mut n = 0;
    let mut rng = Rng::new(7);
    while n < blocks.len() {
        let Ok(block) = alloc(pool, rng.range(1, 200), 1 << rng.range(0, 4)) else {
            break;
        };
        assert_inside(pool, block);
        blocks[n] = Some(block);
        n += 1;
    }
    assert!(n > 20, "only {n} blocks fit");
    assert!(pool.stats().refusals <= 1);
    for block in blocks.iter().flatten() {
        free(pool, *block);
    }
    assert_eq!(pool.stats().in_use, 0);
}

fn stats_are_counted<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    assert_eq!(pool.stats(), Stats::default());
    let a = alloc(pool, 100, 8).unwrap();
    let b = alloc(pool, 30, 1).unwrap();
    let c = alloc(pool, 7, 4).unwrap();
    let s = pool.stats();
    assert_eq!(
        (s.in_use, s.peak, s.allocations, s.frees, s.refusals),
        (137, 137, 3, 0, 0)
    );
    free(pool, b);
    let s = pool.stats();
    assert_eq!((s.in_use, s.peak, s.allocations, s.frees), (107, 137, 3, 1));
    pool.reset_peak();
    assert_eq!(pool.stats().peak, 107);
    let a = grow(pool, a, 150).unwrap();
    assert_eq!((pool.stats().in_use, pool.stats().peak), (157, 157));
    let a = shrink(pool, a, 10).unwrap();
    let s = pool.stats();
    assert_eq!((s.in_use, s.peak, s.allocations, s.frees), (17, 157, 3, 1));
    assert!(alloc(pool, SIZE, 1).is_err());
    assert_eq!(pool.stats().refusals, 1);
    free(pool, a);
    free(pool, c);
    let s = pool.stats();
    assert_eq!((s.in_use, s.allocations, s.frees, s.refusals), (0, 3, 3, 1));
    assert_eq!(s.largest_free, 0);
}

fn exhaustion_refuses_and_recovers<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    let mut blocks: [Option<Block>; 512] = [None; 512];
    let mut n = 0;
    while let Ok(block) = alloc(pool, 64, 8) {
        assert_inside(pool, block);
        blocks[n] = Some(block);
        n += 1;
    }
    assert!(
        n * 64 <= SIZE && n * 64 > SIZE / 2,
        "{n} blocks of 64 B in {SIZE} B"
    );
    assert_eq!(pool.stats().refusals, 1);
    assert!(alloc(pool, 64, 8).is_err());
    assert_eq!(pool.stats().refusals, 2);
    assert_eq!(pool.stats().in_use, n * 64);
    // Free every other block, then everything: the space coalesces again.
    for slot in blocks.iter_mut().step_by(2) {
        if let Some(block) = slot.take() {
            free(pool, block);
        }
    }
    for block in blocks.iter_mut().filter_map(Option::take) {
        free(pool, block);
    }
    let s = pool.stats();
    assert_eq!((s.in_use, s.allocations, s.frees), (0, n, n));
    let big = alloc(pool, SIZE / 2, 8).expect("memory coalesced after freeing");
    free(pool, big);
    assert_eq!(pool.stats().in_use, 0);
}

fn grow_and_shrink_keep_contents<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    for align in [1, 2, 8, 16, 64, 256] {
        let a = alloc(pool, 24, align).unwrap();
        fill(a, 3);
        // A neighbour, so a grow cannot always stay in place.
        let fence = alloc(pool, 40, 8).unwrap();
        fill(fence, 99);
        let a = grow(pool, a, 25).unwrap(); // inside the rounding
        check(a, 3, 24);
        let a = grow(pool, a, 1000).unwrap();
        assert_inside(pool, a);
        assert_eq!(a.ptr.as_ptr() as usize % align, 0);
        check(a, 3, 24);
        fill(a, 5);
        let a = shrink(pool, a, 300).unwrap();
        assert_inside(pool, a);
        check(a, 5, 300);
        let a = shrink(pool, a, 1).unwrap();
        check(a, 5, 1);
        let a = grow(pool, a, 2000).unwrap();
        check(a, 5, 1);
        check(fence, 99, 40);
        free(pool, a);
        free(pool, fence);
    }
    assert_eq!(pool.stats().in_use, 0);
}

fn resize_to_and_from_zero_and_realign<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    let z = alloc(pool, 0, 16).unwrap();
    assert_eq!(z.ptr.as_ptr() as usize % 16, 0);
    assert_eq!(
        pool.stats(),
        Stats::default(),
        "zero-sized blocks are not counted"
    );
    let a = grow(pool, z, 40).unwrap();
    assert_inside(pool, a);
    fill(a, 1);
    assert_eq!((pool.stats().in_use, pool.stats().allocations), (40, 1));
    // A grow that also raises the alignment.
    let new = Layout::from_size_align(80, 64).unwrap();
    // SAFETY: a live block of `pool`, growing.
    let b = unsafe { pool.grow(a.ptr, a.layout, new) }.unwrap();
    let b = Block {
        ptr: b.cast(),
        layout: new,
    };
    assert_eq!(b.ptr.as_ptr() as usize % 64, 0);
    check(b, 1, 40);
    // A shrink that lowers it.
    let new = Layout::from_size_align(20, 2).unwrap();
    // SAFETY: a live block of `pool`, shrinking.
    let c = unsafe { pool.shrink(b.ptr, b.layout, new) }.unwrap();
    let c = Block {
        ptr: c.cast(),
        layout: new,
    };
    check(c, 1, 20);
    assert_eq!(pool.stats().in_use, 20);
    let z = shrink(pool, c, 0).unwrap();
    assert_eq!(z.ptr.as_ptr() as usize % 2, 0);
    let s = pool.stats();
    assert_eq!((s.in_use, s.allocations, s.frees), (0, 1, 1));
    free(pool, z); // size 0: nothing happens
    assert_eq!(pool.stats().frees, 1);
}

fn alignments_are_honoured<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    let mut blocks: [Option<Block>; 64] = [None; 64];
    let mut n = 0;
    for align_log in 0..=6 {
        let align = 1usize << align_log;
        for size in [1, 3, 8, 13, 64, 100] {
            let block = alloc(pool, size, align).unwrap();
            assert_eq!(
                block.ptr.as_ptr() as usize % align,
                0,
                "size {size} align {align}"
            );
            assert_inside(pool, block);
            fill(block, n as u8);
            blocks[n] = Some(block);
            n += 1;
        }
    }
    // Larger alignments than any backend's own also work.
    for align in [128, 256, 1024] {
        let block = alloc(pool, 10, align).unwrap();
        assert_eq!(block.ptr.as_ptr() as usize % align, 0);
        assert_inside(pool, block);
        free(pool, block);
    }
    for (i, block) in blocks.iter().flatten().enumerate() {
        check(*block, i as u8, block.layout.size());
        free(pool, *block);
    }
    assert_eq!(pool.stats().in_use, 0);
}

fn unclaimed_and_claim_errors<B: Backend>() {
    let pool = Pool::<B>::new();
    assert!(!pool.is_claimed());
    assert!(alloc(&pool, 8, 8).is_err());
    assert_eq!(pool.stats().refusals, 1);
    assert_eq!(pool.capacity(), 0);
    assert!(!pool.contains(core::ptr::null()));
    assert_eq!(pool.backend_free(), None);
    // Zero-sized requests still succeed without memory.
    assert!(alloc(&pool, 0, 4).is_ok());

    assert_eq!(HostPool::<B>::try_new(8).err(), Some(ClaimError::TooSmall));
    assert_eq!(HostPool::<B>::try_new(0).err(), Some(ClaimError::TooSmall));
    let tiny = HostPool::<B>::new(8);
    assert!(alloc(&*tiny, 1, 1).is_err());

    let hp = host::<B>();
    let mut other = [MaybeUninit::<u8>::uninit(); 64];
    // SAFETY: the pool has a region already, so it must refuse this one
    // without touching it (and nothing else uses `other`).
    let again = unsafe { hp.claim_raw(other.as_mut_ptr().cast(), other.len()) };
    assert_eq!(again, Err(ClaimError::AlreadyClaimed));
}

fn works_under_collections<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    {
        let mut map = hashbrown::HashMap::with_hasher_in(Fnv, pool);
        for i in 0..scaled(200, 40) as u32 {
            map.try_reserve(1).unwrap();
            map.insert(i, i * 3);
        }
        assert_eq!(map.get(&17), Some(&51));
        for i in (0..scaled(200, 40) as u32).step_by(2) {
            assert_eq!(map.remove(&i), Some(i * 3));
        }
        assert!(pool.stats().in_use > 0);
        let mut v: Vec<u64, _> = Vec::new_in(pool);
        for i in 0..scaled(300, 50) as u64 {
            v.try_reserve(1).unwrap();
            v.push_within_capacity(i).unwrap();
        }
        assert!(pool.contains(v.as_ptr().cast()));
        // Until the pool is full: a clean error, the vector intact.
        let mut big: Vec<u8, _> = Vec::new_in(pool);
        assert!(big.try_reserve_exact(SIZE).is_err());
        assert_eq!(v.iter().sum::<u64>(), (0..scaled(300, 50) as u64).sum());
    }
    let s = pool.stats();
    assert_eq!(s.in_use, 0);
    assert_eq!(s.allocations, s.frees);
}

fn measured_matches_pool<B: Backend>() {
    let hp = host::<B>();
    let measured = Measured::new(&*hp);
    {
        let mut v: Vec<u32, _> = Vec::new_in(&measured);
        for i in 0..100 {
            v.try_reserve(1).unwrap();
            v.push_within_capacity(i).unwrap();
        }
        assert_eq!(measured.stats(), hp.stats());
    }
    assert_eq!(measured.stats(), hp.stats());
    assert_eq!(measured.stats().in_use, 0);
}

fn random_workload<B: Backend>(seed: u64) {
    let hp = host::<B>();
    let pool = &*hp;
    let mut rng = Rng::new(seed);
    let mut slots: [Option<(Block, u8)>; 48] = [None; 48];
    let mut in_use = 0usize;
    let mut refusals = 0usize;
    for step in 0..scaled(4000, 300) {
        let i = rng.range(0, slots.len() - 1);
        let tag = step as u8;
        match slots[i] {
            None => {
                let size = rng.range(1, 700);
                let align = 1 << rng.range(0, 6);
                match alloc(pool, size, align) {
                    Ok(block) => {
                        assert_inside(pool, block);
                        assert_eq!(block.ptr.as_ptr() as usize % align, 0);
                        fill(block, tag);
                        in_use += size;
                        slots[i] = Some((block, tag));
                    }
                    Err(_) => refusals += 1,
                }
            }
            Some((block, old_tag)) => {
                check(block, old_tag, block.layout.size());
                let old = block.layout.size();
                match rng.range(0, 2) {
                    0 => {
                        free(pool, block);
                        in_use -= old;
                        slots[i] = None;
                    }
                    1 => match grow(pool, block, old + rng.range(0, 900)) {
                        Ok(new) => {
                            assert_inside(pool, new);
                            check(new, old_tag, old);
                            fill(new, tag);
                            in_use += new.layout.size() - old;
                            slots[i] = Some((new, tag));
                        }
                        Err(_) => {
                            refusals += 1;
                            check(block, old_tag, old);
                        }
                    },
                    _ => match shrink(pool, block, rng.range(1, old)) {
                        Ok(new) => {
                            assert_inside(pool, new);
                            check(new, old_tag, new.layout.size());
                            fill(new, tag);
                            in_use -= old - new.layout.size();
                            slots[i] = Some((new, tag));
                        }
                        Err(_) => {
                            // Only a backend that shrinks by moving may refuse.
                            assert_ne!(B::NAME, "talc", "talc shrinks in place");
                            refusals += 1;
                            check(block, old_tag, old);
                        }
                    },
                }
            }
        }
        let s = pool.stats();
        assert_eq!((s.in_use, s.refusals), (in_use, refusals), "step {step}");
    }
    assert!(
        refusals > 0 || cfg!(miri),
        "the workload reaches exhaustion"
    );
    for (block, tag) in slots.iter().flatten() {
        check(*block, *tag, block.layout.size());
        free(pool, *block);
    }
    assert_eq!(pool.stats().in_use, 0);
    if let (Some(free_now), Some(overhead)) = (pool.backend_free(), pool.overhead()) {
        assert_eq!(free_now + overhead, SIZE);
    }
}

fn shared_between_threads<B: Backend>() {
    let hp = host::<B>();
    let pool = &*hp;
    std::thread::scope(|s| {
        for t in 0..4u8 {
            s.spawn(move || {
                let mut rng = Rng::new(u64::from(t) + 1);
                for _ in 0..scaled(300, 20) {
                    if let Ok(block) = alloc(pool, rng.range(1, 300), 8) {
                        assert_inside(pool, block);
                        fill(block, t);
                        std::thread::yield_now();
                        check(block, t, block.layout.size());
                        free(pool, block);
                    }
                }
            });
        }
    });
    let s = pool.stats();
    assert_eq!((s.in_use, s.allocations), (0, s.frees));
}

macro_rules! pool_tests {
    ($($module:ident: $backend:ty;)*) => {$(
        mod $module {
            type B = $backend;
            #[test] fn allocations_inside_range() { super::allocations_inside_range::<B>() }
            #[test] fn stats_are_counted() { super::stats_are_counted::<B>() }
            #[test] fn exhaustion_refuses_and_recovers() { super::exhaustion_refuses_and_recovers::<B>() }
            #[test] fn grow_and_shrink_keep_contents() { super::grow_and_shrink_keep_contents::<B>() }
            #[test] fn resize_to_and_from_zero_and_realign() { super::resize_to_and_from_zero_and_realign::<B>() }
            #[test] fn alignments_are_honoured() { super::alignments_are_honoured::<B>() }
            #[test] fn unclaimed_and_claim_errors() { super::unclaimed_and_claim_errors::<B>() }
            #[test] fn works_under_collections() { super::works_under_collections::<B>() }
            #[test] fn shared_between_threads() { super::shared_between_threads::<B>() }
            #[test] fn measured_matches_pool() { super::measured_matches_pool::<B>() }
            #[test] fn random_workload_1() { super::random_workload::<B>(1) }
            #[test] fn random_workload_2() { super::random_workload::<B>(0xDEAD_BEEF) }
        }
    )*};
}

pool_tests! {
    talc: ocpp_alloc::Talc;
    linked_list: ocpp_alloc::LinkedList;
}

#[test]
fn backend_names() {
    assert_eq!(<ocpp_alloc::Talc as Backend>::NAME, "talc");
    assert_eq!(
        ocpp_alloc::LinkedListPool::new().backend_name(),
        "linked_list_allocator"
    );
}

#[test]
fn linked_list_reports_overhead() {
    let hp = host::<ocpp_alloc::LinkedList>();
    let free_before = hp.backend_free().unwrap();
    assert!(free_before <= SIZE && free_before > SIZE - 64);
    let block = alloc(&*hp, 1, 1).unwrap();
    // One byte requested, two words reserved.
    assert_eq!(
        hp.overhead().unwrap(),
        SIZE - free_before + 2 * core::mem::size_of::<usize>() - 1
    );
    free(&*hp, block);
}

#[test]
fn talc_reports_overhead_with_counters() {
    let hp = host::<ocpp_alloc::Talc>();
    assert_eq!(hp.backend_free().is_some(), cfg!(feature = "counters"));
    let block = alloc(&*hp, 100, 4).unwrap();
    if let Some(overhead) = hp.overhead() {
        // Bins, tags, rounding: more than nothing, less than a tenth.
        assert!(overhead > 0 && overhead < SIZE / 10, "{overhead}");
        assert_eq!(hp.backend_free().unwrap() + overhead + 100, SIZE);
    }
    free(&*hp, block);
}
