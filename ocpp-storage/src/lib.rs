//! Storage adapters for [`ocpp_engine::Storage`]: where a charge point keeps
//! the records that must survive a power cut.
//!
//! - [`MemoryStorage`]: records in memory, for tests; it can cut the power
//!   at the k-th write, before or after the write lands, or tear the write
//!   in the middle (a medium that breaks the atomicity contract), so that a
//!   suite can prove that nothing is lost at any cut.
//! - [`FileStorage`]: one file per record in a directory, written
//!   atomically (a temporary file, fsync, rename, fsync of the directory);
//!   a torn or corrupt file is caught by the record's checksum and reported
//!   by [`ChargePoint::restore`](ocpp_engine::ChargePoint::restore) as
//!   dropped, never a panic.
//!
//! NOR flash (`embedded-storage` with `sequential-storage`) is the firmware
//! adapter still to come (issue #7).

mod file;
mod memory;

pub use file::FileStorage;
pub use memory::{Cut, Lands, MemoryStorage, PowerCut};
