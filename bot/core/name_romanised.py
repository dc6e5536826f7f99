"""A name written in an Indic script (Devanagari, Gujarati, Gurmukhi, Bengali, Oriya, Tamil,
Telugu, Kannada, Malayalam) or in Arabic script (Urdu, Arabic, Persian), as the people
someone chats with type it in Latin letters: "શર્મા" is "Sharma", "પટેલ" "Patel",
"ਹਰਪ੍ਰੀਤ" "Harpreet", "محمد" "Mohammed" or "Muhammad". Used by `name_forms`, so that
erasure finds those too (anyascii, which SMS uses, writes "शर्मा" as "Srma").

`romanised(word)` is a regular expression (for `regex`) over text as `name_forms.fold`
leaves it (Latin in small ASCII letters) for one word of a name: every plausible informal
spelling, not one scheme's.

Indic words are brought to Devanagari (the scripts share one layout, letter for letter)
and written in ITRANS by `indic_transliteration`, whose letters are then widened: the
inherent "a" may drop (पटेल is "Patel", कमलेश "Kamlesh" or "Kamalesh"; never in the
first syllable, and at the end of a Hindi, Gujarati or Punjabi word it is not written),
long and short vowels as people write them (ā "aa" or "a", ī "ee", "i" or "y", e "e" or
"ay", au "au", "ou" or "o"), aspirates with or without their "h" (with it at a word's
end: "Singh"), ś and ṣ "sh" or "s", v "v" or "w", ph "ph" or "f", anusvara "n" or "m",
retroflex as plain, ज़ "z" or "j", ड़ "r" or "d", any consonant doubled or a double one
single ("Bhatt", "Bhat"), and Gujarati's "-bhai" and "-ben" or "-ji" joined to the name.
Bengali writes its inherent vowel "o" and ব "b", "v" or "w"; Tamil has one letter for k
and g, t and d, p and b.

Arabic script writes no short vowels: the word is its letters with a vowel or none
between two of them ("محمد" is m, h, m, d: "Mohammed", "Muhammad", "Mohamed"), و and ی
as vowel or consonant, ع as a vowel, a final ہ as "a" or "ah". ح keeps its "h" ("roman"
is not "رحمان").

Explicit vowels are never optional and a word must keep two letters at least, so that
the expressions stay close to the name (tests/test_name_romanised.py measures how many
words of ordinary English messages they would wrongly take)."""

from __future__ import annotations

import unicodedata

import regex
from indic_transliteration import sanscript

# The first letter of each Indic block: the blocks share one layout (ISCII's).
_BLOCKS = {0x0900: "deva", 0x0980: "beng", 0x0A00: "guru", 0x0A80: "gujr", 0x0B00: "orya",
           0x0B80: "taml", 0x0C00: "telu", 0x0C80: "knda", 0x0D00: "mlym"}
_ARABIC = regex.compile(r"\p{Arabic}")
_VIRAMA = "\u094d"
# Letters outside the shared layout, in Devanagari.
_SPECIAL = {
    "\u0a70": "\u0902",  # Gurmukhi tippi: a nasal, as anusvara ("ਸਿੰਘ" Singh)
    "\u0a75": _VIRAMA + "\u092f",  # Gurmukhi yakash: a subjoined y
    "\u09ce": "\u0924" + _VIRAMA,  # Bengali khanda ta: a final t ("শরৎ" Sharat)
    "\u0d7a": "\u0923" + _VIRAMA, "\u0d7b": "\u0928" + _VIRAMA,  # Malayalam chillu letters:
    "\u0d7c": "\u0930" + _VIRAMA, "\u0d7d": "\u0932" + _VIRAMA,  # a final consonant
    "\u0d7e": "\u0933" + _VIRAMA, "\u0d7f": "\u0915" + _VIRAMA,
    "\u0ba9": "\u0928",  # Tamil ṉa: n (ITRANS has no letter for ऩ)
    "\u0949": "\u094b", "\u0911": "\u0913",  # Devanagari candra o (English "o"): o
}
_ADDAK = "\u0a71"  # Gurmukhi: the next consonant is doubled ("ਗਿੱਲ" Gill)

# ITRANS letters, longest first, and how people write each in Latin letters.
_CONSONANTS: dict[str, tuple[str, ...]] = {
    "kSh": ("ksh", "x", "ks", "kch"), "j~n": ("gy", "gn", "jn", "dny"),
    ".Dh": ("rh", "r", "dh"), ".D": ("r", "d", "rh"), "~N": ("n", "ng"), "~n": ("n", "ny"),
    "kh": ("kh", "k"), "gh": ("gh", "g"), "ch": ("ch",), "Ch": ("chh", "ch"),
    "jh": ("jh", "j"), "Th": ("th", "t"), "Dh": ("dh", "d"), "th": ("th", "t"),
    "dh": ("dh", "d"), "ph": ("ph", "f", "p"), "bh": ("bh", "b"), "sh": ("sh", "s"),
    "Sh": ("sh", "s"), "zh": ("zh", "l", "z"),
    "k": ("k", "q"), "g": ("g",), "j": ("j",), "T": ("t",), "D": ("d",), "N": ("n",),
    "t": ("t", "th"), "d": ("d",), "n": ("n",), "p": ("p",), "b": ("b",), "m": ("m",),
    "y": ("y",), "r": ("r",), "l": ("l",), "v": ("v", "w"), "s": ("s",), "h": ("h",),
    "L": ("l",), "q": ("q", "k"), "K": ("kh", "k"), "G": ("gh", "g"), "z": ("z", "j"),
    "f": ("f", "ph"), "Y": ("y",), "R": ("r",),
}
_VOWELS: dict[str, tuple[str, ...]] = {
    "RRi": ("ri", "ru", "r"), "RRI": ("ri", "ree"), "LLi": ("li",), "LLI": ("li",),
    "ai": ("ai", "ae", "e", "ay", "ei"), "au": ("au", "ou", "o", "ow", "aw"),
    "a": ("a",), "A": ("aa", "a"), "i": ("i", "ee", "y"), "I": ("ee", "i", "y", "ie", "ey"),
    "u": ("u", "oo", "o"), "U": ("oo", "u", "ou"), "e": ("e", "ay", "ey"),
    "o": ("o", "oo"), "è": ("e",), "ò": ("o",), ".c": ("e", "a"),
}
# Anusvara is written ("Singh", "Sandhu"); chandrabindu and visarga often are not.
_PLAIN = {"kh": "k", "gh": "g", "Ch": "ch", "jh": "j", "Th": "t", "Dh": "d", "th": "t",
          "dh": "d", "ph": "p", "bh": "b", ".Dh": "r", "K": "k", "G": "g"}
_NASALS = {"M": ("n", "m", "ng"), ".N": ("n",), "H": ("h",)}
_TOKEN = regex.compile("|".join(regex.escape(t) for t in sorted(
    [*_CONSONANTS, *_VOWELS, *_NASALS, "OM"], key=len, reverse=True)))
# As each script's speakers write some letters.
_BY_SCRIPT: dict[str, dict[str, tuple[str, ...]]] = {
    "beng": {"a": ("a", "o"), "s": ("s", "sh"), "bh": ("bh", "b", "v"), "b": ("b", "v", "w"),
             "j": ("j", "z")},
    "taml": {"k": ("k", "g", "h"), "ch": ("ch", "s", "j"), "T": ("t", "d"),
             "t": ("th", "t", "d", "dh"), "p": ("p", "b"), "R": ("r", "t", "tr", "dr")},
}


def _alternatives(spellings: tuple[str, ...], optional: bool = False) -> str:
    """A group of spellings, each one's first letter maybe doubled ("Bhatt", "Sollanki")."""
    body = "|".join(regex.escape(s[0]) + "{1,2}" + regex.escape(s[1:]) for s in spellings)
    return f"(?:{body})" + ("?" if optional else "")


def _vowel(spellings: tuple[str, ...], optional: bool = False) -> str:
    return f"(?:{'|'.join(regex.escape(s) for s in spellings)})" + ("?" if optional else "")


def _script(word: str) -> str | None:
    for char in word:
        code = ord(char)
        if 0x0900 <= code < 0x0D80:
            return _BLOCKS[code & ~0x7F]
        if _ARABIC.match(char):
            return "arab"
    return None


def _devanagari(word: str) -> str:
    """An Indic word in Devanagari, letter for letter."""
    out: list[str] = []
    double = False
    for char in word:
        if char == _ADDAK:
            double = True
            continue
        code = ord(char)
        deva = _SPECIAL.get(char) or (chr(code - (code & ~0x7F) + 0x0900)
                                      if 0x0980 <= code < 0x0D80 else char)
        deva = _SPECIAL.get(deva, deva)
        if double and 0x0915 <= ord(deva[0]) <= 0x0939:
            deva = deva + _VIRAMA + deva
        double = False
        out.append(deva)
    return "".join(out)


def _indic(word: str, script: str) -> str | None:
    itrans = sanscript.transliterate(_devanagari(word), sanscript.DEVANAGARI, sanscript.ITRANS)
    spelled = {**_CONSONANTS, **_VOWELS, **_BY_SCRIPT.get(script, {})}
    tokens = [t for t in _TOKEN.findall(itrans.replace("OM", "oM"))]
    units: list[str] = []
    required = 0
    previous = ""  # the consonant just before, with no vowel between
    cluster = 0  # how many consonants since the last vowel (a double one counts once)
    vowel_seen = False
    skip = 0
    for at, token in enumerate(tokens):
        after = tokens[at + 1] if at + 1 < len(tokens) else ""
        if skip:
            skip -= 1
            continue
        if token == "a" and previous and tokens[at + 1:at + 3] == ["h", "e"]:
            # "મહેતા" is "Mehta" as often as "Maheta" (and "महेश" still "Mahesh").
            units.append(f"(?:a{_alternatives(('h',))}{_vowel(spelled['e'])}|eh)")
            required += 3
            skip, previous, vowel_seen = 2, "", True
            continue
        if token in _CONSONANTS:
            # A double consonant is written once or twice ("Bhatt", "Bhat"; "Siddharth").
            if previous and (previous == token or token == previous + "h"):
                units.pop()
                required -= 1
            if script == "beng" and token == "y":
                units.append(_alternatives(("y",), optional=bool(previous)) if previous
                             else _alternatives(("j", "y")))
            elif token in ("y", "Y") and at and tokens[at - 1] in ("i", "I", "e"):
                units.append(_alternatives(("y",), optional=True))  # "মিয়া" Miah, "Pria"
            elif script == "beng" and token == "b" and previous:
                units.append(_alternatives(spelled["b"], optional=True))  # ba-phala
            elif token in _PLAIN and all(t == "a" for t in tokens[at + 1:]):
                # At a word's end the aspirate keeps its "h": "Singh" is not "sing".
                units.append(_alternatives(tuple(
                    s for s in spelled[token] if s != _PLAIN[token])))
            else:
                units.append(_alternatives(spelled[token]))
            required += 1
            cluster += previous != token and token != previous + "h"
            previous = token
            continue
        if token in _NASALS:
            units.append(_vowel(_NASALS[token], optional=token != "M"))
            required += token == "M"
            continue
        inherent = token == "a" and bool(previous)
        spellings = spelled[token]
        # Schwa deletion: the inherent vowel may drop ("Patel", "Kamlesh"), though not in
        # the first syllable; it is written "e" too ("ਇੰਦਰ" Inder; first before r or h: "वर्मा"
        # Verma, "রহমান" Rehman).
        optional = inherent and vowel_seen
        if inherent and (vowel_seen or after in ("r", "h")):
            spellings = (*spellings, "e", "u") if script == "beng" else (*spellings, "e")
        if token == "A" and at + 1 == len(tokens):
            spellings = (*spellings, "ah")  # "মিয়া" Miah, "ਸ਼ਰਮਾ" Sharmah
        if script == "guru" and token in ("i", "u") and after == "h":
            spellings = (*spellings, "e" if token == "i" else "o")  # "ਫ਼ਤਿਹ" Fateh
        # Punjabi and Tamil write a vowel where it is hardly heard, in a cluster with r:
        # "ਗਰੇਵਾਲ" is "Grewal", "பிரியா" (piriyA) "Priya", "பிரகாஷ்" "Prakash".
        later = tokens[at + 2] if at + 2 < len(tokens) else ""
        if previous and token in ("a", "i", "u") and after == "r" and (
                (script == "taml" and later in _VOWELS)
                or (script == "guru" and later in _VOWELS and later != "a")):
            optional = True
        if inherent and vowel_seen and at + 1 == len(tokens) and cluster < 2 and \
                script in ("deva", "gujr", "guru"):
            continue  # Hindi, Gujarati and Punjabi do not say it at a word's end: "Bhatt"
        units.append(_vowel(spellings, optional=optional))
        required += not optional and not inherent  # "ક" (ka) alone names nobody
        vowel_seen = True
        previous = ""
        cluster = 0
    if required < 2:
        return None
    # Gujarati and Hindi add a respectful "-bhai", "-ben" or "-ji": "Maheshbhai", "Bhavnaben".
    return "".join(units) + "(?:bhai|ben|behn|ji)?"


# Arabic script: each letter as people write it. "V" is a vowel letter (written where a
# vowel is heard), "F" a letter that is a vowel or a consonant (و, ی), "C" a consonant.
_ARABIC_LETTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "\u0628": ("C", ("b",)), "\u067e": ("C", ("p",)), "\u062a": ("C", ("t",)),
    "\u0679": ("C", ("t",)), "\u062b": ("C", ("s", "th")), "\u062c": ("C", ("j", "g")),
    "\u0686": ("C", ("ch",)), "\u062d": ("C", ("h",)), "\u062e": ("C", ("kh", "k")),
    "\u062f": ("C", ("d",)), "\u0688": ("C", ("d",)), "\u0630": ("C", ("z", "dh", "th", "d")),
    "\u0631": ("C", ("r",)), "\u0691": ("C", ("r", "d")), "\u0632": ("C", ("z",)),
    "\u0698": ("C", ("zh", "j", "z")), "\u0633": ("C", ("s",)), "\u0634": ("C", ("sh",)),
    "\u0635": ("C", ("s",)), "\u0636": ("C", ("z", "d", "dh")), "\u0637": ("C", ("t",)),
    "\u0638": ("C", ("z", "dh")), "\u063a": ("C", ("gh", "g")), "\u0641": ("C", ("f", "ph")),
    "\u0642": ("C", ("q", "k")), "\u0643": ("C", ("k", "c", "q")),
    "\u06a9": ("C", ("k", "c", "q")), "\u06af": ("C", ("g",)), "\u0644": ("C", ("l",)),
    "\u0645": ("C", ("m",)), "\u0646": ("C", ("n",)), "\u06ba": ("C", ("n", "")),
    "\u0647": ("C", ("h",)), "\u06c1": ("C", ("h",)), "\u06be": ("C", ("h", "")),
    "\u0648": ("F", ("w", "v", "o", "oo", "u", "ou", "au", "ow", "aw")),
    "\u06cc": ("F", ("y", "i", "ee", "e", "ai", "ay", "ei", "ey", "ie")),
    "\u064a": ("F", ("y", "i", "ee", "e", "ai", "ay", "ei", "ey", "ie")),
    "\u06d2": ("F", ("e", "ay", "ai", "ey", "y")),
    "\u0626": ("F", ("y", "i", "e", "")), "\u0624": ("F", ("w", "o", "u", "")),
    "\u0627": ("V", ("aa", "a")), "\u0622": ("V", ("aa", "a")), "\u0623": ("V", ("a", "aa")),
    "\u0625": ("V", ("i", "e")), "\u0671": ("V", ("a", "aa")),
    "\u0649": ("V", ("a", "aa", "i", "y")),
    "\u0629": ("V", ("a", "ah", "at", "e", "eh")), "\u06c3": ("V", ("a", "ah", "at", "e")),
    "\u0639": ("V", ("",)), "\u0621": ("V", ("",)),
}
_SHORT = "[aeiou]?"  # the unwritten short vowels between two letters


def _arabic(word: str) -> str | None:
    letters = [c for c in word if c in _ARABIC_LETTERS]
    units: list[tuple[str, str]] = []  # (kind, expression)
    required = 0
    for at, char in enumerate(letters):
        kind, spellings = _ARABIC_LETTERS[char]
        before = letters[at - 1] if at else ""
        after = letters[at + 1] if at + 1 < len(letters) else ""
        if char == "\u06be" and units and units[-1][0] == "C":
            units[-1] = ("C", units[-1][1] + "h?")  # do-chashmi he: an aspirate ("bh")
            continue
        if at == 0 and kind == "F":
            spellings = ("w", "v", "o", "u") if char in "\u0648\u0624" else ("y", "i", "e")
            kind = "C"
        if kind == "V" and at == 0:
            # A word's first alif or ain carries whichever vowel begins it ("Ahmed",
            # "Iqbal", "Umar", "Ali"); before another vowel letter it may add none.
            next_kind = _ARABIC_LETTERS[after][0] if after else "C"
            units.append(("V", "[aeiou]?" if next_kind != "C" else "[aeiou]"))
            required += next_kind == "C"
            continue
        if char == "\u0639":
            units.append(("V", "[aeiou']{0,3}"))
            continue
        if char in "\u06cc\u064a" and not after and at:
            spellings = ("i", "y", "ee", "ie", "ey")  # a final ی: "Ali", "Qureshi"
            if char == "\u06cc":
                spellings += ("a",)  # Urdu's ی for alif maqsura: "مصطفی" Mustafa, "موسی" Musa
        if char in "\u0647\u06c1" and not after:
            # A final he: "Fatima(h)", "Ayesha"; after a long vowel only "h" ("Shah").
            spellings = ("h",) if before in "\u0627\u0648" else ("a", "ah", "e", "eh")
            kind = "V"
        if char == "\u0627" and after == "\u0644":
            spellings = ("aa", "a", "u", "e", "i")  # the article: "Abdullah", "Nurul"
        optional = "" in spellings
        present = tuple(s for s in spellings if s)
        if not present:
            continue
        expression = _alternatives(present, optional) if kind == "C" else _vowel(present, optional)
        units.append((kind, expression))
        required += not optional
    out: list[str] = []
    for at, (kind, expression) in enumerate(units):
        if at and kind != "V" and units[at - 1][0] != "V":
            out.append(_SHORT)
        out.append(expression)
    # Urdu and Punjabi speakers add a respectful "-bhai", "-ji", "-sahib" as Gujaratis do:
    # "Imranbhai", "Aslamji" (a newcomer's break-test, session fourteen).
    return "".join(out) + "(?:bhai|bhaijaan|ji|sahib|saab|baji|apa)?" if required >= 2 else None


def romanised(word: str) -> str | None:
    """An expression for `word` (one word of a name) as typed in Latin letters, or None
    when it has no Indic or Arabic letters or too few to name anyone."""
    word = unicodedata.normalize("NFKC", word)
    script = _script(word)
    if script is None:
        return None
    if script == "arab":
        return _arabic(word)
    return _indic(word, script)
