//! Seeded generators of the Core messages added after the slice, for the
//! round-trip and differential tests. Values stay within the default
//! limits (frame size, `max_items`) so that every encoded frame is valid.

use allocator_api2::vec::Vec as AVec;
use ocpp_model::*;

use super::Rng;

impl Rng {
    /// Free text: printable ASCII, escapes, and some non-ASCII characters.
    pub fn text<A: Allocator>(&mut self, max: usize, a: A) -> Text<A> {
        let mut s = self.ci_text(max);
        if self.chance(30) {
            s.push(self.pick(&['é', '⚡', '\n', '\u{1F600}']));
        }
        Text::try_from_str(&s, a).unwrap()
    }

    /// `Some(f(self))` half of the time.
    pub fn maybe<T>(&mut self, f: impl FnOnce(&mut Rng) -> T) -> Option<T> {
        self.chance(50).then(|| f(self))
    }

    /// A decimal with one fractional digit, small or at the edges of `i32`
    /// tenths.
    pub fn decimal(&mut self) -> Decimal {
        Decimal::from_tenths(match self.below(3) {
            0 => self.pick(&[0, 1, -1, 165, i32::MAX, i32::MIN]),
            _ => self.below(10_000) as i32 - 100,
        })
    }

    /// `min..=max` items made by `f`.
    pub fn items<T, A: Allocator>(
        &mut self,
        a: A,
        min: usize,
        max: usize,
        mut f: impl FnMut(&mut Rng) -> T,
    ) -> AVec<T, A> {
        let n = min + self.below((max - min) as u64 + 1) as usize;
        let mut v = AVec::new_in(a);
        for _ in 0..n {
            v.push(f(self));
        }
        v
    }
}

pub fn gen_change_availability_req(r: &mut Rng) -> ChangeAvailabilityRequest {
    ChangeAvailabilityRequest {
        connector_id: r.i32(),
        kind: r.pick(AvailabilityType::ALL),
    }
}

pub fn gen_change_configuration_req<A: Allocator + Clone>(
    r: &mut Rng,
    a: A,
) -> ChangeConfigurationRequest<A> {
    ChangeConfigurationRequest {
        key: r.ci(a.clone()),
        value: r.ci(a),
    }
}

pub fn gen_get_configuration_req<A: Allocator + Clone>(
    r: &mut Rng,
    a: A,
) -> GetConfigurationRequest<A> {
    GetConfigurationRequest {
        key: r.maybe(|r| r.items(a.clone(), 0, 8, |r| r.ci(a.clone()))),
    }
}

pub fn gen_get_configuration_conf<A: Allocator + Clone>(
    r: &mut Rng,
    a: A,
) -> GetConfigurationResponse<A> {
    let key_value = |r: &mut Rng| KeyValue {
        key: r.ci(a.clone()),
        readonly: r.chance(50),
        value: r.opt_ci(a.clone()),
    };
    GetConfigurationResponse {
        configuration_key: r.maybe(|r| r.items(a.clone(), 0, 4, key_value)),
        unknown_key: r.maybe(|r| r.items(a.clone(), 0, 4, |r| r.ci(a.clone()))),
    }
}

pub fn gen_sampled_value<A: Allocator + Clone>(r: &mut Rng, a: A) -> SampledValue<A> {
    SampledValue {
        value: r.text(12, a),
        context: r.maybe(|r| r.pick(ReadingContext::ALL)),
        format: r.maybe(|r| r.pick(ValueFormat::ALL)),
        measurand: r.maybe(|r| r.pick(Measurand::ALL)),
        phase: r.maybe(|r| r.pick(Phase::ALL)),
        location: r.maybe(|r| r.pick(Location::ALL)),
        unit: r.maybe(|r| r.pick(UnitOfMeasure::ALL)),
    }
}

pub fn gen_meter_value<A: Allocator + Clone>(r: &mut Rng, a: A) -> MeterValue<A> {
    MeterValue {
        timestamp: r.datetime(),
        sampled_value: r.items(a.clone(), 1, 4, |r| gen_sampled_value(r, a.clone())),
    }
}

pub fn gen_meter_values_req<A: Allocator + Clone>(r: &mut Rng, a: A) -> MeterValuesRequest<A> {
    MeterValuesRequest {
        connector_id: r.i32(),
        transaction_id: r.maybe(Rng::i32),
        meter_value: r.items(a.clone(), 1, 3, |r| gen_meter_value(r, a.clone())),
    }
}

pub fn gen_charging_profile<A: Allocator + Clone>(r: &mut Rng, a: A) -> ChargingProfile<A> {
    let period = |r: &mut Rng| ChargingSchedulePeriod {
        start_period: r.i32(),
        limit: r.decimal(),
        number_phases: r.maybe(Rng::i32),
    };
    ChargingProfile {
        charging_profile_id: r.i32(),
        transaction_id: r.maybe(Rng::i32),
        stack_level: r.i32(),
        charging_profile_purpose: r.pick(ChargingProfilePurposeType::ALL),
        charging_profile_kind: r.pick(ChargingProfileKindType::ALL),
        recurrency_kind: r.maybe(|r| r.pick(RecurrencyKindType::ALL)),
        valid_from: r.opt_datetime(),
        valid_to: r.opt_datetime(),
        charging_schedule: ChargingSchedule {
            duration: r.maybe(Rng::i32),
            start_schedule: r.opt_datetime(),
            charging_rate_unit: r.pick(ChargingRateUnitType::ALL),
            charging_schedule_period: r.items(a, 0, 5, period),
            min_charging_rate: r.maybe(Rng::decimal),
        },
    }
}

pub fn gen_remote_start_req<A: Allocator + Clone>(
    r: &mut Rng,
    a: A,
) -> RemoteStartTransactionRequest<A> {
    RemoteStartTransactionRequest {
        connector_id: r.maybe(Rng::i32),
        id_tag: r.id_token(),
        charging_profile: r.maybe(|r| gen_charging_profile(r, a)),
    }
}

pub fn gen_start_transaction_req(r: &mut Rng) -> StartTransactionRequest {
    StartTransactionRequest {
        connector_id: r.i32(),
        id_tag: r.id_token(),
        meter_start: r.i32(),
        reservation_id: r.maybe(Rng::i32),
        timestamp: r.datetime(),
    }
}

/// StopTransaction's schema has no Hertz: such a sample is kept out.
pub fn gen_stop_transaction_req<A: Allocator + Clone>(
    r: &mut Rng,
    a: A,
) -> StopTransactionRequest<A> {
    let mut data = r.maybe(|r| r.items(a.clone(), 0, 2, |r| gen_meter_value(r, a.clone())));
    for mv in data.iter_mut().flat_map(|d| d.iter_mut()) {
        for sv in mv.sampled_value.iter_mut() {
            if sv.unit == Some(UnitOfMeasure::Hertz) {
                sv.unit = None;
            }
        }
    }
    StopTransactionRequest {
        id_tag: r.opt_id_token(),
        meter_stop: r.i32(),
        timestamp: r.datetime(),
        transaction_id: r.i32(),
        reason: r.maybe(|r| r.pick(Reason::ALL)),
        transaction_data: data,
    }
}

/// A generated value of Core schema `name` (one of `CORE`), encoded as its
/// frame (CALL for a request, CALLRESULT for a response).
pub fn gen_core_frame<A: Allocator + Clone>(name: &str, r: &mut Rng, a: A) -> Vec<u8> {
    let id = MessageId::from_u32(r.next() as u32);
    let mut buf = vec![0u8; 4096];
    let n = match name.strip_suffix("Response") {
        Some(action) => core_response(action, r, a, &mut buf, &id),
        None => core_request(name, r, a, &mut buf, &id),
    }
    .unwrap();
    buf.truncate(n);
    buf
}

fn core_request<A: Allocator + Clone>(
    name: &str,
    r: &mut Rng,
    a: A,
    buf: &mut [u8],
    id: &MessageId,
) -> Result<usize, EncodeError> {
    macro_rules! call {
        ($action:ident, $v:expr) => {
            encode_call(buf, id, Action::$action, &$v)
        };
    }
    match name {
        "ChangeAvailability" => call!(ChangeAvailability, gen_change_availability_req(r)),
        "ChangeConfiguration" => call!(ChangeConfiguration, gen_change_configuration_req(r, a)),
        "ClearCache" => call!(ClearCache, ClearCacheRequest {}),
        "GetConfiguration" => call!(GetConfiguration, gen_get_configuration_req(r, a)),
        "MeterValues" => call!(MeterValues, gen_meter_values_req(r, a)),
        "RemoteStartTransaction" => call!(RemoteStartTransaction, gen_remote_start_req(r, a)),
        "RemoteStopTransaction" => call!(
            RemoteStopTransaction,
            RemoteStopTransactionRequest {
                transaction_id: r.i32()
            }
        ),
        "Reset" => call!(
            Reset,
            ResetRequest {
                kind: r.pick(ResetType::ALL)
            }
        ),
        "StartTransaction" => call!(StartTransaction, gen_start_transaction_req(r)),
        "StopTransaction" => call!(StopTransaction, gen_stop_transaction_req(r, a)),
        "UnlockConnector" => call!(
            UnlockConnector,
            UnlockConnectorRequest {
                connector_id: r.i32()
            }
        ),
        _ => panic!("not a Core request of this file: {name}"),
    }
}

/// The answer to `action`.
fn core_response<A: Allocator + Clone>(
    action: &str,
    r: &mut Rng,
    a: A,
    buf: &mut [u8],
    id: &MessageId,
) -> Result<usize, EncodeError> {
    macro_rules! res {
        ($t:ident { $($f:ident: $v:expr),* }) => {
            encode_call_result(buf, id, &$t { $($f: $v),* })
        };
    }
    match action {
        "ChangeAvailability" => res!(ChangeAvailabilityResponse {
            status: r.pick(AvailabilityStatus::ALL)
        }),
        "ChangeConfiguration" => res!(ChangeConfigurationResponse {
            status: r.pick(ConfigurationStatus::ALL)
        }),
        "ClearCache" => res!(ClearCacheResponse {
            status: r.pick(ClearCacheStatus::ALL)
        }),
        "GetConfiguration" => encode_call_result(buf, id, &gen_get_configuration_conf(r, a)),
        "MeterValues" => res!(MeterValuesResponse {}),
        "RemoteStartTransaction" => res!(RemoteStartTransactionResponse {
            status: r.pick(RemoteStartStopStatus::ALL)
        }),
        "RemoteStopTransaction" => res!(RemoteStopTransactionResponse {
            status: r.pick(RemoteStartStopStatus::ALL)
        }),
        "Reset" => res!(ResetResponse {
            status: r.pick(ResetStatus::ALL)
        }),
        "StartTransaction" => res!(StartTransactionResponse {
            id_tag_info: super::gen_id_tag_info(r),
            transaction_id: r.i32()
        }),
        "StopTransaction" => res!(StopTransactionResponse {
            id_tag_info: r.maybe(super::gen_id_tag_info)
        }),
        "UnlockConnector" => res!(UnlockConnectorResponse {
            status: r.pick(UnlockStatus::ALL)
        }),
        _ => panic!("not a Core response of this file: {action}Response"),
    }
}
