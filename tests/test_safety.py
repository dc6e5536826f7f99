"""The safety screen in the small: each kind of miss the first screen had, pinned; ConText
scope; the lexicon's phrase language; the replies. The whole-screen figures are in
test_safety_eval.py."""

from __future__ import annotations

import pytest

from bot.engine.content import library
from bot.safety.lexicon import Lexicon
from bot.safety.patterns import compile_phrase
from bot.safety.screen import SafetyCategory, SafetyScreen

CONTENT = library().for_language("en")
SCREEN = SafetyScreen.from_content(CONTENT)


def topics(text: str) -> set[str]:
    return {f.topic for f in SCREEN.assess(text).findings}


# -- kinds of miss, one line each (the examples; the eval sets hold the rest) ------
@pytest.mark.parametrize(("text", "topic"), [
    ("feels like an elephant on my chest", "chest_pain"),
    ("my face has dropped on one side", "stroke"),
    ("im slurring my words", "stroke"),
    ("i think im having a heart attack", "chest_pain"),
    ("sugars are 2.1", "blood_sugar"),
    ("cnt breathe", "breathing"),
    ("chestpain", "chest_pain"),
    ("kms", "crisis"),
    ("everyone would be better off without me", "crisis"),
    ("took all my tablets", "crisis"),
    ("CAN'T BREATHE!!", "breathing"),
    ("can\u2019t breathe", "breathing"),
])
def test_words_people_really_use(text: str, topic: str) -> None:
    assert topic in topics(text)


@pytest.mark.parametrize(("text", "topic"), [
    # "free of" and "none" once acted as negations on their own words.
    ("a bit of chest pain since this morning", "chest_pain"),
    ("a couple of hours ago i collapsed", "fainting"),
    # History words once vetoed every red flag anywhere in the message.
    ("had a heart attack 3 years ago and now im getting chest pain again", "chest_pain"),
    # The negation window once swallowed alarms.
    ("never had chest pain like this before", "chest_pain"),
    ("not again, having a hypo", "blood_sugar"),
    ("oh no i think im having a stroke", "stroke"),
    ("no idea whats happening my chest is so tight", "chest_pain"),
])
def test_context_does_not_swallow_alarms(text: str, topic: str) -> None:
    assert topic in topics(text)


@pytest.mark.parametrize("text", [
    "no chest pain today", "I don't have chest pain", "not had any chest pain this week",
    "Never fainted in my life", "I had a stroke three years ago", "my dad had a stroke in 2019",
    "cant go on thursday sorry", "can't go on the bus, no pass", "fell over laughing",
    "fell over but didnt hurt myself", "my feet are killing me", "dying for a cuppa",
    "I love breaststroke", "moved a chest of drawers today", "had a stroke of luck",
    "sugar-free squash please", "walking", "", "   ", "I'll be there at 10",
    "heart of the village, that cafe", "what if I get chest pain on a walk?",
])
def test_quiet_when_nothing_is_wrong(text: str) -> None:
    assert topics(text) == set()


def test_someone_else_now_is_its_own_emergency() -> None:
    assert topics("my husband has collapsed") == {"someone_else"}
    assert topics("my husband had a stroke years ago") == set()


def test_crisis_is_not_discounted_by_if_or_by_a_nearby_not() -> None:
    assert "crisis" in topics("if nothing changes i will kill myself")
    assert "crisis" in topics("I'm not sure, I don't want to live")


def test_a_fall_needs_an_injury_or_a_long_lie() -> None:
    assert topics("fell over in the garden") == set()
    assert "fall" in topics("fell over in the garden and my wrist is swollen")
    assert "fall" in topics("ive fallen and cant get up")


def test_a_physical_emergency_comes_first_and_crisis_is_kept() -> None:
    found = SCREEN.assess("i took all my tablets and now my chest is so tight")
    assert found.findings[0].topic == "chest_pain"
    assert any(f.category is SafetyCategory.CRISIS for f in found.findings)


def test_medical_questions_and_distress_are_told_apart_from_emergencies() -> None:
    question = SCREEN.assess("should I take my insulin before swimming?")
    assert question.medical_question and not question.findings
    assert SCREEN.assess("is it safe to walk with my new knee?").medical_question
    assert not SCREEN.assess("is the walk free?").medical_question
    assert SCREEN.assess("rubbish week tbh").distress
    health = SCREEN.assess("been in hospital with my chest")
    assert health.distress and health.health_worse and not health.findings


def test_hostile_input_is_read_without_error() -> None:
    for text in ["\x00\ud800" * 10, "🫠" * 3000, "a" * 10000, "٣.٢ sugar", "(((", "~~~|||"]:
        SCREEN.assess(text)


# -- the lexicon's phrase language ----------------------------------------------------------
def test_every_lexicon_phrase_compiles() -> None:
    lexicon = Lexicon.from_content(CONTENT)
    phrases = [p for group in lexicon.targets.values() for p in group] + list(lexicon.idioms)
    phrases += [p for kinds in lexicon.context.values() for ps in kinds.values() for p in ps]
    phrases += list(lexicon.pseudo) + list(lexicon.terminate)
    assert len(phrases) > 500
    for phrase in phrases:
        assert compile_phrase(phrase).patterns


def test_phrase_language() -> None:
    grouped = compile_phrase("better off * (dead|without me)")
    assert len(grouped.patterns) == 2
    assert compile_phrase("end it$").anchored
    assert compile_phrase("knees? * gave").patterns[0][0]["OP"] == "?"
    for bad in ["", "*", "(unclosed", "|", "()"]:
        with pytest.raises(ValueError):
            compile_phrase(bad)


# -- replies ------------------------------------------------------------------------------
REPLIES = ["red_flag", "chest_pain", "stroke", "breathing", "palpitations", "blood_sugar",
           "blood_sugar_high", "fall", "fainting", "other_urgent", "unwell", "someone_else",
           "crisis"]


@pytest.mark.parametrize("topic", REPLIES)
def test_every_topic_has_a_reply_that_signposts_urgent_help(topic: str) -> None:
    text = CONTENT.text(f"safety.reply.{topic}")
    assert "999" in text or "111" in text
    if topic == "crisis":
        assert "116 123" in text and "85258" in text and "999" in text
    if topic in ("chest_pain", "stroke", "other_urgent", "someone_else", "breathing"):
        assert "999" in text
    if topic == "stroke":
        assert "FAST" in text


def test_the_medical_question_reply_never_advises() -> None:
    text = CONTENT.text("safety.reply.medical_question")
    assert "can't give medical advice" in text and "111" in text and "GP" in text


@pytest.mark.parametrize("text", [
    "I need an ambulance", "call 999", "HELP ME", "help me im dying", "its an emergency",
    "\U0001f198", "\U0001f691\U0001f691", "someone is trying to break in",
])
def test_asking_for_999_is_an_emergency_whatever_the_reason(text: str) -> None:
    assert topics(text) & {"emergency", "someone_else"}


@pytest.mark.parametrize("text", [
    "no emergency, just wondering about the walk", "my emergency contact is my son",
    "can you help me find a walk", "the emergency services were brilliant",
    "I've taken my tablets", "taken all my meds today, feeling good",
])
def test_everyday_words_near_emergencies_are_quiet(text: str) -> None:
    assert topics(text) == set()


@pytest.mark.parametrize(("text", "topic"), [
    # A terminator's scope once held the whole sentence, so medspaCy's one-way overlap test
    # let a negation run straight past "but".
    ("no chest pain but I can't breathe", "breathing"),
    ("not chest pain, i just cant breathe", "breathing"),
    ("no I'm not ok, I can't breathe", "breathing"),
    ("didn't sleep, and now crushing chest pain", "chest_pain"),
])
def test_a_negation_stops_at_but_and_now(text: str, topic: str) -> None:
    assert topic in topics(text)


def test_the_point_at_the_end_of_a_very_long_message_is_read() -> None:
    chatter = "We had a lovely walk round the park today and the ducks were out. " * 40
    assert len(chatter) > 2000
    assert "crisis" in topics(chatter + "I want to kill myself tonight.")


@pytest.mark.parametrize("text", ["are you ok?", "is everything ok?", "how are you?",
                                  "do I need special shoes?", "is the walk free?"])
def test_asking_after_someone_or_the_service_is_not_a_medical_question(text: str) -> None:
    assert not SCREEN.assess(text).medical_question


# -- settled later -------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "I went to A&E on Tuesday with chest pain. They did an ECG and bloods. Everything came "
    "back normal, muscular they think.",
    "had a funny turn yesterday, felt faint on the bus. It passed after ten minutes.",
    "my sugar dropped after swimming last time so I had a banana first today, all fine",
])
def test_a_symptom_reported_over_in_a_later_sentence_is_history(text: str) -> None:
    assert not topics(text)


@pytest.mark.parametrize(("text", "topic"), [
    # The cue is before the symptom, denied, or the symptom is back after it.
    ("went to A&E on Tuesday, all clear. Now I've got crushing chest pain", "chest_pain"),
    ("pain in my chest yesterday, it hasn't eased at all and it's into my jaw", "chest_pain"),
    ("had chest pain earlier, it settled, but it's back now and worse", "chest_pain"),
    # A later "fine now" is about whoever it names, not the symptom, told now or past.
    ("I have crushing chest pain. My husband is fine now he's home.", "chest_pain"),
    ("I had crushing chest pain that was spreading down my arm. The dog is fine now.",
     "chest_pain"),
    ("I was sat down and got crushing chest pain. Mum is fine now, the carer came",
     "chest_pain"),
    ("My face dropped on one side and my speech was slurred. Back to normal now, but it "
     "happened twice", "stroke"),
    # A suicide attempt days ago is a crisis now (NICE NG225).
    ("I tried to hang myself last week. It didn't work.", "crisis"),
])
def test_what_is_not_settled_stays_urgent(text: str, topic: str) -> None:
    assert topic in topics(text)


# -- what a newcomer found on a second look (set n holds all 429 of their messages) --------
@pytest.mark.parametrize(("text", "topic"), [
    ("I self harmed last week", "crisis"),
    ("had a go at ending it on friday but i woke up. wish i hadnt", "crisis"),
    ("cant be arsed living anymore", "crisis"),
    ("fine now dont worry about me, my dad has collapsed", "someone_else"),
    ("Said I'd be fine by today. I'm not, I can barely breathe", "breathing"),
    ("it settled earlier but it's come back worse now, pressing on my chest", "chest_pain"),
    ("had 2 sprays of my gtn now and nothing", "chest_pain"),
    ("fell down the stairs and cant feel my legs", "fall"),
    ("ive come off me bike and me leg's bent the wrong way", "fall"),
    ("im hyper no sorry hypo, 2.0, on my own", "blood_sugar"),
    # Medicines taken wrongly by accident (NHS 111 or 999), not crisis.
    ("ive accidentally taken my insulin twice", "other_urgent"),
    ("took my methotrexate every day this week instead of weekly", "other_urgent"),
    ("taken 3 of my heart tablets by mistake", "other_urgent"),
])
def test_a_newcomers_misses(text: str, topic: str) -> None:
    assert topic in topics(text)


@pytest.mark.parametrize("text", [
    "how many paracetamol can I take in a day with my arthritis?",
    "The asthma leaflet says if your inhaler isnt helping and you cant speak in sentences, "
    "call 999",
    "the advert with the man clutching his chest always makes me jump",
    "Tried hot yoga. Thought I was going to die. Loved it though",
    "we had a blackout in the power cut last night, had to find candles",
    "My GP asked if I'd ever self harmed. I said yes, decades ago, not since",
    "chest was tight walking up the hill on weds. GP checked me thurs and said it's the "
    "asthma, new inhaler is helping",
])
def test_a_newcomers_false_alarms(text: str) -> None:
    assert not topics(text)


def test_only_a_clinician_explains_a_symptom_away() -> None:
    # "He says it's just wind" is the person in trouble talking, not a diagnosis.
    assert topics("my husband has a crushing pain in his chest, he says it's just wind")


def test_a_kitchen_burn_is_an_injury_not_self_harm() -> None:
    assert topics("burnt my arm on the kettle, skin peeling off big blister") == {"other_urgent"}
    assert topics("i burned my arm with a lighter again") == {"crisis"}
