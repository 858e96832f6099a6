"""Cleaning rules of lexicons/cleaning.toml, unicode normalization, paragraphs, and lineage to the raw text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.sentences import Sentence
from pipelines.text import (
    INVISIBLE_CHARS,
    NORMAL_ASCII_TEXT,
    CleanedArticle,
    clean_article,
    cleaning_rules,
    lineage_violations,
    normalize_text,
    span_traces,
)

Analyse = Callable[[str], tuple[CleanedArticle, list[Sentence]]]

TITLE = "Talks open in Astana"
FIRST = "The talks opened on Monday in the Kazakh capital."
LAST = "The talks are due to end on Tuesday."
# Enough paragraphs that a line placed after them is past the header block.
LONG_BODY = "\n\n".join(f"Paragraph {i} of the story is here." for i in range(10))


def removed_lines(article: CleanedArticle) -> dict[str, str]:
    """Each removed raw line, mapped to the rule that removed it."""
    return {article.raw_text[line.start : line.end]: line.rule for line in article.removed}


def paragraph_texts(article: CleanedArticle) -> list[str]:
    return [article.clean_text[p.clean_start : p.clean_end] for p in article.paragraphs]


# ---------------------------------------------------------------------------------------------
# Title
# ---------------------------------------------------------------------------------------------


def test_title_is_a_short_first_line(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n{FIRST}\n"
    article, sentences = analyse(raw)
    assert article.title == TITLE
    assert article.title_span == (0, len(TITLE))
    assert article.clean_text == FIRST
    assert [s.text for s in sentences] == [FIRST]


def test_title_span_points_at_the_raw_title_and_is_normalized(analyse: Analyse) -> None:
    raw = "  Assad\u2019s \u201cnew\u201d\u00a0offer  \n\nBody text of the story is here.\n"
    article, _ = analyse(raw)
    assert article.title == 'Assad\'s "new" offer'
    assert article.title_span is not None
    start, end = article.title_span
    assert normalize_text(raw[start:end]) == article.title


def test_a_single_line_has_no_title(analyse: Analyse) -> None:
    article, sentences = analyse("Talks open in Astana on Monday")
    assert article.title is None
    assert [s.text for s in sentences] == ["Talks open in Astana on Monday"]


def test_a_first_line_ending_with_a_period_is_not_a_title(analyse: Analyse) -> None:
    article, _ = analyse(f"{FIRST}\n\n{LAST}\n")
    assert article.title is None
    assert paragraph_texts(article) == [FIRST, LAST]


def test_a_long_first_line_is_not_a_title(analyse: Analyse) -> None:
    first = " ".join(["word"] * 31)
    article, _ = analyse(f"{first}\n\n{LAST}\n")
    assert article.title is None
    assert article.clean_text.startswith(first)


def test_a_boilerplate_first_line_is_not_a_title(analyse: Analyse) -> None:
    raw = f"3 min read\n\n{FIRST}\n"
    article, _ = analyse(raw)
    assert article.title is None
    assert article.clean_text == FIRST
    assert removed_lines(article) == {"3 min read": "boilerplate"}


def test_title_repeated_as_first_body_line_is_removed(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n{TITLE.upper()}\n\n{FIRST}\n"
    article, _ = analyse(raw)
    assert article.title == TITLE
    assert article.clean_text == FIRST
    assert removed_lines(article) == {TITLE.upper(): "repeated title"}


def test_title_repeated_deep_in_the_body_is_kept(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n{LONG_BODY}\n\n{TITLE}\n\n{LAST}\n"
    article, _ = analyse(raw)
    assert TITLE in paragraph_texts(article)


# ---------------------------------------------------------------------------------------------
# Header: read time, date line, byline
# ---------------------------------------------------------------------------------------------


def test_read_time_line_is_removed(analyse: Analyse) -> None:
    raw = f"{TITLE}\n3 min read\n{FIRST}\n\n{LAST}\n"
    article, _ = analyse(raw)
    assert paragraph_texts(article) == [FIRST, LAST]
    assert removed_lines(article) == {"3 min read": "boilerplate"}


def test_date_line_in_header_sets_published_date_and_is_removed(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n21 December, 2017\n\n{FIRST}\n"
    article, _ = analyse(raw)
    assert article.published_date == dt.date(2017, 12, 21)
    assert article.published_date_span is not None
    start, end = article.published_date_span
    assert raw[start:end] == "21 December, 2017"
    assert article.clean_text == FIRST
    assert removed_lines(article) == {"21 December, 2017": "date line"}


def test_date_line_deep_in_the_body_is_kept(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n{LONG_BODY}\n\n21 December, 2017\n\n{LAST}\n"
    article, _ = analyse(raw)
    assert article.published_date is None
    assert "21 December, 2017" in paragraph_texts(article)


def test_only_the_first_header_date_line_is_the_published_date(analyse: Analyse) -> None:
    raw = f"{TITLE}\nPublished: 2017-12-21\nUpdated 22 Dec 2017 10:35 GMT\n{FIRST}\n"
    article, _ = analyse(raw)
    assert article.published_date == dt.date(2017, 12, 21)
    assert article.clean_text == FIRST


@pytest.mark.parametrize("byline", ["By Jane Doe", "by Jane Doe and John Roe | Reuters", "By Mary-Ann O'Neil, AFP"])
def test_byline_in_header_is_removed(analyse: Analyse, byline: str) -> None:
    raw = f"{TITLE}\n\n{byline}\n\n{FIRST}\n"
    article, _ = analyse(raw)
    assert article.clean_text == FIRST
    assert removed_lines(article) == {byline: "byline"}


def test_byline_like_line_deep_in_the_body_is_kept(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n{LONG_BODY}\n\nBy Jane Doe\n\n{LAST}\n"
    article, _ = analyse(raw)
    assert "By Jane Doe" in paragraph_texts(article)


def test_a_sentence_starting_with_by_is_not_a_byline(analyse: Analyse) -> None:
    first = "By Monday the delegations had all arrived in Astana."
    article, _ = analyse(f"{TITLE}\n\n{first}\n")
    assert article.clean_text == first


# ---------------------------------------------------------------------------------------------
# Captions
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "The eighth round of Syria talks have begun in Astana, Kazakhstan [Getty]",
        "Delegates arrive at the conference hall [AFP]",
        "Syria provinces [click to enlarge]",
        "Rebel fighters near Idlib [ Reuters ]",
    ],
)
def test_caption_with_bracketed_credit_is_removed_anywhere(analyse: Analyse, caption: str) -> None:
    raw = f"{TITLE}\n\n{FIRST}\n\n{LONG_BODY}\n\n{caption}\n\n{LAST}\n"
    article, _ = analyse(raw)
    assert caption not in article.clean_text
    assert removed_lines(article) == {caption: "caption"}
    assert paragraph_texts(article)[-1] == LAST


def test_bracket_that_is_not_a_credit_is_kept(analyse: Analyse) -> None:
    line = "Delegations of the countries-guarantors [Russia, Turkey, Iran] arrived"
    article, _ = analyse(f"{TITLE}\n\n{line}\n\n{LAST}\n")
    assert paragraph_texts(article) == [line, LAST]


def test_doubled_caption_line_is_removed(analyse: Analyse) -> None:
    caption = "The Rixos President Hotel where the talks are held"
    doubled = f"{caption}   {caption}"
    raw = f"{TITLE}\n\n{doubled}\n\n{FIRST}\n"
    article, _ = analyse(raw)
    assert article.clean_text == FIRST
    assert removed_lines(article) == {doubled: "repeated caption"}


def test_short_repeated_phrase_is_not_a_doubled_caption(analyse: Analyse) -> None:
    line = "Yes, yes. Yes, yes."
    article, _ = analyse(f"{TITLE}\n\n{line}\n")
    assert article.clean_text == line


# ---------------------------------------------------------------------------------------------
# Footers and source names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "footer",
    [
        ["Add new comment", "Read our comment policy before posting your viewpoints"],
        ["in Instagram"],
        ["Share on Facebook"],
        ["Share this article", "Follow us on Twitter", "12 Comments"],
        ["Subscribe to our newsletter", "Copyright 2017 Example News. All rights reserved."],
    ],
)
def test_footers_are_removed_at_the_end(analyse: Analyse, footer: list[str]) -> None:
    raw = f"{TITLE}\n\n{FIRST}\n\n{LAST}\n\n" + "\n\n".join(footer) + "\n"
    article, _ = analyse(raw)
    assert paragraph_texts(article) == [FIRST, LAST]
    assert removed_lines(article) == dict.fromkeys(footer, "footer")


@pytest.mark.parametrize(
    "words",
    ["Add new comment", "Read our comment policy before posting your viewpoints", "in Instagram", "Share on Facebook"],
)
def test_footer_words_mid_article_are_kept(analyse: Analyse, words: str) -> None:
    raw = f"{TITLE}\n\n{FIRST}\n\n{words}\n\n{LAST}\n"
    article, _ = analyse(raw)
    assert paragraph_texts(article) == [FIRST, words, LAST]
    assert article.removed == []


def test_footer_phrase_inside_a_sentence_is_kept(analyse: Analyse) -> None:
    last = "Officials urged readers to share on Facebook what they saw."
    article, _ = analyse(f"{TITLE}\n\n{FIRST}\n\n{last}\n")
    assert paragraph_texts(article) == [FIRST, last]


def test_short_source_name_on_the_last_line_is_removed(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n{FIRST}\n\n{LAST}\n\nVestnik Kavkaza\n"
    article, _ = analyse(raw)
    assert paragraph_texts(article) == [FIRST, LAST]
    assert removed_lines(article) == {"Vestnik Kavkaza": "source name"}


def test_source_name_before_a_footer_is_removed(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n{FIRST}\n\nVestnik Kavkaza\n\nin Instagram\n"
    article, _ = analyse(raw)
    assert paragraph_texts(article) == [FIRST]
    assert removed_lines(article) == {"Vestnik Kavkaza": "source name", "in Instagram": "footer"}


@pytest.mark.parametrize(
    "last",
    [
        LAST,
        "Russian military police are present in all four zones.",
        "Rebels Still Insist On Assad Removal",  # five capitalized words: longer than a source name
        "Russia, Iran And Turkey",  # sentence punctuation
    ],
)
def test_normal_last_line_is_kept(analyse: Analyse, last: str) -> None:
    article, _ = analyse(f"{TITLE}\n\n{FIRST}\n\n{last}\n")
    assert paragraph_texts(article) == [FIRST, last]
    assert article.removed == []


def test_only_body_line_is_never_taken_for_a_source_name(analyse: Analyse) -> None:
    article, _ = analyse(f"{TITLE}\n\nKazakhstan Hosts Talks\n")
    assert article.clean_text == "Kazakhstan Hosts Talks"


def test_a_body_of_nothing_but_boilerplate_is_emptied(analyse: Analyse) -> None:
    raw = "3 min read\nPhoto: AFP\nAdvertisement\nShare on Facebook\nAdd new comment\n"
    article, sentences = analyse(raw)
    assert article.title is None
    assert article.clean_text == ""
    assert article.paragraphs == []
    assert sentences == []
    assert len(article.removed) == 5


# ---------------------------------------------------------------------------------------------
# Unicode normalization
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("a\u00a0b", "a b", id="nbsp"),
        pytest.param("a \u00a0 \u2009 b", "a b", id="space-run"),
        pytest.param("\u201cquoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'", id="curly-quotes"),
        pytest.param("\u00abguillemets\u00bb", '"guillemets"', id="guillemets"),
        pytest.param("1990\u20132000 \u2014 then", "1990-2000 - then", id="dashes"),
        pytest.param("and then\u2026", "and then...", id="ellipsis"),
        pytest.param("zero\u200bwidth", "zerowidth", id="zero-width-space"),
        pytest.param("co\u00adoperation", "cooperation", id="soft-hyphen"),
        pytest.param("\ufeffBOM", "BOM", id="bom"),
        pytest.param("a \u200b b", "a b", id="zero-width-between-spaces"),
        pytest.param("\ufb01nal", "final", id="ligature"),
        pytest.param("  \t padded \n ", "padded", id="trimmed"),
        pytest.param("a\t\tb\r\nc", "a b c", id="whitespace-collapsed"),
        pytest.param("Ünïcödé Астана 阿斯塔纳", "Ünïcödé Астана 阿斯塔纳", id="letters-kept"),
    ],
)
def test_normalize_text(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean


def test_clean_text_is_normalized_and_lineage_holds(analyse: Analyse) -> None:
    raw = (
        f"{TITLE}\n\n"
        "\u201cWe agree,\u201d the\u00a0envoy said \u2013 and then\u2026 left.\u200b "
        "Co\u00adoperation  ended \u2014 for now.\n"
    )
    article, sentences = analyse(raw)
    assert article.clean_text == '"We agree," the envoy said - and then... left. Cooperation ended - for now.'
    assert [s.text for s in sentences] == [
        '"We agree," the envoy said - and then... left.',
        "Cooperation ended - for now.",
    ]


# ---------------------------------------------------------------------------------------------
# Paragraphs and newlines
# ---------------------------------------------------------------------------------------------

WRAPPED = (
    f"{TITLE}\n\n"
    "This is a long paragraph that the website hard wrapped\n"
    "at a fixed column width, so its lines must be joined\n"
    "back together with single spaces.\n\n"
    "Second paragraph.\n"
)


def test_blank_lines_split_paragraphs(analyse: Analyse) -> None:
    article, sentences = analyse(f"{TITLE}\n\n{FIRST}\n\n\n\n{LAST}\n")
    assert paragraph_texts(article) == [FIRST, LAST]
    assert article.clean_text == f"{FIRST}\n\n{LAST}"
    assert [s.paragraph_idx for s in sentences] == [0, 1]


def test_hard_wrapped_lines_are_joined_with_a_space(analyse: Analyse) -> None:
    article, _ = analyse(WRAPPED)
    assert paragraph_texts(article) == [
        "This is a long paragraph that the website hard wrapped at a fixed column width, "
        "so its lines must be joined back together with single spaces.",
        "Second paragraph.",
    ]


def test_a_line_ending_a_sentence_ends_its_paragraph(analyse: Analyse) -> None:
    article, _ = analyse(f"{TITLE}\n{FIRST}\n{LAST}\n")
    assert paragraph_texts(article) == [FIRST, LAST]


def test_a_short_line_ends_its_paragraph(analyse: Analyse) -> None:
    article, _ = analyse(f"{TITLE}\n\n{FIRST}\n\nDe-escalation zones\n{LAST}\n")
    assert paragraph_texts(article) == [FIRST, "De-escalation zones", LAST]


def test_a_removed_line_ends_its_paragraph(analyse: Analyse) -> None:
    raw = (
        f"{TITLE}\n\n"
        "A long line of the story that goes on without any ending\n"
        "Delegates arrive at the conference hall [AFP]\n"
        "and a line that continues the story after the caption.\n"
    )
    article, _ = analyse(raw)
    assert paragraph_texts(article) == [
        "A long line of the story that goes on without any ending",
        "and a line that continues the story after the caption.",
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_files_clean_like_lf_files(analyse: Analyse, newline: str) -> None:
    raw = (
        f"{TITLE}\n\n21 December, 2017\n{FIRST}\n\n"
        + WRAPPED.split("\n\n", 1)[1]
        + "\nVestnik Kavkaza\n\nin Instagram\n"
    )
    lf_article, lf_sentences = analyse(raw)
    other_article, other_sentences = analyse(raw.replace("\n", newline))
    assert other_article.title == lf_article.title == TITLE
    assert other_article.published_date == lf_article.published_date == dt.date(2017, 12, 21)
    assert other_article.clean_text == lf_article.clean_text
    assert len(other_article.paragraphs) == len(lf_article.paragraphs) == 3
    assert [s.text for s in other_sentences] == [s.text for s in lf_sentences]
    assert [r.rule for r in other_article.removed] == [r.rule for r in lf_article.removed]


def test_mixed_newlines_in_one_file(analyse: Analyse) -> None:
    raw = f"{TITLE}\r\n\r\n{FIRST}\n\n{LAST}\r\rFinal words of the story.\r\n"
    article, _ = analyse(raw)
    assert paragraph_texts(article) == [FIRST, LAST, "Final words of the story."]


def test_empty_and_blank_text_give_an_empty_article(analyse: Analyse) -> None:
    for raw in ["", "\n\n\r\n", " \u00a0\u200b \t"]:
        article, sentences = analyse(raw)
        assert (article.title, article.clean_text, article.paragraphs, sentences) == (None, "", [], [])


# ---------------------------------------------------------------------------------------------
# lineage_violations itself
# ---------------------------------------------------------------------------------------------


def test_lineage_violations_flags_bad_spans() -> None:
    raw = "Say \u201chi\u201d\u00a0now."
    good = (0, len(raw), 'Say "hi" now.')
    out_of_range = (0, len(raw) + 1, 'Say "hi" now.')
    empty = (3, 3, "")
    wrong_text = (0, 3, "Sax")
    assert lineage_violations(raw, [good]) == []
    assert lineage_violations(raw, [good, out_of_range, empty, wrong_text]) == [out_of_range, empty, wrong_text]


@pytest.mark.parametrize(
    ("raw", "span", "traces"),
    [
        pytest.param("Say a\n b.", (0, 9, "Say a b."), True, id="normalized-differs-from-slice"),
        pytest.param("Say a  b.", (0, 9, "Say a  b."), False, id="slice-equals-text-not-normalized"),
        pytest.param(" Say.", (0, 5, " Say."), False, id="slice-equals-text-with-leading-space"),
        pytest.param("Say\u00a0a.", (0, 6, "Say\u00a0a."), False, id="slice-equals-text-with-nbsp"),
        pytest.param("Say \u201chi\u201d.", (0, 9, 'Say "hi".'), True, id="replaced-characters"),
        pytest.param("\U0001d518nicode \U0001f600 ok.", (0, 13, "\U0001d518nicode \U0001f600 ok."), True, id="astral"),
        pytest.param("\U0001f600 ok.", (2, 5, "ok."), True, id="after-an-astral-character"),
        pytest.param("\U0001f600 ok.", (3, 6, "ok."), False, id="astral-counted-as-two-units"),
        pytest.param("Say.", (0, 5, "Say."), False, id="past-the-end"),
        pytest.param("Say.", (-4, 4, "Say."), False, id="negative-start"),
        pytest.param("Say.", (2, 2, ""), False, id="empty-span"),
        pytest.param("Say. \u200b", (4, 6, ""), True, id="empty-text-of-blank-slice"),
        pytest.param("", (0, 1, "x"), False, id="empty-raw-text"),
    ],
)
def test_lineage_fast_path_agrees_with_normalizing(raw: str, span: tuple[int, int, str], traces: bool) -> None:
    """A span traces (or not) whether or not its text is known to be normal ASCII, and as the rule says."""
    start, end, text = span
    by_rule = 0 <= start < end <= len(raw) and normalize_text(raw[start:end]) == text
    assert by_rule == traces
    assert span_traces(raw, start, end, text, False) == traces
    normal = re.fullmatch(NORMAL_ASCII_TEXT, text) is not None
    assert span_traces(raw, start, end, text, normal) == traces
    assert lineage_violations(raw, [span]) == ([] if traces else [span])


def test_no_character_cleaning_replaces_or_drops_is_ascii() -> None:
    """NORMAL_ASCII_TEXT's promise: printable ASCII words one space apart are left as they are."""
    assert not [char for char in [*cleaning_rules().replacements, *INVISIBLE_CHARS] if char.isascii()]
    printable = [chr(code) for code in range(0x21, 0x7F)]
    assert not [char for char in printable if char.isspace()]


@given(st.from_regex(NORMAL_ASCII_TEXT, fullmatch=True))
def test_normal_ascii_text_needs_no_normalizing(text: str) -> None:
    assert normalize_text(text) == text


@pytest.mark.parametrize(
    "text",
    ["a b", "a", " a", "a ", "a  b", "a\tb", "a\nb", "a\n", "a\u00a0b", "", "\U0001f600", "a\x7fb", "a\x00b", "~!"],
)
def test_arrow_and_python_read_normal_ascii_text_alike(text: str) -> None:
    in_arrow = pc.match_substring_regex(pa.array([text]), f"^(?:{NORMAL_ASCII_TEXT})$")[0].as_py()
    assert in_arrow == (re.fullmatch(NORMAL_ASCII_TEXT, text) is not None)


def test_removed_lines_are_sorted_and_point_at_raw_lines() -> None:
    raw = f"{TITLE}\n{TITLE}\n3 min read\n21 December, 2017\nBy Jane Doe\n{FIRST}\nAdd new comment\n"
    article = clean_article(raw)
    assert [(raw[r.start : r.end], r.rule) for r in article.removed] == [
        (TITLE, "repeated title"),
        ("3 min read", "boilerplate"),
        ("21 December, 2017", "date line"),
        ("By Jane Doe", "byline"),
        ("Add new comment", "footer"),
    ]


# ---------------------------------------------------------------------------------------------
# The seed files
# ---------------------------------------------------------------------------------------------

SEED_TITLES = {
    "000_a267781117031075.txt": "11th round of Syria peace talks begin in Astana",
    "001_d3e627cf6393b863.txt": "Fresh Syria peace talks open in Kazakhstan's capital",
    "002_2b11229bc80b7b43.txt": "New round of intra-Syrian talks starts in Astana",
    "003_5ebe1cd72f95d513.txt": "New peace talks on Syria begin in the Kazakh capital",
    "004_f2fc37828fe0a249.txt": "Astana Hosts Preparatory Syria Peace Talks",
}


def raw_blocks(raw: str) -> list[str]:
    """The blank-line separated blocks of a raw LF file, normalized."""
    return [normalize_text(block) for block in raw.split("\n\n") if normalize_text(block)]


@pytest.mark.parametrize("seed_file", sorted(SEED_TITLES))
def test_seed_title(seed_texts: dict[str, str], seed_file: str) -> None:
    assert clean_article(seed_texts[seed_file]).title == SEED_TITLES[seed_file]


@pytest.mark.parametrize("seed_file", sorted(SEED_TITLES))
def test_seed_lineage_holds_for_every_sentence(seed_texts: dict[str, str], seed_file: str, analyse: Analyse) -> None:
    article, sentences = analyse(seed_texts[seed_file])
    assert len(sentences) >= len(article.paragraphs) > 0


@pytest.mark.parametrize("seed_file", ["000_a267781117031075.txt", "001_d3e627cf6393b863.txt"])
def test_seeds_000_and_001_keep_every_paragraph(seed_texts: dict[str, str], seed_file: str) -> None:
    article = clean_article(seed_texts[seed_file])
    assert article.removed == []
    assert article.published_date is None
    assert paragraph_texts(article) == raw_blocks(seed_texts[seed_file])[1:]


def test_seed_002_drops_repeated_title_source_line_and_instagram_footer(seed_texts: dict[str, str]) -> None:
    article = clean_article(seed_texts["002_2b11229bc80b7b43.txt"])
    assert removed_lines(article) == {
        "New round of intra-Syrian talks starts in Astana": "repeated title",
        "Vestnik Kavkaza": "source name",
        "in Instagram": "footer",
    }
    paragraphs = paragraph_texts(article)
    assert paragraphs[0].startswith("Today, the capital of Kazakhstan, Astana,")
    assert paragraphs[-1].startswith("Any fighting, including against ISIS")
    assert "speaking to Vestnik Kavkaza, noted" in article.clean_text


def test_seed_003_header_caption_and_map_are_removed(seed_texts: dict[str, str]) -> None:
    article = clean_article(seed_texts["003_5ebe1cd72f95d513.txt"])
    assert article.published_date == dt.date(2017, 12, 21)
    assert article.published_date_span is not None
    start, end = article.published_date_span
    assert article.raw_text[start:end] == "21 December, 2017"
    assert removed_lines(article) == {
        "New peace talks on Syria begin in the Kazakh capital": "repeated title",
        "3 min read": "boilerplate",
        "21 December, 2017": "date line",
        "The eighth round of Syria talks have begun in Astana, Kazakhstan [Getty]": "caption",
        "Syria provinces [click to enlarge]": "caption",
    }
    paragraphs = paragraph_texts(article)
    assert paragraphs[0].startswith("Delegations from stakeholders Russia, Iran and Turkey")
    assert paragraphs[1].startswith("A new round of Syria peace talks backed by power-brokers")
    assert "De-escalation zones" in paragraphs
    assert paragraphs[-1] == "Rebels still insist on Assad's removal from power as a principal term for any peace deal."


def test_seed_004_drops_doubled_hotel_caption_and_comment_footers(seed_texts: dict[str, str]) -> None:
    article = clean_article(seed_texts["004_f2fc37828fe0a249.txt"])
    assert [line.rule for line in article.removed] == ["repeated caption", "footer", "footer"]
    assert "Rixos President Hotel" not in article.clean_text
    assert "comment" not in article.clean_text.lower()
    paragraphs = paragraph_texts(article)
    assert paragraphs[0].startswith("Parties to the Astana meeting on the Syrian crisis")
    assert "Platform for Wide-Ranging Discussions" in paragraphs
    assert paragraphs[-1].startswith("Iranian officials had voiced their opposition")


def test_seed_nbsp_is_normalized(seed_texts: dict[str, str]) -> None:
    raw = seed_texts["003_5ebe1cd72f95d513.txt"]
    assert "\u00a0" in raw
    assert "\u00a0" not in clean_article(raw).clean_text
