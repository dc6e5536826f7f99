"""spaCy's Matcher, indexed by how a pattern must begin, so a long message costs little.

spaCy's `Matcher` tries every pattern at every word: its time grows with the lexicon times
the message. `IndexedMatcher` keeps one small `Matcher` per way a pattern can begin and
runs each only where a word begins that way, over a window as long as its longest pattern:

- a word (`{"LOWER": "chest"}`, `{"LOWER": {"IN": [...]}}`): run where that word stands;
- a word stem (`{"LOWER": {"REGEX": "^(palpitation\\w*)$"}}`): run where a word starts with
  the stem's first `PREFIX` letters;
- a number (`{"TEXT": {"REGEX": "^[0-3][.,]\\d$"}}`): run where a word starts with a digit;
- anything else (an optional first word, a negated set): run over the whole message.

Matches are exactly those of one `Matcher` holding every pattern (tests/test_safety_indexed.py
holds them equal over every labelled message); the order is (start, end, key).

`index_context` gives medspaCy's ConText the same index: its rules are matched by one plain
`Matcher` of some two thousand patterns, the largest single cost on a long message.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

GAP_LIMIT = 64  # words an open-ended repeat may span, for windowed matching
PREFIX = 3  # letters of a stem a word is indexed by
Pattern = list[dict[str, object]]
Match = tuple[int, int, int]

# A stem alternation as the phrase compiler writes it: ^(a|b\w*|c)$ with literal letters.
_STEM = r"[^()\[\]{}*+?.^$\\|]+(?:\\w\*)?"
_ALTERNATION = re.compile(rf"^\^\(({_STEM}(?:\|{_STEM})*)\)\$$")
# A digit or a class of digits only ("7", "[0-3]", "[2-9]").
_DIGIT = re.compile(r"\d|\[[\d\-]+\]")


class IndexedMatcher:
    """A spaCy `Matcher` split by the first word of each pattern (see the module doc)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._by_word: dict[str, Matcher] = {}
        self._by_prefix: dict[str, Matcher] = {}
        self._by_number: Matcher | None = None
        self._reach: dict[tuple[str, str], int] = {}  # most words a bucket's patterns span
        self._anywhere = Matcher(vocab)

    def add(self, key: str, patterns: list[Pattern]) -> None:
        """Add `patterns` (spaCy token patterns) under the match key `key`."""
        for pattern in patterns:
            kind, values = _first(pattern[0])
            if kind == "anywhere":
                self._anywhere.add(key, [pattern])
                continue
            for value in values:
                matcher = self._bucket(kind, value)
                matcher.add(key, [pattern])
                self._reach[kind, value] = max(self._reach.get((kind, value), 0),
                                               _longest(pattern))

    def __call__(self, doc: Doc) -> list[Match]:
        """Every (match id, start, end) in `doc`, sorted by start, end, then id."""
        found = set(self._anywhere(doc)) if len(self._anywhere) else set()
        for i, token in enumerate(doc):
            lower = token.lower_
            for kind, value, matcher in (
                    ("word", lower, self._by_word.get(lower)),
                    ("prefix", lower[:PREFIX], self._by_prefix.get(lower[:PREFIX])),
                    ("number", "", self._by_number if token.text[:1].isdigit() else None)):
                if matcher is None:
                    continue
                window = doc[i:min(len(doc), i + self._reach[kind, value])]
                found.update((key, i + start, i + end) for key, start, end in matcher(window)
                             if start == 0)
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def _bucket(self, kind: str, value: str) -> Matcher:
        if kind == "number":
            if self._by_number is None:
                self._by_number = Matcher(self.vocab)
            return self._by_number
        index = self._by_word if kind == "word" else self._by_prefix
        if value not in index:
            index[value] = Matcher(self.vocab)
        return index[value]


def _first(token: dict[str, object]) -> tuple[str, list[str]]:
    """How a pattern's first token must begin: ("word", words), ("prefix", stems' first
    letters), ("number", []) or ("anywhere", [])."""
    if "OP" in token or len(token) != 1:
        return "anywhere", []
    lower = token.get("LOWER")
    if isinstance(lower, str):
        return "word", [lower]
    if isinstance(lower, dict) and isinstance(lower.get("IN"), list):
        return "word", [str(w) for w in lower["IN"]]
    if isinstance(lower, dict) and isinstance(lower.get("REGEX"), str):
        found = _ALTERNATION.match(lower["REGEX"])
        if found:
            stems = [alt.removesuffix(r"\w*") for alt in found.group(1).split("|")]
            # A stem shorter than the prefix would need every word it can begin.
            if all(len(stem) >= PREFIX for stem in stems):
                return "prefix", sorted({stem[:PREFIX] for stem in stems})
    text = token.get("TEXT")
    if isinstance(text, dict) and isinstance(text.get("REGEX"), str) \
            and text["REGEX"].startswith("^") and _starts_with_digit(text["REGEX"][1:]):
        return "number", [""]
    return "anywhere", []


def _starts_with_digit(regex: str) -> bool:
    """Whether `regex`, matched from the start of a word, can only match a word that begins
    with a digit: it begins with a digit, a class of digits only, or a group (not optional)
    every alternative of which does."""
    if regex.startswith("("):
        depth, start, alternatives = 0, 1, []
        for i, char in enumerate(regex):
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    alternatives.append(regex[start:i])
                    after = regex[i + 1:i + 2]
                    # A group that may be skipped ("(...)?", "(...)*") proves nothing.
                    return after not in ("?", "*", "{") and all(
                        _starts_with_digit(a) for a in alternatives)
            elif char == "|" and depth == 1:
                alternatives.append(regex[start:i])
                start = i + 1
        return False
    first = _DIGIT.match(regex)
    return bool(first) and regex[first.end():first.end() + 1] not in ("?", "*", "{")


def _longest(pattern: Pattern) -> int:
    """The most words a pattern can match (its tokens with their repeats)."""
    total = 0
    for token in pattern:
        op = str(token.get("OP", ""))
        if op.startswith("{"):
            total += int(op.strip("{}").split(",")[-1] or GAP_LIMIT)
        elif op in ("*", "+"):
            total += GAP_LIMIT
        else:
            total += 1
    return total


class _RuleOrder:
    """An `IndexedMatcher` for medspaCy: matches by end, then start, then the order the rules
    were added. medspaCy sorts matches by start and end, stably, and keeps the first of two
    rules that match the same words, so the order of those counts; spaCy's own `Matcher`
    gives them in an order that is an accident of its matching machine. The screen reads
    every labelled message the same either way (tests/test_safety_indexed.py)."""

    def __init__(self, indexed: IndexedMatcher, order: dict[int, int]) -> None:
        self._indexed = indexed
        self._order = order

    def __call__(self, doc: Doc) -> list[Match]:
        return sorted(self._indexed(doc), key=lambda m: (m[2], m[1], self._order[m[0]]))


def index_context(context: Any, vocab: Vocab) -> bool:
    """Swap the plain spaCy `Matcher` inside medspaCy 1.3.1's ConText (after its rules are
    added) for an `IndexedMatcher` holding the same patterns. Returns False, changing
    nothing, if medspaCy's insides are not as expected (another version): the plain
    matcher then stays, slower but the same."""
    matcher = getattr(context, "_ConText__matcher", None)
    plain = getattr(matcher, "_MedspacyMatcher__matcher", None)
    rules = getattr(matcher, "_rule_map", None)
    if not isinstance(plain, Matcher) or not isinstance(rules, dict):
        return False
    indexed = IndexedMatcher(vocab)
    order: dict[int, int] = {}
    for number, (rule_id, rule) in enumerate(rules.items()):
        if isinstance(rule.pattern, list):
            if getattr(rule, "on_match", None) is not None:
                return False  # a callback the index would not call
            indexed.add(rule_id, [rule.pattern])
            order[vocab.strings.add(rule_id)] = number
    if len(order) != len(plain):
        return False
    matcher._MedspacyMatcher__matcher = _RuleOrder(indexed, order)
    return True
