//! Typed messages from the fuzzer's bytes, through `arbitrary::Unstructured`
//! and the model's public constructors, valid by construction: CiStrings of
//! printable ASCII within their length, every enum value, integers and
//! decimals over the whole `i32` range, date-times over 0000..=9999, free
//! text of any characters, `minItems` respected.
//!
//! Now and then a string is drawn over its bound (too long, or not
//! printable ASCII): the constructor must refuse it with the documented
//! error, and a valid string is used instead. Arrays are mostly short, and
//! now and then as long as `max_items + 2`, so that a decode with these
//! limits must refuse them; [`Gen::longest`] tells the check which outcome
//! to expect. Once the input is used up every draw is the smallest choice,
//! so any input gives a complete message.

use allocator_api2::vec::Vec as AVec;
use arbitrary::{Arbitrary, Unstructured};
use ocpp_model::*;

/// Characters that JSON escapes or that sit at the edges of printable ASCII.
const EDGY: &[char] = &['"', '\\', '/', ' ', '~', '\u{7f}', '\n', '\0', 'é', '⚡'];

/// The generator: the fuzzer's bytes, the allocator the values live in, and
/// what it made.
pub struct Gen<'d, A> {
    pub u: Unstructured<'d>,
    a: A,
    /// The `max_items` of the limits the value will be decoded with.
    pub max_items: usize,
    /// The longest array generated so far.
    pub longest: usize,
}

impl<'d, A: Allocator + Clone> Gen<'d, A> {
    pub fn new(u: Unstructured<'d>, a: A, max_items: usize) -> Self {
        Gen {
            u,
            a,
            max_items,
            longest: 0,
        }
    }

    pub fn byte(&mut self) -> u8 {
        u8::arbitrary(&mut self.u).unwrap_or(0)
    }

    /// True about `per_256` times in 256 (never once the input is used up).
    pub fn chance(&mut self, per_256: u8) -> bool {
        self.byte() < per_256 && !self.u.is_empty()
    }

    /// One of `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.u.choose_index(n).unwrap_or(0)
    }

    /// A number in `lo..=hi`.
    pub fn within(&mut self, lo: usize, hi: usize) -> usize {
        self.u.int_in_range(lo..=hi).unwrap_or(lo)
    }

    pub fn pick<T: Copy>(&mut self, all: &[T]) -> T {
        all[self.below(all.len())]
    }

    pub fn maybe<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        (self.byte() & 1 == 1).then(|| f(self))
    }

    pub fn i32(&mut self) -> i32 {
        match self.byte() % 4 {
            0 => self.pick(&[0, 1, -1, 9, 10, i32::MAX, i32::MIN, i32::MAX - 1]),
            1 => i32::from(self.byte()),
            _ => i32::arbitrary(&mut self.u).unwrap_or(0),
        }
    }

    pub fn decimal(&mut self) -> Decimal {
        Decimal::from_tenths(self.i32())
    }

    /// Any instant of 0000-01-01 to 9999-12-31, often on a whole second.
    pub fn datetime(&mut self) -> DateTime {
        let (min, max) = (DateTime::MIN.unix_millis(), DateTime::MAX.unix_millis());
        let ms = match self.byte() % 4 {
            0 => self.pick(&[min, max, 0, -1, 1_764_000_000_000]),
            _ => self.u.int_in_range(min..=max).unwrap_or(0),
        };
        let ms = if self.byte() & 1 == 0 {
            ms - ms.rem_euclid(1000)
        } else {
            ms
        };
        DateTime::from_unix_millis(ms)
    }

    /// A printable ASCII character, escapes needing ones often.
    pub fn printable(&mut self) -> char {
        match self.byte() % 8 {
            0 => self.pick(&['"', '\\', '/', ' ', '~']),
            _ => char::from(0x20 + self.byte() % 95),
        }
    }

    /// Printable ASCII of at most `max` characters (empty and exactly `max`
    /// often); now and then first a string over the bound, which `make`
    /// must refuse with `TooLong` or `NotPrintable`.
    fn ci_text<T>(&mut self, max: usize, make: impl Fn(&str) -> Result<T, CiStringError>) -> T {
        if self.chance(16) {
            let over = self.chance(128);
            let len = if over {
                self.within(max + 1, max + 8)
            } else {
                self.within(1, max.max(1))
            };
            let mut s: String = (0..len).map(|_| self.printable()).collect();
            let expected = if over {
                CiStringError::TooLong
            } else {
                // A character outside printable ASCII at some place.
                let bad = match self.byte() % 3 {
                    0 => self.pick(&['\u{7f}', '\n', '\0', '\u{1f}', 'é', '⚡']),
                    _ => char::arbitrary(&mut self.u)
                        .ok()
                        .filter(|c| !(' '..='~').contains(c))
                        .unwrap_or('\t'),
                };
                // `s` is ASCII: a character is a byte.
                let at = self.within(0, len - 1);
                s.replace_range(at..=at, bad.encode_utf8(&mut [0; 4]));
                CiStringError::NotPrintable
            };
            match make(&s) {
                Err(e) => assert_eq!(e, expected, "{s:?} over its bound of {max}"),
                Ok(_) => panic!("{s:?} accepted though over its bound of {max}"),
            }
        }
        let len = match self.byte() % 4 {
            0 => 0,
            1 => max,
            _ => self.within(0, max),
        };
        let s: String = (0..len).map(|_| self.printable()).collect();
        make(&s).unwrap_or_else(|e| panic!("{s:?} (at most {max}) refused: {e:?}"))
    }

    pub fn ci<const N: usize>(&mut self) -> CiString<N, A> {
        let a = self.a.clone();
        self.ci_text(N, |s| CiString::try_from_str(s, a.clone()))
    }

    pub fn opt_ci<const N: usize>(&mut self) -> Option<CiString<N, A>> {
        self.maybe(Self::ci)
    }

    pub fn id_token(&mut self) -> IdToken {
        self.ci_text(IdToken::MAX_LEN, IdToken::try_from_str)
    }

    /// Free text: any characters (the fuzzer's UTF-8), or edge characters.
    pub fn text(&mut self) -> Text<A> {
        let s: String = match self.byte() % 4 {
            0 => (0..self.within(0, 40)).map(|_| self.pick(EDGY)).collect(),
            _ => <&str>::arbitrary(&mut self.u).unwrap_or("").to_owned(),
        };
        Text::try_from_str(&s, self.a.clone()).expect("text fits the pool")
    }

    /// At least `min` items made by `f`: mostly up to 4, now and then up to
    /// `max_items + 2` (over the bound the decode is given).
    pub fn items<T>(&mut self, min: usize, mut f: impl FnMut(&mut Self) -> T) -> AVec<T, A> {
        let n = if self.chance(24) {
            self.within(min, self.max_items + 2)
        } else {
            self.within(min, min.max(4))
        };
        self.longest = self.longest.max(n);
        let mut v = AVec::new_in(self.a.clone());
        v.try_reserve_exact(n).expect("the items fit the pool");
        for _ in 0..n {
            v.push(f(self));
        }
        v
    }

    // ------------------------------------------------------- shared types

    pub fn id_tag_info(&mut self) -> IdTagInfo {
        IdTagInfo {
            expiry_date: self.maybe(Self::datetime),
            parent_id_tag: self.maybe(Self::id_token),
            status: self.pick(AuthorizationStatus::ALL),
        }
    }

    /// A sample; `hertz`: whether the `Hz` unit may appear (not in
    /// StopTransaction, whose schema lacks it: the model documents that
    /// whoever fills `transactionData` keeps it out).
    pub fn sampled_value(&mut self, hertz: bool) -> SampledValue<A> {
        let mut unit = self.maybe(|g| g.pick(UnitOfMeasure::ALL));
        if !hertz && unit == Some(UnitOfMeasure::Hertz) {
            unit = None;
        }
        SampledValue {
            value: self.text(),
            context: self.maybe(|g| g.pick(ReadingContext::ALL)),
            format: self.maybe(|g| g.pick(ValueFormat::ALL)),
            measurand: self.maybe(|g| g.pick(Measurand::ALL)),
            phase: self.maybe(|g| g.pick(Phase::ALL)),
            location: self.maybe(|g| g.pick(Location::ALL)),
            unit,
        }
    }

    pub fn meter_value(&mut self, hertz: bool) -> MeterValue<A> {
        MeterValue {
            timestamp: self.datetime(),
            sampled_value: self.items(1, |g| g.sampled_value(hertz)),
        }
    }

    pub fn charging_profile(&mut self) -> ChargingProfile<A> {
        ChargingProfile {
            charging_profile_id: self.i32(),
            transaction_id: self.maybe(Self::i32),
            stack_level: self.i32(),
            charging_profile_purpose: self.pick(ChargingProfilePurposeType::ALL),
            charging_profile_kind: self.pick(ChargingProfileKindType::ALL),
            recurrency_kind: self.maybe(|g| g.pick(RecurrencyKindType::ALL)),
            valid_from: self.maybe(Self::datetime),
            valid_to: self.maybe(Self::datetime),
            charging_schedule: ChargingSchedule {
                duration: self.maybe(Self::i32),
                start_schedule: self.maybe(Self::datetime),
                charging_rate_unit: self.pick(ChargingRateUnitType::ALL),
                charging_schedule_period: self.items(0, |g| ChargingSchedulePeriod {
                    start_period: g.i32(),
                    limit: g.decimal(),
                    number_phases: g.maybe(Self::i32),
                }),
                min_charging_rate: self.maybe(Self::decimal),
            },
        }
    }

    // ------------------------------------------------------------ messages

    pub fn boot_notification(&mut self) -> BootNotificationRequest<A> {
        BootNotificationRequest {
            charge_point_vendor: self.ci(),
            charge_point_model: self.ci(),
            charge_point_serial_number: self.opt_ci(),
            charge_box_serial_number: self.opt_ci(),
            firmware_version: self.opt_ci(),
            iccid: self.opt_ci(),
            imsi: self.opt_ci(),
            meter_type: self.opt_ci(),
            meter_serial_number: self.opt_ci(),
        }
    }

    pub fn get_configuration_conf(&mut self) -> GetConfigurationResponse<A> {
        GetConfigurationResponse {
            configuration_key: self.maybe(|g| {
                g.items(0, |g| KeyValue {
                    key: g.ci(),
                    readonly: g.byte() & 1 == 1,
                    value: g.opt_ci(),
                })
            }),
            unknown_key: self.maybe(|g| g.items(0, Self::ci)),
        }
    }

    pub fn meter_values(&mut self) -> MeterValuesRequest<A> {
        MeterValuesRequest {
            connector_id: self.i32(),
            transaction_id: self.maybe(Self::i32),
            meter_value: self.items(1, |g| g.meter_value(true)),
        }
    }

    pub fn status_notification(&mut self) -> StatusNotificationRequest<A> {
        StatusNotificationRequest {
            connector_id: self.i32(),
            error_code: self.pick(ChargePointErrorCode::ALL),
            info: self.opt_ci(),
            status: self.pick(ChargePointStatus::ALL),
            timestamp: self.maybe(Self::datetime),
            vendor_id: self.opt_ci(),
            vendor_error_code: self.opt_ci(),
        }
    }

    pub fn stop_transaction(&mut self) -> StopTransactionRequest<A> {
        StopTransactionRequest {
            id_tag: self.maybe(Self::id_token),
            meter_stop: self.i32(),
            timestamp: self.datetime(),
            transaction_id: self.i32(),
            reason: self.maybe(|g| g.pick(Reason::ALL)),
            transaction_data: self.maybe(|g| g.items(0, |g| g.meter_value(false))),
        }
    }
}
