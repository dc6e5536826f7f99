"""Options are numbered inside the text on SMS and the console; Telegram shows buttons."""

from __future__ import annotations

from bot.core.content import library
from bot.core.events import Option, Outbound
from bot.core.render import numbered, render_sms, render_telegram_preview

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
