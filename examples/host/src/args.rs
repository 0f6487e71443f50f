//! The command line (clap, derive). `--help` prints to stdout and exits 0;
//! a bad argument is an error on stderr with status 2.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// An OCPP 1.6J charge point on a host: the bounded-memory engine in a
/// pool, on a real WebSocket, its records in a data directory.
#[derive(Debug, Parser)]
#[command(name = "ocpp-host", version)]
pub struct Args {
    /// The central system's endpoint, ws[s]://[USER:PASSWORD@]HOST[:PORT][/PATH]; the
    /// identity is appended as a path segment. A user and password are sent as HTTP
    /// Basic authentication (security profile 1) and the password is never printed
    #[arg(long, value_name = "URL", required_unless_present = "config_file")]
    pub csms: Option<String>,

    /// For wss://: check the server's certificate against the CA certificates of this
    /// PEM file instead of the system's trusted roots
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// For wss:// (security profile 3): our certificate (PEM, the chain from ours
    /// up), shown when the central system asks for one; with --key
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,

    /// The private key of --cert (PEM: PKCS#8, PKCS#1 or SEC1)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// The charge point's identity
    #[arg(long, value_name = "ID", required_unless_present = "config_file")]
    pub id: Option<String>,

    /// Read the charger's settings from this TOML file (see README.md); flags given
    /// on the command line win over it
    #[arg(long, value_name = "FILE")]
    pub config_file: Option<PathBuf>,

    /// chargePointVendor of the BootNotification
    #[arg(long, value_name = "TEXT", default_value = "OcppCore")]
    pub vendor: String,

    /// chargePointModel of the BootNotification
    #[arg(long, value_name = "TEXT", default_value = "ocpp-host")]
    pub model: String,

    /// Connectors, not counting connector 0
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub connectors: u8,

    /// Size of the pool that holds the whole charge point
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024)]
    pub pool: usize,

    /// The pool's allocator
    #[arg(long, value_name = "NAME", default_value = "talc", value_parser = ["talc", "linked-list"])]
    pub backend: String,

    /// Where the charge point's records and the simulated hardware are kept
    /// [default: ./ocpp-data/ID]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The EV left while the charger was down: a transaction that was running is
    /// stopped with reason PowerLoss instead of resumed
    #[arg(long)]
    pub ev_left: bool,

    /// First wait before connecting again after a loss or a refusal; it doubles
    /// after each failure, and each wait is drawn in [w/2, w]
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = seconds)]
    pub reconnect_min: Duration,

    /// Longest wait between two attempts to connect
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = seconds)]
    pub reconnect_max: Duration,

    /// Play a script on connector 1: `demo` (a local and a remote session, then
    /// exit 0), `charge` (plug in, present an idTag, charge until stopped),
    /// `finish` (stop the running transaction if any, unplug, deliver the queue,
    /// exit 0)
    #[arg(long, value_name = "NAME", value_parser = crate::demo::SCRIPTS.to_vec())]
    pub script: Option<String>,

    /// Set a configuration key at the start, as ChangeConfiguration would (kept in
    /// the data directory); may be given several times. E.g. WebSocketPingInterval=30,
    /// HeartbeatInterval=300, AuthorizationKey=... (then the Basic password; never printed)
    #[arg(long = "config", value_name = "KEY=VALUE", value_parser = key_value)]
    pub config: Vec<(String, String)>,

    /// Run N chargers in this process (the swarm): --id is a pattern where {n}
    /// is the charger's number (CP-{n}); each plays the built-in session, or
    /// the --scenario file, with jitter. No data directory: all in memory
    #[arg(long, value_name = "N", conflicts_with_all = ["script", "interactive"], value_parser = clap::value_parser!(u32).range(1..))]
    pub count: Option<u32>,

    /// Swarm: start the chargers evenly over this time [default: N ms]
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub ramp: Option<Duration>,

    /// Swarm: each wait of the plan gets a random part of up to this much
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = seconds)]
    pub jitter: Duration,

    /// Swarm: sessions per charger of the built-in plan (0: until --seconds)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub sessions: u32,

    /// Swarm: how long each session of the built-in plan charges
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = seconds)]
    pub charge: Duration,

    /// Stop after N seconds: exit 0 without a script, 1 if the script is not over
    #[arg(long, value_name = "N")]
    pub seconds: Option<u64>,

    /// Read commands from stdin (plug, idtag, power, fault, status, quit; `help`
    /// lists them), with line editing on a terminal. The default when stdin is a
    /// terminal and neither --script nor --scenario is given
    #[arg(long, conflicts_with_all = ["scenario", "no_interactive"])]
    pub interactive: bool,

    /// No commands from stdin, even on a terminal
    #[arg(long)]
    pub no_interactive: bool,

    /// Play a scenario file: commands, waits and expectations, one a line (see
    /// README.md); exit 0 when it is over, 1 when an expectation fails
    #[arg(long, value_name = "FILE", conflicts_with = "script")]
    pub scenario: Option<PathBuf>,

    /// Print whole frames (long ones are shortened by default)
    #[arg(long)]
    pub full_frames: bool,

    /// What the simulated EV draws while charging, in W
    #[arg(long, value_name = "W", default_value_t = crate::hardware::POWER_W)]
    pub power: i64,

    /// An idTag of the scripts (repeatable): the first is presented by --script
    /// and by the command `idtag` without a tag [default: ABCD1234]
    #[arg(long, value_name = "TAG")]
    pub id_tag: Vec<String>,
}

fn key_value(text: &str) -> Result<(String, String), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| "write KEY=VALUE".to_string())?;
    if key == "AuthorizationKey" {
        crate::log::hide(value);
    }
    Ok((key.to_string(), value.to_string()))
}

fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{text:?} is not a number of seconds"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("ocpp-host").chain(s.split_whitespace()))
    }

    #[test]
    fn parses_arguments() {
        let a = args("--csms ws://h:9000/ocpp/ --id CP-0001").unwrap();
        assert_eq!((a.connectors, a.pool, a.script), (1, 16384, None));
        assert_eq!(
            (a.vendor.as_str(), a.model.as_str()),
            ("OcppCore", "ocpp-host")
        );
        let one = Duration::from_secs(1);
        assert_eq!((a.reconnect_min, a.reconnect_max), (one, 60 * one));
        let a = args("--csms ws://h --id C --connectors 2 --pool 8192 --script demo --seconds 9");
        let a = a.unwrap();
        assert_eq!((a.connectors, a.pool, a.seconds), (2, 8192, Some(9)));
        assert_eq!(a.script.as_deref(), Some("demo"));
        let a = args("--csms ws://h --id C --config A=1 --config B=x=y").unwrap();
        let kv = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(a.config, vec![kv("A", "1"), kv("B", "x=y")]);
        let a = args("--csms ws://h --id C --scenario s.txt --full-frames --power 7400").unwrap();
        let scenario = a.scenario.as_deref().and_then(|p| p.to_str());
        assert_eq!(
            (scenario, a.full_frames, a.power),
            (Some("s.txt"), true, 7400)
        );
        let a = args("--csms ws://h --id C --reconnect-min 0.25 --reconnect-max 5").unwrap();
        assert_eq!(a.reconnect_min, Duration::from_millis(250));
        let a = args("--csms ws://h --id CP-{n} --count 100 --ramp 2 --jitter 0.5 --sessions 0")
            .unwrap();
        assert_eq!((a.count, a.sessions), (Some(100), 0));
        assert_eq!((a.ramp, a.jitter), (Some(2 * one), one / 2));
        assert_eq!(a.charge, 5 * one);
        let a = args("--config-file c.toml").unwrap();
        assert_eq!((a.csms, a.id), (None, None));
        let bad = "--id C|--csms ws://h|--csms ws://h --id C --backend bump|--csms ws://h --id C --bogus|\
                   --csms ws://h --id C --connectors 300|--csms ws://h --id C --script other|\
                   --csms ws://h --id C --reconnect-min -1|--csms ws://h --id C --config A|\
                   --csms ws://h --id C --interactive --scenario f|\
                   --csms ws://h --id C --script demo --scenario f|\
                   --csms ws://h --id C --count 0|--csms ws://h --id C --count 2 --script demo";
        for bad in bad.split('|') {
            assert!(args(bad).is_err(), "{bad}");
        }
    }
}
