"""Pairing a resident with a peer supporter: the request, the best supporter to offer
it to, the supporter's answer, the resident's consent, and offers that lapse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from bot.core.content import ContentLibrary
from bot.core.events import Outbound
from bot.peers.chats import (
    CONSENT_WAIT,
    OFFER_ANSWER_WAIT,
    OPEN_CHAT,
    _busy,
    _language,
    _options,
    _reachable,
    notify,
)
from bot.peers.models import BuddyRequest, PeerChat
from bot.peers.whereabouts import (
    about_supporter,
    alias_of,
    label_for,
    open_chats,
    summary_of_request,
)
from bot.storage import repository as repo
from bot.storage.models import Person, Volunteer


@dataclass(frozen=True)
class SupporterMatch:
    person_id: int
    score: int


def request_buddy(connection: Connection, content: ContentLibrary, resident_id: int,
                  experience: str | None, now: datetime) -> str:
    """Keep the request and try to match it now. Returns a content key for the resident."""
    status = connection.scalar(select(Person.status).where(Person.id == resident_id))
    if status == "suspended":
        return "peers.moderation.suspended_you"
    open_request = connection.scalar(select(BuddyRequest.id).where(
        BuddyRequest.resident_id == resident_id,
        BuddyRequest.status.in_(("waiting", "offered"))))
    if open_request:
        return "peers.buddy.already"
    request_id = connection.scalar(insert(BuddyRequest.__table__).values(
        resident_id=resident_id, status="waiting", share_experience=experience,
        declined_by={"ids": []}, created_at=now, updated_at=now).returning(BuddyRequest.id))
    repo.record_impact(connection, "buddy_requested", now)
    offered = offer_next(connection, content, int(request_id), now)
    return "peers.buddy.looking" if offered else "peers.buddy.waiting"


def offer_next(connection: Connection, content: ContentLibrary, request_id: int,
               now: datetime) -> bool:
    """Offer a waiting request to the best free supporter; False when nobody is free."""
    request = connection.execute(select(BuddyRequest).where(
        BuddyRequest.id == request_id)).mappings().first()
    if request is None or request["status"] != "waiting":
        # Offered already (perhaps by another worker a moment ago), matched or withdrawn.
        return False
    best = best_supporter(connection, request)
    if best is None:
        return False
    # Only if nobody else (another worker, the matching job) moved it since we read it.
    unchanged = (BuddyRequest.id == request_id, BuddyRequest.status == "waiting",
                 BuddyRequest.offered_to.is_(None))
    moved = connection.execute(update(BuddyRequest).where(*unchanged).values(
        status="offered", offered_to=best, updated_at=now)).rowcount
    if not moved:
        return False
    supporter_content = content.for_language(_language(connection, best))
    summary = " ".join(summary_of_request(connection, request, supporter_content, best))
    # Nothing known about them leaves an empty summary: one space, not two.
    text = " ".join(supporter_content.text("peers.supporter.offer", summary=summary).split())
    offer = Outbound(text,
                     options=_options(supporter_content, "offer_answer"),
                     reply_hint=supporter_content.text("common.hint_two"))
    notify(connection, best, [offer], now, kind="peer")
    return True


def offer_or_tell(connection: Connection, content: ContentLibrary, request_id: int,
                  now: datetime) -> bool:
    """Pass a request on to the next supporter; if nobody is free, tell the resident, who
    was last told we were finding someone, that we are still looking."""
    if offer_next(connection, content, request_id, now):
        return True
    resident = connection.scalar(select(BuddyRequest.resident_id).where(
        BuddyRequest.id == request_id, BuddyRequest.status == "waiting"))
    if resident is not None:
        mine = content.for_language(_language(connection, resident))
        notify(connection, resident, [Outbound(mine.text("peers.buddy.waiting"))], now,
               kind="peer")
    return False


def offer_waiting(connection: Connection, content: ContentLibrary, now: datetime) -> int:
    """Try again for everyone still waiting (a supporter joined, resumed or came free)."""
    waiting = connection.scalars(select(BuddyRequest.id).where(
        BuddyRequest.status == "waiting").order_by(BuddyRequest.created_at)).all()
    return sum(offer_next(connection, content, int(r), now) for r in waiting)


def lapse_unanswered(connection: Connection, content: ContentLibrary, now: datetime) -> int:
    """Nobody waits for ever on an answer that isn't coming. An offer a supporter has not
    answered goes to someone else; a chat the resident has not said yes to is let go,
    which frees the supporter. Both are told, without blame. Returns how many lapsed."""
    lapsed = 0
    for request in connection.execute(select(BuddyRequest).where(
            BuddyRequest.status == "offered",
            BuddyRequest.updated_at < now - OFFER_ANSWER_WAIT)).mappings().all():
        declined = [*((request["declined_by"] or {}).get("ids", [])), request["offered_to"]]
        moved = connection.execute(update(BuddyRequest).where(
            BuddyRequest.id == request["id"], BuddyRequest.status == "offered",
            BuddyRequest.offered_to == request["offered_to"]).values(
            declined_by={"ids": declined}, status="waiting", offered_to=None,
            updated_at=now)).rowcount
        if moved:
            lapsed += 1
            supporter = int(request["offered_to"])
            theirs = content.for_language(_language(connection, supporter))
            notify(connection, supporter, [Outbound(theirs.text("peers.supporter.offer_lapsed"))],
                   now, kind="peer")
            offer_or_tell(connection, content, int(request["id"]), now)
    for chat in connection.execute(select(PeerChat).where(
            PeerChat.status == "awaiting_resident",
            PeerChat.updated_at < now - CONSENT_WAIT)).mappings().all():
        moved = connection.execute(update(PeerChat).where(
            PeerChat.id == chat["id"], PeerChat.status == "awaiting_resident").values(
            status="lapsed", ended_at=now, updated_at=now)).rowcount
        if moved:
            lapsed += 1
            resident, supporter = int(chat["resident_id"]), int(chat["supporter_id"])
            mine = content.for_language(_language(connection, resident))
            theirs = content.for_language(_language(connection, supporter))
            notify(connection, resident, [Outbound(mine.text(
                "peers.buddy.offer_lapsed",
                alias=alias_of(connection, supporter, mine, reader=resident)))],
                now, kind="peer")
            notify(connection, supporter, [Outbound(theirs.text(
                "peers.supporter.resident_no_reply"))], now, kind="peer")
    return lapsed


def best_supporter(connection: Connection, request: Any) -> int | None:
    """A free supporter who suits them best: what they'd like, where, when, with whom, and
    the same lived experience only if both chose to share it."""
    resident = connection.execute(select(Person).where(
        Person.id == request["resident_id"])).mappings().first()
    if resident is None:
        return None
    declined = set((request["declined_by"] or {}).get("ids", []))
    busy = dict(connection.execute(
        select(PeerChat.supporter_id, func.count()).where(PeerChat.status.in_(
            (*OPEN_CHAT, "awaiting_resident"))).group_by(PeerChat.supporter_id)).all())
    offered = {r for (r,) in connection.execute(select(BuddyRequest.offered_to).where(
        BuddyRequest.status == "offered", BuddyRequest.id != request["id"]))}
    answers = resident["answers"] or {}
    wanted = set(answers.get("activities") or [])
    days, times = set(answers.get("days") or []), set(answers.get("times") or [])
    found: list[SupporterMatch] = []
    for volunteer in connection.execute(select(Volunteer, Person.district).join(
            Person, Person.id == Volunteer.person_id).where(
            Volunteer.role == "supporter", Volunteer.paused.is_(False),
            Volunteer.suspended_at.is_(None), Person.status == "active")).mappings():
        person = volunteer["person_id"]
        if person in declined or person == resident["id"] or person in offered:
            continue
        if busy.get(person, 0) >= volunteer["capacity"] or not _reachable(connection, person):
            continue
        available = volunteer["availability"] or {}
        score = 3 * len(wanted & set((volunteer["activities"] or {}).get("ids", [])))
        score += 2 * (volunteer["district"] is not None and
                      volunteer["district"] == resident["district"])
        score += len(days & set(available.get("days", []))) + \
            len(times & set(available.get("times", [])))
        shared = request["share_experience"]
        if shared and volunteer["shared_experience"] == shared:
            score += 5
        found.append(SupporterMatch(person, score))
    if not found:
        return None
    return max(found, key=lambda c: (c.score, -c.person_id)).person_id


def answer_offer(connection: Connection, content: ContentLibrary, supporter_id: int,
                 request_id: int, accept: bool, now: datetime) -> str:
    request = connection.execute(select(BuddyRequest).where(
        BuddyRequest.id == request_id, BuddyRequest.offered_to == supporter_id,
        BuddyRequest.status == "offered")).mappings().first()
    if request is None:
        return "peers.supporter.declined"
    # Each change below applies only while the offer is still theirs: the lapse job (or
    # another worker) may have passed it on since it was read.
    still_theirs = (BuddyRequest.id == request_id, BuddyRequest.status == "offered",
                    BuddyRequest.offered_to == supporter_id)
    if not accept:
        declined = [*((request["declined_by"] or {}).get("ids", [])), supporter_id]
        if connection.execute(update(BuddyRequest).where(*still_theirs).values(
                declined_by={"ids": declined}, status="waiting", offered_to=None,
                updated_at=now)).rowcount:
            offer_or_tell(connection, content, request_id, now)
        return "peers.supporter.declined"
    if _busy(connection, supporter_id) >= (connection.scalar(select(Volunteer.capacity).where(
            Volunteer.person_id == supporter_id)) or 0):
        # Two offers crossed (two workers matched at once): someone else is asked.
        if connection.execute(update(BuddyRequest).where(*still_theirs).values(
                status="waiting", offered_to=None, updated_at=now)).rowcount:
            offer_or_tell(connection, content, request_id, now)
        return "peers.supporter.at_capacity"
    if not connection.execute(update(BuddyRequest).where(*still_theirs).values(
            status="matched", updated_at=now)).rowcount:
        return "peers.supporter.declined"  # it went to someone else a moment ago
    chat_id = connection.scalar(insert(PeerChat.__table__).values(
        request_id=request_id, resident_id=request["resident_id"], supporter_id=supporter_id,
        status="awaiting_resident", created_at=now, updated_at=now).returning(PeerChat.id))
    resident = request["resident_id"]
    resident_content = content.for_language(_language(connection, resident))
    chat = connection.execute(select(PeerChat).where(PeerChat.id == chat_id)).mappings().first()
    text = resident_content.text("peers.buddy.offer_to_resident",
                                 alias=alias_of(connection, supporter_id, resident_content,
                                                reader=resident),
                                 about=about_supporter(connection, chat, resident_content))
    notify(connection, resident, [Outbound(" ".join(text.split()),
                                           options=_options(resident_content, "consent"),
                                           reply_hint=resident_content.text("common.hint_two"))],
           now, kind="peer")
    return "peers.supporter.accepted"


def consent(connection: Connection, content: ContentLibrary, resident_id: int, chat_id: int,
            yes: bool, now: datetime) -> list[Outbound]:
    chat = connection.execute(select(PeerChat).where(
        PeerChat.id == chat_id, PeerChat.resident_id == resident_id,
        PeerChat.status == "awaiting_resident")).mappings().first()
    mine = content.for_language(_language(connection, resident_id))
    if chat is None:
        return []
    supporter = chat["supporter_id"]
    theirs = content.for_language(_language(connection, supporter))
    # Only while still waiting for them: the lapse job may have let it go just now.
    still_waiting = (PeerChat.id == chat_id, PeerChat.status == "awaiting_resident")
    if not yes:
        # Never a chat, so nothing to end or report: declined.
        if not connection.execute(update(PeerChat).where(*still_waiting).values(
                status="declined", ended_at=now, updated_at=now)).rowcount:
            return []
        notify(connection, supporter, [Outbound(theirs.text("peers.supporter.resident_said_no"))],
               now, kind="peer")
        return [Outbound(mine.text("peers.buddy.resident_declined"))]
    if not connection.execute(update(PeerChat).where(*still_waiting).values(
            status="active", updated_at=now)).rowcount:
        return []
    repo.record_impact(connection, "buddy_connected", now)
    # "Anything you send goes to them" must be true for the supporter too: a question of
    # ours they were left facing is closed (the engine does the same for the resident).
    repo.close_flow(connection, supporter)
    # A supporter already in another chat must now say who each message is for.
    several = len(open_chats(connection, supporter)) > 1
    key = "peers.buddy.connected_several" if several else "peers.buddy.connected"
    notify(connection, supporter, [Outbound(theirs.text(
        key, alias=label_for(connection, supporter, chat_id, theirs)))], now, kind="peer")
    return [Outbound(mine.text("peers.buddy.connected",
                               alias=label_for(connection, resident_id, chat_id, mine)))]
