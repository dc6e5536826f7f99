"""Broader signals for the contact-detail detector (bot/peers/contact.py), round nine.

Three blind corpora in a row (held_out_7, 8, 9) leaked 4-6 % although each round fixed the
previous corpus's lines: the rules knew the detail's shape but not the many ways of
*telling* it. The misses share a few patterns, read here rather than line by line:

- a disguise over a detail the rules already know: a platform called by a nickname ("the
  bird site", "na fejsie"), a symbol said in brackets ("sunshine[underscore]sal"), pieces
  joined with plus signs ("raymond + 1955 + @ + btinternet + .com"). `unmasked` takes the
  disguise off; the ordinary rules then read the result (an extra reading, never instead);
- a name given where only a profile can be meant: quoted after "name is" beside a
  platform ("Strava athlete name is 'Neeta on Wheels'"), a run-together capitalised name
  said to be the writer's "on there" ("I'm QuizQueenLoz on there"), or a handle described
  ("my @ is tasha then the year I was born");
- a home by its street and a house number told apart ("that's my house number too, on
  Hinckley Road", "Mera ghar Melbourne Road pe 105 number hai");
- a map position labelled or in degrees ("lat 52.7681 long -0.8874", "52°38'12\"N
  1°07'44\"W"), three words for "the map app";
- a postcode described: its district, then "the rest is 6" and letters said as initials;
- a link told as a site and a path "put /gareth.pomfret after it".

Each is measured both ways on every tuned corpus and on the split-message pairs.
"""

from __future__ import annotations

import re

from bot.core.textnorm import english_words
from bot.peers.contact_mending import fold

# A platform's nickname, read as its name: the rules then look for a name beside it.
_NICKNAMES = (
    (re.compile(r"\b(?:the\s+)?bird\s*(?:site|app|place)\b|\bthe\s+bird\b(?=\s*[,:;]|\s+(?:as|"
                r"i'?m|under)\b)", re.I), "twitter"),
    # Polish "on face(book)", where a name follows: "na fejsie jako Ola Nowak", "dodaj mnie
    # na fejsie, Kasia ..." ("jestem na fejsie rzadko" stays).
    (re.compile(r"\b(?:na\s+)?(?:fejs(?:ie|ik|a)?|fejsbuk\w*|facebooku)(?:\s+jako)?"
                r"(?=\s*(?:[:,\-–—]\s*)?(?-i:[A-Z]))", re.I), "facebook as"),  # any dash
    (re.compile(r"\bna\s+insta\w*", re.I), "on instagram"),
    # Round sixteen: Instagram's initials sounded out ("eye gee: lucy dot fitness").
    (re.compile(r"\beye[\s-]?gee\b", re.I), "ig"),
)
# Symbols said in brackets: "sal[underscore]62" (tight: "the form said (underscore)"
# stays), "ann(at)gmail(dot)com", "pete [at] hotmail [dot] co [dot] uk" (the email rules
# still want a whole address).
_SAID_SYMBOL = re.compile(r"(?<=\w)[\[({<]\s*(underscore|under\s*score)\s*[\])}>](?=\w)|"
                          # Round fifteen: "(at sign)", "(full stop)", "[period]" too.
                          r"\s*[\[({<]\s*(dot|at|at\s+sign|at\s+symbol|full\s+stop|fullstop|"
                          r"period|point|dash|hyphen)\s*[\])}>]\s*", re.I)
_SYMBOLS = {"underscore": "_", "dot": ".", "at": "@", "dash": "-", "hyphen": "-", "atsign": "@",
            "atsymbol": "@", "fullstop": ".", "period": ".", "point": "."}
# Pieces joined with plus signs around an @ ("a + 1955 + @ + bt + .com"), or short ones a
# postcode is made of ("LE4 ➕ 8 ➕ J ➕ D"; the heavy plus is read as a plus).
_PLUSSED = re.compile(r"[\w.]+(?:\s*\+\s*[@\w.]+){2,}")


# Round twelve: a platform and an invitation in another script ("ફેસબુક પર Nilesh Patel
# Rushey Mead શોધજો", "فیس بک پر Rukhsana Begum Highfields تلاش کریں": search for the name
# on Facebook), read as English so the ordinary rules find the name beside them. Spellings
# in Gujarati, Gurmukhi, Devanagari, Bengali, Urdu and Arabic, and Cyrillic stems (their
# endings vary), as people write the platforms' names; romanised "search" verbs too
# ("facebook pe Nilesh Patel dhoondo"). Matched as the detector reads them: folded (vowel
# signs dropped, look-alike letters made Latin; see contact_mending.fold).
_SCRIPT_PLATFORMS = {
    "facebook": ("ફેસબુક", "ਫੇਸਬੁੱਕ", "ਫੇਸਬੁਕ", "फेसबुक", "फ़ेसबुक", "ফেসবুক", "فیس بک", "فیسبک",
                 "فیس بُک", "فيسبوك", "فيس بوك", "фейсбук"),
    "instagram": ("ઇન્સ્ટાગ્રામ", "ઈન્સ્ટાગ્રામ", "ઇન્સ્ટા", "ਇੰਸਟਾਗ੍ਰਾਮ", "ਇੰਸਟਾਗਰਾਮ", "ਇੰਸਟਾ",
                  "इंस्टाग्राम", "इंस्टा", "ইনস্টাগ্রাম", "ইনস্টা", "انسٹاگرام", "انسٹا", "انستغرام",
                  "انستقرام", "انستجرام", "инстаграм", "инста"),
    "tiktok": ("ટિકટોક", "ਟਿਕਟੌਕ", "ਟਿਕਟਾਕ", "टिकटॉक", "टिक टॉक", "টিকটক", "ٹک ٹاک", "تيك توك",
               "тикток"),
    "snapchat": ("સ્નેપચેટ", "ਸਨੈਪਚੈਟ", "स्नैपचैट", "স্ন্যাপচ্যাট", "سنیپ چیٹ", "سناب شات", "снапчат"),
    "youtube": ("યુટ્યુબ", "યૂટ્યૂબ", "ਯੂਟਿਊਬ", "यूट्यूब", "ইউটিউব", "یوٹیوب", "يوتيوب", "ютуб"),
    "twitter": ("ટ્વિટર", "ਟਵਿੱਟਰ", "ट्विटर", "টুইটার", "ٹویٹر", "تويتر", "твиттер"),
}
_SCRIPT_SEARCH = ("શોધ", "ਲੱਭ", "ਖੋਜ", "ਸਰਚ", "खोज", "ढूंढ", "ढूँढ", "सर्च", "খুঁজ", "সার্চ", "تلاش",
                  "ڈھونڈ", "سرچ", "ابحث", "найди", "найдит", "ищи", "ищит", "поищ", "добав")
# "dhoondo", "dhund lo", "talaash karo", "khojo", "labh lo", "shodhjo": romanised, Latin.
_ROMAN_SEARCH = re.compile(r"\b(?:dh[ou]{1,2}nd(?:o|h?o|ein|en|iye|na)?|talaa?sh|khoj(?:o|ein|en|"
                           r"na)?|labh(?:o|\s+lo)|shodh(?:o|jo|i)?)\b", re.I)


def _script_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    spellings = {form for word in words for form in (word, fold(word)) if form}
    return re.compile("|".join(re.escape(w).replace(r"\ ", r"\s*")
                               for w in sorted(spellings, key=len, reverse=True)))


_SCRIPT_READINGS = (*((_script_pattern(words), name) for name, words in _SCRIPT_PLATFORMS.items()),
                    (_script_pattern(_SCRIPT_SEARCH), "search"))
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\s\d\W]")


def in_other_script(text: str) -> str:
    """`text` with platforms' names and "search" said in another script read as English
    (see above); `text` itself when it has none."""
    if _NOT_LATIN.search(text):
        for pattern, name in _SCRIPT_READINGS:
            text = pattern.sub(f" {name} ", text)
    return _ROMAN_SEARCH.sub(" search ", text) if _ROMAN_SEARCH.search(text) else text


def unmasked(text: str) -> str:
    """`text` with the disguise taken off (see above); `text` itself when it wore none."""
    text = in_other_script(text)
    for pattern, name in _NICKNAMES:
        text = pattern.sub(name, text)
    text = _SAID_SYMBOL.sub(
        lambda m: _SYMBOLS[re.sub(r"\s", "", (m.group(1) or m.group(2)).lower())], text)
    text = _PLUSSED.sub(lambda m: re.sub(r"\s*\+\s*", "", m.group(0)) if "@" in m.group(0)
                        or all(len(p.strip()) <= 4 for p in m.group(0).split("+"))
                        else m.group(0), text.replace("➕", "+"))
    return text


# A platform or the word for a profile on one, for the signals below.
_PROFILE = re.compile(
    r"\b(?:snap\w*|insta\w*|ig|face\s?book|fb|tik\s?tok|twitter|strava|discord|threads|"
    r"bluesky|youtube|reddit|garmin|zwift|komoot|fitbit|mumsnet|telegram|whats\s?app|"
    r"linked\s?in|pinterest|twitch|steam|xbox|psn|roblox|wordfeud)\b", re.I)
# "athlete name is 'Neeta on Wheels'", "username: “Bramble Walks”": a quoted name.
_QUOTED_PROFILE = re.compile(
    r"\b(?:athlete|user|screen|display|profile|account|gamer|player|my(?:\s+\w+)?)\s*"
    r"(?:name|handle|tag)?"
    r"\s*(?:is|:|=|-)\s*['\"‘“]([^'\"’”]{3,40})['\"’”]", re.I)
# "I'm QuizQueenLoz on there", "look for BrambleBex on it": a run-together name on "there".
_ON_THERE = re.compile(
    r"\b(?:i'?m|i\s+am|im|look\s+for|search\s+for|find|add)\s+(?:as\s+)?"
    r"([A-Za-z][A-Za-z0-9]{4,30})\s+on\s+(?:there|it|that(?:\s+one|\s+app)?|the\s+app)\b", re.I)
_CAMEL = re.compile(r"[A-Z]?[a-z]+(?:[A-Z][a-z0-9]+){2,}")
# Said to be the writer's "on there", two words run together are a name too; not "McKay".
_CAMEL_ON_THERE = re.compile(r"[A-Z]?[a-z]{2,}(?:[A-Z][a-z0-9]{2,})+")
# "my @ everywhere is tasha then the year I was born": a handle told by what makes it up.
_DESCRIBED = re.compile(
    r"\bmy\s+(?:@|(?:handle|user\s?name|tag|insta|snap|gamertag)\b)\s*(?:everywhere\s+|on\s+\w+\s+)?"
    r"(?:is|=|:)\s+(?:"
    r"[^.!?]{0,25}?\b(?:then|plus|and|followed\s+by|with)\b[^.!?]{0,15}?\b(?:year\s+i\s+was\s+"
    r"born|birth\s?year|year\s+of\s+birth|my\s+age|house\s+number|date\s+of\s+birth|birthday)|"
    r"(?:the|my)\s+(?:first\s+letters?|initials))\b", re.I)

# Round sixteen: a handle given as a recipe beside a platform: a word or the name on here,
# then initials, a number or the space taken out ("insta is my name on here without the
# space plus 64", "its the word swim then my initials jp then 1960").
_RECIPE = re.compile(
    r"\b(?:the\s+word\s+\w+|my\s+initials|my\s+(?:first\s+|full\s+)?name(?:\s+on\s+here)?)\s+"
    r"(?:[^.!?]{0,30}?\s)?(?:then|plus|followed\s+by|with(?:out)?)\s+(?:[^.!?]{0,30}?\s)?"
    r"(?:\d{2,4}(?=\s*(?:$|[,.;:!?)]|(?:on|at)\s+the\s+end\b|after\b|x+\b|lol\b))|"
    r"(?:my\s+initials|the\s+spaces?|my\s+birth\s?year|the\s+year\s+i\s+was\s+born)\b)",
    re.I)
# A page of the writer's own, named after it in capitals ("on my facebook page Anjali Walks
# Leicester"); not a group's or a body's page.
_OWN_PAGE = re.compile(
    r"\bmy\s+(?:own\s+)?(?:face\s?book|fb|insta\w*|tik\s?tok|youtube)\s+(?:page|account|profile|"
    r"channel)\s+(?:is\s+|called\s+|:\s*)?((?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+)){1,3})\b", re.I)
_PUBLIC_PAGE = re.compile(r"\b(?:group|club|team|society|council|trust|charity|nhs|page|"
                          r"foundation|association|network)\b", re.I)


# "add me on insta, BrambleBexWalks", "follow me on strava - NeetaPushes": an invitation to
# move off the service, a platform, and a run-together capitalised name after it.
_INVITED = re.compile(
    r"\b(?:add|find|follow|message|msg|dm|pm|ping|look|search|friend)\s+(?:me|us)\b"
    r"(?:\s+up)?.{0,30}?", re.I)
_CAMEL_AFTER = re.compile(r"\W*(?:\w+\W+){0,4}?([A-Z]?[a-z]+(?:[A-Z][a-z0-9]+){2,})\b")


def has_handle_signal(text: str) -> bool:
    """A name given where only a profile can be meant (see above)."""
    if _DESCRIBED.search(text) or (_RECIPE.search(text) and _PROFILE.search(text)) or (
            (page := _OWN_PAGE.search(text)) and not _PUBLIC_PAGE.search(page.group(1))):
        return True
    for invitation in _INVITED.finditer(text):
        platform = _PROFILE.search(text, invitation.start(), invitation.end() + 30)
        if platform and _CAMEL_AFTER.match(text, platform.end()):
            return True
    if _PROFILE.search(text) and any(
            not m.group(1).isdigit() for m in _QUOTED_PROFILE.finditer(text)):
        return True
    return any(_CAMEL_ON_THERE.fullmatch(m.group(1)) or (
        m.group(1).isalnum() and m.group(1).lower() not in english_words()
        and any(c.isdigit() for c in m.group(1))) for m in _ON_THERE.finditer(text))


_STREETS = (r"road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|crescent|grove|gardens|"
            r"terrace|place|walk|court|rise|hill|row|mews|square|parade|gate")
_A_STREET = re.compile(rf"\b(?:[A-Z][a-z'-]+\s+){{1,2}}(?i:{_STREETS})\b")
# A house number told beside its street: "my house number", "105 number hai", "number 14".
_HOUSE_NUMBER_TOLD = re.compile(
    r"\b(?:house|door|flat|ghar|makaan|makan|home)\s*(?:number|no\b|num\b|nr\b)|"
    r"\b\d{1,4}[a-h]?\s+(?:number|nambar|nomber|no\.?)\s+(?:hai|he|aa|ae|hega|che|chhe|ha)\b|"
    # Polish: "mieszkam przy Fosse Road, numer 40" (the number read from words).
    r"\bnumer\s+\d{1,4}[a-h]?\b", re.I)
_MY_HOME = re.compile(r"\b(?:my|our|mera|meri|mere|sada|saada|maru|mharo|moj[ae]?|mój|"
                      r"mieszkam|mieszkamy)\b", re.I)
# A house number and its street typed letter by letter, joined up ("1 4 A s h t r e e R d"
# reads "14AshtreeRd").
_RUN_TOGETHER = re.compile(rf"\b\d{{1,4}}[A-Z][a-z]{{2,}}(?:{_STREETS.title()})\b")
# A map position: labelled, or in degrees ("52°38'12\"N 1°07'44\"W").
_LABELLED_POSITION = re.compile(
    r"\blat(?:itude)?\s*[:=]?\s*-?\d{1,2}\.\d{3,}\b.{0,12}?\b(?:long|lon|lng|longitude)\s*[:=]?"
    r"\s*-?\d{1,3}\.\d{3,}", re.I)
_DEGREES = re.compile(r"\d{1,3}\s*°\s*\d{1,2}\s*['′’]\s*(?:\d{1,2}(?:\.\d+)?\s*(?:[\"″”]|''|′′))?"
                      r"\s*[NSEW]\b", re.I)
# "three words: lamp seated gravy (the map app one)".
_THREE_WORDS = re.compile(r"\b(?:three|3)\s+words?\b\s*[:=\-]?\s*[a-z]+[\s.]+[a-z]+[\s.]+[a-z]+\b"
                          r".{0,40}\b(?:map|app|location|pin|find\s+(?:me|us))\b", re.I)


def has_address_signal(text: str) -> bool:
    """A home by its street and a house number told apart, or a map position (see above)."""
    if _LABELLED_POSITION.search(text) or len(_DEGREES.findall(text)) >= 2 or \
            _THREE_WORDS.search(text) or _RUN_TOGETHER.search(text):
        return True
    # The street follows "house number" (told after it: "my house number too, on Hinckley
    # Road"), not a street named before in passing ("the 14 stops on Narborough Road" / "My
    # house number is the same as my age"); "Melbourne Road pe 105 number hai" as said.
    if not _MY_HOME.search(text):
        return False
    for told in _HOUSE_NUMBER_TOLD.finditer(text):
        after = not told.group(0)[0].isdigit() and not told.group(0).lower().startswith("numer")
        if _A_STREET.search(text, told.start() if after else 0,
                            told.end() + 60 if after else len(text)):
            return True
    return False


# A postcode described: "the area bit is LE5, the rest is 6 then Lisa Young's initials".
_DISTRICT = re.compile(r"\b[A-Z]{1,2}\d{1,2}[A-Z]?\b")
_REST_DESCRIBED = re.compile(
    r"\b(?:the\s+)?(?:rest|second\s+(?:half|bit|part)|other\s+(?:half|bit)|end\s+bit|last\s+bit)"
    r"\s+(?:is|=|:)\s*\d\b.{0,30}?\b(?:initials|letters)\b", re.I)


def has_postcode_signal(text: str) -> bool:
    """A postcode's district typed and the rest described (see above)."""
    return bool(_DISTRICT.search(text) and _REST_DESCRIBED.search(text))


# A link told as a site and a path to add: "go to facebook's website and put /gareth.pomfret
# after it", "the site's address then /annsmith".
_PATH = re.compile(r"(?<![\w/])/[a-z][\w.\-]{3,40}\b", re.I)
_ADD_PATH = re.compile(r"\b(?:website|site|web\s?page|url|address\s+bar|\.com)\b.{0,40}?"
                       r"\b(?:put|add|type|stick|with)\b|\b(?:after|on\s+the\s+end\s+of)\s+it\b",
                       re.I)


def has_link_signal(text: str) -> bool:
    """A site named and a path to put after it (see above)."""
    return bool(_PATH.search(text) and _ADD_PATH.search(text))


# A time of day said in Hindi, Urdu, Punjabi or Gujarati ("8 baje", "saade 7 vaje", "9 vage")
# is a time, not a house number ("Kal subah 8 baje park mein milte hain"): made "8:00".
_SAID_TIME = re.compile(r"\b(\d{1,2})\s+(?:baje|bajey|bajay|baj[eay]?\s+ke|vaje|vajje|vajey|"
                        r"vage|vagye|o'?clock)\b", re.I)
# Readings in a row, with decimals ("glucose readings this week: 7.7, 9.0, 6.8, 8.1"): one
# measure after another, not one number's groups.
_MEASURED = re.compile(r"\b(?:readings?|levels?|glucose|sugars?|bg|bp|scores?|weights?|temps?|"
                       r"temperatures?|times|splits|pace)\b", re.I)
_DECIMALS = re.compile(r"(?<![\d.])\d{1,3}\.\d{1,2}(?:\s*[,;/]\s*\d{1,3}\.\d{1,2}){2,}(?![\d.])")


def without_said_times(text: str) -> str:
    """`text` with times of day said in other languages made clock times (see above)."""
    return _SAID_TIME.sub(r"\1:00", text)


def without_readings(text: str) -> str:
    """`text` with a list of decimal readings blanked, where it says they are (see above)."""
    return _DECIMALS.sub(" ", text) if _MEASURED.search(text) else text
