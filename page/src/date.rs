//! Dates and sizes written out per language: « 29 novembre 2026 » (Québec French, « 1er » on the first) and
//! "November 29, 2026"; « 4,2 ko » and "4.2 kB".

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::Lang;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A calendar date in words.
pub(crate) fn long(date: Date, lang: Lang) -> String {
    let month = usize::from(u8::from(date.month())) - 1;
    let (day, year) = (date.day(), date.year());
    match lang {
        Lang::En => format!("{} {day}, {year}", MONTHS_EN[month]),
        Lang::Fr if day == 1 => format!("1er {} {year}", MONTHS_FR[month]),
        Lang::Fr => format!("{day} {} {year}", MONTHS_FR[month]),
    }
}

/// An instant's date, in the offset it carries (the caller's local time, or UTC).
pub(crate) fn instant(t: OffsetDateTime, lang: Lang) -> String {
    long(t.date(), lang)
}

/// A date a credential states (RFC 3339, a date-time without zone, or a bare date), in words, read in UTC as
/// the app does; the text as given when it is none of these.
pub(crate) fn stated(text: &str, lang: Lang) -> String {
    match parse(text.trim()) {
        Some(t) => long(t.to_offset(UtcOffset::UTC).date(), lang),
        None => text.trim().to_owned(),
    }
}

fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        let fixed = if s.len() == 10 {
            format!("{s}T00:00:00Z")
        } else {
            format!("{s}Z")
        };
        OffsetDateTime::parse(&fixed, &Rfc3339).ok()
    })
}

/// A size in bytes as the app writes it (powers of 1,000; one decimal at most).
pub(crate) fn size(bytes: usize, lang: Lang) -> String {
    let units: [&str; 4] = match lang {
        Lang::En => ["B", "kB", "MB", "GB"],
        Lang::Fr => ["o", "ko", "Mo", "Go"],
    };
    let mut unit = 0;
    // Tenths of the unit, rounded; exact for the sizes a page can hold.
    let mut tenths = (bytes as u128) * 10;
    while tenths >= 10_000 && unit < units.len() - 1 {
        tenths = (tenths + 500) / 1000;
        unit += 1;
    }
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let number = match (unit, tenth, lang) {
        (0, _, _) | (_, 0, _) => whole.to_string(),
        (_, t, Lang::En) => format!("{whole}.{t}"),
        (_, t, Lang::Fr) => format!("{whole},{t}"),
    };
    format!("{number}\u{a0}{}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_in_words() {
        assert_eq!(long(date!(2026 - 11 - 29), Lang::Fr), "29 novembre 2026");
        assert_eq!(long(date!(2026 - 11 - 29), Lang::En), "November 29, 2026");
        assert_eq!(long(date!(2026 - 08 - 01), Lang::Fr), "1er août 2026");
        assert_eq!(long(date!(2026 - 02 - 01), Lang::En), "February 1, 2026");
    }

    #[test]
    fn stated_dates_are_read_in_utc_and_kept_when_unreadable() {
        assert_eq!(stated("2024-01-01T00:00:00Z", Lang::En), "January 1, 2024");
        assert_eq!(stated("2023-12-31T22:00:00-05:00", Lang::Fr), "1er janvier 2024");
        assert_eq!(stated("2024-03-05", Lang::Fr), "5 mars 2024");
        assert_eq!(stated("2024-03-05T10:00:00", Lang::En), "March 5, 2024");
        assert_eq!(stated(" last spring ", Lang::En), "last spring");
    }

    #[test]
    fn instants_keep_their_offset() {
        let t = datetime!(2026-11-29 23:30 -05:00);
        assert_eq!(instant(t, Lang::En), "November 29, 2026");
    }

    #[test]
    fn sizes_like_the_app() {
        assert_eq!(size(512, Lang::En), "512\u{a0}B");
        assert_eq!(size(4_240, Lang::En), "4.2\u{a0}kB");
        assert_eq!(size(4_240, Lang::Fr), "4,2\u{a0}ko");
        assert_eq!(size(12_000, Lang::Fr), "12\u{a0}ko");
        assert_eq!(size(1_250_000, Lang::En), "1.3\u{a0}MB");
    }
}
