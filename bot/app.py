"""Builds and wires the parts. The only module that knows them all."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from bot.channels.bundling import bundle_turn
from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.content import ContentLibrary, library
from bot.core.turn import (
    AlertAction,
    EraseEverything,
    OpenSafetyAlert,
    PeerAction,
    RecordFeedback,
    ShowMyData,
    TeamAction,
)
from bot.dispatch.limits import QUEUEING_MARGIN_SECONDS, Limits
from bot.dispatch.outbox import Dispatcher, Sender
from bot.engine.runner import Engine
from bot.extensions import peer_support, place_feedback, privacy, safety_alerts, staff_help
from bot.geo.districts import default_table
from bot.groups import personal_data as groups_data
from bot.peers import personal_data as peers_data
from bot.peers import service as peer_service
from bot.peers import undelivered
from bot.places import live as live_places
from bot.places.catalogue import Catalogue
from bot.places.guide import PlaceGuide
from bot.places.ranking import RankingIndex
from bot.safety import personal_data as safety_data
from bot.safety.screens import screen_for
from bot.scheduling import planner
from bot.staff import personal_data as staff_data
from bot.staff.hours import StaffHours
from bot.storage.db import Database
from conversations import interceptors, registry


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    content: ContentLibrary
    engine: Engine
    dispatcher: Dispatcher
    senders: dict[str, Sender] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.dispose()


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def channel_limits(settings: Settings) -> dict[str, Limits]:
    workers = max(1, settings.dispatch_workers)
    return {
        "telegram": Limits(settings.telegram_rate_per_second,
                           settings.telegram_chat_interval_seconds,
                           settings.telegram_group_per_minute).shared_by(workers),
        # (Twilio queues over-rate texts rather than refusing them: see limits.py.)
        "sms": Limits(settings.sms_segments_per_second,
                      margin=QUEUEING_MARGIN_SECONDS).shared_by(workers),
    }


def build(settings: Settings, *, clock: Clock | None = None,
          senders: Mapping[str, Sender] | None = None, paced: bool = True) -> Services:
    """Everything wired together. `paced=False` drops the platform rate limits, for the
    terminal chat and tests whose senders print or record instead of calling a network."""
    clock = clock or SystemClock()
    db = Database(settings.database_url, busy_seconds=settings.sqlite_busy_seconds)
    content = library(settings.content_dir)
    # What a relayed message can carry by SMS: the relay says what was left out.
    peer_service.set_sms_unicode(settings.sms_allow_unicode)
    # Each feature's part in "my data" and erasure, in the order erasure runs: peer chats
    # end first (the other side is told), then alerts, groups and the team's requests to
    # talk forget them.
    rights = privacy.PersonalRights((peers_data.PART, safety_data.PART, groups_data.PART,
                                     staff_data.PART))
    # "Talk to a person": the request, and a member of staff holding the conversation.
    team = staff_help.StaffHelp(StaffHours.parse(settings.staff_hours,
                                                 settings.staff_closed_days))
    engine = Engine(db, clock, content, registry(), geo=default_table(),
                    places=RankingIndex(Catalogue.from_yaml(settings.content_dir,
                                                            strict=False).all()),
                    place_guide=PlaceGuide,
                    # The safety screen per language, peer support's directory and the
                    # planner's replanning: features the engine reaches only through these.
                    screen_for=partial(screen_for, cache=settings.cache_dir),
                    peers=peer_service, replan=planner.drop_planned,
                    # Read before the conversation someone is in, in this order.
                    interceptors=(team, interceptors.DUTY_COMMANDS,
                                  interceptors.VOLUNTEER_COMMANDS, interceptors.PEER_SUPPORT),
                    shape=partial(bundle_turn, allow_unicode=settings.sms_allow_unicode),
                    telegram_bot=(settings.telegram_bot_username or "").lstrip("@") or None,
                    # Effects that touch other people, by type: done by their feature.
                    effect_handlers={PeerAction: peer_support.peer_action,
                                     AlertAction: safety_alerts.alert_action,
                                     OpenSafetyAlert: safety_alerts.open_alert,
                                     ShowMyData: rights.show_my_data,
                                     EraseEverything: rights.erase,
                                     RecordFeedback: place_feedback.feedback,
                                     TeamAction: team.team_action},
                    # A relay queued to someone who then texts STOP: its writer is told.
                    told_when_undelivered=(undelivered.RELAY_KIND,))
    live_places.follow(db, engine.use_places, settings.content_dir)  # staff edits, at once
    dispatcher = Dispatcher(db, clock, senders or {},
                            worker_id=settings.worker_id or default_worker_id(),
                            limits=channel_limits(settings) if paced else None)
    # A relayed message refused because its reader can't be reached: the writer is told.
    dispatcher.after_undelivered = (undelivered.hook(content),)
    return Services(settings, db, clock, content, engine, dispatcher, dict(senders or {}))
