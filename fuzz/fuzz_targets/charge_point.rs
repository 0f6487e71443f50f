//! The whole charge point, stateful: see `src/charge_point.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ocpp_fuzz::charge_point::run(data));
