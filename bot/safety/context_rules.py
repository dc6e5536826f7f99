"""The ConText rules the screen reads with (medspaCy's `ConTextRule`), built from the
lexicon's context phrases: negation, history, hypotheticals, quotes, someone else, a pet,
and the writer as the subject again, each with how far it reaches and which findings it
may modify (crisis is negated only by the next two words; a habit or an onset never makes
a feeling history). NegEx's window and the ConText categories follow Chapman et al.
(2001, 2007) as medspaCy implements them.
"""

from __future__ import annotations

from collections.abc import Iterable

from medspacy.context import ConTextRule

from bot.safety.history import CRISIS
from bot.safety.lexicon import Lexicon
from bot.safety.patterns import Phrase, compile_phrase, words_of

NEGATION_SCOPE = 5  # NegEx's classic window
CRISIS_NEGATION_SCOPE = 2  # "not suicidal" yes; "not sure, I don't want to live" no
# "quoted" (a leaflet, an advert, a course, an instruction to anyone) is its own category so
# that medspaCy, which cuts a modifier's scope at the next one of the same category, lets
# "the leaflet says ... if ... call 999" reach past the "if".
# "self" marks the writer as the subject again ("my husband's out, I'm alone, chest pain"):
# it ends what "someone else" reaches and changes nothing else.
CONTEXT = {"negated": "NEGATED_EXISTENCE", "historical": "HISTORICAL",
           "hypothetical": "HYPOTHETICAL", "quoted": "QUOTED", "other": "OTHER_PERSON",
           "animal": "ANIMAL", "self": "SELF"}
# Hypothetical phrases that are a real condition (the rest, such as a worry, never reach
# crisis).
CONDITIONAL = frozenset({"if", "case", "incase", "policy", "policies", "process", "procedure",
                         "procedures", "protocol", "protocols", "whenever",
                         # "How can I support a friend who says she's suicidal?"
                         "support"})
# What a pet's trouble may not discount: the writer's fall or injury ("tripped over the
# dog and hurt my wrist") and crisis.
NOT_ANIMAL = frozenset({"fall_event", "injury", "head_injury", "long_lie"})
# "Occasionally" (what "now and again" is mended to) is background, read like history; so
# is a year named beside a symptom (round eleven). Neither makes a feeling history
# ("suicidal since 2019").
HABIT = ("occasionally", "@year")
DIRECTION = {"forward": "FORWARD", "backward": "BACKWARD", "both": "BIDIRECTIONAL"}
# Labels the screen reads with ConText; the medical-question ones it reads as they stand.
CONTEXT_LABELS = ("chest_pain", "stroke", "breathing", "palpitations", "blood_sugar",
                  "blood_sugar_high", "high_reading", "hyper_symptoms", "fall_event", "injury",
                  "head_injury", "long_lie", "fainting", "other_urgent", "unwell", "crisis",
                  "crisis_topic", "distress", "distress_health", "tiredness", "moan",
                  "moan_health", "hypo_symptoms",
                  "diabetes_context", "fever", "sepsis_sign", "plea", "unresponsive", "pills",
                  "overdose_act", "relapse", "confirmed",
                  "grief", "emergency", "danger", "poison", "ingested", "their_emergency",
                  "mgdl_reading", "hyper_feeling", "fire", "gas")
# "Lonely since my wife died", "suicidal since my stroke": "since"/"after" dates when a
# feeling began, not a feeling that has passed; they mark only physical targets as past.
ONSET = ("since", "after")
ONSET_SCOPE = 3
FEELINGS = {"crisis", "crisis_topic", "distress", "distress_health", "relapse", "grief",
            "tiredness", "moan", "moan_health"}
# Terminators that join two clauses about the same person ("she's awake but can't get up",
# "mum is so poorly she can't stand"): they end every modifier's scope except someone
# else's, which ends only where the writer is the subject again (round sixteen).
SAME_SUBJECT = frozenset({"but", "so", "though", "tho", "although", "yet"})
CLAUSE = "CLAUSE_END"
# A category no target has: a clause end marks a boundary and modifies nothing.
NOTHING = {"__clause_end__"}


def context_rules(lexicon: Lexicon) -> Iterable[ConTextRule]:
    """medspaCy ConText rules for the lexicon's `context` phrases, pseudo phrases and
    terminators, each kind with its own reach and the labels it may modify."""
    plain = set(CONTEXT_LABELS) - CRISIS
    for kind, directions in lexicon.context.items():
        category = CONTEXT[kind]
        for direction, phrases in directions.items():
            for source in phrases:
                phrase = compile_phrase(source)
                if kind == "negated":
                    # Negation reaches a few words; for crisis, only the next two.
                    yield from _rules(phrase, category, DIRECTION[direction],
                                allowed_types=plain, max_scope=NEGATION_SCOPE)
                    yield from _rules(phrase, category, DIRECTION[direction],
                                allowed_types=set(CRISIS), max_scope=CRISIS_NEGATION_SCOPE)
                elif kind == "historical" and source.strip("'").split()[0] in HABIT:
                    # A habit is background for the body, never for feelings.
                    yield from _rules(phrase, category, DIRECTION[direction],
                                      allowed_types=set(CONTEXT_LABELS) - FEELINGS)
                elif kind == "historical" and source.split()[0] in (*ONSET, "before"):
                    # "Since the stroke" dates what it names, not the rest of the
                    # sentence: "since the swim my heart won't slow down" is now.
                    yield from _rules(phrase, category, DIRECTION[direction],
                                      allowed_types=set(CONTEXT_LABELS) - FEELINGS,
                                      max_scope=ONSET_SCOPE)
                elif kind == "quoted" or (
                        kind == "hypothetical" and CONDITIONAL & set(words_of(source))):
                    # Crisis is read with a quote or a real condition ("if", "in case", "a
                    # policy for"), and discounted only when it is someone else's, or a
                    # subject a leaflet or a talk names (`_affirmed`). A worry ("worried
                    # about my son, he's talking about killing himself") never reaches it.
                    yield from _rules(phrase, category, DIRECTION[direction],
                                      allowed_types=set(CONTEXT_LABELS) - {"confirmed"})
                elif kind == "hypothetical":
                    yield from _rules(phrase, category, DIRECTION[direction],
                                      allowed_types=plain - {"confirmed"})
                elif kind == "other":
                    # Someone else's scope ends where the writer is the subject again, and
                    # for their body never at a "but" or a "so" that goes on about them
                    # ("she's awake but can't get up"). A feeling after one with nobody
                    # named again is the writer's ("my husband left so want to die"): the
                    # screen reads that (`_feeling_after_clause`, screen.py). (One rule per
                    # phrase: medspaCy prunes a second modifier on the same words.)
                    yield from _rules(phrase, category, DIRECTION[direction],
                                      terminated_by={"SELF"}, clause=False)
                elif kind == "animal":
                    yield from _rules(phrase, category, DIRECTION[direction],
                                      terminated_by={"SELF", CLAUSE},
                                      allowed_types=set(CONTEXT_LABELS) - NOT_ANIMAL - CRISIS)
                elif kind == "self":
                    # Only a boundary for "someone else" (kept to a word, like a terminator).
                    yield from _rules(phrase, category, DIRECTION[direction], max_scope=1)
                else:
                    yield from _rules(phrase, category, DIRECTION[direction])
    for source in lexicon.pseudo:
        yield from _rules(compile_phrase(source), "PSEUDO", "PSEUDO")
    for source in lexicon.terminate:
        # A terminator's own scope is kept to a word either side: medspaCy 1.3.1 tests
        # overlap one way only (`tuple_overlaps`), so a terminator whose scope is the
        # whole sentence never cut a negation inside it ("no chest pain but I can't
        # breathe" read both as negated).
        if source.strip() in SAME_SUBJECT:
            # Ends every scope but someone else's (`terminated_by` CLAUSE_END above).
            yield from _rules(compile_phrase(source), CLAUSE, "BIDIRECTIONAL", max_scope=1,
                              allowed_types=NOTHING, clause=False)
        else:
            yield from _rules(compile_phrase(source), "TERMINATE", "TERMINATE", max_scope=1)


def _rules(phrase: Phrase, category: str, direction: str, clause: bool = True,
           **options: object) -> Iterable[ConTextRule]:
    if clause:  # a "but" or a "so" ends this modifier's scope, as any terminator does
        ended = options.get("terminated_by")
        options["terminated_by"] = {*(ended if isinstance(ended, set) else ()), CLAUSE}
    if phrase.reach is not None:  # `>N`: the phrase says how far it reaches
        options["max_scope"] = phrase.reach
    for pattern in phrase.patterns:
        yield ConTextRule(literal=phrase.source, category=category, direction=direction,
                          pattern=pattern, **options)  # type: ignore[arg-type]
