//! Transactions: idTag and cable in either order, stops of every kind,
//! refusals, the queue offline, retries.

use ocpp_model::Reason;

use super::{authorized, boot};
use crate::scenario::{Scenario, Step};

const BLOCKED: &str = r#"{"idTagInfo":{"status":"Blocked"}}"#;

/// Two connectors: idTag first then the cable, a suspended EV, the cable
/// first then a refused idTag, a StartTransaction answered Blocked
/// (DeAuthorized), a stop by another idTag of the same parent (Local), the
/// firmware's emergency stop, the cable pulled during a transaction
/// (EVDisconnected).
pub fn transactions() -> Scenario {
    let mut s = boot(2);
    s.extend([
        // idTag first, then the cable.
        Step::present(1, "ABCD1234"),
        authorized(),
        Step::Answer,
        Step::energy(1, 1_000),
        Step::PlugIn(1),
        Step::Answer,
        Step::Answer,
        Step::SetEvSuspended(1, true),
        Step::Answer,
        Step::SetEvSuspended(1, false),
        Step::Answer,
        // The cable first, then a refused idTag, then one whose
        // StartTransaction is answered Blocked.
        Step::PlugIn(2),
        Step::Answer,
        Step::present(2, "BLOCKED-1"),
        Step::present(2, "04A1B2C3"),
        Step::answer_with(BLOCKED),
        Step::present(2, "04A1B2C3"),
        authorized(),
        Step::answer_with(r#"{"transactionId":77,"idTagInfo":{"status":"Blocked"}}"#),
        Step::Answer,
        Step::Answer,
        // Another idTag of the same parent stops connector 1.
        Step::present(1, "FLEET-CARD"),
        authorized(),
        Step::Answer,
        Step::Answer,
        Step::Unplug(1),
        Step::Answer,
        // The firmware stops (emergency); then there is no transaction.
        Step::Unplug(2),
        Step::Answer,
        Step::PlugIn(2),
        Step::Answer,
        Step::present(2, "04A1B2C3"),
        authorized(),
        Step::Answer,
        Step::Answer,
        Step::StopTransaction(2, Reason::EmergencyStop),
        Step::StopTransaction(2, Reason::Other),
        Step::Answer,
        Step::Answer,
        // The cable pulled during a transaction: EVDisconnected, unlock.
        Step::PlugIn(1),
        Step::present(1, "ABCD1234"),
        Step::Answer,
        authorized(),
        Step::Answer,
        Step::Unplug(1),
        Step::Answer,
        Step::Answer,
        Step::Answer,
    ]);
    s
}

/// One connector offline: a transaction cut off from the central system
/// keeps sampling into the queue and stops; an unknown idTag starts
/// another offline (AllowOfflineTxForUnknownId); after the reconnection
/// everything is delivered in order, a StopTransaction after two
/// CALLERRORs; the firmware stops the last one (PowerLoss). Each minute
/// on the wall clock both transactions keep a StopTxnAlignedData sample
/// for their StopTransaction (no aligned MeterValues).
pub fn offline() -> Scenario {
    let mut s = vec![
        Step::configure("AllowOfflineTxForUnknownId", "true"),
        Step::configure("ClockAlignedDataInterval", "60"),
        Step::configure("MeterValuesAlignedData", ""),
        Step::configure("StopTxnAlignedData", "Energy.Active.Import.Register"),
    ];
    s.extend(boot(1));
    s.extend([
        Step::PlugIn(1),
        Step::Answer,
        Step::energy(1, 1_000),
        Step::present(1, "ABCD1234"),
        authorized(),
        Step::Answer,
        Step::Answer,
        Step::energy(1, 1_100),
        Step::Advance(60),
        Step::Answer,
        // Cut off mid-transaction: samples wait in the queue.
        Step::Disconnect,
        Step::energy(1, 1_300),
        Step::Advance(60),
        Step::energy(1, 1_500),
        Step::Advance(120),
        Step::Advance(120),
        Step::present(1, "ABCD1234"),
        Step::Unplug(1),
        // An idTag nobody knows starts a transaction offline.
        Step::present(1, "UNKNOWN-9"),
        Step::PlugIn(1),
        Step::energy(1, 1_800),
        Step::Advance(60),
        // Back online: registration, then the queue in order; the
        // StopTransaction fails twice and goes on the third attempt.
        Step::Connect,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::answer_error("InternalError"),
        Step::Answer,
        Step::Answer,
        Step::Advance(60),
        Step::answer_error("GenericError"),
        Step::Advance(120),
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::Answer,
        Step::StopTransaction(1, Reason::PowerLoss),
        Step::Answer,
        Step::Answer,
        Step::Answer,
    ]);
    s
}
