//! The OCA Compliancy Testing Tool's charge-point test cases of the Core
//! profile (OCPP 1.6J), from the public pages of "OCPP 1.6 — Compliancy
//! Testing Tool — Test Case Document (Trial 2025-06, Draft)": one file per
//! case in `octt/`, each driving the charge point as the tool would, the
//! firmware side through the harness's inputs and the central system side
//! through its CALLs and its answers to ours. Each file quotes its case
//! (purpose, steps, validations; TRUNC where the collected text stops) and
//! turns the tool's validations into assertions; `octt/states.rs` holds
//! the values the tool is configured with and its reusable states.
//!
//! States: every case runs and passes (39). The three that needed storage
//! across a reboot (TC_013, TC_032_2, TC_034) run on the harness's
//! `MemoryStorage` since issue #7.
//!
//! | case | name | state | why |
//! |---|---|---|---|
//! | TC_001_CS | Cold Boot Charge Point | pass |  |
//! | TC_002_CS | Cold Boot Charge Point – Pending | pass |  |
//! | TC_003_CS | Regular Charging Session – Plugin First | pass |  |
//! | TC_004_1_CS | Regular Charging Session – Identification First | pass |  |
//! | TC_004_2_CS | Identification First – ConnectionTimeOut | pass |  |
//! | TC_005_1_CS | EV Side Disconnected – Stop true, Unlock true | pass | `unplug_ev`, then `unplug` |
//! | TC_005_2_CS | EV Side Disconnected – Stop true, Unlock false | pass | `unplug_ev`, then `unplug` |
//! | TC_005_3_CS | EV Side Disconnected – Stop false, Unlock false | pass | `unplug_ev`, then `unplug` |
//! | TC_007_CS | Regular Start Charging Session – Cached Id | pass |  |
//! | TC_010_CS | Remote Start – Cable Plugged in First | pass |  |
//! | TC_011_1_CS | Remote Start – Remote Start First | pass |  |
//! | TC_011_2_CS | Remote Start – Time Out | pass |  |
//! | TC_012_CS | Remote Stop Charging Session | pass |  |
//! | TC_013_CS | Hard Reset Without transaction | pass | availability across the reboot |
//! | TC_015_CS | Hard Reset With Transaction | pass | StopTransaction before the reboot |
//! | TC_017_2_CS | Unlock connector – no session (Fixed cable) | pass |  |
//! | TC_018_1_CS | Unlock Connector – With Charging Session | pass | our CALLs wait behind the unlock answer |
//! | TC_019_CS | Retrieve configuration | pass | steps 5-8 TRUNC |
//! | TC_021_CS | Change/set Configuration | pass |  |
//! | TC_023_CS | Start Charging Session – Authorize invalid | pass |  |
//! | TC_024_CS | Start Charging Session – Lock Failure | pass |  |
//! | TC_026_CS | Remote Start – Rejected | pass |  |
//! | TC_027_CS | Remote start – connector id shall not be 0 | pass |  |
//! | TC_028_CS | Remote Stop Transaction – Rejected | pass |  |
//! | TC_032_1_CS | Power failure – stop transactions before going down | pass |  |
//! | TC_032_2_CS | Power failure – stop transactions after going down | pass | transaction across the power loss |
//! | TC_034_CS | Power Failure with Unavailable Status | pass | availability across the power cycle |
//! | TC_036_CS | Connection Loss During Transaction | pass |  |
//! | TC_037_1_CS | Offline Start Transaction – Valid IdTag | pass |  |
//! | TC_038_CS | Offline Stop Transaction | pass |  |
//! | TC_039_CS | Offline Transaction | pass |  |
//! | TC_040_1_CS | Configuration key – NotSupported | pass |  |
//! | TC_040_2_CS | Configuration key – Invalid value | pass |  |
//! | TC_061_CS | Clear Authorization Data in Authorization Cache | pass |  |
//! | TC_062_CS | Data Transfer to a Charge Point | pass |  |
//! | TC_068_CS | Stop transaction – same IdTag | pass |  |
//! | TC_069_CS | Stop transaction – same ParentIdTag | pass |  |
//! | TC_070_CS | Sampled Meter Values | pass |  |
//! | TC_071_CS | Clock-aligned Meter Values | pass |  |
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

#[path = "octt/states.rs"]
mod states;
mod support;

#[path = "octt/tc_001_cs.rs"]
mod tc_001_cs;
#[path = "octt/tc_002_cs.rs"]
mod tc_002_cs;
#[path = "octt/tc_003_cs.rs"]
mod tc_003_cs;
#[path = "octt/tc_004_1_cs.rs"]
mod tc_004_1_cs;
#[path = "octt/tc_004_2_cs.rs"]
mod tc_004_2_cs;
#[path = "octt/tc_005_1_cs.rs"]
mod tc_005_1_cs;
#[path = "octt/tc_005_2_cs.rs"]
mod tc_005_2_cs;
#[path = "octt/tc_005_3_cs.rs"]
mod tc_005_3_cs;
#[path = "octt/tc_007_cs.rs"]
mod tc_007_cs;
#[path = "octt/tc_010_cs.rs"]
mod tc_010_cs;
#[path = "octt/tc_011_1_cs.rs"]
mod tc_011_1_cs;
#[path = "octt/tc_011_2_cs.rs"]
mod tc_011_2_cs;
#[path = "octt/tc_012_cs.rs"]
mod tc_012_cs;
#[path = "octt/tc_013_cs.rs"]
mod tc_013_cs;
#[path = "octt/tc_015_cs.rs"]
mod tc_015_cs;
#[path = "octt/tc_017_2_cs.rs"]
mod tc_017_2_cs;
#[path = "octt/tc_018_1_cs.rs"]
mod tc_018_1_cs;
#[path = "octt/tc_019_cs.rs"]
mod tc_019_cs;
#[path = "octt/tc_021_cs.rs"]
mod tc_021_cs;
#[path = "octt/tc_023_cs.rs"]
mod tc_023_cs;
#[path = "octt/tc_024_cs.rs"]
mod tc_024_cs;
#[path = "octt/tc_026_cs.rs"]
mod tc_026_cs;
#[path = "octt/tc_027_cs.rs"]
mod tc_027_cs;
#[path = "octt/tc_028_cs.rs"]
mod tc_028_cs;
#[path = "octt/tc_032_1_cs.rs"]
mod tc_032_1_cs;
#[path = "octt/tc_032_2_cs.rs"]
mod tc_032_2_cs;
#[path = "octt/tc_034_cs.rs"]
mod tc_034_cs;
#[path = "octt/tc_036_cs.rs"]
mod tc_036_cs;
#[path = "octt/tc_037_1_cs.rs"]
mod tc_037_1_cs;
#[path = "octt/tc_038_cs.rs"]
mod tc_038_cs;
#[path = "octt/tc_039_cs.rs"]
mod tc_039_cs;
#[path = "octt/tc_040_1_cs.rs"]
mod tc_040_1_cs;
#[path = "octt/tc_040_2_cs.rs"]
mod tc_040_2_cs;
#[path = "octt/tc_061_cs.rs"]
mod tc_061_cs;
#[path = "octt/tc_062_cs.rs"]
mod tc_062_cs;
#[path = "octt/tc_068_cs.rs"]
mod tc_068_cs;
#[path = "octt/tc_069_cs.rs"]
mod tc_069_cs;
#[path = "octt/tc_070_cs.rs"]
mod tc_070_cs;
#[path = "octt/tc_071_cs.rs"]
mod tc_071_cs;
