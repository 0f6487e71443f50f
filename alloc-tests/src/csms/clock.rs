//! The charge point's RFC 3339 date-times as Unix milliseconds, read here
//! rather than by the code under test. (The central system's own clock,
//! in its answers, is the test kit's: `ocpp_testkit::wall_clock`.)

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` as Unix milliseconds (the forms the charge
/// point writes).
pub(super) fn unix_millis(s: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac = match s.get(19..)? {
        "Z" => 0,
        f if f.starts_with('.') && f.ends_with('Z') && f.len() == 5 => num(20..23)?,
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + frac)
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_charge_point_s_timestamps_and_the_kit_s_clock() {
        let kit = ocpp_testkit::wall_clock(ocpp_testkit::START).to_string();
        assert_eq!(kit, ocpp_testkit::WALL_AT_START);
        let start = ocpp_testkit::answers::WALL_AT_START_MS;
        assert_eq!(unix_millis(&kit), Some(start));
        assert_eq!(unix_millis("2026-11-25T10:00:00.000Z"), Some(start));
        assert_eq!(
            unix_millis("2027-01-04T10:00:01.500Z"),
            Some(start + 40 * 86_400_000 + 1_500)
        );
        assert_eq!(unix_millis("1970-01-01T00:00:00.250Z"), Some(250));
        assert_eq!(unix_millis("2026-11-25T10:00:00"), None);
    }
}
