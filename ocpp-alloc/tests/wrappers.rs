//! Measured and FailureInjector, over pools and over each other.

mod common;

use allocator_api2::alloc::Allocator;
use allocator_api2::vec::Vec;
use common::{alloc, check, fill, free, grow, scaled, shrink};
use ocpp_alloc::{
    Arena, FailureInjector, FailurePlan, HostPool, LinkedListPool, Measured, Pool, Talc, TalcPool,
};

fn host() -> HostPool<Talc> {
    HostPool::new(16 * 1024)
}

fn assert_copy_allocator<A: Allocator + Copy>(_: A) {}
fn assert_sync<T: Sync>() {}

#[test]
fn wrappers_stack_and_are_sync() {
    let hp = host();
    let measured = Measured::new(&*hp);
    let inject = FailureInjector::new(&measured);
    assert_copy_allocator(&*hp);
    assert_copy_allocator(&measured);
    assert_copy_allocator(&inject);
    let top = Measured::with_cap(&inject, 1000);
    assert_copy_allocator(&top);
    assert_sync::<TalcPool>();
    assert_sync::<LinkedListPool>();
    assert_sync::<Measured<&TalcPool>>();
    assert_sync::<FailureInjector<&Measured<&TalcPool>>>();
    assert_sync::<Arena<64>>();
    assert_sync::<HostPool<Talc>>();
    let block = alloc(&top, 100, 8).unwrap();
    assert!(hp.contains(block.ptr.as_ptr()));
    assert_eq!(top.stats().in_use, 100);
    assert_eq!(measured.stats().in_use, 100);
    assert_eq!(inject.attempts(), 1);
    assert_eq!(top.inner().inner().inner().stats().in_use, 100);
    free(&top, block);
    assert_eq!(hp.stats().in_use, 0);
}

#[test]
fn measured_counts_and_resets_peak() {
    let hp = host();
    let m = Measured::new(&*hp);
    let a = alloc(&m, 10, 1).unwrap();
    let b = alloc(&m, 20, 4).unwrap();
    let z = alloc(&m, 0, 8).unwrap();
    free(&m, a);
    let s = m.stats();
    assert_eq!(
        (s.in_use, s.peak, s.allocations, s.frees, s.refusals),
        (20, 30, 2, 1, 0)
    );
    m.reset_peak();
    assert_eq!(m.stats().peak, 20);
    let b = grow(&m, b, 50).unwrap();
    let b = shrink(&m, b, 5).unwrap();
    assert_eq!((m.stats().in_use, m.stats().peak), (5, 50));
    assert!(alloc(&m, 1 << 20, 1).is_err(), "the pool refuses");
    assert_eq!(m.stats().refusals, 1);
    free(&m, b);
    free(&m, z);
    assert_eq!(m.stats().in_use, 0);
    assert_eq!(m.stats().frees, 2);
}

#[test]
fn measured_cap_refuses_past_the_cap() {
    let hp = host();
    let m = Measured::with_cap(&*hp, 100);
    assert_eq!(m.cap(), 100);
    let a = alloc(&m, 60, 1).unwrap();
    assert!(alloc(&m, 41, 1).is_err());
    assert_eq!(m.stats().refusals, 1);
    assert_eq!(
        hp.stats().refusals,
        0,
        "the cap refuses before the pool is asked"
    );
    let b = alloc(&m, 40, 1).unwrap(); // exactly at the cap
    assert_eq!(m.stats().in_use, 100);
    // A grow past the cap is refused, the old block stays valid.
    fill(a, 9);
    assert!(grow(&m, a, 61).is_err());
    assert_eq!(m.stats().refusals, 2);
    check(a, 9, 60);
    // Shrinking makes room for growing another.
    let a = shrink(&m, a, 30).unwrap();
    let b = grow(&m, b, 70).unwrap();
    assert_eq!(m.stats().in_use, 100);
    free(&m, a);
    free(&m, b);
    assert_eq!(m.stats().in_use, 0);
    // Zero-sized requests fit any cap.
    let z = Measured::with_cap(&*hp, 0);
    assert!(alloc(&z, 0, 1).is_ok());
    assert!(alloc(&z, 1, 1).is_err());
}

#[test]
fn measured_cap_under_a_vec() {
    let hp = host();
    let m = Measured::with_cap(&*hp, 256);
    let mut v: Vec<u8, _> = Vec::new_in(&m);
    assert!(v.try_reserve_exact(200).is_ok());
    assert!(v.try_reserve_exact(300).is_err());
    assert_eq!(v.capacity(), 200);
    drop(v);
    assert_eq!(m.stats().in_use, 0);
}

/// Runs `count` zero-sized attempts and records which were refused.
fn pattern(inject: &FailureInjector<&Pool<Talc>>, count: usize, out: &mut [bool]) {
    for slot in out.iter_mut().take(count) {
        *slot = alloc(inject, 0, 1).is_err();
    }
}

#[test]
fn nth_refuses_exactly_once_at_n() {
    let hp = host();
    let inject = FailureInjector::new(&*hp);
    for n in 1..=6 {
        inject.set_plan(FailurePlan::Nth(n));
        assert_eq!((inject.attempts(), inject.refusals()), (0, 0));
        let mut refused = [false; 8];
        pattern(&inject, 8, &mut refused);
        for (i, r) in refused.iter().enumerate() {
            assert_eq!(*r, i + 1 == n, "Nth({n}) at attempt {}", i + 1);
        }
        assert_eq!((inject.attempts(), inject.refusals()), (8, 1));
        assert_eq!(inject.plan(), FailurePlan::Nth(n));
    }
    inject.set_plan(FailurePlan::Nth(0));
    let mut refused = [false; 8];
    pattern(&inject, 8, &mut refused);
    assert_eq!(refused, [false; 8]);
}

#[test]
fn from_refuses_n_and_after() {
    let hp = host();
    let inject = FailureInjector::new(&*hp);
    for n in 1..=6 {
        inject.set_plan(FailurePlan::From(n));
        let mut refused = [false; 8];
        pattern(&inject, 8, &mut refused);
        for (i, r) in refused.iter().enumerate() {
            assert_eq!(*r, i + 1 >= n, "From({n}) at attempt {}", i + 1);
        }
        assert_eq!(inject.refusals(), 9 - n);
    }
    inject.set_plan(FailurePlan::Never);
    let mut refused = [true; 8];
    pattern(&inject, 8, &mut refused);
    assert_eq!(refused, [false; 8]);
}

#[test]
fn random_is_deterministic_and_near_the_rate() {
    let hp = host();
    let inject = FailureInjector::new(&*hp);
    const N: usize = 4000;
    let count = scaled(N, 1000);
    let mut first = [false; N];
    let mut second = [false; N];
    let plan = FailurePlan::Random {
        seed: 42,
        per_million: 100_000,
    };
    inject.set_plan(plan);
    pattern(&inject, count, &mut first);
    let refused = inject.refusals();
    inject.set_plan(plan);
    pattern(&inject, count, &mut second);
    assert_eq!(first, second, "same seed, same refusals");
    assert_eq!(inject.refusals(), refused);
    let expected = count / 10;
    assert!(
        refused > expected * 7 / 10 && refused < expected * 13 / 10,
        "{refused} refusals in {count} attempts at 10%"
    );
    inject.set_plan(FailurePlan::Random {
        seed: 43,
        per_million: 100_000,
    });
    pattern(&inject, count, &mut second);
    assert_ne!(first, second, "another seed, other refusals");
    inject.set_plan(FailurePlan::Random {
        seed: 1,
        per_million: 0,
    });
    pattern(&inject, 100, &mut second);
    assert_eq!(inject.refusals(), 0);
    inject.set_plan(FailurePlan::Random {
        seed: 1,
        per_million: 1_000_000,
    });
    pattern(&inject, 100, &mut second);
    assert_eq!(inject.refusals(), 100);
}

#[test]
fn deallocate_is_never_refused() {
    let hp = host();
    let inject = FailureInjector::new(&*hp);
    let a = alloc(&inject, 100, 8).unwrap();
    let b = alloc(&inject, 200, 8).unwrap();
    inject.set_plan(FailurePlan::From(1));
    assert!(alloc(&inject, 8, 8).is_err());
    free(&inject, a);
    free(&inject, b);
    assert_eq!(inject.attempts(), 1, "deallocate is not an attempt");
    let s = hp.stats();
    assert_eq!((s.in_use, s.frees), (0, 2));
}

#[test]
fn refused_grow_and_shrink_keep_the_old_block() {
    let hp = host();
    let inject = FailureInjector::new(&*hp);
    let a = alloc(&inject, 64, 16).unwrap();
    fill(a, 77);
    inject.set_plan(FailurePlan::From(1));
    assert!(grow(&inject, a, 4000).is_err());
    check(a, 77, 64);
    assert!(shrink(&inject, a, 8).is_err());
    check(a, 77, 64);
    assert_eq!((inject.attempts(), inject.refusals()), (2, 2));
    assert_eq!(hp.stats().in_use, 64);
    inject.set_plan(FailurePlan::Never);
    let a = grow(&inject, a, 4000).unwrap();
    check(a, 77, 64);
    free(&inject, a);
    assert_eq!(hp.stats().in_use, 0);
}

#[test]
fn every_failure_point_of_a_workload() {
    // The alloc-tests method in miniature: fail attempt 1, 2, ... until the
    // workload runs clean; each time, nothing leaks and nothing panics.
    fn workload<A: Allocator + Copy>(a: A) -> Result<usize, ()> {
        let mut v: Vec<u32, A> = Vec::new_in(a);
        for i in 0..40 {
            v.try_reserve(1).map_err(|_| ())?;
            v.push_within_capacity(i).map_err(|_| ())?;
        }
        let mut map = hashbrown::HashMap::with_hasher_in(common::Fnv, a);
        for i in 0..20u32 {
            map.try_reserve(1).map_err(|_| ())?;
            map.insert(i, i);
        }
        Ok(v.len() + map.len())
    }
    let hp = host();
    let inject = FailureInjector::new(&*hp);
    for persistent in [false, true] {
        let mut n = 1;
        loop {
            inject.set_plan(if persistent {
                FailurePlan::From(n)
            } else {
                FailurePlan::Nth(n)
            });
            let result = workload(&inject);
            assert_eq!(hp.stats().in_use, 0, "leak with failure at {n}");
            if inject.refusals() == 0 {
                assert_eq!(result, Ok(60));
                break;
            }
            assert_eq!(result, Err(()));
            n += 1;
        }
        assert!(n > 5, "the workload allocates more than 5 times");
    }
}
