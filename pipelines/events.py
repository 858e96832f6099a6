"""Events in one article: who did what to whom, where and when, coded in PLOVER's 16 types.

Triggers, modes, role nouns and modality cues are data (`lexicons/events.toml`). The extractor reads
the same spaCy paragraphs and entity mentions as recognition, one sentence at a time, without a
parser: it cuts the sentence into noun phrases around the mentions, finds each trigger's clause,
and takes the actor from the nearest noun phrase before the trigger that no preposition governs
(the agent of a "by" phrase for a passive), the recipient from the first one after it, the place
from a place name after "in"/"at", and the date from the nearest DATE mention.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from itertools import chain, compress, pairwise

from spacy.tokens import Doc

from pipelines.dates import Anchor, ResolvedDate, resolve_date
from pipelines.entities import Mention, SentenceSpan, sentence_spans, token_spans, token_texts
from pipelines.gazetteer import rules as entity_rules
from pipelines.sentences import sentence_pipeline

ROLES = ("actor", "recipient")
# The type of lexicon phrases that hold a trigger word but name no event ("press conference").
NOT_AN_EVENT = "-"
MODALITIES = ("asserted", "future", "hypothetical", "negated")
# PLOVER's 16 types and the CAMEO root each corresponds to (modes may refine it: see the lexicon).
CAMEO_ROOTS: dict[str, str] = {
    "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "CONCEDE": "08", "COOPERATE": "06", "AID": "07",
    "RETREAT": "08", "REQUEST": "02", "ACCUSE": "11", "REJECT": "12", "THREATEN": "13", "PROTEST": "14",
    "SANCTION": "16", "MOBILIZE": "15", "COERCE": "17", "ASSAULT": "18",
}  # fmt: skip
PLOVER_TYPES = tuple(CAMEO_ROOTS)
# Happenings news reports without naming who did them ("talks began", "were released", "fighting
# intensified", "was forced out of Raqqa"): events of these types may have no actor. The others are
# acts someone does to someone (support, demands, threats, aid), and need one.
ACTOR_OPTIONAL_TYPES = frozenset(
    {"CONSULT", "AGREE", "ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT", "SANCTION", "ACCUSE"}
)
# Types whose verb names no happening without a participant ("will be discussed", "was agreed").
SPEAKER_TYPES = frozenset({"CONSULT", "AGREE", "ACCUSE", "SUPPORT", "REQUEST", "REJECT", "THREATEN"})
# Labels of mentions that can take part in an event, and those that can be its place.
ARGUMENT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# CONSULT without a host: every participant is an actor (PLOVER manual, "Compound and Reciprocal Actors").
RECIPROCAL_TYPES = frozenset({"CONSULT", "COOPERATE"})
NON_RECIPROCAL_MODES = frozenset({"visit"})
# A nationality right before these nominal triggers is their actor ("Russian airstrikes"), but not
# before talks, which it only describes ("intra-Syrian talks").
TOPIC_MODIFIED_TYPES = frozenset({"CONSULT", "AGREE"})
# Words that are prepositions before a name and conjunctions before a clause ("after Putin ordered").
CONJUNCTION_PREPOSITIONS = frozenset({"after", "before", "since", "until", "as", "once", "while", "because"})
DETERMINERS = frozenset(
    {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "any", "every", "no"}
)
RELATIVE_PRONOUNS = frozenset({"which", "who", "whom", "whose"})
SUBJECT_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "it", "they", "who", "which", "that"})
LIST_WORDS = frozenset({",", "and", "or"})
POSSESSIVE_DETERMINERS = frozenset({"its", "their", "his", "her"})
QUOTES = frozenset({'"', "\u201c", "\u201d", "''", "``", "\u2019"})
POSSESSIVE_MARKS = frozenset({"'s", "\u2019s", "'", "\u2019"})
# Types whose place after "at"/"on"/"against" is what they are aimed at.
TARGETED_TYPES = frozenset({"ASSAULT", "COERCE", "THREATEN"})
# Words that may stand between a trigger and its object ("urged the parties", "talks with the U.N.").
MAX_OBJECT_GAP = 5
# Words after a noun event within which its clause may say that it happened.
HAPPENING_WINDOW = 12
# Tokens before a noun event searched for a word dating something by it ("after the first day of
# closed-door talks").
ANCHOR_WINDOW = 8
# Words before a noun event within which a topic verb makes it a topic ("discussed the Syria talks").
TOPIC_WINDOW = 4
# Tokens between a noun event and the participle that names its sponsor ("rounds of talks on Syrian
# settlement brokered by").
SPONSORED_NOUN_WINDOW = 7
# Words after a participle within which its "by" agent may come.
AGENT_WINDOW = 8
# The size a description gives the list it stands for.
GROUP_SIZES = {"two": 2, "both": 2, "three": 3, "trio": 3, "four": 4}
# Countries listed together that a later "the three countries" may stand for.
MIN_GROUP = 2
# Role nouns that make a country named with them the government later descriptions stand for.
OPPOSITION_SECTORS = frozenset({"OPP", "REB"})
GOVERNMENT_WORDS = frozenset({"regime", "government", "authorities"})


@dataclass(frozen=True)
class Argument:
    """An entity mention taking part in an event, and the sector its role noun gives ("delegation")."""

    mention: Mention
    role: str
    sector: str | None = None


@dataclass(frozen=True)
class Event:
    """One event mention, with character offsets into the paragraph it was read from."""

    start: int
    end: int
    trigger_start: int
    trigger_end: int
    event_type: str
    mode: str | None
    cameo_root: str | None
    modality: str
    arguments: tuple[Argument, ...]
    location: Mention | None
    date_mention: Mention | None
    date: ResolvedDate
    confidence: float
    method: str


# ------------------------------------------------------------------------------------------ lexicon
@dataclass(frozen=True)
class TriggerEntry:
    """A trigger's words (lower-case tokens) and what it signals."""

    words: tuple[str, ...]
    event_type: str
    mode: str | None
    cameo_root: str
    nominal: bool


# A description that stands for earlier names: its kind ("group", "person", "government"), its
# words and the sector it gives.
Description = tuple[str, tuple[str, ...], str | None]


@dataclass(frozen=True)
class EventLexicon:
    """`lexicons/events.toml`, tokenized and inflected."""

    triggers: dict[str, tuple[TriggerEntry, ...]]
    future_types: dict[str, str]
    role_sectors: dict[str, str | None]
    np_inner: frozenset[str]
    # The [syntax] word lists, one field each.
    agent_prepositions: frozenset[str]
    place_prepositions: frozenset[str]
    recipient_prepositions: frozenset[str]
    prepositions: frozenset[str]
    list_links: frozenset[str]
    be: frozenset[str]
    clause_breaks: frozenset[str]
    verb_chain: frozenset[str]
    light_verbs: frozenset[str]
    topic_verbs: frozenset[str]
    topic_prepositions: frozenset[str]
    reciprocal_verbs: frozenset[str]
    modified_heads: frozenset[str]
    light_verb_nouns: frozenset[str]
    sequence_verbs: frozenset[str]
    self_moving_modes: frozenset[str]
    aim_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    hosting_verbs: frozenset[str]
    envoy_roles: frozenset[str]
    harm_verbs: frozenset[str]
    particles: frozenset[str]
    happening_verbs: frozenset[str]
    anchor_prepositions: frozenset[str]
    sponsor_participles: frozenset[str]
    cues: dict[str, dict[str, list[tuple[str, ...]]]]  # modality cues by kind, by first word
    refusals: frozenset[str]
    offers: frozenset[str]
    announcements: frozenset[str]
    # Descriptions by their first word, in the order they are tried at a word.
    descriptions: dict[str, tuple[Description, ...]]


@cache
def event_lexicon() -> EventLexicon:
    with resources.files("pipelines.lexicons").joinpath("events.toml").open("rb") as handle:
        data = tomllib.load(handle)
    irregular = {lemma: tuple(forms) for lemma, forms in data["irregular"].items() if lemma != "doubling"}
    doubling = frozenset(data["irregular"]["doubling"])
    # One entry per word sequence and part of speech: "meeting" is a gerund and a noun.
    entries: dict[tuple[tuple[str, ...], bool], TriggerEntry] = {}
    for block in data["triggers"]:
        cameo = block.get("cameo", CAMEO_ROOTS[block["type"]])
        for phrase in block.get("verbs", []):
            for words in _verb_phrases(_tokens(phrase), irregular, doubling):
                entries.setdefault((words, False), TriggerEntry(words, block["type"], block.get("mode"), cameo, False))
        for phrase in block.get("nouns", []):
            words = _tokens(phrase)
            for form in (words, (*words[:-1], plural(words[-1]))):
                entries.setdefault((form, True), TriggerEntry(form, block["type"], block.get("mode"), cameo, True))
    for phrase in data["not_events"]["phrases"]:
        words = _tokens(phrase)
        entries[(words, True)] = TriggerEntry(words, NOT_AN_EVENT, None, "", True)
    by_first: dict[str, list[TriggerEntry]] = {}
    for entry in entries.values():
        by_first.setdefault(entry.words[0], []).append(entry)
    syntax, words, modality = data["syntax"], data["words"], data["modality"]
    titles = {title.lower() for title in entity_rules().person_titles}
    return EventLexicon(
        triggers={k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in by_first.items()},
        future_types=dict(data["future_types"]),
        role_sectors={
            noun: (None if sector == "NONE" else sector) for sector, nouns in data["roles"].items() for noun in nouns
        },
        np_inner=frozenset(word.lower() for word in words["np_inner"]) | titles,
        **{name: frozenset(words) for name, words in syntax.items()},
        cues={kind: _by_first_word(map(_tokens, modality[kind])) for kind in ("negated", "hypothetical", "future")},
        refusals=frozenset(modality["refusals"]),
        offers=frozenset(modality["offers"]),
        announcements=frozenset(modality["announcements"]),
        descriptions=_descriptions(data["coreference"]),
    )


def _descriptions(coreference: dict) -> dict[str, tuple[Description, ...]]:
    """The [coreference] descriptions by their first word, in the order they are tried: groups
    (longest first), persons (one word each: "he"), governments (longest first). One look-up per
    word instead of a comparison per description ("the" starts many)."""
    groups = sorted({_tokens(d) for d in coreference["groups"]}, key=len, reverse=True)
    persons = sorted(words for words in {_tokens(d) for d in coreference["persons"]} if len(words) == 1)
    governments = {
        _tokens(d): sector
        for d, sector in sorted(coreference["governments"].items(), key=lambda item: -len(_tokens(item[0])))
    }
    ordered: list[Description] = [
        *(("group", words, None) for words in groups),
        *(("person", words, None) for words in persons),
        *(("government", words, sector) for words, sector in governments.items()),
    ]
    by_first: dict[str, list[Description]] = {}
    for description in ordered:
        by_first.setdefault(description[1][0], []).append(description)
    return {first: tuple(descriptions) for first, descriptions in by_first.items()}


def _tokens(phrase: str) -> tuple[str, ...]:
    """A phrase as the tokenizer splits it ("cease-fire" → cease, -, fire), lower-cased."""
    return tuple(token.lower_ for token in sentence_pipeline().tokenizer(phrase))


def _verb_phrases(words: tuple[str, ...], irregular: dict[str, tuple[str, ...]], doubling: frozenset[str]):
    """The phrase with its first word in every inflection ("shoot down" → shoots down, shot down…)."""
    return [(form, *words[1:]) for form in verb_forms(words[0], irregular, doubling)]


def verb_forms(lemma: str, irregular: dict[str, tuple[str, ...]], doubling: frozenset[str]) -> set[str]:
    """Base, third person, past, participle and gerund of an English verb."""
    stem = lemma + lemma[-1] if lemma in doubling else lemma
    if lemma.endswith("e"):
        past, gerund = lemma + "d", lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        past, gerund = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, gerund = stem + "ed", stem + "ing"
    return {lemma, plural(lemma), past, gerund, *irregular.get(lemma, ())}


def plural(word: str) -> str:
    """English plural of a noun (and third person of a verb)."""
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


# ------------------------------------------------------------------------------------------ phrases
@dataclass(frozen=True)
class Phrase:
    """A noun phrase around one or more mentions: its tokens, its head mention, and what governs it."""

    start: int
    end: int
    head: Mention
    sector: str | None
    governor: str | None
    possessive: bool
    apposition: bool
    before_noun_event: bool = False
    others: tuple[Mention, ...] = ()  # the rest of a group a description stands for ("the trio")

    @property
    def members(self) -> tuple[Mention, ...]:
        return (self.head, *self.others)


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    entry: TriggerEntry


class Paragraph:
    """A paragraph's tokens (their text, lower case and whether a space follows, as recognition
    read them: spaCy builds a new Token on every `doc[i]`) and its mentions as token spans in text order."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.words, self.lower, self.spaced = token_texts(doc)
        self.spans = sorted(token_spans(doc, mentions))
        self.starts = [start for start, _, _ in self.spans]

    def mentions_in(self, span: SentenceSpan) -> list[tuple[int, int, Mention]]:
        return self.spans[bisect_left(self.starts, span.start) : bisect_left(self.starts, span.end)]


@dataclass
class Discourse:
    """What earlier sentences of the article said that a description can stand for."""

    groups: list[tuple[Mention, ...]] = field(default_factory=list)  # lists of countries, latest last
    government: Mention | None = None
    # The last country whose opposition was named ("the Syrian opposition"): whose "rebels" are meant.
    opposition: Mention | None = None
    person: Mention | None = None
    # The participants of the last event of each type, for "the meeting" said again later.
    participants: dict[str, tuple[Argument, ...]] = field(default_factory=dict)


def _is_state(mention: Mention) -> bool:
    """A country, named or by its nationality: what "the three countries" can stand for."""
    return mention.label == "NORP" or (mention.entry is not None and mention.entry.kind == "country")


class Sentence:
    """One sentence's tokens, mentions, noun phrases and triggers."""

    def __init__(self, span: SentenceSpan, paragraph: Paragraph, lex: EventLexicon, discourse: Discourse) -> None:
        self.span, self.lex, self.discourse = span, lex, discourse
        self.doc: Doc = span.doc
        self.lower, self.words, self.spaced = paragraph.lower, paragraph.words, paragraph.spaced
        self.owner: dict[int, Mention] = {}
        self.dates: list[tuple[int, int, Mention]] = []
        for start, end, mention in paragraph.mentions_in(span):
            if mention.label == "DATE":
                self.dates.append((start, end, mention))
            elif mention.label in ARGUMENT_LABELS:
                self.owner.update(dict.fromkeys(range(start, end), mention))
        self.non_events: list[tuple[int, str]] = []  # ("press conference": its start and head word)
        self.triggers = list(self._triggers())
        self.trigger_starts = {t.start for t in self.triggers}
        nominal_starts = {t.start for t in self.triggers if t.entry.nominal}
        named = self._named = list(self._phrases())
        described = list(self._descriptions(named))
        self.phrases = [
            replace(p, before_noun_event=True) if any(p.start < k <= p.end for k in nominal_starts) else p
            for p in sorted(named + described, key=lambda p: p.start)
        ]

    # ---------------------------------------------------------------- descriptions
    def _descriptions(self, named: list[Phrase]) -> Iterator[Phrase]:
        """Phrases for descriptions that stand for earlier names: "the three countries" for the last
        list of countries, "he" for the last person, a bare "the regime" or "government forces" for
        the last government named. Only names before a description count as its antecedents."""
        lex = self.lex
        covered = {k for p in named for k in range(p.start, p.end)}
        after = self.span.start  # the token after the last description found
        for i in self._words_in(lex.descriptions):
            found = self._description_at(i, covered) if i >= after else None
            if found is None:
                continue
            words, members, sector = found
            start, end = i, i + len(words)
            while start - 1 >= self.span.start and start - 1 not in covered and self._inner(start - 1):
                start -= 1
            governor = self.lower[start - 1] if start > self.span.start else None
            possessive = end < self.span.end and self.lower[end] in POSSESSIVE_MARKS  # "the regime's detentions"
            yield Phrase(
                start=start,
                end=end + possessive,
                head=members[0],
                sector=sector,
                governor=governor if governor in lex.prepositions else None,
                possessive=possessive,
                apposition=False,
                others=members[1:],
            )
            after = i + len(words)
        self._remember(named)
        self.discourse.groups.extend(self._lists(named))

    def _words_in(self, words: Container[str]) -> Iterator[int]:
        """The sentence's tokens whose lower case is one of `words`, in order: the loops over a
        sentence look only at them, found at C speed."""
        start, end = self.span.start, self.span.end
        return compress(range(start, end), map(words.__contains__, self.lower[start:end]))

    def _description_at(
        self, i: int, covered: set[int]
    ) -> tuple[tuple[str, ...], tuple[Mention, ...], str | None] | None:
        """The description starting at token i (one of `lex.descriptions`), the names it stands
        for, and the sector it gives."""
        if i in covered:
            return None
        kind, words, sector = self._description_words(i)
        if not words:
            return None
        self._remember([p for p in self._named if p.end <= i])
        opposed = sector in OPPOSITION_SECTORS and self.discourse.opposition
        government = self.discourse.opposition if opposed else self.discourse.government
        members = {
            "group": self._group_for(words, i),
            "person": (self.discourse.person,) if self.discourse.person else (),
            "government": (government,) if government else (),
        }[kind]
        return (words, members, sector) if members else None

    def _group_for(self, words: tuple[str, ...], i: int) -> tuple[Mention, ...]:
        """The latest list of countries before token i of the size the description says ("the
        trio", "the two sides"), else the latest list."""
        groups = self.discourse.groups + self._lists([p for p in self._named if p.end <= i])
        size = next((GROUP_SIZES[word] for word in words if word in GROUP_SIZES), None)
        sized = [group for group in groups if len(group) == size]
        return (sized or groups or [()])[-1]

    def _description_words(self, i: int) -> tuple[str, tuple[str, ...], str | None]:
        """Which kind of description starts at token i, its words, and its sector."""
        for kind, words, sector in self.lex.descriptions[self.lower[i]]:
            if tuple(self.lower[i : i + len(words)]) == words:
                return kind, words, sector
        return "", (), None

    def _lists(self, phrases: list[Phrase]) -> list[tuple[Mention, ...]]:
        """The lists of two or more countries among phrases ("Russia, Iran and Turkey"), in order."""
        states = [p for p in phrases if _is_state(p.head)]
        lists, index = [], 0
        while index < len(states):
            group = [states[index]]
            for following in states[index + 1 :]:
                if not _linked(self, group[-1], following):
                    break
                group.append(following)
            if len(group) >= MIN_GROUP:
                lists.append(tuple(p.head for p in group))
            index += len(group)
        return lists

    def _remember(self, phrases: list[Phrase]) -> None:
        """Keep the last person and the last government named before a description."""
        people = [p.head for p in phrases if p.head.label == "PERSON"]
        if people:
            self.discourse.person = people[-1]
        for phrase in phrases:
            # "the Syrian government", not "the regime's main backer - Russia"
            possessors = {k for k in range(phrase.start, phrase.end - 1) if self.lower[k + 1] in POSSESSIVE_MARKS}
            words = {self.lower[k] for k in range(phrase.start, phrase.end) if k not in possessors}
            if phrase.head.label in {"GPE", "NORP"} and words & GOVERNMENT_WORDS:
                self.discourse.government = phrase.head
            if phrase.head.label in {"GPE", "NORP"} and phrase.sector in OPPOSITION_SECTORS:
                self.discourse.opposition = phrase.head

    # ---------------------------------------------------------------- noun phrases
    def _phrases(self) -> Iterator[Phrase]:
        after = self.span.start  # the token after the last phrase
        for i in sorted(self.owner):
            if i < after:
                continue
            start = self._phrase_start(i)
            after, heads = self._phrase_end(i)
            yield self._phrase(start, after, heads)

    def _inner(self, i: int) -> bool:
        """Whether token i can sit inside a noun phrase around names."""
        word = self.lower[i]
        if i in self.owner or word in self.lex.np_inner or word in self.lex.role_sectors:
            return True
        envoy = word == "to" and i > self.span.start and self.lower[i - 1] in self.lex.envoy_roles
        return (word in {"of", "from"} and self._inner_of(i)) or envoy or self._opens_role_compound(i)

    def _opens_role_compound(self, i: int) -> bool:
        """ "power" in "power-brokers Russia, Iran and Turkey": the first part of a hyphenated role."""
        return self.hyphen_after(i) and self.lower[i + 2] in self.lex.role_sectors

    def hyphen_after(self, i: int) -> bool:
        """Tokens i and i + 2 are one hyphenated word ("power-brokers", "rebel-aligned")."""
        return (
            self.span.start <= i
            and i + 2 < self.span.end
            and self.lower[i + 1] == "-"
            and not self.spaced[i]
            and not self.spaced[i + 1]
        )

    def in_compound(self, k: int) -> bool:
        """Token k is part of a hyphenated word ("rebel-aligned Ankara")."""
        return self.hyphen_after(k - 2) or self.hyphen_after(k)

    def _inner_of(self, i: int) -> bool:
        """ "of" (or "from") joins a role or place word to a name ("delegations of Turkey", "province
        of Idlib", "officials from Iran")."""
        before, after = i - 1, i + 1
        if before < self.span.start or after >= self.span.end:
            return False
        role_before = self.lower[before] in self.lex.role_sectors or self.lower[before] in self.lex.np_inner
        role_after = (
            after in self.owner or self.lower[after] in self.lex.np_inner or self.lower[after] in self.lex.role_sectors
        )
        return role_before and before not in self.owner and role_after

    def _phrase_start(self, i: int) -> int:
        start = i
        while start - 1 >= self.span.start and self._inner(start - 1) and not self._is_trigger_word(start - 1):
            start -= 1
        return start

    def _phrase_end(self, i: int) -> tuple[int, list[Mention]]:
        end, heads = i, []
        while end < self.span.end and self._inner(end) and not self._is_trigger_word(end):
            if end in self.owner and (not heads or heads[-1] is not self.owner[end]):
                heads.append(self.owner[end])
            end += 1
        return end, heads

    def _is_trigger_word(self, i: int) -> bool:
        word = self.lower[i]
        if i in self.owner:
            return False
        return i in self.trigger_starts or (
            word in self.lex.triggers and word not in self.lex.np_inner and word not in self.lex.role_sectors
        )

    def _phrase(self, start: int, end: int, mentions: list[Mention]) -> Phrase:
        """The phrase's head: a country behind a role noun ("Syria's Bashar Assad regime" → Syria), else
        its last name."""
        words = self.lower[start:end]
        roles = [word for word in words if word in self.lex.role_sectors]
        sector = self.lex.role_sectors[roles[-1]] if roles else None
        ends_in_role = end - 1 not in self.owner and bool(roles)
        states = [m for m in mentions if m.label in {"GPE", "NORP"}]
        head = states[0] if ends_in_role and states and sector else mentions[-1]
        governor = self.lower[start - 1] if start > self.span.start else None
        apposition = (
            governor == ","
            and start - 2 >= self.span.start
            and self.owner.get(start - 2) is not None
            and self.owner[start - 2].label == "PERSON"
        )
        possessive = self.lower[end - 1] in POSSESSIVE_MARKS
        return Phrase(
            start=start,
            end=end,
            head=head,
            # A person's or organization's phrase has a role only when it ends in one ("the Assad regime").
            sector=sector if head.label not in {"PERSON", "ORG"} or ends_in_role else None,
            governor=governor if governor in self.lex.prepositions and not self._opens_clause(governor, end) else None,
            possessive=possessive,
            apposition=apposition,
        )

    def _opens_clause(self, word: str, end: int) -> bool:
        """ "after Putin ordered": a conjunction before a subject and its verb, not a preposition."""
        if word not in CONJUNCTION_PREPOSITIONS or end >= self.span.end:
            return False
        following = self.lower[end]
        verbal = any(t.start == end and not t.entry.nominal for t in self.triggers)
        return verbal or following in self.lex.light_verbs or following in self.lex.verb_chain

    # ---------------------------------------------------------------- triggers
    def _triggers(self) -> Iterator[Trigger]:
        after = self.span.start  # the token after the last trigger
        for i in self._words_in(self.lex.triggers):
            entry = self._trigger_at(i) if i >= after else None
            if entry is None:
                continue
            after = self._words_end(i, entry.words) or i + len(entry.words)
            if entry.event_type != NOT_AN_EVENT:
                yield Trigger(i, after, entry)
            else:
                self.non_events.append((i, entry.words[-1]))

    def _words_end(self, i: int, words: tuple[str, ...]) -> int | None:
        """Where `words` end if they stand from token i on, quote marks inside passed over ("act as
        "a mediator""); None if they do not."""
        k, matched = i, 0
        while k < self.span.end and matched < len(words):
            if self.lower[k] == words[matched]:
                matched += 1
            elif not (matched and self.lower[k] in QUOTES) or k in self.owner:
                return None
            k += 1
        return k if matched == len(words) and not any(j in self.owner for j in range(i, k)) else None

    def _trigger_at(self, i: int) -> TriggerEntry | None:
        """The longest trigger starting at token i; a word that is both a verb form and a noun
        ("meeting", "release", "attack") is a noun after a determiner, adjective or "of"."""
        entries = self.lex.triggers.get(self.lower[i])
        if entries is None or i in self.owner or self._is_name_word(i):
            return None
        found = [entry for entry in entries if self._words_end(i, entry.words)]
        if not found:
            return None
        longest = [entry for entry in found if len(entry.words) == len(found[0].words)]
        nominal = self._noun_position(i)
        entry = next((entry for entry in longest if entry.nominal == nominal), longest[0])
        if not entry.nominal and self._ends_compound(i):
            return None
        if entry.nominal or i == self.span.start or self.lower[i - 1] not in DETERMINERS:
            return entry
        # A verb after a determiner: a noun ("the fight", "the release"), or an adjective ("the banned group").
        return None if self.lower[i].endswith("ed") else replace(entry, nominal=True)

    def _ends_compound(self, i: int) -> bool:
        """ "power-brokers", "peace-keeping": a verb form closing a hyphenated noun names a kind of
        actor, not an act (a participle, "US-backed", still says who stands behind)."""
        return self.hyphen_after(i - 2) and not self.lower[i].endswith("ed")

    def _noun_position(self, i: int) -> bool:
        """Whether a word stands where a noun does: anywhere but after an auxiliary, "to", a
        pronoun or a name that can be its subject ("Russia attacked")."""
        if i == self.span.start:
            return True
        previous = self.lower[i - 1]
        if previous in self.lex.verb_chain or previous in self.lex.be or previous in SUBJECT_PRONOUNS:
            return False
        return not (i - 1 in self.owner and self.lower[i - 1] not in POSSESSIVE_MARKS)

    def _is_name_word(self, i: int) -> bool:
        """A capitalized word inside the sentence is part of a name ("the Release of Detainees")."""
        word = self.words[i]
        return i != self.span.start and word[:1].isupper() and not word.isupper()

    # ---------------------------------------------------------------- clauses
    def clause(self, trigger: Trigger) -> tuple[int, int]:
        """The tokens of the trigger's clause: between the nearest clause breaks around it, passing
        over a relative clause closed before it ("Delegations, which are in charge, arrived")."""
        start = trigger.start
        while start - 1 >= self.span.start:
            word = self.lower[start - 1]
            if word in RELATIVE_PRONOUNS and "," in self.lower[start : trigger.start]:
                start -= 1
                continue
            if word in self.lex.clause_breaks:
                break
            start -= 1
        end = trigger.end
        while end < self.span.end and self.lower[end] not in self.lex.clause_breaks:
            end += 1
        return start, end


# ------------------------------------------------------------------------------------------ events
def extract_events(
    paragraphs: Sequence[Doc], mentions: Sequence[Sequence[Mention]], anchor: Anchor
) -> list[list[Event]]:
    """The events of each paragraph, given its mentions (paragraph offsets) and the document's date anchor."""
    lex = event_lexicon()
    discourse = Discourse()
    events = []
    for doc, found in zip(paragraphs, mentions, strict=True):
        paragraph = Paragraph(doc, found)
        events.append(
            [
                event
                for sentence in sentence_spans(doc)
                for event in _sentence_events(Sentence(sentence, paragraph, lex, discourse), anchor)
            ]
        )
    return events


def _sentence_events(sentence: Sentence, anchor: Anchor) -> list[Event]:
    """A sentence's events, one per type and clause: "discussed … in a telephone conversation with"
    and "held talks" are one CONSULT each, with the arguments of both words."""
    events: list[tuple[Trigger, Event]] = []
    sponsors, sponsoring = _sponsors(sentence)
    for trigger in sentence.triggers:
        if trigger.start in sponsoring or _says_no_event(sentence, trigger):
            continue
        event = _event(sentence, trigger, anchor, sponsors.get(trigger.start, []))
        if event is None:
            continue
        twin = next((k for k, (t, e) in enumerate(events) if _one_happening(sentence, t, e, trigger, event)), None)
        if twin is None:
            events.append((trigger, event))
        else:
            events[twin] = (events[twin][0], _merged(events[twin][1], event))
    found = _without_repeats(sentence, [(trigger, _recalled(sentence, trigger, event)) for trigger, event in events])
    sentence.discourse.participants.update({e.event_type: e.arguments for e in found if e.arguments})
    return found


def _says_no_event(sentence: Sentence, trigger: Trigger) -> bool:
    """A trigger word that, where it stands, tells no event of its own."""
    return (
        _is_content_of_another(sentence, trigger)
        or _reports_quote(sentence, trigger)
        or _modifies_noun(sentence, trigger)
        or _names_a_non_event_again(sentence, trigger)
        or _aim_of_infinitive(sentence, trigger)
        or _hosts_a_meeting(sentence, trigger)
    )


def _names_a_non_event_again(sentence: Sentence, trigger: Trigger) -> bool:
    """ "a press conference was scheduled … whether the conference would be held": the same thing."""
    head = sentence.lower[trigger.end - 1]
    return trigger.entry.nominal and any(start < trigger.start and word == head for start, word in sentence.non_events)


def _aim_of_infinitive(sentence: Sentence, trigger: Trigger) -> bool:
    """ "a plan to stem fighting", "attempts to halt the conflict": what an infinitive aims at is no
    report that it happened (a light verb's object is: "expected to attend the talks")."""
    lower, lex = sentence.lower, sentence.lex
    if not trigger.entry.nominal:
        return lower[trigger.start - 1 : trigger.start] == ["to"] and not _has_subject_before(sentence, trigger)
    k = trigger.start - 1
    while k > sentence.span.start and lower[k] in lex.np_inner:
        k -= 1
    owned = any(word in POSSESSIVE_DETERMINERS for word in lower[k + 1 : trigger.start])  # "to halt its offensive"
    return not owned and k - 1 >= sentence.span.start and lower[k - 1] == "to" and lower[k] in lex.aim_verbs


def _has_doer(sentence: Sentence, trigger: Trigger, clause: tuple[int, int], passive: bool) -> bool:
    """Whether an active verb has words before it in its clause that can be its subject ("all sides
    will meet"), named or not; "will be discussed" or "to meet" alone have none."""
    if passive:
        return False
    lex = sentence.lex
    skipped = lex.verb_chain | lex.be | lex.prepositions | lex.clause_breaks | SUBJECT_PRONOUNS
    return any(
        word.isalpha() and word not in skipped and (word not in lex.np_inner or word in lex.role_sectors)
        for word in sentence.lower[clause[0] : trigger.start]
    )


def _has_subject_before(sentence: Sentence, trigger: Trigger) -> bool:
    """Whether a name or description stands before the infinitive in its clause ("Russia is ready to")."""
    start = sentence.clause(trigger)[0]
    return any(start <= p.start and p.end <= trigger.start and p.governor is None for p in sentence.phrases)


def _modifies_noun(sentence: Sentence, trigger: Trigger) -> bool:
    """ "de-escalation zones", "ceasefire monitors": the noun names a kind of thing, not an event."""
    following = sentence.lower[trigger.end] if trigger.end < sentence.span.end else ""
    return trigger.entry.nominal and following in sentence.lex.modified_heads


def _recalled(sentence: Sentence, trigger: Trigger, event: Event) -> Event:
    """ "the meeting", "the talks" with no participants of their own: the article's last event of that
    type, whose participants they are."""
    definite = trigger.start > sentence.span.start and sentence.lower[trigger.start - 1] == "the"
    following = sentence.lower[trigger.end] if trigger.end < sentence.span.end else ""
    # "the arrival of all parties", "the talks in Astana, which began": a description of its own
    described = following in sentence.lex.prepositions or following in RELATIVE_PRONOUNS
    earlier = sentence.discourse.participants.get(event.event_type)
    recallable = trigger.entry.nominal and event.event_type in TOPIC_MODIFIED_TYPES
    if event.arguments or not recallable or not definite or described or not earlier:
        return event
    return replace(event, arguments=earlier)


def _one_happening(
    sentence: Sentence, first: Trigger, first_event: Event, second: Trigger, second_event: Event
) -> bool:
    """Two triggers of one type in one clause tell one happening, unless "and" joins two acts ("will
    travel to Tehran and will hold talks"), one is dated by the other ("the talks follow a meeting",
    "on the eve of negotiations") or their modes differ (a visit and talks)."""
    if first_event.event_type != second_event.event_type:
        return False
    if _told_in_relative_clause(sentence, first, second):
        return True  # "today's main session, where all sides will meet"
    if sentence.clause(first) != sentence.clause(second):
        return False
    modes = {first_event.mode, second_event.mode} - {None}
    return (
        len(modes) <= 1
        and "and" not in sentence.lower[first.end : second.start]
        and not _apart(sentence, first, second)
    )


def _told_in_relative_clause(sentence: Sentence, noun: Trigger, verb: Trigger) -> bool:
    """Whether the verb tells the noun's event again in a relative clause on it ("the session where
    all sides will meet")."""
    pronoun = sentence.clause(verb)[0] - 1
    if not noun.entry.nominal or verb.entry.nominal or pronoun <= sentence.span.start:
        return False
    before = pronoun - (sentence.lower[pronoun - 1] == ",")
    return sentence.lower[pronoun] in {"where", "which", "that"} and before == noun.end


def _apart(sentence: Sentence, first: Trigger, second: Trigger) -> bool:
    """Two triggers of one type that tell two happenings: one dated by the other, or listed ("sieges,
    mass executions and torture")."""
    listed = (
        first.entry.nominal and second.entry.nominal and _list_head(sentence, first) == _list_head(sentence, second)
    )
    return listed or _in_sequence(sentence, first, second)


def _in_sequence(sentence: Sentence, first: Trigger, second: Trigger) -> bool:
    """One event dated by the other ("the talks follow a meeting", "talks come after … a visit")."""
    lex = sentence.lex
    low, high = sorted((first, second), key=lambda t: t.start)
    between = sentence.lower[low.end : high.start]
    return any(word in lex.anchor_prepositions or word in lex.sequence_verbs for word in between)


def _sponsors(sentence: Sentence) -> tuple[dict[int, list[Phrase]], set[int]]:
    """Who stands behind noun events ("talks backed by Russia, Iran and Turkey", "UN-led talks"),
    by the noun's trigger start; and the participle triggers that only say so (no event of their
    own, except a brokered ceasefire or deal, which is one)."""
    lex = sentence.lex
    nouns = [t for t in sentence.triggers if t.entry.nominal]
    sponsors: dict[int, list[Phrase]] = {}
    sponsoring: set[int] = set()
    for k in range(sentence.span.start + 1, sentence.span.end - 1):
        if sentence.lower[k] not in lex.sponsor_participles:
            continue
        hyphenated = sentence.lower[k - 1] == "-"
        if not hyphenated and (sentence.lower[k + 1] not in lex.agent_prepositions or sentence.lower[k - 1] in lex.be):
            continue
        if hyphenated:
            by = [p for p in sentence.phrases if k - 1 <= p.end <= k]  # the phrase may hold the hyphen
            noun = next((t for t in nouns if 0 < t.start - k <= SPONSORED_NOUN_WINDOW), None)
            if noun is not None and not _only_modifiers(sentence, k + 1, noun.start):
                noun = None  # "Turkey-backed armed groups that joined a ceasefire": the groups are backed
        else:
            by = _group(
                [p for p in sentence.phrases if p.start > k], lambda p: p.governor in lex.agent_prepositions, sentence
            )
            noun = next((t for t in reversed(nouns) if 0 < k - t.end + 1 <= SPONSORED_NOUN_WINDOW), None)
            between = [p for p in sentence.phrases if noun is not None and noun.end <= p.start and p.end <= k]
            if any(p.governor not in lex.topic_prepositions for p in between):
                noun = None  # "the meeting, including the opposition led by Alloush": the opposition is led
        joins = noun is not None and (noun.entry.event_type == "CONSULT" or not _is_agreement_participle(sentence, k))
        if noun is not None and joins:
            sponsors.setdefault(noun.start, []).extend(by)
        if joins or not _is_agreement_participle(sentence, k):
            sponsoring.add(k)
    return sponsors, sponsoring


def _only_modifiers(sentence: Sentence, start: int, end: int) -> bool:
    """Tokens start..end hold only names, noun-phrase words and hyphenated modifiers."""
    lex = sentence.lex
    return all(
        k in sentence.owner or sentence.lower[k] in lex.np_inner or sentence.in_compound(k) for k in range(start, end)
    )


def _is_agreement_participle(sentence: Sentence, k: int) -> bool:
    """ "brokered", "mediated": a ceasefire or deal brokered is an AGREE event of the brokers."""
    return any(t.start == k and t.entry.event_type == "AGREE" for t in sentence.triggers)


def _is_content_of_another(sentence: Sentence, trigger: Trigger) -> bool:
    """What another event word says is done, not a happening of its own: the object noun of a verb
    ("signed an agreement" is SUPPORT, not also AGREE) or the infinitive after one ("urged them to
    observe the ceasefire", "agreed to restore relations")."""
    lex = sentence.lex
    if trigger.entry.nominal and _settled_by_agreement(sentence, trigger):
        return True
    if _describes_event_noun(sentence, trigger):
        return True
    for other in sentence.triggers:
        if (
            other.entry.nominal
            or other.start >= trigger.start
            or _coded_type(sentence, other) == trigger.entry.event_type
        ):
            continue
        gap = sentence.lower[other.end : trigger.start]
        if sentence.clause(other) != sentence.clause(trigger):
            continue
        if trigger.entry.nominal and len(gap) <= 3 and all(word in lex.np_inner or word in QUOTES for word in gap):
            return True
        if "to" in gap[-2:] or _after_infinitive(lex, gap) or _charged_with(sentence, other, trigger):
            return True
    return False


def _describes_event_noun(sentence: Sentence, trigger: Trigger) -> bool:
    """ "protests demanding reforms": a participle right after an event noun says what that event is."""
    participle = not trigger.entry.nominal and sentence.lower[trigger.start].endswith("ing")
    return participle and any(t.end == trigger.start and t.entry.nominal for t in sentence.triggers)


def _coded_type(sentence: Sentence, trigger: Trigger) -> str:
    """A verb's type as coded: an act refused is a REJECT, one offered an AGREE ("ready to host")."""
    if _after_cue(sentence, trigger, sentence.lex.refusals):
        return "REJECT"
    if _after_cue(sentence, trigger, sentence.lex.offers):
        return "AGREE"
    return trigger.entry.event_type


def _after_infinitive(lex: EventLexicon, gap: list[str]) -> bool:
    """ "invited … to attend the talks": a noun event after "to" and a light verb is what is asked,
    offered or refused."""
    if "to" not in gap:
        return False
    after = gap[len(gap) - gap[::-1].index("to") :]
    return bool(after) and after[0] in lex.light_verbs and all(word in lex.np_inner for word in after[1:])


def _charged_with(sentence: Sentence, other: Trigger, trigger: Trigger) -> bool:
    """ "accusing Damascus of using chemical weapons", "praised Iran for releasing": the act someone
    is accused or praised for is the charge, not an event of its own."""
    gap = range(other.end, trigger.start)
    return (
        len(gap) >= 2
        and sentence.lower[trigger.start - 1] in {"of", "for"}
        and all(k in sentence.owner or sentence.lower[k] in sentence.lex.np_inner for k in gap[:-1])
    )


def _settled_by_agreement(sentence: Sentence, trigger: Trigger) -> bool:
    """ "a ceasefire brokered by Moscow", "the truce, which was mediated by": the AGREE its
    participle codes is the event; the ceasefire is what was agreed."""
    k = trigger.end
    lower = sentence.lower
    if lower[k : k + 2] == [",", "which"] and k + 3 < sentence.span.end and lower[k + 2] in sentence.lex.be:
        k += 3
    return any(t.start == k and not t.entry.nominal and t.entry.event_type == "AGREE" for t in sentence.triggers)


def _reports_quote(sentence: Sentence, trigger: Trigger) -> bool:
    """ "…," Matuzov urged.: a verb closing the sentence after a quote and its speaker reports the
    quote, a statement and not an act of its own."""
    if trigger.entry.nominal or any(word.isalnum() for word in sentence.lower[trigger.end : sentence.span.end]):
        return False
    k = trigger.start - 1
    while k >= sentence.span.start and (k in sentence.owner or sentence.lower[k] in sentence.lex.np_inner):
        k -= 1
    return k < trigger.start - 1 and k >= sentence.span.start and sentence.lower[k] in QUOTES


def _merged(first: Event, second: Event) -> Event:
    """Two triggers of one happening: the first trigger (a verb before its noun), both words'
    arguments, the mode, place and date either gives."""
    arguments = first.arguments + tuple(
        a for a in second.arguments if a.mention not in {b.mention for b in first.arguments}
    )
    return replace(
        first,
        start=min(first.start, second.start),
        end=max(first.end, second.end),
        mode=first.mode or second.mode,
        cameo_root=first.cameo_root if first.mode or not second.mode else second.cameo_root,
        arguments=_reciprocal(first.event_type, first.mode or second.mode, arguments),
        location=first.location or second.location,
        date_mention=first.date_mention or second.date_mention,
        date=first.date if first.date_mention else second.date,
        confidence=max(first.confidence, second.confidence),
    )


def _reciprocal(event_type: str, mode: str | None, arguments: tuple[Argument, ...]) -> tuple[Argument, ...]:
    """Without a host, every participant of a meeting is an actor."""
    if event_type in RECIPROCAL_TYPES and mode not in NON_RECIPROCAL_MODES:
        return tuple(replace(a, role="actor") for a in arguments)
    return arguments


def _event(sentence: Sentence, trigger: Trigger, anchor: Anchor, sponsors: list[Phrase]) -> Event | None:
    lex, entry = sentence.lex, trigger.entry
    lead = _list_head(sentence, trigger)  # the noun whose arguments and standing a listed one shares
    clause = sentence.clause(lead)
    passive = not entry.nominal and _is_passive(sentence, trigger)
    actors, recipients = _arguments(sentence, lead, clause, passive)
    if passive and not actors and sentence.lower[trigger.start] in lex.harm_verbs:
        return None  # "over 345 pilgrims have been killed in a stampede": no attacker is told
    actors = actors + [p for p in sponsors if p not in actors]
    event_type, mode, cameo, modality = (
        entry.event_type,
        entry.mode,
        entry.cameo_root,
        _modality(sentence, trigger, clause),
    )
    if _after_cue(sentence, trigger, lex.refusals):
        event_type, mode, cameo, modality = "REJECT", None, CAMEO_ROOTS["REJECT"], "asserted"
    elif _after_cue(sentence, trigger, lex.offers):
        event_type, mode, cameo, modality = "AGREE", None, CAMEO_ROOTS["AGREE"], "asserted"
    elif event_type in lex.future_types and (modality == "future" or _announced(sentence, trigger)):
        event_type = lex.future_types[event_type]
        mode, cameo = None, CAMEO_ROOTS[event_type]
    host = _hosting_verb(sentence, trigger)
    if host is not None:  # "Astana will host a meeting of Iran, Russia and Turkey"
        guests = _guests(sentence, trigger, clause)
        actors = guests + [p for p in sponsors if p not in guests]
    if (event_type in RECIPROCAL_TYPES and mode not in NON_RECIPROCAL_MODES) or _fought_with(sentence, trigger):
        actors, recipients = actors + recipients, []
    if host is not None:
        recipients = _subject(sentence, [p for p in sentence.phrases if clause[0] <= p.start and p.end <= host.start])
    if entry.nominal and _is_topic(sentence, lead, clause):
        return None
    # "will be discussed": a talk, an agreement or an accusation has someone named behind it; only a
    # meeting of unnamed sides is still one ("all sides will meet")
    unnamed_meeting = event_type in RECIPROCAL_TYPES and _has_doer(sentence, trigger, clause, passive)
    if event_type in SPEAKER_TYPES and not (entry.nominal or actors or recipients or unnamed_meeting):
        return None
    actors, recipients = [p for p in actors if _takes_part(p)], [p for p in recipients if _takes_part(p)]
    if not actors and (
        event_type not in ACTOR_OPTIONAL_TYPES or (entry.nominal and not _happens(sentence, lead, clause))
    ):
        return None
    used = {member for phrase in actors + recipients for member in phrase.members}
    location = _location(sentence, trigger, clause, used)
    date_mention, date_text, before = _date_mention(sentence, trigger, clause)
    tense = "future" if modality == "future" else "past"
    date = resolve_date(date_text, anchor, before, tense) if date_mention else _NO_DATE
    arguments = _unique(
        tuple(
            Argument(member, role, phrase.sector)
            for role, phrases in (("actor", actors), ("recipient", recipients))
            for phrase in phrases
            for member in phrase.members
        )
    )
    tokens = [trigger.start, trigger.end - 1] + [k for p in actors + recipients for k in (p.start, p.end - 1)]
    doc = sentence.doc
    return Event(
        start=doc[min(tokens)].idx,
        end=doc[max(tokens)].idx + len(doc[max(tokens)]),
        trigger_start=doc[trigger.start].idx,
        trigger_end=doc[trigger.end - 1].idx + len(doc[trigger.end - 1]),
        event_type=event_type,
        mode=mode,
        cameo_root=cameo,
        modality=modality,
        arguments=arguments,
        location=location,
        date_mention=date_mention,
        date=date,
        confidence=_confidence(entry, actors, recipients),
        method="rule:nominal" if entry.nominal else ("rule:passive" if passive else "rule:verbal"),
    )


_NO_DATE = ResolvedDate(None, "none", "no_date")


def _hosting_verb(sentence: Sentence, noun: Trigger) -> Trigger | None:
    """The verb hosting a meeting noun ("will host a meeting"), whose subject is the host: the
    meeting's recipient, as a visit's host is (unless the hosting is only offered: an AGREE)."""
    if not noun.entry.nominal or noun.entry.event_type != "CONSULT":
        return None
    lex = sentence.lex
    for verb in sentence.triggers:
        gap = sentence.lower[verb.end : noun.start]
        hosting = not verb.entry.nominal and sentence.lower[verb.start] in lex.hosting_verbs
        if hosting and len(gap) <= 3 and all(w in lex.np_inner for w in gap):
            return verb if _coded_type(sentence, verb) == "CONSULT" else None
    return None


def _hosts_a_meeting(sentence: Sentence, trigger: Trigger) -> bool:
    """The hosting verb of a meeting noun tells no event of its own: the meeting is the event."""
    return any(_hosting_verb(sentence, noun) == trigger for noun in sentence.triggers)


def _guests(sentence: Sentence, noun: Trigger, clause: tuple[int, int]) -> list[Phrase]:
    """Who takes part in a hosted meeting: the list after its "of" ("a meeting at the experts level
    of Iran, Russia and Turkey")."""
    right = [p for p in sentence.phrases if noun.end <= p.start and p.end <= clause[1]]
    return _group(right, lambda p: p.governor == "of", sentence, first_only=True)


def _list_head(sentence: Sentence, trigger: Trigger) -> Trigger:
    """ "the use of chemical weapons, sieges, mass executions and torture": the first of a list of
    event nouns of one type, whose arguments and standing the others share (a verb is its own)."""
    if not trigger.entry.nominal:
        return trigger
    lex, current = sentence.lex, trigger
    while True:
        previous = next(
            (
                t
                for t in reversed(sentence.triggers)
                if t.entry.nominal and t.end < current.start and t.entry.event_type == trigger.entry.event_type
            ),
            None,
        )
        gap = sentence.lower[previous.end : current.start] if previous else []
        if not gap or not set(gap) & LIST_WORDS or not all(w in LIST_WORDS or w in lex.np_inner for w in gap):
            return current
        current = previous


def _fought_with(sentence: Sentence, trigger: Trigger) -> bool:
    """ "clashing with the Syrian Army": both sides of a clash or a fight are its actors."""
    return sentence.lower[trigger.start] in sentence.lex.reciprocal_verbs and (
        sentence.lower[trigger.end : trigger.end + 1] == ["with"]
    )


def _happens(sentence: Sentence, trigger: Trigger, clause: tuple[int, int]) -> bool:
    """Whether the clause reports a noun event as happening ("talks began", "the meeting was held")
    or dates something by it ("prior to the meeting"), rather than naming it as a topic."""
    lex = sentence.lex
    end = clause[1]
    if _describes(sentence, trigger, end):
        end = sentence.clause(Trigger(end + 1, end + 2, trigger.entry))[1]  # "talks, which began in January"
    after = sentence.lower[trigger.end : min(end, trigger.end + HAPPENING_WINDOW)]
    before = sentence.lower[max(clause[0], trigger.start - ANCHOR_WINDOW) : trigger.start]
    return (
        any(word in lex.happening_verbs for word in after)
        or any(word in lex.anchor_prepositions for word in before)
        or _governed_by_light_verb(lex, before)  # "announced the arrival of all parties"
    )


def _describes(sentence: Sentence, trigger: Trigger, pronoun: int) -> bool:
    """Whether the relative pronoun at token `pronoun` opens a clause about the noun event: it
    follows the noun, a place or a comma, not a verb ("the meeting will evaluate a project that")."""
    if pronoun >= sentence.span.end or sentence.lower[pronoun] not in RELATIVE_PRONOUNS | {"that"}:
        return False
    between = range(trigger.end, pronoun)
    lex = sentence.lex
    return len(between) <= 4 and all(
        k in sentence.owner
        or sentence.lower[k] in lex.np_inner
        or sentence.lower[k] in lex.place_prepositions
        or sentence.lower[k] == ","
        for k in between
    )


def _is_topic(sentence: Sentence, trigger: Trigger, clause: tuple[int, int]) -> bool:
    """A noun event that is what is discussed or focused on, not a happening: the object of a topic
    verb just before it, or the subject of one later in its clause."""
    lex = sentence.lex
    before = sentence.lower[max(clause[0], trigger.start - TOPIC_WINDOW) : trigger.start]
    after = sentence.lower[trigger.end : clause[1]]
    return any(word in lex.topic_verbs for word in before) or any(
        word in lex.topic_verbs and previous in lex.be for previous, word in pairwise(after)
    )


def _unique(arguments: tuple[Argument, ...]) -> tuple[Argument, ...]:
    """Each mention once: as an actor when it is both."""
    seen: set[Mention] = set()
    return tuple(a for a in arguments if not (a.mention in seen or seen.add(a.mention)))


def _confidence(entry: TriggerEntry, actors: list[Phrase], recipients: list[Phrase]) -> float:
    """Higher when the clause gave both sides; nominal triggers are less sure than verbs."""
    score = 0.55 + (0.2 if actors else 0) + (0.1 if recipients else 0) + (0 if entry.nominal else 0.1)
    return round(min(score, 0.95), 2)


# ------------------------------------------------------------------------------------------ arguments
def _arguments(
    sentence: Sentence, trigger: Trigger, clause: tuple[int, int], passive: bool
) -> tuple[list[Phrase], list[Phrase]]:
    """Actors and recipients of a trigger, as noun phrases of its clause."""
    lex = sentence.lex
    left = [p for p in sentence.phrases if clause[0] <= p.start and p.end <= trigger.start]
    right = [p for p in sentence.phrases if trigger.end <= p.start and p.end <= clause[1]]
    right = _before_next_trigger(sentence, trigger, right)
    agents = _group(right, lambda p: p.governor in lex.agent_prepositions, sentence)
    venues = [p for p in right if (_is_place(sentence, p) and not _is_target(trigger, p)) or _is_origin(trigger, p)]
    places = {k for p in venues for k in range(p.start, p.end)}
    beyond_places = [p for p in right if p not in venues]
    objects = _group(beyond_places, lambda p: _is_object(sentence, trigger, p, places), sentence, first_only=True)
    if trigger.entry.nominal:
        actors = _nominal_actors(sentence, trigger, left, right) or _noun_agents(sentence, trigger, agents)
        recipients = [p for p in objects if p not in actors]
    else:
        subject = _subject(sentence, _before_earlier_verb(sentence, trigger, clause, left), clause[0])
        subject = subject or _speaker_itself(sentence, trigger, clause)
        actors, recipients = (agents, subject) if passive else (subject, objects)
        if passive and trigger.entry.mode in lex.self_moving_modes:
            actors, recipients = agents + subject, []  # "armed groups were withdrawn": they withdrew
    return actors, recipients


def _noun_agents(sentence: Sentence, trigger: Trigger, agents: list[Phrase]) -> list[Phrase]:
    """ "the attack by rebels": a "by" phrase right after a noun event is its agent; one after a verb
    ("talks will be headed by …") or after another name ("the opposition led by Alloush") is not."""
    if not agents:
        return []
    gap = range(trigger.end, agents[0].start)
    lex = sentence.lex
    return agents if not any(k in sentence.owner or sentence.lower[k] in lex.be for k in gap) else []


def _before_earlier_verb(
    sentence: Sentence, trigger: Trigger, clause: tuple[int, int], left: list[Phrase]
) -> list[Phrase]:
    """A second verb of a clause shares the first one's subject ("Erdogan met Putin and signed a
    deal"): the names after the first verb are its objects, not the second verb's subject."""
    earlier = [t for t in sentence.triggers if not t.entry.nominal and clause[0] <= t.start and t.end <= trigger.start]
    if not earlier or "and" not in sentence.lower[earlier[-1].end : trigger.start]:
        return left
    return [p for p in left if p.end <= earlier[-1].start]


def _takes_part(phrase: Phrase) -> bool:
    """Countries, their capitals (standing for governments), people, organizations and nationalities
    act; a province, region, city or sea is only where something happens."""
    head = phrase.head
    if head.label not in PLACE_LABELS:
        return True
    if head.entry is None:
        return head.label == "GPE"
    return head.entry.kind == "country" or head.entry.capital_of is not None


def _is_place(sentence: Sentence, phrase: Phrase) -> bool:
    """A place after "in"/"at": where the event happened, not who took part."""
    return phrase.governor in sentence.lex.place_prepositions and phrase.head.label in PLACE_LABELS


def _is_origin(trigger: Trigger, phrase: Phrase) -> bool:
    """Where forces withdraw from ("withdrew from northern Syria") is the event's place."""
    return trigger.entry.event_type == "RETREAT" and phrase.governor == "from" and phrase.head.label in PLACE_LABELS


def _is_target(trigger: Trigger, phrase: Phrase) -> bool:
    """A place an attack or a raid is aimed at ("fired shells at Yeonpyeong Island") is its recipient."""
    return trigger.entry.event_type in TARGETED_TYPES and phrase.governor in {"at", "on", "against"}


def _is_object(sentence: Sentence, trigger: Trigger, phrase: Phrase, places: set[int]) -> bool:
    """A phrase right after the trigger (places in between aside), bare or after a recipient
    preposition ("talks with the U.N.", "rallied in Caracas against Maduro")."""
    lex = sentence.lex
    if phrase.before_noun_event or (phrase.governor is not None and phrase.governor not in lex.recipient_prepositions):
        return False
    if trigger.entry.event_type in TOPIC_MODIFIED_TYPES and phrase.governor in lex.topic_prepositions:
        return False  # "talks on Syria": what is talked about, not who with
    gap = [sentence.lower[k] for k in range(trigger.end, phrase.start) if k not in places]
    return len(gap) <= MAX_OBJECT_GAP and all(
        word in lex.prepositions or word in lex.np_inner or word in lex.role_sectors for word in gap
    )


def _before_next_trigger(sentence: Sentence, trigger: Trigger, phrases: list[Phrase]) -> list[Phrase]:
    """A later trigger's verb owns the names after it."""
    later = [t.start for t in sentence.triggers if t.start >= trigger.end and not t.entry.nominal]
    return [p for p in phrases if not later or p.start < later[0]]


def _subject(sentence: Sentence, left: list[Phrase], clause_start: int | None = None) -> list[Phrase]:
    """The nearest ungoverned noun phrase before the verb, with the names listed with it; in a
    relative clause with none, the phrase the clause describes ("militant groups that have been
    clashing")."""
    candidates = [p for p in left if p.governor is None and not (p.apposition or p.possessive or p.before_noun_event)]
    if not candidates and clause_start is not None:
        return _relative_antecedent(sentence, clause_start)
    if not candidates:
        return []
    group = [candidates[-1]]
    for phrase in reversed(left[: left.index(candidates[-1])]):
        if phrase.governor is not None or not _linked(sentence, phrase, group[-1]):
            break
        group.append(phrase)
    return list(reversed(group))


def _speaker_itself(sentence: Sentence, trigger: Trigger, clause: tuple[int, int]) -> list[Phrase]:
    """ "The US State Department said on Saturday it will not send a delegation": "it" right after
    a speech verb is the speaker."""
    verb = clause[0] - 1
    if verb < sentence.span.start or sentence.lower[verb] not in sentence.lex.speech_verbs:
        return []
    if "it" not in sentence.lower[clause[0] : trigger.start]:
        return []
    return _subject(sentence, [p for p in sentence.phrases if p.end <= verb])


def _relative_antecedent(sentence: Sentence, clause_start: int) -> list[Phrase]:
    """The phrase right before "that"/"who"/"which" opening the clause."""
    pronoun = clause_start - 1
    if pronoun <= sentence.span.start or sentence.lower[pronoun] not in {"that", "who", "which"}:
        return []
    return [p for p in sentence.phrases if p.end == pronoun and not p.possessive]


def _nominal_actors(sentence: Sentence, trigger: Trigger, left: list[Phrase], right: list[Phrase]) -> list[Phrase]:
    """Who a noun's event is by: its possessor or agentive modifier ("Russia's intervention",
    "UN-led talks"), the parties "between"/"of"/"among", else the subject of its clause's verb."""
    modifier = _modifier(sentence, trigger, left)
    if modifier:
        return modifier
    own = [p for p in right if not any(trigger.end <= t.start < p.start for t in sentence.triggers)]
    parties = _group(own, lambda p: p.governor in {"between", "among"}, sentence)
    if parties:
        return parties
    owners = _group(right, lambda p: p.governor == "of", sentence, first_only=True)
    if owners and owners[0].start - trigger.end <= 2 and trigger.entry.event_type in RECIPROCAL_TYPES | {"PROTEST"}:
        return owners
    return _light_verb_subject(sentence, trigger, left) or _relative_agent(sentence, trigger)


def _relative_agent(sentence: Sentence, trigger: Trigger) -> list[Phrase]:
    """ "the tactics pursued by the regime, which have included the use of chemical weapons": in a
    relative clause, the agent of what the clause describes does its noun events."""
    pronoun = sentence.clause(trigger)[0] - 1
    if pronoun <= sentence.span.start or sentence.lower[pronoun] not in {"which", "that"}:
        return []
    end = pronoun - (sentence.lower[pronoun - 1] == ",")
    return [p for p in sentence.phrases if p.end == end and p.governor in sentence.lex.agent_prepositions]


def _light_verb_subject(sentence: Sentence, trigger: Trigger, left: list[Phrase]) -> list[Phrase]:
    """The subject of the verb that governs a noun event ("Russia held talks"), if a light verb does;
    a visit is always its clause subject's ("urged the parties … during a visit to Moscow")."""
    subject = _subject(sentence, left, sentence.clause(trigger)[0])
    if not subject or (
        trigger.entry.event_type in RECIPROCAL_TYPES and sentence.lower[trigger.end : trigger.end + 1] == ["of"]
    ):
        return []  # "announced the arrival of all parties": the noun names its own participants
    between = sentence.lower[subject[-1].end : trigger.start]
    visit = trigger.entry.mode == "visit"
    return (
        subject
        if visit or _governed_by_light_verb(sentence.lex, between) or _is_doer(sentence, trigger, between)
        else []
    )


def _is_doer(sentence: Sentence, trigger: Trigger, between: list[str]) -> bool:
    """ "Turkey is a main supplier of arms": a noun naming the doer ("-er", "-or") after a copula."""
    lex = sentence.lex
    doer = sentence.lower[trigger.end - 1].endswith(("er", "ers", "or", "ors"))
    return doer and bool(between) and between[0] in lex.be and all(w in lex.np_inner for w in between[1:])


def _governed_by_light_verb(lex: EventLexicon, between: list[str]) -> bool:
    """ "held two meetings", "attend the second day of talks", "its military intervention": a light
    verb or the subject's possessive with only modifiers after it, not an auxiliary ("has been
    bolstered by the negotiations")."""
    governing = [k for k, word in enumerate(between) if word in lex.light_verbs or word in POSSESSIVE_DETERMINERS]
    if not governing:
        return False
    after = between[governing[-1] + 1 :]
    if between[governing[-1]] in POSSESSIVE_DETERMINERS:
        return all(word in lex.np_inner or "-" in after[max(0, k - 1) : k + 2] for k, word in enumerate(after))
    # "of" (a partitive), or a preposition after the light verb's noun or the verb itself ("responded with")
    linked = {k for k, word in enumerate(after) if word == "of" or (k and after[k - 1] in lex.light_verb_nouns)}
    linked |= {0} if after[:1] and after[0] in lex.particles else set()
    return not any(
        (word in lex.prepositions and k not in linked) or word in lex.be or word in lex.light_verbs or word == ","
        for k, word in enumerate(after)
    )


def _modifier(sentence: Sentence, trigger: Trigger, left: list[Phrase]) -> list[Phrase]:
    """A name right before the noun that does it: a possessive, a "-led"/"-backed" compound, or a
    nationality (for acts, not for talks it only describes)."""
    if not left:
        return []
    phrase = left[-1]
    gap = sentence.lower[phrase.end : trigger.start]
    adjectives_only = all(word in sentence.lex.np_inner or word in sentence.lex.role_sectors for word in gap)
    if not adjectives_only or len(gap) > 3:
        return []
    if phrase.possessive:
        return [phrase]
    nationality = phrase.head.label == "NORP" and trigger.entry.event_type not in TOPIC_MODIFIED_TYPES
    return [phrase] if nationality and phrase.governor is None else []


def _group(phrases: list[Phrase], accepts, sentence: Sentence, first_only: bool = False) -> list[Phrase]:
    """The first phrase `accepts` (or, with `first_only`, the first phrase if it does), with the
    phrases listed after it ("with the U.N. and Russia")."""
    for index, phrase in enumerate(phrases):
        if first_only and index > 0:
            return []
        if accepts(phrase) and not phrase.apposition:
            group = [phrase]
            for following in phrases[index + 1 :]:
                if following.governor is not None and following.governor != phrase.governor:
                    break
                if not _linked(sentence, group[-1], following):
                    break
                group.append(following)
            return group
    return []


def _linked(sentence: Sentence, first: Phrase, second: Phrase) -> bool:
    """Two phrases are one list when only list words stand between them ("Russia, Iran and Turkey")."""
    gap = sentence.lower[first.end : second.start]
    lex = sentence.lex
    return (
        bool(gap)
        and all(
            word in lex.list_links or word in lex.np_inner or sentence.in_compound(first.end + k)
            for k, word in enumerate(gap)
        )
        and any(word in {",", "and", "&", "plus", "with", "well"} for word in gap)
    )


def _is_passive(sentence: Sentence, trigger: Trigger) -> bool:
    """ "was forced out", "were held", or a participle with its agent ("brokered by Moscow")."""
    word = sentence.lower[trigger.start]
    participle = word.endswith(("ed", "en")) or word in {"held", "met", "led", "shot", "struck", "withdrawn", "taken"}
    if not participle:
        return False
    following = sentence.lower[trigger.end] if trigger.end < sentence.span.end else ""
    k = trigger.start - 1
    while k >= sentence.span.start and sentence.lower[k] in {"also", "already", "not", "reportedly"}:
        k -= 1
    auxiliary = k >= sentence.span.start and sentence.lower[k] in sentence.lex.be  # "been" and "being" are
    return auxiliary or following in sentence.lex.agent_prepositions or _reduced_relative(sentence, trigger)


def _reduced_relative(sentence: Sentence, trigger: Trigger) -> bool:
    """A participle right after a noun event, with its agent a few words on: "a ceasefire brokered at
    the end of last year by Moscow"."""
    after_noun_event = any(t.end == trigger.start and t.entry.nominal for t in sentence.triggers)
    ahead = sentence.lower[trigger.end : min(sentence.span.end, trigger.end + AGENT_WINDOW)]
    return after_noun_event and any(word in sentence.lex.agent_prepositions for word in ahead)


# ------------------------------------------------------------------------------------------ modality
def _modality(sentence: Sentence, trigger: Trigger, clause: tuple[int, int]) -> str:
    """negated, hypothetical or future from the cues in the trigger's clause; else asserted."""
    lex = sentence.lex
    near = sentence.lower[max(clause[0], trigger.start - 4) : trigger.start]
    # The word that opens the clause counts: "if", "unless", "whether".
    before = sentence.lower[max(sentence.span.start, clause[0] - 1) : trigger.start]
    after = sentence.lower[trigger.end : clause[1]] if trigger.entry.nominal else []
    if _has_cue(near, lex.cues["negated"]) or _has_cue(after[:4], lex.cues["negated"]):
        return "negated"
    if _has_cue(before, lex.cues["hypothetical"]) or _has_cue(after[:4], lex.cues["hypothetical"]):
        return "hypothetical"
    if _has_cue(before, lex.cues["future"]) or _has_cue(after, lex.cues["future"]):
        return "future"
    return "asserted"


def _has_cue(words: Sequence[str], cues: dict[str, list[tuple[str, ...]]]) -> bool:
    """One of the cues (by their first word) stands in the words; only the cues whose first word
    the words hold are tried, and a cue with a word the words lack is passed over at once."""
    present = set(words)
    return any(
        present.issuperset(cue) and any(tuple(words[i : i + len(cue)]) == cue for i in range(len(words) - len(cue) + 1))
        for cue in chain.from_iterable(map(cues.__getitem__, present.intersection(cues)))
    )


def _by_first_word(cues: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """The cues by their first word."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        by_first.setdefault(cue[0], []).append(cue)
    return by_first


def _announced(sentence: Sentence, trigger: Trigger) -> bool:
    """A noun event that a verb just before it orders or announces ("ordered a partial withdrawal")."""
    words = sentence.lower[max(sentence.span.start, trigger.start - 4) : trigger.start]
    return trigger.entry.nominal and any(word in sentence.lex.announcements for word in words)


def _after_cue(sentence: Sentence, trigger: Trigger, cues: frozenset[str]) -> bool:
    """ "refused to meet" is a REJECT, "is ready to host" an AGREE: the act is what is refused or
    offered, not a negated or future one."""
    words = sentence.lower[max(sentence.span.start, trigger.start - 3) : trigger.start]
    return any(word in cues for word in words) and "to" in words


# ------------------------------------------------------------------------------------------ where and when
def _location(sentence: Sentence, trigger: Trigger, clause: tuple[int, int], used: set[Mention]) -> Mention | None:
    """The place after "in"/"at" (or withdrawn from) nearest the trigger in its clause, preferring
    one after it."""
    places = [
        p
        for p in sentence.phrases
        if (_is_place(sentence, p) or _is_origin(trigger, p))
        and p.head not in used
        and clause[0] <= p.start < clause[1]
    ]
    if not places:
        return None
    return min(places, key=lambda p: (p.start < trigger.start, abs(p.start - trigger.start))).head


def _date_mention(sentence: Sentence, trigger: Trigger, clause: tuple[int, int]) -> tuple[Mention | None, str, str]:
    """The DATE mention nearest the trigger in its clause (or the sentence's only one; a relative
    clause on a noun event first: "negotiations, which began in January"), its text, and the words
    just before it ("since", "on", "last"). A "since" date measures what comes before it ("working
    closely since 2016"), never a later event ("in power since 1963, responded with force")."""
    dates = [d for d in sentence.dates if not (d[0] < trigger.start and sentence.lower[d[0] - 1] == "since")]
    in_clause = [d for d in dates if clause[0] <= d[0] < clause[1]]
    if trigger.entry.nominal and _describes(sentence, trigger, clause[1]):
        relative = sentence.clause(Trigger(clause[1] + 1, clause[1] + 2, trigger.entry))
        in_clause = [d for d in dates if relative[0] <= d[0] < relative[1]] or in_clause
    candidates = in_clause or (dates if len(sentence.dates) == 1 else [])
    if not candidates:
        return None, "", ""
    start, end, mention = min(candidates, key=lambda d: abs(d[0] - trigger.start))
    before = sentence.doc[max(sentence.span.start, start - 3) : start].text
    return mention, sentence.doc[start:end].text, before


# ------------------------------------------------------------------------------------------ repeats
def _without_repeats(sentence: Sentence, events: list[tuple[Trigger, Event]]) -> list[Event]:
    """One event per happening in a sentence: of two events of a type whose arguments one holds all
    of the other's, keep the richer ("discussed … in a telephone conversation" is one CONSULT). An
    event without arguments repeats only one of its own clause that it is not dated by: "three were
    arrested when police raided a house" and "talks come after a visit" are two."""
    kept: list[tuple[Trigger, Event]] = []
    for trigger, event in sorted(events, key=lambda p: (-len(p[1].arguments), p[1].mode is None, p[1].trigger_start)):
        mentions = {a.mention for a in event.arguments}
        twin = next(
            (
                index
                for index, (other_trigger, other) in enumerate(kept)
                if other.event_type == event.event_type
                and mentions <= {a.mention for a in other.arguments}
                and (mentions or _repeats_in_clause(sentence, trigger, other_trigger))
                and not (mentions and _apart(sentence, trigger, other_trigger))
            ),
            None,
        )
        if twin is None:
            kept.append((trigger, event))
        elif kept[twin][1].mode is None and event.mode is not None:
            kept[twin] = (kept[twin][0], replace(kept[twin][1], mode=event.mode, cameo_root=event.cameo_root))
    return sorted((event for _, event in kept), key=lambda e: e.trigger_start)


def _repeats_in_clause(sentence: Sentence, trigger: Trigger, other: Trigger) -> bool:
    return sentence.clause(trigger) == sentence.clause(other) and not _apart(sentence, trigger, other)
