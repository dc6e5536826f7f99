"""Options are numbered inside the text on SMS and the console; Telegram shows buttons."""

from __future__ import annotations

import regex

from bot.core.content import library
from bot.core.events import Option, Outbound
from bot.core.render import (
    MAX_PARTS,
    characters_that_fit,
    numbered,
    render_sms,
    render_telegram_preview,
)

CONTENT = library().for_language("en")
QUESTION = Outbound("How often?",
                    (Option("weekly", "Once a week"), Option("twice", "Twice a week")),
                    reply_hint="Reply 1 or 2.")


def test_numbered_options_and_hint() -> None:
    assert numbered(QUESTION) == "How often?\n1 Once a week\n2 Twice a week\nReply 1 or 2."


def test_plain_message_is_unchanged() -> None:
    assert numbered(Outbound("Hello!")) == "Hello!"


def test_sms_rendering_counts_segments_and_normalises() -> None:
    rendered = render_sms(Outbound("It\u2019s lovely \U0001f333 out."))
    assert rendered.parts == ("It's lovely out.",)
    assert rendered.segments == 1
    assert rendered.encoding == "GSM-7"


def test_sms_unicode_kept_only_when_allowed() -> None:
    message = Outbound("Thanks, \u0645\u062d\u0645\u062f!")
    assert render_sms(message).parts == ("Thanks!",)
    kept = render_sms(message, allow_unicode=True)
    assert kept.encoding == "UCS-2"
    assert "\u0645" in kept.parts[0]


def test_long_sms_is_split_into_texts_of_at_most_two_segments() -> None:
    body = "\n".join(f"Answer {n}: something people told us about themselves." for n in range(20))
    rendered = render_sms(Outbound(body))
    assert len(rendered.parts) > 1
    assert rendered.segments >= len(rendered.parts)


def test_telegram_preview_shows_buttons_ticks_and_done() -> None:
    multi = Outbound("Pick", (Option("a", "Walking"), Option("b", "Gym")), multi=True,
                     chosen=("b",))
    text = render_telegram_preview(multi, CONTENT).parts[0]
    assert text == "Pick\n[Walking] [\u2713 Gym] [Done]"


# -- how much fits, as a reader counts (break-test nc13) ---------------------------------------
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 7 code points, 11 units


def test_how_much_fits_counts_what_a_reader_sees_and_that_much_fits() -> None:
    for typed, unicode, said in [(" ".join([FAMILY] * 50), True, 80),
                                 ("\U0001f44d" * 300, True, 250),
                                 ("Pay \u20ac5 ~ [Sat] {gate} " * 60, False, 900),
                                 ("walk " * 300, False, 1150)]:
        # Of a whole text, and of the words after a name (what a writer trims).
        whole = characters_that_fit(f"Sam: {typed}", allow_unicode=unicode)
        trimmed = "".join(regex.findall(r"\X", f"Sam: {typed}")[:whole])
        assert len(render_sms(Outbound(trimmed), allow_unicode=unicode).parts) <= MAX_PARTS
        count = characters_that_fit(typed, lead="Sam: ", allow_unicode=unicode)
        assert count == said, typed[:20]
        trimmed = "".join(regex.findall(r"\X", typed)[:count])
        rendered = render_sms(Outbound(f"Sam: {trimmed}"), allow_unicode=unicode)
        assert len(rendered.parts) <= MAX_PARTS
