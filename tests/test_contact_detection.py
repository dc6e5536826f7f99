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
- `kinds_6.tsv`: round six, the same break-test's next kinds (platforms not listed,
  dictionary words as handles, homes by a landmark, small house numbers after "at",
  people's pages on listed sites, Irish and foreign mobiles, digits in French, Spanish and
  Gujarati, public property, event and group sites, timetables and meter readings, details
  split over two messages: a line with "⏎" is one person's messages in a row), written
  while fixing them (not blind). The reader does not learn from it.
- `held_out_7.tsv`: a seventh, written blind 2026-12-01, measured once clean after round
  six (3.64 % of 330 leaks let through: postcode 12 %, address 5.6 %, phone 5.1 %, email
  1.7 %, handle 1.4 %; 2.12 % of 330 ordinary held: public 12 %, times 3.3 %), then tuned on
  by kind (round seven) and learned from by the second reader: its figures here are tuned.
- `kinds_7.tsv`: round seven, variants of held_out_7's kinds (gamertags with spaces, digits
  hidden by a filler letter, local numbers claimed, a number's start told after it or a
  piece as a riddle, a unit's letters said as everyday words, Eircodes and postcodes from
  abroad given as the writer's, addresses abroad, homes along a lane, "@" and "." in other
  languages; public sites and mailboxes, titles searched for, times said in words, and
  people's names spoken to: "Thanks Bev"), written while fixing them (not blind). The
  reader does not learn from it.
- `held_out_8.tsv`: an eighth, written blind 2026-12-01, measured once clean after round
  seven (5.76 % of 330 leaks let through: address 16.3 %, handle 8.6 %, phone 3.7 %, email
  3.5 %, postcode 2.4 %; 2.42 % of 330 ordinary held: districts with their place, three
  public venues' postcodes, platforms named in passing); 4.85 % leaks once a line of several
  messages is read as the relay reads it (each message with the last two passed on, the
  line held if any is; bench/contact_detection.py `read`). Tuned on by kind since (round
  eight), so its figures here are tuned. The reader does not learn it.
- `kinds_8.tsv`: round eight, variants of held_out_8's kinds (Roman numerals and sound-alike
  words among digits, placeholders filled in, every digit moved by one, Polish hundreds, a
  number sent in pieces with "cont..."; emails described as the writer's name, "gmaildotcom",
  "g male", "the usual google one"; handles on Strava, Garmin, Nextdoor, Mumsnet, Zwift,
  PS5, Reddit's u/, parkrun athlete numbers, names with an initial, spelt with commas,
  announced then sent alone, in pieces then "all one word"; a postcode backwards; one door
  picked out on a named street, named houses, plus codes, grid references, what3words with
  spaced dots; public venues' postcodes, districts with their place, names in small letters
  with kisses, a group's name after a platform), written while fixing them (not blind). The
  reader does not learn it.
- `held_out_9.tsv`: a ninth, written blind 2026-12-01, measured once clean after round
  eight (5.76 % of 330 leaks let through: address 12.5 %, handle 11.4 %, postcode 5.7 %,
  link 2.9 %, phone 2.2 %, email 1.7 %; 1.52 % of 330 ordinary held: postcode districts
  8 %). Tuned on since (round nine, aimed at the ways of telling a detail rather than at
  its lines: bot/peers/contact_signals.py), so its figures here are tuned. The reader does
  not learn it.
- `kinds_9.tsv`: round nine, variants of the signals (platforms' nicknames, symbols said in
  brackets, plus signs, boxed letters and flags, quoted and run-together profile names,
  described handles, a house number told apart from its street, map positions, a postcode's
  rest described, a path put after a site, digit words misspelt or in other scripts) with a
  near-miss for each, times said in Hindi and Punjabi, decimal readings; written while
  fixing them (not blind). The reader does not learn it.
- `held_out_13.tsv`: a thirteenth, a natural mix written blind, measured once clean after
  round eleven (2.12 % of 330 leaks let through: handle 6.7 %, address 2.9 %, email 1.8 %;
  2.73 % of 330 ordinary held); tuned on by kind since (round twelve), so its figures here
  are tuned. `kinds_12.tsv`: round twelve's variants and near-misses (platforms in other
  scripts, "on most apps", a handle in pieces then claimed, emails without their dot, homes
  by a landmark, venues' postcodes for the sat nav, organisations' own sites and accounts).
  The reader learns neither.
- `held_out_15.tsv` and `held_out_16.tsv`: adversarial, written blind, measured once clean
  after round thirteen (held_out_15: 3.67 % of 300 leaks let through, 0.67 % of 300 held;
  held_out_16: 1.75 % of 400, 1.0 % of 300, addresses the weakest on both); tuned on by
  kind since (round fourteen), so their figures here are tuned. `kinds_14.tsv`: round
  fourteen's variants and near-misses (digits as words in more languages, Korean and Thai;
  a postcode spaced with dashes; homes in named buildings, by their kind beside a landmark,
  in pieces over messages; handles a word a message; districts with their place). The reader
  learns none of them.
- `held_out_17.tsv`: natural and determined, written blind, measured once clean after round
  fourteen (2.86 % of 350 leaks let through: handle 7.5 %, address 7.1 %; 1.67 % of 300
  held); tuned on by kind since (round fifteen), so its figures here are tuned.
  `kinds_15.tsv`: round fifteen's variants and near-misses (quoted profile names with a
  number, platforms described, "my own page is ...", addresses after "at home" and in pieces
  with the street said, symbols said as "(at sign)", organisations' schemes and local
  branches beside their sites, groups' own accounts). The reader learns neither.
- `held_out_18.tsv`: natural and determined, written blind, measured once clean after round
  fifteen (4.13 % of 387 leaks let through: handle 10.2 %, address 4.8 %, email 4.7 %;
  2.0 % of 300 held); tuned on by kind since (round sixteen), so its figures here are tuned.
  `kinds_16.tsv`: round sixteen's variants and near-misses (handles as recipes, "eye gee",
  pages named after the platform, a door's number alone after a street, "dot" disguised,
  asides between digits, clock faces). The reader learns neither.
- `held_out_19.tsv`: natural and determined, written blind, measured once clean after round
  sixteen (2.29 % of 350 leaks let through: address 9.1 %, link 2.6 %, postcode 2.5 %,
  handle 1.8 %, phone 0.9 %; 1.0 % of 300 held); tuned on by kind since (round seventeen),
  so its figures here are tuned. `kinds_17.tsv`: round seventeen's variants and near-misses
  (one-word streets with their word run in, Roman house numbers, what3words described,
  homes and postcodes a piece a message, links with a comma or a space for the dot, the
  name on here given for a platform; bus routes and public places on named streets, a named
  body's website, "insta-worthy"). The reader learns neither.
- `held_out_6.tsv`: a sixth, written blind 2026-12-01 with determined styles (spaced,
  spelt-out and split numbers, "(at)" and "[dot]", findable profiles, homes by landmark)
  and near-misses; measured once clean after round five: 1.33 % of 300 leaks let through
  (address 5.4 %, phone 1.9 %), 1.71 % of 350 ordinary held. Held to the issue's acceptance
  (at most 2 % and 5 %); nobody reads its lines while tuning, and the reader never learns it.
- `held_out_20.tsv`: written blind 2026-12-02 by a helper that never read the detector
  (spelled-out and disguised numbers, handles described in words, links on real platforms'
  domains, homes in pieces and in passing); measured once clean after round seventeen:
  0.57 % of 350 leaks let through (2 addresses), 1.33 % of 300 ordinary held. Held to the
  issue's acceptance; kept blind like held_out_6.

The learned second reader (bot/peers/contact_reader.py) is trained on these same corpora,
so the figures below are with it (the bench waits for it); the rules alone are held to
the same guards, since the reader only adds holds.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import contact_detection

from bot.peers import contact_reader
from bot.peers.contact import ContactKind, contact_details
from bot.peers.contact_mending import digitised, fold
from bot.peers.contact_pieces import earlier_messages

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


def test_kinds_6_corpus() -> None:
    # 0 of 129 leaks, 0 of 135 ordinary held (1 by the reader before round eight: a friend's
    # postcode abroad)
    found = figures("kinds_6")
    assert found["leak_rate"] <= 0.0079, found
    assert found["false_holds"] <= 0.0075, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "kinds_6.tsv"),
                                       use_reader=False)  # the rules alone: 0 and 0
    assert rules["leak_rate"] <= 0.0079, rules
    assert rules["false_holds"] <= 0.0075, rules


def test_held_out_7_corpus() -> None:
    # Blind at first: 12 of 330 leaks, 7 of 330 ordinary held (after round six); tuned on
    # since (round seven): 0 and 0, so this guards the kinds, it measures nothing unseen.
    found = figures("held_out_7")
    assert found["leak_rate"] <= 0.0031, found
    assert found["false_holds"] <= 0.0031, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "held_out_7.tsv"),
                                       use_reader=False)  # the rules alone: 1 and 0
    assert rules["leak_rate"] <= 0.0061, rules
    assert rules["false_holds"] <= 0.0031, rules


def test_held_out_8_corpus() -> None:
    # Blind at first: 19 of 330 leaks (16 read as the relay reads a line of several
    # messages), 8 of 330 ordinary held (after round seven); tuned on since (round eight):
    # 0 and 0, with the rules alone too, so this guards the kinds, it measures nothing unseen.
    found = figures("held_out_8")
    assert found["leak_rate"] <= 0.0031, found
    assert found["false_holds"] <= 0.0031, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "held_out_8.tsv"),
                                       use_reader=False)
    assert rules["leak_rate"] <= 0.0031, rules
    assert rules["false_holds"] <= 0.0031, rules


def test_held_out_9_corpus() -> None:
    # Blind at first: 19 of 330 leaks, 5 of 330 ordinary held (after round eight); tuned on
    # since (round nine): 0 leaks, 3 held (the reader: a district in Punjabi and Gujarati
    # chat, a Gujarati greeting); the rules alone 3 leaks ("LE9 2 double S", "my name but
    # with 3 z's", a corner house between two named streets), 0 held.
    found = figures("held_out_9")
    assert found["leak_rate"] <= 0.0031, found
    assert found["false_holds"] <= 0.0122, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "held_out_9.tsv"),
                                       use_reader=False)
    assert rules["leak_rate"] <= 0.0122, rules
    assert rules["false_holds"] <= 0.0031, rules


def test_kinds_9_corpus() -> None:
    # 0 of 46 leaks, 0 of 44 ordinary held; the rules alone the same.
    found = figures("kinds_9")
    assert found["leak_rate"] <= 0.0218, found
    assert found["false_holds"] <= 0.0228, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "kinds_9.tsv"),
                                       use_reader=False)
    assert rules["leak_rate"] <= 0.0218, rules
    assert rules["false_holds"] <= 0.0228, rules


def test_kinds_8_corpus() -> None:
    # 1 of 139 leaks (a handle in four pieces whose last two are dictionary words: "insta" /
    # "oad" / "by" / "walk er, no spaces"; the relay's two-message window never holds the
    # platform and the pieces together), 0 of 144 ordinary held; the rules alone the same.
    found = figures("kinds_8")
    assert found["leak_rate"] <= 0.0144, found
    assert found["false_holds"] <= 0.007, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "kinds_8.tsv"),
                                       use_reader=False)
    assert rules["leak_rate"] <= 0.0144, rules
    assert rules["false_holds"] <= 0.007, rules


def test_kinds_7_corpus() -> None:
    # 0 of 136 leaks, 1 of 129 ordinary held (by the reader: near-misses written to tempt it;
    # 3 before round eight, when a district with its place and a friend's postcode abroad
    # were held too)
    found = figures("kinds_7")
    assert found["leak_rate"] <= 0.0074, found
    assert found["false_holds"] <= 0.0156, found
    rules = contact_detection.evaluate(contact_detection.load(CORPORA / "kinds_7.tsv"),
                                       use_reader=False)  # the rules alone: 0 and 0
    assert rules["leak_rate"] <= 0.0074, rules
    assert rules["false_holds"] <= 0.0078, rules


def test_a_postcode_district_or_a_small_number_alone_is_never_held() -> None:
    # The spec: "LE4 area" passes. The learned reader held them (a newcomer's break-test).
    contact_reader.wait()
    for text in ("I'm in LE4", "le4", "LE4 or LE5", "moving to LE18", "me 2", "100",
                 "we did 300 steps"):
        assert contact_details(text) == [], text
    assert contact_details("LE4 9XY") and contact_details("ring me 07911 222 333")


def test_held_out_6_corpus_meets_the_acceptance() -> None:
    # Blind: 4 of 300 leaks, 6 of 350 held at first sight; 5 and 5 once the reader stopped
    # holding postcode districts and small numbers alone; 2 and 5 after round six (scored
    # once, its lines still unread).
    found = figures("held_out_6")
    assert found["leak_rate"] <= 0.02, found
    assert found["false_holds"] <= 0.05, found


def test_held_out_20_corpus_meets_the_acceptance() -> None:
    # Blind: 2 of 350 leaks, 4 of 300 held at first sight (after round seventeen).
    found = figures("held_out_20")
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



# Round six: the break-test's next kinds. Made-up members of each kind and their
# near-misses (not the corpus lines); the rules alone must decide them, the reader aside.


@pytest.mark.parametrize("text", ["steam: grumpygran77", "add me on steam, I'm wolfieleics",
                                  "my PSN is NanaRacer", "psn - oakbarrow",
                                  "xbox name: Tin Soldier Ted",
                                  "signal me, I'm under gazwalks", "line id: purplepatleics",
                                  "wechat: ZhangWeiLeics", "on the playstation I'm KnitNinja",
                                  "discord tag bevrun#1234"])
def test_handles_on_platforms_not_listed_before(text: str) -> None:
    assert rules(text) == [ContactKind.USERNAME]


@pytest.mark.parametrize("text", ["the steam room was heaving", "running out of steam",
                                  "is Signal free?", "a long line at the chemist",
                                  "my signal is awful in the flat", "my line is engaged",
                                  "he's on the xbox again", "PSN is down", "the Steam sale is on"])
def test_everyday_words_that_name_platforms_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["my snap is hazelnut", "my insta's just primrose",
                                  "tiktok: magpie", "I'm thistle on snapchat",
                                  "on insta I'm Juniper, say hi", "find me on fb as Kestrel",
                                  "add me on snap, I'm wren", "my username on tiktok is acorn"])
def test_dictionary_words_as_handles_after_a_platform(text: str) -> None:
    assert rules(text) == [ContactKind.USERNAME]


@pytest.mark.parametrize("text", ["saw a magpie on insta", "my snap of the primroses",
                                  "I'm hopeless on tiktok", "I'm new on snapchat, help",
                                  "my insta is private", "on facebook as usual",
                                  "I'm on facebook as myself", "insta: nope",
                                  "tiktok: baking videos, so relaxing",
                                  "I'm nan on facebook, the kids set it up",
                                  "on insta I'm mostly watching dog videos"])
def test_platforms_named_in_passing_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", [
    "I live in the flat above the bakery on Welford Road",
    "we're the cottage next to the chapel in Rothley",
    "my bungalow's the one opposite the Black Horse in Enderby, red door",
    "I'm in the flat over the Boots on Queens Road",
    "the semi behind the library in Syston, that's us",
    "home is the house past the Londis in Anstey"])
def test_a_home_by_a_landmark_with_no_number(text: str) -> None:
    assert rules(text) == [ContactKind.ADDRESS]


@pytest.mark.parametrize("text", ["the bench next to the co-op in Syston at 10?",
                                  "meet at the cafe above the bakery on Welford Road",
                                  "I live near Anstey, not far from the Londis",
                                  "the house opposite the chapel in Rothley is for sale",
                                  "I live for my allotment", "we're meeting behind the library"])
def test_landmarks_without_the_writers_home_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["I'm at 6 Laburnum Close", "we're at 3 Heron Way, Birstall",
                                  "send it to me at 9 Poplar Drive", "come to mine at 2 Ash Grove",
                                  "we're at 5 the Spinney, Groby"])
def test_a_small_house_number_after_at_is_a_home(text: str) -> None:
    assert rules(text) == [ContactKind.ADDRESS]


@pytest.mark.parametrize("text", ["meet at 6 by the bandstand", "see you at 11 at the gates",
                                  "meet me at 10 Abbey Park cafe",
                                  "I'm at 9 Bradgate Park on Sunday",
                                  "I'm at 4 Seasons for a coffee", "we went to 10 Downing Street"])
def test_times_and_public_places_after_at_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["ebay.co.uk/usr/nanasknits", "m.ebay.co.uk/str/bevsbits",
                                  "parkrun.org.uk/parkrunner/7712345", "amazon.co.uk/shop/jofinds",
                                  "amazon.co.uk/hz/wishlist/ls/1ABCDEF",
                                  "www.meetup.com/members/99123",
                                  "youtube.com/@grannysgarden"])
def test_peoples_own_pages_on_listed_sites(text: str) -> None:
    assert ContactKind.LINK in rules(text)


@pytest.mark.parametrize("text", ["parkrun.org.uk/victoriapark/results", "ebay.co.uk/itm/2234567",
                                  "rightmove.co.uk/properties/15123456", "zoopla.co.uk/for-sale/",
                                  "eventbrite.co.uk/e/walk-tickets-9912345",
                                  "meetup.com/wigston-walkers/events/30012345",
                                  "bbc.co.uk/weather/2644668", "visitleicester.info/parks"])
def test_public_pages_pass(text: str) -> None:
    assert rules(text) == []


def test_a_property_listing_given_as_home_is_an_address() -> None:
    assert rules("our bungalow's up for sale, rightmove.co.uk/properties/15123456") == [
        ContactKind.ADDRESS]
    assert rules("rightmove.co.uk/properties/15123456 looks lovely") == []


@pytest.mark.parametrize("text", ["my Irish mobile is 086 123 4567", "087 765 4321 is me",
                                  "ring me on 085 2345678", "+353 83 123 4567",
                                  "my Polish number is 512 345 678", "mi número es 699 123 456",
                                  "my German handy is 0170 1234567", "text 512 876 543"])
def test_irish_and_foreign_mobiles(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE]


@pytest.mark.parametrize("text", ["Spain is +34, Ireland +353", "gate 087 at Dublin airport",
                                  "lottery 06 14 27 33 45 lucky star 2",
                                  "0871 234 5678 is the booking line for the coach"])
def test_codes_gates_and_service_numbers_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["zéro sept huit huit un deux trois quatre cinq six sept",
                                  "cero siete ocho ocho uno dos tres cuatro cinco seis siete",
                                  "shunya saat aath aath ek be tran char panch chha saat",
                                  "07880 nueve uno dos tres cuatro cinco",
                                  "mon numéro: zéro six, douze, trente-quatre, cinquante-six, "
                                  "soixante-dix-huit"])
def test_digits_as_words_in_french_spanish_and_gujarati(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE]


@pytest.mark.parametrize("text", ["un deux trois, and stretch", "uno dos tres cuatro cinco",
                                  "ek be tran char, counting with the grandkids",
                                  "quatre-vingt-dix ans, bless her", "tres leches, dos cafés"])
def test_counting_in_french_spanish_and_gujarati_passes(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", ["06:50 07:20 07:50 08:20 from Oadby", "0650 0720 0750 0820",
                                  "splits 06:58 07:02 06:49", "meter was 07712 now 07719",
                                  "meter readings 05521 05534 05548",
                                  "gas meter 03312, electric 07788",
                                  "the 88 goes 07:10, 07:40, 08:10"])
def test_timetables_and_readings_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize(("earlier", "later", "kind"), [
    ("jo.baker", "at btinternet", ContactKind.EMAIL),
    ("email me, pat dot king", "at hotmail", ContactKind.EMAIL),
    ("my postcode is LE3", "9QT", ContactKind.POSTCODE),
    ("le5", "4bn", ContactKind.POSTCODE),
    ("my snap", "hollyhockwalks", ContactKind.USERNAME),
    ("find me on insta, I'm", "wigstonwanderer", ContactKind.USERNAME),
    ("my site is patknits dot", "co dot uk", ContactKind.LINK),
    ("I live at 17", "Linden Grove", ContactKind.ADDRESS),
    ("my mobile is 07880", "123456", ContactKind.PHONE),
    ("ring me on oh seven eight", "eight oh one two three four five six", ContactKind.PHONE)])
def test_a_detail_split_over_two_messages(earlier: str, later: str, kind: ContactKind) -> None:
    assert rules(earlier) == [] and rules(later) == []
    assert kind in contact_details(later, previous=earlier, use_reader=False)
    assert kind in contact_details(later, previous=[earlier], use_reader=False)


@pytest.mark.parametrize(("earlier", "later"), [
    ("I love my insta", "sunflowers everywhere at the park"),
    ("are you on snapchat?", "Ventolin 2 puffs"),
    ("I'm on the 2nd floor", "the team email is hello@movemates.org.uk"),
    ("the bus was the 22", "Mill Lane was closed"),
    ("we're in LE5", "4 of us on the walk"),
    ("bp 128 over 82", "07.30 start tomorrow"),
    ("ann smith was there", "at the gym"),
    ("see you at 10", "Abbey Park gates")])
def test_ordinary_messages_in_a_row_are_not_read_as_one_detail(earlier: str, later: str) -> None:
    assert contact_details(later, previous=earlier, use_reader=False) == []


def test_random_pairs_of_ordinary_messages_are_rarely_held() -> None:
    # The split reading on ordinary chat (bench/contact_detection.py --pairs): 0.44 % of
    # 20,000 pairs, 0.63 % of triples; a naive joined reading held 3 %.
    found = contact_detection.pairs(1500, use_reader=False, seed=11)
    assert found["pairs_held_by_the_split_reading"] < 0.01, found
    assert found["triples_held_by_the_split_reading"] < 0.01, found


# Round seven: blind held_out_7's kinds. Made-up members of each kind and near-misses (not
# the corpus lines); the rules alone decide them.
@pytest.mark.parametrize(("text", "kind"), [
    ("xbox gamertag: Muddy Wellies 63", ContactKind.USERNAME),
    ("psn: dancing gran 19", ContactKind.USERNAME),
    ("my playstation name's Lazy Lion 44", ContactKind.USERNAME),
    ("steam friend code 771 204 985, add me", ContactKind.USERNAME),
    ("I'm holly.bakes on most things, insta, fb", ContactKind.USERNAME),
    ("ignore the letters: 0r7r9r1r2r4r4r5r6r6r1", ContactKind.PHONE),
    ("0e7e8e8e0 1e2e3e4e5e6", ContactKind.PHONE),
    ("my home phone is six one two, oh four four eight", ContactKind.PHONE),
    ("my telephone is Leicester 2471 556", ContactKind.PHONE),
    ("three three one, nine nine oh two, it's the leicester code", ContactKind.PHONE),
    ("nine one two, four four five, six seven eight, then 07 at the start", ContactKind.PHONE),
    ("text me 07813, then my house number, then 552", ContactKind.PHONE),
    ("plus four four, seven nine one two, three four five, six seven eight", ContactKind.PHONE),
    ("le4 nine tee why", ContactKind.POSTCODE),
    ("LE2, 6 are you", ContactKind.POSTCODE),
    ("it's L, E, 3, 8, N, P", ContactKind.POSTCODE),
    ("LE8 - 4 - QX", ContactKind.POSTCODE),
    ("my eircode is F92 K3P1", ContactKind.POSTCODE),
    ("our PIN code is 382 421, Gandhinagar", ContactKind.POSTCODE),
    ("mój kod pocztowy to 60-101 Poznań", ContactKind.POSTCODE),
    ("address back home: 4 Laxmi Nagar, Rajkot", ContactKind.ADDRESS),
    ("3 rue Victor Hugo, Lille is where I'm staying", ContactKind.ADDRESS),
    ("ul. Polna 12, Łódź", ContactKind.ADDRESS),
    ("we're the cottage at the end of the lane off Green Lane in Anstey", ContactKind.ADDRESS),
    ("pop round, 17 Eastway, Birstall, knock loud", ContactKind.ADDRESS),
    ("Holly Cottage, Church Road, Kirby Muxloe", ContactKind.ADDRESS),
    ("tomasz.lis małpa gmail kropka com", ContactKind.EMAIL),
    ("it's maria dot lopez thirty one at hotmail", ContactKind.EMAIL)])
def test_round_seven_kinds_are_held(text: str, kind: ContactKind) -> None:
    assert kind in rules(text)


@pytest.mark.parametrize("text", [
    "tiktok: day 40 of the challenge!", "psn was down 3 hours", "3x2x1, lift off",
    "the bag was 30x20x10", "my number is 7, 15, 22 in the draw", "my telephone is playing up",
    "we start 0700, 07 at the front of the queue", "ring me at 0745 then the 0900 bus",
    "I'm 3 why?", "it's 2 you and me", "the A45 2030 plan", "D24 is a nice part of Dublin",
    "we did 395007 steps as a club", "my Italian friend's postcode is 00184, Rome",
    "the Champs-Élysées is lovely, rue de Rivoli too", "halfway up the hill in Bradgate I sat",
    "my Fiat Punto is in for its MOT", "swimming.org has the quiet sessions",
    "Diabetes UK's helpline@diabetes.org.uk rang me back", "search The Body Coach on youtube",
    "search Move It or Lose It on youtube", "quarter past 10, Victoria Park gates",
    "I'm still on Windows 10", "see you b4 9 - at the gate"])
def test_round_seven_near_misses_pass(text: str) -> None:
    assert rules(text) == []


# A person's name is never the learned reader's to hold (a break-test, F6: once the reader
# had trained, the alias "Bev" and "Jean‑Luc" typed with U+2011 were held as usernames, so
# the relay showed "Your match", and "Thanks Bev" was held back).
NAMES = ["Bev", "Jean\u2011Luc", "Jean\u2010Luc", "Jean-Luc", "D\u2019Arcy", "O'Neill", "Dot",
         "Svetlana", "Nana Joan", "Bev T", "Dr Sam", "Big Dave", "Siobhan", "Wojciech", "Łukasz"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_alone_or_spoken_to_passes_once_the_reader_is_trained(name: str) -> None:
    assert contact_reader.wait() is not None  # the fault showed only after training
    for text in (name, f"{name} x", f"Thanks {name}", f"see you {name}", f"Morning {name}",
                 f"ta {name}!", f"Cheers {name}, see you Tuesday", f"Hi {name}, how was it?"):
        assert contact_details(text) == [], text
    assert not contact_reader.has_material(name)


@pytest.mark.parametrize("text", ["bev", "BEV", "jean-luc", "jean\u2011luc", "thanks bev",
                                  "ta bev!", "bev x", "cheers shaz, see you tuesday"])
def test_a_short_name_typed_in_one_case_passes_once_the_reader_is_trained(text: str) -> None:
    assert contact_reader.wait() is not None
    assert contact_details(text) == []


def test_a_name_with_a_detail_is_still_held() -> None:
    assert contact_reader.wait() is not None
    assert contact_details("Bev 07700 900123") == [ContactKind.PHONE]
    assert contact_details("Thanks Bev, I'm bevknits on insta") == [ContactKind.USERNAME]
    assert contact_details("Jean\u2011Luc, add me on snap: jlwalks62") == [ContactKind.USERNAME]
    # A made-up word alone is still the reader's to weigh; only a name as people write one
    # (capitalised, any hyphen) is set aside.
    assert contact_reader.has_material("bevknits")


# Round eight: blind held_out_8's kinds. Made-up members of each kind and near-misses (not
# the corpus lines, nor kinds_8's); the rules alone decide them unless a test says so.
@pytest.mark.parametrize("text", [
    "zero VII IX I zero, IV IV V, VI VII I I",  # Roman numerals
    "0 VII 8 VIII, IX I II, III IV V",
    "oh seven nein won too, tree fore fore, fife six ate",  # words that sound like digits
    "07812 456 XXX where XXX is 9 1 2",  # a placeholder filled in after
    "my mobile is 07956 331 then 7 4 2",  # the end told digit by digit
    "each digit is one more than the real one: 18934 223 891, take one off each",
    "zero siedem dziewięć dwa zero, trzysta dwanaście, czterysta czterdzieści",  # Polish
    "07700 dziewięćset sto dwanaście"])
def test_round_eight_phone_numbers(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE]


@pytest.mark.parametrize("text", [
    "Rocky IV and V are the best ones", "Henry VIII, then Henry VII, then the gift shop",
    "I won too, two raffles in a row!", "2 for 1 at the cafe, 3 for 2 on cake",
    "10:00 for a cuppa, too early?", "the form said XXX for the surgery code",
    "my lottery numbers are 3 5 8 12 20", "take one off each of the reps if your knee hurts",
    "sto lat, Basia!", "dwadzieścia minut do parku",
    "the Leicester code is 0116, Nottingham is 0115",
    "the dialling code for Melton is 01664, and I said 01662 lol"])
def test_round_eight_phone_near_misses_pass(text: str) -> None:
    assert rules(text) == []


def test_a_number_in_pieces_with_a_filler_between_is_held_where_a_piece_meets_its_start() -> None:
    # "07700" / "900" / "cont..." / "975": the relay passes only the last two messages on,
    # so the mobile's first eight digits are held where they meet; the rest never joins them.
    assert rules("07700 900") == [ContactKind.PHONE]
    assert contact_details("411", previous="07912", use_reader=False) == [ContactKind.PHONE]
    assert contact_detection.read("07945⏎338⏎cont...⏎217", use_reader=False) == ["phone"]
    # A time or a count meeting a number's start is no number.
    assert contact_details("900 steps by 9", previous="07:45 start", use_reader=False) == []
    assert rules("0745 0800 0815") == []


@pytest.mark.parametrize("text", [
    "my gmail is my name with 64 on the end, Tom Reid",  # described as the writer's name
    "email's just my full name at outlook",
    "email: tina dot moss at hotmaildotcouk",  # the provider and its ending typed as one
    "gee mail: tina.moss.64", "its tina.moss at g male",  # sounded out
    "its tom dot reid, the usual google one",  # the company named for its mail
    "tom reid64 and it's a microsoft one"])
def test_round_eight_emails(text: str) -> None:
    assert rules(text) == [ContactKind.EMAIL]


@pytest.mark.parametrize("text", [
    "gmail keeps sending my name to spam", "my email has my name in it",
    "the jee mail joke again lol", "which drive, the usual google one?",
    "everyone's on gmail dot com these days", "hotmail.co.uk logged me out again",
    "a hot male nurse, honestly"])
def test_round_eight_email_near_misses_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("text", [
    "strava: oadbyrunner71", "garmin connect: hinckleyhiker", "on zwift I'm Tom R, say hi",
    "I post on Nextdoor as Jan P in Wigston", "mumsnet name is MuddyInMelton",
    "my gaming name on PS5 is WigstonWarrior", "reddit u/HinckleyHiker",
    "parkrun athlete id A4455667, look me up", "insta: t, i, n, a, underscore, m, o, s, s",
    "tiktok: my snapchat name with a 2 on the end", "I'm 'BirstallBev' on insta",
    "my name on komoot is Roamingrita"])
def test_round_eight_handles(text: str) -> None:
    assert rules(text) == [ContactKind.USERNAME]


@pytest.mark.parametrize("text", [
    "strava says 6k today", "next door's cat is in my garden again",
    "my nextdoor neighbour brought soup", "r/running is good for tips",
    "the A5460 past the parkrun is busy", "a, b, c or d?", "is it walk way, all one word?",
    "whats app, all one word or two?", "I'm 'okay' on facebook really",
    "fb: running club 10", "whatsapp: walking group 2", "facebook: Oadby Striders Club 4",
    "my Fitbit app, e.g. the step counter"])
def test_round_eight_handle_near_misses_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize(("line", "kind"), [
    ("add me on tiktok, username in the next message⏎walkingwendy62", "username"),
    ("snap⏎its⏎bram⏎blebev, all one word", "username"),
    ("email⏎tina.moss⏎at yahoo⏎dot co dot uk", "email"),
    ("flat number is 12⏎street is Dover Street⏎Leicester", "address")])
def test_round_eight_details_over_several_messages(line: str, kind: str) -> None:
    assert kind in contact_detection.read(line, use_reader=False)


@pytest.mark.parametrize("line", [
    "I'm on insta, will send a pic in a sec⏎lovely", "bus number is 14⏎road is closed",
    "facebook group info in the next message⏎meeting at 10", "email⏎is rubbish⏎at work"])
def test_round_eight_ordinary_messages_in_a_row_pass(line: str) -> None:
    assert contact_detection.read(line, use_reader=False) == []


@pytest.mark.parametrize(("text", "kind"), [
    ("backwards it's BA9 4EL", ContactKind.POSTCODE),
    ("my bungalow is the end one on Laburnum Way in Enderby", ContactKind.ADDRESS),
    ("the red brick house, last on the right on Forest Road in Huncote", ContactKind.ADDRESS),
    ("3rd house past the phone box on Main Street, the one with the ramp", ContactKind.ADDRESS),
    ("two doors down from the Bell on Main Street in Anstey, green door", ContactKind.ADDRESS),
    ("the house is called Hollybank, Church Lane, Ratby", ContactKind.ADDRESS),
    ("plus code 9C4X+R2 Syston, that's us", ContactKind.ADDRESS),
    ("grid ref SK 6101 0722, that's my house", ContactKind.ADDRESS),
    ("w3w: apple . river . chair, our gate", ContactKind.ADDRESS),
    ("my door is 9, Fernleigh House, 4th floor", ContactKind.ADDRESS),
    ("I'm the cottage at the end of Bog Lane past Stoughton", ContactKind.ADDRESS),
    ("the bungalow behind the chapel in Barrow, the one with the ramp", ContactKind.ADDRESS)])
def test_round_eight_postcodes_and_homes(text: str, kind: ContactKind) -> None:
    assert kind in rules(text)


@pytest.mark.parametrize("text", [
    "walking backwards in LE3 is a hoot", "LE3 is a nice area",
    "the end one on Church Road is the best pub",
    "the last house on the left on Mill Lane was sold",
    "the chemist is two doors down from the Bell on Main Street",
    "our dog is called Hollybank lol", "the plus code thing is clever",
    "Bardon Hill trig point is SK 4596 1318", "what3words is so clever",
    "my door is stuck again", "the car park at the end of Bog Lane was full",
    "the cafe behind the chapel in Barrow, the one with the blue door",
    "house number is 3, the road is closed"])
def test_round_eight_postcode_and_home_near_misses_pass(text: str) -> None:
    assert rules(text) == []


# A public venue's full postcode finds the building, not anyone (round eight's decision:
# contact_public.venues_postcode, with its hazard); a home's beside a venue is still held.
@pytest.mark.parametrize("text", [
    "Glenfield Hospital, Groby Road, LE3 9QP, car park 3",
    "Coalville Library, High Street, LE67 3EA, chair yoga thursdays",
    "the LRI, Infirmary Square, LE1 5WW", "LRI's postcode is LE1 5WW for the taxi",
    "glenfield hospital, groby road, le3 9qp is the heart centre"])
def test_a_public_venues_postcode_passes(text: str) -> None:
    assert contact_reader.wait() is not None
    assert contact_details(text) == []


@pytest.mark.parametrize("text", [
    "I'm opposite Glenfield Hospital, LE3 9QP, come round",
    "opposite Glenfield Hospital, LE3 9QP",
    "my postcode is LE67 3EA, by Coalville Library",
    "The Old Chapel, Main Street, LE7 4AB",
    "Coalville Library, L E 6 7 3 E A",
    "14 Church Lane, LE7 4AB"])
def test_a_homes_postcode_beside_a_venue_is_held(text: str) -> None:
    assert ContactKind.POSTCODE in rules(text)


# Leftovers the learned reader held, and must not: a district with its place, a name typed
# in small letters with kisses, a friend's postcode abroad, platforms and providers named
# in passing ("send me your linkedin lol").
@pytest.mark.parametrize("text", [
    "my postcode is LE4, the Belgrave end", "postcode is LE3, the Braunstone end",
    "I'm LE12, Shepshed", "le65 here lol, Ashby", "LE9, Earl Shilton side",
    "nana joan x", "nana jean x", "grandad bob xx", "auntie pat x",
    "my French friend's postcode is 75012", "my Polish friend's postcode is 31-420, Kraków",
    "send me your linkedin lol", "gmail spelt my name wrong", "fb: running club 10"])
def test_round_eight_leftovers_pass_once_the_reader_is_trained(text: str) -> None:
    assert contact_reader.wait() is not None
    assert contact_details(text) == []


def test_a_district_with_a_detail_is_still_held() -> None:
    assert contact_reader.wait() is not None
    assert contact_details("LE4, the Belgrave end, 07700 900 412") == [ContactKind.PHONE]
    assert contact_details("my postcode is LE4 5AB, the Belgrave end") == [ContactKind.POSTCODE]
    assert contact_details("my postcode back home is 75012") == [ContactKind.POSTCODE]


# Round nine: the ways of telling a detail that slipped across held_out_7, 8 and 9
# (bot/peers/contact_signals.py). Made-up members of each signal and near-misses (not the
# corpus lines, nor kinds_9's); the rules alone decide them.
@pytest.mark.parametrize(("text", "kind"), [
    ("look me up on the bird site, moorhenmandy", ContactKind.USERNAME),  # a nickname
    ("dodaj mnie na fejsie, Zofia Kowalczyk z Oadby", ContactKind.USERNAME),
    ("snap: bex[underscore]bakes[underscore]88", ContactKind.USERNAME),  # said in brackets
    ("kate.lowe(at)yahoo(dot)co(dot)uk", ContactKind.EMAIL),
    ("margaret + 48 + @ + gmail + .com", ContactKind.EMAIL),  # plus signs
    ("🆃🅸🅺🆃🅾🅺: 🅶🅰🆁🅳🅴🅽🅶🅻🅾🆁🅸🅰", ContactKind.USERNAME),  # boxed letters
    ("🇱 🇪 7 1 🇶 🇷", ContactKind.POSTCODE),  # flags' letters
    ("LE3 ➕ 2 ➕ W ➕ P", ContactKind.POSTCODE),
    ("my komoot name is 'Wobbly Wheels Wendy'", ContactKind.USERNAME),  # quoted
    ("add me on tiktok, GrannyGetsFit", ContactKind.USERNAME),  # run together, invited
    ("I'm BirdwatchBarbara on there, same app as you", ContactKind.USERNAME),
    ("my snap is my name then the year I was born, lorna and 1966", ContactKind.USERNAME),
    ("my insta is the initials of Red Apples Taste Nice, lowercase", ContactKind.USERNAME),
    ("the 48 bus, that's my house number, Welford Road", ContactKind.ADDRESS),
    ("mera ghar Belgrave Road pe 92 number hai", ContactKind.ADDRESS),
    ("lat 52.6201 long -1.0913, the cottage at the end", ContactKind.ADDRESS),
    ("52°39'05\"N 1°06'50\"W", ContactKind.ADDRESS),  # degrees
    ("three words: kettle orange ladder, the map app", ContactKind.ADDRESS),
    ("the first bit is LE3, the rest is 5 then my initials", ContactKind.POSTCODE),
    ("go to tiktok's website and put /nanabakes after it", ContactKind.LINK),
    ("oh sevn 9 1 2, 3 4 5 sevn 8 9", ContactKind.PHONE),  # misspelt digit words
    ("صفر سات آٹھ ایک دو تین چار پانچ چھ سات نو", ContactKind.PHONE),  # Urdu script
    ("शून्य सात सात आठ एक दो तीन चार पांच छह सात", ContactKind.PHONE),  # Hindi script
    ("07700 9ØØ 412", ContactKind.PHONE),  # a slashed O for a zero
    ("mieszkam przy Welford Road, numer dwadzieścia", ContactKind.ADDRESS),  # Polish
    ("2 7 B i r c h R d, Oadby", ContactKind.ADDRESS),  # typed letter by letter
    ("look for WalkAndTalkTina on it, same app as your mum", ContactKind.USERNAME)])
def test_round_nine_signals(text: str, kind: ContactKind) -> None:
    assert rules(text) == [kind]


@pytest.mark.parametrize("text", [
    "a robin on the bird table, the site of my old shed", "na fejsie rzadko bywam",
    "fill in (underscore) where the blank is", "3 + 4 + 5 = 12 laps", "bread + milk + eggs",
    "🇬🇧 won the bowls!", "🅾🅺 see you Tuesday", "the video is called \"Walk It Off\"",
    "I'm on there too, it's good", "add me on facebook? I never use it lol",
    "my snap is broken again", "my age is 68 and my knees know it",
    "the 48 bus goes up Welford Road", "our house number came off in the storm",
    "it's 52° in the greenhouse", "in three words: tired but happy",
    "LE3 and the rest of the city got snow", "walks/runs/swims all count",
    "sevn days straight, fiv miles today", "एक दो तीन, चलो!",
    "kal subah 8 baje Abbey Park mein milte hain", "6 vaje Belgrave Road te chai",
    "sugar readings: 6.2, 7.4, 8.1, 6.6", "I'm McKay on there too",
    "mieszkam w Leicester od 2004, numer jeden w sercu", "route 66 on the map app"])
def test_round_nine_near_misses_pass(text: str) -> None:
    assert rules(text) == []


def test_a_house_number_told_needs_its_street_after_it() -> None:
    # The street follows "house number" when it is the home's; one named before in passing
    # (here in the message before) is not, so the split reading holds nothing new.
    assert rules("you know the 22 bus? that's my house number, on Welford Road") == [
        ContactKind.ADDRESS]
    assert contact_details("My house number is the same as my age lol",
                           previous="the 14 stops past the Co-op on Narborough Road",
                           use_reader=False) == []


# Round ten: the kinds that slipped through blind held_out_10 and 11 (bot/peers/
# contact_told.py and small changes beside it). Made-up members of each kind and
# near-misses (not the corpus lines, nor kinds_10's); the rules alone decide them.
@pytest.mark.parametrize(("text", "kind"), [
    ("ɯoɔ˙ooɥɐʎ@ʇʇoɔs˙ʎʞɔɐɾ", ContactKind.EMAIL),  # upside down
    ("my insta (hold it upside down): ǝuɐɾsǝʞɐq", ContactKind.USERNAME),
    ("my strava name is my late husband's name and our year, Derek1971", ContactKind.USERNAME),
    ("my tiktok account is a pun on my name, it is sueperstar_walks", ContactKind.USERNAME),
    ("I'm \"pennypedals\" on everything", ContactKind.USERNAME),  # claimed everywhere
    ("my name on insta is the same as here with 'leics' on the end", ContactKind.USERNAME),
    ("doing it in chunks so the filter doesn't block it: 07", ContactKind.PHONE),
    ("seven nine one one double two three four five, stick a zero on the front",
     ContactKind.PHONE),
    ("LE2 eight double W, that's me", ContactKind.POSTCODE),  # a doubled letter said
    ("LE7 and the rest is my house number then my initials: 4RT", ContactKind.POSTCODE),
    ("le9 1lb", ContactKind.POSTCODE),  # a unit's letters that spell a measure
    ("pick me up from mine, second house past the Black Horse", ContactKind.ADDRESS),
    ("could you drop the leaflets off at 31 Heather Way, Oadby", ContactKind.ADDRESS),
    ("dodaj mnie na Facebooku — Irena Kowalska, Syston", ContactKind.USERNAME)])  # any dash
def test_round_ten_kinds_are_held(text: str, kind: ContactKind) -> None:
    assert rules(text) == [kind]


@pytest.mark.parametrize("text", [
    "my granddaughter typed ¡ɯɐu ollǝɥ upside down for me",
    "my insta account is mostly pictures of the garden",
    "I'm \"retired\" on pretty much everything now", "is your name on fb the same as here?",
    "I'll explain it in bits, it's a long story", "I'm stopping in bits, 2 laps done",
    "the date wants a 0 on the front, 09 for September", "LE2 and LE3 both had snow",
    "Oadby's LE2, isn't it?", "I lost 3lb this month!",
    "it's the second house we viewed that we liked", "drop me off at 10 tomorrow please",
    "Age UK's number is 0116 299 2233, ask for the advice team",
    "facebook.com/LeicestershireLibraries has the rhyme times",
    "the Alzheimer's Society have a line, their site is alzheimers.org.uk",
    "on youtube search \"seated exercise 10 minutes\", I did it today",
    "search Stroke Association Exercise on youtube", "what's the www for?",
    "we'll swap numbers at some point when the bot says",
    "Meet at the Leicester Museum? It's New Walk, LE1 7EA"])
def test_round_ten_near_misses_pass(text: str) -> None:
    assert rules(text) == []


def test_a_name_split_by_a_symbol_word_across_messages_is_held() -> None:
    # "hollie underscore" / "hobbles": the word after a said symbol is the name's, though a
    # dictionary has it; the same word alone after ordinary chat is not.
    assert contact_details("hobbles", previous="snapchat dora underscore",
                           use_reader=False) == [ContactKind.USERNAME]
    assert contact_details("le4 0lb", use_reader=False) == [ContactKind.POSTCODE]
    assert contact_details("0lb", previous="I'm le4", use_reader=False) == [
        ContactKind.POSTCODE]
    assert contact_details("hobbles", previous="my knee still", use_reader=False) == []


# Round eleven (blind held_out_12's kinds: details pointed at rather than given; see
# bot/peers/contact_pointed.py and content/contact_examples/kinds_11.tsv).
@pytest.mark.parametrize(("text", "kind"), [
    ("I'm the one with the black labrador photo on the Wigston Dog Walkers facebook group, "
     "message me there", ContactKind.USERNAME),
    ("I'm Hinckley Hal on the Long Covid UK forum, send me a PM there", ContactKind.USERNAME),
    ("I'm on facebook, Sunita Mistry, the one with the dog", ContactKind.USERNAME),
    ("search my name Tomasz Nowak on facebook", ContactKind.USERNAME),
    ("my name on the Arthritis Action forum is creakyknees, drop me a line there",
     ContactKind.USERNAME),
    ("my insta is my initial and surname, r.patel", ContactKind.USERNAME),
    ("it's jenny.w at the usual google one", ContactKind.EMAIL),
    ("margaret at btinternet, the dot com one", ContactKind.EMAIL),
    ("numberkaygu waa eber toddoba sagaal kow laba saddex afar shan lix toddoba siddeed",
     ContactKind.PHONE),
    ("میرا نمبر ۰۷۷۰۰ ۹۰۰۴۵۶ ہے", ContactKind.PHONE),  # Arabic-Indic / Persian digits
    ("আমার নম্বর ০৭৭০০ ৯০০৪৫৬", ContactKind.PHONE),  # Bengali digits
    ("my number is ❶❷❸ ❹❺❻ ❼❽❾", ContactKind.PHONE),  # dingbat digits: unicodedata.digit
    ("I'm at 5 Rose Cottages, behind the church in Anstey", ContactKind.ADDRESS),
    ("I'm in room 22 at Elmfield care home in Birstall, come and see me", ContactKind.ADDRESS),
    ("third house past the phone box on Station Road in Syston, blue door",
     ContactKind.ADDRESS),
    ("I'm in the cottage at the end of Mill Lane, Thornton", ContactKind.ADDRESS),
    ("we're next door but one to the chemist on London Road", ContactKind.ADDRESS),
    ("I live on Kingsway Road in Braunstone, the number's on the gate, 42",
     ContactKind.ADDRESS),
    ("our boat's moored at Market Harborough basin, a narrowboat called Daisy, that's home",
     ContactKind.ADDRESS),
    ("I'm LE3 9 something, the last two letters are QP", ContactKind.POSTCODE),
    ("el ee five, two, tee why", ContactKind.POSTCODE),
])
def test_round_eleven_kinds_are_held(text: str, kind: ContactKind) -> None:
    assert kind in rules(text)


@pytest.mark.parametrize("text", [
    "I'm the one in the red coat at the Tuesday group, come and say hello",
    "add me on facebook later, I'm in the Leicester Walking Group there",
    "I joined the Parkinson's UK forum last year, it helped a lot",
    "message me on here if the walking group sounds good",
    "I saw it on facebook, Leicester Mercury posted about the road closure",
    "my username on here is just my first name",
    "see you at the usual one, the cafe by the lake",
    "I volunteer at Ashdene care home on Tuesdays, doing the tea trolley",
    "the second house past the pub on Main Street had a fire last week",
    "the farmhouse at the end of Ratby Lane was sold for a fortune",
    "the cafe is next door to the library on Welford Road",
    "we hired a narrowboat called Mabel at Foxton Locks last summer, lovely week",
    "counting in Somali with my grandson: kow, laba, saddex, afar, shan",
    "the sugar readings were 07.2 07.9 06.8 this week",
    "the sign for the Glenfield Hospital car park says LE3 9QP",
    "Braunstone Park for parkrun is LE3 1HT on google maps",
    "my old postcode in Kraków was 31-420, I miss it",
])
def test_round_eleven_near_misses_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize("pieces", [
    ["insta", "@", "maggie"], ["snap", "@", "rosie", "_", "walks"], ["marcus", "_", "lfc"],
    ["oh seven seven oh oh", "nine oh oh"],
])
def test_round_eleven_pieces_a_message_are_held(pieces: list[str]) -> None:
    # Each message read as the relay reads it: the last two passed on as `previous`.
    passed: list[str] = []
    held = False
    for piece in pieces:
        if contact_details(piece, previous=" ".join(passed[-2:]), use_reader=False):
            held = True
        else:
            passed.append(piece)
    assert held


def test_a_lone_dot_between_ordinary_messages_passes() -> None:
    assert contact_details("thanks", previous="see you then .", use_reader=False) == []


# Round twelve (held_out_13's kinds, tuned by kind: content/contact_examples/kinds_12.tsv).
@pytest.mark.parametrize(("text", "kind"), [
    # A platform and "search" in another script, the name in Latin letters.
    ("ફેસબુક પર Hansa Mistry Belgrave શોધી લેજો", ContactKind.USERNAME),
    ("फेसबुक पर Priya Shah Evington खोजें", ContactKind.USERNAME),
    ("فیس بک پر Rukhsana Begum Highfields تلاش کریں", ContactKind.USERNAME),
    ("انسٹاگرام پر meenawalks52 ہوں میں", ContactKind.USERNAME),
    ("facebook pe Sunita Mehta Oadby dhoondo", ContactKind.USERNAME),
    # A made-up name beside the platforms as a whole, or before its platform.
    ("I'm knitnanjoy on most apps", ContactKind.USERNAME),
    ("craftycarolyn on all the apps, say hi", ContactKind.USERNAME),
    ("BramblingBev, that's me on insta", ContactKind.USERNAME),
    ("hilltopharry is my tiktok", ContactKind.USERNAME),
    # An email dictated with its ending's dot left out.
    ("my email's jan kowal 62 at example com, all lower case", ContactKind.EMAIL),
    ("email: ravi patel at example co uk no spaces", ContactKind.EMAIL),
    # A home picked out by its look beside a named landmark.
    ("It's the little green bungalow behind the Plough in Anstey, gnome by the door",
     ContactKind.ADDRESS),
    ("mine's the cottage opposite St Peter's church on Church Lane", ContactKind.ADDRESS),
    # Not an organisation's: the writer's, or a person's.
    ("our walking group's site is wigstonwalkers.org.uk, I run it", ContactKind.LINK),
    ("Sarah Jones is on sarahjones.co.uk, she does the massages", ContactKind.LINK),
    # A group's own site is where its members are reached (as held_out labels it).
    ("the Oadby walkers meet Mondays, details on oadbywalkers.org.uk", ContactKind.LINK),
    ("put LE4 6AB in the sat nav to get to mine", ContactKind.POSTCODE),
])
def test_round_twelve_kinds_are_held(text: str, kind: ContactKind) -> None:
    assert kind in rules(text)


@pytest.mark.parametrize("text", [
    "ਮੈਂ ਫੇਸਬੁੱਕ ਤੇ ਨਹੀਂ ਹਾਂ, ਪੋਤਾ ਚਲਾਉਂਦਾ ਹੈ",
    "યુટ્યુબ પર chair yoga ના વીડિયો સારા છે",
    "I'm hopeless on most apps, my grandson sorts it",
    "grandkids on tiktok all day long",
    "I'm behind on most things this week",
    "the email from the surgery came at tea time",
    "the big house next to the Red Lion in Kibworth was sold",
    "It's the cafe next to the Co-op in Wigston, lovely scones",
    "put LE3 9QP in the sat nav for Glenfield Hospital, park round the back",
    "QMC postcode for the sat nav is NG7 2UH",
    "Rainbows hospice have a shop in Loughborough, rainbows.org.uk has the details",
    "vistablind.org.uk for the sight loss support",
    "goodgym.org do runs where you help someone on the way",
    "@LOROSHospice on facebook posts the shop's opening times",
])
def test_round_twelve_near_misses_pass(text: str) -> None:
    assert rules(text) == []


@pytest.mark.parametrize(("pieces", "held"), [
    (["jean", "bakes", "leics", "that's my insta"], True),
    (["marge", "walks", "58", "on tiktok"], True),
    (["love it", "that's me on insta"], False),
    (["I put the pictures up there", "that's my insta"], False),
])
def test_round_twelve_a_handle_in_pieces_then_claimed(pieces: list[str], held: bool) -> None:
    # Each message read as the relay reads it: the last two passed on as `previous`.
    assert bool(contact_detection.read(" ⏎ ".join(pieces), use_reader=False)) is held


@pytest.mark.parametrize("text", [
    "ਧੰਨਵਾਦ ਜੀ, ਤੁਹਾਡੇ ਨਾਲ ਗੱਲ ਕਰਕੇ ਚੰਗਾ ਲੱਗਿਆ",
    "بہت شکریہ، آپ سے بات کر کے اچھا لگا",
    "मैं LE5 में रहती हूँ, पास में पार्क है",
    "Moja córka ma na imię Ola, bardzo ją lubię",
])
def test_the_reader_leaves_words_it_cannot_read(text: str) -> None:
    # Another script, or another language's plain words, give it nothing to hold.
    contact_reader.wait()
    assert contact_details(text) == []


def test_the_reader_still_reads_a_handle_in_another_language() -> None:
    assert contact_reader.has_material("mój insta to olawalks, dodaj mnie")
    assert contact_reader.has_material("انسٹاگرام پر 07700 900123")


def test_held_out_13_and_kinds_12_corpora() -> None:
    # held_out_13 was 7 of 330 leaks and 9 of 330 held at its clean measure; tuned on since
    # (round twelve), so these figures are optimistic. kinds_12: round twelve's variants.
    found = figures("held_out_13")  # 0 of 330 leaks, 0 of 330 held
    assert found["leak_rate"] <= 0.0031, found
    assert found["false_holds"] <= 0.0061, found
    found = figures("kinds_12")  # 0 of 24 leaks, 0 of 22 held
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


# -- round thirteen: a newcomer's break-test, fixed by kind (variants in kinds_13.tsv) ----
def read_as_relayed(*messages: str) -> list[ContactKind]:
    """What the relay holds over one person's messages in a row (see bench `read`)."""
    return [ContactKind(k) for k in contact_detection.read("⏎".join(messages), use_reader=False)]


@pytest.mark.parametrize("messages", [
    ("07", "823", "441", "902"),
    ("07823", "yes", "441", "902"),
    ("oh seven", "eight two three", "four four one", "nine oh two"),
    ("07", "82", "34", "41", "90", "2"),
    ("0116", "and", "254", "then", "1234"),
])
def test_a_number_in_any_count_of_pieces_is_held(messages: tuple[str, ...]) -> None:
    assert read_as_relayed(*messages) == [ContactKind.PHONE]


@pytest.mark.parametrize("messages", [
    ("I walked 3", "miles", "then 2 more"), ("5", "10", "15", "20"), ("1", "2", "3", "4", "5"),
    ("2024", "yes", "2025", "2026"), ("I did 3", "4", "5 laps", "2"),
])
def test_numbers_in_ordinary_chat_a_message_at_a_time_pass(messages: tuple[str, ...]) -> None:
    assert read_as_relayed(*messages) == []


def test_a_run_of_pieces_is_read_back_only_while_they_come_close() -> None:
    now = datetime(2026, 12, 1, 12, 0)
    close = [("441", now), ("yes", now - timedelta(minutes=1)),
             ("823", now - timedelta(minutes=2)), ("07", now - timedelta(minutes=3))]
    assert earlier_messages(close) == ["07", "823", "441"]
    apart = [*close[:3], ("07", now - timedelta(minutes=20))]
    assert earlier_messages(apart) == ["823", "441"]
    # Ordinary messages: the last two, as ever.
    assert earlier_messages([("miles", now), ("I walked 3", now), ("hi", now)]) == [
        "I walked 3", "miles"]


@pytest.mark.parametrize(("kind", "text"), [
    (ContactKind.ADDRESS, "Pat Kirby, 23 Marlow"),
    (ContactKind.ADDRESS, "I'm the blue door at no.23 marlow"),
    (ContactKind.ADDRESS, "calle Marlow 23, that's me"),
    (ContactKind.ADDRESS, "we're the one with the red door, number 6 Ashby"),
    (ContactKind.ADDRESS, "23 Marlow, that's us"),
    (ContactKind.PHONE, "我的电话是零七八二三四四一九零二"),
    (ContactKind.PHONE, "私の電話番号は〇七八二三四四一九〇二です"),
    (ContactKind.PHONE, "电话：〇七八二三 四四一 九〇二"),
    (ContactKind.POSTCODE, "ell ee too fore tea bee"),
    (ContactKind.POSTCODE, "see vee won won, ate dee why"),
    (ContactKind.POSTCODE, "bee too tree ate ess tea"),
    (ContactKind.USERNAME, "my snap is pat walks with a z at the end"),
    (ContactKind.USERNAME, "pat walks seven seven on the gram"),
    (ContactKind.USERNAME, "my @ is patwalks77 without the at"),
    (ContactKind.EMAIL, "the one on my strava, pat kirby 77 at google's mail"),
])
def test_round_thirteen_kinds_are_held(kind: ContactKind, text: str) -> None:
    assert kind in contact_details(text, use_reader=False), text


@pytest.mark.parametrize("text", [
    "Gate 23, that's me by the cafe", "Leicester City 2, that's me happy",
    "Pat Kirby, 23 years old", "number 23 marlow is for sale, lovely house",
    "我们一起走路吧，三月见", "二〇二四年三月一日", "一二三，开始！",
    "for you too, see you at four", "are you free for tea at two", "I'll be there too for tea",
    "my snap is broken, with a crack at the end", "my daughter is 12 on snapchat all day",
    "google's mail app is down again", "I live with a cat at the end of the road",
])
def test_round_thirteen_near_misses_pass(text: str) -> None:
    assert contact_details(text) == [], text


def test_an_address_told_as_a_bare_number_then_its_street() -> None:
    assert read_as_relayed("23", "marlow road") == [ContactKind.ADDRESS]
    assert read_as_relayed("23", "marlow road was shut") == []
    assert read_as_relayed("the bus was the 14", "Oak Road was shut") == []


def test_kinds_13_corpus() -> None:
    found = figures("kinds_13")  # 0 of 42 leaks, 0 of 39 held
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


# -- round fourteen: blind held_out_15 and held_out_16 and a break-test, fixed by kind -------
def test_held_out_15_and_16_and_kinds_14_corpora() -> None:
    # Clean: held_out_15 11 of 300 leaks and 2 of 300 held, held_out_16 7 of 400 and 3 of
    # 300; tuned on since (round fourteen), so these figures are optimistic. Within issue
    # 11's bar for a tuned corpus (1 % leaks, 3 % held), one message of slack each.
    found = figures("held_out_15")  # 0 of 300 leaks, 0 of 300 held
    assert found["leak_rate"] <= 0.0034, found
    assert found["false_holds"] <= 0.0034, found
    found = figures("held_out_16")  # 0 of 400 leaks, 0 of 300 held
    assert found["leak_rate"] <= 0.0025, found
    assert found["false_holds"] <= 0.0034, found
    found = figures("kinds_14")  # 0 of 93 leaks, 0 of 73 held
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


@pytest.mark.parametrize("text", [
    "null sieben sieben null null neun null null zwei acht eins",
    "zero sette sette zero zero nove zero zero uno cinque sei",
    "zero șapte șapte zero zero nouă zero zero trei doi unu",
    "sifuri saba saba sifuri sifuri tisa sifuri sifuri nne tano sita",
    "numaram sıfır yedi dokuz bir iki üç dört beş altı yedi sekiz",
    "мой номер ноль семь девять один два три четыре пять шесть семь восемь",
    "제 번호는 공칠구 일이삼사 오육칠팔 이에요",
    "เบอร์ผม ศูนย์เจ็ดเก้าหนึ่งสองสามสี่ห้าหกเจ็ดแปด",
    "số của mình là không bảy chín một hai ba bốn năm sáu bảy tám",
    "raqmi sifr sab'a tisa wahid ithnain thalatha arba khamsa sitta saba thamaniya",
])
def test_digits_as_words_in_more_languages(text: str) -> None:
    assert rules(text) == [ContactKind.PHONE], text


@pytest.mark.parametrize("text", [
    "ich laufe zwei oder drei Kilometer am Sonntag", "sei sette volte a settimana cammino",
    "due to the rain we walked two laps not three", "오늘 이사 가요, 내일 만나요",
    "วันนี้เดินสองสามกิโล สนุกมาก", "один два три, поехали!", "ha ha ha ha ha ha ha ha ha ha",
    # An English number's "oh" is never Korean's 5, nor "zero" Italian's (Polish stays).
    "oh seven seven oh oh nine oh oh one two three",
])
def test_counting_in_more_languages_passes_and_english_reads_as_ever(text: str) -> None:
    found = rules(text)
    assert found == ([ContactKind.PHONE] if text.startswith("oh seven") else []), text


@pytest.mark.parametrize(("kind", "text"), [
    (ContactKind.POSTCODE, "post code is le - 2 - 5 - q - f"),
    (ContactKind.ADDRESS, "the cream semi opposite Braunstone Leisure Centre, number 31"),
    (ContactKind.ADDRESS, "behind the church in Newtown Linford, the thatched cottage called "
                          "Bluebell, that's mine"),
    (ContactKind.ADDRESS, "flat 3 the maltings"),
    (ContactKind.ADDRESS, "I'm in the flats, block C number 31, St Peters estate"),
    (ContactKind.ADDRESS, "I live in the tower block on St Peters estate, 11th floor, flat 64"),
    (ContactKind.ADDRESS, "The Old Forge, Main Street, Houghton on the Hill"),
    (ContactKind.ADDRESS, "I live at Rose Cottage in Newtown Linford"),
    (ContactKind.ADDRESS, "what three words for my door: apple banana cherry"),
    (ContactKind.USERNAME, "our @ is the walking wombles 12"),
    (ContactKind.USERNAME, "Strava user Clive Barker-Jones, Market Harborough, give me a follow"),
    (ContactKind.EMAIL, "hello at my own domain, sheilasgarden.example, gets straight to me"),
    (ContactKind.LINK, "my blog: joyfulgardens.example"),
])
def test_round_fourteen_kinds_are_held(kind: ContactKind, text: str) -> None:
    assert kind in rules(text), text


@pytest.mark.parametrize("text", [
    "B - 4 the rest of the week", "we lost 2 - 5 to them in the end",
    "the semi opposite the park sold for 300k", "the walk was flat 3 the whole way",
    "block C room 12 at the college for the class",
    "The Red Lion, Main Street, Kibworth does a good Sunday lunch",
    "I'm at the Old Bakery on High Street having a coffee",
    "what3words is great - my mum uses it", "what3words for the cafe: it is great, try it",
    "my insta is down for 2 days", "strava user Clive Barker-Jones overtook me on the hill",
    "I'm at my site a lot, it's a caravan site", "size 5 shoes, 14 dress, that's me",
    "it's 7 minutes' walk from the 48 stop", "LE9 ish, Earl Shilton way",
    "youtube.com/@nhs has a chair exercise series",
])
def test_round_fourteen_near_misses_pass(text: str) -> None:
    assert rules(text) == [], text


@pytest.mark.parametrize("text", [
    "LE18 is Wigston, I'm just over the border in LE8", "my postcode district is LE7, Syston ish",
    "CV postcodes start just past Hinckley, I'm LE10",
])
def test_a_district_with_its_place_before_or_after_passes_the_reader(text: str) -> None:
    contact_reader.wait()
    assert contact_details(text) == [], text


@pytest.mark.parametrize("messages", [
    ("3", "Fernleigh", "Gardens", "Oadby"), ("we're at 14", "ok", "hawthorn close"),
    ("I'm down Saffron Lane", "319", "flat above the barbers"),
    ("I'm at fourteen", "hawthorn close"),
    ("no 8", "the paddocks", "glenfield"), ("The Granary", "Back Lane", "Cosby"),
    ("the house number is 14", "and the road is Hawthorn Close"),
])
def test_an_address_in_pieces_over_messages_is_held(messages: tuple[str, ...]) -> None:
    assert read_as_relayed(*messages) == [ContactKind.ADDRESS]


@pytest.mark.parametrize("messages", [
    ("5", "Victoria Park", "lovely"), ("14", "Hawthorn Close was shut"), ("London Road", "5"),
    ("12", "Beaumont Leys library"), ("5", "Humberstone Gate, outside Primark"),
    ("we're at 2", "ok", "see you"), ("one", "long walk"), ("I did 3", "laps of Abbey Park"),
])
def test_numbers_and_places_in_ordinary_messages_pass(messages: tuple[str, ...]) -> None:
    assert read_as_relayed(*messages) == []


@pytest.mark.parametrize(("messages", "held"), [
    (("instagram", "grandma", "gets", "fit", "all one word"), True),
    (("add me on snap", "wendy", "walks", "64"), True),
    (("instagram", "ok", "lovely", "see you Tuesday"), False),
    (("I posted it on insta", "12", "likes", "already"), False),
])
def test_a_handle_a_word_a_message_after_its_platform(messages: tuple[str, ...],
                                                      held: bool) -> None:
    assert (read_as_relayed(*messages) == [ContactKind.USERNAME]) is held


def test_a_run_of_words_is_read_back_to_its_platform_only() -> None:
    recent = [("fit", None), ("gets", None), ("grandma", None), ("instagram", None)]
    assert earlier_messages(recent) == ["instagram", "grandma", "gets", "fit"]
    # No platform at the run's start: the last two, as ever.
    assert earlier_messages([("fit", None), ("gets", None), ("grandma", None),
                             ("hello", None)]) == ["gets", "fit"]


# -- round fifteen: held_out_17 (natural and determined), fixed by kind -----------------------
def test_held_out_17_and_kinds_15_corpora() -> None:
    # Clean: 10 of 350 leaks (2.86 %) and 5 of 300 held (1.67 %); tuned on since (round
    # fifteen), so these figures are optimistic. Within issue 11's bar for a tuned corpus
    # (1 % leaks, 3 % held); as measured, no slack for another leak.
    found = figures("held_out_17")  # 3 of 350 leaks, 1 of 300 held
    assert found["leak_rate"] <= 0.0086, found
    assert found["false_holds"] <= 0.0034, found
    found = figures("kinds_15")  # 0 of 19 leaks, 0 of 19 held
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


# -- round sixteen: held_out_18 (natural and determined), fixed by kind ------------------------
def test_held_out_18_and_kinds_16_corpora() -> None:
    # Clean: 16 of 387 leaks (4.13 %) and 6 of 300 held (2.0 %); tuned on since (round
    # sixteen), so these figures are optimistic. Within issue 11's bar for a tuned corpus
    # (1 % leaks, 3 % held); as measured, no slack for another leak or hold.
    found = figures("held_out_18")  # 3 of 387 leaks, 6 of 300 held
    assert found["leak_rate"] <= 0.0078, found
    assert found["false_holds"] <= 0.02, found
    found = figures("kinds_16")  # 0 of 18 leaks, 0 of 15 held
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


@pytest.mark.parametrize(("kind", "text"), [
    (ContactKind.USERNAME, "eye gee: pam dot paints dot seventy"),
    (ContactKind.USERNAME, "on snap its the word bake then my initials rw then 1966"),
    (ContactKind.USERNAME, "the recipes are on my facebook page Joan Bakes Syston"),
    (ContactKind.ADDRESS, "I'm at the bottom of Uppingham Road by the lights, 143, white van"),
    (ContactKind.EMAIL, "dee at example d o t com"),
    (ContactKind.EMAIL, "ken o'neill at hotmail, dot co dot uk"),
    (ContactKind.PHONE, "07700 (work phone) 900 552"),
    (ContactKind.PHONE, "🕛🕖🕖🕛🕛🕘🕛🕛🕓🕔🕕"),
])
def test_round_sixteen_kinds_are_held(kind: ContactKind, text: str) -> None:
    assert kind in rules(text), text


@pytest.mark.parametrize("text", [
    "I'm at the top of Narborough Road, 15 mins away",
    "my insta has my name with 30 followers",
    "my facebook page Syston Walking Group has the times",
    "I walked 3 (very slowly) 12 times round",
    "🕐🕑🕒 clocks going back again",
    "postcode for the Market Harborough leisure centre car park is LE16 7AT",
])
def test_round_sixteen_near_misses_pass(text: str) -> None:
    assert rules(text) == [], text


def test_a_handle_whose_last_piece_starts_underscore_is_held() -> None:
    held = contact_details("underscore bakes", previous=["my snap", "its bev"], use_reader=False)
    assert ContactKind.USERNAME in held
    assert contact_details("dash home after", previous=["saw it on insta"], use_reader=False) == []


@pytest.mark.parametrize(("kind", "text"), [
    (ContactKind.USERNAME, "I'm \"Grumpy Gardener 49\" on insta"),
    (ContactKind.USERNAME, "see the app with the ghost icon? I'm bramblebetty there"),
    (ContactKind.USERNAME, "the church is on facebook but my own page is Pauline Moss, Anstey"),
    (ContactKind.USERNAME, "my tiktok is my username on here but with the year on the end"),
    (ContactKind.ADDRESS, "come and get me at home, 12 Fairfield, Kirby Muxloe"),
    (ContactKind.EMAIL, "mail me: kev (at sign) example (full stop) net"),
])
def test_round_fifteen_kinds_are_held(kind: ContactKind, text: str) -> None:
    assert kind in rules(text), text


@pytest.mark.parametrize("text", [
    "the knitting group has a page, @WigstonKnittingGroup, lovely patterns",
    "www. who? I'm no good with computers", "I played \"Catch 22\" on the radio quiz lol",
    "at home all morning, 2 Parcels, Both late",
    "Age UK in Leicester run a lunch club, ageukleicester.org.uk has the times",
])
def test_round_fifteen_near_misses_pass(text: str) -> None:
    assert rules(text) == [], text


@pytest.mark.parametrize(("messages", "held"), [
    (("the road is Kingsway Close", "house is the one after the lamp post", "number 7"), True),
    (("street is Cavendish Road", "number 31"), True),
    (("my street is Hollow Road", "house is the 3rd on the left", "we did 7 laps"), False),
    (("the road is shut", "number 9"), False),
])
def test_an_address_in_pieces_with_the_street_said_and_the_door_picked_out(
        messages: tuple[str, ...], held: bool) -> None:
    assert (read_as_relayed(*messages) == [ContactKind.ADDRESS]) is held


# -- round seventeen: held_out_19 (natural and determined), fixed by kind ----------------------
def test_held_out_19_and_kinds_17_corpora() -> None:
    # Clean: 8 of 350 leaks (2.29 %) and 3 of 300 held (1.0 %); tuned on since (round
    # seventeen), so these figures are optimistic. Within issue 11's bar for a tuned corpus
    # (1 % leaks, 3 % held); as measured, one leak's slack (a nine-digit number said with
    # "double", left as it is).
    found = figures("held_out_19")  # 1 of 350 leaks, 0 of 300 held
    assert found["leak_rate"] <= 0.0058, found
    assert found["false_holds"] <= 0.0034, found
    found = figures("kinds_17")  # 0 of 33 leaks, 0 of 31 held
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


@pytest.mark.parametrize(("kind", "text"), [
    (ContactKind.ADDRESS, "we're 52 Kingsway, pop over after the walk"),
    (ContactKind.ADDRESS, "I'm 4 Thurncourt if you need me"),
    (ContactKind.ADDRESS, "ours is 203 Eastfield, Wigston, come for tea"),
    (ContactKind.ADDRESS, "it's 17 Hollybank... no wait, 71 Hollybank, sorry"),
    (ContactKind.ADDRESS, "No. XXXII Stoneygate Road, the green door"),
    (ContactKind.ADDRESS, "the three words thing for my house: kettle, willow, march"),
    (ContactKind.ADDRESS, "I'm in the ground floor flat, 4c Kingsway"),
    (ContactKind.ADDRESS, "no 11 Thurncourt, pop by whenever"),
    (ContactKind.LINK, "my recipes are at nanbakes,org/cakes"),
    (ContactKind.LINK, "example,co,uk/jean has my walk photos"),
    (ContactKind.LINK, "my blog: example org slash rita"),
    (ContactKind.USERNAME, "same username on tiktok as on this app"),
    (ContactKind.USERNAME, "my name's the same on facebook, just search"),
])
def test_round_seventeen_kinds_are_held(kind: ContactKind, text: str) -> None:
    assert kind in rules(text), text


@pytest.mark.parametrize("text", [
    "we're 45 anyway, too old for discos",
    "we're 2 Newfield mums from the school run",
    "I walked 8 miles along Fosseway yesterday",
    "No. 1 fan of the Foxes me",
    "Chapter XII on page 40 is the best bit",
    "yes I'm ok for mornings, no I don't drive, and my knee is sore",
    "the 14 bus goes down Kingsway, then 2 stops",
    "we're 12 Highfield regulars at the quiz",
    "my week in three words: tired, happy, sore",
    "the three words app is clever, my son uses it",
    "text me/whatsapp whichever is easier",
    "ok,org the walk for 10 then",
    "is your username the same on insta?",
    "same as on here, the walk starts at 10",
    "number 22 on the menu at the curry house on Belgrave Gate is lush",
    "I found it on the Healthwatch Leicester website, healthwatchll.com",
    "the Leicester Ramblers website, leicesterramblers.org.uk, has the walks list",
])
def test_round_seventeen_near_misses_pass(text: str) -> None:
    assert rules(text) == [], text


@pytest.mark.parametrize(("messages", "kind"), [
    (("le", "19", "1", "wh"), ContactKind.POSTCODE),
    (("LE", "4", "6", "RB"), ContactKind.POSTCODE),
    (("postcode is le", "three", "one", "wh"), ContactKind.POSTCODE),
    (("L", "E", "3", "0", "B", "D"), ContactKind.POSTCODE),
    (("the street is Aylestone Road", "number is 340", "flat B"), ContactKind.ADDRESS),
    (("my street's Hazelway", "house number is 27"), ContactKind.ADDRESS),
    (("we're on Kingsway", "number 61"), ContactKind.ADDRESS),
    (("we're 61", "Kingsway, Braunstone"), ContactKind.ADDRESS),
])
def test_round_seventeen_pieces_over_messages_are_held(messages: tuple[str, ...],
                                                       kind: ContactKind) -> None:
    assert kind in read_as_relayed(*messages), messages


@pytest.mark.parametrize("messages", [
    ("ok", "lol", "ha", "x"),
    ("le", "tired now", "x"),
    ("so", "12", "of us", "went"),
    ("the street is closed", "number 9 bus diverted"),
    ("the road is Aylestone Road", "it's busy at 5"),
    ("I live off Kingsway", "5 mins from the shops"),
])
def test_round_seventeen_ordinary_runs_pass(messages: tuple[str, ...]) -> None:
    assert read_as_relayed(*messages) == [], messages


def test_a_postcode_a_few_characters_a_message_is_read_back_whole() -> None:
    now = datetime(2026, 12, 1, 10, 0)
    recent = [("1", now), ("19", now - timedelta(minutes=1)), ("le", now - timedelta(minutes=2)),
              ("hello", now - timedelta(minutes=3))]
    assert earlier_messages(recent) == ["le", "19", "1"]
    # Pieces an hour apart are no run; tiny words that start no postcode are none either.
    apart = [("1", now), ("19", now - timedelta(hours=1)), ("le", now - timedelta(hours=2))]
    assert earlier_messages(apart) == ["19", "1"]
    assert earlier_messages([("x", now), ("ok", now), ("lol", now)]) == ["ok", "x"]


@pytest.mark.parametrize("text", [
    "that's insta-worthy that sunset!",
    "I'm LE17 way, Lutterworth, so I'll drive in",
])
def test_the_reader_finds_no_material_in_platform_words_and_ill(text: str) -> None:
    assert not contact_reader.has_material(text), text
    assert contact_details(text) == [], text


# -- round eighteen: a newcomer's break-test, fixed by kind -------------------------------------
def test_kinds_18_corpus() -> None:
    found = figures("kinds_18")  # 0 of 43 leaks, 0 of 41 held (tuned on from the start)
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


@pytest.mark.parametrize(("kind", "text"), [
    (ContactKind.LINK, "HTTPS://ANNWALKS.COM"),
    (ContactKind.LINK, "WWW.ANNWALKS.CO.UK"),
    (ContactKind.LINK, "ANNWALKS.NET"),
    (ContactKind.LINK, "Visit WWW.ANNWALKS.CO.UK"),
    (ContactKind.LINK, "ANNWALKS.ORG"),
    (ContactKind.LINK, "ANNWALKS.UK"),
    (ContactKind.LINK, "ANNWALKS.IO"),
    (ContactKind.LINK, "ＡＮＮＷＡＬＫＳ．ＣＯＭ"),
    (ContactKind.LINK, "MY PHOTOS: HTTP://PETESGARDEN.UK/ALBUM"),
    (ContactKind.EMAIL, "ann smith one nine five zero at gmail"),
    (ContactKind.EMAIL, "email is annsmith, then at, then gmail"),
    (ContactKind.EMAIL, "drop me a line: ann smith at aol"),
    (ContactKind.EMAIL, "write to bev jones at hotmail"),
    (ContactKind.EMAIL, "Kevin Brown, at outlook, if you want the photos"),
])
def test_round_eighteen_kinds_are_held(kind: ContactKind, text: str) -> None:
    assert kind in contact_details(text), text


@pytest.mark.parametrize("text", [
    "WELL.DONE",
    "GOOD.MORNING",
    "LOVELY DAY.CANT WAIT",
    "THANKS ALL.SEE YOU THURSDAY",
    "CHECK NHS.UK FOR THE OPENING TIMES",
    "LOROS have a shop on Queens Road, LOROS.CO.UK for volunteering",
    "I'm at gmail's office this week",
    "meet at Aldi",
    "my sister works at gmail",
    "she got a job at outlook",
    "all our family photos at icloud now",
    "my son is an engineer at yahoo",
    "we tried three times at yahoo and gave up",
])
def test_round_eighteen_near_misses_pass(text: str) -> None:
    assert contact_details(text) == [], text


# Round eighteen, second break-test (break12): an email a piece a message is read as the run
# would be read in one message (contact._mail_run; contact_pieces._mail_run reads a run of
# tiny pieces with an "at" in it back whole), and typed pieces meeting at a symbol are an
# email, so a group (which holds no handles) holds them too.
@pytest.mark.parametrize("messages", [
    ("my email is ann smith", "at hotmail dot com"),
    ("ann smith", "at gmail"),
    ("ann", "smith at hotmail"),
    ("ANN", "SMITH", "AT", "HOTMAIL"),
    ("bev", "jones", "at", "aol"),
    ("its kevin brown", "at outlook"),
    ("ann", "@", "gmail"),
    ("bev", ".knits", "@icloud.com"),
    ("email: ann", "_smith71", "@gmail.com"),
])
def test_an_email_in_pieces_is_held_as_an_email(messages: tuple[str, ...]) -> None:
    assert ContactKind.EMAIL in read_as_relayed(*messages), messages
    group = (ContactKind.PHONE, ContactKind.EMAIL, ContactKind.LINK)
    assert ContactKind.EMAIL in [k for k in read_as_relayed(*messages) if k in group]


@pytest.mark.parametrize("messages", [
    ("see you", "at gmail's office"),
    ("ann", "at the gym again lol"),
    ("ann", "smith", "says hi"),
    ("thanks so much", "at yahoo they were useless"),
    ("my sister", "works at gmail"),
    ("ok", "at", "the", "cafe"),
    ("SO TIRED.", "SLEPT BADLY.", "SORRY"),
    ("where", "r u", "at", "lol"),
    ("bev", "says hi", "at", "aldi"),
])
def test_ordinary_pieces_with_at_pass(messages: tuple[str, ...]) -> None:
    assert read_as_relayed(*messages) == [], messages


def test_a_word_a_message_with_an_at_is_read_back_whole() -> None:
    now = datetime(2026, 12, 1, 10, 0)
    recent = [("AT", now), ("SMITH", now - timedelta(minutes=1)),
              ("ANN", now - timedelta(minutes=2))]
    assert earlier_messages(recent) == ["ANN", "SMITH", "AT"]
    assert contact_details("HOTMAIL", previous=earlier_messages(recent),
                           use_reader=False) == [ContactKind.EMAIL]
    # Without an "at" among them, short replies are the last two, as ever.
    assert earlier_messages([("x", now), ("ok", now), ("lol", now)]) == ["ok", "x"]


# Round nineteen (break13), by kind: an email cue before a name told over two messages
# ("email is lou" / "bell at icloud": the cue's words are no part of the name, and "me at
# lou" no longer hides "lou bell at icloud"); a provider's name alone after a cue and a
# handle ("my email is kevwalsh gmail"); a number told over three pieces after "text me"
# (the earlier pieces read together as a number, each passed alone).
@pytest.mark.parametrize(("messages", "kind"), [
    (("email is lou", "bell at icloud"), ContactKind.EMAIL),
    (("email me at lou", "bell at icloud"), ContactKind.EMAIL),
    (("my addy is lou", "bell at icloud"), ContactKind.EMAIL),
    (("my email is kevwalsh gmail",), ContactKind.EMAIL),
    (("my email", "kevwalsh", "gmail"), ContactKind.EMAIL),
    (("email me", "j bloggs 99", "yahoo"), ContactKind.EMAIL),
    (("e-mail me at jbloggs99 yahoo dot com",), ContactKind.EMAIL),
    (("mail me: pat_k hotmail",), ContactKind.EMAIL),
    (("text me", "zero seven seven double oh nine double oh", "one two three"),
     ContactKind.PHONE),
    (("ok", "text me", "zero seven seven double oh nine double oh", "one two three"),
     ContactKind.PHONE),
])
def test_round_nineteen_kinds_are_held(messages: tuple[str, ...], kind: ContactKind) -> None:
    assert kind in read_as_relayed(*messages), messages


@pytest.mark.parametrize("messages", [
    ("I use gmail",),
    ("my email is on gmail",),
    ("email me on here",),
    ("is gmail down?",),
    ("email", "is gmail down?"),
    ("email me", "gmail"),
    ("email me tomorrow gmail",),
    ("my e-mail is still yahoo",),
    ("email sent", "sky"),
    ("my email is broken", "aol"),
    ("email me if you", "live"),
    ("email me", "the photos", "icloud"),
    ("email me at home", "see you at costa"),
    ("email is down", "ask at icloud"),
    ("email me later", "my sister works at gmail"),
    ("text me about", "the 7 o'clock bus", "route 12"),
    ("my bp was", "132 over 84", "then 12"),
])
def test_round_nineteen_near_misses_pass(messages: tuple[str, ...]) -> None:
    assert read_as_relayed(*messages) == [], messages


# -- round nineteen: digits said in more languages, addresses in pieces, readings ----------
def test_kinds_19_corpus() -> None:
    # 0 of 42 leaks, 0 of 34 held (its 25 number lines: 80 % leaked before)
    found = figures("kinds_19")
    assert found["leak_rate"] == 0.0, found
    assert found["false_holds"] == 0.0, found


@pytest.mark.parametrize(("text", "digits"), [
    ("nula sedm sedm nula nula devět", "077009"),  # Czech
    ("nula sedam sedam nula nula devet", "077009"),  # Croatian, Bosnian, Serbian
    ("нула седам седам нула нула девет", "077009"),  # Serbian, Cyrillic
    ("nulla hét hét nulla nulla kilenc", "077009"),  # Hungarian
    ("nulle septiņi septiņi nulle nulle deviņi", "077009"),  # Latvian
    ("zero shtatë shtatë zero zero nëntë", "077009"),  # Albanian
    ("sifir heft heft sifir sifir neh", "077009"),  # Kurdish, Kurmanji (not Turkish's sifir)
    ("ዜሮ ሰባት ሰባት ዜሮ ዜሮ ዘጠኝ", "077009"),  # Amharic
    ("nul syv syv nul nul ni", "077009"),  # Danish
    ("eber todobo todobo eber eber sagaal", "077009"),  # Somali as texted
])
def test_digits_said_in_more_languages_are_read(text: str, digits: str) -> None:
    assert digitised(fold(text)).replace(" ", "") == digits


@pytest.mark.parametrize("text", [
    "pet the dog, hat on, fire up the kettle",  # digits in Croatian, Hungarian, Danish
    "we set off, to the park, then sat down",  # "set", "to": Catalan 7 and Danish 2
    "hat hét múlva",  # Hungarian "in six weeks": one word English lacks, so no run
])
def test_words_that_are_digits_elsewhere_stay_words(text: str) -> None:
    assert digitised(text) == text
