"""Peer support in storage: invites, volunteers, pairing, consent, the relay, reports and
moderation. Plain synchronous SQL on the engine's transaction (see `Database.run`), so
everything one message causes, for both people, commits together or not at all.

This module is the feature's public face: what the engine, the channels, the jobs and the
tools call. The work is in one module per job: `volunteers`, `whereabouts` (who is where),
`pairing`, `relay`, `moderation`, and `chats` (shared parts).
"""

from __future__ import annotations

from bot.peers.chats import (  # noqa: F401
    CONSENT_WAIT,
    HISTORY_IN_CASE,
    INVITE_DAYS,
    LEFT_KIND,
    MODERATION_HOURS,
    OFFER_ANSWER_WAIT,
    OPEN_CHAT,
    RELAY_MAX_CHARS,
    RELAY_PER_DAY,
    REPORT_ENDED_DAYS,
    VOLUNTEER_ROLES,
    audit,
    notify,
    preferred_address,
    set_sms_unicode,
)
from bot.peers.moderation import (  # noqa: F401
    act_on_case,
    is_moderator,
    open_cases,
    show_case,
)
from bot.peers.pairing import (  # noqa: F401
    SupporterMatch,
    answer_offer,
    best_supporter,
    consent,
    lapse_unanswered,
    offer_next,
    offer_or_tell,
    offer_waiting,
    request_buddy,
)
from bot.peers.relay import (  # noqa: F401
    alert_moderators,
    control,
    leaving,
    relay,
    relayable,
    report,
)
from bot.peers.volunteers import (  # noqa: F401
    become_volunteer,
    claim_invite,
    create_invite,
    invite_role,
    set_volunteer_paused,
)
from bot.peers.whereabouts import (  # noqa: F401
    about_supporter,
    alias_of,
    asked_since,
    chat_labels,
    chatting,
    context_for,
    label_for,
    open_chats,
    shown_name,
    summary_of_request,
)
