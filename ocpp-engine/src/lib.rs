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
//! # How it is built
//! One module per functional block, each with private state and the same
//! small surface (see `block.rs`): registration, heartbeat and clock,
//! connector status, authorization and its cache, transactions with their
//! message queue and metering, configuration, data transfer; remote control
//! and TriggerMessage coordinate blocks through their methods. The router
//! (`router.rs`) hands each input to its block and each answer to the block
//! whose CALL it answers. Adding an operation costs one table row in
//! `ocpp_model` and one handler in its block.
//!
//! # What it does (OCPP 1.6J Core profile)
//! Registration (BootNotification first; nothing else before Accepted;
//! a Rejected registration's CALLs unanswered), heartbeat, StatusNotification
//! of every change (MinimumStatusDuration), Authorize with an authorization
//! cache (AuthorizationCacheEnabled, off until set; LocalPreAuthorize,
//! LocalAuthorizeOffline, AllowOfflineTxForUnknownId), transactions per
//! connector (plug-in or idTag
//! first, ConnectionTimeOut, stop by the same idTag or its parent, EV side
//! disconnect, the firmware's reasons, a start not Accepted), meter values
//! (MeterValuesSampledData every MeterValueSampleInterval, clock-aligned
//! MeterValuesAlignedData, StopTxnSampledData at start and end,
//! StopTxnAlignedData in between), a bounded
//! transaction message queue (in order, offline, retried per
//! TransactionMessageAttempts and TransactionMessageRetryInterval, the
//! transactionId filled in once known, a StopTransaction never lost for lack
//! of memory), GetConfiguration and ChangeConfiguration of every Core key and
//! of the firmware's own keys, RemoteStart/StopTransaction, Reset,
//! UnlockConnector, ChangeAvailability, ClearCache, TriggerMessage, and
//! extensions: DataTransfer through the vendors the firmware registers,
//! actions the core does not implement that the firmware registers, and the
//! firmware's own CALLs.
//!
//! # Persistence
//! With a [`Storage`] ([`ChargePoint::restore`]), four records survive a
//! power cut: the configuration, the availability of each connector, the
//! authorization cache and the transactions with their message queue. Each
//! is written only when its content changed, and before anything that
//! depends on it is sent (see [`storage`]).
//!
//! # Limits (this version)
//! - At most [`Config::max_readings`] readings per connector
//!   ([`MAX_READINGS`], 8, at most; each measurand per phase and
//!   location), and [`MAX_MEASURANDS`] measurands in each of
//!   MeterValuesSampledData and its siblings; at most
//!   [`Config::max_stop_aligned_samples`] StopTxnAlignedData samples kept
//!   for StopTransactions (the first ones of each transaction). Both
//!   bound the longest CALL, [`max_call_len`]: the transmit buffer a
//!   firmware must give [`ChargePoint::poll_transmit`].
//! - A RemoteStartTransaction's chargingProfile is decoded and validated
//!   (only a TxProfile is accepted) but not applied: smart charging is
//!   another profile.
//! - The other profiles (local list, reservation, smart charging, firmware,
//!   diagnostics, security) answer NotSupported.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod answers;
mod authorize;
mod block;
mod call_len;
mod charge_point;
mod config;
mod configuration;
mod connectors;
mod data_transfer;
mod error;
mod event;
mod heartbeat;
mod inputs;
mod persist;
mod registration;
mod remote;
mod router;
mod snapshot;
mod stack_str;
pub mod storage;
mod time;
mod trigger;
mod tx;
mod watched;

pub use call_len::max_call_len;
pub use charge_point::{ChargePoint, MIN_TRANSMIT_LEN};
pub use config::Config;
pub use configuration::{Access, Key, Measurands, GET_CONFIGURATION_ALL_LEN};
pub use error::{HandleError, InputError, NewError};
pub use event::{CallFailure, Event};
pub use ocpp_model;
pub use registration::BootState;
pub use storage::{NoStorage, Record, RecordKey, RestoreError, Restored, Storage};
pub use time::{Duration, Instant};
pub use tx::meter::{MeterReading, Value, MAX_MEASURANDS, MAX_READINGS};
pub use tx::QueueStats;
