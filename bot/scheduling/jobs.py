"""Periodic work. Jobs only plan and enqueue; the dispatcher sends."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Services


async def run_due_jobs(services: Services) -> None:
    """Everything that time passing can cause, run once at the current clock time."""
    await services.dispatcher.recover_abandoned()
