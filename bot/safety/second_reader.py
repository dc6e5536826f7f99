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
past or supposed. About 0.3 ms a message.

Trained from the examples once, then loaded: training takes 7 to 26 seconds on a shared
2-core machine (BENCHMARKS.md, `bench/safety_eval.py --startup`), so `SecondReader.cached`
saves the fitted numbers it reads with (each vectoriser's vocabulary and idf, the
classifier's classes, weights and intercept) in a cache folder (`CACHE_DIR`, by default
`data/cache`), and every later start, worker and test process loads them in a few
hundredths of a second. `SecondReader(...)` itself always trains (the cross-validation
folds in the bench do). The file is a NumPy `.npz` read with
`allow_pickle=False` (arrays, and the rest as JSON): no pickled object to trust across
library versions. Its name is a hash of everything that changes the result: the examples,
what the mending depends on (the caller's `mending`, e.g. the lexicon's spellings and words
and the normaliser's code), the settings below, the file format and the major.minor
versions of Python, NumPy, SciPy and scikit-learn. A missing, stale, unreadable or corrupt
file is ignored and the reader trained again; a folder that cannot be written to just
means training every time. The examples stay plain text anyone can read and correct, and
the result is the same on every machine (a fixed solver).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.core.tfidf import linear_scores

log = logging.getLogger(__name__)

URGENT = ("chest_pain", "stroke", "breathing", "palpitations", "blood_sugar", "fall",
          "fainting", "other_urgent", "someone_else", "crisis")
# Chosen by five-fold cross-validation on the examples (bench/safety_eval.py --folds):
# the lowest threshold whose false triggers stay within 2 %.
URGENT_THRESHOLD = 0.8
# A message the rules read as a question (or as distress) needs more to be called urgent:
# "is it normal to get chest pain on hills?" is a question, not an emergency.
URGENT_THRESHOLD_QUESTION = 0.92
# A programme or a story named beside it ("Grey's Anatomy, someone can't breathe again lol"):
# someone else's emergency told as a story, so the reader alone must be surer still (round
# fourteen; the reader retrained on round thirteen read that very line as 0.93 breathing).
URGENT_THRESHOLD_STORY = 0.97
# Someone else in trouble, on the reader's word alone: harmless news about family is made
# of the same words ("my husband gets angina on hills, he carries his spray"). Chosen by
# five-fold cross-validation (2026-11-30, 9,060 examples): of 22 reader-only "someone
# else" calls, the 7 false ones were spread over 0.82-0.99, and at 0.9 four of them go
# for one true call (0.87), which a rule now catches ("shouting for help").
SOMEONE_ELSE_THRESHOLD = 0.9
# A medical question or distress the rules missed: the reader must be this sure of it.
KIND_THRESHOLD = 0.6
# Distress where the rules read the writer's everyday mood word and set it aside
# ("knackered but loved it"): the reader must be this sure (round fifteen).
SET_ASIDE_THRESHOLD = 0.9

# The features and the classifier: part of the cache key, so a change here retrains.
FEATURES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("chars", {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "sublinear_tf": True}),
    ("words", {"analyzer": "word", "ngram_range": (1, 2), "sublinear_tf": True,
               "token_pattern": r"(?u)\b\w+\b"}),
)
CLASSIFIER: dict[str, Any] = {"C": 10.0, "max_iter": 3000, "class_weight": "balanced"}
# The cache file's layout: raise it when what is saved, or how it is read, changes.
FORMAT = 1
CACHE_PREFIX = "second_reader-"
KEEP_FILES = 8  # the most recently used cache files kept (other examples, other languages)
STALE_TEMP_SECONDS = 3600  # a half-written file older than this was left by a crash


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
        """Trained on `examples` now (`SecondReader.cached` keeps the result for next time)."""
        _check(examples)
        self._mend = mend
        self.loaded_from: Path | None = None  # the cache file it was read from, if any
        model = _pipeline()
        model.fit([self.text(t) for _, t in examples], [label for label, _ in examples])
        vectorisers = [v for _, v in model.named_steps["features"].transformer_list]
        classifier = model.named_steps["classify"]
        self._use([str(c) for c in classifier.classes_],
                  [(v.vocabulary_, v.idf_) for v in vectorisers],
                  classifier.coef_.T, classifier.intercept_)
        self._model: Pipeline | None = model

    def _use(self, classes: list[str], blocks: Sequence[tuple[dict[str, int], np.ndarray]],
             weights: np.ndarray, intercept: np.ndarray) -> None:
        self.classes: list[str] = classes
        self._urgent = [i for i, c in enumerate(self.classes) if c in URGENT]
        # Reading one message: the fitted numbers used directly (each vectoriser's n-grams,
        # vocabulary and idf; the classifier's weights), the same arithmetic as the pipeline
        # (sublinear tf times idf, each block L2-normalised, a softmax over the linear
        # scores) without scikit-learn's per-call checks, which cost more than the sum on
        # one short text. `tests/test_safety.py` holds the two equal on the examples. The
        # n-grams come from an unfitted vectoriser with the same settings (making them needs
        # no fitting), so a reader trained now and one loaded from the cache read alike.
        self._blocks: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray, int]] = []
        offset = 0
        for (_, settings), (vocabulary, idf) in zip(FEATURES, blocks, strict=True):
            self._blocks.append((TfidfVectorizer(**settings).build_analyzer(), vocabulary,
                                 np.asarray(idf, dtype=np.float64), offset))
            offset += len(vocabulary)
        self._weights = np.ascontiguousarray(weights, dtype=np.float64)  # features x classes
        self._intercept = np.array(intercept, dtype=np.float64)

    @classmethod
    def cached(cls, examples: Sequence[tuple[str, str]], mend: Callable[[str], Iterable[str]],
               folder: Path | None, mending: str = "") -> SecondReader:
        """The reader for `examples`: loaded from `folder` if a reader trained on the same is
        saved there, otherwise trained now and saved there (atomically) for the next start.
        `mending` must change whenever what `mend` makes of a text can (the key cannot see
        inside `mend`). With no folder, or one that cannot be written to, it is trained."""
        _check(examples)
        if folder is None:
            return cls(examples, mend)
        key = cache_key(examples, mending)
        path = folder / f"{CACHE_PREFIX}{key[:32]}.npz"
        reader = cls._load(path, key, mend)
        if reader is not None:
            return reader
        started = time.perf_counter()
        reader = cls(examples, mend)
        log.info("second reader trained in %.1f s", time.perf_counter() - started)
        reader._save(path, key)
        return reader

    @property
    def model(self) -> Pipeline:
        """The scikit-learn pipeline these numbers belong to (for a reader loaded from the
        cache, a pipeline rebuilt from them: the numbers are the model)."""
        if self._model is None:
            model = _pipeline()
            for (_, vectoriser), (_, vocabulary, idf, _) in zip(
                    model.named_steps["features"].transformer_list, self._blocks, strict=True):
                vectoriser.vocabulary_ = dict(vocabulary)
                vectoriser.idf_ = idf.copy()
            classifier = model.named_steps["classify"]
            classifier.classes_ = np.array(self.classes)
            classifier.coef_ = np.ascontiguousarray(self._weights.T)
            classifier.intercept_ = self._intercept.copy()
            classifier.n_features_in_ = self._weights.shape[0]
            self._model = model
        return self._model

    # -- the cache file ---------------------------------------------------------------------
    def _save(self, path: Path, key: str) -> None:
        terms = []
        for _, vocabulary, _, _ in self._blocks:
            ordered = [""] * len(vocabulary)
            for term, index in vocabulary.items():
                ordered[index] = term
            terms.append(ordered)
        about = {"format": FORMAT, "key": key, "classes": self.classes,
                 "features": [{"name": name, "settings": settings, "terms": block_terms}
                              for (name, settings), block_terms in zip(FEATURES, terms,
                                                                       strict=True)],
                 "classifier": CLASSIFIER, "versions": _versions()}
        arrays = {"about": np.frombuffer(json.dumps(about).encode("ascii"), dtype=np.uint8),
                  "weights": self._weights, "intercept": self._intercept,
                  **{f"idf_{i}": idf for i, (_, _, idf, _) in enumerate(self._blocks)}}
        temporary: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.stem}-",
                                             suffix=".tmp", delete=False) as handle:
                temporary = Path(handle.name)
                np.savez(handle, **arrays)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.chmod(0o644)  # nothing secret: numbers from the examples in the repository
            os.replace(temporary, path)  # atomic: a reader sees the old file or the whole new one
        except Exception as error:  # a cache that cannot be written is no cache
            log.info("second reader not saved in %s (%s): it will be trained at the next start "
                     "too", path.parent, error)
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            return
        _tidy(path.parent, keep=path)

    @classmethod
    def _load(cls, path: Path, key: str, mend: Callable[[str], Iterable[str]]
              ) -> SecondReader | None:
        try:
            with np.load(path, allow_pickle=False) as saved:
                about = json.loads(saved["about"].tobytes().decode("ascii"))
                if not isinstance(about, dict) or about.get("format") != FORMAT or \
                        about.get("key") != key:
                    raise ValueError("made for other examples or another version")
                arrays = {name: saved[name] for name in
                          ("weights", "intercept", *(f"idf_{i}" for i in range(len(FEATURES))))}
            reader = cls.__new__(cls)
            reader._mend = mend
            reader._model = None
            reader.loaded_from = path
            reader._use(*_checked(about, arrays))
        except FileNotFoundError:
            return None
        except Exception as error:  # truncated, corrupt, stale: trained again
            log.warning("second reader cache %s not usable (%s: %s): training again", path.name,
                        type(error).__name__, error)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept when the folder is tidied
        log.info("second reader loaded from %s", path)
        return reader

    def _probabilities(self, text: str) -> np.ndarray:
        """P(label) for one mended text, as `model.predict_proba` gives it."""
        scores = np.asarray(linear_scores(self._blocks, self._weights, self._intercept, text))
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


def cache_folder() -> Path:
    """Where trained readers are kept: the `CACHE_DIR` setting (bot.config), by default
    `data/cache`, beside the SQLite database."""
    from bot.config import DEFAULT_CACHE_DIR, Settings

    try:
        return Settings().cache_dir
    except Exception:  # a bad setting is for `movemates` to report, not us
        return DEFAULT_CACHE_DIR


def cache_key(examples: Sequence[tuple[str, str]], mending: str) -> str:
    """A hash of everything that changes what training makes of `examples`."""
    digest = hashlib.sha256(json.dumps(
        {"format": FORMAT, "features": FEATURES, "classifier": CLASSIFIER,
         "versions": _versions(), "mending": mending}, sort_keys=True).encode("ascii"))
    digest.update(json.dumps([[label, text] for label, text in examples]).encode("ascii"))
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    def major_minor(version: str) -> str:
        return ".".join(version.split(".")[:2])

    return {"python": f"{sys.version_info[0]}.{sys.version_info[1]}",
            "numpy": major_minor(np.__version__), "scipy": major_minor(scipy.__version__),
            "sklearn": major_minor(sklearn.__version__)}


def _check(examples: Sequence[tuple[str, str]]) -> None:
    labels = {label for label, _ in examples}
    if len(labels) < 2 or not labels & set(URGENT):
        raise ValueError("the second reader needs examples of urgent and other messages")


def _pipeline() -> Pipeline:
    return Pipeline([
        ("features", FeatureUnion([(name, TfidfVectorizer(**settings))
                                   for name, settings in FEATURES])),
        ("classify", LogisticRegression(**CLASSIFIER)),
    ])


def _checked(about: dict[str, Any], arrays: dict[str, np.ndarray]
             ) -> tuple[list[str], list[tuple[dict[str, int], np.ndarray]], np.ndarray, np.ndarray]:
    """The saved numbers, if they hang together (ValueError if not)."""
    classes = about["classes"]
    if not (isinstance(classes, list) and len(classes) >= 2
            and all(isinstance(c, str) for c in classes) and set(classes) & set(URGENT)):
        raise ValueError("classes")
    expected = json.loads(json.dumps([[name, settings] for name, settings in FEATURES]))
    features = about["features"]
    if [[f["name"], f["settings"]] for f in features] != expected:
        raise ValueError("feature settings")
    blocks = []
    for i, feature in enumerate(features):
        terms, idf = feature["terms"], arrays[f"idf_{i}"]
        vocabulary = {term: index for index, term in enumerate(terms)}
        if not (all(isinstance(t, str) for t in terms) and len(vocabulary) == len(terms)
                and idf.dtype == np.float64 and idf.shape == (len(terms),)):
            raise ValueError(f"vocabulary or idf of {feature['name']}")
        blocks.append((vocabulary, idf))
    weights, intercept = arrays["weights"], arrays["intercept"]
    if weights.dtype != np.float64 or intercept.dtype != np.float64 or \
            weights.shape != (sum(len(v) for v, _ in blocks), len(classes)) or \
            intercept.shape != (len(classes),):
        raise ValueError("weights")
    if not all(np.isfinite(a).all() for a in (weights, intercept, *(idf for _, idf in blocks))):
        raise ValueError("numbers not finite")
    return classes, blocks, weights, intercept


def _tidy(folder: Path, keep: Path) -> None:
    """Only the most recently used cache files stay, and no half-written one left by a crash."""
    try:
        files = sorted(folder.glob(f"{CACHE_PREFIX}*.npz"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        old = [p for p in files if p != keep][KEEP_FILES - 1:]
        now = time.time()
        old += [p for p in folder.glob(f".{CACHE_PREFIX}*.tmp")
                if now - p.stat().st_mtime > STALE_TEMP_SECONDS]
        for path in old:
            path.unlink(missing_ok=True)
    except OSError:
        pass
