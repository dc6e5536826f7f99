"""Each conversation has its states drawn as a Mermaid diagram beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations import registry
from conversations.onboarding import ORDER

FOLDER = Path(__file__).resolve().parents[1] / "conversations"


@pytest.mark.parametrize("module", ["onboarding", "settings", "menu", "delete", "checkin", "link",
                                    "care", "suggest", "buddy", "volunteer"])
def test_diagram_exists_and_is_a_state_diagram(module: str) -> None:
    diagram = (FOLDER / f"{module}.mmd").read_text(encoding="utf-8")
    assert "stateDiagram-v2" in diagram
    assert "[*]" in diagram


def test_onboarding_diagram_names_every_step() -> None:
    diagram = (FOLDER / "onboarding.mmd").read_text(encoding="utf-8")
    for step in (*ORDER, "privacy", "summary"):
        assert step in diagram, step


def test_every_registered_conversation_has_a_diagram() -> None:
    # Drawn with another: the offer and the follow-up are steps around suggestions.
    drawn_with = {"suggest_offer": "suggest", "followup": "suggest"}
    for name in registry():
        assert (FOLDER / f"{drawn_with.get(name, name)}.mmd").exists(), name


def test_each_conversation_lives_in_the_module_of_its_stored_name() -> None:
    for name, conversation in registry().items():
        assert type(conversation).__module__ == f"conversations.{name}", name
