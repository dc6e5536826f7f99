"""The second reader: a linear classifier over the mended words, for the urgent messages
the lexicon has no phrase for.

The lexicon and ConText (screen.py) are the backbone: each finding is explainable and
negation, history and other people are handled by rule. People still find words no list
holds ("I'm breathing through a straw", "ticker's doing a drum solo"), so a second reader
trained on the team's labelled examples (`content/<language>/safety_examples/*.tsv`, each
line `label<TAB>style<TAB>text`) looks at what the rules let through. It is logistic
regression (scikit-learn) over TF-IDF character n-grams (2 to 5, inside word boundaries:
robust to misspellings) and word n-grams (1 to 2) of the mended words. It can only add a
finding, never take one away, and only when the rules did not see the same thing negated,
past or supposed. Trained once per process in about two seconds; about 0.3 ms a message.

Why train at start rather than ship a model file: the examples are plain text anyone can
read and correct, the result is the same on every machine (a fixed solver), and there is
no pickled object to trust across library versions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

URGENT = ("chest_pain", "stroke", "breathing", "palpitations", "blood_sugar", "fall",
          "fainting", "other_urgent", "someone_else", "crisis")
# Chosen by five-fold cross-validation on the examples (bench/safety_eval.py --folds):
# the lowest threshold whose false triggers stay within 2 %.
URGENT_THRESHOLD = 0.8
# A message the rules read as a question (or as distress) needs more to be called urgent:
# "is it normal to get chest pain on hills?" is a question, not an emergency.
URGENT_THRESHOLD_QUESTION = 0.92
# Someone else in trouble, on the reader's word alone: harmless news about family is made
# of the same words ("my husband gets angina on hills, he carries his spray"). Chosen by
# five-fold cross-validation (2026-11-30, 9,060 examples): of 22 reader-only "someone
# else" calls, the 7 false ones were spread over 0.82-0.99, and at 0.9 four of them go
# for one true call (0.87), which a rule now catches ("shouting for help").
SOMEONE_ELSE_THRESHOLD = 0.9
# A medical question or distress the rules missed: the reader must be this sure of it.
KIND_THRESHOLD = 0.6


@dataclass(frozen=True)
class Reading:
    """The second reader's view of one message: its most likely urgent label and the
    probability that the message is urgent at all (0 to 1)."""

    urgent_label: str
    urgent_probability: float
    label: str  # the single most likely label, urgent or not
    probability: float


def load_examples(folder: Path) -> list[tuple[str, str]]:
    """(label, text) from every `*.tsv` in `folder`; `#` lines are comments."""
    examples: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise ValueError(f"{path.name}:{number}: expected label, style and text")
            examples.append((parts[0], parts[2]))
    return examples


class SecondReader:
    """Trained on (label, text) examples; `mend` turns a text into the lexicon's words."""

    def __init__(self, examples: Sequence[tuple[str, str]],
                 mend: Callable[[str], Iterable[str]]) -> None:
        labels = {label for label, _ in examples}
        if len(labels) < 2 or not labels & set(URGENT):
            raise ValueError("the second reader needs examples of urgent and other messages")
        self._mend = mend
        self.model = Pipeline([
            ("features", FeatureUnion([
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                          sublinear_tf=True)),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2),
                                          sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")),
            ])),
            ("classify", LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")),
        ])
        self.model.fit([self.text(t) for _, t in examples], [label for label, _ in examples])
        self.classes: list[str] = [str(c) for c in self.model.classes_]
        self._urgent = [i for i, c in enumerate(self.classes) if c in URGENT]
        # Reading one message: the fitted numbers used directly (each vectoriser's n-grams,
        # vocabulary and idf; the classifier's weights), the same arithmetic as the pipeline
        # (sublinear tf times idf, each block L2-normalised, a softmax over the linear
        # scores) without scikit-learn's per-call checks, which cost more than the sum on
        # one short text. `tests/test_safety.py` holds the two equal on the examples.
        self._blocks: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray, int]] = []
        offset = 0
        for _, vectoriser in self.model.named_steps["features"].transformer_list:
            self._blocks.append((vectoriser.build_analyzer(), vectoriser.vocabulary_,
                                 vectoriser.idf_, offset))
            offset += len(vectoriser.vocabulary_)
        classifier = self.model.named_steps["classify"]
        self._weights = np.ascontiguousarray(classifier.coef_.T)  # features x classes
        self._intercept = classifier.intercept_.copy()

    def _probabilities(self, text: str) -> np.ndarray:
        """P(label) for one mended text, as `model.predict_proba` gives it."""
        scores = self._intercept.copy()
        for analyse, vocabulary, idf, offset in self._blocks:
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
            scores += values @ self._weights[index + offset]
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def text(self, raw: str) -> str:
        return " ".join(self._mend(raw))

    def read(self, raw: str) -> Reading:
        return self.read_words(list(self._mend(raw)))

    def read_words(self, words: Sequence[str]) -> Reading:
        """The reading of a message already mended into the lexicon's words."""
        probabilities = self._probabilities(" ".join(words))
        best_urgent = max(self._urgent, key=lambda i: probabilities[i])
        best = int(probabilities.argmax())
        return Reading(urgent_label=self.classes[best_urgent],
                       urgent_probability=float(sum(probabilities[i] for i in self._urgent)),
                       label=self.classes[best], probability=float(probabilities[best]))
