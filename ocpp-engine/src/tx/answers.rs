//! The central system's answers to the transaction block's CALLs, their
//! failures, and the events they leave for the firmware. Every answer here
//! decodes without a pool allocation, so none is ever lost to a refusal.

use ocpp_model::{
    Allocator, AuthorizationStatus, AuthorizeResponse, IdTagInfo, IdToken, MeterValuesResponse,
    Reason, StartTransactionResponse, StopTransactionResponse,
};
use serde::Serialize;

use super::message::TxMessage;
use super::session::{same_parent, Phase};
use super::{Learned, Token, Transactions};
use crate::block::{answer, well_formed, AnswerError, Cx};
use crate::event::CallFailure;

/// What the firmware must hear of a connector's session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Verdict {
    /// The central system (or the cache) refused the idTag.
    Refused(IdToken, AuthorizationStatus),
    /// Nobody could say: the Authorize failed and no offline rule allowed it.
    Unverified(IdToken, CallFailure),
    /// Valid, but neither the idTag that started the running transaction
    /// nor one with its parent: it may not stop it.
    NotOwner(IdToken),
}

/// An event of this block, for the router to hand out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TxEvent {
    Energy { connector: u8, on: bool },
    Unlock { connector: u8 },
    Verdict { connector: u8, verdict: Verdict },
}

impl<A: Allocator + Clone> Transactions<A> {
    /// Applies an answer; returns what it told of an idTag.
    pub(crate) fn on_result(
        &mut self,
        cx: &Cx<'_, A>,
        token: Token,
        payload: &[u8],
    ) -> Result<Learned, AnswerError> {
        match token {
            Token::Authorize { connector } => {
                let r: AuthorizeResponse = answer(cx, payload)?;
                Ok(self.authorize_answered(cx, connector, r.id_tag_info))
            }
            Token::Queued { local } => self.queued_answered(cx, local, payload),
        }
    }

    fn authorize_answered(&mut self, cx: &Cx<'_, A>, connector: u8, info: IdTagInfo) -> Learned {
        let accepted = is_valid(cx, &info);
        let Ok(s) = self.session_mut(connector) else {
            return None;
        };
        match &s.phase {
            Phase::Authorizing { sent: true } => {
                let (id_tag, _) = s.claimed_tag()?;
                if accepted {
                    self.authorized(cx, connector, id_tag, info.parent_id_tag);
                } else {
                    s.give_up();
                    s.verdict = Some(Verdict::Refused(id_tag, info.status));
                    self.queue.release(2);
                }
                Some((id_tag, info))
            }
            Phase::Running => {
                let r = s.running()?;
                let (id_tag, _) = r.stop_tag?;
                let parent = r.parent;
                if accepted && same_parent(info.parent_id_tag, parent) {
                    self.stop(cx, connector, Reason::Local, Some(id_tag));
                } else if let Some(r) = s.running_mut() {
                    r.stop_tag = None;
                    s.verdict = Some(if accepted {
                        Verdict::NotOwner(id_tag)
                    } else {
                        Verdict::Refused(id_tag, info.status)
                    });
                }
                Some((id_tag, info))
            }
            _ => None,
        }
    }

    fn queued_answered(
        &mut self,
        cx: &Cx<'_, A>,
        local: u32,
        payload: &[u8],
    ) -> Result<Learned, AnswerError> {
        // An answer to a message no longer at the front (given up while it
        // was out) is taken and changes nothing.
        let Some(front) = self.queue.front(cx.now).copied() else {
            return well_formed(cx, payload).map(|()| None);
        };
        if front.local() != local {
            return well_formed(cx, payload).map(|()| None);
        }
        match front {
            TxMessage::Start(m) => {
                let r: StartTransactionResponse = answer(cx, payload)?;
                self.queue.pop_front();
                self.started(cx, local, r.transaction_id, &r.id_tag_info);
                Ok(Some((m.id_tag, r.id_tag_info)))
            }
            TxMessage::Meter(_) => {
                let _: MeterValuesResponse = answer(cx, payload)?;
                self.queue.deliver_front();
                Ok(None)
            }
            TxMessage::Stop(m) => {
                let r: StopTransactionResponse = answer(cx, payload)?;
                self.queue.pop_front();
                self.prune_stop_data();
                Ok(m.id_tag.zip(r.id_tag_info))
            }
        }
    }

    /// The StartTransaction of `local` was answered: its id goes into the
    /// running transaction and every message of it still queued. Not
    /// Accepted: stop (StopTransactionOnInvalidId) or go on without energy.
    fn started(&mut self, cx: &Cx<'_, A>, local: u32, id: i32, info: &IdTagInfo) {
        for m in self.queue.iter_mut() {
            m.set_transaction_id(local, id);
        }
        let accepted = info.status == AuthorizationStatus::Accepted;
        let stop_on_invalid = cx.config.stop_transaction_on_invalid_id;
        let found = self.sessions.iter_mut().enumerate().find_map(|(i, s)| {
            let r = s.running_mut().filter(|r| r.local == local)?;
            r.transaction_id = Some(id);
            if !accepted && !stop_on_invalid {
                r.suspended = true;
            }
            Some(u8::try_from(i + 1).unwrap_or(u8::MAX))
        });
        if let (Some(connector), false, true) = (found, accepted, stop_on_invalid) {
            self.stop(cx, connector, Reason::DeAuthorized, None);
        }
    }

    /// A CALL of this block failed.
    pub(crate) fn on_failure(&mut self, cx: &Cx<'_, A>, token: Token, why: CallFailure) {
        match token {
            Token::Authorize { connector } => self.authorize_failed(cx, connector, why),
            // Not sent for want of a connection: it goes again once online.
            Token::Queued { .. } if why == CallFailure::Offline => {}
            Token::Queued { local } => {
                let config = cx.config;
                let given_up = self.queue.failed(
                    cx.now,
                    config.transaction_message_attempts,
                    config.transaction_message_retry_interval.get(),
                );
                match given_up {
                    Some(TxMessage::Start(_)) => {
                        // Without a transactionId its other messages cannot
                        // be sent, now or later.
                        self.queue.discard_local(local);
                        self.orphan(local);
                    }
                    Some(TxMessage::Stop(_)) => self.prune_stop_data(),
                    _ => {}
                }
            }
        }
    }

    fn authorize_failed(&mut self, cx: &Cx<'_, A>, connector: u8, why: CallFailure) {
        let allow_unknown = cx.config.allow_offline_tx_for_unknown_id;
        let offline = matches!(why, CallFailure::Offline | CallFailure::Timeout);
        let Ok(s) = self.session_mut(connector) else {
            return;
        };
        let claimed = s.claimed_tag();
        match &mut s.phase {
            Phase::Authorizing { sent } => {
                let Some((id_tag, _)) = claimed else {
                    return;
                };
                if why == CallFailure::Offline {
                    *sent = false; // asked again once online
                } else if offline && allow_unknown {
                    self.authorized(cx, connector, id_tag, None);
                } else {
                    s.give_up();
                    s.verdict = Some(Verdict::Unverified(id_tag, why));
                    self.queue.release(2);
                }
            }
            Phase::Running => {
                if let Some((id_tag, _)) = s.running_mut().and_then(|r| r.stop_tag.take()) {
                    s.verdict = Some(Verdict::Unverified(id_tag, why));
                }
            }
            _ => {}
        }
    }

    /// The next thing the firmware must hear: energy on or off, unlock, a
    /// verdict on an idTag it presented.
    pub(crate) fn poll_event(&mut self) -> Option<TxEvent> {
        for (i, s) in self.sessions.iter_mut().enumerate() {
            let connector = u8::try_from(i + 1).unwrap_or(u8::MAX);
            let wants = s.wants_energy();
            if wants != s.offering {
                s.offering = wants;
                return Some(TxEvent::Energy {
                    connector,
                    on: wants,
                });
            }
            if core::mem::take(&mut s.unlock) {
                return Some(TxEvent::Unlock { connector });
            }
            if let Some(verdict) = s.verdict.take() {
                return Some(TxEvent::Verdict { connector, verdict });
            }
        }
        None
    }
}

/// Accepted, and not past its expiry date (when the wall clock is known).
pub(crate) fn is_valid(cx: &Cx<'_, impl Allocator>, info: &IdTagInfo) -> bool {
    let expired = match (info.expiry_date, cx.wall) {
        (Some(expiry), Some(now)) => expiry.unix_millis() <= now.unix_millis(),
        _ => false,
    };
    info.status == AuthorizationStatus::Accepted && !expired
}
