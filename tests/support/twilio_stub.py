"""A local Twilio REST API for the Messages resource, checking every request against
Twilio's published OpenAPI description (../shared/twilio/twilio_api_v2010.json), the way a
validating mock would: a request that breaks the description gets 422 with the reasons."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core.gsm7 import measure
from support.net import free_port

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "twilio" / "twilio_api_v2010.json"
MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
SERVICE_SID = "MG" + "a" * 32


class OpenApiCheck:
    """Checks form-encoded requests against one operation of the OpenAPI description."""

    def __init__(self, spec: dict[str, Any], path: str, method: str) -> None:
        self.spec = spec
        self.operation = spec["paths"][path][method]
        self.path_params = {p["name"]: p["schema"] for p in self.operation.get("parameters", [])
                            if p["in"] == "path"}
        self.query_params = {p["name"]: p["schema"] for p in self.operation.get("parameters", [])
                             if p["in"] == "query"}
        body = self.operation.get("requestBody", {}).get("content", {})
        schema = body.get("application/x-www-form-urlencoded", {}).get("schema", {})
        self.body_properties = {k: self._resolve(v) for k, v in
                                schema.get("properties", {}).items()}
        self.required = set(schema.get("required", []))

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        if not ref:
            return schema
        node: Any = self.spec
        for key in ref.lstrip("#/").split("/"):
            node = node[key]
        return dict(node)

    def problems(self, path_values: dict[str, str], form: dict[str, str],
                 query: dict[str, str] | None = None) -> list[str]:
        found = []
        for name, schema in self.path_params.items():
            found += _check_value(f"path {name}", path_values.get(name), schema)
        for name in self.required - set(form):
            found.append(f"body {name}: required")
        for name, value in form.items():
            if name not in self.body_properties:
                found.append(f"body {name}: not in the description")
            else:
                found += _check_value(f"body {name}", value, self.body_properties[name])
        for name in query or {}:
            base = re.sub(r"[<>]$", "", name)
            if name not in self.query_params and base not in self.query_params:
                found.append(f"query {name}: not in the description")
        return found


def _check_value(where: str, value: str | None, schema: dict[str, Any]) -> list[str]:
    if value is None:
        return [f"{where}: missing"]
    problems = []
    kind = schema.get("type")
    if kind == "integer" and not re.fullmatch(r"-?\d+", value):
        problems.append(f"{where}: not an integer")
    if kind == "boolean" and value.lower() not in ("true", "false"):
        problems.append(f"{where}: not a boolean")
    if kind == "string":
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{where}: does not match {schema['pattern']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(f"{where}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{where}: longer than {schema['maxLength']}")
        if schema.get("format") == "uri" and not re.match(r"^https?://[^\s_/]+(/\S*)?$", value):
            problems.append(f"{where}: not a URL Twilio accepts")
        if schema.get("format") == "phone-number" and not re.fullmatch(r"\+[1-9]\d{6,14}", value):
            problems.append(f"{where}: not an E.164 number")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: not one of {schema['enum']}")
    return problems


@dataclass
class SentMessage:
    sid: str
    to: str
    body: str
    form: dict[str, str]
    at: datetime


@dataclass
class TwilioStub:
    spec_path: Path = SPEC_PATH
    sent: list[SentMessage] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    # Scripted answers for the next create calls: ("error", status, code) or ("delay", s, 0)
    script: list[tuple[str, float, int]] = field(default_factory=list)
    create_calls: int = 0
    port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        spec = json.loads(self.spec_path.read_text(encoding="utf-8"))
        self.create_check = OpenApiCheck(spec, MESSAGES_PATH, "post")
        self.list_check = OpenApiCheck(spec, MESSAGES_PATH, "get")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    async def messages(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, 20003, "Authentication Error")
        account = request.path_params["AccountSid"]
        if request.method == "GET":
            query = dict(request.query_params)
            problems = self.list_check.problems({"AccountSid": account}, {}, query)
            if problems:
                self.violations += problems
                return JSONResponse({"errors": problems}, status_code=422)
            return self._list(query)
        form = {k: str(v) for k, v in (await request.form()).items()}
        problems = self.create_check.problems({"AccountSid": account}, form)
        if "MessagingServiceSid" not in form and "From" not in form:
            problems.append("body: needs From or MessagingServiceSid")
        if "Body" not in form:
            problems.append("body Body: required for a text message")
        if problems:
            self.violations += problems
            return JSONResponse({"errors": problems}, status_code=422)
        self.create_calls += 1
        delay = 0.0
        if self.script:
            action, value, code = self.script.pop(0)
            if action == "error":
                return _error(int(value), code, "scripted failure")
            delay = value
        message = SentMessage(f"SM{secrets.token_hex(16)}", form["To"], form["Body"], form,
                              datetime.now(UTC))
        self.sent.append(message)
        if delay:
            await asyncio.sleep(delay)  # the message exists, but the client gives up waiting
        return JSONResponse(_resource(message, account), status_code=201)

    def _list(self, query: dict[str, str]) -> Response:
        after = query.get("DateSent>")
        since = parsedate_to_datetime(after) if after and "," in after else (
            datetime.fromisoformat(after.replace("Z", "+00:00")) if after else None)
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        found = [m for m in self.sent if m.to == query.get("To", m.to)
                 and (since is None or m.at.date() >= since.date())]
        return JSONResponse({"messages": [_resource(m, ACCOUNT_SID) for m in reversed(found)],
                             "end": len(found) - 1, "first_page_uri": "", "next_page_uri": None,
                             "page": 0, "page_size": 50, "previous_page_uri": None,
                             "start": 0, "uri": ""})

    def app(self) -> Starlette:
        return Starlette(routes=[Route(MESSAGES_PATH.replace("{AccountSid}", "{AccountSid}"),
                                       self.messages, methods=["GET", "POST"])])


def _resource(message: SentMessage, account: str) -> dict[str, Any]:
    return {"sid": message.sid, "account_sid": account, "to": message.to,
            "from": message.form.get("From"), "body": message.body, "status": "queued",
            "num_segments": str(measure(message.body).segments), "direction": "outbound-api",
            "messaging_service_sid": message.form.get("MessagingServiceSid"),
            "date_created": format_datetime(message.at), "date_sent": None,
            "date_updated": format_datetime(message.at), "error_code": None,
            "error_message": None, "api_version": "2010-04-01", "num_media": "0",
            "price": None, "price_unit": "GBP", "uri": f"/Messages/{message.sid}.json",
            "subresource_uris": {}}


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "status": status,
                         "more_info": f"https://www.twilio.com/docs/errors/{code}"},
                        status_code=status)


class running_twilio:  # a context manager, named like one
    def __init__(self, stub: TwilioStub) -> None:
        self.stub = stub
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> TwilioStub:
        self.stub.port = free_port()
        self._server = uvicorn.Server(uvicorn.Config(
            self.stub.app(), host="127.0.0.1", port=self.stub.port, log_level="warning",
            lifespan="off", access_log=False))
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
            await asyncio.sleep(0.01)
        return self.stub

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task
