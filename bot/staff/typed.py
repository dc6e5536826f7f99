"""What staff type, made safe to keep and to show: without NUL (PostgreSQL refuses it in
text, so a name with one was a 500 there) and without the bidi controls that reorder the
characters after them: the embeddings and overrides (U+202A-U+202E), the isolates
(U+2066-U+2069) and the marks (U+200E, U+200F). A name or a note holding a right-to-left
override shows other words than it holds, and can turn the rest of its line round.

They are taken out, not refused: nobody types them on purpose, and a name pasted from
somewhere with one in it is still the name. The console takes them out of every form it
reads (`bot.console.security.cleaned_form`), and account names lose them however they
come (`accounts.add`: the console, `movemates staff add`, an organisation's sign-in).
Residents' own words are cleaned on the way in by the engine (`core.textnorm.storable`).
"""

from __future__ import annotations

UNSAFE = dict.fromkeys([0x00, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def cleaned(text: str) -> str:
    """`text` without NUL and the bidi controls that reorder what follows them."""
    return text.translate(UNSAFE)
