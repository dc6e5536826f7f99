"""Outbox priorities, one definition: the dispatcher sends lower numbers first, so someone
waiting for a reply is never stuck behind a wave of planned messages."""

from __future__ import annotations

PRIORITY_REPLY = 0  # an answer to what someone just sent, a relay, a safety reply
PRIORITY_NOTICE = 1  # a notice about a group or an alert: soon, but after replies
PRIORITY_SCHEDULED = 5  # planned check-ins and ideas, sent in their own time window
PRIORITY_BROADCAST = 8  # a message from the team to many: after everything else
