//! Any bytes into the frame parser and the message decoders, against
//! serde_json and the official schemas: see `src/codec.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ocpp_fuzz::codec::run(data));
