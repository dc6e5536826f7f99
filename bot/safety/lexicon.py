"""The safety lexicon from `content/<language>/safety_lexicon.yaml`, as plain values.

Targets are what the screen looks for (one list of phrases per label); context rules are
ConText modifiers (negated, historical, hypothetical, quoted, someone else, an animal, the
writer again, pseudo, terminate);
idioms are phrases that contain a trigger word but mean nothing urgent; mentions name a
condition as background (they stop a target, not a question's topic); spellings mend
texting forms and misspellings before anything is looked for.

The `romanised` section holds the same kinds of entry for Hindi, Urdu, Punjabi and
Gujarati typed in Latin letters ("saans nahi aa rahi", "mane jeevvu nathi"), kept together
so that a reader of those languages can review them as one; they are merged here into the
lists above, so the screen reads them like any other phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.content import Content
from bot.safety.patterns import words_of

KEY = "safety_lexicon"
ROMANISED = f"{KEY}.romanised"
DIRECTIONS = ("forward", "backward", "both")
CONTEXT_KINDS = ("negated", "historical", "hypothetical", "quoted", "other", "animal", "self")


@dataclass(frozen=True)
class Lexicon:
    targets: dict[str, tuple[str, ...]]
    # kind -> direction -> phrases
    context: dict[str, dict[str, tuple[str, ...]]]
    pseudo: tuple[str, ...]
    terminate: tuple[str, ...]
    idioms: tuple[str, ...]
    # A condition named as background ("my stroke", "stroke nurse"): stops a target like an
    # idiom, but still counts as a health topic for a question.
    mentions: tuple[str, ...]
    spellings: dict[str, tuple[str, ...]]  # canonical -> what people type
    # Words that say nothing urgent on their own ("my", "husband", "tonight"): a short
    # message of little else is never urgent on the second reader's word alone.
    plain_words: tuple[str, ...] = ()
    # Words only the romanised phrases use ("saans", "behosh", "nathi"): known to the mender,
    # so never mended into English, but never a piece it cuts an unknown word into
    # ("vasovagal" is no "vas ova gal").
    romanised: frozenset[str] = frozenset()

    @classmethod
    def from_content(cls, content: Content) -> Lexicon:
        def both(key: str) -> tuple[str, ...]:
            """The English entry, then the romanised one under the same name."""
            return content.words(f"{KEY}.{key}") + content.words(f"{ROMANISED}.{key}")

        def names(key: str) -> list[str]:
            return list(dict.fromkeys([*content.keys_under(f"{KEY}.{key}"),
                                       *content.keys_under(f"{ROMANISED}.{key}")]))

        targets = {label: both(f"targets.{label}") for label in names("targets")}
        context = {
            kind: {direction: both(f"context.{kind}.{direction}") for direction in DIRECTIONS}
            for kind in CONTEXT_KINDS
        }
        spellings = {canonical: both(f"spellings.{canonical}")
                     for canonical in names("spellings")}
        if not targets:
            raise ValueError(f"no safety targets under {KEY}.targets in content")
        english = {w for label in content.keys_under(f"{KEY}.targets")
                   for phrase in content.words(f"{KEY}.targets.{label}")
                   for w in words_of(phrase)}
        romanised = {w for label in content.keys_under(f"{ROMANISED}.targets")
                     for phrase in content.words(f"{ROMANISED}.targets.{label}")
                     for w in words_of(phrase)} - english
        return cls(targets=targets, context=context,
                   pseudo=both("context.pseudo"), terminate=both("context.terminate"),
                   idioms=both("idioms"), mentions=both("mentions"), spellings=spellings,
                   plain_words=both("plain_words"), romanised=frozenset(romanised))
