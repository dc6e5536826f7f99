"""The safety screen end to end on both channels: SMS through signed Twilio webhooks and
the twilio library (outbound calls checked against Twilio's published API description),
Telegram through python-telegram-bot against telegram-test-api."""

from __future__ import annotations

from bot.config import Settings
from bot.core.gsm7 import is_gsm7, measure
from support.sms import sms_service
from support.telegram import TOKEN, press, telegram_bot
from support.twilio_stub import TwilioStub
from telegram_emulator.emulator import TelegramEmulator

ANN = "+447700900181"


async def test_sms_emergencies_are_answered_in_two_segments_even_after_stop(
        settings: Settings, stub: TwilioStub) -> None:
    async with sms_service(settings, stub) as sms:
        await sms.text(ANN, "hi")
        await sms.text(ANN, "1")
        before = len(sms.bodies_to(ANN))
        await sms.text(ANN, "HELP my face has gone droopy and i cant lift my arm")
        replies = sms.bodies_to(ANN)[before:]
        assert "FAST" in replies[0] and "999" in replies[0]
        for body in replies:
            assert is_gsm7(body) and measure(body).segments <= 2, body
        await sms.text(ANN, "STOP")
        stopped = len(sms.bodies_to(ANN))
        await sms.text(ANN, "menu")
        assert len(sms.bodies_to(ANN)) == stopped  # nothing after STOP...
        await sms.text(ANN, "i took all my tablets, sorry")
        [reply] = sms.bodies_to(ANN)[stopped:]  # ...except the reply to their own crisis
        assert "116 123" in reply and "999" in reply


async def test_telegram_crisis_mid_onboarding_is_answered_and_the_question_kept(
        settings: Settings) -> None:
    async with TelegramEmulator(token=TOKEN) as emulator, \
            telegram_bot(settings, emulator) as _bot:
        user = emulator.user(1801, "Ann")
        await user.send_command("start")
        _welcome, privacy = await user.wait_for_messages(2, timeout=10)
        await press(user, privacy, "OK, let's start")
        [health] = await user.wait_for_messages(1, timeout=10)
        assert health.text and health.text.startswith("You can skip any question")
        await user.send_text("honestly i just want to go to sleep and never wake up")
        reply, carry_on = await user.wait_for_messages(2, timeout=10)
        assert reply.text and "116 123" in reply.text and "85258" in reply.text
        assert carry_on.text and "carry on" in carry_on.text
        await press(user, health, "Yes")  # the question they were on still works
        [messages] = await user.wait_for_messages(1, timeout=10)
        assert messages.text and messages.text.startswith("Would you like friendly messages")
