//! The malformed-frame corpus: every case with its exact expected outcome,
//! then the same inputs judged by an independent oracle (serde_json + the
//! official schema) to check that we accept exactly what it accepts, apart
//! from the documented places where this crate is stricter than the schemas.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod common;

use common::corpus::*;
use ocpp_model::*;

use ErrorCode::*;
use FrameErrorKind::*;

// The cases, by level; `Case`, `Outcome` and the checks are the shared
// machinery of `common/corpus.rs`.
#[path = "corpus/frames.rs"]
mod frames;
#[path = "corpus/payloads.rs"]
mod payloads;

fn corpus() -> Vec<Case> {
    let mut all = frames::cases();
    all.extend(payloads::cases());
    all
}

#[test]
fn every_case_has_its_expected_outcome() {
    let cases = corpus();
    check_outcomes(&cases);
    assert!(cases.len() >= 80, "{}", cases.len());
}

#[test]
fn oracle_agrees_with_every_verdict() {
    check_oracle(&corpus());
}

#[test]
fn stricter_than_schema_only_where_documented() {
    check_stricter(&corpus());
}
