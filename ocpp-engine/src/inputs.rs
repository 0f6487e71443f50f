//! The firmware's inputs: what the hardware saw and what the driver did.
//! Each returns `Err` without any effect when it cannot be taken in.

use crate::storage::Storage;
use ocpp_model::{Allocator, ChargePointErrorCode, IdToken, Measurand, Reason};

use crate::error::InputError;
use crate::time::Instant;
use crate::tx::meter::{MeterReading, Value};
use crate::ChargePoint;

impl<A: Allocator + Clone, S: Storage> ChargePoint<A, S> {
    /// A cable was plugged into `connector`: Preparing, or the transaction
    /// of an idTag presented before starts.
    pub fn plug_in(&mut self, now: Instant, connector: u8) -> Result<(), InputError> {
        self.with_tx(now, |cx, tx| tx.plug(cx, connector))
    }

    /// The cable of `connector` was unplugged (from the socket, or a fixed
    /// cable from the EV): a running transaction stops with `EVDisconnected`
    /// (StopTransactionOnEVSideDisconnect), and the connector is free.
    pub fn unplug(&mut self, now: Instant, connector: u8) -> Result<(), InputError> {
        self.with_tx(now, |cx, tx| tx.unplug(cx, connector))
    }

    /// The cable of `connector` was unplugged at the EV side but is still
    /// in the socket: a running transaction stops with `EVDisconnected`
    /// (StopTransactionOnEVSideDisconnect) and the connector is Finishing
    /// until [`unplug`](Self::unplug). (A charger with a fixed cable calls
    /// `unplug` alone.)
    pub fn unplug_ev(&mut self, now: Instant, connector: u8) -> Result<(), InputError> {
        self.with_tx(now, |cx, tx| tx.unplug_ev(cx, connector))
    }

    /// An idTag was presented at `connector` (a card on the reader).
    ///
    /// With no transaction: it is authorized (the cache with
    /// LocalPreAuthorize, or offline with LocalAuthorizeOffline or
    /// AllowOfflineTxForUnknownId; otherwise Authorize.req), and the
    /// transaction starts once a cable is plugged (within ConnectionTimeOut).
    /// During a transaction: the same idTag, or one with the same parent,
    /// stops it (`Local`). The outcome comes as events: [`Event::Energy`],
    /// or [`Event::IdTagRefused`] / [`Event::IdTagUnverified`].
    ///
    /// `Err(Busy)` while the connector is already waiting for a verdict;
    /// `Err(QueueFull)` or `Err(OutOfMemory)` when the two places the
    /// transaction's messages need cannot be had.
    ///
    /// [`Event::Energy`]: crate::Event::Energy
    /// [`Event::IdTagRefused`]: crate::Event::IdTagRefused
    /// [`Event::IdTagUnverified`]: crate::Event::IdTagUnverified
    pub fn present_id_tag(
        &mut self,
        now: Instant,
        connector: u8,
        id_tag: &str,
    ) -> Result<(), InputError> {
        let id_tag = parse_id_tag(id_tag)?;
        let s = &mut *self.state;
        let (cx, b, _) = s.split(now);
        let cached = b.authorize.cached(&cx, &id_tag);
        // The cache decides at once where the configuration lets it: online
        // only for a valid Accepted entry (LocalPreAuthorize; anything else
        // is asked again), offline for any entry (LocalAuthorizeOffline).
        let config = cx.config;
        let running = b.tx.transaction(connector).is_some();
        if !running && !b.connectors.is_operative(connector) {
            return Err(InputError::Unavailable);
        }
        let known = cached.filter(|info| {
            running
                || if cx.online {
                    config.local_pre_authorize && crate::tx::is_valid(&cx, info)
                } else {
                    config.local_authorize_offline
                }
        });
        b.tx.present(&cx, connector, id_tag, known)?;
        s.sync_statuses(now);
        Ok(())
    }

    /// The firmware stops the transaction of `connector` for `reason`
    /// (`EmergencyStop`, `PowerLoss`, `Other`, ...). `Err(NoTransaction)`
    /// when none runs.
    pub fn stop_transaction(
        &mut self,
        now: Instant,
        connector: u8,
        reason: Reason,
    ) -> Result<(), InputError> {
        self.with_tx(now, |cx, tx| tx.stop_for(cx, connector, reason))
    }

    /// A meter reading of `connector` (Energy.Active.Import.Register in Wh,
    /// Power.Active.Import in W, ...), of no particular phase, at the
    /// outlet: [`set_reading`](Self::set_reading) with
    /// [`MeterReading::new`].
    pub fn set_meter(
        &mut self,
        now: Instant,
        connector: u8,
        measurand: Measurand,
        value: Value,
    ) -> Result<(), InputError> {
        self.set_reading(now, connector, MeterReading::new(measurand, value))
    }

    /// A meter reading of `connector`, on a phase and at a location when
    /// the meter says ([`MeterReading::on`], [`MeterReading::at`]). The
    /// engine keeps the latest value of each measurand per phase and
    /// location, up to [`Config::max_readings`](crate::Config::max_readings) of them
    /// (`Err(TooManyMeasurands)` beyond), and samples every phase and
    /// location of the measurands MeterValuesSampledData (and its
    /// siblings) ask for. Never allocates.
    pub fn set_reading(
        &mut self,
        _now: Instant,
        connector: u8,
        reading: MeterReading,
    ) -> Result<(), InputError> {
        // The latest readings are in no record (a sample of them is, when
        // one is taken): the transactions record is not measured again.
        self.state.quietly(|s| {
            let max = s.settings.max_readings;
            s.blocks.tx.meter(connector, reading, max)
        })
    }

    /// The EV stopped taking energy although it is offered (`true`:
    /// SuspendedEV), or takes it again.
    pub fn set_ev_suspended(
        &mut self,
        now: Instant,
        connector: u8,
        suspended: bool,
    ) -> Result<(), InputError> {
        self.with_tx(now, |_, tx| tx.ev_suspended(connector, suspended))
    }

    /// `connector` (0: the charge point as a whole) is in fault with `code`
    /// (Faulted), or (`None`) the fault is cleared. Never allocates.
    pub fn set_fault(
        &mut self,
        now: Instant,
        connector: u8,
        fault: Option<ChargePointErrorCode>,
    ) -> Result<(), InputError> {
        let s = &mut *self.state;
        let stamp = s.stamp(now);
        s.blocks.connectors.set_fault(connector, fault, stamp)
    }

    /// Firmware request: ask the central system about an idTag (outside of
    /// a transaction). The answer comes as [`Event::Authorized`] or
    /// [`Event::AuthorizeFailed`], and goes into the authorization cache. A
    /// request still unsent a call timeout after it was made, while offline
    /// or not registered, fails with `Timeout`.
    ///
    /// [`Event::Authorized`]: crate::Event::Authorized
    /// [`Event::AuthorizeFailed`]: crate::Event::AuthorizeFailed
    pub fn authorize(&mut self, now: Instant, id_tag: &str) -> Result<(), InputError> {
        let id_tag = parse_id_tag(id_tag)?;
        let deadline = now + self.state.settings.call_timeout;
        self.state.blocks.authorize.push(id_tag, deadline)
    }

    /// The firmware's outcome of an UnlockConnector ([`Event::Unlock`]):
    /// the answer to the central system goes out with it, to every
    /// UnlockConnector of `connector` that waits (several taken in before
    /// the events were polled give one event). `false` when none waits:
    /// an earlier outcome answered them, or this one came later than
    /// [`Config::call_timeout`](crate::Config::call_timeout) after the
    /// UnlockConnector (the answer was UnlockFailed).
    ///
    /// [`Event::Unlock`]: crate::Event::Unlock
    pub fn unlock_result(&mut self, connector: u8, status: ocpp_model::UnlockStatus) -> bool {
        self.state.answers.resolve_unlock(connector, status)
    }

    /// How the transaction message queue stands.
    pub fn queue(&self) -> crate::QueueStats {
        self.state.blocks.tx.queue_stats()
    }

    /// The transaction running on `connector`: `Some(Some(id))` once the
    /// central system gave its id, `Some(None)` before.
    pub fn transaction(&self, connector: u8) -> Option<Option<i32>> {
        self.state.blocks.tx.transaction(connector)
    }

    /// Sets a configuration key, as ChangeConfiguration would (the
    /// firmware's initial configuration, a local menu): `Err(UnknownKey)`,
    /// `Err(ReadOnly)` or `Err(InvalidValue)` change nothing.
    pub fn configure(&mut self, now: Instant, key: &str, value: &str) -> Result<(), InputError> {
        let s = &mut *self.state;
        let changed = s.config.configure(key, value)?;
        if changed == Some(crate::Key::ClockAlignedDataInterval) {
            let (cx, b, _) = s.split(now);
            b.tx.restart_aligned(&cx);
        }
        if changed == Some(crate::Key::HeartbeatInterval) && s.blocks.registration.is_accepted() {
            let interval = s.config.values().heartbeat_interval;
            s.blocks.heartbeat.start(now, interval.get());
        }
        Ok(())
    }

    /// Adds a configuration key of the firmware's own, shown by
    /// GetConfiguration and set by ChangeConfiguration when `validate`
    /// accepts the value ([`Event::ConfigurationChanged`] follows). Pool
    /// cost: the value's length, plus a slot of about 40 bytes.
    ///
    /// With storage, a writable key's value is kept, and the value stored
    /// before a reboot wins over `value` here: add the firmware's keys right
    /// after [`restore`](Self::restore), before the configuration changes.
    ///
    /// [`Event::ConfigurationChanged`]: crate::Event::ConfigurationChanged
    pub fn add_configuration_key(
        &mut self,
        name: &'static str,
        value: &str,
        access: crate::Access,
        validate: fn(&str) -> bool,
    ) -> Result<(), InputError> {
        self.with_stored_configuration(name, |state, stored| {
            state.config.add(name, value, access, validate, stored)
        })
    }

    /// Writes the value of configuration key `key` as GetConfiguration
    /// shows it; `false` for an unknown or write-only key.
    pub fn read_configuration(&self, key: &str, w: &mut impl core::fmt::Write) -> bool {
        self.state.config.read(key, w)
    }

    /// `AuthorizationKey`, the HTTP Basic password of security profiles 1
    /// and 2, once set.
    pub fn authorization_key(&self) -> Option<&str> {
        self.state.config.authorization_key()
    }

    /// The firmware handles CALLs of `action`, an action the core does not
    /// implement (a vendor's custom operation): they come as
    /// [`Event::IncomingCall`] instead of a `NotImplemented` CALLERROR. At
    /// most 8.
    ///
    /// [`Event::IncomingCall`]: crate::Event::IncomingCall
    pub fn register_action(&mut self, action: &'static str) -> Result<(), InputError> {
        self.state.blocks.data_transfer.register(action, false)
    }

    /// The firmware handles DataTransfers of `vendor_id`: they come as
    /// [`Event::IncomingCall`] instead of `UnknownVendorId`. At most 8.
    ///
    /// [`Event::IncomingCall`]: crate::Event::IncomingCall
    pub fn register_vendor(&mut self, vendor_id: &'static str) -> Result<(), InputError> {
        self.state.blocks.data_transfer.register(vendor_id, true)
    }

    /// The CALL waiting for the firmware's answer: its action and payload
    /// (a JSON object).
    pub fn incoming_call(&self) -> Option<(&'static str, &str)> {
        self.state.blocks.data_transfer.incoming()
    }

    /// Answers the waiting CALL with `payload`, a JSON object (for a
    /// DataTransfer, a valid DataTransfer.conf: `{"status":"Accepted",...}`).
    /// `Err(InvalidValue)` when it is not; `Err(NoCall)` when nothing waits;
    /// `Err(OutOfMemory)`: nothing changed, answer again.
    pub fn answer_incoming(&mut self, now: Instant, payload: &str) -> Result<(), InputError> {
        let s = &mut *self.state;
        let (cx, b, _) = s.split(now);
        let id = b.data_transfer.answer(&cx, payload)?;
        s.answers.resolve_extension(&id);
        Ok(())
    }

    /// Sends a CALL of the firmware's own (`action`, a JSON object
    /// `payload`), after registration and in its turn; the answer comes as
    /// [`Event::CallAnswered`]. One at a time: `Err(Busy)` until then.
    ///
    /// `action` is a vendor's own action, `DataTransfer` with a valid
    /// DataTransfer.req (`{"vendorId":...}`), or a charge point's CALL of
    /// a profile the core does not implement (FirmwareStatusNotification,
    /// DiagnosticsStatusNotification, the security extension's
    /// notifications; checked as a JSON object only). The CALLs the core
    /// sends itself (StartTransaction, StatusNotification, ...) and the
    /// central system's are `Err(InvalidValue)`, as is a payload that is
    /// not a JSON object or not a valid DataTransfer.req.
    /// `Err(OutOfMemory)`: nothing changed, send again.
    ///
    /// [`Event::CallAnswered`]: crate::Event::CallAnswered
    pub fn send_call(
        &mut self,
        now: Instant,
        action: &'static str,
        payload: &str,
    ) -> Result<(), InputError> {
        let s = &mut *self.state;
        let (cx, b, _) = s.split(now);
        b.data_transfer.send(&cx, action, payload)
    }

    /// The answer to the firmware's own CALL: the CALLRESULT's payload (for
    /// a DataTransfer, a valid DataTransfer.conf; one its schema refuses is
    /// `Err(BadAnswer)`), or why there is none. It stays (in the pool) until
    /// [`clear_call_answer`](Self::clear_call_answer) or the next CALL.
    pub fn call_answer(&self) -> Option<Result<&str, crate::CallFailure>> {
        self.state.blocks.data_transfer.call_answer()
    }

    /// Frees the answer to the firmware's own CALL.
    pub fn clear_call_answer(&mut self) {
        self.state.blocks.data_transfer.clear_answer();
    }

    fn with_tx(
        &mut self,
        now: Instant,
        f: impl FnOnce(
            &crate::block::Cx<'_, A>,
            &mut crate::tx::Transactions<A>,
        ) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        let s = &mut *self.state;
        let (cx, b, _) = s.split(now);
        f(&cx, &mut b.tx)?;
        s.sync_statuses(now);
        Ok(())
    }
}

fn parse_id_tag(id_tag: &str) -> Result<IdToken, InputError> {
    if id_tag.is_empty() {
        return Err(InputError::InvalidIdTag);
    }
    IdToken::try_from_str(id_tag).map_err(|_| InputError::InvalidIdTag)
}
