"""The console's words all live in content/en/console.yaml: every key its templates and
code name exists, and no template holds a word of its own."""

from __future__ import annotations

import re
from pathlib import Path

from bot.console.pages import TEMPLATES
from bot.core.content import library
from bot.staff.models import ROLES

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = library().for_language("en")
KEY = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
BANNER_KEY = re.compile(r'"(console\.[a-z_]+(?:\.[a-z_]+)+)"')


def test_every_key_a_template_or_console_module_names_exists() -> None:
    sources = [*TEMPLATES.glob("*.html"), *(ROOT / "bot/console").glob("*.py")]
    missing = [f"{path.name}: {key}" for path in sources
               for key in {*KEY.findall(path.read_text()),
                           *BANNER_KEY.findall(path.read_text())}
               if not ENGLISH.has(key)]
    assert missing == []


def test_the_keys_made_from_values_exist() -> None:
    keys = [f"console.staff.roles.{role}" for role in ROLES]
    keys += [f"console.staff.states.{s}" for s in ("active", "waiting", "disabled", "locked")]
    keys += [f"console.status.{s}" for s in ("open", "acknowledged", "closed")]
    keys += [f"console.category.{c}" for c in ("crisis", "red_flag")]
    keys += [f"console.channel.{c}" for c in ("sms", "telegram", "console")]
    keys += [f"console.alert.done.{o}" for o in ("acknowledged", "noted", "closed",
                                                  "already_closed", "already_picked_up",
                                                  "shortened")]
    keys += [f"console.sign_in.{w}" for w in ("ended", "signed_out", "ready",
                                               "ready_two_step", "wrong", "too_many",
                                               "disabled")]
    keys += [f"console.setup.{p}" for p in ("too_short", "too_long", "is_email", "no_match")]
    assert [key for key in keys if not ENGLISH.has(key)] == []


def test_no_template_holds_words_of_its_own() -> None:
    """Take away comments, tags and everything Jinja fills in: nothing with a letter is
    left (a word there would have escaped content/)."""
    leftovers = {}
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text()
        text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
        text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
        text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
        words = [w for w in text.split() if re.search(r"[A-Za-z]", w)]
        if words:
            leftovers[path.name] = words
    assert leftovers == {}
