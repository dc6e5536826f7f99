"""Who is where in peer support, as a conversation may know it (`PeerContext`): open
chats and their labels, offers and questions waiting, and the names and summaries each side
is shown of the other."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, or_, select

from bot.core.content import Content
from bot.core.gsm7 import readable_name
from bot.core.peer_context import ChatRef, PeerContext
from bot.core.splitting import shows_anything
from bot.peers.chats import (
    _SMS,
    OPEN_CHAT,
    REPORT_ENDED_DAYS,
    _label,
    _labels,
    _partner,
    preferred_address,
)
from bot.peers.contact import contact_details
from bot.peers.models import BuddyRequest, PeerChat, RelayedMessage
from bot.storage.models import Person, Volunteer


def asked_since(connection: Connection, person_id: int, since: datetime) -> bool:
    """Whether peer support has something new for someone in another conversation: a
    question for them (to support someone, whether to start chatting) at or after `since`,
    their last turn, or news of one of their chats from the other side after it."""
    offered = select(BuddyRequest.id).where(
        BuddyRequest.offered_to == person_id, BuddyRequest.status == "offered",
        BuddyRequest.updated_at >= since)
    asked = select(PeerChat.id).where(
        PeerChat.resident_id == person_id, PeerChat.status == "awaiting_resident",
        PeerChat.created_at >= since)
    # One round trip: this runs for every message of anyone mid-conversation.
    return bool(connection.scalar(select(or_(
        offered.exists(), asked.exists(), _chat_news(person_id, since).exists()))))


def _chat_news(person_id: int, since: datetime) -> Any:
    # Strictly after their last turn: their own pause or report is not news to them.
    return select(PeerChat.id).where(
        or_(PeerChat.resident_id == person_id, PeerChat.supporter_id == person_id),
        PeerChat.status == "active", PeerChat.updated_at > since)


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
    awaiting = connection.execute(select(PeerChat).where(
        PeerChat.resident_id == person_id, PeerChat.status == "awaiting_resident")
        .order_by(PeerChat.id.desc())).mappings().first()
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
        values["ended_connection_id"] = connection.scalar(select(PeerChat.id).where(
            or_(PeerChat.resident_id == person_id, PeerChat.supporter_id == person_id),
            PeerChat.status == "ended", PeerChat.ended_at > now - timedelta(days=REPORT_ENDED_DAYS))
            .order_by(PeerChat.ended_at.desc(), PeerChat.id.desc()).limit(1))
    return PeerContext(**values)


def chatting(connection: Connection, person_id: int) -> bool:
    """Whether messages pass now in one of their chats (one is active)."""
    return connection.scalar(select(PeerChat.id).where(
        or_(PeerChat.resident_id == person_id, PeerChat.supporter_id == person_id),
        PeerChat.status == "active").limit(1)) is not None


def open_chats(connection: Connection, person_id: int) -> list[Any]:
    """Their active, paused and reported chats, oldest first."""
    return list(connection.execute(select(PeerChat).where(
        or_(PeerChat.resident_id == person_id, PeerChat.supporter_id == person_id),
        PeerChat.status.in_(OPEN_CHAT)).order_by(PeerChat.id)).mappings())


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
    # The rules alone judge a chosen name: the learned reader, trained on handles such as
    # "bevknits", once took "Bev" for one.
    if not shows_anything(name) or contact_details(name, use_reader=False):
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
    chat = connection.execute(select(PeerChat).where(PeerChat.id == chat_id)).mappings().first()
    return alias_of(connection, _partner(chat, viewer), content, reader=viewer) if chat else \
        content.text("peers.no_name")


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
