//! Extensions (OCPP 1.6 §4.3, §5.5): DataTransfer through the vendors the
//! firmware registers, CALLs of actions the core does not implement that the
//! firmware registers to handle, and the firmware's own CALLs.
//!
//! No callbacks: a CALL for the firmware waits here, its answer slot held,
//! until the firmware answers it ([`Event::IncomingCall`]); the firmware's
//! own CALL waits here until it is answered ([`Event::CallAnswered`]). One
//! of each at a time (the central system sends one CALL at a time too). The
//! payloads live in the pool, at their exact size, only while they wait.
//!
//! [`Event::IncomingCall`]: crate::Event::IncomingCall
//! [`Event::CallAnswered`]: crate::Event::CallAnswered

use allocator_api2::boxed::Box;
use allocator_api2::vec::Vec;
use ocpp_model::{
    check_object, decode_with, encode_raw_call, encode_raw_call_result, Action, Allocator,
    DataTransferRequest, DataTransferResponse, DataTransferStatus, Decode, EncodeError, MessageId,
    Text,
};
use serde::Serialize;

use crate::answers::{request, Reply};
use crate::block::{well_formed, AnswerError, Cx, Outgoing};
use crate::error::InputError;
use crate::event::CallFailure;

/// How many actions, and how many vendors, the firmware may register (each
/// a `&'static str` and a flag: 24 bytes of pool on 64-bit, 12 on 32-bit).
pub(crate) const MAX_NAMES: usize = 8;

/// The firmware's own CALL: sent once the block's turn comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Token;

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
enum Own<A: Allocator> {
    Queued(&'static str, Text<A>),
    Sent(&'static str),
    Answered(&'static str, Result<Text<A>, CallFailure>),
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
struct Incoming<A: Allocator> {
    #[serde(serialize_with = "crate::snapshot::message_id")]
    id: MessageId,
    action: &'static str,
    payload: Text<A>,
    /// The firmware's answer, once given.
    answer: Option<Text<A>>,
    told: bool,
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct DataTransfer<A: Allocator + Clone> {
    /// The registered actions (`false`) and vendors (`true`), in one `Vec`
    /// so that an idle charge point pays for one empty `Vec`, not two.
    #[serde(serialize_with = "crate::snapshot::slice")]
    names: Vec<(&'static str, bool), A>,
    /// In the pool only while a CALL waits: an idle charge point holds none.
    #[serde(serialize_with = "crate::snapshot::opt_box")]
    incoming: Option<Box<Incoming<A>, A>>,
    #[serde(serialize_with = "crate::snapshot::opt_box")]
    own: Option<Box<Own<A>, A>>,
    /// The firmware has heard that its own CALL was answered.
    own_told: bool,
}

impl<A: Allocator + Clone> DataTransfer<A> {
    pub(crate) fn new(alloc: A) -> Self {
        Self {
            names: Vec::new_in(alloc),
            incoming: None,
            own: None,
            own_told: false,
        }
    }

    /// The firmware handles CALLs of `action` (one the core does not
    /// implement), or DataTransfers of `vendor`.
    pub(crate) fn register(&mut self, name: &'static str, vendor: bool) -> Result<(), InputError> {
        let plain = is_plain_name(name);
        let core = !vendor && Action::parse(name).is_ok();
        let kind = || self.names.iter().filter(move |(_, v)| *v == vendor);
        if !plain || core || kind().any(|(n, _)| *n == name) || kind().count() >= MAX_NAMES {
            return Err(InputError::InvalidValue);
        }
        self.names
            .try_reserve_exact(1)
            .map_err(|_| InputError::OutOfMemory)?;
        let pushed = self.names.push_within_capacity((name, vendor));
        debug_assert!(pushed.is_ok());
        Ok(())
    }

    /// The registered action named `action`, if the firmware handles it.
    pub(crate) fn custom(&self, action: &str) -> Option<&'static str> {
        self.names
            .iter()
            .find(|&&(n, vendor)| !vendor && n == action)
            .map(|&(n, _)| n)
    }

    /// Whether a CALL for the firmware waits already (a second one is Busy).
    pub(crate) fn is_holding(&self) -> bool {
        self.incoming.is_some()
    }

    /// A DataTransfer: for a registered vendor, held for the firmware;
    /// otherwise UnknownVendorId (1.6 §5.5).
    pub(crate) fn handle_call(&mut self, cx: &Cx<'_, A>, id: MessageId, payload: &[u8]) -> Reply {
        let r: DataTransferRequest<A> = match request(cx, payload) {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        let vendor = r.vendor_id.as_str();
        if !self.names.iter().any(|&(n, v)| v && n == vendor) {
            return Reply::status(DataTransferStatus::UnknownVendorId.as_str());
        }
        self.hold(cx, id, "DataTransfer", payload)
    }

    /// A CALL of a registered action: held for the firmware.
    pub(crate) fn hold(
        &mut self,
        cx: &Cx<'_, A>,
        id: MessageId,
        action: &'static str,
        payload: &[u8],
    ) -> Reply {
        let text = core::str::from_utf8(payload)
            .ok()
            .filter(|_| check_object(payload));
        let Some(text) = text else {
            return Reply::Error {
                code: ocpp_model::ErrorCode::FormationViolation,
                description: "payload is not a JSON object",
            };
        };
        let held = Text::try_from_str(text, cx.alloc.clone())
            .ok()
            .and_then(|payload| {
                let incoming = Incoming {
                    id,
                    action,
                    payload,
                    answer: None,
                    told: false,
                };
                Box::try_new_in(incoming, cx.alloc.clone()).ok()
            });
        match held {
            Some(incoming) => {
                self.incoming = Some(incoming);
                Reply::Extension { ready: false }
            }
            None => Reply::Error {
                code: ocpp_model::ErrorCode::InternalError,
                description: "out of memory",
            },
        }
    }

    /// The CALL waiting for the firmware: its action and payload.
    pub(crate) fn incoming(&self) -> Option<(&'static str, &str)> {
        let i = self.incoming.as_ref()?;
        i.answer.is_none().then(|| (i.action, i.payload.as_str()))
    }

    /// The firmware's answer (a JSON object; for DataTransfer, a valid
    /// DataTransfer.conf). Copied into the pool before anything changes.
    pub(crate) fn answer(
        &mut self,
        cx: &Cx<'_, A>,
        payload: &str,
    ) -> Result<MessageId, InputError> {
        let i = self.incoming.as_ref().ok_or(InputError::NoCall)?;
        if i.answer.is_some() {
            return Err(InputError::NoCall);
        }
        if !check_object(payload.as_bytes()) {
            return Err(InputError::InvalidValue);
        }
        if i.action == "DataTransfer" {
            firmware_payload::<DataTransferResponse<A>, A>(cx, payload)?;
        }
        let text =
            Text::try_from_str(payload, cx.alloc.clone()).map_err(|_| InputError::OutOfMemory)?;
        let id = i.id;
        if let Some(i) = self.incoming.as_mut() {
            i.answer = Some(text);
        }
        Ok(id)
    }

    /// Encodes the firmware's answer; it and the request are then freed.
    pub(crate) fn encode_answer(
        &mut self,
        buf: &mut [u8],
        id: &MessageId,
    ) -> Result<usize, EncodeError> {
        let answer = self.incoming.as_ref().and_then(|i| i.answer.as_ref());
        let n = encode_raw_call_result(
            buf,
            id,
            answer.map_or(b"{}".as_slice(), |a| a.as_str().as_bytes()),
        )?;
        self.incoming = None;
        Ok(n)
    }

    /// The firmware's answer will not be sent (too large): the held CALL
    /// and its answer go.
    pub(crate) fn drop_answer(&mut self) {
        if self.incoming.as_ref().is_some_and(|i| i.answer.is_some()) {
            self.incoming = None;
        }
    }

    /// The connection went down: a held CALL is void (its id was of that
    /// connection), and the firmware's own CALL fails if it was out.
    pub(crate) fn disconnected(&mut self) {
        self.incoming = None;
    }

    /// The firmware's own CALL of `action` (one at a time).
    pub(crate) fn send(
        &mut self,
        cx: &Cx<'_, A>,
        action: &'static str,
        payload: &str,
    ) -> Result<(), InputError> {
        if matches!(self.own.as_deref(), Some(Own::Queued(..) | Own::Sent(_))) {
            return Err(InputError::Busy);
        }
        if !is_plain_name(action) || !check_object(payload.as_bytes()) {
            return Err(InputError::InvalidValue);
        }
        // A DataTransfer must be one (the central system would refuse
        // it); the core's own CALLs and the central system's are not the
        // firmware's to send.
        match Action::parse(action) {
            Ok(Action::DataTransfer) => {
                firmware_payload::<DataTransferRequest<A>, A>(cx, payload)?;
            }
            Ok(a) if firmware_may_send(a) => {}
            Ok(_) => return Err(InputError::InvalidValue),
            Err(_) => {}
        }
        let text =
            Text::try_from_str(payload, cx.alloc.clone()).map_err(|_| InputError::OutOfMemory)?;
        let own = Box::try_new_in(Own::Queued(action, text), cx.alloc.clone())
            .map_err(|_| InputError::OutOfMemory)?;
        // Replaces (and frees) an answer the firmware did not clear.
        self.own = Some(own);
        Ok(())
    }

    pub(crate) fn poll_call(
        &mut self,
        out: &mut Outgoing<'_>,
    ) -> Result<Option<Token>, EncodeError> {
        let Some(own) = self.own.as_mut() else {
            return Ok(None);
        };
        let Own::Queued(action, payload) = &**own else {
            return Ok(None);
        };
        let action = *action;
        out.send_raw(|buf, id| encode_raw_call(buf, id, action, payload.as_str().as_bytes()))?;
        **own = Own::Sent(action);
        Ok(Some(Token))
    }

    pub(crate) fn on_result(
        &mut self,
        cx: &Cx<'_, A>,
        _token: Token,
        payload: &[u8],
    ) -> Result<(), AnswerError> {
        // Handed on raw (a DataTransfer.conf decoded below): checked here.
        well_formed(cx, payload)?;
        let Some(own) = self.own.as_mut() else {
            return Ok(());
        };
        let Own::Sent(action) = **own else {
            return Ok(());
        };
        // A DataTransfer.conf is checked as one: the firmware reads what
        // its schema promises, or hears BadAnswer.
        if action == "DataTransfer" {
            crate::block::answer::<DataTransferResponse<A>, A>(cx, payload)?;
        }
        let text = core::str::from_utf8(payload)
            .map_err(|_| AnswerError::Bad(ocpp_model::ErrorCode::FormationViolation))?;
        let text =
            Text::try_from_str(text, cx.alloc.clone()).map_err(|_| AnswerError::OutOfMemory)?;
        **own = Own::Answered(action, Ok(text));
        self.own_told = false;
        Ok(())
    }

    pub(crate) fn on_failure(&mut self, _token: Token, why: CallFailure) {
        if let Some(own) = self.own.as_mut() {
            if let Own::Sent(action) = **own {
                **own = Own::Answered(action, Err(why));
                self.own_told = false;
            }
        }
    }

    /// The answer to the firmware's own CALL, once it came: the CALLRESULT
    /// payload, or why there is none.
    pub(crate) fn call_answer(&self) -> Option<Result<&str, CallFailure>> {
        match self.own.as_deref() {
            Some(Own::Answered(_, Ok(t))) => Some(Ok(t.as_str())),
            Some(Own::Answered(_, Err(why))) => Some(Err(*why)),
            _ => None,
        }
    }

    /// The firmware is done with the answer: its memory goes back.
    pub(crate) fn clear_answer(&mut self) {
        if matches!(self.own.as_deref(), Some(Own::Answered(..))) {
            self.own = None;
        }
    }

    /// An event: a CALL waits for the firmware, or its own CALL was answered.
    pub(crate) fn poll_event(&mut self) -> Option<crate::Event> {
        if let Some(i) = self.incoming.as_mut().filter(|i| !i.told) {
            i.told = true;
            return Some(crate::Event::IncomingCall { action: i.action });
        }
        if let Some(Own::Answered(action, answer)) = self.own.as_deref() {
            if !core::mem::replace(&mut self.own_told, true) {
                return Some(crate::Event::CallAnswered {
                    action,
                    ok: answer.is_ok(),
                });
            }
        }
        None
    }
}

/// The charge point's CALLs of the profiles the core does not implement
/// (firmware management, the security extension's notifications): the
/// firmware that implements them sends them, checked as JSON objects only
/// (the model has no types for them yet).
fn firmware_may_send(action: Action) -> bool {
    use Action::*;
    matches!(
        action,
        DiagnosticsStatusNotification
            | FirmwareStatusNotification
            | LogStatusNotification
            | SecurityEventNotification
            | SignCertificate
            | SignedFirmwareStatusNotification
    )
}

/// Checks a payload the firmware gave by decoding it as `T` (in the pool,
/// freed at once): `InvalidValue` when `T`'s schema refuses it,
/// `OutOfMemory` when the pool cannot hold the check.
fn firmware_payload<T: Decode<A>, A: Allocator + Clone>(
    cx: &Cx<'_, A>,
    payload: &str,
) -> Result<(), InputError> {
    match decode_with::<T, A>(payload.as_bytes(), cx.alloc.clone(), &cx.settings.limits()) {
        Ok(_) => Ok(()),
        Err(e) if e.is_out_of_memory() => Err(InputError::OutOfMemory),
        Err(_) => Err(InputError::InvalidValue),
    }
}

/// A name written raw into a frame (an action, a vendorId): printable ASCII
/// without spaces, quotes or backslashes, so it needs no escaping.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\')
}
