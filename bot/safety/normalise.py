"""Turning what people type into the words the lexicon is written in.

Per message: fold case, accents and look-alike characters; expand "i'll"-style forms;
mend texting forms and listed misspellings (`spellings` in the lexicon); squash repeated
letters ("paaain"); split run-together words ("chestpain", "iwanttodie"); join spelt-out
letters ("s u i c i d e", "s.u.i.c.i.d.e", "su-i-cide") and read digits and symbols for
letters ("k1ll mys3lf", "d!e") when what comes out is a word the lexicon uses (so "b4",
"2moro", "10k", "hba1c" and readings stay as they are); and, for longer words no English
dictionary knows, take the nearest lexicon word within one or two edits (RapidFuzz's
Damerau-Levenshtein, so a swapped pair of letters counts as one edit).

The list of known English words is SymSpell's frequency dictionary (82,765 words, from
Google Books n-grams intersected with SCOWL), read from the symspellpy package: a well-kept
list is better than one of our own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.core.textnorm import english_words, fold

CHUNK = 1800  # characters read at a time (under textnorm's cap of 2,000)
MIN_FUZZY = 5  # shorter words are left alone: too many real words sit one edit apart
_TOKEN = re.compile(r"\d+(?:[.,]\d{1,2})?(?![\d])|[^\W\d_]+|[.!?;:]")
_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`\u00b4]")
_CONTRACTIONS = re.compile(r"\b(i|you|we|they|he|she|it|that|there)'(ll|d)\b")
# "Mum's had a fall", "he's just had": "has", so a recent event is not read as a simple past.
_HAS = re.compile(r"(?<=[^\W\d_])['\u2019\u2018\u02bc`\u00b4]s\s+(?=(?:just\s+)?had\b)")
# "heart's racing", "me arm's gone", "he's": the bare word, not "hearts" or "hes".
_APOSTROPHE_S = re.compile(r"(?<=[^\W\d_])['\u2019\u2018\u02bc`\u00b4]s\b")
# East Midlands "me" for "my" ("me chest", "me arm's gone dead"): only before words that
# are owned, so "help me", "without me" and "nobody would miss me" keep their "me".
POSSESSED = frozenset({
    "chest", "heart", "arm", "arms", "leg", "legs", "head", "face", "hand", "hands",
    "hip", "hips", "knee", "knees", "ankle", "ankles", "foot", "feet", "neck", "shoulder",
    "shoulders", "eye", "eyes", "mouth", "tongue", "throat", "lip", "lips", "side", "body",
    "tummy", "belly", "stomach", "skin", "wrist", "wrists", "finger", "fingers", "toe", "toes",
    "breath", "breathing", "words", "speech", "vision", "sight", "pulse", "sugar", "sugars",
    "levels", "bloods", "reading", "meter", "libre", "inhaler", "tablets", "pills", "meds",
    "medication", "insulin", "stitches", "wound", "ulcer", "pacemaker", "heartbeat", "husband",
    "hubby", "wife", "missus", "fella", "partner", "mum", "mam", "dad", "son", "daughter",
    "lad", "lass", "nan", "nana", "grandad", "grandma", "brother", "sister", "mate", "mates",
    "friend", "neighbour", "life", "own", "bed", "house", "flat", "kids", "kitchen",
    "bathroom", "whole", "bike", "car", "stick", "frame", "walker", "scooter", "chair",
    "glasses", "phone", "spray", "back", "ribs", "nose", "jaw",
})
_ME = re.compile(r"\bme\s+(?=(" + "|".join(sorted(POSSESSED)) + r")\b)")
# "OD'd", "od'ed", "O.D.'d": overdosed. Read before apostrophes go, when it would become
# "odd" (a word) or "oded".
_OVERDOSED = re.compile(r"(?<![\w'])o\.?d\.?'(?:e?d)(?![\w'])")
# "5 kms", "10km": kilometres, never the texting form of "kill myself".
_DISTANCE = re.compile(r"(\d)\s*kms?\b")
_RUNS = re.compile(r"(\w)\1{2,}")
_BREAKS = re.compile(r"[\n\r]+")
# A clock time ("at 2am", "2.30pm", "10 p.m."): never a glucose reading or a count.
_TIME = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?![a-z])")
# Words in quotation marks after "says"/"said"/"reads" ("the poster says 'Chest pain? Call
# 999'"): one quoted passage, so its question mark does not end what "says" reaches. A
# closing mark must not be followed by a letter, so "can't" inside the quote is kept. Only
# when a thing with words on says it (`_WRITTEN`): a person quoted ("he said 'my chest
# hurts'") or a meter ("it says 'LO'") is telling what is happening.
_QUOTE = re.compile(
    r"""(\b(?:say|says|said|saying|read|reads|reading|goes|went|wrote|written)\b\s*[:,-]?\s*)"""
    r"""["\u201c\u201d'\u2018\u2019]([^"\u201c\u201d\n]{1,200}?)["\u201c\u201d'\u2018\u2019](?![^\W\d_])""")
_WRITTEN = re.compile(
    r"\b(?:poster|posters|leaflet|leaflets|sign|signs|letter|letters|notice|advert|adverts|ad|"
    r"card|website|booklet|plan|label|box|packet|pack|instructions|paperwork|article|paper|"
    r"headline|form|banner|campaign|slogan|board|sticker|magazine|newspaper|guidance|"
    r"handout|advice|caption)\b[^.!?\n]{0,30}$", re.IGNORECASE)
_STOPS = re.compile(r"[.!?]+")
# Letters spelt out one at a time ("s u i c i d e", "s.u.i.c.i.d.e", "c h e s t  p a i n"):
# three or more single letters, each apart from the next by spaces, dots or dashes.
_SPELT = re.compile(r"(?<![\w'])[a-z](?![\w'])(?:[ .\-_*]{1,3}[a-z](?![\w'])){2,}")
# A word cut by dashes or dots into short pieces ("su-i-cide", "k.i.l.l").
_DASHED = re.compile(r"(?<![\w'.\-])[a-z]{1,4}(?:[.\-][a-z]{1,4}){1,5}(?![\w'\-])")
# Digits and symbols read as letters ("k1ll mys3lf", "i w4nt t0 d13", "k!ll", "$uicide").
LEET = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "!": "i",
        "$": "s"}
_LEET = re.compile(r"(?<![\w@$])[a-z0-9@$!]*[a-z][a-z0-9@$!]*(?![\w@$])")
# A number with its unit or ending ("50s", "10k", "5ft", "2x", and "1st", "22nd", "3rd",
# "11th" when the ending fits the number): never letters. "3nd" is "end".
_COUNT = re.compile(r"\d+(?:s|k|am|pm|ft|kg|km|mg|ml|mm|x|lb|lbs|hr|hrs|st|stone)|"
                    r"\d*(?:1[0-9]th|[0-9]?(?:1st|2nd|3rd|[04-9]th))")
MAX_PIECES = 5  # a run-together word ("iwanttodie") is cut into at most this many words
# "..." or "!!!" is one stop: a trailing pause keeps the words after it close.
_REPEATED_STOP = re.compile(r"([.!?])\1+")


def _quoted(match: re.Match[str]) -> str:
    """A passage quoted from something written, as one stretch opened by the word "quote"
    (a ConText `quoted` cue): its full stops and question marks become ";", and it ends with
    a full stop. Anyone else's quoted words are left as they are."""
    if not _WRITTEN.search(match.string, max(0, match.start() - 60), match.start()):
        return match.group(0)
    return f"{match.group(1)} quote {_STOPS.sub(' ; ', match.group(2))} . "


def _expand(match: re.Match[str]) -> str:
    # "i'll" would otherwise fold to "ill".
    return f"{match.group(1)} {'will' if match.group(2) == 'll' else 'would'}"


class Normaliser:
    """Mends one message's words. Built once per language from the lexicon."""

    def __init__(self, spellings: Mapping[str, Iterable[str]], vocabulary: Iterable[str],
                 known: Iterable[str] = ()) -> None:
        """`vocabulary`: the words the lexicon's phrases use, which a typo or a run-together
        word may be mended towards; `known`: other words to leave as they are (the
        romanised phrases' own words)."""
        self._phrases: list[tuple[re.Pattern[str], str]] = []
        self._words: dict[str, list[str]] = {}
        for canonical, variants in spellings.items():
            for variant in variants:
                variant = _APOSTROPHES.sub("", variant.casefold().strip())
                if not variant or variant == canonical:
                    continue
                if re.fullmatch(r"[^\W_]+", variant):
                    self._words[variant] = canonical.split()
                elif re.fullmatch(r"[^\w\s]+", variant):  # an emoji, "🔪myself" too
                    self._phrases.append((re.compile(re.escape(variant)), canonical))
                else:  # "k.m.s", "w/o", "rite now": replaced in the text before splitting
                    self._phrases.append((re.compile(
                        r"(?<![\w])" + re.escape(variant) + r"(?![\w])"), canonical))
        vocabulary = list(vocabulary)
        self.vocabulary = sorted({w for w in vocabulary if len(w) >= MIN_FUZZY and w.isalpha()})
        # Every word a phrase names: what a disguised or run-together word may become.
        self.lexical = frozenset(w for w in vocabulary if w.isalpha()) | frozenset(self._words)
        self.known = english_words() | set(vocabulary) | set(known) | {
            w for c in spellings for w in c.split()}
        self._cache: dict[str, list[str]] = {}

    def words(self, text: str) -> list[str]:
        """The message as lexicon words and sentence marks, e.g.
        `"Cnt brethe!! chestpain"` -> `["cant", "breathe", "!", "chest", "pain"]`.
        Every character is read, however long the message (Telegram allows 4,096)."""
        text = text or ""
        if len(text) > CHUNK:
            # textnorm.fold caps what it cleans; a long message is read in pieces cut at
            # spaces, so the point buried at the end is read too.
            cut = text.rfind(" ", 0, CHUNK)
            cut = cut if cut > 0 else CHUNK
            return [*self.words(text[:cut]), *self.words(text[cut:])]
        text = _REPEATED_STOP.sub(r"\1", _QUOTE.sub(_quoted, text))
        lowered = _TIME.sub(" oclock ", _BREAKS.sub(" . ", text).casefold())
        lowered = _OVERDOSED.sub(" overdosed ", lowered.replace("\u2019", "'"))
        lowered = _ME.sub("my ", _APOSTROPHE_S.sub("", _HAS.sub(" has ", lowered)))
        lowered = _DISTANCE.sub(r"\1 km", lowered)
        folded = fold(_CONTRACTIONS.sub(_expand, lowered))
        folded = _LEET.sub(self._unleet, folded)
        folded = _DASHED.sub(self._joined, _SPELT.sub(self._joined, folded))
        for pattern, canonical in self._phrases:
            folded = pattern.sub(f" {canonical} ", folded)
        folded = _APOSTROPHES.sub("", folded)
        out: list[str] = []
        for token in _TOKEN.findall(folded):
            out.extend(self._mend(token))
        return out

    def _joined(self, match: re.Match[str]) -> str:
        """Spelt-out or dashed letters as one word, when that is a word we know."""
        joined = re.sub(r"[^a-z]", "", match.group(0))
        pieces = [p for p in re.split(r"[^a-z]+", match.group(0)) if p]
        if all(p in self.known and len(p) > 1 for p in pieces):
            return match.group(0)  # "e-mail", "x-ray", "co-op": already words
        if joined in self._words or (len(joined) >= 4 and joined in self.known) \
                or self._segment(joined):
            return f" {joined} "
        return match.group(0)

    def _unleet(self, match: re.Match[str]) -> str:
        """A word with digits or symbols for letters, read as the lexicon word it spells."""
        token = match.group(0)
        if token.isalpha() or len(token) < 2 or token in self._words or _COUNT.fullmatch(token):
            return token  # "50s", "2moro", "10k": a number first is a number
        core = token.rstrip("!")  # "help!", "die!!": the mark ends the sentence
        if core.isalpha() or not core or not any(c in LEET for c in core):
            return token
        options = [LEET.get(c, c) for c in core]
        if sum(len(o) > 1 for o in options) > 3:
            return token
        tail = token[len(core):]
        for letters in itertools.product(*options):
            candidate = "".join(letters)
            if candidate in self.lexical:
                return f"{candidate}{' ' + tail if tail else ''}"
        return token

    def _mend(self, token: str) -> list[str]:
        if not token.isalpha():
            return [token]
        cached = self._cache.get(token)
        if cached is None:
            cached = self._cache[token] = self._mend_word(token)
            if len(self._cache) > 50_000:
                self._cache.clear()
        return cached

    def _mend_word(self, token: str) -> list[str]:
        if token in self._words:
            return list(self._words[token])
        if token in self.known:
            return [token]
        if _RUNS.search(token):
            for squashed in (_RUNS.sub(r"\1\1", token), _RUNS.sub(r"\1", token)):
                if squashed in self._words or squashed in self.known:
                    return self._mend_word(squashed)
            token = _RUNS.sub(r"\1\1", token)
        # A dropped "g" ("stickin", "thinkin", "feelin"): the "-ing" word, never cut in two
        # ("stick in") or taken for a near lexicon word (round sixteen).
        if token.endswith("in") and len(token) >= 5 and token + "g" in self.known:
            return self._mend_word(token + "g")
        split = self._split(token)
        if split:
            return split
        nearest = self._nearest(token)
        if nearest:
            return [nearest]
        return self._segment(token) or [token]

    def _segment(self, token: str) -> list[str] | None:
        """"iwanttodie" -> i want to die: the fewest known words (at most `MAX_PIECES`, each
        of two letters or more, or "i" or "a") that make the word, one of them a word the
        lexicon uses (three letters or more), so a name or a typo is not cut into nonsense."""
        if len(token) < 7 or not token.isalpha():
            return None
        best: list[list[str] | None] = [None] * (len(token) + 1)
        best[0] = []
        for end in range(1, len(token) + 1):
            for start in range(max(0, end - 20), end):
                before = best[start]
                piece = token[start:end]
                if before is None or len(before) >= MAX_PIECES or not (
                        piece in self.known and (len(piece) > 1 or piece in ("i", "a"))):
                    continue
                if best[end] is None or len(before) + 1 < len(best[end] or ()):
                    best[end] = [*before, piece]
        found = best[-1]
        if not found or len(found) < 2 or not any(
                len(p) >= 3 and p in self.lexical for p in found):
            return None
        return [w for piece in found for w in self._mend_word(piece)]

    def _split(self, token: str) -> list[str] | None:
        """"chestpain" -> chest pain, when both halves are words and one is ours."""
        if len(token) < 6:
            return None
        for cut in range(2, len(token) - 1):
            left, right = token[:cut], token[cut:]
            if left in self.known and right in self.known and (
                    left in self.vocabulary or right in self.vocabulary):
                return [*self._mend_word(left), *self._mend_word(right)]
        return None

    def _nearest(self, token: str) -> str | None:
        if len(token) < MIN_FUZZY or not self.vocabulary:
            return None
        limit = 1 if len(token) < 8 else 2
        found = process.extractOne(token, self.vocabulary, scorer=DamerauLevenshtein.distance,
                                   score_cutoff=limit)
        return found[0] if found else None
