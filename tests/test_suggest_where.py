"""Ideas for someone who hasn't said where they are: "near you" means nothing yet, so we
ask once (postcode district, or a shared location on Telegram); skipped, the ideas come
from anywhere in the county and say so once, not after every idea."""

from __future__ import annotations

from bot.config import Settings
from bot.core.events import Address, Inbound
from support.engine import running
from support.suggest import EN, Chat, place, resident, texts, use_catalogue

SMS = Address("sms", "+447700900801")
TELEGRAM = Address("telegram", "8001")
CATALOGUE = (place("harborough-walk", district="LE16"), place("abbey-walk", district="LE4"),
             place("city-walk", district="LE1"))
WHERE = EN.text("suggest.where.ask")
COUNTY_WIDE = EN.text("suggest.where.county_wide")
DISTANCE_UNKNOWN = EN.text("suggest.check.distance")


async def test_without_a_district_we_ask_and_keep_the_answer(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, district=None)
        said = await chat.send("suggest")
        assert texts(said) == WHERE
        assert (await chat.state()).step == "where"
        said = await chat.send("le16")
        assert (await chat.profile()).district == "LE16"
        assert chat.options()[0] == "harborough-walk"  # nearest to them first
        assert COUNTY_WIDE not in texts(said)
        # Told once: the next time, straight to ideas.
        await chat.pick("done")
        await chat.send("suggest")
        assert chat.options()[0] == "harborough-walk"


async def test_a_district_we_cannot_read_is_asked_for_again_kindly(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, district=None)
        await chat.send("suggest")
        for nonsense in ("near the shops", "12345", "🙂", "x" * 3000):
            said = await chat.send(nonsense)
            assert texts(said) == EN.text("questions.district.retry"), nonsense
            assert (await chat.state()).step == "where"
        assert (await chat.profile()).district is None


async def test_skipping_gives_ideas_from_anywhere_said_once(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS, district=None)
        await chat.send("suggest")
        said = await chat.send("skip")
        body = texts(said)
        assert body.startswith(COUNTY_WIDE)
        assert body.count(COUNTY_WIDE) == 1
        assert DISTANCE_UNKNOWN not in body  # not repeated after every idea
        assert set(chat.options()) == {"harborough-walk", "abbey-walk", "city-walk", "more",
                                      "done"}
        assert (await chat.profile()).district is None
        # That was all of them: other ways to go on, never a dead end.
        said = await chat.pick("more")
        assert said[0].text.startswith(EN.text("suggest.no_more"))
        assert (await chat.state()).step == "nothing"


async def test_telegram_can_share_a_location_instead(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, TELEGRAM, district=None)
        said = await chat.send("suggest")
        assert said[-1].ask_location
        assert said[-1].text == EN.text("suggest.where.ask_with_location")
        said = await chat.event(Inbound.from_location(52.665, -1.125))  # in LE4
        assert said[0].text == EN.text("questions.district.from_location", district="LE4")
        profile = await chat.profile()
        assert (profile.district, profile.latitude, profile.longitude) == ("LE4", 52.66, -1.12)
        assert chat.options()[0] == "abbey-walk"
        assert EN.text("suggest.reason.near_you_close") in texts(said).lower()


async def test_after_onboarding_without_a_postcode_the_offer_does_not_say_near_you(
        settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = Chat(services, SMS)
        for line in ["hi", "1", "2", "2", "Ann", "walking", "9", "8", "4", "1", "2", "skip",
                     "skip"]:
            await chat.send(line)
        said = await chat.send("1")
        assert said[-1].text == EN.text("suggest.flow.offer_anywhere")
        # They skipped the postcode a moment ago: not asked again, ideas from anywhere.
        said = await chat.send("yes")
        assert texts(said).startswith(COUNTY_WIDE)
        assert len([o for o in chat.options() if o not in ("more", "done")]) == 3


async def test_someone_with_a_district_is_never_asked(settings: Settings) -> None:
    async with running(settings) as (services, _):
        use_catalogue(services, *CATALOGUE)
        chat = await resident(services, SMS)
        said = await chat.send("suggest")
        assert WHERE not in texts(said) and COUNTY_WIDE not in texts(said)
        # Nor someone whose district we can't place (outside our table): they answered,
        # so they get ideas from anywhere, said to be so.
        far = await resident(services, Address("sms", "+447700900802"), district="SW1A")
        said = await far.send("suggest")
        assert texts(said).startswith(COUNTY_WIDE)
