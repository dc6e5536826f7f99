"""On SMS the messages of one turn are joined into as few texts as fit the segment budget;
Telegram keeps them apart."""

from __future__ import annotations

from bot.channels.bundling import bundle_for_sms, bundle_turn
from bot.core.events import Address, Option, Outbound
from bot.core.render import render_sms

QUESTION = Outbound("Would you like some ideas?", options=(Option("yes", "Yes please"),
                                                           Option("no", "Not now")),
                    reply_hint="Reply 1 or 2.", ref="suggest_offer.ask")


def test_short_messages_and_their_question_travel_as_one_text() -> None:
    turn = [Outbound("You're all set!"), Outbound("Moving is safe."), QUESTION]
    [text] = bundle_for_sms(turn)
    assert text.text == "You're all set!\n\nMoving is safe.\n\nWould you like some ideas?"
    assert text.options == QUESTION.options and text.ref == QUESTION.ref
    assert render_sms(text).parts[-1].endswith("2 Not now\nReply 1 or 2.")


def test_nothing_is_joined_after_a_question() -> None:
    turn = [QUESTION, Outbound("Thanks.")]
    assert bundle_for_sms(turn) == turn


def test_a_bundle_never_grows_past_the_segment_budget() -> None:
    turn = [Outbound(f"Idea {n}. " + "A sentence about a place near you. " * 3)
            for n in range(1, 6)]
    bundled = bundle_for_sms(turn)
    assert 1 < len(bundled) < len(turn)
    assert all(len(render_sms(b).parts) == 1 for b in bundled)
    assert "\n\n".join(b.text for b in bundled) == "\n\n".join(m.text for m in turn)


def test_a_message_already_too_long_is_left_for_the_sender_to_split() -> None:
    long = Outbound("word " * 200)
    assert bundle_for_sms([Outbound("Hello."), long]) == [Outbound("Hello."), long]


def test_telegram_keeps_separate_messages() -> None:
    turn = [Outbound("You're all set!"), QUESTION]
    assert bundle_turn(Address("telegram", "42"), turn) == turn
    assert len(bundle_turn(Address("sms", "+447700900123"), turn)) == 1
