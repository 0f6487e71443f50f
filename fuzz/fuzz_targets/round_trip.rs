//! A typed message from the input (`arbitrary`): it encodes, validates
//! against its official schema and decodes back equal, or is refused by
//! the bound it is over; see `src/round_trip/mod.rs`.
#![no_main]

/// Counts global-heap requests during encoding and decoding (there must be none).
#[global_allocator]
static GLOBAL: ocpp_alloc::CountingGlobal = ocpp_alloc::CountingGlobal;

libfuzzer_sys::fuzz_target!(|data: &[u8]| ocpp_fuzz::round_trip::run(data));
