"""A wish to stop every message, put in more words than the STOP command ("STOP. I don't
want this anymore", "please stop texting me", "stop msgs"), told apart from everyday words
that happen to hold "stop" ("Stop! Hammer time", "stop, I meant Tuesday", "my friend said
stop texting me"). UK texting rules (PECR) want a clear wish to stop honoured however it
is put; a false stop is told to the person at once ("reply START") and undone by one word.
The words live in content (`commands.stop_*`), so they can be checked and translated."""

from __future__ import annotations

import re

from bot.core.content import Content
from bot.core.textnorm import tokens

# Where a message's parts meet: a STOP may stand as its first or last part.
_PARTS = re.compile(r"[.,;:\n\u2013\u2014]+|\s-+\s|(?<=[!?])\s+")
# No longer than this, a message asking to stop is a wish to stop; a long one is more
# likely telling a story ("...she said stop texting me, so I did").
ASK_MAX_WORDS = 25
# Laughing emoji: "stop 😂" is "you're making me laugh", not a wish to stop.
LAUGHS = frozenset("😂🤣😆😅😹😁😄😃")


class StopWish:
    """Reads a wish to stop from content's `commands.stop_*` lists."""

    def __init__(self, content: Content) -> None:
        def phrases(key: str) -> list[str]:
            return [" ".join(tokens(p)) for p in content.words(key)]

        self.courtesy = set(phrases("commands.courtesy"))
        self.parts = set(phrases("commands.stop_part"))
        self.then = phrases("commands.stop_then")
        self.short = set(phrases("commands.stop_short"))
        self.asks = phrases("commands.stop_asks")
        self.lead = set(phrases("commands.stop_ask_after"))
        self.not_a_stop = phrases("commands.stop_not")
        self.refusals = phrases("commands.refusals")
        self.refusal_tail = set(phrases("commands.refusal_tail"))
        self.texting = {" ".join(tokens(typed)): " ".join(tokens(meant)) for meant in
                        content.keys_under("commands.texting_forms")
                        for typed in content.words(f"commands.texting_forms.{meant}")}

    def words(self, text: str) -> list[str]:
        """The words, texting forms mended ("txting" -> "texting", "msgs" -> "messages");
        a word typed a letter at a time ("S T O P") read as the word."""
        found = tokens(text)
        if len(found) >= 3 and all(len(word) == 1 and word.isalpha() for word in found):
            found = ["".join(found)]
        return " ".join(self.texting.get(word, word) for word in found).split()

    def bare(self, words: list[str]) -> bool:
        """A STOP word alone, with courtesies ("stop please") or said again ("STOP STOP")."""
        kept = self.without_courtesy(words)
        joined = " ".join(kept)
        return bool(kept) and (joined in self.parts or
                               all(word in self.parts for word in kept))

    def request(self, text: str, in_chat: bool = False) -> str | None:
        """The message's other words ("" if none) when it is a wish to stop, else None.
        In a chat with a peer, where "stop it, you're making me laugh" or "stop messaging
        me" may be meant for them, only a message that is nothing but the stop does."""
        if self._not_a_stop(text):
            return None
        if in_chat:
            # Only the stop itself, however worded ("Stop all messages", "S T O P",
            # "STOP STOP"): nothing in it could be meant for the peer.
            return "" if "?" not in text and self.bare(self.words(text)) else None
        # A question is asked of us ("Stop. Can I change my day?"), unless it asks us to
        # stop ("can you stop texting me?").
        question = "?" in text
        parts = [part for part in _PARTS.split(text) if tokens(part)]
        if len(parts) > 1 and not question:
            for index in (0, len(parts) - 1):
                other = " ".join(parts[:index] + parts[index + 1:]).strip()
                # "STOP. I'm moving away"; never "Stop. 3 not 2", a correction.
                if self.bare(self.words(parts[index])) and \
                        not any(c.isdigit() for c in other):
                    return other
                # An ask in a sentence of its own, first or last ("i want to die. stop
                # messaging me", newcomer's break-test): a stop, the rest read as ever.
                part = self.words(parts[index])
                rest = self._asked(part) if len(part) <= ASK_MAX_WORDS else None
                if rest is not None and all(word in self.lead for word in rest.split()):
                    return other
        words = self.words(text)
        if " ".join(self.without_courtesy(words)) in self.short:
            return ""  # "stop it ta", "stop this": outside a chat, meant for us
        if len(words) > 1 and words[0] in self.parts and not question:
            rest = " ".join(words[1:])
            if any(rest == then or rest.startswith(f"{then} ") for then in self.then):
                return rest  # "STOP i dont want this anymore"
        if len(words) > ASK_MAX_WORDS:
            return None
        return self._asked(words)

    def _asked(self, words: list[str]) -> str | None:
        """The other words when `words` ask us to stop, else None."""
        for ask in self.asks:
            size = len(ask.split())
            for start in range(len(words) - size + 1):
                # Asked by the writer ("hi, please stop texting me"), never told of ("my
                # friend said stop texting me").
                if " ".join(words[start:start + size]) == ask and \
                        all(word in self.lead for word in words[:start]):
                    return " ".join(words[:start] + words[start + size:])
        return None

    def refuses(self, text: str) -> bool:
        """Words that refuse the service itself ("I don't want this anymore", "not
        interested"), to be read with a STOP as a reason, never as a crisis. Only when
        nothing but courtesies follows: "I don't want this life" is no refusal."""
        words = self.words(text)
        joined = " ".join(words)
        for refusal in self.refusals:
            at = f" {joined} ".find(f" {refusal} ")
            if at >= 0:
                after = joined[at + len(refusal):].split()
                if all(word in self.refusal_tail or word in self.courtesy for word in after):
                    return True
        return False

    def without_courtesy(self, words: list[str]) -> list[str]:
        """The words without courtesies at either end ("stop please", "STOP thanks x")."""
        start, end = 0, len(words)
        while start < end:
            if " ".join(words[start:start + 2]) in self.courtesy and end - start > 2:
                start += 2
            elif words[start] in self.courtesy and end - start > 1:
                start += 1
            else:
                break
        while end > start + 1:
            if " ".join(words[end - 2:end]) in self.courtesy and end - start > 2:
                end -= 2
            elif words[end - 1] in self.courtesy:
                end -= 1
            else:
                break
        return words[start:end]

    def _not_a_stop(self, text: str) -> bool:
        """A laugh, a joke, a correction or a song ("Stop, I meant Tuesday", "Stop! In the
        name of love"): everyday words, whatever "stop" is in them."""
        if any(character in LAUGHS for character in text):
            return True
        joined = f" {' '.join(self.words(text))} "
        return any(f" {phrase} " in joined for phrase in self.not_a_stop)
