//! `--scenario FILE`: a scripted run, one line at a time, that exits
//! non-zero when an expectation is not met.
//!
//! The format (README.md, "Scenario files"): one step per line; `#` starts
//! a comment; blank lines are skipped. A step is an interactive command
//! (`plug`, `idtag ABCD1234`, `power 7400`, `fault GroundFailure`, ...; see
//! `commands.rs`), or one of:
//!
//! ```text
//! wait SECONDS                              let time pass (fractions allowed)
//! timeout SECONDS                           the wait of each later expect (default 10)
//! expect send ACTION [TEXT...] [within S]   a frame we send: a CALL of ACTION, or an answer to one
//! expect receive ACTION [TEXT...] [within S] a frame the central system sends
//! expect event NAME [TEXT...] [within S]    an event of the engine (Registered, Energy, Unlock, ...)
//! ```
//!
//! Each TEXT word must appear in the frame's JSON text (for an event: in
//! its printed form, `Energy { connector: 1, on: true }`). An expectation
//! looks at what happened after the previous command, and after the
//! previous met expectation of its kind (so `expect send A` then `expect
//! send B` means B after A; a frame and an event are not ordered between
//! them, since the engine's order of the two is its own business), and
//! waits up to its timeout for it.

use std::path::{Path, PathBuf};

use ocpp_alloc::Backend;
use ocpp_engine::{Duration, Instant};

use crate::commands::{self, Command, Flow};
use crate::frames::{Dir, Frame};
use crate::host::Host;
use crate::log::say;

/// What the host saw: a frame either way, or an event (its printed form).
#[derive(Clone, Debug)]
pub enum Seen {
    Frame(Frame),
    Event(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum What {
    Send,
    Receive,
    Event,
}

impl What {
    fn index(&self) -> usize {
        match self {
            What::Send => 0,
            What::Receive => 1,
            What::Event => 2,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    Command(Command),
    Wait(u64),
    Timeout(u64),
    Expect {
        what: What,
        name: String,
        texts: Vec<String>,
        within: Option<u64>,
    },
}

/// A step with its line number and text.
pub(crate) type Line = (usize, String, Step);

/// A scenario being played.
#[derive(Debug)]
pub struct Scenario {
    path: PathBuf,
    steps: Vec<Line>,
    next: usize,
    /// When the current wait or expectation started.
    since: Option<Instant>,
    timeout_ms: u64,
    seen: Vec<Seen>,
    /// Where expectations of each kind (send, receive, event) start
    /// looking in `seen`.
    cursor: [usize; 3],
}

impl Scenario {
    /// Reads and checks the whole file (an error names its line).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the scenario {}: {e}", path.display()))?;
        let steps = parse(&text).map_err(|(n, e)| format!("{}:{n}: {e}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            steps,
            next: 0,
            since: None,
            timeout_ms: 10_000,
            seen: Vec::new(),
            cursor: [0; 3],
        })
    }

    /// Takes note of what the host saw.
    pub fn saw(&mut self, seen: impl IntoIterator<Item = Seen>) {
        self.seen.extend(seen);
    }

    /// When the current step wants to be looked at again.
    pub fn deadline(&self) -> Option<Instant> {
        let since = self.since?;
        match &self.steps.get(self.next)?.2 {
            Step::Wait(ms) => Some(since + Duration::from_millis(*ms)),
            Step::Expect { within, .. } => {
                Some(since + Duration::from_millis(within.unwrap_or(self.timeout_ms)))
            }
            _ => None,
        }
    }

    /// Plays every step that can be played at `t`. `Ok(true)` once the
    /// scenario is over (or quit); `Err` when an expectation failed or a
    /// command was not taken.
    pub fn play<B: Backend>(&mut self, t: Instant, host: &mut Host<'_, B>) -> Result<bool, String> {
        while let Some((line, text, step)) = self.steps.get(self.next).cloned() {
            let at = format!("scenario {}:{line}", self.path.display());
            let since = *self.since.get_or_insert(t);
            let elapsed = t.saturating_since(since).as_millis();
            match step {
                Step::Command(command) => {
                    say!("{at}: {text}");
                    let flow = host
                        .execute(t, &command)
                        .map_err(|e| format!("{at}: {e}"))?;
                    self.cursor = [self.seen.len(); 3];
                    if flow == Flow::Quit {
                        return Ok(true);
                    }
                }
                Step::Wait(ms) if elapsed < ms => return Ok(false),
                Step::Wait(_) => {}
                Step::Timeout(ms) => self.timeout_ms = ms,
                Step::Expect {
                    what,
                    name,
                    texts,
                    within,
                } => {
                    let from = self.cursor[what.index()];
                    let found = self.seen[from..]
                        .iter()
                        .position(|s| matches(s, &what, &name, &texts));
                    let limit = within.unwrap_or(self.timeout_ms);
                    match found {
                        Some(i) => {
                            self.cursor[what.index()] = from + i + 1;
                            say!("{at}: as expected: {} {name}", verb(&what));
                        }
                        None if elapsed < limit => return Ok(false),
                        None => return Err(self.failure(&at, &what, &name, &texts, limit)),
                    }
                }
            }
            self.next += 1;
            self.since = Some(t);
        }
        if self.since.is_some() {
            say!(
                "scenario {}: over, every expectation met",
                self.path.display()
            );
            self.since = None;
        }
        Ok(true)
    }

    /// Why `--seconds` ended it: where it stood.
    pub fn unfinished(&self) -> String {
        let (line, text) = self
            .steps
            .get(self.next)
            .map_or((0, ""), |(n, text, _)| (*n, text.as_str()));
        format!(
            "scenario {}:{line}: not over when --seconds ran out (at {text:?})",
            self.path.display()
        )
    }

    /// An expectation that was not met, in words, with what did happen.
    fn failure(&self, at: &str, what: &What, name: &str, texts: &[String], ms: u64) -> String {
        let happened: Vec<String> = self.seen[self.cursor[what.index()]..]
            .iter()
            .filter_map(|s| match (s, what) {
                (Seen::Frame(f), What::Send) if f.dir == Dir::Sent => {
                    Some(format!("{} {}", f.kind, f.action))
                }
                (Seen::Frame(f), What::Receive) if f.dir == Dir::Received => {
                    Some(format!("{} {}", f.kind, f.action))
                }
                (Seen::Event(e), What::Event) => Some(e.clone()),
                _ => None,
            })
            .collect();
        let with = if texts.is_empty() {
            String::new()
        } else {
            format!(" with {}", texts.join(" "))
        };
        // The first few: enough to see what came instead.
        const SHOWN: usize = 12;
        let meanwhile = match happened.len() {
            0 => "nothing".to_string(),
            n if n <= SHOWN => happened.join(", "),
            n => format!("{}, and {} more", happened[..SHOWN].join(", "), n - SHOWN),
        };
        format!(
            "{at}: expectation failed: no {} {name}{with} within {:.1} s ({} meanwhile: {meanwhile})",
            noun(what),
            ms as f64 / 1000.0,
            verb(what),
        )
    }
}

fn verb(what: &What) -> &'static str {
    match what {
        What::Send => "sent",
        What::Receive => "received",
        What::Event => "event",
    }
}

fn noun(what: &What) -> &'static str {
    match what {
        What::Send => "frame sent:",
        What::Receive => "frame received:",
        What::Event => "event",
    }
}

pub(crate) fn matches(seen: &Seen, what: &What, name: &str, texts: &[String]) -> bool {
    let (ok, text) = match (seen, what) {
        (Seen::Frame(f), What::Send) => (f.dir == Dir::Sent && f.action == name, &f.text),
        (Seen::Frame(f), What::Receive) => (f.dir == Dir::Received && f.action == name, &f.text),
        (Seen::Event(e), What::Event) => {
            let event_name = e.split(|c: char| !c.is_alphanumeric()).next();
            (event_name == Some(name), e)
        }
        _ => return false,
    };
    ok && texts.iter().all(|t| text.contains(t.as_str()))
}

/// Seconds (fractions allowed) as milliseconds.
fn millis(text: &str) -> Result<u64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| (s * 1000.0).round() as u64)
        .ok_or_else(|| format!("{text:?} is not a number of seconds"))
}

/// The steps of a scenario's text; an error gives the line number.
pub(crate) fn parse(text: &str) -> Result<Vec<Line>, (usize, String)> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let step = match words[..] {
            ["wait", s] => Step::Wait(millis(s).map_err(|e| (n, e))?),
            ["timeout", s] => Step::Timeout(millis(s).map_err(|e| (n, e))?),
            ["wait" | "timeout", ..] => return Err((n, format!("write {} SECONDS", words[0]))),
            ["expect", what, name, ref rest @ ..] => {
                let what = match what {
                    "send" => What::Send,
                    "receive" => What::Receive,
                    "event" => What::Event,
                    other => {
                        return Err((
                            n,
                            format!(
                            "expect {other:?}: write expect send, expect receive or expect event"
                        ),
                        ))
                    }
                };
                let (texts, within) = match rest {
                    [texts @ .., "within", s] => (texts, Some(millis(s).map_err(|e| (n, e))?)),
                    _ => (rest, None),
                };
                Step::Expect {
                    what,
                    name: name.to_string(),
                    texts: texts.iter().map(|t| t.to_string()).collect(),
                    within,
                }
            }
            ["expect", ..] => return Err((n, "write expect send|receive|event NAME".into())),
            _ => Step::Command(commands::parse(line).map_err(|e| (n, e))?),
        };
        steps.push((n, line.to_string(), step));
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_format() {
        let text = "# a comment\n\nplug\nwait 1.5\nexpect send StartTransaction \"idTag\":\"A\" within 20 # late\n\
                    timeout 3\nexpect event Energy true\nexpect receive RemoteStopTransaction\n";
        let steps = parse(text).unwrap();
        let lines: Vec<usize> = steps.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8]);
        assert_eq!(steps[0].2, Step::Command(Command::Plug(1)));
        assert_eq!(steps[1].2, Step::Wait(1500));
        assert_eq!(
            steps[2].2,
            Step::Expect {
                what: What::Send,
                name: "StartTransaction".into(),
                texts: vec!["\"idTag\":\"A\"".into()],
                within: Some(20_000)
            }
        );
        assert_eq!(steps[3].2, Step::Timeout(3000));
        for (bad, says) in [
            ("plug\nfly\n", (2, "unknown command")),
            ("wait soon", (1, "\"soon\" is not a number of seconds")),
            ("expect see Heartbeat", (1, "write expect send")),
            ("expect send", (1, "write expect send|receive|event")),
        ] {
            let (n, e) = parse(bad).unwrap_err();
            assert_eq!(n, says.0, "{bad}");
            assert!(e.contains(says.1), "{bad}: {e}");
        }
    }

    #[test]
    fn matches_frames_and_events() {
        let sent = Seen::Frame(Frame {
            dir: Dir::Sent,
            kind: "CALL",
            action: "StopTransaction".into(),
            text: r#"[2,"5","StopTransaction",{"reason":"Local"}]"#.into(),
        });
        assert!(matches(&sent, &What::Send, "StopTransaction", &[]));
        assert!(matches(
            &sent,
            &What::Send,
            "StopTransaction",
            &[r#""reason":"Local""#.into()]
        ));
        assert!(!matches(
            &sent,
            &What::Send,
            "StopTransaction",
            &["Remote".into()]
        ));
        assert!(!matches(&sent, &What::Receive, "StopTransaction", &[]));
        let event = Seen::Event("Energy { connector: 1, on: true }".into());
        assert!(matches(&event, &What::Event, "Energy", &["true".into()]));
        assert!(!matches(&event, &What::Event, "Ener", &[]));
    }
}
