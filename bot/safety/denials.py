"""A crisis denied in the writer's words: "I'm not suicidal", "not feeling suicidal, just
tired of the rain", "not at all suicidal". A crisis phrase is denied only by a negation
right before it (ConText's negation for crisis reaches two words, context_rules.py), with
at most a few words between that say nothing else ("feeling", "at all", "really"): "not
sure, I don't want to live" and "not good, suicidal thoughts" stay crises. Read by the
screen (screen.py) for each crisis finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span

# Words that may stand between a negation and the crisis it denies.
BETWEEN = frozenset({"feeling", "feel", "felt", "thinking", "having", "at", "all", "really",
                     "remotely", "actually", "ever", "even", "being", "been", "in", "any",
                     "way", "the", "least", "thoughts", "thought", "of", "about"})
MOST_BETWEEN = 3


def denials(doc: Doc) -> list[int]:
    """Where each forward negation ends ("not" in "I'm not suicidal or anything, just
    low"): ConText keeps one rule per span, and the wider one (which crisis may not take)
    can hide the two-word one that crisis does."""
    return [m.modifier_span[1] for m in doc._.context_graph.modifiers
            if m.category == "NEGATED_EXISTENCE" and m.direction in ("FORWARD", "BIDIRECTIONAL")]


def denied(span: Span, ends: Sequence[int]) -> bool:
    """Whether a negation ends right before the crisis `span`, or a few `BETWEEN` words
    before it."""
    doc = span.doc
    return any(0 <= span.start - end <= MOST_BETWEEN
               and all(t.lower_ in BETWEEN for t in doc[end:span.start]) for end in ends)
