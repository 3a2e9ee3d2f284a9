//! Sunrise, sunset and civil twilight from latitude, longitude and date.
//!
//! The solar position follows NOAA's Solar Calculator (Global Monitoring Laboratory), which
//! implements the low-precision formulas of Meeus, *Astronomical Algorithms* (2nd ed., 1998,
//! ch. 25 and 28): the Sun's apparent longitude and declination and the equation of time as
//! polynomials in Julian centuries since J2000.0. An event is the time the Sun's centre reaches
//! an altitude: -0.833° for sunrise and sunset (refraction and the Sun's radius), -6° for the
//! start and end of civil twilight. Accurate to about a minute between the polar circles, which
//! is finer than anything a flying rule needs.

use crate::model::MIN_PER_DAY;

/// Altitude of the Sun's centre at sunrise and sunset, degrees.
const SUNRISE_ALT_DEG: f64 = -0.833;
/// Altitude of the Sun's centre at the start and end of civil twilight, degrees.
const CIVIL_ALT_DEG: f64 = -6.0;

/// One day's events, in local minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolarDay {
    pub dawn_min: f64,
    pub sunrise_min: f64,
    pub sunset_min: f64,
    pub dusk_min: f64,
}

/// A calendar date read from "YYYY-MM-DD", or None if it is not one.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    ((1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]).then_some((y, m, d))
}

/// The calendar date `days` days after `(y, m, d)`.
pub fn add_days((mut y, mut m, mut d): (i32, u32, u32), days: u32) -> (i32, u32, u32) {
    for _ in 0..days {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1];
        d += 1;
        if d > len {
            (d, m) = (1, m + 1);
            if m > 12 {
                (m, y) = (1, y + 1);
            }
        }
    }
    (y, m, d)
}

/// Julian day number at 0h UT of a Gregorian date (Meeus ch. 7).
fn julian_day(y: i32, m: u32, d: u32) -> f64 {
    let (y, m) = if m <= 2 { (y - 1, m + 12) } else { (y, m) };
    let a = (f64::from(y) / 100.0).floor();
    let b = 2.0 - a + (a / 4.0).floor();
    (365.25 * (f64::from(y) + 4716.0)).floor() + (30.6001 * f64::from(m + 1)).floor() + f64::from(d) + b - 1524.5
}

/// The Sun's declination (radians) and the equation of time (minutes) at Julian day `jd`.
fn sun_at(jd: f64) -> (f64, f64) {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let l0 = (280.466_46 + t * (36_000.769_83 + t * 0.000_303_2)).rem_euclid(360.0).to_radians();
    let m = (357.529_11 + t * (35_999.050_29 - 0.000_153_7 * t)).to_radians();
    let e = 0.016_708_634 - t * (0.000_042_037 + 0.000_000_126_7 * t);
    let centre = m.sin() * (1.914_602 - t * (0.004_817 + 0.000_014 * t))
        + (2.0 * m).sin() * (0.019_993 - 0.000_101 * t)
        + (3.0 * m).sin() * 0.000_289;
    let omega = (125.04 - 1934.136 * t).to_radians();
    let apparent = (l0.to_degrees() + centre - 0.005_69 - 0.004_78 * omega.sin()).to_radians();
    let eps0 = 23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.000_59 - t * 0.001_813))) / 60.0) / 60.0;
    let eps = (eps0 + 0.002_56 * omega.cos()).to_radians();
    let decl = (eps.sin() * apparent.sin()).asin();
    let y = (eps / 2.0).tan().powi(2);
    let eot = y * (2.0 * l0).sin() - 2.0 * e * m.sin() + 4.0 * e * y * m.sin() * (2.0 * l0).cos()
        - 0.5 * y * y * (4.0 * l0).sin()
        - 1.25 * e * e * (2.0 * m).sin();
    (decl, 4.0 * eot.to_degrees())
}

/// Minutes after 0h UT of the date when the Sun's centre is at `alt_deg`, rising (`rising`) or
/// setting; None when it does not reach that altitude that day (polar day or night).
fn event_utc_min(jd0: f64, lat_deg: f64, lon_deg: f64, alt_deg: f64, rising: bool) -> Option<f64> {
    let lat = lat_deg.to_radians();
    // Start from solar noon and refine twice with the Sun's position at the estimate: the
    // declination moves up to 0.4° a day, a minute or two at the event.
    let mut t = 720.0 - 4.0 * lon_deg;
    for _ in 0..3 {
        let (decl, eot) = sun_at(jd0 + t / 1440.0);
        let cos_h = (alt_deg.to_radians().sin() - lat.sin() * decl.sin()) / (lat.cos() * decl.cos());
        if !(-1.0..=1.0).contains(&cos_h) {
            return None;
        }
        let h_min = 4.0 * cos_h.acos().to_degrees();
        let noon = 720.0 - 4.0 * lon_deg - eot;
        t = if rising { noon - h_min } else { noon + h_min };
    }
    Some(t)
}

/// Dawn, sunrise, sunset and dusk at a place `days_after` whole days after a date, in local
/// minutes after midnight for a clock `utc_offset_h` hours ahead of UTC; None where the Sun does
/// not rise to or set through civil twilight that day (beyond about 60° of latitude in summer or
/// winter).
pub fn solar_day(
    (y, m, d): (i32, u32, u32),
    days_after: f64,
    lat_deg: f64,
    lon_deg: f64,
    utc_offset_h: f64,
) -> Option<SolarDay> {
    // Events are found about the solar noon of the UT date, then read on the local clock. A
    // clock far ahead of the place's solar time (UTC+12 to +14 near the date line) or far behind
    // it would read that noon on the next or the previous local day: the UT date is then shifted
    // by as many days, so the events are those of the local day asked for.
    let shift = ((720.0 - 4.0 * lon_deg + 60.0 * utc_offset_h) / MIN_PER_DAY).floor();
    let jd0 = julian_day(y, m, d) + days_after - shift;
    let at = |alt, rising| {
        event_utc_min(jd0, lat_deg, lon_deg, alt, rising).map(|t| t + utc_offset_h * 60.0 - shift * MIN_PER_DAY)
    };
    Some(SolarDay {
        dawn_min: at(CIVIL_ALT_DEG, true)?,
        sunrise_min: at(SUNRISE_ALT_DEG, true)?,
        sunset_min: at(SUNRISE_ALT_DEG, false)?,
        dusk_min: at(CIVIL_ALT_DEG, false)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn julian_day_matches_meeus_examples() {
        // Meeus, Astronomical Algorithms, example 7.a and the J2000.0 epoch.
        assert_eq!(julian_day(1957, 10, 4) + 0.81, 2_436_116.31);
        assert_eq!(julian_day(2000, 1, 1) + 0.5, 2_451_545.0);
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        assert_eq!(add_days((2019, 1, 25), 7), (2019, 2, 1));
        assert_eq!(add_days((2019, 12, 31), 1), (2020, 1, 1));
        assert_eq!(add_days((2020, 2, 28), 1), (2020, 2, 29));
        assert_eq!(add_days((2019, 2, 28), 1), (2019, 3, 1));
        // A whole year of days lands on the same date a year on (366 in a leap year).
        assert_eq!(add_days((2019, 3, 1), 366), (2020, 3, 1));
        // Checked against the Julian day count, which knows nothing of month lengths.
        let d = add_days((2019, 1, 1), 1000);
        assert_eq!(julian_day(d.0, d.1, d.2) - julian_day(2019, 1, 1), 1000.0);
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_date("2019-01-15"), Some((2019, 1, 15)));
        assert_eq!(parse_date("2020-02-29"), Some((2020, 2, 29)));
        for bad in ["2019-02-29", "2019-13-01", "2019-1-15", "15-01-2019", "2019-01-15-1", "", "2019-00-10"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn events_are_ordered_and_symmetric_about_solar_noon() {
        let s = solar_day((2019, 3, 20), 0.0, 16.27, -0.05, 0.0).expect("the Sahel has twilight");
        assert!(s.dawn_min < s.sunrise_min && s.sunrise_min < s.sunset_min && s.sunset_min < s.dusk_min);
        // Morning and evening mirror each other about noon to within the day's drift.
        let noon = (s.sunrise_min + s.sunset_min) / 2.0;
        assert!(((s.dawn_min + s.dusk_min) / 2.0 - noon).abs() < 0.5);
        // No civil twilight at 80° N in midsummer: the Sun never sets.
        assert_eq!(solar_day((2019, 6, 21), 0.0, 80.0, 0.0, 0.0), None);
    }

    /// UTC+14 at Kiritimati (157.4° W) is a whole day ahead of UTC-10, the clock of its solar
    /// time: the same instants, the same wall-clock times, one date later. Each local day's
    /// events are that day's, in the morning and evening of its own calendar day.
    #[test]
    fn a_clock_a_day_ahead_of_solar_time_reads_its_own_days_events() {
        // The same times but for the rounding of a day's minutes added and taken away.
        let same = |a: SolarDay, b: Option<SolarDay>| {
            let b = b.expect("twilight");
            let pairs = [(a.dawn_min, b.dawn_min), (a.sunrise_min, b.sunrise_min), (a.sunset_min, b.sunset_min)];
            for (x, y) in pairs.into_iter().chain([(a.dusk_min, b.dusk_min)]) {
                assert!((x - y).abs() < 1e-9, "{a:?} against {b:?}");
            }
        };
        let (lat, lon) = (1.87, -157.4);
        for (date, day_before) in [((2019, 1, 15), (2019, 1, 14)), ((2020, 3, 1), (2020, 2, 29))] {
            let ahead = solar_day(date, 0.0, lat, lon, 14.0).expect("the tropics have twilight");
            same(ahead, solar_day(day_before, 0.0, lat, lon, -10.0));
            assert!(ahead.dawn_min >= 0.0 && ahead.dusk_min < MIN_PER_DAY, "{ahead:?}");
            // Near the equator the Sun rises near 06:30 on a clock half an hour off solar time.
            assert!((360.0..420.0).contains(&ahead.sunrise_min), "{ahead:?}");
        }
        // The same for a clock a day behind: UTC-12 at 170° E, whose solar clock is UTC+11.
        let behind = solar_day((2019, 7, 2), 0.0, -15.0, 170.0, -12.0).expect("twilight");
        same(behind, solar_day((2019, 7, 3), 0.0, -15.0, 170.0, 12.0));
        assert!(behind.dawn_min >= 0.0 && behind.dusk_min < MIN_PER_DAY, "{behind:?}");
    }
}
