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

from scipy.sparse import hstack
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
        # Reading one message: the fitted parts called directly (the same numbers as the
        # pipeline, without its per-call machinery: a quarter of the time on long texts).
        self._vectorisers = [v for _, v in self.model.named_steps["features"].transformer_list]
        self._classifier = self.model.named_steps["classify"]

    def text(self, raw: str) -> str:
        return " ".join(self._mend(raw))

    def read(self, raw: str) -> Reading:
        return self.read_words(list(self._mend(raw)))

    def read_words(self, words: Sequence[str]) -> Reading:
        """The reading of a message already mended into the lexicon's words."""
        text = [" ".join(words)]
        features = hstack([v.transform(text) for v in self._vectorisers]).tocsr()
        probabilities = self._classifier.predict_proba(features)[0]
        best_urgent = max(self._urgent, key=lambda i: probabilities[i])
        best = int(probabilities.argmax())
        return Reading(urgent_label=self.classes[best_urgent],
                       urgent_probability=float(sum(probabilities[i] for i in self._urgent)),
                       label=self.classes[best], probability=float(probabilities[best]))
