//! The longest CALL the charge point can send: what the buffer given to
//! [`ChargePoint::poll_transmit`](crate::ChargePoint::poll_transmit) must
//! hold so that none of its CALLs waits for a larger one.
//!
//! Computed from the texts the encoders write and the longest name of each
//! enum the model knows, so that it follows them; the tests in
//! `tests/call_len.rs` build the longest StopTransaction and check that it
//! fits and nearly fills it, and that the longest MeterValues and
//! BootNotification fit.

use ocpp_model::{Location, Measurand, Phase, ReadingContext, Reason};

use crate::config::Config;
use crate::tx::meter::unit;

/// The longest CALL the charge point sends with `config`, in bytes: a
/// StopTransaction with its transaction's samples at their longest
/// (StopTxnSampledData at the start and at the end and
/// [`Config::max_stop_aligned_samples`] clock-aligned samples, each of
/// [`Config::max_readings`] readings of the longest measurand, phase,
/// location, unit and value). With [`Config::new`] (4 aligned samples, 8
/// readings) it is 8,300 bytes; with no aligned sample, 2,916 (each adds
/// 1,346); each reading fewer takes 161 bytes off every `meterValue`
/// (1,538 bytes with one reading and 4 aligned samples, 662 with one
/// reading and none).
///
/// Every other CALL of the core is shorter, whatever the configuration:
/// a MeterValues carries one `meterValue` of the readings a
/// StopTransaction carries at least two of; a BootNotification of an
/// identity `ChargePoint::new` accepts (115 printable characters at
/// most, each escaped at most to two) is at most 362 bytes; a
/// StartTransaction or a StatusNotification is under 200, an Authorize
/// and a Heartbeat shorter still. `tests/call_len.rs` sends the longest
/// MeterValues and BootNotification at the smallest bound (one reading,
/// none aligned), and every engine test checks each CALL it sends
/// against the bound.
///
/// A transmit buffer of this size never returns `BufferFull` for a CALL
/// of the charge point's own, with one exception: after a firmware update
/// that lowered `max_stop_aligned_samples` or `max_readings`, the queued
/// messages and samples the records of the build before kept are restored
/// whole (none is dropped), and a message that carries them is as long as
/// that build's bound.
/// Not counted: the firmware's own CALLs
/// ([`send_call`](crate::ChargePoint::send_call)), which are as long as
/// the payload it gives plus its action's name and 20 bytes; and the
/// answers to the central system (a GetConfiguration of every key:
/// [`GET_CONFIGURATION_ALL_LEN`](crate::GET_CONFIGURATION_ALL_LEN)), which
/// are answered with a CALLERROR when they do not fit a buffer of at least
/// [`MIN_TRANSMIT_LEN`](crate::MIN_TRANSMIT_LEN).
///
/// A `const fn`, so that a firmware can size a `static` buffer with it.
pub const fn max_call_len(config: &Config<'_>) -> usize {
    let samples = 2 + config.max_stop_aligned_samples as usize;
    let readings = config.max_readings as usize;
    call("StopTransaction", stop_transaction(samples, readings))
}

/// The longest message id of ours: a `u32` in decimal.
const ID: usize = 10;
/// The longest `dateTime`, quoted: `"YYYY-MM-DDTHH:MM:SS.mmmZ"`.
const DATE_TIME: usize = 26;
/// The longest `i32`: `-2147483648`.
const I32: usize = 11;
/// The longest reading: an `i64` of thousandths, `-9223372036854775.808`.
const VALUE: usize = 21;
/// The longest idTag, quoted: 20 characters, each escaped (`\"`).
const ID_TAG: usize = 2 + 2 * 20;

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

/// The longest name of an enum of the model, quoted.
macro_rules! longest {
    ($t:ty) => {{
        let all = <$t>::ALL;
        let mut i = 0;
        let mut n = 0;
        while i < all.len() {
            n = max(n, all[i].as_str().len());
            i += 1;
        }
        n + 2
    }};
}

/// `[2,"id","Action",payload]`.
const fn call(action: &str, payload: usize) -> usize {
    "[2,\"".len() + ID + "\",\"".len() + action.len() + "\",".len() + payload + "]".len()
}

/// One `sampledValue` at its longest.
const SAMPLED_VALUE: usize = "{\"value\":\"".len()
    + VALUE
    + "\",\"context\":".len()
    + longest!(ReadingContext)
    + MEASURAND_AND_UNIT
    + ",\"phase\":".len()
    + longest!(Phase)
    + ",\"location\":".len()
    + longest!(Location)
    + "}".len();

/// The longest `,"measurand":"…"` with its `,"unit":"…"` (a measurand's
/// unit is fixed: the longest name and the longest unit never meet).
const MEASURAND_AND_UNIT: usize = {
    let all = Measurand::ALL;
    let mut i = 0;
    let mut n = 0;
    while i < all.len() {
        let with_unit = match unit(all[i]) {
            Some(u) => ",\"unit\":".len() + u.as_str().len() + 2,
            None => 0,
        };
        n = max(
            n,
            ",\"measurand\":".len() + all[i].as_str().len() + 2 + with_unit,
        );
        i += 1;
    }
    n
};

/// One `meterValue` of `readings` readings (at least one).
const fn meter_value(readings: usize) -> usize {
    "{\"timestamp\":".len()
        + DATE_TIME
        + ",\"sampledValue\":[".len()
        + readings * (SAMPLED_VALUE + 1)
        - 1
        + "]}".len()
}

/// A StopTransaction with `samples` meterValues of `readings` readings in
/// its transactionData.
const fn stop_transaction(samples: usize, readings: usize) -> usize {
    "{\"idTag\":".len()
        + ID_TAG
        + ",\"meterStop\":".len()
        + I32
        + ",\"timestamp\":".len()
        + DATE_TIME
        + ",\"transactionId\":".len()
        + I32
        + ",\"reason\":".len()
        + longest!(Reason)
        + ",\"transactionData\":[".len()
        + samples * (meter_value(readings) + 1)
        - 1
        + "]}".len()
}
