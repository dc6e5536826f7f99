"""Which of one person's earlier messages a new one is read with (round thirteen), for the
relay (bot/peers/relay.py) and the bench (bench/contact_detection.py), so both read alike.

Normally the last two passed on. A number sent a piece a message ("07" / "823" / "441" /
"902") reaches further back: while the messages before are only numeric pieces (digits or
digit words, "oh seven") or a short filler between them ("07823" / "yes" / "441" / "902"),
each close to the next (`PIECES_GAP`), the whole run's pieces are read, so a number in any
count of pieces is caught at the piece that completes it. Ordinary chat with a number in it
("I walked 3" / "miles" / "then 2 more") is no run: a piece is a message of numbers alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from bot.peers.contact_mending import digitised, fold

# The most messages read back, and how close each piece of a run is to the next.
PIECES_BACK = 8
PIECES_GAP = timedelta(minutes=5)
_NUMERIC = re.compile(r"[\d\s\-.,/()+]*\d[\d\s\-.,/()+]*")
# What people put between a number's pieces; any other word ends a run ("marge" / "walks"
# / "58" / "on tiktok" is a handle's pieces, read as ever).
_FILLER = re.compile(r"\W*(?:yes|yeah|yep|yup|ok|okay|k|and|then|wait|hang\s+on|got\s+(?:that|it)|"
                     r"cont(?:inued)?|more|next|still\s+there|right|so|sorry|oops|x+|lol|"
                     r"ready|go\s+on|and\s+then|then\s+its?|it'?s)\W*", re.I)


def numeric_piece(text: str) -> bool:
    """Whether a message is numbers alone: "07", "823 441", "oh seven", "44-1"."""
    folded = " ".join(fold(text).split())
    return len(folded) <= 40 and bool(_NUMERIC.fullmatch(digitised(folded)))


def _filler(text: str) -> bool:
    """A word or two between pieces ("yes", "and", "cont...", "got that?")."""
    return bool(_FILLER.fullmatch(" ".join(fold(text).split())))


def earlier_messages(recent: Sequence[tuple[str, datetime | None]]) -> list[str]:
    """The earlier messages to read a new one with, oldest first, from `recent`: the
    sender's messages passed on, newest first, each with when it was sent (None: close
    enough, as in the bench's corpora). The last two; or, where they end a run of numeric
    pieces and fillers reaching further back, the run's pieces alone (fillers left out:
    "07823" / "yes" / "441" reads "07823 441"). Words before the run are not added: with
    them the earlier pieces could hold alone, which reads as no split at all."""
    texts = [text for text, _ in recent if text]
    last_two = list(reversed(texts[:2]))
    run: list[str] = []
    for text in _close_pieces(recent):
        if not (numeric_piece(text) or _filler(text)):
            break
        run.append(text)
    pieces = [text for text in reversed(run) if numeric_piece(text)]
    if not pieces or (len(run) <= 2 and len(pieces) == len(run)):
        # no run, or none beyond what the last two already give
        return _code_run(recent) or _word_run(recent) or _mail_run(recent) or \
            _address_run(recent) or last_two
    return pieces


# Round seventeen (held_out_19: "le" / "19" / "1" / "wh"): a postcode sent a few characters
# a message. Where the messages before are a run of tiny pieces (a letter or two, or a
# number's digits, typed or said: "le", "19", "three"), each close to the next, that goes
# back beyond the last two and starts as a postcode starts (an area's letters, then a
# digit: "le 19 1", "L E 4 5 A"), the whole run is read, so the message that ends the
# postcode is read with all of it. "ok" / "x" / "lol" start no postcode.
_CODE_PIECE = re.compile(r"\W*(?:[a-z]{1,2}|\d{1,2}[a-z]{0,2})\W*", re.I)
_CODE_START = re.compile(r"[a-z]{1,2}\d", re.I)


def _close_pieces(recent: Sequence[tuple[str, datetime | None]]) -> Iterator[str]:
    """The texts of `recent` (newest first), up to `PIECES_BACK`, while each was sent
    within `PIECES_GAP` of the one after it (and is not empty)."""
    for index, (text, when) in enumerate(recent[:PIECES_BACK]):
        newer = recent[index - 1][1] if index else None
        if not text or not (index == 0 or when is None or newer is None or
                            newer - when <= PIECES_GAP):
            return
        yield text


def _code_run(recent: Sequence[tuple[str, datetime | None]]) -> list[str]:
    run: list[str] = []
    for text in _close_pieces(recent):
        folded = digitised(" ".join(fold(text).split()))
        if not _CODE_PIECE.fullmatch(folded):
            # The run may start with words that end in the area's letters ("postcode is
            # le" / "three" / "one" / "wh").
            lead = re.fullmatch(r"(.{0,30}\s)([a-z]{1,2})\W*", folded, re.I)
            if lead and run and len(run) >= 2:
                run.append(folded)
                return _code_start(run, lead.group(2))
            break
        run.append(folded)
    return _code_start(run, "")


def _code_start(run: list[str], area: str) -> list[str]:
    pieces = run[:-1] if area else run
    joined = area + re.sub(r"\W", "", "".join(reversed(pieces)))
    return list(reversed(run)) if len(run) > 2 and _CODE_START.match(joined) and \
        len(joined) <= 7 else []


# Round fourteen (blind held_out_15: "instagram" / "grandma" / "gets" / "fit" / "all one
# word"): a handle sent a word a message after its platform. Where the messages before are
# a run of single words (or two), each close to the next, that goes back beyond the last two
# to a message naming a platform, the whole run from that message is read, so the platform
# and every piece are in reach of the message that joins them. Ordinary one-word replies
# ("ok" / "lovely" / "see you") name no platform and read as ever.
_WORD_PIECE = re.compile(r"\W*[\w.@'’-]{1,20}(?:\s+[\w.@'’-]{1,20})?\W*")


def _word_run(recent: Sequence[tuple[str, datetime | None]]) -> list[str]:
    from bot.peers.contact_handle import PLATFORM

    run: list[str] = []
    for text in _close_pieces(recent):
        folded = " ".join(fold(text).split())
        if len(folded) > 60:
            break
        run.append(folded)
        if PLATFORM.search(folded):
            return list(reversed(run)) if len(run) > 2 else []
        if not _WORD_PIECE.fullmatch(folded):
            break
    return []


# Round eighteen (break12: "ANN" / "SMITH" / "AT" / "HOTMAIL"): an email sent a word a
# message. Where the messages before are a run of tiny pieces (a word or two, or a symbol),
# each close to the next, that goes back beyond the last two and holds an "at" or an "@"
# (alone, or starting a piece: "@icloud.com"), the whole run is read, so the message that
# ends the email is read with its name. Short replies with no "at" ("ok" / "lovely" /
# "see you") read as ever.
_MAIL_PIECE = _WORD_PIECE  # a word or two, as for a handle
_AT_PIECE = re.compile(r"\W*(?:at|@)\W*|@\S+|at\s+\S+", re.I)


def _mail_run(recent: Sequence[tuple[str, datetime | None]]) -> list[str]:
    run: list[str] = []
    for text in _close_pieces(recent):
        folded = " ".join(fold(text).split())
        if len(folded) > 30 or not _MAIL_PIECE.fullmatch(folded):
            break
        run.append(folded)
    return list(reversed(run)) if len(run) > 2 and any(
        _AT_PIECE.fullmatch(piece) for piece in run) else []


# Session fourteen (a newcomer: an address told over six messages, "I'm at 22" / "lol" /
# "wait" / "let me think" / "it's" / "Melton Road"; a street's name spelt a letter a
# message): where the messages before are a run of short pieces (four words at most), each
# close to the next, that goes back beyond the last two and holds a house number's piece
# ("22", "I'm at 22", "number 22", "flat 3"), the whole run is read, so the message that
# ends the address is read with its number (contact_homes.address_in_pieces passes over
# the asides). Short replies with no number piece read as ever.
_SHORT_PIECE = re.compile(r"\W*[\w'’.-]+(?:\s+[\w'’.-]+){0,3}\W*")


def _address_run(recent: Sequence[tuple[str, datetime | None]]) -> list[str]:
    from bot.peers.contact_homes import is_number_piece

    run: list[str] = []
    for text in _close_pieces(recent):
        folded = " ".join(fold(text).split())
        if len(folded) > 40 or not _SHORT_PIECE.fullmatch(folded):
            break
        run.append(folded)
    return list(reversed(run)) if len(run) > 2 and any(
        is_number_piece(piece) for piece in run) else []
