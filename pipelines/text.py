"""Cleaning a news article: title, boilerplate out, unicode normalized, paragraphs.

Every character of the clean text maps back to the raw text through an `OffsetMap`, so a span
found in clean text (a sentence, a mention) becomes a span of the file's own characters. The
rules are data, in `lexicons/cleaning.toml`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pipelines.dates import parse_date_line

PARAGRAPH_SEPARATOR = "\n\n"
LINE_JOINER = " "
# Characters that vanish from clean text; a run of them that includes whitespace becomes one space.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Headlines are short and rarely end with a period; a longer first line is the article's text.
MAX_TITLE_WORDS = 30
# Inside one block of lines, a line joins the one before it (a hard-wrapped paragraph) unless the
# one before ends a sentence or is this short, as headings and datelines are.
MIN_WRAPPED_LINE_CHARS = 50
SENTENCE_FINAL = (".", "!", "?", ":", '."', ".'", '?"', '!"', ".)")


@dataclass(frozen=True)
class CleaningRules:
    """The rules of `lexicons/cleaning.toml`, compiled."""

    replacements: dict[str, str]
    anywhere: tuple[re.Pattern[str], ...]
    caption_bracket: re.Pattern[str]
    footer: tuple[re.Pattern[str], ...]
    byline: tuple[re.Pattern[str], ...]
    header_lines: int
    source_line_max_words: int
    normalizable: re.Pattern[str] = field(init=False)
    # A character `normalizable` can match at, a plain space aside: text without one, and without
    # two spaces in a row, is clean as it is, as nine lines in ten are. The pattern opens with a
    # charset, which `re` searches for much faster than it tries `normalizable` at every character.
    suspect: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        spaces = re.escape(INVISIBLE_CHARS)
        singles = "".join(re.escape(char) for char in self.replacements if char not in INVISIBLE_CHARS)
        # Whitespace runs other than one plain space before a non-space, which is already clean.
        space = rf"(?! (?![\s{spaces}]))[\s{spaces}]+"
        pattern = rf"(?P<space>{space})" + (rf"|(?P<char>[{singles}])" if singles else "")
        object.__setattr__(self, "normalizable", re.compile(pattern))
        object.__setattr__(self, "suspect", re.compile(rf"[\s{spaces}{singles}](?<! )"))


@cache
def cleaning_rules() -> CleaningRules:
    """Load and compile the cleaning lexicon once per process."""
    with resources.files("pipelines.lexicons").joinpath("cleaning.toml").open("rb") as handle:
        data = tomllib.load(handle)
    boilerplate = data["boilerplate"]
    brackets = "|".join(boilerplate["caption_brackets"])
    return CleaningRules(
        replacements=dict(data["unicode"]["replacements"]),
        anywhere=_compile_all(boilerplate["anywhere"]),
        caption_bracket=re.compile(rf".{{0,300}}\[\s*(?:{brackets})\s*\]", re.IGNORECASE),
        footer=_compile_all(boilerplate["footer"]),
        byline=tuple(re.compile(pattern) for pattern in data["header"]["byline"]),
        header_lines=data["header"]["lines"],
        source_line_max_words=data["source_line"]["max_words"],
    )


def _compile_all(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


# ---------------------------------------------------------------------------------------------
# Normalization and the offset map
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of clean text and the raw span it came from; `copied` runs map character by character."""

    clean_start: int
    clean_end: int
    raw_start: int
    raw_end: int
    copied: bool


class OffsetMap:
    """Maps spans of clean text back to spans of the raw text they were made from."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self._starts = [segment.clean_start for segment in segments]

    def _segment_at(self, clean_index: int) -> Segment:
        return self.segments[bisect.bisect_right(self._starts, clean_index) - 1]

    def snap(self, clean_start: int, clean_end: int) -> tuple[int, int]:
        """Widen a clean span so that it neither starts nor ends inside a replaced run."""
        first, last = self._segment_at(clean_start), self._segment_at(clean_end - 1)
        start = clean_start if first.copied else first.clean_start
        end = clean_end if last.copied else last.clean_end
        return start, end

    def raw_span(self, clean_start: int, clean_end: int) -> tuple[int, int]:
        """The raw span of a (snapped) non-empty clean span."""
        first, last = self._segment_at(clean_start), self._segment_at(clean_end - 1)
        raw_start = first.raw_start + (clean_start - first.clean_start) if first.copied else first.raw_start
        raw_end = last.raw_start + (clean_end - last.clean_start) if last.copied else last.raw_end
        return raw_start, raw_end


class _CleanTextBuilder:
    """Accumulates clean text and its segments."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0

    def append(self, text: str, raw_start: int, raw_end: int, copied: bool) -> None:
        if not text:
            return
        self.segments.append(Segment(self.length, self.length + len(text), raw_start, raw_end, copied))
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


def _strip_bounds(raw: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading and trailing whitespace or invisible characters."""
    while start < end and (raw[start].isspace() or raw[start] in INVISIBLE_CHARS):
        start += 1
    while end > start and (raw[end - 1].isspace() or raw[end - 1] in INVISIBLE_CHARS):
        end -= 1
    return start, end


def _normalized_pieces(raw: str, start: int, end: int) -> Iterator[tuple[str, int, int, bool]]:
    """(clean text, raw start, raw end, copied) pieces that normalize `raw[start:end]`."""
    rules = cleaning_rules()
    position = start
    matches = rules.normalizable.finditer(raw, start, end) if _needs_normalizing(raw, start, end) else ()
    for match in matches:
        if match.start() > position:
            yield raw[position : match.start()], position, match.start(), True
        if match.lastgroup == "space":
            replacement = " " if any(char.isspace() for char in match.group()) else ""
        else:
            replacement = rules.replacements[match.group()]
        yield replacement, match.start(), match.end(), False
        position = match.end()
    if position < end:
        yield raw[position:end], position, end, True


def _needs_normalizing(raw: str, start: int, end: int) -> bool:
    """Whether `normalizable` can match in `raw[start:end]`: it matches only at a `suspect`
    character or at a plain space before another space or a `suspect` one."""
    return cleaning_rules().suspect.search(raw, start, end) is not None or raw.find("  ", start, end) >= 0


def normalize_text(text: str) -> str:
    """What cleaning makes of a piece of raw text: trimmed, spaces collapsed, characters replaced.

    The lineage rule for sentences: `normalize_text(raw_text[char_start:char_end]) == text`.
    """
    start, end = _strip_bounds(text, 0, len(text))
    return "".join(piece for piece, *_ in _normalized_pieces(text, start, end))


# ---------------------------------------------------------------------------------------------
# Lines and cleaning
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A non-empty line of the raw text, trimmed; `text` is its normalized form for matching."""

    start: int
    end: int
    text: str
    follows_blank: bool


@dataclass(frozen=True)
class RemovedLine:
    """A line cleaning took out, and the rule that did."""

    start: int
    end: int
    rule: str


@dataclass(frozen=True)
class Paragraph:
    clean_start: int
    clean_end: int


@dataclass(frozen=True)
class CleanedArticle:
    """An article after cleaning, with everything needed to trace clean spans back to raw text."""

    raw_text: str
    title: str | None
    title_span: tuple[int, int] | None
    clean_text: str
    paragraphs: list[Paragraph]
    offsets: OffsetMap
    published_date: dt.date | None
    published_date_span: tuple[int, int] | None
    removed: list[RemovedLine]


_NEWLINE_RUN = re.compile(r"[^\r\n]+")


def split_lines(raw: str) -> list[Line]:
    """The non-empty lines of the raw text with their raw spans (\\n, \\r\\n and \\r all end a line)."""
    lines: list[Line] = []
    previous_end = 0
    for match in _NEWLINE_RUN.finditer(raw):
        start, end = _strip_bounds(raw, match.start(), match.end())
        if start == end:
            continue
        gap = raw[previous_end:start]
        follows_blank = bool(lines) and (gap.count("\n") + gap.count("\r") - gap.count("\r\n")) > 1
        lines.append(Line(start, end, normalize_text(raw[start:end]), follows_blank))
        previous_end = end
    return lines


def clean_article(raw: str) -> CleanedArticle:
    """Title, published date and body of an article; boilerplate lines are removed."""
    rules = cleaning_rules()
    lines = split_lines(raw)
    removed: list[RemovedLine] = []
    title_line = lines[0] if lines and _looks_like_title(lines[0], len(lines), rules) else None
    body = lines[1:] if title_line else lines
    body, published = _take_header(body, title_line, rules, removed)
    body = [line for line in body if not _is_boilerplate(line, rules, removed)]
    body = _drop_trailing_footer(body, rules, removed)
    paragraphs, builder = _build_clean_text(raw, body)
    return CleanedArticle(
        raw_text=raw,
        title=title_line.text if title_line else None,
        title_span=(title_line.start, title_line.end) if title_line else None,
        clean_text=builder.text(),
        paragraphs=paragraphs,
        offsets=OffsetMap(builder.segments),
        published_date=published[0] if published else None,
        published_date_span=published[1] if published else None,
        removed=sorted(removed, key=lambda line: line.start),
    )


def _looks_like_title(line: Line, n_lines: int, rules: CleaningRules) -> bool:
    """A short first line that does not end like a sentence and is not boilerplate ("3 min read")."""
    return (
        n_lines > 1
        and len(line.text.split()) <= MAX_TITLE_WORDS
        and not line.text.endswith(".")
        and not _is_boilerplate(line, rules, [])
    )


def _take_header(
    lines: list[Line], title: Line | None, rules: CleaningRules, removed: list[RemovedLine]
) -> tuple[list[Line], tuple[dt.date, tuple[int, int]] | None]:
    """Remove what only the header block holds: the repeated title, bylines and the date line."""
    published: tuple[dt.date, tuple[int, int]] | None = None
    kept: list[Line] = []
    for position, line in enumerate(lines):
        in_header = position < rules.header_lines
        date = parse_date_line(line.text) if in_header else None
        if in_header and title and line.text.casefold() == title.text.casefold():
            removed.append(RemovedLine(line.start, line.end, "repeated title"))
        elif date:
            published = published or (date, (line.start, line.end))
            removed.append(RemovedLine(line.start, line.end, "date line"))
        elif in_header and any(pattern.fullmatch(line.text) for pattern in rules.byline):
            removed.append(RemovedLine(line.start, line.end, "byline"))
        else:
            kept.append(line)
    return kept, published


def _is_boilerplate(line: Line, rules: CleaningRules, removed: list[RemovedLine]) -> bool:
    """Lines that are never article text wherever they stand: read times, credits, captions."""
    if any(pattern.fullmatch(line.text) for pattern in rules.anywhere):
        rule = "boilerplate"
    elif rules.caption_bracket.fullmatch(line.text):
        rule = "caption"
    elif _is_doubled(line.text):
        rule = "repeated caption"
    else:
        return False
    removed.append(RemovedLine(line.start, line.end, rule))
    return True


def _is_doubled(text: str) -> bool:
    """A line made of one phrase written twice, as scraped image alt text plus caption are."""
    for gap in range(1, 6):
        half, remainder = divmod(len(text) - gap, 2)
        if half >= 10 and not remainder and text[half : half + gap].isspace() and text[:half] == text[half + gap :]:
            return True
    return False


def _drop_trailing_footer(lines: list[Line], rules: CleaningRules, removed: list[RemovedLine]) -> list[Line]:
    """From the end backwards: share and comment footers, then a source name alone on the last line."""
    end = len(lines)
    while end > 0 and any(pattern.fullmatch(lines[end - 1].text) for pattern in rules.footer):
        end -= 1
        removed.append(RemovedLine(lines[end].start, lines[end].end, "footer"))
    if end > 1 and _is_source_name(lines[end - 1].text, rules.source_line_max_words):
        end -= 1
        removed.append(RemovedLine(lines[end].start, lines[end].end, "source name"))
    return lines[:end]


def _is_source_name(text: str, max_words: int) -> bool:
    words = text.split()
    return (
        len(words) <= max_words
        and all(word[0].isupper() for word in words)
        and not any(char in text for char in '.!?:;,"')
    )


def _build_clean_text(raw: str, lines: list[Line]) -> tuple[list[Paragraph], _CleanTextBuilder]:
    """Join kept lines into paragraphs, normalizing each line, and record every piece's origin."""
    builder = _CleanTextBuilder()
    paragraphs: list[Paragraph] = []
    paragraph_start = 0
    previous: Line | None = None
    for line in lines:
        if previous is not None:
            if _starts_paragraph(raw, previous, line):
                paragraphs.append(Paragraph(paragraph_start, builder.length))
                builder.append(PARAGRAPH_SEPARATOR, previous.end, line.start, copied=False)
                paragraph_start = builder.length
            else:
                builder.append(LINE_JOINER, previous.end, line.start, copied=False)
        for piece in _normalized_pieces(raw, line.start, line.end):
            builder.append(*piece)
        previous = line
    if previous is not None:
        paragraphs.append(Paragraph(paragraph_start, builder.length))
    return paragraphs, builder


def _starts_paragraph(raw: str, previous: Line, line: Line) -> bool:
    """A blank line, a removed line, a finished sentence or a short line ends a paragraph."""
    return (
        line.follows_blank
        or not raw[previous.end : line.start].isspace()
        or previous.text.endswith(SENTENCE_FINAL)
        or len(previous.text) < MIN_WRAPPED_LINE_CHARS
    )


# Text `normalize_text` leaves as it is, in a pattern `re` and RE2 (Arrow) read alike: words of printable
# ASCII, one plain space apart. No character it replaces or drops is ASCII (a test holds it to that).
NORMAL_ASCII_TEXT = r"[\x21-\x7e]+(?: [\x21-\x7e]+)*"
_NORMAL_ASCII = re.compile(NORMAL_ASCII_TEXT)


def span_traces(raw_text: str, start: int, end: int, text: str, normal: bool) -> bool:
    """The lineage rule for one cleaned span: it lies inside `raw_text`, and its raw slice normalizes
    to its text. Given a `normal` text (NORMAL_ASCII_TEXT), a slice equal to it needs no normalizing."""
    return 0 <= start < end <= len(raw_text) and (
        (raw_text[start:end] == text and normal) or normalize_text(raw_text[start:end]) == text
    )


def lineage_violations(raw_text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The (char_start, char_end, text) spans that break the lineage rule for cleaned spans."""
    return [
        (start, end, text)
        for start, end, text in spans
        if not span_traces(raw_text, start, end, text, _NORMAL_ASCII.fullmatch(text or "") is not None)
    ]
