"""Date lines in an article's header."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.dates import Anchor, ResolvedDate, infer_anchor, parse_date_line, resolve_date

DEC_21 = dt.date(2017, 12, 21)


@pytest.mark.parametrize(
    "line",
    [
        "21 December, 2017",
        "December 21, 2017",
        "Dec. 21, 2017",
        "Thursday, 21 December 2017",
        "Published: 2017-12-21",
        "Updated 21 Dec 2017 10:35 GMT",
        "21 december 2017",
        "21st of December 2017",
        "Thu, Dec 21, 2017 at 10:35 a.m. EST",
        "Last updated: December 21, 2017 | 10:35",
        "Posted on 2017-12-21T10:35:00+03:00",
        "  21 December, 2017  ",
    ],
)
def test_date_lines(line: str) -> None:
    assert parse_date_line(line) == DEC_21


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Sept. 5, 2017", dt.date(2017, 9, 5)),
        ("May 1, 2018", dt.date(2018, 5, 1)),
        ("29 February 2016", dt.date(2016, 2, 29)),
        ("1 January 1999", dt.date(1999, 1, 1)),
    ],
)
def test_other_dates(line: str, date: dt.date) -> None:
    assert parse_date_line(line) == date


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("The talks began on 21 December 2017 in Astana.", id="sentence-with-date"),
        pytest.param("On December 21, 2017, the talks began.", id="sentence-starting-with-date"),
        pytest.param("21 December, 2017 talks", id="date-then-words"),
        pytest.param("31 February 2017", id="invalid-day"),
        pytest.param("29 February 2017", id="not-a-leap-year"),
        pytest.param("2017-13-01", id="invalid-month"),
        pytest.param("21 Decembre 2017", id="unknown-month"),
        pytest.param("21 December 1850", id="year-out-of-range"),
        pytest.param("December 2017", id="no-day"),
        pytest.param("3 min read", id="read-time"),
        pytest.param("", id="empty"),
        pytest.param("Published: 21 December 2017 " + "and more words " * 5, id="long-line"),
        pytest.param("21" + " " * 80 + "December 2017", id="over-80-chars"),
    ],
)
def test_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


# --- Anchors: what a document's own text says about when it was written. ---

THU = Anchor(dt.date(2017, 12, 21), 2017, "date_line")  # a Thursday
FRI_JAN = Anchor(dt.date(2018, 1, 5), 2018, "date_line")  # a Friday, just after New Year
SAT_JAN = Anchor(dt.date(2017, 1, 21), 2017, "date_line")  # a Saturday, two days before talks
APR_20 = Anchor(dt.date(2017, 4, 20), 2017, "date_line")
YEAR_ONLY = Anchor(None, 2017, "latest_explicit_date")
NOTHING = Anchor(None, None, "none")


def test_date_line_wins() -> None:
    anchor = infer_anchor(DEC_21, ["Monday, January 23", "2011"])
    assert (anchor.date, anchor.year, anchor.method, anchor.earliest_year) == (DEC_21, 2017, "date_line", 2011)


@pytest.mark.parametrize(
    ("texts", "year", "method", "earliest"),
    [
        pytest.param(["Monday, January 23", "2015"], 2017, "weekday_and_date", 2015, id="weekday-fixes-year"),
        pytest.param(
            ["since 2019", "Monday, Jan. 23"], 2023, "weekday_and_date", 2019, id="next-candidate-after-bound"
        ),
        pytest.param(["Wednesday, February 29"], 2012, "weekday_and_date", None, id="unique-in-window"),
        pytest.param(["Monday, January 23"], None, "weekday_and_date_ambiguous", None, id="many-candidates"),
        pytest.param(["Monday, January 23", "21 December, 2017"], 2017, "weekday_and_date", 2017, id="both-agree"),
        pytest.param(["Tuesday, January 23", "21 December, 2017"], 2018, "weekday_and_date", 2017, id="year-after"),
        pytest.param(["Sunday, January 23", "21 December, 2017"], 2017, "latest_explicit_date", 2017, id="no-fit"),
        pytest.param(
            ["21 December, 2017", "2011", "yesterday"], 2017, "latest_explicit_date", 2017, id="full-date-year"
        ),
        pytest.param(["December 20, 2016", "Jan. 5, 2017", "today"], 2017, "latest_explicit_date", 2017, id="latest"),
        pytest.param(["Friday, July 21, 2017"], 2017, "latest_explicit_date", 2017, id="weekday-full-date"),
        pytest.param(["January 2017", "2011", "yesterday"], None, "year_bound", 2017, id="years-only-bound"),
        pytest.param(["the 1990s", "Monday", "last week"], None, "none", None, id="no-evidence"),
        pytest.param([], None, "none", None, id="no-dates"),
    ],
)
def test_inferred_anchor(texts: list[str], year: int | None, method: str, earliest: int | None) -> None:
    anchor = infer_anchor(None, [text.removeprefix("since ") for text in texts])
    assert (anchor.date, anchor.year, anchor.method, anchor.earliest_year) == (None, year, method, earliest)


# The DATE mentions the recognizer finds in the five seeds, and the anchor each gives.
SEED_DATES = {
    "000": (None, ["yesterday", "Saturday", "Tuesday", "yesterday", "today", "January 2017", "2011"]),
    "001": (None, ["Monday", "2015", "earlier this month", "November 28", "May", "September", "2016", "mid-October"]),
    "002": (None, ["Today", "tonight", "May 3-4,", "today", "January 23-24,", "February 15-16", "March 14-15"]),
    "003": (DEC_21, ["Thursday", "Friday", "last week", "the end of last year", "January", "2011", "1963"]),
    "004": (None, ["December 20", "Saturday", "Sunday", "Monday", "Tuesday", "December 29", "late last month"]),
}


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("000", (None, None, "year_bound", 2017)),
        ("001", (None, None, "year_bound", 2016)),
        ("002", (None, None, "none", None)),
        ("003", (DEC_21, 2017, "date_line", 2011)),
        ("004", (None, None, "none", None)),
    ],
)
def test_seed_anchors(seed: str, expected: tuple[object, ...]) -> None:
    anchor = infer_anchor(*SEED_DATES[seed])
    assert (anchor.date, anchor.year, anchor.method, anchor.earliest_year) == expected


# --- Event dates: (text, words before, tense, anchor) -> (value, precision, method). ---


def _resolved(text: str, anchor: Anchor, before: str = "", tense: str = "past") -> tuple[str | None, str, str]:
    date = resolve_date(text, anchor, before, tense)
    return date.value, date.precision, date.method


EXPLICIT_DAYS = [
    ("21 December, 2017", NOTHING, "", "past", ("2017-12-21", "day", "explicit")),
    ("Friday, July 21, 2017", THU, "on", "past", ("2017-07-21", "day", "explicit")),
    ("December 20, 2016", THU, "", "future", ("2016-12-20", "day", "explicit")),
    ("3rd of May 2016", THU, "", "past", ("2016-05-03", "day", "explicit")),
    ("Sept. 5, 2017", NOTHING, "by", "past", ("2017-09-05", "day", "explicit+by")),
    ("December 20", FRI_JAN, "a", "past", ("2017-12-20", "day", "explicit_no_year:past")),
    ("December 20", THU, "on", "past", ("2017-12-20", "day", "explicit_no_year:past")),
    ("Jan. 23", THU, "on", "past", ("2017-01-23", "day", "explicit_no_year:past")),
    ("Jan. 23", THU, "on", "future", ("2018-01-23", "day", "explicit_no_year:future")),
    ("February 8", FRI_JAN, "held on", "future", ("2018-02-08", "day", "explicit_no_year:future")),
    ("December 21", THU, "on", "future", ("2017-12-21", "day", "explicit_no_year:future")),
    ("Monday, January 23", YEAR_ONLY, "", "past", ("2017-01-23", "day", "explicit_no_year:anchor_year")),
    ("November 28", YEAR_ONLY, "start", "future", ("2017-11-28", "day", "explicit_no_year:anchor_year")),
    ("December 20", NOTHING, "a", "past", (None, "none", "explicit_no_year:unresolved")),
    ("February 30", THU, "", "past", (None, "none", "unresolved:invalid")),
    ("February 29", THU, "", "past", ("2016-02-29", "day", "explicit_no_year:past")),
]


@pytest.mark.parametrize(
    ("text", "anchor", "tense", "expected"),
    [
        ("January 23-24", YEAR_ONLY, "past", ("2017-01-23", "2017-01-24", "explicit_range_start_no_year:anchor_year")),
        ("Jan. 23-24, 2017", NOTHING, "past", ("2017-01-23", "2017-01-24", "explicit_range_start")),
        ("May 3-4,", APR_20, "future", ("2017-05-03", "2017-05-04", "explicit_range_start_no_year:future")),
        ("23\u201324 January 2017", NOTHING, "past", ("2017-01-23", "2017-01-24", "explicit_range_start")),
        ("April 18-19", THU, "past", ("2017-04-18", "2017-04-19", "explicit_range_start_no_year:past")),
    ],
)  # fmt: skip
def test_ranges_give_their_first_day(text: str, anchor: Anchor, tense: str, expected: tuple[object, ...]) -> None:
    date = resolve_date(text, anchor, "on", tense)
    assert (date.value, date.end, date.method, date.precision) == (*expected, "day")


MONTHS_YEARS_DECADES = [
    ("January 2017", NOTHING, "in", "past", ("2017-01", "month", "explicit")),
    ("late December 2016", THU, "in", "past", ("2016-12", "month", "explicit")),
    ("January", THU, "began in", "past", ("2017-01", "month", "explicit_no_year:past")),
    ("January", THU, "in", "future", ("2018-01", "month", "explicit_no_year:future")),
    ("December", THU, "in", "past", ("2017-12", "month", "explicit_no_year:past")),
    ("December", THU, "since last", "future", ("2016-12", "month", "explicit_no_year:past")),
    ("mid-October", THU, "during a", "past", ("2017-10", "month", "explicit_no_year:past")),
    ("September", FRI_JAN, "in", "past", ("2017-09", "month", "explicit_no_year:past")),
    ("May", YEAR_ONLY, "in", "past", ("2017-05", "month", "explicit_no_year:anchor_year")),
    ("May", NOTHING, "in", "past", (None, "none", "explicit_no_year:unresolved")),
    ("2011", NOTHING, "began in", "past", ("2011", "year", "explicit")),
    ("2016", THU, "since", "past", ("2016", "year", "explicit+since")),
    ("2020", THU, "until", "future", ("2020", "year", "explicit+until")),
    ("the 1990s", THU, "in", "past", (None, "none", "decade")),
    ("1990s", THU, "the", "past", (None, "none", "decade")),
]


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("yesterday", THU, ("2017-12-20", "day", "relative:yesterday")),
        ("Today", THU, ("2017-12-21", "day", "relative:today")),
        ("tonight", THU, ("2017-12-21", "day", "relative:tonight")),
        ("tomorrow", THU, ("2017-12-22", "day", "relative:tomorrow")),
        ("yesterday", Anchor(dt.date(2018, 1, 1), 2018, "date_line"), ("2017-12-31", "day", "relative:yesterday")),
        ("yesterday", YEAR_ONLY, ("2017", "year", "relative:yesterday:anchor_year")),
        ("yesterday", NOTHING, (None, "none", "relative:yesterday:unresolved")),
    ],
)
def test_relative_days(text: str, anchor: Anchor, expected: tuple[object, ...]) -> None:
    assert _resolved(text, anchor) == expected


WEEKDAY_CASES = [
    ("Monday", THU, "talks began on", "past", ("2017-12-18", "day", "weekday:past")),
    ("Thursday", THU, "kicked off on", "past", ("2017-12-21", "day", "weekday:past")),
    ("Friday", THU, "is expected to attend on", "future", ("2017-12-22", "day", "weekday:future")),
    ("Thursday", THU, "will meet on", "future", ("2017-12-21", "day", "weekday:future")),
    ("Monday night", THU, "", "past", ("2017-12-18", "day", "weekday:past")),
    ("Monday", SAT_JAN, "0700 GMT on", "future", ("2017-01-23", "day", "weekday:future")),
    ("Tuesday", SAT_JAN, "until", "future", ("2017-01-24", "day", "weekday:future+until")),
    ("Thursday", THU, "last", "future", ("2017-12-14", "day", "weekday:past")),
    ("Thursday", THU, "next", "past", ("2017-12-28", "day", "weekday:future")),
    ("Sat.", THU, "on", "past", ("2017-12-16", "day", "weekday:past")),
    ("Monday", YEAR_ONLY, "on", "past", ("2017", "year", "weekday:past:anchor_year")),
    ("Monday", NOTHING, "on", "past", (None, "none", "weekday:past:unresolved")),
]


@pytest.mark.parametrize(
    ("text", "anchor", "before", "tense", "expected"), EXPLICIT_DAYS + MONTHS_YEARS_DECADES + WEEKDAY_CASES
)
def test_resolve_date(text: str, anchor: Anchor, before: str, tense: str, expected: tuple[object, ...]) -> None:
    assert _resolved(text, anchor, before, tense) == expected


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("last week", THU, ("2017-12", "month")),  # 11-17 December
        ("last week", FRI_JAN, ("2017-12", "month")),  # 25-31 December
        ("last week", Anchor(dt.date(2017, 12, 6), 2017, "date_line"), ("2017", "year")),  # 27 Nov - 3 Dec
        ("last week", Anchor(dt.date(2016, 1, 6), 2016, "date_line"), (None, "none")),  # 28 Dec - 3 Jan
        ("this week", THU, ("2017-12", "month")),
        ("next week", THU, ("2017-12", "month")),
        ("the past week", THU, ("2017-12", "month")),
        ("last weekend", THU, ("2017-12", "month")),
        ("earlier this month", THU, ("2017-12", "month")),
        ("late last month", THU, ("2017-11", "month")),
        ("next month", THU, ("2018-01", "month")),
        ("last month", FRI_JAN, ("2017-12", "month")),
        ("this year", THU, ("2017", "year")),
        ("earlier this year", FRI_JAN, ("2018", "year")),
        ("next year", THU, ("2018", "year")),
        ("the end of last year", THU, ("2016", "year")),
        ("the start of the year", THU, ("2017", "year")),
        ("the past year", THU, (None, "none")),
        ("last summer", THU, ("2017", "year")),
        ("last winter", THU, (None, "none")),
        ("next spring", THU, ("2018", "year")),
        ("the following week", THU, (None, "none")),
        ("this decade", THU, (None, "none")),
        ("last year", YEAR_ONLY, ("2016", "year")),
        ("this month", YEAR_ONLY, ("2017", "year")),
        ("last week", YEAR_ONLY, ("2017", "year")),
        ("last month", YEAR_ONLY, (None, "none")),
        ("last week", NOTHING, (None, "none")),
    ],
)
def test_units_never_more_precise_than_the_text(text: str, anchor: Anchor, expected: tuple[object, ...]) -> None:
    date = resolve_date(text, anchor)
    assert (date.value, date.precision) == expected
    assert date.method.startswith("relative:" + "_".join(text.lower().split()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two days ago", ("2017-12-19", "day")),
        ("3 days ago", ("2017-12-18", "day")),
        ("days ago", ("2017-12", "month")),
        ("a week ago", ("2017-12", "month")),
        ("two weeks ago", ("2017-12", "month")),
        ("weeks ago", ("2017", "year")),
        ("three months ago", ("2017-09", "month")),
        ("two years ago", ("2015", "year")),
        ("years ago", (None, "none")),
    ],
)
def test_ago(text: str, expected: tuple[object, ...]) -> None:
    date = resolve_date(text, THU)
    assert (date.value, date.precision, date.method) == (*expected, "relative:" + "_".join(text.split()))


@pytest.mark.parametrize("text", ["", "soon", "Ramadan", "the spring festival", "recently", "2017-12-21T10:00"])
def test_unknown_shapes_are_unresolved(text: str) -> None:
    assert resolve_date(text, THU) == ResolvedDate(None, "none", "unresolved")


def test_same_inputs_same_outputs() -> None:
    texts = ["Monday, January 23", "2015", "yesterday"]
    assert infer_anchor(None, texts) == infer_anchor(None, list(texts))
    assert resolve_date("Monday", THU, "on") == resolve_date("Monday", THU, "on")
