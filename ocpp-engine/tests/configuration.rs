//! GetConfiguration and ChangeConfiguration (OCPP 1.6 §5.3, §5.8, §9.1),
//! and the firmware's own keys.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod support;

use ocpp_engine::{Access, Event, InputError, Key};
use serde_json::json;
use support::{pool, Harness};

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

#[test]
fn the_firmware_adds_keys_of_its_own_with_a_check() {
    let pool = pool();
    let mut h = Harness::new(&pool);
    fn percent(v: &str) -> bool {
        v.parse::<u8>().is_ok_and(|p| p <= 100)
    }
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
