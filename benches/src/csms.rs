//! The scripted central system of BENCHMARK.md: it answers every CALL of the
//! charge point at once, with the answers the standard session prescribes.
//!
//! It is deliberately tiny (a byte scanner and a byte writer, no JSON
//! library, no heap) so that its own cost is small next to the engine's in
//! the instruction counts of `callgrind.sh`. It also checks the little the
//! script depends on: MeterValues and StopTransaction carry the
//! transactionId it gave, and it counts the sampled values of MeterValues.

use core::fmt;
use core::ops::{Index, IndexMut};

use ocpp_engine::Instant;
use ocpp_model::DateTime;

use crate::Error;

/// The CALLs the charge point sends in the standard session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// Registration.
    BootNotification,
    /// A connector's status.
    StatusNotification,
    /// An idTag to authorize.
    Authorize,
    /// Alive, and the clock.
    Heartbeat,
    /// A transaction begins.
    StartTransaction,
    /// Periodic samples of a transaction.
    MeterValues,
    /// A transaction ends.
    StopTransaction,
}

impl Call {
    /// Every CALL of the script, in the order of [`CallCounts`].
    pub const ALL: [Call; 7] = [
        Call::BootNotification,
        Call::StatusNotification,
        Call::Authorize,
        Call::Heartbeat,
        Call::StartTransaction,
        Call::MeterValues,
        Call::StopTransaction,
    ];

    /// The action's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Call::BootNotification => "BootNotification",
            Call::StatusNotification => "StatusNotification",
            Call::Authorize => "Authorize",
            Call::Heartbeat => "Heartbeat",
            Call::StartTransaction => "StartTransaction",
            Call::MeterValues => "MeterValues",
            Call::StopTransaction => "StopTransaction",
        }
    }

    /// The CALL of action `name`, if the script knows it.
    pub fn parse(name: &str) -> Option<Call> {
        Call::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// How many CALLs of each action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallCounts([u64; Call::ALL.len()]);

impl CallCounts {
    /// All actions together.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// What was counted between `earlier` and `self`.
    pub fn since(&self, earlier: &CallCounts) -> CallCounts {
        let mut out = *self;
        for (n, e) in out.0.iter_mut().zip(earlier.0) {
            *n -= e;
        }
        out
    }

    /// The counts by action, those that are not zero.
    pub fn iter(&self) -> impl Iterator<Item = (Call, u64)> + '_ {
        Call::ALL
            .into_iter()
            .map(|c| (c, self[c]))
            .filter(|(_, n)| *n > 0)
    }
}

impl Index<Call> for CallCounts {
    type Output = u64;
    fn index(&self, c: Call) -> &u64 {
        &self.0[c as usize]
    }
}

impl IndexMut<Call> for CallCounts {
    fn index_mut(&mut self, c: Call) -> &mut u64 {
        &mut self.0[c as usize]
    }
}

/// `StatusNotification 4, Authorize 1, ...`: the counts that are not zero.
impl fmt::Display for CallCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (c, n)) in self.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{} {n}", c.as_str())?;
        }
        Ok(())
    }
}

/// `interval` of the BootNotification answer, in seconds.
pub const HEARTBEAT_INTERVAL_SECS: u64 = 300;

/// The transactionId the central system gives every StartTransaction.
pub const TRANSACTION_ID: i32 = 42;

/// Wall-clock time (Unix seconds) the central system's clock reads at the
/// charge point's monotonic instant 0: 2026-11-25T10:00:00Z.
pub const WALL_EPOCH_SECS: i64 = 1_795_600_800;

/// Longest answer of the charge point the central system keeps: the
/// driver's frame buffer (a GetConfiguration of every key fits).
pub const ANSWER_BUF: usize = crate::FRAME_BUF;

/// What arrived at the central system.
#[derive(Debug)]
pub enum Seen<'a> {
    /// A CALL of the charge point, the CALLRESULT to send back, and the
    /// sampled values it carried (MeterValues; 0 for the others).
    Call {
        /// Which CALL.
        action: Call,
        /// The answer.
        reply: &'a [u8],
        /// `sampledValue` items in a MeterValues.
        sampled_values: u64,
    },
    /// An answer (CALLRESULT or CALLERROR) of the charge point to a CALL of
    /// ours; kept in [`CentralSystem::last_answer`].
    Answer,
}

/// The scripted central system. Its buffers live inline: no allocation.
pub struct CentralSystem {
    reply: [u8; 256],
    last_answer: [u8; ANSWER_BUF],
    last_answer_len: usize,
}

impl core::fmt::Debug for CentralSystem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CentralSystem")
            .field("last_answer", &self.last_answer())
            .finish()
    }
}

impl Default for CentralSystem {
    fn default() -> Self {
        Self::new()
    }
}

impl CentralSystem {
    /// A central system that has seen nothing yet.
    pub const fn new() -> Self {
        Self {
            reply: [0; 256],
            last_answer: [0; ANSWER_BUF],
            last_answer_len: 0,
        }
    }

    /// Takes in a frame the charge point sent at `now`.
    pub fn receive(&mut self, frame: &[u8], now: Instant) -> Result<Seen<'_>, Error> {
        let head = Head::parse(frame)?;
        match head.message_type {
            2 => {
                let action = head.action.ok_or(Error::Script("CALL without an action"))?;
                let action = Call::parse(action).ok_or(Error::Script(
                    "CALL of an action the script does not answer",
                ))?;
                if matches!(action, Call::MeterValues | Call::StopTransaction)
                    && count(frame, &TRANSACTION_ID_FIELD) != 1
                {
                    return Err(Error::Script(
                        "MeterValues or StopTransaction without the transactionId the central system gave",
                    ));
                }
                let sampled_values = if action == Call::MeterValues {
                    count(frame, &SAMPLED_VALUE)
                } else {
                    0
                };
                let n = self.write_reply(head.id, action, now)?;
                Ok(Seen::Call {
                    action,
                    reply: &self.reply[..n],
                    sampled_values,
                })
            }
            3 | 4 => {
                let n = frame.len().min(self.last_answer.len());
                self.last_answer[..n].copy_from_slice(&frame[..n]);
                self.last_answer_len = n;
                Ok(Seen::Answer)
            }
            _ => Err(Error::Script("frame of an unknown message type")),
        }
    }

    /// The last CALLRESULT/CALLERROR the charge point sent (cut at [`ANSWER_BUF`] bytes).
    pub fn last_answer(&self) -> &str {
        core::str::from_utf8(&self.last_answer[..self.last_answer_len]).unwrap_or("<not UTF-8>")
    }

    fn write_reply(&mut self, id: &[u8], action: Call, now: Instant) -> Result<usize, Error> {
        let mut w = Writer {
            buf: &mut self.reply,
            len: 0,
        };
        w.put(b"[3,\"")?;
        w.put(id)?;
        w.put(b"\",")?;
        match action {
            Call::BootNotification => {
                w.put(b"{\"status\":\"Accepted\",\"currentTime\":\"")?;
                w.put(&iso8601(now))?;
                w.put(b"\",\"interval\":300}")?;
            }
            Call::Heartbeat => {
                w.put(b"{\"currentTime\":\"")?;
                w.put(&iso8601(now))?;
                w.put(b"\"}")?;
            }
            Call::Authorize | Call::StopTransaction => {
                w.put(b"{\"idTagInfo\":{\"status\":\"Accepted\"}}")?
            }
            Call::StartTransaction => {
                w.put(b"{\"transactionId\":42,\"idTagInfo\":{\"status\":\"Accepted\"}}")?
            }
            Call::StatusNotification | Call::MeterValues => w.put(b"{}")?,
        }
        w.put(b"]")?;
        Ok(w.len)
    }
}

/// `transactionId` [`TRANSACTION_ID`] as the charge point writes it in
/// MeterValues and StopTransaction (another property follows it in both).
const TRANSACTION_ID_FIELD: Needle = Needle::new(b"\"transactionId\":42,");

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
}

/// Occurrences of `needle` in `frame`, not overlapping.
fn count(frame: &[u8], needle: &Needle) -> u64 {
    needle.count(frame)
}

struct Writer<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.len + bytes.len();
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or(Error::Script("reply too long"))?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// The start of an OCPP-J frame: `[type,"id"` and, for a CALL, `,"Action"`.
struct Head<'a> {
    message_type: u8,
    id: &'a [u8],
    action: Option<&'a str>,
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
        let action = if message_type == 2 {
            c.expect(b',')?;
            let raw = c.string()?;
            Some(core::str::from_utf8(raw).map_err(|_| Error::Script("action not UTF-8"))?)
        } else {
            None
        };
        Ok(Head {
            message_type,
            id,
            action,
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

/// The central system's wall-clock time at the charge point's instant `now`,
/// as OCPP's `dateTime` (`YYYY-MM-DDTHH:MM:SSZ`), whole seconds.
pub fn iso8601(now: Instant) -> [u8; 20] {
    let secs = WALL_EPOCH_SECS + i64::try_from(now.as_millis() / 1000).unwrap_or(0);
    let mut buf = [0u8; 24];
    let text = DateTime::from_unix_millis(secs * 1000).write(&mut buf);
    let mut out = [0u8; 20];
    out.copy_from_slice(&text.as_bytes()[..20]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_format() {
        assert_eq!(&iso8601(Instant::from_millis(0)), b"2026-11-25T10:00:00Z");
        assert_eq!(
            &iso8601(Instant::from_millis(50_400_000 + 61_000)),
            b"2026-11-26T00:01:01Z"
        );
    }

    #[test]
    fn answers_calls_and_keeps_answers() {
        let mut cs = CentralSystem::new();
        let now = Instant::from_millis(1_000);
        match cs.receive(br#"[2,"7","Heartbeat",{}]"#, now).unwrap() {
            Seen::Call { action, reply, .. } => {
                assert_eq!(action, Call::Heartbeat);
                assert_eq!(reply, br#"[3,"7",{"currentTime":"2026-11-25T10:00:01Z"}]"#);
            }
            Seen::Answer => panic!("a CALL"),
        }
        let boot =
            br#"[2,"1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]"#;
        match cs.receive(boot, now).unwrap() {
            Seen::Call { reply, .. } => {
                let v: serde_json::Value = serde_json::from_slice(reply).unwrap();
                assert_eq!(v[2]["status"], "Accepted");
                assert_eq!(v[2]["interval"], HEARTBEAT_INTERVAL_SECS);
            }
            Seen::Answer => panic!("a CALL"),
        }
        let err = br#"[4,"x","NotImplemented","unknown action",{}]"#;
        assert!(matches!(cs.receive(err, now).unwrap(), Seen::Answer));
        assert_eq!(cs.last_answer().as_bytes(), err);
        assert!(cs.receive(br#"[2,"1","Reset",{}]"#, now).is_err());
        assert!(cs.receive(br#"{"not":"a frame"}"#, now).is_err());
    }

    fn reply_to(cs: &mut CentralSystem, frame: &str) -> (serde_json::Value, u64) {
        match cs
            .receive(frame.as_bytes(), Instant::from_millis(0))
            .unwrap()
        {
            Seen::Call {
                reply,
                sampled_values,
                ..
            } => (serde_json::from_slice(reply).unwrap(), sampled_values),
            Seen::Answer => panic!("a CALL: {frame}"),
        }
    }

    #[test]
    fn answers_the_transaction_messages_of_the_script() {
        let mut cs = CentralSystem::new();
        let start = r#"[2,"5","StartTransaction",{"connectorId":1,"idTag":"ABCD1234","meterStart":0,"timestamp":"2026-11-25T10:00:00Z"}]"#;
        let (v, _) = reply_to(&mut cs, start);
        assert_eq!(
            v[2],
            serde_json::json!({"transactionId": TRANSACTION_ID, "idTagInfo": {"status": "Accepted"}})
        );
        let field = format!("\"transactionId\":{TRANSACTION_ID},");
        assert_eq!(TRANSACTION_ID_FIELD.text, field.as_bytes());

        let meter = r#"[2,"6","MeterValues",{"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-11-25T10:01:00Z","sampledValue":[{"value":"183.333","measurand":"Energy.Active.Import.Register"},{"value":"11000","measurand":"Power.Active.Import"}]}]}]"#;
        let (v, sampled) = reply_to(&mut cs, meter);
        assert_eq!(v[2], serde_json::json!({}));
        assert_eq!(sampled, 2);

        let stop = r#"[2,"7","StopTransaction",{"meterStop":1833,"timestamp":"2026-11-25T10:10:00Z","transactionId":42,"reason":"Local"}]"#;
        let (v, sampled) = reply_to(&mut cs, stop);
        assert_eq!(
            v[2],
            serde_json::json!({"idTagInfo": {"status": "Accepted"}})
        );
        assert_eq!(sampled, 0);

        // Another transactionId (or none) is off the script.
        let other = meter.replace(":42,", ":421,");
        assert!(cs
            .receive(other.as_bytes(), Instant::from_millis(0))
            .is_err());
        let none = stop.replace(r#""transactionId":42,"#, "");
        assert!(cs
            .receive(none.as_bytes(), Instant::from_millis(0))
            .is_err());
    }

    #[test]
    fn counts_without_overlap() {
        const AA: Needle = Needle::new(b"aa");
        const ABCD: Needle = Needle::new(b"abcd");
        const A: Needle = Needle::new(b"a");
        assert_eq!(count(b"aaaa", &AA), 2);
        assert_eq!(count(b"aaa", &AA), 1);
        assert_eq!(count(b"abc", &ABCD), 0);
        assert_eq!(count(b"xabcdabcabcdy", &ABCD), 2);
        assert_eq!(count(b"", &A), 0);
        assert_eq!(count(b"banana", &A), 3);
        // Against the naive count, on every slice of a text with repeats.
        let text = br#"{"value":"1"},{"value":"{"value":"2"}"value":{"#;
        for start in 0..text.len() {
            for end in start..=text.len() {
                let hay = &text[start..end];
                let naive = (0..hay.len())
                    .filter(|&i| hay[i..].starts_with(SAMPLED_VALUE.text))
                    .count() as u64;
                assert_eq!(count(hay, &SAMPLED_VALUE), naive, "{hay:?}");
            }
        }
    }

    #[test]
    fn call_counts_add_up_and_print() {
        let mut a = CallCounts::default();
        a[Call::StatusNotification] = 4;
        a[Call::Heartbeat] = 2;
        let mut b = a;
        b[Call::MeterValues] += 10;
        assert_eq!(b.since(&a).total(), 10);
        assert_eq!(
            b.to_string(),
            "StatusNotification 4, Heartbeat 2, MeterValues 10"
        );
        for c in Call::ALL {
            assert_eq!(Call::parse(c.as_str()), Some(c));
        }
    }
}
