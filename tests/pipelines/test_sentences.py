"""Sentence boundaries of lexicons/sentences.toml on cleaned articles, with raw spans."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from pipelines.sentences import Sentence, sentence_pipeline, sentence_starts, token_words
from pipelines.text import CleanedArticle

Analyse = Callable[[str], tuple[CleanedArticle, list[Sentence]]]

TITLE = "Talks open in Astana"


@pytest.fixture
def split(analyse: Analyse) -> Callable[[str], list[str]]:
    """The sentence texts of an article with a title and `body`, lineage checked."""

    def texts(body: str) -> list[str]:
        _, sentences = analyse(f"{TITLE}\n\n{body}\n")
        return [sentence.text for sentence in sentences]

    return texts


@pytest.mark.parametrize(
    "sentence",
    [
        "The U.N. said its envoy would attend the talks.",
        "Officials said the U.S. State Department would not send a delegation.",
        "The talks are set for Jan. 23 in the Kazakh capital.",
        "The envoy met Mr. Smith and Dr. Jones in Astana on Monday.",
        "A delegation led by Dr. Ahmed Tuma arrived on Sunday.",
        "The envoy quoted J. R. R. Tolkien to reporters.",
        "About 3.5 million people have fled the province.",
        "The convoy carried approx. 5 tonnes of aid.",
        "The vote was 9 vs. 6 at the U.N. Security Council.",
        "Sen. Graham and Gov. Abbott spoke on Sept. 5 about the war.",
        "The meeting started at 10 a.m. local time.",
    ],
)
def test_no_split_inside_a_sentence(split: Callable[[str], list[str]], sentence: str) -> None:
    assert split(sentence) == [sentence]


@pytest.mark.parametrize(
    "sentences",
    [
        ["The talks were held in the U.S.", "The talks ended on Friday."],
        ["The resolution passed at the U.N.", "It was backed by Russia."],
        ["Delegations arrived at 5 p.m.", "They met the next morning."],
        ["Did the talks fail?", "Nobody knows!", "The envoy left."],
        ["Is this the end?!", "Officials said it was not."],
        ["The talks stalled...", "Then the envoy spoke."],
        ["The talks will resume on Jan. 23.", "Officials agreed."],
        ["Prices rose 3.5 percent.", "2018 will be harder, he said."],
    ],
)
def test_split_at_sentence_ends(split: Callable[[str], list[str]], sentences: list[str]) -> None:
    assert split(" ".join(sentences)) == sentences


def test_all_capitals_text_splits_after_an_abbreviation_before_a_starter(split: Callable[[str], list[str]]) -> None:
    assert split("TALKS WERE HELD IN THE U.S. THE DELEGATIONS LEFT.") == [
        "TALKS WERE HELD IN THE U.S.",
        "THE DELEGATIONS LEFT.",
    ]


def test_split_after_a_closing_quote(split: Callable[[str], list[str]]) -> None:
    assert split('"We will stay," he said." Then the talks resumed.') == [
        '"We will stay," he said."',
        "Then the talks resumed.",
    ]


def test_opening_quote_starts_the_next_sentence(split: Callable[[str], list[str]]) -> None:
    assert split('The envoy said. "Damascus will attend," a source added.') == [
        "The envoy said.",
        '"Damascus will attend," a source added.',
    ]


def test_curly_quotes_around_a_boundary(split: Callable[[str], list[str]]) -> None:
    assert split("\u201cWe are ready.\u201d \u201cSo are we,\u201d said Lavrov.") == [
        '"We are ready."',
        '"So are we," said Lavrov.',
    ]


def test_closing_bracket_stays_with_its_sentence(split: Callable[[str], list[str]]) -> None:
    assert split("ISIS was named (the group is banned in Russia.) Talks went on.") == [
        "ISIS was named (the group is banned in Russia.)",
        "Talks went on.",
    ]


def test_lowercase_after_a_period_does_not_start_a_sentence(split: Callable[[str], list[str]]) -> None:
    text = "The file was named report.final and sent on."
    assert split(text) == [text]


def test_sentences_never_cross_paragraphs(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\nThe envoy arrived and said\n\nthat talks would go on. They did.\n\nThe end came\n"
    _, sentences = analyse(raw)
    assert [(s.paragraph_idx, s.text) for s in sentences] == [
        (0, "The envoy arrived and said"),
        (1, "that talks would go on."),
        (1, "They did."),
        (2, "The end came"),
    ]


def test_sentence_indices_and_spans_are_in_order(analyse: Analyse) -> None:
    raw = (
        f"{TITLE}\r\n\r\n"
        "The U.N.\u00a0envoy met Mr. Smith. \u201cWe agree,\u201d he said\u2026 Then he left.\r\n\r\n"
        "Talks resume on Jan. 23. Delegations arrive Sunday!\r\n"
    )
    article, sentences = analyse(raw)
    assert [s.sentence_idx for s in sentences] == list(range(len(sentences)))
    assert [s.text for s in sentences] == [
        "The U.N. envoy met Mr. Smith.",
        '"We agree," he said...',
        "Then he left.",
        "Talks resume on Jan. 23.",
        "Delegations arrive Sunday!",
    ]
    assert [s.paragraph_idx for s in sentences] == [0, 0, 0, 1, 1]
    for before, after in itertools.pairwise(sentences):
        assert before.char_end <= after.char_start
        assert before.clean_end <= after.clean_start
    assert article.raw_text[sentences[0].char_start : sentences[0].char_end] == "The U.N.\u00a0envoy met Mr. Smith."


def test_raw_span_covers_replaced_characters_whole(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\n\u201cIt is over\u2026\u201d\n"
    _, sentences = analyse(raw)
    assert [s.text for s in sentences] == ['"It is over..."']
    assert raw[sentences[0].char_start : sentences[0].char_end] == "\u201cIt is over\u2026\u201d"


def test_hard_wrapped_sentence_spans_raw_newlines(analyse: Analyse) -> None:
    raw = f"{TITLE}\n\nA sentence that the website wrapped over two lines of\ntext ends here. Another starts.\n"
    _, sentences = analyse(raw)
    assert [s.text for s in sentences] == [
        "A sentence that the website wrapped over two lines of text ends here.",
        "Another starts.",
    ]
    assert "\n" in raw[sentences[0].char_start : sentences[0].char_end]


def test_article_without_text_has_no_sentences(analyse: Analyse) -> None:
    _, sentences = analyse(f"{TITLE}\n\n{TITLE}\n\nShare on Facebook\n")
    assert sentences == []


@pytest.mark.parametrize(
    "text", ["", "One.", 'Talks ended. "Good," he said. The U.S. envoy left! Rebels, 45, stayed', "no capitals here"]
)
def test_sentence_starts_and_words_are_those_of_the_doc(text: str) -> None:
    """As the component leaves them, and as read from a doc that does not hold them."""
    doc = sentence_pipeline()(text)
    bare = Doc(doc.vocab).from_bytes(doc.to_bytes(exclude=["user_data"]))
    for each in (doc, bare):
        assert sentence_starts(each) == [sentence.start for sentence in doc.sents]
        assert token_words(each) == [token.text for token in doc]
    assert not bare.user_data
