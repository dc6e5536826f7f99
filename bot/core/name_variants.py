"""Other names a person goes by in their friends' messages, for erasure (`name_forms`):
English nicknames, the surname alone, and a Somali spelling's Arabic name.

- Nicknames: "Maggie" or "Peggy" for Margaret, "Bill" for William, from the `nicknames`
  dataset (Carlton Northern's hand-curated names.csv, Apache-2.0), a maintained list
  rather than our own guesses. Only the nicknames of the name given (one step), three
  letters or more.
- The surname alone: "Patel said she'd come" names the person as surely as "Priya Patel";
  one that is also an English word ("Hill", "Green") only after a title ("Mrs Green").
- Somali spells Arabic names in its own alphabet (x for ح, c for ع, long vowels doubled:
  "Maxamed", "Cabdi", "Xasan", "Cali"); friends type them as the Arabic names they are
  ("Mohamed", "Abdi", "Hassan", "Ali"). A word with a Somali x or c is written in Arabic
  letters and widened as `name_romanised` widens Arabic names.

`variants(name)` is a regular expression (for `regex`) over text as `name_forms.fold`
leaves it, whole words, or None. The people they find are judged as first names alone
are (`name_forms._as_a_name`): written with a capital, and an everyday word only inside a
sentence, so "Will you come?" keeps its "Will".
"""

from __future__ import annotations

import re
from functools import cache

from nicknames import NickNamer

from bot.core.name_romanised import romanised
from bot.core.textnorm import english_word_counts

_SHORTEST = 3
# As name_forms: SymSpell's count from which a word is an everyday one.
_EVERYDAY = 10_000_000
# A title before a surname, as folded text has it (lower case).
_TITLE = r"(?<=(?<!\w)(?:mr|mrs|ms|miss|mx|dr|prof|auntie|aunty|aunt|uncle|nurse|sister)\.? ?)"
# Somali letters as Arabic ones; "sh", "dh", "kh" first.
_SOMALI = (("sh", "\u0634"), ("dh", "\u0630"), ("kh", "\u062e"), ("x", "\u062d"),
           ("c", "\u0639"), ("b", "\u0628"), ("t", "\u062a"), ("j", "\u062c"),
           ("d", "\u062f"), ("r", "\u0631"), ("s", "\u0633"), ("f", "\u0641"),
           ("q", "\u0642"), ("k", "\u0643"), ("l", "\u0644"), ("m", "\u0645"),
           ("n", "\u0646"), ("w", "\u0648"), ("h", "\u0647"), ("y", "\u064a"),
           ("g", "\u063a"))
_LONG = {"aa": "\u0627", "ii": "\u064a", "ee": "\u064a", "uu": "\u0648", "oo": "\u0648"}
# A Somali x or c between or before vowels: "Maxamed", "Cabdi", "Cali"; not "Alex", "Rex",
# "Marc", "Luca" (a c before a, o or u is ours too, so only at a word's start or after a
# vowel with a consonant next: "Cabdi", "Cumar", "Mucaawiye").
_LOOKS_SOMALI = re.compile(r"^(?:x[aeiou]|c[aeiu][bdfghjklmnqrstwxy])|[aeiou]x[aeiou]|"
                           r"[aeiou]c[aeiou]{1,2}[bdfghjklmnqrstwxy]", re.I)


@cache
def _namer() -> NickNamer:
    return NickNamer()


def nicknames(word: str) -> set[str]:
    """The nicknames of one first name, lower case ("margaret": {"maggie", "peggy", ...}).
    Not an everyday word that does not start as the name does ("day" for David would take
    "Christmas Day", "dot" for Dorothy "protonmail DOT com"; "will" for William stays)."""
    name = word.lower()
    counts = english_word_counts()
    return {n for n in _namer().nicknames_of(name) if len(n) >= _SHORTEST and n.isalpha()
            and n != name and (counts.get(n, 0) < _EVERYDAY or n[:3] == name[:3])}


def somali_as_arabic(word: str) -> str | None:
    """A Somali spelling written in Arabic letters ("Maxamed" is "محمد"), or None when the
    word does not look Somali."""
    plain = word.lower()
    if not plain.isascii() or not plain.isalpha() or not _LOOKS_SOMALI.search(plain):
        return None
    out: list[str] = []
    at = 0
    while at < len(plain):
        pair = plain[at:at + 2]
        if pair in _LONG:
            out.append(_LONG[pair])
            at += 2
            continue
        char = plain[at]
        if char in "aeiou":
            if at == 0:
                out.append("\u0627")  # a first vowel is carried by alif
            elif at == len(plain) - 1 and char == "i":
                out.append("\u064a")  # "Cabdi"
            at += 1
            continue
        for latin, arabic in _SOMALI:
            if plain.startswith(latin, at):
                if not out or out[-1] != arabic:  # "Cabdullaahi": one lam
                    out.append(arabic)
                at += len(latin)
                break
        else:
            at += 1
    return "".join(out) if len(out) >= 2 else None


def variants(name: str) -> str | None:
    """An expression for the other names `name`'s person goes by (see above), as whole
    words over folded text; None when there are none."""
    words = name.split()  # "O'Neill" is one word: "Neill" alone is someone else
    if not words:
        return None
    forms: set[str] = set()
    expressions: list[str] = []
    for word in words[:1]:
        forms |= nicknames(word)
    surname = words[-1].lower() if len(words) > 1 else ""
    if len(surname) >= _SHORTEST and surname.isascii() and surname.isalpha():
        if surname in english_word_counts():
            # "Hill", "Green", "Walker" are words and places too ("Spinney Hill Park"):
            # alone only after a title ("Mrs Green", "Auntie Hill").
            expressions.append(_TITLE + re.escape(surname))
        else:
            forms.add(surname)
    for word in words:
        arabic = somali_as_arabic(word)
        if arabic and (expression := romanised(arabic)):
            expressions.append(expression)
    expressions += [re.escape(form) for form in sorted(forms, key=len, reverse=True)
                    if form.isascii()]
    if not expressions:
        return None
    return r"(?<![^\W\d_])(?:" + "|".join(expressions) + r")(?![^\W\d_])"
