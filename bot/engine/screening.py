"""Reading a message with the safety screen, from the engine, and the urgent reply: a
fault in the screen never loses the message (the urgent numbers go first and a person reads
it), a crisis split over messages ("i want to kill" then "myself") is read whole, and a
symptom told as a standing pattern is met with when to get help."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.events import EventKind, Inbound
from bot.core.safety import Assessment, SafetyCategory, Screen
from bot.core.turn import Context, FlowState, OpenSafetyAlert, Profile, RecordImpact
from bot.engine.plan import Plan
from bot.storage import repository as repo

log = logging.getLogger(__name__)

# A message's end is read with the next one for this long (people split a sentence over
# texts, and an SMS can lag by a minute or two); no more than RECENT_WORDS_KEPT characters
# of it are kept, and retention forgets them soon after.
RECENT_WORDS_FOR = timedelta(minutes=5)
RECENT_WORDS_KEPT = 200
# Content key: the questions (`conversation.step`) whose answers tell of the person's own
# health, where a symptom told as a standing pattern is part of the answer.
STANDING_QUESTIONS = "safety_lexicon.standing_questions"


# Our volunteer invite codes ("volunteer D8B0-37C0-CBA1": three groups of four hex digits,
# `bot.peers.volunteers.create_invite`) say nothing of the writer, but their chance letters
# may: "CBA" is texting's "can't be arsed", so about 1 code in 1,300 was read as distress.
# They are left out of what the screen reads.
INVITE_CODE = re.compile(r"\b[0-9a-f]{4}[-\s][0-9a-f]{4}[-\s][0-9a-f]{4}\b", re.IGNORECASE)


def screened(screen: Screen, text: str) -> Assessment:
    """The screen's reading (of the words, without any invite code); a fault in it must
    not lose the message (hazard log H9), so it is logged (without the words) and the
    message carries on marked `unscreened`: the engine puts the urgent numbers first and
    opens an alert so a person reads it."""
    try:
        return screen.assess(INVITE_CODE.sub(" ", text))
    except Exception as error:  # any fault at all: the message must still be handled
        # The type only: an exception's text may quote the message.
        log.error("the safety screen failed (%s) on a message of %d characters",
                  type(error).__name__, len(text))
        return Assessment(unscreened=True)


def recent_words(event: Inbound, plan_kind: str, command: bool, stored: repo.Stored,
                 now: datetime, stop_word: bool = False) -> str | None:
    """What is kept to be read with their next message: the end of this one, after what
    was kept of the last ones if that is still recent (a sentence told over three texts:
    "my face" / "is" / "drooping"). Nothing when this one was answered as urgent, or was a
    command ("menu", "help") or a wish to stop ("STOP. I don't want this anymore"), unless
    a bare STOP word goes on a sentence ("i'm going to" / "end" / "my life"): then it is
    part of it. A message with no letters ("30", "2.5") goes on a sentence whose last word
    asks for a number ("I've taken" / "30" / "tablets"), and starts none."""
    text = event.text.strip()
    if event.kind is not EventKind.TEXT or plan_kind == "safety":
        return None
    before = stored.recent_words if stored.recent_words and \
        stored.recent_words_at is not None and \
        timedelta(0) <= now - stored.recent_words_at <= RECENT_WORDS_FOR else None
    if plan_kind == "optout" or command:
        if stop_word and before and not before.rstrip().endswith((".", "!", "?")):
            return f"{before} {text}"[-RECENT_WORDS_KEPT:]
        return None
    if not any(character.isalpha() for character in text):
        if before and _NUMBER_WORDS & set(before.casefold().split()[-2:]):
            return f"{before} {text}"[-RECENT_WORDS_KEPT:]
        return before
    return (f"{before} {text}" if before else text)[-RECENT_WORDS_KEPT:]


def with_safety_net(ctx: Context, plan: Plan, assessment: Assessment) -> Plan:
    """A symptom told as a standing pattern in answer to a question about their health:
    the answer `plan` as it is, after when to stop and get help for that symptom."""
    topic = assessment.findings[0].topic
    key = f"safety.reply.standing_{topic}"
    net = ctx.say(key if ctx.content.has(key) else "safety.reply.standing")
    return Plan([net, *plan.say], plan.state, plan.profile,
                effects=[*plan.effects, RecordImpact("safety_net", topic)])


def urgent_reply(ctx: Context, state: FlowState, profile: Profile, assessment: Assessment,
                 event: Inbound) -> Plan:
    """The reply that fits the emergency (a crisis beside a physical emergency gets
    its own too), an alert for the duty team, and then carry on where they were."""
    first = assessment.findings[0]
    say = [ctx.say(_reply_key(ctx, first.topic))]
    if first.category is not SafetyCategory.CRISIS and any(
            f.category is SafetyCategory.CRISIS for f in assessment.findings):
        say.append(ctx.say("safety.reply.crisis"))
    elif first.topic == "someone_else" and "crisis" in assessment.labels:
        say.append(ctx.say("safety.reply.crisis_someone_else"))  # their life at risk
    if state.flow:
        say.append(ctx.say("common.carry_on"))
    return Plan(say, state, profile, kind="safety", effects=[
        RecordImpact("safety", first.topic),
        OpenSafetyAlert(first.category.value, first.topic,
                        assessment.joined or event.text)])


def _reply_key(ctx: Context, topic: str) -> str:
    key = f"safety.reply.{topic}"
    return key if ctx.content.has(key) else "safety.reply.red_flag"


def unscreened_alert(event: Inbound) -> OpenSafetyAlert:
    """An alert for a message the screen failed on: a person reads what nobody checked."""
    return OpenSafetyAlert(SafetyCategory.RED_FLAG.value, "unscreened", event.text)


def with_unscreened_note(ctx: Context, plan: Plan, event: Inbound) -> Plan:
    """A message the screen failed on (hazard log H9), handled as `plan`: the urgent
    numbers first (nobody knows what it says), and an alert so a person reads it."""
    return Plan([ctx.say("safety.reply.unscreened"), *plan.say], plan.state, plan.profile,
                effects=[*plan.effects, unscreened_alert(event)], kind=plan.kind,
                opt_out=plan.opt_out, opt_in=plan.opt_in, bypass=plan.bypass,
                reprompt_from=None if plan.reprompt_from is None else plan.reprompt_from + 1,
                about_chat=plan.about_chat)


def with_recent_words(screen: Screen, stored: repo.Stored, text: str, now: datetime,
                      alone: Assessment) -> Assessment:
    """A crisis or an emergency split over messages ("i want to kill" then "myself"):
    this message read after the end of their last one, if that came in the last
    `RECENT_WORDS_FOR` and was not answered itself. What is urgent is taken from the two
    together when this one alone is not urgent, or when together they say it is someone
    else ("my husband has" then "collapsed"); a medical question or distress is read from
    this message alone."""
    recent, at = stored.recent_words, stored.recent_words_at
    if not recent or at is None or not timedelta(0) <= now - at <= RECENT_WORDS_FOR:
        return alone
    if not any(character.isalpha() for character in text) and \
            not _NUMBER_WORDS & set(recent.casefold().split()[-3:]):
        # A number alone is nearly always an answer to our question ("1", "2.5"), and read
        # after "feeling low today" it would look like a glucose reading (bench/
        # split_messages.py measured 0.5 % of quiet messages so misread); after "my levels
        # are" it is the reading.
        return alone
    together = screened(screen, f"{recent} {text}")
    if not together.findings:
        return alone
    if alone.findings and (together.findings[0].topic != "someone_else" or
                           alone.findings[0].topic == "someone_else"):
        return alone
    return replace(alone, findings=together.findings, labels=together.labels,
                   joined=f"{recent} … {text}")


# Words a number follows as a reading or an amount ("my levels are" then "2.6", "sats"
# then "82", "I've taken" then "30"): kept here, not in the lexicon, because they decide
# only whether messages are read as one.
_NUMBER_WORDS = frozenset({
    "sugar", "sugars", "bm", "bms", "bg", "bgs", "bgl", "cbg", "glucose", "level", "levels",
    "blood", "bloods", "reading", "readings", "libre", "meter", "sensor", "dexcom", "cgm",
    "sats", "sat", "oxygen", "o2", "spo2", "oximeter", "pulse", "hr", "rate", "bpm",
    "taken", "took", "take", "had", "swallowed", "necked", "downed", "is", "are", "was",
    "at"})
