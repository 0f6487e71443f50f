//! Authorization (OCPP 1.6 §4.1, §3.5): the Authorize requests the firmware
//! makes itself (a bounded queue whose entries carry the idTag out and the
//! answer back), and the authorization cache every idTagInfo the central
//! system gives is learned into.

use allocator_api2::vec::Vec;
use ocpp_model::{
    Allocator, AuthorizationStatus, AuthorizeRequest, AuthorizeResponse, DateTime, EncodeError,
    IdTagInfo, IdToken,
};
use serde::Serialize;

use crate::block::{answer, AnswerError, Cx, Outgoing};
use crate::error::InputError;
use crate::event::{CallFailure, Event};
use crate::storage::{Dropped, Reader, Seq};
use crate::time::Instant;

/// An Authorize: the entry that was sent is the one marked `Sent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Token;

#[derive(Debug, Serialize)]
enum Progress {
    Queued,
    Sent,
    Answered(IdTagInfo),
    Failed(CallFailure),
}

#[derive(Debug, Serialize)]
struct Pending {
    request: AuthorizeRequest,
    /// While offline or not registered, a request not sent by then fails
    /// with `Timeout`: it does not wait for ever. (Once registered, it waits
    /// its turn; each CALL has its own timeout.)
    deadline: Instant,
    progress: Progress,
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Authorizations<A: Allocator + Clone> {
    #[serde(serialize_with = "crate::snapshot::slice")]
    queue: Vec<Pending, A>,
    #[serde(skip)]
    max: u8,
    /// The authorization cache, oldest entry first.
    #[serde(serialize_with = "crate::snapshot::slice")]
    cache: Vec<(IdToken, IdTagInfo), A>,
    #[serde(skip)]
    max_cache: u8,
}

impl<A: Allocator + Clone> Authorizations<A> {
    pub(crate) fn new(max: u8, max_cache: u8, alloc: A) -> Self {
        Self {
            queue: Vec::new_in(alloc.clone()),
            max,
            cache: Vec::new_in(alloc),
            max_cache,
        }
    }

    /// What the cache knows of `id_tag`, when AuthorizationCacheEnabled: an
    /// Accepted entry past its expiry date counts as Expired.
    pub(crate) fn cached(&self, cx: &Cx<'_, A>, id_tag: &IdToken) -> Option<IdTagInfo> {
        if !cx.config.authorization_cache_enabled {
            return None;
        }
        let (_, info) = self
            .cache
            .iter()
            .find(|(t, _)| t.eq_ignore_case(id_tag.as_str()))?;
        let mut info = *info;
        if info.status == AuthorizationStatus::Accepted && !crate::tx::is_valid(cx, &info) {
            info.status = AuthorizationStatus::Expired;
        }
        Some(info)
    }

    /// Learns what the central system said of `id_tag`. The cache grows one
    /// entry at a time (about 60 bytes; no spare capacity is held). Best
    /// effort, never a failure: when the pool refuses a new entry, or the cache is at its
    /// bound, the oldest entry makes room (none: it is not cached).
    pub(crate) fn learn(&mut self, cx: &Cx<'_, A>, id_tag: IdToken, info: IdTagInfo) {
        if !cx.config.authorization_cache_enabled || self.max_cache == 0 {
            return;
        }
        if let Some(i) = self
            .cache
            .iter()
            .position(|(t, _)| t.eq_ignore_case(id_tag.as_str()))
        {
            self.cache.remove(i);
        } else if self.cache.len() >= usize::from(self.max_cache)
            || (self.cache.len() == self.cache.capacity()
                && self.cache.try_reserve_exact(1).is_err())
        {
            if self.cache.is_empty() {
                return;
            }
            self.cache.remove(0);
        }
        // Room was made or reserved above.
        let pushed = self.cache.push_within_capacity((id_tag, info));
        debug_assert!(pushed.is_ok());
    }

    /// The cache record: `(idTag, status, expiry in Unix ms, parent)` of
    /// each entry, oldest first; `None` when the cache is empty.
    pub(crate) fn record(&self) -> Option<impl Serialize + '_> {
        let entries = || {
            self.cache.iter().map(|(t, i)| {
                (
                    t.as_str(),
                    i.status.as_str(),
                    i.expiry_date.map(DateTime::unix_millis),
                    i.parent_id_tag.as_ref().map(IdToken::as_str),
                )
            })
        };
        (!self.cache.is_empty()).then_some(Seq(entries))
    }

    /// Restores the cache record (its newest entries, up to the bound). All
    /// or nothing; `Ok(false)` when the pool refused.
    pub(crate) fn restore(&mut self, body: &[u8]) -> Result<bool, Dropped> {
        type Entry<'a> = (&'a str, &'a str, Option<i64>, Option<&'a str>);
        let entry = |(t, status, expiry, parent): Entry<'_>| -> Result<_, Dropped> {
            let bad = |_| Dropped::Invalid;
            let tag = |s: &str| IdToken::try_from_str(s).map_err(bad);
            let info = IdTagInfo {
                status: AuthorizationStatus::parse(status).map_err(|_| Dropped::Invalid)?,
                expiry_date: expiry.map(DateTime::from_unix_millis),
                parent_id_tag: parent.map(tag).transpose()?,
            };
            Ok((tag(t)?, info))
        };
        let mut r = Reader::new(body);
        let n = r.len()?;
        let start = r.clone();
        for _ in 0..n {
            entry(r.take()?)?;
        }
        r.finish()?;
        let skip = n.saturating_sub(usize::from(self.max_cache));
        if self.cache.try_reserve_exact(n - skip).is_err() {
            return Ok(false);
        }
        // Checked above: nothing below fails. The newest entries are last.
        let mut r = start;
        for i in 0..n {
            let e = r
                .take()
                .map_err(|_| ())
                .and_then(|e| entry(e).map_err(|_| ()));
            if let (Ok(e), true) = (e, i >= skip) {
                let pushed = self.cache.push_within_capacity(e);
                debug_assert!(pushed.is_ok());
            }
        }
        Ok(true)
    }

    /// ClearCache: every entry goes, and its memory back to the pool.
    pub(crate) fn clear_cache(&mut self) {
        self.cache = Vec::new_in(self.cache.allocator().clone());
    }

    /// Prepares and commits a new request: a queue slot is reserved
    /// before anything becomes visible.
    pub(crate) fn push(&mut self, id_tag: IdToken, deadline: Instant) -> Result<(), InputError> {
        if self.queue.len() >= usize::from(self.max) {
            return Err(InputError::QueueFull);
        }
        // Exact: one pending request is the common case, and a slot is ~90 bytes.
        self.queue
            .try_reserve_exact(1)
            .map_err(|_| InputError::OutOfMemory)?;
        let entry = Pending {
            request: AuthorizeRequest { id_tag },
            deadline,
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

    /// The answer is decoded (without an allocation) and kept for the
    /// firmware; what it says of the idTag goes to the cache.
    pub(crate) fn on_result(
        &mut self,
        cx: &Cx<'_, A>,
        _token: Token,
        payload: &[u8],
    ) -> Result<(), AnswerError> {
        let r: AuthorizeResponse = answer(cx, payload)?;
        let id_tag = self.sent_mut().map(|p| {
            p.progress = Progress::Answered(r.id_tag_info);
            p.request.id_tag
        });
        if let Some(id_tag) = id_tag {
            self.learn(cx, id_tag, r.id_tag_info);
        }
        Ok(())
    }

    pub(crate) fn on_failure(&mut self, _token: Token, why: CallFailure) {
        if let Some(p) = self.sent_mut() {
            p.progress = Progress::Failed(why);
        }
    }

    /// The entry whose CALL is outstanding.
    fn sent_mut(&mut self) -> Option<&mut Pending> {
        self.queue
            .iter_mut()
            .find(|p| matches!(p.progress, Progress::Sent))
    }

    /// Requests still queued at their deadline fail with `Timeout`.
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        for p in self.queue.iter_mut() {
            if matches!(p.progress, Progress::Queued) && p.deadline <= now {
                p.progress = Progress::Failed(CallFailure::Timeout);
            }
        }
    }

    /// The earliest deadline of a request not yet sent.
    pub(crate) fn poll_at(&self) -> Option<Instant> {
        self.queue
            .iter()
            .filter(|p| matches!(p.progress, Progress::Queued))
            .map(|p| p.deadline)
            .min()
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
    pub(crate) fn poll_event(&mut self) -> Option<Event> {
        let index = self
            .queue
            .iter()
            .position(|p| matches!(p.progress, Progress::Answered(_) | Progress::Failed(_)))?;
        let Pending {
            request, progress, ..
        } = self.queue.remove(index);
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
