//! TC_040_2_CS Configuratoin [sic] key – Invalid value (OCTT test case
//! document p53).
//!
//! Purpose: not in the collected excerpt (the name: a value the key cannot
//! take).
//!
//! Steps: 1 CS ChangeConfiguration.req → 2 CP ChangeConfiguration.conf OR a
//! CallError.
//!
//! Validations, CP: S2 ChangeConfiguration.conf status=Rejected, OR a
//! CallError with ErrorCode=PropertyConstraintViolation. CS: S1
//! key=MeterValueSampleInterval, value=-1.

use serde_json::json;

use crate::states::booted;
use crate::support::pool;

#[test]
fn tc_040_2_cs() {
    let pool = pool();
    let mut h = booted(&pool);
    let mut before = String::new();
    assert!(h
        .cp
        .read_configuration("MeterValueSampleInterval", &mut before));
    let id = h.cs_call(
        "ChangeConfiguration",
        json!({"key": "MeterValueSampleInterval", "value": "-1"}),
    );
    let answer = h.sent.pop_front().expect("an answer");
    assert_eq!(answer.id(), id, "{}", answer.raw);
    match answer.message_type() {
        3 => assert_eq!(
            answer.value[2],
            json!({"status": "Rejected"}),
            "{}",
            answer.raw
        ),
        4 => assert_eq!(
            answer.value[2], "PropertyConstraintViolation",
            "{}",
            answer.raw
        ),
        _ => panic!("not an answer: {}", answer.raw),
    }
    // The value is as it was.
    let mut after = String::new();
    assert!(h
        .cp
        .read_configuration("MeterValueSampleInterval", &mut after));
    assert_eq!(after, before);
    h.expect_quiet();
}
