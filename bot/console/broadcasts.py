"""Broadcasts in the console (coordinators only): one message from the Move Mates team to
many people (`bot.broadcasts` holds every rule).

- `/broadcasts`: the history, newest first, with what became of each one's copies.
- `/broadcasts/new`: write one (the words, districts, interests, channel, now or later);
  POSTed to, it shows the form again with what was sent (the preview's "change" button).
- `/broadcasts/preview`: the words as Telegram and SMS carry them, the texts' characters
  and segments (GSM-7 or UCS-2), how many people get it by each channel, and the
  estimated cost; then "are you sure?" naming the count and the cost.
- `POST /broadcasts`: checks everything again; if the numbers moved since the preview it
  shows the preview again (409) rather than send something the coordinator did not see.
  Kept (and audited), then, when due now, queued at once (`bot.broadcasts.send`, the
  job's own code); else the job queues it at its time.
- `/broadcasts/{id}`: one broadcast; `/broadcasts/{id}/cancel` stops a scheduled one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.broadcasts import message, send, store
from bot.broadcasts.audience import Audience, recipients
from bot.broadcasts.models import Broadcast
from bot.console import broadcast_form
from bot.console.broadcast_form import Read, Values
from bot.console.shared import Console, redirect, signed_in
from bot.staff.help import MAX_REPLY
from bot.staff.sessions import Session

DONE = ("sent", "scheduled", "duplicate", "cancelled", "already_sent", "already_cancelled")
# The same words to the same people by the same coordinator this soon after: a second
# press of the button, not a second broadcast.
SAME_AGAIN_WITHIN = timedelta(minutes=10)
_E = "console_broadcasts.errors."


def _broadcast_id(request: Request) -> int | None:
    raw = request.path_params.get("broadcast", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def _same_again(connection: Connection, staff_id: int, text: str, audience: Audience,
                now: datetime) -> int | None:
    """A broadcast this coordinator confirmed moments ago with these words and audience."""
    for broadcast_id, audience_json in connection.execute(
            select(Broadcast.id, Broadcast.audience).where(
                Broadcast.created_by == staff_id, Broadcast.text == text,
                Broadcast.created_at >= now - SAME_AGAIN_WITHIN)):
        if Audience.from_json(audience_json) == audience:
            return int(broadcast_id)
    return None


def routes(console: Console) -> list[Route]:
    pages = console.pages
    words = pages.content
    interests = tuple(key for key in words.keys_under("options.activities")
                      if words.has(f"options.activities.{key}.label"))

    def compose(session: Session, values: Values, status_code: int = 200,
                errors: dict[str, str] | None = None) -> Response:
        return pages.render(
            "broadcast_new.html", status_code, session=session, csrf=session.csrf_token,
            current="broadcasts", values=values, errors=errors or {},
            interests=[(i, f"options.activities.{i}.label") for i in interests],
            max_text=MAX_REPLY)

    async def checked(read: Read) -> tuple[message.Draft, message.Estimate, dict[str, str]]:
        """The words rendered, the numbers for now, and anything wrong (field -> key)."""
        draft = message.draft(words, read.values.text, console.pricing)
        now = console.clock.now()
        selection = await console.run(lambda c: recipients(c, read.audience, now))
        estimate = message.estimate(draft, selection.by_channel.get("telegram", 0),
                                    selection.by_channel.get("sms", 0), selection.left_out,
                                    console.pricing)
        errors = dict(read.errors)
        if draft.problem is not None:
            errors["text"] = _E + draft.problem
        elif not read.errors and estimate.recipients == 0:
            errors["districts"] = _E + "nobody"
        return draft, estimate, errors

    def preview_page(session: Session, read: Read, draft: message.Draft,
                     estimate: message.Estimate, status_code: int = 200,
                     changed: bool = False) -> Response:
        return pages.render(
            "broadcast_preview.html", status_code, session=session, csrf=session.csrf_token,
            current="broadcasts", values=read.values, draft=draft, estimate=estimate,
            due=read.due, changed=changed,
            audience=describe(read.audience))

    def describe(audience: Audience) -> list[str]:
        """The audience in words, one line per part."""
        lines = []
        if audience.districts:
            lines.append(words.text("console_broadcasts.audience.districts",
                                    district=", ".join(audience.districts)))
        if audience.interests:
            lines.append(words.text("console_broadcasts.audience.interests", answer=", ".join(
                words.text(f"options.activities.{i}.label") for i in audience.interests)))
        if not lines:
            lines.append(words.text("console_broadcasts.audience.everyone"))
        lines.append(words.text(f"console_broadcasts.channel.{audience.channel}"))
        return lines

    @signed_in(console, coordinator=True)
    async def history(request: Request, session: Session) -> Response:
        now = console.clock.now()
        found = await console.run(lambda c: store.history(c, now))
        done = request.query_params.get("done")
        return pages.render("broadcasts.html", session=session, csrf=session.csrf_token,
                            current="broadcasts", broadcasts=found, describe=describe,
                            banner=done if done in DONE else None)

    @signed_in(console, coordinator=True)
    async def new(request: Request, session: Session) -> Response:
        if request.method == "POST":  # "change": the form again, as it was
            return compose(session, broadcast_form.values_of(await console.form(request)))
        return compose(session, Values())

    @signed_in(console, coordinator=True)
    async def preview(request: Request, session: Session) -> Response:
        read = broadcast_form.read(await console.form(request), interests,
                                   console.clock.now())
        draft, estimate, errors = await checked(read)
        if errors:
            return compose(session, read.values, 400, errors)
        return preview_page(session, read, draft, estimate)

    @signed_in(console, coordinator=True)
    async def start_again(request: Request, session: Session) -> Response:
        """The preview's address opened on its own (a bookmark, a reload): the form."""
        return redirect("/broadcasts/new")

    @signed_in(console, coordinator=True)
    async def confirm(request: Request, session: Session) -> Response:
        form = await console.form(request)
        read = broadcast_form.read(form, interests, console.clock.now())
        draft, estimate, errors = await checked(read)
        if errors:
            return compose(session, read.values, 400, errors)
        if (str(form.get("expected_recipients", "")) != str(estimate.recipients)
                or str(form.get("expected_cost", "")) != f"{estimate.cost:.2f}"):
            return preview_page(session, read, draft, estimate, 409, changed=True)
        now = console.clock.now()
        account = session.account

        def keep(connection: Connection) -> tuple[int, bool]:
            earlier = _same_again(connection, account.id, draft.text, read.audience, now)
            if earlier is not None:
                return earlier, False
            return store.create(connection, text=draft.text, audience=read.audience,
                                scheduled_at=read.due or now, estimate=estimate,
                                staff_id=account.id, staff_name=account.display_name,
                                now=now), True

        broadcast_id, new = await console.run(keep)
        if not new:
            return redirect(f"/broadcasts/{broadcast_id}?done=duplicate")
        if read.due is not None:
            return redirect(f"/broadcasts/{broadcast_id}?done=scheduled")
        # Due now: queued at once by the job's own code (if this fails, the job does it).
        await console.run(lambda c: send.send_one(c, console.content, broadcast_id,
                                                  console.clock.now()))
        console.queued()
        return redirect(f"/broadcasts/{broadcast_id}?done=sent")

    @signed_in(console, coordinator=True)
    async def show(request: Request, session: Session) -> Response:
        broadcast_id = _broadcast_id(request)
        if broadcast_id is None:
            return console.not_found(session)
        now = console.clock.now()
        found = await console.run(lambda c: store.get(c, broadcast_id, now))
        if found is None:
            return console.not_found(session)
        done = request.query_params.get("done")
        return pages.render("broadcast.html", session=session, csrf=session.csrf_token,
                            current="broadcasts", broadcast=found,
                            audience=describe(found.audience),
                            banner=done if done in DONE else None,
                            good=done in ("sent", "scheduled", "cancelled"))

    @signed_in(console, coordinator=True)
    async def cancel(request: Request, session: Session) -> Response:
        broadcast_id = _broadcast_id(request)
        if broadcast_id is None:
            return console.not_found(session)
        account = session.account
        now = console.clock.now()
        outcome = await console.run(lambda c: store.cancel(
            c, broadcast_id, account.id, account.display_name, now))
        if outcome == "no_broadcast":
            return console.not_found(session)
        return redirect(f"/broadcasts/{broadcast_id}?done={outcome}")

    return [Route("/broadcasts", history, methods=["GET"]),
            Route("/broadcasts", confirm, methods=["POST"]),
            Route("/broadcasts/new", new, methods=["GET", "POST"]),
            Route("/broadcasts/preview", preview, methods=["POST"]),
            Route("/broadcasts/preview", start_again, methods=["GET"]),
            Route("/broadcasts/{broadcast}", show, methods=["GET"]),
            Route("/broadcasts/{broadcast}/cancel", cancel, methods=["POST"])]
