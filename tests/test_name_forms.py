"""Erasure finds a name in every form stored text can hold it in (bot/core/name_forms.py)."""

from __future__ import annotations

import json
import unicodedata

import pytest

from bot.core.gsm7 import readable_name, to_gsm7
from bot.core.name_forms import NameForms

ZOE = "Zoë Ñúñez"
NFD, NFC = unicodedata.normalize("NFD", ZOE), unicodedata.normalize("NFC", ZOE)


@pytest.mark.parametrize("typed", [NFC, NFD], ids=["nfc", "nfd"])
@pytest.mark.parametrize("stored", [
    f"Lovely {NFC}, see you", f"Lovely {NFD}, see you", f"Lovely {NFC.upper()}, see you",
    f"Lovely {to_gsm7(NFC)}, see you", "Lovely Zoe Nunez, see you",
    "Lovely zoe\u00a0 nunez, see you",
    f"Lovely {unicodedata.normalize('NFKC', NFC)}, see you"])
def test_a_name_is_found_in_any_normalisation_case_or_sms_form(typed: str, stored: str) -> None:
    assert NameForms(typed).sub("[removed]", stored) == "Lovely [removed], see you"


@pytest.mark.parametrize("name", ["李小龍", "Ελένη", "محمد علي", "Сергей", "O'Brien-Ōtsuka"])
def test_other_scripts_as_typed_and_as_sms_transliterates_them(name: str) -> None:
    forms = NameForms(name)
    for shown in (name, readable_name(name), unicodedata.normalize("NFD", name)):
        assert forms.sub("[removed]", f"I passed that on to {shown}, but") == \
            "I passed that on to [removed], but", shown


def test_a_name_in_a_script_without_spaces_is_found_inside_words() -> None:
    assert NameForms("李小龍").sub("X", "你好李小龍你好") == "你好X你好"


def test_only_whole_words_of_a_spaced_script_and_the_rest_kept_exactly() -> None:
    rose = NameForms("Rose")
    assert rose.sub("X", "Roseanne and the rosebed") == "Roseanne and the rosebed"
    untouched = unicodedata.normalize("NFD", "Café with Rose — à bientôt")
    assert rose.sub("X", untouched) == unicodedata.normalize("NFD", "Café with X — à bientôt")


def test_every_string_in_a_payload() -> None:
    payload = {"text": "hi", "options": [{"label": f"Reply to {NFD}"}], "n": 3}
    assert NameForms(NFC).scrub("X", payload) == {"text": "hi", "options": [
        {"label": "Reply to X"}], "n": 3}
    assert NFC not in json.dumps(NameForms(NFC).scrub("X", payload), ensure_ascii=False)
