"""Links and email addresses for the contact-detail detector (bot/peers/contact.py): a
domain with a real public suffix (the Public Suffix List tldextract bundles, offline), typed
or spelled out, and an address typed, obfuscated or told beside a provider's name."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import tldextract

from bot.core.textnorm import english_words
from bot.peers.contact_handle import NAME_WITH_DIGITS, PLATFORM, SPELLING_OUT, coined
from bot.peers.contact_mending import digitised
from bot.peers.contact_public import (
    LOOK_AT,
    organisations_email,
    without_organisations_sites,
    without_public_sites,
)


@cache
def _suffixes() -> tldextract.TLDExtract:
    # The Public Suffix List snapshot tldextract ships with: never fetched at run time. And
    # ".example", reserved for examples (RFC 2606; round fourteen): the corpora's writers
    # give made-up sites and mailboxes there ("sheilasgarden.example"), as a person gives a
    # real one; no real message ends a site with it, so reading it costs nothing.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                 extra_suffixes=["example"])


# Country codes that are also English words, and the link services that use them.
_WORD_SUFFIXES = frozenset({"it", "so", "me", "in", "to", "be", "is", "us", "no", "do", "go",
                            "my", "am", "as", "by", "he", "we", "on", "or", "an", "at", "tv",
                            "la", "ms", "im", "pm", "ok", "hi", "re", "ch", "st", "eu"})
SHORTENERS = frozenset({"t", "wa", "bit", "goo", "youtu", "linktr", "discord", "tinyurl",
                        "ow", "buff", "rb", "is", "cutt", "shorturl", "fb", "m", "tiny"})
_DOMAIN = re.compile(r"(?<![\w@.])([a-z0-9][a-z0-9-]*(?:\s?\.\s?[a-z0-9-]+)+(?:/\S*)?)", re.I)
_OPEN, _CLOSE = r"[\(\[\{<'\"‘“\-]", r"[\)\]\}>'\"’”\-]"
_OBFUSCATED_AT = re.compile(
    rf"\s*{_OPEN}\s*(?:at|@)\s*{_CLOSE}\s*|\s+at(?: sign)?\s+|\s*@\s*", re.I)
_OBFUSCATED_DOT = re.compile(
    rf"\s*{_OPEN}\s*(?:dot|d0t|point|\.)\s*{_CLOSE}\s*|\s+(?:dot|d0t|dt|point|full stop)\s+|"
    r"\s+\.\s+|。", re.I)
_EMAIL = re.compile(r"(?<![\w.])[a-z0-9][\w.+-]*@([a-z0-9-]+(?:\.[a-z0-9-]+)*)", re.I)
PROVIDERS = frozenset({"gmail", "googlemail", "hotmail", "yahoo", "outlook", "icloud", "live",
                       "btinternet", "aol", "protonmail", "proton", "sky", "virginmedia",
                       "talktalk", "ntlworld", "mail", "msn", "me", "ymail", "gmx"})
# Providers whose names are everyday words ("look at me", "live", "the sky"): an address
# at one counts only with its ending ("ann@me.com").
WORD_PROVIDERS = frozenset({"me", "live", "mail", "sky"})
NAMED_PROVIDERS = PROVIDERS - WORD_PROVIDERS


def _is_link(candidate: str) -> bool:
    """A domain with a real public suffix, not a full stop without its space."""
    name = re.sub(r"\s", "", candidate).lower().rstrip(".")
    found = _suffixes()(name)
    if not found.suffix or not found.domain or not re.search(r"[a-z]", found.domain) \
            or found.domain in _NOT_A_NAME:  # "the dot com boom"
        return False
    if re.search(r"/\S", candidate) or (found.domain in SHORTENERS and " " not in candidate):
        return True  # a path, or a shortener typed as one ("a.m. at" is a time)
    if found.domain in PROVIDERS and not found.subdomain:
        return False  # a mail provider's own site ("everyone's on gmail dot com now"; round eight)
    if " " in candidate and found.suffix not in ("com", "co.uk", "org", "net", "uk", "org.uk"):
        # "walk . See you", "in Skegness. My sugars": spaced out, only the commonest endings
        return False
    if found.suffix in _WORD_SUFFIXES and not found.subdomain:
        # "today.it", "ok.so": two words; "annsmith.me": a name.
        return found.domain not in english_words() and len(found.domain) > 2
    return found.domain not in english_words() or found.suffix in (
        "com", "co.uk", "org", "net", "org.uk", "io", "ly", "gl", "gg", "ee", "be", "app")


_SPACED_ENDING = re.compile(r"\b([a-z][a-z0-9-]{3,})[\s,]+(co|org)[\s,]+uk\b|"
                            r"\b([a-z][a-z0-9-]{3,})\s*[,•·*|;~_]\s*(com|net|org|co\.uk)\b", re.I)
_NOT_A_NAME = frozenset({"the", "a", "an", "this", "that", "my", "your", "our", "his", "her"})


# Sites people make for themselves, named without the ending: "janewalks dot blogspot",
# "walkingwithbev.wordpress", "bevknits (dot) substack".
_OWN_SITE = re.compile(
    r"\b[a-z0-9][a-z0-9-]{2,}\s*(?:\.|\bdot\b|\(dot\)|\[dot\])\s*(?:blogspot|blogger|"
    r"wordpress|wixsite|wix|substack|tumblr|weebly|squarespace|carrd|netlify|github|"
    r"linktree|linktr)\b", re.I)


# A shortener or a social site named without its ending, then a path said or typed:
# "bitly slash 3Fg7hJk", "tiny url / walkwithjo", "facebook forward slash anita.mistry.5".
_SHORTENER_WORDS = (r"bit\s?ly|tiny\s?url|linktr\s?ee|link\s?tree|goo\s?gl|cutt\s?ly|"
                    r"rebrand\s?ly|ow\s?ly|is\s?gd|shorturl|tiny\s?cc|bl\s?ink|wame|tme")
_SITE_SLASH = re.compile(
    rf"\b(?:({_SHORTENER_WORDS})|(facebook|fb|instagram|insta|tiktok|youtube|twitter|"
    r"snapchat|linkedin|pinterest|threads|paypal\s?me))"
    r"\s*(?:/|\\|\b(?:forward\s+|back\s?)?slash\b)\s*@?([\w.\-]+)", re.I)
# An ending typed letter by letter: "annwalks . c o m", "bevknits dot c o dot u k".
_SPELLED_ENDING = re.compile(r"\s*(?:\.|\bdot\b)\s*(c\s[o0]\s?m|n\s?e\s?t|[o0]\s?r\s?g|"
                             r"c\s?[o0]\s*(?:\.|\bdot\b)?\s*u\s?k)\b", re.I)


def _site_slash(match: re.Match[str]) -> bool:
    """A shortener's code is anything; after a social site, a name ("insta/bevknits"), not
    another platform or a word ("facebook/instagram", "fb / whatever")."""
    path = match.group(3)
    if match.group(1):
        return True
    return len(path) > 2 and not PLATFORM.fullmatch(path) and (
        bool(re.search(r"[\d_.]", path)) or path.lower() not in english_words())


def _spelled_ending(match: re.Match[str]) -> str:
    letters = re.sub(r"[\s.]|dot", "", match.group(1), flags=re.I).lower().replace("0", "o")
    return "." + ("co.uk" if letters == "couk" else letters)


# A site typed in capitals (round eighteen: "HTTPS://ANNWALKS.COM", "WWW.ANNWALKS.CO.UK",
# full-width "ＡＮＮＷＡＬＫＳ．ＣＯＭ" once folded): read as in small letters, as an address
# is, so its name in capitals is not taken for an organisation's acronym ("LOROS") named
# beside its own site. An organisation's name written beside it stays as written.
_SHOUTED_SITE = re.compile(r"(?<![\w@.])(?-i:(?:HTTPS?://)?(?:WWW\.)?[A-Z0-9][A-Z0-9-]*"
                           r"(?:\.[A-Z0-9-]+)+(?:/\S*)?)(?![\w@])")


def _sites_in_small_letters(text: str) -> str:
    return _SHOUTED_SITE.sub(lambda m: m.group(0).lower() if re.search(r"[A-Z]", m.group(0))
                             else m.group(0), text)


def has_link(text: str) -> bool:
    text = _sites_in_small_letters(text)
    text = without_public_sites(text)  # "www.nhs.uk/conditions/copd", "bhf.org.uk"
    text = without_organisations_sites(text)  # "facebook.com/LeicesterCityCouncil" (round ten)
    # "www annwalks co uk" is a site; "www stands for what?" is a word talked about.
    # Round fifteen: "www. what? I don't know how to do websites" is the word talked about
    # too: after "www." and a space, a site's name is read as after "www " (not a word).
    if re.search(r"https?://|\bwww\s?\.(?!\s)", text, re.I) or _OWN_SITE.search(text) or any(
            m.group(1).lower() not in english_words()
            for m in re.finditer(r"\bwww\s*\.?\s+([a-z0-9][\w-]*)", text, re.I)) or \
            re.search(r"\bwww\s?\.\s+[a-z0-9][\w-]*\s?\.\s?[a-z]", text, re.I):
        return True
    if any(_site_slash(m) for m in _SITE_SLASH.finditer(text)):
        return True
    text = _SPELLED_ENDING.sub(_spelled_ending, text)
    # "janewalks,co,uk", "janewalks co uk"; "janewalksdotcom", "janewalks.c0m".
    # "jeanwalks,com", "jeanwalks•com": any sign for the dot, before a name no word is.
    if any((m.group(1) or m.group(3)).lower() not in english_words()
           for m in _SPACED_ENDING.finditer(text)):
        return True
    text = re.sub(r"\s*\bdot\s?com\b|(?<=[a-z])dotcom\b", ".com", text, flags=re.I)
    text = re.sub(r"\.c0m\b", ".com", re.sub(r"\.c0\b", ".co", text, flags=re.I), flags=re.I)
    # An email's domain is the email's; "annsmith dot co dot uk" is a link spelled out.
    plain, spelled = _without_emails(text), _without_emails(_OBFUSCATED_DOT.sub(".", text))
    return any(_is_link(m.group(1)) for t in {plain, spelled} for m in _DOMAIN.finditer(t))


# "I'm pauline_h on yahoo", "my gmail is grace.o": a name that is not a word, beside a provider.
_ON_PROVIDER = re.compile(r"(?<![\w.])([a-z][\w.]{0,40}?[\d_.][\w.]{0,40}|[a-z]{3,40}) on (\w+)\b",
                          re.I)  # bounded: a long run of "a1a1..." stays linear
# "gmail: lizzie dot walker dot ldn": the dots of a name said as words.
_SAID_DOTS = re.compile(r"(?<=\w) (?:dot|\(dot\)|\[dot\]) (?=\w)", re.I)
_PROVIDER_IS = re.compile(r"\b(\w+)(?: is|\s?:|\s[\-–—])\s*([a-z][\w.]*)", re.I)
# (Round eighteen: the digits said one by one, "ann smith one nine five zero at gmail".)
_DIGITS_AT_PROVIDER = re.compile(r"(?<!['’])\b[a-z]{2,}\s+\d{1,4}(?:\s+\d{1,4}){0,3}\s+at\s+"
                                 r"(?:the\s+)?(\w+)\b", re.I)
_AT_PROVIDER = re.compile(r"\b([a-z]{4,})[\s,]+(?:then[\s,]+)?at[\s,]+(?:then[\s,]+)?"
                          r"(?:the |a |an )?(\w+)\b(?!['’])", re.I)
# Round eighteen: a person's name, two words, at a provider, its ending left off ("drop me a
# line: ann smith at aol"); not where either word is a pronoun, a verb or a thing kept there
# ("my sister works at gmail", "got a job at yahoo", "family photos at icloud"), nor the
# provider's own ("at gmail's office").
# Read overlapping (round nineteen): "email me at lou bell at icloud" has "me at lou" first.
_NAME_AT_PROVIDER = re.compile(r"\b(?=([a-z]{2,})\s+([a-z]{2,}),?\s+at\s+(\w+)\b(?!['’.]\w))",
                               re.I)
_NOT_A_NAME_WORD = frozenset(re.findall(r"[a-z]+", """
i me my we us our you your he him his she her they them their it its this that these those
a an the some any all every each no not one two be am is are was were been being do does did
have has had get got gets getting go goes went going work works worked working job jobs
used use uses using start started starting intern internship engineer staff team office
offices boss manager friend friends someone somebody everyone anyone nobody people person
son daughter sister brother mum dad wife husband partner mother father aunt uncle cousin
photos photo pictures picture pics files file stuff things thing emails email mail address
account accounts backup backed backups everything contacts data storage music songs
up down in on out off over back still just also only even now then there here again
rubbish bad good great useless better best worse hopeless terrible fine ok okay well
looked look looking logged log logging signed sign signing stuck locked problem problems
issue issues trouble help question questions and or but so if when while because with
for from to of by as about like than into onto at met meet meeting lunch dinner coffee
say says said hi hello bye thanks times time twice once ages years year months weeks days
three four five six seven eight nine ten many few lots loads
"""))


def _emails(text: str) -> tuple[str, list[re.Match[str]]]:
    """`text` with obfuscated at and dot mended, and the email addresses in it."""
    for typed, mended in ((True, text),
                          (False, _OBFUSCATED_AT.sub("@", _OBFUSCATED_DOT.sub(".", text)))):
        found = [m for m in _EMAIL.finditer(mended) if _an_address(m, typed)]
        if found:
            return mended, found
    return text, []


def _an_address(match: re.Match[str], typed: bool) -> bool:
    """Any name@domain.ending (even one read backwards), or a provider without its ending:
    "jsmith52 at gmail" and "janesmith52 at sky" are addresses; "I'm rubbish at gmail" and
    "look at me" are not (an "at" spelled out needs a made-up name, and a provider that is
    an everyday word a name no word could be)."""
    domain = match.group(1).lower()
    if not typed and match.group(0).split("@")[0].lower() in LOOK_AT:
        return False  # "the list is at warmwelcome.uk": where to look, not a mailbox
    if "." in domain:
        if not typed and not _suffixes()(domain).suffix:
            return False  # "swap numbers at some point but": said, and "but" is no ending
        return bool(re.search(r"[a-z]{2,}$", domain) and re.search(r"[a-z]", domain.split(".")[0]))
    name = match.group(0).split("@")[0].lower()
    if not typed and (len(name) < 2 or match.string[match.start() - 1:match.start()] == "'"):
        return False  # "she's at yahoo": the s of "she's" is no name
    coined = bool(re.search(r"[\d_.]", name))
    if domain in WORD_PROVIDERS:
        return coined
    return domain in NAMED_PROVIDERS and (typed or coined or name not in english_words())


_PROVIDER_SPELLINGS = re.compile(r"\bg[\s-]mail\b|\bgoogle\s?mail\b|\bvirgin\s?media\b|"
                                 r"\bbt\s?internet\b|\bhot\s?mail\b", re.I)
# A provider's name said as it sounds (round eight): "g male", "gee mail", "jee mail" are
# gmail, "hot male" hotmail; read only beside a made-up name, as every provider is.
_SOUNDED = re.compile(r"\b(?:g|gee|jee)[\s-]?(?:male|mail|mayl)\b|\bhot[\s-]?(?:male|mayl)\b",
                      re.I)
# The company for its mail service, in "the usual google one", "a microsoft one".
_COMPANIES = {"google": "gmail", "microsoft": "outlook", "apple": "icloud", "yahoo": "yahoo",
              "virgin": "virginmedia", "bt": "btinternet"}
# "jane.smith52", "pauline_h": a name with a digit or an underscore, never "moment.shall".
# "ahmed.y": a dot inside a name, not a full stop before the next sentence ("walk.See").
_MADE_UP_NAME = re.compile(r"\b[a-z]+[._][a-z]*\d+\b|\b[a-z]+_[a-z]+\b|\b[a-z]+\.[a-z]+\b")
# "the usual gmail bit", "a icloud one", "the hotmail address": the part after the @.
def _made_up(text: str) -> bool:
    """A made-up name (see above) that is not a provider's own site ("hotmail.co.uk",
    "aol.com": round eight, those alone were read as addresses)."""
    sites = [m for m in _MADE_UP_NAME.finditer(text) if m.group(0).split(".")[0].lower() in
             PROVIDERS and re.search(r"\.(?:com|co|net|org|uk)\b", m.group(0), re.I)]
    if any(m.group(0) not in {s.group(0) for s in sites} for m in _MADE_UP_NAME.finditer(text)):
        return True
    # The site with a made-up name told apart: "first part is carolhextall, second part is
    # yahoo.co.uk".
    return bool(sites) and any(coined(w) and w.lower() not in PROVIDERS
                               for w in re.findall(r"\b[a-z]{5,}\b", text))


_PROVIDER_PART = re.compile(r"\b(?:the|a|an|my)\s+(?:usual\s+)?(\w+)\s+(?:bit|one|address|"
                            r"account|ending|end)\b", re.I)
_BARE_PROVIDER = re.compile(r"\b([a-z]{5,})[\s,]+(\w+)[\s,]+(?:com|co[\s,]+uk|net)\b", re.I)
_MAIL_WORD = re.compile(r"\b(?:e-?mail|mail|at|@)\b|@", re.I)


def _named_at_provider(text: str) -> bool:
    """An address told rather than typed: a made-up name beside a provider's name."""
    text = _PROVIDER_SPELLINGS.sub(lambda m: re.sub(r"[\s-]", "", m.group(0)).lower(), text)
    words = {w.lower() for w in re.findall(r"[a-z]+", text, re.I)}
    # "jane.smith52 and the usual gmail bit", "ahmed.y, it's a icloud one": a made-up name
    # and a provider; "tony k wigston, all one word, at gmail": dictated.
    if words & NAMED_PROVIDERS and (NAME_WITH_DIGITS.search(text) or _made_up(text) or (
            SPELLING_OUT.search(text) and _MAIL_WORD.search(text))):
        return True
    # "jeanwalker gmail com": a made-up name, the provider and its ending, no at or dot.
    if any(m.group(2).lower() in NAMED_PROVIDERS and coined(m.group(1))
           for m in _BARE_PROVIDER.finditer(text)):
        return True
    # "it's jwalker and then the btinternet bit": a made-up name, then the provider's part;
    # "its sam dot okafor, the usual google one": the company named for its mail.
    if any(_COMPANIES.get(m.group(1).lower(), m.group(1).lower()) in NAMED_PROVIDERS
           for m in _PROVIDER_PART.finditer(text)) and (any(
            coined(w) for w in re.findall(r"\b[a-z]{5,}\b", text)) or NAME_WITH_DIGITS.search(
            text) or _made_up(_SAID_DOTS.sub(".", text))):
        return True
    for match in _ON_PROVIDER.finditer(text):
        name, provider = match.group(1).lower(), match.group(2).lower()
        # "feelin on me chest": a provider that is an everyday word needs a made-up name.
        if provider in PROVIDERS | {"bt"} and (re.search(r"[\d_.]", name) or (
                name not in english_words() and provider not in WORD_PROVIDERS)):
            return True
    # "my gmail is grace.o", "my gmail is pauljohnsonleics": a made-up name after it.
    if any(m.group(1).lower() in NAMED_PROVIDERS and (re.search(r"[\d_]|\w\.\w", m.group(2)) or (
            len(m.group(2)) >= 7 and m.group(2).islower() and coined(m.group(2))))
           for m in _PROVIDER_IS.finditer(_SAID_DOTS.sub(".", text))):
        return True
    # "my email address is Sandra Hughes 6 at Gmail": a name dictated with its digits.
    if _MAIL_WORD.search(text) and any(m.group(1).lower() in NAMED_PROVIDERS
                                       for m in _DIGITS_AT_PROVIDER.finditer(text)):
        return True
    if any(m.group(3).lower() in NAMED_PROVIDERS and not {m.group(1).lower(), m.group(2).lower()}
           & _NOT_A_NAME_WORD for m in _NAME_AT_PROVIDER.finditer(text)):
        return True
    # "email is tonykwigston at the google mail": a word no dictionary has, at a provider.
    return any(m.group(1).lower() not in english_words() for m in _AT_PROVIDER.finditer(text)
               if m.group(2).lower() in NAMED_PROVIDERS)


def _without_emails(text: str) -> str:
    mended, found = _emails(text)
    for match in reversed(found):
        mended = mended[:match.start()] + " " + mended[match.end():]
    return mended if found else text


# A provider's name misspelt or broken by a space ("hotmial", "gmal", "yaho", "outlok",
# "hotmale", "g mial", "y ahoo"), read as the name: one letter wrong, missing, extra or two
# swapped (two in "hotmail" and "outlook"; not "googlemaps"). Only a word no dictionary has
# ("email", "gail"... are left) and never a capitalised one, which may be a person ("Gail",
# "Yahya").
_MISSPELT = ("gmail", "hotmail", "yahoo", "outlook", "icloud", "googlemail", "btinternet",
             "protonmail", "ymail")
_WORD = re.compile(r"\b[a-z]{3,12}\b")
# A provider's name with a space or a hyphen inside: "g mial", "hot mail", "y ahoo", "out lok".
_BROKEN = re.compile(r"\b(g|hot|out|i|y|ya|yah|bt|google|proton)[\s-]+([a-z]{2,8})\b")


def _distance(a: str, b: str) -> int:
    """Edits from `a` to `b`: a letter changed, dropped, added, or two side by side swapped."""
    rows = [list(range(len(b) + 1))]
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y)))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


@lru_cache(maxsize=4096)
def _provider_meant(word: str) -> str | None:
    if word in english_words() or word in PROVIDERS:
        return None
    for provider in _MISSPELT:
        if word[0] == provider[0] and abs(len(word) - len(provider)) <= 2 and \
                _distance(word, provider) <= (2 if provider in ("hotmail", "outlook") else 1):
            return provider
    return None


def _providers_mended(text: str) -> str:
    def joined(match: re.Match[str]) -> str:
        whole = match.group(1) + match.group(2)
        if whole in PROVIDERS:
            return whole
        meant = _provider_meant(whole)  # "g mial", not "a hot male" (two letters out)
        return meant if meant and _distance(whole, meant) == 1 else match.group(0)
    text = _BROKEN.sub(joined, text)
    return _WORD.sub(lambda m: _provider_meant(m.group(0)) or m.group(0), text)


# The @ and the dot said in the languages people here write in (round seven): Polish
# "małpa" and "kropka" ("piotr.kowal małpa onet kropka pl"), Spanish and Portuguese
# "arroba", "punto", "ponto", French "arobase", Italian "chiocciola", German "Klammeraffe",
# "Punkt". The dot words are read only beside one of those @ words ("my Fiat Punto" stays).
_FOREIGN_AT = re.compile(r"\s+(?:ma[łl]p[aą]|arroba|arobase|chiocciola|klammeraffe|"
                         r"apenstaartje)\s+", re.I)
_FOREIGN_AT_WORDS = ("mał", "malp", "arroba", "arobase", "chiocciola", "klammeraffe",
                     "apenstaartje")
_FOREIGN_DOT = re.compile(r"\s+(?:kropka|punkt|punto|ponto|punt)\s+", re.I)


def _foreign_symbols(text: str) -> str:
    lower = text.lower()
    if not any(word in lower for word in _FOREIGN_AT_WORDS) or not _FOREIGN_AT.search(text):
        return text
    return _FOREIGN_DOT.sub(" dot ", _FOREIGN_AT.sub(" at ", text))


# An address described as the writer's name (round eight): "my hotmail is my name with
# 1962 on the end", "my email's just my full name at gmail", "gmail: my first name and
# surname, all lower case". The other person may know the name (people give it), so the
# address is as good as typed. Not "gmail spelt my name wrong", "my email has my name in it".
_NAME_ADDRESS = re.compile(
    r"\b(?:e-?mail|gmail|googlemail|hotmail|yahoo|outlook|icloud|btinternet|aol|"
    r"protonmail|ymail)(?:\s+(?:address|account|addy))?(?:'s|\s+is|\s*[:=\-–—])\s*"
    r"(?:just\s+|simply\s+|only\s+|literally\s+)?(?:my|our)\s+(?:full\s+|first\s+|real\s+|"
    r"whole\s+|own\s+|maiden\s+)?(?:name|names|first\s+name|surname)\b"
    r"(?!\s+(?:spelt|spelled|wrong|in\s+it|on\s+it|somewhere|is|was|isn't|wasn't)\b)|"
    # "email? same as my name, Karen Hughes, no dot, at yahoo"
    r"\b(?:e-?mail|gmail|hotmail|yahoo|outlook|icloud)\b[^.!]{0,12}?\b(?:same\s+as|just)\s+my\s+"
    r"(?:full\s+|first\s+|real\s+)?name\b", re.I)


# Round nineteen (break13: "my email is kevwalsh gmail", "email me" / "j bloggs 99" /
# "yahoo"): an email cue, then a word or few shaped like a name or a handle, then a mail
# provider's name ending the message, with no "at" and no ".com". The words between must
# not be a sentence's ("my email is on gmail", "email me if you live", "e-mail is mostly
# gmail"); "I use gmail" and "is gmail down?" say no cue, or go on past the provider.
_CUE_PROVIDER = re.compile(
    r"(?:^|\b)(?:e-?mail|addy|mail\s+me)\b(?:\s+(?:address|addy))?"
    r"(?:\s*(?:\bme\b|\bis\b|\bits\b|\bit'?s\b|[:=\-–—]))*\s+"
    r"((?:[a-z0-9][\w.'-]{0,30}\s+){0,2}[a-z0-9][\w.'-]{0,30})\s+(?:at\s+)?"
    r"(?:gmail|googlemail|hotmail|yahoo|aol|outlook|icloud|btinternet|live|sky|msn|"
    r"protonmail|proton|ymail|virginmedia|talktalk)(?:\s*(?:\.|\bdot\b)\s*[a-z]{2,3})*"
    r"[\s.!,]*(?:x+|thanks|ta|cheers)?[\s.!]*$", re.I)
_NOT_A_HANDLE = frozenset(re.findall(r"[a-z']+", """
    on in at is my the a an via using use through from with to or and not mostly usually just
    also still only all here there it its it's me you your our their his her by for address
    account old new work personal same main if when whatever either any some no yes ok okay
    but so then now later please name same usual normal proper real school home phone
    """))


def _cue_provider(text: str) -> bool:
    """The words between are a handle's: one has a digit, "_" or "." in it, or no
    dictionary has it ("kevwalsh"), or they start with an initial ("j bloggs"); an
    everyday word ("email me tomorrow gmail", "email sent" / "sky") is none."""
    match = _CUE_PROVIDER.search(text)
    if match is None:
        return False
    words = match.group(1).split()
    if any(word.lower().strip(".'-") in _NOT_A_HANDLE for word in words):
        return False
    return any(re.search(r"\d|\w[_.]\w", word) or coined(word) for word in words) or (
        len(words) >= 2 and len(words[0]) == 1 and words[0].isalpha())


def has_email(text: str) -> bool:
    text = without_public_sites(_foreign_symbols(text))  # "have a look at nhs.uk"; not "jo@nhs.net"
    if _DOT_DISGUISED.search(text):  # round sixteen: "d0t c0m", "d o t org", ", dot co"
        text = _dots_said(text)
    if _NAME_ADDRESS.search(text) or _cue_provider(text):
        return True
    if "male" in text.lower() or "mayl" in text.lower() or "mail" in text.lower():
        text = _SOUNDED.sub(lambda m: "hotmail" if m.group(0)[:1] in "hH" else "gmail", text)
    # "lizzy dot loughborough at gmaildotcom": the provider and its ending typed as one.
    text = re.sub(rf"\b({'|'.join(sorted(NAMED_PROVIDERS))})dot(com|net|co(?:dot)?uk)\b",
                  lambda m: f"{m.group(1)}.{m.group(2).replace('dot', '.')}" if "uk" not in
                  m.group(2) else f"{m.group(1)}.co.uk", text, flags=re.I)
    text = _providers_mended(text)  # "jo.smith at hotmial", "bev @ g mial . com"
    # "email info@leicesterlongcovid.org.uk to join": an organisation's mailbox passes.
    if any(not organisations_email(text, *m.group(0).split("@", 1)) for m in _emails(text)[1]):
        return True
    if _named_at_provider(text):
        return True
    # A name's digits said as words (round seven): "kevin dot ashby sixty two at gmail".
    lower = text.lower()
    return any(provider in lower for provider in NAMED_PROVIDERS) and \
        _NUMBER_WORD.search(text) is not None and \
        _named_at_provider(_NUMBER_WORD.sub(lambda m: digitised(m.group(0)), text))


# "dot" said in disguise (round sixteen): spelt out ("d o t"), with zeros ("d0t c0m"), or
# after a comma ("hotmail, dot co dot uk"); an O' or D' in a name ("janet.o'reilly at").
_DOT_DISGUISED = re.compile(r"\bd\s[o0]\s?t\b|\bd0t\b|\bdot\s+c0m\b|,\s*dot\s+(?:co|com|org|net)\b|"
                            r"\b[od]'[a-z]{3,}\s+at\s", re.I)


def _dots_said(text: str) -> str:
    text = re.sub(r"\bd\s?[o0]\s?t\b", "dot", text, flags=re.I)
    text = re.sub(r"\b(?<=dot )c0m\b", "com", text, flags=re.I)
    text = re.sub(r",\s*(?=dot\s+(?:co|com|org|net)\b)", " ", text, flags=re.I)
    return re.sub(r"\b([od])'([a-z]{3,}\s+at\s)", r"\1\2", text, flags=re.I)


_NUMBER_WORD = re.compile(r"\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                          r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|"
                          r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                          r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|zero)\b", re.I)
