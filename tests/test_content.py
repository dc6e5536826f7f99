"""Content: the real files pass the lint, the lint catches each kind of problem, and every
key the code uses exists."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.content import CONTENT_ROOT, ContentLibrary, library
from bot.tools.content_lint import lint

ROOT = Path(__file__).resolve().parents[1]


def test_real_content_passes_the_lint() -> None:
    problems = lint(CONTENT_ROOT)
    assert problems == [], "\n".join(map(str, problems))


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, target)
    return target


def add_text(root: Path, line: str, language: str = "en") -> None:
    folder = root / language
    folder.mkdir(exist_ok=True)
    with (folder / "zz_test.yaml").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@pytest.mark.parametrize(("text", "problem"), [
    ("Try some physical activity today.", "physical activity"),
    ("A little exercise helps.", '"exercise"'),
    ("What is your goal this week?", '"goal"'),
    ("You should walk more.", '"should"'),
    ("Great success!", '"success"'),
    ("Well done \U0001f389", "outside GSM-7"),
    ("It\u2019s a \u201cnice\u201d day", "outside GSM-7"),
    ("Hello {nmae}!", "unknown placeholder"),
    ("Hello {name!", "stray"),
    ("word " * 70, "characters with example values"),
    ("Notwithstanding considerable physiological heterogeneity, individualised "
     "multidisciplinary interventions demonstrate substantial effectiveness.", "reading grade"),
])
def test_lint_catches(content_copy: Path, text: str, problem: str) -> None:
    add_text(content_copy, f"sample: {text!r}")
    found = [str(p) for p in lint(content_copy) if p.key == "zz_test.sample"]
    assert any(problem in f for f in found), found


def test_allowed_proper_names_pass(content_copy: Path) -> None:
    add_text(content_copy, "sample: Ask your GP about Active Referral or Exercise Referral.")
    assert [p for p in lint(content_copy) if p.key == "zz_test.sample"] == []


def test_translation_placeholders_must_match_english(content_copy: Path) -> None:
    (content_copy / "cy").mkdir()
    (content_copy / "cy" / "common.yaml").write_text(
        "idle_greeting: Helo! Braf clywed gennych chi.\n", encoding="utf-8")
    problems = [str(p) for p in lint(content_copy)]
    assert any("common.idle_greeting" in p and "missing placeholder" in p for p in problems)


def test_translations_fall_back_to_english(content_copy: Path) -> None:
    (content_copy / "cy").mkdir()
    (content_copy / "cy" / "common.yaml").write_text("skipped: Iawn.\n", encoding="utf-8")
    welsh = ContentLibrary(content_copy).for_language("cy")
    assert welsh.text("common.skipped") == "Iawn."
    assert welsh.text("common.unclear") == library().for_language("en").text("common.unclear")


def test_places_folder_is_not_a_language(content_copy: Path) -> None:
    (content_copy / "places").mkdir(exist_ok=True)
    (content_copy / "places" / "parks.yaml").write_text("a: b\n", encoding="utf-8")
    assert "places" not in ContentLibrary(content_copy).languages


def test_yes_and_no_stay_words() -> None:
    english = library().for_language("en")
    assert "yes" in english.words("commands.start")
    assert english.text("options.yes_no.yes.label") == "Yes"


KEY_CALL = re.compile(r"""(?:\bt|\.say|\.text)\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def test_every_key_used_in_code_exists() -> None:
    english = library().for_language("en")
    missing = []
    for folder in ("bot", "conversations"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
                if not english.has(key):
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_every_question_has_its_texts() -> None:
    from conversations.questions import QUESTIONS

    english = library().for_language("en")
    for question in QUESTIONS.values():
        assert english.has(f"questions.{question.id}.label"), question.id
        if question.options:
            assert list(english.keys_under(f"options.{question.options}")), question.options


def test_no_user_facing_words_in_python() -> None:
    """A sentence in a Python string literal is a sign words escaped content/."""
    sentence = re.compile(r"""["']([A-Z][a-z]+(?: [a-z']+){3,}[.!?])["']""")
    offenders = []
    for folder in ("bot", "conversations"):
        for path in (ROOT / folder).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith(("#", '"""', "log.", "raise", "help=")) or \
                        "description=" in stripped or "log." in stripped:
                    continue
                for match in sentence.findall(line):
                    offenders.append(f"{path.relative_to(ROOT)}: {match}")
    assert offenders == []
