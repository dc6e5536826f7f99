"""Telling staff who use only the console about new safety alerts. The duty team hears by
text or Telegram (`bot.safety.alerts`); someone with the inbox open hears from the inbox:

- the count of new alerts (raised, nobody has picked them up) in the inbox's page title,
  "(2) Inbox - Move Mates staff", so a tab in the background shows it, and beside its
  heading ("2 new alerts");
- `GET /staff/inbox/live`: the inbox's list of alerts needing someone, alone, for its
  script (web/src/inbox.js) to fetch every 30 seconds and put in place, with a sentence
  for each new alert that it says in a polite live region. Looking does not count as a
  request, so an inbox left open still signs out after 30 idle minutes; once it has, the
  answer is 401 with a sentence saying so.

No JavaScript, no change: the inbox shows the same list and count when loaded. No email:
the service sends none today.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.shared import Console
from bot.core.content import Content
from bot.safety import alerts
from bot.staff import sessions

LIVE = "/inbox/live"


@dataclass(frozen=True)
class NewAlerts:
    """What the inbox says about its new alerts (`count` of them)."""

    count: int
    label: str  # the inbox's title: "(2) Inbox", or "Inbox"
    page_title: str  # "(2) Inbox - Move Mates staff"
    words: str  # "2 new alerts", or "" with none
    announcements: tuple[tuple[int, str], ...]  # (alert id, "New safety alert 12: crisis.")


def summary(content: Content, waiting: Sequence[Mapping[str, Any]]) -> NewAlerts:
    """From the inbox's alerts needing someone (`alerts.inbox`): the new ones, oldest
    first."""
    new = [row for row in waiting if row["status"] == "open"]
    inbox = content.text("console.inbox.title")
    label = content.text("console_new_alerts.title", count=len(new), label=inbox) \
        if new else inbox
    words = "" if not new else content.text("console_new_alerts.one") if len(new) == 1 \
        else content.text("console_new_alerts.many", count=len(new))
    return NewAlerts(len(new), label, content.text("console.page_title", label=label), words,
                     tuple((int(row["id"]), content.text(
                         "console_new_alerts.announce", alert=row["id"],
                         about=_kind(content, str(row["topic"])))) for row in new))


def _kind(content: Content, topic: str) -> str:
    # As the inbox's table names it (alert_parts.html, `kind`).
    key = f"safety.alerts.kind.{topic}"
    return content.text(key if content.has(key) else "safety.alerts.kind.red_flag")


def routes(console: Console) -> list[Route]:
    pages = console.pages
    pages.env.globals["new_alerts"] = lambda waiting: summary(pages.content, waiting)

    async def live(request: Request) -> Response:
        token = request.cookies.get(console.cookies.session)
        now = console.clock.now()

        def load(connection: Connection) -> tuple[sessions.Seen, list[dict[str, Any]] | None]:
            # Looking is not a request (touch=False), and only reads: no write lock.
            seen = sessions.look(connection, token, now, touch=False, keep_turned_off=True)
            if not isinstance(seen.found, sessions.Session) or not seen.found.signed_in:
                return seen, None
            waiting, _closed = alerts.inbox(connection, closed_shown=0)
            return seen, waiting

        seen, waiting = await console.read(load)
        if waiting is None:  # an ended session's row goes after the answer
            return console.settle_after(pages.render("new_alerts_signed_out.html", 401), seen)
        return pages.render("new_alerts_live.html", waiting=waiting)

    return [Route(LIVE, live, methods=["GET"])]
