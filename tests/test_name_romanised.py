"""A name stored in an Indic or Arabic script is found as the people someone chatted with
type it in Latin letters (bot/core/name_romanised.py, through bot/core/name_forms.py), and
the expressions wrongly take few words of ordinary messages.

The pairs are names common in Leicester's Gujarati, Punjabi, Hindi, Bengali, Urdu and
Tamil speaking communities, written as families write them and as friends type them (in
several spellings). The false-match measure runs every name over every message of the
contact-detail and safety corpora (content/contact_examples, content/en/safety_examples):
tens of thousands of ordinary English messages (and some romanised Punjabi and Hindi)."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import regex

from bot.core.name_forms import NameForms, fold
from bot.core.name_romanised import romanised

GUJARATI = [
    ("પટેલ", "Patel"), ("શાહ", "Shah"), ("મિસ્ત્રી", "Mistry"), ("મિસ્ત્રી", "Mistri"),
    ("પરમાર", "Parmar"), ("સોલંકી", "Solanki"), ("ચૌહાણ", "Chauhan"), ("ચૌહાણ", "Chouhan"),
    ("લાડ", "Lad"), ("ભટ્ટ", "Bhatt"), ("ભટ્ટ", "Bhat"), ("જોશી", "Joshi"), ("દેસાઈ", "Desai"),
    ("મહેતા", "Mehta"), ("મહેશ", "Mahesh"), ("ભાવના", "Bhavna"), ("ભાવના", "Bhavana"),
    ("હેતલ", "Hetal"), ("નીતા", "Neeta"), ("નીતા", "Nita"), ("કિરણ", "Kiran"),
    ("દક્ષા", "Daksha"), ("જયેશ", "Jayesh"), ("પ્રકાશ", "Prakash"), ("હંસા", "Hansa"),
    ("રમેશ", "Ramesh"), ("ધર્મેશ", "Dharmesh"), ("મનીષા", "Manisha"), ("મકવાણા", "Makwana"),
    ("રાઠોડ", "Rathod"), ("ગોહિલ", "Gohil"), ("પંચાલ", "Panchal"), ("ચાવડા", "Chavda"),
    ("ચાવડા", "Chawda"), ("કોટેચા", "Kotecha"), ("ઠક્કર", "Thakkar"), ("ઠક્કર", "Thaker"),
    ("વાઘેલા", "Vaghela"), ("વાઘેલા", "Waghela"), ("દવે", "Dave"), ("પંડ્યા", "Pandya"),
    ("શર્મા", "Sharma"),
]
HINDI = [
    ("कुमार", "Kumar"), ("प्रिया", "Priya"), ("वर्मा", "Verma"), ("वर्मा", "Varma"),
    ("गुप्ता", "Gupta"), ("सिंह", "Singh"), ("राजेश", "Rajesh"), ("अनिल", "Anil"),
    ("सुनीता", "Sunita"), ("सुनीता", "Suneeta"), ("पूजा", "Pooja"), ("पूजा", "Puja"),
    ("दीपक", "Deepak"), ("दीपक", "Dipak"), ("विजय", "Vijay"), ("लक्ष्मी", "Laxmi"),
    ("लक्ष्मी", "Lakshmi"), ("कृष्णा", "Krishna"), ("त्रिपाठी", "Tripathi"), ("यादव", "Yadav"),
    ("आरती", "Aarti"), ("आरती", "Arti"), ("नेहा", "Neha"), ("अंकित", "Ankit"),
    ("ज्योति", "Jyoti"), ("ज्योति", "Jyothi"),
]
PUNJABI = [
    ("ਹਰਪ੍ਰੀਤ ਕੌਰ", "Harpreet Kaur"), ("ਕੌਰ", "Kaur"), ("ਕੌਰ", "Kour"), ("ਸਿੰਘ", "Singh"),
    ("ਗਿੱਲ", "Gill"), ("ਸੰਧੂ", "Sandhu"), ("ਜਸਵਿੰਦਰ", "Jaswinder"), ("ਜਸਵਿੰਦਰ", "Jasvinder"),
    ("ਮਨਪ੍ਰੀਤ", "Manpreet"), ("ਗੁਰਪ੍ਰੀਤ", "Gurpreet"), ("ਕੁਲਦੀਪ", "Kuldeep"),
    ("ਕੁਲਦੀਪ", "Kuldip"), ("ਸਿੱਧੂ", "Sidhu"), ("ਢਿੱਲੋਂ", "Dhillon"), ("ਗਰੇਵਾਲ", "Grewal"),
    ("ਬਰਾੜ", "Brar"), ("ਸਿਮਰਨ", "Simran"), ("ਨਵਜੋਤ", "Navjot"), ("ਅਮਰਜੀਤ", "Amarjit"),
    ("ਅਮਰਜੀਤ", "Amarjeet"), ("ਬਲਵਿੰਦਰ", "Balwinder"), ("ਰਣਜੀਤ", "Ranjit"),
    ("ਜਸਪ੍ਰੀਤ", "Jaspreet"), ("ਜੌਹਲ", "Johal"), ("ਬੈਂਸ", "Bains"),
]
BENGALI = [
    ("রহমান", "Rahman"), ("রহমান", "Rahaman"), ("বেগম", "Begum"), ("হোসাইন", "Hossain"),
    ("আহমেদ", "Ahmed"), ("ইকবাল", "Iqbal"), ("ফাতেমা", "Fatema"), ("মুহাম্মদ", "Muhammad"),
    ("মুহাম্মদ", "Mohammad"), ("সৌরভ", "Sourav"), ("সৌরভ", "Saurabh"), ("প্রিয়া", "Priya"),
    ("শাহানা", "Shahana"), ("নাসরিন", "Nasrin"), ("নাসরিন", "Nasreen"), ("রুমানা", "Rumana"),
    ("বিশ্বাস", "Biswas"), ("মিয়া", "Miah"), ("উদ্দিন", "Uddin"), ("চৌধুরী", "Chowdhury"),
    ("চৌধুরী", "Choudhury"), ("তাহমিনা", "Tahmina"),
]
URDU = [
    ("محمد", "Mohammed"), ("محمد", "Muhammad"), ("محمد", "Mohamed"), ("محمد", "Mohammad"),
    ("علی", "Ali"), ("خان", "Khan"), ("احمد", "Ahmed"), ("احمد", "Ahmad"), ("اقبال", "Iqbal"),
    ("فاطمہ", "Fatima"), ("فاطمہ", "Fatimah"), ("عائشہ", "Ayesha"), ("عائشہ", "Aisha"),
    ("حسین", "Hussain"), ("حسین", "Hussein"), ("بیگم", "Begum"), ("رحمان", "Rahman"),
    ("رحمان", "Rehman"), ("عمران", "Imran"), ("ثنا", "Sana"), ("یاسمین", "Yasmin"),
    ("یاسمین", "Yasmeen"), ("بلال", "Bilal"), ("نادیہ", "Nadia"), ("شازیہ", "Shazia"),
    ("ظفر", "Zafar"), ("طارق", "Tariq"), ("زینب", "Zainab"), ("زینب", "Zaynab"),
    ("عمر", "Umar"), ("عمر", "Omar"), ("یوسف", "Yusuf"), ("یوسف", "Yousuf"),
    ("قریشی", "Qureshi"), ("چودھری", "Chaudhry"), ("چودھری", "Chaudhary"),
    ("محمد علی", "Mohammed Ali"),
]
TAMIL = [
    ("முருகன்", "Murugan"), ("பிரியா", "Priya"), ("கார்த்திக்", "Karthik"),
    ("லக்ஷ்மி", "Lakshmi"), ("செல்வம்", "Selvam"), ("ராஜேஷ்", "Rajesh"), ("கணேசன்", "Ganesan"),
    ("சுரேஷ்", "Suresh"), ("விஜய்", "Vijay"), ("மீனா", "Meena"), ("அருண்", "Arun"),
    ("குமார்", "Kumar"), ("தேவி", "Devi"),
]

PAIRS = GUJARATI + HINDI + PUNJABI + BENGALI + URDU + TAMIL
# Sentences as a chat partner writes them, the name somewhere inside.
SAYINGS = ["see you Thursday {}, Gemma says hi", "{} bring a flask x", "Thanks {}! Same time?",
           "I told {} about the canal walk", "lovely to meet you {}.", "Morning {}, ok for 10?"]


@pytest.mark.parametrize("name,typed", PAIRS, ids=[f"{n}-{t}" for n, t in PAIRS])
def test_a_name_in_its_script_is_found_as_a_friend_types_it(name: str, typed: str) -> None:
    saying = SAYINGS[PAIRS.index((name, typed)) % len(SAYINGS)]
    forms = NameForms(name)
    for shown in (typed, typed.upper(), typed.replace(" ", "-")):
        assert forms.sub("[removed]", saying.format(shown)) == saying.format("[removed]"), shown
    for word, spelled in zip(name.split(), typed.split(), strict=True):
        expression = romanised(word)
        assert expression and regex.fullmatch(expression, spelled.lower()), (word, spelled)


def test_the_pairs_cover_each_community_and_are_many() -> None:
    assert len(PAIRS) >= 80
    assert min(len(g) for g in (GUJARATI, HINDI, PUNJABI, BENGALI, URDU, TAMIL)) >= 10
    found = sum(NameForms(n).search(f"hello {t} there") for n, t in PAIRS)
    print(f"\nrecall: {found}/{len(PAIRS)} pairs found")
    assert found == len(PAIRS)


def test_the_brief_s_examples_in_one_message() -> None:
    text = "see you Thursday Harpreet, Mahesh says hi to Bhavna and Mr Sharma"
    for name in ("ਹਰਪ੍ਰੀਤ ਕੌਰ", "મહેશ પટેલ", "ભાવના", "शर्मा"):
        text = NameForms(name).sub("[removed]", text)
    assert text == "see you Thursday [removed], [removed] says hi to [removed] and Mr [removed]"


@pytest.mark.parametrize("name,text,left", [
    # The first name alone only where written with a capital, as name_forms does it.
    ("ਹਰਪ੍ਰੀਤ ਕੌਰ", "harpreet kaur and Harpreet", "[removed] and [removed]"),
    ("ਹਰਪ੍ਰੀਤ ਕੌਰ", "we met harpreet", "we met harpreet"),
    ("محمد علی", "Muhammad Ali, MOHAMMED, mohamed", "[removed], [removed], mohamed"),
    # Only whole words: a longer word that begins with the name is not the name.
    ("પટેલ", "Patella and Patels", "Patella and Patels"),
    ("શાહ", "Shahid and shahs", "Shahid and shahs"),
    ("علی", "Alison and Alibaba", "Alison and Alibaba"),
    ("ਸਿੰਘ", "we sing and sigh", "we sing and sigh"),
    # ... but Gujarati's respectful endings are part of the name.
    ("મહેશ પટેલ", "Thanks Maheshbhai!", "Thanks [removed]!"),
    ("ભાવના", "ask bhavnaben", "ask [removed]"),
    # The parts with any separator, as name_forms joins them.
    ("મહેશ પટેલ", "mahesh_patel, MaheshPatel", "[removed], [removed]"),
])
def test_first_name_whole_words_and_separators(name: str, text: str, left: str) -> None:
    assert NameForms(name).sub("[removed]", text) == left


@pytest.mark.parametrize("name,text,left", [
    # From a newcomer's break-test: a spelling that is also an English word is the name
    # only where written as one, with a capital inside a sentence.
    ("سعد", "so sad, he said so. Sad news", "so sad, he said so. Sad news"),
    ("سعد", "see you Saad, cheers Sad x", "see you [removed], cheers [removed] x"),
    ("سعید", "she said yes, thanks Saeed", "she said yes, thanks [removed]"),
    ("نور", "neither here nor there, hi Noor", "neither here nor there, hi [removed]"),
    ("मणि", "many thanks, see you Mani", "many thanks, see you [removed]"),
    ("ਦੀਪ", "deep breaths. Deep, see you at ten", "deep breaths. Deep, see you at ten"),
    ("ਦੀਪ", "well done Deep!", "well done [removed]!"),
    ("سمر", "last summer with Samar", "last summer with [removed]"),
    # Never the start of a contraction; a possessive is still the name.
    ("حسن", "he hasn't rung. Hassan's bike", "he hasn't rung. [removed]'s bike"),
    ("حسن", "she hasn\u2019t", "she hasn\u2019t"),
])
def test_a_spelling_that_is_also_a_word_is_taken_only_as_a_name(name: str, text: str,
                                                                left: str) -> None:
    assert NameForms(name).sub("[removed]", text) == left


@pytest.mark.parametrize("word,spelled", [
    ("पटेल", "ptl"), ("पटेल", "patelaa"), ("भट्ट", "bhata"), ("सिंह", "sing"),
    ("محمد", "mhd"), ("شاہ", "sha"), ("ਕੌਰ", "kr")])
def test_explicit_vowels_and_final_aspirates_are_never_dropped(word: str, spelled: str) -> None:
    expression = romanised(word)
    assert expression is not None
    assert not regex.fullmatch(expression, spelled)


def test_only_indic_and_arabic_words_of_enough_letters() -> None:
    assert romanised("Rose") is None
    assert romanised("李小龍") is None
    assert romanised("ક") is None  # one letter names nobody
    assert romanised("કપિલ") is not None


CORPORA = [*sorted(Path("content/contact_examples").glob("*.tsv")),
           *sorted(Path("content/en/safety_examples").glob("*.tsv"))]
# The share of messages a name may wrongly touch, over all the names. Measured
# 2026-12-02: 44 of 33,557 messages (0.13 %), mostly Punjabi "saah" (breath) for Shah,
# "ellie"/"ollie" for Ali, "bat" for Bhatt, "amir" for Umar, and Gurmukhi "ਕਰ" for "ਕੌਰ"
# (the script form as name_forms folds it, without its vowel signs: not romanised).
BOUND = 0.003


def _messages() -> list[str]:
    texts = []
    for path in CORPORA:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(line.split("\t")[-1])
    return texts


def test_few_words_of_ordinary_messages_are_taken_for_a_name() -> None:
    """Every name over every message. A message is wrongly touched when a name's forms
    still remove something once every listed spelling of every name (and every name in
    its script) is taken out of it: a name typed in the corpus ("Dr Patel") is a name."""
    texts = _messages()
    assert len(texts) > 20_000
    names = sorted({n for n, _ in PAIRS})
    known = sorted({t for _, t in PAIRS} | {w for n in names for w in n.split()},
                   key=len, reverse=True)
    named = regex.compile(r"(?<!\w)(?:" + "|".join(map(regex.escape, known)) + r")(?!\w)",
                          regex.IGNORECASE)
    plain = [named.sub("Gemma", t) for t in texts]
    folded = [fold(t)[0] for t in plain]
    wrong: dict[str, int] = collections.Counter()
    touched: set[int] = set()
    for name in names:
        forms = NameForms(name)
        # Only messages where a form could be: a word's expression or a folded form.
        words = [r for w in name.split() if (r := romanised(w))]
        maybe = regex.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")
        for at, text in enumerate(plain):
            if not maybe.search(folded[at]) and not any(
                    f in folded[at] for f in forms.forms | forms.first_names):
                continue
            if forms.sub("\x00", text) != text:
                wrong[name] += 1
                touched.add(at)
    share = len(touched) / len(texts)
    print(f"\nfalse matches: {len(touched)} of {len(texts)} messages ({share:.2%}) over "
          f"{len(names)} names; by name: {dict(wrong.most_common())}")
    assert share < BOUND
    assert max(wrong.values(), default=0) <= 20
