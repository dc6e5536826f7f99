"""`movemates alerts`: the duty team's alerts from a terminal, against the same database
the engine uses (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

from test_peers_cli import movemates, now

from bot.config import Settings
from bot.core.events import Address
from bot.safety.models import SafetyAlert
from bot.storage.models import AuditEntry
from support.peers import peer_world

ANN = Address("sms", "+447700900160")
SAM = Address("telegram", "626262")


async def test_alerts_from_the_terminal(settings: Settings) -> None:
    async with peer_world(settings, start=now()) as world:
        await world.resident(ANN, "Ann")
        await world.says(ANN, "my sugar is 2.2 and im all shaky")
        await world.moderator(SAM, "Sam", role="coordinator")
        sam = await world.person_id(SAM)

    listed = await movemates(settings, "alerts")
    assert listed.returncode == 0, listed.stderr
    assert "1: low blood sugar" in listed.stdout and "not picked up" in listed.stdout
    shown = await movemates(settings, "alerts", "show", "1")
    assert "my sugar is 2.2" in shown.stdout and "Ann" in shown.stdout
    assert "yours now" in (await movemates(settings, "alerts", "ok", "1")).stdout
    noted = await movemates(settings, "alerts", "note", "1", "rang", "her")
    assert "Note added" in noted.stdout
    closed = await movemates(settings, "alerts", "close", "1", "she", "is", "fine")
    assert "closed" in closed.stdout
    assert "No open" in (await movemates(settings, "alerts", "list")).stdout
    duty = await movemates(settings, "alerts", "duty", str(sam), "on")
    assert duty.returncode == 0 and "on duty" in duty.stdout
    nobody = await movemates(settings, "alerts", "duty", "99999", "on")
    assert nobody.returncode == 1
    missing = await movemates(settings, "alerts", "show", "7")
    assert missing.returncode == 1 and "no safety alert 7" in missing.stdout

    async with peer_world(settings, start=now()) as world:
        [alert] = await world.rows(SafetyAlert)
        assert alert["status"] == "closed"
        assert [n["text"] for n in alert["notes"]["notes"]] == ["rang her", "she is fine"]
        actions = [r["action"] for r in await world.rows(AuditEntry)]
        assert "safety_alert_viewed" in actions and "on_duty" in actions


async def test_bad_arguments_get_one_clear_line(settings: Settings) -> None:
    done = await movemates(settings, "alerts", "show", "twelve")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "an alert number" in done.stderr
    duty = await movemates(settings, "alerts", "duty", "abc", "on")
    assert duty.returncode == 2 and "a person id" in duty.stderr
