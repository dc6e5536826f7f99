"""Whether everyday words of mood make distress: a tiredness or a moan word ("knackered",
"fed up", "cba", "gutted", "playing up") is distress only with a low-mood reading, never
beside good news, a coping turn or an everyday cause; and low mood or a hospital stay told
as over ("I was really low last winter, but I'm in a good place now") is not now.

The lexicon keeps these words apart from the plain feeling words (`distress`, always care):
- `tiredness` ("knackered", "shattered", "exhausted"): tired is not low, so it needs a
  strain beside it (caring, lasting, "mentally", the pain, an illness);
- `moan` ("fed up", "gutted", "not great", "scared", "a wobble", "had a cry") and
  `moan_health` ("playing up", "in hospital"): distress, unless a coping turn explains them
  ("but I'll live", "loved it", "happy tears", "so I'd rather the shallow end"), or an
  everyday cause close by does ("fed up with this rain", "Foxes lost, gutted") with no
  strain and no word of the writer's health in the message.
Each is read with ConText like any other feeling (negated, someone else's). The cues
(`coping`, `everyday`, `strain` and `over` in the lexicon) are read as they stand
(`mood_cues`): a coping turn counts unless denied or turned after it, an everyday cause
only close to the mood word. Read by the screen (screen.py, `_combine`); hazard log H10.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence, Set

from spacy.tokens import Span

from bot.safety.history import Where

STRONG = frozenset({"distress", "distress_health"})
MILD = frozenset({"tiredness", "moan", "moan_health"})
MOODS = STRONG | MILD | {"grief"}
# What explains an everyday mood word: good news, a coping turn, a wish, or a laugh.
COPING = frozenset({"coping", "laughter"})
# An everyday cause, or a programme, a book or a match talked about (the `fiction` cue).
EVERYDAY = frozenset({"everyday", "fiction"})
# Told as over or recovered from (see `told_as_over`).
OVER = frozenset({"over", "recovered"})
# A coping word denied ("not made it", "don't think I'll come") or turned after it ("it
# was nice, but...") says nothing good.
DENIED = frozenset({"not", "dont", "didnt", "never", "no", "cant", "wont", "wasnt", "isnt",
                    "couldnt", "nothing", "hardly", "barely", "stopped", "longer", "without",
                    "lost"})
TURNS = frozenset({"but", "though", "although", "however", "yet", "except"})
NEAR = 6  # words between an everyday cause and the mood word it explains
# Told as over: a past word in the feeling's own clause, and none of now.
PAST_WORDS = frozenset({"was", "were", "used", "had", "last", "ago", "before", "spent",
                        "went", "felt"})
YEAR = re.compile(r"(19[5-9]\d|20[0-4]\d)")  # "in hospital in 2008"
# Now, or only days ago: a stay in hospital last week is still news of now.
NOW_WORDS = ("still", "again", "lately", "recently", "at the moment", "atm", "these days",
             "this week", "today", "tonight", "right now", "back now", "its back",
             "is back", "came back", "come back", "coming back", "worse", "just",
             "struggling", "keep", "keeps", "yesterday", "last night", "last week",
             "days ago", "the other day", "this morning", "weekend")
CLAUSE_ENDS = frozenset({"but", "though", "although", "however", "yet", "now"})


def mood_cues(cues: Sequence[Span], mild: Sequence[Span]) -> set[str]:
    """The cues that speak to everyday mood words (`mild`: their spans), by label: a
    coping turn or an "over" cue not denied ("not made it", "I don't think I'll come") nor
    turned after it in its sentence ("it was nice, but it reminded me how much I've
    lost"); an everyday cause within `NEAR` words of a mood word in its sentence, with no
    turn between ("fed up with this rain"; never the phone in "can't even hold my phone
    properly, fed up", nor "the coffee morning, but I'm so anxious around people"); every
    other cue (a strain, a programme talked about) as it stands."""
    found: set[str] = set()
    for cue in cues:
        doc, sentence = cue.doc, cue.sent
        if cue.label_ in ("coping", "over", "recovered"):
            before = {t.lower_ for t in doc[max(sentence.start, cue.start - 3):cue.start]}
            after = {t.lower_ for t in doc[cue.end:sentence.end]}
            if not before & DENIED and not after & TURNS:
                found.add(cue.label_)
        elif cue.label_ == "everyday":
            if any(span.sent.start == sentence.start
                   and cue.start - span.end <= NEAR and span.start - cue.end <= NEAR
                   and not TURNS & {t.lower_ for t in doc[min(cue.end, span.end):
                                                          max(cue.start, span.start)]}
                   for span in mild):
                found.add(cue.label_)
        else:
            found.add(cue.label_)
    return found


def mild_is_distress(mild: Collection[str], cues: Set[str], health: bool) -> bool:
    """Whether the mild findings `mild` (labels of `MILD`, the writer's, now) make distress,
    given the message's cues and whether it names anything of the writer's health
    (`health`: a medical topic or a health finding). A coping turn explains them away; a
    strain beside them makes them distress; an everyday cause explains them unless a word
    of health is there too; tiredness alone is no low mood ("knackered after the big
    shop, feet up")."""
    if not mild or cues & COPING:
        return False
    if "strain" in cues:
        return True
    if cues & EVERYDAY and not health:
        return False
    return bool(set(mild) - {"tiredness"})


def grief_is_distress(cues: Set[str]) -> bool:
    """A death told is distress (whoever died), unless it is told with a good word or as
    come to terms with ("she had a wonderful life, it'll be a celebration", "a memorial
    walk for Val", "I'm in a much better place"), or is a programme's subject ("a play
    about grief"); an everyday word beside it explains nothing ("Mum passed in the spring
    and I still pick up the phone to ring her")."""
    return not cues & (COPING | OVER | {"fiction"})


def told_as_over(span: Span, over: Sequence[Where]) -> bool:
    """A feeling or a hospital stay told in the past and reported over ("I was really low
    last winter but I'm doing so much better now", "was in hospital in 2021, fine now", "I
    used to be so lonely before I joined"): in its own clause (cut at "but", "now"...) a
    past word or a year and no word of now or of days ago (`NOW_WORDS`); and, for a
    feeling, an `over` cue after it (`over`: where the lexicon's `recovered` and `over`
    cues stand, as `mood_cues` let them) or "used to" before it. A stay in hospital told
    in the past needs no more ("was in hospital with copd last winter")."""
    if span.label_ not in MOODS:
        return False
    doc, sentence = span.doc, span.sent
    start, end = sentence.start, sentence.end
    for t in doc[sentence.start:span.start]:
        if t.lower_ in CLAUSE_ENDS:
            start = t.i + 1
    for t in doc[span.end:sentence.end]:
        if t.lower_ in CLAUSE_ENDS or any(s == t.i for s, _ in over):
            end = t.i
            break
    clause = [t.lower_ for t in doc[start:end]]
    words = " " + " ".join(clause) + " "
    past = PAST_WORDS & set(clause) or any(YEAR.fullmatch(w) for w in clause)
    if not past or any(f" {marker} " in words for marker in NOW_WORDS):
        return False
    if span.label_ == "moan_health":
        return True
    before = " " + " ".join(t.lower_ for t in doc[start:span.start]) + " "
    return " used to " in before or any(s >= span.end for s, _ in over)
