"""Matching a typed answer to a question's options: by number, label or a close word.

People answer `1`, ` 1.`, `walk`, `WALKING`, `1 3 4`, `1,3`, `swimming and yoga` or
`skip`; all of these must work the same on SMS, Telegram and the terminal.

An option is chosen only by its number, its label, a close form of them, or a plain yes
or no; never by one incidental word inside a longer sentence. A negated option word ("not
good"), a hedge ("maybe", "not sure"), a question ("what does that do?") or a sentence that
is mostly about something else is UNCLEAR, so the question is asked again. `exact=True`
(for consequential choices: delete everything, decline the privacy notice) goes further:
every word typed must belong to the one option, beside a little filler.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache

from bot.core.content import Content
from bot.core.textnorm import fold, stem, tokens

_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class Choice:
    """An option as the matcher sees it: its id, label and other words people use for it."""

    id: str
    label: str
    words: tuple[str, ...] = ()


def option_choices(content: Content, options_key: str,
                   only: Sequence[str] | None = None) -> list[Choice]:
    """The options listed under `options.<options_key>` in content, in file order (those
    in `only`, if given), as the matcher sees them."""
    prefix = f"options.{options_key}"
    ids = [i for i in content.keys_under(prefix) if only is None or i in only]
    return [Choice(i, content.text(f"{prefix}.{i}.label"), content.words(f"{prefix}.{i}.words"))
            for i in ids]


class AnswerKind(StrEnum):
    CHOSEN = "chosen"
    SKIP = "skip"
    OWN_WORDS = "own_words"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    ids: tuple[str, ...] = ()
    own_words: str = ""
    out_of_range: bool = False

    @property
    def chosen(self) -> bool:
        return self.kind is AnswerKind.CHOSEN


@dataclass(frozen=True)
class Vocabulary:
    """Language-specific words the matcher needs, loaded from content."""

    skip: tuple[str, ...] = ("skip",)
    ignore: tuple[str, ...] = ()
    # Words that turn an option word round ("not good", "no better", "didn't enjoy").
    negators: tuple[str, ...] = ()
    # Words that make an answer uncertain or a question ("maybe", "unsure", "what").
    hedges: tuple[str, ...] = ()
    # Words that start a question back rather than an answer ("what", "can", "does").
    questions: tuple[str, ...] = ()
    # Words that carry feeling or politeness, not a different answer ("love", "lovely").
    soft: tuple[str, ...] = ()
    _skip_folded: frozenset[str] = field(init=False, repr=False, compare=False)
    _filler: frozenset[str] = field(init=False, repr=False, compare=False)
    _negators: frozenset[str] = field(init=False, repr=False, compare=False)
    _hedges: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)
    _starters: frozenset[str] = field(init=False, repr=False, compare=False)
    _soft: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def words(phrases: tuple[str, ...]) -> frozenset[str]:
            return frozenset(t for p in phrases for t in tokens(p))

        object.__setattr__(self, "_skip_folded", frozenset(" ".join(tokens(s)) for s in self.skip))
        object.__setattr__(self, "_filler", words(self.ignore))
        object.__setattr__(self, "_negators", words(self.negators))
        object.__setattr__(self, "_hedges", tuple(tuple(tokens(h)) for h in self.hedges
                                                  if tokens(h)))
        object.__setattr__(self, "_starters", words(self.questions))
        object.__setattr__(self, "_soft", words(self.soft))

    @classmethod
    def from_content(cls, content: Content) -> Vocabulary:
        """The words under `matching.*` in a language's content."""
        return cls(skip=content.words("matching.skip"), ignore=content.words("matching.ignore"),
                   negators=content.words("matching.negators"),
                   hedges=content.words("matching.hedges"),
                   questions=content.words("matching.questions"),
                   soft=content.words("matching.soft"))

    def is_skip(self, text: str) -> bool:
        return " ".join(tokens(text)) in self._skip_folded

    def filler(self) -> frozenset[str]:
        return self._filler

    def negator_words(self) -> frozenset[str]:
        return self._negators

    def hedge_phrases(self) -> tuple[tuple[str, ...], ...]:
        return self._hedges

    def question_starters(self) -> frozenset[str]:
        return self._starters

    def soft_words(self) -> frozenset[str]:
        return self._soft


Word = tuple[str, str]  # (as typed, folded; its rough stem)


def _words(text: str) -> list[Word]:
    return [(t, stem(t)) for t in tokens(text)]


@lru_cache(maxsize=8192)
def _phrases(choice: Choice, ignore: frozenset[str]) -> tuple[tuple[Word, ...], ...]:
    """Each way of naming a choice, as words without filler (cached: options rarely change)."""
    found = []
    for phrase in (choice.label, *choice.words):
        whole = _words(phrase)
        words = tuple(w for w in whole if w[0] not in ignore)
        if len(words) == 1 < len(whole) and len(words[0][0]) < _SHORTEST_LEFT_ALONE:
            continue  # "go on" is not "go" ("go away" must not start anything)
        if words:
            found.append(words)
    return tuple(found)


# A phrase whose filler is taken away keeps one word only if it says something alone
# ("at home" is "home"; "go on" is not "go").
_SHORTEST_LEFT_ALONE = 4


def _close(a: Word, b: Word) -> bool:
    if a[1] == b[1]:
        return True
    # Only longer words get typo tolerance; 'gym'/'gin' must not meet.
    return min(len(a[0]), len(b[0])) >= 5 and SequenceMatcher(None, a[0], b[0]).ratio() >= 0.84


def _find(phrase: tuple[Word, ...], words: list[Word], used: set[int],
          strict: bool = False) -> list[int] | None:
    """Positions of `phrase` as consecutive words in `words`, or None. `strict`: the very
    words, no close forms (a consequential choice: "dlete" or "0delete" never erases)."""
    size = len(phrase)
    for start in range(len(words) - size + 1):
        span = range(start, start + size)
        if any(i in used for i in span):
            continue
        if all(phrase[k][0] == words[start + k][0] if strict else
               _close(phrase[k], words[start + k]) for k in range(size)):
            return list(span)
    return None


_CLAUSE_BREAK = re.compile(r"[,.;:!?()\n]+|\bbut\b|\bthough\b")


@dataclass(frozen=True)
class _Reading:
    matched: list[str]  # ids in option order
    numbers: list[int]
    leftovers: list[str]  # words that matched nothing and are not filler
    matched_words: int  # how many words the matched options took up
    negated: bool  # an option's words came after "not", "no", "didn't"...
    first_unused: str | None  # the first word, if no option claimed it


def _clause_words(text: str) -> tuple[list[Word], list[int]]:
    """The words, and which clause (split at punctuation and 'but') each is in: a
    negation reaches only within its own clause ("no, walking is fine")."""
    words: list[Word] = []
    clauses: list[int] = []
    for n, part in enumerate(_CLAUSE_BREAK.split(fold(text))):
        for word in _words(part):
            words.append(word)
            clauses.append(n)
    return words, clauses


def _match_words(text: str, choices: Sequence[Choice], vocabulary: Vocabulary,
                 strict: bool = False) -> _Reading:
    ignore = vocabulary.filler()
    negators = vocabulary.negator_words()
    every, every_clause = _clause_words(text)
    # Filler goes first, so 'about the same' meets the label 'About the same' (whose
    # phrase is kept without filler too).
    kept = [i for i, w in enumerate(every) if w[0] not in ignore]
    words = [every[i] for i in kept]
    clauses = [every_clause[i] for i in kept]
    raw = [w[0] for w in words]
    used: set[int] = set()
    numbers: list[int] = []
    for i, token in enumerate(raw):
        if _NUMBER.match(token):
            numbers.append(int(token))
            used.add(i)
    matched: list[str] = []
    matched_words = 0
    negated = False
    # Longer phrases first, so 'tai chi' is taken before a one-word option could claim 'chi'.
    candidates = sorted(
        ((phrase, choice) for choice in choices for phrase in _phrases(choice, ignore)),
        key=lambda pc: -len(pc[0]),
    )
    for phrase, choice in candidates:
        # Every naming of an option is taken ("yes, delete it" is all one answer), so
        # none of its words is left over.
        while (span := _find(phrase, words, used, strict)) is not None:
            used.update(span)
            before = [raw[i] for i in range(max(0, span[0] - _NEGATION_REACH), span[0])
                      if clauses[i] == clauses[span[0]]]
            if not any(w[0] in negators for w in phrase) and any(w in negators for w in before):
                negated = True  # "not good": the option's word, turned round
                continue
            if choice.id not in matched:
                matched.append(choice.id)
            matched_words += len(span)
    leftovers = [raw[i] for i in range(len(raw)) if i not in used]
    if numbers:
        # A number inside a sentence ("did 2 walks", "im 68, is it ok to swim?") is not
        # an option: numbers count only beside filler and the options' own words.
        known = {w[1] for c in choices for phrase in _phrases(c, ignore) for w in phrase}
        if any(stem(word) not in known for word in leftovers):
            numbers = []
    order = {c.id: n for n, c in enumerate(choices)}
    # The first word as typed ("is", "do" are filler elsewhere), unless an option took it.
    first_unused = every[0][0] if every and not (kept and kept[0] == 0 and 0 in used) else None
    return _Reading(sorted(matched, key=order.__getitem__), numbers, leftovers, matched_words,
                    negated, first_unused)


_NEGATION_REACH = 3  # words before an option's words that can turn it round


def _hedged(leftovers: list[str], vocabulary: Vocabulary) -> bool:
    """'maybe', 'not sure', 'dunno': an answer that is not one yet."""
    joined = f" {' '.join(leftovers)} "
    return any(f" {' '.join(phrase)} " in joined for phrase in vocabulary.hedge_phrases())


def _is_question(text: str, reading: _Reading, vocabulary: Vocabulary) -> bool:
    """A question back ("what does that do?", "can I do both"), not an answer."""
    if not reading.leftovers:
        return False
    return "?" in text or (reading.first_unused or "") in vocabulary.question_starters()


def match_answer(text: str, choices: Sequence[Choice], vocabulary: Vocabulary, *,
                 multi: bool = False, own_words: bool = False, exact: bool = False) -> Answer:
    """Read one typed answer. Never raises: anything unreadable is UNCLEAR.

    `exact`: a consequential choice; only the number, the label or the option's own words
    (and filler) choose it, and only one option may be named."""
    if not fold(text).strip():
        return Answer(AnswerKind.UNCLEAR)
    if vocabulary.is_skip(text):
        return Answer(AnswerKind.SKIP)
    reading = _match_words(text, choices, vocabulary, strict=exact)
    numbers, leftovers = reading.numbers, reading.leftovers
    if exact and any(n < 1 or n > len(choices) for n in numbers):
        return Answer(AnswerKind.UNCLEAR, out_of_range=True)  # "3 delete": not plain
    if any(n < 1 or n > len(choices) for n in numbers):
        if any(not _NUMBER.match(word) for word, _ in _words(text)):
            numbers = []  # "im 68": a number beside words, not a choice off the list
        else:
            return Answer(AnswerKind.UNCLEAR, out_of_range=True)
    order = {c.id: n for n, c in enumerate(choices)}
    by_number = [choices[n - 1].id for n in numbers]
    ids = sorted(_unique([*by_number, *reading.matched]), key=order.__getitem__)
    if exact:
        if leftovers or reading.negated or len(ids) != 1 or not _plain(text, vocabulary):
            return Answer(AnswerKind.UNCLEAR)
        return Answer(AnswerKind.CHOSEN, ids=tuple(ids))
    if own_words and (leftovers or reading.negated):
        # Their own words are kept verbatim alongside anything recognised.
        return Answer(AnswerKind.OWN_WORDS, ids=tuple(ids) if multi else (), own_words=text.strip())
    if not ids or reading.negated or _hedged(leftovers, vocabulary) or \
            _is_question(text, reading, vocabulary) or \
            set(leftovers) & vocabulary.negator_words():
        return Answer(AnswerKind.UNCLEAR)  # "ok i guess not": a "not" left over
    named = reading.matched_words + len(by_number)
    stray = [w for w in leftovers if w not in vocabulary.soft_words()]
    if len(stray) > (_STRAY_BESIDE_ONE_WORD if named <= 1 else named + 1):
        return Answer(AnswerKind.UNCLEAR)  # one option word inside a sentence about else
    if not multi and len(ids) > 1:
        return Answer(AnswerKind.UNCLEAR)
    return Answer(AnswerKind.CHOSEN, ids=tuple(ids))


# Other words an answer that names one option by one word may carry ("walking, mainly"):
# more, and the option's word is most likely incidental ("see you at the park gates").
_STRAY_BESIDE_ONE_WORD = 1


# A plain answer does not trail off ("yes and", "yes but...") or carry a contrast.
_UNFINISHED = frozenset({"and", "or", "but", "though", "although", "except", "unless", "if",
                         "so", "then", "because", "cos", "cause"})


def _plain(text: str, vocabulary: Vocabulary) -> bool:
    """Nothing besides words and a full stop or two: no question, no "but", no trailing
    off, no emoji or other symbols (a "yes 😂" may not mean yes)."""
    if "?" in text or "..." in text or "\u2026" in text:
        return False
    if any(unicodedata.category(c) in ("So", "Sk", "Sm") for c in text):
        return False
    words = tokens(text)
    return bool(words) and not (set(words) & _UNFINISHED - vocabulary.filler()) and \
        words[-1] not in _UNFINISHED


def match_choice_id(option_id: str | None, choices: Iterable[Choice]) -> Answer:
    """A button press: valid only if it names one of the current options."""
    ids = {c.id for c in choices}
    if option_id in ids:
        return Answer(AnswerKind.CHOSEN, ids=(option_id,))
    return Answer(AnswerKind.UNCLEAR)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
