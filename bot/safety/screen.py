"""The safety screen: every inbound message is read for emergencies, crisis, medical
questions and distress before any conversation sees it.

Per message (about 1 to 3 ms):
1. mend the words (`normalise.Normaliser`: case, texting forms, misspellings);
2. find targets from the lexicon (`content/<language>/safety_lexicon.yaml`, its romanised
   Hindi, Urdu, Punjabi and Gujarati section included) with spaCy's Matcher, and idioms
   and mentions ("stroke club", "my stroke in 2018", "what does DKA stand for") that
   contain a trigger word but mean nothing urgent now;
3. decide each target's context with ConText (Harkema et al. 2009) as medspaCy implements
   it: negated, historical, hypothetical, quoted, someone else, an animal, with scopes
   ending at "but", "and now", "again", "still" or a full stop, and someone else's at "I";
4. combine: a fall needs an injury, a very high reading needs a symptom, someone else in
   trouble now is a 999 of its own, the writer's crisis is never discounted by "if", a
   goodbye beside something final is a crisis unless a move or a holiday explains it,
   someone else's emergency in a programme talked about (or as a reason to join) is a
   story, and a laugh, a fear of what might come or an event told in the simple past
   with no word of now is not an emergency now; nor is a past stroke's lasting effect or
   a crisis told as over and recovered from, while a sign of a stroke that went away (a
   TIA) is still one; an accident (bleach by mistake, a burn on the oven) is no crisis
   (accidents.py); danger from someone, a fire or gas is the writer's whoever else is
   named (topics.py), and someone named inside a finding makes it theirs (people.py).

It errs towards answering: a false alarm costs one kind message, a miss could cost a life.
The hazard log (docs/clinical-safety/hazard-log.md) lists what it can miss and why.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import rapidfuzz
import regex
import spacy
from spacy.tokens import Doc, Span

from bot.core import textnorm
from bot.core.content import Content
from bot.core.safety import Assessment, SafetyCategory, SafetyFinding
from bot.safety import normalise
from bot.safety.accidents import accidental
from bot.safety.context_rules import FEELINGS, SAME_SUBJECT, context_rules
from bot.safety.denials import denials as _denials
from bot.safety.denials import denied
from bot.safety.history import (
    CRISIS,
    RECENT,
    Where,
    explained,
    lasting,
    recovered_from,
    settled_after,
    tia,
    told_as_past,
    undone,
)
from bot.safety.indexed import IndexedMatcher, index_context
from bot.safety.lexicon import Lexicon
from bot.safety.moods import (
    MILD,
    MOODS,
    STRONG,
    grief_is_distress,
    mild_is_distress,
    mood_cues,
    told_as_over,
)
from bot.safety.normalise import Normaliser
from bot.safety.patterns import compile_phrase, words_of
from bot.safety.people import FIRST_PERSON, PEOPLE, PHYSICAL, named_inside, third_person
from bot.safety.people import first_person as _first_person
from bot.safety.second_reader import (
    KIND_THRESHOLD,
    SET_ASIDE_THRESHOLD,
    SOMEONE_ELSE_THRESHOLD,
    URGENT_THRESHOLD,
    URGENT_THRESHOLD_QUESTION,
    URGENT_THRESHOLD_STORY,
    SecondReader,
    cache_folder,
    load_examples,
)
from bot.safety.topics import (
    COMBINED,
    DIRECT,
    FALL_HARM,
    HEART_FIRST,
    TOPIC_OF,
    URGENCY,
    WRITERS,
)

# medspaCy registers its pipeline factories on import.
import medspacy.context  # noqa: F401  isort: skip

# medspaCy and its helpers may log at DEBUG with the text they read; we never log words.
for _name in ("medspacy", "PyRuSH"):
    logging.getLogger(_name).setLevel(logging.WARNING)

GROUP = "safety_targets"
# Cues read as they stand, outside ConText (so they never prune a modifier): a goodbye,
# something final, a journey or a move that explains a goodbye, a programme talked about,
# and laughter ("haha", a laughing emoji).
CUES = ("farewell", "finality", "departure", "fiction", "settled", "reported_over", "returned",
        "laughter", "fear", "joining", "habit", "now_words", "recovered", "accident",
        "deliberate", "movement", "living", "coping", "everyday", "strain", "over")
STANDING_CUES = frozenset({"habit", "now_words"})
# Symptoms a person may tell as a standing pattern when asked about their health ("I get
# chest pain on hills"): never a stroke, a crisis, someone else or a named emergency.
STANDING = frozenset({"chest_pain", "breathing", "palpitations", "fainting", "fall",
                      "blood_sugar"})
FEAR_REACH = 4  # words between a fear ("scared of having") and the thing feared
# Targets a laugh beside them makes a joke of ("Line of Duty had my heart racing 😂", "I
# passed out on the sofa haha"): never crisis (a false alarm there is kinder than a miss),
# and never a fall or an injury, which people laugh off while hurt.
LAUGHABLE = frozenset({"chest_pain", "palpitations", "fainting", "stroke", "breathing",
                       "unwell", "emergency"})
LAUGH_REACH = (3, 8)  # words before and after a target a laugh may stand
# The signs of a stroke in the head (FAST's face and speech, and sight): beside chest pain,
# only these keep the stroke reply first (`topics.HEART_FIRST`).
FAST_HEAD = regex.compile(r"\b(?:face|smile|mouth|droop\w*|speech|speak\w*|talk\w*|slur\w*"
                          r"|words|vision|sight|see|eye|eyes|confused|dizzy)\b")
# What the mender makes of a crying face ("😭"): distress alone, crisis beside pills.
EMOJI_WORD = "cryingface"
# A laugh the writer takes back ("heart attack 😂😂 not joking", "chest pain 🤣 no seriously").
EARNEST = ("not joking", "no joke", "not a joke", "not kidding", "no kidding", "seriously",
           "for real", "no really", "honestly", "im serious", "i am serious", "no lie",
           "genuinely", "deadly serious", "not funny")
# Words that give a laugh nothing to laugh at: "chest pain 😂", "i cant breathe haha",
# "im having a heart attack 😂". With only these beside the symptom the laugh is nervous,
# and a false alarm is kinder than a miss (hazard log H1).
BARE = frozenset({"i", "im", "ive", "id", "me", "my", "myself", "am", "is", "are", "its",
                  "it", "a", "an", "the", "having", "have", "has", "got", "getting", "get",
                  "think", "so", "really", "just", "oh", "god", "omg", "ow", "ouch", "help",
                  "bit", "of", "some", "now", "again", "proper", "lol", "x", "xx", "xxx",
                  "literally", "and", "ugh", "um", "erm", "well", "like", "what", "haha",
                  "lmao", "rofl", "very", "too", "mate", "duck", "love", "ha", "right", "yeah",
                  "why", "this", "that", "feels", "feel", "feeling", "such", "bad", "big",
                  "massive", "little", "hurts", "hurt", "hurting", "pain", "oh my god",
                  "cant", "can", "not", "!", "?", ".", ";", ":"})
# "Self-harm" or "suicide" named as a subject ("the training covers self-harm", "the soap
# with the overdose") may be quoted away; every other crisis phrase never is. `CRISIS`
# (the crisis labels) lives in history.py, which reads crises told as over. Whose finding
# it is: people.py; which reply each makes, in what order: topics.py.
# Commands and one-word replies the bot handles before the screen ("STOP", "menu", "my
# data", "yes"), and bare numbers (an age, a score): the second reader alone never calls
# these urgent; only a rule may.
COMMANDS = frozenset({
    "stop", "help", "menu", "pause", "resume", "settings", "buddy", "my", "data", "start",
    "unsubscribe", "cancel", "quit", "end", "restart", "unpause", "info", "yes", "no", "ok",
    "okay", "please", "pls", "thanks", "thank", "you", "hi", "hello", "hiya", "unstop",
    "options", "more", "back", "next", "skip", "later", "done"})
# Words that may trail a sentence-final phrase without ending what it says ("wanna die
# tbh", "got a plan now", "ready to go tonight x"), a laugh taken back among them ("wanna
# die fr tho no joke"). Never "for": "I'm done for now, bye" is no last goodbye.
TRAILING = frozenset({"to", "be", "honest", "honestly", "tbh", "ngl", "now", "tonight", "today",
                      "really", "though", "tho", "lol", "x", "xx", "xxx", "mate", "duck", "love",
                      "anyway", "anymore", "sorry", "i", "think", "guess", "suppose", "literally",
                      "fr", "frfr", "srsly", "seriously", "joke", "joking", "kidding", "no",
                      "not", "im", "real", "deadass"})
# Words that may open a sentence before a `^` phrase ("and theres no point", "honestly im
# not safe").
LEADING = frozenset({"and", "so", "but", "honestly", "tbh", "ngl", "just", "well", "oh", "lol",
                     "ok", "okay", "yeah", "yes", "no", "really", "mate", "duck", "love",
                     "sorry", "anyway", "literally", "now", "still", "i", "think", "guess"})
DENIALS = frozenset({"no", "nope", "nah", "none", "zero", "nil", "nothing", "nowt", "not", "really",
                     "at", "all", "thanks", "thank", "you", "thankfully", "luckily", "0", "never"})
SHORT_MESSAGE = 6  # words: up to this many, the second reader needs two telling words
# What the rules may see in a question that says nothing about health: a plea, and the
# question's own words ("how long should I walk each day?", "should I warm up first?").
NOT_HEALTH = frozenset({"plea", "medical_question", "service_question"})
# With nothing but moving in it, the reader must be this sure it is a medical question.
MOVING_THRESHOLD = 0.85
QUESTION_LABELS = ("medical_topic", "medical_question", "service_question")
# "Never had a headache like this before", "never felt my heart go this fast": "never"
# here says the thing is new, not absent. Words that, beside "never", mean that.
NOVEL = ("before", "like this", "until now", "till now", "til now",
         "this bad", "this fast", "this low", "this high", "this ill", "this poorly",
         "this hard", "this much", "this way", "so bad", "so fast")


@dataclass(frozen=True)
class _Seen:
    label: str
    other: bool
    past: bool = False  # only in the past: counts again beside a "relapse" ("like that again")
    # Only supposed or quoted: counts again when the writer says it is theirs ("the leaflet
    # says call 999 if the pain spreads to your arm, and mine has").
    supposed: bool = False


class SafetyScreen:
    """Built once per language (about a second: spaCy and the word list), then shared."""

    def __init__(self, lexicon: Lexicon,
                 examples: Sequence[tuple[str, str]] = (), cache: Path | None = None) -> None:
        """`cache`: the folder the second reader is kept in between starts (none: it is
        trained here, in 7 to 26 seconds)."""
        self.lexicon = lexicon
        # The words misspellings are mended towards; the standing-pattern cues are left
        # out, so that everyday words ("stuck", "keep") never pull a typo from a symptom.
        vocabulary = [w for label, phrases in lexicon.targets.items()
                      if label not in STANDING_CUES for p in phrases for w in words_of(p)
                      if w not in lexicon.romanised]
        self.normaliser = Normaliser(lexicon.spellings, vocabulary, lexicon.romanised)
        self._plain = frozenset(lexicon.plain_words)
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self._targets = IndexedMatcher(self.nlp.vocab)
        self._questions = IndexedMatcher(self.nlp.vocab)
        self._cues = IndexedMatcher(self.nlp.vocab)
        self._idioms = IndexedMatcher(self.nlp.vocab)
        self._mentions = IndexedMatcher(self.nlp.vocab)
        self._anchored: set[str] = set()
        self._starting: set[str] = set()
        for label, phrases in lexicon.targets.items():
            matcher = self._questions if label in QUESTION_LABELS else \
                self._cues if label in CUES else self._targets
            for index, source in enumerate(phrases):
                phrase = compile_phrase(source)
                key = f"{label}::{index}"
                matcher.add(key, phrase.patterns)
                if phrase.anchored:
                    self._anchored.add(key)
                if phrase.starts:
                    self._starting.add(key)
        for kind, sources, matcher in (("idiom", lexicon.idioms, self._idioms),
                                       ("mention", lexicon.mentions, self._mentions)):
            for index, source in enumerate(sources):
                phrase = compile_phrase(source)
                matcher.add(f"{kind}::{index}", phrase.patterns)
                if phrase.anchored:  # an idiom's `$` and `^` hold as a target's do
                    self._anchored.add(f"{kind}::{index}")
                if phrase.starts:
                    self._starting.add(f"{kind}::{index}")
        self.context = self.nlp.add_pipe(
            "medspacy_context", config={"rules": None, "input_span_type": "group",
                                        "span_group_name": GROUP,
                                        "prune_on_target_overlap": True})
        self.context.add(list(context_rules(lexicon)))
        index_context(self.context, self.nlp.vocab)  # the same matches, a third of the time
        self.second = SecondReader.cached(
            examples, self.normaliser.words, cache,
            mending=mending_key(lexicon.spellings, [*vocabulary, *lexicon.romanised])
        ) if examples else None

    @classmethod
    def from_content(cls, content: Content, examples: Path | None = None,
                     cache: Path | bool = True) -> SafetyScreen:
        """The lexicon from `content`; the second reader from `examples` (a folder of
        labelled `*.tsv`), by default `safety_examples/` beside the language's texts, kept
        in `cache` (True: the configured folder, `CACHE_DIR`; False: trained, not kept)."""
        folder = examples or (content.folder / "safety_examples" if content.folder else None)
        found = load_examples(folder) if folder is not None and folder.is_dir() else []
        kept = cache_folder() if cache is True else cache or None
        return cls(Lexicon.from_content(content), found, cache=kept)

    # -- public -----------------------------------------------------------------------------
    def check(self, text: str) -> SafetyFinding | None:
        """The most urgent finding in `text`, or None."""
        return self.assess(text).urgent

    def assess(self, text: str) -> Assessment:
        found, cues = self._read(text)
        # A number of any kind (a reading, a time, "9/10") tells of this very one.
        if found.findings and "habit" in cues and "now_words" not in cues and \
                "plea" not in found.labels and not any(c.isdigit() for c in text) and \
                all(finding.topic in STANDING for finding in found.findings):
            if found.medical_question:
                # A standing pattern asked about ("I get a tight chest on hills, goes when I
                # stop, is that angina?"): a question for the GP, pharmacist or NHS 111, not
                # 999. No urgent message of any labelled set reads as a standing pattern, so
                # none is lost (hazard log H5, round twelve).
                return replace(found, findings=(), medical_question=True)
            return replace(found, standing=True)
        return found

    def _read(self, text: str) -> tuple[Assessment, set[str]]:
        """The assessment, and the cues seen (by label)."""
        words = self.normaliser.words(text)
        if not words:
            return Assessment(), set()
        doc = Doc(self.nlp.vocab, words=words)
        doc = self.nlp.get_pipe("sentencizer")(doc)
        idioms = self._spans(doc, self._idioms)
        background = idioms + self._spans(doc, self._mentions)
        targets = self._spans(doc, self._targets)
        doc.spans[GROUP] = [span for span in targets if not _inside_idiom(span, background)]
        idiomatic = len(targets) > len(doc.spans[GROUP])
        doc = self.context(doc)
        denials = _denials(doc)
        cue_spans = [span for span in self._spans(doc, self._cues)
                     if not _inside_idiom(span, idioms)]
        settled = [(span.start, span.end, span.label_ == "reported_over") for span in cue_spans
                   if span.label_ in ("settled", "reported_over")]
        returned = [(span.start, span.end) for span in cue_spans if span.label_ == "returned"]
        laughs = [(span.start, span.end) for span in cue_spans if span.label_ == "laughter"]
        fears = [(span.start, span.end) for span in cue_spans if span.label_ == "fear"]
        recovered = [(span.start, span.end) for span in cue_spans if span.label_ == "recovered"]
        moods = mood_cues(cue_spans, [span for span in doc.spans[GROUP] if span.label_ in MILD])
        over = [(span.start, span.end) for span in cue_spans
                if span.label_ in ("recovered", "over") and span.label_ in moods]
        story = any(span.label_ == "fiction" for span in cue_spans)
        cues = {span.label_ for span in cue_spans}
        # Someone else's finding, by ConText or named inside it: a finding inside one is
        # theirs too (medspaCy drops a modifier inside a target, so the shorter finding
        # within "posted that she's going to overdose" never sees "she").
        named = [(span.start, span.end) for span in doc.spans[GROUP] if named_inside(span)
                 or any(m.category == "OTHER_PERSON" for m in span._.modifiers)]
        seen = [replace(seen, label="other_urgent") if accidental(span, cues)
                else replace(seen, past=True) if told_as_over(span, over) else seen
                for span in doc.spans[GROUP]
                if not _emoji_beside_words(span)
                and (seen := _affirmed(span, denials, returned, fears, story, recovered,
                                       named))
                is not None
                and not _answered_no(span)
                and not settled_after(span, settled, returned)
                and not _laughed_off(span, laughs)]
        if _shouted(text, words):  # "FALLEN", "JUST COLLAPSED": a cry for help
            seen.append(_Seen("plea", other=False))
        questions = [span for span in self._spans(doc, self._questions)
                     if not _inside_idiom(span, idioms)]
        found = _combine(doc, seen, questions, cues, moods)
        if found.findings or self.second is None:
            return found, cues
        # A journey or a programme explains what the reader may take for a goodbye or a crisis;
        # a goodbye the rules read as explained by one is not the reader's to call a crisis.
        # Words that are all idiom are not the reader's to call urgent ("my heart 😍").
        idiomatic = idiomatic or bool(cues & {"departure", "fiction"})
        # A wish to live ("I want to live", "jeena chahti hoon, marna nahi") explains what
        # the reader may take for a wish to die.
        explained = ("departure" in cues and ("farewell" in cues or "last_goodbye" in found.labels)
                     ) or "living" in cues
        # The writer's everyday mood word the rules set aside (good news or an everyday
        # cause beside it): the reader must be surer to call it distress. Feelings ConText
        # discounted (negated, past, someone else's) keep the usual bar: its scopes are not
        # sure enough for distress ("not suicidal, just really low this week", "had a row
        # with my daughter, upset").
        set_aside = not found.distress and "mood_set_aside" in found.labels
        return self._second_look(found, words, doc, seen, idiomatic, explained,
                                 all_idiom=_all_idiom(doc, idioms, self._plain),
                                 moving="movement" in cues, story=story,
                                 set_aside=set_aside), cues

    def _second_look(self, found: Assessment, words: list[str], doc: Doc,
                     seen: list[_Seen], idiomatic: bool = False,
                     explained: bool = False, all_idiom: bool = False,
                     moving: bool = False, story: bool = False,
                     set_aside: bool = False) -> Assessment:
        """The rules saw nothing urgent: the second reader may still, unless the rules
        saw that very thing negated, past or only supposed. A trigger word the rules read
        as an idiom ("bleeding freezing", "brolly collapsed") asks the reader to be as
        sure as beside a question, and a programme or story named (`story`) surer still;
        a message of commands alone ("STOP", "menu") is never
        urgent on the reader's word. The writer's everyday mood word the rules
        `set_aside` ("knackered but loved it") is distress on the reader's word only at
        `SET_ASIDE_THRESHOLD`."""
        assert self.second is not None
        reading = self.second.read_words(words)
        # Everyday mood words the rules set aside ("knackered but loved it") still raise
        # the bar, as they did when they were read as distress.
        threshold = URGENT_THRESHOLD_QUESTION if found.medical_question or found.distress \
            or found.labels & MILD or idiomatic else URGENT_THRESHOLD
        if reading.urgent_label == "someone_else":
            threshold = max(threshold, SOMEONE_ELSE_THRESHOLD)
        if story:  # a programme or a story named: an emergency in it is no one's here
            threshold = max(threshold, URGENT_THRESHOLD_STORY)
        # A few plain words, and nothing the rules saw in them (a reading such as "sugar
        # 30" is something; "my sugar is", a sentence cut before its reading, is not):
        # too little for the reader alone.
        says_little = _says_little(words, self._plain) and \
            not found.labels - {"medical_topic", "medical_question", "diabetes_context"}
        if _only_commands(words) or all_idiom or says_little:
            threshold = 1.01
        discounted = _discounted(doc, seen) | ({"crisis"} if explained else set())
        if reading.urgent_probability < threshold or reading.urgent_label in discounted:
            if found.medical_question or found.distress or reading.probability < KIND_THRESHOLD:
                return found
            # Not urgent, and the rules saw neither: a question or distress in other words.
            # A medical question names something about health the lexicon knows ("do I
            # need special shoes?" is about the service; "are you ok?" asks after someone;
            # "how long should I walk each day?", with no word of health, is about moving).
            return replace(found, medical_question=reading.label == "medical_question"
                           and bool(found.labels - {"plea"})
                           and "service_question" not in found.labels
                           and (reading.probability >= MOVING_THRESHOLD
                                or not moving or bool(found.labels - NOT_HEALTH)),
                           distress=reading.label == "distress" and (
                               not set_aside or reading.probability >= SET_ASIDE_THRESHOLD))
        topic = _sugar_checked(reading.urgent_label, found.labels)
        category = SafetyCategory.CRISIS if topic == "crisis" else SafetyCategory.RED_FLAG
        return replace(found, findings=(SafetyFinding(category, topic),),
                       labels=found.labels | {"second_reader"})

    # -- inside ---------------------------------------------------------------------------
    def _spans(self, doc: Doc, matcher: IndexedMatcher) -> list[Span]:
        spans = []
        for match_id, start, end in matcher(doc):
            key = self.nlp.vocab.strings[match_id]
            if key in self._anchored and not _ends_sentence(doc, end):
                continue
            if key in self._starting and not _starts_sentence(doc, start):
                continue
            spans.append(Span(doc, start, end, label=key.split("::", 1)[0]))
        return spans


def mending_key(spellings: Mapping[str, Iterable[str]], vocabulary: Iterable[str]) -> str:
    """A hash of everything the Normaliser's mending depends on (the second reader is kept
    under it, with the examples; see second_reader.py): the lexicon's spellings and target
    words, the English word list, the code of normalise.py and textnorm.py, and RapidFuzz's
    version. Any change to these trains the reader again."""
    digest = hashlib.sha256(json.dumps(
        {"spellings": [[canonical, list(variants)] for canonical, variants in spellings.items()],
         "vocabulary": sorted(set(vocabulary)),
         "rapidfuzz": ".".join(rapidfuzz.__version__.split(".")[:2])}).encode("ascii"))
    digest.update("\n".join(sorted(textnorm.english_words())).encode("utf-8"))
    for module in (normalise, textnorm):
        try:
            digest.update(Path(inspect.getfile(module)).read_bytes())
        except OSError:  # no source to read: the versions above still hold
            digest.update(module.__name__.encode("ascii"))
    return digest.hexdigest()


def _emoji_beside_words(span: Span) -> bool:
    """A crying face read as distress only when it is all the message says ("😭",
    "😭😭"): beside words ("forgot my tablets 😭", "hilarious 😭"), the words say it."""
    return span.label_ == "distress" and all(t.lower_ == EMOJI_WORD for t in span) and any(
        t.is_alpha and t.lower_ != EMOJI_WORD for t in span.doc)


def _sugar_checked(topic: str, labels: frozenset[str]) -> str:
    """The reader's blood sugar topic, checked against what the rules read: a reading they
    read as high ("blood sugar 38"), or a symptom of high sugar with no sign of a low one
    ("sugar reading 50 and thirsty"), never gets the hypo reply ("have something sugary");
    a low reading or a hypo never gets the high one."""
    if topic == "blood_sugar" and ("high_reading" in labels or (
            labels & {"hyper_symptoms", "blood_sugar_high"} and "hypo_symptoms" not in labels)):
        return "blood_sugar_high"
    if topic == "blood_sugar_high" and "blood_sugar" in labels and "high_reading" not in labels:
        return "blood_sugar"
    return topic


def _ends_sentence(doc: Doc, end: int) -> bool:
    """Whether only trailing words ("tbh", "now", "x") stand between `end` and the end of
    the sentence (at most three of them)."""
    for i in range(end, min(len(doc), end + 4)):
        if doc[i].is_punct:
            return True
        if doc[i].lower_ not in TRAILING:
            return False
    return end + 4 > len(doc) - 1 and all(t.lower_ in TRAILING for t in doc[end:])


def _starts_sentence(doc: Doc, start: int) -> bool:
    """Whether only opening words ("and", "so", "honestly": `LEADING`) stand between the
    start of the sentence and `start` ("There's no point.", "Had a fall. On the floor.")."""
    return all(t.lower_ in LEADING for t in doc[doc[start].sent.start:start])


def _answered_no(span: Span) -> bool:
    """A target asked about and answered no ("Any chest pain this week? No", "Falls? None"):
    its sentence ends with "?" and the next is a bare denial. Crisis is never answered away."""
    if span.label_ in CRISIS:
        return False
    sentence = span.sent
    if sentence[-1].text != "?" or sentence.end >= len(span.doc):
        return False
    answer = [t.lower_ for t in span.doc[sentence.end:] if not t.is_punct]
    return 0 < len(answer) <= 3 and all(w in DENIALS for w in answer)


def _affirmed(span: Span, denials: Sequence[int] = (), returned: Sequence[Where] = (),
              fears: Sequence[Where] = (), story: bool = False,
              recovered: Sequence[Where] = (), named: Sequence[Where] = ()) -> _Seen | None:
    """None when the target does not count (negated, a pet's); otherwise whether it is about
    someone else, whether it lies only in the past, and whether it is only supposed or
    quoted (then it counts only if the writer says it is theirs). `returned`: phrases saying
    a symptom is not over (a backward "eased" they deny or undo does not count). `fears`:
    "scared of having"-like phrases; what they name or what follows closely is supposed.
    `story`: a programme or a book is talked about, so a crisis subject it names is its.
    `recovered`: "the counselling really helped"-like cues (`recovered`). `named`: findings
    that are someone else's, by ConText or with them named inside ("think my mum is having
    a stroke"); a physical finding, or a crisis not in the writer's words, within one is
    theirs too.

    Crisis in the writer's own words ("kill myself") is theirs whoever else the sentence
    names, and no "if" discounts it; someone else's crisis only supposed or asked about
    ("what's your process if a member discloses suicidal thoughts?") is not happening."""
    crisis = span.label_ in CRISIS
    if crisis and denied(span, denials):
        return None
    kinds = {m.category for m in span._.modifiers
             if not (m.category == "NEGATED_EXISTENCE" and (
                 _says_new(span, m.modifier_span)
                 or (m.direction == "BACKWARD" and undone(m.modifier_span, returned))
                 # A stroke sign that went away is no less urgent (a TIA).
                 or (m.direction == "BACKWARD" and tia(span)
                     and not explained(span.doc[m.modifier_span[0]:m.modifier_span[1]]))))
             and not (crisis and m.category == "HISTORICAL"
                      and _recent(span.doc, m.modifier_span))
             # A death weeks old is grief now ("my sister passed away three weeks ago").
             and not (span.label_ == "grief" and m.category == "HISTORICAL"
                      and _recent(span.doc, m.modifier_span))}
    if "OTHER_PERSON" in kinds and span.label_ in FEELINGS and all(
            _feeling_after_clause(span, m) for m in span._.modifiers
            if m.category == "OTHER_PERSON"):
        # "My husband left so want to die": a "but" or a "so" no longer ends someone
        # else's scope (context_rules.py), but a feeling after one, with nobody named
        # again, is the writer's: a false alarm on crisis is kinder than a miss.
        kinds.discard("OTHER_PERSON")
    if (crisis and _first_person(span)) or span.label_ in WRITERS or (
            span.label_ in MOODS and _said_of_themselves(span)):
        # Crisis in the writer's own words, danger from someone ("he's hitting me", "my ex
        # is outside with a knife"), a fire or gas, a feeling said of themselves ("looking
        # after him is breaking me", "Dad's worse and I'm exhausted"): theirs, whoever
        # else the sentence names.
        kinds.discard("OTHER_PERSON")
    elif (crisis and third_person(span)) or named_inside(span) or (
            (span.label_ in PHYSICAL or (crisis and not _first_person(span)))
            and any(start <= span.start and span.end <= end and (start, end) != (span.start,
                    span.end) for start, end in named)):
        # "the main character wants to kill herself", "I think my mum is having a stroke"
        kinds.add("OTHER_PERSON")
    if kinds & {"NEGATED_EXISTENCE", "ANIMAL"}:
        return None
    if not crisis and span.label_ not in FEELINGS and any(
            start < span.start <= end + FEAR_REACH and span.sent.start <= start
            for start, end in fears):
        kinds.add("HYPOTHETICAL")
    supposed = kinds & {"HYPOTHETICAL", "QUOTED"}
    if (supposed and (not crisis or "OTHER_PERSON" in kinds)) or (
            span.label_ == "crisis_topic" and ("QUOTED" in kinds or story)
            and not _first_person(span, 3)):
        return _Seen(span.label_, "OTHER_PERSON" in kinds, past=True, supposed=True)
    other = "OTHER_PERSON" in kinds
    past = ("HISTORICAL" in kinds or told_as_past(span, other) or lasting(span)
            or recovered_from(span, recovered)) and span.label_ != "relapse"
    return _Seen(span.label_, other, past)  # a relapse is about now


OTHERS = frozenset({"he", "she", "they", "hes", "shes", "theyre", "him", "her", "them"})
BE = frozenset({"is", "was", "are", "were", "been", "being", "be", "s", "feels", "felt", "looks",
                "seems", "getting", "got", "gets", "so"})


def _feeling_after_clause(span: Span, modifier: object) -> bool:
    """Whether a "but" or a "so" (`SAME_SUBJECT`) stands between someone named and a
    feeling after them, with nobody named again after it ("my husband left so want to
    die", never "my husband left so he wants to die")."""
    end = modifier.modifier_span[1]  # type: ignore[attr-defined]
    if end > span.start:
        return False
    between = [t.lower_ for t in span.doc[end:span.start]]
    # "So" as "very" ("mum is so poorly", "she's so down") joins nothing.
    cuts = [i for i, word in enumerate(between) if word in SAME_SUBJECT and not (
        word == "so" and i and between[i - 1] in BE | PEOPLE | OTHERS)]
    return bool(cuts) and not set(between[cuts[-1] + 1:]) & (OTHERS | PEOPLE)


def _said_of_themselves(span: Span) -> bool:
    """A feeling with the writer in or right beside it ("looking after him is breaking me",
    "too much for me", "Dad's worse and I'm exhausted"): a first-person word inside the
    span or within two words before it, or "me" just after it with nobody else named just
    before it."""
    doc, sentence = span.doc, span.sent
    for t in doc[max(sentence.start, span.start - 2):span.end]:
        following = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
        if t.lower_ in FIRST_PERSON and not (t.lower_ == "my" and following in PEOPLE):
            return True  # never "my" naming someone else: "my hubby's fed up with me"
    # After it, only the writer as its object ("too much for me"), never "fed up of me"
    # said of someone else ("the wife is fed up of me").
    after = {t.lower_ for t in doc[span.end:min(sentence.end, span.end + 2)]}
    named = {t.lower_ for t in doc[max(sentence.start, span.start - 3):span.start]}
    return bool(after & {"me", "myself"}) and not named & (PEOPLE | OTHERS)


def _laughed_off(span: Span, laughs: Sequence[Where]) -> bool:
    """A symptom word said with a laugh close by, in its sentence or the next ("Line of
    Duty had my heart racing 😂", "I passed out... on the sofa haha"): a joke, for the
    `LAUGHABLE` targets only. A laugh further off is about something else ("won't be at
    darts haha, actually he's clutching his chest"). Never a joke when the writer takes
    the laugh back ("not joking", "no seriously": `EARNEST`), or when there is nothing
    but the symptom to laugh at ("chest pain 😂", "i cant breathe haha": `BARE`)."""
    if span.label_ not in LAUGHABLE or not laughs:
        return False
    doc, sentence = span.doc, span.sent
    following = doc[sentence.end].sent if sentence.end < len(doc) else sentence
    near = [(start, end) for start, end in laughs if sentence.start <= start < following.end
            and span.start - LAUGH_REACH[0] <= start < span.end + LAUGH_REACH[1]]
    if not near:
        return False
    window = " " + " ".join(t.lower_ for t in doc[sentence.start:following.end]) + " "
    if any(f" {word} " in window for word in EARNEST):
        return False
    laughing = {i for start, end in laughs for i in range(start, end)}
    said = [t.lower_ for t in doc[sentence.start:following.end]
            if not span.start <= t.i < span.end and t.i not in laughing]
    return any(word not in BARE and not word.isdigit() for word in said)


def _recent(doc: Doc, modifier: tuple[int, int]) -> bool:
    """A past only days old ("tried to hang myself last week"): for crisis, still now."""
    return " ".join(t.lower_ for t in doc[modifier[0]:modifier[1]]) in RECENT


def _discounted(doc: Doc, seen: list[_Seen]) -> set[str]:
    """Topics the rules found but discounted: negated, hypothetical or only past (and
    someone else, when it was someone else's)."""
    counted = {(s.label, s.other) for s in seen if not s.past}
    topics: set[str] = set()
    # A fall the rules read and found no harm beside ("fell over in the garden"): the
    # combination rule has spoken; the reader may not make a bare fall urgent.
    if ("fall_event", False) in counted:
        topics.add("fall")
    for span in doc.spans[GROUP]:
        # A pet's trouble is nobody's emergency ("my dog can't breathe properly in the heat").
        other = any(m.category in ("OTHER_PERSON", "ANIMAL") for m in span._.modifiers)
        if (span.label_, other) in counted or span.label_ == "crisis_topic":
            # A subject named in a talk is no reason to doubt the reader's crisis.
            continue
        label = span.label_
        topic = "fall" if label in ("fall_event", "injury") else TOPIC_OF.get(label, label)
        topics.add("blood_sugar" if topic == "blood_sugar_high" else topic)
        if other:
            topics.add("someone_else")
    return topics


def _shouted(text: str, words: Sequence[str]) -> bool:
    """A few words all in capitals ("FALLEN", "CANT GET UP"): shouted, so a plea."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and \
        sum(w.isalnum() for w in words) <= 3


def _all_idiom(doc: Doc, idioms: Sequence[Span], plain: frozenset[str] = frozenset()) -> bool:
    """Whether every word of the message lies inside a harmless idiom, but for plain words
    (`plain_words`: "it's that cold I can't feel my face", "I'm so full I can't breathe")."""
    inside = {i for idiom in idioms for i in range(idiom.start, idiom.end)}
    words = [t.i for t in doc if t.is_alpha and t.lower_ not in plain]
    return bool(idioms) and bool(words) and all(i in inside for i in words)


def _only_commands(words: Sequence[str]) -> bool:
    """A message of nothing but commands, short replies and numbers, or one word only: a
    one-word answer ("twice", "weekly", "walking") is never urgent on the reader's word
    (the one-word emergencies, "kms", "collapsed", "help", are the rules' to catch)."""
    plain = [w for w in words if w.isalnum()]
    return len(plain) <= 1 or all(w in COMMANDS or w.isdigit() for w in plain)


def _says_little(words: Sequence[str], plain: frozenset[str]) -> bool:
    """A short message (`SHORT_MESSAGE` words or fewer) with fewer than two words outside
    `plain` ("my husband", "he wont", "what about tonight"): too little for the second
    reader to call urgent alone (it is sure of itself on a few words: 0.94-0.99 on those
    three). "vomiting blod" and "help breathing" say enough."""
    plain_words = [w for w in words if w.isalnum()]
    if len(plain_words) > SHORT_MESSAGE:
        return False
    return sum(1 for w in plain_words if w not in plain and not w.isdigit()) < 2


def _says_new(target: Span, modifier: tuple[int, int]) -> bool:
    """A "never" that marks the target as a first ("never fainted before but ...")."""
    if target.doc[modifier[0]].lower_ != "never":
        return False
    sentence = " " + " ".join(t.lower_ for t in target.sent) + " "
    return any(f" {cue} " in sentence for cue in NOVEL)


def _inside_idiom(span: Span, idioms: Iterable[Span]) -> bool:
    """A target inside an idiom ("fell over laughing", "heart of the village") does not
    count; an idiom wholly inside a target ("can't catch my breath") does not stop it."""
    for idiom in idioms:
        overlaps = idiom.start < span.end and span.start < idiom.end
        within = span.start <= idiom.start and idiom.end <= span.end
        if overlaps and not within:
            return True
    return False


def _combine(doc: Doc, seen: list[_Seen], questions: list[Span],
             cues: set[str] | frozenset[str] = frozenset(),
             moods: set[str] | frozenset[str] = frozenset()) -> Assessment:
    now = [s for s in seen if not s.past]
    labels = {s.label for s in now}
    mine = {s.label for s in now if not s.other}
    theirs = {s.label for s in now if s.other}
    if "their_emergency" in mine:  # "man in the river": the stranger is in the finding
        mine.discard("their_emergency")
        theirs.add("their_emergency")
    if "relapse" in labels or "confirmed" in labels:
        # "Tried to end it in 2020 and I feel like that again now": the past is back.
        # "The leaflet says ring 999 if it spreads to your arm, and it has": what was only
        # supposed is now.
        for s in seen:
            back = "confirmed" in labels if s.supposed else "relapse" in labels
            if s.past and back and s.label in DIRECT:
                (theirs if s.other else mine).add(s.label)
    topics: set[str] = set()
    for label in mine & DIRECT:
        topics.add(TOPIC_OF.get(label, label))
    for needed, topic in COMBINED:
        if needed <= mine:
            topics.add(topic)
    if "mgdl_reading" in mine:
        # "Blood sugar 40": mg/dL, a hypo; with a sign of high sugar and none of a low
        # ("sugar reading 50 and thirsty") the high reply, as ever (hazard log H8).
        topics.add("blood_sugar_high" if "hyper_symptoms" in mine
                   and "hypo_symptoms" not in mine else "blood_sugar")
    if "blood_sugar" in topics and "high_reading" in mine and "blood_sugar" not in mine:
        # "Sugar 30 and shaky": a reading read as high never gets the hypo reply, whatever
        # symptom beside it looks like one.
        topics.discard("blood_sugar")
        topics.add("blood_sugar_high")
    if cues & {"fiction", "joining"}:
        # "Did you see Casualty? The bloke had a heart attack"; "my husband had a stroke and
        # would like to join": someone else's trouble told as a story or as a reason to come.
        theirs = set()
    urgent_theirs = theirs & (DIRECT - {"unwell"})
    if urgent_theirs or theirs & {"unresponsive", "ingested"} or (
            "fall_event" in theirs and theirs & FALL_HARM) or {"pills", "overdose_act"} <= theirs:
        topics.add("someone_else")
    # A goodbye beside something final is a crisis unless a journey or a move explains it.
    if ({"farewell", "finality"} <= cues or "last_goodbye" in mine) \
            and "departure" not in cues:
        topics.add("crisis")
    elif "last_goodbye" in theirs and "departure" not in cues:
        # "My friend just texted goodbye to everyone": their life at risk, so the crisis
        # line for them beside the 999 reply (the engine adds it beside "crisis").
        topics.add("someone_else")
        labels.add("crisis")
    if len(topics) > 1:
        topics.discard("unwell")  # a named emergency says more than "unwell"
    order = HEART_FIRST if {"stroke", "chest_pain"} <= topics and \
        not FAST_HEAD.search(doc.text) else URGENCY
    findings = tuple(
        SafetyFinding(SafetyCategory.CRISIS if topic == "crisis" else SafetyCategory.RED_FLAG,
                      topic)
        for topic in order if topic in topics)
    medical = _is_medical_question(doc, questions)
    # A death is the writer's grief whoever died ("my sister passed away"). Everyday mood
    # words ("knackered", "fed up", "playing up") need a low-mood reading (moods.py).
    health = bool(mine & (PHYSICAL | {"distress_health"})) or any(
        q.label_ == "medical_topic" for q in questions)
    mild = mild_is_distress(mine & MILD, moods, health)
    if mine & MILD and not mild:
        labels.add("mood_set_aside")  # the second reader must be surer (_second_look)
    grief = "grief" in (mine | theirs) and grief_is_distress(moods | (cues & {"fiction"}))
    distress = bool(mine & STRONG) or grief or mild
    return Assessment(findings=findings, medical_question=medical, distress=distress,
                      health_worse="distress_health" in mine or "unwell" in mine
                      or (mild and "moan_health" in mine),
                      labels=frozenset(labels | {s.label_ for s in questions}))


def _is_medical_question(doc: Doc, questions: list[Span]) -> bool:
    """A health topic in a sentence that asks (a question cue, or a "?" that is not about
    the service), or beside a sentence with a question cue ("Should I wait? My reflux...")."""
    sentences = list(doc.sents)
    found: list[set[str]] = [set() for _ in sentences]
    index = {sentence.start: i for i, sentence in enumerate(sentences)}
    for span in questions:
        found[index[span.sent.start]].add(span.label_)
    for i, sentence in enumerate(sentences):
        if "medical_topic" not in found[i]:
            continue
        if "medical_question" in found[i]:
            return True
        if sentence[-1].text == "?" and "service_question" not in found[i]:
            return True
        if any("medical_question" in found[j] for j in (i - 1, i + 1) if 0 <= j < len(found)):
            return True
    return False
