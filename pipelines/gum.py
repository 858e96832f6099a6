"""GUM news in CoNLL-U: each article's text rebuilt from its tokens, and the named-entity gold derived from it.

This is the published mapping the entity evaluation (pipelines.evaluation) scores against:
- Text: a space after each token unless its MISC says SpaceAfter=No (for a multi-word token such as "Trump's",
  its own line decides), sentences of a paragraph joined by a space, paragraphs (`# newpar`) by a blank line.
  Every sentence must come out equal to its `# text =` line, so every token's character offsets are exact.
- Mentions come from MISC `Entity=` brackets: `(ID-etype-...` opens, `ID)` closes the latest open ID,
  `(ID-etype-...)` is a one-token mention; several stack on one token. No mention crosses a sentence boundary.
- etype person -> PERSON, organization -> ORG, place -> PLACE (GPE, LOC or FAC); other etypes are ignored.
- A mention holding a smaller one with the same etype and head gives way to it ("A and B" holds A).
- Only named mentions count: the head (the first non-punctuation token whose syntactic head lies outside the
  mention) is a proper noun: UPOS PROPN, or XPOS NNP/NNPS (GUM tags "United" in "United States" VERB/NNP).
  A common-noun head named by a proper noun (flat or appos: "team member Rodaba Noori") hands the head to it.
  A PERSON headed by a plural proper noun (XPOS NNPS: "Muslims", "Texans") is a group and is skipped.
- The span is the run of mention tokens around the head that are proper nouns or connectors (ADP "of",
  CCONJ "and", DET "the", PUNCT "-" and "."; PUNCT "," only before an abbreviation, as in "Washington, D.C.",
  so "Irving, Texas" is two names; for PERSON only "-"), trimmed to start and end on a proper noun: leading
  determiners, adjectives ("the Indonesian Navy" -> "Navy") and common nouns and a possessive 's fall outside.
- For PERSON the span starts after the run's last title word (TITLES, any case: "U.S. President Donald Trump"
  -> "Donald Trump") or proper noun that takes a preposition ("Governor of Washington Chris Gregoire" ->
  "Chris Gregoire"); a run of titles only ("Home Secretary") names no one.
- No nesting, as in the seeds gold: a span inside another of these spans is dropped ("United States" in
  "United States Navy"), and mentions that end up with the same span count once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

GUM_ETYPES = {"person": "PERSON", "organization": "ORG", "place": "PLACE"}
CONNECTORS = {("ADP", "of"), ("CCONJ", "and"), ("DET", "the"), ("PUNCT", "-"), ("PUNCT", ","), ("PUNCT", ".")}
PERSON_CONNECTORS = {("PUNCT", "-")}
NAMING = ("flat", "appos")
GUM_NEWS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "gum_news"
ENTITY_BRACKET = re.compile(r"\((\d+)-([^()]*)(\)?)|(\d+)\)")
Mention = tuple[str, int, int, int]  # label, first and last token index, head token index
# fmt: off
TITLES = (
    "President", "Vice", "Prime", "Minister", "Secretary", "Senator", "Sen.", "Rep.", "Governor", "Gov.", "Mayor",
    "King", "Queen", "Prince", "Princess", "Pope", "Dr.", "Dr", "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Sir",
    "General", "Gen.", "Captain", "Capt.", "Judge", "Justice", "Chancellor", "Chairman", "CEO", "Director", "Professor",
    "Prof.", "Sheikh", "Lord", "Lady", "Saint", "St.", "Officer", "Coach", "Commissioner", "Ambassador", "Detective",
    "Sergeant", "Lieutenant", "Colonel", "Major", "Private", "Corporal", "Admiral", "Bishop", "Cardinal", "Rabbi",
    "Imam", "Father", "Brother", "Sister", "Administrator", "Undersecretary", "MP", "Sheriff",
)
# fmt: on


@dataclass(frozen=True)
class Token:
    id: int
    form: str
    upos: str
    xpos: str
    head: int
    deprel: str
    entity: str
    start: int
    end: int


@dataclass(frozen=True)
class GumSentence:
    text: str
    start: int
    tokens: tuple[Token, ...]

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class GumArticle:
    name: str
    text: str
    sentences: tuple[GumSentence, ...]


def read_gum_corpus(folder: Path) -> list[GumArticle]:
    """Every article in a folder of GUM CoNLL-U files, named `<file stem>.txt` like a seed file."""
    return [
        read_gum_article(f"{path.stem}.txt", path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.conllu"))
    ]


def read_gum_article(name: str, conllu: str) -> GumArticle:
    """An article's text rebuilt from its tokens, with every token's character offsets (see the docstring)."""
    parts: list[str] = []
    sentences = []
    for block in conllu.strip().split("\n\n"):
        lines = block.splitlines()
        if sentences:
            parts.append("\n\n" if any(line == "# newpar" or line.startswith("# newpar ") for line in lines) else " ")
        sentences.append(read_gum_sentence(lines, sum(map(len, parts))))
        parts.append(sentences[-1].text)
    return GumArticle(name, "".join(parts), tuple(sentences))


def read_gum_sentence(lines: list[str], offset: int) -> GumSentence:
    """One sentence's tokens laid out from `offset`; its text must equal the `# text =` line."""
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    words = {int(row[0]): row for row in rows if row[0].isdigit()}
    ranges = {int(row[0].split("-")[0]): row for row in rows if "-" in row[0]}
    tokens: list[Token] = []
    text, i = "", 1
    while i in words:
        unit = ranges.get(i, words[i])
        last = int(unit[0].split("-")[-1])
        tokens += place_words([words[k] for k in range(i, last + 1)], unit[1], offset + len(text))
        text += unit[1] if "SpaceAfter=No" in unit[9].split("|") else unit[1] + " "
        i = last + 1
    expected = next(line.removeprefix("# text = ") for line in lines if line.startswith("# text = "))
    if text.rstrip(" ") != expected:
        raise ValueError(f"rebuilt {text!r} differs from the sentence text {expected!r}")
    return GumSentence(expected, offset, tuple(tokens))


def place_words(rows: list[list[str]], surface: str, start: int) -> list[Token]:
    """Tokens for the words of one surface token: split where their forms spell it, else each spans all of it."""
    spelled = "".join(row[1] for row in rows) == surface
    tokens = []
    for row in rows:
        misc = dict(item.split("=", 1) for item in row[9].split("|") if "=" in item)
        end = start + len(row[1]) if spelled else start + len(surface)
        tokens.append(
            Token(int(row[0]), row[1], row[3], row[4], int(row[6]), row[7], misc.get("Entity", ""), start, end)
        )
        if spelled:
            start = end
    return tokens


def parse_entity_field(value: str) -> list[tuple[str, int, str]]:
    """A MISC Entity= value's brackets in order: ("open", id, etype), ("single", id, etype), ("close", id, "")."""
    brackets = []
    for match in ENTITY_BRACKET.finditer(value):
        if match.group(4):
            brackets.append(("close", int(match.group(4)), ""))
        else:
            kind = "single" if match.group(3) else "open"
            brackets.append((kind, int(match.group(1)), match.group(2).split("-")[0]))
    return brackets


def sentence_mentions(tokens: Sequence[Token]) -> list[tuple[str, int, int]]:
    """A sentence's entity mentions as (etype, first token index, last token index)."""
    mentions, open_ = [], []
    for i, token in enumerate(tokens):
        for kind, entity_id, etype in parse_entity_field(token.entity):
            if kind == "open":
                open_.append((entity_id, etype, i))
            elif kind == "single":
                mentions.append((etype, i, i))
            else:
                at = max(k for k, (open_id, _, _) in enumerate(open_) if open_id == entity_id)
                _, opened_etype, first = open_.pop(at)
                mentions.append((opened_etype, first, i))
    if open_:
        raise ValueError(f"a mention crosses a sentence boundary after {tokens[-1].form!r}")
    return mentions


def named_mentions(article: GumArticle) -> dict[tuple[int, int], str]:
    """The article's named PERSON, ORG and PLACE mentions as character span -> label, one per span."""
    found: dict[tuple[int, int], str] = {}
    for sentence in article.sentences:
        tokens = sentence.tokens
        mentions = [
            (GUM_ETYPES[etype], first, last, mention_head(tokens, first, last))
            for etype, first, last in sentence_mentions(tokens)
            if etype in GUM_ETYPES
        ]
        for mention in mentions:
            span = None if holds_another(mention, mentions) else named_span(tokens, *mention)
            if span:
                found.setdefault(span, mention[0])
    return {
        span: label
        for span, label in found.items()
        if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o in found)
    }


def holds_another(mention: Mention, mentions: list[Mention]) -> bool:
    """Whether a mention holds a smaller one with its label and head, as "A and B" holds A (then only A counts)."""
    label, first, last, head = mention
    return any(o != mention and (o[0], o[3]) == (label, head) and first <= o[1] <= o[2] <= last for o in mentions)


def mention_head(tokens: Sequence[Token], first: int, last: int) -> int:
    """A mention's head: its first non-punctuation token whose syntactic head lies outside the mention."""
    ids = {token.id for token in tokens[first : last + 1]}
    heads = [i for i in range(first, last + 1) if tokens[i].head not in ids]
    return next((i for i in heads if tokens[i].upos != "PUNCT"), heads[0])


def named_span(tokens: Sequence[Token], label: str, first: int, last: int, head: int) -> tuple[int, int] | None:
    """Character span of the name in a mention (rules in the module docstring), or None when it holds no name."""
    name = name_head(tokens, first, last, head)
    if name is None or (label == "PERSON" and tokens[name].xpos == "NNPS"):
        return None
    joins = PERSON_CONNECTORS if label == "PERSON" else CONNECTORS
    start = first if name == head else name  # a name on a common-noun head starts the span itself
    run = around(name, {i for i in range(start, last + 1) if is_name(tokens[i]) or joins_names(tokens, i, joins)})
    mention = tokens[first : last + 1]
    cuts = [
        k
        for k, i in enumerate(run)
        if label == "PERSON" and (is_title(tokens[i]) or takes_preposition(mention, tokens[i]))
    ]
    names = [i for i in run[cuts[-1] + 1 if cuts else 0 :] if is_name(tokens[i])]
    return (tokens[names[0]].start, tokens[names[-1]].end) if names else None


def name_head(tokens: Sequence[Token], first: int, last: int, head: int) -> int | None:
    """The head if it is a proper noun, else a proper noun naming it by flat or appos ("team member Rodaba Noori")."""
    named = (i for i in range(first, last + 1) if tokens[i].head == tokens[head].id and tokens[i].deprel in NAMING)
    return head if is_name(tokens[head]) else next((i for i in named if is_name(tokens[i])), None)


def joins_names(tokens: Sequence[Token], i: int, joins: set[tuple[str, str]]) -> bool:
    """Whether token i may connect proper nouns; a comma only before an abbreviation, as in "Washington, D.C."."""
    pair = (tokens[i].upos, tokens[i].form.lower())
    return pair in joins and (pair != ("PUNCT", ",") or (i + 1 < len(tokens) and tokens[i + 1].form.endswith(".")))


def takes_preposition(mention: Sequence[Token], token: Token) -> bool:
    """Whether a token takes a preposition inside the mention, as "States" in "Ambassador to the United States"."""
    return any(other.head == token.id and other.deprel == "case" and other.upos == "ADP" for other in mention)


def around(index: int, members: set[int]) -> list[int]:
    """The contiguous stretch of member indices that holds `index`."""
    start, end = index, index
    while start - 1 in members:
        start -= 1
    while end + 1 in members:
        end += 1
    return list(range(start, end + 1))


def is_name(token: Token) -> bool:
    """A proper-noun token: UPOS PROPN, or tagged NNP/NNPS like "United" in "United States" (UPOS VERB in GUM)."""
    return token.upos == "PROPN" or token.xpos in ("NNP", "NNPS")


def is_title(token: Token) -> bool:
    """A title word before a person's name, in any case ("general Fuad Basya")."""
    return token.form in TITLES or token.form.capitalize() in TITLES
