//! What the charger is, from `--config-file FILE` (TOML) and the flags: a
//! flag given on the command line wins over the file, the file over the
//! built-in default. The format is in README.md ("Configuration file"):
//!
//! ```toml
//! csms = "ws://127.0.0.1:9000/ocpp"
//! id = "CP-0001"
//! vendor = "VendorX"
//! model = "ModelY"
//! connectors = 2
//! pool = 16384
//! backend = "linked-list"
//! id-tags = ["ABCD1234", "REMOTE01"]
//!
//! [meter]
//! power = 7400
//! sampled = "Energy.Active.Import.Register,Power.Active.Import"
//! interval = 5
//!
//! [config]
//! HeartbeatInterval = 300
//! ```
//!
//! Unknown keys are errors (a typo is not silently ignored), and an error
//! names the file and the line but never quotes it (a line may hold a
//! password).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::Deserialize;

use crate::args::Args;

/// The pool's allocator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Talc,
    LinkedList,
}

impl Backend {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "talc" => Ok(Self::Talc),
            "linked-list" => Ok(Self::LinkedList),
            other => Err(format!("backend {other:?}: write talc or linked-list")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Talc => "talc",
            Self::LinkedList => "linked-list",
        }
    }
}

/// The charger, resolved.
#[derive(Debug)]
pub struct Settings {
    pub csms: String,
    pub id: String,
    pub ca: Option<PathBuf>,
    /// Security profile 3: the charge point's certificate and key (PEM).
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub vendor: String,
    pub model: String,
    pub connectors: u8,
    pub pool: usize,
    pub backend: Backend,
    pub data_dir: Option<PathBuf>,
    pub reconnect_min: Duration,
    pub reconnect_max: Duration,
    pub power: i64,
    /// The idTags of the scripts; the first is presented by `--script` and
    /// by `idtag` without a tag.
    pub id_tags: Vec<String>,
    /// Configuration keys to set at the start: the file's, then the flags'.
    pub config: Vec<(String, String)>,
    pub full_frames: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    csms: Option<String>,
    id: Option<String>,
    ca: Option<PathBuf>,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    vendor: Option<String>,
    model: Option<String>,
    connectors: Option<u8>,
    pool: Option<usize>,
    backend: Option<String>,
    data_dir: Option<PathBuf>,
    reconnect_min: Option<f64>,
    reconnect_max: Option<f64>,
    id_tags: Option<Vec<String>>,
    full_frames: Option<bool>,
    #[serde(default)]
    meter: Meter,
    #[serde(default)]
    config: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meter {
    /// W while charging.
    power: Option<i64>,
    /// MeterValuesSampledData.
    sampled: Option<String>,
    /// MeterValueSampleInterval, in seconds.
    interval: Option<u32>,
}

impl Settings {
    /// The flags of `args` (as `matches` tells where each came from) over
    /// the file of `--config-file`, over the defaults.
    pub fn resolve(args: &Args, matches: &ArgMatches) -> Result<Self, String> {
        let file = match &args.config_file {
            Some(path) => load(path)?,
            None => File::default(),
        };
        let named = |what: &str| match &args.config_file {
            Some(p) => format!("{what}: give --{what}, or {what} in {}", p.display()),
            None => format!("{what}: give --{what} (or a --config-file with it)"),
        };
        // A flag typed on the command line wins; else the file; else clap's default.
        let flag = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
        let seconds = |id: &str, from_args: Duration, from_file: Option<f64>| {
            let from_file = from_file
                .map(|s| {
                    Duration::try_from_secs_f64(s).map_err(|_| format!("{id}: {s} is not a wait"))
                })
                .transpose()?;
            Ok::<_, String>(pick(flag(id), from_args, from_file))
        };
        let mut config: Vec<(String, String)> = Vec::new();
        if let Some(s) = &file.meter.sampled {
            config.push(("MeterValuesSampledData".into(), s.clone()));
        }
        if let Some(i) = file.meter.interval {
            config.push(("MeterValueSampleInterval".into(), i.to_string()));
        }
        for (key, value) in &file.config {
            let value = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Float(f) => f.to_string(),
                _ => {
                    return Err(format!(
                        "[config] {key}: write a string, a number or a boolean"
                    ))
                }
            };
            if key == "AuthorizationKey" {
                crate::log::hide(&value);
            }
            config.push((key.clone(), value));
        }
        config.extend(args.config.iter().cloned());
        let id_tags = match (&args.id_tag[..], file.id_tags) {
            ([], Some(tags)) if !tags.is_empty() => tags,
            ([], _) => vec![crate::demo::ID_TAG.to_string()],
            (flags, _) => flags.to_vec(),
        };
        let backend = pick(flag("backend"), args.backend.clone(), file.backend);
        Ok(Self {
            csms: pick(flag("csms"), args.csms.clone(), file.csms.map(Some))
                .ok_or_else(|| named("csms"))?,
            id: pick(flag("id"), args.id.clone(), file.id.map(Some)).ok_or_else(|| named("id"))?,
            ca: pick(flag("ca"), args.ca.clone(), file.ca.map(Some)),
            cert: pick(flag("cert"), args.cert.clone(), file.cert.map(Some)),
            key: pick(flag("key"), args.key.clone(), file.key.map(Some)),
            vendor: pick(flag("vendor"), args.vendor.clone(), file.vendor),
            model: pick(flag("model"), args.model.clone(), file.model),
            connectors: pick(flag("connectors"), args.connectors, file.connectors),
            pool: pick(flag("pool"), args.pool, file.pool),
            backend: Backend::parse(&backend)?,
            data_dir: pick(
                flag("data_dir"),
                args.data_dir.clone(),
                file.data_dir.map(Some),
            ),
            reconnect_min: seconds("reconnect_min", args.reconnect_min, file.reconnect_min)?,
            reconnect_max: seconds("reconnect_max", args.reconnect_max, file.reconnect_max)?,
            power: pick(flag("power"), args.power, file.meter.power),
            id_tags,
            config,
            full_frames: args.full_frames || file.full_frames.unwrap_or(false),
        })
    }
}

/// The value typed on the command line (`given`), else the file's, else
/// the default (clap's, in `from_args`).
fn pick<T>(given: bool, from_args: T, from_file: Option<T>) -> T {
    match from_file {
        Some(v) if !given => v,
        _ => from_args,
    }
}

/// Reads the file; an error names its line, never quotes it.
fn load(path: &Path) -> Result<File, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| {
            text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        });
        let at = line.map_or(String::new(), |n| format!(":{n}"));
        format!("{}{at}: {}", path.display(), e.message().trim_end())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn resolve(file: &str, flags: &str) -> Result<Settings, String> {
        let dir = std::env::temp_dir().join(format!("ocpp-host-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.toml", file.len()));
        std::fs::write(&path, file).unwrap();
        let argv = ["ocpp-host", "--config-file", path.to_str().unwrap()];
        let argv = argv.into_iter().chain(flags.split_whitespace());
        let matches = Args::command().try_get_matches_from(argv).unwrap();
        let args = Args::from_arg_matches(&matches).unwrap();
        Settings::resolve(&args, &matches)
    }

    const FILE: &str = r#"
csms = "ws://127.0.0.1:9000/ocpp"
id = "CP-FILE"
vendor = "VendorX"
connectors = 2
backend = "linked-list"
id-tags = ["CARD0001", "CARD0002"]
reconnect-min = 0.5

[meter]
power = 7400
interval = 5

[config]
HeartbeatInterval = 300
LocalPreAuthorize = true
"#;

    #[test]
    fn the_file_then_the_flags() {
        let s = resolve(FILE, "").unwrap();
        assert_eq!(
            (s.csms.as_str(), s.id.as_str()),
            ("ws://127.0.0.1:9000/ocpp", "CP-FILE")
        );
        assert_eq!(
            (s.vendor.as_str(), s.model.as_str()),
            ("VendorX", "ocpp-host")
        );
        assert_eq!(
            (s.connectors, s.pool, s.backend),
            (2, 16384, Backend::LinkedList)
        );
        assert_eq!((s.power, s.id_tags[0].as_str()), (7400, "CARD0001"));
        assert_eq!(s.reconnect_min, Duration::from_millis(500));
        let kv = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            s.config,
            [
                kv("MeterValueSampleInterval", "5"),
                kv("HeartbeatInterval", "300"),
                kv("LocalPreAuthorize", "true")
            ]
        );
        let flags = "--id CP-FLAG --connectors 1 --power 3700 --backend talc --id-tag X1 \
                     --config HeartbeatInterval=60 --vendor OcppCore";
        let s = resolve(FILE, flags).unwrap();
        assert_eq!((s.id.as_str(), s.vendor.as_str()), ("CP-FLAG", "OcppCore"));
        assert_eq!((s.connectors, s.power, s.backend), (1, 3700, Backend::Talc));
        assert_eq!(s.id_tags, ["X1"]);
        assert_eq!(s.config.last(), Some(&kv("HeartbeatInterval", "60")));
    }

    #[test]
    fn mistakes_name_the_line_and_hide_it() {
        let e = resolve(
            "csms = \"ws://CP:pw-in-file@h/ocpp\"\nid = \"C\"\nvendr = \"X\"\n",
            "",
        )
        .unwrap_err();
        assert!(e.ends_with(".toml:3: unknown field `vendr`, expected one of `csms`, `id`, `ca`, `cert`, `key`, `vendor`, `model`, `connectors`, `pool`, `backend`, `data-dir`, `reconnect-min`, `reconnect-max`, `id-tags`, `full-frames`, `meter`, `config`"), "{e}");
        let e = resolve("csms = \"ws://CP:pw-in-file@h\nid = 3\n", "").unwrap_err();
        assert!(!e.contains("pw-in-file"), "{e}");
        assert!(e.contains(".toml:1: "), "{e}");
        let e = resolve("id = \"C\"\n", "").unwrap_err();
        assert!(e.contains("csms: give --csms, or csms in"), "{e}");
        let e = resolve("csms = \"ws://h\"\nid = \"C\"\nbackend = \"bump\"\n", "").unwrap_err();
        assert_eq!(e, "backend \"bump\": write talc or linked-list");
    }
}
