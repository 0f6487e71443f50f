//! Where interactive commands come from: a terminal, with line editing and
//! history (rustyline), or any other stdin (a pipe, a file) line by line,
//! so tests and other programs can drive the charger.
//!
//! A thread reads and hands each line to the loop through a channel; the
//! loop plays it between two reads of the socket. On a terminal every
//! line the program prints goes through rustyline's printer, above the
//! prompt, so output never cuts through what is being typed.

use std::io::BufRead;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;

use rustyline::error::ReadlineError;
use rustyline::ExternalPrinter as _;

use crate::log;

/// What the reader thread hands over.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    Text(String),
    /// Ctrl-C or Ctrl-D at the prompt: the person wants out.
    Quit,
    /// A pipe or file ended: no more commands, the charger runs on.
    End,
}

/// The commands' source.
pub struct Input {
    rx: Receiver<Line>,
    /// On a terminal (else the lines are printed as they are read).
    pub terminal: bool,
    /// The terminal's settings at the start, put back at the end even if
    /// the prompt is still up (rustyline's raw mode must not outlive us).
    saved: Option<nix::sys::termios::Termios>,
    ended: bool,
}

impl Input {
    /// Starts reading stdin: with line editing when it is a terminal.
    pub fn start(terminal: bool) -> Result<Self, String> {
        let (tx, rx) = mpsc::channel();
        if !terminal {
            thread::spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { break };
                    if tx.send(Line::Text(line)).is_err() {
                        return;
                    }
                }
                let _ = tx.send(Line::End);
            });
            return Ok(Self {
                rx,
                terminal,
                saved: None,
                ended: false,
            });
        }
        let saved = nix::sys::termios::tcgetattr(std::io::stdin()).ok();
        let mut editor = rustyline::DefaultEditor::new()
            .map_err(|e| format!("cannot use the terminal for commands: {e}"))?;
        let mut printer = editor
            .create_external_printer()
            .map_err(|e| format!("cannot use the terminal for commands: {e}"))?;
        log::set_sink(Box::new(move |line| {
            let _ = printer.print(line + "\n");
        }));
        thread::spawn(move || loop {
            let line = match editor.readline("ocpp> ") {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    let quit = matches!(line.trim(), "quit" | "exit");
                    if tx.send(Line::Text(line)).is_err() || quit {
                        return;
                    }
                    continue;
                }
                Err(ReadlineError::Interrupted | ReadlineError::Eof) => Line::Quit,
                Err(_) => Line::End,
            };
            let _ = tx.send(line);
            return;
        });
        Ok(Self {
            rx,
            terminal,
            saved,
            ended: false,
        })
    }

    /// Whether more commands may come (stdin has not ended).
    pub fn open(&self) -> bool {
        !self.ended
    }

    /// The next line typed or read, if one is waiting.
    pub fn next(&mut self) -> Option<Line> {
        if self.ended {
            return None;
        }
        match self.rx.try_recv() {
            Ok(line) => {
                self.ended = line == Line::End;
                Some(line)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.ended = true;
                None
            }
        }
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        log::clear_sink();
        if let Some(saved) = &self.saved {
            println!(); // below a prompt that may still be up
            let now = nix::sys::termios::SetArg::TCSANOW;
            let _ = nix::sys::termios::tcsetattr(std::io::stdin(), now, saved);
        }
    }
}
