//! Every time on the wire, in one place: TOP's civil time (`yyyy-MM-dd HH:mm:ss` in GMT+8,
//! whatever the local zone), the `timestamp` param, epoch milliseconds (TMC, token expiries),
//! and the clocks calls read them from.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds east of UTC of TOP's time zone (China Standard Time, no DST).
const GMT8: i64 = 8 * 3600;

/// A date-time on TOP's wall clock (GMT+8), to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// The Unix epoch on TOP's clock (`1970-01-01 08:00:00`); a placeholder for required dates.
impl Default for DateTime {
    fn default() -> Self {
        DateTime::from_unix(0)
    }
}

/// Why a text is not a TOP date-time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDateTimeError(pub String);

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date-time `yyyy-MM-dd HH:mm:ss`", self.0)
    }
}

impl std::error::Error for ParseDateTimeError {}

/// The Unix seconds `DateTime` covers: years 0001 to 9999, as TOP writes them (values beyond
/// are clamped, never overflow).
const UNIX_RANGE: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

impl DateTime {
    /// The GMT+8 wall-clock time of a Unix timestamp (seconds; clamped to years 0001-9999).
    pub fn from_unix(secs: i64) -> DateTime {
        let secs = secs.clamp(*UNIX_RANGE.start(), *UNIX_RANGE.end() - GMT8);
        let local = secs + GMT8;
        let days = local.div_euclid(86_400);
        let sod = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (sod / 3600) as u8,
            minute: (sod % 3600 / 60) as u8,
            second: (sod % 60) as u8,
        }
    }

    /// The Unix timestamp (seconds) of this GMT+8 wall-clock time.
    pub fn to_unix(self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - GMT8
    }

    pub fn from_system_time(t: SystemTime) -> DateTime {
        DateTime::from_epoch_millis(epoch_millis(t))
    }

    /// The GMT+8 wall-clock time of epoch milliseconds (TMC's times, dates sent as numbers).
    pub fn from_epoch_millis(ms: i64) -> DateTime {
        DateTime::from_unix(ms.div_euclid(1000))
    }

    pub fn to_system_time(self) -> SystemTime {
        from_epoch_millis(self.to_unix().saturating_mul(1000))
    }

    /// Now, on TOP's clock.
    pub fn now() -> DateTime {
        DateTime::from_system_time(SystemTime::now())
    }

    /// Parses `yyyy-MM-dd HH:mm:ss` (a bare `yyyy-MM-dd` means midnight).
    pub fn parse(text: &str) -> Result<DateTime, ParseDateTimeError> {
        let bad = || ParseDateTimeError(text.to_string());
        let b = text.trim().as_bytes();
        if b.len() != 19 && b.len() != 10 {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, ParseDateTimeError> {
            let s = b.get(r).ok_or_else(bad)?;
            if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            Ok(s.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
        };
        if b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = if b.len() == 19 {
            if b[10] != b' ' || b[13] != b':' || b[16] != b':' {
                return Err(bad());
            }
            (num(11..13)?, num(14..16)?, num(17..19)?)
        } else {
            (0, 0, 0)
        };
        let dt = DateTime {
            year: year as i32,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
        };
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= u32::from(days_in_month(dt.year, dt.month))
            && hour < 24
            && minute < 60
            && second < 60;
        if valid { Ok(dt) } else { Err(bad()) }
    }

    /// `yyyy-MM-dd HH:mm:ss` as ASCII bytes, without the formatting machinery (hot path of
    /// every call).
    pub fn to_bytes(&self) -> [u8; 19] {
        let mut buf = [0u8; 19];
        let y = self.year.clamp(0, 9999) as u32;
        let put2 = |buf: &mut [u8], at: usize, v: u32| {
            buf[at] = b'0' + (v / 10 % 10) as u8;
            buf[at + 1] = b'0' + (v % 10) as u8;
        };
        put2(&mut buf, 0, y / 100);
        put2(&mut buf, 2, y % 100);
        buf[4] = b'-';
        put2(&mut buf, 5, u32::from(self.month));
        buf[7] = b'-';
        put2(&mut buf, 8, u32::from(self.day));
        buf[10] = b' ';
        put2(&mut buf, 11, u32::from(self.hour));
        buf[13] = b':';
        put2(&mut buf, 14, u32::from(self.minute));
        buf[16] = b':';
        put2(&mut buf, 17, u32::from(self.second));
        buf
    }

    /// Appends `yyyy-MM-dd HH:mm:ss`.
    pub fn write_to(&self, out: &mut String) {
        // All bytes of `to_bytes` are ASCII.
        out.push_str(std::str::from_utf8(&self.to_bytes()).unwrap_or_default());
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(19);
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

impl std::str::FromStr for DateTime {
    type Err = ParseDateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s)
    }
}

impl Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DateTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's civil-from-days algorithms (public domain).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Source of "now" for timestamps; tests inject a fixed one.
/// A request's `timestamp` param: `yyyy-MM-dd HH:mm:ss`, GMT+8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp([u8; 19]);

impl Timestamp {
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The text's bytes (what is signed).
    pub fn as_bytes(&self) -> &[u8; 19] {
        &self.0
    }

    /// Form-urlencoded (`2026-11-29+12%3A00%3A00`): the layout is fixed, so no scan is needed.
    pub fn form_encoded(&self) -> EncodedTimestamp {
        let t = &self.0;
        let mut out = [0u8; 23];
        out[..10].copy_from_slice(&t[..10]);
        out[10] = b'+';
        out[11..13].copy_from_slice(&t[11..13]);
        out[13..16].copy_from_slice(b"%3A");
        out[16..18].copy_from_slice(&t[14..16]);
        out[18..21].copy_from_slice(b"%3A");
        out[21..23].copy_from_slice(&t[17..19]);
        EncodedTimestamp(out)
    }
}

/// [`Timestamp::form_encoded`]'s text.
pub struct EncodedTimestamp([u8; 23]);

impl EncodedTimestamp {
    #[cfg(test)]
    fn as_str(&self) -> &str {
        // Digits, `-`, `+`, `%3A`: ASCII only.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    pub fn as_bytes(&self) -> &[u8; 23] {
        &self.0
    }
}

/// The `timestamp` for `now`. Calls in the same second reuse the text (per thread), so the
/// calendar arithmetic runs once a second rather than once a call.
pub fn gmt8_timestamp(now: SystemTime) -> Timestamp {
    thread_local! {
        /// The second last asked for, as `[start, end)`, and its text.
        static LAST: std::cell::Cell<(SystemTime, SystemTime, Timestamp)> =
            const { std::cell::Cell::new((UNIX_EPOCH, UNIX_EPOCH, Timestamp([0; 19]))) };
    }
    LAST.with(|last| {
        let (start, end, ts) = last.get();
        // Two comparisons: no subtraction, no calendar.
        if start <= now && now < end {
            return ts;
        }
        let ts = Timestamp(DateTime::from_system_time(now).to_bytes());
        if let Ok(since_epoch) = now.duration_since(UNIX_EPOCH) {
            let start = UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs());
            last.set((start, start + Duration::from_secs(1), ts));
        }
        ts
    })
}

/// Milliseconds since the Unix epoch (negative before it; saturating), as TMC and token
/// expiries count time.
pub(crate) fn epoch_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// The instant `ms` milliseconds after the Unix epoch (before it when negative), saturating at
/// what the platform's `SystemTime` holds.
pub(crate) fn from_epoch_millis(ms: i64) -> SystemTime {
    shift_millis(UNIX_EPOCH, ms)
}

/// `t` moved by `secs` seconds (back when negative), saturating instead of overflowing.
#[cfg(feature = "mock")]
pub(crate) fn shift_secs(t: SystemTime, secs: i64) -> SystemTime {
    shift_millis(t, secs.saturating_mul(1000))
}

fn shift_millis(t: SystemTime, ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    let moved = if ms >= 0 {
        t.checked_add(d)
    } else {
        t.checked_sub(d)
    };
    // Past what SystemTime holds: as far as it goes (found by halving the step).
    moved.unwrap_or_else(|| {
        let mut step = d;
        let mut at = t;
        while step > Duration::ZERO {
            let next = if ms >= 0 {
                at.checked_add(step)
            } else {
                at.checked_sub(step)
            };
            match next {
                Some(n) => at = n,
                None => step /= 2,
            }
        }
        at
    })
}

/// Where a call or a connection reads the time from (a fixed clock in tests).
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> SystemTime;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_text_and_wire_form() {
        // 2026-11-29 04:00:00 UTC is 12:00:00 in GMT+8; the same second twice hits the cache.
        let t = UNIX_EPOCH + Duration::from_millis(1_795_924_800_250);
        for _ in 0..2 {
            let ts = gmt8_timestamp(t);
            assert_eq!(ts.as_str(), "2026-11-29 12:00:00");
            let want: String = form_urlencoded::byte_serialize(ts.as_str().as_bytes()).collect();
            assert_eq!(ts.form_encoded().as_str(), want);
        }
        // The cached second's edges: its last instant, then the next second's first.
        let last_ns = t - Duration::from_millis(250) + Duration::from_nanos(999_999_999);
        assert_eq!(gmt8_timestamp(last_ns).as_str(), "2026-11-29 12:00:00");
        let next = last_ns + Duration::from_nanos(1);
        assert_eq!(gmt8_timestamp(next).as_str(), "2026-11-29 12:00:01");
        // And back: an earlier second after a later one.
        let earlier = t - Duration::from_nanos(250_000_001);
        assert_eq!(gmt8_timestamp(earlier).as_str(), "2026-11-29 11:59:59");
        let later = gmt8_timestamp(t + Duration::from_secs(61));
        assert_eq!(later.as_str(), "2026-11-29 12:01:01");
        let before_epoch = gmt8_timestamp(UNIX_EPOCH - Duration::from_secs(1));
        assert_eq!(before_epoch.as_str(), "1970-01-01 07:59:59");
    }

    #[test]
    fn gmt8_from_unix() {
        // 2016-01-01 04:00:00 UTC is noon in GMT+8.
        let dt = DateTime::from_unix(1_451_620_800);
        assert_eq!(dt.to_string(), "2016-01-01 12:00:00");
        assert_eq!(dt.to_unix(), 1_451_620_800);
        // Crossing midnight and a leap day.
        assert_eq!(
            DateTime::from_unix(951_782_400 - 3600).to_string(),
            "2000-02-29 07:00:00"
        );
        assert_eq!(DateTime::from_unix(0).to_string(), "1970-01-01 08:00:00");
    }

    #[test]
    fn parse_and_reject() {
        let dt = DateTime::parse("2026-11-29 12:00:00").unwrap();
        assert_eq!(dt.to_string(), "2026-11-29 12:00:00");
        assert_eq!(
            DateTime::parse("2026-11-29").unwrap().to_string(),
            "2026-11-29 00:00:00"
        );
        for bad in [
            "",
            "2026-13-01 00:00:00",
            "2026-02-29 00:00:00",
            "2026-11-29T12:00:00",
            "abcd-ef-gh 12:00:00",
            "1700000000000",
        ] {
            assert!(DateTime::parse(bad).is_err(), "{bad}");
        }
        assert!(DateTime::parse("2024-02-29 23:59:59").is_ok());
    }
}
