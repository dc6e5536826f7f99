"""Rendering: the Jinja2 templates in `templates/`, autoescaped, with every word looked up
in content/en/console.yaml (`t("console.inbox.title")`) and times shown in London time."""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from bot.core.content import Content
from bot.staff.typed import UNSAFE

TEMPLATES = Path(__file__).resolve().parent / "templates"
LONDON = ZoneInfo("Europe/London")
PREFIX = "/staff"
# Whether the page being drawn follows a form sent again (`once.py`): it says the form was
# done already. Set for a GET by `shared.signed_in`.
REPEATED: ContextVar[bool] = ContextVar("repeated", default=False)


def once_token() -> str:
    """A form's one-time token (`once.py`), drawn into each form by `csrf_field`."""
    return secrets.token_urlsafe(16)


def london(moment: datetime | None, style: str = "full") -> str:
    """`Tue 1 Dec 2026, 14:02` (or `14:02`) in Europe/London."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    if style == "time":
        return local.strftime("%H:%M")
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y, %H:%M')}"


def first_upper(words: str) -> str:
    """"low blood sugar" as a table cell: "Low blood sugar"."""
    return words[:1].upper() + words[1:]


def shown(value: Any) -> Any:
    """Every value a page draws, without NUL or the bidi controls that could turn the
    words round it (`bot.staff.typed`): residents' words and names come in by text and
    Telegram too, not only through the console's forms (which take them out already)."""
    if isinstance(value, str):
        plain = value.translate(UNSAFE)
        return Markup(plain) if isinstance(value, Markup) else plain
    return value


def iso(moment: datetime | None) -> str:
    return moment.astimezone(LONDON).isoformat(timespec="minutes") if moment else ""


class Pages:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.env = Environment(loader=FileSystemLoader(TEMPLATES),
                               autoescape=select_autoescape(["html", "svg"]),
                               undefined=StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True, finalize=shown)
        self.env.globals.update(t=self.text, has=content.has, prefix=PREFIX,
                                once_token=once_token)
        self.env.filters.update(london=london, iso=iso, first_upper=first_upper)

    def text(self, key: str, **params: object) -> str:
        return self.content.text(key, **params)

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("errors", {})
        values.setdefault("session", None)
        values.setdefault("csrf", "")
        values.setdefault("current", "")
        values.setdefault("banner", None)
        values.setdefault("repeated", REPEATED.get())
        html = self.env.get_template(template).render(**values)
        return HTMLResponse(html, status_code=status_code)
