//! [`FailureInjector`]: refuses chosen allocation attempts of any allocator.

use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator};
use critical_section::Mutex;

/// Which allocation attempts a [`FailureInjector`] refuses.
///
/// Attempts are numbered from 1, counting every `allocate`, `grow` and
/// `shrink` (of any size) since the last [`FailureInjector::set_plan`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FailurePlan {
    /// Refuse nothing.
    #[default]
    Never,
    /// Refuse attempt `n` only (a one-shot failure). `Nth(0)` refuses nothing.
    Nth(usize),
    /// Refuse attempt `n` and every later one (a persistent failure).
    /// `From(0)` and `From(1)` refuse everything.
    From(usize),
    /// Refuse each attempt with probability `per_million / 1_000_000`, drawn
    /// from a SplitMix64 generator seeded with `seed`: the same seed gives
    /// the same refusals for the same sequence of attempts.
    Random {
        /// The generator's seed.
        seed: u64,
        /// Refusals per million attempts; `>= 1_000_000` refuses everything.
        per_million: u32,
    },
}

#[derive(Clone, Copy)]
struct InjectState {
    plan: FailurePlan,
    attempts: usize,
    refusals: usize,
    rng: u64,
}

/// One step of SplitMix64.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl InjectState {
    const fn new(plan: FailurePlan) -> Self {
        let rng = match plan {
            FailurePlan::Random { seed, .. } => seed,
            _ => 0,
        };
        InjectState {
            plan,
            attempts: 0,
            refusals: 0,
            rng,
        }
    }

    /// Counts one attempt and decides whether to refuse it.
    fn attempt(&mut self) -> bool {
        self.attempts = self.attempts.saturating_add(1);
        let n = self.attempts;
        let refuse = match self.plan {
            FailurePlan::Never => false,
            FailurePlan::Nth(k) => n == k,
            FailurePlan::From(k) => n >= k,
            FailurePlan::Random { per_million, .. } => {
                let draw = splitmix64(&mut self.rng) % 1_000_000;
                draw < u64::from(per_million)
            }
        };
        if refuse {
            self.refusals = self.refusals.saturating_add(1);
        }
        refuse
    }
}

/// Wraps any allocator `A` and refuses the attempts its [`FailurePlan`] picks.
///
/// `allocate`, `grow` and `shrink` are attempts; a refused one returns
/// `AllocError` without calling `A` (so a refused grow or shrink leaves the
/// old block as it was). `deallocate` is never refused. Deterministic: the
/// same plan over the same sequence of attempts refuses the same ones.
///
/// Allocation is through `&FailureInjector<A>`, which is `Copy`; the state is
/// a `critical_section::Mutex<Cell<..>>`, so it is `Sync` when `A` is.
///
/// ```
/// use allocator_api2::vec::Vec;
/// use ocpp_alloc::{Arena, FailureInjector, FailurePlan, TalcPool};
///
/// static POOL: TalcPool = TalcPool::new();
/// static ARENA: Arena<4096> = Arena::new();
/// POOL.claim(ARENA.take().unwrap()).unwrap();
///
/// let inject = FailureInjector::new(&POOL);
/// inject.set_plan(FailurePlan::Nth(2));
/// let mut v: Vec<u8, _> = Vec::new_in(&inject);
/// assert!(v.try_reserve_exact(4).is_ok()); // attempt 1
/// assert!(v.try_reserve_exact(8).is_err()); // attempt 2: refused, v intact
/// assert_eq!(v.capacity(), 4);
/// assert!(v.try_reserve_exact(8).is_ok()); // attempt 3
/// assert_eq!((inject.attempts(), inject.refusals()), (3, 1));
/// ```
pub struct FailureInjector<A> {
    inner: A,
    state: Mutex<Cell<InjectState>>,
}

impl<A> FailureInjector<A> {
    /// Wraps `inner` with [`FailurePlan::Never`].
    pub const fn new(inner: A) -> Self {
        FailureInjector {
            inner,
            state: Mutex::new(Cell::new(InjectState::new(FailurePlan::Never))),
        }
    }

    /// Switches to `plan`, and sets the attempt and refusal counters (and
    /// the random generator) back to their start.
    pub fn set_plan(&self, plan: FailurePlan) {
        critical_section::with(|cs| self.state.borrow(cs).set(InjectState::new(plan)));
    }

    /// The current plan.
    pub fn plan(&self) -> FailurePlan {
        self.get().plan
    }

    /// Attempts (allocate, grow, shrink) since the last `set_plan`.
    pub fn attempts(&self) -> usize {
        self.get().attempts
    }

    /// Attempts this wrapper refused since the last `set_plan` (refusals of
    /// the inner allocator are not counted here).
    pub fn refusals(&self) -> usize {
        self.get().refusals
    }

    /// The wrapped allocator.
    pub const fn inner(&self) -> &A {
        &self.inner
    }

    fn get(&self) -> InjectState {
        critical_section::with(|cs| self.state.borrow(cs).get())
    }

    /// Counts an attempt; `Err` if the plan refuses it.
    fn attempt(&self) -> Result<(), AllocError> {
        let refuse = critical_section::with(|cs| {
            let cell = self.state.borrow(cs);
            let mut state = cell.get();
            let refuse = state.attempt();
            cell.set(state);
            refuse
        });
        if refuse {
            Err(AllocError)
        } else {
            Ok(())
        }
    }
}

impl<A: fmt::Debug> fmt::Debug for FailureInjector<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.get();
        f.debug_struct("FailureInjector")
            .field("inner", &self.inner)
            .field("plan", &state.plan)
            .field("attempts", &state.attempts)
            .field("refusals", &state.refusals)
            .finish()
    }
}

// SAFETY: every block comes from, and goes back to, `inner` unchanged; a
// refusal happens before `inner` is called, so the old block of a refused
// grow or shrink is untouched.
unsafe impl<A: Allocator> Allocator for &FailureInjector<A> {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        self.attempt()?;
        self.inner.allocate(layout)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's guarantees hold for `inner`, which made the block.
        unsafe { self.inner.deallocate(ptr, layout) }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        self.attempt()?;
        // SAFETY: the caller's guarantees hold for `inner`, which made the block.
        unsafe { self.inner.grow(ptr, old, new) }
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        self.attempt()?;
        // SAFETY: the caller's guarantees hold for `inner`, which made the block.
        unsafe { self.inner.shrink(ptr, old, new) }
    }
}
