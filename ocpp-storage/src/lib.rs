//! Storage adapters for [`ocpp_engine::Storage`]: where a charge point keeps
//! the records that must survive a power cut.
//!
//! - [`MemoryStorage`] (feature `std`): records in memory, for tests; it can
//!   cut the power at the k-th write, before or after the write lands, or
//!   tear the write in the middle (a medium that breaks the atomicity
//!   contract), so that a suite can prove that nothing is lost at any cut.
//! - [`FileStorage`] (feature `std`): one file per record in a directory,
//!   written atomically (a temporary file, fsync, rename, fsync of the
//!   directory); a torn or corrupt file is caught by the record's checksum
//!   and reported by
//!   [`ChargePoint::restore`](ocpp_engine::ChargePoint::restore) as
//!   dropped, never a panic.
//! - [`FlashStorage`](flash::FlashStorage) (feature `flash`, `no_std`): NOR
//!   flash through the embedded ecosystem's `embedded-storage` traits, with
//!   `sequential-storage`'s map keeping one item per record (wear levelling,
//!   a CRC per item, the old item valid until the new one is whole).
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "std")]
mod file;
#[cfg(feature = "flash")]
pub mod flash;
#[cfg(feature = "std")]
mod memory;

#[cfg(feature = "std")]
pub use file::FileStorage;
#[cfg(feature = "std")]
pub use memory::{Cut, Lands, MemoryStorage, PowerCut};
