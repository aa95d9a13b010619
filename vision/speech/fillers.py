"""Which words are fillers: "um", "uh", "er" (as Whisper writes them), filler "like" and "you know".

Lexical rules on the words and Whisper's punctuation, chosen by measurement on constructed clips
whose fillers are known (scripts/measure_transcripts.py; README "Filler words"). "Like" and
"you know" are also ordinary words ("I would like to", "it looks like", "do you know how"), so
each has a rule for when it is not a filler. "So", "well", "actually", "basically" and "right"
are too often real words to count without a language model, and are never fillers here.
"""

from __future__ import annotations

import re
from typing import Sequence

from poise.vision.speech.transcript import Word

# Hesitation sounds, in the spellings Whisper uses for them (and their lengthened forms).
HESITATIONS = frozenset({"um", "umm", "ummm", "uh", "uhh", "uhm", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mhm"})
# "like" after these is a verb or a comparison ("I like", "would like", "looks like", "just like").
LIKE_IS_A_WORD_AFTER = frozenset({
    "i", "you", "we", "they", "he", "she", "people", "would", "i'd", "we'd", "you'd", "they'd", "don't", "didn't",
    "doesn't", "do", "does", "did", "really", "also", "look", "looks", "looked", "looking", "seem", "seems",
    "seemed", "feel", "feels", "felt", "sound", "sounds", "sounded", "just", "much", "more", "something",
    "anything", "nothing", "things", "exactly", "is", "was", "be", "what", "not", "most", "least",
})
# "like" before these is a preposition ("like this one", "like them").
LIKE_IS_A_WORD_BEFORE = frozenset({"this", "that", "these", "those", "it", "him", "her", "them", "me", "us", "you"})
# "you know" after these is a question or a clause ("do you know", "if you know").
YOU_KNOW_IS_A_WORD_AFTER = frozenset({
    "do", "did", "does", "don't", "didn't", "if", "as", "what", "whether", "would", "will", "can", "could",
    "should", "that", "when", "because", "unless", "before", "once"})
# "you know" before these takes an object ("you know how", "you know the").
YOU_KNOW_IS_A_WORD_BEFORE = frozenset({
    "how", "what", "where", "when", "why", "who", "which", "whether", "if", "that", "the", "a", "an", "it",
    "him", "her", "them", "me", "us", "about", "more", "everything", "nothing", "something", "this"})

_EDGE = re.compile(r"^[^\w']+|[^\w']+$")


def bare(text: str) -> str:
    """A word without surrounding punctuation, lower case ('Um,' -> 'um')."""
    return _EDGE.sub("", text.lower())


def _comma_after(text: str) -> bool:
    """Whisper sets a filler off with a comma ('like,' 'you know,')."""
    return text.rstrip().endswith((",", "...", "…"))


def mark_fillers(words: Sequence[Word]) -> list[Word]:
    """The words (in time order) with ``filler`` set by the rules above; a new list."""
    bares = [bare(w.text) for w in words]
    at = lambda k: bares[k] if 0 <= k < len(bares) else ""
    flags = [False] * len(words)
    for i, b in enumerate(bares):
        if b in HESITATIONS:
            flags[i] = True
        elif b == "like":
            flags[i] = _comma_after(words[i].text) or (
                at(i - 1) not in LIKE_IS_A_WORD_AFTER and at(i + 1) not in LIKE_IS_A_WORD_BEFORE)
        elif b == "you" and at(i + 1) == "know":
            flags[i] = flags[i + 1] = _comma_after(words[i + 1].text) or (
                at(i - 1) not in YOU_KNOW_IS_A_WORD_AFTER and at(i + 2) not in YOU_KNOW_IS_A_WORD_BEFORE)
    return [w if w.filler == f else Word(w.start_s, w.end_s, w.text, w.probability, f) for w, f in zip(words, flags)]
