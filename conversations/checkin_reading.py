"""Reading a reply to the check-in ("How has moving felt for you this week?") as people
write it: "not good, my ms has flared up", "better thanks, did 2 walks!", "rubbish week
tbh", "good start but knees gave in by friday", "in the LRI since tuesday".

A reply maps to one path: better, same, mixed, harder, hospital, rather_not_say, or None
(not an answer: the question is asked again). The words come from content
(`checkin.reading.*`), so coordinators can add the ways their people talk. Measured on the
team's own replies in tests/data/checkin/ (figures in BENCHMARKS.md).

Why our own reader rather than a sentiment library: the paths are not sentiment ("I'm in
the Glenfield" is neither happy nor sad, "cant complain" is the same week as last), and
every rule here must be one a coordinator can read and change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache

from rapidfuzz import fuzz, process

from bot.core.answers import AnswerKind, Choice, Vocabulary, match_answer
from bot.core.content import Content
from bot.core.textnorm import english_words, tokens


class Path(StrEnum):
    BETTER = "better"
    SAME = "same"
    MIXED = "mixed"
    HARDER = "harder"
    HOSPITAL = "hospital"
    RATHER_NOT_SAY = "rather_not_say"


# A negation this many words before a cue turns it round ("not been very good").
_NEGATION_REACH = 3
# Sentences end here; the check-in reads each on its own (a question is not an answer).
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+|(?<=\?)")
# Clauses end here, and a negation reaches no further ("no, it's been good").
_CLAUSE = re.compile(r"[,;:()\n]+|\s[-–—]\s")
Phrase = tuple[str, ...]


@dataclass(frozen=True)
class ReadingWords:
    """The phrases for each cue, as folded words; emoji are kept as they are typed."""

    hospital: tuple[Phrase, ...]
    rather_not_say: tuple[Phrase, ...]
    same: tuple[Phrase, ...]
    better: tuple[Phrase, ...]
    harder: tuple[Phrase, ...]
    mixed: tuple[Phrase, ...]
    contrast: frozenset[str]
    activity: tuple[Phrase, ...]
    neutral: tuple[Phrase, ...]
    questions: tuple[Phrase, ...]
    relief: frozenset[str]
    intensifiers: frozenset[str]
    openers: frozenset[str]  # "well," "so," at the start: no cue of their own
    others: frozenset[str]  # "my friend is in hospital": someone else's stay
    emoji: dict[str, str]  # emoji -> better | harder

    @classmethod
    def from_content(cls, content: Content) -> ReadingWords:
        emoji: dict[str, str] = {}

        intensifiers = frozenset(w for p in content.words("checkin.reading.intensifiers")
                                 for w in tokens(p))

        def phrases(key: str) -> tuple[Phrase, ...]:
            found = []
            for phrase in content.words(f"checkin.reading.{key}"):
                whole = tuple(tokens(phrase))
                words = tuple(w for w in whole if w not in intensifiers)
                if len(words) <= 1 < len(whole):
                    words = whole  # "that bad" must not shrink to "bad"
                if words:
                    found.append(words)
                elif key in ("better", "harder"):
                    emoji[phrase.strip()] = key
            return tuple(found)

        return cls(
            hospital=phrases("hospital"), rather_not_say=phrases("rather_not_say"),
            same=phrases("same"), better=phrases("better"), harder=phrases("harder"),
            mixed=phrases("mixed"), activity=phrases("activity"), neutral=phrases("neutral"),
            questions=phrases("questions"),
            relief=frozenset(w for p in phrases("relief") for w in p),
            intensifiers=intensifiers,
            openers=frozenset(w for p in phrases("openers") for w in p),
            others=frozenset(w for p in phrases("others") for w in p),
            contrast=frozenset(w for p in phrases("contrast") for w in p), emoji=emoji)

    @cached_property
    def by_first_word(self) -> dict[str, list[tuple[int, Phrase, str]]]:
        """Every phrase under its first word, with its rank: longest first, then in the
        order neutral, hospital, rather_not_say, mixed, same, better, harder, activity."""
        groups = [("neutral", self.neutral), ("hospital", self.hospital),
                  ("rather_not_say", self.rather_not_say), ("mixed", self.mixed),
                  ("same", self.same), ("better", self.better), ("harder", self.harder),
                  ("activity", self.activity)]
        ranked = sorted(((phrase, kind) for kind, group in groups for phrase in group),
                        key=lambda pk: -len(pk[0]))
        index: dict[str, list[tuple[int, Phrase, str]]] = {}
        for order, (phrase, kind) in enumerate(ranked):
            index.setdefault(phrase[0], []).append((order, phrase, kind))
        return index

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word the cues use: typos are mended towards these."""
        return frozenset(w for group in (self.hospital, self.rather_not_say, self.same,
                                         self.better, self.harder, self.mixed, self.activity)
                         for phrase in group for w in phrase)


@dataclass(frozen=True)
class _Cue:
    kind: str  # better | harder | same | activity | mixed | hospital | rather_not_say
    start: int  # position in the whole reply, for "the last word wins"
    negated: bool


def read_checkin(text: str, choices: Sequence[Choice], vocabulary: Vocabulary,
                 words: ReadingWords) -> Path | None:
    """The path a check-in reply asks for, or None when it is not an answer."""
    # A number, a label or an option's own word, and nothing else ("2 please", "Harder!").
    plain = match_answer(text, choices, vocabulary, exact=True)
    if plain.kind is AnswerKind.SKIP:
        return Path.RATHER_NOT_SAY
    if plain.chosen:
        return _from_options(set(plain.ids))
    both = match_answer(text, choices, vocabulary, multi=True)
    if both.chosen and set(both.ids) == {"better", "harder"}:
        return Path.MIXED  # "1 and 3"
    scored = _score(text)
    if scored is not None:
        return scored
    cues = _cues(text, words)
    kinds = {c.kind for c in cues if not c.negated}
    if "hospital" in kinds:
        return Path.HOSPITAL
    if "rather_not_say" in kinds:
        return Path.RATHER_NOT_SAY
    polar = [_polarity(c) for c in cues]
    polar = [(c, p) for c, p in zip(cues, polar, strict=True) if p is not None]
    if not polar:
        return None
    strong = [(c, p) for c, p in polar if c.kind != "activity"]
    if not strong:
        # Only what they did ("walked to the shops 4 times") or didn't ("not done my walk").
        return polar[-1][1]
    said = {p for _, p in strong}
    last = max(strong, key=lambda cp: cp[0].start)[1]
    if Path.MIXED in said:
        return Path.SAME if last is Path.SAME else Path.MIXED
    if Path.BETTER in said and Path.HARDER in said:
        # Summed up as the same at the end ("ups and downs, so no real change").
        return Path.SAME if last is Path.SAME else Path.MIXED
    if Path.SAME in said and len(said) > 1:
        return last if last is not Path.SAME else Path.SAME
    return next(iter(said))


_SCORE = re.compile(r"^\D{0,12}\b(10|[0-9])\s*(?:/|out of)\s*10\b\D{0,20}$")


def _score(text: str) -> Path | None:
    """"2/10", "7 out of 10": a score for the week, low to high."""
    found = _SCORE.match(text.strip().casefold())
    if not found:
        return None
    score = int(found.group(1))
    return Path.HARDER if score <= 4 else Path.SAME if score <= 6 else Path.BETTER


def _from_options(ids: set[str]) -> Path:
    """Numbers or labels: one option, or two that say both ways at once ("1 and 3")."""
    if "hospital" in ids:
        return Path.HOSPITAL
    if "better" in ids and "harder" in ids:
        return Path.MIXED
    for path in (Path.HARDER, Path.BETTER, Path.SAME, Path.RATHER_NOT_SAY):
        if path.value in ids:
            return path
    return Path.SAME


def _polarity(cue: _Cue) -> Path | None:
    """What one cue says, turned round by a negation in front of it."""
    if cue.kind == "mixed":
        return None if cue.negated else Path.MIXED
    if cue.kind == "same":
        return Path.HARDER if cue.negated else Path.SAME  # "not ok", "not fine at all"
    if cue.kind in ("better", "activity"):
        return Path.HARDER if cue.negated else Path.BETTER
    if cue.kind == "harder":
        # "no aching", "not tired" ("not bad", "no worse" are listed as the same).
        return Path.BETTER if cue.negated else Path.HARDER
    return None


def _cues(text: str, words: ReadingWords) -> list[_Cue]:
    """Every cue in the sentences that are not questions back, longest phrase first."""
    found: list[_Cue] = []
    offset = 0
    for sentence in _SENTENCE.split(text):
        folded, clause_of = _words(sentence, words)
        if not folded:
            continue
        if _is_question(sentence, folded, words):
            offset += len(folded)
            continue
        found += _find_cues(folded, clause_of, offset, words)
        found += [_Cue(kind, offset + len(folded), False)
                  for emoji, kind in words.emoji.items() if emoji in sentence]
        offset += len(folded)
    return found


def _is_question(sentence: str, folded: list[str], words: ReadingWords) -> bool:
    """A question to us ("what does better mean?", "can you ring me"), not an unsure
    answer ("I think better?")."""
    if any(tuple(folded[:len(q)]) == q for q in words.questions):
        return True
    return sentence.rstrip().endswith("?") and not _find_cues(folded, [0] * len(folded), 0,
                                                              words)


def _words(sentence: str, words: ReadingWords) -> tuple[list[str], list[int]]:
    """The sentence's words (typos mended, intensifiers left out) and which clause each
    is in: punctuation or a contrast word ("but") starts a new one."""
    kept: list[str] = []
    ids: list[int] = []
    clause = 0
    parts = _CLAUSE.split(sentence)
    first = tokens(parts[0]) if parts else []
    if len(parts) > 1 and len(first) == 1 and first[0] in words.openers:
        parts = parts[1:]  # "Well, it was awful": "well" is not how the week was
    for part in parts:
        for word in tokens(part):
            word = _mend(word, words)
            if word in words.intensifiers:
                continue
            if word in words.contrast:
                clause += 1
            kept.append(word)
            ids.append(clause)
        clause += 1
    return kept, ids


_NEGATORS = frozenset({
    "not", "no", "never", "nothing", "dont", "didnt", "doesnt", "isnt", "wasnt", "havent",
    "hasnt", "hadnt", "cant", "cannot", "couldnt", "wont", "wouldnt", "aint", "nowt",
    "without", "neither", "nor", "barely", "hardly"})


def _find_cues(folded: list[str], clause_of: list[int], offset: int,
               words: ReadingWords) -> list[_Cue]:
    """Longest phrases first (then the order of the lists), each word used once."""
    found = []
    for start, word in enumerate(folded):
        for order, phrase, kind in words.by_first_word.get(word, ()):
            if tuple(folded[start:start + len(phrase)]) == phrase:
                found.append((-len(phrase), order, start, phrase, kind))
    found.sort()
    used: set[int] = set()
    cues: list[_Cue] = []
    for _size, _order, start, phrase, kind in found:
        span = range(start, start + len(phrase))
        if any(i in used for i in span):
            continue
        used.update(span)
        clause = clause_of[start] if start < len(clause_of) else -1
        before = [folded[i] for i in range(max(0, start - _NEGATION_REACH), start)
                  if i < len(clause_of) and clause_of[i] == clause and i not in used]
        negated = not (set(phrase) & _NEGATORS) and bool(set(before) & _NEGATORS)
        if kind == "harder" and not negated and _relieved(folded, clause_of, span.stop, words):
            kind = "better"  # "fatigue is lifting", "pain's eased off"
        if kind == "hospital" and any(folded[i] in words.others for i in range(len(folded))
                                      if i < len(clause_of) and clause_of[i] == clause):
            kind = "harder"  # someone they love is in hospital: a hard week, not their stay
        if kind != "neutral":
            cues.append(_Cue(kind, offset + start, negated))
    return cues


_RELIEF_REACH = 5  # words after a hard thing that can say it is going away


def _relieved(folded: list[str], clause_of: list[int], end: int, words: ReadingWords) -> bool:
    clause = clause_of[end - 1] if end - 1 < len(clause_of) else -1
    for i in range(end, min(len(folded), end + _RELIEF_REACH)):
        if clause_of[i] == clause and folded[i] in words.relief:
            # "pain is no better" is not pain going away.
            return not (i > 0 and folded[i - 1] in _NEGATORS)
    return False


def _mend(word: str, words: ReadingWords) -> str:
    """A typo mended towards a cue word ("bettr", "strugling"); known words stay."""
    return _mended(word, words.vocabulary)


@lru_cache(maxsize=16384)
def _mended(word: str, known: frozenset[str]) -> str:
    if word in known or len(word) < 5 or word in english_words():
        return word
    # rapidfuzz's ratio is difflib's, normalised to 100, and far quicker over the words.
    found = process.extractOne(word, _sorted(known), scorer=fuzz.ratio, score_cutoff=84)
    return found[0] if found else word


@lru_cache(maxsize=8)
def _sorted(known: frozenset[str]) -> list[str]:
    return sorted(w for w in known if len(w) >= 3)
