"""Dates written in news text: the publication date stated in an article's header block."""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:" + "|".join(day[:3] + f"(?:{day[3:]})?" for day in WEEKDAYS) + r")\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_LEAD = r"(?:(?:first\s+)?(?:published|updated|posted|last\s+updated|date)\s*(?:on|at)?\s*:?\s*)?"
_CLOCK = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
_ZONE = r"(?:[A-Z]{2,5}|\(?[A-Z]{2,5}[+-]?\d*\)?)?"
_TIME = r"(?:\s*(?:[,|•-]|at)?\s*" + _CLOCK + r"\s*" + _ZONE + ")?"

# A line that is nothing but a date: "21 December, 2017", "Thursday, December 21, 2017 10:35 GMT",
# "Published: 2017-12-21". Matched against the whole line, so a date inside a sentence never is.
DATE_LINE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(_LEAD + _WEEKDAY + body + _TIME + r"\s*", re.IGNORECASE)
    for body in (
        _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR,
        _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,
        r"(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?",
    )
)


def parse_date_line(line: str) -> dt.date | None:
    """The date a line consists of, or None when the line is anything more than a date."""
    if len(line) > 80:
        return None
    for pattern in DATE_LINE_PATTERNS:
        match = pattern.fullmatch(line.strip())
        if match:
            return _valid_date(match["year"], match["month"], match["day"])
    return None


def _valid_date(year: str, month: str, day: str) -> dt.date | None:
    month_number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    try:
        return dt.date(int(year), month_number, int(day))
    except ValueError:
        return None
