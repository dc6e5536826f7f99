"""Answers that mean something because of someone's place in peer support, when they are
not in the middle of another conversation: a supporter answering an offer, a resident
saying yes to a chat, and the chat itself (relayed, or controlled with a few words). A
supporter in several chats starts each message with who it is for. Mid-conversation the
interceptor uses `reports` and `answer` only (see `interceptors.PeerSupport`)."""

from __future__ import annotations

from bot.core.events import EventKind, Inbound, Outbound
from bot.core.peer_context import REPORT_OPTION, ChatRef, PeerContext
from bot.core.textnorm import tokens
from bot.core.turn import IDLE, Context, PeerAction, Profile, Turn
from conversations.buddy import read

# Words that control a chat (content/en/commands.yaml), and what they do.
CHAT_WORDS = {"end_chat": "end", "pause_chat": "pause", "resume_chat": "resume",
              "share_details": "share"}


def handle(ctx: Context, profile: Profile, event: Inbound) -> Turn | None:
    """A turn, or None when this message is not about peer support."""
    peer: PeerContext = ctx.peer
    answered = answer(ctx, profile, event)
    if answered is not None:
        return answered
    if len(peer.chats) > 1:
        return _one_of_several(ctx, profile, event, peer.chats)
    if peer.connection_id is None:
        if peer.ended_connection_id is not None and reports(ctx, event):
            return _report(profile, peer.ended_connection_id)
        return None
    return _in_chat(ctx, profile, event, peer.connection_id)


def answer(ctx: Context, profile: Profile, event: Inbound) -> Turn | None:
    """A clear answer to an offer (supporter) or to "start chatting?" (resident)."""
    peer: PeerContext = ctx.peer
    state = IDLE
    if peer.offer_request_id is not None:
        ids, _skipped, unclear = read(ctx, "offer_answer", event)
        if not unclear:
            accept = ids == ["accept"]
            return Turn([], state, profile, effects=[PeerAction(
                "answer_offer", {"request_id": peer.offer_request_id, "accept": accept})])
    if peer.awaiting_connection_id is not None:
        ids, skipped, unclear = read(ctx, "consent", event)
        if not unclear:
            yes = ids == ["yes"] and not skipped
            return Turn([], state, profile, effects=[PeerAction(
                "consent", {"connection_id": peer.awaiting_connection_id, "yes": yes})])
    return None


def reports(ctx: Context, event: Inbound) -> bool:
    """REPORT, or a press on a Report button: honoured whatever else they are doing."""
    if event.kind is EventKind.CHOICE:
        return event.choice == "report" or (event.choice or "").startswith(REPORT_OPTION)
    return _is(ctx, event, "report")


def _in_chat(ctx: Context, profile: Profile, event: Inbound, chat_id: int) -> Turn:
    if event.kind is EventKind.CHOICE and event.choice in ("report", f"{REPORT_OPTION}{chat_id}"):
        return _report(profile, chat_id)
    if _is(ctx, event, "report"):
        return _report(profile, chat_id)
    for words, action in CHAT_WORDS.items():
        if _is(ctx, event, words):
            return Turn([], IDLE, profile, effects=[PeerAction(
                "control", {"connection_id": chat_id, "action": action})])
    if event.kind is EventKind.TEXT and event.text.strip():
        return Turn([], IDLE, profile, effects=[PeerAction(
            "relay", {"connection_id": chat_id, "text": event.text.strip()})])
    return Turn([Outbound(ctx.t("common.unclear"))], IDLE, profile)


def _report(profile: Profile, chat_id: int) -> Turn:
    return Turn([], IDLE, profile, effects=[PeerAction("report", {"connection_id": chat_id})])


def _one_of_several(ctx: Context, profile: Profile, event: Inbound,
                    chats: tuple[ChatRef, ...]) -> Turn:
    """Someone in more than one chat starts each message with who it is for ("Ann: see
    you Saturday", "Bob end chat"); nothing is passed on until it is clear."""
    if event.kind is EventKind.CHOICE and (event.choice or "").startswith(REPORT_OPTION):
        pressed = (event.choice or "")[len(REPORT_OPTION):]
        for chat in chats:
            if pressed == str(chat.connection_id):
                return _report(profile, chat.connection_id)
    if event.kind is EventKind.TEXT:
        addressed = addressed_to(event.text, chats)
        if addressed is not None and addressed[1]:
            chat, rest = addressed
            return _in_chat(ctx, profile, Inbound.from_text(rest), chat.connection_id)
    labels = [chat.label for chat in chats]
    names = f"{', '.join(labels[:-1])} {ctx.t('suggest.and')} {labels[-1]}"
    return Turn([Outbound(ctx.t("peers.relay.which", answer=names, alias=labels[0]))], IDLE,
                profile)


_SEPARATORS = ":,;-–— \t\n"


def addressed_to(text: str, chats: tuple[ChatRef, ...]) -> tuple[ChatRef, str] | None:
    """(the chat, the rest of the message) when the text starts with one partner's name."""
    said = text.strip()
    folded = said.casefold()
    for chat in sorted(chats, key=lambda c: len(c.label), reverse=True):
        name = chat.label.casefold()
        if folded.startswith(name) and (len(said) == len(name) or
                                        said[len(name)] in _SEPARATORS):
            return chat, said[len(name):].lstrip(_SEPARATORS)
    return None


def _is(ctx: Context, event: Inbound, words: str) -> bool:
    if event.kind is not EventKind.TEXT:
        return False
    said = " ".join(tokens(event.text))
    return any(said == " ".join(tokens(w)) for w in ctx.content.words(f"commands.{words}"))


def _looks_like_code(words: list[str]) -> bool:
    """An invite code (like 3F9A-07C2-B1D4), not a sentence that starts with "volunteer"."""
    return 1 <= len(words) <= 4 and any(ch.isdigit() for w in words for ch in w) and \
        all(w.isalnum() and w.isascii() and len(w) <= 8 for w in words)


def commands(ctx: Context, event: Inbound) -> PeerAction | None:
    """Words that work anywhere for volunteers and moderators: a volunteer code, pausing
    volunteering, and moderators' report commands (checked against their role later)."""
    if event.kind is not EventKind.TEXT:
        return None
    words = tokens(event.text.replace("-", " "))
    if len(words) >= 2 and words[0] == "volunteer" and _looks_like_code(words[1:]):
        return PeerAction("volunteer_code", {"code": "-".join(words[1:]).upper()})
    if _is(ctx, event, "pause_volunteering"):
        return PeerAction("volunteer_pause", {"paused": True})
    if _is(ctx, event, "resume_volunteering"):
        return PeerAction("volunteer_pause", {"paused": False})
    if words == ["cases"] or (len(words) >= 2 and words[0] == "case" and words[1].isdigit()):
        original = event.text.strip().split(maxsplit=3)
        note = original[3] if len(original) > 3 else ""
        action = words[2] if len(words) > 2 else ""
        case = int(words[1]) if len(words) > 1 else 0
        return PeerAction("moderate", {"case": case, "action": action, "note": note})
    return None
