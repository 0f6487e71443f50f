//! The committed corpus through every target's logic on stable, without
//! libFuzzer (regressions found by fuzzing also live in the normal suites);
//! and, with `OCPP_FUZZ_WRITE_SEEDS=1`, the seed corpus written anew from
//! ocpp-model's malformed-frame cases, generated valid frames of every
//! message, scripted charge-point sessions, and one round-trip input per
//! message type.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use ocpp_fuzz::charge_point::{
    op, AUTHORIZATION_KEY as AUTHORIZATION_KEY_STEPS, CALLS, FIRMWARE_CALLS,
};
use ocpp_fuzz::common::corpus::*;
use ocpp_fuzz::common::{gen_core::gen_core_frame, gen_frame, Rng, SLICE};
use ocpp_fuzz::round_trip::{message_of, MESSAGES};
use ocpp_model::*;

#[allow(unused_imports)]
use ErrorCode::*;
#[allow(unused_imports)]
use FrameErrorKind::*;

/// The round-trip target counts global-heap requests through it.
#[global_allocator]
static GLOBAL: ocpp_alloc::CountingGlobal = ocpp_alloc::CountingGlobal;

#[path = "../../ocpp-model/tests/corpus/frames.rs"]
mod frames;
#[path = "../../ocpp-model/tests/corpus/payloads.rs"]
mod payloads;

fn dir(target: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
}

fn files(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir(target))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// A standard session: boot, statuses, a transaction with a sample, stop, unplug.
pub fn session() -> Vec<u8> {
    use op::*;
    let answer4 = [ANSWER, ANSWER, ANSWER, ANSWER];
    let mut p = vec![CONNECT];
    p.extend(answer4);
    p.extend([METER, 1, 0, 0x10, 0x00]);
    p.extend([PLUG_IN, 1]);
    p.extend(answer4);
    p.extend([PRESENT, 1, 0]);
    p.extend(answer4);
    p.extend([ADVANCE, 3]);
    p.extend(answer4);
    p.extend([STOP, 1, 0]);
    p.extend(answer4);
    p.extend([UNPLUG, 1]);
    p.extend(answer4);
    p
}

/// The firmware's parts: it registers a vendor and an action, adds its
/// keys, answers the central system's DataTransfer and custom CALL (once
/// with a CALLRESULT too large to send), sends its own DataTransfer and
/// custom CALL, reads and frees their answers.
pub fn extensions() -> Vec<u8> {
    use op::*;
    let answer4 = [ANSWER, ANSWER, ANSWER, ANSWER];
    let mut p = vec![CONNECT];
    p.extend(answer4);
    p.extend([REGISTER, 0, REGISTER, 1, ADD_KEY, 0, ADD_KEY, 1]);
    p.extend([FIRMWARE_CALL, 0, ANSWER_INCOMING, 0]);
    p.extend([FIRMWARE_CALL, 1, ANSWER_INCOMING, 5]);
    p.extend([FIRMWARE_CALL, 0, ANSWER_INCOMING, 6]);
    p.extend([FIRMWARE_CALL, 6, FIRMWARE_CALL, 7]);
    p.extend([SEND_CALL, 0, ANSWER, CALL_ANSWER, 0, CALL_ANSWER, 1]);
    p.extend([SEND_CALL, 2, ANSWER_WITH, 1, CALL_ANSWER, 1]);
    p.extend([SEND_CALL, 0, ADVANCE, 3, CALL_ANSWER, 1]);
    p
}

/// A firmware update mid-transaction: a transaction on connector 2 queues
/// its messages offline; the build that comes back has one connector and
/// two queue places (and then three connectors), from the same records.
pub fn firmware_update() -> Vec<u8> {
    use op::*;
    let answer4 = [ANSWER, ANSWER, ANSWER, ANSWER];
    let mut p = vec![CONNECT];
    p.extend(answer4);
    p.extend([PLUG_IN, 2, PRESENT, 2, 0]);
    p.extend(answer4);
    p.extend([DISCONNECT, ADVANCE, 2, ADVANCE, 2, ADVANCE, 2]);
    p.extend([REBOOT_RECONFIGURED, 1, CONNECT]);
    p.extend(answer4);
    p.extend(answer4);
    p.extend([STOP, 2, 0, STOP, 1, 0]);
    p.extend([REBOOT_RECONFIGURED, 2, CONNECT]);
    p.extend(answer4);
    p.extend(answer4);
    p
}

/// The longest StopTransaction the inputs make: eight readings of
/// Current.Import (every phase at two locations) in its StopTxnSampledData
/// at the start and the end and in four StopTxnAlignedData samples, over
/// the harness's 4 KiB buffer (it must wait for one of `max_call_len`).
pub fn long_stop_transaction() -> Vec<u8> {
    use op::*;
    let answer4 = [ANSWER, ANSWER, ANSWER, ANSWER];
    let mut p = vec![CONNECT];
    p.extend(answer4);
    p.extend([CONFIGURE, 1, CONFIGURE, 17, CONFIGURE, 13]);
    for location in [3, 1] {
        for phase in 1..=4 {
            p.extend([METER, 1, 2, 0xff, 0xff, phase, location]);
        }
    }
    p.extend([PLUG_IN, 1]);
    p.extend(answer4);
    p.extend([PRESENT, 1, 0]);
    p.extend(answer4);
    for _ in 0..5 {
        p.extend([ADVANCE, 1, 0x84, 0x03]); // 900 s
        p.extend(answer4);
    }
    p.extend([STOP, 1, 0]);
    p.extend(answer4);
    p
}

/// Polls with small buffers: a BootNotification refused by 16 bytes and
/// sent in 300, a GetConfiguration of every key answered with a CALLERROR
/// in 256 bytes (refused by 255).
pub fn small_buffers() -> Vec<u8> {
    use op::*;
    let mut p = vec![SMALL_TRANSMIT, 3, SMALL_TRANSMIT, 0, CONNECT];
    p.extend([ANSWER, ANSWER, ANSWER, ANSWER]);
    let get_all = CALLS
        .iter()
        .position(|c| c.contains(r#""GetConfiguration",{}"#))
        .unwrap();
    p.extend([SMALL_TRANSMIT, 2, SMALL_TRANSMIT, 1, CALL, get_all as u8]);
    p
}

/// Every `AuthorizationKey` step once: set by the central system (and
/// refused when too long), asked for by name and with every key, set by
/// the firmware (and refused when too long), asked for again; then the
/// firmware's write-only key added and asked for.
pub fn authorization_key() -> Vec<u8> {
    use op::*;
    let mut p = vec![CONNECT, ANSWER, ANSWER, ANSWER, ANSWER];
    for (i, _) in AUTHORIZATION_KEY_STEPS.iter().enumerate() {
        p.extend([AUTHORIZATION_KEY, i as u8]);
    }
    p.extend([AUTHORIZATION_KEY, 2, AUTHORIZATION_KEY, 3]);
    p.extend([ADD_KEY, 1, AUTHORIZATION_KEY, 2, AUTHORIZATION_KEY, 3]);
    p
}

fn write_seeds() {
    let pool = ocpp_fuzz::common::pool();
    let mut codec: Vec<(String, Vec<u8>)> = Vec::new();
    let mut cases = frames::cases();
    cases.extend(payloads::cases());
    for (i, c) in cases.iter().enumerate() {
        if c.input.len() <= 4096 {
            codec.push((format!("case-{i:03}"), c.input.clone()));
        }
    }
    let mut r = Rng::new(9);
    for name in SLICE {
        codec.push((format!("valid-{name}"), gen_frame(name, &mut r, &*pool)));
    }
    for name in ocpp_fuzz::common::core_profile::CORE {
        codec.push((
            format!("valid-{name}"),
            gen_core_frame(name, &mut r, &*pool),
        ));
    }
    let mut cp: Vec<(String, Vec<u8>)> = vec![("session".into(), session())];
    let boot = [op::CONNECT, op::ANSWER, op::ANSWER, op::ANSWER, op::ANSWER];
    for (i, _) in CALLS.iter().enumerate() {
        let mut p = boot.to_vec();
        p.extend([op::CALL, i as u8, op::ANSWER]);
        cp.push((format!("call-{i:02}"), p));
    }
    cp.push(("extensions".into(), extensions()));
    cp.push(("firmware-update".into(), firmware_update()));
    cp.push(("long-stop-transaction".into(), long_stop_transaction()));
    // The same in a build that allows two readings and no aligned sample
    // (a bound of 984 bytes): six of the eight readings are refused.
    let mut few = vec![op::REBOOT_RECONFIGURED, 1];
    few.extend(long_stop_transaction());
    cp.push(("long-stop-transaction-two-readings".into(), few));
    cp.push(("small-buffers".into(), small_buffers()));
    cp.push(("authorization-key".into(), authorization_key()));
    for (i, _) in FIRMWARE_CALLS.iter().enumerate() {
        let mut p = boot.to_vec();
        p.extend([op::REGISTER, 0, op::REGISTER, 1, op::REGISTER, 2]);
        p.extend([op::ADD_KEY, 0, op::ADD_KEY, 1, op::ADD_KEY, 2]);
        p.extend([op::FIRMWARE_CALL, i as u8, op::ANSWER_INCOMING, 0]);
        cp.push((format!("firmware-call-{i:02}"), p));
    }
    let mut cut = session();
    cut.splice(20..20, [op::POWER_CUT, 0, 0, 1]);
    cp.push(("session-power-cut".into(), cut));
    let mut refuse = session();
    refuse.splice(12..12, [op::REFUSE, 2]);
    cp.push(("session-refusal".into(), refuse));
    let mut offline = vec![op::DISCONNECT];
    offline.extend(session().into_iter().skip(5));
    cp.push(("session-offline".into(), offline));
    // Round trip: seeded random inputs, the first one that makes each message.
    let mut rt: Vec<(String, Vec<u8>)> = Vec::new();
    let mut r = Rng::new(16);
    while rt.len() < MESSAGES.len() {
        let input: Vec<u8> = (0..200 + r.below(400)).map(|_| r.next() as u8).collect();
        let name = format!("msg-{}", message_of(&input));
        if !rt.iter().any(|(n, _)| *n == name) {
            rt.push((name, input));
        }
    }
    for (target, seeds) in [("codec", codec), ("charge_point", cp), ("round_trip", rt)] {
        std::fs::create_dir_all(dir(target)).unwrap();
        for (name, bytes) in seeds {
            std::fs::write(dir(target).join(name), bytes).unwrap();
        }
    }
}

#[test]
fn the_corpus_passes_every_target() {
    if std::env::var_os("OCPP_FUZZ_WRITE_SEEDS").is_some() {
        write_seeds();
    }
    let codec = files("codec");
    let cp = files("charge_point");
    assert!(
        codec.len() >= 50 && cp.len() >= 20,
        "{} {}",
        codec.len(),
        cp.len()
    );
    for (path, bytes) in codec {
        eprintln!("{path}");
        ocpp_fuzz::codec::run(&bytes);
    }
    for (path, bytes) in cp {
        eprintln!("{path}");
        ocpp_fuzz::charge_point::run(&bytes);
    }
    let rt = files("round_trip");
    let made: std::collections::HashSet<_> = rt.iter().map(|(_, b)| message_of(b)).collect();
    assert_eq!(
        made.len(),
        MESSAGES.len(),
        "a round-trip seed for every message"
    );
    for (path, bytes) in rt {
        eprintln!("{path}");
        ocpp_fuzz::round_trip::run(&bytes);
    }
}

#[test]
#[ignore = "a tool: OCPP_FUZZ_TRACE=1 OCPP_FUZZ_INPUT=file-or-directory cargo test --test corpus replay -- --ignored"]
fn replay() {
    let path = std::path::PathBuf::from(std::env::var("OCPP_FUZZ_INPUT").expect("OCPP_FUZZ_INPUT"));
    let target = path.to_string_lossy().into_owned();
    let run = |bytes: &[u8]| {
        if target.contains("codec") {
            ocpp_fuzz::codec::run(bytes);
        } else if target.contains("round_trip") {
            ocpp_fuzz::round_trip::run(bytes);
        } else {
            ocpp_fuzz::charge_point::run(bytes);
        }
    };
    if !path.is_dir() {
        return run(&std::fs::read(&path).unwrap());
    }
    // A whole corpus (a scratch corpus after a change of the harness):
    // every input, then the ones that failed. A running fuzzer may remove
    // an input meanwhile: it is skipped.
    let (mut failed, mut gone) = (Vec::new(), 0);
    let mut files: Vec<_> = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            gone += 1;
            continue;
        };
        if std::panic::catch_unwind(|| run(&bytes)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} inputs failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
    eprintln!(
        "{} inputs passed ({gone} gone meanwhile)",
        files.len() - gone
    );
}
