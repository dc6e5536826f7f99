"""Social handles for the contact-detail detector (bot/peers/contact.py): a name after @,
with an underscore, or near a platform's name (typed, dictated, or as the name the other
person already knows). Also the words the email finder shares: platforms, made-up words."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from bot.core.textnorm import english_words
from bot.peers.contact_public import without_public_accounts, without_public_sites

# How people dictate an address or a handle they will not type: "all one word", "no spaces",
# "with a dot after the k", "(all together)", "then 52".
SPELLING_OUT = re.compile(
    r"\ball (?:one word|together|joined(?: up)?|run together|lower ?case|small letters)\b|"
    r"\bno spaces?\b|\brun together\b|\bjoined up\b|\bwith (?:a|an) (?:dot|full stop|"
    r"underscore|point) (?:after|before|between|in)\b|\bmy (?:full )?name,? then\b", re.I)


# Not a group's own mentions: "@everyone in the group says hi".
_AT_HANDLE = re.compile(r"(?<![\w.])@(?!(?:everyone|here|all|channel|admins?|group)\b)"
                        r"[a-z][\w.]{3,31}", re.I)
_AT_SPACED = re.compile(r"(?<![\w.])@\s+([a-z][\w.]{3,31})", re.I)
PLATFORM = re.compile(
    r"\b(snap ?chat|snap|sc|ghost app|[i1]nsta ?gram|[i1]nsta|ig|the gram|fa[c]e ?b[o0]{2}k|"
    r"fb|f b|tik ?tok|the tok|twitter|telegram|tg|whats ?app|discord|skype|threads|"
    r"bluesky|linked ?in|kik|wechat|messenger|youtube|pinterest|reddit|strava|wordfeud|linktree|"
    r"words with friends|zoom|bird app|ghost thing|yellow ghost|blue app|username|user name|"
    r"handle|gamertag|socials|substack|tumblr|blogger|flickr|vimeo|twitch|mastodon|viber|"
    # Round six: games consoles and more messengers; the platforms whose names are everyday
    # words ("steam", "signal", "line") only where a name follows (see _CUED_PLATFORM).
    r"psn|play ?station(?: network)?|x ?box(?: live)?|weixin|bsky|nintendo|roblox|"
    r"(?:steam|signal|line|switch) app|"
    # Round eight: fitness and neighbourhood sites, forums and consoles by name ("garmin
    # connect: ...", "on zwift I'm ...", "mumsnet name is ...", "my gaming name on PS5");
    # Nextdoor only as a name ("next door" and "nextdoor neighbour" are everyday words).
    r"garmin(?: connect)?|zwift|mumsnet|komoot|fitbit|all ?trails|ps ?[2-5]|"
    r"gaming ?name|gamer ?name|gamer ?tag|(?-i:Nextdoor)|(?<=on )nextdoor|nextdoor app|"
    # Round twelve: the platforms as a whole ("I'm dancingdoreen on most apps", "same name
    # on all the apps", "social media: ..."); never "the app" (this one, where the peer is).
    r"(?:most|all|any|every|both)\s+(?:of\s+)?(?:the\s+|my\s+|them\s+)?(?:apps|socials|"
    r"platforms)|every\s+app|social\s?media)\b",
    re.I)
# "add me on steam: oldgeezer55", "signal me, I'm ...", "line id: ...", "I'm bramblefox on
# steam": a platform whose name is an everyday word, named where a name follows it (read
# as "steam app"); "a Steam Deck", "the steam room", "is Signal any good?", "a long line"
# stay words.
_CUED_PLATFORM = re.compile(
    r"\b(steam|signal|line)(?:\s+app)?(?=\s*(?:id|name|username|user\s+name|handle|tag|account|"
    r"profile|friend\s+code)\b|\s*[:=]|(?:\s+is|'s)\s|\s+me\b)|"
    r"(?<=\bon )(steam|signal|line)(?:\s+app)?(?=\s*(?:[,:;.!?\-–]|$|(?:as|under|i'?m|im|it'?s|"
    r"its|too|and|x+)\b))", re.I)
# Emoji that stand for a platform (its logo, or what people use for it), read as its name;
# what follows must still look like a name to find someone by ("📸 the view from the top"
# passes).
_EMOJI_PLATFORMS = {"👻": "snapchat", "📷": "instagram", "📸": "instagram", "🐦": "twitter",
                    "🐤": "twitter", "📘": "facebook", "🎵": "tiktok", "🎶": "tiktok"}
_PLATFORM_EMOJI = re.compile("|".join(_EMOJI_PLATFORMS))
# A name with an underscore in it is a username wherever it stands ("kezza_77").
_UNDERSCORED = re.compile(r"(?<![\w.])(?=[\w.]{5})[a-z][a-z0-9.]*_[a-z0-9_.]*[a-z0-9](?![\w])",
                          re.I)
_HANDLE_TOKEN = re.compile(r"[A-Za-z0-9](?:[\w.:#]|-(?=\w))*")
# Asking to be found: a profile name beside these is a contact detail ("search Tony Knight
# Wigston on facebook", "add me on fb, I'm Shazia Patel").
_INVITATION = re.compile(
    r"\b(?:find|add|follow|message|messenger|dm|pm|inbox|ping|tag|friend|look for|look)\s+me\b|"
    r"\bsearch\b|\blook for\b|"
    r"\blook\s+(?:me\s+)?up\b|\bgoogle\b|"
    r"\bi'?m\s+on\s+\w+\s+as\b|\bunder\b|\bcalled\b|\bmy (?:name|page|profile|handle)\b|"
    r"\bmy\s+[\w ]{2,12}?(?:\s+is\b|\s*:)",  # "my insta is annwalks", "my snap: ..."
    re.I)
# "I'm janewalks52 on pretty much everything": a made-up name after "I'm", then "on".
_IM_HANDLE = re.compile(r"\bi'?m\s+(?=[a-z][\w.]*\d)[\w.]{4,}\s+on\b", re.I)
# "i'm jeanwalks on insta": a word no dictionary has after "I'm", then "on" a platform.
_IM_ON = re.compile(r"\bi'?m\s+([a-z][a-z.]{4,})\s+on\s+(?:the\s+)?(\w+(?: \w+)?)", re.I)
_SWITCH_CODE = re.compile(r"\bswitch(?=\s+friend\s+code\b)", re.I)
_TYPED_EMAIL = re.compile(r"(?<![\w.@])[a-z0-9][\w.+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)
_IM_DOTTED = re.compile(r"\bi'?m\s+[a-z]{2,}(?:\.[a-z0-9]+)+\s+on\b", re.I)
# A platform's number for a person (round seven): "steam friend code 884 201 377", "switch
# friend code SW-1234-5678-9012", "roblox user id 123456789".
_ID_NUMBER = re.compile(r"^\s*(?:friend\s+code|user\s*id|player\s+id|id|account\s+(?:number|no))"
                        r"\s*(?:is\s+)?[:=\-]?\s*(?:sw\s*-?\s*)?\d(?:[\s-]?\d){5,}", re.I)
# A made-up name with digits ("janewalks52", "PatOakes1948") beside an invitation.
NAME_WITH_DIGITS = re.compile(r"(?<![\w.@])[a-z][a-z._]{3,}\d{2,4}\b", re.I)
HANDLE_WINDOW = 8  # words either side of the platform word
HANDLE_SPAN = 200  # characters either side that hold those words
# The platform word, then a sign that a name follows: "discord: walkingwithbev",
# "snap - sallyslims", "tiktok ➡️ grandadgary", "fb: Bev Turner", "youtube channel: ...".
_NAME_FOLLOWS = re.compile(
    r"^(?:\s+(?:handle|name|username|account|id|page|channel|profile))?\s*"
    r"(?:[:=\-–—>→➡⇒👉]+|\s(?:is|=)|'s\b)\s*", re.I)


_MEASURE = re.compile(r"^\d+(?:am|pm|k|km|mg|ml|th|st|nd|rd|s|min|mins|hrs?|cm|mm|m|kg|g|"
                      r"lbs?|oz|ft|in|mph|kph|bpm|mmol|x)$", re.I)


@lru_cache(maxsize=4096)  # a long post repeats its words: each is judged once
def _looks_like_handle(token: str) -> bool:
    """A name with digits, an underscore or a dot inside ("bev.knits", "jo_77", "rosie52");
    not a measure ("5cm", "3lb") nor a code of three characters or fewer ("A6", "4b", "K2",
    "B12": a road, a page, a stitch, a vitamin)."""
    return len(token) > 3 and bool(re.search(r"[a-z]", token, re.I) and re.search(
        r"\d|_|\w[.:#]\w", token) and not _MEASURE.match(token)) and \
        not re.fullmatch(r"[a-z]\.[a-z](?:\.[a-z]?)?\.?", token, re.I)  # "e.g.", "i.e.", "a.m."


# X, as Twitter is now called, named where a letter x (a kiss) cannot stand: "x: runnerjo",
# "on x as runnerjo", "my x is runnerjo", "x (twitter) runnerjo".
_X_PLATFORM = re.compile(r"(?:(?<=^)|(?<=[\s(]))x(?=\s*(?:[:=]|\((?:formerly\s+)?twitter\)))|"
                         r"(?<=\bon )x\b(?![\w'.])|(?<=\bmy )x(?=\s+(?:is|handle|account)\b)",
                         re.I)
# A handle given as the name the other person already knows: "insta: same as my name, in
# lower case", "my snap is just my name", "same name as on here".
_NAME_REFERENCE = re.compile(
    # Round eight: a name the writer has elsewhere, changed a little ("snapchat username is my
    # telegram name with an x on the end", "same as my insta one").
    # Round fifteen: "my username on here but with _le on the end".
    r"\bmy\s+(?:\w+\s+)?(?:name|username|user\s+name|handle)\s+(?:(?:on|in)\s+(?:here|"
    r"this\s+app|move\s+mates)\s+)?(?:with|plus|and|then|"
    r"followed\s+by|but\s+with)\s+(?:an?\s+|the\s+|my\s+)?[\w']+(?:\s+[\w']+)?\s+"
    r"(?:on\s+the\s+(?:end|front)|at\s+the\s+(?:end|start|front)|after\s+it|in\s+front)\b|"
    r"\bsame\s+as\s+(?:on\s+)?my\s+(?:insta(?:gram)?|snap(?:chat)?|face\s?book|fb|tik\s?tok|"
    r"twitter|telegram|whats\s?app|discord|youtube|strava|email|gmail|hotmail)"
    r"(?:\s+(?:one|name|handle|username))?\b(?=\s*(?:$|[,.;!?]|x+\b|lol\b|but\b|with\b))|"
    r"\b(?:same as|just|under)\s+my\s+(?:full\s+|real\s+|first\s+|own\s+)?name\b|"
    r"\bmy\s+(?:full\s+|real\s+)?name\s+(?:in|all|with\s+no|no)\s+(?:lower\s?case|small|"
    r"one word|spaces?)\b|\bsame\s+(?:name|username|handle)\s+as\s+(?:on\s+|in\s+)?"
    r"(?:here|this|the app|my name)\b", re.I)


_ON_HERE = re.compile(r"\b(?:on|in)\s+(?:here|this\s+app|this\s+chat|move\s+mates)\b", re.I)
_GENERIC_PLATFORM = re.compile(r"user\s?name|handle", re.I)


_QUOTED_SEARCH = re.compile(r"\b(?:search|look up|look for|find|type in|type|add)\b(?:\s+for)?"
                            r"(?:\s+me)?[\s:]*['\"‘“]([^'\"’”]{3,40})['\"’”]", re.I)


# Round eight: a Reddit user ("u/LeicsWalker"; "r/diabetes" is a forum, public), and a
# parkrun athlete's number (an A and five to nine digits beside "parkrun", "athlete" or
# "barcode"), which finds the runner's page and results ("A5460" is a road, four digits).
_REDDIT_USER = re.compile(r"(?<![\w/])/?u/[a-z0-9][\w-]{2,19}\b", re.I)
_ATHLETE_ID = re.compile(r"\b(?:athlete|runner|parkrun|parkrunner|barcode)\b[^.!?]{0,30}?"
                         r"(?<![\w-])A\s?\d{5,9}\b|(?<![\w-])A\s?\d{5,9}\b[^.!?]{0,30}?"
                         r"\b(?:parkrun|athlete|barcode)\b", re.I)
# A name in quotes where a handle stands: "im 'ChairDancerDi' on facebook dating".
_DESCRIBED_PLATFORM = re.compile(
    r"\bthe\s+(?:photo|picture|pics?|video|short\s+video|dancing|chat|messaging|ghost|camera|"
    r"selfie)\s+(?:app|site)\b|\bthe\s+(?:app|site)\s+with\s+the\s+(?:\w+\s+){0,2}"
    r"(?:logo|icon|symbol)\b", re.I)
_IM_THERE = re.compile(r"\bi'?m\s+([a-z][\w.]{4,})\s+(?:on\s+)?there\b", re.I)
_PAGE_IS = re.compile(r"\bmy\s+(?:own\s+|personal\s+)?(?:page|profile|account)\s*(?:is|'s|:)\s+",
                      re.I)
_CLAIMED_TAG = re.compile(r"\b(?:i'?m|i\s+am|as|my\s+name\s+is)\s+['\"‘“]"
                          r"(?:[A-Za-z][\w'’-]*\s+){1,5}\d{1,4}['\"’”]\s+(?:on|in)\b", re.I)
_QUOTED_NAME = re.compile(r"(?<![\w'])['\"‘“]([A-Za-z][\w.]{2,30})['\"’”](?![\w'])")


def handle_shaped(token: str) -> bool:
    """A token that could be a handle on its own: a name with digits, an underscore or a dot
    inside ("jade.rx2"), or a made-up word ("wigstonsue")."""
    token = token.strip(".,;:!?'\"()[]")
    return _looks_like_handle(token) or coined(token) or bool(
        re.fullmatch(r"@[a-z][\w.]{2,31}", token, re.I))


# Pieces of a made-up name typed apart, then "all one word" (round eight): "wig ston sue —
# all one word"; each piece a short word or fragment set apart by spaces (not the "s" of
# "it's"), at least one no word, and together no word ("dog walker, all one word?",
# "whats app, all one word" pass).
def _dictated_pieces(text: str) -> bool:
    known = english_words()
    for cue in SPELLING_OUT.finditer(text):
        pieces: list[str] = []
        for word in reversed(text[max(0, cue.start() - 60):cue.start()].split()):
            bare = word.rstrip(",.;:-–—")
            if not bare and not pieces:
                continue  # a dash just before the cue: "sue — all one word"
            if len(pieces) == 5 or not (bare.isalnum() and len(bare) <= 6):
                break
            pieces.insert(0, bare)
        for size in range(2, len(pieces) + 1):
            part = pieces[-size:]
            if any(p.lower() not in known for p in part) and coined("".join(part)):
                return True
    return False


def has_handle(text: str) -> bool:
    """A username: after @, with an underscore, or near a platform's name."""
    text = without_public_accounts(text)  # "follow @NHSuk", "the club's insta is @..."
    text = without_public_sites(text)  # "sky.com", "parkrun.org.uk/braunstonepark"
    if "/" in text and _REDDIT_USER.search(text):
        return True
    if _ATHLETE_ID.search(text):
        return True
    text = _QUOTED_NAME.sub(r"\1", text)
    # An emoji for the platform's name: "👻 jodawalks", "find me on 📸 knitwithnan".
    text = _PLATFORM_EMOJI.sub(lambda m: f" {_EMOJI_PLATFORMS[m.group(0)]} ", text)
    # Symbols said one by one: "at symbol, nisha, underscore, heals" is @nisha_heals.
    text = re.sub(r"[\s,]+underscore[\s,]+", "_", text, flags=re.I)
    text = re.sub(r"\b(?:the\s+)?at\s+(?:symbol|sign)[\s,:]+", "@", text, flags=re.I)
    # A name as people write it: "Pat O'Neill" is one surname, "Bob and Janet Ellis" a name.
    text = re.sub(r"\b([OD])['’]([A-Z])([a-z]+)", lambda m: m[1] + m[2].lower() + m[3], text)
    text = re.sub(r"\b([A-Z][a-z]+) (?:and|&) [A-Z][a-z]+(?= [A-Z][a-z]+)", r"\1", text)
    text = _X_PLATFORM.sub("twitter", text)
    text = _CUED_PLATFORM.sub(lambda m: f"{m.group(1) or m.group(2)} app", text)
    if "witch" in text or "WITCH" in text:
        text = _SWITCH_CODE.sub("switch app", text)
    # "sukhi . k", "bev dot knits", "pauline dot h dot leics": dots said or spaced, joined.
    text = re.sub(r"(?<=\w) (?:\.|dot|DOT|\(dot\)|\[dot\]) (?=\w)", ".", text)  # not "Dot"
    if _AT_HANDLE.search(text) or _UNDERSCORED.search(text):
        return True
    # Round fifteen: a platform described rather than named ("the photo app with the camera
    # logo"), and a made-up name claimed there ("... im barbsgarden there").
    text = _DESCRIBED_PLATFORM.sub(" socials ", text)
    if any(coined(m.group(1)) for m in _IM_THERE.finditer(text)) and PLATFORM.search(text):
        return True
    if _IM_HANDLE.search(text) or any(
            coined(m.group(1)) and PLATFORM.match(m.group(2)) for m in _IM_ON.finditer(text)):
        return True
    # "i'm bumblebee.bex on most things, insta, tiktok" (round seven): a dotted name after
    # "I'm", then "on", with a platform named.
    if "." in text and _IM_DOTTED.search(text) and PLATFORM.search(text):
        return True
    # "im Tom Wright on fb": a person's name after "I'm" or "we're", then on a platform.
    if any(PLATFORM.match(m.group(2)) and not _CALENDAR.search(m.group(1))
           and not _PLACE_WORDS & set(m.group(1).lower().split())
           for m in _NAME_ON.finditer(text)):
        return True
    # Round fifteen: a profile name of several words and a number, quoted and claimed ("I'm
    # "Tigers Till I Die 58" on facebook"); not a title (nobody is "Apollo 13").
    if any(PLATFORM.search(text[m.end():m.end() + 40]) for m in _CLAIMED_TAG.finditer(text)):
        return True
    # Round fifteen: a profile named as the writer's own page, however far from the
    # platform ("... a Facebook group too but my own page is Ron Dakin, Oadby").
    if PLATFORM.search(text) and any(
            _has_name(_HANDLE_TOKEN.findall(text[m.end():m.end() + 60])[:4], mine=True)
            for m in _PAGE_IS.finditer(text)):
        return True
    invitation = _INVITATION.search(text)
    if invitation and NAME_WITH_DIGITS.search(text):
        return True
    if any(_a_name_word(m.group("word")) for pattern in _WORD_HANDLES
           for m in pattern.finditer(text)):
        return True  # "my snap is daffodil", "I'm bluebell on snapchat"
    # "@ annsmith60" yes; "@ the cafe", "meet @ 10.30" no.
    if any(re.search(r"\d|_|\.", m.group(1)) or m.group(1).lower() not in english_words()
           for m in _AT_SPACED.finditer(text)):
        return True
    # A typed email address is the email finder's (an organisation's passes there): its
    # parts are no handle beside a platform ("on YouTube ⏎ try adviceline@citizensadvice...").
    if "@" in text:
        text = _TYPED_EMAIL.sub(" ", text)
    platforms = list(PLATFORM.finditer(text))
    # "im on insta, search 'brenda bakes leicester'": a name in quotes to search for; not
    # a search of ordinary words ("youtube, search 'seated exercise'").
    # Round ten: with the writer in the message, a search of ordinary words and counts is
    # still a title ("I found a video on YouTube, search 'chair yoga for seniors 20 minutes'").
    if platforms and any(_a_name_to_search(m.group(1)) or (
            _FIRST_PERSON.search(text) and not _ordinary_search(m.group(1)))
                         for m in _QUOTED_SEARCH.finditer(text)):
        return True
    # "insta @ walking with bev (all together)", "snap: gaz b 1982 no spaces": dictated;
    # not the platform's own name spelt ("whats app, all one word or two?").
    # Round eleven: the name on here is the one the peer already sees ("my username on here
    # is just my first name"): no other platform, no profile to find.
    on_here = bool(_ON_HERE.search(text)) and all(
        _GENERIC_PLATFORM.fullmatch(p.group(0)) for p in platforms)
    if (platforms or "@" in text) and not on_here and (_NAME_REFERENCE.search(text) or any(
            not any(re.fullmatch(r"\W*", text[p.end():cue.start()]) for p in platforms)
            for cue in SPELLING_OUT.finditer(text))):
        return True
    if SPELLING_OUT.search(text) and _dictated_pieces(text):
        return True
    return any(_handle_near(text, match, invitation is not None) for match in platforms)


# A handle that is a dictionary word, where only a handle can stand: "my snap is daffodil",
# "my insta's just robin", "my username on insta is pebble", "tiktok: buttercup", "insta -
# hedgehog - ...", "I'm bluebell on snapchat", "on insta I'm Marigold, ...", "snapchat me,
# I'm sparrow", "find me on facebook as Bramble"; the word alone before the clause ends, and
# no word for how or where someone is ("my insta is private now", "I'm hopeless on
# snapchat", "on insta I'm mostly just looking", "on facebook as well", see _a_name_word).
# Not the platforms that are everyday words ("my line is busy"): they need a made-up name.
_P = (r"(?:snap ?chat|snap|[i1]nsta ?gram|[i1]nsta|ig|fa[c]e ?b[o0]{2}k|fb|tik ?tok|twitter|"
      r"telegram|whats ?app|discord|skype|threads|bluesky|kik|wechat|messenger|youtube|"
      r"pinterest|reddit|strava|tumblr|twitch|mastodon|viber|psn|play ?station|x ?box|"
      r"garmin|zwift|mumsnet|komoot|fitbit|ps ?[2-5])")
_WORD = r"(?P<word>[A-Za-z][a-z'-]{2,})"
_ENDS = (r"(?=\s*(?:$|[,.;:!?()\-–—~]|(?:x+|lol|come|add|follow|say|if|so|and|but|too|there|"
         r"please|pls|ta|thanks|haha|for|with)\b))")
_WORD_HANDLES = tuple(re.compile(pattern, re.I) for pattern in (
    rf"\bmy\s+{_P}(?:\s+(?:name|username|user\s+name|handle|id|account|page|profile))?"
    rf"(?:'s|\s+is|\s*[:=]|\s+=)\s*(?:just\s+|simply\s+)?{_WORD}{_ENDS}",
    rf"\bmy\s+(?:name|username|user\s+name|handle|account)\s+on\s+(?:the\s+)?{_P}\s+is\s+"
    rf"(?:just\s+)?{_WORD}{_ENDS}",
    rf"\b{_P}(?:\s+(?:name|username|handle|id))?\s*(?:[:=>→➡]+|\s[\-–—]+)\s*{_WORD}{_ENDS}",
    rf"\b(?:i'?m|i\s+am)\s+{_WORD}\s+on\s+(?:the\s+)?{_P}\b",
    rf"\b(?:on\s+(?:the\s+)?{_P}|{_P}\s+me)\s*,?\s+(?:i'?m|i\s+am)\s+{_WORD}{_ENDS}",
    rf"\b(?:on|via)\s+(?:the\s+)?{_P}\s+(?:as|under)\s+{_WORD}{_ENDS}"))
# Words for how, when or where someone is on a platform, or what their account is like: no
# handle ("I'm new on tiktok", "my insta is private", "on facebook as well").
_STATE_WORDS = frozenset({
    "new", "old", "bad", "good", "great", "fine", "ok", "okay", "alright", "big", "huge",
    "popular", "private", "public", "quiet", "silent", "busy", "free", "online", "offline",
    "down", "up", "off", "out", "in", "on", "back", "away", "gone", "dead", "broken", "full",
    "empty", "blank", "same", "different", "crap", "pants", "naff", "mad", "keen", "hot",
    "cold", "nice", "kind", "brilliant", "fab", "brill", "ace", "fun", "funny", "shy", "lazy",
    "slow", "quick", "fast", "rare", "never", "always", "just", "also", "too", "still", "even",
    "very", "so", "not", "no", "all", "both", "well", "usual", "normal", "ever", "such",
    "much", "more", "most", "least", "about", "around", "there", "here", "everywhere",
    "somewhere", "nowhere", "anywhere", "nobody", "somebody", "anybody", "everybody",
    "someone", "anyone", "everyone", "none", "behind", "ahead", "late", "lost", "stuck",
    "over", "under", "better", "worse", "worst", "older", "newer", "bigger", "smaller",
    "rubbishy", "soon", "long", "far", "often", "per", "again", "now", "today", "tonight",
    "tomorrow", "yet", "already", "though", "mine", "yours", "ours", "theirs", "his", "hers",
    "the", "a", "an", "my", "your", "our", "their", "her", "him", "me", "you", "it", "that",
    "this", "what", "who", "how", "why", "where", "when", "which", "sure", "sorry", "glad",
    "happy", "sad", "ill", "sick", "unwell", "open", "dormant", "shut", "lush", "mint",
    "sound", "grand", "proper", "right", "wrong", "meh", "dull", "flat", "dry", "wet",
    "mental", "bonkers", "crazy", "daft", "real", "fake", "own"})
_NOT_A_NAME_ENDING = re.compile(r"(?:ly|ing|ed|less|ful|ous|ive|ish|able|ible|est)$", re.I)


# Pronouns, answers and family roles are nobody's handle: "I'm on facebook as myself",
# "insta: nope", "I'm nan on facebook, the grandkids set it up".
_PRONOUNS = frozenset({"myself", "yourself", "himself", "herself", "itself", "ourselves",
                       "yourselves", "themselves", "me", "us", "them", "we", "they", "she",
                       "he", "i", "one", "oneself", "everyone", "everybody",
                       "yes", "yeah", "yep", "yup", "no", "nope", "nah", "maybe", "sure",
                       "mum", "mam", "mom", "dad", "nan", "nana", "nanna", "gran", "granny",
                       "grandad", "grandpa", "grandma", "auntie", "aunty", "uncle", "sis",
                       "bro", "wife", "husband", "hubby", "son", "daughter"})


def _a_name_word(word: str) -> bool:
    """A word that can be someone's handle where only a handle can stand ("daffodil",
    "Marigold", "pebble"): not a word for how someone is (see _STATE_WORDS), not an
    adverb, adjective or verb form by its ending, not a day or a time, nor a platform."""
    lower = word.lower()
    return lower not in _STATE_WORDS and lower not in _PRONOUNS and \
        not _NOT_A_NAME_ENDING.search(lower) and \
        not _CALENDAR.search(word) and not PLATFORM.fullmatch(word) and \
        lower not in _SMALL_WORDS


# "im Tom Wright on fb", "we're Bob Ellis on facebook".
_NAME_ON = re.compile(r"\b(?i:i'?m|i am|we'?re|we are)\s+([A-Z][a-z'-]+(?:\s+(?:[A-Z][a-z'-]+|"
                      r"[A-Z](?![\w'])\.?)){1,2})"
                      r"\s+(?i:on)\s+(?i:the\s+)?(\w+(?: \w+)?)")


_FIRST_PERSON = re.compile(r"\b(?:me|my|mine|i|i'?m|we|we'?re|us|our|the one)\b", re.I)


def _a_name_to_search(quoted: str) -> bool:
    words = re.findall(r"[\w']+", quoted)
    if _PLACE_WORDS & {w.lower() for w in words}:  # 'Bradgate Park deer': a place's video
        return any(coined(w) or not w.isalpha() for w in words)
    # A count on its own is a title's ("chair yoga 20 minutes"; round ten), not a name's.
    return any(not _a_count(words, i) and (
        not w.islower() or coined(w) or not w.isalpha()) for i, w in enumerate(words))


_COUNT_WORDS = frozenset({"minute", "minutes", "min", "mins", "second", "seconds", "hour",
                          "hours", "day", "days", "week", "weeks", "step", "steps", "reps",
                          "times", "exercises", "moves", "km", "k", "mile", "miles"})


def _a_count(words: list[str], at: int) -> bool:
    """A number that counts the word after it ("20 minutes")."""
    return words[at].isdigit() and at + 1 < len(words) and words[at + 1].lower() in _COUNT_WORDS


def _ordinary_search(quoted: str) -> bool:
    """Three or more words in small letters a dictionary has, with a count among them ("chair
    yoga for seniors 20 minutes"): a video's title. Names a dictionary also has ("brenda
    bakes leicester") count no minutes."""
    words = re.findall(r"[\w']+", quoted)
    known = english_words()
    counts = [i for i in range(len(words)) if _a_count(words, i)]
    return len(words) >= 3 and bool(counts) and all(
        i in counts or (w.islower() and w in known) for i, w in enumerate(words))


def _a_group(tokens: list[str]) -> bool:
    """A group's name straight after the platform, its words capitalised up to a word for a
    group ("facebook: Wigston Walkers Club 3"; round eight): an organisation's page."""
    for token in tokens[:4]:
        if token.lower() in _GROUPS:
            return True
        if not token[:1].isupper():
            return False
    return False


def _handle_near(text: str, match: re.Match[str], invited: bool) -> bool:
    """Whether the words around a platform's name (`match`) give a name to find someone by."""
    # Only the characters near it are read, so a long post of platform names stays linear.
    following = text[match.end():match.end() + HANDLE_SPAN]
    if re.match(r"\s?[.(]\S", following):
        return False  # part of a link ("facebook.com/ann"): the link finder's
    if _ID_NUMBER.match(following):
        return True
    after = _HANDLE_TOKEN.findall(following)[:HANDLE_WINDOW]
    before = _HANDLE_TOKEN.findall(text[max(0, match.start() - HANDLE_SPAN):match.start()])[
        -HANDLE_WINDOW:]
    if any(_looks_like_handle(t) for t in after[:4] + before[-3:]):
        return True
    # "add me on insta, it's my name with dots: amy.j.patel": asked to be found, a handle's
    # shape anywhere near.
    if invited and any(_looks_like_handle(t) for t in after + before):
        return True
    # "discord: walkingwithbev", "fb: Bev Turner": a word no dictionary has, or a name.
    if (follows := _NAME_FOLLOWS.match(following)) is not None:
        named = following[follows.end():]
        first = _HANDLE_TOKEN.match(named)
        if (first and coined(first.group(0)) and not _a_group(after)) or _profile_name(named):
            return True
    # "snapchat me rosiewalks", "on tiktok as rosiewalks": a made-up word just after.
    if any(coined(t) for t in _after_small_words(after)) and not _a_group(after):
        return True
    # Round twelve, the other order: "dancingdoreen on all the apps", "rosiewalks, that's me
    # on insta", "wendypatelwalks is my insta": a made-up word in small letters (or run
    # together in capitals, "DancingDoreen") just before the platform, only small words
    # between.
    # Said to be the writer's ("is my insta", "that's me on"), or the name and where it is
    # are the whole clause ("dancingdoreen on all the apps."); "grandkids on tiktok all day"
    # is news.
    if (named := _before_small_words(before)) and _made_up(named[0]) and (
            _CLAIM_BETWEEN & {t.lower() for t in before[before.index(named[0]) + 1:]} or (
                re.match(r"\s*(?:$|[.!,;]|(?:x+|lol|haha)\b)", following) and re.search(
                    rf"(?:^|[.!?,;:]\s*){re.escape(named[0])}\W*(?:\w+\W+){{0,4}}$",
                    text[:match.start()]))):
        return True
    # "on fb I'm Lorraine Gill", "facebook as Sue Baker": a name introduced just after.
    if _introduced_name(after):
        return True
    # "find me on insta, I'm annwalks", "look up bevknits on substack": a made-up word
    # beside an invitation.
    if invited and any(t.islower() and coined(t) for t in after[:4] + before[-3:]):
        return True
    # A profile name straight after the platform ("face book Sue Baker Syston"), or
    # anywhere near it when someone asks to be found.
    # A title after "The" is a show's or a group's ("search The Body Coach on youtube"),
    # unless the writer says it is theirs ("The Breathless Baker ..., that's my channel").
    mine = _FIRST_PERSON.search(text) is not None
    return _has_name(after[:3], 3, mine=mine) or (invited and (
        _has_name(before, mine=mine) or _has_name(after, mine=mine)))


# A person's name on its own after "fb:", ending the message or a clause ("fb: Bev Turner
# (don't laugh)"), not the start of a sentence ("zoom: Tuesday Morning stretch class").
# A gamertag or a display name with spaces and a number after a label (round seven): "xbox
# gamertag: Grumpy Knees 71", "psn: grumpy knees 71", "username: Walking Wendy 59".
_PROFILE_NAME = re.compile(
    r"^([A-Z][a-z'-]+(?:\s+(?:[A-Z][a-z'-]+|[A-Z](?![\w'])\.?)){1,2})(?:\s+\d{1,4})?"
    r"(?=\s*(?:$|[^\w\s]|(?:x+|lol|ta|thanks|pls)\b))")
_SPACED_TAG = re.compile(
    r"^([a-z][a-z'-]+(?:\s+[a-z][a-z'-]+){0,2})\s*\d{2,4}"
    r"(?=\s*(?:$|[^\w\s]|(?:x+|lol|ta|thanks|pls|add|if|and|on|come)\b))", re.I)
_CALENDAR = re.compile(r"\b(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day)?\b|"
                       r"\b(?:morning|afternoon|evening|night|today|tomorrow)\b", re.I)


def _profile_name(text: str) -> bool:
    found = _PROFILE_NAME.match(text)
    # A group's name is no person's ("facebook: Wigston Walkers Club 3"; round eight).
    if found is not None and not _CALENDAR.search(found.group(1)) and \
            found.group(1).split()[-1].lower() not in _GROUPS:
        return True
    # Words then a number, as a tag: not a count ("ran 5", "walked 10"), a state or a day.
    tag = _SPACED_TAG.match(text)
    if tag is None or _CALENDAR.search(tag.group(1)):
        return False
    words = tag.group(1).split()
    first = words[0].lower()
    # One word must look like a name ("sunny 88"); of two or three, the first need only be
    # no small or state word ("knitting nana 22", "Wobbly Wheels 12").
    named = _a_name_word(words[0]) if len(words) == 1 else (
        first not in _STATE_WORDS and first not in _PRONOUNS and first not in _SMALL_WORDS
        and not first.endswith("ed"))
    return named and words[-1].lower() not in _COUNTED


_GROUPS = frozenset({"club", "clubs", "group", "groups", "team", "teams", "session", "sessions",
                     "society", "squad", "crew", "league", "division", "choir", "circle",
                     "meetup", "walkers", "runners", "ramblers", "striders", "harriers"})
# Words that make capitalised words an organisation's or a programme's name, not a
# person's (round ten: "search British Heart Foundation on youtube", "Singing for Lung
# Health"); not those that are also surnames.
_BODIES = frozenset({"foundation", "trust", "health", "charity", "council", "association",
                     "institute", "network", "alliance", "campaign", "federation", "nhs",
                     "uk", "partnership", "support", "care", "fitness", "yoga", "pilates",
                     "exercise", "exercises", "workout", "workouts", "channel", "tv", "radio",
                     "podcast", "show", "news", "rehab", "recovery", "service", "services"})
# Words a number counts or numbers, not a tag's name: "tiktok: week 52", "youtube - episode 12".
_COUNTED = frozenset({
    "day", "days", "week", "weeks", "month", "months", "year", "years", "part", "episode",
    "ep", "level", "round", "page", "chapter", "number", "no", "step", "steps", "lap", "laps",
    "mile", "miles", "km", "vol", "volume", "series", "season", "version", "class", "room",
    "bus", "route", "stage", "game", "games", "match", "video", "videos", "post", "posts",
    "photo", "photos", "pics", "followers", "likes", "views", "minutes", "mins", "hours",
    "times", "x", "age", "aged", "over", "under", "top", "only", "about", "around", "nearly",
    "almost", "just", "since", "from", "till", "until", "at", "by", "to", "in", "of", "for",
    # Round eight: a group's name and number, not a person's tag ("fb: running club 10",
    # "whatsapp - walking group 2").
    "walk", "walks", "ride", "rides", "run", "runs", "classes"}) | _GROUPS


_SMALL_WORDS = frozenset({"me", "as", "is", "its", "it's", "im", "i'm", "i", "m", "am", "called",
                          "name", "under", "at", "it", "on", "s", "everywhere", "there", "here",
                          "too", "also"})


def _after_small_words(tokens: list[str]) -> list[str]:
    """The first word after the platform's name that is not a small word ("me", "as"; "I'm"
    is read as two tokens, "I" and "m")."""
    # Up to seven small words: "signal me, I'm on there as wigstonwalker".
    rest = list(itertools.dropwhile(lambda t: t.lower() in _SMALL_WORDS, tokens[:8]))
    return rest[:1]


# Small words between a made-up name and the platform after it: "rosiewalks, that's me on
# insta", "wendypatelwalks is my insta", "dancingdoreen over on tiktok".
_SMALL_BEFORE = frozenset({"on", "is", "me", "my", "s", "that", "thats", "that's", "it",
                           "its", "it's", "over", "the", "at", "via", "in", "for", "and",
                           "i", "m", "im", "am", "name", "username", "handle", "also", "too"})


_CLAIM_BETWEEN = frozenset({"me", "my", "is", "that", "thats", "that's", "it's", "its", "m",
                            "im", "i", "name", "username", "handle"})


def _before_small_words(tokens: list[str]) -> list[str]:
    """The last word before the platform's name that is not a small word (see above)."""
    rest = list(itertools.dropwhile(lambda t: t.lower() in _SMALL_BEFORE,
                                    reversed(tokens[-6:])))
    return rest[:1]


def _made_up(token: str) -> bool:
    """A made-up word as a handle is typed: in small letters, or run together with
    capitals ("DancingDoreen"); not a capitalised word (a place, a surname)."""
    return coined(token) and (token.islower() or re.fullmatch(
        r"[A-Z]?[a-z]+(?:[A-Z][a-z0-9]+)+", token) is not None)


# Words that introduce a profile name: "as", "I'm" (two tokens), "under", "called".
# Not "it's": "on facebook it's Sarah Smith's 60th" is news, not a profile.
_NAME_INTRO = frozenset({"as", "i", "m", "im", "am", "under", "called", "me", "we", "re",
                         "name", "username"})  # "zwift name Raj K" (round eight)


def _introduced_name(tokens: list[str]) -> bool:
    """A name (two capitalised words) just after "as", "I'm", "me -", "under": "on fb I'm
    Lorraine Gill"; not one straight after the platform ("on Facebook Mary Jones had ...")."""
    intro = list(itertools.takewhile(
        lambda t: t.lower().rstrip(".:") in _NAME_INTRO or PLATFORM.fullmatch(t), tokens[:4]))
    return any(t.lower().rstrip(".:") in _NAME_INTRO for t in intro) and _has_name(
        tokens[len(intro):len(intro) + 2], places=True)


@lru_cache(maxsize=4096)
def coined(token: str) -> bool:
    """A made-up word: "walkingwithbev", "sallyslims", not "what" or "never", nor a
    platform's own name ("facebook/instagram")."""
    return token.isalpha() and len(token) > 4 and token.lower() not in english_words() \
        and not PLATFORM.fullmatch(token)


# Words that make capitalised words a place, not a person: "Watermead Park", "Abbey Road";
# not those that are also surnames (Hall, Green, Wood, Lane, Church, Field).
_PLACE_WORDS = frozenset({
    "park", "road", "rd", "avenue", "centre", "center", "hospital", "station", "library",
    "market", "school", "college", "university", "museum", "cafe", "café", "pub", "gardens",
    "lake", "reservoir", "forest", "leisure", "retail", "surgery", "clinic", "infirmary",
    "cathedral", "mosque", "temple", "gurdwara", "chapel", "hotel", "meadows", "trail"})


# Small words no name is made of, though a title capitalises them (round seven): "search
# Move It or Lose It on youtube", "The Aylestone allotments facebook group".
_NO_NAME_WORDS = frozenset({"the", "a", "an", "it", "its", "or", "and", "of", "in", "on", "to",
                            "for", "with", "my", "your", "our", "their", "this", "that", "is",
                            "are", "we", "you", "they", "me", "us", "he", "she", "at", "by",
                            "from", "up", "out", "if", "so", "but", "not", "no", "yes", "all"})


def _has_name(tokens: list[str], words: int = 2, places: bool = False,
              mine: bool = False) -> bool:
    """`words` capitalised words in a row that are not the platform's own ("Sue Baker";
    with a place, "Sue Baker Syston"), nor a place's name ("Watermead Park") unless
    `places` (the name is introduced: "on facebook as Linda Park")."""
    run: list[str] = []
    titled = False  # the run follows "The": a title or a group ("The Body Coach")
    for index, token in enumerate([*tokens, ""]):
        if (len(token) > 1 and all(part[:1].isupper() and part[1:].islower()
                                   for part in token.split("-"))
                and not PLATFORM.fullmatch(token)
                and token.lower() not in _NO_NAME_WORDS) or (  # "Oakes-Bell" too
                # An initial after a name (round eight): "Dave R", "Margaret W", "Ravi M".
                run and len(token) == 1 and token.isupper() and token != "I"):
            if not run:
                titled = index > 0 and tokens[index - 1].lower() == "the" and not mine
            run.append(token.lower())
            continue
        if len(run) >= words and not titled and (places or not _PLACE_WORDS & set(run)) \
                and not _GROUPS & set(run) and not _BODIES & set(run):  # "Wigston Walkers
            # Club" (round eight), "British Heart Foundation", "Lung Health" (round ten)
            return True
        run = []
    return False
