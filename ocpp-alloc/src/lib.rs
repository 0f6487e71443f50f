#![no_std]
#![doc = include_str!("../README.md")]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

#[cfg(any(test, feature = "std"))]
extern crate std;

mod arena;
mod backend;
#[cfg(feature = "std")]
mod counting;
#[cfg(feature = "std")]
mod host;
mod inject;
mod measured;
mod no_global;
mod pool;
mod stats;

pub use arena::Arena;
pub use backend::{Backend, LinkedList, Talc};
#[cfg(feature = "std")]
pub use counting::CountingGlobal;
#[cfg(feature = "std")]
pub use host::HostPool;
pub use inject::{FailureInjector, FailurePlan};
pub use measured::Measured;
pub use no_global::NoGlobalHeap;
pub use pool::{LinkedListPool, Pool, TalcPool};
pub use stats::{ClaimError, Stats};

/// Re-exports for [`static_pool!`]; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::arena::lazy_claim;
    pub use allocator_api2::alloc::{AllocError, Allocator, Layout};
}
