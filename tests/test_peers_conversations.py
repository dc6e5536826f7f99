"""Peer support as people live it, through the real engine, storage and dispatcher: a
resident on SMS and peer supporters on Telegram say things, and we check what each of them
was sent (and what was not). Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.core.peer_context import REPORT_OPTION
from bot.peers import service
from bot.peers.models import BuddyRequest, ModerationCase, PeerChat, RelayedMessage
from bot.storage.models import Person
from support.peers import PeerWorld, peer_world

EN = library().for_language("en")

ANN = Address("sms", "+447700900150")
BOB = Address("sms", "+447700900151")
SAM = Address("telegram", "424242")  # a peer supporter
PAT = Address("telegram", "434343")  # another peer supporter
MO = Address("telegram", "515151")  # a group moderator

ANN_NUMBER_FORMS = ("+447700900150", "07700900150", "7700900150", "07700 900150")
SAM_ACCOUNT = "424242"


def t(key: str, **params: object) -> str:
    return EN.text(key, **params)


async def chatting(w: PeerWorld, resident: Address = ANN, supporter: Address = SAM, *,
                   name: str = "Ann", alias: str = "Sam", capacity: str = "1") -> int:
    """A supporter and a resident connected and talking; the chat's id."""
    await w.supporter(supporter, alias, capacity=capacity)
    await w.resident(resident, name)
    await w.asks_for_buddy(resident)
    await w.connected(resident, supporter)
    return await chat_between(w, resident, supporter)


async def chat_between(w: PeerWorld, resident: Address, supporter: Address) -> int:
    resident_id, supporter_id = await w.person_id(resident), await w.person_id(supporter)
    chats = await w.rows(PeerChat, PeerChat.resident_id == resident_id,
                         PeerChat.supporter_id == supporter_id)
    assert chats, "they were never connected"
    return int(max(c["id"] for c in chats))


async def chat_status(w: PeerWorld, chat_id: int) -> str:
    [chat] = await w.rows(PeerChat, PeerChat.id == chat_id)
    return str(chat["status"])


# -- consent before anything passes -----------------------------------------------------
async def test_nothing_passes_until_the_supporter_and_then_the_resident_say_yes(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        heard = await w.asks_for_buddy(ANN)
        assert heard.only(ANN) == t("peers.buddy.looking")
        offer = heard[SAM][0]
        assert offer.text.startswith(t("peers.supporter.offer", summary="").split("  ")[0])
        assert [o.id for o in offer.options] == ["accept", "decline"]
        assert "Ann" not in offer.text  # no name before anyone agrees

        # Offered but not accepted: Ann's words go nowhere near Sam.
        heard = await w.says(ANN, "hello? is anyone there")
        assert SAM not in heard

        heard = await w.says(SAM, "1")
        assert heard.only(SAM) == t("peers.supporter.accepted")
        ask = heard[ANN][0]
        assert ask.text.startswith(t("peers.buddy.offer_to_resident", alias="Sam",
                                     about="").split("  ")[0])
        assert [o.id for o in ask.options] == ["yes", "no"]

        # Sam said yes, Ann has not: Sam's words do not reach her either.
        heard = await w.says(SAM, "Hi Ann, lovely to meet you")
        assert ANN not in heard

        heard = await w.says(ANN, "yes")
        assert heard.only(ANN) == t("peers.buddy.connected", alias="Sam")
        assert heard.only(SAM) == t("peers.buddy.connected", alias="Ann")

        heard = await w.says(ANN, "Hello Sam!")
        relayed = heard[SAM][0]
        assert relayed.text == t("peers.relay.from", alias="Ann", text="Hello Sam!")
        chat_id = await chat_between(w, ANN, SAM)
        assert [o.id for o in relayed.options] == [f"{REPORT_OPTION}{chat_id}"]
        assert heard.get(ANN, []) == []  # nothing back to the sender
        heard = await w.says(SAM, "Hello Ann")
        assert heard.only(ANN) == t("peers.relay.from", alias="Sam", text="Hello Ann")
        assert heard.get(ANN)[0].options == ()  # SMS has the word REPORT, not a button


async def test_a_resident_who_says_no_is_never_named_to_the_supporter(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Annabel")
        await w.asks_for_buddy(ANN)
        await w.says(SAM, "1")
        heard = await w.says(ANN, "no")
        assert heard.only(ANN) == t("peers.buddy.resident_declined")
        assert heard.only(SAM) == t("peers.supporter.resident_said_no")
        assert "Annabel" not in "\n".join(w.sent_to(SAM))
        heard = await w.says(ANN, "are you there?")
        assert SAM not in heard
        # Sam is free again for the next person.
        await w.resident(BOB, "Bob")
        heard = await w.asks_for_buddy(BOB)
        assert heard.texts(SAM), "Sam should be offered Bob's request"
        # A declined chat never started: there is nothing in it to report.
        heard = await w.says(ANN, "report")
        assert t("peers.relay.reported_ended", when=t("peers.relay.when_soon")) not in \
            heard.text(ANN)
        assert await w.rows(ModerationCase) == []


# -- contact details ----------------------------------------------------------------------
@pytest.mark.parametrize(("message", "kind"), [
    ("Call me on 07700 900123", "phone"),
    ("ring me: oh seven seven double oh nine double oh one two three", "phone"),
    ("0\u200b7\u200b7\u200b0\u200b0 9\u200b0\u200b0\u200b1\u200b2\u200b3", "phone"),
    ("drop me a line, ann at gmail dot com", "email"),
    ("I'm @ann_walks on Telegram", "username"),
    ("my page: facebook.com/ann.walks", "link"),
    ("post it to LE4-5AB", "postcode"),
    ("come round, 22 Belgrave Gate", "address"),
])
async def test_contact_details_are_held_back_until_both_agree(
        settings: Settings, message: str, kind: str) -> None:
    async with peer_world(settings) as w:
        chat_id = await chatting(w)
        named = t(f"peers.contact.{kind}")
        heard = await w.says(ANN, message)
        assert SAM not in heard
        assert heard.only(ANN) == t("peers.relay.held", answer=named)
        held = await w.rows(RelayedMessage, RelayedMessage.connection_id == chat_id)
        assert [m["held"] for m in held] == [True]

        # One side agreeing is not enough.
        heard = await w.says(SAM, "share details")
        assert heard.only(SAM) == t("peers.relay.share_asked")
        assert heard.only(ANN) == t("peers.relay.share_request", alias="Sam")
        heard = await w.says(ANN, message)
        assert SAM not in heard

        heard = await w.says(ANN, "swap details")
        assert heard.only(ANN) == t("peers.relay.share_agreed")
        assert heard.only(SAM) == t("peers.relay.share_agreed")
        heard = await w.says(ANN, message)
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text=message)
                                    .replace("\u200b", "")]


async def test_a_number_split_over_two_messages_is_held(settings: Settings) -> None:
    async with peer_world(settings) as w:
        chat_id = await chatting(w)
        # (A mobile's first digits alone, "my number starts 07700", are held now: the
        # learned reader knows them. A landline's area code alone still passes.)
        first = await w.says(ANN, "my landline starts 0116")
        assert first.texts(SAM) == [t("peers.relay.from", alias="Ann",
                                      text="my landline starts 0116")]
        second = await w.says(ANN, "and then 496 0385")
        assert SAM not in second
        assert second.only(ANN) == t("peers.relay.held", answer=t("peers.contact.phone"))
        held = await w.rows(RelayedMessage, RelayedMessage.connection_id == chat_id)
        assert [m["held"] for m in held] == [False, True]
        # Numbers in ordinary chat a while apart are not joined up.
        await w.later(timedelta(hours=1))
        heard = await w.says(ANN, "walked 900 steps today")
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann",
                                      text="walked 900 steps today")]


async def test_details_held_back_are_not_in_any_message_to_the_other_person(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        await w.says(ANN, "my mobile is 07700 900123")
        await w.says(SAM, "mine's 07811 223344, or sam@example.com")
        payloads = await w.outbox_payloads()
        to_sam = " ".join(p for channel, address, p in payloads if address == SAM.address)
        to_ann = " ".join(p for channel, address, p in payloads if address == ANN.address)
        assert "900123" not in to_sam
        assert "223344" not in to_ann and "sam@example.com" not in to_ann


# -- nobody's number or account ------------------------------------------------------------
async def test_no_number_or_telegram_account_ever_reaches_the_other_person(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        for who, line in [(ANN, "Hello Sam!"), (SAM, "Hi Ann, how are you?"),
                          (ANN, "pause chat"), (ANN, "resume chat"), (SAM, "share details"),
                          (ANN, "report")]:
            await w.says(who, line)
        payloads = await w.outbox_payloads()
        to_sam = [p for _, address, p in payloads if address == SAM.address]
        to_ann = [p for _, address, p in payloads if address == ANN.address]
        assert len(to_sam) >= 6 and len(to_ann) >= 6
        for payload in to_sam:
            digits = "".join(ch for ch in payload if ch.isdigit())
            assert not any(form.replace(" ", "") in digits for form in ANN_NUMBER_FORMS), payload
        for payload in to_ann:
            assert SAM_ACCOUNT not in payload, payload


async def test_a_name_that_carries_a_number_is_not_shown(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann 07700 900150")
        await w.asks_for_buddy(ANN)
        heard = await w.connected(ANN, SAM)
        assert heard.only(SAM) == t("peers.buddy.connected", alias=t("peers.no_name"))
        heard = await w.says(ANN, "hello")
        assert heard.only(SAM) == t("peers.relay.from", alias=t("peers.no_name"), text="hello")


# -- limits and odd text -----------------------------------------------------------------
async def test_a_days_worth_of_messages_then_a_rest(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        for n in range(service.RELAY_PER_DAY):
            heard = await w.says(ANN, f"message {n}")
            assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text=f"message {n}")]
        heard = await w.says(ANN, "one too many")
        assert SAM not in heard
        assert heard.only(ANN) == t("peers.relay.too_many")
        # The limit is each person's own: Sam can still reply.
        heard = await w.says(SAM, "that's a lot of messages!")
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam",
                                      text="that's a lot of messages!")]
        await w.later(timedelta(hours=24, minutes=1))
        heard = await w.says(ANN, "morning Sam")
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text="morning Sam")]


async def test_a_very_long_message_is_not_passed_on(settings: Settings) -> None:
    async with peer_world(settings) as w:
        chat_id = await chatting(w)
        longest = ("walk " * service.RELAY_MAX_CHARS)[:service.RELAY_MAX_CHARS].strip() + "s"
        longest = longest[:service.RELAY_MAX_CHARS]
        heard = await w.says(SAM, longest)
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam", text=longest)]
        # It went by SMS, so its cost in segments is kept for coordinators.
        [row] = await w.rows(RelayedMessage, RelayedMessage.connection_id == chat_id)
        assert row["segments"] > 1
        heard = await w.says(SAM, longest + "!")
        assert ANN not in heard
        assert heard.only(SAM) == t("peers.relay.too_long")
        heard = await w.says(SAM, "x" * 20_000)
        assert ANN not in heard


async def test_odd_unicode_is_passed_on_safely(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        heard = await w.says(ANN, "\x00hi\u202e there 🙂 مرحبا {name} %s")
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann",
                                      text="hi there 🙂 مرحبا {name} %s")]
        # Only invisible characters: nothing to pass on, and a kind word back.
        heard = await w.says(ANN, "\x00\x01\u200b")
        assert SAM not in heard
        assert heard.only(ANN) == t("peers.relay.from_us", text=t("common.unclear"))
        family = "👨‍👩‍👧 with the family today"  # joiners hold the emoji together
        # (To Sam on Telegram: Ann's texts carry no emoji without UCS-2, so a relay to
        # her is made GSM-7 as it is queued: bot/peers/relay.py `for_reader`.)
        heard = await w.says(ANN, family)
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text=family)]


# -- pausing and ending -------------------------------------------------------------------
async def test_a_message_to_someone_who_texted_stop_is_not_lost_in_silence(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        chat_id = await chatting(w)
        await w.says(ANN, "STOP")
        await w.delivered()
        heard = await w.says(SAM, "Are you still up for Saturday?")
        told = heard.only(SAM)
        relayed = await w.rows(RelayedMessage, RelayedMessage.connection_id == chat_id)
        assert await chat_status(w, chat_id) == "active"
        assert w.sent_to(ANN)[-1] == t("optout.stopped")
        await w.says(ANN, "START")
        await w.delivered()
        await w.says(SAM, "Hello again")
        back = w.sent_to(ANN)[-1]
    assert told == t("peers.relay.unreachable", alias="Ann")
    assert relayed == []  # nothing kept that was never passed on
    assert back == t("peers.relay.from", alias="Sam", text="Hello again")


@pytest.mark.parametrize("words", ["Stop all messages", "S T O P"])
async def test_a_stop_in_more_words_in_a_chat_stops_and_is_not_passed_on(
        settings: Settings, words: str) -> None:
    """Found by a newcomer's break-test: "Stop all messages" went to the peer as chat."""
    async with peer_world(settings) as w:
        await chatting(w)
        heard = await w.says(ANN, words)
        assert SAM not in heard
        assert heard.only(ANN) == t("optout.stopped")
        heard = await w.says(SAM, "Are you still up for Saturday?")
        assert ANN not in heard


async def test_pause_and_resume_belong_to_whoever_paused(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        heard = await w.says(ANN, "pause chat")
        assert heard.only(ANN) == t("peers.relay.paused")
        assert heard.only(SAM) == t("peers.relay.paused_you", alias="Ann")
        heard = await w.says(SAM, "are you ok?")
        assert ANN not in heard
        assert heard.only(SAM) == t("peers.relay.paused_you", alias="Ann")
        heard = await w.says(SAM, "resume chat")  # Ann asked for the break, not Sam
        assert ANN not in heard
        assert heard.only(SAM) == t("peers.relay.paused_you", alias="Ann")
        heard = await w.says(ANN, "sorry, still here")
        assert heard.only(ANN) == t("peers.relay.paused")
        heard = await w.says(ANN, "resume chat")
        assert heard.only(ANN) == t("peers.relay.resumed")
        assert heard.only(SAM) == t("peers.relay.resumed_you", alias="Ann")
        heard = await w.says(SAM, "welcome back")
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam", text="welcome back")]
        heard = await w.says(SAM, "resume chat")  # already on: says so, nothing else
        assert heard.only(SAM) == t("peers.relay.resumed")
        assert ANN not in heard


async def test_ending_a_chat(settings: Settings) -> None:
    async with peer_world(settings) as w:
        chat_id = await chatting(w)
        heard = await w.says(SAM, "end chat")
        assert heard.only(SAM) == t("peers.relay.ended", alias="Ann")
        assert heard.only(ANN) == t("peers.relay.ended_you", alias="Sam")
        assert await chat_status(w, chat_id) == "ended"
        heard = await w.says(ANN, "are you still there?")
        assert SAM not in heard
        # Sam (capacity one) is free for someone new straight away.
        await w.resident(BOB, "Bob")
        heard = await w.asks_for_buddy(BOB)
        assert heard.texts(SAM)


async def test_pausing_volunteering_keeps_current_chats_and_stops_new_offers(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w, capacity="2")
        heard = await w.says(SAM, "pause volunteering")
        assert heard.only(SAM) == t("peers.volunteer.paused")
        assert ANN not in heard
        heard = await w.says(SAM, "still here for you, Ann")
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam",
                                      text="still here for you, Ann")]
        await w.resident(BOB, "Bob")
        heard = await w.asks_for_buddy(BOB)
        assert heard.only(BOB) == t("peers.buddy.waiting")
        assert SAM not in heard
        heard = await w.says(SAM, "resume volunteering")
        assert t("peers.volunteer.resumed") in heard.texts(SAM)
        assert any(text.startswith(t("peers.supporter.offer", summary="").split("  ")[0])
                   for text in heard.texts(SAM))


async def test_someone_who_is_not_a_volunteer_cannot_pause_volunteering(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.resident(ANN, "Ann")
        heard = await w.says(ANN, "pause volunteering")
        assert heard.only(ANN) == t("peers.volunteer.not_a_volunteer")


# -- erasure ----------------------------------------------------------------------------
async def test_erasing_yourself_ends_the_chat_and_tells_the_other_kindly(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        await w.says(ANN, "see you Saturday")
        await w.says(ANN, "delete my data")
        heard = await w.says(ANN, "yes")
        assert heard.only(SAM) == t("peers.relay.left", alias="Ann")
        assert heard.only(ANN) == t("privacy.deleted")
        assert await w.rows(PeerChat) == []
        assert await w.rows(RelayedMessage) == []
        assert await w.rows(BuddyRequest) == []
        heard = await w.says(SAM, "Ann? are you there?")
        assert ANN not in heard
        payloads = await w.outbox_payloads()
        assert not any(address == ANN.address and "Ann?" in p for _, address, p in payloads)


async def test_a_report_keeps_the_other_persons_words_but_not_those_of_someone_erased(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        await chatting(w)
        await w.says(ANN, "My flat is 12 Elm Road")
        await w.says(SAM, "You seem down today")
        await w.says(SAM, "report")
        await w.says(ANN, "delete my data")
        await w.says(ANN, "yes")
        [case] = await w.rows(ModerationCase)
        heard = await w.says(MO, "case 1")
    stored = str(case["history"])
    assert "Elm Road" not in stored and "Ann" not in stored
    assert "You seem down today" in stored  # the report stays, for safeguarding
    assert heard.only(MO).splitlines()[1:] == [
        t("peers.moderation.history_erased"),
        t("peers.moderation.history_line", alias="Sam", text="You seem down today")]


async def test_words_leave_a_report_even_after_the_other_person_left_first(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        await w.says(ANN, "My flat is 12 Elm Road")
        await w.says(SAM, "You seem down today")
        await w.says(ANN, "report")
        await w.conversation(SAM, "delete my data", "yes")  # the chat goes with Sam
        await w.conversation(ANN, "delete my data", "yes")
        [case] = await w.rows(ModerationCase)
    assert case["connection_id"] is None
    assert "Elm Road" not in str(case["history"])
    assert "You seem down today" not in str(case["history"])


async def test_after_erasure_no_table_holds_their_number_name_or_words(
        settings: Settings) -> None:
    from sqlalchemy import MetaData
    from sqlalchemy import select as select_all
    async with peer_world(settings) as w:
        await chatting(w)
        await w.says(ANN, "my dog Biscuit loves the Watermead loop")
        await w.says(ANN, "delete my data")
        heard = await w.says(ANN, "yes")
        assert heard.only(SAM) == t("peers.relay.left", alias="Ann")  # they are told

        def dump(connection) -> str:  # type: ignore[no-untyped-def]
            meta = MetaData()
            meta.reflect(connection)
            return "\n".join(repr(row) for table in meta.sorted_tables
                             for row in connection.execute(select_all(table)))

        everything = await w.services.db.run(dump)
    for trace in (*ANN_NUMBER_FORMS, "Biscuit", "Ann has left", "Ann:"):
        assert trace not in everything, trace


async def test_a_supporter_erasing_themselves_ends_their_chats(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        await w.says(SAM, "delete my data")
        heard = await w.says(SAM, "yes")
        assert heard.only(ANN) == t("peers.relay.left", alias="Sam")
        heard = await w.says(ANN, "oh no")
        assert SAM not in heard
        heard = await w.says(ANN, "buddy")  # and can ask for someone new
        assert heard.texts(ANN)[0].startswith(t("peers.buddy.ask")[:40])


async def test_a_resident_leaving_before_saying_yes_stays_nameless(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Annabel")
        await w.asks_for_buddy(ANN)
        await w.says(SAM, "1")
        await w.says(ANN, "delete my data")
        heard = await w.says(ANN, "yes")
        assert heard.only(SAM) == t("peers.supporter.resident_said_no")
        assert "Annabel" not in "\n".join(w.sent_to(SAM))


async def test_a_resident_leaving_while_offered_frees_the_supporter(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)  # offered to Sam, not answered
        await w.says(ANN, "delete me")
        heard = await w.says(ANN, "yes")
        assert heard.only(SAM) == t("peers.supporter.resident_said_no")
        heard = await w.says(SAM, "1")  # the old offer's button: nothing to accept now
        assert t("peers.supporter.accepted") not in heard.texts(SAM)
        assert await w.rows(PeerChat) == []


async def test_a_supporter_leaving_before_the_resident_says_yes(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.says(SAM, "1")  # Ann is now asked whether she'd like to chat with Sam
        await w.says(SAM, "delete my data")
        heard = await w.says(SAM, "yes")
        assert heard.only(ANN) == t("peers.buddy.supporter_left", alias="Sam")
        [request] = await w.rows(BuddyRequest)
        assert request["status"] == "waiting"
        # Ann's old "yes" no longer connects her to anyone.
        heard = await w.says(ANN, "yes")
        assert t("peers.buddy.connected", alias="Sam") not in heard.texts(ANN)
        # The next supporter to join is offered her request.
        heard = await w.supporter(PAT, "Pat")
        assert any(t("peers.supporter.summary_area", district="LE4") in text
                   for text in w.sent_to(PAT))


# -- reports and moderation ---------------------------------------------------------------
async def test_a_report_pauses_the_chat_and_alerts_moderators(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        chat_id = await chatting(w)
        await w.says(ANN, "Hello Sam")
        await w.says(SAM, "you're useless")
        heard = await w.says(ANN, "report")
        assert heard.only(ANN) == t("peers.relay.reported", when=t("peers.relay.when_soon"))
        assert heard.only(SAM) == t("peers.relay.report_paused_you")
        assert heard.only(MO) == t("peers.moderation.alert", case=1,
                                   answer=t("peers.moderation.alert_kind.connection"))
        assert await chat_status(w, chat_id) == "reported"
        for who, other in ((ANN, SAM), (SAM, ANN)):
            heard = await w.says(who, "anyone there?")
            assert other not in heard
            assert heard.only(who) == t("peers.relay.under_review")
        heard = await w.says(SAM, "resume chat")
        assert heard.only(SAM) == t("peers.relay.under_review")
        assert await chat_status(w, chat_id) == "reported"


async def test_a_report_out_of_hours_says_when_someone_will_look(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        await w.later(timedelta(hours=13))  # 22:00 in London
        heard = await w.says(ANN, "report")
        later = t("peers.relay.when_later", answer=t("suggest.clock.am", hour=9))
        assert heard.only(ANN) == t("peers.relay.reported", when=later)


async def test_the_report_button_reports_the_chat_it_came_from(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        chat_id = await chatting(w)
        heard = await w.says(ANN, "something unkind")
        [button] = heard[SAM][0].options
        heard = await w.presses(SAM, button.id)
        assert heard.only(SAM) == t("peers.relay.reported", when=t("peers.relay.when_soon"))
        assert heard.only(ANN) == t("peers.relay.report_paused_you")
        assert await chat_status(w, chat_id) == "reported"


async def test_report_works_in_the_middle_of_another_conversation(settings: Settings) -> None:
    async with peer_world(settings) as w:
        chat_id = await chatting(w)
        await w.says(ANN, "settings")  # now answering the settings question
        heard = await w.says(ANN, "report")
        assert heard.only(ANN) == t("peers.relay.reported", when=t("peers.relay.when_soon"))
        assert heard.only(SAM) == t("peers.relay.report_paused_you")
        assert await chat_status(w, chat_id) == "reported"
        person = await w.db(lambda c: c.execute(select(Person.flow).where(
            Person.id == c.scalar(select(Person.id).where(Person.name == "Ann")))).scalar())
        assert person == "settings"  # still where she was


async def test_a_chat_can_be_reported_for_a_week_after_it_ended(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        chat_id = await chatting(w)
        await w.says(SAM, "something unkind")
        await w.says(SAM, "end chat")
        await w.later(timedelta(days=2))
        heard = await w.says(ANN, "report")
        assert heard.only(ANN) == t("peers.relay.reported_ended",
                                    when=t("peers.relay.when_soon"))
        assert SAM not in heard  # nothing to pause, nobody to tell
        assert heard.texts(MO)
        assert await chat_status(w, chat_id) == "ended"
        heard = await w.says(MO, "case 1")
        assert "something unkind" in heard.only(MO)
        await w.later(timedelta(days=service.REPORT_ENDED_DAYS))
        heard = await w.says(ANN, "report")
        assert MO not in heard


async def test_moderators_read_warn_and_close_a_case(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        chat_id = await chatting(w)
        await w.says(ANN, "Hello Sam")
        await w.says(SAM, "Call me on 07700 900123")  # held back, but kept for the case
        await w.says(ANN, "report")

        heard = await w.says(MO, "cases")
        assert heard.only(MO) == "\n".join([
            t("peers.moderation.list_intro"),
            t("peers.moderation.list_line", case=1,
              answer=t("peers.moderation.alert_kind.connection"))])
        heard = await w.says(MO, "case 1")
        shown = heard.only(MO).splitlines()
        assert shown[1:] == [t("peers.moderation.history_line", alias="Ann", text="Hello Sam"),
                             t("peers.moderation.history_line", alias="Sam",
                               text="Call me on 07700 900123")]
        heard = await w.says(MO, "case 1 warn")
        assert heard.only(ANN) == heard.only(SAM) == t("peers.moderation.warning")
        heard = await w.says(MO, "case 1 close Spoke to both, all fine")
        assert heard.only(MO) == t("peers.moderation.done",
                                   answer=t("peers.moderation.actions.close"))
        assert heard.only(ANN) == heard.only(SAM) == t("peers.moderation.back_on")
        assert await chat_status(w, chat_id) == "active"
        heard = await w.says(ANN, "thanks")
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text="thanks")]
        heard = await w.says(MO, "case 1")
        assert heard.only(MO) == t("peers.moderation.no_case", case=1)


async def test_a_chat_a_moderator_paused_waits_for_a_moderator(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        chat_id = await chatting(w)
        await w.says(ANN, "report")
        await w.says(MO, "case 1 pause")
        assert await chat_status(w, chat_id) == "paused"
        for who in (ANN, SAM):
            heard = await w.says(who, "resume chat")
            assert heard.only(who) == t("peers.relay.under_review")
            heard = await w.says(who, "anyone there?")
            assert heard.only(who) == t("peers.relay.under_review")
        assert await chat_status(w, chat_id) == "paused"
        heard = await w.says(MO, "case 1 close")
        assert heard.only(ANN) == t("peers.moderation.back_on")
        assert await chat_status(w, chat_id) == "active"


async def test_a_moderator_ends_a_chat(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        chat_id = await chatting(w)
        await w.says(ANN, "report")
        heard = await w.says(MO, "case 1 end")
        assert heard.only(ANN) == heard.only(SAM) == t("peers.moderation.ended_you")
        assert await chat_status(w, chat_id) == "ended"
        heard = await w.says(MO, "case 1 pause")  # nothing left to pause
        assert heard.only(MO) == t("peers.moderation.nothing_to_do")


async def test_suspending_someone_ends_all_their_chats(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        ann_chat = await chatting(w, capacity="2")
        await w.resident(BOB, "Bob")
        await w.asks_for_buddy(BOB)
        await w.connected(BOB, SAM)
        bob_chat = await chat_between(w, BOB, SAM)
        await w.says(ANN, "report")
        heard = await w.says(MO, "case 1 suspend")
        assert heard.only(SAM) == t("peers.moderation.suspended_you")
        assert heard.only(ANN) == t("peers.moderation.ended_you")
        assert heard.only(BOB) == t("peers.moderation.ended_you")
        assert {await chat_status(w, ann_chat), await chat_status(w, bob_chat)} == {"ended"}
        # Sam is offered nobody new, and cannot ask for a buddy either.
        heard = await w.says(ANN, "buddy")
        heard = await w.conversation(ANN, "1", "skip")
        assert heard.only(ANN) == t("peers.buddy.waiting")
        assert SAM not in heard
        heard = await w.says(SAM, "buddy")
        assert heard.only(SAM) == t("peers.moderation.suspended_you")


async def test_only_moderators_can_use_moderator_words(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.moderator(MO, "Mo")
        chat_id = await chatting(w)
        await w.says(ANN, "report")
        for who in (ANN, SAM):  # a resident, and a peer supporter (a volunteer, not a moderator)
            for words in ("cases", "case 1", "case 1 close nothing to see", "case 1 suspend"):
                heard = await w.says(who, words)
                assert heard.only(who) == t("peers.moderation.not_moderator")
        assert await chat_status(w, chat_id) == "reported"
        heard = await w.says(MO, "cases")
        assert "1" in heard.only(MO)


# -- a supporter with more than one chat --------------------------------------------------
async def test_a_supporter_in_two_chats_says_who_each_message_is_for(settings: Settings) -> None:
    async with peer_world(settings) as w:
        ann_chat = await chatting(w, capacity="2")
        await w.resident(BOB, "Bob")
        await w.asks_for_buddy(BOB)
        await w.says(SAM, "1")
        # Bob has not said yes yet: Sam's words still go to Ann, and only to Ann.
        heard = await w.says(SAM, "How was the walk?")
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam", text="How was the walk?")]
        assert BOB not in heard
        heard = await w.says(BOB, "yes")
        assert heard.only(SAM) == t("peers.buddy.connected_several", alias="Bob")
        bob_chat = await chat_between(w, BOB, SAM)

        heard = await w.says(ANN, "Lovely, thanks")
        assert heard.only(SAM) == t("peers.relay.from", alias="Ann", text="Lovely, thanks")
        heard = await w.says(BOB, "Hi Sam")
        assert heard.only(SAM) == t("peers.relay.from", alias="Bob", text="Hi Sam")

        # Without a name nothing goes anywhere.
        heard = await w.says(SAM, "see you Saturday")
        assert ANN not in heard and BOB not in heard
        assert heard.only(SAM) == t("peers.relay.which", answer="Ann and Bob", alias="Ann")
        heard = await w.says(SAM, "Ann: see you Saturday")
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam", text="see you Saturday")]
        assert BOB not in heard
        heard = await w.says(SAM, "bob, welcome!")
        assert heard.texts(BOB) == [t("peers.relay.from", alias="Sam", text="welcome!")]
        assert ANN not in heard

        # The Report button under Bob's message reports Bob's chat, not Ann's.
        await w.says(BOB, "something unkind")
        [button] = [m for m in w.senders["telegram"].sent if m.address == SAM.address][-1] \
            .message.options
        await w.presses(SAM, button.id)
        assert await chat_status(w, bob_chat) == "reported"
        assert await chat_status(w, ann_chat) == "active"

        heard = await w.says(SAM, "Bob end chat")
        assert heard.only(BOB) == t("peers.relay.ended_you", alias="Sam")
        assert ANN not in heard
        assert await chat_status(w, bob_chat) == "ended"
        # One chat again: no name needed.
        heard = await w.says(SAM, "just us now")
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam", text="just us now")]


async def test_two_people_with_one_name_are_told_apart(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w, capacity="2")
        await w.resident(BOB, "Ann")
        await w.asks_for_buddy(BOB)
        heard = await w.connected(BOB, SAM)
        assert heard.only(SAM) == t("peers.buddy.connected_several", alias="Ann 2")
        heard = await w.says(BOB, "hi from the other Ann")
        assert heard.only(SAM) == t("peers.relay.from", alias="Ann 2",
                                    text="hi from the other Ann")
        heard = await w.says(SAM, "Ann 2: hello you")
        assert heard.texts(BOB) == [t("peers.relay.from", alias="Sam", text="hello you")]
        assert ANN not in heard
        heard = await w.says(SAM, "Ann: and hello you")
        assert heard.texts(ANN) == [t("peers.relay.from", alias="Sam", text="and hello you")]
        assert BOB not in heard


# -- volunteering -------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["supporter", "moderator", "coordinator"])
async def test_each_role_agrees_to_what_fits_it(settings: Settings, role: str) -> None:
    async with peer_world(settings) as w:
        code = await w.invite(role)
        heard = await w.says(MO, f"volunteer {code}")
        agreement = heard[MO][0]
        assert agreement.text == t(f"peers.volunteer.conduct.{role}")
        assert [o.id for o in agreement.options] == ["agree", "not_now"]
        others = {"supporter", "moderator", "coordinator"} - {role}
        assert all(agreement.text != t(f"peers.volunteer.conduct.{o}") for o in others)
        assert t(f"peers.volunteer.roles.{role}") in agreement.text
        heard = await w.conversation(MO, "1", "Mo", *(
            ["1", "8", "1", "1", "skip"] if role == "supporter" else []))
        assert heard.only(MO) == t(f"peers.volunteer.done.{role}", name="Mo")


async def test_a_sentence_starting_with_volunteer_is_just_a_message(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        heard = await w.says(ANN, "Volunteer drivers run on Tuesdays")
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann",
                                      text="Volunteer drivers run on Tuesdays")]
        assert t("peers.volunteer.bad_code") not in heard.texts(ANN)
        heard = await w.says(ANN, "volunteer 9ZZ9-0000")
        assert heard.only(ANN) == t("peers.volunteer.bad_code")
        assert SAM not in heard


# -- replies that arrive while someone is in another conversation -------------------------
async def test_start_chatting_can_be_answered_from_the_menu(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        heard = await w.says(ANN, "menu")  # looking at the menu while she waits
        assert heard.texts(ANN)
        await w.says(SAM, "1")  # Sam says yes: Ann is asked whether to start
        heard = await w.says(ANN, "1")  # 1 is "Yes, let's chat", not the menu's first item
        assert heard.only(ANN) == t("peers.buddy.connected", alias="Sam")
        heard = await w.says(ANN, "Hello Sam")
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text="Hello Sam")]


async def test_an_offer_can_be_answered_mid_settings_and_settings_wait(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(PAT, "Pat")  # Pat is a resident here, changing her answers
        await w.invite("supporter", code="PAT-0002")
        await w.conversation(PAT, "volunteer PAT-0002", "1", "Pat", "1", "8", "1", "1", "skip")
        await w.says(SAM, "pause volunteering")
        settings_question = await w.says(PAT, "settings")
        await w.resident(ANN, "Ann")
        heard = await w.asks_for_buddy(ANN)
        assert heard.texts(PAT), "Pat is offered Ann's request"
        heard = await w.says(PAT, "yes")
        assert heard.only(PAT) == t("peers.supporter.accepted")
        person = await w.db(lambda c: c.scalar(select(Person.flow).where(
            Person.name == "Pat")))
        assert person == "settings"  # still there to finish
        assert settings_question.texts(PAT)


async def test_news_of_a_chat_does_not_cut_into_a_deliberate_conversation(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        await w.says(ANN, "settings")
        await w.says(SAM, "pause chat")
        await w.says(SAM, "resume chat")
        heard = await w.says(ANN, "1")  # an answer to the settings question
        assert SAM not in heard
        person = await w.db(lambda c: c.scalar(select(Person.flow).where(
            Person.name == "Ann")))
        assert person == "settings"


async def test_a_menu_gives_way_when_the_chat_comes_back(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await chatting(w)
        await w.says(SAM, "pause chat")
        heard = await w.says(ANN, "menu")  # a look at the menu while the chat is paused
        assert heard.texts(ANN)
        await w.says(SAM, "resume chat")
        heard = await w.says(ANN, "2")  # the menu's "Change my answers", or a reply to Sam?
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text="2")]
        heard = await w.says(ANN, "glad you're back")
        assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text="glad you're back")]


async def test_a_number_in_three_pieces_is_held(settings: Settings) -> None:
    # A newcomer's break-test: "079" / "11 12" / "3456" all reached the peer when only the
    # message just before was read with each.
    async with peer_world(settings) as w:
        await chatting(w)
        for piece in ("ring me on oh one", "one six four nine"):
            heard = await w.says(ANN, piece)
            assert heard.texts(SAM) == [t("peers.relay.from", alias="Ann", text=piece)]
        third = await w.says(ANN, "six oh three eight five")
        assert SAM not in third
        assert third.only(ANN) == t("peers.relay.held", answer=t("peers.contact.phone"))
