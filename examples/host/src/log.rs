//! What the program prints: one line per fact, each stamped with the UTC
//! time of day, and never a password: every line goes through
//! [`redact`], which replaces the secrets registered with [`hide`].

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Where lines go instead of stdout and stderr, while the interactive
/// command line shows its prompt (printed above it, not through it).
type Sink = Box<dyn FnMut(String) + Send>;
static SINK: Mutex<Option<Sink>> = Mutex::new(None);

/// From now on, every line goes to `sink` (the command line's printer).
pub fn set_sink(sink: Sink) {
    *SINK.lock().unwrap_or_else(|e| e.into_inner()) = Some(sink);
}

/// Back to stdout and stderr (the command line is gone).
pub fn clear_sink() {
    *SINK.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Prints one line (already stamped and redacted): to the sink if there
/// is one, else to stderr (`err`) or stdout.
pub fn emit(line: String, err: bool) {
    let mut sink = SINK.lock().unwrap_or_else(|e| e.into_inner());
    match sink.as_mut() {
        Some(sink) => sink(line),
        None if err => eprintln!("{line}"),
        None => println!("{line}"),
    }
}

/// Never print `secret` (a password), whatever line it would appear in.
pub fn hide(secret: &str) {
    if !secret.is_empty() {
        SECRETS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(secret.to_string());
    }
}

/// `text` with every registered secret replaced by `***`.
pub fn redact(text: &str) -> String {
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    secrets
        .iter()
        .fold(text.to_string(), |t, s| t.replace(s.as_str(), "***"))
}

/// The UTC time of day, `HH:MM:SS.mmm`.
pub fn stamp() -> String {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let s = t.as_secs() % 86_400;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        t.subsec_millis()
    )
}

/// A line on stdout: time, then the text, secrets hidden.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::log::emit(
            format!("{} {}", $crate::log::stamp(), $crate::log::redact(&format!($($arg)*))),
            false,
        )
    };
}

/// A line on stderr (something went wrong): time, then the text, secrets hidden.
macro_rules! complain {
    ($($arg:tt)*) => {
        $crate::log::emit(
            format!("{} ocpp-host: {}", $crate::log::stamp(), $crate::log::redact(&format!($($arg)*))),
            true,
        )
    };
}

pub(crate) use {complain, say};

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_secrets() {
        super::hide("s3cr3t-pw");
        assert_eq!(
            super::redact("ws://CP:s3cr3t-pw@h/ocpp s3cr3t-pw"),
            "ws://CP:***@h/ocpp ***"
        );
        assert_eq!(super::stamp().len(), 12);
    }
}
