"""Whose finding it is: the writer's own words ("kill myself", "I self harm"), someone else's
in theirs ("wants to kill herself"), and someone named inside the very words of a finding
("I think my mum is having a stroke"), where ConText cannot see them (a modifier inside a
target is dropped by medspaCy). Read by the screen (screen.py) for each finding.
"""

from __future__ import annotations

from itertools import pairwise

from spacy.tokens import Span

# Words that make a crisis phrase the writer's own whoever else the sentence names ("if my
# husband leaves I'll kill myself").
FIRST_PERSON = frozenset({"i", "im", "ive", "id", "me", "my", "myself", "meself", "mine"})
# "Wants to kill herself": a crisis said of someone else in its own words.
THIRD_PERSON = frozenset({"himself", "herself", "themselves", "themself"})
# The writer as the subject: after someone else is named inside a finding, these make it the
# writer's again ("my husband thinks I'm having a stroke").
SUBJECT = frozenset({"i", "im", "ive", "id"})
OWNERS = frozenset({"my", "his", "her", "our", "their"})
HE_SHE = frozenset({"he", "she", "hes", "shes"})
PEOPLE = frozenset({
    "mum", "mam", "mom", "mother", "mummy", "dad", "father", "daddy", "husband", "hubby",
    "wife", "partner", "son", "daughter", "brother", "sister", "friend", "mate", "neighbour",
    "neighbor", "nan", "nana", "gran", "granny", "grandad", "grandma", "grandpa", "grandson",
    "granddaughter", "uncle", "aunt", "auntie", "cousin", "boyfriend", "girlfriend", "carer",
    "baby", "child", "kid", "boy", "girl", "fella", "missus", "colleague", "buddy", "lad",
    "lass", "niece", "nephew", "fiance", "fiancee", "stepdad", "stepmum", "wifey"})
# Whose it is, in a crisis phrase with no word of the writer's: "cut her arms", "take his
# own life" (never "I want to be with her": the writer's wish to join someone).
POSSESSIVES = frozenset({"his", "her", "their"})
OWNED = frozenset({"life", "lives", "own", "wrist", "wrists", "arm", "arms", "leg", "legs",
                   "thigh", "thighs", "throat", "neck", "tablets", "pills", "meds", "insulin"})
# Symptoms someone else may have, told inside one phrase: never the writer's crisis, a plea
# or danger from someone, which are theirs.
PHYSICAL = frozenset({"chest_pain", "stroke", "breathing", "palpitations", "blood_sugar",
                      "blood_sugar_high", "fainting", "fall_event", "injury", "head_injury",
                      "long_lie", "other_urgent", "unwell", "hypo_symptoms", "high_reading",
                      "hyper_symptoms", "mgdl_reading"})


def first_person(span: Span, before: int = 0) -> bool:
    """Whether the writer says it of themselves: a first-person word inside the span or
    in the `before` words ahead of it ("I self harm", "kill myself")."""
    start = max(span.sent.start, span.start - before)
    return any(t.lower_ in FIRST_PERSON for t in span.doc[start:span.end])


def third_person(span: Span) -> bool:
    """A crisis in someone else's own words ("wants to kill herself", "has cut her arms",
    "going to take his own life"), with no word of the writer's in it."""
    words = [t.lower_ for t in span]
    owned = any(w in POSSESSIVES and nxt in OWNED for w, nxt in pairwise(words))
    return bool(THIRD_PERSON & set(words) or (owned and not FIRST_PERSON & set(words)))


def named_inside(span: Span) -> bool:
    """Someone else named inside a physical finding, with the writer not the subject after
    them: "think my mum is having a stroke" (the phrase took in "my mum"), never "my
    husband thinks I'm having a stroke"; or "he" or "she" inside with no word of the writer
    ("very breathless he can't speak"). ("They" is no sign: "my lips they are going
    blue".)"""
    if span.label_ not in PHYSICAL:
        return False
    words = [t.lower_ for t in span]
    for i, word in enumerate(words):
        named = word in OWNERS and i + 1 < len(words) and words[i + 1] in PEOPLE
        if named:
            return not SUBJECT & set(words[i + 1:])
    # "Very breathless he can't speak": he or she as the subject inside, the writer nowhere
    # in it (round fifteen).
    return bool(HE_SHE & set(words)) and not FIRST_PERSON & set(words)
