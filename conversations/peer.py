"""Answers that mean something because of someone's place in peer support, when they are
not in the middle of another conversation: a supporter answering an offer, a resident
saying yes to a chat, and the chat itself (relayed, or controlled with a few words)."""

from __future__ import annotations

from bot.engine.events import EventKind, Inbound, Outbound
from bot.engine.session import IDLE, Context, PeerAction, Profile, Turn
from bot.engine.textnorm import tokens
from bot.peers.context import PeerContext
from conversations.buddy import read

# Words that control a chat (content/en/commands.yaml), and what they do.
CHAT_WORDS = {"end_chat": "end", "pause_chat": "pause", "resume_chat": "resume",
              "share_details": "share"}


def handle(ctx: Context, profile: Profile, event: Inbound) -> Turn | None:
    """A turn, or None when this message is not about peer support."""
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
    if peer.connection_id is None:
        return None
    if (event.kind is EventKind.CHOICE and event.choice == "report") or \
            _is(ctx, event, "report"):
        return Turn([], state, profile, effects=[PeerAction(
            "report", {"connection_id": peer.connection_id})])
    for words, action in CHAT_WORDS.items():
        if _is(ctx, event, words):
            return Turn([], state, profile, effects=[PeerAction(
                "control", {"connection_id": peer.connection_id, "action": action})])
    if event.kind is EventKind.TEXT and event.text.strip():
        return Turn([], state, profile, effects=[PeerAction(
            "relay", {"connection_id": peer.connection_id, "text": event.text.strip()})])
    return Turn([Outbound(ctx.t("common.unclear"))], state, profile)


def _is(ctx: Context, event: Inbound, words: str) -> bool:
    if event.kind is not EventKind.TEXT:
        return False
    said = " ".join(tokens(event.text))
    return any(said == " ".join(tokens(w)) for w in ctx.content.words(f"commands.{words}"))



def commands(ctx: Context, event: Inbound) -> PeerAction | None:
    """Words that work anywhere for volunteers and moderators: a volunteer code, pausing
    volunteering, and moderators' report commands (checked against their role later)."""
    if event.kind is not EventKind.TEXT:
        return None
    words = tokens(event.text.replace("-", " "))
    if len(words) >= 2 and words[0] == "volunteer" and words[1] not in ("pause", "resume"):
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
