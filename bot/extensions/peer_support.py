"""Peer support plugged into the engine: the `PeerAction` effects a conversation asks for
(asking for a supporter, answering an offer, consent, the relay, pausing or reporting a
chat, volunteering, moderating), done in the engine's transaction because they touch
other people. Registered by `bot/app.py`."""

from __future__ import annotations

from bot.core.events import Outbound
from bot.core.turn import IDLE, FlowState, PeerAction
from bot.engine.effects import EffectCall
from bot.peers import service as peer_service


def peer_action(call: EffectCall, effect: PeerAction) -> tuple[list[Outbound], FlowState | None]:
    """Peer support that touches other people: done in the engine's transaction."""
    connection, ctx, now = call.connection, call.ctx, call.now
    values, person = effect.values, call.person_id
    content = call.content
    if effect.action == "request_buddy":
        key = peer_service.request_buddy(connection, content, person,
                                         values.get("experience"), now)
        return [ctx.say(key)], None
    if effect.action == "answer_offer":
        key = peer_service.answer_offer(connection, content, person,
                                        int(values["request_id"]), bool(values["accept"]),
                                        now)
        return [ctx.say(key)], None
    if effect.action == "consent":
        said = peer_service.consent(connection, content, person,
                                    int(values["connection_id"]), bool(values["yes"]), now)
        # Connected: any question they had open is closed, so what they send next goes
        # to their peer, as the reply promises.
        return said, (IDLE if said and values["yes"] else None)
    if effect.action == "relay":
        said = peer_service.relay(connection, content, person, int(values["connection_id"]),
                                  str(values["text"]), now)
        if values.get("closed_question"):
            # They should know our question was put aside for it (and, when nothing
            # else was said, that it went).
            note = ctx.t("peers.relay.question_closed")
            if not said:
                note = f"{ctx.t('peers.relay.passed_on')} {note}"
            said = [*said, Outbound(ctx.t("peers.relay.from_us", text=note))]
        return said, None
    if effect.action == "control":
        return peer_service.control(connection, content, person,
                                    int(values["connection_id"]), str(values["action"]),
                                    now), None
    if effect.action == "report":
        return peer_service.report(connection, content, person,
                                   int(values["connection_id"]), now), None
    if effect.action == "volunteer_code":
        role = peer_service.invite_role(connection, str(values["code"]), now)
        if role is None:
            return [ctx.say("peers.volunteer.bad_code")], None
        turn = call.conversations["volunteer"].start(ctx, call.profile, role=role,
                                                     code=values["code"])
        return turn.say, turn.state
    if effect.action == "become_volunteer":
        role = peer_service.claim_invite(connection, str(values["code"]), person, now)
        if role is None:
            return [ctx.say("peers.volunteer.bad_code")], None
        peer_service.become_volunteer(connection, person, role, dict(values["details"]),
                                      now)
        call.profile = call.profile.changed(role=role)
        peer_service.offer_waiting(connection, content, now)
        return [Outbound(str(values["done"]))] if values.get("done") else [], None
    if effect.action == "volunteer_pause":
        paused = bool(values["paused"])
        if not peer_service.set_volunteer_paused(connection, person, paused, now):
            return [ctx.say("peers.volunteer.not_a_volunteer")], None
        # Resuming frees them for someone waiting; pausing hands back an offer.
        peer_service.offer_waiting(connection, content, now)
        return [ctx.say("peers.volunteer.paused" if paused else "peers.volunteer.resumed")], \
            None
    if effect.action == "moderate":
        if not peer_service.is_moderator(connection, person):
            return [ctx.say("peers.moderation.not_moderator")], None
        case = int(values.get("case") or 0)
        if not case:
            return peer_service.open_cases(connection, ctx.content, actor=person,
                                           now=now), None
        if not values.get("action"):
            return peer_service.show_case(connection, ctx.content, case, actor=person,
                                          now=now), None
        return peer_service.act_on_case(connection, content, person, case,
                                        str(values["action"]), str(values.get("note", "")),
                                        now), None
    raise ValueError(f"unknown peer action {effect.action!r}")
