//! The scripted central system: it answers every CALL of the charge point
//! at once, from the one table of usual answers ([`USUAL`](crate::USUAL)) unless a test
//! said otherwise for that action ([`CentralSystem::answer`]).
//!
//! It is deliberately tiny (a byte scanner and a byte writer, no JSON
//! library, no heap) so that its own cost is small next to the engine's in
//! the instruction counts of `benches/callgrind.sh`, and so that it fits a
//! Cortex-M0's RAM. It also checks the little the script depends on:
//! MeterValues and StopTransaction carry the transactionId it gave
//! ([`CentralSystem::expect_transaction_id`]), and it counts the sampled
//! values of MeterValues.

use ocpp_engine::ocpp_model::{Action, ErrorCode};
use ocpp_engine::Instant;

use crate::answers::{self, Answer, Payload};
use crate::{Error, TRANSACTION_ID};

/// Room for the central system's answer, by default: the longest usual
/// one, or an override ([`Answer::Result`]), with a message id of 36
/// characters. A firmware that knows its answers picks less
/// (`CentralSystem::<160>::with_reply_room()`): it is RAM.
pub const REPLY_LEN: usize = 256;

/// Actions whose answer a test may override at one time.
pub const MAX_OVERRIDES: usize = 4;

/// What arrived at the central system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard<'a> {
    /// A CALL of the charge point.
    Call {
        /// Its message id.
        id: &'a [u8],
        /// Its action's name, as sent.
        name: &'a str,
        /// Its action, `None` for a name the model does not know (a
        /// firmware's own action).
        action: Option<Action>,
        /// The CALLRESULT or CALLERROR the central system sends back,
        /// `None` when it stays silent ([`Answer::Silent`]).
        answer: Option<&'a [u8]>,
        /// `sampledValue` items in a MeterValues (0 for the others).
        sampled_values: u64,
    },
    /// A CALLRESULT of the charge point to a CALL of the central system.
    Result {
        /// The message id it answers.
        id: &'a [u8],
    },
    /// A CALLERROR of the charge point to a CALL of the central system.
    Error {
        /// The message id it answers.
        id: &'a [u8],
        /// Its code (`InternalError`: the charge point lacked memory).
        code: ErrorCode,
    },
}

/// The scripted central system. Its buffers live inline: no allocation;
/// `REPLY` is the room for one answer ([`REPLY_LEN`] by default).
#[derive(Clone)]
pub struct CentralSystem<const REPLY: usize = REPLY_LEN> {
    reply: [u8; REPLY],
    /// The first `n_overrides` are in force.
    overrides: [(Action, Answer); MAX_OVERRIDES],
    n_overrides: usize,
    /// The usual StartTransaction answers given so far.
    started: i32,
    /// Each gets a transactionId of its own ([`CentralSystem::count_transactions`]).
    counting: bool,
    /// Refuse a MeterValues or StopTransaction that does not carry one
    /// transactionId the usual StartTransaction answer gave
    /// ([`TRANSACTION_ID`](crate::TRANSACTION_ID), or with
    /// [`CentralSystem::count_transactions`] one of those it counted out).
    /// On by default; a test with meter values outside a transaction, or
    /// that answers StartTransaction otherwise, turns it off.
    pub expect_transaction_id: bool,
}

/// What it answers otherwise than usual, and whether it checks transactionIds.
impl<const REPLY: usize> core::fmt::Debug for CentralSystem<REPLY> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CentralSystem")
            .field("overrides", &&self.overrides[..self.n_overrides])
            .field("counting", &self.counting)
            .field("last_transaction_id", &self.last_transaction_id())
            .field("expect_transaction_id", &self.expect_transaction_id)
            .finish_non_exhaustive()
    }
}

impl Default for CentralSystem {
    fn default() -> Self {
        Self::new()
    }
}

impl CentralSystem {
    /// A central system that gives the usual answers, with room for
    /// answers of [`REPLY_LEN`] bytes.
    pub const fn new() -> Self {
        Self::with_reply_room()
    }
}

impl<const REPLY: usize> CentralSystem<REPLY> {
    /// A central system that gives the usual answers, with room for
    /// answers of `REPLY` bytes (a longer one is an [`Error::Script`]).
    pub const fn with_reply_room() -> Self {
        Self {
            reply: [0; REPLY],
            overrides: [(Action::Authorize, Answer::Usual); MAX_OVERRIDES],
            n_overrides: 0,
            started: 0,
            counting: false,
            expect_transaction_id: true,
        }
    }

    /// From now on, each StartTransaction answered as usual gets a
    /// transactionId of its own: [`TRANSACTION_ID`](crate::TRANSACTION_ID)
    /// for the first of the central system's life, then the next number.
    /// (By default every one gets [`TRANSACTION_ID`](crate::TRANSACTION_ID).)
    pub fn count_transactions(&mut self) {
        self.counting = true;
    }

    /// The transactionId of the last usual StartTransaction answer, `None`
    /// before the first.
    pub fn last_transaction_id(&self) -> Option<i32> {
        (self.started > 0).then(|| self.transaction_id(self.started - 1))
    }

    /// The transactionId of the `k`-th usual StartTransaction answer, from 0.
    fn transaction_id(&self, k: i32) -> i32 {
        if self.counting {
            TRANSACTION_ID.saturating_add(k)
        } else {
            TRANSACTION_ID
        }
    }

    /// Whether `frame` (a MeterValues or StopTransaction) carries one
    /// transactionId, and one the central system gave (without
    /// [`CentralSystem::count_transactions`]:
    /// [`TRANSACTION_ID`](crate::TRANSACTION_ID), given or not).
    fn carries_a_given_transaction_id(&self, frame: &[u8]) -> bool {
        if !self.counting {
            // The one id it gives, matched as bytes: the benches count
            // every instruction of this.
            return THE_TRANSACTION_ID_FIELD.count(frame) == 1;
        }
        let Some(at) = TRANSACTION_ID_FIELD.find(frame, 0) else {
            return false;
        };
        let start = at + TRANSACTION_ID_FIELD.text.len();
        let (mut id, mut end) = (0i32, start);
        // Up to 9 digits: no overflow, and no id the central system gives
        // is longer.
        while let Some(&d) = frame.get(end).filter(|d| d.is_ascii_digit()) {
            if end - start == 9 {
                return false;
            }
            id = id * 10 + i32::from(d - b'0');
            end += 1;
        }
        let last = if self.counting {
            TRANSACTION_ID.saturating_add(self.started) - 1
        } else {
            TRANSACTION_ID
        };
        end > start
            && (TRANSACTION_ID..=last).contains(&id)
            && TRANSACTION_ID_FIELD.find(frame, end).is_none()
    }

    /// From now on, answers CALLs of `action` with `answer` (and with the
    /// usual one again after [`Answer::Usual`]). At most [`MAX_OVERRIDES`]
    /// actions at a time.
    pub fn answer(&mut self, action: Action, answer: Answer) -> Result<(), Error> {
        let n = self.n_overrides;
        let at = self.overrides[..n].iter().position(|(a, _)| *a == action);
        match (at, answer) {
            (Some(i), Answer::Usual) => {
                self.overrides.copy_within(i + 1..n, i);
                self.n_overrides -= 1;
            }
            (Some(i), _) => self.overrides[i].1 = answer,
            (None, Answer::Usual) => {}
            (None, _) => {
                let slot = self
                    .overrides
                    .get_mut(n)
                    .ok_or(Error::Setup("more overridden actions than MAX_OVERRIDES"))?;
                *slot = (action, answer);
                self.n_overrides += 1;
            }
        }
        Ok(())
    }

    /// What the central system answers to `action` now.
    pub fn answer_of(&self, action: Action) -> Answer {
        self.overrides[..self.n_overrides]
            .iter()
            .find(|(a, _)| *a == action)
            .map_or(Answer::Usual, |(_, answer)| *answer)
    }

    /// Takes in a frame the charge point sent at `now`, and answers it if
    /// it is a CALL.
    pub fn receive<'a>(&'a mut self, frame: &'a [u8], now: Instant) -> Result<Heard<'a>, Error> {
        let head = Head::parse(frame)?;
        let id = head.id;
        let name = match (head.message_type, head.name) {
            (2, Some(name)) => name,
            (4, Some(code)) => {
                let code = ErrorCode::parse_lenient(code);
                return Ok(Heard::Error { id, code });
            }
            _ => return Ok(Heard::Result { id }),
        };
        let (action, usual) = match answers::row(name) {
            Some(row) => (Some(row.action), row.payload),
            None => (Action::parse(name).ok(), Payload::EMPTY),
        };
        let mut sampled_values = 0;
        if matches!(action, Some(Action::MeterValues | Action::StopTransaction)) {
            if self.expect_transaction_id && !self.carries_a_given_transaction_id(frame) {
                return Err(Error::Script(
                    "MeterValues or StopTransaction without the transactionId the central system gave",
                ));
            }
            if action == Some(Action::MeterValues) {
                sampled_values = SAMPLED_VALUE.count(frame);
            }
        }
        let answer = match action {
            Some(a) if self.n_overrides > 0 => self.answer_of(a),
            _ => Answer::Usual,
        };
        let out = &mut self.reply;
        let len = match answer {
            Answer::Usual => {
                let mut transaction_id = TRANSACTION_ID;
                if let Payload::Transaction(..) = usual {
                    if self.counting {
                        transaction_id = TRANSACTION_ID.saturating_add(self.started);
                    }
                    self.started = self.started.saturating_add(1);
                }
                answers::write_answer(out, id, &usual, now, transaction_id)
            }
            Answer::Result(text) => answers::write_result(out, id, &Payload::Fixed(text), now),
            Answer::CallError(code, description) => {
                answers::write_error(out, id, code, description)
            }
            Answer::Silent => {
                return Ok(Heard::Call {
                    id,
                    name,
                    action,
                    answer: None,
                    sampled_values,
                })
            }
        };
        let len = len.ok_or(Error::Script(
            "answer longer than the central system's room for it",
        ))?;
        Ok(Heard::Call {
            id,
            name,
            action,
            answer: Some(&self.reply[..len]),
            sampled_values,
        })
    }
}

/// `transactionId` as the charge point writes it in MeterValues and
/// StopTransaction, its number after it.
const TRANSACTION_ID_FIELD: Needle = Needle::new(b"\"transactionId\":");

/// `transactionId` [`TRANSACTION_ID`](crate::TRANSACTION_ID) as the charge
/// point writes it in MeterValues and StopTransaction (another property
/// follows it in both).
const THE_TRANSACTION_ID_FIELD: Needle = Needle::new(b"\"transactionId\":42,");

/// The start of one `sampledValue` item (the engine writes `value` first).
const SAMPLED_VALUE: Needle = Needle::new(b"{\"value\":\"");

/// A byte string to count in frames (Horspool's search, its skip table
/// built at compile time), so that the script's own cost stays small in the
/// instruction counts: it looks at about one byte in ten of a frame.
struct Needle {
    text: &'static [u8],
    /// How far the search may move on when a window ends with this byte.
    skip: [u8; 256],
}

impl Needle {
    /// `text` must be 1 to 255 bytes long.
    const fn new(text: &'static [u8]) -> Self {
        assert!(!text.is_empty() && text.len() < 256);
        let n = text.len();
        let mut skip = [n as u8; 256];
        let mut i = 0;
        while i + 1 < n {
            skip[text[i] as usize] = (n - 1 - i) as u8;
            i += 1;
        }
        Needle { text, skip }
    }

    /// Occurrences in `hay`, not overlapping.
    fn count(&self, hay: &[u8]) -> u64 {
        let n = self.text.len();
        let last = self.text[n - 1];
        let (mut found, mut i) = (0, 0);
        while let Some(window) = hay.get(i..i + n) {
            let end = window[n - 1];
            if end == last && window == self.text {
                found += 1;
                i += n;
            } else {
                i += usize::from(self.skip[usize::from(end)]);
            }
        }
        found
    }

    /// Where the first occurrence in `hay` from `from` on starts.
    fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        let n = self.text.len();
        let last = self.text[n - 1];
        let mut i = from;
        while let Some(window) = hay.get(i..i + n) {
            let end = window[n - 1];
            if end == last && window == self.text {
                return Some(i);
            }
            i += usize::from(self.skip[usize::from(end)]);
        }
        None
    }
}

/// The start of an OCPP-J frame: `[type,"id"` and, for a CALL, `,"Action"`,
/// for a CALLERROR `,"Code"`.
struct Head<'a> {
    message_type: u8,
    id: &'a [u8],
    name: Option<&'a str>,
}

impl<'a> Head<'a> {
    fn parse(frame: &'a [u8]) -> Result<Self, Error> {
        let mut c = Cursor { b: frame, i: 0 };
        c.expect(b'[')?;
        let message_type = match c.next()? {
            d @ b'2'..=b'4' => d - b'0',
            _ => return Err(Error::Script("frame of an unknown message type")),
        };
        c.expect(b',')?;
        let id = c.string()?;
        let name = if message_type == 3 {
            None
        } else {
            c.expect(b',')?;
            let raw = c.string()?;
            Some(core::str::from_utf8(raw).map_err(|_| Error::Script("action or code not UTF-8"))?)
        };
        Ok(Head {
            message_type,
            id,
            name,
        })
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn next(&mut self) -> Result<u8, Error> {
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            if !matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                return Ok(c);
            }
        }
        Err(Error::Script("frame cut short"))
    }

    fn expect(&mut self, want: u8) -> Result<(), Error> {
        if self.next()? == want {
            Ok(())
        } else {
            Err(Error::Script("frame not shaped as OCPP-J"))
        }
    }

    /// A string without escapes (message ids and actions have none here).
    fn string(&mut self) -> Result<&'a [u8], Error> {
        self.expect(b'"')?;
        let start = self.i;
        let len = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\')
            .ok_or(Error::Script("string cut short"))?;
        if self.b[start + len] == b'\\' {
            return Err(Error::Script("escaped id or action: not in the script"));
        }
        self.i = start + len + 1;
        Ok(&self.b[start..start + len])
    }
}

#[cfg(test)]
mod tests;
