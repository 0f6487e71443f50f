//! A sans-IO OCPP 1.6J charge point whose whole state lives in an allocator
//! the integrator injects.
//!
//! Received frames, hardware inputs and the time go in; frames to send,
//! events for the firmware and the next deadline come out (see
//! [`ChargePoint`] for the loop). The engine never reads a clock, touches a
//! socket or calls back into the firmware.
//!
//! # Guarantees
//! - No panic on any input: frames are untrusted and checked by
//!   [`ocpp_model`] before anything is parsed.
//! - No global heap: every allocation goes through the injected
//!   [`Allocator`](ocpp_model::Allocator), only through fallible calls.
//! - Allocate, then commit: an operation whose allocation is refused returns
//!   an error (or answers the central system with `InternalError`) and
//!   leaves the state exactly as it was; `alloc-tests` proves it for every
//!   allocation of every step.
//!
//! # Limits (this version)
//! Registration, heartbeat, connector status and Authorize. Every other
//! action of the central system is answered `NotSupported` (known) or
//! `NotImplemented` (unknown).
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod answers;
mod authorize;
mod block;
mod charge_point;
mod config;
mod configuration;
mod connectors;
mod data_transfer;
mod error;
mod event;
mod heartbeat;
mod inputs;
mod registration;
mod remote;
mod router;
mod snapshot;
mod time;
mod trigger;
mod tx;

pub use charge_point::ChargePoint;
pub use config::Config;
pub use configuration::{Access, Key, Measurands};
pub use error::{HandleError, InputError, NewError};
pub use event::{CallFailure, Event};
pub use ocpp_model;
pub use registration::BootState;
pub use time::{Duration, Instant};
pub use tx::meter::{Value, MAX_MEASURANDS};
pub use tx::QueueStats;
