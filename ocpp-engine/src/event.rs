//! What the firmware must know or do, handed out by
//! [`ChargePoint::poll_event`](crate::ChargePoint::poll_event).

use ocpp_model::{AuthorizationStatus, ErrorCode, IdTagInfo, IdToken, RegistrationStatus};
use serde::Serialize;

/// An event for the firmware. Small and `Copy`: it holds no pool memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The central system answered BootNotification. Until `Accepted`, the
    /// charge point sends nothing but BootNotification.
    Registered(RegistrationStatus),
    /// The central system answered an Authorize the firmware asked for
    /// ([`ChargePoint::authorize`](crate::ChargePoint::authorize)).
    Authorized {
        /// The idTag that was presented.
        id_tag: IdToken,
        /// The central system's verdict.
        info: IdTagInfo,
    },
    /// An Authorize the firmware asked for got no usable answer; the
    /// firmware decides what to do (local list, offline policy, ask again).
    AuthorizeFailed {
        /// The idTag that was presented.
        id_tag: IdToken,
        /// Why there is no answer.
        reason: CallFailure,
    },
    /// Offer energy on `connector` (a transaction runs and may charge), or
    /// (`on: false`) stop offering it: close or open the contactor.
    Energy {
        /// The connector (1 or more).
        connector: u8,
        /// Whether energy is to be offered.
        on: bool,
    },
    /// Unlock the cable of `connector`: the EV side disconnected (with
    /// UnlockConnectorOnEVSideDisconnect), or the central system asked
    /// (UnlockConnector: report the outcome with
    /// [`ChargePoint::unlock_result`](crate::ChargePoint::unlock_result)
    /// within [`Config::call_timeout`](crate::Config::call_timeout); the
    /// charge point's own CALLs wait behind the answer until then, and
    /// without an outcome the answer is UnlockFailed; an unlock not yet
    /// given as an event by then, the storage failing, is called off).
    Unlock {
        /// The connector (1 or more).
        connector: u8,
    },
    /// An idTag presented at `connector` was refused (by the central system
    /// or the authorization cache): show it to the driver.
    IdTagRefused {
        /// The connector it was presented at.
        connector: u8,
        /// The idTag.
        id_tag: IdToken,
        /// Why it may not charge.
        status: AuthorizationStatus,
    },
    /// The central system asked for a reset (`hard`: a reboot of the whole
    /// charge point; else of the software). Its transactions are stopped
    /// and their StopTransactions queued: reset once
    /// [`ChargePoint::queue`](crate::ChargePoint::queue) is empty, or after
    /// a grace period of your choice when offline.
    Reset {
        /// Hard or soft.
        hard: bool,
    },
    /// A CALL the firmware registered to handle arrived (a DataTransfer of
    /// a registered vendor, or a registered action): read it with
    /// [`ChargePoint::incoming_call`](crate::ChargePoint::incoming_call) and
    /// answer with
    /// [`ChargePoint::answer_incoming`](crate::ChargePoint::answer_incoming).
    IncomingCall {
        /// Its action.
        action: &'static str,
    },
    /// The firmware's own CALL ([`ChargePoint::send_call`](crate::ChargePoint::send_call))
    /// was answered (`ok`) or failed; read it with
    /// [`ChargePoint::call_answer`](crate::ChargePoint::call_answer).
    CallAnswered {
        /// Its action.
        action: &'static str,
        /// A CALLRESULT came (else: a CALLERROR, a timeout, a disconnect,
        /// or a DataTransfer.conf its schema refuses).
        ok: bool,
    },
    /// The central system changed a configuration key (ChangeConfiguration);
    /// read its value with
    /// [`ChargePoint::read_configuration`](crate::ChargePoint::read_configuration).
    ConfigurationChanged {
        /// The key's name.
        key: &'static str,
    },
    /// An idTag presented at `connector` during a transaction is valid but
    /// may not stop it: it is neither the idTag that started it nor one
    /// with the same parentIdTag.
    IdTagNotOwner {
        /// The connector it was presented at.
        connector: u8,
        /// The idTag.
        id_tag: IdToken,
    },
    /// An idTag presented at `connector` could not be verified (no answer,
    /// offline without a rule that allows it): nothing started or stopped.
    IdTagUnverified {
        /// The connector it was presented at.
        connector: u8,
        /// The idTag.
        id_tag: IdToken,
        /// Why there is no verdict.
        reason: CallFailure,
    },
    /// The storage refused to write a record. Until a write succeeds,
    /// nothing that depends on the records is sent or announced (no frame
    /// goes out, no other event is given): retry later
    /// ([`ChargePoint::persist`](crate::ChargePoint::persist) says when it
    /// works again), or repair or replace the medium. Given once per
    /// failing spell.
    StorageFailed {
        /// The record that could not be written.
        key: crate::RecordKey,
    },
}

/// Why a CALL of ours got no usable answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CallFailure {
    /// No answer within the configured call timeout.
    Timeout,
    /// The central system answered with a CALLERROR of this code.
    CallError(#[serde(serialize_with = "crate::snapshot::error_code")] ErrorCode),
    /// The central system's CALLRESULT did not decode; our verdict on it.
    BadAnswer(#[serde(serialize_with = "crate::snapshot::error_code")] ErrorCode),
    /// The connection went down first.
    Offline,
}
