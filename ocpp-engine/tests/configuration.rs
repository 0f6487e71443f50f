//! GetConfiguration and ChangeConfiguration (OCPP 1.6 §5.3, §5.8, §9.1),
//! and the firmware's own keys.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_alloc::{FailureInjector, FailurePlan};
use ocpp_engine::{Access, ChargePoint, Event, HandleError, InputError, Key};
use serde_json::json;
use support::{any_value, percent, pool, Harness};

#[test]
fn get_configuration_lists_every_key_with_its_access_and_never_the_authorization_key() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    h.receive(
        r#"[2,"g","ChangeConfiguration",{"key":"AuthorizationKey","value":"0123456789abcdef"}]"#,
    )
    .unwrap();
    h.expect_result("g", json!({"status": "Accepted"}));
    assert_eq!(h.cp.authorization_key(), Some("0123456789abcdef"));
    // Over 40 characters: refused, and the key set before stands.
    let before = pool.stats().in_use;
    h.receive(&format!(
        r#"[2,"h","ChangeConfiguration",{{"key":"AuthorizationKey","value":"{}"}}]"#,
        "k".repeat(41)
    ))
    .unwrap();
    h.expect_result("h", json!({"status": "Rejected"}));
    assert_eq!(h.cp.authorization_key(), Some("0123456789abcdef"));
    assert_eq!(pool.stats().in_use, before);
    // The longest values: four long measurands in every list.
    // (Shown in the specification's order of measurands.)
    let long = "Energy.Reactive.Export.Register,Energy.Reactive.Import.Register,\
                Energy.Reactive.Export.Interval,Energy.Reactive.Import.Interval";
    for key in [
        "MeterValuesSampledData",
        "MeterValuesAlignedData",
        "StopTxnSampledData",
        "StopTxnAlignedData",
    ] {
        h.cp.configure(h.now, key, long).unwrap();
    }
    h.receive(r#"[2,"012345678901234567890123456789012345","GetConfiguration",{}]"#)
        .unwrap();
    let sent = h.sent.pop_front().expect("an answer");
    // What a transmit buffer must hold for it (see `ChargePoint::poll_transmit`).
    assert!(
        sent.raw.len() <= ocpp_engine::GET_CONFIGURATION_ALL_LEN,
        "{}",
        sent.raw.len()
    );
    let keys = sent.value[2]["configurationKey"]
        .as_array()
        .unwrap()
        .clone();
    assert!(sent.value[2].get("unknownKey").is_none());
    assert_eq!(keys.len(), Key::ALL.len() - 1, "all but AuthorizationKey");
    let find = |name: &str| keys.iter().find(|k| k["key"] == name).cloned();
    assert_eq!(find("AuthorizationKey"), None);
    assert_eq!(
        find("HeartbeatInterval"),
        Some(json!({"key": "HeartbeatInterval", "readonly": false, "value": "300"}))
    );
    assert_eq!(
        find("NumberOfConnectors"),
        Some(json!({"key": "NumberOfConnectors", "readonly": true, "value": "1"}))
    );
    assert_eq!(find("SupportedFeatureProfiles").unwrap()["value"], "Core");
    assert_eq!(find("MeterValuesSampledData").unwrap()["value"], long);
    // Every bound of this charge point is published.
    for bound in [
        "GetConfigurationMaxKeys",
        "MeterValuesSampledDataMaxLength",
        "TransactionMessageQueueMaxLength",
        "AuthorizationCacheMaxLength",
    ] {
        assert_eq!(find(bound).unwrap()["readonly"], true, "{bound}");
    }
}

#[test]
fn change_configuration_answers_as_ocpp_says_and_tells_the_firmware() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let cases = [
        (
            r#"{"key":"MeterValueSampleInterval","value":"30"}"#,
            "Accepted",
        ),
        (
            r#"{"key":"MeterValueSampleInterval","value":"-5"}"#,
            "Rejected",
        ),
        (
            r#"{"key":"MeterValueSampleInterval","value":"soon"}"#,
            "Rejected",
        ),
        (r#"{"key":"NumberOfConnectors","value":"3"}"#, "Rejected"),
        (r#"{"key":"NoSuchKey","value":"1"}"#, "NotSupported"),
        (
            r#"{"key":"MeterValuesSampledData","value":"Energy.Active.Import.Register,Voltage"}"#,
            "Accepted",
        ),
        (
            r#"{"key":"MeterValuesSampledData","value":"Energy,Nonsense"}"#,
            "Rejected",
        ),
        (
            r#"{"key":"MeterValuesSampledData","value":"Voltage,SoC,Temperature,RPM,Frequency"}"#,
            "Rejected",
        ),
        (r#"{"key":"LocalPreAuthorize","value":"TRUE"}"#, "Accepted"),
    ];
    for (i, (payload, status)) in cases.iter().enumerate() {
        let id = format!("c{i}");
        h.receive(&format!(r#"[2,"{id}","ChangeConfiguration",{payload}]"#))
            .unwrap();
        h.expect_result(&id, json!({ "status": status }));
    }
    let changed: Vec<_> = h
        .events
        .drain(..)
        .filter_map(|e| match e {
            Event::ConfigurationChanged { key } => Some(key),
            _ => None,
        })
        .collect();
    assert_eq!(
        changed,
        // In the order they were made.
        [
            "MeterValueSampleInterval",
            "MeterValuesSampledData",
            "LocalPreAuthorize"
        ]
    );
    let mut value = String::new();
    assert!(h
        .cp
        .read_configuration("MeterValueSampleInterval", &mut value));
    assert_eq!(value, "30");
    // A new HeartbeatInterval applies at once.
    h.receive(r#"[2,"hb","ChangeConfiguration",{"key":"HeartbeatInterval","value":"10"}]"#)
        .unwrap();
    h.expect_result("hb", json!({"status": "Accepted"}));
    h.advance(10);
    h.expect_call("Heartbeat");
}

/// Only a new HeartbeatInterval restarts the heartbeat's period: a change
/// of another key, by the central system or by the firmware, leaves the
/// next Heartbeat where it was.
#[test]
fn a_change_of_another_key_leaves_the_heartbeat_alone() {
    for by_the_firmware in [false, true] {
        let pool = pool();
        let mut h = Harness::new(&pool);
        h.boot(); // HeartbeatInterval 300
        h.advance(200);
        h.expect_quiet();
        if by_the_firmware {
            h.cp.configure(h.now, "MeterValueSampleInterval", "30")
                .unwrap();
        } else {
            let id = h.cs_call(
                "ChangeConfiguration",
                json!({"key": "MeterValueSampleInterval", "value": "30"}),
            );
            h.expect_result(&id, json!({"status": "Accepted"}));
        }
        h.advance(100);
        h.expect_call("Heartbeat");
    }
}

/// A measurand listed twice is in the set once (a set, not a toggle).
#[test]
fn a_measurand_listed_twice_is_in_the_set_once() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let value = "Energy.Active.Import.Register,Power.Active.Import,Energy.Active.Import.Register";
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "MeterValuesSampledData", "value": value}),
    );
    h.expect_result(&id, json!({"status": "Accepted"}));
    let id = h.cs_call(
        "GetConfiguration",
        json!({"key": ["MeterValuesSampledData"]}),
    );
    assert_eq!(
        h.expect_answer(&id)["configurationKey"][0]["value"],
        "Energy.Active.Import.Register,Power.Active.Import"
    );
}

#[test]
fn the_firmware_adds_keys_of_its_own_with_a_check() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.add_configuration_key("LedBrightness", "80", Access::ReadWrite, percent)
        .unwrap();
    assert_eq!(
        h.cp.add_configuration_key("HeartbeatInterval", "1", Access::ReadWrite, percent),
        Err(InputError::InvalidValue),
        "a Core key cannot be redefined"
    );
    h.boot();
    h.receive(r#"[2,"a","ChangeConfiguration",{"key":"LedBrightness","value":"101"}]"#)
        .unwrap();
    h.expect_result("a", json!({"status": "Rejected"}));
    h.receive(r#"[2,"b","ChangeConfiguration",{"key":"LedBrightness","value":"55"}]"#)
        .unwrap();
    h.expect_result("b", json!({"status": "Accepted"}));
    h.expect_event(Event::ConfigurationChanged {
        key: "LedBrightness",
    });
    h.receive(r#"[2,"c","GetConfiguration",{"key":["LedBrightness","Nope"]}]"#)
        .unwrap();
    h.expect_result(
        "c",
        json!({"configurationKey": [{"key": "LedBrightness", "readonly": false, "value": "55"}],
               "unknownKey": ["Nope"]}),
    );
    assert_eq!(
        h.cp.configure(h.now, "LedBrightness", "x"),
        Err(InputError::InvalidValue)
    );
    assert_eq!(
        h.cp.configure(h.now, "Nope", "1"),
        Err(InputError::UnknownKey)
    );
    assert_eq!(
        h.cp.configure(h.now, "NumberOfConnectors", "2"),
        Err(InputError::ReadOnly)
    );
}

#[test]
fn a_get_configuration_over_its_bound_is_refused_precisely() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let keys: Vec<String> = (0..40).map(|i| format!("\"K{i}\"")).collect();
    h.receive(&format!(
        r#"[2,"big","GetConfiguration",{{"key":[{}]}}]"#,
        keys.join(",")
    ))
    .unwrap();
    h.expect_call_error("big", "OccurenceConstraintViolation");
}

#[test]
fn an_answer_too_large_for_the_transmit_buffer_becomes_a_callerror() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let idle = pool.stats().in_use;
    h.cp.handle_frame(h.now, br#"[2,"big","GetConfiguration",{}]"#)
        .unwrap();
    // A firmware with a 512-byte transmit buffer.
    let mut buf = [0u8; 512];
    let n = h.cp.poll_transmit(h.now, &mut buf).unwrap().unwrap();
    let frame: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    assert_eq!(
        frame,
        json!([
            4,
            "big",
            "InternalError",
            "answer larger than this charge point can send",
            {}
        ])
    );
    assert_eq!(pool.stats().in_use, idle, "the answer's memory went back");
    // Nothing waits behind it: the next CALL is answered.
    h.receive(r#"[2,"next","GetConfiguration",{"key":["HeartbeatInterval"]}]"#)
        .unwrap();
    h.expect_result(
        "next",
        json!({"configurationKey": [{"key": "HeartbeatInterval", "readonly": false, "value": "300"}]}),
    );
    // Below MIN_TRANSMIT_LEN the caller is told to bring a bigger buffer.
    h.cp.handle_frame(h.now, br#"[2,"b2","GetConfiguration",{}]"#)
        .unwrap();
    let mut tiny = [0u8; 64];
    assert_eq!(
        h.cp.poll_transmit(h.now, &mut tiny),
        Err(ocpp_model::EncodeError::BufferFull)
    );
    // The answer stayed queued, whole: a big enough buffer gets it.
    h.incoming
        .insert("b2".to_owned(), "GetConfiguration".to_owned());
    h.drain();
    let all = h.expect_answer("b2");
    let keys = all["configurationKey"].as_array().expect("the keys");
    assert!(
        keys.iter().any(|k| k["key"] == "HeartbeatInterval"),
        "{all}"
    );
}

/// One GetConfiguration answer waits at a time: a second one before the
/// first is transmitted is refused as Busy (the firmware takes it again
/// later), and the answer that goes out is the first one's.
#[test]
fn a_second_get_configuration_waits_until_the_first_answer_is_out() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let first = r#"[2,"g1","GetConfiguration",{"key":["HeartbeatInterval"]}]"#;
    let second = r#"[2,"g2","GetConfiguration",{"key":["ResetRetries"]}]"#;
    h.cp.handle_frame(h.now, first.as_bytes()).unwrap();
    assert_eq!(
        h.cp.handle_frame(h.now, second.as_bytes()),
        Err(HandleError::Busy)
    );
    h.incoming
        .insert("g1".to_owned(), "GetConfiguration".to_owned());
    h.drain();
    h.expect_result(
        "g1",
        json!({"configurationKey": [{"key": "HeartbeatInterval", "readonly": false, "value": "300"}]}),
    );
    h.expect_quiet();
    // Once it is out, the second one is taken in and answered.
    h.receive(second).unwrap();
    h.expect_result(
        "g2",
        json!({"configurationKey": [{"key": "ResetRetries", "readonly": false, "value": "1"}]}),
    );
}

/// GetConfiguration by name finds every firmware key, not only the first
/// one added; the Core keys come first, in the table's order.
#[test]
fn get_configuration_finds_each_firmware_key_by_name() {
    let pool = pool();
    let mut h = three_firmware_keys(&pool);
    h.receive(r#"[2,"a","GetConfiguration",{"key":["Buzzer"]}]"#)
        .unwrap();
    h.expect_result(
        "a",
        json!({"configurationKey": [{"key": "Buzzer", "readonly": false, "value": "on"}]}),
    );
    h.receive(r#"[2,"b","GetConfiguration",{"key":["FanSpeed","HeartbeatInterval"]}]"#)
        .unwrap();
    h.expect_result(
        "b",
        json!({"configurationKey": [
            {"key": "HeartbeatInterval", "readonly": false, "value": "300"},
            {"key": "FanSpeed", "readonly": false, "value": "2"}
        ]}),
    );
}

/// An integrator's `{:?}` log of the charge point shows the firmware's
/// own keys with their values.
#[test]
fn the_debug_view_shows_the_firmware_keys_and_their_values() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.add_configuration_key("LedBrightness", "73", Access::ReadWrite, any_value)
        .unwrap();
    let view = format!("{:?}", h.cp);
    assert!(view.contains("LedBrightness"), "{view}");
    assert!(view.contains("73"), "{view}");
}

/// Every key the central system changes is told to the firmware by its
/// name, once: `AuthorizationKey` (the firmware's HTTP Basic password) and
/// each of the firmware's own keys, not only the first one added.
#[test]
fn each_change_by_the_central_system_is_told_by_its_key() {
    let pool = pool();
    let mut h = three_firmware_keys(&pool);
    for (key, value) in [
        ("Buzzer", "off"),
        ("AuthorizationKey", "0123456789abcdef"),
        ("FanSpeed", "3"),
    ] {
        let id = h.cs_call("ChangeConfiguration", json!({"key": key, "value": value}));
        assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}), "{key}");
        assert_eq!(
            h.events.drain(..).collect::<Vec<_>>(),
            [Event::ConfigurationChanged { key }]
        );
    }
}

/// A firmware key is refused, and nothing added, when its name is taken (a
/// Core key or one of the firmware's own), is not 1 to 50 ASCII characters
/// (OCPP's CiString50 of a key), or its default value fails its own
/// check; at most 64 are kept.
#[test]
fn a_firmware_key_is_added_only_with_a_fresh_name_and_a_valid_value() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    let rw = Access::ReadWrite;
    h.cp.add_configuration_key("LedBrightness", "80", rw, percent)
        .unwrap();
    let longest: &'static str = Box::leak("K".repeat(50).into_boxed_str());
    let too_long: &'static str = Box::leak("K".repeat(51).into_boxed_str());
    for (name, value) in [
        ("LedBrightness", "70"),
        ("HeartbeatInterval", "1"),
        ("", "1"),
        (too_long, "1"),
        ("Helligkeitsstufe\u{e4}", "1"),
        ("FanSpeed", "101"),
    ] {
        assert_eq!(
            h.cp.add_configuration_key(name, value, rw, percent),
            Err(InputError::InvalidValue),
            "{name:?} = {value:?}"
        );
    }
    let mut shown = String::new();
    for refused in ["", too_long, "Helligkeitsstufe\u{e4}", "FanSpeed"] {
        assert!(!h.cp.read_configuration(refused, &mut shown), "{refused:?}");
    }
    assert!(h.cp.read_configuration("LedBrightness", &mut shown));
    assert_eq!(shown, "80", "the first LedBrightness stands");
    h.cp.add_configuration_key(longest, "1", rw, percent)
        .unwrap();
    for i in 2..64 {
        let name: &'static str = Box::leak(format!("Key{i}").into_boxed_str());
        h.cp.add_configuration_key(name, "1", rw, percent).unwrap();
    }
    assert_eq!(
        h.cp.add_configuration_key("OneTooMany", "1", rw, percent),
        Err(InputError::InvalidValue),
        "the 65th"
    );
    assert!(!h.cp.read_configuration("OneTooMany", &mut shown));
}

/// A write-only firmware key (a password) is set by the central system
/// but never shown: not by GetConfiguration, not to the firmware's reads.
#[test]
fn a_write_only_firmware_key_is_set_but_never_shown() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.cp.add_configuration_key("WifiPassword", "secret", Access::WriteOnly, any_value)
        .unwrap();
    h.boot();
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "WifiPassword", "value": "hunter2"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.expect_event(Event::ConfigurationChanged {
        key: "WifiPassword",
    });
    let mut shown = String::new();
    assert!(!h.cp.read_configuration("WifiPassword", &mut shown));
    assert_eq!(shown, "");
    let id = h.cs_call("GetConfiguration", json!({"key": ["WifiPassword"]}));
    assert_eq!(h.expect_answer(&id), json!({"configurationKey": []}));
    let id = h.cs_call("GetConfiguration", json!({}));
    let all = h.expect_answer(&id).to_string();
    assert!(
        !all.contains("WifiPassword") && !all.contains("hunter2"),
        "{all}"
    );
}

/// A firmware key's new value that the pool cannot hold is OutOfMemory (the
/// firmware may try again), not InvalidValue, and the old value stands.
#[test]
fn a_firmware_value_the_pool_cannot_hold_is_out_of_memory() {
    let pool = pool();
    let injector = FailureInjector::new(&*pool);
    let mut cp = ChargePoint::new(&support::config(), &injector).unwrap();
    let now = ocpp_engine::Instant::from_millis(0);
    cp.add_configuration_key("Greeting", "hello", Access::ReadWrite, any_value)
        .unwrap();
    injector.set_plan(FailurePlan::Nth(1));
    assert_eq!(
        cp.configure(now, "Greeting", "good morning"),
        Err(InputError::OutOfMemory)
    );
    injector.set_plan(FailurePlan::Nth(1));
    assert_eq!(
        cp.add_configuration_key("Farewell", "bye", Access::ReadWrite, any_value),
        Err(InputError::OutOfMemory)
    );
    let mut shown = String::new();
    assert!(cp.read_configuration("Greeting", &mut shown));
    assert_eq!(shown, "hello");
    assert!(!cp.read_configuration("Farewell", &mut shown));
}

/// A registered charge point with three firmware keys of any value:
/// LedBrightness 80, FanSpeed 2, Buzzer on.
fn three_firmware_keys(pool: &support::Pool) -> Harness<'_> {
    let mut h = Harness::new(pool);
    for (name, value) in [("LedBrightness", "80"), ("FanSpeed", "2"), ("Buzzer", "on")] {
        h.cp.add_configuration_key(name, value, Access::ReadWrite, any_value)
            .unwrap();
    }
    h.boot();
    h
}

/// ConnectorPhaseRotation tells the central system how the phases are
/// wired; this charge point's one true value is `NotApplicable`. Setting
/// that is Accepted (and told); a rotation it does not have is Rejected,
/// and the key keeps saying `NotApplicable`.
#[test]
fn connector_phase_rotation_takes_only_the_one_true_value() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "ConnectorPhaseRotation", "value": "NotApplicable"}),
    );
    assert_eq!(h.expect_answer(&id), json!({"status": "Accepted"}));
    h.expect_event(Event::ConfigurationChanged {
        key: "ConnectorPhaseRotation",
    });
    for wrong in ["0.RST,1.RST", "Unknown", "notapplicable", ""] {
        let id = h.cs_call(
            "ChangeConfiguration",
            json!({"key": "ConnectorPhaseRotation", "value": wrong}),
        );
        assert_eq!(
            h.expect_answer(&id),
            json!({"status": "Rejected"}),
            "{wrong:?}"
        );
    }
    assert_eq!(
        h.cp.configure(h.now, "ConnectorPhaseRotation", "0.RST"),
        Err(InputError::InvalidValue)
    );
    h.cp.configure(h.now, "ConnectorPhaseRotation", "NotApplicable")
        .unwrap();
    assert!(h.events.is_empty(), "{:?}", h.events);
    let id = h.cs_call(
        "GetConfiguration",
        json!({"key": ["ConnectorPhaseRotation"]}),
    );
    assert_eq!(
        h.expect_answer(&id),
        json!({"configurationKey": [
            {"key": "ConnectorPhaseRotation", "readonly": false, "value": "NotApplicable"}
        ]})
    );
}

/// The counts ResetRetries and TransactionMessageAttempts take any whole
/// number of 0 to 255 the central system writes (TransactionMessageAttempts
/// at least 1: a message must be tried once), and show it back as written.
#[test]
fn the_counts_are_taken_as_written_within_their_range() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    h.boot();
    for (key, value, status) in [
        ("ResetRetries", "3", "Accepted"),
        ("ResetRetries", "0", "Accepted"),
        ("ResetRetries", "256", "Rejected"),
        ("ResetRetries", "-1", "Rejected"),
        ("TransactionMessageAttempts", "255", "Accepted"),
        ("TransactionMessageAttempts", "0", "Rejected"),
        ("TransactionMessageAttempts", "5", "Accepted"),
        ("TransactionMessageAttempts", "many", "Rejected"),
    ] {
        let id = h.cs_call("ChangeConfiguration", json!({"key": key, "value": value}));
        assert_eq!(
            h.expect_answer(&id),
            json!({ "status": status }),
            "{key} = {value}"
        );
    }
    let id = h.cs_call(
        "GetConfiguration",
        json!({"key": ["ResetRetries", "TransactionMessageAttempts"]}),
    );
    assert_eq!(
        h.expect_answer(&id),
        json!({"configurationKey": [
            {"key": "ResetRetries", "readonly": false, "value": "0"},
            {"key": "TransactionMessageAttempts", "readonly": false, "value": "5"}
        ]})
    );
}
