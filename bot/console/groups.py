"""Telegram groups in the console: each group's rules and settings, members' strikes, and
the posts held back for a helper (`bot.peers.group_desk`). Opening a held post shows its
words and is in the audit log; sharing or removing it is the group helpers' own rule
(`bot.peers.group_posts.settle_held`): the post goes up from the bot, or stays out, and
the member is told, through the outbox. The first decision wins, here or on Telegram.

The console cannot ask Telegram for the member's first name as the helpers' button does,
so a post shared from here goes up under the words the helpers' path uses when Telegram
cannot tell it ("A member shared this").
"""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.cases import staff_of
from bot.console.shared import Console, Handler, redirect, signed_in
from bot.peers import group_desk, group_posts
from bot.staff import audit
from bot.staff.sessions import Session

DECISIONS = {"approve": "approved", "delete": "removed"}
OUTCOMES = ("approved", "removed", "already")


def _held_id(request: Request) -> int | None:
    raw = request.path_params.get("held", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def routes(console: Console) -> list[Route]:
    pages = console.pages
    words = console.content.for_language(None)  # groups are spoken to in English

    @signed_in(console)
    async def listing(request: Request, session: Session) -> Response:
        staff, now = staff_of(session), console.clock.now()

        def load(connection: Connection) -> list[group_desk.GroupView]:
            found = group_desk.groups(connection, words)
            # Members' names and strikes are about people: the look is in the log.
            audit.record(connection, now, staff.id, "groups_listed", detail=str(len(found)))
            return found

        done = request.query_params.get("done")
        return pages.render("groups.html", session=session, csrf=session.csrf_token,
                            current="groups", groups=await console.run(load),
                            banner=done if done in OUTCOMES else None)

    @signed_in(console)
    async def held_page(request: Request, session: Session) -> Response:
        held_id = _held_id(request)
        if held_id is None:
            return console.not_found(session)
        staff, now = staff_of(session), console.clock.now()
        held = await console.run(lambda c: group_desk.held_post(c, words, held_id, staff, now))
        if held is None:
            return console.not_found(session)
        return pages.render("group_held.html", session=session, csrf=session.csrf_token,
                            current="groups", held=held)

    def deciding(decision: str) -> Handler:
        status = DECISIONS[decision]

        @signed_in(console)
        async def decide(request: Request, session: Session) -> Response:
            held_id = _held_id(request)
            if held_id is None:
                return console.not_found(session)
            staff, now = staff_of(session), console.clock.now()

            def work(connection: Connection) -> str | None:
                if group_posts.get_held(connection, held_id) is None:
                    return None
                done = group_posts.settle_held(
                    connection, words, held_id, status, now,
                    name=words.text("groups.held.someone"), key=f"decided:{held_id}",
                    staff=staff)
                return status if done else "already"

            outcome = await console.run(work)
            if outcome is None:
                return console.not_found(session)
            console.queued()
            return redirect(f"/groups?done={outcome}")

        return decide

    return [Route("/groups", listing, methods=["GET"]),
            Route("/groups/held/{held}", held_page, methods=["GET"]),
            *[Route(f"/groups/held/{{held}}/{name}", deciding(name), methods=["POST"])
              for name in DECISIONS]]
