"""Sentence boundaries on news nobody tuned for: the GUM Wikinews articles beside this checkout.

The text is rebuilt from the tokens by the project's GUM reader, pipelines.gum (paragraphs from
`# newpar`); a boundary is the end of a gold sentence. Lines that cleaning removes (captions,
credits) count as ends too.
"""

import pytest

from pipelines.gum import GUM_NEWS, read_gum_corpus
from pipelines.sentences import split_sentences
from pipelines.text import clean_article

MIN_F1 = 0.95


@pytest.mark.skipif(not GUM_NEWS.is_dir(), reason="the GUM corpus is not beside this checkout")
def test_sentence_ends_on_gum_news_reach_the_target() -> None:
    found = missed = extra = 0
    for gum in read_gum_corpus(GUM_NEWS):
        gold = {sentence.end for sentence in gum.sentences}
        article = clean_article(gum.text)
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
