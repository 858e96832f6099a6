"""Dates written in news text: the publication date line, the anchor a document gives, and event dates.

Public API:

- ``parse_date_line(line) -> date | None``: the date a header line consists of.
- ``infer_anchor(published_date, date_texts) -> Anchor``: when the document was written.
  ``Anchor(date, year, method, earliest_year)``: ``method`` is ``'date_line'`` (the stated date:
  ``date`` and ``year``); ``'weekday_and_date'`` (a weekday stated with a day and month,
  "Monday, January 23", fixes the ``year``: the only year with that weekday on that day within
  YEARS_AFTER_NAMED years from the latest year the text names, or within YEAR_WINDOW when it names
  none); ``'latest_explicit_date'`` (``year`` of the latest full date stated, "21 December, 2017":
  news reports days close to its own); ``'weekday_and_date_ambiguous'``, ``'year_bound'`` or
  ``'none'`` (no ``year``). ``earliest_year`` is the latest year the text names in any form: a lower
  bound only, since news names past years ("since 2011", "in January 2017"), so it never sets
  ``year``. Without a date line ``date`` stays None: the text's mentions never fix a day.
- ``resolve_date(text, anchor, before="", tense="past") -> ResolvedDate``: a DATE mention's text
  (``before``: the few words preceding it; ``tense``: ``'past'`` or ``'future'``, the event's
  direction) as ``ResolvedDate(value, precision, method, end)``: ISO text at its precision
  (``'2017'``, ``'2017-01'``, ``'2017-01-23'`` or None), the precision (``day``, ``month``,
  ``year``, ``none``), the rule that gave it, and the last day of a stated range.

Rules (same inputs, same outputs: the system clock is never read):

- *Never more precise than the text.* A day is only given when the text names it (``December 20``)
  or counts it from a known publication day (``yesterday``, ``on Monday``, ``two days ago``).
  Relative phrases are turned into a span of days (``last week`` is the calendar week, Monday to
  Sunday, before the publication's week) and reported at the finest precision that holds the whole
  span: day, month, year, else none.
- *Recency.* A day or month without a year is put in the year that makes it the latest such day on
  or before the publication day (``tense='past'``, the default: news mostly reports what happened)
  or the earliest on or after it (``tense='future'``, for events the text says will happen). So,
  published 2018-01-05, ``December 20`` is 2017-12-20, and ``will meet on January 20`` is
  2018-01-20. Weekdays follow the same rule (``on Monday`` is the latest Monday on or before the
  publication day, or the first on or after it for the future). A word just before the mention
  overrides the tense: ``since`` and ``last`` look back, ``next`` and ``coming`` forward, and
  ``last``/``next`` skip the publication day itself.
- *Only the year known.* A month or day without a year takes the publication year. Relative phrases
  are resolved for every publication day from 15 January to 17 December of that year and kept at
  the precision they all share: ``yesterday``, ``on Monday``, ``this month`` and ``last week`` give
  the year, ``last year`` the year before, ``last month`` nothing (it may be December of the year
  before). Methods then end in ``:anchor_year``.
- Boundary words before a mention (``since``, ``until``, ``by``, ``before``, ``after``, ``from``) are
  kept in the method (``explicit+since``): the event is not on that date but bounded by it.
- Decades (``the 1990s``) and phrases relative to the story's own time (``the following week``) have
  no value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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

# Years a weekday stated with a day and month may fall in, when no other evidence narrows them.
YEAR_WINDOW = range(1990, 2036)
# A weekday-dated day is taken to lie at most this many years after the latest year the text names.
YEARS_AFTER_NAMED = 4
# With only the publication year known, the publication is assumed to lie between these days of it.
YEAR_ONLY_SPAN = ((1, 15), (12, 17))

RELATIVE_DAYS: dict[str, int] = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
# The ordinal word of "last week", "next month": which occurrence of the unit, counted from the anchor's.
ORDINAL_SHIFTS: dict[str, int] = {"last": -1, "this": 0, "next": 1, "coming": 1}
# Ordinals that count from the story's own time, not the publication ("the following week").
NARRATIVE_ORDINALS = frozenset({"following", "previous"})
# Months of each season (northern hemisphere, as in the news of this kind).
SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# "days ago" with no number: between this many units back.
UNCOUNTED_AGO = (2, 6)
# The word just before a mention that decides its direction: (tense, whether the anchor day itself is excluded).
TENSE_CUES: dict[str, tuple[str, bool]] = {
    "since": ("past", False),
    "last": ("past", True),
    "past": ("past", True),
    "next": ("future", True),
    "coming": ("future", False),
}
BOUNDARY_CUES = frozenset({"since", "until", "till", "by", "before", "after", "from"})

_W = r"(?:(?P<weekday>" + "|".join(day[:3] + f"(?:{day[3:]})?" for day in WEEKDAYS) + r")\.?,?\s+)?"
_DAYS = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-\u2013]\s*(?P<end>\d{1,2})(?:st|nd|rd|th)?)?"
_Y = r"(?:,?\s+(?P<year>(?:1[5-9]|20)\d{2}))?"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_UNITS = r"(?P<unit>week|weekend|month|year|decade|century|spring|summer|autumn|fall|winter)"

# The shapes of DATE mention text (lower-cased, trailing punctuation removed), each named by its kind.
MENTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("day", _W + _MONTH + r"\s+" + _DAYS + _Y),
        ("day", _W + _DAYS + r"\s+(?:of\s+)?" + _MONTH + _Y),
        ("month", r"(?:(?:early|mid|late)\s*-?\s*)?" + _MONTH + _Y),
        ("year", r"(?:(?:early|mid|late)\s*-?\s*)?(?P<year>(?:1[5-9]|20)\d{2})"),
        ("decade", r"(?:the\s+)?(?:(?:early|mid|late)\s*-?\s*)?(?:1[5-9]|20)\d0'?s"),
        ("weekday", _W.replace(r"\.?,?\s+)?", r")") + _PART),
        ("relative_day", r"(?P<word>" + "|".join(RELATIVE_DAYS) + ")"),
        (
            "unit",
            r"(?:the\s+(?:beginning|start|end|middle|turn)\s+of\s+)?(?:the\s+)?(?:(?:earlier|later|early|late|mid)\s*-?\s*)?"
            r"(?P<ordinal>last|next|this|past|coming|previous|following|the)\s+" + _UNITS,
        ),
        ("ago", r"(?:(?P<count>\d+|" + "|".join(NUMBER_WORDS) + r")\s+)?(?P<unit>day|week|month|year)s?\s+ago"),
    )
)


@dataclass(frozen=True)
class Anchor:
    """What a document's own text says about when it was written."""

    date: dt.date | None  # the publication day, when stated
    year: int | None  # the publication year, when known (date.year when the day is)
    method: str  # how: 'date_line', 'weekday_and_date', 'latest_explicit_date', 'year_bound', 'none', ...
    earliest_year: int | None = None  # the latest year the text names: a lower bound when year is None


@dataclass(frozen=True)
class ResolvedDate:
    """An event date as the contract stores it: ISO text at its precision, and how it was found."""

    value: str | None  # '2017', '2017-01', '2017-01-23'; None when unknown
    precision: str  # 'day', 'month', 'year' or 'none'
    method: str  # e.g. 'explicit', 'explicit_range_start', 'relative:yesterday', 'weekday:past', 'unresolved'
    end: str | None = None  # the last day of a stated range ("January 23-24"), else None


UNRESOLVED = ResolvedDate(None, "none", "unresolved")
Span = tuple[dt.date, dt.date]


def parse_date_line(line: str) -> dt.date | None:
    """The date a line consists of, or None when the line is anything more than a date."""
    if len(line) > 80:
        return None
    for pattern in DATE_LINE_PATTERNS:
        match = pattern.fullmatch(line.strip())
        if match:
            return _valid_date(match["year"], match["month"], match["day"])
    return None


def infer_anchor(published_date: dt.date | None, date_texts: Sequence[str]) -> Anchor:
    """When a document was written: its date line, else what its DATE mentions fix, never a guessed day.

    In order: a stated date line; a weekday stated with a day and month ("Monday, January 23") fixes
    the year when exactly one year within YEARS_AFTER_NAMED of the latest year the text names (or
    in YEAR_WINDOW when it names none) has that weekday on that day; else the year of the latest
    full date the text states ("21 December, 2017"); else only a lower bound, the latest year named.
    """
    parsed = [match for text in date_texts if (match := _parse_mention(text))]
    named = [int(match["year"]) for kind, match in parsed if kind in ("day", "month", "year") and match["year"]]
    earliest = max(named, default=None)
    if published_date:
        return Anchor(published_date, published_date.year, "date_line", earliest)
    weekday_dated = [match for kind, match in parsed if kind == "day" and match["weekday"] and not match["year"]]
    if weekday_dated:
        window = range(earliest, earliest + YEARS_AFTER_NAMED + 1) if earliest else YEAR_WINDOW
        years = set(window)
        for match in weekday_dated:
            years &= _weekday_years(match, window)
        if len(years) == 1:
            return Anchor(None, years.pop(), "weekday_and_date", earliest)
    full = [int(match["year"]) for kind, match in parsed if kind == "day" and match["year"]]
    if full:
        return Anchor(None, max(full), "latest_explicit_date", earliest)
    if weekday_dated:
        return Anchor(None, None, "weekday_and_date_ambiguous", earliest)
    return Anchor(None, None, "year_bound" if earliest else "none", earliest)


def resolve_date(text: str, anchor: Anchor, before: str = "", tense: str = "past") -> ResolvedDate:
    """A DATE mention's text as ISO text at the precision its words and the anchor allow.

    `before` is the few words preceding the mention in its sentence ("since", "0700 GMT on");
    `tense` is 'past' or 'future', the direction of the event, for days and months without a year.
    """
    parsed = _parse_mention(text)
    if not parsed:
        return UNRESOLVED
    kind, match = parsed
    words = before.lower().split()
    cue = words[-1] if words else ""
    tense, strict = TENSE_CUES.get(cue, (tense, False))
    resolved = _RESOLVERS[kind](match, anchor, tense, strict)
    if cue in BOUNDARY_CUES and resolved.value:
        return ResolvedDate(resolved.value, resolved.precision, f"{resolved.method}+{cue}", resolved.end)
    return resolved


def _parse_mention(text: str) -> tuple[str, re.Match[str]] | None:
    """The kind and match of a DATE mention's text, or None when no known shape fits."""
    cleaned = " ".join(text.lower().replace("\u2019", "'").split()).strip(" ,;:.")
    for kind, pattern in MENTION_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            return kind, match
    return None


def _resolve_day(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """A stated day ("December 20", "Jan. 23-24, 2017"): its year from the text, else from the anchor."""
    month = MONTHS[match["month"]]
    day, end = int(match["day"]), int(match["end"] or match["day"])
    kind = "explicit_range_start" if match["end"] else "explicit"

    def occurrence(year: int) -> Span | None:
        """The stated days in one year, or None when they do not exist in it."""
        try:
            return dt.date(year, month, day), dt.date(year, month, end)
        except ValueError:
            return None

    return _in_year(match["year"], occurrence, anchor, tense, strict, kind)


def _resolve_month(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """A stated month ("January 2017", "in January", "mid-October"): its year from the text or the anchor."""
    month = MONTHS[match["month"]]

    def occurrence(year: int) -> Span:
        """The month's days in one year."""
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])

    return _in_year(match["year"], occurrence, anchor, tense, strict, "explicit")


def _in_year(
    stated: str | None,
    occurrence: Callable[[int], Span | None],
    anchor: Anchor,
    tense: str,
    strict: bool,
    kind: str,
) -> ResolvedDate:
    """Days stated without or with a year, put in the stated year, the recency rule's, or the anchor year."""
    if stated:
        return _from_span(occurrence(int(stated)), kind)
    if anchor.date:
        spans = [
            span
            for year in (anchor.date.year - 1, anchor.date.year, anchor.date.year + 1)
            if (span := occurrence(year))
        ]
        return _from_span(_nearest(spans, anchor.date, tense, strict), f"{kind}_no_year:{tense}")
    if anchor.year:
        return _from_span(occurrence(anchor.year), f"{kind}_no_year:anchor_year")
    return ResolvedDate(None, "none", f"{kind}_no_year:unresolved")


def _nearest(spans: Sequence[Span], anchor: dt.date, tense: str, strict: bool) -> Span | None:
    """The latest span on or before the anchor (past), or the earliest on or after it (future)."""
    if tense == "future":
        return min((span for span in spans if (span[0] > anchor if strict else span[1] >= anchor)), default=None)
    return max((span for span in spans if (span[1] < anchor if strict else span[0] <= anchor)), default=None)


def _from_span(span: Span | None, method: str) -> ResolvedDate:
    """A stated span at its own precision: one day, a range's first day, or a whole month."""
    if span is None:
        return ResolvedDate(None, "none", "unresolved:invalid")
    start, end = span
    if method.startswith("explicit_range_start"):
        return ResolvedDate(start.isoformat(), "day", method, end.isoformat())
    if start == end:
        return ResolvedDate(start.isoformat(), "day", method)
    return ResolvedDate(start.isoformat()[:7], "month", method)


def _resolve_year(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """A stated year ("2011", "since 2011"), at year precision."""
    return ResolvedDate(match["year"], "year", "explicit")


def _resolve_decade(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """A decade ("the 1990s"): coarser than any precision the contract has, so no value."""
    return ResolvedDate(None, "none", "decade")


def _resolve_weekday(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """A weekday ("on Monday", "Monday night"): the nearest such day before or after the anchor, by tense."""
    weekday = next(index for index, name in enumerate(WEEKDAYS) if name.startswith(match["weekday"]))

    def span(day: dt.date) -> Span:
        """The weekday's date seen from a publication day."""
        if tense == "future":
            ahead = (weekday - day.weekday()) % 7 or (7 if strict else 0)
            return day + dt.timedelta(ahead), day + dt.timedelta(ahead)
        back = (day.weekday() - weekday) % 7 or (7 if strict else 0)
        return day - dt.timedelta(back), day - dt.timedelta(back)

    return _relative(span, anchor, f"weekday:{tense}")


def _resolve_relative_day(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """Yesterday, today, tonight, tomorrow: a day counted from the publication day."""
    offset = dt.timedelta(RELATIVE_DAYS[match["word"]])
    return _relative(lambda day: (day + offset, day + offset), anchor, f"relative:{match['word']}")


def _resolve_unit(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """ "last week", "earlier this month", "the end of last year": the whole unit, at the precision it allows."""
    ordinal, unit = match["ordinal"], match["unit"]
    method = "relative:" + "_".join(match.group(0).split())
    if ordinal in NARRATIVE_ORDINALS or unit in ("decade", "century"):
        return ResolvedDate(None, "none", method)
    if ordinal == "past":
        length = {"week": 7, "weekend": 7, "month": 30, "year": 365}.get(unit)
        if length is None:
            return ResolvedDate(None, "none", method)
        return _relative(lambda day: (day - dt.timedelta(length), day - dt.timedelta(1)), anchor, method)
    shift = ORDINAL_SHIFTS.get(ordinal, 0)
    return _relative(lambda day: _unit_span(unit, shift, day), anchor, method)


def _unit_span(unit: str, shift: int, day: dt.date) -> Span:
    """The days of the unit `shift` units away from the one holding `day` (weeks run Monday to Sunday)."""
    if unit in ("week", "weekend"):
        monday = day - dt.timedelta(day.weekday()) + dt.timedelta(7 * shift)
        return (
            (monday + dt.timedelta(5), monday + dt.timedelta(6))
            if unit == "weekend"
            else (monday, monday + dt.timedelta(6))
        )
    if unit == "month":
        year, month = divmod(day.year * 12 + day.month - 1 + shift, 12)
        return dt.date(year, month + 1, 1), dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    if unit == "year":
        return dt.date(day.year + shift, 1, 1), dt.date(day.year + shift, 12, 31)
    return _season_span(unit, shift, day)


def _season_span(season: str, shift: int, day: dt.date) -> Span:
    """The season holding `day` or nearest after it (shift 0), the last one ended before it (-1), the next one (+1)."""
    first, last = SEASONS[season]
    spans = [
        (
            dt.date(year, first, 1),
            dt.date(year + (last < first), last, calendar.monthrange(year + (last < first), last)[1]),
        )
        for year in range(day.year - 2, day.year + 2)
    ]
    if shift < 0:
        return max(span for span in spans if span[1] < day)
    if shift > 0:
        return min(span for span in spans if span[0] > day)
    return min(span for span in spans if span[1] >= day)


def _resolve_ago(match: re.Match[str], anchor: Anchor, tense: str, strict: bool) -> ResolvedDate:
    """ "two days ago", "weeks ago": counted back from the publication day; a count of weeks is a week, give or take."""
    unit, count = match["unit"], match["count"]
    method = "relative:" + "_".join(match.group(0).split())
    if count is None:
        low, high = UNCOUNTED_AGO
    else:
        low = high = int(count) if count.isdigit() else NUMBER_WORDS[count]
    if unit == "day":
        return _relative(lambda day: (day - dt.timedelta(high), day - dt.timedelta(low)), anchor, method)
    if unit == "week":
        return _relative(
            lambda day: (day - dt.timedelta(7 * high + 3), day - dt.timedelta(7 * low - 3)), anchor, method
        )
    if unit == "month":
        return _relative(
            lambda day: (_unit_span("month", -high, day)[0], _unit_span("month", -low, day)[1]), anchor, method
        )
    return _relative(lambda day: (dt.date(day.year - high, 1, 1), dt.date(day.year - low, 12, 31)), anchor, method)


def _relative(span: Callable[[dt.date], Span], anchor: Anchor, method: str) -> ResolvedDate:
    """A span counted from the publication day, at the finest precision that holds all of it.

    With only the year known, the span is taken for the first and last publication days of
    YEAR_ONLY_SPAN, and both must agree.
    """
    if anchor.date:
        return _at_precision(*span(anchor.date), method)
    if anchor.year:
        (first_month, first_day), (last_month, last_day) = YEAR_ONLY_SPAN
        start = span(dt.date(anchor.year, first_month, first_day))[0]
        end = span(dt.date(anchor.year, last_month, last_day))[1]
        return _at_precision(start, end, method + ":anchor_year")
    return ResolvedDate(None, "none", method + ":unresolved")


def _at_precision(start: dt.date, end: dt.date, method: str) -> ResolvedDate:
    """A span of days as ISO text at the finest precision that holds it whole: day, month, year or none."""
    if start == end:
        return ResolvedDate(start.isoformat(), "day", method)
    if (start.year, start.month) == (end.year, end.month):
        return ResolvedDate(start.isoformat()[:7], "month", method)
    if start.year == end.year:
        return ResolvedDate(str(start.year), "year", method)
    return ResolvedDate(None, "none", method)


def _weekday_years(match: re.Match[str], window: range) -> set[int]:
    """The years of a window in which the stated day and month fall on the stated weekday."""
    weekday = next(index for index, name in enumerate(WEEKDAYS) if name.startswith(match["weekday"]))
    years = set()
    for year in window:
        try:
            if dt.date(year, MONTHS[match["month"]], int(match["day"])).weekday() == weekday:
                years.add(year)
        except ValueError:
            continue
    return years


_RESOLVERS: dict[str, Callable[[re.Match[str], Anchor, str, bool], ResolvedDate]] = {
    "day": _resolve_day,
    "month": _resolve_month,
    "year": _resolve_year,
    "decade": _resolve_decade,
    "weekday": _resolve_weekday,
    "relative_day": _resolve_relative_day,
    "unit": _resolve_unit,
    "ago": _resolve_ago,
}


def _valid_date(year: str, month: str, day: str) -> dt.date | None:
    """The date of a year, month (number or name) and day, or None when no such day exists."""
    month_number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    try:
        return dt.date(int(year), month_number, int(day))
    except ValueError:
        return None
