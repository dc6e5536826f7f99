"""The contact-detail detector's figures on the team's corpora (bench/contact_detection.py
prints them; BENCHMARKS.md publishes them). Every corpus here was written blind, by a writer
who had not seen the detector, as people really try to slip a detail past a filter (but
kinds_3); all have since been tuned on, so their guards hold today's figures (a little slack of
one message), and an edit never lets through a trick already taught. An unseen corpus is
measured on its own (`bench/contact_detection.py --corpus NAME`), never read here.

- `tuning.tsv`: tuned on from the start.
- `held_out.tsv`: nobody tuning read it until the fixes by kind of leak (it gave 5.2 %
  leaks, 2.0 % held before them); tuned on since.
- `newcomer.tsv`: what a newcomer wrote to break the detector (tuned on since); six of its
  "ordinary" lines really do hold an address or a phone number, so holding them is right.
- `held_out_2.tsv`: a second blind corpus, measured once clean (3.2 % leaks, 0.35 % held),
  then tuned on by kind of leak.
- `held_out_3.tsv`: a third, measured once clean (4.2 % leaks, 5.2 % held: public sites
  and helplines, order and NHS numbers), then tuned on by kind.
- `kinds_3.tsv`: variants of held_out_3's kinds, written while fixing them (not blind).
- `held_out_4.tsv`: a fourth, measured once clean (3.3 % leaks, 7.0 % held), then tuned on
  by kind (round four) and learned from by the second reader: its figures here are tuned,
  so optimistic.
- `kinds_4.tsv`: variants of held_out_4's kinds, written while fixing them (not blind).
- `kinds_5.tsv`: round five, a newcomer's break-test by kind (dotted digits, digits in
  Punjabi/Hindi/Urdu and Polish, numbers as prices or counts, directions to a home,
  misspelt providers, platform emoji, postcodes' halves apart; nicknames, NHS numbers and
  ISBNs, organisations' lines and accounts, public places), written while fixing them (not
  blind). The reader does not learn from it (it cost held_out a leak when it did).
- `held_out_6.tsv`: a sixth, written blind 2026-12-01 with determined styles (spaced,
  spelt-out and split numbers, "(at)" and "[dot]", findable profiles, homes by landmark)
  and near-misses; measured once clean after round five: 1.33 % of 300 leaks let through
  (address 5.4 %, phone 1.9 %), 1.71 % of 350 ordinary held. Held to the issue's acceptance
  (at most 2 % and 5 %); nobody reads its lines while tuning, and the reader never learns it.

The learned second reader (bot/peers/contact_reader.py) is trained on these same corpora,
so the figures below are with it (the bench waits for it); the rules alone are held to
the same guards, since the reader only adds holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import contact_detection

from bot.peers import contact_reader
from bot.peers.contact import ContactKind, contact_details

CORPORA = contact_detection.CORPORA


def figures(name: str) -> dict[str, object]:
    contact_reader.wait()
    return contact_detection.evaluate(contact_detection.load(CORPORA / f"{name}.tsv"))


def test_the_corpora_are_big_enough() -> None:
    rows = [r for name in contact_detection.TUNED
            for r in contact_detection.load(CORPORA / f"{name}.tsv")]
    assert sum(label == "leak" for label, _, _ in rows) >= 400
    assert sum(label == "benign" for label, _, _ in rows) >= 300


def test_tuning_corpus() -> None:
    found = figures("tuning")  # 0 of 251 leaks, 0 of 199 ordinary held
    assert found["leak_rate"] <= 0.004, found
    assert found["false_holds"] <= 0.005, found


def test_held_out_corpus() -> None:
    found = figures("held_out")  # 0 of 249 leaks, 0 of 201 ordinary held
    assert found["leak_rate"] <= 0.004, found
    assert found["false_holds"] <= 0.005, found


def test_newcomer_corpus() -> None:
    found = figures("newcomer")  # 0 of 358 leaks, 4 of 226 ordinary held (all debatable)
    assert found["leak_rate"] <= 0.0028, found
    assert found["false_holds"] <= 0.022, found


def test_held_out_2_corpus() -> None:
    found = figures("held_out_2")  # 0 of 314 leaks, 0 of 283 ordinary held
    assert found["leak_rate"] <= 0.0032, found
    assert found["false_holds"] <= 0.0035, found


def test_held_out_3_corpus() -> None:
    found = figures("held_out_3")  # 0 of 260 leaks, 0 of 230 ordinary held
    assert found["leak_rate"] <= 0.0039, found
    assert found["false_holds"] <= 0.0044, found


def test_kinds_3_corpus() -> None:
    found = figures("kinds_3")  # 0 of 52 leaks, 0 of 61 ordinary held
    assert found["leak_rate"] <= 0.0193, found
    assert found["false_holds"] <= 0.0164, found


def test_held_out_4_corpus() -> None:
    found = figures("held_out_4")  # 0 of 306 leaks, 6 of 331 ordinary held (tuned on)
    assert found["leak_rate"] <= 0.0033, found
    assert found["false_holds"] <= 0.0212, found


def test_kinds_4_corpus() -> None:
    found = figures("kinds_4")  # 0 of 57 leaks, 2 of 54 ordinary held (with the reader)
    assert found["leak_rate"] <= 0.0176, found
    assert found["false_holds"] <= 0.0371, found


def test_kinds_5_corpus() -> None:
    found = figures("kinds_5")  # 0 of 108 leaks, 1 of 101 ordinary held (by the reader)
    assert found["leak_rate"] <= 0.0093, found
    assert found["false_holds"] <= 0.0198, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "kinds_5.tsv"),
                                       use_reader=False)  # the rules alone: 0 and 0
    assert rules["leak_rate"] <= 0.0093, rules
    assert rules["false_holds"] <= 0.0099, rules


def test_a_postcode_district_or_a_small_number_alone_is_never_held() -> None:
    # The spec: "LE4 area" passes. The learned reader held them (a newcomer's break-test).
    contact_reader.wait()
    for text in ("I'm in LE4", "le4", "LE4 or LE5", "moving to LE18", "me 2", "100",
                 "we did 300 steps"):
        assert contact_details(text) == [], text
    assert contact_details("LE4 9XY") and contact_details("ring me 07911 222 333")


def test_held_out_6_corpus_meets_the_acceptance() -> None:
    # Blind: 4 of 300 leaks, 6 of 350 held at first sight; 5 and 5 once the reader stopped
    # holding postcode districts and small numbers alone.
    found = figures("held_out_6")
    assert found["leak_rate"] <= 0.02, found
    assert found["false_holds"] <= 0.05, found


def test_the_second_reader_adds_only_when_sure_and_there_is_something_to_hold() -> None:
    reader = contact_reader.wait()
    assert reader is not None
    # It reads a leak it has learned the shape of, and not ordinary chat.
    assert reader.probability("ring me on 07700 900123 after tea") > 0.9
    assert reader.probability("lovely walk round the park today, legs are tired") < 0.2
    # Asking for contact without giving any: nothing to hold, whatever it thinks.
    assert not contact_reader.has_material("email me your thoughts")
    assert contact_details("email me your thoughts") == []
    # It only adds: a hold the rules make stands with or without it.
    text = "my number is 07700 900 123"
    assert contact_details(text) == contact_details(text, use_reader=False) == [
        ContactKind.PHONE]
    # A reader trained on a few lines reads too (a probability).
    examples = contact_reader.load_examples(names=("kinds_3",))
    small = contact_reader.ContactReader(examples)
    assert 0.0 <= small.probability("x") <= 1.0


def test_the_second_reader_trains_quickly() -> None:
    import time

    examples = contact_reader.load_examples()
    started = time.perf_counter()
    contact_reader.ContactReader(examples)
    assert time.perf_counter() - started < 5.0  # about 0.3 s quiet; a busy shared machine


@pytest.mark.parametrize("text", ["take B12 at breakfast", "room B12 at the college",
                                  "I take D3 and B12 at night"])
def test_a_vitamin_or_a_room_before_a_word_is_no_postcode(text: str) -> None:
    """A newcomer's break-test: "B12 at" was read as the postcode B1 2AT."""
    assert contact_details(text) == []


@pytest.mark.parametrize("text", ["my postcode is B12 8AT", "B12 8at", "le2 8 at",
                                  "LE3 2 and then NA", "le28at"])
def test_a_postcode_with_a_word_like_unit_is_still_held(text: str) -> None:
    assert ContactKind.POSTCODE in contact_details(text)


# Round five: a newcomer's break-test, by kind. Made-up members of each kind and their
# near-misses (not the corpus lines); the rules alone must decide them, the reader aside.


def rules(text: str) -> list[ContactKind]:
    return contact_details(text, use_reader=False)


@pytest.mark.parametrize("text", ["07.80.01.23.45.6 is me", "0788...012...3456 ta",
                                  "07880 .. 123 .. 456", "07-88.01/23_45 6",
                                  "0116.496.0123 evenings", "07880…123…456"])
def test_digits_split_by_dots_and_ellipses_are_a_number(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE]


@pytest.mark.parametrize("text", ["readings 6.2... 7.1... 5.9 this week",
                                  "v2.14.3.8 of the app", "BP 131.84 then 127.80"])
def test_readings_and_versions_with_dots_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", [
    "sifar saat aath aath ek, do teen char panj chhe saat",  # Punjabi/Hindi/Urdu
    "shunya saat nau, ek ek do, teen teen char panj",
    "zero siedem osiem osiem jeden dwa trzy cztery pięć sześć siedem",  # Polish
    "zero siedem osiem osiem jeden, dwa trzy, cztery piec szesc siedem",  # no accents
    "oh seven aath eight jeden 1 two trzy four panj six",  # mixed with English and digits
    "07880 ek do teen char panj chhe"])
def test_digits_as_words_in_other_languages_are_a_number(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE]


@pytest.mark.parametrize("text", ["ek do teen char panj chhe saat, and relax",
                                  "jeden, dwa, trzy - she's learning to count",
                                  "we do one stretch, then teen yoga", "saat baje at the gate",
                                  "1 2 3 4 5 6 7 and breathe out"])
def test_counting_in_other_languages_passes(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["£07.88 £01.23 £456 lol",
                                  "did 07 laps, 880 steps, 123 squats, 456 lunges",
                                  "07 mins, then 880 mins, then 123456 mins",
                                  "step one dial 07880, step two add 123, step three add 456"])
def test_a_number_disguised_as_prices_or_counts(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE]


@pytest.mark.parametrize("text", ["tea £2.50, cake £3.45, parking £1.20",
                                  "7,880 steps then 1,234 then 5,678",
                                  "spent £07.50 at the cafe"])
def test_ordinary_prices_and_counts_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", [
    "flat 2 above the Subway on Hinckley Road, buzz",
    "we're at 19, the bungalow behind the Baptist church in Enderby",
    "I'm the red door past the Spar on Welford Road, number 8",
    "our house is 33, the one opposite the Londis in Birstall",
    "come to mine, 52, the green gate opposite the school on Mill Lane"])
def test_directions_to_a_home_with_its_number(text: str) -> None:
    assert ContactKind.ADDRESS in rules(text)


@pytest.mark.parametrize("text", ["the red door past the Spar is the new dentist",
                                  "the number 8 stops past the Spar on Welford Road",
                                  "I'm number 2 in the queue at the chemist on Mill Lane",
                                  "I'm number 1 fan of the chippy behind the Asda lol",
                                  "we're at 3 walks a week now, past the Tesco in Oadby"])
def test_landmarks_without_a_home_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["pat.k at hotmial", "pat.k at gmial dot com",
                                  "pat.k @ yaho . com", "pat.k @ g mial . com", "pat77 at outlok",
                                  "pat.k at hotmale dot co dot uk", "pat k 77 at hotmal"])
def test_misspelt_or_spaced_mail_providers(text: str) -> None:
    assert ContactKind.EMAIL in rules(text)


@pytest.mark.parametrize("text", ["my gmial keeps crashing", "the outlok is rain all week",
                                  "I'm hopeless at hotmial", "a hot male nurse lol",
                                  "search Bradgate on googlemaps"])
def test_misspelt_providers_without_a_name_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["👻 patwalks", "📸: knitwithpat", "🐦 leicspat77",
                                  "📘 Pat Kerr, Oadby", "add me on 📷 patsgarden",
                                  "my 👻 is patdances"])
def test_an_emoji_for_a_platform_beside_a_handle(text: str) -> None:
    assert rules(text) == [ContactKind.USERNAME]


@pytest.mark.parametrize("text", ["📸 what a sunrise", "👻 boo! happy halloween",
                                  "a robin 🐦 on the fence", "📘 book club on Monday"])
def test_platform_emoji_in_ordinary_chat_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["Leicester 2, 7QH", "Coventry 3, 1AB is us", "le2 ... 7qh",
                                  "le2, the rest is 7qh", "le5 - 2db", "Nottingham 5, 2HP"])
def test_a_postcode_told_in_halves_or_by_its_town(text: str) -> None:
    assert rules(text) == [ContactKind.POSTCODE]


@pytest.mark.parametrize("text", ["Leicester 2, Derby 1, get in", "Leicester 2, 1 at half time",
                                  "LE4 area, 5 of us", "in LE5, 3 doors down",
                                  "le4 ... 5am start", "le2 ... 3 bs and a cuppa"])
def test_scores_and_areas_are_no_postcode(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["call me Nani, everyone does", "everyone calls me Big Dave",
                                  "my name's Siobhan but call me Shiv", "just call me Jas x",
                                  "known as Lofty at the club", "I go by Kaz"])
def test_a_nickname_is_no_handle(text: str) -> None:
    contact_reader.wait()
    assert contact_details(text) == []


def test_a_nickname_on_a_platform_is_still_a_handle() -> None:
    assert rules("everyone calls me bigdave on insta, add me") == [ContactKind.USERNAME]


@pytest.mark.parametrize("text", ["my NHS number is 943 476 5919",
                                  "NHS no 401 023 2137 for the form",
                                  "ISBN 0-7475-3269-9", "the isbn is 978-0-14-103614-4",
                                  "ISBN 0747532699", "policy number 7781 2234 55",
                                  "Amazon order 204-5567312-9983321"])
def test_nhs_numbers_isbns_and_references_pass(text: str) -> None:
    contact_reader.wait()
    assert contact_details(text) == []  # the reader does not hold again what the rules pass


@pytest.mark.parametrize("text", ["text me on 943 476 5919", "call me on 401 023 2137",
                                  "order number? no, my mobile: 07880 123456",
                                  "ISBN 0747532698"])  # a wrong check digit: no book's number
def test_a_number_claimed_or_shaped_like_a_mobile_is_held(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE]


@pytest.mark.parametrize("text", ["I rang the surgery on 0116 496 0999 this morning",
                                  "my GP surgery's number is 0116 496 0777",
                                  "Citizens Advice Leicester are on 0116 496 0444",
                                  "we rang the council on 0116 454 1000 about the bins",
                                  "follow @NHSuk for the jab news",
                                  "the club's insta is @leicsramblersclub",
                                  "@wigstonlibrary posted the times",
                                  "the Samaritans are @samaritans"])
def test_organisations_lines_and_accounts_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["ring me at the surgery on 0116 496 0231, ask for Jo",
                                  "I'm the receptionist at the surgery, 0116 496 0222",
                                  "ring the surgery on 0116 496 0231, they put you through to me",
                                  "the surgery is on 0116 496 0222, my mobile is 07880 123456",
                                  "follow me @wigstonpat, not the library's page"])
def test_the_writers_own_line_or_account_is_held(text: str) -> None:
    assert rules(text) != []


@pytest.mark.parametrize("text", ["meet at Gate 4, Abbey Park Road",
                                  "the cafe at 15 Market Place",
                                  "the clinic moved to 120 Narborough Road",
                                  "the church hall, 23 Hinckley Road, 10am",
                                  "parkrun starts by Entrance 2, Braunstone Lane",
                                  "we went to 10 Downing Street on the school trip"])
def test_public_places_street_numbers_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["my house is 14 Abbey Park Road",
                                  "I live at 18 Market Place, above the cafe",
                                  "we live by the park at 27 Victoria Road",
                                  "I'm 3 doors up from the chippy, 58 Evington Lane",
                                  "come round to mine, 15 Church Street, opposite the church"])
def test_a_home_beside_a_public_place_is_held(text: str) -> None:
    assert rules(text) == [ContactKind.ADDRESS]
