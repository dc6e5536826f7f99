"""Focus rules (docs/focus.md): where a message goes when someone is in a peer chat and one
of our questions is, or was, open. Through the real engine, storage and dispatcher, on
SQLite and PostgreSQL: a resident on SMS and a peer supporter on Telegram."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address, Inbound
from bot.storage.models import Person, Reminder
from support.peers import PeerWorld, peer_world

EN = library().for_language("en")
ANN = Address("sms", "+447700900160")
SAM = Address("telegram", "464646")
FROM_US = EN.text("peers.relay.from_us", text="")


def t(key: str, **params: object) -> str:
    return EN.text(key, **params)


async def flow_of(w: PeerWorld, who: Address) -> str | None:
    person = await w.person_id(who)
    return await w.db(lambda c: c.scalar(select(Person.flow).where(Person.id == person)))


async def connect(w: PeerWorld) -> None:
    await w.supporter(SAM, "Sam")
    await w.resident(ANN, "Ann")
    await w.asks_for_buddy(ANN)
    await w.connected(ANN, SAM)


async def test_an_open_idea_question_never_swallows_the_first_chat_message(
        settings: Settings) -> None:
    """The reported case: an idea was open, then BUDDY; once connected, the resident's
    first message reaches the supporter and the idea question does not come back."""
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.conversation(ANN, "suggest", "1")
        assert await flow_of(w, ANN) == "suggest"  # "What would you like to do about...?"
        heard = await w.conversation(ANN, "buddy", "1", "skip")
        texts = heard.texts(ANN)
        # The buddy reply comes first, then the question they were on.
        assert texts[0].startswith((t("peers.buddy.looking"), t("peers.buddy.waiting")))
        await w.says(SAM, "1")
        heard = await w.says(ANN, "yes")
        assert "Anything you send goes to them" in heard.text(ANN)
        assert await flow_of(w, ANN) is None  # the idea question was closed
        heard = await w.says(ANN, "Hello! It would be lovely to walk together")
        assert heard.only(SAM) == t("peers.relay.from", alias="Ann",
                                    text="Hello! It would be lovely to walk together")
        assert heard.texts(ANN) == []
        assert t("common.unclear") not in "\n".join(w.sent_to(ANN)[-3:])


async def test_a_supporter_mid_question_is_freed_when_the_chat_starts(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.says(SAM, "1")  # accepts the offer
        await w.says(SAM, "settings")  # and wanders into settings meanwhile
        assert await flow_of(w, SAM) == "settings"
        heard = await w.says(ANN, "yes")
        assert "Anything you send goes to them" in heard.text(SAM)
        assert await flow_of(w, SAM) is None
        heard = await w.says(SAM, "Hi Ann, lovely to meet you")
        assert heard.only(ANN) == t("peers.relay.from", alias="Sam",
                                    text="Hi Ann, lovely to meet you")


async def test_commands_work_in_a_chat_and_say_they_are_from_us(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        heard = await w.says(ANN, "menu")
        assert heard.texts(ANN)[0].startswith(FROM_US)
        assert SAM not in heard
        # A clear answer to the menu is the menu's.
        heard = await w.says(ANN, "help")
        assert SAM not in heard
        assert heard.texts(ANN)[0].startswith(FROM_US)


async def test_words_the_open_question_cannot_use_go_to_the_peer(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        await w.says(ANN, "menu")
        assert await flow_of(w, ANN) == "menu"
        heard = await w.says(ANN, "See you at the park gates at 10 tomorrow")
        assert heard.only(SAM) == t("peers.relay.from", alias="Ann",
                                    text="See you at the park gates at 10 tomorrow")
        assert heard.only(ANN) == t("peers.relay.from_us", text=(
            f"{t('peers.relay.passed_on')} {t('peers.relay.question_closed')}"))
        assert await flow_of(w, ANN) is None
        heard = await w.says(ANN, "and bring a brolly")
        assert heard.only(SAM).endswith("and bring a brolly")


async def test_a_clear_answer_to_an_open_question_stays_ours(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        await w.says(ANN, "settings")
        heard = await w.says(ANN, "1")  # "My name"
        assert SAM not in heard
        assert await flow_of(w, ANN) == "settings"


async def test_a_check_in_waits_while_a_chat_is_in_full_flow(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        person = await w.person_id(ANN)
        await w.db(lambda c: c.execute(update(Person).where(Person.id == person).values(
            consent_encouragement=True)))
        await w.says(SAM, "How did the walk go?")
        await w.later(timedelta(minutes=10))
        await w.services.engine.handle(ANN, Inbound.timeout("checkin"))
        heard = await w.delivered()
        assert ANN not in heard  # nothing cuts into the chat
        waiting = await w.rows(Reminder, Reminder.person_id == person, Reminder.kind == "checkin")
        assert waiting and all(r["due_at"] > w.clock.now() for r in waiting)
        assert any(r["payload"].get("tries") == 1 for r in waiting)


async def test_a_check_in_in_a_quiet_chat_comes_labelled_and_reads_answers(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        person = await w.person_id(ANN)
        await w.db(lambda c: c.execute(update(Person).where(Person.id == person).values(
            consent_encouragement=True)))
        await w.says(SAM, "How did the walk go?")
        await w.later(timedelta(hours=3))
        await w.services.engine.handle(ANN, Inbound.timeout("checkin"))
        heard = await w.delivered()
        assert heard.only(ANN).startswith(FROM_US)
        assert SAM not in heard
        # A plain answer is the check-in's...
        heard = await w.says(ANN, "better thanks")
        assert SAM not in heard and heard.texts(ANN)
        # ...and once it is answered, words go to the peer again.
        heard = await w.says(ANN, "Sam, same time next week?")
        assert heard.only(SAM).endswith("Sam, same time next week?")


async def test_a_chat_message_at_an_open_check_in_reaches_the_peer(settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        person = await w.person_id(ANN)
        await w.db(lambda c: c.execute(update(Person).where(Person.id == person).values(
            consent_encouragement=True)))
        await w.later(timedelta(hours=3))
        await w.services.engine.handle(ANN, Inbound.timeout("checkin"))
        await w.delivered()
        heard = await w.says(ANN, "Thanks for the map you sent, see you Saturday!")
        assert heard.only(SAM).endswith("see you Saturday!")
        assert await flow_of(w, ANN) is None


async def test_a_paused_chat_is_not_where_words_go(settings: Settings) -> None:
    """"Anything you send goes to them" holds only while the chat is active: paused, an
    open question reads the words as usual."""
    async with peer_world(settings) as w:
        await connect(w)
        await w.says(ANN, "pause chat")
        await w.says(ANN, "menu")
        heard = await w.says(ANN, "See you at the park gates")
        assert SAM not in heard
        assert heard.texts(ANN)  # the menu asks again; nothing is passed on
        assert await flow_of(w, ANN) == "menu"


async def test_onboarding_cut_short_by_a_chat_carries_on_where_it_stopped(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.conversation(ANN, "hi", "1", "2", "2", "Ann")  # at "what movement?"
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        assert await flow_of(w, ANN) is None
        await w.says(ANN, "end chat")
        heard = await w.says(ANN, "hello again")
        text = heard.text(ANN)
        assert text.startswith(t("onboarding.carry_on"))
        assert t("onboarding.welcome") not in text
        assert await flow_of(w, ANN) == "onboarding"  # at the next question, not the welcome


async def test_a_volunteer_between_chats_gets_the_menu_not_a_welcome(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        await w.says(ANN, "end chat")
        heard = await w.says(SAM, "hello?")
        assert t("onboarding.welcome") not in heard.text(SAM)
        assert await flow_of(w, SAM) == "menu"


async def test_a_held_message_at_an_open_question_is_not_said_to_have_gone(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await connect(w)
        await w.says(ANN, "menu")
        heard = await w.says(ANN, "ring me on 07700 900999 tonight")
        assert SAM not in heard
        said = heard.text(ANN)
        assert t("peers.relay.passed_on") not in said
        assert t("peers.relay.question_closed") in said


async def test_chat_after_opening_the_menu_reaches_the_peer(settings: Settings) -> None:
    # "see" once chose "See what you hold about me" from the menu: "see you thursday
    # then" showed Ann her data instead of reaching Sam (a newcomer's break-test).
    async with peer_world(settings) as w:
        await connect(w)
        await w.says(ANN, "menu")
        heard = await w.says(ANN, "see you thursday then")
        assert "see you thursday then" in heard.text(SAM)
        assert "everything we hold" not in heard.text(ANN)
