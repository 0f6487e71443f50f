//! Arena and static_pool!: the firmware setup, without `std` helpers.
//! No `unsafe` here: `static_pool!` must work in `forbid(unsafe_code)` crates.
#![forbid(unsafe_code)]

use allocator_api2::alloc::{Allocator, Layout};
use allocator_api2::vec::Vec;
use ocpp_alloc::{Arena, ClaimError, LinkedListPool, TalcPool};

#[test]
fn arena_is_taken_once() {
    static ARENA: Arena<256> = Arena::new();
    assert!(!ARENA.is_taken());
    assert_eq!(ARENA.len(), 256);
    let region = ARENA.take().expect("first take");
    assert_eq!(region.len(), 256);
    assert_eq!(region.as_ptr() as usize % 8, 0, "aligned to 8");
    assert!(ARENA.take().is_none());
    assert!(ARENA.take().is_none());
    assert!(ARENA.is_taken());
}

#[test]
fn arena_take_races_to_one_winner() {
    static ARENA: Arena<64> = Arena::new();
    let winners: usize = std::thread::scope(|s| {
        let handles: [_; 4] = core::array::from_fn(|_| s.spawn(|| ARENA.take().is_some()));
        handles.map(|h| usize::from(h.join().unwrap())).iter().sum()
    });
    assert_eq!(winners, 1);
}

#[test]
fn firmware_setup_talc() {
    static POOL: TalcPool = TalcPool::new();
    static ARENA: Arena<4096> = Arena::new();
    static OTHER: Arena<4096> = Arena::new();
    POOL.claim(ARENA.take().unwrap()).unwrap();
    assert_eq!(
        POOL.claim(OTHER.take().unwrap()),
        Err(ClaimError::AlreadyClaimed)
    );
    assert_eq!(POOL.capacity(), 4096);
    let mut v: Vec<u16, &TalcPool> = Vec::new_in(&POOL);
    v.try_reserve_exact(100).unwrap();
    assert!(POOL.contains(v.as_ptr().cast()));
    assert_eq!(POOL.stats().in_use, 200);
    drop(v);
    assert_eq!(POOL.stats().in_use, 0);
}

#[test]
fn firmware_setup_linked_list() {
    static POOL: LinkedListPool = LinkedListPool::new();
    static ARENA: Arena<2048> = Arena::new();
    POOL.claim(ARENA.take().unwrap()).unwrap();
    let mut v: Vec<u64, &LinkedListPool> = Vec::new_in(&POOL);
    assert!(v.try_reserve_exact(1000).is_err());
    v.try_reserve_exact(100).unwrap();
    assert!(POOL.contains(v.as_ptr().cast()));
    assert_eq!(POOL.stats().refusals, 1);
}

#[test]
fn too_small_arena_is_refused() {
    static POOL: TalcPool = TalcPool::new();
    static ARENA: Arena<32> = Arena::new();
    assert_eq!(POOL.claim(ARENA.take().unwrap()), Err(ClaimError::TooSmall));
    assert!(!POOL.is_claimed());
    let v: Vec<u8, &TalcPool> = Vec::new_in(&POOL);
    let mut v = v;
    assert!(v.try_reserve(1).is_err());
}

ocpp_alloc::static_pool!(
    /// A talc handle.
    pub TalcHandle: ocpp_alloc::TalcPool, 8 * 1024
);
ocpp_alloc::static_pool!(LlHandle: ocpp_alloc::LinkedListPool, 4096);
ocpp_alloc::static_pool!(TinyHandle: ocpp_alloc::TalcPool, 16);

fn use_handle<A: Allocator + Copy + Default>(contains: impl Fn(*const u8) -> bool) {
    let mut v: Vec<u32, A> = Vec::new_in(A::default());
    v.try_reserve(64).unwrap();
    for i in 0..64 {
        v.push_within_capacity(i).unwrap();
    }
    assert!(contains(v.as_ptr().cast()));
    let mut map = hashbrown::HashMap::with_hasher_in(Fnv, A::default());
    map.try_reserve(10).unwrap();
    map.insert(1u8, 2u8);
    assert_eq!(map.get(&1), Some(&2));
}

#[test]
fn static_pool_handles_work() {
    assert_eq!(core::mem::size_of::<TalcHandle>(), 0);
    assert_eq!(core::mem::size_of::<LlHandle>(), 0);
    use_handle::<TalcHandle>(|p| TalcHandle::pool().contains(p));
    use_handle::<LlHandle>(|p| LlHandle::pool().contains(p));
    assert!(TalcHandle::pool().is_claimed());
    assert_eq!(TalcHandle::pool().capacity(), 8 * 1024);
    assert_eq!(TalcHandle::pool().stats().in_use, 0);
    assert_eq!(LlHandle::pool().stats().in_use, 0);
    assert_eq!(format!("{:?}", TalcHandle), "TalcHandle");
}

#[test]
fn static_pool_too_small_refuses_without_panic() {
    let layout = Layout::new::<u32>();
    assert!(TinyHandle.allocate(layout).is_err());
    assert!(!TinyHandle::pool().is_claimed());
    assert_eq!(TinyHandle::pool().stats().refusals, 1);
}

#[derive(Clone, Copy, Default)]
struct Fnv;
struct FnvHasher(u64);
impl core::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}
impl core::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
