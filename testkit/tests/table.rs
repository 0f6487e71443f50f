//! Every usual answer of the one table validates against its action's
//! official response schema (`schemas/ocpp16/`): a row added to `USUAL` is
//! checked here without a line more.

use ocpp_testkit::{Payload, START, USUAL};
use serde_json::Value;

fn validator(name: &str) -> jsonschema::Validator {
    let path = format!(
        "{}/../schemas/ocpp16/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn json(payload: &Payload) -> Value {
    let mut buf = [0u8; 256];
    let n = payload
        .write(START, &mut buf)
        .expect("a usual answer fits 256 B");
    serde_json::from_slice(&buf[..n]).expect("a usual answer is JSON")
}

#[test]
fn every_usual_answer_validates_against_its_schema() {
    for row in USUAL {
        let payload = json(&row.payload);
        let schema = format!("{}Response", row.name);
        let errors: Vec<String> = validator(&schema)
            .iter_errors(&payload)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{schema}: {errors:?} in {payload}");
    }
}

#[test]
fn each_action_has_one_row() {
    for (i, row) in USUAL.iter().enumerate() {
        assert!(
            USUAL[..i].iter().all(|r| r.action != row.action),
            "{} twice",
            row.name
        );
    }
}

#[cfg(feature = "std")]
#[test]
fn the_text_form_is_the_written_form() {
    for row in USUAL {
        assert_eq!(
            serde_json::from_str::<Value>(&row.payload.text(START)).unwrap(),
            json(&row.payload),
            "{}",
            row.name
        );
    }
}
