"""`movemates content lint`: every text checked against content/STYLE.md's rules.

Fails on banned words, reading level above the bar, characters outside GSM-7, unknown
or missing placeholders, and texts (or questions as actually sent by SMS, with their
numbered options) longer than two SMS segments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.core.answers import Vocabulary
from bot.core.clock import FakeClock
from bot.core.content import (
    DEFAULT_LANGUAGE,
    PLACEHOLDER,
    Content,
    ContentError,
    fill,
    is_language_folder,
    load_language_files,
    load_placeholders,
)
from bot.core.gsm7 import is_gsm7, measure, septets
from bot.core.render import numbered
from bot.core.style import Rules, banned_words, grade
from bot.core.turn import Context

_STRAY_BRACE = re.compile(r"[{}]")


@dataclass(frozen=True)
class ContentProblem:
    where: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.key}: {self.message}"


def check_text(key: str, template: str, where: str, rules: Rules, examples: dict[str, str],
               ) -> list[ContentProblem]:
    problems: list[ContentProblem] = []
    names = PLACEHOLDER.findall(template)
    unknown = sorted(set(names) - set(examples))
    if unknown:
        problems.append(ContentProblem(where, key, f"unknown placeholder(s) {unknown}; "
                                                   "declare them in placeholders.yaml"))
    if _STRAY_BRACE.search(PLACEHOLDER.sub("", template)):
        problems.append(ContentProblem(where, key, "stray { or }: placeholders look like {name}"))
    try:
        filled = fill(template, {**examples, **{n: n for n in unknown}})
    except ContentError as error:
        return [*problems, ContentProblem(where, key, str(error))]
    for phrase, reason in banned_words(filled, rules):
        problems.append(ContentProblem(where, key, f'uses "{phrase}". {reason}'))
    if not is_gsm7(filled):
        odd = sorted({c for c in filled if not is_gsm7(c)})
        problems.append(ContentProblem(where, key, f"characters outside GSM-7 (SMS): {odd}"))
    if septets(filled) > rules.max_chars:
        problems.append(ContentProblem(where, key, f"{septets(filled)} characters with example "
                                                   f"values; the limit is {rules.max_chars} "
                                                   "(two SMS)"))
    elif measure(filled).segments > rules.max_segments:
        problems.append(ContentProblem(where, key, f"{measure(filled).segments} SMS with example "
                                            "values: a character like ~ or [ that costs two "
                                            "falls where one SMS ends"))
    if len(filled.split()) >= rules.min_words_for_grade:
        level = grade(filled)
        if level > rules.max_grade:
            problems.append(ContentProblem(where, key, f"reading grade {level:.1f} is above "
                                                f"{rules.max_grade:g}; use shorter words and "
                                                "sentences"))
    return problems


def check_sent_prompts(content: Content, rules: Rules) -> list[ContentProblem]:
    """Questions as SMS actually sends them: text, numbered options and reply hint, also
    with the longest 'sorry' lead-in that a re-ask adds."""
    from bot.tools.prompts import all_prompts

    ctx = Context(content=content, clock=FakeClock(),
                  vocabulary=Vocabulary(), channel="sms")
    lead_ins = ["", content.text("common.unclear"), content.text("common.out_of_range")]
    problems = []
    for label, message in all_prompts(ctx, lead_ins):
        sent = numbered(message)
        if septets(sent) > rules.max_chars or measure(sent).segments > rules.max_segments:
            problems.append(ContentProblem("as sent by SMS", label,
                                    f"{septets(sent)} characters with its options "
                                    f"({measure(sent).segments} SMS); the limit is "
                                    f"{rules.max_chars} ({rules.max_segments} SMS)"))
    return problems


def lint(root: Path) -> list[ContentProblem]:
    rules = Rules.load(root)
    placeholders = load_placeholders(root)
    examples = {name: p.example for name, p in placeholders.items()}
    problems: list[ContentProblem] = []
    reference, _, reference_origin = load_language_files(root / DEFAULT_LANGUAGE)
    for key, template in reference.items():
        problems += check_text(key, template, reference_origin[key], rules, examples)
    for folder in _translations(root):
        texts, _, origin = load_language_files(folder)
        for key, template in texts.items():
            problems += check_text(key, template, origin[key], rules, examples)
            if key not in reference:
                problems.append(ContentProblem(origin[key], key,
                                               "not in English: a typo in the key?"))
                continue
            expected = set(PLACEHOLDER.findall(reference[key]))
            actual = set(PLACEHOLDER.findall(template))
            if expected - actual:
                problems.append(ContentProblem(origin[key], key,
                                        f"missing placeholder(s) {sorted(expected - actual)}"))
            if actual - expected:
                problems.append(ContentProblem(origin[key], key,
                                        f"placeholder(s) {sorted(actual - expected)} not in "
                                        "English"))
    english = Content(reference, load_language_files(root / DEFAULT_LANGUAGE)[1])
    problems += check_sent_prompts(english, rules)
    problems += check_catalogue(root, rules)
    return problems


def check_catalogue(root: Path, rules: Rules) -> list[ContentProblem]:
    """The places catalogue: valid entries, and resident-facing words in our style."""
    from bot.places.catalogue import Catalogue, validate_catalogue

    if not (root / "places").is_dir():
        return []
    problems = [ContentProblem("content/places", "catalogue", message)
                for message in validate_catalogue(root)]
    if problems:
        return problems
    for entry in Catalogue.from_yaml(root).all():
        for field_name in ("name", "summary", "who_for", "price_text", "details"):
            text = getattr(entry, field_name, None)
            if not isinstance(text, str) or not text:
                continue
            for phrase, reason in banned_words(text, rules):
                problems.append(ContentProblem("content/places", f"{entry.id}.{field_name}",
                                        f'uses "{phrase}". {reason}'))
            if not is_gsm7(text):
                problems.append(ContentProblem("content/places", f"{entry.id}.{field_name}",
                                        "characters outside GSM-7 (SMS)"))
    return problems


def _translations(root: Path) -> Iterable[Path]:
    return sorted(p for p in root.iterdir()
                  if is_language_folder(p) and p.name != DEFAULT_LANGUAGE)


def lint_and_report(root: Path, out: TextIO) -> int:
    problems = lint(root)
    for problem in problems:
        out.write(f"{problem}\n")
    if problems:
        out.write(f"content lint: {len(problems)} problem(s)\n")
        return 1
    out.write("content lint: all texts pass\n")
    return 0
