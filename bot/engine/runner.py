"""The engine: one inbound event in, one transaction out (new state + outbox rows).

Order for every message: opt-out rules -> safety screen (urgent and crisis replies with an
alert for the duty team, medical questions signposted) -> global commands -> peer support
-> distress met with care -> the conversation they are in. Conversations are pure; this
module does the storage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from bot.core.answers import Vocabulary
from bot.core.clock import Clock
from bot.core.commands import (
    LINK_PREFIX,
    Command,
    CommandWords,
    Recognised,
    answered_after_stop,
    is_literal_start,
)
from bot.core.content import Content, ContentLibrary
from bot.core.events import Address, EventKind, Inbound, Outbound, ref_token
from bot.core.london import outside_quiet_hours
from bot.core.safety import Assessment, Screen
from bot.core.textnorm import storable
from bot.core.turn import (
    IDLE,
    AlertAction,
    Context,
    Conversation,
    EraseEverything,
    FlowState,
    Intercepted,
    Interceptor,
    LinkAction,
    OpenSafetyAlert,
    PeerAction,
    PlaceGuide,
    Profile,
    RecordFeedback,
    RecordImpact,
    Registry,
    ScheduleReminder,
    ShowMyData,
    StartFlow,
    Turn,
)
from bot.dispatch.priority import PRIORITY_REPLY, PRIORITY_SCHEDULED
from bot.engine.chat_care import relayed, with_care_note
from bot.engine.effects import EffectCall, EffectHandler, NoHandler
from bot.engine.plan import (
    Handled,
    Plan,
    dump_state,
    lapsed,
    load_state,
    schedule_changed,
    tag_question,
    unusable,
)
from bot.engine.plugins import NoScreen, PeerDirectory
from bot.engine.screening import (
    STANDING_QUESTIONS,
    recent_words,
    screened,
    unscreened_alert,
    urgent_reply,
    with_recent_words,
    with_safety_net,
    with_unscreened_note,
)
from bot.geo.districts import DistrictTable
from bot.storage import linking
from bot.storage import repository as repo
from bot.storage.db import Database

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
REMINDER_DAYS = 7  # how far a reminder moves on when its day already has one of its kind
FOLLOW_UP_TRIES = 3  # days a follow-up waits for someone to finish another conversation
CHAT_LIVELY_FOR = timedelta(hours=1)  # a chat with a message this recent is not interrupted



@dataclass(frozen=True)
class _Language:
    """Everything loaded once per language: content, answer words, commands, safety."""

    context_base: Context
    commands: CommandWords
    safety: Screen


class Engine:
    def __init__(self, db: Database, clock: Clock, content: ContentLibrary,
                 conversations: Registry, geo: DistrictTable | None = None,
                 on_queued: Callable[[], None] | None = None,
                 places: Any = None,
                 place_guide: Callable[[Any], PlaceGuide] | None = None,
                 shape: Callable[[Address, Sequence[Outbound]], list[Outbound]] | None = None,
                 telegram_bot: str | None = None,
                 effect_handlers: Mapping[type, EffectHandler] | None = None,
                 screen_for: Callable[[Content], Screen] | None = None,
                 peers: PeerDirectory | None = None,
                 replan: Callable[[Connection, int], object] | None = None,
                 interceptors: Sequence[Interceptor] = (),
                 told_when_undelivered: Collection[str] = (),
                 ) -> None:
        self.db = db
        # Outbox kinds whose writer hears when they never arrive (relays): STOP leaves them
        # for the dispatcher to suppress, which runs its undelivered hooks.
        self.told_when_undelivered = tuple(told_when_undelivered)
        # What features do for the effects a turn asks for (peer support, the duty team).
        self.effect_handlers = dict(effect_handlers or {})
        # The safety screen for a language (`bot.safety.screens.screen_for`); without one,
        # nothing is screened (the terminal tools that never meet a resident).
        self._screen_for = screen_for or (lambda _content: NoScreen())
        # Someone's place in peer support (`bot.peers.service`), read before they are heard.
        self.peers = peers
        # What reads a message before the conversation they are in (the duty team's and
        # volunteers' commands, peer support), in the order the app lists them.
        self.interceptors = tuple(interceptors)
        # Planned messages to forget when someone's wishes change (`planner.drop_planned`).
        self.replan = replan or (lambda _connection, _person_id: None)
        # The bot's Telegram username, for t.me links (None: Telegram is not set up).
        self.telegram_bot = telegram_bot
        # How a turn's messages travel on each channel (SMS joins them), set by the app.
        self.shape = shape or (lambda _address, messages: list(messages))
        self.on_queued = on_queued
        # The catalogue, as conversations read it: the app says how to make the guide
        # from a ranking index (`bot.places.guide.PlaceGuide`), so the engine knows no feature.
        self._guide = place_guide or (lambda index: index)
        self.places: PlaceGuide | None = self._guide(places) if places is not None else None
        self.clock = clock
        self.content = content
        # Conversations by stored name, and which plays each part (`conversations.registry`).
        self.registry = conversations
        self.conversations: Mapping[str, Conversation] = conversations
        self.geo = geo
        self._languages: dict[str, _Language] = {}

    # -- public -------------------------------------------------------------------------
    async def handle(self, address: Address, event: Inbound, *, external_id: str | None = None,
                     referral: str | None = None) -> Handled:
        """Handle one inbound event exactly once, retrying if another worker got there too."""
        event = replace(event, text=storable(event.text), argument=storable(event.argument))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                handled = await self._handle_once(address, event, external_id, referral)
            except (IntegrityError, StaleDataError, repo.ConcurrentUpdate):
                # Two workers raced for the same person or the same update; the loser retries
                # from the top and will see what the winner stored.
                log.info("retrying inbound after a concurrent update (attempt %d)", attempt)
                continue
            if handled.erased:
                await self.db.checkpoint()
            if handled.outbox_ids and self.on_queued is not None:
                self.on_queued()
            return handled
        raise RuntimeError("could not store an inbound message after repeated conflicts")

    async def claim_inbound(self, channel: str, external_id: str) -> bool:
        """Remember an update handled outside the engine (a tick on a keyboard); False if
        it was seen before."""
        now = self.clock.now()
        return await self.db.run(
            lambda connection: repo.mark_seen(connection, channel, external_id, now))

    async def set_reachable(self, address: Address, *, reachable: bool) -> None:
        """The platform told us someone blocked (or unblocked) us: stop (or resume) sending."""
        now = self.clock.now()

        def mark(connection: Connection) -> None:
            stored = repo.load(connection, address, lock=False)
            if stored is not None:
                repo.update_identity(connection, stored.identity_id,
                                     unreachable_at=None if reachable else now)

        await self.db.run(mark)

    def use_places(self, places: Any) -> None:
        """A reloaded catalogue (say, after an OpenActive import) for every conversation."""
        self.places = self._guide(places)
        self._languages.clear()

    def language(self, code: str | None) -> _Language:
        content = self.content.for_language(code)
        cached = self._languages.get(content.language)
        if cached is None:
            vocabulary = Vocabulary.from_content(content)
            base = Context(content=content, clock=self.clock, vocabulary=vocabulary, geo=self.geo,
                           places=self.places)
            cached = _Language(base, CommandWords(content), self._screen_for(content))
            self._languages[content.language] = cached
        return cached

    # -- one attempt ----------------------------------------------------------------------
    async def _handle_once(self, address: Address, event: Inbound, external_id: str | None,
                           referral: str | None) -> Handled:
        now = self.clock.now()
        lock = not self.db.is_sqlite
        return await self.db.run(
            lambda connection: self._transaction(connection, address, event, external_id,
                                                 referral, now, lock))

    def _transaction(self, connection: Connection, address: Address, event: Inbound,
                     external_id: str | None, referral: str | None, now: datetime,
                     lock: bool) -> Handled:
        """Everything one event changes, in one transaction: state, identity, outbox."""
        if external_id is not None and not repo.mark_seen(connection, address.channel,
                                                          external_id, now):
            return Handled(duplicate=True)
        timed = event.kind is EventKind.TIMEOUT
        stored = repo.load(connection, address, lock=lock)
        is_new = stored is None
        if stored is None:
            if timed:
                return Handled(ignored=True)  # erased since it was planned
            stored = repo.create_person(connection, address, now, referral)
            repo.record_impact(connection, "joined", now, detail=referral or "direct",
                               channel=address.channel)
        lang = self.language(stored.person["language"])
        ctx = replace(lang.context_base, channel=address.channel)
        if not is_new:
            # Someone's place in peer support decides where their words go (focus rules:
            # docs/focus.md). Between conversations it is always read; mid-conversation or
            # for a planned message only when it matters (REPORT, news since their last
            # turn, an active chat): one cheap query on the hot path otherwise.
            last_turn = None if timed else stored.person["updated_at"]
            in_flow = stored.person["flow"] is not None and not lapsed(repo.to_state(stored),
                                                                         now)
            peers = self.peers
            if peers is not None and (
                    (not in_flow and not timed) or self.registry.peer.reports(ctx, event) or
                    (last_turn is not None and
                     peers.asked_since(connection, stored.person_id, last_turn)) or
                    peers.chatting(connection, stored.person_id)):
                ctx = replace(ctx, peer=peers.context_for(
                    connection, stored.person_id, lang.context_base.content, now=now,
                    since=last_turn))
        plan = self._decide(ctx, lang, stored, event, is_new, referral)
        recognised = lang.commands.recognise(event, ctx.channel)
        recent = recent_words(
            event, plan.kind, recognised is not None or
            self.registry.duty_commands(event) is not None, stored, now,
            stop_word=recognised is not None and recognised.command is Command.STOP and
            len(event.text.split()) == 1)
        if plan.ignore:
            if not timed:
                repo.update_identity(connection, stored.identity_id, last_inbound_at=now,
                                     recent_words=recent, recent_words_at=now)
            return Handled(person_id=stored.person_id, ignored=True)

        if not timed:
            # Writing to us proves we can reach them again.
            identity: dict[str, object] = {"last_inbound_at": now, "unreachable_at": None,
                                           "recent_words": recent, "recent_words_at": now}
            if plan.opt_out:
                identity["opted_out_at"] = now
                repo.cancel_queued(connection, address.channel, address.address, now,
                                   leave_kinds=self.told_when_undelivered)
                repo.record_impact(connection, "opted_out", now, channel=address.channel)
            if plan.opt_in:
                identity["opted_out_at"] = None
                repo.record_impact(connection, "opted_in", now, channel=address.channel)
            repo.update_identity(connection, stored.identity_id, **identity)

        say = list(plan.say)
        if plan.opt_out and say:
            others = repo.other_channels(connection, stored.person_id, stored.identity_id)
            if others:
                names = ctx.content
                say[0] = ctx.say("optout.stopped_channel",
                                 channel=names.text(f"optout.channel_names.{address.channel}"),
                                 other=names.text(f"optout.other_names.{others[0]}"))
        erase: EraseEverything | None = None
        ours = bool(plan.say)  # words of ours, not peer support's about the chat
        raised: list[OpenSafetyAlert] = []
        for effect in plan.effects:
            if isinstance(effect, EraseEverything):
                erase = effect
            elif isinstance(effect, RecordImpact):
                repo.record_impact(connection, effect.kind, now, effect.detail, address.channel)
            elif isinstance(effect, ScheduleReminder):
                # One of a kind a day: another (a second place to go to) takes the next
                # free day rather than being lost.
                for extra in range(REMINDER_DAYS):
                    due = outside_quiet_hours(effect.due_at + timedelta(days=extra),
                                              plan.profile.quiet_start, plan.profile.quiet_end)
                    if repo.add_reminder(connection, stored.person_id, effect.kind, due,
                                         effect.payload, now):
                        break
            elif isinstance(effect, RecordFeedback):
                self._effect(connection, ctx, stored, plan, effect, now)
            elif isinstance(effect, PeerAction):
                extra, started = self._effect(connection, ctx, stored, plan, effect, now)
                # What peer support says goes before the question they are taken back to.
                at = len(say) if plan.reprompt_from is None else plan.reprompt_from
                say[at:at] = extra
                if plan.reprompt_from is not None:
                    plan.reprompt_from += len(extra)
                if started is not None:
                    plan.state = started
            elif isinstance(effect, LinkAction):
                extra, linked_state, rejoined = self._link_action(connection, ctx, stored,
                                                                  effect, address, now)
                say += extra
                ours = ours or bool(extra)
                if linked_state is not None:
                    plan.state = linked_state
                if rejoined:
                    # Two people became one: carry on as the person now behind this address.
                    found = repo.load(connection, address, lock=lock)
                    assert found is not None
                    stored = found
                    plan.profile = repo.to_profile(stored)
            elif isinstance(effect, OpenSafetyAlert):
                raised.append(effect)  # opened once their reply is queued: it goes first
            elif isinstance(effect, AlertAction):
                say += self._effect(connection, ctx, stored, plan, effect, now)[0]
            elif isinstance(effect, ShowMyData):
                say[:0] = self._effect(connection, ctx, stored, plan, effect, now)[0]
        # Only a conversation's words: peer support's replies are about the chat itself.
        if say and ours and not (plan.about_chat or erase is not None or plan.opt_out) and \
                _chatting_after(connection, ctx, stored.person_id, plan, self.peers):
            # In a chat, the other person's words come as "Sam: ..."; ours say who we are.
            say[0] = replace(say[0], text=ctx.t("peers.relay.from_us", text=say[0].text))
        say = self.shape(address, tag_question(say, plan.state))
        key = f"in:{address}:{external_id}" if external_id else f"in:{address}:{uuid4().hex}"

        if erase is not None:
            self._effect(connection, ctx, stored, plan, erase, now)
            ids = repo.queue_messages(
                connection, person_id=None, to=address, messages=say, kind="erasure",
                priority=PRIORITY_REPLY, key_prefix=key, now=now, bypass_suppression=True)
            log.info("erased person %s on request", stored.person_id)
            return Handled(person_id=None, outbox_ids=ids, erased=True)

        before = repo.to_profile(stored)
        repo.save(connection, stored, plan.profile, plan.state, now)
        if schedule_changed(before, plan.profile):
            self.replan(connection, stored.person_id)
        ids = repo.queue_messages(
            connection, person_id=stored.person_id, to=address, messages=say, kind=plan.kind,
            priority=PRIORITY_SCHEDULED if timed else PRIORITY_REPLY, key_prefix=key, now=now,
            expires_at=event.payload.get("expires_at") if timed else None,
            bypass_suppression=plan.opt_out or plan.bypass)
        for alert in raised:
            self._effect(connection, ctx, stored, plan, alert, now, address.channel)
        return Handled(person_id=stored.person_id, outbox_ids=ids)

    # -- deciding (no I/O) ----------------------------------------------------------------
    def _decide(self, ctx: Context, lang: _Language, stored: repo.Stored, event: Inbound,
                is_new: bool, referral: str | None) -> Plan:
        profile = repo.to_profile(stored)
        state = repo.to_state(stored)
        if lapsed(state, ctx.now()):
            state = IDLE  # e.g. a check-in left unanswered for days: not asked again
        if event.kind is EventKind.TIMEOUT:
            return self._time_event(ctx, stored, state, profile, event)
        recognised = lang.commands.recognise(event, ctx.channel)
        if recognised and recognised.argument == "exit" and ctx.peer.in_chat:
            recognised = None  # "end" in a chat on Telegram: words for their peer
        provider_keyword = event.payload.get("provider_opt_out")
        if provider_keyword == "STOP":
            # The provider has opted them out and confirmed it; a second text would fail.
            return Plan([], state, profile, kind="optout", opt_out=True)
        if provider_keyword in ("START", "HELP"):
            command = Command.START if provider_keyword == "START" else Command.HELP
            recognised = Recognised(command)

        # A wish to stop in more words ("STOP. I don't want this anymore"): a stop, and
        # only its other words are screened (the service refused is no crisis).
        # Not at "are you sure?" before erasing, where "stop, I don't want to" keeps them.
        stop_words: str | None = None
        if recognised is None and stored.opted_out_at is None and \
                state.flow != self.registry.commands.get(Command.DELETE):
            stop_words = lang.commands.stop.request(event.text, in_chat=ctx.peer.in_chat) \
                if event.kind is EventKind.TEXT else None
            if stop_words is not None:
                recognised = Recognised(Command.STOP)
        duty_command = self.registry.duty_commands(event)
        # The duty team's commands ("ALERT 12 NOTE said she took tablets") speak of others:
        # not screened; a resident's "alert 2 me, I've fallen" is screened as ever.
        team_command = duty_command is not None and profile.role != "resident"
        to_screen = event.kind is EventKind.TEXT and not team_command
        assessment = screened(lang.safety, event.text) if to_screen else Assessment()
        if to_screen:
            # Read after the end of their last message too (a crisis split over two);
            # commands are never kept as a start ("help" twice is no plea).
            assessment = with_recent_words(lang.safety, stored, event.text, ctx.now(),
                                           assessment)
        if stored.opted_out_at is not None:
            if recognised and recognised.command is Command.LINK_ACCEPT:
                # Opening a link texted to them is writing to us again: back in, and linked.
                plan = self._command(ctx, recognised, state, profile, is_new)
                plan.opt_in = True
                return plan
            if not (assessment.findings or assessment.unscreened) and answered_after_stop(
                    recognised, event, state.flow == self.registry.commands.get(Command.DELETE)):
                plan = self._decide_rest(ctx, state, profile, event, is_new, referral,
                                         recognised, Assessment())
                plan.bypass = True  # their data is theirs after STOP too (commands.py)
                return plan
            if (recognised and recognised.command is Command.START) or is_literal_start(event):
                back = [ctx.say("optout.welcome_back"), *self._reprompt(ctx, state, profile)]
                return Plan(back, state, profile, opt_in=True)
            if assessment.findings:
                # Their own emergency after STOP: one reply, not marketing, and the duty
                # team is told (hazard log H3). Nothing more: no "carry on".
                plan = urgent_reply(ctx, IDLE, profile, assessment, event)
                plan.state = state
                plan.bypass = True
                return plan
            if assessment.unscreened:  # the screen failed (H9): nothing sent, a person reads it
                return Plan([], state, profile, kind="safety", effects=[unscreened_alert(event)])
            # UK rules: after STOP, nothing at all until they opt back in.
            return Plan([], state, profile, ignore=True)
        if recognised and recognised.command is Command.STOP:
            if stop_words is not None:
                # Its other words read alone ("stop, i want to die"); else the whole
                # message ("STOP. I don't want this life"), unless they refuse the
                # service itself ("STOP. I don't want this anymore").
                alone = screened(lang.safety, stop_words) if stop_words.strip() \
                    else Assessment()
                if alone.findings or lang.commands.stop.refuses(stop_words) or \
                        (not stop_words.strip() and assessment.joined is None):
                    assessment = alone  # "i want to opt out" is the wish alone
            elif assessment.joined is None:
                assessment = Assessment()  # the command alone ("opt out"): nothing to read
            stopped = Plan([ctx.say("optout.stopped")], state, profile, kind="optout",
                           opt_out=True)
            if assessment.findings:
                # "i just want to" then "end": honoured at once, and their crisis answered
                # and the duty team told (hazard log H3).
                urgent = urgent_reply(ctx, IDLE, profile, assessment, event)
                stopped.say = [*urgent.say, *stopped.say]
                stopped.effects = urgent.effects
            elif assessment.unscreened and (stop_words or "").strip():  # more than "STOP"
                stopped.effects = [unscreened_alert(event)]
            return stopped

        in_peer_chat = state.flow is None and ctx.peer.in_chat
        if assessment.standing and state.ref in ctx.content.words(STANDING_QUESTIONS):
            # "I get chest pain on hills", asked about their health: part of their answer,
            # kept, and met with when to stop and get help, not "call 999 now" (hazard log
            # H1). Any word of now ("today", "won't ease") and it is urgent as ever.
            return with_safety_net(ctx, self._decide_rest(
                ctx, state, profile, event, is_new, referral, recognised, assessment),
                assessment)
        if assessment.unscreened:  # the screen failed (H9): urgent numbers, a person reads it
            return with_unscreened_note(ctx, self._decide_rest(
                ctx, state, profile, event, is_new, referral, recognised, assessment), event)
        if assessment.findings:
            plan = urgent_reply(ctx, state, profile, assessment, event)
            if in_peer_chat:
                # Meant for their peer: it still goes to them (and they are screened too).
                rest = self._decide_rest(ctx, state, profile, event, is_new, referral,
                                         recognised, assessment)
                plan.say += rest.say
                plan.effects += rest.effects
                plan.state = rest.state
            return plan
        if assessment.medical_question:
            signpost = ctx.say("safety.reply.medical_question")
            effects: list[object] = [RecordImpact("medical_question")]
            if is_new:
                # A first message: the answer to their question, then the welcome.
                rest = self._decide_rest(ctx, state, profile, event, is_new, referral,
                                         recognised, assessment)
                rest.say = [signpost, *rest.say]
                rest.effects = [*rest.effects, *effects]
                return rest
            if in_peer_chat:
                rest = self._decide_rest(ctx, state, profile, event, is_new, referral,
                                         recognised, assessment)
                plan = Plan([*rest.say, signpost], rest.state, rest.profile,
                            effects=[*rest.effects, *effects])
                # "feeling rubbish, should i up my painkillers?": the signpost, and care.
                return with_care_note(ctx, plan, assessment) \
                    if assessment.distress and relayed(rest) else plan
            # Never stored as an answer: the question they were on is asked again.
            return Plan([signpost, *self._reprompt(ctx, state, profile)], state, profile,
                         effects=effects)
        rest = self._decide_rest(ctx, state, profile, event, is_new, referral, recognised,
                                 assessment)
        if assessment.distress and relayed(rest):
            return with_care_note(ctx, rest, assessment)
        return rest

    def _decide_rest(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound,
                     is_new: bool, referral: str | None, recognised: Recognised | None,
                     assessment: Assessment) -> Plan:
        """Everything after the safety screen: commands, peer support, conversations."""

        if recognised and recognised.command is Command.START:
            # Not opted out: 'yes' is an ordinary answer; 'start' is a hello.
            recognised = Recognised(Command.GREETING, recognised.argument) \
                if is_literal_start(event) else None
        if recognised and recognised.command is Command.GREETING and \
                event.kind is EventKind.TEXT and state.flow is None and ctx.peer.in_chat:
            recognised = None  # "Hello!" in a peer chat is for the other person
        if recognised and recognised.command is Command.GREETING and assessment.distress:
            recognised = None  # "hi, rubbish week tbh" is not a hello to answer cheerily
        if recognised is not None:
            if referral and profile.referral_source is None and not is_new:
                profile = profile.changed(referral_source=referral)
            return self._command(ctx, recognised, state, profile, is_new)
        current = self.conversations.get(state.flow or "")
        for interceptor in self.interceptors:
            taken = interceptor.intercept(ctx, state, profile, event, current)
            if taken is not None:
                return self._intercepted(ctx, taken, state, profile)

        if event.kind is EventKind.CHOICE and event.payload.get(
                "ref_token", ref_token(state.ref)) != ref_token(state.ref):
            # A button from an earlier question: say so and show the current one.
            return Plan([ctx.say("common.stale_button"), *self._reprompt(ctx, state, profile)],
                         state, profile)
        newcomer = state.flow is None and profile.onboarded_at is None  # welcome first
        # In a chat, hard words are for their peer first: relayed, then a note of care
        # from us (`with_care_note`), never an offer that would catch their next message.
        if assessment.distress and not (state.flow is None and ctx.peer.in_chat) and \
                not ctx.peer.chatting and not is_new and not newcomer:
            plan = self._care(ctx, state, profile, event, assessment)
            if plan is not None:
                return plan
        if state.flow and state.flow in self.conversations:
            conversation = self.conversations[state.flow]
            turn = conversation.handle(ctx, state, profile, event)
            if unusable(turn, state) and not conversation.holds_focus:
                for interceptor in self.interceptors:
                    taken = interceptor.unclaimed(ctx, state, profile, event)
                    if taken is not None:
                        return self._intercepted(ctx, taken, state, profile)
            return self._follow(ctx, turn, previous=state)
        return self._idle(ctx, state, profile, event)

    def _care(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound,
              assessment: Assessment) -> Plan | None:
        """Distress met with care: between conversations, at a menu or a check-in, or as
        an answer the question could not use (then the question comes back afterwards)."""
        current = self.conversations.get(state.flow or "")
        resumable = state.flow is not None and (current is None or current.resumable) and \
            state.flow != self.registry.checkin
        resume: FlowState | None = None
        effects: list[object] = []
        if state.flow == self.registry.checkin and current is not None:
            # The check-in reads a hard week itself ("not good, my ms has flared up"):
            # gentler messages, their words kept, and the offer. Care only for the rest.
            turn = current.handle(ctx, state, profile, event)
            if not unusable(turn, state):
                return None
            effects.append(RecordImpact("checkin", "harder"))
        if resumable and current is not None:
            turn = current.handle(ctx, state, profile, event)
            if turn.state != state or turn.start is not None or turn.effects:
                return None  # an answer it could use: theirs to give
            resume = state
        care = self.conversations[self.registry.care].start(ctx, profile,
                                                            health=assessment.health_worse)
        new_state = care.state
        if resume is not None:
            new_state = replace(new_state, data={**new_state.data, "resume": dump_state(resume)})
        return Plan(list(care.say), new_state, care.profile,
                     effects=[*effects, *care.effects])

    def _intercepted(self, ctx: Context, taken: Intercepted, state: FlowState,
                     profile: Profile) -> Plan:
        """The plan for a message an interceptor took: where it says they are (with their
        profile as it was), or its turn followed like any conversation's."""
        if taken.state is None:
            plan = self._follow(ctx, taken.turn, previous=state)
        else:
            plan = Plan(list(taken.turn.say), taken.state, profile,
                        effects=list(taken.turn.effects))
        plan.about_chat = taken.about_chat
        return plan

    def _effect(self, connection: Connection, ctx: Context, stored: repo.Stored, plan: Plan,
                effect: object, now: datetime, channel: str = ""
                ) -> tuple[list[Outbound], FlowState | None]:
        """Hand an effect to the handler registered for its type; the profile it leaves is
        the turn's."""
        handler = self.effect_handlers.get(type(effect))
        if handler is None:
            raise NoHandler(f"no handler registered for {type(effect).__name__}")
        call = EffectCall(connection, ctx, stored.person_id, plan.profile, self.content,
                          self.conversations, now, channel)
        said, state = handler(call, effect)
        plan.profile = call.profile
        return said, state

    def _link_action(self, connection: Connection, ctx: Context, stored: repo.Stored,
                     effect: LinkAction, address: Address, now: datetime
                     ) -> tuple[list[Outbound], FlowState | None, bool]:
        """Codes and joining (bot/storage/linking.py): (what to say, where they are now,
        whether two people became one)."""
        person, values = stored.person_id, effect.values
        link = self.conversations[self.registry.link]
        if effect.action == "sms_code":
            number = str(values["number"])
            status, code = linking.ask_sms_code(connection, person, number, now)
            if status != "new" or code is None:
                return [ctx.say(f"link.{status}")], IDLE, False
            repo.queue_messages(
                connection, person_id=person, to=Address("sms", number),
                messages=[ctx.say("link.sms_text", code=code)], kind="link_code",
                priority=PRIORITY_REPLY, key_prefix=f"link:{uuid4().hex}", now=now)
            return [ctx.say("link.code_sent", digits=number[-4:])], None, False
        if effect.action == "check_code":
            checked = linking.check_sms_code(connection, person, str(values["code"]), now)
            if checked.status == "wrong":
                return [ctx.say("link.wrong", count=checked.tries_left)], None, False
            if checked.status != "ok":
                key = "link.expired" if checked.status == "none" else f"link.{checked.status}"
                return [ctx.say(key)], IDLE, False
        elif effect.action == "telegram_link":
            token = linking.ask_telegram_link(connection, person, now) \
                if self.telegram_bot else None
            if token is None:
                return [ctx.say("link.telegram_off" if not self.telegram_bot
                                else "link.too_many")], None, False
            url = f"https://t.me/{self.telegram_bot}?start={LINK_PREFIX}{token}"
            return [ctx.say("link.telegram_link", link=url)], None, False
        elif effect.action == "use_link":
            checked = linking.use_telegram_link(connection, person,
                                                str(values.get("token", "")), now)
            if checked.status == "cannot_join":
                return [ctx.say("link.cannot_join")], IDLE, False
            if checked.status != "ok":
                return [ctx.say("link.link_used")], None, False
        else:
            raise ValueError(f"unknown link action {effect.action!r}")
        repo.record_impact(connection, "linked", now, channel=address.channel)
        reach_by = FlowState(self.registry.link, "reach_by")
        reach = link.reprompt(ctx, reach_by, Profile())
        return [ctx.say("link.linked"), *reach], reach_by, True

    def _time_event(self, ctx: Context, stored: repo.Stored, state: FlowState, profile: Profile,
                    event: Inbound) -> Plan:
        """Time passed: something planned is due (a check-in, a follow-up). It never
        interrupts: someone mid-conversation, paused or opted out is left alone."""
        name, options = self.registry.time_events.get(event.command or "",
                                                      (event.command or "", {}))
        conversation = self.conversations.get(name)
        busy = state.flow is not None
        paused = profile.paused_until is not None and profile.paused_until > ctx.now()
        # A follow-up was promised in reply to "I'd like to go"; check-ins and ideas are
        # friendly messages, so they need consent to them.
        unasked = event.command != "followup" and not profile.consent_encouragement
        tries = event.payload.get("tries", 0)
        # A peer chat in full flow is not interrupted: whatever was planned waits a day
        # (focus rules, docs/focus.md). In a quieter chat it comes, saying it is from us.
        last = ctx.peer.last_chat_message_at
        lively = ctx.peer.chatting and last is not None and ctx.now() - last < CHAT_LIVELY_FOR
        if (((busy or paused) and event.command == "followup") or lively) and \
                isinstance(tries, int) and tries < FOLLOW_UP_TRIES and \
                stored.opted_out_at is None:
            # A promised follow-up waits for the conversation they are in (or a short
            # pause) to end: asked again tomorrow rather than dropped.
            again = {k: v for k, v in event.payload.items() if k != "expires_at"}
            return Plan([], state, profile, effects=[ScheduleReminder(
                event.command or "followup", ctx.now() + timedelta(days=1),
                {**again, "tries": tries + 1})])
        if conversation is None or busy or paused or stored.opted_out_at is not None or \
                stored.unreachable_at is not None or unasked:
            return Plan([], state, profile, ignore=True)
        turn = conversation.start(ctx, profile, **{**event.payload, **options})
        plan = self._follow(ctx, turn, previous=state)
        plan.kind = event.command or "scheduled"
        return plan

    def _idle(self, ctx: Context, state: FlowState, profile: Profile, event: Inbound) -> Plan:
        # Volunteers joined by their own questions; a resident's welcome is not for them.
        if profile.onboarded_at is None and profile.role == "resident":
            turn = self.conversations[self.registry.newcomer].start(ctx, profile)
            return self._follow(ctx, turn, previous=state)
        greeting = ctx.t("common.idle_greeting", name=profile.name) if profile.name else \
            ctx.t("common.idle_greeting_no_name")
        turn = self.conversations[self.registry.idle].start(ctx, profile, prefix=greeting)
        return self._follow(ctx, turn, previous=state)

    def _command(self, ctx: Context, recognised: Recognised, state: FlowState, profile: Profile,
                 is_new: bool) -> Plan:
        command = recognised.command
        in_flow = state.flow is not None
        if command is Command.GREETING:
            if in_flow and not is_new:
                hello = ctx.t("common.idle_greeting", name=profile.name) if profile.name else \
                    ctx.t("common.idle_greeting_no_name")
                return Plan([Outbound(hello), *self._reprompt(ctx, state, profile)], state,
                             profile)
            return self._idle(ctx, state, profile, Inbound.from_text(""))
        if command is Command.LINK_ACCEPT:
            # A link texted to them, opened on Telegram (perhaps their first message here).
            return Plan([], state, profile, effects=[LinkAction(
                "use_link", {"token": recognised.argument})])
        if is_new and command is not Command.HELP:
            # Someone new who opens with 'menu' or 'my data' still needs the welcome first.
            return self._idle(ctx, state, profile, Inbound.from_text(""))
        if command is Command.HELP:
            return Plan([*self.registry.everyday.help_messages(ctx),
                         *self._reprompt(ctx, state, profile)], state, profile)
        if command is Command.PAUSE:
            say, profile = self.registry.everyday.pause(ctx, profile)
            return Plan([*say, *self._reprompt(ctx, state, profile)], state, profile)
        if command is Command.RESUME:
            say, profile = self.registry.everyday.resume(ctx, profile)
            return Plan([*say, *self._reprompt(ctx, state, profile)], state, profile)
        if command is Command.NOT_TODAY:
            say, profile = self.registry.everyday.not_today(ctx, profile)
            return Plan([*say, *self._reprompt(ctx, state, profile)], state, profile)
        if command is Command.PAUSE_WEEK:
            say, profile = self.registry.everyday.pause_week(ctx, profile)
            return Plan([*say, *self._reprompt(ctx, state, profile)], state, profile)
        if command is Command.MY_DATA:
            return Plan(self._reprompt(ctx, state, profile), state, profile,
                         effects=[ShowMyData()])
        if command is Command.LINK_PHONE:
            if ctx.channel == "sms":
                return Plan([ctx.say("link.on_sms_already"), *self._reprompt(ctx, state, profile)],
                             state, profile)
            start = StartFlow(self.registry.link)
            return self._follow(ctx, Turn([], IDLE, profile, start=start), state)
        if command is Command.LINK_TELEGRAM:
            if ctx.channel == "telegram":
                return Plan([ctx.say("link.on_telegram_already"),
                              *self._reprompt(ctx, state, profile)], state, profile)
            return Plan(list(self._reprompt(ctx, state, profile)), state, profile,
                         effects=[LinkAction("telegram_link")])
        if command is Command.RESTART:
            fresh = Profile(person_id=profile.person_id, role=profile.role,
                            language=profile.language, referral_source=profile.referral_source)
            newcomer = self.conversations[self.registry.newcomer]
            return self._follow(ctx, newcomer.start(ctx, fresh), IDLE)
        flow = self.registry.commands[command]
        if state.flow == flow:
            return Plan(self._reprompt(ctx, state, profile), state, profile)
        # Choosers (the menu, an offer) are not worth coming back to once left.
        current = self.conversations.get(state.flow or "")
        resume = state if in_flow and (current is None or current.resumable) else None
        turn = Turn([], IDLE, profile, start=StartFlow(flow, resume=resume))
        return self._follow(ctx, turn, previous=state)

    def _follow(self, ctx: Context, turn: Turn, previous: FlowState) -> Plan:
        """Apply hand-overs between conversations and returns to an interrupted one."""
        say = list(turn.say)
        state = turn.state
        profile = turn.profile
        effects: list[object] = list(turn.effects)
        if turn.start is not None:
            sub = self.conversations[turn.start.name].start(ctx, profile)
            say += sub.say
            effects += sub.effects
            profile = sub.profile
            state = sub.state
            if turn.start.resume is not None and turn.start.resume.flow:
                state = replace(state, data={**state.data, "resume": dump_state(turn.start.resume)})
            elif "resume" in previous.data:
                # Handing over (menu -> settings) keeps the way back to where they were.
                state = replace(state, data={**state.data, "resume": previous.data["resume"]})
        elif state.flow is None and "resume" in previous.data:
            back = load_state(previous.data["resume"])
            if back.flow in self.conversations and not any(
                    isinstance(e, EraseEverything) for e in effects):
                state = back
                reprompt_from = len(say)
                say += self.conversations[back.flow].reprompt(ctx, back, profile)
                return Plan(say, state, profile, effects=effects, reprompt_from=reprompt_from)
        return Plan(say, state, profile, effects=effects)

    def _reprompt(self, ctx: Context, state: FlowState, profile: Profile) -> Sequence[Outbound]:
        if state.flow and state.flow in self.conversations:
            return self.conversations[state.flow].reprompt(ctx, state, profile)
        return []


def _chatting_after(connection: Connection, ctx: Context, person_id: int, plan: Plan,
                    peers: PeerDirectory | None) -> bool:
    """Whether, after this turn, messages pass in one of their chats (read again only when
    this turn did something in peer support)."""
    if peers is not None and any(isinstance(e, PeerAction) for e in plan.effects):
        return peers.chatting(connection, person_id)
    return ctx.peer.chatting


__all__ = ["Engine", "Handled"]
