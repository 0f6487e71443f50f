//! The commands a person types (`repl.rs`) or a scenario file holds
//! (`scenario.rs`): the charger's hardware inputs (cables, cards, meter,
//! faults) and questions (status, memory). Parsed into [`Command`], played
//! by [`Host::execute`] on the engine and the simulated hardware.

use ocpp_alloc::Backend;
use ocpp_engine::ocpp_model::ChargePointErrorCode;
use ocpp_engine::Instant;

use crate::host::Host;
use crate::log::say;

/// What `help` prints.
pub const HELP: &str = "\
commands (C: a connector, 1 when left out):
  plug [C]           plug a cable in (Preparing; a transaction starts once an idTag was accepted)
  unplug [C]         pull the cable out (a running transaction stops: EVDisconnected)
  idtag [TAG [C]]    present an idTag (a card): starts a transaction, or stops the one it started;
                     without TAG, the first of --id-tag (ABCD1234)
  energy WH [C]      set the meter's energy register, in Wh
  power W [C]        set what the EV draws while charging, in W (the meter runs at it)
  fault CODE [C]     raise a fault (Faulted); CODE: a ChargePointErrorCode such as GroundFailure,
                     C 0: the charge point as a whole
  clear [C]          clear the fault
  config KEY=VALUE   set a configuration key, as ChangeConfiguration would
  status             registration, connection, each connector, the transaction queue
  memory             the pool: in use, peak, allocations, refusals
  frames full|short  print whole frames, or shorten long ones (the default)
  help               this list
  quit               close the connection and exit";

/// One command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Plug(u8),
    Unplug(u8),
    /// The idTag (`None`: the configured one) and the connector.
    IdTag(Option<String>, u8),
    Energy(i64, u8),
    Power(i64, u8),
    Fault(ChargePointErrorCode, u8),
    Clear(u8),
    Config(String, String),
    Status,
    Memory,
    Frames(bool),
    Help,
    Quit,
}

/// What the loop does after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// Parses one line (already trimmed, not empty, not a comment).
pub fn parse(line: &str) -> Result<Command, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (&name, rest) = words.split_first().ok_or("an empty line")?;
    let connector = |at: usize| -> Result<u8, String> {
        match rest.get(at) {
            None => Ok(1),
            Some(c) => c
                .parse()
                .map_err(|_| format!("{c:?} is not a connector number")),
        }
    };
    let number = |what: &str| -> Result<i64, String> {
        let text = rest.first().ok_or_else(|| format!("{name} needs {what}"))?;
        text.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| format!("{text:?} is not {what}"))
    };
    let most = match name {
        "plug" | "unplug" | "clear" => 1,
        "idtag" | "energy" | "power" | "fault" => 2,
        "frames" | "config" => 1,
        _ => 0,
    };
    if rest.len() > most {
        return Err(format!("too many words for {name} (try help)"));
    }
    Ok(match name {
        "plug" => Command::Plug(connector(0)?),
        "unplug" => Command::Unplug(connector(0)?),
        "idtag" => Command::IdTag(rest.first().map(|t| t.to_string()), connector(1)?),
        "energy" => Command::Energy(number("a number of Wh")?, connector(1)?),
        "power" => Command::Power(number("a number of W")?, connector(1)?),
        "fault" => {
            let code = rest.first().ok_or("fault needs a ChargePointErrorCode")?;
            let code = ChargePointErrorCode::parse(code)
                .ok()
                .filter(|c| *c != ChargePointErrorCode::NoError)
                .ok_or_else(|| {
                    let all: Vec<&str> = ChargePointErrorCode::ALL
                        .iter()
                        .filter(|c| **c != ChargePointErrorCode::NoError)
                        .map(|c| c.as_str())
                        .collect();
                    format!("{code:?} is not a fault; one of {}", all.join(", "))
                })?;
            Command::Fault(code, connector(1)?)
        }
        "clear" => Command::Clear(connector(0)?),
        "config" => {
            let (key, value) = rest
                .first()
                .and_then(|kv| kv.split_once('='))
                .ok_or("write config KEY=VALUE")?;
            if key == "AuthorizationKey" {
                crate::log::hide(value);
            }
            Command::Config(key.to_string(), value.to_string())
        }
        "status" => Command::Status,
        "memory" => Command::Memory,
        "frames" => match rest.first() {
            Some(&"full") => Command::Frames(true),
            Some(&"short") => Command::Frames(false),
            _ => return Err("write frames full, or frames short".into()),
        },
        "help" | "?" => Command::Help,
        "quit" | "exit" => Command::Quit,
        other => return Err(format!("unknown command {other:?} (try help)")),
    })
}

impl<B: Backend> Host<'_, B> {
    /// Plays `command` at `t`. `Err` says why it was not taken (nothing
    /// changed then).
    pub fn execute(&mut self, t: Instant, command: &Command) -> Result<Flow, String> {
        let exists = |host: &Self, c: u8, zero: bool| {
            if (zero && c == 0) || host.hw.has(c) {
                Ok(())
            } else {
                Err(format!(
                    "no connector {c}: this charge point has {} (--connectors)",
                    host.cp.connectors()
                ))
            }
        };
        match command {
            Command::Plug(c) | Command::Unplug(c) => {
                exists(self, *c, false)?;
                let plug = matches!(command, Command::Plug(_));
                if self.hw.plugged(*c) == plug {
                    let state = if plug { "already in" } else { "not in" };
                    return Err(format!("the cable of connector {c} is {state}"));
                }
                self.hw.plug(t, &mut self.cp, *c, plug)?;
            }
            Command::IdTag(tag, c) => {
                exists(self, *c, false)?;
                let tag = tag.as_deref().unwrap_or(&self.id_tag);
                self.cp
                    .present_id_tag(t, *c, tag)
                    .map_err(|e| format!("idTag {tag} at connector {c} not taken: {e}"))?;
            }
            Command::Energy(wh, c) => {
                exists(self, *c, false)?;
                if *wh < self.hw.energy_wh(*c) {
                    say!("the register of connector {c} goes back: a central system may reject the readings");
                }
                self.hw.set_energy(t, *c, *wh);
                self.hw.feed(t, &mut self.cp)?;
            }
            Command::Power(w, c) => {
                exists(self, *c, false)?;
                self.hw.set_power(t, *c, *w);
                self.hw.feed(t, &mut self.cp)?;
            }
            Command::Fault(code, c) => {
                exists(self, *c, true)?;
                self.cp
                    .set_fault(t, *c, Some(*code))
                    .map_err(|e| format!("fault at connector {c}: {e}"))?;
            }
            Command::Clear(c) => {
                exists(self, *c, true)?;
                self.cp
                    .set_fault(t, *c, None)
                    .map_err(|e| format!("clear at connector {c}: {e}"))?;
            }
            Command::Config(key, value) => self
                .cp
                .configure(t, key, value)
                .map_err(|e| format!("config {key}: {e}"))?,
            Command::Status => self.say_status(t),
            Command::Memory => say!(
                "memory: pool of {} B: {}",
                self.pool_size,
                self.pool.stats()
            ),
            Command::Frames(full) => self.frames.full = *full,
            Command::Help => HELP.lines().for_each(|l| say!("{l}")),
            Command::Quit => return Ok(Flow::Quit),
        }
        Ok(Flow::Continue)
    }

    /// `status`: a few lines a person reads at a glance.
    fn say_status(&self, t: Instant) {
        say!(
            "status: {}; {}",
            if self.is_connected() {
                "connected to the central system"
            } else {
                "not connected"
            },
            crate::host::words(self.cp.boot_state(), t)
        );
        for c in 0..=self.cp.connectors() {
            let Some((status, error)) = self.cp.status(c) else {
                continue;
            };
            let mut line = format!("status: connector {c}: {}", status.as_str());
            if error != ChargePointErrorCode::NoError {
                line += &format!(" ({})", error.as_str());
            }
            if c > 0 {
                line += &format!(
                    ", cable {}, contactor {}, {} W, {} Wh",
                    if self.hw.plugged(c) { "in" } else { "out" },
                    if self.hw.charging(c) {
                        "closed"
                    } else {
                        "open"
                    },
                    if self.hw.charging(c) {
                        self.hw.power_w(c)
                    } else {
                        0
                    },
                    self.hw.energy_wh(c)
                );
                match self.cp.transaction(c) {
                    Some(Some(id)) => line += &format!(", transaction {id}"),
                    Some(None) => line += ", transaction (no id from the central system yet)",
                    None => {}
                }
            }
            say!("{line}");
        }
        say!(
            "status: {} transaction messages queued",
            self.cp.queue().queued
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse("plug"), Ok(Command::Plug(1)));
        assert_eq!(parse("unplug 2"), Ok(Command::Unplug(2)));
        let tag = |t: &str, c| Ok(Command::IdTag(Some(t.into()), c));
        assert_eq!(parse("idtag ABCD1234"), tag("ABCD1234", 1));
        assert_eq!(parse("idtag X 2"), tag("X", 2));
        assert_eq!(parse("idtag"), Ok(Command::IdTag(None, 1)));
        assert_eq!(parse("energy 1500"), Ok(Command::Energy(1500, 1)));
        assert_eq!(parse("power 7400 2"), Ok(Command::Power(7400, 2)));
        assert_eq!(
            parse("fault GroundFailure 0"),
            Ok(Command::Fault(ChargePointErrorCode::GroundFailure, 0))
        );
        assert_eq!(parse("clear"), Ok(Command::Clear(1)));
        assert_eq!(parse("frames full"), Ok(Command::Frames(true)));
        let interval = Command::Config("MeterValueSampleInterval".into(), "2".into());
        assert_eq!(parse("config MeterValueSampleInterval=2"), Ok(interval));
        assert_eq!(parse("quit"), Ok(Command::Quit));
        for (bad, says) in [
            ("jump", "unknown command \"jump\""),
            ("plug x", "\"x\" is not a connector number"),
            ("plug 1 2", "too many words"),
            ("power -5", "\"-5\" is not a number of W"),
            (
                "fault Smoke",
                "\"Smoke\" is not a fault; one of ConnectorLockFailure",
            ),
            ("fault NoError", "is not a fault"),
            ("frames", "write frames full"),
            ("config HeartbeatInterval", "write config KEY=VALUE"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
