"""Contact details in a relayed message, spotted however they are written; and what of a
message may be passed on at all. Pure functions, but for one end-to-end test of a number
sent a piece a message through the real relay (engine, storage, dispatcher)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.core.content import library
from bot.core.events import Address
from bot.peers.contact import ContactKind, contact_details
from bot.peers.models import RelayedMessage
from bot.peers.service import relayable
from support.peers import peer_world

PHONES = [
    "07700 900123",
    "07700900123",
    "+44 7700 900123",
    "+447700900123",
    "+44 (0)7700 900123",
    "0044 7700 900 123",
    "(0116) 254 1234",
    "0116-254-1234",
    "0116 254 1234",
    "07700.900.123",
    "077-009-00123",
    "0 7 7 0 0 9 0 0 1 2 3",
    "ring 254 1234 after six",  # a Leicester number without its area code
    "\uff10\uff17\uff17\uff10\uff10\uff19\uff10\uff10\uff11\uff12\uff13",  # full-width digits
    "0\u200b7\u200b7\u200b0\u200b0\u200b9\u200b0\u200b0\u200b1\u200b2\u200b3",  # zero-width
    "07700\u2060900\u2060123",  # word joiners
    "oh seven seven double oh nine double oh one two three",
    "zero seven seven zero zero, nine zero zero, one two three",
    "O77OO 9OO123",  # the letter O for zero
    "07700 nine double oh one two three",
    "my number is 07700 treble nine 123",
    "text me on oh one one six two five four one two three four",
    "07912 345678, 2 rings then hang up",  # a stray digit after the number
    "О7912 З45678",  # Cyrillic O and Ze
    "zeroseveneightfourfivesixonetwothreeninezero",
    "just ring me, number ends 123 and starts 07700 900",
]
EMAILS = [
    "ann@example.com",
    "ann.smith+walks@nhs.net",
    "ann (at) example.com",
    "ann [at] example [dot] org",
    "ann at gmail dot com",
    "ann.smith at outlook dot co dot uk",
    "ann\uff20example.com",  # a full-width @
]
USERNAMES = ["@ann_walks", "find me: @AnnWalks2026", "my telegram is @walkingann",
             "my insta is annwalks", "my snap: shazwalks", "janewalks52 on facebook",
             "kezza underscore 77 on tiktok", "add me on fb Ann Smith Wigston"]
LINKS = [
    "https://example.org/me",
    "www.facebook.com/ann",
    "facebook.com/ann.walks",
    "wa.me/447700900123",
    "t.me/annwalks",
    "bit.ly/3xYz",
]
ADDRESSES = ["I'm at 12 Church Lane", "14a Victoria Road"]
POSTCODES = ["LE4 5AB", "le11 3tu"]
ORDINARY = [
    "Shall we walk at Watermead on Saturday?",
    "I did 10,000 steps today!",
    "see you at 10:30",
    "It's £12.50 for a swim",
    "I live near LE4",
    "bus 48 at 9.15",
    "3 laps, 2 days a week",
    "Saturday 7 March 2026",
    "one or two of us might come",
    "I'm one of seven kids",
    "I walked two miles and then one more",
    "@ann",  # too short for a username
    "email me your thoughts",
    "Oh, oh! That's lovely",
    "Between 2 and 4 on the 12th",
    "🙂👍🏽 ok",
    "",
    # The look-alikes that were held once.
    "a 10 minute walk", "5k walk", "meet @ 10.30", "14.03.2026", "b4 9am", "LE4 area",
    "the 48 bus at 10-11am", "walked 3.2 miles along London Road", "great walk.see you thurs",
    "I'm 78, he's 81 and the dog is 14", "my lucky numbers are 07 12 23 34 41 45",
    "my meds are at 0800 1200 1600 and 2000", "in 1967 Melton Road flooded",
    "my mum is on facebook a lot", "the dot com boom passed me by",
    # What a reviewer found held by mistake.
    "I'm worried about covid19 again", "I'm still on windows10", "No signal here till 2pm",
    "I saw on Facebook Mary Jones had her baby", "I take my 2 dogs for a walk every morning",
    "My 2 daughters live close by", "The weather outlook is good at the moment.Shall we walk?",
    "twenty hundred hours",
]


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers_in_every_shape(text: str) -> None:
    assert ContactKind.PHONE in contact_details(text)


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_even_spelled_out(text: str) -> None:
    assert ContactKind.EMAIL in contact_details(text)


@pytest.mark.parametrize("text", USERNAMES)
def test_usernames(text: str) -> None:
    assert ContactKind.USERNAME in contact_details(text)


@pytest.mark.parametrize("text", LINKS)
def test_links(text: str) -> None:
    assert ContactKind.LINK in contact_details(text)


@pytest.mark.parametrize("text", ADDRESSES)
def test_street_addresses(text: str) -> None:
    assert ContactKind.ADDRESS in contact_details(text)


@pytest.mark.parametrize("text", POSTCODES)
def test_full_postcodes(text: str) -> None:
    assert ContactKind.POSTCODE in contact_details(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_chat_is_left_alone(text: str) -> None:
    assert contact_details(text) == []


def test_each_kind_is_named_once_even_when_repeated() -> None:
    found = contact_details("ann@example.com or ann2@example.com, 07700 900123 or 07700 900124")
    assert len(found) == len(set(found))
    assert {ContactKind.EMAIL, ContactKind.PHONE} <= set(found)



# -- kinds of leak, each with variants nobody put in the corpora ---------------------------
# Each kind is fixed as a rule, not line by line: these are made-up members of each kind.
LEAK_KINDS = {
    ContactKind.PHONE: [
        # digits and number words typed as one
        "my digits 07954ninehundred876 x", "ring 0seven9one2 three4five6seven8",
        "its 079twelve 345 six seven eight", "07912 345 6seven8",
        # "hundred and ..." inside a number
        "number is oh seven eight four five six hundred and twelve three nine oh",
        # halves far apart, with a count between them
        "07845 is the start, the last 6 digits are 612390",
        "first 5 digits 07845 then last 6 are 612390",
        "the first bit is 07845. tell you the rest later, tea's ready. ok its 612390",
        "my number is 07912 and then the same six as the co-op hall's, 345678",
        "change the last 3 to 678 - 07912 345 then 678",
        "it's the usual mobile start, 07398, and then 114562",
        "I'll write it in two bits. 07398. Next bit: 114562",
        # typed backwards
        "876543 21970, read it backwards", "my number reversed: 876543 21970",
        # a look-alike letter in a long run, an emoji between the groups
        "o7g54 2l9876", "07912🌸345🌸678",
    ],
    ContactKind.EMAIL: [
        "ahmed.y, it's an icloud one", "its jane.smith52 and the usual gmail",
        "janesmith52 gmail", "rosieb1948 - it's a hotmail",
        "tony k wigston, all one word with a dot after the k, at gmail",
        "email me: raj mistry, no space, at btinternet",
        "email is tonykwigston at the google mail",
        "it's jwalker and then the btinternet bit", "jeanwalker gmail com",
        "janesmith52 at sky",
    ],
    ContactKind.USERNAME: [
        # the platform, then a sign that a name follows
        "discord: walkingwithbev", "insta: bevknits", "snap - sallyslims",
        "tiktok ➡️ grandadgary", "fb: Bev Turner", "just so u know, f b: Pauline Harris",
        "youtube channel: Walking With Bev",
        # dots said, or the handle dictated
        "my insta is bev dot knits", "twitter handle jonnyb dot walks",
        "insta is walking with bev all one word", "snap: gaz b 1982 no spaces",
        "@ jean walks all one word", "s n a p : s a l l y s l i m s follow back",
        # a made-up word beside the platform
        "snapchat me rosiewalks", "on tiktok as rosiewalks", "i'm jeanwalks on insta",
        "look up bevknits on substack", "my username everywhere is jeanwalks",
        "my linkedin is rosie-bennett-48", "I'm on facebook as Maureen Oakes-Bell",
    ],
    ContactKind.LINK: [
        "janewalks dot blogspot", "my blog is walkingwithbev.wordpress",
        "jeanwalks,com", "jeanwalks•com",
    ],
    ContactKind.POSTCODE: [
        "postcode is el ee four five ay bee", "el ee eighteen two ay bee", "LE4/6GH",
    ],
    ContactKind.ADDRESS: [
        "The crescent at number 7 is mine", "I live at 14 Elm Grove", "7 Elm Gr",
        "the cres at number 7, the one with the gnomes",
        "I'm in the flat above the chippy at 22 Belgrave Gate",
        "house number's 7, road is Elm Grove", "I'm the house on the corner, 1/19 elm close",
    ],
}
# Ordinary messages that look like the kinds above: each must pass.
NEAR_MISSES = [
    # times, dates, readings, counts
    "half 9 at the leisure centre?", "Mon 3rd, Weds 5th and Fri 7th", "Sat 2nd and Sun 3rd",
    "sugars 7.2 this morning then 6.8 after", "3x10 reps of squats", "BP 135/85 today",
    "meet at 10", "the first 5 minutes are the worst, the last 6 are fine",
    "the first five days went fine, the last six were awful",
    "I walked 12,500 steps, the last 2000 uphill", "bus 14 then the 48 then walk 10 minutes",
    "the 0712 train to Leicester then the 0745 bus", "my meds: 2 at 0800, 1 at 1400",
    "six hundred and twelve steps today lol", "two hundred and fifty metres to the shop",
    "I read the bus timetable backwards lol", "backwards walking at 3 mph for 10 mins",
    "LE4 area, near the park", "I'm in LE18, Wigston", "b4 9am", "covid19 jab at 2",
    # "at" and "dot" in ordinary chat
    "look at me go", "laugh at me all you like", "I'm rubbish at gmail",
    "she's at yahoo now, works there", "I'll be at Sky Bar at 8",
    "I saw Dot on facebook yesterday, she looks well", "Mr. Patel said 10 a.m. at St. Peter's",
    # platforms without a name
    "zoom: Tuesday Morning stretch class", "whatsapp - Saturday Walk moved to 11",
    "insta: lovely pics from today", "discord: what is that?", "fb - not my thing really",
    "strava: 12k this week, slow but steady", "look up chair yoga on youtube",
    "I'm on whatsapp but not snapchat", "all one word? I thought it was two",
    "we all walked together",
    # numbers before street words that are not houses
    "the taxi was £15 each way", "it's 5 each way on the bus", "that's all one big walk",
    "five pounds each way on the taxi", "meet at 14:00 Abbey Park gates",
    "I'm at 9 Bradgate Park tomorrow", "the 14 Abbey Park Road bus",
    "my house is 2 miles from Western Park", "the crescent at the top is steep",
]


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, lines in LEAK_KINDS.items()
                                            for t in lines])
def test_each_kind_of_leak_is_caught(kind: ContactKind, text: str) -> None:
    assert kind in contact_details(text)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_pass(text: str) -> None:
    assert contact_details(text) == []


# -- kinds of leak from the second blind corpus (held_out_2) and the last round's known
# misses: each kind fixed as a rule, tested with made-up members beside the corpus line.
MORE_LEAK_KINDS = {
    ContactKind.PHONE: [
        # told without the leading 0, with an instruction to add it
        "seven seven double oh nine double oh, four double one. with an oh at the front",
        "77009 00411 - stick a zero on the front", "it's 7911 234567 but put a 0 first",
        "one one six four nine six oh two two oh, with a zero first",
        "starts with a zero then 7912 345 678", "7911 234567, I've left the 0 off",
        "seven nine one one two three four five six seven without the first zero",
        # read out digit by digit with commas (a list that does not rise)
        "seven, seven, zero, zero, nine, zero, zero, seven, seven, seven",
        "seven, nine, one, two, three, four, five, six, seven, eight",
        # "hundred" twice in a row: 700 900, not 709
        "oh seven seven hundred nine hundred double two five",
        "oh seven eight hundred nine hundred one two three",
        # number words with a digit typed for a letter
        "zer0 7 7 zer0 zer0 9 zer0 zer0 3 8 2", "0h s3ven s3ven 0h 0h n1ne 0h 0h f0ur tw0 s1x",
        "07700 n1ne 0 0 thr33 f1ve s1x",
    ],
    ContactKind.USERNAME: [
        # "I'm" or "as" then a made-up word or a name, after the platform
        "on insta I'm hinckleyhiker", "snap? I am kerrybabes", "tiktok - I'm dancingdiabetic",
        "on fb I'm Lorraine Gill", "I'm on facebook as Linda Park",
        # a profile name after "messenger me", "inbox me", "pm me"
        "fb messenger me - Lorraine Gill Melton Mowbray", "inbox me on facebook, Lorraine Gill",
        "pm me on fb - Sue Baker",
        # X, as Twitter is now called
        "x: runnerjo", "on x as runnerjo", "my x is runnerjo", "i'm runnerjo on x",
        "x (formerly twitter): runnerjo",
        # the name the other person already knows
        "insta is same as my name in lower case", "snap: just my name, all lower case",
        "facebook, same name as on here", "find me on fb under my full name",
    ],
    ContactKind.LINK: [
        # a shortener or a site named without its ending, then a path
        "bitly slash 3Fg7hJk", "tiny url / walkwithjo", "linktree slash bev_walks",
        "goo gl slash 4Rt7Yq2", "instagram slash bevknits",
        # the ending typed letter by letter
        "annwalks . c o m", "annwalks dot c o m", "bevknits dot c o dot u k",
        "jeanwalks . n e t",
    ],
    ContactKind.POSTCODE: [
        # the halves apart or back to front
        "my postcode ends 7QH, LE2 obviously", "postcode starts LE2 and ends 7QH",
        "the back half of my postcode is 9hb, front half le4", "7QH then LE2",
        # the area sounded out
        "Lee Two, Five P Q", "see vee eleven four el tee", "elle ee four five ay bee",
    ],
    ContactKind.ADDRESS: [
        # what3words, or a map position
        "what3words ///table.lamp.spoon is my front door", "w3w: table lamp spoon",
        "my door on what3words is table.lamp.spoon", "I'm at 52.6369, -1.1398 on the map",
        # a house number and a name with no street word
        "at 14 Elm", "I'm at 14 on Elm, the road not the tree lol", "I live at 7 Sycamore",
        "come round to 22 Belgrave, blue door", "at 14 Elm so pop round",
    ],
}
# Ordinary messages that look like the kinds above: each must pass.
MORE_NEAR_MISSES = [
    # digits in a row that are not a number told without its 0
    "lottery 7, 12, 23, 34, 41, 45", "pain scores this week 7, 8, 9, 6",
    "two hundred three hundred metres", "I did four hundred five hundred steps more than you",
    "covid19 mp3 b4 a1 m25 w1gston", "there were 10 in front of me in the queue",
    "the 0 in front of the 7 was wrong on the form", "I'm 70 without the 0 lol",
    # platforms and names that are not a profile
    "on insta I'm rubbish", "on facebook I'm always posting", "on insta I saw Mary Smith's pics",
    "on facebook it's Sarah Smith's 60th today", "message me here when you're back, Sue",
    "message me on facebook if Watermead Park is flooded",
    "tag me on facebook in the photos from Bradgate Park",
    "love you x: see you at 2", "I'm on x but never post", "see you soon x",
    "my x is coming round tonight", "my username is my name I think",
    "my grandson has the same name as my husband", "it's the same as my name, funny that",
    "I'm on facebook/instagram", "tiktok / youtube, whichever", "fb / whatever",
    "I watch youtube/chair yoga videos", "he said c o m e on",
    # a district with a word or an ordinal after it
    "LE2 on the 3rd", "my postcode is LE4, near the 3rd bridge", "I'm LE3, 5ft 2",
    "I'm in LE18, see you 2pm", "Lee is 25 today", "see you at 2 ok",
    "my postcode is LE4 but the parcel went to LE5",
    # numbers before capitalised words, readings after street words
    "have you heard of what3words, it is so clever", "at 16 I left school",
    "at 80 Dorothy still walks", "at 10 on Saturday", "at 20 Degrees it's lovely",
    "I've managed to come to 2 Zumba, proud of myself", "see you at 11 Victoria",
    "my neighbour at number 12 keeps parking over my drive grr",
    "number 5 has the best garden on the road", "back to square one after the flare up",
    "7.4 before the walk, 6.1 after", "My sugar was 13 after the walk yesterday",
    "watch says 112 after the hill lol", "we've been at the caravan in Skegness. My sugars were ok",
    "ay up me duck, got this feelin on me chest", "52.6, -1.1",
]


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, lines in MORE_LEAK_KINDS.items()
                                            for t in lines])
def test_more_kinds_of_leak_are_caught(kind: ContactKind, text: str) -> None:
    assert kind in contact_details(text)


@pytest.mark.parametrize("text", MORE_NEAR_MISSES)
def test_more_near_misses_pass(text: str) -> None:
    assert contact_details(text) == []


def test_a_number_told_over_two_messages() -> None:
    assert contact_details("345678 x", previous="my mobile starts 07912") == [ContactKind.PHONE]
    assert contact_details("see you at 10", previous="the 0930 class was full") == []


def test_any_detail_told_over_messages_in_a_row() -> None:
    # The earlier messages as one text (as the relay passes them) or as a list, oldest first.
    assert ContactKind.EMAIL in contact_details("at gmail", previous="hi | it's ann.smith",
                                                use_reader=False)
    assert contact_details("5AB", previous=["morning", "my postcode is LE4"],
                           use_reader=False) == [ContactKind.POSTCODE]
    assert contact_details("sunflowerlady", previous="my insta", use_reader=False) == [
        ContactKind.USERNAME]
    # Only a detail that starts in the earlier message and ends in this one: an
    # organisation's line given in this one is not made the writer's by "me" before it.
    assert contact_details("ring the surgery on 0116 496 0999 for a form",
                           previous="I'll let you know if it works for me",
                           use_reader=False) == []

def test_a_number_in_four_pieces_is_held_at_the_piece_that_meets_its_start() -> None:
    # Round eight: "07700" / "900" / "cont..." / "975". The relay passes the sender's last two
    # messages on as `previous`, so by the last piece the start is out of sight; the second
    # piece is held instead (a mobile's first eight digits), and the rest never meets it.
    assert contact_details("07700", use_reader=False) == []
    assert contact_details("900", previous="07700", use_reader=False) == [ContactKind.PHONE]
    # Once it is held, what the relay passes on never makes a number.
    assert contact_details("975", previous="07700 cont...", use_reader=False) == []


# -- what may be passed on ---------------------------------------------------------------
@pytest.mark.parametrize(("typed", "passed_on"), [
    ("hello\x00 there", "hello there"),
    ("\x07bell\x1b[31m red", "bell[31m red"),
    ("abc\u202edcba", "abcdcba"),  # a right-to-left override could disguise words
    ("zero\u200bwidth", "zerowidth"),
    ("\ufeffbyte order mark", "byte order mark"),
    ("  padded  ", "padded"),
    ("line one\r\nline two", "line one\nline two"),
    ("old mac\rline", "old mac\nline"),
    ("tab\tseparated", "tab separated"),
    ("para one\n\n\n\n\npara two", "para one\n\npara two"),
    ("\u2028\u2029", ""),
])
def test_only_visible_words_are_passed_on(typed: str, passed_on: str) -> None:
    assert relayable(typed) == passed_on


@pytest.mark.parametrize("text", [
    "👨‍👩‍👧 family walk",  # zero-width joiners hold this emoji together
    "مرحبا، كيف حالك؟", "שלום", "你好，周六见", "Ñandú café", "e\u0301",  # combining accent
    "{name} %s %s \\ <b>", "Zürich 🙂👍🏽",
])
def test_peoples_own_words_and_scripts_are_kept(text: str) -> None:
    assert relayable(text) == unicodedata.normalize("NFC", text)


# A bare number after a word that is a place in a venue as well as a street word: an
# address only after a name, a road word or a home ("I live on elm grove, 9").
@pytest.mark.parametrize(("text", "held"), [
    ("Meet at gate 1", False), ("Meet at Gate 1 by the cafe", False),
    ("meet at court 2", False), ("we're on green 4 now", False), ("row 3 at the theatre", False),
    ("Main St, 4", True), ("catherine street, 14", True), ("Belgrave Gate 12", True),
    ("I live on elm grove, 9", True), ("the cres at number 7", True),
])
def test_a_number_after_a_venue_word(text: str, held: bool) -> None:
    assert bool(contact_details(text)) is held, text


# -- a number a piece a message, through the real relay (round thirteen) ----------------
EN = library().for_language("en")
ANN = Address("sms", "+447700900170")  # a resident, by text
SAM = Address("telegram", "737373")  # a peer supporter


async def test_a_number_in_four_pieces_never_reaches_the_other_person(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        # Ordinary chat with numbers in it, a message at a time, passes whole.
        for line in ("I walked 3", "miles", "then 2 more"):
            heard = await w.says(ANN, line)
            assert heard.texts(SAM) == [EN.text("peers.relay.from", alias="Ann", text=line)]
        await w.later(timedelta(hours=1))
        # "07" / "823" / "441" / "902", a minute apart (the relay used to read only the last
        # two, so the last piece passed): held at the latest where the number is complete.
        held_at = None
        for index, piece in enumerate(("07", "823", "yes", "441", "902")):
            await w.later(timedelta(minutes=1))
            heard = await w.says(ANN, piece)
            if SAM not in heard:
                assert heard.only(ANN) == EN.text("peers.relay.held",
                                                  answer=EN.text("peers.contact.phone"))
                held_at = index if held_at is None else held_at
        assert held_at is not None
        passed = "".join(m["text"] for m in await w.rows(
            RelayedMessage, RelayedMessage.held.is_(False)) if m["text"].isdigit())
        assert "07823441902" not in passed and len(passed) < 11, passed


# -- a postcode a few characters a message, through the real relay (round seventeen) -----
async def test_a_postcode_a_few_characters_a_message_never_reaches_the_other_person(
        settings: Settings) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        # Tiny ordinary replies, a message at a time, pass whole.
        for line in ("ok", "lol", "x"):
            heard = await w.says(ANN, line)
            assert heard.texts(SAM) == [EN.text("peers.relay.from", alias="Ann", text=line)]
        await w.later(timedelta(hours=1))
        # "le" / "19" / "1" / "wh", a minute apart: the relay used to read only the last two
        # ("19" / "1"), so the last piece passed and the peer had the whole postcode.
        held_at = None
        for index, piece in enumerate(("le", "19", "1", "wh")):
            await w.later(timedelta(minutes=1))
            heard = await w.says(ANN, piece)
            if SAM not in heard:
                assert heard.only(ANN) == EN.text("peers.relay.held",
                                                  answer=EN.text("peers.contact.postcode"))
                held_at = index if held_at is None else held_at
        assert held_at is not None
        passed = [m["text"] for m in await w.rows(RelayedMessage, RelayedMessage.held.is_(False))]
        assert "wh" not in passed, passed


# -- a link in capitals and an email told in words, through the real relay (round eighteen) -
@pytest.mark.parametrize(("line", "kind"), [
    ("HTTPS://ANNWALKS.COM", "link"),
    ("ＡＮＮＷＡＬＫＳ．ＣＯＭ", "link"),
    ("drop me a line: ann smith at aol", "email"),
    ("ann smith one nine five zero at gmail", "email"),
])
async def test_a_shouted_link_or_a_told_email_never_reaches_the_other_person(
        settings: Settings, line: str, kind: str) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        # Shouting and a friend's job pass whole.
        for ordinary in ("WELL.DONE EVERYONE", "my sister works at gmail"):
            heard = await w.says(ANN, ordinary)
            assert heard.texts(SAM) == [EN.text("peers.relay.from", alias="Ann", text=ordinary)]
        heard = await w.says(ANN, line)
        assert SAM not in heard
        assert heard.only(ANN) == EN.text("peers.relay.held",
                                          answer=EN.text(f"peers.contact.{kind}"))


# -- an email sent a piece a message, through the real relay (round eighteen, break12) ------
@pytest.mark.parametrize("pieces", [
    ["my email is ann smith", "at hotmail dot com"],
    ["ann smith", "at gmail"],
    ["ann", "smith at hotmail"],
    ["ANN", "SMITH", "AT", "HOTMAIL"],
])
async def test_an_email_in_pieces_never_reaches_the_other_person(
        settings: Settings, pieces: list[str]) -> None:
    async with peer_world(settings) as w:
        await w.supporter(SAM, "Sam")
        await w.resident(ANN, "Ann")
        await w.asks_for_buddy(ANN)
        await w.connected(ANN, SAM)
        for piece in pieces[:-1]:
            heard = await w.says(ANN, piece)
            assert heard.texts(SAM) == [EN.text("peers.relay.from", alias="Ann", text=piece)]
            await w.later(timedelta(minutes=1))
        heard = await w.says(ANN, pieces[-1])
        assert SAM not in heard
        assert heard.only(ANN) == EN.text("peers.relay.held",
                                          answer=EN.text("peers.contact.email"))
        # Ordinary pieces with an "at" in them still pass.
        await w.later(timedelta(minutes=10))
        for piece in ("ann", "at the gym again lol"):
            heard = await w.says(ANN, piece)
            assert heard.texts(SAM) == [EN.text("peers.relay.from", alias="Ann", text=piece)]
