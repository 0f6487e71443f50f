//! Run-time knobs of a charge point, with what each costs.

use ocpp_model::Limits;

use crate::time::Duration;
use crate::tx::meter::MAX_READINGS;

/// How a [`ChargePoint`](crate::ChargePoint) is built.
///
/// The identity strings are validated and copied into the pool by
/// [`ChargePoint::new`](crate::ChargePoint::new); the config itself can live
/// on the stack or in flash.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct Config<'a> {
    /// `chargePointVendor` of BootNotification (CiString20). Pool cost: its length.
    pub vendor: &'a str,
    /// `chargePointModel` of BootNotification (CiString20). Pool cost: its length.
    pub model: &'a str,
    /// `chargePointSerialNumber` (CiString25), if any.
    pub serial_number: Option<&'a str>,
    /// `firmwareVersion` (CiString50), if any.
    pub firmware_version: Option<&'a str>,
    /// Connectors, not counting connector 0 (the charge point as a whole).
    /// Pool cost: one connector record each, plus one for connector 0.
    pub connectors: u8,
    /// How long a CALL of ours may wait for its answer before it counts as
    /// failed, and how long an UnlockConnector's answer waits for the
    /// firmware's outcome (then UnlockFailed). Must not be zero.
    pub call_timeout: Duration,
    /// After a BootNotification or StatusNotification failed (CALLERROR, bad
    /// answer, timeout), how long before it is sent again; also the
    /// BootNotification retry when the central system gave no usable interval.
    /// Other messages are not held up meanwhile. Must not be zero.
    pub retry_interval: Duration,
    /// How many times one StatusNotification is tried before it is dropped
    /// (a later change is reported as usual). At least 1.
    pub status_attempts: u8,
    /// How many Authorize requests the firmware may have pending at once.
    /// Pool cost: one queue slot each (an idTag and its answer) while pending.
    pub max_pending_authorizations: u8,
    /// Places in the transaction message queue, queued and promised
    /// together (each idTag waiting to start, and each running transaction,
    /// holds two: its StartTransaction and its StopTransaction). Pool cost:
    /// 232 bytes a place on x86_64 while used (a StopTransaction carries
    /// two samples of up to [`MAX_READINGS`](crate::MAX_READINGS)
    /// readings), and 200 bytes for each transaction's own state; nothing
    /// when idle.
    pub max_queued_messages: u8,
    /// Clock-aligned samples of StopTxnAlignedData kept for the
    /// StopTransactions of running transactions, all transactions
    /// together (read-only key `StopTxnAlignedDataMaxSamples`). Pool cost
    /// on x86_64: 104 bytes a sample while kept, and 32 for their vector;
    /// nothing when none is. A
    /// sample beyond it is not kept and is counted
    /// ([`QueueStats::stop_aligned_skipped`](crate::QueueStats::stop_aligned_skipped)).
    /// Frame cost: each sample is a `meterValue` in the StopTransaction,
    /// up to 1,346 bytes (8 readings), so the frame buffer given to
    /// [`poll_transmit`](crate::ChargePoint::poll_transmit) must hold them
    /// ([`max_call_len`](crate::max_call_len)); and the record
    /// ([`max_record_len`](crate::storage::max_record_len)).
    pub max_stop_aligned_samples: u8,
    /// Readings the firmware may report for one connector
    /// ([`set_reading`](crate::ChargePoint::set_reading): each measurand
    /// once per phase and location), 1 to
    /// [`MAX_READINGS`](crate::MAX_READINGS); one more is refused with
    /// `TooManyMeasurands`. Pool cost: none (readings are kept inline, 8
    /// places). Frame cost: every `meterValue` of MeterValues and
    /// StopTransaction holds up to this many `sampledValue`s of up to 160
    /// bytes, so it bounds [`max_call_len`](crate::max_call_len): 8,300
    /// bytes with 8 (and 4 StopTxnAlignedData samples), 1,538 with 1.
    pub max_readings: u8,
    /// Entries of the authorization cache, once AuthorizationCacheEnabled is
    /// true (it is false until the firmware, with
    /// [`configure`](crate::ChargePoint::configure), or the central system
    /// sets it). Pool cost: 64 bytes an entry once learned (the cache keeps
    /// what it learned: with it enabled, this is the memory an idle charge
    /// point holds beyond its fixed state); nothing while it is disabled.
    pub max_cache_entries: u8,
    /// Frame size and nesting limits applied to every received frame.
    pub limits: Limits,
}

impl<'a> Config<'a> {
    /// One connector, 30 s call timeout, 30 s retry, 3 attempts per
    /// StatusNotification, 4 pending authorizations, 16 places in the
    /// transaction message queue, 4 StopTxnAlignedData samples, 8 readings
    /// per connector, 8 cache entries, the model's default frame limits.
    pub const fn new(vendor: &'a str, model: &'a str) -> Self {
        Self {
            vendor,
            model,
            serial_number: None,
            firmware_version: None,
            connectors: 1,
            call_timeout: Duration::from_secs(30),
            retry_interval: Duration::from_secs(30),
            status_attempts: 3,
            max_pending_authorizations: 4,
            max_queued_messages: 16,
            max_stop_aligned_samples: 4,
            max_readings: MAX_READINGS as u8,
            max_cache_entries: 8,
            limits: Limits::DEFAULT,
        }
    }

    /// Sets the number of connectors (not counting connector 0).
    pub const fn with_connectors(mut self, connectors: u8) -> Self {
        self.connectors = connectors;
        self
    }

    /// Sets `chargePointSerialNumber`.
    pub const fn with_serial_number(mut self, serial: &'a str) -> Self {
        self.serial_number = Some(serial);
        self
    }

    /// Sets `firmwareVersion`.
    pub const fn with_firmware_version(mut self, version: &'a str) -> Self {
        self.firmware_version = Some(version);
        self
    }

    /// Sets the CALL timeout.
    pub const fn with_call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Sets the wait before a failed BootNotification or StatusNotification goes again.
    pub const fn with_retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// Sets how many times one StatusNotification is tried.
    pub const fn with_status_attempts(mut self, attempts: u8) -> Self {
        self.status_attempts = attempts;
        self
    }

    /// Sets the frame limits.
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets the places of the transaction message queue.
    pub const fn with_max_queued_messages(mut self, n: u8) -> Self {
        self.max_queued_messages = n;
        self
    }

    /// Sets how many StopTxnAlignedData samples are kept (0: none).
    pub const fn with_max_stop_aligned_samples(mut self, n: u8) -> Self {
        self.max_stop_aligned_samples = n;
        self
    }

    /// Sets how many readings the firmware may report for one connector.
    pub const fn with_max_readings(mut self, n: u8) -> Self {
        self.max_readings = n;
        self
    }

    /// Sets the entries of the authorization cache (0: no cache).
    pub const fn with_max_cache_entries(mut self, n: u8) -> Self {
        self.max_cache_entries = n;
        self
    }

    /// Sets how many Authorize requests may be pending at once.
    pub const fn with_max_pending_authorizations(mut self, n: u8) -> Self {
        self.max_pending_authorizations = n;
        self
    }
}
