"""A local Telegram Bot API for the group moderation tests.

The telegram-test-api emulator answers `true` to methods it does not know, so PTB cannot
parse a createChatInviteLink or getChatMember result from it, and it has no group admin
model. This stub answers the calls the group features make with results shaped like
Telegram's (so the real PTB `Bot` parses them) and records every call in order:

    getMe, sendMessage, editMessageText, editMessageReplyMarkup, answerCallbackQuery,
    deleteMessage, restrictChatMember, banChatMember, unbanChatMember,
    createChatInviteLink, getChatMember (and setMyCommands and the like: true).

`fail_next(method)` makes the next call of a method fail as Telegram does when the bot
lacks a right or the target is an admin.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn
from sqlalchemy import Connection, insert, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram import Update

from bot.app import Services, build
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.groups.moderation import GroupModeration
from bot.storage.db import Database
from bot.storage.models import Identity, Person, Volunteer
from support.net import free_port

JSON = dict[str, Any]


@dataclass(frozen=True)
class Call:
    method: str
    params: JSON


@dataclass
class GroupApi:
    bot_id: int = 424242
    username: str = "MoveMatesTestBot"
    # user id -> first name, for getChatMember
    names: dict[int, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    messages: list[JSON] = field(default_factory=list)  # every sendMessage result, in order
    failures: dict[str, deque[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(deque))
    port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))
    _links: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, method: str, status: int = 400,
                  description: str = "Bad Request: not enough rights") -> None:
        self.failures[method].append((status, description))

    # -- what the bot did -----------------------------------------------------------------
    def called(self, method: str) -> list[JSON]:
        return [call.params for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        """Calls other than sending, editing and answering: the moderation ones."""
        quiet = {"getMe", "sendMessage", "editMessageText", "editMessageReplyMarkup",
                 "answerCallbackQuery", "setMyCommands"}
        return [call.method for call in self.calls if call.method not in quiet]

    def sent_to(self, chat_id: int) -> list[JSON]:
        return [p for p in self.called("sendMessage") if int(p["chat_id"]) == chat_id]

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(p["text"]) for p in self.sent_to(chat_id)]

    def last_to(self, chat_id: int) -> JSON:
        """The last message sent to a chat, as Telegram returned it (with its id)."""
        return [m for m in self.messages if m["chat"]["id"] == chat_id][-1]

    def forget(self) -> None:
        self.calls.clear()

    def reset(self) -> None:
        """As new, for the next test (the server keeps running)."""
        self.calls.clear()
        self.messages.clear()
        self.failures.clear()
        self.names.clear()
        self._links = itertools.count(1)

    # -- the API --------------------------------------------------------------------------
    def _bot_user(self) -> JSON:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Move Mates",
                "username": self.username, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def _call(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = _params(dict(await request.form()))
        self.calls.append(Call(method, params))
        if self.failures[method]:
            status, description = self.failures[method].popleft()
            return JSONResponse({"ok": False, "error_code": status, "description": description},
                                status_code=status)
        if method == "getMe":
            return _ok(self._bot_user())
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            message = self._message(method, params)
            if method == "sendMessage":
                self.messages.append(message)
            return _ok(message)
        if method == "createChatInviteLink":
            return _ok({"invite_link": f"https://t.me/+MoveMatesLink{next(self._links):04d}",
                        "creator": self._bot_user(), "creates_join_request": False,
                        "is_primary": False, "is_revoked": False,
                        **{k: int(params[k]) for k in ("member_limit", "expire_date")
                           if k in params},
                        **({"name": params["name"]} if "name" in params else {})})
        if method == "getChatMember":
            user_id = int(params["user_id"])
            return _ok({"status": "member", "user": {
                "id": user_id, "is_bot": False, "first_name": self.names.get(user_id, "Sam")}})
        if method == "getUpdates":
            await asyncio.sleep(0.05)
            return _ok([])
        return _ok(True)

    def _message(self, method: str, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"]) if "message_id" in params else next(self._ids)
        chat = {"id": chat_id, "type": "private", "first_name": "Someone"} if chat_id > 0 \
            else {"id": chat_id, "type": "supergroup", "title": "A group"}
        message: JSON = {"message_id": message_id, "date": int(time.time()), "chat": chat,
                         "from": self._bot_user()}
        if "text" in params:
            message["text"] = str(params["text"])
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram returns inline keyboards only
        if method != "sendMessage":
            message["edit_date"] = int(time.time())
        return message

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/bot{token}/{method}", self._call, methods=["POST"])])


def _params(form: dict[str, Any]) -> JSON:
    """PTB posts a form whose object values are JSON; plain strings stay as they are."""
    decoded: JSON = {}
    for name, value in form.items():
        if isinstance(value, str) and value.startswith(("{", "[")):
            try:
                decoded[name] = json.loads(value)
                continue
            except ValueError:
                pass
        decoded[name] = value
    return decoded


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


_shared: GroupApi | None = None


def shared_api() -> GroupApi:
    """One stub for the whole test run, served from a thread of its own: starting and
    stopping a server per test would cost more than most of the tests."""
    global _shared
    if _shared is None:
        api = GroupApi(port=free_port())
        config = uvicorn.Config(api.app(), host="127.0.0.1", port=api.port,
                                log_level="warning", lifespan="off", access_log=False)
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, name="group-api-stub", daemon=True).start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the group API stub did not start")
            time.sleep(0.01)
        atexit.register(lambda: setattr(server, "should_exit", True))
        _shared = api
    _shared.reset()
    return _shared


# -- updates, as the Bot API delivers them ---------------------------------------------------
DATE = 1772442000  # 2026-03-02 09:00 UTC
ADMIN_RIGHTS = {name: True for name in (
    "can_be_edited", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
    "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
    "can_post_stories", "can_edit_stories", "can_delete_stories", "can_pin_messages")}


def person(user_id: int, first_name: str) -> JSON:
    return {"id": user_id, "is_bot": False, "first_name": first_name}


class Updates:
    """Updates for one group and the private chats around it. Message ids count up."""

    def __init__(self, chat_id: int, title: str, bot: JSON) -> None:
        self.chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.bot = bot
        self._message_ids = itertools.count(100)

    def said(self, sender: JSON, text: str, *, reply_to: JSON | None = None,
             entities: list[JSON] | None = None, edited: bool = False) -> JSON:
        """A message in the group; `reply_to` is an earlier said(...)."""
        message: JSON = {"message_id": next(self._message_ids), "date": DATE, "chat": self.chat,
                         "from": sender, "text": text}
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = _message_of(reply_to)
        if edited:
            message["edit_date"] = DATE + 60
        return {"edited_message" if edited else "message": message}

    def promoted(self, by: JSON, status: str = "administrator") -> JSON:
        """The bot made an admin (or a plain member, or removed) by `by`."""
        new = {"status": status, "user": self.bot}
        if status == "administrator":
            new.update(ADMIN_RIGHTS, is_anonymous=False)
        return {"my_chat_member": {"chat": self.chat, "from": by, "date": DATE,
                                   "old_chat_member": {"status": "left", "user": self.bot},
                                   "new_chat_member": new}}

    def joined(self, user: JSON, *, link: str | None = None, left: bool = False) -> JSON:
        """A chat_member update: someone joined (through `link`), or left."""
        statuses = ("member", "left") if left else ("left", "member")
        update: JSON = {"chat": self.chat, "from": user, "date": DATE,
                        "old_chat_member": {"status": statuses[0], "user": user},
                        "new_chat_member": {"status": statuses[1], "user": user}}
        if link is not None:
            update["invite_link"] = {"invite_link": link, "creator": self.bot,
                                     "creates_join_request": False, "is_primary": False,
                                     "is_revoked": False, "member_limit": 1}
        return {"chat_member": update}

    def joined_message(self, *users: JSON) -> JSON:
        """The service message Telegram may also post for the same join."""
        return {"message": {"message_id": next(self._message_ids), "date": DATE,
                            "chat": self.chat, "from": users[0],
                            "new_chat_members": list(users)}}

    @staticmethod
    def private(sender: JSON, text: str) -> JSON:
        chat = {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
        message: JSON = {"message_id": 1, "date": DATE, "chat": chat, "from": sender,
                         "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        return {"message": message}

    @staticmethod
    def pressed(sender: JSON, message: JSON, label: str) -> JSON:
        """Pressing the button labelled `label` on a message the bot sent."""
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        [button] = [b for b in buttons if b["text"] == label]
        return {"callback_query": {"id": f"q{message['message_id']}{sender['id']}",
                                   "from": sender, "chat_instance": "ci", "message": message,
                                   "data": button["callback_data"]}}


def _message_of(update: JSON) -> JSON:
    return update.get("message") or update["edited_message"]


# -- the bot, wired as serve.py wires it, against this stub -----------------------------------
TOKEN = "123456:GROUPS-TEST"
GROUP = -1001234567890
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class GroupBot:
    services: Services
    channel: TelegramChannel
    groups: GroupModeration
    api: GroupApi
    clock: FakeClock
    updates: Updates
    person_ids: dict[int, int] = field(default_factory=dict)  # Telegram id -> person id
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def feed(self, update: JSON, *, update_id: int | None = None,
                   send: bool = True) -> int:
        """Hand one update to the Telegram channel, then send whatever was queued."""
        number = next(self._update_ids) if update_id is None else update_id
        bot = self.channel.application.bot
        await self.channel.handle(Update.de_json({"update_id": number, **update}, bot))
        if send:
            await self.services.dispatcher.drain()
        return number

    async def add_person(self, telegram_id: int, role: str | None = None, *,
                         opted_out: bool = False, suspended: bool = False) -> int:
        self.person_ids[telegram_id] = await add_person(
            self.services.db, self.clock.now(), telegram_id, role, opted_out=opted_out,
            suspended=suspended)
        return self.person_ids[telegram_id]

    async def rows(self, model: type[Any], *where: Any) -> list[Any]:
        async with self.services.db.transaction() as session:
            return list((await session.execute(select(model).where(*where))).scalars())


async def add_person(db: Database, now: datetime, telegram_id: int, role: str | None = None,
                     *, opted_out: bool = False, suspended: bool = False) -> int:
    """Someone who has talked to the bot privately, optionally a volunteer."""

    def work(connection: Connection) -> int:
        person_id = int(connection.execute(insert(Person).values(
            created_at=now, updated_at=now, answers={}, flow_data={}, state_version=1,
        ).returning(Person.id)).scalar_one())
        connection.execute(insert(Identity).values(
            person_id=person_id, channel="telegram", address=str(telegram_id),
            created_at=now, opted_out_at=now if opted_out else None))
        if role is not None:
            connection.execute(insert(Volunteer).values(
                person_id=person_id, role=role, availability={}, activities={},
                created_at=now, suspended_at=now if suspended else None))
        return person_id

    return await db.run(work)


@asynccontextmanager
async def group_bot(settings: Settings, *, title: str = "Loughborough Walkers",
                    chat_id: int = GROUP) -> AsyncIterator[GroupBot]:
    api = shared_api()
    settings = settings.model_copy(update={"telegram_bot_token": TOKEN,
                                           "telegram_api_base_url": api.base_url})
    clock = FakeClock(START)
    services = build(settings, clock=clock, paced=False)
    channel = TelegramChannel(settings, services.engine, services.content)
    services.dispatcher.senders["telegram"] = channel.sender
    groups = GroupModeration(services.db, clock, services.content, channel.application.bot)
    channel.groups = groups
    await channel.application.initialize()
    bot_user = {"id": api.bot_id, "is_bot": True, "first_name": "Move Mates",
                "username": api.username}
    try:
        yield GroupBot(services, channel, groups, api, clock,
                       Updates(chat_id, title, bot_user))
    finally:
        await channel.application.shutdown()
        await services.close()
