//! The fuzz targets' logic, in a library so that the targets stay one line
//! and the same code can run over the committed corpus in a plain test.
//!
//! - [`codec`]: any bytes through our frame parser and the matching message
//!   decoder, differential against serde_json + the official schemas (the
//!   oracle of `ocpp-model/tests/common`, shared, not copied).
//! - [`round_trip`]: a typed message of every Core action, both ways, from
//!   `arbitrary`: it encodes, validates against its schema and decodes back
//!   equal, or is refused by the bound it is over; no global heap, no leak.
//! - [`charge_point`]: the whole charge point, stateful, with allocation
//!   refusals and power cuts, and its invariants after every step.
#![forbid(unsafe_code)]
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

/// The codec tests' oracle and generators, compiled here as they are.
#[allow(unused_imports, clippy::should_implement_trait)]
#[path = "../../ocpp-model/tests/common/mod.rs"]
pub mod common;

pub mod charge_point;
pub mod codec;
pub mod cursor;
pub mod round_trip;
