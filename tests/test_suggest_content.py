"""Every word the suggestions send is declared in content and passes the lint: keys built
at run time (reasons, caveats, features, answers) included, and no banned words in what a
whole journey actually sends."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.content import CONTENT_ROOT
from bot.core.events import Address
from bot.core.needs import ACCESS_FIELDS, COMPANY, WHERE
from bot.jobs import advance_to
from bot.places import explain
from bot.places.ranking import CAVEAT_CODES, REASON_CODES, Reason, Suggestion
from bot.places.schema import LEVELS, Accessibility
from bot.tools.content_lint import Rules, banned_words
from support.engine import START, running
from support.suggest import EN, place, resident

ROOT = Path(__file__).resolve().parents[1]
RULES = Rules.load(CONTENT_ROOT)


def test_every_key_built_at_run_time_exists() -> None:
    keys = [f"suggest.reason.{code}" for code in REASON_CODES
            if code not in ("company", "setting", "access", "near")]
    keys += ["suggest.reason.any_time_home", "suggest.reason.in_district"]
    keys += [f"suggest.reason.{near}{size}" for near in ("near", "near_you")
             for size in ("", "_one", "_close")]
    keys += [f"suggest.reason.company.{c}" for c in COMPANY]
    keys += [f"suggest.reason.setting.{w}" for w in WHERE]
    keys += [f"suggest.reason.access.{f}" for f in ACCESS_FIELDS]
    keys += [f"suggest.check.access.{f}" for f in ACCESS_FIELDS]
    keys += [f"suggest.describe.feature.{f}" for f in explain._DESCRIBED]
    keys += [f"suggest.describe.level.{lv}" for lv in LEVELS if lv != "unknown"]
    keys += [f"suggest.describe.{b}" for b in ("drop_in", "booking", "referral",
                                               "booking_unknown")]
    keys += [f"suggest.followup.{answer}" for answer in EN.keys_under("options.followup")]
    keys += [f"options.{options}.{i}.label" for options in
             ("suggestion", "suggest_more", "nothing_fits", "offer", "followup")
             for i in EN.keys_under(f"options.{options}")]
    missing = [key for key in keys if not EN.has(key)]
    assert missing == []
    # The option ids the conversations act on are the ids content declares.
    assert list(EN.keys_under("options.suggestion")) == [
        "more_info", "go", "not_for_me", "buddy", "back"]
    assert list(EN.keys_under("options.suggest_more")) == ["more", "done"]
    assert list(EN.keys_under("options.nothing_fits")) == ["home", "buddy", "anything", "later"]
    assert list(EN.keys_under("options.offer")) == ["yes", "no"]
    assert set(CAVEAT_CODES) >= {"cost_unknown", "times_unknown", "distance_unknown"}


def test_an_idea_for_home_has_nothing_for_our_team_to_check() -> None:
    """As "tell me more" and "I'd like to go" already say: no provider, no facts."""
    home = Suggestion(place("walk-from-your-door", kind="at_home", district=None),
                      score=1.0, reasons=(Reason("activity", "walking"),),
                      caveats=("unverified",))
    online = Suggestion(place("videos", kind="online", district=None), score=1.0,
                        caveats=("unverified",))
    assert explain.check_first(EN, home) is None
    assert explain.check_first(EN, online) == EN.text("suggest.check.unverified")
    assert EN.text("suggest.describe.not_checked") not in explain.describe(EN, home.opportunity)


def test_the_content_lint_passes() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "content", "lint"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_suggestions_speak_only_from_content() -> None:
    """No sentence in a Python string in the suggestion code: words live in content/."""
    import re

    sentence = re.compile(r"""["']([A-Z][a-z]+(?: [a-z']+){2,}[.!?]?)["']""")
    for path in ("conversations/suggest.py", "conversations/followup.py",
                 "bot/places/explain.py"):
        for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            if code.strip().startswith(('"""', "'''")) or '"""' in code:
                continue
            assert not sentence.findall(code), f"{path}: {line.strip()}"


@pytest.mark.parametrize("channel", ["sms", "telegram"])
async def test_a_whole_journey_sends_no_banned_words(settings: Settings, channel: str) -> None:
    said: list[str] = []
    async with running(settings) as (services, senders):
        chat = await resident(services, Address(channel, "+447700900901" if channel == "sms"
                                                else "9001"),
                              answers={"activities": ["walking", "chair", "home"],
                                       "helps": ["accessible", "low_cost"],
                                       "access": list(ACCESS_FIELDS), "cost": "low",
                                       "days": ["any"], "times": ["varies"],
                                       "with_whom": ["group", "online"],
                                       "where": ["outdoors", "home"]})
        for reply in ("suggest", "1", "1", "back", "2", "not for me", "more", "3", "2"):
            said += [m.text for m in await chat.send(reply)]
        await advance_to(services, START + timedelta(days=4))
        said += [i.message.text for i in senders[channel].sent]
        for reply in ("3", "suggest", "more", "more", "more", "more"):
            said += [m.text for m in await chat.send(reply)]
    found = {phrase for text in said for phrase, _reason in banned_words(text, RULES)}
    assert found == set()
    assert len(said) > 20


def test_access_facts_we_know_are_stated_and_unknowns_asked() -> None:
    """"Tell me more" for someone who needs every access feature, at a place where one is
    known yes, one known no and the rest unknown."""
    from bot.core.needs import Needs

    item = place("hall", accessibility=Accessibility(step_free=True, hearing_loop=False))
    needs = Needs(access=frozenset(ACCESS_FIELDS) - {"hearing_loop"}, district="LE4")
    text = explain.describe(EN, item, needs=needs)
    feature = EN.text
    assert feature("suggest.describe.access_yes",
                   features=feature("suggest.describe.feature.step_free")) in text
    assert feature("suggest.describe.access_no",
                   features=feature("suggest.describe.feature.hearing_loop")) in text
    unknown = [feature(f"suggest.describe.feature.{f}") for f in ACCESS_FIELDS
               if f in needs.access and f != "step_free"]
    assert feature("suggest.describe.access_ask", features=", ".join(unknown[:3])) in text
    assert feature("suggest.describe.access_ask", features=", ".join(unknown[3:])) in text
    # Nothing unknown is ever listed as a fact.
    facts = text.split(feature("suggest.describe.access_ask", features="|")[:10])[0]
    assert feature("suggest.describe.feature.wheelchair") not in facts
