"""Finding a person's name in stored text, whatever form it took there: typed with accents
as separate marks (NFD, "Zoe\u0308") or joined (NFC, "Zoë"), in compatibility forms
(fullwidth letters, ligatures: NFKC), in any case, with curly or straight apostrophes and
any dash, with any spacing, and as it went by SMS (GSM-7 drops accents it lacks: "Zoe
Ñuñez"; other scripts are transliterated by `gsm7.readable_name`: "李小龍" is
"LiXiaoLong"). Used by erasure, so that "[removed]" replaces every form.

Matching is done on a folded copy of the text (compatibility decomposition, marks taken
out, case folded, look-alikes made plain, whitespace runs made one space), mapped back
character by character to the text as stored, so only the name is replaced and the rest
of the text keeps its exact form. Also in the folded copy:

- Invisible format characters (Unicode category Cf: zero-width joiner and non-joiner,
  zero-width space, soft hyphen, word joiner, byte-order mark, direction marks) are left
  out, so "Ann\u200dMarie" is "AnnMarie" and "R\u200cose" is "Rose"; the whole form as
  typed, the invisible marks inside and right after it too, becomes "[removed]".
- Latin letters that do not decompose are written as anyascii writes them: "Søren" is
  "Soren", "Ørjan" is "Orjan", "Æsa" is "Aesa", "Łukasz" is "Lukasz".
- Hangul syllables are kept whole (not split into jamo), so a match never ends inside a
  syllable.

The parts of a name (split at spaces, hyphens, apostrophes, underscores and a small letter
followed by a capital, "AnnMarie") match with any of those or nothing between them:
"Ann-Marie" is found as "Ann Marie" and "AnnMarie", "AnnMarie" as "Ann-Marie", "O'Neill" as
"ONeill", "O Neill" and "Oneill".

Where a name may sit inside a longer run of letters depends on its script. A name in a
script written without spaces (Chinese, Japanese, Thai...) is found inside a run of
letters; so is one in Hangul, where particles and the polite "님"/"씨" are written joined
to the name ("김민지님"). An Arabic name is found as a whole word or after the one-letter
proclitics written joined to the next word (و "and", ف "so", ب "with", ل "for", ك "like",
up to two: "ومحمد", "وبمحمد"); the proclitic stays. Any other only as whole words.

The first name alone. Someone who gave "İrem Şahin" is called "İrem" in a chat ("Thanks
İrem!"), and that is as identifying to the people they chatted with as the full name, so
the first word of a name of several words is matched alone too — but only where it is
written with a capital (or in a script without case), as a name is: "Rose" is removed
from "see you Rose" and "Rose garden" (at the start of a sentence it cannot be told from
a name: erasure then removes a word too many rather than leave a name), never from "the
rose garden". A name of one word is matched in any case, unless it is also an English word
("Pat", "Rose", "Will": then as a first name alone, with a capital). `first_alone=False`
turns this off.

Names in an Indic script (Gujarati, Devanagari, Gurmukhi, Bengali, Tamil...) or in Arabic
script (Urdu, Arabic) are found as the people someone chatted with type them in Latin
letters too, where anyascii's one spelling ("Srma" for "शर्मा") is not how anyone writes
them: "Sharma", "Patel", "Harpreet Kaur", "Mohammed" or "Muhammad" (`name_romanised`
gives each word's spellings). Those are whole words, the parts of the name joined as above,
and the first name alone only where written with a capital ("Harpreet", not "harpreet").
A spelling that is also an English word is taken only where written with a capital, and
an everyday word only inside a sentence ("Saad" takes "see you Sad", never "so sad", "he
said" or "Sad news"); never the start of a contraction ("Hassan" leaves "hasn't")."""

from __future__ import annotations

import unicodedata

import regex
from anyascii import anyascii

from bot.core.gsm7 import LOOK_ALIKES, readable_name
from bot.core.name_romanised import romanised
from bot.core.name_variants import variants
from bot.core.textnorm import english_word_counts

_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
    r"\p{Hangul}]")
_HANGUL_SYLLABLE = regex.compile(r"[\uac00-\ud7a3]")
_LATIN = regex.compile(r"\p{Latin}")
_ARABIC = regex.compile(r"\p{Arabic}")
# و "and", ف "so", ب "with", ل "for", ك "like": written joined to the word after them.
_PROCLITICS = "[\u0648\u0641\u0628\u0644\u0643]{1,2}"
# Between parts of a name: a hyphen, an apostrophe or an underscore (with or without
# spaces), a space, or nothing: "O'Neill" is typed "ONeill", "O Neill", "Oneill".
_BETWEEN = r"(?: ?[-'_] ?| )?"
_PARTS = regex.compile(r"[ \-'_]+")
_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
# A name ends where letters end: digits and underscores may touch it, as in handles
# ("ann60", "Priya_1975", a newcomer's break-test, session fourteen).
_NO_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"


def fold(text: str) -> tuple[str, list[int]]:
    """`text` folded for matching, and for each folded character the index of the stored
    character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for at, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            continue
        char = LOOK_ALIKES.get(char, char)
        if char.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            origin.append(at)
            continue
        if _HANGUL_SYLLABLE.match(char):
            out.append(char)
            origin.append(at)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char)
                        if unicodedata.category(c)[0] != "M")
        plain = unicodedata.normalize("NFKD", plain.casefold())
        for c in plain:
            if unicodedata.category(c)[0] == "M":
                continue
            if not c.isascii() and _LATIN.match(c):
                c = anyascii(c).casefold()
            for d in c:
                out.append(d)
                origin.append(at)
    return "".join(out), origin


def _goes_with_a_letter(char: str) -> bool:
    """A mark (an NFD accent) or an invisible format character (a zero-width joiner)."""
    category = unicodedata.category(char)
    return category[0] == "M" or category == "Cf"


def _ends_word(char: str) -> bool:
    return not _UNSPACED.match(char)


def _pattern(form: str) -> str:
    """The expression for one folded form, its parts joined by `_BETWEEN`."""
    body = _BETWEEN.join(regex.escape(part) for part in _PARTS.split(form) if part)
    if not _ends_word(form[0]):
        before = ""
    elif _ARABIC.match(form[0]):
        before = rf"(?:(?<!\w)|(?<=(?<!\w){_PROCLITICS}))"
    else:
        before = _NO_LETTER_BEFORE
    after = _NO_LETTER_AFTER if _ends_word(form[-1]) else ""
    return before + body + after


def _compile(forms: set[str]) -> regex.Pattern[str] | None:
    if not forms:
        return None
    return regex.compile("|".join(_pattern(f) for f in sorted(forms, key=len, reverse=True)))


def _romanised(name: str) -> str | None:
    """The expression for a name with words in an Indic or Arabic script as typed in Latin
    letters (`name_romanised`), its parts joined by `_BETWEEN`, as whole words; None when
    no word has such letters."""
    parts: list[str] = []
    found = False
    for word in (w for w in _PARTS.split(unicodedata.normalize("NFC", name)) if w):
        if roman := romanised(word):
            parts.append(roman)
            found = True
        elif _LATIN.search(word):
            parts.append(regex.escape(_folded(word)))  # "Harpreet ਕੌਰ": as typed
    if not found:
        return None
    return _NO_LETTER_BEFORE + "(?:" + _BETWEEN.join(parts) + ")" + _NO_LETTER_AFTER


def _folded(typed: str) -> str:
    """A name folded, its parts kept apart ("AnnMarie" is "ann marie")."""
    return fold(_CAMEL.sub(" ", typed))[0].strip()


def _long_enough(form: str, shortest: int) -> bool:
    """Whether a folded form has `shortest` characters besides spaces and hyphens (a name
    typed as "- -" names nobody, and would match next to anything)."""
    return len(_PARTS.sub("", form)) >= shortest


# Where a one-word name that is also a word ("pat", "rose") is a name in lower case too:
# spoken to ("thanks pat", "hi rose", "see you will") or in a handle ("pat60", "rose_b").
_CALLED_BEFORE = regex.compile(r"(?:^|\W)(?:hi|hey|hiya|hello|thanks|thank you|thanx|ta|"
                               r"cheers|bye|see you|see ya|cya|love you|dear|morning|night|"
                               r"well done|congrats|sorry|miss you|welcome) $")


def _called(folded: str, start: int, end: int) -> bool:
    return bool(_CALLED_BEFORE.search(folded[max(0, start - 20):start])) or (
        end < len(folded) and (folded[end].isdigit() or folded[end] == "_")) or (
        start > 0 and (folded[start - 1].isdigit() or folded[start - 1] == "_"))


# After a word, the end of a contraction ("hasn't", "we'd"): the word was not a name
# ("Hassan" would take "hasn"); a possessive "'s" still follows a name.
_CONTRACTION = regex.compile(r"['\u2019](?:t|ve|ll|re|d|m)(?!\w)", regex.IGNORECASE)


# SymSpell's count from which a word is an everyday one ("sad" 13 million, "summer", "many",
# "said"), never a name starting a sentence; the dictionary's names are under it ("ali" 8.9
# million, "singh" 6.0, "khan" 4.9, "ahmed" 2.7).
_EVERYDAY = 10_000_000


def _as_a_name(text: str, folded: str, origin: list[int], start: int, end: int,
               first: bool) -> bool:
    """Whether a romanised spelling found at folded[start:end] is written as a name: not
    the start of a contraction; a first name alone written with a capital; where it is
    also an English word (SymSpell's dictionary: "humid", "amen", "ali"), written with a
    capital; and where it is an everyday word ("sad", "said", "many", "deep", "summer"),
    with a capital inside a sentence ("see you Saad", not "Sad the cafe is shut"). So a name
    that is also a word is left in lower case ("ali"), and an everyday one starting a
    sentence too ("Deep, see you"): another person's words changed by erasure are a harm
    too, and a name is written with a capital."""
    stored_end = origin[end - 1] + 1
    if _CONTRACTION.match(text, stored_end):
        return False
    capital = text[origin[start]].isupper()
    if first and not capital:
        return False
    words = folded[start:end].split()
    count = english_word_counts().get(words[0], 0) if len(words) == 1 else 0
    if count >= _EVERYDAY:
        # A capital at the start of a sentence says nothing ("Sad the cafe is shut").
        before = text[:origin[start]].rstrip(" \t\"'\u2018\u201c(")
        return capital and bool(before) and before[-1] not in ".!?\n"
    return capital or not count


class NameForms:
    """Every form of a name, to find and replace in stored text."""

    def __init__(self, name: str, *, shortest: int = 2, first_alone: bool = True) -> None:
        self._word_name = False
        forms: set[str] = set()
        firsts: set[str] = set()
        for typed in {name, unicodedata.normalize("NFC", name), readable_name(name)}:
            folded = _folded(typed)
            if _long_enough(folded, shortest):
                forms.add(folded)
            words = typed.split()
            if first_alone and len(words) > 1:
                first = _folded(words[0])
                if _long_enough(first, shortest):
                    firsts.add(first)
        if len(name.split()) == 1 and first_alone:
            # A name of one word that is also an English word ("Pat", "Will", "Rose", "Mo")
            # only as a name is written, with a capital: "I'll pat the dog" keeps its pat
            # (a newcomer's break-test: 17 of 18 such words were removed in any case).
            words_too = {f for f in forms if english_word_counts().get(f, 0) > 0}
            forms -= words_too
            firsts |= words_too
            self._word_name = bool(words_too)
        roman = _romanised(name)
        words = name.split()
        first_roman = _romanised(words[0]) if first_alone and len(words) > 1 else None
        self.forms = frozenset(forms)
        self.first_names = frozenset(firsts - forms)
        self._pattern = _compile(forms)
        self._first = _compile(set(self.first_names))
        # Romanised spellings are guesses at how a friend typed the name, so they are kept
        # apart and judged as words (`_as_a_name`): "Saad" must not take "sad" or "said".
        self._roman = regex.compile(roman) if roman else None
        self._first_roman = regex.compile(first_roman) if first_roman else None
        # Nicknames, the surname alone, a Somali spelling's Arabic name (`name_variants`):
        # judged as a first name alone is.
        other = variants(name) if first_alone else None
        self._other = regex.compile(other) if other else None

    def __bool__(self) -> bool:
        return any(p is not None for p in (self._pattern, self._first, self._roman, self._other))

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """Where the name is in `text` (stored positions), in order."""
        if not self:
            return []
        folded, origin = fold(text)
        spans = [(origin[m.start()], origin[m.end() - 1] + 1)
                 for m in self._pattern.finditer(folded)] if self._pattern else []
        if self._first is not None:
            # The first name alone only as a name is written: not "the rose garden".
            spans += [(origin[m.start()], origin[m.end() - 1] + 1)
                      for m in self._first.finditer(folded)
                      if not text[origin[m.start()]].islower() or (
                          self._word_name and _called(folded, m.start(), m.end()))]
        for pattern, first in ((self._roman, False), (self._first_roman, True),
                               (self._other, True)):
            if pattern is not None:
                spans += [(origin[m.start()], origin[m.end() - 1] + 1)
                          for m in pattern.finditer(folded)
                          if _as_a_name(text, folded, origin, m.start(), m.end(), first)]
        return sorted(spans, key=lambda span: (span[0], -span[1]))

    def search(self, text: str) -> bool:
        return bool(self._spans(text))

    def sub(self, replacement: str, text: str) -> str:
        """`text` with every form of the name replaced by `replacement`; the rest exactly
        as stored. Marks and invisible format characters following a replaced letter (NFD
        accents, a zero-width joiner) go with it."""
        spans = self._spans(text)
        if not spans:
            return text
        out: list[str] = []
        done = 0
        for start, end in spans:
            while end < len(text) and _goes_with_a_letter(text[end]):
                end += 1
            if start < done:
                continue
            out += [text[done:start], replacement]
            done = end
        out.append(text[done:])
        return "".join(out)

    def scrub(self, replacement: str, value: object) -> object:
        """`value` (a JSON-like payload: strings, lists, dicts) with the name replaced in
        every string inside it."""
        if isinstance(value, str):
            return self.sub(replacement, value)
        if isinstance(value, list):
            return [self.scrub(replacement, v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub(replacement, v) for k, v in value.items()}
        return value
