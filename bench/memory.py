"""Translation-memory benchmark: import speed, peak memory, fuzzy lookup latency and recall.

Why this benchmark exists: the memory is only useful if a large one (a million units, what a
few years of a busy site plus an imported vendor memory amount to) imports in seconds, fits in
a laptop's memory while its index is built, answers a fuzzy query in milliseconds — ``update``
asks one per new or changed message — and does not miss the matches a translator would get
from scanning everything. Each of those has a target, checked on this machine:

- **import**: ``translatio tm import`` of a TMX file (``pipeline.memory.project.import_files``,
  the real path: TMX parsing, the SQLite index, the TMX file rewritten) at ≥ 50,000 units/s;
- **peak memory** of that import (the process's RSS high-water mark) < 2 GB;
- **lookup** (``pipeline.memory.matching.lookup`` with threshold 75, 5 results): p50 ≤ 5 ms,
  p95 ≤ 20 ms at 1M units;
- **recall** ≥ 99% against brute force (``rapidfuzz.process.extractOne`` with ``fuzz.ratio``
  over every stored source): the inverted index must not lose the best match.

And, as context for ``update``: ``translatio update`` with its memory against GNU
``msgmerge --previous -C compendium.po`` on the same revised site.

Why synthetic sentences: the index's speed depends on how words are distributed (a query's
rarest words select the candidates), so the memory must look like prose — a vocabulary of
several thousand words with Zipf-like frequencies, sentence templates of 6–30 words, numbers —
rather than random strings (every word rare: too easy) or a few templates (every word
common: too hard). Everything is derived from ``--seed``, so every run sees the same bytes,
and the 100k memory is the first 100k sentences of the 1M one.

Run::

    python bench/memory.py                       # 100k and 1M units (several minutes)
    python bench/memory.py --sizes 20000 --queries 200 --skip-update   # a quick look
"""

from __future__ import annotations

import argparse
import bisect
import gc
import itertools
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:  # the project is installed editable, but run from a checkout too
    sys.path.insert(0, str(REPO))

SEED = 20261125
MIN_SCORE = 75
LIMIT = 5
TARGETS = {"import_rate": 50_000.0, "peak_bytes": 2 * 1024**3, "p50_ms": 5.0, "p95_ms": 20.0, "recall": 0.99}

# --- the sentence generator ---------------------------------------------------------------------
#
# Real words for the skeleton of the prose, and generated medical-looking terms (drug names,
# conditions, anatomy, lab tests) for the long tail: together several thousand distinct words.
# Every list is drawn from with Zipf-like weights (the word of rank r has weight 1/r^1.05), as
# in real text, where a few words are everywhere and most are rare.

NOUNS = """
patient patients doctor doctors nurse pharmacist physician treatment therapy medicine medication
dose doses tablet tablets capsule capsules injection infusion symptom symptoms condition disease
illness infection pain fever headache nausea dizziness fatigue rash swelling bleeding pressure
blood heart lung lungs liver kidney kidneys brain skin stomach bone bones muscle muscles joint
joints eye eyes ear throat chest back neck leg arm hand foot child children adult adults woman
women man men infant infants baby pregnancy breastfeeding study studies trial trials result results
risk risks benefit benefits effect effects side reaction reactions allergy allergies diet exercise
sleep weight water alcohol food meal meals drink smoking habit habits test tests level levels
sample samples scan diagnosis prognosis recovery hospital clinic emergency surgery operation
procedure appointment visit prescription label package leaflet instruction instructions advice
question questions answer information guidance guideline guidelines policy program service care
family friend caregiver community school work office home country region city area population
group groups member members age ages year years month months week weeks day days hour hours minute
minutes morning evening night time period stage phase course cycle level vitamin vitamins mineral
minerals protein sugar salt fat fiber calcium iron zinc sodium potassium cholesterol insulin
glucose hormone hormones enzyme enzymes antibody antibodies vaccine vaccines virus viruses bacteria
cell cells tissue tissues organ organs system systems immunity response function balance change
changes increase decrease difference factor factors cause causes sign signs case cases number
amount rate rates percent share quality safety health wellbeing stress anxiety depression mood
memory attention energy strength appetite thirst temperature breathing heartbeat pulse rhythm
vision hearing speech movement balance coordination weakness numbness stiffness cramp cramps
cough cold flu wound wounds burn burns fracture injury injuries accident accidents fall falls
insurance cost costs price prices budget report reports record records form forms document
documents website article articles section chapter table figure list review reviews evidence
data analysis method methods approach outcome outcomes goal goals plan plans decision decisions
""".split()

VERBS = """
reduce increase improve treat prevent cause help support protect affect lower raise control
manage monitor measure check test report record review recommend suggest advise require allow
include contain provide offer receive take use stop start continue avoid limit replace change
reach remain become seem appear develop grow spread heal recover return improve worsen relieve
ease block bind release absorb remove clear trigger signal detect confirm explain describe
compare combine adjust balance restore maintain extend shorten delay speed slow follow discuss
share visit call ask answer plan prepare store keep open close mix swallow chew dissolve apply
inject inhale rinse wash dry cover watch notice expect consider decide choose prefer need want
learn teach train measure estimate assess evaluate screen diagnose prescribe dispense order
""".split()

ADJECTIVES = """
common rare serious mild moderate severe chronic acute early late high low normal abnormal
healthy unhealthy safe unsafe effective useful important necessary possible likely unlikely
regular irregular daily weekly monthly annual new old young older younger small large long short
first second third final main major minor total average recent current previous further other
similar different same clear simple complex strong weak active inactive physical mental medical
clinical public private local national general specific individual personal social full empty
oral topical liquid solid fresh dry warm cold hot natural artificial standard extra single double
immediate gradual sudden temporary permanent visible hidden frequent occasional careful additional
""".split()

ADVERBS = """
usually often sometimes rarely always never generally typically frequently commonly slowly quickly
carefully gradually immediately regularly daily weekly also still only even just already almost
especially particularly mainly mostly partly fully completely slightly significantly easily
""".split()

PREPOSITIONS = "in of for with without after before during at on by from to about under over between among within across".split()
DETERMINERS = "the the the a a this that your their its each every some any no".split()
PERSONS = "doctor pharmacist nurse physician specialist dentist midwife caregiver".split()
UNITS = "mg mg mg ml g mcg units tablets capsules drops".split()
FREQUENCIES = (
    "once a day", "twice a day", "three times a day", "every morning", "every evening", "at bedtime",
    "with food", "on an empty stomach", "every 4 hours", "every 6 hours", "every 8 hours", "once a week",
)

_PREFIXES = "ab ac ad al am an ap ar as at az be ca ce ci cl co cr da de di do du el em en ep er es ev fa fe fl fo ga ge gl gr ha he hy ib im in ir is ka ke la le li lo lu ma me mi mo mu na ne ni no nu ob ol om on op or os pa pe ph pi po pr qu ra re ri ro ru sa se si so st su ta te ti to tr ul va ve vi vo xa ze zo".split()
_MIDDLES = "ba be bi bo ca ce ci co da de di do fa fe fi ga ge gi la le li lo lu ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi xi za zi".split()
_DRUG_ENDINGS = "pril sartan olol dipine statin azole mycin cillin cycline floxacin vir mab nib parin tidine prazole zepam pam done phine triptan setron lukast fenac profen oxetine aline afil".split()
_CONDITION_ENDINGS = "itis osis emia algia opathy oma uria ectasia plasia trophy spasm rrhea".split()
_ANATOMY_ENDINGS = "al ar ic ous ine ary".split()
_TEST_ENDINGS = "ase in ol ide ate gen".split()


def _pseudo_words(rng: random.Random, count: int, endings: Sequence[str], taken: set[str]) -> list[str]:
    """``count`` distinct made-up words that look like drug names, conditions or lab terms."""
    out: list[str] = []
    while len(out) < count:
        stem = rng.choice(_PREFIXES) + "".join(rng.choice(_MIDDLES) for _ in range(rng.randint(0, 2)))
        word = stem + rng.choice(endings)
        if word not in taken:
            taken.add(word)
            out.append(word)
    return out


class Zipf:
    """Draws from a list with weight 1/rank^s: a few words are common, most are rare."""

    def __init__(self, items: Sequence[str], rng: random.Random, s: float = 1.05) -> None:
        self.items = list(items)
        rng.shuffle(self.items)  # which words are the common ones is itself drawn from the seed
        weights = [1.0 / (rank**s) for rank in range(1, len(self.items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.total)]


@dataclass
class Vocabulary:
    """The word lists, each with its Zipf sampler."""

    noun: Zipf
    term: Zipf
    drug: Zipf
    condition: Zipf
    verb: Zipf
    adjective: Zipf
    adverb: Zipf
    preposition: Zipf
    distinct: int = 0

    @classmethod
    def build(cls, seed: int) -> Vocabulary:
        rng = random.Random(f"{seed}:vocabulary")
        taken = set(NOUNS) | set(VERBS) | set(ADJECTIVES) | set(ADVERBS)
        drugs = [w.capitalize() for w in _pseudo_words(rng, 1600, _DRUG_ENDINGS, taken)]
        conditions = _pseudo_words(rng, 900, _CONDITION_ENDINGS, taken)
        anatomy = _pseudo_words(rng, 500, _ANATOMY_ENDINGS, taken)
        tests = _pseudo_words(rng, 500, _TEST_ENDINGS, taken)
        terms = conditions + anatomy + tests
        vocabulary = cls(
            noun=Zipf(NOUNS, rng), term=Zipf(terms, rng), drug=Zipf(drugs, rng), condition=Zipf(conditions, rng),
            verb=Zipf(VERBS, rng), adjective=Zipf(ADJECTIVES + anatomy, rng), adverb=Zipf(ADVERBS, rng),
            preposition=Zipf(PREPOSITIONS, rng, s=0.8),
        )
        vocabulary.distinct = len(taken | set(PREPOSITIONS) | set(DETERMINERS) | set(PERSONS))
        return vocabulary


def _past(verb: str) -> str:
    """Regular past tense: "reduce" → "reduced", "treat" → "treated", "apply" → "applied"."""
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _third(verb: str) -> str:
    """Third person singular: "reduce" → "reduces", "mix" → "mixes", "apply" → "applies"."""
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


class SentenceGenerator:
    """Health and general prose: clauses from templates joined until a target length (6–30 words)."""

    def __init__(self, seed: int) -> None:
        self.words = Vocabulary.build(seed)
        self.seed = seed

    # Pieces of a clause. Each returns a list of words so that lengths are counted cheaply.

    def number(self, rng: random.Random) -> str:
        kind = rng.random()
        if kind < 0.35:
            return str(rng.choice((1, 2, 3, 4, 5, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 300, 400, 500, 1000)))
        if kind < 0.6:
            return str(rng.randint(2, 99))
        if kind < 0.75:
            return f"{rng.randint(0, 9)}.{rng.randint(1, 9)}"
        if kind < 0.9:
            return str(rng.randint(1990, 2026))
        return f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}"

    def noun_phrase(self, rng: random.Random) -> list[str]:
        w = self.words
        out = [DETERMINERS[rng.randrange(len(DETERMINERS))]]
        if rng.random() < 0.45:
            out.append(w.adjective(rng))
        roll = rng.random()
        if roll < 0.55:
            out.append(w.noun(rng))
        elif roll < 0.8:
            out.append(w.term(rng))
        else:
            out[-1:] = [w.drug(rng)] if len(out) == 1 else out[-1:] + [w.noun(rng)]
        if rng.random() < 0.25:
            out += [w.preposition(rng), w.term(rng) if rng.random() < 0.5 else w.noun(rng)]
        return out

    def clause(self, rng: random.Random) -> list[str]:
        w = self.words
        kind = rng.randrange(10)
        if kind == 0:
            return ["take", self.number(rng), rng.choice(UNITS), "of", w.drug(rng), *rng.choice(FREQUENCIES).split()]
        if kind == 1:
            return ["in", "a", "study", "of", self.number(rng), w.noun(rng) + "s" if rng.random() < 0.3 else "patients",
                    self.number(rng), "percent", _past(w.verb(rng)), *self.noun_phrase(rng)]
        if kind == 2:
            return ["do", "not", w.verb(rng), w.drug(rng), w.preposition(rng), *self.noun_phrase(rng),
                    "without", "talking", "to", "your", rng.choice(PERSONS)]
        if kind == 3:
            return ["if", "you", "have", w.condition(rng), ",", "your", rng.choice(PERSONS), "may", w.verb(rng),
                    *self.noun_phrase(rng)]
        if kind == 4:
            return [*self.noun_phrase(rng), "can", w.verb(rng), *self.noun_phrase(rng), "in", "about",
                    self.number(rng), "percent", "of", "cases"]
        if kind == 5:
            return [w.adverb(rng), ",", *self.noun_phrase(rng), _third(w.verb(rng)), *self.noun_phrase(rng)]
        if kind == 6:
            return [*self.noun_phrase(rng), "should", "be", _past(w.verb(rng)), "for", "at", "least",
                    self.number(rng), rng.choice(("days", "weeks", "months", "hours"))]
        if kind == 7:
            return [w.drug(rng), "is", "used", "to", w.verb(rng), w.condition(rng), "and", w.condition(rng)]
        if kind == 8:
            return ["tell", "your", rng.choice(PERSONS), "if", *self.noun_phrase(rng), _third(w.verb(rng)),
                    w.adverb(rng)]
        return [*self.noun_phrase(rng), w.adverb(rng), _third(w.verb(rng)), *self.noun_phrase(rng),
                w.preposition(rng), *self.noun_phrase(rng)]

    def words_of(self, rng: random.Random) -> list[str]:
        """One sentence as words, 6 to 30 of them (commas count as words here, not in text)."""
        target = rng.randint(6, 30)
        out = self.clause(rng)
        while len(out) < target:
            out += [rng.choice((",", "and", "because", "but", "while", "so", ", which", "when")), *self.clause(rng)]
        return self._trim(out, target)

    @staticmethod
    def _trim(out: list[str], target: int) -> list[str]:
        real = [x for x in out if x not in (",", ", which")]
        if len(real) <= 30:
            return out
        kept, count = [], 0
        for token in out:
            count += token not in (",", ", which")
            if count > max(target, 6):
                break
            kept.append(token)
        return kept

    def sentence(self, rng: random.Random) -> str:
        tokens = self.words_of(rng)
        text = " ".join(tokens).replace(" ,", ",").replace(",,", ",").strip(" ,")
        return text[0].upper() + text[1:] + "."

    def sentences(self, count: int, stream: str = "memory", exclude: set[str] | None = None) -> list[str]:
        """``count`` distinct sentences; the first k of n are the same for any n ≥ k."""
        rng = random.Random(f"{self.seed}:{stream}")
        seen: set[str] = set()
        out: list[str] = []
        while len(out) < count:
            text = self.sentence(rng)
            if text in seen or (exclude is not None and text in exclude):
                continue
            seen.add(text)
            out.append(text)
        return out

    def any_word(self, rng: random.Random) -> str:
        w = self.words
        return rng.choice((w.noun, w.term, w.verb, w.adjective, w.adverb, w.preposition, w.drug))(rng)


_GERMAN = {
    "the": "die", "a": "eine", "and": "und", "of": "von", "in": "in", "for": "für", "with": "mit",
    "without": "ohne", "not": "nicht", "do": "tun", "your": "Ihr", "is": "ist", "to": "zu", "if": "wenn",
    "you": "Sie", "can": "kann", "may": "kann", "should": "sollte", "be": "sein", "percent": "Prozent",
    "patients": "Patienten", "doctor": "Arzt", "take": "nehmen", "this": "diese", "that": "das",
}


def pseudo_german(text: str) -> str:
    """A deterministic stand-in for a German translation: some words translated, the rest
    given a German-looking ending. Targets matter only as stored text (length, bytes)."""
    out = []
    for word in text.split(" "):
        core = word.rstrip(",.")
        tail = word[len(core) :]
        lower = core.lower()
        if lower in _GERMAN:
            new = _GERMAN[lower]
        elif core[:1].isdigit():
            new = core.replace(",", "\u202f").replace(".", ",") if "." in core else core.replace(",", ".")
        elif len(core) > 3:
            new = core[:1].upper() + core[1:] + ("ung" if len(core) % 3 == 0 else "en" if len(core) % 3 == 1 else "e")
        else:
            new = core
        out.append(new + tail)
    return " ".join(out)


def edit_sentence(text: str, generator: SentenceGenerator, rng: random.Random) -> str:
    """A stored sentence as an author would revise it: 1–3 word substitutions, insertions or
    deletions, and sometimes a changed number (what the risk penalty is about)."""
    words = text.rstrip(".").split(" ")
    numbers = [i for i, word in enumerate(words) if word[:1].isdigit()]
    if numbers and rng.random() < 0.4:
        i = rng.choice(numbers)
        tail = "," if words[i].endswith(",") else ""
        words[i] = str(rng.randint(1, 500)) + tail
        edits = rng.randint(0, 2)
    else:
        edits = rng.randint(1, 3)
    for _ in range(edits):
        kind = rng.random()
        i = rng.randrange(len(words))
        if kind < 0.5:
            tail = "," if words[i].endswith(",") else ""
            words[i] = generator.any_word(rng) + tail
        elif kind < 0.8:
            words.insert(i, generator.any_word(rng))
        elif len(words) > 4:
            del words[i]
    out = " ".join(words)
    return out[0].upper() + out[1:] + "."
