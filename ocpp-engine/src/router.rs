//! The router: each input to the block it concerns, each answer to the
//! block that sent the CALL, and each block's CALLs out in a fixed order.
//! It holds no state of its own (DESIGN.md, "How the engine grows").

use ocpp_model::{Action, Allocator, EncodeError, ErrorCode, Frame, FrameError, Limits, MessageId};

use crate::answers::{self, Answer, Reply};
use crate::block::{AnswerError, Cx, Outgoing};
use crate::charge_point::{Blocks, Outstanding, State, Token};
use crate::configuration::{Configuration, Key};
use crate::connectors::Stamp;
use crate::error::HandleError;
use crate::event::CallFailure;
use crate::heartbeat::Clock;
use crate::time::Instant;
use crate::{remote, trigger};

impl<A: Allocator + Clone> State<A> {
    /// What the blocks may read at `now`, beside the blocks and the clock.
    pub(crate) fn split(&mut self, now: Instant) -> (Cx<'_, A>, &mut Blocks<A>, &mut Clock) {
        let cx = Cx {
            now,
            alloc: &self.alloc,
            wall: self.clock.at(now),
            settings: &self.settings,
            config: self.config.values(),
            online: self.online,
        };
        (cx, &mut self.blocks, &mut self.clock)
    }

    /// When a change of status at `now` happened, for the connectors block.
    pub(crate) fn stamp(&mut self, now: Instant) -> Stamp {
        let (cx, _, _) = self.split(now);
        Stamp::at(&cx)
    }

    /// Each connector's reported status follows its session.
    pub(crate) fn sync_statuses(&mut self, now: Instant) {
        let stamp = self.stamp(now);
        let b = &mut self.blocks;
        for (connector, status) in b.tx.statuses() {
            b.connectors.set_base(connector, status, stamp);
            if b.tx.transaction(connector).is_none() {
                b.connectors.apply_scheduled(connector, stamp);
            }
        }
    }

    pub(crate) fn answer(&mut self, id: MessageId, reply: Reply) -> Result<(), HandleError> {
        self.answers
            .push(Answer { id, reply })
            .map_err(|_| HandleError::Busy)
    }

    /// A frame `Frame::parse` refused: a CALL is answered with the CALLERROR
    /// its fault calls for, anything else is dropped.
    pub(crate) fn frame_error(&mut self, e: FrameError) -> Result<(), HandleError> {
        match e.reply() {
            Some((id, code)) => self.answer(
                id,
                Reply::Error {
                    code,
                    description: answers::describe(e.kind),
                },
            ),
            None => Err(HandleError::Ignored(e.kind)),
        }
    }

    /// `why` a frame is not taken in; but a malformed frame is refused as
    /// such first, as when its payload was checked before anything else.
    pub(crate) fn refuse(
        &mut self,
        why: HandleError,
        frame: Deferred<'_>,
    ) -> Result<(), HandleError> {
        match frame.malformed() {
            Some(e) => self.frame_error(e),
            None => Err(why),
        }
    }

    /// The outstanding CALL that `id` answers.
    pub(crate) fn expect_answer(&self, id: MessageId) -> Result<Outstanding, HandleError> {
        match self.outstanding {
            Some(o) if MessageId::from_u32(o.id) == id => Ok(o),
            _ => Err(HandleError::Unsolicited),
        }
    }

    /// A CALL of the central system, routed by action to the block that
    /// owns it. Its answer waits in an inline slot: a refusal while decoding
    /// is answered `InternalError` and changes nothing else.
    ///
    /// A payload whose check was deferred is checked by its decoder. The
    /// firmware's own actions take their payload raw: it is checked by
    /// `Frame::parse` first. Any other CALL not answered with a success
    /// (its decoder refused the payload; unknown or not supported; busy,
    /// not registered) is checked by `Frame::parse` before the answer,
    /// which is then the frame's CALLERROR when it was malformed. A block
    /// that answers with a CALLERROR has changed nothing.
    pub(crate) fn handle_call(
        &mut self,
        now: Instant,
        id: MessageId,
        action: &str,
        payload: &[u8],
        frame: Deferred<'_>,
    ) -> Result<(), HandleError> {
        if self.blocks.data_transfer.custom(action).is_some() {
            if let Some(e) = frame.malformed() {
                return self.frame_error(e);
            }
        }
        let reply = self.reply(now, id, action, payload);
        if matches!(reply, Ok(Reply::Error { .. }) | Err(_)) {
            if let Some(e) = frame.malformed() {
                return self.frame_error(e);
            }
        }
        self.answer(id, reply?)
    }

    /// The answer to a CALL of the central system; nothing is queued yet.
    fn reply(
        &mut self,
        now: Instant,
        id: MessageId,
        action: &str,
        payload: &[u8],
    ) -> Result<Reply, HandleError> {
        if self.blocks.registration.is_rejected() {
            return Err(HandleError::NotRegistered);
        }
        if self.answers.is_full() {
            return Err(HandleError::Busy);
        }
        let custom = self.blocks.data_transfer.custom(action);
        let for_firmware = custom.is_some() || action == Action::DataTransfer.as_str();
        if for_firmware && self.blocks.data_transfer.is_holding() {
            // The firmware has not answered the last one yet.
            return Err(HandleError::Busy);
        }
        Ok(match (Action::parse(action), custom) {
            (Err(_), Some(action)) => {
                let (cx, b, _) = self.split(now);
                b.data_transfer.hold(&cx, id, action, payload)
            }
            (Err(_), None) => Reply::Error {
                code: ErrorCode::NotImplemented,
                description: "unknown action",
            },
            (Ok(Action::DataTransfer), _) => {
                let (cx, b, _) = self.split(now);
                b.data_transfer.handle_call(&cx, id, payload)
            }
            (Ok(action), _) if Configuration::<A>::ACTIONS.contains(&action) => {
                self.configuration_call(now, action, payload)?
            }
            (Ok(action), _) => {
                let (cx, b, _) = self.split(now);
                b.route_call(&cx, action, payload)
            }
        })
    }

    /// GetConfiguration or ChangeConfiguration, and what a change means
    /// for the other blocks.
    fn configuration_call(
        &mut self,
        now: Instant,
        action: Action,
        payload: &[u8],
    ) -> Result<Reply, HandleError> {
        if self.config.is_answer_pending() {
            // One GetConfiguration answer waits at a time: transmit it first.
            return Err(HandleError::Busy);
        }
        let values = *self.config.values();
        let cx = Cx {
            now,
            alloc: &self.alloc,
            wall: self.clock.at(now),
            settings: &self.settings,
            config: &values,
            online: self.online,
        };
        let (reply, changed) = self.config.handle_call(&cx, action, payload);
        if changed == Some(Key::ClockAlignedDataInterval) {
            let (cx, b, _) = self.split(now);
            b.tx.restart_aligned(&cx);
        }
        if changed == Some(Key::HeartbeatInterval) && self.blocks.registration.is_accepted() {
            let interval = self.config.values().heartbeat_interval;
            self.blocks.heartbeat.start(now, interval.get());
        }
        Ok(reply)
    }

    /// The answer to our outstanding CALL `o`, to the block that sent it.
    ///
    /// A payload whose check was deferred is checked by the block's decoder;
    /// a block that takes an answer without decoding it checks it with
    /// [`crate::block::well_formed`]. When the block refused it, `Frame::parse`
    /// says whether the frame was malformed: then it is dropped and the CALL
    /// stays outstanding, as when the payload was checked first (a block
    /// that refuses an answer has changed nothing).
    pub(crate) fn on_result(
        &mut self,
        now: Instant,
        o: Outstanding,
        payload: &[u8],
        frame: Deferred<'_>,
    ) -> Result<Applied, HandleError> {
        let mut heartbeat_interval = None;
        let (cx, b, clock) = self.split(now);
        let applied = match o.token {
            Token::Registration(t) => b.registration.on_result(&cx, t, payload).map(|accepted| {
                if let Some(a) = accepted {
                    heartbeat_interval = Some(a.heartbeat);
                    clock.set(now, a.current_time);
                    b.heartbeat.start(now, a.heartbeat);
                    // A new registration: tell the central system every status again.
                    b.connectors.touch_all();
                }
            }),
            Token::Tx(t) => b.tx.on_result(&cx, t, payload).map(|learned| {
                if let Some((id_tag, info)) = learned {
                    b.authorize.learn(&cx, id_tag, info);
                }
            }),
            Token::Status(t) => b.connectors.on_result(&cx, t, payload),
            Token::Authorize(t) => b.authorize.on_result(&cx, t, payload),
            Token::Extension(t) => b.data_transfer.on_result(&cx, t, payload),
            Token::Heartbeat(t) => b
                .heartbeat
                .on_result(&cx, t, payload)
                .map(|wall| clock.set(now, wall)),
        };
        if let Some(d) = heartbeat_interval {
            self.config.set_heartbeat_interval(d);
        }
        if applied.is_err() {
            if let Some(e) = frame.malformed() {
                return self.frame_error(e).map(|()| Applied::No);
            }
        }
        match applied {
            Ok(()) => {
                self.outstanding = None;
                Ok(Applied::Yes)
            }
            // Nothing changed: the CALL stays outstanding.
            Err(AnswerError::OutOfMemory) => Err(HandleError::OutOfMemory),
            Err(AnswerError::Bad(code)) => {
                self.outstanding = None;
                Ok(Applied::Failed(o.token, CallFailure::BadAnswer(code)))
            }
        }
    }

    /// What an applied answer sets going: the wall clock may have been set,
    /// so clock-aligned samples can be timed; statuses follow the sessions.
    /// Called once `on_result` returned (see [`Applied`]).
    #[inline(never)]
    pub(crate) fn after_answer(&mut self, now: Instant) {
        let (cx, b, _) = self.split(now);
        if b.tx.timeout_due(&cx) {
            b.tx.handle_timeout(&cx);
        }
        self.sync_statuses(now);
    }

    /// Our CALL `token` failed; the outstanding slot is already free.
    #[inline(never)]
    pub(crate) fn on_failure(&mut self, now: Instant, token: Token, why: CallFailure) {
        let (cx, b, _) = self.split(now);
        match token {
            Token::Registration(t) => b.registration.on_failure(&cx, t, why),
            Token::Tx(t) => b.tx.on_failure(&cx, t, why),
            Token::Status(t) => b.connectors.on_failure(&cx, t, why),
            Token::Authorize(t) => b.authorize.on_failure(t, why),
            Token::Extension(t) => b.data_transfer.on_failure(t, why),
            // The heartbeat period restarted when it was sent.
            Token::Heartbeat(_) => {}
        }
        self.sync_statuses(now);
    }

    /// The next CALL of the blocks, in their priority order; nothing but
    /// BootNotification before registration (OCPP 1.6 §4.2).
    pub(crate) fn poll_call(
        &mut self,
        now: Instant,
        out: &mut Outgoing<'_>,
    ) -> Result<Option<Token>, EncodeError> {
        let (cx, b, _) = self.split(now);
        if !b.registration.is_accepted() {
            return Ok(b.registration.poll_call(now, out)?.map(Token::Registration));
        }
        if let Some(t) = b.tx.poll_call(&cx, out)? {
            return Ok(Some(Token::Tx(t)));
        }
        if let Some(t) = b.connectors.poll_call(&cx, out)? {
            return Ok(Some(Token::Status(t)));
        }
        if let Some(t) = b.authorize.poll_call(out)? {
            return Ok(Some(Token::Authorize(t)));
        }
        if let Some(t) = b.data_transfer.poll_call(out)? {
            return Ok(Some(Token::Extension(t)));
        }
        Ok(b.heartbeat.poll_call(now, out)?.map(Token::Heartbeat))
    }
}

impl<A: Allocator + Clone> Blocks<A> {
    /// The block that owns `action` handles it; an action no block owns is
    /// known to OCPP but not done by this charge point.
    fn route_call(&mut self, cx: &Cx<'_, A>, action: Action, payload: &[u8]) -> Reply {
        if trigger::ACTIONS.contains(&action) {
            return self.trigger(cx, payload);
        }
        if remote::ACTIONS.contains(&action) {
            return self.remote(cx, action, payload);
        }
        Reply::NOT_SUPPORTED
    }
}

/// A received frame whose payload's check was deferred to its decoder
/// ([`Frame::parse_deferred`]), or `None` when it was checked.
#[derive(Clone, Copy)]
pub(crate) struct Deferred<'a> {
    pub(crate) frame: Option<&'a [u8]>,
    pub(crate) limits: Limits,
}

impl Deferred<'_> {
    /// Why `Frame::parse` refuses the whole frame, if it does: the check
    /// that was deferred, made where the payload was not (or could not be)
    /// decoded. Cold: only a frame that fails somewhere gets here.
    #[cold]
    pub(crate) fn malformed(self) -> Option<FrameError> {
        Frame::parse(self.frame?, &self.limits).err()
    }
}

/// What `on_result` did with an answer. What follows runs once it has
/// returned, so that its frame (and its decoders') is not under the
/// follow-up's on the stack.
#[derive(Clone, Copy)]
pub(crate) enum Applied {
    /// Applied: `after_answer` follows.
    Yes,
    /// Refused as the CALL's answer: the CALL failed (`on_failure`).
    Failed(Token, CallFailure),
    /// Dropped as a malformed frame: nothing changed.
    No,
}
