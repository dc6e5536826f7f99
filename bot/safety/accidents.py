"""An accident is not a crisis: bleach or weedkiller swallowed by mistake ("it was in a
squash bottle"), a burn on the oven or the kettle. The lexicon reads "drank bleach" and
"burned my arm" as a crisis (self-harm, poison) unless the message says it was an
accident (`accident` cues: "by accident", "by mistake", "thought it was squash", "on the
oven"), and nothing says it was meant (`deliberate`: "on purpose", "it wasn't an
accident"). Then the finding is the writer's other 999 sign (poison, a bad burn: the
`other_urgent` reply), never the Samaritans reply. Read by the screen (screen.py).
"""

from __future__ import annotations

from spacy.tokens import Span

# Crisis findings an accident explains: poison drunk, and self-harm by burning.
BURNS = frozenset({"burn", "burns", "burnt", "burned", "burning", "scald", "scalded",
                   "scalding"})


def accidental(span: Span, cues: set[str] | frozenset[str]) -> bool:
    """Whether the finding `span` is an accident the message names (see the module)."""
    if "accident" not in cues or "deliberate" in cues:
        return False
    if span.label_ == "poison":
        return True
    return span.label_ == "crisis" and any(t.lower_ in BURNS for t in span)
