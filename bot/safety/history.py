"""Whether a finding is history rather than now: an "it's over" cue after a symptom (and
what undoes one), signs of a stroke that went away (a TIA: still urgent, NHS), a past
stroke's lasting effects, a treated heart, and a crisis told as over and recovered from.
Read by the screen (screen.py) for each finding, on spaCy spans of the mended words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from spacy.tokens import Span

# "Self-harm" or "suicide" named as a subject ("the training covers self-harm", "the soap
# with the overdose") may be quoted away; every other crisis phrase never is.
CRISIS = frozenset({"crisis", "crisis_topic"})

Where = tuple[int, int]  # (start, end) of a cue in the doc

NEVER_SETTLED = {"crisis", "crisis_topic", "distress", "distress_health", "grief", "relapse",
                 "emergency", "tiredness", "moan", "moan_health"}
# Signs of a stroke that went away may be a TIA: NHS, call 999 even if they go. Only a
# clinician's word, a test or a benign cause ("the GP said it was a migraine", "scan was
# clear", "from sleeping on it") reports one over; "fine now", "came back" and "it
# passed" do not.
EXPLAINED = frozenset({"doctor", "doctors", "gp", "gps", "nurse", "consultant", "paramedic",
                       "paramedics", "hospital", "test", "tests", "result", "results", "scan",
                       "scans", "ecg", "ecgs", "bloods", "xray", "mri", "ct", "migraine",
                       "bells", "palsy", "said", "says", "reckons", "thinks", "thought",
                       "turned", "checked", "diagnosed", "specialist", "neurologist",
                       # A benign cause named: "from sleeping on it".
                       "sleeping", "slept", "lying", "lay", "leaning", "kneeling"})
FAST_SIGNS = frozenset({"face", "mouth", "smile", "lip", "arm", "arms", "hand", "hands", "leg",
                        "side", "speech", "speak", "speaking", "talk", "talking", "words",
                        "word", "vision", "sight", "see", "eye", "double", "droop", "drooping",
                        "drooped", "grip", "tia", "stroke"})
# A past stroke named in the message ("I had a stroke so...", "from my stroke", "since the
# stroke"): its lasting effects ("my left arm is weak", "face droops, it's permanent") are
# not a stroke now, unless the message says anything is new (`LASTING_NOW`). "I've had a
# stroke" (recent), "having a stroke" and "the stroke club" are not a past stroke.
STROKE_PAST = re.compile(
    r"\b(?:(?<!has )(?<!have )(?<!ive )(?<!hes )(?<!shes )had|since|from|after|post|because of|"
    r"due to|caused by|old|previous|first)\s+"
    r"(?:(?:a|an|the|my|his|her|big|massive|mini|bad|small|minor|major|left|right|sided|brain"
    r"|nasty|old)\s+){0,2}(?:stroke|strokes|tia|tias|haemorrhage|hemorrhage|brain injury)\b"
    r"(?!\s+(?:club|clubs|group|groups|survivors?|association|society|nurse|nurses|team|ward|"
    r"unit|service|services|charity|cafe|choir|awareness|clinic|class|classes))")
LASTING = re.compile(r"\b(?:permanent|permanently|residual|lasting|left me|ever since|since then|"
                     r"since (?:the|my|his|her)|from (?:the|my|his|her)|after effects?|"
                     r"aftereffects?)\b")
LASTING_NOW = ("just", "think", "thinks", "maybe", "might", "may", "today", "tonight",
               "this morning", "this afternoon", "this evening", "earlier", "minutes", "mins",
               "hour", "hours", "right now", "ambulance", "999", "paramedics", "help", "quick",
               "please", "again", "what do i do", "what should i do", "worse", "worsening",
               "new", "suddenly", "sudden", "started", "starting", "another", "different",
               "having a", "this time", "gone", "went", "woke", "feels similar", "same as")
# Treated since: "I've had a heart attack and a bypass" is history, however recent "I've".
TREATED = frozenset({"bypass", "stent", "stents", "stented", "pacemaker", "icd", "angioplasty",
                     "rehab", "op", "operation", "surgery", "valve", "defibrillator", "recovered",
                     "recovery", "ablation", "cabg", "thrombectomy", "thrombolysis", "stick",
                     "walker", "wheelchair", "frame", "physio", "therapy", "therapist"})
# A crisis told as over and recovered from ("I was suicidal after my divorce but the
# counselling really helped", "self-harm free for 3 years!"), with a `recovered` cue: past,
# unless anything says it is here again (`CRISIS_NOW`) or it is only days old (`RECENT`);
# a cue that holds the crisis itself ("self-harm free for a year") is undone only by
# `CRISIS_BACK` ("...but relapsed last night").
CRISIS_BACK = ("again", "relapse", "relapsed", "back", "lost", "broke", "broken", "ruined",
               "slipped", "until", "till", "but", "cut", "cutting", "harmed", "hurt", "urges",
               "urge", "tempted", "struggling", "last night", "yesterday", "want", "wanna")
CRISIS_PAST = frozenset({"was", "were", "used", "had", "tried", "attempted", "went", "after",
                         "ago", "since", "years", "year", "months", "sectioned", "did", "felt",
                         "wanted", "free", "clean"})
CRISIS_NOW = ("again", "still", "lately", "recently", "at the moment", "these days", "tonight",
              "today", "right now", "now", "back", "this week", "feel like", "want to",
              "wanna", "thinking", "urges", "urge", "tempted", "struggling", "relapse",
              "relapsed", "scared", "slipping", "creeping", "lost", "broke", "broken",
              "ruined", "yesterday", "last night", "this morning", "earlier", "hours", "days",
              "just", "weekend", "monday", "tuesday", "wednesday", "thursday", "friday",
              "saturday", "sunday")
# A suicide attempt or self-harm this recent is a crisis now (NICE NG225 asks for an
# assessment after any self-harm), whatever tense it is told in.
RECENT = frozenset({"last week", "last time", "the other day", "at the weekend",
                    "over the weekend", "last weekend", "weeks ago", "week ago", "fortnight ago",
                    "few weeks back"})
# A symptom's sentence told in the past, so a later sentence may report it over.
PAST = frozenset({"had", "was", "were", "went", "got", "thought", "yesterday", "earlier",
                  "last", "ago", "before", "once", "did", "took", "gave"})




def undone(cue: Where, returned: Sequence[Where]) -> bool:
    """Whether a `returned` phrase denies or undoes the "it's over" cue `cue`: one reaching
    into it or after it ("hasn't eased", "it settled, but it's back now"), but not one
    wholly inside it ("came back" in "came back normal")."""
    return any(end > cue[0] and not (cue[0] <= start and end <= cue[1])
               for start, end in returned)


def settled_after(span: Span, settled: Sequence[tuple[int, int, bool]],
                   returned: Sequence[Where]) -> bool:
    """Whether an "it's over" cue reports `span` over: a `settled` or `reported_over` one
    after it in its sentence, or a `reported_over` one in a later sentence when the span's
    sentence is told in the past; and nothing with or after the cue says it is not over."""
    if span.label_ in NEVER_SETTLED or not settled:
        return False
    sentence = span.sent
    if tia(span):
        settled = [(start, end, reported) for start, end, reported in settled
                   if reported and explained(span.doc[start:end])]
    past = any(t.lower_ in PAST for t in sentence)
    return any(start >= span.end and (start < sentence.end or (past and reported))
               and not undone((start, end), returned) for start, end, reported in settled)


def tia(span: Span) -> bool:
    """A sign of a stroke in the FAST sense (face, arm, speech, sight: `FAST_SIGNS`), which
    stays urgent when it goes away; a sudden dizziness or headache may still be reported
    over as before."""
    return span.label_ == "stroke" and any(
        t.lower_ in FAST_SIGNS or t.lower_.startswith("slur") for t in span)


def explained(words: Iterable[object]) -> bool:
    """Whether a clinician, a test or a named cause speaks in these words (`EXPLAINED`)."""
    return any(str(getattr(t, "lower_", t)) in EXPLAINED for t in words)


def lasting(span: Span) -> bool:
    """A sign of a stroke that is a past stroke's lasting effect ("I had a stroke so my left
    arm is weak", "my face droops since the stroke, it's permanent"): `STROKE_PAST` in the
    message and nothing in it saying anything is new (`LASTING_NOW`; "now" too, unless the
    message says the effect lasts: `LASTING`)."""
    if span.label_ != "stroke":
        return False
    text = " " + " ".join(t.lower_ for t in span.doc) + " "
    if not STROKE_PAST.search(text):
        return False
    markers = LASTING_NOW if LASTING.search(text) else (*LASTING_NOW, "now")
    return not any(f" {marker} " in text for marker in markers)


def recovered_from(span: Span, recovered: Sequence[Where]) -> bool:
    """A crisis told as over and recovered from: inside a `recovered` cue ("self-harm free
    for 3 years"), or told in the past (`CRISIS_PAST` in its sentence) in a message with
    one ("...but the counselling really helped", "that's all behind me") and nothing
    outside the cue saying it is here again (`CRISIS_NOW`). Never when only days old."""
    if span.label_ not in CRISIS or not recovered:
        return False
    doc = span.doc
    cue = {i for start, end in recovered for i in range(start, end)}
    outside = " " + " ".join(t.lower_ for t in doc if t.i not in cue) + " "
    if any(start <= span.start and span.end <= end for start, end in recovered):
        # "Self-harm free for 2 years today", never "...but relapsed last night".
        return not any(f" {word} " in outside for word in CRISIS_BACK)
    if any(f" {word} " in outside for word in (*CRISIS_NOW, *RECENT)):
        return False
    return any(t.lower_ in CRISIS_PAST for t in span.sent)


# Events a simple past "had" may put in the background (`told_as_past`), and the words
# that keep them now.
TOLD_AS_PAST = frozenset({"chest_pain", "stroke", "other_urgent"})
ARTICLES = frozenset({"a", "an", "another", "mini", "small", "bad", "big", "massive", "major",
                      "minor", "slight", "nasty"})
PERFECT = frozenset({"has", "have", "ive", "hes", "shes", "weve", "theyve", "youve"})
EVENTS = frozenset({"stroke", "attack", "arrest", "tia", "seizure", "fit"})
CLAUSE_ENDS = frozenset({"but", "although", "though", "however", "yet", "whereas"})
STILL_NOW = ("just", "think", "thinks", "maybe", "might", "may", "today", "tonight",
             "this morning", "this afternoon", "this evening", "earlier", "minutes", "mins",
             "hour", "hours", "right now", "ambulance", "999", "paramedics", "help", "quick",
             "please", "again", "still", "what do i do", "what should i do", "what do we do",
             "!")


def told_as_past(span: Span, other: bool) -> bool:
    """An event told in the simple past with nothing saying it is now: background ("my
    husband had a stroke and I do most things for him", "I had a heart attack, cardiac rehab
    was brilliant"). "Has had", "just", "I think", "an hour ago", "help" and the like say
    it is now. Symptoms ("had chest pains") are not events; a fall is read by its injury;
    and a fit the writer had is told straight after it ("had a fit, bit my tongue"), so
    only someone else's is background this way."""
    if span.label_ not in TOLD_AS_PAST or (span.label_ == "other_urgent" and not other):
        return False
    doc, start = span.doc, span.sent.start
    i = span.start
    while i < span.end - 1 and doc[i].lower_ in ARTICLES | {"had", "heart", "cardiac"}:
        i += 1  # the event's own word: "stroke" in "had a stroke", "attack"
    if doc[i].lower_ not in EVENTS:
        return False
    j = i - 1
    while j >= start and doc[j].lower_ in ARTICLES | {"heart", "cardiac"}:
        j -= 1
    if j < start or doc[j].lower_ != "had" or j == i - 1 or (
            doc[i].lower_ in ("attack", "arrest") and doc[i - 1].lower_ not in ("heart",
                                                                                "cardiac")):
        return False
    if j > start and doc[j - 1].lower_ in PERFECT and not TREATED & {
            t.lower_ for t in doc[span.end:span.sent.end]}:
        return False  # "has had", "I've had": recent unless dated or treated since
    # What says "now" must be in the event's own clause: "Grandad had a stroke but he still
    # does his crossword" is background.
    clause = []
    for t in doc[start:span.sent.end]:
        if t.i >= span.end and t.lower_ in CLAUSE_ENDS:
            break
        clause.append(t.lower_)
    words = " " + " ".join(clause) + " "
    return not any(f" {marker} " in words for marker in STILL_NOW)
