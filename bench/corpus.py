"""Benchmark articles: N news articles made deterministically from real article text.

The sources are the seed articles and, when the folder exists, the GUM news texts (rebuilt from
their CoNLL-U tokens; the corpus is read where it lies and never copied into the repository).
Article `i` depends only on the seed and `i`: a base article's headline and paragraphs, a few
paragraphs of another article, shuffled; names that look like names swapped for others of the same
length in words, consistently within the article; years shifted and days of the month redrawn; a
date line in half of them. So the recognizers, the date resolver and the clustering all do real work.
"""

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.gum import read_gum_corpus

# Two or three capitalized words: what a recognizer would take for a name ("Sergei Lavrov").
NAME = re.compile(r"\b[A-Z][a-z]{2,}(?: (?:al-)?[A-Z][a-z]{2,}){1,2}\b")
YEAR = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
DAY_MONTH = re.compile(r"\b([1-9]|[12]\d|3[01])( (?:" + "|".join(MONTHS) + r"))\b")
MONTH_DAY = re.compile(r"\b((?:" + "|".join(MONTHS) + r") )([1-9]|[12]\d|3[01])\b")
BLANK_LINES = re.compile(r"\n\s*\n")
# Paragraphs borrowed from a second article, names swapped per article, and the year shift's range.
BORROWED = (1, 3)
SWAPPED_NAMES = (2, 6)
YEAR_SHIFT = 6


@dataclass(frozen=True)
class Source:
    """A real article: its headline and its paragraphs."""

    title: str
    paragraphs: tuple[str, ...]


def seed_sources(seeds_dir: Path) -> list[Source]:
    """The seed articles: the first line is the headline, blank lines separate paragraphs."""
    sources = []
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        sources.append(Source(title.strip(), tuple(p.strip() for p in BLANK_LINES.split(body) if p.strip())))
    return sources


def gum_sources(gum_dir: Path) -> list[Source]:
    """The GUM news articles (their first paragraph is the headline); none when the folder is absent."""
    if not Path(gum_dir).is_dir():
        return []
    sources = []
    for article in read_gum_corpus(Path(gum_dir)):
        title, *paragraphs = article.text.split("\n\n")
        sources.append(Source(title, tuple(paragraphs)))
    return sources


def name_pool(sources: list[Source]) -> dict[int, list[str]]:
    """Every name-like run of the sources, by its number of words, sorted (so the draw is stable)."""
    found = {match for source in sources for p in source.paragraphs for match in NAME.findall(p)}
    pool: dict[int, list[str]] = {}
    for name in sorted(found):
        pool.setdefault(len(name.split()), []).append(name)
    return pool


def make_article(i: int, sources: list[Source], pool: dict[int, list[str]], seed: int) -> str:
    """Article number `i`: the same text for the same seed, sources and `i`, on any machine."""
    rng = random.Random(f"{seed}:{i}")
    base, other = rng.choice(sources), rng.choice(sources)
    paragraphs = list(base.paragraphs)
    paragraphs += rng.sample(other.paragraphs, min(len(other.paragraphs), rng.randint(*BORROWED)))
    rng.shuffle(paragraphs)
    body = _shift_dates(_swap_names("\n\n".join(paragraphs), pool, rng), rng)
    header = [base.title]
    if rng.random() < 0.5:
        header.append(f"{rng.randint(1, 28)} {rng.choice(MONTHS)}, {rng.randint(2010, 2024)}")
    return "\n".join(header) + "\n\n" + body + "\n"


def _swap_names(text: str, pool: dict[int, list[str]], rng: random.Random) -> str:
    """Some of the text's names replaced, every occurrence alike, by pool names of as many words."""
    names = sorted(set(NAME.findall(text)))
    chosen = rng.sample(names, min(len(names), rng.randint(*SWAPPED_NAMES)))
    swaps = {name: rng.choice(pool[len(name.split())]) for name in chosen}
    if not swaps:
        return text
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(name) for name in sorted(swaps, key=len, reverse=True)) + r")\b")
    return pattern.sub(lambda match: swaps[match.group()], text)


def _shift_dates(text: str, rng: random.Random) -> str:
    """Years moved by one shift for the whole article; days of the month drawn anew."""
    shift = rng.randint(-YEAR_SHIFT, YEAR_SHIFT)
    text = YEAR.sub(lambda match: str(int(match.group()) + shift), text)
    text = DAY_MONTH.sub(lambda match: f"{rng.randint(1, 28)}{match.group(2)}", text)
    return MONTH_DAY.sub(lambda match: f"{match.group(1)}{rng.randint(1, 28)}", text)


def article_name(i: int) -> str:
    return f"article_{i:05d}.txt"


def generate(out_dir: Path, n: int, seeds_dir: Path, gum_dir: Path, seed: int = 6) -> Iterator[Path]:
    """Write articles 0..n-1 into `out_dir`, yielding each path as it is written."""
    sources = seed_sources(seeds_dir) + gum_sources(gum_dir)
    pool = name_pool(sources)
    out_dir.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        path = out_dir / article_name(i)
        path.write_text(make_article(i, sources, pool, seed), encoding="utf-8")
        yield path
