"""Which findings make which reply, and in what order: the screen's labels (the lexicon's
target names) mapped to the reply topics of `content/<language>/safety.yaml` (`reply:`),
the findings that need two things together, and the order of urgency in which replies are
chosen. Read by the screen (screen.py) when it combines what it found.
"""

from __future__ import annotations

# Most urgent first: the first finding's reply is sent; crisis beside a physical emergency
# gets its own reply too. A fire or a gas leak comes first (get out, then 999), then danger
# from another person (999, press 55 if they cannot speak).
URGENCY = ("fire", "gas", "danger", "someone_else", "stroke", "chest_pain", "breathing",
           "other_urgent", "blood_sugar", "blood_sugar_high", "fainting", "fall",
           "palpitations", "crisis", "emergency", "unwell")
# Chest pain beside a numb or heavy arm is a heart attack's picture (NHS: pain spreading to
# the arms): its reply (999, sit down and rest) before FAST's, unless a sign of the head is
# named too (face, speech, sight: `screen.FAST_HEAD`). Newcomer's break-test, session 13.
HEART_FIRST = ("fire", "gas", "danger", "someone_else", "chest_pain", "stroke", *URGENCY[6:])
DIRECT = {"chest_pain", "stroke", "breathing", "palpitations", "blood_sugar", "danger",
          "blood_sugar_high", "fainting", "other_urgent", "unwell", "crisis", "crisis_topic",
          "head_injury", "long_lie", "emergency", "poison", "their_emergency", "fire", "gas"}
# `poison`: bleach, antifreeze, weedkiller drunk (the writer's: crisis, whose reply says 999
# if they have taken something, unless they say it was by accident: other 999 signs;
# someone else's: 999, stay with them). `their_emergency`: a stranger in trouble named in
# the finding itself ("man in the river"), always someone else's. `ingested` (a child who
# swallowed tablets or a battery) counts only about someone else, like `unresponsive`: the
# writer swallowing their tablets is everyday news.
TOPIC_OF = {"head_injury": "fall", "long_lie": "fall", "crisis_topic": "crisis",
            "poison": "crisis", "their_emergency": "someone_else"}
# Findings that are the writer's whoever else the sentence names: danger from someone ("he's
# hitting me", "my ex is outside with a knife"), and a fire or gas in their home ("my
# neighbour's flat is on fire": get out, call 999, not "stay with them").
WRITERS = frozenset({"danger", "fire", "gas"})
# Findings that need two things together (each alone says too little).
COMBINED = (
    (frozenset({"fall_event", "injury"}), "fall"),
    (frozenset({"fall_event", "plea"}), "fall"),  # "HELP I FELL"
    (frozenset({"high_reading", "hyper_symptoms"}), "blood_sugar_high"),
    # "Sugar 26 and feel faint": the high-sugar reply comes first (it says 999 or A&E).
    (frozenset({"high_reading", "hyper_feeling"}), "blood_sugar_high"),
    # Shaky, sweaty, muddled and diabetic: treat as a hypo (NHS: check and treat).
    (frozenset({"hypo_symptoms", "diabetes_context"}), "blood_sugar"),
    # A fever with chemo, rigors, confusion or an angry wound: possible sepsis.
    (frozenset({"fever", "sepsis_sign"}), "other_urgent"),
    # Pills beside "take the lot", "taking them all".
    (frozenset({"pills", "overdose_act"}), "crisis"),
)
# Someone else down after a fall is in trouble with any of these.
FALL_HARM = frozenset({"injury", "long_lie", "unresponsive", "hyper_symptoms", "sepsis_sign",
                       "head_injury"})
