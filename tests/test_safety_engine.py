"""The safety screen through the real engine, storage and dispatcher, on SMS and Telegram:
urgent replies, alerts that reach the duty team, ALERT commands, escalation, STOP,
medical questions, distress, peer chats, erasure and retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.core.events import Address, Inbound
from bot.extensions import retention
from bot.jobs import escalate_alerts
from bot.safety.models import SafetyAlert
from bot.storage.models import AuditEntry, Person
from support.engine import ONBOARDING
from support.peers import PeerWorld, peer_world

RESIDENTS = {"sms": Address("sms", "+447700900301"), "telegram": Address("telegram", "30301")}
COORDINATOR = Address("telegram", "30399")
SUPPORTER = Address("sms", "+447700900398")


async def alerts_in(world: PeerWorld) -> list[dict[str, object]]:
    return await world.rows(SafetyAlert)


async def coordinator(world: PeerWorld, on_duty: bool = True) -> None:
    await world.moderator(COORDINATOR, "Sam", role="coordinator")
    if on_duty:
        heard = await world.says(COORDINATOR, "on duty")
        assert "on duty" in heard.only(COORDINATOR)

async def chatting(world: PeerWorld, resident: Address, supporter: Address) -> None:
    """Ann, a resident, in a chat with Priya, a peer supporter."""
    await world.supporter(supporter, "Priya")
    await world.resident(resident, "Ann")
    await world.asks_for_buddy(resident)
    await world.connected(resident, supporter)



@pytest.mark.parametrize("channel", ["sms", "telegram"])
async def test_an_emergency_is_answered_and_the_duty_team_hears_at_once(
        settings: Settings, channel: str) -> None:
    resident = RESIDENTS[channel]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Margaret")
        heard = await world.says(resident, "cnt breathe properly and my chest is so tight")
        reply = heard.text(resident)
        assert "999" in reply
        notice = heard.only(COORDINATOR)
        assert notice.startswith("Safety alert 1:") and "ALERT 1" in notice
        assert "breathe" not in notice  # the words are seen only on request
        [alert] = await alerts_in(world)
        assert alert["status"] == "open" and alert["channel"] == channel
        assert alert["person_id"] == await world.person_id(resident)
        assert alert["notified"] == 1

        shown = (await world.says(COORDINATOR, "ALERT 1")).only(COORDINATOR)
        assert "cnt breathe properly" in shown and "Margaret" in shown
        assert "yours now" in (await world.says(COORDINATOR, "alert 1 ok")).only(COORDINATOR)
        await world.says(COORDINATOR, "ALERT 1 NOTE rang her, ambulance on its way")
        closed = (await world.says(COORDINATOR, "ALERT 1 CLOSE she is in hospital"))
        assert "closed" in closed.only(COORDINATOR)
        [alert] = await alerts_in(world)
        assert alert["status"] == "closed" and alert["acknowledged_at"] is not None
        notes = [n["text"] for n in alert["notes"]["notes"]]
        assert notes == ["rang her, ambulance on its way", "she is in hospital"]
        actions = {r["action"] for r in await world.rows(AuditEntry)}
        assert {"safety_alert_opened", "safety_alert_viewed", "safety_alert_ok",
                "safety_alert_note", "safety_alert_close"} <= actions
        # The resident carries on as before.
        assert (await world.says(resident, "hello")).text(resident)


async def test_with_nobody_on_duty_every_coordinator_is_told(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world, on_duty=False)
        await world.resident(RESIDENTS["sms"], "Ann")
        heard = await world.says(RESIDENTS["sms"], "i think im having a stroke, face gone droopy")
        assert "FAST" in heard.text(RESIDENTS["sms"])
        assert "Safety alert 1" in heard.only(COORDINATOR)


async def test_an_alert_nobody_picks_up_goes_to_every_coordinator(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world, on_duty=False)
        await world.supporter(SUPPORTER, "Priya")
        assert "on duty" in (await world.says(SUPPORTER, "ON DUTY")).only(SUPPORTER)
        await world.resident(RESIDENTS["telegram"], "Ann")
        heard = await world.says(RESIDENTS["telegram"], "everyone would be better off without me")
        assert "116 123" in heard.text(RESIDENTS["telegram"])
        assert "Safety alert 1" in heard.only(SUPPORTER)
        assert COORDINATOR not in heard  # told only on duty, not yet
        await world.later(timedelta(minutes=10))
        assert await escalate_alerts(world.services) == 0
        await world.later(timedelta(minutes=6))
        assert await escalate_alerts(world.services) == 1
        heard = await world.delivered()
        assert "Nobody has picked it up yet" in heard.only(COORDINATOR)
        assert await escalate_alerts(world.services) == 0  # once


async def test_an_alert_picked_up_in_time_is_not_escalated(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(RESIDENTS["sms"], "Ann")
        await world.says(RESIDENTS["sms"], "just fell down the stairs and my wrist is swollen")
        await world.says(COORDINATOR, "ALERT 1 OK")
        await world.later(timedelta(minutes=30))
        assert await escalate_alerts(world.services) == 0


async def test_after_stop_a_crisis_still_gets_its_reply_and_an_alert(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        await world.says(resident, "STOP")
        assert (await world.says(resident, "hello?")).text(resident) == ""
        heard = await world.says(resident, "i want to kill myself")
        [reply] = heard.texts(resident)  # the one reply: no "carry on", nothing more
        assert "116 123" in reply
        assert "Safety alert 1" in heard.only(COORDINATOR)
        # Still opted out: nothing else reaches them.
        assert (await world.says(resident, "what walks are near me")).text(resident) == ""


async def test_a_crisis_and_an_ask_to_stop_in_one_message_get_both(settings: Settings) -> None:
    """From a newcomer's break-test (thirteenth session): "i want to die. stop messaging me"
    got the crisis reply, and the next "hello?" got the menu: the ask in its own sentence
    was not read as a stop."""
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        heard = await world.says(resident, "i want to die. stop messaging me")
        assert "116 123" in heard.text(resident)
        assert "Safety alert 1" in heard.only(COORDINATOR)
        assert (await world.says(resident, "hello?")).text(resident) == ""


async def test_a_crisis_split_over_two_messages_is_read_whole(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        heard = await world.says(resident, "so tired of everything, been thinking about killing")
        assert "SHOUT" not in heard.text(resident)  # alone, it could be anything
        heard = await world.says(resident, "myself")
        assert "SHOUT" in heard.text(resident)
        assert "Safety alert 1" in heard.only(COORDINATOR)
        [alert] = await alerts_in(world)
        assert alert["category"] == "crisis"
        assert "kill" in str(alert["text"]) and "myself" in str(alert["text"])
        # Answered once: the same words are not read again with the next message.
        heard = await world.says(resident, "sorry")
        assert "SHOUT" not in heard.text(resident) and len(await alerts_in(world)) == 1


async def test_a_split_crisis_mid_onboarding_and_after_stop_is_answered(
        settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world)
        mid = Address("sms", "+447700900611")
        await world.conversation(mid, *ONBOARDING[:3])
        await world.says(mid, "about killing")
        heard = await world.says(mid, "myself")
        assert "SHOUT" in heard.text(mid)
        stopped = Address("sms", "+447700900612")
        await world.resident(stopped, "Bea")
        await world.says(stopped, "STOP")
        assert (await world.says(stopped, "about killing")).text(stopped) == ""
        heard = await world.says(stopped, "myself")
        assert "SHOUT" in heard.text(stopped)
        assert len(await alerts_in(world)) == 2


async def test_messages_minutes_apart_are_not_read_together(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "about killing")
        await world.later(timedelta(minutes=20))
        heard = await world.says(resident, "myself")
        assert "SHOUT" not in heard.text(resident)
        # A number alone is an answer, never a reading of the words before it.
        await world.says(resident, "feeling low today tbh")
        heard = await world.says(resident, "2")
        assert "hypo" not in heard.text(resident)
        # Ordinary messages one after another are read alone too.
        await world.says(resident, "my chest of drawers is finally built")
        heard = await world.says(resident, "pain in the neck it was")
        assert "999" not in heard.text(resident)


async def test_a_crisis_ending_in_a_stop_word_is_answered_and_the_stop_honoured(
        settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        await world.says(resident, "honestly some days i just want to")
        heard = await world.says(resident, "end")
        texts = heard.texts(resident)
        assert "SHOUT" in texts[0] and "won't get any more" in texts[-1]
        assert "Safety alert 1" in heard.only(COORDINATOR)
        assert (await world.says(resident, "hello?")).text(resident) == ""  # STOP holds


async def test_a_plea_split_over_two_messages_gets_999_not_the_help_text(
        settings: Settings) -> None:
    resident = RESIDENTS["telegram"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "someone please")
        heard = await world.says(resident, "help")
        assert "999" in heard.text(resident)
        # Commands are never the start of a sentence: "menu", then "my chest".
        await world.later(timedelta(minutes=10))
        await world.says(resident, "menu")
        heard = await world.says(resident, "my chest")
        assert "team has been told" not in heard.text(resident)
        # "help" twice is help twice.
        await world.says(resident, "help")
        heard = await world.says(resident, "help")
        assert "team has been told" not in heard.text(resident)


async def test_a_reading_sent_after_its_words_and_answers_before_words(
        settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "just checked my levels are")
        heard = await world.says(resident, "2.6")
        assert "hypo" in heard.text(resident)
        await world.later(timedelta(minutes=10))
        await world.says(resident, "1")  # an answer, not the start of a reading
        heard = await world.says(resident, "bit shaky")
        assert "hypo" not in heard.text(resident)


async def test_someone_else_split_over_messages_gets_the_999_stay_with_them_reply(
        settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "my husband has")
        heard = await world.says(resident, "collapsed")
        assert "stay with them" in heard.text(resident)


async def test_more_of_the_same_crisis_joins_its_open_alert(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        heard = await world.says(resident, "i want to end it all")
        assert "Safety alert 1" in heard.only(COORDINATOR)
        heard = await world.says(resident, "i mean it, i have the tablets here")
        assert "SHOUT" in heard.text(resident)  # answered again
        assert not heard.texts(COORDINATOR)  # nobody told twice
        [alert] = await alerts_in(world)
        assert "end it all" in str(alert["text"]) and "tablets" in str(alert["text"])
        # Acknowledged, or long after: a new alert.
        await world.later(timedelta(minutes=40))
        heard = await world.says(resident, "i want to die")
        assert "Safety alert 2" in heard.only(COORDINATOR)


async def test_other_trouble_within_the_half_hour_opens_its_own_alert(
        settings: Settings) -> None:
    # A newcomer's break-test: "my husband has collapsed" joined the "breathing" alert
    # opened a minute before, so nobody was told and it still said "breathing".
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        heard = await world.says(resident, "i cant breathe properly, lips going blue")
        assert "Safety alert 1" in heard.only(COORDINATOR)
        await world.later(timedelta(minutes=1))
        heard = await world.says(resident, "now my husband has collapsed on the floor")
        assert "stay with them" in heard.text(resident)
        assert "Safety alert 2" in heard.only(COORDINATOR)
        topics = [(a["id"], a["topic"]) for a in await alerts_in(world)]
        assert topics == [(1, "breathing"), (2, "someone_else")]


async def test_someone_elses_crisis_names_samaritans_for_them_and_for_you(
        settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        text = (await world.says(resident, "my son has been talking about killing himself")
                ).text(resident)
        assert "999" in text and "116 123" in text and "for them and for you" in text


async def test_a_double_dose_asked_about_is_signposted_not_stored(settings: Settings) -> None:
    resident = Address("sms", "+447700900613")
    async with peer_world(settings) as world:
        await world.conversation(resident, *ONBOARDING[:3])
        before = (await world.rows(Person, Person.id == await world.person_id(resident)))[0]
        heard = await world.says(resident, "i took my tablets twice by mistake is that ok")
        assert "pharmacist" in heard.text(resident)
        after = (await world.rows(Person, Person.id == await world.person_id(resident)))[0]
        assert (after["step"], after["answers"], after["name"]) == (
            before["step"], before["answers"], before["name"])


async def test_residents_cannot_use_the_duty_teams_words(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await world.resident(RESIDENTS["sms"], "Ann")
        for words in ("ALERTS", "ALERT 1", "on duty"):
            heard = await world.says(RESIDENTS["sms"], words)
            assert "only for the duty team" in heard.text(RESIDENTS["sms"])


async def test_alert_commands_answer_unknown_and_closed_alerts(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world)
        assert "No open" in (await world.says(COORDINATOR, "ALERTS")).only(COORDINATOR)
        assert "no safety alert 7" in (await world.says(COORDINATOR, "ALERT 7")).only(COORDINATOR)
        await world.resident(RESIDENTS["sms"], "Ann")
        await world.says(RESIDENTS["sms"], "sugar is 2.4 and im shaking")
        listed = (await world.says(COORDINATOR, "alerts")).only(COORDINATOR)
        assert "1: low blood sugar" in listed
        assert "a few words" in (await world.says(COORDINATOR, "ALERT 1 NOTE")).only(COORDINATOR)
        assert "a few words" in (await world.says(COORDINATOR, "ALERT 1 CLOSE")).only(
            COORDINATOR)
        await world.says(COORDINATOR, "ALERT 1 OK")
        again = (await world.says(COORDINATOR, "ALERT 1 OK")).only(COORDINATOR)
        assert again == "Alert 1 is already picked up, by Sam."
        assert "Picked up by Sam" in (await world.says(COORDINATOR, "ALERT 1")).only(COORDINATOR)
        for odd in ("ALERT -1", "ALERT 1.5", "ALERT 99999999999", "ALERT 1 maybe"):
            said = (await world.says(COORDINATOR, odd)).only(COORDINATOR)
            assert said.startswith("To see an alert, send ALERT"), odd
        long_note = "rang her " * 100
        said = (await world.says(COORDINATOR, f"ALERT 1 CLOSE {long_note}")).only(COORDINATOR)
        assert "Only the first 500 characters" in said
        assert "already closed" in (await world.says(COORDINATOR, "ALERT 1 OK")).only(
            COORDINATOR)


@pytest.mark.parametrize("channel", ["sms", "telegram"])
async def test_a_medical_question_mid_onboarding_is_signposted_and_never_stored(
        settings: Settings, channel: str) -> None:
    resident = RESIDENTS[channel]
    async with peer_world(settings) as world:
        await world.conversation(resident, "hi", "1")
        before = (await world.rows(Person))[0]
        heard = await world.says(resident, "should I take my insulin before swimming?")
        texts = heard.texts(resident)
        assert "can't give medical advice" in texts[0]
        assert "health details" in " ".join(texts[1:])  # the same question again
        after = (await world.rows(Person))[0]
        assert (after["flow"], after["step"], after["answers"]) == (
            before["flow"], before["step"], before["answers"])


async def test_a_medical_question_as_a_first_message_is_signposted(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        heard = await world.says(resident, "is it safe to walk with my new knee?")
        assert "can't give medical advice" in heard.text(resident)
        assert "Good to hear" not in heard.text(resident)


async def test_distress_between_conversations_is_met_with_care(settings: Settings) -> None:
    resident = RESIDENTS["telegram"]
    async with peer_world(settings) as world:
        await world.conversation(resident, *ONBOARDING, "2")  # with messages
        heard = await world.says(resident, "rubbish week tbh")
        text = heard.text(resident)
        assert "sorry things are hard" in text and "Good to hear" not in text
        assert "gentler" in (await world.says(resident, "1")).text(resident).casefold()
        [person] = await world.rows(Person)
        assert person["gentle_until"] is not None and person["flow"] is None


async def test_distress_about_health_mentions_the_gp_and_111(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        text = (await world.says(resident, "been in hospital with my chest")).text(resident)
        assert "GP" in text and "NHS 111" in text


async def test_distress_at_a_check_in_is_understood(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.conversation(resident, *ONBOARDING, "2")  # with messages
        await world.services.engine.handle(resident, Inbound.timeout("checkin"))
        assert "How has moving felt" in (await world.delivered()).text(resident)
        heard = await world.says(resident, "not good, my ms has flared up")
        text = heard.text(resident)
        assert "sorry" in text and "didn't quite get that" not in text
        assert "GP" in text  # health is worse: the GP and NHS 111 are named
        await world.says(resident, "1")  # "Pause for a week", first in the offer
        [person] = await world.rows(Person)
        assert person["paused_until"] is not None and person["flow"] is None


async def test_distress_that_a_question_cannot_use_gets_care_then_the_question(
        settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.conversation(resident, *ONBOARDING[:7])  # at "which days suit you?"
        heard = await world.says(resident, "honestly feeling really low at the moment")
        assert "sorry things are hard" in heard.text(resident)
        heard = await world.says(resident, "im ok thanks")
        assert "days" in heard.text(resident)


async def test_a_crisis_in_a_peer_chat_is_relayed_answered_and_alerted(
        settings: Settings) -> None:
    resident, supporter = RESIDENTS["sms"], Address("telegram", "30388")
    async with peer_world(settings) as world:
        await coordinator(world)
        await chatting(world, resident, supporter)
        heard = await world.says(resident, "honestly I just want to end it all")
        assert "116 123" in heard.text(resident)
        assert "end it all" in heard.text(supporter)  # their words still reach their peer
        assert "Safety alert 1" in heard.only(COORDINATOR)


async def test_distress_in_a_peer_chat_reaches_the_peer_and_gets_a_note_of_care(
        settings: Settings) -> None:
    resident, supporter = RESIDENTS["sms"], Address("telegram", "30388")
    async with peer_world(settings) as world:
        await chatting(world, resident, supporter)
        heard = await world.says(resident, "honestly feeling really low this week")
        assert "really low this week" in heard.text(supporter)  # their peer hears it
        note = heard.only(resident)
        assert note.startswith("Move Mates:") and "sorry things are hard" in note
        assert "116 123" in note and "really low" not in note
        # Their next words are for their peer too: no offer catches them.
        heard = await world.says(resident, "1")
        assert heard.text(supporter).endswith("1") and not heard.texts(resident)
        # Said again the same day: relayed, and no second note.
        heard = await world.says(resident, "still feel rubbish tbh")
        assert "rubbish" in heard.text(supporter) and not heard.texts(resident)
        await world.later(timedelta(hours=13))
        heard = await world.says(resident, "been in hospital with my chest, feeling awful")
        assert "hospital" in heard.text(supporter)
        assert "NHS 111" in heard.only(resident) and "GP" in heard.only(resident)
        # When the note was last given is theirs to see.
        heard = await world.says(resident, "my data")
        assert "things sounded hard" in heard.text(resident)


async def test_distress_in_a_chat_with_a_question_open_still_reaches_the_peer(
        settings: Settings) -> None:
    resident, supporter = RESIDENTS["sms"], Address("telegram", "30388")
    async with peer_world(settings) as world:
        await chatting(world, resident, supporter)
        await world.says(resident, "settings")  # a question of ours is open
        heard = await world.says(resident, "sorry, feeling so low and lonely today")
        assert "lonely today" in heard.text(supporter)
        assert "sorry things are hard" in heard.text(resident)
        [person] = await world.rows(Person, Person.id == await world.person_id(resident))
        assert person["flow"] != "care"


async def test_an_emergency_in_any_onboarding_step_leaves_the_step_unchanged(
        settings: Settings) -> None:
    async with peer_world(settings) as world:
        for step in range(1, len(ONBOARDING)):
            resident = Address("sms", f"+4477009004{step:02d}")
            await world.conversation(resident, *ONBOARDING[:step])
            person_id = await world.person_id(resident)
            before = (await world.rows(Person, Person.id == person_id))[0]
            heard = await world.says(resident, "my face has dropped and cant lift my arm")
            assert "FAST" in heard.text(resident), step
            after = (await world.rows(Person, Person.id == person_id))[0]
            assert (after["flow"], after["step"], after["answers"]) == (
                before["flow"], before["step"], before["answers"]), step


async def test_erasure_takes_the_person_and_their_words_out_of_alerts(
        settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "i collapsed in the kitchen just now")
        await world.conversation(resident, "delete my data", "1")
        [alert] = await alerts_in(world)
        assert alert["person_id"] is None and alert["text"] is None
        assert alert["topic"] == "fainting"  # the count stays


async def test_alert_words_are_forgotten_after_thirty_days(settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "i collapsed in the kitchen just now")
        await world.later(timedelta(days=29))
        await world.db(lambda c: retention.tidy(c, world.clock.now()))
        assert (await alerts_in(world))[0]["text"]
        await world.later(timedelta(days=2))
        tidied = await world.db(lambda c: retention.tidy(c, world.clock.now()))
        assert tidied.alert_texts == 1
        [alert] = await alerts_in(world)
        assert alert["text"] is None and alert["person_id"] is not None
        # The duty team is told the words are gone, not shown an empty quote.
        await world.moderator(COORDINATOR, "Sam", role="coordinator")
        shown = (await world.says(COORDINATOR, "ALERT 1")).only(COORDINATOR)
        assert "no longer kept" in shown


async def test_a_fault_in_the_screen_never_loses_the_message(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.safety.screen import SafetyScreen

    def broken(self: SafetyScreen, text: str) -> None:
        raise RuntimeError(f"boom {text}")

    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        monkeypatch.setattr(SafetyScreen, "assess", broken)
        heard = await world.says(resident, "hi")
        # Nobody knows what it says: the urgent numbers first, then the usual welcome, and
        # a person on our team reads it.
        [first, *rest] = heard.texts(resident)
        assert "something went wrong reading your message" in first
        assert "999" in first and "116 123" in first
        assert "Move Mates" in " ".join(rest)
        assert "Safety alert 1" in heard.only(COORDINATOR)
        [alert] = await alerts_in(world)
        assert (alert["topic"], alert["text"]) == ("unscreened", "hi")
        # After STOP nothing is sent, but a person still reads what came.
        await world.says(resident, "STOP")
        heard = await world.says(resident, "i cant go on like this")
        assert heard.texts(resident) == []
        [alert] = await alerts_in(world)  # still open: joined, as more of the same is
        assert alert["text"] == "hi\ni cant go on like this"


async def test_my_data_shows_alerts_that_name_them(settings: Settings) -> None:
    resident = RESIDENTS["telegram"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "i collapsed in the kitchen just now")
        heard = await world.says(resident, "my data")
        assert "Urgent messages our duty team was told about: 1" in heard.text(resident)


async def test_a_medical_question_from_someone_new_is_answered_then_welcomed(
        settings: Settings) -> None:
    resident = RESIDENTS["telegram"]
    async with peer_world(settings) as world:
        heard = await world.says(resident, "can I still do aquafit with my pacemaker?")
        texts = heard.texts(resident)
        assert "can't give medical advice" in texts[0]
        assert any("Move Mates" in t for t in texts[1:])


async def test_the_impact_report_counts_alerts_questions_and_care(settings: Settings) -> None:
    from bot.core.content import library
    from bot.tools.impact import as_text, gather

    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        await world.says(resident, "i collapsed in the kitchen just now")
        await world.says(COORDINATOR, "ALERT 1 OK")
        await world.says(resident, "is it safe to swim with my pacemaker?")
        now = world.clock.now()
        impact = await world.db(lambda c: gather(c, now - timedelta(days=1),
                                                 now + timedelta(days=1)))
    assert impact.total("safety") == 1 and impact.total("medical_question") == 1
    assert impact.alerts["alerts"] == 1 and impact.alerts["alerts_picked_up_in_time"] == 1
    text = as_text(impact, library().for_language("en"), exact=True)
    assert "Fainting: 1" in text and "Picked up within 15 minutes: 1" in text


async def test_the_fake_clock_stops_when_an_alert_falls_due_to_escalate(
        settings: Settings) -> None:
    from bot.jobs import advance_to

    async with peer_world(settings) as world:
        await coordinator(world, on_duty=False)
        await world.supporter(SUPPORTER, "Priya")
        await world.says(SUPPORTER, "on duty")
        await world.resident(RESIDENTS["sms"], "Ann")
        await world.says(RESIDENTS["sms"], "i collapsed in the kitchen just now")
        [alert] = await alerts_in(world)
        await advance_to(world.services, world.clock.now() + timedelta(days=3))
        [alert] = await alerts_in(world)
        assert alert["escalated_at"] == alert["created_at"] + timedelta(minutes=15)


@pytest.mark.parametrize("words,answer", [
    ("ALERT 999 chest pain cant breathe", "999"),
    ("alert 2 me, I've fallen and can't get up", "999"),
    ("Alert 1 ok i'm going to kill myself", "116 123"),
])
async def test_a_residents_message_starting_alert_is_still_screened(
        settings: Settings, words: str, answer: str) -> None:
    """Only the duty team's own ALERT commands go unscreened (they speak of someone else);
    a resident's message that happens to start "ALERT 2" is read like any other."""
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        heard = await world.says(resident, words)
        assert answer in heard.text(resident)
        assert "Safety alert 1" in heard.only(COORDINATOR)
        assert len(await alerts_in(world)) == 1


async def test_the_duty_teams_notes_are_not_screened(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(RESIDENTS["sms"], "Ann")
        await world.says(RESIDENTS["sms"], "i want to kill myself")
        heard = await world.says(COORDINATOR, "ALERT 1 NOTE she said she wants to kill herself")
        assert "116 123" not in heard.only(COORDINATOR)
        assert len(await alerts_in(world)) == 1


async def test_a_team_member_never_handles_an_alert_about_themselves(
        settings: Settings) -> None:
    """A volunteer on duty who is in crisis themselves: the alert goes to someone else, and
    they can neither see nor close it (or its 15-minute escalation would stop)."""
    async with peer_world(settings) as world:
        await coordinator(world, on_duty=False)
        await world.supporter(SUPPORTER, "Priya")
        await world.says(SUPPORTER, "ON DUTY")
        heard = await world.says(SUPPORTER, "i want to kill myself")
        assert "116 123" in heard.text(SUPPORTER)
        assert "about you" in (await world.says(SUPPORTER, "ALERT 1")).only(SUPPORTER)
        closed = (await world.says(SUPPORTER, "ALERT 1 CLOSE im fine")).only(SUPPORTER)
        assert "about you" in closed
        assert "No open" in (await world.says(SUPPORTER, "ALERTS")).only(SUPPORTER)
        [alert] = await alerts_in(world)
        assert alert["status"] == "open"
        await world.later(timedelta(minutes=16))
        assert await escalate_alerts(world.services) == 1
        assert "Nobody has picked it up" in (await world.delivered()).only(COORDINATOR)


async def test_an_escalation_says_when_the_alert_was_raised(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world, on_duty=False)
        await world.resident(RESIDENTS["sms"], "Ann")
        raised = world.clock.now()
        await world.says(RESIDENTS["sms"], "sugar is 2.1 and im shaking")
        await world.later(timedelta(minutes=16))
        assert await escalate_alerts(world.services) == 1
        notice = (await world.delivered()).only(COORDINATOR)
        from bot.core.clock import LONDON
        assert raised.astimezone(LONDON).strftime("%H:%M") in notice
        later = world.clock.now().astimezone(LONDON).strftime("%H:%M")
        assert later not in notice


async def test_alert_alone_or_run_together_is_understood(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(RESIDENTS["sms"], "Ann")
        await world.says(RESIDENTS["sms"], "i want to kill myself")
        assert "ALERT 12" in (await world.says(COORDINATOR, "ALERT")).only(COORDINATOR)
        assert "Ann" in (await world.says(COORDINATOR, "ALERT1")).only(COORDINATOR)


async def test_a_standing_symptom_told_when_asked_about_health_is_kept_with_when_to_get_help(
        settings: Settings) -> None:
    """Asked about their health, "COPD, get very breathless on hills" is their answer: kept,
    and met with when to get help, not "call 999 now"; any word of now and it is urgent."""
    async with peer_world(settings) as world:
        await coordinator(world)
        told = Address("sms", "+447700900621")
        await world.conversation(told, *ONBOARDING[:14])  # now at "anything about your health"
        heard = await world.says(told, "COPD, get very breathless on hills")
        texts = heard.texts(told)
        assert "too breathless to speak" in texts[0] and "team has been told" not in texts[0]
        assert "COPD, get very breathless on hills" in heard.text(told)  # read back: kept
        assert heard.texts(COORDINATOR) == [] and await alerts_in(world) == []
        heard = await world.says(told, "1")  # the read-back confirmed: onboarding goes on
        assert "COPD" not in heard.text(told)

        now = Address("sms", "+447700900622")
        await world.conversation(now, *ONBOARDING[:14])
        heard = await world.says(now, "i get chest pain on hills, its not easing this time")
        assert "call 999 now" in heard.text(now).lower()
        assert "Safety alert 1" in heard.only(COORDINATOR)

        # Outside a question about their health, the same words are answered as ever.
        idle = Address("sms", "+447700900623")
        await world.resident(idle, "Cath")
        heard = await world.says(idle, "I get chest pain on hills")
        assert "call 999 now" in heard.text(idle).lower()
        assert "Safety alert 2" in heard.only(COORDINATOR)


async def test_a_wish_to_stop_in_more_words_stops_and_is_no_crisis(settings: Settings) -> None:
    """"STOP. I don't want this anymore" refuses the service: stopped at once, no Samaritans
    reply and no alert. Only the other words are screened: "stop, i want to die" is both."""
    async with peer_world(settings) as world:
        await coordinator(world)
        for number, text in enumerate(["STOP. I don't want this anymore",
                                       "STOP i dont want this anymore", "stop please",
                                       "Hi, please stop texting me", "no more texts thanks x"]):
            who = Address("sms", f"+4477009006{30 + number}")
            await world.resident(who, "Ann")
            heard = await world.says(who, text)
            [stopped] = heard.texts(who)
            assert "won't get any more" in stopped and "116 123" not in stopped, text
            assert (await world.says(who, "hello?")).text(who) == "", text  # STOP holds
        assert heard.texts(COORDINATOR) == [] and await alerts_in(world) == []

        crisis = Address("sms", "+447700900640")
        await world.resident(crisis, "Bea")
        heard = await world.says(crisis, "stop, i want to die")
        texts = heard.texts(crisis)
        assert "116 123" in texts[0] and "won't get any more" in texts[-1]
        assert "Safety alert 1" in heard.only(COORDINATOR)

        # Told of, not asked: no stop.
        told = Address("sms", "+447700900641")
        await world.resident(told, "Cath")
        await world.says(told, "my friend said stop texting me so much lol")
        assert (await world.says(told, "menu")).text(told) != ""


async def test_in_a_peer_chat_only_the_stop_command_itself_stops(settings: Settings) -> None:
    resident, supporter = RESIDENTS["sms"], Address("telegram", "30388")
    async with peer_world(settings) as world:
        await chatting(world, resident, supporter)
        heard = await world.says(resident, "Stop it, you're making me laugh")
        assert "making me laugh" in heard.text(supporter)  # meant for their peer
        heard = await world.says(resident, "stop please")
        assert "won't get any more" in heard.text(resident)



async def test_at_are_you_sure_before_erasing_stop_in_more_words_keeps_them(
        settings: Settings) -> None:
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "delete my data")
        heard = await world.says(resident, "stop, i dont want to")
        assert "won't get any more" not in heard.text(resident)
        assert (await world.says(resident, "menu")).text(resident) != ""  # not stopped


async def test_a_crisis_with_a_stop_word_is_answered_whatever_the_order(
        settings: Settings) -> None:
    """"STOP. I don't want this life": the whole message is read when its other words say
    nothing alone; only a reason refusing the service itself is no crisis."""
    async with peer_world(settings) as world:
        await coordinator(world)
        for number, text in enumerate(["STOP. I don't want this life",
                                       "stop. i want to kill myself"]):
            who = Address("sms", f"+4477009006{60 + number}")
            await world.resident(who, "Ann")
            heard = await world.says(who, text)
            texts = heard.texts(who)
            assert "116 123" in texts[0] and "won't get any more" in texts[-1], text
        assert len(await alerts_in(world)) == 2


async def test_a_sentence_told_over_three_texts_is_read_whole(settings: Settings) -> None:
    async with peer_world(settings) as world:
        await coordinator(world)
        face = Address("sms", "+447700900670")
        await world.resident(face, "Ann")
        await world.says(face, "my face")
        await world.says(face, "is")
        heard = await world.says(face, "drooping")
        assert "FAST" in heard.text(face)
        # A number in the middle goes on the sentence ("I've taken" / "30" / "tablets").
        pills = Address("sms", "+447700900671")
        await world.resident(pills, "Bea")
        await world.says(pills, "I've taken")
        await world.says(pills, "30")
        heard = await world.says(pills, "tablets")
        assert "116 123" in heard.text(pills) or "999" in heard.text(pills)
        # A bare STOP word in the middle: stopped, and the sentence still read.
        end = Address("sms", "+447700900672")
        await world.resident(end, "Cath")
        await world.says(end, "i'm going to")
        await world.says(end, "end")
        heard = await world.says(end, "my life")
        assert "116 123" in heard.text(end)
        assert (await world.says(end, "hello")).text(end) == ""  # stopped all the same


async def test_on_telegram_cancel_leaves_what_they_are_doing(settings: Settings) -> None:
    resident = RESIDENTS["telegram"]
    async with peer_world(settings) as world:
        await world.resident(resident, "Ann")
        await world.says(resident, "delete my data")
        heard = await world.says(resident, "cancel")
        assert "won't get any more" not in heard.text(resident)
        assert (await world.says(resident, "menu")).text(resident) != ""  # still here
        heard = await world.says(resident, "stop")
        assert "won't get any more" in heard.text(resident)


@pytest.mark.parametrize("text", ["opt out", "OPT OUT", "Opt out please", "stop please",
                                  "STOP STOP", "unsubscribe", "i want to opt out",
                                  "please opt me out", "END"])
async def test_an_opt_out_word_is_a_stop_never_an_emergency(settings: Settings,
                                                            text: str) -> None:
    # The second reader once took "opt out" for fainting ("passed out") and "i want to opt
    # out" for a crisis: a wish to stop met with 999 advice and an alert.
    resident = RESIDENTS["sms"]
    async with peer_world(settings) as world:
        await coordinator(world)
        await world.resident(resident, "Ann")
        heard = await world.says(resident, text)
        assert heard.texts(resident) == [
            "You won't get any more messages from Move Mates. Reply START if you'd like to "
            "come back."], text
        assert not heard.texts(COORDINATOR)
        assert await alerts_in(world) == []


@pytest.mark.parametrize("code", ["D8B0-37C0-CBA1", "9CBA-F22D-C1FC", "E428-F9D8-7CBA",
                                  "0999-1A2B-3C4D"])
async def test_an_invite_code_is_never_read_by_the_safety_screen(settings: Settings,
                                                                 code: str) -> None:
    """A random code may hold "CBA" (texting's "can't be arsed"): the screen read about 1
    code in 1,300 as distress. Codes are ours and say nothing of the writer
    (bot/engine/screening.py INVITE_CODE)."""
    from bot.core.content import library
    from bot.engine.screening import INVITE_CODE, screened
    from bot.peers.volunteers import create_invite
    from bot.safety.screens import screen_for

    reading = screened(screen_for(library().for_language("en")), f"volunteer {code}")
    assert not (reading.findings or reading.distress or reading.medical_question), reading
    async with peer_world(settings) as world:
        fresh = await world.db(lambda c: create_invite(c, "supporter", world.clock.now()))
        assert INVITE_CODE.fullmatch(fresh), fresh  # the shape the screen leaves out
        await world.invite("supporter", code=code)
        heard = await world.says(Address("telegram", "30501"), f"volunteer {code.lower()}")
        assert "sorry things are hard" not in heard.text(Address("telegram", "30501")).lower()
        await world.conversation(Address("telegram", "30501"), "1", "Sue", "1", "8", "1", "1",
                                 "skip")
        role = await world.db(lambda c: c.execute(text(
            "select role from volunteers")).scalar())
        assert role == "supporter"
        assert await alerts_in(world) == []
