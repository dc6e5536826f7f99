"""Broadcasts in the console (coordinators only): one message from the Move Mates team to
many people (`bot.broadcasts` holds every rule).

- `/broadcasts`: the history, newest first, with what became of each one's copies.
- `/broadcasts/new`: write one (the words, districts, interests, channel, now or later);
  `?draft=` fills it with a draft being checked (the preview's "change" link).
- `POST /broadcasts/preview` checks the form and keeps it as a draft for this session
  (`shared.Kept`), then redirects to `GET /broadcasts/preview?draft=` (Post/Redirect/Get:
  a reload or Back posts nothing): the words as Telegram and SMS carry them, the texts'
  characters and segments (GSM-7 or UCS-2), how many people get it by each channel, the
  estimated cost, and what the safety and contact screens found (`broadcast_form.screen`:
  a person's phone number or email refused, anything else a warning that needs a tick);
  then "are you sure?" naming the count and the cost.
- `POST /broadcasts`: sends the draft its preview kept (the form's `draft` handle), never
  the form's hidden copy of the words: with no live draft (none, or closed since) it is a
  400, and with words or settings other than the draft's a 409, each asking for a new
  check. It checks everything again; if the numbers moved since the preview it shows the
  preview again (409) rather than send something the coordinator did not see.
  Kept (and audited, with any warning confirmed), then, when due now, queued at once
  (`bot.broadcasts.send`, the job's own code); else the job queues it at its time. The
  same words to the same people again within minutes are one broadcast, not two.
- `/broadcasts/{id}`: one broadcast; `/broadcasts/{id}/cancel` stops a scheduled one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import anyio
from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.broadcasts import message, send, store
from bot.broadcasts.audience import TELEGRAM, Audience, recipients
from bot.broadcasts.models import Broadcast
from bot.console import broadcast_form
from bot.console.broadcast_form import Read, Screened, Values
from bot.console.shared import Console, redirect, signed_in
from bot.core.gsm7 import keeps_words
from bot.staff import audit
from bot.staff.help import MAX_REPLY
from bot.staff.sessions import Session

DONE = ("sent", "scheduled", "duplicate", "cancelled", "already_sent", "already_cancelled")
# The same words to the same people by the same coordinator this soon after: a second
# press of the button, not a second broadcast.
SAME_AGAIN_WITHIN = timedelta(minutes=10)
_E = "console_broadcasts.errors."
Checked = tuple[message.Draft, message.Estimate, Screened, dict[str, str]]


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


def _as_previewed(previewed: Values, posted: Values) -> bool:
    """Whether the form posted is the draft its preview showed. Line ends are compared
    as lines: a browser sends a hidden field's new lines as CRLF."""
    def lines(values: Values) -> Values:
        return replace(values, text="\n".join(values.text.splitlines()))
    return lines(previewed) == lines(posted)


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

    async def checked(read: Read, session: Session) -> Checked:
        """The words rendered and screened, the numbers for now, and anything wrong
        (field -> key); a refusal by the screen is audited."""
        draft = message.draft(words, read.values.text, console.pricing)
        screened = await anyio.to_thread.run_sync(broadcast_form.screen, words, draft.text) \
            if draft.text else Screened()
        now = console.clock.now()
        selection = await console.run(lambda c: recipients(c, read.audience, now))
        estimate = message.estimate(draft, selection.by_channel.get("telegram", 0),
                                    selection.by_channel.get("sms", 0), selection.left_out,
                                    console.pricing)
        errors = dict(read.errors)
        if draft.problem is not None:
            errors["text"] = _E + draft.problem
        elif read.audience.channel != TELEGRAM and not keeps_words(
                draft.text, allow_unicode=console.pricing.allow_unicode):
            # By SMS only "Move Mates team:" would arrive: refused, never just a warning.
            errors["text"] = _E + "nothing_left"
        elif screened.refused:
            errors["text"] = _E + "contact"
            await console.run(lambda c: audit.record(
                c, now, session.account.id, "broadcast_refused", detail=screened.detail))
        elif not read.errors and estimate.recipients == 0:
            errors["districts"] = _E + "nobody"
        return draft, estimate, screened, errors

    def preview_page(session: Session, read: Read, found: Checked, draft_handle: str,
                     status_code: int = 200, changed: bool = False,
                     errors: dict[str, str] | None = None) -> Response:
        draft, estimate, screened, _errors = found
        return pages.render(
            "broadcast_preview.html", status_code, session=session, csrf=session.csrf_token,
            current="broadcasts", values=read.values, draft=draft, estimate=estimate,
            due=read.due, changed=changed, screened=screened, draft_handle=draft_handle,
            errors=errors or {}, audience=describe(read.audience))

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
        kept = await console.kept.read(session, request.query_params.get("draft"), Values)
        return compose(session, kept or Values())  # a draft: the preview's "change" link

    @signed_in(console, coordinator=True)
    async def preview(request: Request, session: Session) -> Response:
        """The form checked, kept, and on to its preview (a GET: reloading posts nothing)."""
        read = broadcast_form.read(await console.form(request), interests,
                                   console.clock.now())
        *_, errors = await checked(read, session)
        if errors:
            return compose(session, read.values, 400, errors)
        handle = await console.kept.keep(session, read.values)
        return redirect(f"/broadcasts/preview?draft={handle}")

    @signed_in(console, coordinator=True)
    async def show_preview(request: Request, session: Session) -> Response:
        """A kept draft, checked again now; without one (a bookmark, a draft 30 minutes
        old), the form."""
        handle = request.query_params.get("draft", "")
        values = await console.kept.read(session, handle, Values)
        if values is None:
            return redirect("/broadcasts/new")
        read = broadcast_form.check(values, interests, console.clock.now())
        found = await checked(read, session)
        if found[-1]:  # wrong now (its time has passed, nobody left to get it)
            return compose(session, values, 400, found[-1])
        return preview_page(session, read, found, handle)

    @signed_in(console, coordinator=True)
    async def confirm(request: Request, session: Session) -> Response:
        form = await console.form(request)
        posted = broadcast_form.values_of(form)
        handle = str(form.get("draft", ""))[:64]
        # Only what a preview showed may go: the values its draft keeps on the server for
        # this session, never the form's hidden copy (anyone can change a hidden field).
        previewed = await console.kept.read(session, handle, Values) if handle else None
        matches = previewed is not None and _as_previewed(previewed, posted)
        read = broadcast_form.check(previewed if matches and previewed is not None else posted,
                                    interests, console.clock.now())
        found = await checked(read, session)
        draft, estimate, screened, errors = found
        if errors:
            return compose(session, read.values, 400, errors)
        if not matches:  # no preview (or one closed since), or not the words it showed
            problem, status = (("not_previewed", 400) if previewed is None
                               else ("not_as_previewed", 409))
            return compose(session, posted, status, {"text": _E + problem})
        changed = (str(form.get("expected_recipients", "")) != str(estimate.recipients)
                   or str(form.get("expected_cost", "")) != f"{estimate.cost:.2f}")
        unconfirmed = bool(screened.warnings) and form.get("screened") != "yes"
        if changed or unconfirmed:  # the preview again, fresh, from the same draft
            if unconfirmed:
                return preview_page(session, read, found, handle, 400, changed,
                                    errors={"screened": _E + "screened"})
            return preview_page(session, read, found, handle, 409, changed=True)
        now = console.clock.now()
        account = session.account

        def keep(connection: Connection) -> tuple[int, bool]:
            earlier = _same_again(connection, account.id, draft.text, read.audience, now)
            if earlier is not None:
                return earlier, False
            broadcast_id = store.create(
                connection, text=draft.text, audience=read.audience,
                scheduled_at=read.due or now, estimate=estimate, staff_id=account.id,
                staff_name=account.display_name, now=now)
            if screened.warnings:  # sent knowing what the screen found: who, and what
                audit.record(connection, now, account.id, "broadcast_screen_confirmed",
                             target=f"broadcast:{broadcast_id}", detail=screened.detail)
            return broadcast_id, True

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
            Route("/broadcasts/new", new, methods=["GET"]),
            Route("/broadcasts/preview", preview, methods=["POST"]),
            Route("/broadcasts/preview", show_preview, methods=["GET"]),
            Route("/broadcasts/{broadcast}", show, methods=["GET"]),
            Route("/broadcasts/{broadcast}/cancel", cancel, methods=["POST"])]
