"""Peer support in storage: invites, volunteers, matching, consent, the relay, reports and
moderation. Plain synchronous SQL on the engine's transaction (see `Database.run`), so
everything one message causes, for both people, commits together or not at all.

Nobody's number or account ever reaches the other person: messages to them are queued
through the outbox to whatever identity *they* last used, under the sender's alias.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from bot.core.content import Content, ContentLibrary
from bot.core.events import Address, Option, Outbound
from bot.core.gsm7 import readable_name, to_gsm7, unsendable
from bot.core.peer_context import REPORT_OPTION, ChatRef, PeerContext
from bot.core.splitting import shows_anything
from bot.dispatch.priority import PRIORITY_REPLY
from bot.peers.contact import SPLIT_WITHIN, contact_details
from bot.peers.models import (
    AuditEntry,
    BuddyRequest,
    Invite,
    ModerationCase,
    RelayedMessage,
    Volunteer,
)
from bot.peers.models import Connection as Chat
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage, Person

INVITE_DAYS = 14
RELAY_PER_DAY = 40  # messages one person may relay in a day: plenty for a chat, not spam
# How long an offer or a "would you like to start?" waits for an answer before it lapses.
OFFER_ANSWER_WAIT = timedelta(hours=48)
CONSENT_WAIT = timedelta(days=7)
RELAY_MAX_CHARS = 1000  # about seven SMS segments: a long message, not a letter
# The notice that someone who asked to be forgotten has left: kept only until sent.
LEFT_KIND = "peer_left"
REPORT_ENDED_DAYS = 7  # a chat can still be reported this long after it ended
HISTORY_IN_CASE = 20
# When volunteer moderators are usually about (London time); outside, reports still pause
# the chat at once and say when someone will look.
MODERATION_HOURS = (9, 20)
OPEN_CHAT = ("active", "paused", "reported")
VOLUNTEER_ROLES = ("supporter", "moderator", "coordinator")


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


# -- invites and volunteers ---------------------------------------------------------------
def create_invite(connection: Connection, role: str, now: datetime,
                  days: int = INVITE_DAYS, code: str | None = None) -> str:
    """A one-time code (only its hash is stored). `code` fixes it, for scripted tests."""
    if role not in VOLUNTEER_ROLES:
        raise ValueError(f"role must be one of {VOLUNTEER_ROLES}")
    code = (code or "-".join(secrets.token_hex(2).upper() for _ in range(3))).upper()
    connection.execute(insert(Invite.__table__).values(
        code_hash=_hash(code), role=role, created_at=now, expires_at=now + timedelta(days=days)))
    return code


def invite_role(connection: Connection, code: str, now: datetime) -> str | None:
    """The role an unused, unexpired code gives, or None."""
    return connection.scalar(select(Invite.role).where(
        Invite.code_hash == _hash(code), Invite.used_at.is_(None), Invite.expires_at > now))


def claim_invite(connection: Connection, code: str, person_id: int, now: datetime
                 ) -> str | None:
    """Use a code once: the role it gives, or None if it was used or expired meanwhile."""
    role = invite_role(connection, code, now)
    if role is None:
        return None
    used = connection.execute(update(Invite).where(
        Invite.code_hash == _hash(code), Invite.used_at.is_(None)).values(
        used_at=now, used_by=person_id)).rowcount
    return role if used else None


def become_volunteer(connection: Connection, person_id: int, role: str,
                     details: dict[str, Any], now: datetime) -> None:
    values = {"role": role, "alias": details.get("alias"),
              "capacity": int(details.get("capacity") or 1),
              "availability": {"days": details.get("days") or [],
                               "times": details.get("times") or []},
              "activities": {"ids": details.get("activities") or []},
              "shared_experience": details.get("experience"), "agreed_conduct_at": now,
              "paused": False, "suspended_at": None}
    exists = connection.scalar(select(func.count()).select_from(Volunteer).where(
        Volunteer.person_id == person_id))
    if exists:
        connection.execute(update(Volunteer).where(Volunteer.person_id == person_id)
                           .values(**values))
    else:
        connection.execute(insert(Volunteer.__table__).values(
            person_id=person_id, created_at=now, **values))
    connection.execute(update(Person).where(Person.id == person_id).values(role=role))
    audit(connection, now, person_id, "volunteer_joined", target=f"person:{person_id}",
          detail=role)


def set_volunteer_paused(connection: Connection, person_id: int, paused: bool,
                         now: datetime | None = None) -> bool:
    """False if they are not a volunteer. Pausing hands back an offer they have not
    answered, so the person asking is not left waiting on someone taking a break."""
    changed = bool(connection.execute(update(Volunteer).where(
        Volunteer.person_id == person_id).values(paused=paused)).rowcount)
    if changed and paused:
        _release_offers(connection, person_id, now)
    return changed


def _release_offers(connection: Connection, person_id: int, now: datetime | None) -> None:
    """Requests offered to this person go back to waiting (matched again later)."""
    values: dict[str, Any] = {"status": "waiting", "offered_to": None}
    if now is not None:
        values["updated_at"] = now
    connection.execute(update(BuddyRequest).where(
        BuddyRequest.offered_to == person_id, BuddyRequest.status == "offered").values(**values))


def audit(connection: Connection, now: datetime, actor: int | None, action: str, *,
          target: str | None = None, case_id: int | None = None,
          detail: str | None = None) -> None:
    connection.execute(insert(AuditEntry.__table__).values(
        at=now, actor_id=actor, action=action, target=target, case_id=case_id,
        detail=detail[:500] if detail else None))


# -- who is where ---------------------------------------------------------------------------
def asked_since(connection: Connection, person_id: int, since: datetime) -> bool:
    """Whether peer support has something new for someone in another conversation: a
    question for them (to support someone, whether to start chatting) at or after `since`,
    their last turn, or news of one of their chats from the other side after it."""
    offered = select(BuddyRequest.id).where(
        BuddyRequest.offered_to == person_id, BuddyRequest.status == "offered",
        BuddyRequest.updated_at >= since)
    asked = select(Chat.id).where(
        Chat.resident_id == person_id, Chat.status == "awaiting_resident",
        Chat.created_at >= since)
    # One round trip: this runs for every message of anyone mid-conversation.
    return bool(connection.scalar(select(or_(
        offered.exists(), asked.exists(), _chat_news(person_id, since).exists()))))


def _chat_news(person_id: int, since: datetime) -> Any:
    # Strictly after their last turn: their own pause or report is not news to them.
    return select(Chat.id).where(
        or_(Chat.resident_id == person_id, Chat.supporter_id == person_id),
        Chat.status == "active", Chat.updated_at > since)


def context_for(connection: Connection, person_id: int, content: Content, *,
                now: datetime, since: datetime | None = None) -> PeerContext:
    """Everything peer-related about this person, in a handful of indexed queries.
    `since` is their last turn, to tell whether a question from us came after it."""
    volunteer = connection.execute(select(Volunteer).where(
        Volunteer.person_id == person_id)).mappings().first()
    status = connection.scalar(select(Person.status).where(Person.id == person_id))
    offer = connection.execute(select(BuddyRequest).where(
        BuddyRequest.offered_to == person_id, BuddyRequest.status == "offered")
        .order_by(BuddyRequest.id)).mappings().first()
    awaiting = connection.execute(select(Chat).where(
        Chat.resident_id == person_id, Chat.status == "awaiting_resident")
        .order_by(Chat.id.desc())).mappings().first()
    waiting = connection.scalar(select(func.count()).select_from(BuddyRequest).where(
        BuddyRequest.resident_id == person_id,
        BuddyRequest.status.in_(("waiting", "offered"))))
    values: dict[str, Any] = {
        "role": volunteer["role"] if volunteer and not volunteer["suspended_at"] else None,
        "volunteer_paused": bool(volunteer and volunteer["paused"]),
        "suspended": status == "suspended" or bool(volunteer and volunteer["suspended_at"]),
        "waiting_request": bool(waiting),
    }
    if since is not None:
        values["new_question"] = bool(
            (offer is not None and offer["updated_at"] >= since) or
            (awaiting is not None and awaiting["created_at"] >= since))
        values["chat_news"] = connection.scalar(_chat_news(person_id, since).limit(1)) \
            is not None
    if offer is not None:
        values["offer_request_id"] = offer["id"]
        values["offer_summary"] = tuple(summary_of_request(connection, offer, content,
                                                           person_id))
    if awaiting is not None:
        values["awaiting_connection_id"] = awaiting["id"]
        values["awaiting_alias"] = alias_of(connection, awaiting["supporter_id"], content,
                                            reader=person_id)
        values["awaiting_about"] = about_supporter(connection, awaiting, content)
    mine = open_chats(connection, person_id)
    labels = chat_labels(connection, person_id, content, mine)
    chats = [ChatRef(int(chat["id"]), str(chat["status"]), labels[chat["id"]])
             for chat in mine]
    if len(chats) == 1:
        values.update(connection_id=chats[0].connection_id,
                      connection_status=chats[0].status, partner_alias=chats[0].label)
    if chats:
        values["chats"] = tuple(chats)
        # Ordered rather than max(): the column's type (UTC on SQLite too) is kept.
        values["last_chat_message_at"] = connection.scalar(
            select(RelayedMessage.created_at).where(
                RelayedMessage.connection_id.in_([chat.connection_id for chat in chats]))
            .order_by(RelayedMessage.created_at.desc()).limit(1))
    else:
        values["ended_connection_id"] = connection.scalar(select(Chat.id).where(
            or_(Chat.resident_id == person_id, Chat.supporter_id == person_id),
            Chat.status == "ended", Chat.ended_at > now - timedelta(days=REPORT_ENDED_DAYS))
            .order_by(Chat.ended_at.desc(), Chat.id.desc()).limit(1))
    return PeerContext(**values)


def chatting(connection: Connection, person_id: int) -> bool:
    """Whether messages pass now in one of their chats (one is active)."""
    return connection.scalar(select(Chat.id).where(
        or_(Chat.resident_id == person_id, Chat.supporter_id == person_id),
        Chat.status == "active").limit(1)) is not None


def open_chats(connection: Connection, person_id: int) -> list[Any]:
    """Their active, paused and reported chats, oldest first."""
    return list(connection.execute(select(Chat).where(
        or_(Chat.resident_id == person_id, Chat.supporter_id == person_id),
        Chat.status.in_(OPEN_CHAT)).order_by(Chat.id)).mappings())


def alias_of(connection: Connection, person_id: int, content: Content, *,
             reader: int | None) -> str:
    """The name shown in a chat: a volunteer's alias, else the name they gave us; never
    one that carries contact details (a name typed as "Ann 07700 900123"). Shown to
    `reader` as they can read it (see `shown_name`); None keeps it as typed (records)."""
    alias = connection.scalar(select(Volunteer.alias).where(Volunteer.person_id == person_id))
    if not alias:
        alias = connection.scalar(select(Person.name).where(Person.id == person_id))
    return shown_name(connection, reader, str(alias or ""), content)


def shown_name(connection: Connection, reader: int | None, name: str, content: Content
               ) -> str:
    """A name as `reader` will see it. The one place every text that names someone
    (offers, connected, relays, paused, ended, unreachable, left...) gets the name from,
    so none can slip through as ": Hello". Texts without UCS-2 carry no other scripts:
    there "Сергей" is transliterated ("Sergey"), as dropping it would leave no name at all.
    A name with nothing readable left (only emoji, or a blank filler on any channel) is
    shown as the words for no name; chat_labels numbers any two that end up alike."""
    if reader is not None and _reads_gsm7_only(connection, reader):
        name = readable_name(name)
    if not shows_anything(name) or contact_details(name):
        return content.text("peers.no_name")
    return name


def _reads_gsm7_only(connection: Connection, person_id: int) -> bool:
    """Whether what we send them goes by SMS without UCS-2 (SMS_ALLOW_UNICODE off)."""
    if _SMS["allow_unicode"]:
        return False
    address = preferred_address(connection, person_id)
    return address is not None and address.channel == "sms"


def chat_labels(connection: Connection, person_id: int, content: Content,
                chats: Sequence[Any] | None = None) -> dict[int, str]:
    """How this person sees each partner in their open chats: the alias, made unique
    ("Ann", "Ann 2") so that someone in several chats can say which one they mean; made
    unique as they see it, so "Сергей" and "Sergey" are "Sergey" and "Sergey 2" by text."""
    labels: dict[int, str] = {}
    taken: set[str] = set()
    for chat in open_chats(connection, person_id) if chats is None else chats:
        alias = alias_of(connection, _partner(chat, person_id), content, reader=person_id)
        label, number = alias, 2
        while label.casefold() in taken:
            label, number = f"{alias} {number}", number + 1
        taken.add(label.casefold())
        labels[int(chat["id"])] = label
    return labels


def label_for(connection: Connection, viewer: int, chat_id: int, content: Content) -> str:
    """The name `viewer` knows the other person in this chat by."""
    label = chat_labels(connection, viewer, content).get(chat_id)
    if label is not None:
        return label
    chat = connection.execute(select(Chat).where(Chat.id == chat_id)).mappings().first()
    return alias_of(connection, _partner(chat, viewer), content, reader=viewer) if chat else \
        content.text("peers.no_name")


# -- asking for a peer supporter ------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
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
    for chat in connection.execute(select(Chat).where(
            Chat.status == "awaiting_resident",
            Chat.updated_at < now - CONSENT_WAIT)).mappings().all():
        moved = connection.execute(update(Chat).where(
            Chat.id == chat["id"], Chat.status == "awaiting_resident").values(
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
        select(Chat.supporter_id, func.count()).where(Chat.status.in_(
            (*OPEN_CHAT, "awaiting_resident"))).group_by(Chat.supporter_id)).all())
    offered = {r for (r,) in connection.execute(select(BuddyRequest.offered_to).where(
        BuddyRequest.status == "offered", BuddyRequest.id != request["id"]))}
    answers = resident["answers"] or {}
    wanted = set(answers.get("activities") or [])
    days, times = set(answers.get("days") or []), set(answers.get("times") or [])
    found: list[Candidate] = []
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
        found.append(Candidate(person, score))
    if not found:
        return None
    return max(found, key=lambda c: (c.score, -c.person_id)).person_id


def summary_of_request(connection: Connection, request: Any, content: Content,
                       supporter_id: int) -> list[str]:
    """What a supporter may know before saying yes: no name, no number, nothing exact.
    A condition is mentioned only to a supporter who chose to share the same one: the
    person was told it is used to match them, not passed around."""
    resident = connection.execute(select(Person.district, Person.answers).where(
        Person.id == request["resident_id"])).mappings().first()
    if resident is None:
        return []
    answers = resident["answers"] or {}
    lines = []
    if resident["district"]:
        lines.append(content.text("peers.supporter.summary_area",
                                  district=resident["district"]))
    if answers.get("activities"):
        lines.append(content.text("peers.supporter.summary_activities", answer=_labels(
            content, "activities", answers["activities"]).lower()))
    when = [_labels(content, name, answers.get(name) or []).lower()
            for name in ("days", "times") if answers.get(name)]
    if when:
        lines.append(content.text("peers.supporter.summary_times", answer=", ".join(when)))
    shared = connection.scalar(select(Volunteer.shared_experience).where(
        Volunteer.person_id == supporter_id))
    if request["share_experience"] and shared == request["share_experience"]:
        lines.append(content.text("peers.supporter.summary_experience",
                                  experience=_label(content, "experience",
                                                    request["share_experience"]).lower()))
    return lines


def about_supporter(connection: Connection, chat: Any, content: Content) -> str:
    volunteer = connection.execute(select(Volunteer).where(
        Volunteer.person_id == chat["supporter_id"])).mappings().first()
    request = connection.execute(select(BuddyRequest.share_experience).where(
        BuddyRequest.id == chat["request_id"])).scalar() if chat["request_id"] else None
    if volunteer is None:
        return ""
    parts = []
    # Lived experience is mentioned only when both chose to share the same.
    if request and volunteer["shared_experience"] == request:
        parts.append(content.text("peers.buddy.about_experience",
                                  experience=_label(content, "experience", request).lower()))
    activities = (volunteer["activities"] or {}).get("ids") or []
    if activities:
        parts.append(content.text("peers.buddy.about_activities",
                                  answer=_labels(content, "activities", activities).lower()))
    return " ".join(parts)


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
    chat_id = connection.scalar(insert(Chat.__table__).values(
        request_id=request_id, resident_id=request["resident_id"], supporter_id=supporter_id,
        status="awaiting_resident", created_at=now, updated_at=now).returning(Chat.id))
    resident = request["resident_id"]
    resident_content = content.for_language(_language(connection, resident))
    chat = connection.execute(select(Chat).where(Chat.id == chat_id)).mappings().first()
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
    chat = connection.execute(select(Chat).where(
        Chat.id == chat_id, Chat.resident_id == resident_id,
        Chat.status == "awaiting_resident")).mappings().first()
    mine = content.for_language(_language(connection, resident_id))
    if chat is None:
        return []
    supporter = chat["supporter_id"]
    theirs = content.for_language(_language(connection, supporter))
    # Only while still waiting for them: the lapse job may have let it go just now.
    still_waiting = (Chat.id == chat_id, Chat.status == "awaiting_resident")
    if not yes:
        # Never a chat, so nothing to end or report: declined.
        if not connection.execute(update(Chat).where(*still_waiting).values(
                status="declined", ended_at=now, updated_at=now)).rowcount:
            return []
        notify(connection, supporter, [Outbound(theirs.text("peers.supporter.resident_said_no"))],
               now, kind="peer")
        return [Outbound(mine.text("peers.buddy.resident_declined"))]
    if not connection.execute(update(Chat).where(*still_waiting).values(
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


# -- the relay ------------------------------------------------------------------------------
_JOINERS = {"\u200c", "\u200d"}  # needed by emoji sequences and some scripts
# Whether texts may carry emoji and other scripts (UCS-2): SMS_ALLOW_UNICODE, told by the
# app when it is built. Off, what a text cannot carry is left out and the sender is told.
_SMS = {"allow_unicode": False}


def set_sms_unicode(allowed: bool) -> None:
    _SMS["allow_unicode"] = allowed
_LINE_BREAKS = {"\u2028", "\u2029", "\r"}


def relayable(text: str) -> str:
    """What may be passed on of someone's words: as typed (NFC), but without control
    characters (a NUL breaks PostgreSQL and some phones) or invisible formatting that could
    hide or reorder words (bidi overrides, zero-width spaces); at most one blank line.
    Nothing ("") when nothing in it would show (a lone joiner or accent, a Hangul filler, a
    blank braille pattern): it would arrive as "Sam: " and nothing, so it is treated like
    an empty message."""
    kept = []
    for char in unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")):
        category = unicodedata.category(char)
        if char in _LINE_BREAKS or char == "\n":
            kept.append("\n")
        elif char == "\t":
            kept.append(" ")
        elif category in ("Cc", "Cs") or (category == "Cf" and char not in _JOINERS):
            continue
        else:
            kept.append(char)
    lines = [line.strip() for line in "".join(kept).split("\n")]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    kept_text = "\n".join(tidy).strip()
    return kept_text if shows_anything(kept_text) else ""


def relay(connection: Connection, content: ContentLibrary, sender_id: int, chat_id: int,
          text: str, now: datetime) -> list[Outbound]:
    """Pass a message to the other person, holding back contact details until both agree,
    and never more than a day's worth. Returns what the sender should be told."""
    chat = _chat(connection, chat_id, sender_id)
    mine = content.for_language(_language(connection, sender_id))
    if chat is None:
        return []
    if chat["status"] != "active":
        return _status_reply(connection, mine, chat, sender_id)
    text = relayable(text)
    if not text:
        return [Outbound(mine.text("common.unclear"))]
    if len(text) > RELAY_MAX_CHARS:
        return [Outbound(mine.text("peers.relay.too_long"))]
    day_start = now - timedelta(hours=24)
    sent_today = connection.scalar(select(func.count()).select_from(RelayedMessage).where(
        RelayedMessage.connection_id == chat_id, RelayedMessage.sender_id == sender_id,
        RelayedMessage.created_at > day_start))
    if sent_today >= RELAY_PER_DAY:
        return [Outbound(mine.text("peers.relay.too_many"))]
    partner = _partner(chat, sender_id)
    if not _reachable(connection, partner):
        # They texted STOP or blocked the bot: say so rather than let words vanish.
        alias = label_for(connection, sender_id, chat_id, mine)
        return [Outbound(mine.text("peers.relay.unreachable", alias=alias))]
    both_share = chat["resident_shares_contact"] and chat["supporter_shares_contact"]
    kinds = [] if both_share else contact_details(
        text, previous=_just_before(connection, chat_id, sender_id, now))
    if kinds:
        connection.execute(insert(RelayedMessage.__table__).values(
            connection_id=chat_id, sender_id=sender_id, text=text, held=True, segments=0,
            created_at=now))
        names = ", ".join(mine.text(f"peers.contact.{k.value}") for k in kinds)
        return [Outbound(mine.text("peers.relay.held", answer=names))]
    theirs = content.for_language(_language(connection, partner))
    forwarded = Outbound(theirs.text("peers.relay.from",
                                     alias=label_for(connection, partner, chat_id, theirs),
                                     text=text),
                         options=_report_button(connection, theirs, partner, chat_id))
    by_sms = _by_sms(connection, partner, forwarded)
    # Texts without UCS-2 cannot carry emoji or other scripts: never pass on an empty
    # message, and say what was left out.
    lost = unsendable(text) if by_sms is not None and not _SMS["allow_unicode"] else []
    if lost:
        alias = label_for(connection, sender_id, chat_id, mine)
        if not any(c.isalnum() for c in to_gsm7(text)):
            return [Outbound(mine.text(f"peers.relay.not_sent.{_lost_kind(lost)}", alias=alias))]
    if by_sms is not None and by_sms[1] > by_sms[2]:
        return [Outbound(mine.text("peers.relay.too_long"))]
    queued = notify(connection, partner, [forwarded], now, kind="relay")
    connection.execute(insert(RelayedMessage.__table__).values(
        connection_id=chat_id, sender_id=sender_id, text=text, held=False,
        segments=by_sms[0] if by_sms is not None and queued else 0,
        outbox_id=queued[0] if queued else None, created_at=now))
    if lost:
        return [Outbound(mine.text(f"peers.relay.part_sent.{_lost_kind(lost)}", alias=alias))]
    return []


def _lost_kind(lost: Sequence[str]) -> str:
    """'emoji', 'letters' (of other scripts) or 'both', for telling the sender."""
    letters = emoji = False
    for char in lost:
        code = ord(char)
        if char in _JOINERS or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or \
                0xE0020 <= code <= 0xE007F:
            continue  # the joiners, variation selectors and skin tones of emoji sequences
        if code == 0x20E3:
            emoji = True  # the keycap of "1️⃣": its digit stays, the emoji went
        elif unicodedata.category(char)[0] in "LMN":
            letters = True
        else:
            emoji = True
    return "both" if letters and emoji else "letters" if letters else "emoji"


def _just_before(connection: Connection, chat_id: int, sender_id: int, now: datetime) -> str:
    """The sender's last message passed on in this chat, if it was recent: half a number
    in it and half in this one is still a number."""
    return connection.scalar(
        select(RelayedMessage.text).where(
            RelayedMessage.connection_id == chat_id, RelayedMessage.sender_id == sender_id,
            RelayedMessage.held.is_(False), RelayedMessage.created_at > now - SPLIT_WITHIN)
        .order_by(RelayedMessage.created_at.desc(), RelayedMessage.id.desc()).limit(1)) or ""


def _status_reply(connection: Connection, mine: Content, chat: Any,
                  person_id: int) -> list[Outbound]:
    """Why nothing can be passed on now: paused (by whom) or with a moderator."""
    members = (chat["resident_id"], chat["supporter_id"])
    if chat["status"] == "reported" or (chat["status"] == "paused" and
                                         chat["paused_by"] not in members):
        return [Outbound(mine.text("peers.relay.under_review"))]
    if chat["status"] == "paused" and chat["paused_by"] != person_id:
        alias = label_for(connection, person_id, chat["id"], mine)
        return [Outbound(mine.text("peers.relay.paused_you", alias=alias))]
    if chat["status"] == "paused":
        return [Outbound(mine.text("peers.relay.paused"))]
    return [Outbound(mine.text("peers.relay.resumed"))]


def control(connection: Connection, content: ContentLibrary, person_id: int, chat_id: int,
            action: str, now: datetime) -> list[Outbound]:
    """Pause, resume, end, or agree to share contact details."""
    chat = _chat(connection, chat_id, person_id)
    if chat is None:
        return []
    mine = content.for_language(_language(connection, person_id))
    partner = _partner(chat, person_id)
    theirs = content.for_language(_language(connection, partner))
    alias = label_for(connection, partner, chat_id, theirs)  # me, as they know me
    if action == "pause" and chat["status"] == "active":
        _set_chat(connection, chat_id, now, status="paused", paused_by=person_id)
        notify(connection, partner, [Outbound(theirs.text("peers.relay.paused_you", alias=alias))],
               now, kind="peer")
        return [Outbound(mine.text("peers.relay.paused"))]
    # Only whoever paused a chat starts it again; a moderator's pause waits for them.
    if action == "resume" and chat["status"] == "paused" and chat["paused_by"] == person_id:
        _set_chat(connection, chat_id, now, status="active", paused_by=None)
        notify(connection, partner,
               [Outbound(theirs.text("peers.relay.resumed_you", alias=alias))], now, kind="peer")
        return [Outbound(mine.text("peers.relay.resumed"))]
    if action == "end":
        partner_alias = label_for(connection, person_id, chat_id, mine)
        _set_chat(connection, chat_id, now, status="ended", ended_at=now)
        notify(connection, partner, [Outbound(theirs.text("peers.relay.ended_you", alias=alias))],
               now, kind="peer")
        return [Outbound(mine.text("peers.relay.ended", alias=partner_alias))]
    if action == "share" and chat["status"] == "active":
        column = "resident_shares_contact" if chat["resident_id"] == person_id \
            else "supporter_shares_contact"
        _set_chat(connection, chat_id, now, **{column: True})
        updated = _chat(connection, chat_id, person_id)
        if updated and updated["resident_shares_contact"] and updated["supporter_shares_contact"]:
            notify(connection, partner, [Outbound(theirs.text("peers.relay.share_agreed"))],
                   now, kind="peer")
            return [Outbound(mine.text("peers.relay.share_agreed"))]
        notify(connection, partner,
               [Outbound(theirs.text("peers.relay.share_request", alias=alias))], now,
               kind="peer")
        return [Outbound(mine.text("peers.relay.share_asked"))]
    return _status_reply(connection, mine, chat, person_id)


def report(connection: Connection, content: ContentLibrary, reporter_id: int, chat_id: int,
           now: datetime) -> list[Outbound]:
    """Open a case with the recent history, pause the chat, alert the moderators. A chat
    that ended lately can still be reported (someone may end it right after being unkind);
    it just has nothing left to pause."""
    mine = content.for_language(_language(connection, reporter_id))
    chat = _chat(connection, chat_id, reporter_id)
    ended = False
    if chat is None:
        chat = connection.execute(select(Chat).where(
            Chat.id == chat_id, or_(Chat.resident_id == reporter_id,
                                    Chat.supporter_id == reporter_id),
            Chat.status == "ended",
            Chat.ended_at > now - timedelta(days=REPORT_ENDED_DAYS))).mappings().first()
        ended = chat is not None
    if chat is None:
        return [Outbound(mine.text("common.unclear"))]
    moderators = content.for_language(None)
    history = [
        {"alias": alias_of(connection, sender, moderators, reader=None), "text": text,
         "held": held,
         "at": at.isoformat(), "sender_id": sender}
        for sender, text, held, at in reversed(connection.execute(
            select(RelayedMessage.sender_id, RelayedMessage.text, RelayedMessage.held,
                   RelayedMessage.created_at)
            .where(RelayedMessage.connection_id == chat_id)
            .order_by(RelayedMessage.id.desc()).limit(HISTORY_IN_CASE)).all())]
    partner = _partner(chat, reporter_id)
    case_id = connection.scalar(insert(ModerationCase.__table__).values(
        kind="connection", connection_id=chat_id, reported_by=reporter_id, subject_id=partner,
        history={"messages": history}, status="open", created_at=now
    ).returning(ModerationCase.id))
    audit(connection, now, reporter_id, "report", target=f"connection:{chat_id}",
          case_id=case_id)
    repo.record_impact(connection, "report", now, detail="connection")
    alert_moderators(connection, content, int(case_id), "connection", now)
    if ended:
        return [Outbound(mine.text("peers.relay.reported_ended", when=_when(mine, now)))]
    _set_chat(connection, chat_id, now, status="reported")
    theirs = content.for_language(_language(connection, partner))
    notify(connection, partner, [Outbound(theirs.text("peers.relay.report_paused_you"))], now,
           kind="peer")
    return [Outbound(mine.text("peers.relay.reported", when=_when(mine, now)))]


def alert_moderators(connection: Connection, content: ContentLibrary, case_id: int, kind: str,
                     now: datetime) -> int:
    """Tell every active moderator and coordinator, privately, through the outbox."""
    alerted = 0
    for (person_id,) in connection.execute(select(Volunteer.person_id).where(
            Volunteer.role.in_(("moderator", "coordinator")), Volunteer.suspended_at.is_(None))):
        theirs = content.for_language(_language(connection, person_id))
        text = theirs.text("peers.moderation.alert", case=case_id,
                           answer=theirs.text(f"peers.moderation.alert_kind.{kind}"))
        alerted += bool(notify(connection, person_id, [Outbound(text)], now, kind="moderation"))
    return alerted


def leaving(connection: Connection, content: ContentLibrary, person_id: int,
            now: datetime) -> None:
    """Someone asked us to forget them: their chats end and the other person is told,
    kindly and without their name if they never agreed to chat."""
    for chat in connection.execute(select(Chat).where(
            or_(Chat.resident_id == person_id, Chat.supporter_id == person_id),
            Chat.status.in_((*OPEN_CHAT, "awaiting_resident")))).mappings().all():
        partner = _partner(chat, person_id)
        theirs = content.for_language(_language(connection, partner))
        if chat["status"] != "awaiting_resident":
            alias = label_for(connection, partner, chat["id"], theirs)
            text = theirs.text("peers.relay.left", alias=alias)
        elif chat["resident_id"] == person_id:
            # The supporter was never told who they were.
            text = theirs.text("peers.supporter.resident_said_no")
        else:
            # The resident had not said yes yet: they go back to waiting for someone else.
            if chat["request_id"] is not None:
                connection.execute(update(BuddyRequest).where(
                    BuddyRequest.id == chat["request_id"]).values(
                    status="waiting", offered_to=None, updated_at=now))
            text = theirs.text("peers.buddy.supporter_left",
                               alias=alias_of(connection, person_id, theirs, reader=partner))
        # It may name them: forgotten as soon as it has gone (dispatch.outbox).
        notify(connection, partner, [Outbound(text)], now, kind=LEFT_KIND)
    # Someone offered their request will not hear back from them.
    for (supporter,) in connection.execute(select(BuddyRequest.offered_to).where(
            BuddyRequest.resident_id == person_id, BuddyRequest.status == "offered",
            BuddyRequest.offered_to.is_not(None))).all():
        theirs = content.for_language(_language(connection, supporter))
        notify(connection, supporter, [Outbound(theirs.text("peers.supporter.resident_said_no"))],
               now, kind="peer")
    _release_offers(connection, person_id, now)
    _erase_from_cases(connection, person_id)
    _scrub_relayed(connection, content, person_id)


def _scrub_relayed(connection: Connection, content: ContentLibrary, person_id: int) -> None:
    """What they said, as the other person got it (their name and words): a copy not yet
    sent is cancelled; one sent is replaced by "[removed]", so the row still counts."""
    rows = connection.execute(
        select(RelayedMessage.outbox_id, OutboxMessage.person_id, OutboxMessage.status)
        .join(OutboxMessage, OutboxMessage.id == RelayedMessage.outbox_id)
        .where(RelayedMessage.sender_id == person_id)).all()
    waiting = [outbox_id for outbox_id, _, status in rows if status == "queued"]
    if waiting:
        connection.execute(update(OutboxMessage).where(OutboxMessage.id.in_(waiting))
                           .values(status="cancelled", payload={"text": ""}))
    by_partner: dict[int, list[int]] = {}
    for outbox_id, partner, status in rows:
        if status != "queued":
            by_partner.setdefault(partner, []).append(outbox_id)
    for partner, ids in by_partner.items():
        removed = content.for_language(_language(connection, partner)).text("peers.relay.removed")
        connection.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .values(payload=Outbound(removed).to_json()))


def _erase_from_cases(connection: Connection, person_id: int) -> None:
    """Reports stay for safeguarding, but without the words of someone who asked us to
    forget them. Found by the sender id each kept message carries, not through the chat,
    which is gone if the other person left first."""
    for case_id, history in connection.execute(select(ModerationCase.id, ModerationCase.history)
                                               .where(ModerationCase.kind == "connection")):
        messages = (history or {}).get("messages") or []
        kept = [{"erased": True, "at": m.get("at")} if m.get("sender_id") == person_id else m
                for m in messages]
        if kept != messages:
            connection.execute(update(ModerationCase).where(ModerationCase.id == case_id)
                               .values(history={**history, "messages": kept}))


# -- moderators -----------------------------------------------------------------------------
def is_moderator(connection: Connection, person_id: int) -> bool:
    return bool(connection.scalar(select(func.count()).select_from(Volunteer).where(
        Volunteer.person_id == person_id, Volunteer.role.in_(("moderator", "coordinator")),
        Volunteer.suspended_at.is_(None))))


def open_cases(connection: Connection, content: Content, *, actor: int,
               now: datetime) -> list[Outbound]:
    """The list of open reports; looking is logged like any other moderator action."""
    rows = connection.execute(select(ModerationCase.id, ModerationCase.kind).where(
        ModerationCase.status == "open").order_by(ModerationCase.id)).all()
    audit(connection, now, actor, "cases_listed", detail=str(len(rows)))
    if not rows:
        return [Outbound(content.text("peers.moderation.none_open"))]
    lines = [content.text("peers.moderation.list_intro")]
    lines += [content.text("peers.moderation.list_line", case=case_id,
                           answer=content.text(f"peers.moderation.alert_kind.{kind}"))
              for case_id, kind in rows]
    return [Outbound("\n".join(lines))]


def show_case(connection: Connection, content: Content, case_id: int, *, actor: int,
              now: datetime) -> list[Outbound]:
    """One open report with the messages it holds: who read them is logged."""
    case = connection.execute(select(ModerationCase).where(
        ModerationCase.id == case_id, ModerationCase.status == "open")).mappings().first()
    if case is None:
        return [Outbound(content.text("peers.moderation.no_case", case=case_id))]
    audit(connection, now, actor, "case_viewed", case_id=case_id,
          target=f"connection:{case['connection_id']}" if case["connection_id"] else None)
    lines = [content.text("peers.moderation.case_intro", case=case_id,
                          answer=content.text(f"peers.moderation.alert_kind.{case['kind']}"))]
    messages = (case["history"] or {}).get("messages") or []
    lines += [content.text("peers.moderation.history_erased") if m.get("erased") else
              content.text("peers.moderation.history_line",
                           alias=shown_name(connection, actor, m["alias"], content),
                           text=m["text"])
              for m in messages] or [content.text("peers.moderation.no_history")]
    return [Outbound("\n".join(lines))]


def act_on_case(connection: Connection, content: ContentLibrary, moderator_id: int,
                case_id: int, action: str, note: str, now: datetime) -> list[Outbound]:
    mine = content.for_language(_language(connection, moderator_id))
    case = connection.execute(select(ModerationCase).where(
        ModerationCase.id == case_id, ModerationCase.status == "open")).mappings().first()
    if case is None:
        return [Outbound(mine.text("peers.moderation.no_case", case=case_id))]
    chat = connection.execute(select(Chat).where(
        Chat.id == case["connection_id"])).mappings().first() if case["connection_id"] else None
    people = [chat["resident_id"], chat["supporter_id"]] if chat else \
        [p for p in (case["subject_id"],) if p]
    chat_open = bool(chat and chat["status"] in OPEN_CHAT)
    if action == "warn":
        for person in people:
            theirs = content.for_language(_language(connection, person))
            notify(connection, person, [Outbound(theirs.text("peers.moderation.warning"))], now,
                   kind="moderation")
    elif action == "pause" and chat_open:
        _set_chat(connection, chat["id"], now, status="paused", paused_by=moderator_id)
    elif action == "end" and chat_open:
        _set_chat(connection, chat["id"], now, status="ended", ended_at=now)
        for person in people:
            theirs = content.for_language(_language(connection, person))
            notify(connection, person, [Outbound(theirs.text("peers.moderation.ended_you"))],
                   now, kind="moderation")
    elif action == "suspend" and case["subject_id"]:
        _suspend(connection, content, case["subject_id"], now)
    elif action == "close":
        connection.execute(update(ModerationCase).where(ModerationCase.id == case_id).values(
            status="closed", closed_at=now, closed_by=moderator_id, note=note or None))
        members = people if chat else []
        held_by_moderator = chat_open and (chat["status"] == "reported" or (
            chat["status"] == "paused" and chat["paused_by"] not in members))
        if held_by_moderator:
            _set_chat(connection, chat["id"], now, status="active", paused_by=None)
            for person in people:
                theirs = content.for_language(_language(connection, person))
                notify(connection, person, [Outbound(theirs.text("peers.moderation.back_on"))],
                       now, kind="moderation")
    elif action in ("pause", "end", "suspend"):
        # Nothing left to do it to (the chat already ended, or nobody to suspend).
        return [Outbound(mine.text("peers.moderation.nothing_to_do"))]
    else:
        return show_case(connection, mine, case_id, actor=moderator_id, now=now)
    audit(connection, now, moderator_id, f"case_{action}", case_id=case_id,
          target=f"connection:{chat['id']}" if chat else None, detail=note or None)
    return [Outbound(mine.text("peers.moderation.done",
                               answer=mine.text(f"peers.moderation.actions.{action}")))]


def _suspend(connection: Connection, content: ContentLibrary, subject: int,
             now: datetime) -> None:
    """No more peer support for them: every chat of theirs ends (the other person is
    told), offers to them go to someone else, and they are told a coordinator will call."""
    connection.execute(update(Volunteer).where(Volunteer.person_id == subject)
                       .values(suspended_at=now))
    connection.execute(update(Person).where(Person.id == subject).values(status="suspended"))
    for chat in open_chats(connection, subject):
        _set_chat(connection, chat["id"], now, status="ended", ended_at=now)
        partner = _partner(chat, subject)
        theirs = content.for_language(_language(connection, partner))
        notify(connection, partner, [Outbound(theirs.text("peers.moderation.ended_you"))],
               now, kind="moderation")
    connection.execute(update(Chat).where(
        Chat.supporter_id == subject, Chat.status == "awaiting_resident").values(
        status="declined", ended_at=now, updated_at=now))
    _release_offers(connection, subject, now)
    connection.execute(update(BuddyRequest).where(
        BuddyRequest.resident_id == subject,
        BuddyRequest.status.in_(("waiting", "offered"))).values(
        status="cancelled", offered_to=None, updated_at=now))
    theirs = content.for_language(_language(connection, subject))
    notify(connection, subject, [Outbound(theirs.text("peers.moderation.suspended_you"))],
           now, kind="moderation")


# -- sending to the other person -----------------------------------------------------------
def preferred_address(connection: Connection, person_id: int) -> Address | None:
    """The identity they last wrote from that we may still reach."""
    row = connection.execute(
        select(Identity.channel, Identity.address).where(
            Identity.person_id == person_id, Identity.opted_out_at.is_(None),
            Identity.unreachable_at.is_(None))
        .order_by(Identity.last_inbound_at.desc().nulls_last(), Identity.id.desc()).limit(1)
    ).first()
    return Address(row[0], row[1]) if row else None


def notify(connection: Connection, person_id: int, messages: Sequence[Outbound],
           now: datetime, *, kind: str) -> list[int]:
    """Queue messages for someone else, to their own channel: nobody learns anyone's."""
    address = preferred_address(connection, person_id)
    if address is None:
        return []
    key = f"{kind}:{person_id}:{secrets.token_hex(8)}"
    return repo.queue_messages(connection, person_id=person_id, to=address, messages=messages,
                               kind=kind, priority=PRIORITY_REPLY, key_prefix=key, now=now)


# -- small helpers --------------------------------------------------------------------------
def _chat(connection: Connection, chat_id: int, member: int) -> Any:
    return connection.execute(select(Chat).where(
        Chat.id == chat_id, or_(Chat.resident_id == member, Chat.supporter_id == member),
        Chat.status.in_(OPEN_CHAT))).mappings().first()


def _busy(connection: Connection, supporter_id: int) -> int:
    """Chats a supporter is in or has offered to start."""
    return int(connection.scalar(select(func.count()).select_from(Chat).where(
        Chat.supporter_id == supporter_id,
        Chat.status.in_((*OPEN_CHAT, "awaiting_resident")))) or 0)


def _partner(chat: Any, person_id: int) -> int:
    return int(chat["supporter_id"] if chat["resident_id"] == person_id else chat["resident_id"])


def _set_chat(connection: Connection, chat_id: int, now: datetime, **values: Any) -> None:
    connection.execute(update(Chat).where(Chat.id == chat_id).values(updated_at=now, **values))


def _language(connection: Connection, person_id: int) -> str:
    return str(connection.scalar(select(Person.language).where(Person.id == person_id)) or "en")


def _reachable(connection: Connection, person_id: int) -> bool:
    return preferred_address(connection, person_id) is not None


def _options(content: Content, name: str) -> tuple[Option, ...]:
    prefix = f"options.{name}"
    return tuple(Option(i, content.text(f"{prefix}.{i}.label"))
                 for i in content.keys_under(prefix))


def _report_button(connection: Connection, content: Content, person_id: int, chat_id: int
                   ) -> tuple[Option, ...]:
    """A Report button under relayed messages on Telegram; SMS has the word REPORT. It
    names its chat, so a press reports the right one even among several."""
    address = preferred_address(connection, person_id)
    if address is None or address.channel != "telegram":
        return ()
    return (Option(f"{REPORT_OPTION}{chat_id}", content.text("peers.relay.button_report")),)


def _labels(content: Content, options: str, ids: Sequence[str]) -> str:
    labels = [_label(content, options, i) for i in ids]
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {content.text('suggest.and')} {labels[-1]}"


def _label(content: Content, options: str, option_id: str) -> str:
    key = f"options.{options}.{option_id}.label"
    return content.text(key) if content.has(key) else option_id


def _by_sms(connection: Connection, person_id: int, message: Outbound
            ) -> tuple[int, int, int] | None:
    """When a relayed message goes by SMS: its segments (recorded, so coordinators can see
    the cost), the texts it becomes and the most one message may become. None otherwise."""
    address = preferred_address(connection, person_id)
    if address is None or address.channel != "sms":
        return None
    from bot.core.render import MAX_PARTS, render_sms

    rendered = render_sms(message, allow_unicode=_SMS["allow_unicode"])
    return rendered.segments, len(rendered.parts), MAX_PARTS


def _when(content: Content, now: datetime) -> str:
    from bot.core.clock import LONDON

    local = now.astimezone(LONDON)
    start, end = MODERATION_HOURS
    if start <= local.hour < end:
        return content.text("peers.relay.when_soon")
    return content.text("peers.relay.when_later", answer=content.text(
        "suggest.clock.am", hour=start))

