"""Build the bundled demo show, src/stagehand/demo/show.jsonl, from the script below.

"Friday Night Build": John (Twitch) and Priya (Discord) build an analog synth voice on
breadboards in one evening, live, with chat on Twitch and on the show's Discord, and a
simulcast on YouTube whose chat (Super Chats included) reaches the same queue.

Every chat line, who says it and what it is (its `intent`, a label for the ranking work; the
reader ignores the key) is written by hand here. Seeded randomness only decides the gaps between
lines and the platform ids, so the output is byte-for-byte the same on every run:

    python tools/build_demo_show.py            # rewrite the bundled file
    python tools/build_demo_show.py -o x.jsonl # write elsewhere
    python tools/build_demo_show.py --timeline # print when each beat starts and ends

To edit the show, change the script and rebuild; `--timeline` shows beats that overran the time
they were planned for (they are pushed later, never overlapped).

The YouTube simulcast's chat (`YOUTUBE_SCRIPT`) was added after the ranking benchmark labelled
the Twitch and Discord lines: it is timed and numbered by randomness of its own, so every
earlier line, id and `intent` stays byte-for-byte what it was.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 11, 20, 19, 0, 0, tzinfo=UTC)
OUTPUT = Path(__file__).resolve().parent.parent / "src" / "stagehand" / "demo" / "show.jsonl"
TWITCH_CHANNEL = "fridaybuild"
DISCORD_CHANNEL = "live-chat"
DISCORD_EPOCH_MS = 1_420_070_400_000  # 2015-01-01T00:00:00Z, the start of Discord snowflakes
YOUTUBE_VIDEO = "Fb37synthLv"  # the simulcast's video id: YouTube comments' channel

# Intents, the label on each comment, judged against the segment live at the time:
# questions and remarks about the build are on topic, anything else is off topic; side_chatter is
# viewers talking to each other (and moderators talking to viewers); flood is a line pasted by
# many; emote is emotes and one-word reactions ("Pog", "sick", "ooooh"); laughter is laughing
# and jokes at what just happened; command is any !command; hostile is markup, escapes, bidi
# tricks, zalgo and walls of text.
Q = "on_topic_question"
R = "on_topic_remark"
OQ = "off_topic_question"
OR = "off_topic_remark"
G = "greeting"
S = "side_chatter"
SP = "spam"
F = "flood"
E = "emote"
L = "laughter"
C = "command"
H = "hostile"

# Mean seconds between lines in a beat; each gap is drawn around it.
CALM = 7.0
CHAT = 2.5
BUSY = 1.7
BURST = 0.55
ANSWER_SPACING_MS = 15_000  # the hosts need this long at least to answer one question on air


# --- the people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    login: str
    platform: str
    display: str = ""
    roles: tuple[str, ...] = ()
    first_time: bool = False  # their first line carries first_message: true (Twitch marks these)
    note: str = ""  # who they are, so their lines stay in character


def tw(login: str, display: str = "", *roles: str, first: bool = False, note: str = "") -> Viewer:
    return Viewer(login, "twitch", display, roles, first, note)


def dc(login: str, display: str = "", *roles: str, note: str = "") -> Viewer:
    return Viewer(login, "discord", display, roles, False, note)


def yt(handle: str, *roles: str, note: str = "") -> Viewer:
    """A YouTube viewer: YouTube shows the @handle, and the handle is the name."""
    return Viewer(handle, "youtube", "@" + handle, roles, False, note)


# fmt: off
# One line per viewer and per chat line reads like a cast list and a script; keep it that way.
VIEWERS = [
    tw("fridaybuild", "FridayBuild", "broadcaster", note="John, the host, posting from his own account"),
    tw("katmodular", "KatModular", "subscriber", note="builds modules for years; precise, kind, on stage in the oscillator segment"),
    tw("bassdropbrian", "BassDropBrian", note="the joker; laughs first and loudest"),
    tw("ohm_my_god", "", "subscriber", note="pun guy, friendly, answers newcomers"),
    tw("lurkin_larry", note="says first, types !topic, otherwise lurks"),
    tw("fuzzpedal_fran", "FuzzPedalFran", "vip", note="guitar pedal builder, practical remarks"),
    tw("n00b_noodle", "n00b_noodle", first=True, note="first time here, total beginner, comes on stage at the end"),
    tw("mod_marta", "Mod_Marta", "moderator", "subscriber", note="Twitch moderator; runs !segment"),
    tw("captain_capacitor", "Captain_Capacitor", "moderator", note="Twitch moderator; terse"),
    tw("tinytoaster_", note="emote spammer"),
    tw("reverbqueen", "ReverbQueen", "subscriber", note="chatty regular, side conversation with mia"),
    tw("polyphonic_pete", note="always wants more voices"),
    tw("sinewave_sam", "SineWaveSam", "subscriber", note="hobbyist, good technical questions"),
    tw("dj_lowpass", "DJ_Lowpass", note="filter fanatic"),
    tw("krautrock_kev", note="music nerd, off-topic about albums and festivals"),
    tw("hello_its_mia", note="reverbqueen's friend"),
    tw("solderfumes", "SolderFumes", "subscriber", note="old hand, dry humour"),
    tw("8bit_ben", note="gamer, off-topic questions"),
    tw("moog_mood", "", "subscriber", note="synth history buff"),
    tw("pcb_paula", "PCB_Paula", note="wants PCBs and KiCad files"),
    tw("arduino_ali", note="digital side: MIDI, DACs"),
    tw("hank_the_tank_", note="laughs at everything"),
    tw("tomatosoup42", note="random"),
    tw("gertrude_knits", "Gertrude_Knits", first=True, note="a grandmother whose grandson told her to watch"),
    tw("eurorack_eddie", "EurorackEddie", "subscriber", note="wants everything in eurorack"),
    tw("luna_beats", "LunaBeats", "subscriber", note="music producer"),
    tw("wirewrap_wes", note="retired engineer, 'in my day'"),
    tw("cheese_grater_", note="jokes, fills in latecomers"),
    tw("ferrite_bead", note="quiet"),
    tw("jazzhandz99", note="joins every flood"),
    tw("potato_pal", note="joins every flood"),
    tw("mr_blinky", "Mr_Blinky", note="arrives late"),
    tw("quietquinn", "QuietQuinn", first=True, note="first-timer, one question"),
    tw("vee_tuber", "Vee_Tuber", note="night shift, arrives late"),
    tw("clippy_returns", note="flood participant"),
    tw("chad_thundercap", note="gym jokes"),
    tw("owl_at_3am", note="watching from another time zone"),
    tw("followers4u_cheap", first=True, note="follower-selling spam bot"),
    tw("promo_king_tv", first=True, note="self-promotion spam"),
    tw("bestviewers_shop", first=True, note="viewer-selling spam bot"),
    tw("sneaky_markup", first=True, note="tries console markup"),
    tw("ansi_andy", note="tries terminal escapes"),
    tw("z4lg0_lord", first=True, note="zalgo text"),
    tw("copypasta_carl", note="copypasta, one enormous line"),
    tw("sparkyboi", note="lurker; floods and emotes"),
    tw("grumpy_gain", note="lurker; floods, dry reactions"),
    tw("analog_ana", "Analog_Ana", note="lurker; emotes"),
    tw("beep_boop_bella", note="lurker; floods"),
    tw("modular_mike", note="lurker; emotes"),
    tw("kiki_knobs", "KikiKnobs", first=True, note="arrives with the Synth Sundays raid"),
    tw("wobblewolf", first=True, note="arrives with the raid, asks what this is"),
    tw("patchcord_pat", first=True, note="arrives with the raid"),
    dc("priya.builds", "Priya", "host", note="Priya, the co-host, on the Discord side"),
    dc("mossy.patch", "Mossy", "moderator", note="Discord moderator"),
    dc("ohmslaw_olga", "Olga", "member", note="built three ladder filters; on stage in the filter segment"),
    dc("tape.echo", "tape echo", "member", note="practical tips"),
    dc("gritty_gate", "", "member", note="student, careful questions"),
    dc("lfo.lucy", "Lucy", "member", note="knows the classic circuits"),
    dc("vactrol_vic", "Vic", note="tuning questions"),
    dc("hex_inverter", "hex", "member", note="theory nerd"),
    dc("dustin.ridges", "Dustin", note="lives in Germany, knows suppliers"),
    dc("marimba_mo", "Mo", note="in the EU, asks about parts"),
    dc("schmitt.trigger", "", "member", note="name jokes, gate questions"),
    dc("coffee_and_caps", "coffee & caps", note="drinks coffee, asks what is next"),
    dc("robotnik_jr", "", note="off-topic questions"),
    dc("wren.resistors", "Wren", "member", note="envelopes and plucks"),
    dc("nibbler.byte", "nibbler", note="side chatter"),
    dc("mirror.mirror", "", note="tries a bidi-override file name"),
    dc("nitro.drop.2026", "Nitro Drops", note="fake Nitro spam"),
    # The YouTube simulcast (YOUTUBE_SCRIPT below). Members count as subscribers.
    yt("TapeWarble", note="YouTube regular; puts money behind a good question"),
    yt("AnalogDad", "subscriber", note="channel member, builds at night after the kids sleep"),
    yt("RitaResonance", note="sound designer, filter and resonance questions"),
    yt("PatchPierre", note="watching from Lyon, asks about parts and tools"),
    yt("BeatmakerBo", note="producer, wants it in his DAW, a bit off topic"),
    yt("ModJules", "moderator", note="moderates the YouTube chat"),
    yt("LurkingLena", note="emotes and short reactions"),
    yt("SynthGrandpa", "subscriber", note="built a Moog clone in 1979, Super Sticker fan"),
    yt("FreeCryptoGiftNow", note="giveaway spam bot"),
    yt("tag_injector", note="tries markup in YouTube chat"),
]
# fmt: on
BY_LOGIN = {viewer.login: viewer for viewer in VIEWERS}


# --- the script's building blocks ----------------------------------------------------------


@dataclass(frozen=True)
class Line:
    who: str
    intent: str
    text: str
    key: str | None = None  # a name other lines and host events refer to
    re: str | None = None  # the key of the comment this one replies to
    paid: tuple[str, float, str, str] | None = None  # highlight: kind, amount, currency, shown


@dataclass(frozen=True)
class Host:
    """What the hosts did about the comment named `key`.

    With a `delay`, it happens that many seconds after the comment (answers on air, replies,
    moderation); without one, it happens right here in the script, between the lines around it
    (stage appearances, so the chat's reaction follows them).
    """

    action: str
    key: str  # the comment acted on
    delay: float | None = None  # seconds after that comment; None: where it stands in the script
    text: str = ""


@dataclass(frozen=True)
class Segment:
    """A segment the hosts planned. With `by`, that moderator's `!segment <title>` line in the
    next beat starts it: the segment begins at that line, right after it, as a recorded show
    (and `stagehand export`) writes a segment a chat command started. A replay then plays the
    moderator starting it, where a line naming a segment the hosts had started already would
    be answered "Topic unchanged" on every segment change."""

    at: str
    title: str
    keywords: tuple[str, ...]
    by: str | None = None


@dataclass(frozen=True)
class Beat:
    at: str  # planned start, mm:ss into the show
    pace: float
    items: list[Line | Host] = field(default_factory=list)


def t(who: str, intent: str, text: str, key: str | None = None, re: str | None = None) -> Line:
    return Line(who, intent, text, key, re)


def sc(
    who: str,
    intent: str,
    text: str,
    shown: str,
    amount: float,
    currency: str,
    key: str | None = None,
) -> Line:
    """A YouTube Super Chat: the text with the amount the viewer paid, as YouTube showed it."""
    return Line(who, intent, text, key, None, ("super_chat", amount, currency, shown))


def sticker(who: str, intent: str, text: str, shown: str, amount: float, currency: str) -> Line:
    """A YouTube Super Sticker (`text` is what YouTube displays for it)."""
    return Line(who, intent, text, None, None, ("super_sticker", amount, currency, shown))


def member(who: str, intent: str, text: str) -> Line:
    """A membership milestone message: the member's own words, no amount."""
    return Line(who, intent, text, None, None, ("membership", 0.0, "", ""))


def flood(texts: str | list[str], who: Iterable[str], intent: str = F) -> list[Line]:
    """The same line (or a few variants, in turn) pasted by many viewers."""
    variants = [texts] if isinstance(texts, str) else texts
    return [t(name, intent, variants[i % len(variants)]) for i, name in enumerate(who)]


def zalgo(text: str) -> str:
    """Text buried under combining marks, the same marks every build (no randomness)."""
    marks = (
        "\u0337\u0322\u031b\u0336\u0321\u035d\u0338\u0327\u0358\u0335\u0328\u0334\u0489\u0316\u0359"
    )
    out = []
    for i, char in enumerate(text):
        out.append(char)
        if char != " ":
            out.extend(marks[(i * 3 + k) % len(marks)] for k in range(4))
    return "".join(out)


def long_line(target: int = 3000) -> str:
    """One enormous copypasta line, about `target` characters."""
    unit = (
        "ATTENTION CHAT: the ladder filter is not a filter it is a LIFESTYLE and if your resonance "
        "knob does not go to eleven you are not living. "
    )
    text = ""
    while len(text) + len(unit) <= target:
        text += unit
    return text + "ANALOG FOREVER " * ((target - len(text)) // 15)


# --- the show ------------------------------------------------------------------------------

SHOW_TITLE = "Friday Night Build #37: a synth voice from scratch"
SHOW_DESCRIPTION = (
    "John and Priya build a monophonic analog synthesizer voice on breadboards in one evening: "
    "a sawtooth VCO, a transistor ladder filter, an envelope and MIDI from an Arduino. "
    "Ask questions with !ask, raise your hand with !hand."
)

# fmt: off
SCRIPT: list[Segment | Beat] = [
    Segment("00:00", "Hello, and the parts pile", ("parts", "kit", "breadboard", "budget", "components", "power supply", "soldering", "oscilloscope", "tools")),
    Beat("00:06", CALM, [
        t("fridaybuild", G, "we're live! hi chat, give us a sec, sorting out the audio"),
        t("lurkin_larry", G, "first"),
        t("katmodular", G, "hey John!! friday build lets gooo"),
        t("priya.builds", G, "hi discord 👋 stream is up, chat here and we'll see it"),
        t("hello_its_mia", G, "hiii"),
        t("mossy.patch", G, "evening all. be nice in here, questions for the hosts with !ask"),
        t("reverbqueen", G, "hey john hey priya", key="rq_hi"),
        t("hello_its_mia", S, "@reverbqueen heyyy you made it", key="mia_hi", re="rq_hi"),
        t("reverbqueen", S, "@hello_its_mia barely, train was late AGAIN", re="mia_hi"),
        t("bassdropbrian", G, "yo"),
        t("ohmslaw_olga", G, "evening from rotterdam"),
        t("schmitt.trigger", G, "hi all"),
        t("wren.resistors", G, "hello!"),
    ]),
    Beat("01:15", CHAT, [
        t("sinewave_sam", OQ, "is the audio super quiet for anyone else?", key="sam_audio"),
        t("mod_marta", S, "@sinewave_sam fine here, try a refresh", re="sam_audio"),
        t("sinewave_sam", S, "@mod_marta yep that fixed it ty", re="sam_audio"),
        t("moog_mood", G, "hey John!!"),
        t("gritty_gate", G, "hi all"),
        t("tinytoaster_", E, "HeyGuys"),
        t("krautrock_kev", G, "ayy friday"),
        t("dj_lowpass", G, "yo yo yo"),
        t("luna_beats", G, "hi everyone <3"),
        t("katmodular", R, "ooh is that the bag of 2n3904s from last month"),
        t("solderfumes", R, "that is a LOT of breadboards"),
        t("polyphonic_pete", Q, "so what are we building tonight exactly", key="q_what"),
        Host("answer", "q_what", 24),
        t("n00b_noodle", Q, "hi, first time here. is this a kit or from scratch?", key="q_kit"),
        Host("reply", "q_kit", 38, "@n00b_noodle from scratch! schematic and parts list go up in the discord after the show"),
        t("fuzzpedal_fran", R, "those look like tl072s, the good old workhorse"),
        t("hex_inverter", R, "TL072 gang. cheap, quiet, everywhere"),
        t("wirewrap_wes", Q, "what are you powering it from, bench supply or a wall wart", key="q_power"),
        Host("answer", "q_power", 41),
        t("vactrol_vic", G, "hello from the discord side"),
        t("8bit_ben", OQ, "john what keyboard is that on the desk"),
        t("lfo.lucy", Q, "how much did all the parts come to?", key="q_cost"),
        Host("answer", "q_cost", 57),
        t("coffee_and_caps", OR, "just made coffee at 8pm, bad idea", key="coffee_late"),
        t("nibbler.byte", S, "coffee at 8pm is a lifestyle", re="coffee_late"),
        t("jazzhandz99", G, "hi chat"),
        t("potato_pal", G, "hello hello"),
    ]),
    Beat("02:20", CHAT, [
        t("promo_king_tv", SP, "hey guys check out my channel i stream fortnite every day!! twitch.tv/promo_king_tv", key="sp_promo"),
        Host("moderate", "sp_promo", 9, "delete"),
        t("captain_capacitor", S, "@promo_king_tv no self promo", re="sp_promo"),
        t("reverbqueen", S, "@hello_its_mia did you end up getting the microbrute", key="rq_brute"),
        t("hello_its_mia", S, "@reverbqueen not yet, saving up. rent first lol", re="rq_brute"),
        t("pcb_paula", Q, "are you going to do pcbs later or keep it all on breadboard", key="q_pcb"),
        Host("answer", "q_pcb", 66),
        t("wren.resistors", R, "breadboards are fine for audio if you keep the wires short, learned that the hard way"),
        t("gertrude_knits", G, "Hello dear, my grandson told me to watch this. Hello everyone"),
        t("ohm_my_god", G, "welcome gertrude <3"),
        t("luna_beats", G, "hi gertrude!!"),
        t("katmodular", R, "tip for newbies: get a supply with current limiting. it saves chips when you wire something backwards"),
        t("n00b_noodle", Q, "do i need an oscilloscope to start doing this", key="q_scope"),
        Host("answer", "q_scope", 33),
        t("sinewave_sam", R, "a cheap usb scope is plenty for audio stuff btw"),
        t("ferrite_bead", G, "hi"),
        t("marimba_mo", Q, "where do you get parts in the EU? shipping from the US kills me", key="q_eu"),
        Host("reply", "q_eu", 45, "we use reichelt and tme for EU orders, links are pinned in #build-files"),
        t("dustin.ridges", S, "tme is decent, ships fast to germany at least", key="dustin_tme", re="q_eu"),
        t("marimba_mo", S, "oh nice thanks", re="dustin_tme"),
        t("8bit_ben", OQ, "did anyone see the new zelda trailer", key="zelda"),
        t("cheese_grater_", S, "@8bit_ben yes and i'm not ok", re="zelda"),
        t("robotnik_jr", OQ, "is that a cat behind you on the shelf??", key="oq_cat"),
        Host("reply", "oq_cat", 30, "that's Ohm. he supervises"),
        t("tomatosoup42", OR, "cat cam when"),
        t("moog_mood", E, "catJAM"),
        t("analog_ana", E, "catJAM catJAM"),
        t("lurkin_larry", C, "!topic"),
        t("eurorack_eddie", Q, "is it going to be eurorack format or standalone?", key="q_euro_early"),
        Host("dismiss", "q_euro_early", 35),
        t("solderfumes", R, "pro tip: buy 100 of every resistor value you use a lot, it costs the same as 10"),
        t("fuzzpedal_fran", R, "and label the bags. future you will thank you"),
    ]),
    Beat("03:20", CHAT, [
        t("grumpy_gain", G, "evening"),
        t("sparkyboi", G, "hey John!! hey chat"),
        t("modular_mike", R, "that box of pre-cut jumper wires is the real MVP of any breadboard build"),
        t("beep_boop_bella", Q, "are those the cheap breadboards or the good ones? mine have terrible contacts", key="q_bb"),
        Host("answer", "q_bb", 27),
        t("schmitt.trigger", R, "cheap breadboards are fine until they aren't, the springs on the power rails wear out first"),
        t("lfo.lucy", R, "same, i keep one good breadboard just for the audio path"),
        t("polyphonic_pete", OR, "i own 14 breadboards and zero finished projects", key="pete_14"),
        t("ohm_my_god", S, "@polyphonic_pete that's the hobby", re="pete_14"),
    ]),
    Beat("03:40", BURST, [
        t("bassdropbrian", L, "LMAOOO"),
        t("ohm_my_god", F, "RIP resistors"),
        *flood(["RIP resistors", "RIP resistors", "RIP RESISTORS"], ["jazzhandz99", "potato_pal", "tomatosoup42", "clippy_returns", "hank_the_tank_", "dj_lowpass", "ferrite_bead", "moog_mood", "owl_at_3am", "chad_thundercap", "sparkyboi", "grumpy_gain", "analog_ana", "beep_boop_bella"]),
        t("hank_the_tank_", L, "hahahahaha"),
        t("cheese_grater_", L, "KEKW"),
        t("luna_beats", L, "LUL LUL LUL"),
        t("tinytoaster_", L, "LUL"),
        t("gertrude_knits", OR, "Oh dear, all over the floor"),
        t("solderfumes", L, "the carpet is a 1% tolerance carpet now LUL"),
        t("marimba_mo", L, "😂😂😂"),
        t("nibbler.byte", L, "lmao the sound of that bag"),
        t("krautrock_kev", L, "KEKW"),
        t("chad_thundercap", L, "LUL"),
        t("sparkyboi", L, "LUL"),
        t("schmitt.trigger", L, "hahaha the priya sigh"),
        t("modular_mike", L, "KEKW"),
    ]),
    Beat("04:10", CHAT, [
        t("katmodular", R, "magnet bowl for the screws, zip bags for resistors. ask me how i know"),
        t("fuzzpedal_fran", R, "breadboard + pedals is how i started too, it gets addictive fast"),
        t("polyphonic_pete", Q, "will it be polyphonic eventually?", key="q_poly_early"),
        Host("dismiss", "q_poly_early", 28),
        t("quietquinn", G, "hi, first time catching this live"),
        t("dj_lowpass", OQ, "what city are you guys in"),
        t("owl_at_3am", OR, "3am here and i'm watching people solder. life is good", key="owl1"),
        t("chad_thundercap", S, "@owl_at_3am go to sleep lmao", re="owl1"),
        t("followers4u_cheap", SP, "Want more viewers? FREE followers at bestfollows dot shop, first 1000 free!! 🔥", key="sp_follow"),
        Host("moderate", "sp_follow", 7, "ban"),
        t("captain_capacitor", S, "banned. don't click that stuff"),
        t("gritty_gate", Q, "is a cheap soldering iron ok or does it matter?", key="q_iron"),
        Host("answer", "q_iron", 44),
        t("wirewrap_wes", R, "temperature control matters more than brand. a cheap one with a real thermostat is fine"),
        t("vactrol_vic", R, "+1 to wes, my 15 euro iron with temp control has lasted 6 years"),
        t("tomatosoup42", OQ, "is the stream only on fridays?", key="tomato_sched"),
        t("mod_marta", S, "@tomatosoup42 fridays 7pm utc, sometimes a bonus tuesday", re="tomato_sched"),
        t("clippy_returns", OR, "it looks like you're building a synth. would you like help?"),
        t("hank_the_tank_", L, "LUL clippy"),
        t("sinewave_sam", R, "running the ±12V rails down the breadboard edges is a nice touch, keeps everything tidy"),
        t("gritty_gate", Q, "do you need decoupling caps on a breadboard too?", key="q_decouple"),
        Host("answer", "q_decouple", 36),
        t("hex_inverter", R, "100n on every chip's supply pins, always. breadboards are not an excuse"),
        t("beep_boop_bella", G, "hi hi"),
    ]),
    Segment("05:00", "The oscillator: a sawtooth VCO", ("oscillator", "VCO", "sawtooth", "waveform", "exponential converter", "1V/oct", "tuning", "op-amp", "matched transistors", "drift", "pitch", "integrator"), by="mod_marta"),
    Beat("05:02", CHAT, [
        t("mod_marta", C, "!segment The oscillator: a sawtooth VCO"),
        t("katmodular", R, "the expo converter is where everyone suffers, good luck lol"),
        t("sinewave_sam", Q, "why sawtooth and not square?", key="q_saw"),
        Host("answer", "q_saw", 46),
        t("hex_inverter", R, "saw has every harmonic, square only the odd ones, so the filter has more to chew on"),
        t("n00b_noodle", Q, "whats an expo converter", key="q_expo"),
        Host("answer", "q_expo", 72),
        t("dj_lowpass", R, "saw into a ladder filter is THE sound"),
        t("polyphonic_pete", Q, "what cap are you using for the integrator", key="q_intcap"),
        Host("reply", "q_intcap", 50, "@polyphonic_pete 1nF polystyrene, any decent film cap works"),
        t("schmitt.trigger", R, "my username is finally relevant, the reset in a saw core is basically me"),
        t("gritty_gate", Q, "do the transistors in the expo pair have to be matched?", key="q_match"),
        Host("answer", "q_match", 31),
        t("katmodular", C, "!hand", key="hand_kat"),
        t("tinytoaster_", E, "PogChamp"),
        t("wirewrap_wes", R, "in my day we matched them with a thermometer and a lot of patience", key="wes_match"),
        t("ohm_my_god", S, "@wirewrap_wes and a lot of coffee LUL", re="wes_match"),
        t("8bit_ben", OQ, "are you guys streaming the game jam next week?"),
        t("reverbqueen", S, "@hello_its_mia this is the part where i get lost every time", key="rq_lost"),
        t("hello_its_mia", S, "@reverbqueen same, i just nod and wait for the sound", re="rq_lost"),
        t("lfo.lucy", R, "the tempco resistor on the expo pair is what keeps it from wandering when the room warms up"),
        t("moog_mood", R, "fun fact the minimoog oscillators drifted so much people tuned them between songs"),
        t("modular_mike", E, "here we go"),
        t("grumpy_gain", OR, "my soldering iron is still in the box from last christmas", key="grumpy_box"),
        t("beep_boop_bella", S, "@grumpy_gain this is your sign to open it", re="grumpy_box"),
    ]),
    Beat("05:58", CHAT, [
        t("tinytoaster_", E, "SeemsGood"),
        t("potato_pal", OQ, "whats the cat's name again", key="potato_cat"),
        t("cheese_grater_", S, "@potato_pal ohm. the cat is called ohm", key="cg_cat", re="potato_cat"),
        t("potato_pal", L, "@cheese_grater_ LUL of course it is", re="cg_cat"),
        t("n00b_noodle", R, "ok the expo converter thing finally clicked for me, each volt doubles the current"),
        t("vactrol_vic", R, "good reminder that the 1V/oct input resistor should be 1% or better"),
        t("eurorack_eddie", R, "in eurorack land everyone uses 100k for the 1V/oct input for exactly this reason"),
        t("robotnik_jr", OQ, "john is that a new haircut", key="haircut"),
        t("nibbler.byte", S, "the haircut question every week lol", re="haircut"),
        t("luna_beats", R, "the saw core with the comparator reset is so elegant once you see it on the scope"),
        t("mossy.patch", S, "reminder: schematic questions are welcome in #build-help after the stream too"),
        t("marimba_mo", Q, "why an op-amp integrator instead of just a cap and a current source?", key="q_integrator"),
        Host("answer", "q_integrator", 55),
        t("dustin.ridges", R, "the op-amp keeps the cap voltage from bending the ramp, that's why the saw stays straight"),
        t("lfo.lucy", OQ, "wren did your case panels ever arrive?", key="lucy_panels"),
        t("wren.resistors", S, "yesss finally, 3 weeks in customs", key="wren_panels", re="lucy_panels"),
        t("lfo.lucy", S, "customs is the real final boss", key="lucy_customs", re="wren_panels"),
        t("wren.resistors", S, "every single time", re="lucy_customs"),
    ]),
    Beat("06:40", CHAT, [
        t("sneaky_markup", H, "[@click=app.quit]click here for free synth presets[/]", key="h_markup"),
        Host("moderate", "h_markup", 12, "timeout"),
        t("sneaky_markup", H, "[b]bold[/b] [red]can you see red[/red]"),
        t("captain_capacitor", S, "@sneaky_markup cut it out"),
        t("mossy.patch", S, "anyone seeing weird brackets on the twitch side?"),
        t("luna_beats", Q, "is the saw ramping up or down? does it even matter", key="q_ramp"),
        t("eurorack_eddie", R, "ramp direction doesn't matter for the sound, your ears can't tell them apart"),
        t("tomatosoup42", H, "["),
        t("tomatosoup42", OR, "oops wrong window"),
        t("vactrol_vic", Q, "what's the range going to be, like 8 octaves?", key="q_range"),
        Host("answer", "q_range", 39),
        t("arduino_ali", G, "hey all, late, what did i miss", key="ali_late"),
        t("ohm_my_god", S, "@arduino_ali parts pile, a resistor avalanche, now the oscillator", re="ali_late"),
        t("krautrock_kev", OQ, "anyone know if the superbooth dates are out yet"),
        t("katmodular", R, "pro tip: put the expo pair in a bit of foam tape together so they stay at the same temperature"),
        t("coffee_and_caps", R, "the foam trick is great, used it on my first vco"),
        t("hello_its_mia", OQ, "does anyone know a good beginner keyboard controller under 100?", key="mia_keys"),
        t("reverbqueen", S, "@hello_its_mia arturia minilab, easy", key="rq_keys", re="mia_keys"),
        t("hello_its_mia", S, "@reverbqueen ooh ok adding it to the list", re="rq_keys"),
        t("tape.echo", G, "sorry, late, work ran long. hi all", key="tape_hi"),
        t("vactrol_vic", S, "welcome tape", re="tape_hi"),
    ]),
    Beat("07:22", CHAT, [
        t("wirewrap_wes", R, "built my first synth from a magazine article in 1978, the expo converter took me a whole summer", key="wes_1978"),
        t("katmodular", S, "@wirewrap_wes that's amazing, which magazine?", key="kat_mag", re="wes_1978"),
        t("wirewrap_wes", S, "@katmodular elektor. i still have the issue", re="kat_mag"),
        t("analog_ana", E, "SeemsGood"),
    ]),
    Beat("07:45", CHAT, [
        Host("stage_start", "hand_kat"),
        t("ohm_my_god", E, "KAT ON STAGE PogChamp"),
        t("luna_beats", E, "katmodular!! <3"),
        t("reverbqueen", E, "<3 <3"),
        t("fuzzpedal_fran", G, "hey kat!"),
        t("gritty_gate", R, "kat explaining matching better than my textbook"),
        t("n00b_noodle", Q, "what happens if you dont match them", key="q_nomatch"),
        Host("answer", "q_nomatch", 26),
        t("moog_mood", R, "kat's modules are great btw, i have two of her vcos in my rack"),
        t("pcb_paula", Q, "would a dual transistor in one package help with the matching?", key="q_dual"),
        Host("answer", "q_dual", 47),
        t("hex_inverter", R, "yes, dual packages share one die temperature, that's the cheat code"),
        t("bassdropbrian", Q, "kat whats the best module you ever built", key="q_katfav"),
        Host("answer", "q_katfav", 35),
        t("owl_at_3am", R, "the thermal coupling thing explains why my vco drifts every time the heater kicks in"),
        t("wren.resistors", Q, "does the tempco resistor go in the foam with the pair too?", key="q_tempfoam"),
        Host("answer", "q_tempfoam", 28),
        t("fuzzpedal_fran", Q, "is that trimmer on the right for the high frequency tracking?", key="q_hf"),
        Host("answer", "q_hf", 43),
        t("solderfumes", R, "high frequency tracking is the part nobody gets right the first time"),
        t("ferrite_bead", Q, "does the saw go through a buffer before the filter?", key="q_buffer"),
        t("analog_ana", E, "SeemsGood"),
    ]),
    Beat("08:50", BURST, [
        t("fuzzpedal_fran", F, "IT LIVES"),
        *flood(["IT LIVES", "IT LIVES", "IT LIVESSS"], ["ohm_my_god", "jazzhandz99", "potato_pal", "tinytoaster_", "clippy_returns", "dj_lowpass", "luna_beats", "moog_mood", "krautrock_kev", "hank_the_tank_", "eurorack_eddie", "owl_at_3am", "sparkyboi", "modular_mike", "grumpy_gain", "beep_boop_bella"]),
        t("tinytoaster_", E, "PogChamp PogChamp PogChamp PogChamp PogChamp PogChamp"),
        t("jazzhandz99", E, "Pog Pog Pog Pog"),
        t("potato_pal", E, "PogChamp"),
        t("wren.resistors", R, "that's a clean saw honestly, no glitch at the reset"),
        t("tape.echo", E, "🔊🔊🔊"),
        t("luna_beats", E, "PogChamp"),
        t("clippy_returns", E, "PogChamp PogChamp"),
        t("sparkyboi", E, "Pog"),
        t("solderfumes", R, "first power-up without smoke, rare"),
        t("analog_ana", E, "sick"),
        t("grumpy_gain", E, "nice"),
    ]),
    Beat("09:18", BURST, [
        t("bassdropbrian", L, "that scale was NOT a scale LUL"),
        t("hank_the_tank_", L, "hahaha the last note"),
        t("cheese_grater_", L, "KEKW"),
        t("ohm_my_god", L, "microtonal synth speedrun LUL"),
        t("jazzhandz99", L, "KEKW"),
        t("gertrude_knits", OR, "It sounds like my old kettle"),
        t("dj_lowpass", L, "lmao"),
        t("marimba_mo", L, "😂😂😂"),
        t("potato_pal", L, "LUL"),
        t("tomatosoup42", L, "a goose. it's a goose"),
        *flood(["HONK 🦢", "HONK", "🦢 HONK 🦢"], ["jazzhandz99", "potato_pal", "clippy_returns", "tomatosoup42", "hank_the_tank_", "chad_thundercap", "cheese_grater_", "sparkyboi", "beep_boop_bella", "modular_mike", "owl_at_3am"]),
        t("chad_thundercap", L, "LUL"),
        t("nibbler.byte", L, "that last note 💀"),
        t("clippy_returns", L, "LUL"),
        t("grumpy_gain", L, "lmao the honk"),
    ]),
    Beat("09:45", CHAT, [
        t("katmodular", R, "told you, trim the scale first, then the offset, then do it all again"),
        t("sinewave_sam", Q, "is the tempco resistor in yet? it drifts every time you touch the board", key="q_drift"),
        Host("answer", "q_drift", 40),
        t("vactrol_vic", Q, "how do you get 1v/oct tracking right without a tuner", key="q_track"),
        Host("answer", "q_track", 83),
        t("tape.echo", R, "a phone tuner app is enough: play octaves, trim scale until they line up, repeat"),
        t("ansi_andy", H, "\u001b[2J\u001b[H wow chat got cleared lol", key="h_ansi"),
        Host("moderate", "h_ansi", 6, "delete"),
        t("mod_marta", S, "@ansi_andy nice try"),
        t("copypasta_carl", F, "I have been soldering since BEFORE you were born and I have NEVER heard a sawtooth that ugly. Get it together John. I am calling the capacitor police 😤"),
        *flood("I have been soldering since BEFORE you were born and I have NEVER heard a sawtooth that ugly. Get it together John. I am calling the capacitor police 😤", ["bassdropbrian", "jazzhandz99", "potato_pal", "clippy_returns", "cheese_grater_", "chad_thundercap", "sparkyboi"]),
        t("solderfumes", L, "the capacitor police LUL"),
        t("krautrock_kev", OQ, "whats everyone's favourite synth album? mine is still phaedra", key="kev_album"),
        t("reverbqueen", S, "@krautrock_kev selected ambient works, no contest", key="rq_album", re="kev_album"),
        t("krautrock_kev", S, "@reverbqueen solid pick", re="rq_album"),
        t("luna_beats", OR, "ngl i'm sampling this stream for a beat"),
        t("moog_mood", S, "@krautrock_kev switched-on bach, i'm old school", re="kev_album"),
    ]),
    Beat("10:35", BURST, [
        t("sinewave_sam", R, "octaves line up now!! the tempco did it"),
        *flood(["IN TUNE PogChamp", "IN TUNE", "IN TUNE PogChamp"], ["jazzhandz99", "potato_pal", "clippy_returns", "sparkyboi", "ohm_my_god", "beep_boop_bella", "modular_mike", "hank_the_tank_"]),
        t("bassdropbrian", L, "RIP goose LUL"),
        t("tomatosoup42", L, "the goose has been tuned"),
        t("katmodular", R, "now let it warm up for 10 minutes and tune again, it'll still move a little"),
        t("luna_beats", E, "Kreygasm"),
        t("cheese_grater_", L, "a goose in tune is just a duck LUL"),
    ]),
    Beat("10:55", CHAT, [
        t("mr_blinky", G, "just got here what did i miss", key="blinky_in"),
        t("cheese_grater_", S, "@mr_blinky john threw resistors on the floor and built a goose", key="cg_goose", re="blinky_in"),
        t("mr_blinky", L, "@cheese_grater_ LUL perfect", re="cg_goose"),
        t("bestviewers_shop", SP, "Buy real viewers & followers cheap ✅ bestviewers .shop ✅ 24/7 support ✅", key="sp_viewers"),
        Host("moderate", "sp_viewers", 9, "ban"),
        t("chad_thundercap", OQ, "john do you even lift", key="chad_lift"),
        t("owl_at_3am", S, "@chad_thundercap he lifts breadboards", re="chad_lift"),
        t("polyphonic_pete", Q, "how many of these oscillators would you need for 4 voices, 4 or 8?", key="q_voices"),
        Host("answer", "q_voices", 52),
        t("arduino_ali", R, "for detune you want two per voice, so 8, your breadboard budget says no"),
        t("coffee_and_caps", R, "this is the clearest expo converter explanation i've seen"),
        t("gritty_gate", Q, "why does the tempco resistor have to be 2k specifically?", key="q_2k"),
        Host("answer", "q_2k", 61),
        t("lfo.lucy", R, "it's not magic, it just cancels the pair's drift at that value. 1k parts exist too, the other resistors change"),
        t("ferrite_bead", R, "the scope trace is so much cleaner now"),
        t("ohm_my_god", S, "i'd tell a capacitor joke but it needs time to charge", key="pun1"),
        t("solderfumes", S, "@ohm_my_god resistance is futile", key="pun2", re="pun1"),
        t("ohm_my_god", S, "@solderfumes that's current-ly the best one", re="pun2"),
        t("hank_the_tank_", L, "LUL the puns"),
        t("captain_capacitor", S, "next pun gets a timeout", key="cap_pun"),
        t("ohm_my_god", S, "@captain_capacitor ohm no", re="cap_pun"),
        t("bassdropbrian", L, "OHM NO LUL"),
        t("quietquinn", R, "the scope makes this so much easier to follow than reading about it"),
        t("clippy_returns", OQ, "anyone know a good place to learn electronics basics?", key="clip_learn"),
        t("sinewave_sam", S, "@clippy_returns the art of electronics, it's a book but worth it", key="sam_aoe", re="clip_learn"),
        t("clippy_returns", S, "@sinewave_sam thanks!", re="sam_aoe"),
    ]),
    Beat("11:35", CHAT, [
        Host("stage_end", "hand_kat"),
        t("katmodular", R, "thanks for having me on!! back to lurking. trim those pots"),
        t("luna_beats", E, "<3 <3 <3"),
        t("ohm_my_god", G, "gg kat"),
        t("sinewave_sam", R, "the before/after with the tempco was really clear, thanks kat"),
        t("hex_inverter", R, "if you want a next step, a second saw detuned a few cents makes it huge"),
        t("dustin.ridges", OQ, "is the vod staying up? have to leave at half past"),
        t("tinytoaster_", E, "VoHiYo"),
        t("arduino_ali", Q, "will you calibrate it against the dac later or by ear?", key="q_calib"),
        Host("answer", "q_calib", 44),
        t("pcb_paula", R, "the expo pair sitting right next to each other is exactly what you'd do on a pcb too"),
    ]),
    Segment("12:00", "The filter: a transistor ladder", ("filter", "ladder", "cutoff", "resonance", "VCF", "Moog", "low-pass", "capacitor", "self-oscillation", "diode ladder", "poles"), by="mod_marta"),
    Beat("12:02", CHAT, [
        t("mod_marta", C, "!segment The filter: a transistor ladder"),
        t("dj_lowpass", R, "FINALLY my segment. the ladder is the heart of the sound"),
        t("dj_lowpass", Q, "diode ladder or transistor ladder?", key="q_diode"),
        Host("answer", "q_diode", 34),
        t("fuzzpedal_fran", R, "ladders are picky about transistor gain, watch the biasing"),
        t("ohm_my_god", L, "a ladder you can't climb LUL"),
        t("luna_beats", Q, "why does the bass disappear when you turn up the resonance", key="q_bass"),
        Host("answer", "q_bass", 95),
        t("moog_mood", R, "the original moog ladder patent drawings are a great read for this btw"),
        t("schmitt.trigger", Q, "4 pole or 2 pole?", key="q_poles"),
        Host("reply", "q_poles", 22, "4 poles, 24dB per octave, the classic"),
        t("lfo.lucy", Q, "film caps or ceramic for the ladder?", key="q_caps"),
        Host("answer", "q_caps", 40),
        t("wirewrap_wes", R, "film. ceramic caps change value with voltage and you'll hear it"),
        t("vee_tuber", G, "hi chat!! just woke up", key="vee_hi"),
        t("hello_its_mia", S, "@vee_tuber good morning?? it's 7pm lol", key="mia_vee", re="vee_hi"),
        t("vee_tuber", S, "@hello_its_mia night shift gang", re="mia_vee"),
        t("sinewave_sam", R, "the 4 caps being matched matters almost as much as the transistors"),
        t("clippy_returns", G, "back, did i miss the ladder intro?"),
        t("tinytoaster_", E, "SeemsGood SeemsGood"),
        t("eurorack_eddie", Q, "what cutoff range do you get with those caps?", key="q_cutrange"),
        Host("answer", "q_cutrange", 36),
    ]),
    Beat("12:48", BURST, [
        t("dj_lowpass", E, "THE SWEEP Kreygasm"),
        *flood(["Kreygasm", "Kreygasm Kreygasm"], ["potato_pal", "jazzhandz99", "clippy_returns", "sparkyboi", "hank_the_tank_", "modular_mike", "analog_ana", "tinytoaster_"], E),
        t("luna_beats", R, "that sweep is the sound i've been chasing for years"),
        t("fuzzpedal_fran", E, "oh that's nice"),
        t("wren.resistors", E, "ooooh"),
        t("tape.echo", E, "🤤"),
    ]),
    Beat("13:05", CHAT, [
        t("hex_inverter", R, "each stage is a one-pole lowpass, four in a row, and the feedback around all four is the resonance"),
        t("n00b_noodle", Q, "why is it called a ladder", key="q_laddername"),
        Host("answer", "q_laddername", 25),
        t("moog_mood", R, "@n00b_noodle the schematic looks like one, transistor pairs stacked like rungs", key="moog_rungs", re="q_laddername"),
        t("n00b_noodle", S, "@moog_mood ohhh that makes sense", re="moog_rungs"),
        t("polyphonic_pete", OQ, "anyone tried the new behringer poly? worth it?", key="pete_behr"),
        t("luna_beats", S, "@polyphonic_pete for the price yes, build quality meh", re="pete_behr"),
        t("dj_lowpass", OQ, "luna what headphones do you mix on", key="dj_phones"),
        t("luna_beats", S, "@dj_lowpass dt 770s, cheap and honest", key="luna_phones", re="dj_phones"),
        t("dj_lowpass", S, "@luna_beats same!! the 80 ohm ones?", key="dj_phones2", re="luna_phones"),
        t("luna_beats", S, "@dj_lowpass 250, with a little amp", re="dj_phones2"),
    ]),
    Beat("13:32", CHAT, [
        t("dustin.ridges", OR, "superbooth tickets are on sale btw, for the berlin folks", key="dustin_sb"),
        t("marimba_mo", S, "oh no my wallet", key="mo_wallet", re="dustin_sb"),
        t("dustin.ridges", S, "bring a tote bag, they hand out so many stickers", re="mo_wallet"),
        t("robotnik_jr", OQ, "anyone here do 3d printing? thinking of printing a case for stuff like this", key="robo_3d"),
        t("nibbler.byte", S, "printed my synth case in petg, works great", re="robo_3d"),
        t("coffee_and_caps", R, "the resonance knob is the most fun knob ever invented"),
    ]),
    Beat("13:50", CHAT, [
        t("mirror.mirror", H, "grab my ladder patch here: ladder_\u202egnp.exe", key="h_bidi"),
        Host("moderate", "h_bidi", 8, "delete"),
        t("mossy.patch", S, "deleted that, don't download random files folks", re="h_bidi"),
        t("marimba_mo", OQ, "wait is discord getting the same delay as twitch?", key="mo_delay"),
        t("priya.builds", S, "about 5 seconds behind on both, it's the stream delay", re="mo_delay"),
        t("gritty_gate", Q, "why do you need the bias at the bottom of the ladder?", key="q_biasbottom"),
        Host("answer", "q_biasbottom", 58),
        t("tape.echo", R, "the bias network sets the whole ladder's headroom, worth getting right"),
    ]),
    Beat("14:20", BURST, [
        t("bassdropbrian", L, "MY EARS LUL"),
        *flood(["MY EARS", "MY EARS", "MY EARSSSS"], ["jazzhandz99", "potato_pal", "clippy_returns", "tinytoaster_", "chad_thundercap", "mr_blinky", "tomatosoup42", "vee_tuber", "sparkyboi", "grumpy_gain", "modular_mike", "beep_boop_bella", "analog_ana"]),
        t("hank_the_tank_", E, "monkaS"),
        t("cheese_grater_", E, "monkaS monkaS"),
        t("jazzhandz99", E, "monkaS"),
        t("ohm_my_god", L, "self-oscillation achieved. hearing not achieved LUL"),
        t("gertrude_knits", OR, "My dog has left the room"),
        t("dj_lowpass", R, "that's the sound of a working ladder, beautiful"),
        t("hank_the_tank_", L, "hahahahahaha"),
        t("robotnik_jr", L, "lmaooo the cat RAN"),
        t("coffee_and_caps", L, "💀💀💀"),
        t("owl_at_3am", L, "woke up my whole building KEKW"),
        t("luna_beats", L, "LMAO"),
        t("schmitt.trigger", L, "hahaha"),
        t("krautrock_kev", L, "LUL"),
        t("modular_mike", E, "monkaS"),
    ]),
    Beat("14:50", CHAT, [
        t("ohmslaw_olga", C, "!hand", key="hand_olga"),
        t("ohmslaw_olga", R, "i built three of these, happy to explain the bass loss thing", key="olga_offer"),
        t("katmodular", R, "put a resistor at the end of the resonance pot so it can't go all the way. saves ears"),
        t("bassdropbrian", OQ, "does ohm the cat need ear protection now"),
        t("polyphonic_pete", R, "a resonance that tracks the keyboard would be neat later on"),
        t("pcb_paula", R, "kicad files for this would be amazing, i'd order boards"),
        t("z4lg0_lord", H, zalgo("the filter is alive and it hungers"), key="h_zalgo"),
        Host("moderate", "h_zalgo", 10, "timeout"),
        t("tomatosoup42", S, "what is that text lol"),
        t("captain_capacitor", S, "timed out, moving on"),
        Host("stage_start", "hand_olga"),
        t("vactrol_vic", E, "olga!! 🎉"),
        t("lfo.lucy", E, "🎉"),
        t("hex_inverter", R, "olga's first ladder was on perfboard and it still works", key="hex_olga"),
        t("gritty_gate", S, "did you see it in person? at the meetup?", key="gg_meetup", re="hex_olga"),
        t("hex_inverter", S, "yeah at the rotterdam meetup in may, it survived a beer spill too", key="hex_beer", re="gg_meetup"),
        t("gritty_gate", S, "ok that's the real durability test", re="hex_beer"),
    ]),
    Beat("15:55", CHAT, [
        t("tape.echo", R, "olga's point about gain compensation is great, mix some of the input back in after the filter"),
        t("hex_inverter", Q, "so is that why some ladders add input signal back, to keep the low end?", key="q_gaincomp"),
        Host("answer", "q_gaincomp", 48),
        t("vactrol_vic", R, "olga should have her own show tbh", key="vic_show"),
        t("lfo.lucy", S, "seconded", re="vic_show"),
        t("sinewave_sam", Q, "can the same ladder do high pass if you tap it differently?", key="q_hp"),
        Host("answer", "q_hp", 64),
        t("krautrock_kev", OR, "this reminds me i need to fix my tape deck"),
        t("quietquinn", Q, "the output seems really quiet after the filter, is that normal", key="q_quiet"),
        Host("dismiss", "q_quiet", 40),
        t("8bit_ben", OQ, "do you guys play any rhythm games", key="ben_rhythm"),
        t("cheese_grater_", S, "@8bit_ben osu with a breadboard controller when", re="ben_rhythm"),
        t("wren.resistors", R, "olga's right about the input level, the ladder clips so early"),
        t("dustin.ridges", R, "that high pass trick is new to me, saving this"),
        t("gritty_gate", Q, "would a diode ladder need the same gain compensation?", key="q_diodegain"),
        Host("answer", "q_diodegain", 55),
        t("arduino_ali", R, "you could put the cutoff on a dac channel too and automate sweeps"),
        t("lfo.lucy", Q, "does the ladder need its own trimmer for the cutoff cv scale?", key="q_cvtrim"),
        Host("answer", "q_cvtrim", 50),
        t("jazzhandz99", E, "Kreygasm"),
        t("cheese_grater_", OR, "my neighbour just started drilling. at 7pm. on a friday."),
        t("hank_the_tank_", L, "LUL"),
        t("reverbqueen", OR, "ok i'm officially building one of these over christmas", key="rq_xmas"),
        t("hello_its_mia", S, "@reverbqueen i'll help, i own a soldering iron now", re="rq_xmas"),
    ]),
    Beat("16:55", CHAT, [
        t("ohm_my_god", Q, "olga how did you learn all this? books or just building", key="q_olgalearn"),
        Host("answer", "q_olgalearn", 36),
        t("gritty_gate", R, "olga's tip about matching the caps with a cheap lcr meter is gold"),
        t("marimba_mo", OQ, "olga are you going to the rotterdam meetup again?", key="mo_meetup"),
        t("ohmslaw_olga", S, "yes! december, come say hi", re="mo_meetup"),
        t("hank_the_tank_", E, "SeemsGood"),
        t("moog_mood", R, "the original used a differential pair at the bottom too, same idea as tonight"),
        t("sinewave_sam", S, "@moog_mood didn't know that, ty"),
    ]),
    Beat("17:05", BUSY, [
        t("kiki_knobs", F, "SYNTH SUNDAYS RAID 🎛️🎛️🎛️"),
        t("wobblewolf", F, "SYNTH SUNDAYS RAID 🎛️🎛️🎛️"),
        t("patchcord_pat", F, "SYNTH SUNDAYS RAID 🎛️🎛️🎛️"),
        t("kiki_knobs", F, "SYNTH SUNDAYS RAID 🎛️🎛️🎛️"),
        t("mod_marta", G, "welcome raiders!!"),
        t("ohm_my_god", G, "welcome synth sundays <3"),
        t("luna_beats", G, "hi raiders!"),
        t("katmodular", G, "oh hi kiki!!"),
        t("wobblewolf", Q, "what are they building?", key="q_raid_what"),
        Host("answer", "q_raid_what", 23),
        t("patchcord_pat", G, "hi from the sunday crew"),
        t("cheese_grater_", S, "@wobblewolf a synth from scratch, we're at the filter, there was a goose earlier", re="q_raid_what"),
        t("kiki_knobs", R, "oh a transistor ladder, perfect timing, we did a diode ladder on sunday"),
        t("wobblewolf", L, "@cheese_grater_ a goose?? LUL"),
        t("reverbqueen", G, "welcome in!"),
    ]),
    Beat("17:20", CHAT, [
        t("copypasta_carl", H, long_line(), key="h_long"),
        Host("moderate", "h_long", 6, "delete"),
        t("mod_marta", S, "@copypasta_carl please don't, that wall filled my whole screen"),
        t("nitro.drop.2026", SP, "@everyone free discord nitro for 3 months, claim here before it runs out: discorcl-gift.com/claim", key="sp_nitro"),
        Host("moderate", "sp_nitro", 11, "ban"),
        t("mossy.patch", S, "lol no. banned", re="sp_nitro"),
        t("nibbler.byte", OR, "discorcl lmao they didn't even try"),
        t("fuzzpedal_fran", R, "same idea as the tone knob on a pedal really, just four poles of it"),
        t("luna_beats", R, "ran my drums through a ladder last week, magic on hats"),
        Host("stage_end", "hand_olga"),
        t("ohmslaw_olga", R, "that was fun, thanks priya and john! the schematic in the pins has my gain comp values"),
        t("gritty_gate", R, "the before/after of the gain compensation was super clear"),
        t("owl_at_3am", OR, "4am now. no regrets", key="owl4"),
        t("chad_thundercap", S, "@owl_at_3am LUL go to bed", re="owl4"),
        t("dj_lowpass", C, "!ask can you sweep the cutoff with the envelope next?", key="ask_sweep"),
        Host("answer", "ask_sweep", 112),
        t("solderfumes", R, "it sounds like a real synth now, not a goose"),
        t("moog_mood", R, "that resonance peak at low cutoff is so moog it hurts"),
        t("marimba_mo", OQ, "what mic is priya using? sounds great"),
        t("tinytoaster_", E, "Kreygasm"),
    ]),
    Beat("18:25", CHAT, [
        t("robotnik_jr", OQ, "who would win, john or priya in mario kart"),
        t("tomatosoup42", OQ, "has anyone ever eaten a resistor by accident", key="tomato_eat"),
        t("solderfumes", S, "@tomatosoup42 that's a question nobody should answer", re="tomato_eat"),
        t("quietquinn", R, "the filter sweep sounds exactly like the records i like, didn't know it was this simple"),
        t("vactrol_vic", Q, "could you swap the ladder for a vactrol filter? asking for my username", key="q_vactrol"),
        Host("dismiss", "q_vactrol", 26),
        t("fuzzpedal_fran", Q, "how much current does the whole thing draw so far?", key="q_current"),
        Host("answer", "q_current", 30),
        t("gritty_gate", R, "that's way less current than i expected, battery power could work"),
        t("8bit_ben", OQ, "whats john using to stream, obs?", key="ben_obs"),
        t("captain_capacitor", S, "@8bit_ben yep obs, try !setup", re="ben_obs"),
        t("8bit_ben", C, "!setup"),
        t("nibbler.byte", OR, "my cat just walked across my keyboard, respect to ohm for staying on the shelf", key="nib_cat"),
        t("coffee_and_caps", S, "cats always know when there's a stream", re="nib_cat"),
        t("ferrite_bead", Q, "is the resonance voltage controllable too or just the pot", key="q_rescv"),
        Host("answer", "q_rescv", 29),
        t("katmodular", R, "if you want resonance on cv, an ota in the feedback path does it", key="kat_ota"),
        t("dj_lowpass", S, "@katmodular the ota trick is so good", re="kat_ota"),
        t("potato_pal", E, "catJAM"),
    ]),
    Segment("19:00", "Envelope, MIDI and your questions", ("envelope", "ADSR", "VCA", "MIDI", "Arduino", "gate", "trigger", "CV", "DAC", "eurorack", "case", "schematic", "next build"), by="mod_marta"),
    Beat("19:02", CHAT, [
        t("mod_marta", C, "!segment Envelope, MIDI and your questions"),
        t("mod_marta", S, "use !ask so your question doesn't get lost in chat"),
        t("arduino_ali", C, "!ask how do you turn midi into cv, arduino + dac?", key="ask_cv"),
        Host("answer", "ask_cv", 47),
        t("n00b_noodle", C, "!hand", key="hand_noodle"),
        t("n00b_noodle", Q, "what should a total beginner build first?", key="q_first"),
        t("polyphonic_pete", C, "!ask will you make it polyphonic next time", key="ask_poly"),
        Host("dismiss", "ask_poly", 31),
        t("eurorack_eddie", C, "!ask eurorack version?? pls", key="ask_euro"),
        Host("answer", "ask_euro", 92),
        t("pcb_paula", C, "!ask will you share the schematic", key="ask_schem"),
        t("quietquinn", C, "!ask is the schematic beginner friendly?", key="ask_quinn"),
        Host("dismiss", "ask_quinn", 24),
        Host("reply", "ask_schem", 29, "@pcb_paula yes! schematic and parts list go up in #build-files tonight"),
        t("lurkin_larry", C, "!topic"),
        t("reverbqueen", Q, "is the envelope analog too or does the arduino do it", key="q_envanalog"),
        Host("answer", "q_envanalog", 30),
        t("arduino_ali", R, "mcp4822 is a nice cheap dac for this, 12 bit is plenty for 1v/oct over 4 octaves"),
        t("hex_inverter", R, "a 555 ADSR is a fine start, the transistor one from the old magazines is nicer"),
        t("wren.resistors", Q, "what's the attack range? can it do plucky stuff", key="q_pluck"),
        Host("answer", "q_pluck", 42),
        t("gertrude_knits", Q, "Could my grandson build this? He is 14", key="q_grandson"),
        Host("answer", "q_grandson", 38),
        t("ohm_my_god", S, "@gertrude_knits he absolutely could, 14 is when i started", key="omg_gert", re="q_grandson"),
        t("gertrude_knits", S, "@ohm_my_god Oh how lovely, thank you", re="omg_gert"),
    ]),
    Beat("20:05", CHAT, [
        t("eurorack_eddie", R, "please eurorack, i have 40hp free and nothing to put in it", key="eddie_hp"),
        t("pcb_paula", S, "@eurorack_eddie same, my case is all blank panels", re="eddie_hp"),
        t("mossy.patch", S, "questions from discord reach the hosts too, just use !ask here"),
        t("gritty_gate", C, "!ask how do you keep the envelope from clicking on fast attacks?", key="ask_click"),
        Host("answer", "ask_click", 55),
        t("hex_inverter", C, "!ask would you do the envelope on the arduino or keep it analog?", key="ask_envdup"),
        Host("dismiss", "ask_envdup", 21),
        t("vactrol_vic", C, "!hand", key="hand_vic"),
        Host("dismiss", "hand_vic", 100),
        t("bassdropbrian", C, "!hand"),
    ]),
    Beat("20:22", CHAT, [
        t("schmitt.trigger", R, "retrigger vs legato is the question every mono synth has to answer"),
        t("mr_blinky", OQ, "whats the discord link?", key="blinky_discord"),
        t("mod_marta", C, "!discord"),
        t("tinytoaster_", E, "VoHiYo"),
        t("grumpy_gain", OR, "chat is way too wholesome today, i'm uncomfortable"),
        t("sparkyboi", L, "LUL"),
    ]),
    Beat("20:40", BUSY, [
        Host("stage_start", "hand_noodle"),
        t("katmodular", R, "noodle you're gonna do great. start with a 555 and a speaker"),
        t("cheese_grater_", E, "NOODLE ON STAGE PogChamp"),
        *flood("GO NOODLE", ["jazzhandz99", "potato_pal", "clippy_returns", "ohm_my_god", "luna_beats", "mr_blinky", "hank_the_tank_", "reverbqueen", "fuzzpedal_fran", "sparkyboi", "beep_boop_bella", "analog_ana"]),
        t("tinytoaster_", E, "PogChamp PogChamp PogChamp"),
        t("reverbqueen", S, "@hello_its_mia noodle is so wholesome", key="rq_noodle"),
        t("hello_its_mia", S, "@reverbqueen right?? we're all noodle now", re="rq_noodle"),
    ]),
    Beat("21:15", CHAT, [
        t("lfo.lucy", R, "an atari punk console is the classic first build, two 555s and a pot"),
        t("krautrock_kev", OQ, "anyone going to superbooth next year?"),
        t("tape.echo", S, "superbooth yes, first time going"),
        t("8bit_ben", OQ, "what was the song at the start of the stream?", key="ben_song"),
        t("mod_marta", S, "@8bit_ben john's own track, it's on his bandcamp", re="ben_song"),
        t("schmitt.trigger", Q, "how do you get a gate out of midi note on?", key="q_gate"),
        Host("answer", "q_gate", 35),
        t("arduino_ali", R, "one digital pin for the gate, one for the trigger, pulse it 1ms on note on"),
        t("sparkyboi", Q, "how fast does the arduino react to midi? any lag?", key="q_lag"),
        Host("answer", "q_lag", 26),
        t("arduino_ali", R, "midi is 31250 baud, a note is about 1ms on the wire, the arduino is never the bottleneck"),
        t("sinewave_sam", R, "noodle asking the real questions, this is how we all started"),
        t("solderfumes", R, "first build tip: buy a kit. you learn soldering without debugging your own mistakes"),
        t("fuzzpedal_fran", R, "or a fuzz pedal kit! instant gratification"),
        t("coffee_and_caps", OR, "third coffee. send help", key="coffee3"),
        t("nibbler.byte", S, "coffee count update appreciated", re="coffee3"),
        t("ohmslaw_olga", R, "for the VCA an lm13700 is the easy route, and it can do filter duty too", key="olga_vca"),
        t("tape.echo", S, "olga knows everything, this is documented", re="olga_vca"),
        t("luna_beats", Q, "can you route the envelope to pitch for drum sounds?", key="q_envpitch"),
        Host("answer", "q_envpitch", 33),
        t("bassdropbrian", L, "kick drum goose when LUL"),
        t("robotnik_jr", OQ, "is priya's cat also named after a unit", key="robo_cat"),
        t("priya.builds", S, "she's called Farad, obviously", key="farad", re="robo_cat"),
        t("nibbler.byte", L, "FARAD 😂", re="farad"),
        t("marimba_mo", L, "lmaooo farad"),
        t("ohm_my_god", L, "OHM AND FARAD LUL"),
        *flood("OHM AND FARAD", ["jazzhandz99", "potato_pal", "clippy_returns", "hank_the_tank_", "grumpy_gain"]),
    ]),
    Beat("22:20", CHAT, [
        t("wren.resistors", Q, "could you add a second envelope just for the filter later?", key="q_env2"),
        Host("answer", "q_env2", 40),
        t("hex_inverter", R, "two envelopes is when it starts feeling like a real mono synth"),
        t("owl_at_3am", OQ, "is it normal to want to buy a soldering iron at 4am", key="owl_iron"),
        t("chad_thundercap", S, "@owl_at_3am yes. buy two", re="owl_iron"),
        t("beep_boop_bella", R, "the gate led blinking in time with the notes is so satisfying"),
    ]),
    Beat("22:45", BUSY, [
        t("luna_beats", R, "that pluck is SO good"),
        t("dj_lowpass", R, "envelope into the ladder cutoff, chef's kiss"),
        t("tinytoaster_", E, "PogChamp"),
        t("jazzhandz99", E, "Pog"),
        t("vee_tuber", L, "the goose is now a swan LUL"),
        t("bassdropbrian", L, "from goose to swan in 20 minutes LUL"),
        t("hank_the_tank_", L, "hahaha swan"),
        t("potato_pal", E, "Kreygasm"),
        t("analog_ana", E, "sick"),
        t("modular_mike", E, "so clean"),
        t("moog_mood", R, "turn the decay down a bit more and that's a proper bass pluck"),
        t("wren.resistors", R, "exactly the plucky stuff i was hoping for"),
        t("sparkyboi", E, "Kreygasm Kreygasm"),
    ]),
    Beat("23:15", CHAT, [
        Host("stage_end", "hand_noodle"),
        t("n00b_noodle", R, "that was awesome thank you!! ordering an atari punk console kit tonight"),
        t("gertrude_knits", G, "Well done young man"),
        t("ohm_my_god", E, "<3"),
        t("katmodular", R, "noodle if you get stuck, the discord has #build-help, ask there"),
        t("coffee_and_caps", C, "!ask what's the next build?", key="ask_next"),
        Host("answer", "ask_next", 44),
        t("robotnik_jr", OQ, "is there a vod?", key="vod"),
        Host("reply", "vod", 25, "yes, the vod stays up on twitch, and it'll be on youtube next week"),
        t("pcb_paula", R, "if you do the pcb next week i'm in for a board"),
        t("hex_inverter", R, "a VCA next would make the envelope really shine"),
        t("sinewave_sam", R, "with a vca and a case next week it'll be a real instrument"),
        t("quietquinn", G, "first stream i caught live, this was great"),
    ]),
    Beat("23:50", CHAT, [
        t("tomatosoup42", OQ, "same time next week?", key="tomato_next"),
        t("mod_marta", S, "@tomatosoup42 yep, 7pm utc friday", re="tomato_next"),
        t("eurorack_eddie", R, "if it ends up eurorack i'm building two"),
        t("schmitt.trigger", G, "great stream both"),
        t("vactrol_vic", G, "thanks! see you next week"),
        t("luna_beats", R, "trying the ladder on my drum bus tomorrow, thanks for the idea"),
    ]),
    Beat("24:20", CHAT, [
        t("priya.builds", G, "thank you all!! same time next friday, we'll put it in a case"),
        t("fridaybuild", G, "thanks chat!! schematic in the discord, see you next friday"),
        t("katmodular", G, "thanks John!! great build"),
        t("luna_beats", G, "byeee <3"),
        t("reverbqueen", G, "thanks john and priya!"),
        t("hello_its_mia", G, "gn everyone"),
        t("gertrude_knits", G, "Thank you John, I will tell my grandson all about it"),
        *flood("FRIDAY BUILD FRIDAY BUILD FRIDAY BUILD", ["ohm_my_god", "jazzhandz99", "potato_pal", "clippy_returns", "tinytoaster_", "bassdropbrian", "sparkyboi", "beep_boop_bella"]),
        *flood("<3 <3 <3", ["mr_blinky", "vee_tuber", "hank_the_tank_", "quietquinn", "ferrite_bead", "analog_ana", "modular_mike"], E),
        t("owl_at_3am", G, "gn from 4:30am"),
        t("dustin.ridges", G, "thanks both, great stream"),
        t("marimba_mo", G, "bye!!"),
        t("wirewrap_wes", G, "good show. see you next week"),
        t("lfo.lucy", G, "thanks priya & john 👋"),
        t("lurkin_larry", G, "gg"),
        t("sinewave_sam", G, "thanks John!!"),
        t("moog_mood", G, "thanks John!! thanks priya!"),
        t("fuzzpedal_fran", G, "great one, see ya"),
        t("n00b_noodle", G, "thank you so much!! see you next week"),
        t("mossy.patch", G, "stream's over, the discord stays open. thanks all"),
        t("ohmslaw_olga", G, "bye all!"),
        t("gritty_gate", G, "thanks!"),
        t("coffee_and_caps", OR, "going to sleep. eventually"),
        t("wren.resistors", G, "👋"),
        t("hex_inverter", G, "gg"),
        t("kiki_knobs", G, "thanks for having us, great build!"),
        t("robotnik_jr", G, "byeee"),
    ]),
]
# fmt: on

# The YouTube simulcast's chat, timed on its own (see the module docstring). Every beat's lines
# react to what happens on the Twitch/Discord side at the same minute.
# fmt: off
YOUTUBE_SCRIPT: list[Beat] = [
    Beat("01:40", CHAT, [
        t("TapeWarble", G, "hi from the youtube stream!"),
        t("AnalogDad", G, "evening all, kids finally asleep"),
        t("PatchPierre", OQ, "does the youtube chat reach you too or only twitch?", key="yt_reach"),
        Host("reply", "yt_reach", 35, "yes! YouTube chat lands in the same queue as Twitch and Discord"),
        t("LurkingLena", E, "👋👋"),
        t("ModJules", G, "welcome in, YouTube. questions start with !ask"),
    ]),
    Beat("03:05", CHAT, [
        sc("TapeWarble", Q, "for the parts fund! how many breadboards does the whole voice take?", "$5.00", 5.0, "USD", key="yt_boards"),
        Host("answer", "yt_boards", 40),
        t("AnalogDad", R, "the current limiting tip is gold, i fried two chips last month"),
        t("BeatmakerBo", OQ, "what DAW do you use for the demo tracks?", key="yt_daw"),
        Host("dismiss", "yt_daw", 30),
        t("LurkingLena", L, "the resistor bag 😂"),
    ]),
    Beat("06:15", CHAT, [
        t("RitaResonance", Q, "why an exponential converter and not just a linear one?", key="yt_expo"),
        Host("answer", "yt_expo", 55),
        t("PatchPierre", Q, "which op-amp would you pick for the integrator if tl072 is sold out?", key="yt_opamp"),
        Host("reply", "yt_opamp", 45, "@PatchPierre any JFET-input dual works: TL082, LF353, even an NE5532 in a pinch"),
        t("AnalogDad", R, "tempco resistor saved my last vco, it wandered a semitone before"),
        t("LurkingLena", E, "🔥🔥🔥"),
    ]),
    Beat("08:05", CALM, [
        t("FreeCryptoGiftNow", SP, "🎁 ELON GIVEAWAY 🎁 send 0.1 BTC get 1 BTC back, only today: crypto-double dot live", key="yt_spam"),
        Host("moderate", "yt_spam", 6, "delete"),
        t("ModJules", S, "removed that one, never send crypto to anyone in chat"),
        t("SynthGrandpa", R, "matched the expo pair with a dab of thermal paste in 1979, still works"),
    ]),
    Beat("09:35", CHAT, [
        sc("SynthGrandpa", Q, "great stream. how do you keep the saw core in tune once the room warms up?", "£10.00", 10.0, "GBP", key="yt_drift"),
        Host("answer", "yt_drift", 50),
        t("TapeWarble", R, "that sawtooth on the scope is so clean"),
        t("LurkingLena", E, "so smooth"),
    ]),
    Beat("14:25", CHAT, [
        t("RitaResonance", Q, "is the ladder the same topology as the original moog one or a variation?", key="yt_moog"),
        Host("answer", "yt_moog", 30),
        sticker("SynthGrandpa", E, "Super Sticker €2.00 from @SynthGrandpa", "€2.00", 2.0, "EUR"),
        t("BeatmakerBo", R, "resonance at 11 on a saw, yes please"),
    ]),
    Beat("15:20", CHAT, [
        t("tag_injector", H, "[b]YOUTUBE[/b] [@click=app.quit]was here[/] <script>alert(1)</script>", key="yt_markup"),
        Host("moderate", "yt_markup", 8, "delete"),
        t("PatchPierre", OQ, "what headphones is priya wearing?"),
        t("AnalogDad", S, "@PatchPierre they look like the sony studio ones", re=None),
        t("RitaResonance", R, "the self-oscillation sweep sounded amazing in headphones"),
        t("TapeWarble", C, "!hand"),
    ]),
    Beat("19:35", CHAT, [
        member("AnalogDad", OR, "a year as a member today, still learning something every week"),
        t("BeatmakerBo", Q, "could the arduino take midi clock from my DAW to sync the envelope?", key="yt_clock"),
        Host("reply", "yt_clock", 50, "@BeatmakerBo yes, MIDI clock in is a few lines more, next week!"),
    ]),
    Beat("22:05", CHAT, [
        t("AnalogDad", C, "!ask can the arduino send velocity to the vca too?", key="yt_velocity"),
        Host("answer", "yt_velocity", 45),
        t("LurkingLena", E, "that envelope snap 🔥"),
    ]),
    Beat("24:25", CHAT, [
        sc("TapeWarble", G, "thanks both, see you next friday!", "$2.00", 2.0, "USD"),
        t("SynthGrandpa", G, "wonderful show, goodnight from devon"),
        t("PatchPierre", G, "merci, bonne soirée!"),
        t("LurkingLena", G, "byeee 👋"),
        t("ModJules", G, "thanks for watching on youtube, see you next week"),
    ]),
]
# fmt: on


# --- rendering -----------------------------------------------------------------------------


def seconds(mmss: str) -> float:
    minutes, secs = mmss.split(":")
    return int(minutes) * 60 + int(secs)


def stamp(offset_ms: int) -> str:
    when = START + timedelta(milliseconds=offset_ms)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Ids:
    """Platform-shaped ids: Twitch numeric user ids and uuid message ids, Discord snowflakes."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self.users: dict[str, str] = {}
        self.increment = 0

    def user(self, viewer: Viewer) -> str:
        if viewer.login not in self.users:
            if viewer.platform == "twitch":
                self.users[viewer.login] = str(self.rng.randint(24_000_000, 1_100_000_000))
            else:
                created = datetime(2016, 1, 1, tzinfo=UTC) + timedelta(
                    days=self.rng.randint(0, 3000)
                )
                self.users[viewer.login] = self.snowflake(created)
        return self.users[viewer.login]

    def message(self, viewer: Viewer, offset_ms: int) -> str:
        if viewer.platform == "twitch":
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return self.snowflake(START + timedelta(milliseconds=offset_ms))

    def snowflake(self, when: datetime) -> str:
        self.increment = (self.increment + 1) % 4096
        ms = int(when.timestamp() * 1000) - DISCORD_EPOCH_MS
        worker, process = self.rng.randrange(32), self.rng.randrange(32)
        return str((ms << 22) | (worker << 17) | (process << 12) | self.increment)


class YouTubeIds:
    """YouTube-shaped ids: "UC" channel ids and "LCC." chat message ids."""

    ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self.users: dict[str, str] = {}

    def _chars(self, n: int) -> str:
        return "".join(self.rng.choice(self.ALPHABET) for _ in range(n))

    def user(self, viewer: Viewer) -> str:
        if viewer.login not in self.users:
            self.users[viewer.login] = "UC" + self._chars(22)
        return self.users[viewer.login]

    def message(self) -> str:
        return "LCC." + self._chars(52)


@dataclass
class Timed:
    offset_ms: int
    order: int
    record: dict[str, object]


def render(verbose: bool = False) -> Iterator[dict[str, object]]:
    """The show's events, in time order, as transcript records."""
    timing = random.Random("friday-night-build-37")
    ids = Ids("friday-night-build-37/ids")
    comments: dict[str, dict[str, object]] = {}  # key -> record
    offsets: dict[str, int] = {}  # key -> offset_ms
    spoken: set[str] = set()
    events: list[Timed] = []
    hosts: list[Host] = []  # timed from their comment
    placed: list[tuple[Host, int]] = []  # timed where they stand in the script
    cursor = 0  # ms
    pending: Segment | None = None  # started by a moderator's line in the next beat

    def emit(offset_ms: int, record: dict[str, object]) -> None:
        events.append(Timed(offset_ms, len(events), record))

    emit(0, {"kind": "show", "ts": stamp(0), "title": SHOW_TITLE, "description": SHOW_DESCRIPTION})
    for item in SCRIPT:
        planned = int(seconds(item.at) * 1000)
        if isinstance(item, Segment):
            cursor = max(cursor, planned)
            if item.by is None:
                emit(cursor, segment_record(item, cursor))
            else:
                pending = item
            continue
        start = max(planned + timing.randrange(0, 1500), cursor + 500)
        if verbose and start > planned:
            print(f"beat {item.at} starts late, at {start / 1000:.1f}s", file=sys.stderr)
        cursor = start
        first = True
        for entry in item.items:
            if isinstance(entry, Host):
                if entry.delay is None:
                    cursor += 1000 + timing.randrange(0, 2000)
                    placed.append((entry, cursor))
                    first = False  # the chat reacts after it, not at the same instant
                else:
                    hosts.append(entry)
                continue
            if not first:
                gap = item.pace * timing.uniform(0.35, 1.65)
                cursor += max(250, int(gap * 1000))
            first = False
            viewer = BY_LOGIN[entry.who]
            record: dict[str, object] = {
                "kind": "comment",
                "id": ids.message(viewer, cursor),
                "ts": stamp(cursor),
                "platform": viewer.platform,
                "channel": TWITCH_CHANNEL if viewer.platform == "twitch" else DISCORD_CHANNEL,
                "author_id": ids.user(viewer),
                "author": viewer.login,
                "text": entry.text,
                "roles": sorted(viewer.roles),
                "reply_to": None,
            }
            if viewer.display and viewer.display != viewer.login:
                record["display_name"] = viewer.display
            if viewer.first_time and viewer.login not in spoken:
                record["first_message"] = True
            spoken.add(viewer.login)
            if entry.re is not None:
                parent = comments[entry.re]
                if parent["platform"] != viewer.platform:
                    raise ValueError(f"{entry.text!r} replies across platforms")
                record["reply_to"] = parent["id"]
            record["intent"] = entry.intent
            if entry.key is not None:
                if entry.key in comments:
                    raise ValueError(f"key {entry.key!r} used twice")
                comments[entry.key] = record
                offsets[entry.key] = cursor
            emit(cursor, record)
            if pending is not None and (entry.who, entry.text) == starts(pending):
                emit(cursor, segment_record(pending, cursor))  # after the line that started it
                pending = None
        if pending is not None:
            raise ValueError(f"no {starts(pending)} in the beat after segment {pending.title!r}")
        if verbose:
            print(f"beat {item.at}: {start / 1000:.1f}s -> {cursor / 1000:.1f}s", file=sys.stderr)

    timed_hosts = [
        (host, offsets[host.key] + int((host.delay or 0) * 1000) + timing.randrange(0, 900))
        for host in hosts
    ]
    # One question at a time on air: an answer waits until the previous one is done.
    timed_hosts.sort(key=lambda pair: pair[1])
    last_answer = -ANSWER_SPACING_MS
    on_air: list[int] = []  # when each answer is given, for the simulcast's answers to fit in
    for index, (host, offset) in enumerate(timed_hosts):
        if host.action == "answer":
            offset = max(offset, last_answer + ANSWER_SPACING_MS + timing.randrange(0, 3000))
            last_answer = offset
            on_air.append(offset)
            waited = (offset - offsets[host.key]) / 1000
            if not 20 <= waited <= 120:
                raise ValueError(f"answer to {host.key!r} comes {waited:.0f}s after it")
            timed_hosts[index] = (host, offset)
    for host, offset in [*timed_hosts, *placed]:
        target = comments[host.key]
        record = {
            "kind": "host",
            "ts": stamp(offset),
            "action": host.action,
            "comment_id": target["id"],
            "author_id": target["author_id"],
            "text": host.text,
            "platform": target["platform"],
        }
        emit(offset, record)

    render_youtube(emit, on_air)
    events.sort(key=lambda timed: (timed.offset_ms, timed.order))
    for timed in events:
        yield timed.record


def segment_record(segment: Segment, offset_ms: int) -> dict[str, object]:
    return {
        "kind": "segment",
        "ts": stamp(offset_ms),
        "title": segment.title,
        "keywords": list(segment.keywords),
    }


def starts(segment: Segment) -> tuple[str | None, str]:
    """Who starts `segment` and with what line (its `by`, `!segment <title>`)."""
    return segment.by, f"!segment {segment.title}"


def render_youtube(emit: Callable[[int, dict[str, object]], None], on_air: list[int]) -> None:
    """The simulcast's chat and what the hosts did about it, with randomness of its own.

    Emitted after every other event, so an instant shared with an earlier line keeps that line
    first; an answer on air waits for a free slot between the answers already given.
    """
    timing = random.Random("friday-night-build-37/youtube")
    ids = YouTubeIds("friday-night-build-37/youtube-ids")
    comments: dict[str, dict[str, object]] = {}
    offsets: dict[str, int] = {}
    hosts: list[Host] = []
    for beat in YOUTUBE_SCRIPT:
        cursor = int(seconds(beat.at) * 1000) + timing.randrange(0, 1500)
        first = True
        for entry in beat.items:
            if isinstance(entry, Host):
                if entry.delay is None:
                    raise ValueError("simulcast host events are timed from their comment")
                hosts.append(entry)
                continue
            if not first:
                cursor += max(250, int(beat.pace * timing.uniform(0.35, 1.65) * 1000))
            first = False
            viewer = BY_LOGIN[entry.who]
            record: dict[str, object] = {
                "kind": "comment",
                "id": ids.message(),
                "ts": stamp(cursor),
                "platform": viewer.platform,
                "channel": YOUTUBE_VIDEO,
                "author_id": ids.user(viewer),
                "author": viewer.login,
                "text": entry.text,
                "roles": sorted(viewer.roles),
                "reply_to": None,
                "display_name": viewer.display,
            }
            if entry.paid is not None:
                kind, amount, currency, shown = entry.paid
                paid: dict[str, object] = {"kind": kind, "amount": amount}
                if currency:
                    paid["currency"] = currency
                if shown:
                    paid["shown"] = shown
                record["highlight"] = paid
            record["intent"] = entry.intent
            if entry.key is not None:
                comments[entry.key] = record
                offsets[entry.key] = cursor
            emit(cursor, record)
    for host in hosts:
        offset = offsets[host.key] + int((host.delay or 0) * 1000) + timing.randrange(0, 900)
        if host.action == "answer":
            while clash := [a for a in on_air if abs(a - offset) < ANSWER_SPACING_MS]:
                offset = max(clash) + ANSWER_SPACING_MS + timing.randrange(0, 3000)
            waited = (offset - offsets[host.key]) / 1000
            if not 20 <= waited <= 120:
                raise ValueError(f"answer to {host.key!r} comes {waited:.0f}s after it")
            on_air.append(offset)
        target = comments[host.key]
        emit(
            offset,
            {
                "kind": "host",
                "ts": stamp(offset),
                "action": host.action,
                "comment_id": target["id"],
                "author_id": target["author_id"],
                "text": host.text,
                "platform": target["platform"],
            },
        )


def build(verbose: bool = False) -> str:
    """The whole transcript as text (what gets written to the file)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in render(verbose))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=OUTPUT,
        help="where to write (default: the bundled file)",
    )
    parser.add_argument("--timeline", action="store_true", help="print each beat's start and end")
    args = parser.parse_args(argv)
    text = build(verbose=args.timeline)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    count = text.count('"kind": "comment"')
    print(f"wrote {args.output} ({count} comments)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
