"""Digits said as words in more of the languages people in Leicestershire write in, for the
contact-detail reader (bot/peers/contact_mending.py), which reads a run of them as a number.

Taken from num2words (a maintained library with a converter per language) rather than typed
out here, so the spellings are a native writer's: zero to nine in each language it knows that
our hand-made tables do not already cover (a newcomer's break-test, session fourteen, passed
numbers in Czech, Latvian, Hungarian, Croatian/Bosnian/Serbian, Danish/Norwegian and Amharic).
num2words has no Albanian, Kurdish or Tigrinya, nor the spoken and unaccented forms people
type ("ketto", "tri", "labo"): those are below, by hand.

Shapes: `latin_tables()` gives one {word: digit} table per language, words lower case
without accents (as `contact_mending._plain` leaves them); `script_digits()` gives
{word: digit} for words in scripts other than Latin, as num2words spells them.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from num2words import num2words

# num2words' language codes, Latin script: Czech, Slovak, Slovene, Serbian (Latin, as
# Croatian and Bosnian spell their digits too), Hungarian, Latvian, Danish, Norwegian,
# Swedish, Finnish, Icelandic, Welsh, Azerbaijani, Catalan, Indonesian/Malay.
_LATIN = ("cs", "sk", "sl", "sr", "hu", "lv", "da", "no", "sv", "fi", "is", "cy", "az", "ca",
          "id")
# Other scripts: Amharic (Ethiopic), Hebrew, Kazakh and Belarusian (Cyrillic), Tajik.
_SCRIPTS = ("am", "he", "kz", "be", "tg")

# Forms num2words does not give: what people type without accents or say aloud, and the
# languages it lacks. Albanian; Kurdish (Kurmanji and Sorani, romanised); Amharic and
# Tigrinya romanised; Somali as texted ("labo", "todobo"); Hungarian "ketto"/"ket", Czech
# "dve", Croatian "jedna"/"dvije"; Danish and Norwegian "en", "ett", "sju", "atte".
_BY_HAND: tuple[dict[str, str], ...] = (
    {"zero": "0", "nje": "1", "një": "1", "dy": "2", "tre": "3", "kater": "4",  # Albanian
     "pese": "5", "gjashte": "6", "gjasht": "6", "shtate": "7", "shtat": "7", "tete": "8",
     "tet": "8", "nente": "9", "nent": "9"},
    {"sifir": "0", "sifr": "0", "yek": "1", "du": "2", "se": "3",  # Kurdish
     "car": "4", "cwar": "4", "chwar": "4", "penc": "5", "penj": "5", "pench": "5",
     "ses": "6", "shesh": "6", "heft": "7", "hewt": "7", "hest": "8", "hesht": "8",
     "heyst": "8", "neh": "9", "no": "9"},
    {"zero": "0", "and": "1", "ande": "1", "hulet": "2", "hulett": "2", "sost": "3",  # Amharic
     "soste": "3", "arat": "4", "amist": "5", "amst": "5", "sidist": "6", "sidst": "6",
     "sebat": "7", "sebatt": "7", "siment": "8", "simint": "8", "zetegn": "9",
     "zeteny": "9", "zetegnya": "9"},
    {"zero": "0", "hade": "1", "kilite": "2", "kilte": "2", "seleste": "3",  # Tigrinya
     "arbaete": "4", "arbate": "4", "hamushte": "5", "hamushti": "5", "shidushte": "6",
     "shewate": "7", "shemonte": "8", "tshate": "9", "tesheate": "9"},
    {"eber": "0", "kow": "1", "hal": "1", "labo": "2", "laba": "2", "sadex": "3",  # Somali
     "saddex": "3", "afar": "4", "shan": "5", "lix": "6", "todobo": "7", "toddoba": "7",
     "todoba": "7", "sideed": "8", "siddeed": "8", "sagaal": "9", "sagal": "9"},
    {"nulla": "0", "egy": "1", "ketto": "2", "ket": "2", "harom": "3", "negy": "4",  # Hungarian
     "ot": "5", "hat": "6", "het": "7", "nyolc": "8", "kilenc": "9"},
    {"nula": "0", "jedna": "1", "jedan": "1", "jeden": "1", "dva": "2", "dve": "2",  # Czech,
     "dvije": "2", "tri": "3", "ctyri": "4", "cetiri": "4", "pet": "5", "sest": "6",  # Slovak,
     "sedm": "7", "sedam": "7", "sedem": "7", "osm": "8", "osam": "8", "osem": "8",  # Croatian
     "devet": "9", "devat": "9"},
    {"nul": "0", "null": "0", "en": "1", "et": "1", "ett": "1", "to": "2", "tre": "3",
     "fire": "4", "fem": "5", "seks": "6", "syv": "7", "sju": "7", "otte": "8",  # Danish,
     "atte": "8", "ni": "9"},  # Norwegian
)


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower())
                   if unicodedata.category(c) != "Mn")


@cache
def latin_tables() -> tuple[dict[str, str], ...]:
    """One {word: digit} table per language, plain (lower case, no accents): num2words'
    zero to nine, then the forms by hand above."""
    made = tuple({_plain(num2words(digit, lang=lang)): str(digit) for digit in range(10)}
                 for lang in _LATIN)
    return (*made, *({_plain(word): digit for word, digit in table.items()}
                     for table in _BY_HAND))


@cache
def script_digits() -> dict[str, str]:
    """{word: digit} for zero to nine in Amharic, Hebrew and more (see `_SCRIPTS`), and the
    Serbian digits in Cyrillic, which num2words writes in Latin script only."""
    words = {num2words(digit, lang=lang): str(digit) for lang in _SCRIPTS for digit in range(10)}
    words.update({"нула": "0", "један": "1", "два": "2", "три": "3", "четири": "4", "пет": "5",
                  "шест": "6", "седам": "7", "осам": "8", "девет": "9",
                  "אחד": "1", "שניים": "2", "שתים": "2", "שלש": "3"})  # Hebrew's masculine
    return words
