"""Each conversation has its states drawn as a Mermaid diagram beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations import registry
from conversations.onboarding import ORDER

FOLDER = Path(__file__).resolve().parents[1] / "conversations"


@pytest.mark.parametrize("module", ["onboarding", "settings", "menu", "privacy", "checkin", "link",
                                    "care", "suggest", "buddy"])
def test_diagram_exists_and_is_a_state_diagram(module: str) -> None:
    diagram = (FOLDER / f"{module}.mmd").read_text(encoding="utf-8")
    assert "stateDiagram-v2" in diagram
    assert "[*]" in diagram


def test_onboarding_diagram_names_every_step() -> None:
    diagram = (FOLDER / "onboarding.mmd").read_text(encoding="utf-8")
    for step in (*ORDER, "privacy", "summary"):
        assert step in diagram, step


def test_every_registered_conversation_has_a_diagram() -> None:
    names = {"onboarding": "onboarding", "settings": "settings", "menu": "menu",
             "delete": "privacy", "checkin": "checkin", "suggest": "suggest",
             "suggest_offer": "suggest", "followup": "suggest", "buddy": "buddy",
             "volunteer": "buddy", "care": "care", "link": "link"}
    assert set(registry()) == set(names)
    for name in registry():
        assert (FOLDER / f"{names[name]}.mmd").exists()
