"""Date lines in an article's header."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.dates import parse_date_line

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
