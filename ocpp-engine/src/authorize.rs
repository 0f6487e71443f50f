//! Authorize requests of the firmware (OCPP 1.6 §4.1): a bounded queue whose
//! entries carry the idTag out and the answer back, so an answer needs no
//! allocation beyond what its decoding takes.

use allocator_api2::vec::Vec;
use ocpp_model::{
    Allocator, AuthorizeRequest, AuthorizeResponse, CiStringError, EncodeError, IdTagInfo, IdToken,
};
use serde::Serialize;

use crate::block::{answer, AnswerError, Cx, Outgoing};
use crate::error::InputError;
use crate::event::{CallFailure, Event};

/// An Authorize: the entry that was sent is the one marked `Sent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Token;

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
enum Progress<A: Allocator> {
    Queued,
    Sent,
    Answered(IdTagInfo<A>),
    Failed(CallFailure),
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
struct Pending<A: Allocator> {
    request: AuthorizeRequest<A>,
    progress: Progress<A>,
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Authorizations<A: Allocator + Clone> {
    #[serde(serialize_with = "crate::snapshot::slice")]
    queue: Vec<Pending<A>, A>,
    #[serde(skip)]
    max: usize,
}

impl<A: Allocator + Clone> Authorizations<A> {
    pub(crate) fn new(max: u8, alloc: A) -> Self {
        Self {
            queue: Vec::new_in(alloc),
            max: usize::from(max),
        }
    }

    /// Prepares and commits a new request: the idTag is copied into the
    /// pool and a queue slot reserved before anything becomes visible.
    pub(crate) fn push(&mut self, id_tag: &str) -> Result<(), InputError> {
        if self.queue.len() >= self.max {
            return Err(InputError::QueueFull);
        }
        if id_tag.is_empty() {
            return Err(InputError::InvalidIdTag);
        }
        let id_tag =
            IdToken::try_from_str(id_tag, self.queue.allocator().clone()).map_err(|e| match e {
                CiStringError::OutOfMemory => InputError::OutOfMemory,
                _ => InputError::InvalidIdTag,
            })?;
        // Exact: one pending request is the common case, and a slot is ~90 bytes.
        self.queue
            .try_reserve_exact(1)
            .map_err(|_| InputError::OutOfMemory)?;
        let entry = Pending {
            request: AuthorizeRequest { id_tag },
            progress: Progress::Queued,
        };
        // Capacity was reserved just above: this cannot fail.
        let pushed = self.queue.push_within_capacity(entry);
        debug_assert!(pushed.is_ok());
        Ok(())
    }

    /// The oldest queued request, if any.
    pub(crate) fn poll_call(
        &mut self,
        out: &mut Outgoing<'_>,
    ) -> Result<Option<Token>, EncodeError> {
        let Some(p) = self
            .queue
            .iter_mut()
            .find(|p| matches!(p.progress, Progress::Queued))
        else {
            return Ok(None);
        };
        out.send(&p.request)?;
        p.progress = Progress::Sent;
        Ok(Some(Token))
    }

    /// The answer is decoded (its parentIdTag is the only allocation) and
    /// kept for the firmware.
    pub(crate) fn on_result(
        &mut self,
        cx: &Cx<'_, A>,
        _token: Token,
        payload: &[u8],
    ) -> Result<(), AnswerError> {
        let r: AuthorizeResponse<A> = answer(cx, payload)?;
        if let Some(p) = self.sent_mut() {
            p.progress = Progress::Answered(r.id_tag_info);
        }
        Ok(())
    }

    pub(crate) fn on_failure(&mut self, _token: Token, why: CallFailure) {
        if let Some(p) = self.sent_mut() {
            p.progress = Progress::Failed(why);
        }
    }

    /// The entry whose CALL is outstanding.
    fn sent_mut(&mut self) -> Option<&mut Pending<A>> {
        self.queue
            .iter_mut()
            .find(|p| matches!(p.progress, Progress::Sent))
    }

    /// Connection lost: every pending request fails now, so that nobody
    /// waits at the charger for an answer that cannot come.
    pub(crate) fn fail_all(&mut self, reason: CallFailure) {
        for p in self.queue.iter_mut() {
            if matches!(p.progress, Progress::Queued | Progress::Sent) {
                p.progress = Progress::Failed(reason);
            }
        }
    }

    /// The oldest finished request as an event, taken out of the queue.
    pub(crate) fn poll_event(&mut self) -> Option<Event<A>> {
        let index = self
            .queue
            .iter()
            .position(|p| matches!(p.progress, Progress::Answered(_) | Progress::Failed(_)))?;
        let Pending { request, progress } = self.queue.remove(index);
        if self.queue.is_empty() {
            // Give the slots back to the pool: an idle charge point holds none.
            self.queue = Vec::new_in(self.queue.allocator().clone());
        }
        let id_tag = request.id_tag;
        match progress {
            Progress::Answered(info) => Some(Event::Authorized { id_tag, info }),
            Progress::Failed(reason) => Some(Event::AuthorizeFailed { id_tag, reason }),
            Progress::Queued | Progress::Sent => None,
        }
    }
}
