"""One text's TF-IDF scores under a fitted linear model, from its plain fitted numbers: the
same arithmetic as scikit-learn's `TfidfVectorizer(sublinear_tf=True)` blocks joined by a
`FeatureUnion` and a linear classifier (sublinear tf times idf, each block L2-normalised,
then weights), without the library's per-call checks, which cost more than the sum on one
short text. Used by the safety screen's and the contact detector's second readers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

# (analyser, vocabulary, idf, the block's first column in the weights)
Block = tuple[Callable[[str], list[str]], dict[str, int], np.ndarray, int]


def linear_scores(blocks: Sequence[Block], weights: np.ndarray, intercept: np.ndarray | float,
                  text: str) -> np.ndarray | float:
    """`intercept` plus the text's feature vector times `weights` (features x classes, or
    one column); a text with no known n-gram scores the intercept alone."""
    scores = intercept.copy() if isinstance(intercept, np.ndarray) else intercept
    for analyse, vocabulary, idf, offset in blocks:
        counts: dict[int, int] = {}
        for gram in analyse(text):
            index = vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            continue
        index = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = (np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
                  + 1.0) * idf[index]
        values /= np.sqrt(values @ values)
        scores = scores + values @ weights[index + offset]
    return scores
