//! The scripted central system of BENCHMARK.md: it answers every CALL of the
//! charge point at once, with the answers the standard session prescribes.
//!
//! It is deliberately tiny (a byte scanner and a byte writer, no JSON
//! library, no heap) so that its own cost is small next to the engine's in
//! the instruction counts of `callgrind.sh`.

use ocpp_engine::Instant;
use ocpp_model::DateTime;

use crate::Error;

/// Actions the charge point sends in the standard session, in the order of
/// [`Counts::calls`](crate::Counts::calls).
pub const ACTIONS: [&str; 7] = [
    "BootNotification",
    "StatusNotification",
    "Authorize",
    "Heartbeat",
    "StartTransaction",
    "MeterValues",
    "StopTransaction",
];

/// `interval` of the BootNotification answer, in seconds.
pub const HEARTBEAT_INTERVAL_SECS: u64 = 300;

/// Wall-clock time (Unix seconds) the central system's clock reads at the
/// charge point's monotonic instant 0: 2026-11-25T10:00:00Z.
pub const WALL_EPOCH_SECS: i64 = 1_795_600_800;

/// What arrived at the central system.
#[derive(Debug)]
pub enum Seen<'a> {
    /// A CALL of the charge point (its index in [`ACTIONS`]) and the
    /// CALLRESULT to send back.
    Call { action: usize, reply: &'a [u8] },
    /// An answer (CALLRESULT or CALLERROR) of the charge point to a CALL of
    /// ours; kept in [`CentralSystem::last_answer`].
    Answer,
}

/// The scripted central system. Its buffers live inline: no allocation.
pub struct CentralSystem {
    reply: [u8; 256],
    last_answer: [u8; 256],
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
            last_answer: [0; 256],
            last_answer_len: 0,
        }
    }

    /// Takes in a frame the charge point sent at `now`.
    pub fn receive(&mut self, frame: &[u8], now: Instant) -> Result<Seen<'_>, Error> {
        let head = Head::parse(frame)?;
        match head.message_type {
            2 => {
                let action = head.action.ok_or(Error::Script("CALL without an action"))?;
                let index = ACTIONS
                    .iter()
                    .position(|a| *a == action)
                    .ok_or(Error::Script(
                        "CALL of an action the script does not answer",
                    ))?;
                let n = self.write_reply(head.id, index, now)?;
                Ok(Seen::Call {
                    action: index,
                    reply: &self.reply[..n],
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

    /// The last CALLRESULT/CALLERROR the charge point sent (cut at 256 bytes).
    pub fn last_answer(&self) -> &str {
        core::str::from_utf8(&self.last_answer[..self.last_answer_len]).unwrap_or("<not UTF-8>")
    }

    fn write_reply(&mut self, id: &[u8], action: usize, now: Instant) -> Result<usize, Error> {
        let mut w = Writer {
            buf: &mut self.reply,
            len: 0,
        };
        w.put(b"[3,\"")?;
        w.put(id)?;
        w.put(b"\",")?;
        match ACTIONS[action] {
            "BootNotification" => {
                w.put(b"{\"status\":\"Accepted\",\"currentTime\":\"")?;
                w.put(&iso8601(now))?;
                w.put(b"\",\"interval\":300}")?;
            }
            "Heartbeat" => {
                w.put(b"{\"currentTime\":\"")?;
                w.put(&iso8601(now))?;
                w.put(b"\"}")?;
            }
            "Authorize" | "StopTransaction" => {
                w.put(b"{\"idTagInfo\":{\"status\":\"Accepted\"}}")?
            }
            "StartTransaction" => {
                w.put(b"{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":42}")?
            }
            _ => w.put(b"{}")?,
        }
        w.put(b"]")?;
        Ok(w.len)
    }
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
            Seen::Call { action, reply } => {
                assert_eq!(ACTIONS[action], "Heartbeat");
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
}
