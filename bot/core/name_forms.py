"""Finding a person's name in stored text, whatever form it took there: typed with accents
as separate marks (NFD, "Zoe\u0308") or joined (NFC, "Zoë"), in compatibility forms
(fullwidth letters, ligatures: NFKC), in any case, with curly or straight apostrophes and
any dash, with any spacing, and as it went by SMS (GSM-7 drops accents it lacks: "Zoe
Ñuñez"; other scripts are transliterated by `gsm7.readable_name`: "李小龍" is
"LiXiaoLong"). Used by erasure, so that "[removed]" replaces every form.

Matching is done on a folded copy of the text (compatibility decomposition, marks taken
out, case folded, look-alikes made plain, whitespace runs made one space), mapped back
character by character to the text as stored, so only the name is replaced and the rest
of the text keeps its exact form. A name in a script written without spaces (Chinese,
Japanese, Thai...) is found inside a run of letters; any other only as whole words."""

from __future__ import annotations

import unicodedata

import regex

from bot.core.gsm7 import LOOK_ALIKES, readable_name

_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]")


def fold(text: str) -> tuple[str, list[int]]:
    """`text` folded for matching, and for each folded character the index of the stored
    character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for at, char in enumerate(text):
        char = LOOK_ALIKES.get(char, char)
        if char.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            origin.append(at)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char)
                        if unicodedata.category(c)[0] != "M")
        plain = unicodedata.normalize("NFKD", plain.casefold())
        for c in plain:
            if unicodedata.category(c)[0] == "M":
                continue
            out.append(c)
            origin.append(at)
    return "".join(out), origin


def _ends_word(char: str) -> bool:
    return not _UNSPACED.match(char)


class NameForms:
    """Every form of a name, to find and replace in stored text."""

    def __init__(self, name: str, *, shortest: int = 2) -> None:
        forms: set[str] = set()
        for typed in {name, unicodedata.normalize("NFC", name), readable_name(name)}:
            folded = fold(typed)[0].strip()
            if len(folded) >= shortest:
                forms.add(folded)
        alternatives = []
        for form in sorted(forms, key=len, reverse=True):
            before = r"(?<!\w)" if _ends_word(form[0]) else ""
            after = r"(?!\w)" if _ends_word(form[-1]) else ""
            alternatives.append(before + regex.escape(form) + after)
        self.forms = frozenset(forms)
        self._pattern = regex.compile("|".join(alternatives)) if alternatives else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def search(self, text: str) -> bool:
        return self._pattern is not None and self._pattern.search(fold(text)[0]) is not None

    def sub(self, replacement: str, text: str) -> str:
        """`text` with every form of the name replaced by `replacement`; the rest exactly
        as stored. Marks following a replaced letter (NFD accents) go with it."""
        if self._pattern is None:
            return text
        folded, origin = fold(text)
        spans = [(origin[m.start()], origin[m.end() - 1] + 1)
                 for m in self._pattern.finditer(folded)]
        if not spans:
            return text
        out: list[str] = []
        done = 0
        for start, end in spans:
            while end < len(text) and unicodedata.category(text[end])[0] == "M":
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
