"""Entity recognition and resolution, then event coding (pipelines.event_evaluation), measured against gold:
`make eval`, or `python -m pipelines.evaluation`.

Seeds (hand gold, one JSON line per mention: seed_file, char_start, char_end, text, label, entity):
- A gold mention is found when a predicted mention has exactly its span and label. PERSON, ORG, GPE, LOC and
  NORP are scored; other labels, gold or predicted, are ignored. Only the files the gold names are run.
- Resolution is scored over the gold mentions found with their exact span: pairwise precision and recall of
  "same entity" decisions (same entity_id against same gold `entity`) across all files; and REQUIRED_PAIRS,
  looked up by surface form: a form matches every predicted mention with that text (curly apostrophes read as
  straight ones; a form ending in 's also matches a mention of its stem followed by 's). A merge passes when all
  its forms' mentions share one entity, a split when no entity holds two of its forms; a form missing from the
  gold makes the pair n/a. The forms are spelled as the gold has them ("Islamic State", not "Islamic State group").

GUM news: each article, rebuilt as text by pipelines.gum, runs through the pipeline as one seed file, and its
named PERSON, ORG and PLACE mentions (the mapping is in pipelines.gum) are scored by exact span; a predicted GPE,
LOC or FAC counts as PLACE (GUM places include buildings), other predicted labels are ignored, and gold in text
that cleaning drops counts as missed.

Scores: precision, recall and F1 per label and micro over the labels; no prediction gives precision 1, no gold
gives recall 1. The lenient figure (any overlap, same label) is for information only. Targets, for --check:
every seed label F1 >= 0.95, every required pair passing, GUM micro F1 >= 0.80.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, NamedTuple

from pipelines.documents import RejectedDocument, process_seed_bytes
from pipelines.event_evaluation import evaluate_gum_events, evaluate_seed_events, event_misses, print_event_report
from pipelines.gum import GUM_NEWS, GumArticle, named_mentions, read_gum_corpus
from pipelines.resolve import resolve_entities

Row = dict[str, Any]
Process = Callable[[str, bytes], Any]
Resolve = Callable[[list[Row]], Any]

SEED_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP")
SEED_LABEL_MAP = {label: label for label in SEED_LABELS}
GUM_LABELS = ("PERSON", "ORG", "PLACE")
GUM_LABEL_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
REQUIRED_PAIRS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("merge", ("Alexander Lavrentiev", "Alexander Lavrentyev", "Lavrentyev")),
    ("merge", ("Sedal Önal", "Sedat Onal")),
    ("merge", ("Hussein Gabri Ansari", "Hossein Jaberi Ansari")),
    ("merge", ("Mohamed Alloush", "Mohammed Alloush")),
    ("merge", ("Bashar Assad", "Bashar al-Assad", "Assad")),
    ("merge", ("U.N.", "UN", "United Nations")),
    ("merge", ("Daesh", "ISIS", "Islamic State")),
    ("merge", ("Russia", "Russia's")),
    ("split", ("Bashar Assad", "Bashar Jaafari")),
    ("split", ("Sergei Lavrov", "Sergei Shoigu")),
    ("split", ("Syria", "Syrian Democratic Forces")),
)
SEED_MIN_F1, GUM_MIN_F1 = 0.95, 0.80
SEEDS_GOLD = Path("tests/gold/seeds_entities.jsonl")
SEEDS_EVENTS_GOLD = Path("tests/gold/seeds_events.jsonl")
GUM_EVENTS_GOLD = Path("tests/gold/gum_events.jsonl")


class Span(NamedTuple):
    doc: str
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Score:
    gold: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        return harmonic_mean(self.precision, self.recall)


@dataclass(frozen=True)
class Report:
    """One corpus's figures, with the spans and texts that --errors shows; resolution and pairs for the seeds."""

    corpus: str
    detail: str
    scores: dict[str, Score]
    gold: set[Span]
    found: set[Span]
    texts: dict[str, str]
    resolution: Score | None = None
    pairs: tuple[tuple[str, str], ...] = ()


def harmonic_mean(precision: float, recall: float) -> float:
    """F1 from precision and recall; 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_spans(gold: set[Span], predicted: set[Span], labels: Sequence[str]) -> dict[str, Score]:
    """Exact span-and-label scores per label, plus "micro" over those labels."""
    scores = {
        label: Score(
            sum(span.label == label for span in gold),
            sum(span.label == label for span in predicted),
            sum(span.label == label for span in gold & predicted),
        )
        for label in labels
    }
    totals = [sum(getattr(score, field) for score in scores.values()) for field in ("gold", "predicted", "correct")]
    return scores | {"micro": Score(*totals)}


def lenient_f1(gold: set[Span], predicted: set[Span]) -> float:
    """Micro F1 where any overlap with the same label counts, for a sense of how many misses are near ones."""
    precision = sum(overlaps_any(span, gold) for span in predicted) / len(predicted) if predicted else 1.0
    recall = sum(overlaps_any(span, predicted) for span in gold) / len(gold) if gold else 1.0
    return harmonic_mean(precision, recall)


def overlaps_any(span: Span, others: set[Span]) -> bool:
    """Whether a span shares a character, its document and its label with any of the others."""
    return any(
        o.doc == span.doc and o.label == span.label and o.start < span.end and span.start < o.end for o in others
    )


def pairwise_score(links: Iterable[tuple[str, str | None]]) -> Score:
    """Same-entity decisions over all pairs of (gold entity, predicted entity_id); a None id joins nothing."""
    links = list(links)
    gold, predicted = Counter(g for g, _ in links), Counter(p for _, p in links if p is not None)
    both = Counter((g, p) for g, p in links if p is not None)
    return Score(*(sum(n * (n - 1) // 2 for n in counts.values()) for counts in (gold, predicted, both)))


def mention_forms(text: str, start: int, end: int) -> set[str]:
    """The surface forms a mention answers to: its text, and with a following possessive 's (apostrophes straight)."""
    forms = {text[start:end].replace("\u2019", "'")}
    if text[end : end + 2].replace("\u2019", "'") == "'s":
        forms.add(text[start : end + 2].replace("\u2019", "'"))
    return forms


def pair_status(
    kind: str, forms: Sequence[str], gold_forms: set[str], ids: dict[str, set[str | None]]
) -> tuple[str, str]:
    """PASS, FAIL or n/a for one required merge or split (see the module docstring), and why."""
    if missing := [form for form in forms if form not in gold_forms]:
        return "n/a", f"the gold has no {' or '.join(missing)}"
    if unresolved := [form for form in forms if not ids.get(form) or None in ids[form]]:
        return "FAIL", f"not recognized or not resolved: {', '.join(unresolved)}"
    entities = [ids[form] for form in forms]
    if kind == "merge":
        merged = len(set().union(*entities))
        return ("PASS", "") if merged == 1 else ("FAIL", f"{merged} entities")
    shared = [f"{a} = {b}" for (a, ea), (b, eb) in combinations(zip(forms, entities, strict=True), 2) if ea & eb]
    return ("FAIL", f"one entity: {', '.join(shared)}") if shared else ("PASS", "")


def seed_resolution(
    gold_rows: list[Row], texts: dict[str, str], predicted: dict[str, list[Row]]
) -> tuple[Score, list[tuple[str, str]]]:
    """Pairwise resolution over gold mentions found with their exact span, and each required pair's status."""
    by_span = {(name, m["char_start"], m["char_end"]): m["entity_id"] for name, ms in predicted.items() for m in ms}
    scored = [row for row in gold_rows if row["label"] in SEED_LABELS]
    keys = [(row["seed_file"], row["char_start"], row["char_end"]) for row in scored]
    links = [(row["entity"], by_span[key]) for row, key in zip(scored, keys, strict=True) if key in by_span]
    gold_forms = set().union(*(mention_forms(texts.get(k[0], ""), k[1], k[2]) for k in keys))
    ids: dict[str, set[str | None]] = defaultdict(set)
    for name, mentions in predicted.items():
        for m in mentions:
            for form in mention_forms(texts[name], m["char_start"], m["char_end"]):
                ids[form].add(m["entity_id"])
    return pairwise_score(links), [pair_status(kind, forms, gold_forms, ids) for kind, forms in REQUIRED_PAIRS]


def predicted_spans(predicted: dict[str, list[Row]], label_map: dict[str, str]) -> set[Span]:
    """Predicted mentions as spans, labels mapped onto the scored ones and the rest left out."""
    return {
        Span(name, m["char_start"], m["char_end"], label_map[m["label"]])
        for name, mentions in predicted.items()
        for m in mentions
        if m["label"] in label_map
    }


def read_gold(path: Path) -> list[Row]:
    """The hand gold, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def seed_gold_spans(gold_rows: list[Row]) -> set[Span]:
    """Gold rows with a scored label as spans."""
    return {
        Span(r["seed_file"], r["char_start"], r["char_end"], r["label"]) for r in gold_rows if r["label"] in SEED_LABELS
    }


def run_pipeline(files: dict[str, bytes], process: Process) -> tuple[dict[str, str], dict[str, list[Row]]]:
    """Each file's raw text and predicted mentions; a rejected file is reported and left out."""
    texts, predicted = {}, {}
    for name, data in files.items():
        outcome = process(name, data)
        if isinstance(outcome, RejectedDocument):
            print(f"{name}: rejected by the pipeline ({outcome.reason})")
            continue
        texts[name], predicted[name] = outcome.document["raw_text"], list(outcome.mentions)
    return texts, predicted


def resolve_files(predicted: dict[str, list[Row]], resolve: Resolve) -> dict[str, list[Row]]:
    """All files' mentions resolved together, then grouped back by file."""
    file_of = {m["doc_id"]: name for name, mentions in predicted.items() for m in mentions}
    resolved: dict[str, list[Row]] = {name: [] for name in predicted}
    for mention in resolve([m for mentions in predicted.values() for m in mentions]).mentions:
        resolved[file_of[mention["doc_id"]]].append(mention)
    return resolved


def evaluate_seeds(seeds_dir: Path, gold_rows: list[Row], process: Process, resolve: Resolve) -> Report:
    """Recognize and resolve the seed files the gold names, and score them against it."""
    files = {name: (seeds_dir / name).read_bytes() for name in sorted({row["seed_file"] for row in gold_rows})}
    texts, predicted = run_pipeline(files, process)
    predicted = resolve_files(predicted, resolve)
    gold, found = seed_gold_spans(gold_rows), predicted_spans(predicted, SEED_LABEL_MAP)
    resolution, pairs = seed_resolution(gold_rows, texts, predicted)
    detail = f"{len(files)} files, exact span and label"
    return Report("Seeds", detail, score_spans(gold, found, SEED_LABELS), gold, found, texts, resolution, tuple(pairs))


def evaluate_gum(articles: list[GumArticle], process: Process) -> Report:
    """Recognize the GUM news articles and score their named mentions."""
    texts, predicted = run_pipeline({article.name: article.text.encode("utf-8") for article in articles}, process)
    gold = {Span(article.name, *span, label) for article in articles for span, label in named_mentions(article).items()}
    found = predicted_spans(predicted, GUM_LABEL_MAP)
    detail = f"{len(articles)} articles, named mentions, exact span"
    return Report("GUM news", detail, score_spans(gold, found, GUM_LABELS), gold, found, texts)


def misses(report: Report, labels: Sequence[str], min_f1: float) -> list[str]:
    """The scores below target among `labels`, and the required pairs that fail."""
    low = [
        f"{report.corpus} {label} F1 {score.f1:.3f} < {min_f1}"
        for label in labels
        if (score := report.scores[label]).f1 < min_f1
    ]
    pairs = zip(REQUIRED_PAIRS, report.pairs, strict=False)
    return low + [
        f"{kind} {' / '.join(forms)} fails ({why})" for (kind, forms), (status, why) in pairs if status == "FAIL"
    ]


def print_report(report: Report, errors: int) -> None:
    """The recognition table, the lenient figure, up to `errors` errors per label and kind, then any resolution."""
    print_table(f"{report.corpus} recognition ({report.detail})", report.scores)
    print(f"lenient micro F1 (any overlap, same label): {lenient_f1(report.gold, report.found):.3f}")
    errors_by_kind = (("false positive", report.found - report.gold), ("false negative", report.gold - report.found))
    for label in sorted({span.label for span in report.gold | report.found}):
        for kind, spans in errors_by_kind:
            for span in sorted(span for span in spans if span.label == label)[:errors]:
                text = report.texts.get(span.doc, "")
                context = f"{text[span.start - 40 : span.start]}[{text[span.start : span.end]}]{text[span.end :][:40]}"
                print(f"  {label} {kind} {span.doc}:{span.start}: {' '.join(context.split())}")
    if report.resolution:
        print_table(
            "Seeds resolution (pairs of gold mentions found with their exact span)", {"pairs": report.resolution}
        )
        print("Required merges and splits (by surface form)")
    for (kind, forms), (status, why) in zip(REQUIRED_PAIRS, report.pairs, strict=False):
        print(f"  {status:<6}{kind:<7}{' / '.join(forms)}{f'  ({why})' if why else ''}")


def print_table(title: str, scores: dict[str, Score]) -> None:
    """A fixed-width table: label, gold, predicted, correct, precision, recall, F1."""
    print(f"\n{title}\n{'label':<10}{'gold':>7}{'pred':>7}{'correct':>9}{'P':>8}{'R':>8}{'F1':>8}")
    for label, s in scores.items():
        print(f"{label:<10}{s.gold:>7}{s.predicted:>7}{s.correct:>9}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")


def evaluate_events(args: argparse.Namespace) -> list[str]:
    """Print the event figures on the seeds gold and the held-out GUM sentences; the seed misses."""
    below: list[str] = []
    if args.event_gold.is_file():
        seeds = evaluate_seed_events(args.seeds, args.event_gold)
        print_event_report("Seed events (every event of the seeds, hand-coded)", seeds, args.errors)
        below += event_misses(seeds)
    else:
        print(f"No event gold at {args.event_gold}: events not evaluated.")
    if args.gum.is_dir() and not args.no_gum and GUM_EVENTS_GOLD.is_file():
        gum = evaluate_gum_events(read_gum_corpus(args.gum), GUM_EVENTS_GOLD)
        print_event_report("GUM news events (held-out sentences, hand-coded)", gum, args.errors)
    return below


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: corpora paths, --check and --errors."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.evaluation", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of seed files (default: seeds)")
    parser.add_argument("--gold", type=Path, default=SEEDS_GOLD, help=f"seeds gold (default: {SEEDS_GOLD})")
    parser.add_argument("--event-gold", type=Path, default=SEEDS_EVENTS_GOLD, help="seeds event gold")
    parser.add_argument("--gum", type=Path, default=GUM_NEWS, help="folder of GUM news .conllu files")
    parser.add_argument("--no-gum", action="store_true", help="skip the GUM news corpus")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is below its target")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="show N errors per label and kind")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Print every figure; with --check, exit 1 when one is below its target."""
    args = parse_args(argv)
    below: list[str] = []
    if args.gold.is_file():
        seeds = evaluate_seeds(args.seeds, read_gold(args.gold), process_seed_bytes, resolve_entities)
        print_report(seeds, args.errors)
        below += misses(seeds, SEED_LABELS, SEED_MIN_F1)
    else:
        print(f"No seeds gold at {args.gold}: seeds not evaluated.")
    if args.gum.is_dir() and not args.no_gum:
        gum = evaluate_gum(read_gum_corpus(args.gum), process_seed_bytes)
        print_report(gum, args.errors)
        below += misses(gum, ["micro"], GUM_MIN_F1)
    else:
        print(f"GUM news not evaluated ({'--no-gum' if args.no_gum else f'no corpus at {args.gum}'}).")
    below += evaluate_events(args)
    print("\nBelow target:" if below else "\nEvery figure is on target.", *below, sep="\n  ")
    return 1 if args.check and below else 0


if __name__ == "__main__":
    sys.exit(main())
