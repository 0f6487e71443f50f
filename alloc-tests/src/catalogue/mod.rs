//! The hand-written scenarios: registration, the firmware's inputs, the
//! transaction and its queue, and the central system's CALLs.

mod remote;
mod tx;

use ocpp_model::ChargePointErrorCode as Ec;

use crate::scenario::{Scenario, Step};

pub use remote::{busy, configuration, remote_control, remote_start_stop};
pub use tx::{offline, transactions};

/// The scenarios' answer to an Authorize whose verdict they rely on: an
/// expiryDate to keep in the cache and a parentIdTag (`FLEET-7`, the
/// parent of `FLEET-CARD` in [`transactions`]). Not the usual answer: that
/// is the test kit's bare Accepted (BENCHMARK.md).
pub(crate) const AUTHORIZED: &str = r#"{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"FLEET-7"}}"#;

/// [`Step::AnswerWith`] of [`AUTHORIZED`].
fn authorized() -> Step {
    Step::answer_with(AUTHORIZED)
}

/// The authorization cache enabled (it is off by default: enabled, every
/// idTag the central system answers for is learned, and that allocation is
/// swept too); connect, BootNotification accepted, StatusNotification of
/// connectors 0..=`connectors`.
fn boot(connectors: u8) -> Scenario {
    let mut s = vec![
        Step::configure("AuthorizationCacheEnabled", "true"),
        Step::Connect,
        Step::Answer,
    ];
    s.extend((0..=connectors).map(|_| Step::Answer));
    s
}

/// BENCHMARK.md's standard session, `sessions` times after a boot: plug in,
/// idTag `ABCD1234` (Authorize, StartTransaction, Charging), ten samples
/// of energy and power 60 s apart (the meter integrates 11 kW), stop by
/// the same idTag (Local), unplug; heartbeats fall due on the way.
pub fn standard_session(sessions: usize) -> Scenario {
    let mut s = vec![Step::configure(
        "MeterValuesSampledData",
        "Energy.Active.Import.Register,Power.Active.Import",
    )];
    s.extend(boot(1));
    let mut wh = 1_000;
    for _ in 0..sessions {
        s.extend([Step::PlugIn(1), Step::Answer, Step::energy(1, wh)]);
        s.extend([Step::present(1, "ABCD1234"), authorized(), Step::Answer]);
        s.push(Step::Answer);
        for sample in 1..=10 {
            wh += 183;
            s.extend([Step::energy(1, wh), Step::power(1, 11_000)]);
            s.extend([Step::Advance(60), Step::Answer]);
            if sample % 5 == 0 {
                s.push(Step::Answer); // the Heartbeat, due every 300 s
            }
        }
        s.extend([Step::present(1, "ABCD1234"), Step::Answer, Step::Answer]);
        s.extend([Step::Unplug(1), Step::Answer]);
    }
    s
}

/// Pending, a CALL answered while not registered, a CALLERROR, Rejected
/// (the central system's CALLs go unanswered), then Accepted.
pub fn registration() -> Scenario {
    vec![
        Step::Connect,
        Step::answer_with(
            r#"{"status":"Pending","currentTime":"2026-11-25T10:00:00Z","interval":10}"#,
        ),
        Step::receive(r#"[2,"cs1","Reset",{"type":"Soft"}]"#),
        Step::Advance(10),
        Step::answer_error("InternalError"),
        Step::Advance(30),
        Step::answer_with(
            r#"{"status":"Rejected","currentTime":"2026-11-25T10:00:40Z","interval":20}"#,
        ),
        Step::receive(r#"[2,"cs2","GetConfiguration",{"key":["NoSuchKey"]}]"#),
        Step::Advance(20),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Advance(300),
        Step::Answer,
    ]
}

/// The firmware's own Authorize: answered, answered with a parent, timed
/// out, badly answered, cut off.
pub fn authorizations() -> Scenario {
    let mut s = boot(1);
    s.extend([
        Step::Authorize("ABCD1234".into()),
        Step::Authorize("04A1B2C3D4E5F6".into()),
        Step::Authorize("".into()),
        authorized(),
        Step::answer_with(r#"{"idTagInfo":{"status":"Blocked","parentIdTag":"PARENT","expiryDate":"2027-01-01T00:00:00.5+01:00"}}"#),
        Step::Authorize("TIMEOUT".into()),
        Step::Advance(31),
        Step::Advance(30),
        Step::Authorize("BADANSWER".into()),
        Step::answer_with(r#"{"idTagInfo":{"status":"Maybe"}}"#),
        Step::Authorize("OFFLINE".into()),
        Step::Disconnect,
        Step::Connect,
        Step::Answer,
    ]);
    s
}

/// The central system's CALLs: unknown, unsupported, malformed,
/// DataTransfer, TriggerMessage, ClearCache, garbage.
pub fn incoming() -> Scenario {
    vec![
        Step::Connect,
        Step::Answer,
        Step::receive(r#"[2,"a","Nope",{}]"#),
        Step::receive(r#"[2,"b","SendLocalList",{"listVersion":1,"updateType":"Full"}]"#),
        Step::receive(r#"[2,"c","Reset",[]]"#),
        Step::receive(r#"[2,"d","DataTransfer",{"vendorId":"com.acme","data":"a\"b\\c\u0041"}]"#),
        Step::receive(r#"[2,"e","TriggerMessage",{"requestedMessage":"Heartbeat"}]"#),
        Step::receive(r#"[2,"f","TriggerMessage",{"requestedMessage":"MeterValues"}]"#),
        Step::receive(
            r#"[2,"g","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":7}]"#,
        ),
        Step::receive(r#"[2,"h","ClearCache",{}]"#),
        Step::receive(
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        ),
        Step::receive("\u{fffd}garbage"),
        Step::Answer,
        Step::Answer,
        Step::Answer,
    ]
}

/// Plugs, faults and suspensions of two connectors without a transaction,
/// before and after registration, valid and not.
pub fn connectors() -> Scenario {
    vec![
        Step::PlugIn(1),
        Step::Connect,
        Step::Answer,
        Step::SetFault(2, Some(Ec::GroundFailure)),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::SetFault(1, Some(Ec::NoError)),
        Step::SetFault(9, None),
        Step::PlugIn(9),
        Step::Unplug(0),
        Step::SetEvSuspended(1, true),
        Step::present(2, "ABCD1234"),
        Step::SetFault(2, None),
        Step::Answer,
        Step::SetFault(0, Some(Ec::PowerMeterFailure)),
        Step::Unplug(1),
        Step::Answer,
        Step::Answer,
        Step::present(1, "ABCD1234"),
        Step::present(1, "TOO-LONG-FOR-AN-IDTAG-20"),
        Step::SetFault(0, None),
        Step::Advance(45),
        Step::Answer,
    ]
}

/// Every hand-written scenario: (name, connectors, steps).
pub fn catalogue() -> Vec<(&'static str, u8, Scenario)> {
    vec![
        ("registration", 1, registration()),
        ("authorizations", 1, authorizations()),
        ("incoming", 1, incoming()),
        ("connectors", 2, connectors()),
        ("standard session x2", 1, standard_session(2)),
        ("transactions", 2, transactions()),
        ("offline", 1, offline()),
        ("configuration", 1, configuration()),
        ("remote start and stop", 2, remote_start_stop()),
        ("remote control", 2, remote_control()),
        ("busy", 1, busy()),
    ]
}
