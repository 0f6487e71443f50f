//! The scripted central system's clock: RFC 3339 date-times to and from
//! Unix milliseconds, written here rather than taken from the code under test.

use ocpp_engine::Instant;

/// The central system's wall clock at the rig's instant 0:
/// 2026-11-25T10:00:00Z, in Unix milliseconds.
const EPOCH_MS: i64 = 1_795_600_800_000;

/// The central system's wall clock at the rig's `now`, RFC 3339 in UTC.
pub(crate) fn wall_clock(now: Instant) -> String {
    let ms = EPOCH_MS + i64::try_from(now.as_millis()).unwrap_or(i64::MAX / 2);
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let s = in_day / 1000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        in_day % 1000
    )
}

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

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_clock_starts_on_the_scripted_day_and_reads_back() {
        let t0 = wall_clock(Instant::from_millis(0));
        assert_eq!(t0, "2026-11-25T10:00:00.000Z");
        let later = Instant::from_millis(40 * 86_400_000 + 1_500);
        assert_eq!(wall_clock(later), "2027-01-04T10:00:01.500Z");
        assert_eq!(unix_millis(&t0), Some(EPOCH_MS));
        assert_eq!(unix_millis("2026-11-25T10:00:00Z"), Some(EPOCH_MS));
        assert_eq!(unix_millis("1970-01-01T00:00:00.250Z"), Some(250));
        assert_eq!(unix_millis("2026-11-25T10:00:00"), None);
    }
}
