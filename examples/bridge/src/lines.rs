//! The device side: a thread that splits the byte stream into bounded lines.

use std::io::{ErrorKind, Read};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// Starts a thread that reads `reader` to its end and sends each complete,
/// non-empty, valid UTF-8 line (without its `\n` or `\r\n`) of at most
/// `max_len` bytes. Longer lines are dropped whole, with a note on stderr.
/// The channel closes when the reader reaches its end or fails.
pub fn spawn_reader(reader: impl Read + Send + 'static, max_len: usize) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || read_lines(reader, max_len, &tx));
    rx
}

#[allow(clippy::collapsible_match)] // a send failure and a dropped line are different things
fn read_lines(mut reader: impl Read, max_len: usize, tx: &Sender<String>) {
    let mut splitter = Splitter::new(max_len);
    let mut chunk = [0u8; 4096];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                eprintln!("ocpp-bridge: device read failed: {e}");
                return;
            }
        };
        for &byte in &chunk[..n] {
            match splitter.push(byte) {
                Some(Ok(line)) => {
                    if tx.send(line).is_err() {
                        return; // the forwarding side is gone
                    }
                }
                Some(Err(why)) => eprintln!("ocpp-bridge: dropped a device line: {why}"),
                None => {}
            }
        }
    }
}

/// Byte-at-a-time line splitter with a length bound.
pub struct Splitter {
    buf: Vec<u8>,
    max_len: usize,
    overflowed: bool,
}

impl Splitter {
    pub fn new(max_len: usize) -> Self {
        Splitter {
            buf: Vec::new(),
            max_len,
            overflowed: false,
        }
    }

    /// Feeds one byte; at a `\n` returns the finished line, or why it was dropped.
    pub fn push(&mut self, byte: u8) -> Option<Result<String, &'static str>> {
        if byte != b'\n' {
            if self.buf.len() < self.max_len {
                self.buf.push(byte);
            } else {
                self.overflowed = true;
            }
            return None;
        }
        let line = std::mem::take(&mut self.buf);
        if std::mem::replace(&mut self.overflowed, false) {
            return Some(Err("longer than the limit"));
        }
        let mut line = String::from_utf8(line).map_err(|_| "not UTF-8");
        if let Ok(l) = &mut line {
            if l.ends_with('\r') {
                l.pop();
            }
            if l.trim().is_empty() {
                return None;
            }
        }
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8], max: usize) -> Vec<Result<String, &'static str>> {
        let mut s = Splitter::new(max);
        input.iter().filter_map(|&b| s.push(b)).collect()
    }

    #[test]
    fn splits_bounds_and_recovers() {
        let input = b"[2,\"1\",\"Heartbeat\",{}]\r\n\n0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\nok\n\xff\nno-newline-yet";
        let got = split(input, 30);
        let want: Vec<Result<String, &str>> = vec![
            Ok("[2,\"1\",\"Heartbeat\",{}]".into()),
            Err("longer than the limit"),
            Ok("ok".into()),
            Err("not UTF-8"),
        ];
        assert_eq!(got, want);
    }
}
