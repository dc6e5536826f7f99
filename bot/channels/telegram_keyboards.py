"""Telegram keyboards for neutral options: callback data, ticks for multi-select, reading
back what was chosen. Callback data carries short stable ids, never labels (64-byte limit).

    c:<token>:<id>   choose one option (single-choice questions)
    t:<token>:<id>   tick or untick one option (multi-select)
    d:<token>        done: submit the ticked options
where <token> identifies the question the keyboard belongs to (see events.ref_token).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.events import Outbound, ref_token

TICK = "\u2713 "
MAX_CALLBACK_BYTES = 64
WIDE_LABEL = 18  # labels longer than this get a row of their own


@dataclass(frozen=True)
class Callback:
    action: str  # "c", "t" or "d"
    token: str
    option_id: str = ""


def encode(action: str, token: str, option_id: str = "") -> str:
    data = f"{action}:{token}:{option_id}" if option_id else f"{action}:{token}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError("callback data over Telegram's 64-byte limit; shorten the option id")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data; None for anything we did not make (forged or from old versions)."""
    if not data:
        return None
    parts = data.split(":", 2)
    if len(parts) < 2 or parts[0] not in ("c", "t", "d") or not parts[1]:
        return None
    if parts[0] in ("c", "t") and (len(parts) != 3 or not parts[2]):
        return None
    return Callback(parts[0], parts[1], parts[2] if len(parts) == 3 else "")


def inline_keyboard(message: Outbound, done_label: str) -> InlineKeyboardMarkup | None:
    if not message.options:
        return None
    token = ref_token(message.ref)
    action = "t" if message.multi else "c"
    buttons = [
        InlineKeyboardButton(
            f"{TICK}{o.label}" if message.multi and o.id in message.chosen else o.label,
            callback_data=encode(action, token, o.id),
        )
        for o in message.options
    ]
    rows = _rows(buttons)
    if message.multi:
        rows.append([InlineKeyboardButton(done_label, callback_data=encode("d", token))])
    return InlineKeyboardMarkup(rows)


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Two short buttons to a row, long ones alone, so labels stay readable on a phone."""
    rows: list[list[InlineKeyboardButton]] = []
    pending: list[InlineKeyboardButton] = []
    for button in buttons:
        if len(button.text) > WIDE_LABEL:
            if pending:
                rows.append(pending)
                pending = []
            rows.append([button])
            continue
        pending.append(button)
        if len(pending) == 2:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    return rows


def toggled(markup: InlineKeyboardMarkup, option_id: str) -> InlineKeyboardMarkup:
    """The same keyboard with one option's tick flipped."""
    rows = []
    for row in markup.inline_keyboard:
        new_row = []
        for button in row:
            callback = decode(button.callback_data if isinstance(button.callback_data, str)
                              else None)
            text = button.text
            if callback and callback.action == "t" and callback.option_id == option_id:
                text = text[len(TICK):] if text.startswith(TICK) else f"{TICK}{text}"
            new_row.append(InlineKeyboardButton(text, callback_data=button.callback_data))
        rows.append(new_row)
    return InlineKeyboardMarkup(rows)


def ticked(markup: InlineKeyboardMarkup | None) -> list[tuple[str, str]]:
    """(option id, label) of every ticked option, in keyboard order."""
    if markup is None:
        return []
    found = []
    for row in markup.inline_keyboard:
        for button in row:
            callback = decode(button.callback_data if isinstance(button.callback_data, str)
                              else None)
            if callback and callback.action == "t" and button.text.startswith(TICK):
                found.append((callback.option_id, button.text[len(TICK):]))
    return found


def label_of(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
