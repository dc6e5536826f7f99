"""A button press is handled whatever Telegram answers the cosmetic edit that goes with it
(showing the choice, or a tick): flood control (429), a 5xx after every retry, a 403, an
old message. The edit's failure is logged by kind, never with the message, the choice or
who pressed. The real python-telegram-bot (`Update.de_json`) into the real Telegram
channel, against the repo's Bot API stub (support/group_api.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.channels import telegram as telegram_module
from bot.channels.telegram_keyboards import TICK
from bot.channels.telegram_request import RetryingRequest
from bot.config import Settings
from support.group_api import GroupBot, Updates, group_bot, person

KIM = person(7401, "Kim")
PRIVACY = "Before we start"
HEALTH = "You can skip any question"
MOVEMENT = "What movement do you enjoy"
# Every edit failure Telegram can give: (status, description, how many times in a row).
FAILURES = [
    (429, "Too Many Requests: retry after 5", 1),
    (502, "Bad Gateway", 4),  # more than RetryingRequest's four tries
    (500, "Internal Server Error", 4),
    (403, "Forbidden: bot was blocked by the user", 1),
    (400, "Bad Request: message can't be edited", 1),
    (400, "Bad Request: message is not modified", 1),
]
IDS = ["429", "502x4", "500x4", "403", "400_old", "400_not_modified"]


def _fast() -> RetryingRequest:
    return RetryingRequest(first_wait=0.01, max_wait=0.02)


def _question(bot: GroupBot, starts: str) -> dict[str, Any]:
    [message] = [m for m in bot.api.messages if m["chat"]["id"] == KIM["id"]
                 and str(m.get("text", "")).startswith(starts)][-1:]
    return message


def _quiet_about(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in secrets:
        assert secret not in logged, secret


@pytest.mark.parametrize(("status", "description", "times"), FAILURES, ids=IDS)
async def test_a_press_is_handled_when_showing_the_choice_fails(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        status: int, description: str, times: int) -> None:
    monkeypatch.setattr(telegram_module, "RetryingRequest", _fast)
    caplog.set_level(logging.INFO)
    async with group_bot(settings) as bot:
        await bot.feed(Updates.private(KIM, "hi"))
        privacy = _question(bot, PRIVACY)
        bot.api.forget()
        for _ in range(times):
            bot.api.fail_next("editMessageText", status, description)
        await bot.feed(Updates.pressed(KIM, privacy, "OK, let's start"))
        # The choice was made: the next question came, although the edit never went.
        assert len(bot.api.called("editMessageText")) == times
        replies = bot.api.texts_to(KIM["id"])
        assert replies and replies[-1].startswith(HEALTH), replies
        assert "could not show the choice on a pressed message" in caplog.text
        _quiet_about(caplog, "OK, let's start", PRIVACY, "Kim", str(KIM["id"]))
        # And the conversation carries on as ever.
        await bot.feed(Updates.pressed(KIM, _question(bot, HEALTH), "Yes"))
        assert bot.api.texts_to(KIM["id"])[-1].startswith("Would you like friendly messages")


@pytest.mark.parametrize(("status", "description", "times"), FAILURES[:4], ids=IDS[:4])
async def test_a_tick_that_cannot_be_shown_is_not_lost_for_good(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        status: int, description: str, times: int) -> None:
    """A tick lives in the keyboard: when the keyboard can't change, nothing breaks, the
    next press works, and Done still answers the question."""
    monkeypatch.setattr(telegram_module, "RetryingRequest", _fast)
    caplog.set_level(logging.INFO)
    async with group_bot(settings) as bot:
        for text in ("hi", "1", "1", "1", "Kim"):
            await bot.feed(Updates.private(KIM, text))
        movement = _question(bot, MOVEMENT)
        for _ in range(times):
            bot.api.fail_next("editMessageReplyMarkup", status, description)
        await bot.feed(Updates.pressed(KIM, movement, "Walking"))  # raises nothing
        assert "could not tick a box on a pressed message" in caplog.text
        await bot.feed(Updates.pressed(KIM, movement, "Walking"))  # pressed again: ticked
        [*_, edit] = bot.api.called("editMessageReplyMarkup")
        ticked = {**movement, "reply_markup": edit["reply_markup"]}
        labels = [b["text"] for row in edit["reply_markup"]["inline_keyboard"] for b in row]
        assert f"{TICK}Walking" in labels
        bot.api.fail_next("editMessageText", status, description)
        await bot.feed(Updates.pressed(KIM, ticked, "Done"))
        assert bot.api.texts_to(KIM["id"])[-1].startswith("What would help you get moving")
        _quiet_about(caplog, "Walking", MOVEMENT)
