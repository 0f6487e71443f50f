//! Any bytes into the frame parser and the message decoders, against
//! serde_json and the official schemas: see `src/codec.rs`.
#![no_main]

/// Counts global-heap requests during parsing and decoding (there must be none).
#[global_allocator]
static GLOBAL: ocpp_alloc::CountingGlobal = ocpp_alloc::CountingGlobal;

libfuzzer_sys::fuzz_target!(|data: &[u8]| ocpp_fuzz::codec::run(data));
