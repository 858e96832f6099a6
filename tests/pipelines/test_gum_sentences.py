"""Sentence boundaries on news nobody tuned for: the GUM Wikinews articles beside this checkout.

The text is rebuilt from each sentence's `# text =` line, paragraphs from `# newpar`; a boundary
is the end of a gold sentence. Lines that cleaning removes (captions, credits) count as ends too.
"""

import re
from pathlib import Path

import pytest

from pipelines.sentences import split_sentences
from pipelines.text import clean_article

GUM_NEWS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "gum_news"
MIN_F1 = 0.95


def article_and_gold_ends(conllu: str) -> tuple[str, set[int]]:
    paragraphs: list[list[str]] = [[]]
    for line in conllu.splitlines():
        if line == "# newpar" or line.startswith("# newpar "):
            paragraphs.append([])
        elif match := re.match(r"# text = (.*)", line):
            paragraphs[-1].append(match.group(1))
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    ends, position = set(), 0
    for paragraph in paragraphs:
        for sentence in paragraph:
            position += len(sentence)
            ends.add(position)
            position += 1
        position += 1
    return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs), ends


@pytest.mark.skipif(not GUM_NEWS.is_dir(), reason="the GUM corpus is not beside this checkout")
def test_sentence_ends_on_gum_news_reach_the_target() -> None:
    found = missed = extra = 0
    for path in sorted(GUM_NEWS.glob("*.conllu")):
        raw, gold = article_and_gold_ends(path.read_text(encoding="utf-8"))
        article = clean_article(raw)
        ends = {sentence.char_end for sentence in split_sentences(article)} | {line.end for line in article.removed}
        if article.title_span:
            ends.add(article.title_span[1])
        found += len(ends & gold)
        missed += len(gold - ends)
        extra += len(ends - gold)
    precision, recall = found / (found + extra), found / (found + missed)
    f1 = 2 * precision * recall / (precision + recall)
    figures = f"{found + missed} gold ends: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}"
    print(f"GUM news sentence boundaries, {figures}")  # shown with pytest -s
    assert found > 700
    assert f1 >= MIN_F1, figures
