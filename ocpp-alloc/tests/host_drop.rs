//! HostPool frees its region on drop: the global heap is back where it was
//! after creating and dropping many pools. Only the test thread's own
//! allocations are counted (the harness allocates on other threads).
//! (Miri also reports any leak by itself.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use allocator_api2::vec::Vec;
use ocpp_alloc::{Backend, HostPool, LinkedList, Talc};

struct Counting;
thread_local! {
    /// Bytes this thread holds from the global heap (no allocation inside).
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn live() -> isize {
    LIVE.with(Cell::get)
}

// SAFETY: forwards to `System`, only counting bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.with(|l| l.set(l.get() + layout.size() as isize));
        // SAFETY: the caller's guarantees, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.with(|l| l.set(l.get() - layout.size() as isize));
        // SAFETY: the caller's guarantees, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn cycle<B: Backend>(rounds: usize) {
    for i in 0..rounds {
        let pool = HostPool::<B>::new(8 * 1024 + i);
        let mut v: Vec<u64, _> = Vec::new_in(&*pool);
        v.try_reserve(50).unwrap();
        for j in 0..50 {
            v.push_within_capacity(j).unwrap();
        }
        assert!(pool.contains(v.as_ptr().cast()));
        // `v` and then `pool` drop here.
    }
}

#[test]
fn host_pools_do_not_leak() {
    let rounds = if cfg!(miri) { 5 } else { 500 };
    cycle::<Talc>(1); // warm up lazily allocated std state
    let before = live();
    cycle::<Talc>(rounds);
    cycle::<LinkedList>(rounds);
    let during = {
        let _pool = HostPool::<Talc>::new(64 * 1024);
        live()
    };
    assert!(
        during - before >= 64 * 1024,
        "the region comes from the host heap"
    );
    assert_eq!(live(), before);
}
