"""The safety lexicon from `content/<language>/safety_lexicon.yaml`, as plain values.

Targets are what the screen looks for (one list of phrases per label); context rules are
ConText modifiers (negated, historical, hypothetical, quoted, someone else, an animal, the
writer again, pseudo, terminate);
idioms are phrases that contain a trigger word but mean nothing urgent; mentions name a
condition as background (they stop a target, not a question's topic); spellings mend
texting forms and misspellings before anything is looked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.content import Content

KEY = "safety_lexicon"
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

    @classmethod
    def from_content(cls, content: Content) -> Lexicon:
        targets = {label: content.words(f"{KEY}.targets.{label}")
                   for label in content.keys_under(f"{KEY}.targets")}
        context = {
            kind: {direction: content.words(f"{KEY}.context.{kind}.{direction}")
                   for direction in DIRECTIONS}
            for kind in CONTEXT_KINDS
        }
        spellings = {canonical: content.words(f"{KEY}.spellings.{canonical}")
                     for canonical in content.keys_under(f"{KEY}.spellings")}
        if not targets:
            raise ValueError(f"no safety targets under {KEY}.targets in content")
        return cls(targets=targets, context=context,
                   pseudo=content.words(f"{KEY}.context.pseudo"),
                   terminate=content.words(f"{KEY}.context.terminate"),
                   idioms=content.words(f"{KEY}.idioms"),
                   mentions=content.words(f"{KEY}.mentions"), spellings=spellings,
                   plain_words=content.words(f"{KEY}.plain_words"))
