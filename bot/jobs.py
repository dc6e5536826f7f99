"""Periodic work, run by APScheduler in `serve` and by `~ advance` in `chat --clock fake`.
Jobs only plan and hand due things to the engine; the dispatcher sends."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from bot.broadcasts import send as broadcasts
from bot.broadcasts.models import Broadcast
from bot.core.events import Address, Inbound
from bot.core.london import end_of_local_day
from bot.extensions import retention
from bot.peers import service as peer_service
from bot.places import live as live_places
from bot.safety import alerts
from bot.scheduling import planner
from bot.staff.kept import forget_expired
from bot.storage.models import OutboxMessage, Reminder

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)


async def plan_encouragement(services: Services) -> planner.PlanResult:
    now = services.clock.now()
    horizon = services.settings.planning_horizon_days
    result = await services.db.run(lambda c: planner.plan(c, services.content, now, horizon))
    if result.messages or result.checkins:
        log.info("planned %d messages and %d check-ins for %d people", result.messages,
                 result.checkins, result.people)
    return result


async def tidy_up(services: Services) -> retention.Tidied:
    """Forget words whose job is done (see retention.py), and what console forms kept for
    the page after them past its time; counts go to the log only."""
    now = services.clock.now()
    tidied = await services.db.run(lambda c: retention.tidy(c, now))
    kept = await services.db.run(lambda c: forget_expired(c, now))
    log.info("tidied: %s; console values kept past their time: %d", tidied, kept)
    return tidied


async def hand_over_due_reminders(services: Services) -> int:
    """Each due reminder becomes a time event for the engine, exactly once."""
    now = services.clock.now()
    handed = 0
    for reminder_id, _person, kind, channel, address, expires, payload in \
            await services.db.run(lambda c: planner.due_reminders(c, now)):
        status = "skipped"
        if expires is None or expires > now:
            event = Inbound.timeout(kind, expires_at=expires, **payload)
            handled = await services.engine.handle(Address(channel, address), event,
                                                   external_id=f"reminder:{reminder_id}")
            status = "done" if handled.outbox_ids else "skipped"
            handed += bool(handled.outbox_ids)
        await services.db.run(lambda c, rid=reminder_id, st=status: c.execute(
            update(Reminder).where(Reminder.id == rid, Reminder.status == "pending")
            .values(status=st, done_at=now)))
    return handed


async def match_waiting(services: Services) -> int:
    """Offers and invitations nobody answered lapse; people still waiting for a peer
    supporter are tried again (someone may be free now)."""
    now = services.clock.now()
    await services.db.run(lambda c: peer_service.lapse_unanswered(c, services.content, now))
    return await services.db.run(
        lambda c: peer_service.offer_waiting(c, services.content, now))


async def escalate_alerts(services: Services) -> int:
    """Safety alerts nobody picked up in 15 minutes go to every coordinator."""
    now = services.clock.now()
    escalated = await services.db.run(lambda c: alerts.escalate(c, services.content, now))
    if escalated:
        log.warning("escalated %d safety alerts nobody picked up", escalated)
    return escalated


async def send_due_broadcasts(services: Services) -> int:
    """Broadcasts whose time has come are queued, one copy per person; copies quiet hours
    held back are queued again; copies whose person stopped agreeing are taken back."""
    now = services.clock.now()
    sent = await services.db.run(lambda c: broadcasts.send_due(c, services.content, now))
    for done in sent:
        log.info("broadcast %d queued for %d people (%d left out)", done.broadcast_id,
                 done.queued, done.left_out)
    if sent:
        services.dispatcher.queued()
    return len(sent)


async def follow_catalogue(services: Services) -> bool:
    """Staff's changes to places made in another process (a second worker, the console
    served elsewhere) reach this one's bot: the catalogue is loaded again if it changed."""
    return await live_places.refresh_if_changed(services.db, services.clock.now())


async def run_due_jobs(services: Services) -> None:
    """Everything that time passing can cause, run once at the current clock time."""
    await services.dispatcher.recover_abandoned()
    await escalate_alerts(services)
    await plan_encouragement(services)
    await hand_over_due_reminders(services)
    await match_waiting(services)
    await send_due_broadcasts(services)
    await follow_catalogue(services)


async def next_due(services: Services) -> datetime | None:
    """The next moment something is due to go out, or None."""
    now = services.clock.now()

    def earliest(connection):  # type: ignore[no-untyped-def]
        outbox = connection.scalar(select(func.min(OutboxMessage.due_at)).where(
            OutboxMessage.status == "queued", OutboxMessage.due_at > now))
        reminder = connection.scalar(select(func.min(Reminder.due_at)).where(
            Reminder.status == "pending", Reminder.due_at > now))
        escalation = alerts.next_escalation(connection)
        escalation = escalation if escalation is not None and escalation > now else None
        broadcast = connection.scalar(select(func.min(Broadcast.scheduled_at)).where(
            Broadcast.status == "scheduled", Broadcast.scheduled_at > now))
        return min((t for t in (outbox, reminder, escalation, broadcast) if t is not None),
                   default=None)

    return await services.db.run(earliest)


async def advance_to(services: Services, target: datetime) -> None:
    """Move a fake clock to `target`, stopping at every moment something falls due, so
    each message goes out at its own time (as it would in a running service)."""
    from bot.core.clock import FakeClock

    clock = services.clock
    if not isinstance(clock, FakeClock):
        raise TypeError("advancing time needs the fake clock")
    while True:
        await run_due_jobs(services)
        await services.dispatcher.drain()
        if clock.now() >= target:
            return
        upcoming = [t for t in (await next_due(services), end_of_local_day(clock.now()))
                    if t is not None]
        step = min([*upcoming, target])
        clock.set(max(step, clock.now() + timedelta(seconds=1)))
