"""The relay: a message in a peer chat passed on under the sender's alias, checked for
contact details and cut to what the other side's channel can carry; pausing, ending and
reporting a chat; and leaving peer support when someone asks to be forgotten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from bot.core.content import Content, ContentLibrary
from bot.core.events import Outbound
from bot.core.gsm7 import left_out, to_gsm7
from bot.core.name_forms import NameForms
from bot.core.render import characters_that_fit
from bot.core.splitting import shows_anything
from bot.core.textnorm import relayable
from bot.peers.chats import (
    _SMS,
    HISTORY_IN_CASE,
    LEFT_KIND,
    OPEN_CHAT,
    RELAY_MAX_CHARS,
    RELAY_PER_DAY,
    REPORT_ENDED_DAYS,
    _by_sms,
    _chat,
    _language,
    _partner,
    _reachable,
    _report_button,
    _set_chat,
    _when,
    audit,
    notify,
    preferred_address,
)
from bot.peers.contact import SPLIT_WITHIN, contact_details
from bot.peers.contact_pieces import PIECES_BACK, earlier_messages
from bot.peers.models import BuddyRequest, ModerationCase, PeerChat, RelayedMessage
from bot.peers.volunteers import _release_offers
from bot.peers.whereabouts import alias_of, label_for
from bot.storage import repository as repo
from bot.storage.models import Identity, OutboxMessage, Person, Volunteer


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
        # Nothing a reader would see (a lone zero-width space): ours, so it says so.
        return [Outbound(mine.text("peers.relay.from_us", text=mine.text("common.unclear")))]
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
    ready = for_reader(connection, content, sender_id, chat_id, text)
    if ready.message is None:
        return ready.told
    queued = notify(connection, partner, [ready.message], now, kind="relay")
    connection.execute(insert(RelayedMessage.__table__).values(
        connection_id=chat_id, sender_id=sender_id, text=text, held=False,
        segments=ready.segments if queued else 0,
        outbox_id=queued[0] if queued else None, created_at=now))
    return ready.told


@dataclass(frozen=True)
class ForReader:
    """A relay as its reader gets it on the channel they use now (`message`, None when it
    cannot go there), what it costs there in SMS segments (0 off SMS), and what the writer
    is told: why it didn't go, or what it went without."""

    message: Outbound | None
    segments: int
    told: list[Outbound]


def for_reader(connection: Connection, content: ContentLibrary, sender_id: int,
               chat_id: int, text: str) -> ForReader:
    """`text` (already `relayable` and cleared of contact details) made ready for the
    other person in the chat on the channel they can be reached on now: the writer's name
    as they can read it, a Report button on Telegram only, and by SMS every check a text
    needs (what GSM-7 cannot carry is left out and the writer told, never an empty relay,
    at most `MAX_PARTS` texts, the segments it costs). The one path for a relay, whether
    written to them just now or moved to their other channel after the first refused it
    (bot/peers/undelivered.py): the channel, not the first try, decides how it reads."""
    chat = connection.execute(select(PeerChat).where(PeerChat.id == chat_id)).mappings().one()
    partner = _partner(chat, sender_id)
    mine = content.for_language(_language(connection, sender_id))
    theirs = content.for_language(_language(connection, partner))
    address = preferred_address(connection, partner)
    gsm7_only = address is not None and address.channel == "sms" and \
        not _SMS["allow_unicode"]
    # The words made GSM-7 on their own, not with the name before them: what is left out
    # of "Привіт! See you" then takes its "!" along, never the ": " after the name.
    words = to_gsm7(text).strip() if gsm7_only else text
    name = label_for(connection, partner, chat_id, theirs)
    forwarded = Outbound(theirs.text("peers.relay.from", alias=name, text=words),
                         options=_report_button(connection, theirs, partner, chat_id))
    by_sms = _by_sms(connection, partner, forwarded)
    if by_sms is None:
        return ForReader(forwarded, 0, [])
    alias = label_for(connection, sender_id, chat_id, mine)
    # Texts without UCS-2 cannot carry emoji or other scripts: say what was left out, and
    # never pass on an empty message ("Sam: " alone), whatever emptied it: the words after
    # the name are checked, not only when something was found left out.
    lost = left_out(text) if gsm7_only else None
    if (lost and not any(c.isalnum() for c in words)) or not shows_anything(words):
        return ForReader(None, 0, [Outbound(mine.text(
            f"peers.relay.not_sent.{lost or 'symbols'}", alias=alias))])
    segments, parts, most = by_sms
    if parts > most:
        # Too many texts: say how much fits, which emoji or other scripts make far less:
        # characters as the writer counts them, of their words after their name.
        lead = theirs.text("peers.relay.from", alias=name, text="\x00").partition("\x00")[0]
        count = characters_that_fit(text, lead=lead, allow_unicode=_SMS["allow_unicode"])
        return ForReader(None, 0, [Outbound(mine.text(
            "peers.relay.too_long_texts", alias=alias, count=count))])
    told = [Outbound(mine.text(f"peers.relay.part_sent.{lost}", alias=alias))] if lost else []
    return ForReader(forwarded, segments, told)


def _just_before(connection: Connection, chat_id: int, sender_id: int,
                 now: datetime) -> list[str]:
    """The sender's earlier messages passed on in this chat, if recent, oldest first, to read
    a new one with: the last two ("079" / "11 12" / "3456"), or further back over a run of
    numeric pieces ("07" / "823" / "441" / "902": contact_pieces.earlier_messages)."""
    rows = connection.execute(
        select(RelayedMessage.text, RelayedMessage.created_at).where(
            RelayedMessage.connection_id == chat_id, RelayedMessage.sender_id == sender_id,
            RelayedMessage.held.is_(False), RelayedMessage.created_at > now - SPLIT_WITHIN)
        .order_by(RelayedMessage.created_at.desc(), RelayedMessage.id.desc())
        .limit(PIECES_BACK + 1)).all()
    return earlier_messages([(text or "", when) for text, when in rows])


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
        chat = connection.execute(select(PeerChat).where(
            PeerChat.id == chat_id, or_(PeerChat.resident_id == reporter_id,
                                    PeerChat.supporter_id == reporter_id),
            PeerChat.status == "ended",
            PeerChat.ended_at > now - timedelta(days=REPORT_ENDED_DAYS))).mappings().first()
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
    partners = {int(supporter if resident == person_id else resident)
                for resident, supporter in connection.execute(
                    select(PeerChat.resident_id, PeerChat.supporter_id).where(or_(
                        PeerChat.resident_id == person_id,
                        PeerChat.supporter_id == person_id))).all()} - {person_id}
    for chat in connection.execute(select(PeerChat).where(
            or_(PeerChat.resident_id == person_id, PeerChat.supporter_id == person_id),
            PeerChat.status.in_((*OPEN_CHAT, "awaiting_resident")))).mappings().all():
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
    _scrub_naming(connection, content, person_id, partners)


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


def _scrub_naming(connection: Connection, content: ContentLibrary, person_id: int,
                  partners: set[int]) -> None:
    """What the people they chatted with were sent or said that names them ("You're now
    connected with Ann", "see you Saturday Ann", "I passed that on to Ann, but some
    letters were left out"): the name becomes "[removed]", in every form it took
    (`bot.core.name_forms`: NFC or NFD, any case, as transliterated for SMS). Every
    message their partners were sent, of any kind, and every string in it (buttons too),
    but the notice that they have left (kind `peer_left`: it must name them, and is
    forgotten once sent anyway) and a third person's words relayed to them; the partners'
    own words in reports, not other people's. `NameForms` says which forms match: whole
    words, inside a run of a script written without spaces or of Hangul, after Arabic
    one-letter prefixes, and a name's first word alone where written with a capital."""
    en = content.for_language(None)
    if not partners:
        return
    names = [alias_of(connection, person_id, en, reader=None),
             str(connection.scalar(select(Person.name).where(Person.id == person_id)) or "")]
    # Never the words for no name ("someone"): they name nobody.
    matchers = [m for m in (NameForms(n) for n in dict.fromkeys(names)
                            if n.strip() and n != en.text("peers.no_name")) if m]
    if not matchers:
        return
    named = _AnyOf(matchers)
    removed = en.text("peers.relay.removed")
    # Not a third person's words relayed to a partner: theirs to keep, and a loose match
    # there would change someone else's words (their own are "[removed]" already).
    others = select(RelayedMessage.outbox_id).where(RelayedMessage.sender_id != person_id,
                                                    RelayedMessage.outbox_id.is_not(None))
    for outbox_id, payload in connection.execute(
            select(OutboxMessage.id, OutboxMessage.payload).where(
                OutboxMessage.person_id.in_(partners),
                OutboxMessage.kind != LEFT_KIND, OutboxMessage.id.not_in(others))).all():
        scrubbed = named.scrub(removed, payload)
        if scrubbed != payload:
            connection.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                               .values(payload=scrubbed))
    for relayed_id, text in connection.execute(
            select(RelayedMessage.id, RelayedMessage.text).where(
                RelayedMessage.sender_id.in_(partners))).all():
        if isinstance(text, str) and named.search(text):
            connection.execute(update(RelayedMessage).where(RelayedMessage.id == relayed_id)
                               .values(text=named.sub(removed, text)))
    # The end of a partner's last message, kept minutes for the safety screen.
    for identity_id, words in connection.execute(
            select(Identity.id, Identity.recent_words).where(
                Identity.person_id.in_(partners), Identity.recent_words.is_not(None))).all():
        if named.search(words):
            connection.execute(update(Identity).where(Identity.id == identity_id)
                               .values(recent_words=named.sub(removed, words)[-200:]))
    # Reports keep their partners' words for safeguarding, without the name; nobody
    # else's words are touched (a report between two other people is theirs).
    for case_id, history in connection.execute(select(ModerationCase.id, ModerationCase.history)
                                               .where(ModerationCase.kind == "connection")):
        messages = (history or {}).get("messages") or []
        kept = [{**m, "text": named.sub(removed, m["text"])}
                if m.get("sender_id") in partners and isinstance(m.get("text"), str)
                and named.search(m["text"]) else m
                for m in messages]
        if kept != messages:
            connection.execute(update(ModerationCase).where(ModerationCase.id == case_id)
                               .values(history={**history, "messages": kept}))


class _AnyOf:
    """Several names (an alias and the name they gave us), each in all its forms."""

    def __init__(self, matchers: list[NameForms]) -> None:
        self.matchers = matchers

    def search(self, text: str) -> bool:
        return any(m.search(text) for m in self.matchers)

    def sub(self, replacement: str, text: str) -> str:
        for m in self.matchers:
            text = m.sub(replacement, text)
        return text

    def scrub(self, replacement: str, value: Any) -> Any:
        for m in self.matchers:
            value = m.scrub(replacement, value)
        return value


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
