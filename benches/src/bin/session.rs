//! Runs boot and then N standard sessions (BENCHMARK.md) in a bare pool,
//! for `callgrind.sh`: the difference of the instruction counts of N and 0
//! sessions, divided by the messages of the sessions (38 each, checked by
//! the scenario), is the cost of one message.
//!
//! ```text
//! session [N=100] [talc|linked-list] [off|memory|file]
//! ```
//!
//! The third argument gives the charge point storage: none (the default),
//! `ocpp_storage::MemoryStorage`, or `ocpp_storage::FileStorage` in a
//! temporary directory.
//!
//! Prints `sessions=N messages=M boot_messages=B calls=C backend=NAME`, then
//! notes on lines starting with `#`.

use std::process::ExitCode;

use ocpp_alloc::{Backend, HostPool, LinkedList, Talc};
use ocpp_benches::calls::CallCounts;
use ocpp_benches::{scenario, Driver, Error};
use ocpp_engine::{Config, Storage};
use ocpp_storage::{FileStorage, MemoryStorage};

/// The pool of the benchmark's default setup.
const POOL_BYTES: usize = 16 * 1024;

/// Where the charge point keeps its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Storing {
    Off,
    Memory,
    File,
}

fn run<B: Backend>(sessions: u32, storing: Storing) -> Result<(), Error> {
    let host = HostPool::<B>::new(POOL_BYTES);
    let config = Config::new("VendorX", "ModelY").with_connectors(1);
    match storing {
        Storing::Off => drive::<B, _>(sessions, Driver::new(&config, &*host)?),
        Storing::Memory => drive::<B, _>(
            sessions,
            Driver::with_storage(&config, &*host, MemoryStorage::new())?,
        ),
        Storing::File => {
            let dir = std::env::temp_dir().join(format!("ocpp-session-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let storage = FileStorage::open(&dir)
                .map_err(|_| Error::Setup("cannot create the storage directory"))?;
            let r = drive::<B, _>(sessions, Driver::with_storage(&config, &*host, storage)?);
            let _ = std::fs::remove_dir_all(&dir);
            r
        }
    }
}

fn drive<B: Backend, S: Storage>(
    sessions: u32,
    mut d: Driver<&ocpp_alloc::Pool<B>, S>,
) -> Result<(), Error> {
    scenario::boot(&mut d)?;
    let boot = d.counts();
    scenario::sessions(std::hint::black_box(&mut d), sessions)?;
    let c = d.counts().since(&boot);
    println!(
        "sessions={sessions} messages={} boot_messages={} calls={} backend={}",
        c.messages(),
        boot.messages(),
        c.calls.total(),
        B::NAME
    );
    if sessions > 0 {
        println!(
            "# per session: {} (checked: every session sends exactly these)",
            per_session_by_action(&c.calls, sessions)
        );
    }
    println!("# includes the scripted central system (a byte scanner and writer, no JSON library)");
    Ok(())
}

/// `StatusNotification 4, Authorize 1, ...` per session.
fn per_session_by_action(calls: &CallCounts, sessions: u32) -> String {
    let parts: Vec<String> = calls
        .iter()
        .map(|(c, n)| format!("{} {}", c.as_str(), n / u64::from(sessions)))
        .collect();
    parts.join(", ")
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let sessions = match args.next().map(|a| a.parse::<u32>()) {
        None => 100,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("usage: session [N] [talc|linked-list]: {e}");
            return ExitCode::from(2);
        }
    };
    let backend = args.next();
    let storing = match args.next().as_deref() {
        None | Some("off") => Storing::Off,
        Some("memory") => Storing::Memory,
        Some("file") => Storing::File,
        Some(other) => {
            eprintln!(
                "usage: session [N] [talc|linked-list] [off|memory|file]: unknown storage {other}"
            );
            return ExitCode::from(2);
        }
    };
    let r = match backend.as_deref() {
        None | Some("talc") => run::<Talc>(sessions, storing),
        Some("linked-list") => run::<LinkedList>(sessions, storing),
        Some(other) => {
            eprintln!(
                "usage: session [N] [talc|linked-list] [off|memory|file]: unknown backend {other}"
            );
            return ExitCode::from(2);
        }
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("the scripted session failed: {e}");
            ExitCode::FAILURE
        }
    }
}
