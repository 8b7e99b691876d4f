"""Translation-memory benchmark: import speed, peak memory, fuzzy lookup latency and recall.

Why this benchmark exists: the memory is only useful if a large one (a million units, what a
few years of a busy site plus an imported vendor memory amount to) imports in seconds, fits in
a laptop's memory while its index is built, answers a fuzzy query in milliseconds — ``update``
asks one per new or changed message — and does not miss the matches a translator would get
from scanning everything. Each of those has a target, checked on this machine:

- **import**: ``translatio tm import`` of a TMX file (``pipeline.memory.project.import_files``,
  the real path: TMX parsing, the index or the server, the TMX file rewritten) at ≥ 50,000
  units/s;
- **peak memory** of that import (the importing process's RSS high-water mark) ≤ 1 GB;
- **lookup** (``pipeline.memory.matching.lookup`` with threshold 75, 5 results): p50 ≤ 5 ms,
  p95 ≤ 20 ms at 1M units on SQLite; on PostgreSQL within 2× of that with 4 clients asking at
  once (a team: several ``update`` runs and translators' searches);
- **recall** ≥ 99% against brute force (``rapidfuzz.process.extractOne`` with ``fuzz.ratio``
  over every stored source), on edited copies of stored sentences and on unseen sentences alike:
  the candidate stage must not lose the best match.

Each backend is measured on the same TMX file and the same queries, brute force once per size.
The machine may be shared with other work: beside each wall time the CPU time is given (for
PostgreSQL on this machine, the server's CPU time too), which load disturbs far less.

And, as context for ``update``: ``translatio update`` with its memory against GNU
``msgmerge --previous -C compendium.po`` on the same revised site.

Why synthetic sentences: the index's speed depends on how words are distributed (a query's
rarest words select the candidates), so the memory must look like prose — a vocabulary of
several thousand words with Zipf-like frequencies, sentence templates of 6–30 words, numbers —
rather than random strings (every word rare: too easy) or a few templates (every word
common: too hard). Everything is derived from ``--seed``, so every run sees the same bytes,
and the 100k memory is the first 100k sentences of the 1M one.

Run::

    python bench/memory.py                       # 100k and 1M units, SQLite and PostgreSQL (an hour)
    python bench/memory.py --sizes 20000 --queries 200 --skip-update   # a quick look
    python bench/memory.py --backends sqlite     # without PostgreSQL
    python bench/memory.py --sizes 100000 --import-only   # tm import alone, both backends (minutes)

PostgreSQL is a throw-away server started for the run (``tests/pgserver.py``: Debian's
``postgresql`` and ``postgresql-contrib``), or ``--pg-url`` names an empty database.
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
from typing import Iterable, Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:  # the project is installed editable, but run from a checkout too
    sys.path.insert(0, str(REPO))

SEED = 20261125
MIN_SCORE = 75
LIMIT = 5
TARGETS = {"import_rate": 50_000.0, "peak_bytes": 1024**3, "p50_ms": 5.0, "p95_ms": 20.0, "recall": 0.99, "server_factor": 2.0}
"""Set for 1M units; ``server_factor``: PostgreSQL with 4 clients at once may be this many times slower than SQLite alone."""

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
        """One sentence of 6–30 words (as ``str.split`` counts them), capitalized, full stop."""
        while True:
            tokens = self.words_of(rng)
            text = " ".join(tokens).replace(" ,", ",").replace(",,", ",").strip(" ,")
            if 6 <= text.count(" ") + 1 <= 30:
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


# --- measuring ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0–1) percentile by linear interpolation, as numpy's default does."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def status_kb(field_name: str) -> int:
    """A ``/proc/self/status`` figure in kB (``VmHWM``: the RSS high-water mark), 0 if absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def write_project(root: Path, locales: Sequence[str] = ("de",), memory_url: str = "") -> None:
    """A fresh, empty translatio project: what ``tm import`` is run in (its memory on the server
    at ``memory_url``, or its own SQLite index)."""
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    server = f'memory_url = "{memory_url}"\nproject_name = "bench"\n' if memory_url else ""
    (root / "pyproject.toml").write_text(
        '[project]\nname = "bench-memory"\n\n[tool.translatio]\nsource_dir = "source"\nlocale_dir = "locale"\n'
        f'build_dir = "build"\nsource_locale = "en"\nlocales = [{", ".join(repr(c).replace(chr(39), chr(34)) for c in locales)}]\n'
        + server,
        encoding="utf-8",
    )


@dataclass
class Backend:
    """A memory engine the benchmark measures: ``sqlite`` (the project's own index) or
    ``postgresql`` (a server; ``url`` names a database of its own for each size)."""

    name: str
    url: str = ""
    cluster: object = None
    """The throw-away server the benchmark started (tests/pgserver.py), if it did."""

    def database(self, size: int) -> str:
        """An empty database for one memory size (the server is the benchmark's own), or ``url``."""
        if self.cluster is None:
            return self.url
        return self.cluster.database()  # type: ignore[attr-defined]

    def server_cpu(self) -> float:
        """CPU seconds the benchmark's own server has used so far, its finished backends included
        (the postmaster's children's times), or 0 for a server elsewhere."""
        if self.cluster is None:
            return 0.0
        pid_file = self.cluster.folder / "data" / "postmaster.pid"  # type: ignore[attr-defined]
        try:
            postmaster = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        total = _proc_cpu(postmaster, children=True)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                total += _proc_cpu(int(stat.parent.name))
        return total


def _proc_cpu(pid: int, children: bool = False) -> float:
    """A process's user + system CPU seconds from ``/proc/<pid>/stat`` (and its waited-for children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def import_worker(root: Path, tmx: Path, profile: Path | None) -> None:
    """Run in a child process: import ``tmx`` into the project at ``root`` and print, as JSON,
    the wall time, the CPU time and the RSS high-water mark. A process of its own, so that the
    high-water mark is the import's alone, not the benchmark's (which holds a million sentences)."""
    import resource

    from pipeline.config import load_config
    from pipeline.memory.project import import_files

    config = load_config(root)
    gc.collect()
    baseline = status_kb("VmRSS")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        counts = profiler.runcall(import_files, config, [tmx])
        profiler.dump_stats(str(profile))
    else:
        counts = import_files(config, [tmx])
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "counts": counts, "hwm_kb": status_kb("VmHWM"), "baseline_kb": baseline}))


@dataclass
class ImportResult:
    units: int
    tmx_bytes: int
    write_seconds: float
    import_seconds: float
    peak_bytes: int
    baseline_bytes: int
    cpu_seconds: float
    """The importing process's CPU time (user + system)."""
    server_cpu_seconds: float
    """A server's CPU time during the import (PostgreSQL on this machine), 0 otherwise."""
    index_bytes: int
    open_seconds: float = 0.0


def measure_import(tmx: Path, write_seconds: float, workdir: Path, size: int, backend: Backend,
                   profile: Path | None) -> tuple[ImportResult, Path]:  # fmt: skip
    """Import the TMX file in a child process, into a fresh project on ``backend``."""
    url = backend.database(size) if backend.name == "postgresql" else ""
    root = workdir / f"project-{backend.name}-{size}"
    write_project(root, memory_url=url)
    command = [sys.executable, str(Path(__file__).resolve()), "_import", str(root), str(tmx)]
    server_before = backend.server_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"import worker failed: {done.stderr.strip()[-2000:]}")
    server_cpu = backend.server_cpu() - server_before
    report = json.loads(done.stdout.strip().splitlines()[-1])
    read, stored = report["counts"]["de"]
    if url:
        import psycopg

        with psycopg.connect(url) as db:
            index_bytes = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    else:
        index = root / "locale" / ".tm-index.sqlite"
        index_bytes = sum(p.stat().st_size for p in index.parent.glob(index.name + "*"))
    return ImportResult(
        units=stored, tmx_bytes=tmx.stat().st_size, write_seconds=write_seconds, import_seconds=report["seconds"],
        peak_bytes=report["hwm_kb"] * 1024, baseline_bytes=report["baseline_kb"] * 1024, cpu_seconds=report["cpu"],
        server_cpu_seconds=server_cpu, index_bytes=index_bytes,
    ), root


def profile_import(tmx: Path, workdir: Path, out: Path) -> None:
    """A second import, under cProfile, into another fresh project (the timed one is not
    profiled: cProfile roughly doubles the time of Python-heavy code)."""
    import pstats

    root = workdir / "project-profile"
    write_project(root)
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_import", str(root), str(tmx), "--profile-file", str(out)],
                          capture_output=True, text=True, check=False)
    shutil.rmtree(root, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"import worker failed: {done.stderr.strip()[-2000:]}")
    print(f"  import profile: {out} (under cProfile: {json.loads(done.stdout.strip().splitlines()[-1])['seconds']:.1f} s)")
    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(14)


@dataclass
class BruteForce:
    """rapidfuzz over every stored source, once per memory size, shared by every backend."""

    best: list[tuple[str, float] | None] = field(default_factory=list)
    """For each query brute-forced (the first ``len(best)``), its best source (normalized) and
    score, or None below 75."""
    ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)


def brute_force(sources: list[str], queries: list[tuple[str, str]], budget: float, most: int) -> BruteForce:
    """``process.extractOne`` with ``fuzz.ratio`` over every source, for as many queries as the
    budget allows (every query if it can; at least 100)."""
    from rapidfuzz import fuzz, process

    from pipeline.memory.units import normalize

    normalized = [normalize(s) for s in sources]
    result = BruteForce()
    spent = 0.0
    for n, (_, text) in enumerate(queries):
        if n >= most or (spent > budget and n >= 100):
            break
        query = normalize(text)
        start, cpu = time.perf_counter(), time.process_time()
        best = process.extractOne(query, normalized, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
        elapsed = time.perf_counter() - start
        result.cpu_ms.append((time.process_time() - cpu) * 1000)
        spent += elapsed
        result.ms.append(elapsed * 1000)
        result.best.append(None if best is None else (best[0], best[1]))
    return result


@dataclass
class QueryResult:
    queries: int
    ours_ms: list[float] = field(default_factory=list)
    ours_cpu_ms: list[float] = field(default_factory=list)
    """CPU time per lookup: the client's, plus the server backend's for PostgreSQL."""
    raw_ms: list[float] = field(default_factory=list)
    concurrent_ms: list[float] = field(default_factory=list)
    """Lookup latencies of every query from each of :data:`CLIENTS` clients running at once."""
    concurrent_cpu_ms: list[float] = field(default_factory=list)
    brute_checked: int = 0
    with_match: int = 0
    """Queries (among those brute-forced) whose brute-force best score is ≥ 75."""
    hits_raw: int = 0
    hits_lookup: int = 0
    lookup_misses: dict[str, int] = field(default_factory=dict)
    """Why ``lookup``'s best differs from brute force's: a reason → count."""
    raw_misses: list[tuple[str, str, float, str, float]] = field(default_factory=list)
    edited_with_match: int = 0
    unseen_with_match: int = 0
    edited_hits_raw: int = 0
    unseen_hits_raw: int = 0


CLIENTS = 4
"""Clients asking a PostgreSQL memory at once (a team: several ``update`` runs, translators' searches)."""


def make_queries(sources: list[str], generator: SentenceGenerator, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` queries, alternating (kind, text): edited copies of stored sentences and unseen
    sentences of the same generator (a different random stream, none of them stored)."""
    rng = random.Random(f"{seed}:queries:{len(sources)}")
    edited = [edit_sentence(sources[rng.randrange(len(sources))], generator, rng) for _ in range((count + 1) // 2)]
    unseen = generator.sentences(count // 2, stream=f"unseen:{len(sources)}", exclude=set(sources))
    out: list[tuple[str, str]] = []
    for pair in itertools.zip_longest(edited, unseen):
        out += [("edited", pair[0])] if pair[0] is not None else []
        out += [("unseen", pair[1])] if pair[1] is not None else []
    return out


def _backend_cpu(memory: object) -> float:
    """CPU seconds of a PostgreSQL memory's server backend (on this machine), 0 for SQLite."""
    db = getattr(memory, "db", None)
    info = getattr(db, "info", None)
    return _proc_cpu(info.backend_pid) if info is not None and hasattr(info, "backend_pid") else 0.0


def _timed_lookups(root: Path, texts: list[str], warmup: list[str]) -> tuple[list[float], list[float], list[list]]:
    """Open the project's memory and time ``lookup`` on each text: wall ms, CPU ms, matches."""
    from pipeline.config import load_config
    from pipeline.memory.matching import MemoryQuery, lookup
    from pipeline.memory.project import open_memory

    memory = open_memory(load_config(root), for_writing=False)
    wall, cpu, found = [], [], []
    try:
        for text in warmup:  # the first queries fault the index's pages in; a user's session is warm
            lookup(memory, MemoryQuery(text, "de"), MIN_SCORE, LIMIT)
        clock = time.perf_counter
        for text in texts:
            start, used, served = clock(), time.process_time(), _backend_cpu(memory)
            matches = lookup(memory, MemoryQuery(text, "de"), MIN_SCORE, LIMIT)
            wall.append((clock() - start) * 1000)
            cpu.append((time.process_time() - used + _backend_cpu(memory) - served) * 1000)
            found.append(matches)
    finally:
        memory.close()
    return wall, cpu, found


def _client(root: Path, texts: list[str], warmup: list[str], ready: object, out: object) -> None:
    """One of the concurrent clients (a forked process): warm up, wait for the others, run."""
    from pipeline.config import load_config
    from pipeline.memory.matching import MemoryQuery, lookup
    from pipeline.memory.project import open_memory

    memory = open_memory(load_config(root), for_writing=False)
    wall, cpu = [], []
    try:
        for text in warmup:
            lookup(memory, MemoryQuery(text, "de"), MIN_SCORE, LIMIT)
        ready.wait()  # type: ignore[attr-defined]
        for text in texts:
            start, used, served = time.perf_counter(), time.process_time(), _backend_cpu(memory)
            lookup(memory, MemoryQuery(text, "de"), MIN_SCORE, LIMIT)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - used + _backend_cpu(memory) - served) * 1000)
    finally:
        memory.close()
    out.put((wall, cpu))  # type: ignore[attr-defined]


def concurrent_lookups(root: Path, queries: list[tuple[str, str]], warmup: list[str], clients: int) -> tuple[list[float], list[float]]:
    """``clients`` processes, each asking every query (each its own rotation of the list), at once."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    ready, out = context.Barrier(clients), context.Queue()
    texts = [text for _, text in queries]
    shifts = [n * len(texts) // clients for n in range(clients)]  # each starts elsewhere: no lockstep on one text
    workers = [context.Process(target=_client, args=(root, texts[k:] + texts[:k], warmup, ready, out)) for k in shifts]
    for worker in workers:
        worker.start()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in workers:
        w, c = out.get(timeout=3600)
        wall += w
        cpu += c
    for worker in workers:
        worker.join()
    return wall, cpu


def measure_queries(root: Path, backend: Backend, queries: list[tuple[str, str]], brute: BruteForce,
                    warmup: list[str]) -> tuple[QueryResult, float]:  # fmt: skip
    """Time ``lookup`` and ``lookup_fuzzy`` on every query (one client; for PostgreSQL also
    :data:`CLIENTS` at once), and count how often ours finds brute force's best."""
    from pipeline.config import load_config
    from pipeline.memory.project import open_memory
    from pipeline.memory.units import normalize

    start = time.perf_counter()
    memory = open_memory(load_config(root))
    open_seconds = time.perf_counter() - start
    memory.close()
    result = QueryResult(len(queries))
    result.ours_ms, result.ours_cpu_ms, ours = _timed_lookups(root, [text for _, text in queries], warmup)
    memory = open_memory(load_config(root), for_writing=False)
    raw: list[list] = []
    try:
        for _, text in queries:
            start = time.perf_counter()
            raw.append(memory.lookup_fuzzy(text, "de", MIN_SCORE, LIMIT))
            result.raw_ms.append((time.perf_counter() - start) * 1000)
    finally:
        memory.close()
    if backend.name == "postgresql":
        result.concurrent_ms, result.concurrent_cpu_ms = concurrent_lookups(root, queries, warmup, CLIENTS)

    for n, best in enumerate(brute.best[: len(queries)]):
        kind, text = queries[n]
        query = normalize(text)
        result.brute_checked += 1
        if best is None:
            continue
        brute_text, brute_score = best
        result.with_match += 1
        if kind == "edited":
            result.edited_with_match += 1
        else:
            result.unseen_with_match += 1
        top = raw[n][0] if raw[n] else None
        if top is not None and (normalize(top.unit.source) == brute_text or abs(top.similarity - brute_score) < 1e-9):
            result.hits_raw += 1
            if kind == "edited":
                result.edited_hits_raw += 1
            else:
                result.unseen_hits_raw += 1
        else:
            result.raw_misses.append((query, brute_text, brute_score, normalize(top.unit.source) if top else "", top.similarity if top else 0.0))
        match = ours[n][0] if ours[n] else None
        if match is not None and (normalize(match.unit.source) == brute_text or abs(match.similarity - brute_score) < 1e-9):
            result.hits_lookup += 1
        else:
            reason = _lookup_miss_reason(query, brute_text, brute_score, match, top)
            result.lookup_misses[reason] = result.lookup_misses.get(reason, 0) + 1
    return result, open_seconds


def _lookup_miss_reason(query: str, brute_text: str, brute_score: float, match, top) -> str:
    """Why ``lookup``'s best is not brute force's best: the risk penalty, or the index."""
    from pipeline.memory.matching import RISK_PENALTY, risk_differences

    if top is None or (top.similarity + 1e-9 < brute_score):
        return "the index missed the candidate (raw lookup_fuzzy missed it too)"
    differences = risk_differences(query, brute_text)
    penalized = min(99, int(brute_score)) - RISK_PENALTY * len(differences)
    if differences and penalized < MIN_SCORE:
        return "brute force's best falls below 75 after the number/negation penalty"
    if differences:
        return "penalty reordered: another source outranks brute force's best after penalties"
    return "other"


# --- update against msgmerge -----------------------------------------------------------------------


@dataclass
class UpdateResult:
    articles: int
    catalogues: int
    messages: int
    ours_seconds: list[float] = field(default_factory=list)
    ours_plain_seconds: list[float] = field(default_factory=list)
    extract_seconds: list[float] = field(default_factory=list)
    msgcat_seconds: float = 0.0
    msgmerge_seconds: list[float] = field(default_factory=list)
    import_seconds: float = 0.0
    ours_counts: dict[str, int] = field(default_factory=dict)
    msgmerge_counts: dict[str, int] = field(default_factory=dict)
    skipped: str = ""


def _count_po(paths: Iterable[Path]) -> dict[str, int]:
    """translated / fuzzy / untranslated active messages in some catalogues (headers excluded)."""
    from pipeline.catalogs import read_po
    from pipeline.catalogs.model import FUZZY

    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for path in paths:
        for message in read_po(path).active:
            if message.is_header:
                continue
            if FUZZY in message.flags:
                counts["fuzzy"] += 1
            elif message.translated:
                counts["translated"] += 1
            else:
                counts["untranslated"] += 1
    return counts


def measure_update(workdir: Path, articles: int, runs: int) -> UpdateResult:
    """``translatio update`` (memory on, and off) against ``msgmerge --previous -C`` per catalogue.

    The site: ``bench/corpus.py``'s generator, fully translated into de/fr/es (the previous
    revision); its catalogues, concatenated with ``msgcat`` per locale, are the compendium for
    msgmerge and are imported into our memory, so both tools know the same translations. Then
    the sources are revised and each tool brings the catalogues up to date from the same state
    (copied afresh before every run, untimed).
    """
    sys.path.insert(0, str(BENCH))
    import corpus  # the other benchmark's generator, used as it is

    from pipeline.config import load_config
    from pipeline.extract import extract_project, write_templates
    from pipeline.memory.project import import_files
    from pipeline.update import update_locales

    base = workdir / "site-base"
    corpus.write_site(base, articles)
    corpus.translate_project(base)
    locales = corpus.LOCALES
    catalogues = sorted((base / "locale").glob("*/LC_MESSAGES/*.po"))
    result = UpdateResult(articles, len(catalogues), 0)
    msgcat, msgmerge = shutil.which("msgcat") or "", shutil.which("msgmerge") or ""
    compendia: dict[str, Path] = {}
    if msgcat and msgmerge:
        start = time.perf_counter()
        for code in locales:
            compendia[code] = workdir / f"compendium-{code}.po"
            subprocess.run([msgcat, "--use-first", "-o", str(compendia[code]),
                            *map(str, sorted((base / "locale" / code / "LC_MESSAGES").glob("*.po")))], check=True)
        result.msgcat_seconds = time.perf_counter() - start
        start = time.perf_counter()
        import_files(load_config(base), list(compendia.values()))
        result.import_seconds = time.perf_counter() - start
    else:
        result.skipped = "msgmerge/msgcat not installed (apt-get install gettext): msgmerge not measured, memory left empty"
    corpus.revise_sources(base)
    template_count = len(list((base / "source").glob("*.md"))) + 1  # articles and ui

    def fresh(name: str) -> Path:
        target = workdir / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(base, target)
        return target

    for _ in range(runs):
        root = fresh("site-ours")
        start = time.perf_counter()
        update_locales(load_config(root))
        result.ours_seconds.append(time.perf_counter() - start)
    result.ours_counts = _count_po(sorted((root / "locale").glob("*/LC_MESSAGES/*.po")))
    result.messages = sum(result.ours_counts.values())
    for _ in range(runs):
        root = fresh("site-plain")
        start = time.perf_counter()
        update_locales(load_config(root), use_memory=False)
        result.ours_plain_seconds.append(time.perf_counter() - start)
    if not compendia:
        return result
    for _ in range(runs):
        root = fresh("site-msgmerge")
        config = load_config(root)
        start = time.perf_counter()
        write_templates(config, extract_project(config).texts)
        result.extract_seconds.append(time.perf_counter() - start)
        pots = sorted((root / "locale").glob("*.pot"))
        assert len(pots) == template_count, (len(pots), template_count)
        start = time.perf_counter()
        for code in locales:
            for pot in pots:
                po = root / "locale" / code / "LC_MESSAGES" / f"{pot.stem}.po"
                subprocess.run([msgmerge, "--quiet", "--previous", "-C", str(compendia[code]), "-o", str(po), str(po), str(pot)],
                               check=True)
        result.msgmerge_seconds.append(time.perf_counter() - start)
    result.msgmerge_counts = _count_po(sorted((root / "locale").glob("*/LC_MESSAGES/*.po")))
    return result


# --- the report --------------------------------------------------------------------------------


def machine_lines() -> list[str]:
    """What the figures were measured on: CPUs, Python, SQLite, rapidfuzz, msgmerge, commit."""
    from importlib.metadata import version

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        total_kb = int(meminfo.read_text().split("\n")[0].split()[1])
        memory = f", {total_kb / 1024**2:.1f} GiB RAM"
    msgmerge = shutil.which("msgmerge")
    msgmerge_version = subprocess.run([msgmerge, "--version"], capture_output=True, text=True).stdout.split("\n")[0] if msgmerge else "not installed"
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "pipeline"], capture_output=True, text=True).stdout.strip()
        commit = f"git {head}" + (" (pipeline/ modified in the working tree)" if dirty else "")
    except OSError:
        commit = "unknown"
    return [
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({usable} usable){', ' + model if model else ''}{memory}",
        f"python: {platform.python_implementation()} {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"rapidfuzz {version('rapidfuzz')}; translatio {version('translatio')} ({commit}); {msgmerge_version}",
    ]


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  " + "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def mb(value: float) -> str:
    return f"{value / 1024**2:,.0f} MB"


def report_import(size: int, backend: Backend, imported: ImportResult) -> None:
    """One import's figures on one line (``--import-only``): rate by wall and by CPU time, peak RSS."""
    cpu = imported.cpu_seconds + imported.server_cpu_seconds
    server = f" + server {imported.server_cpu_seconds:.1f} s" if imported.server_cpu_seconds else ""
    print(f"import {backend.name}, {size:,} units ({imported.units:,} stored, TMX {mb(imported.tmx_bytes)}): "
          f"{imported.import_seconds:.1f} s wall = {imported.units / imported.import_seconds:,.0f} units/s; "
          f"CPU {imported.cpu_seconds:.1f} s{server} = {imported.units / cpu:,.0f} units per CPU-s; "
          f"peak RSS {mb(imported.peak_bytes)} (before the import {mb(imported.baseline_bytes)})")


def report_size(size: int, backend: Backend, imported: ImportResult, queries: QueryResult, brute: BruteForce, final: bool) -> None:
    """Print one memory size's figures on one backend, each with its target (set for 1M units)."""
    rate = imported.units / imported.import_seconds
    p50, p95 = percentile(queries.ours_ms, 0.5), percentile(queries.ours_ms, 0.95)
    c50, c95 = percentile(queries.ours_cpu_ms, 0.5), percentile(queries.ours_cpu_ms, 0.95)
    raw50, raw95 = percentile(queries.raw_ms, 0.5), percentile(queries.raw_ms, 0.95)
    b50, b95 = percentile(brute.ms, 0.5), percentile(brute.ms, 0.95)
    recall_raw = queries.hits_raw / queries.with_match if queries.with_match else float("nan")
    recall_lookup = queries.hits_lookup / queries.with_match if queries.with_match else float("nan")
    target = (lambda ok: verdict(ok)) if final else (lambda ok: f"({verdict(ok)})")
    slower = TARGETS["server_factor"] if backend.name == "postgresql" else 1.0
    print(f"\n== {backend.name}: memory of {size:,} units (en → de; {imported.units:,} stored) ==")
    rows = [("figure", "value", "target", "")]
    rows.append(("write_tmx (information only)", f"{imported.write_seconds:.1f} s, {mb(imported.tmx_bytes)}", "", ""))
    rows.append(("import_files: wall time", f"{imported.import_seconds:.1f} s", "", ""))
    rows.append(("import_files: rate", f"{rate:,.0f} units/s", "≥ 50,000", target(rate >= TARGETS["import_rate"])))
    server = f" + server {imported.server_cpu_seconds:.1f} s" if imported.server_cpu_seconds else ""
    rows.append(("import_files: CPU time (user + system)", f"{imported.cpu_seconds:.1f} s{server}", "", ""))
    rows.append(("import: peak RSS (VmHWM of the importing process)", mb(imported.peak_bytes), "≤ 1,024 MB",
                 target(imported.peak_bytes <= TARGETS["peak_bytes"])))
    rows.append(("  of which before the import (interpreter, imports)", mb(imported.baseline_bytes), "", ""))
    rows.append(("index on disk (SQLite file + wal; database size)", mb(imported.index_bytes), "", ""))
    rows.append(("open_memory", f"{imported.open_seconds * 1000:,.0f} ms", "", ""))
    rows.append((f"lookup() p50 / p95 ({queries.queries} queries, one client)", f"{p50:.2f} / {p95:.2f} ms",
                 f"≤ {5 * slower:g} / ≤ {20 * slower:g} ms" if backend.name == "sqlite" else "", target(p50 <= 5 and p95 <= 20) if backend.name == "sqlite" else ""))
    rows.append(("  CPU time per lookup p50 / p95" + (" (client + server)" if backend.name == "postgresql" else ""), f"{c50:.2f} / {c95:.2f} ms", "", ""))
    rows.append(("  lookup() max / mean", f"{max(queries.ours_ms):.1f} / {statistics.mean(queries.ours_ms):.2f} ms", "", ""))
    if queries.concurrent_ms:
        q50, q95 = percentile(queries.concurrent_ms, 0.5), percentile(queries.concurrent_ms, 0.95)
        k50, k95 = percentile(queries.concurrent_cpu_ms, 0.5), percentile(queries.concurrent_cpu_ms, 0.95)
        rows.append((f"lookup() p50 / p95, {CLIENTS} clients at once ({len(queries.concurrent_ms)} lookups)", f"{q50:.2f} / {q95:.2f} ms",
                     f"≤ {5 * slower:g} / ≤ {20 * slower:g} ms", target(q50 <= 5 * slower and q95 <= 20 * slower)))
        rows.append(("  CPU time per lookup p50 / p95 (client + server)", f"{k50:.2f} / {k95:.2f} ms", "", ""))
    rows.append(("lookup_fuzzy() p50 / p95", f"{raw50:.2f} / {raw95:.2f} ms", "", ""))
    rows.append((f"brute force extractOne p50 / p95 ({queries.brute_checked} queries)", f"{b50:.1f} / {b95:.1f} ms", "", ""))
    rows.append(("queries with a brute-force match ≥ 75", f"{queries.with_match} of {queries.brute_checked}", "", ""))
    rows.append(("recall, raw similarity (lookup_fuzzy)", f"{recall_raw:.1%} ({queries.hits_raw}/{queries.with_match})", "≥ 99%", target(recall_raw >= TARGETS["recall"])))
    for kind, hits, total in (("edited", queries.edited_hits_raw, queries.edited_with_match),
                              ("unseen", queries.unseen_hits_raw, queries.unseen_with_match)):
        if total:
            rows.append((f"  of which {kind} queries", f"{hits / total:.1%} ({hits}/{total})", "≥ 99%", target(hits / total >= TARGETS["recall"])))
    rows.append(("recall, lookup() (with risk penalties)", f"{recall_lookup:.1%} ({queries.hits_lookup}/{queries.with_match})", "(see note)", ""))
    print_table(rows)
    print("  recall counts a query whose brute-force best (raw fuzz.ratio) is ≥ 75: a hit when our best has the same\n"
          "  source text or the same similarity (ties). lookup() ranks by the penalized score (−10 per number or\n"
          "  negation difference), so by design it may rank another unit first or drop brute force's best below 75.")
    if queries.lookup_misses:
        print("  lookup() differs from brute force because:")
        for reason, count in sorted(queries.lookup_misses.items(), key=lambda kv: -kv[1]):
            print(f"    {count:4d}  {reason}")
    for query, brute_text, score, ours, ours_score in queries.raw_misses[:3]:
        print(f"  raw miss: query {query[:70]!r}…\n    brute {score:.1f} {brute_text[:70]!r}…\n    ours  {ours_score:.1f} {ours[:70]!r}…")
    if queries.brute_checked < queries.queries:
        print(f"  note: brute force was run on the first {queries.brute_checked} of {queries.queries} queries "
              f"(--brute-budget); recall is measured on those.")


def report_update(update: UpdateResult) -> None:
    print(f"\n== update: {update.articles} articles × 3 locales ({update.catalogues} catalogues, {update.messages:,} messages after the revision) ==")
    rows = [("tool", "runs", "min", "median", "translated / fuzzy / untranslated after")]

    def line(name: str, times: list[float], counts: dict[str, int] | None = None) -> None:
        if times:
            text = f"{counts['translated']:,} / {counts['fuzzy']:,} / {counts['untranslated']:,}" if counts else ""
            rows.append((name, str(len(times)), f"{min(times):.2f} s", f"{statistics.median(times):.2f} s", text))

    line("translatio update (harvest + TM pre-fill)", update.ours_seconds, update.ours_counts)
    line("translatio update, memory off", update.ours_plain_seconds)
    line("translatio extract (the .pot files msgmerge needs)", update.extract_seconds)
    line("msgmerge --previous -C compendium, per catalogue", update.msgmerge_seconds, update.msgmerge_counts)
    if update.extract_seconds and update.msgmerge_seconds:
        both = [a + b for a, b in zip(update.extract_seconds, update.msgmerge_seconds)]
        line("  extract + msgmerge (same work as update)", both)
    print_table(rows)
    if update.msgcat_seconds:
        print(f"  setup (untimed above): msgcat of the previous revision into 3 compendia {update.msgcat_seconds:.2f} s; "
              f"import of the compendia into our memory {update.import_seconds:.2f} s")
    if update.skipped:
        print(f"  skipped: {update.skipped}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="memory sizes in units, comma-separated (default: %(default)s)")
    parser.add_argument("--units", type=int, help="one memory size (overrides --sizes)")
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="memory engines to measure, comma-separated (default: %(default)s)")
    parser.add_argument("--pg-url", default="",
                        help="an empty PostgreSQL database to use (its content is replaced); default: a throw-away server "
                             "started here (tests/pgserver.py: needs Debian's postgresql and postgresql-contrib)")
    parser.add_argument("--queries", type=int, default=1000, help="queries per size, half edited, half unseen (default: %(default)s)")
    parser.add_argument("--server-queries", type=int, default=1000,
                        help="at most this many of the queries on PostgreSQL, per size (its lookups are slower; default: %(default)s)")
    parser.add_argument("--brute-budget", type=float, default=240.0,
                        help="seconds of brute force per size; past it (and ≥ 100 queries) the rest are not brute-forced (default: %(default)s)")
    parser.add_argument("--brute-max", type=int, default=1_000_000, help="brute-force at most this many queries per size")
    parser.add_argument("--articles", type=int, default=200, help="articles of the update benchmark's site (default: %(default)s)")
    parser.add_argument("--update-runs", type=int, default=3, help="runs of each update measurement (default: %(default)s)")
    parser.add_argument("--skip-update", action="store_true", help="leave out the update/msgmerge comparison")
    parser.add_argument("--import-only", action="store_true",
                        help="measure the import alone: no queries, no brute force, no update comparison (a quick look at tm import)")
    parser.add_argument("--profile", action="store_true", help="also write cProfile files of the import and of the lookups")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, help="where to put the TMX files and projects (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    sizes = [args.units] if args.units else [int(s) for s in args.sizes.split(",") if s.strip()]
    names = [name.strip() for name in args.backends.split(",") if name.strip()]
    if unknown := set(names) - {"sqlite", "postgresql"}:
        parser.error(f"--backends: unknown {', '.join(sorted(unknown))} (sqlite, postgresql)")

    print("translation-memory benchmark")
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    for line in machine_lines():
        print(line)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    backends = [Backend(name) for name in names]
    for backend in backends:
        if backend.name == "postgresql":
            backend.url = args.pg_url
            if not args.pg_url:
                from tests.pgserver import start_cluster

                backend.cluster = start_cluster("-c shared_buffers=512MB -c work_mem=16MB -c maintenance_work_mem=256MB")
                print(f"postgresql: a throw-away server started here, {backend.cluster.programs} "  # type: ignore[attr-defined]
                      "(fsync off, as a benchmark's server may be; shared_buffers 512 MB)")

    from pipeline.memory.matching import context_digest
    from pipeline.memory.tmx import write_tmx
    from pipeline.memory.units import Origin, TranslationUnit

    began = time.perf_counter()
    start = time.perf_counter()
    generator = SentenceGenerator(args.seed)
    everything = generator.sentences(max(sizes))
    print(f"generator: {generator.words.distinct:,} distinct vocabulary words; {len(everything):,} sentences in "
          f"{time.perf_counter() - start:.1f} s; mean {statistics.mean(s.count(' ') + 1 for s in everything[:100000]):.1f} words, "
          f"{statistics.mean(len(s) for s in everything[:100000]):.0f} characters")
    print(f"  e.g. {everything[0]!r}")
    results: list[tuple[int, str, ImportResult, QueryResult, BruteForce]] = []
    try:
        for size in sizes:
            sources = everything[:size]
            units = [
                TranslationUnit(text, pseudo_german(text), "en", "de",
                                (Origin(f"article-{n % 5000:04d}", f"source/article-{n % 5000:04d}.md:{n % 300 + 1}",
                                        context_digest(sources[n - 1] if n else "", "")),),
                                "20261125T000000Z")
                for n, text in enumerate(sources)
            ]
            tmx = workdir / f"memory-{size}.tmx"
            start = time.perf_counter()
            write_tmx(units, tmx, "en")
            write_seconds = time.perf_counter() - start
            del units
            gc.collect()
            if args.import_only:
                for backend in backends:
                    imported, root = measure_import(tmx, write_seconds, workdir, size, backend, None)
                    report_import(size, backend, imported)
                    sys.stdout.flush()
                    shutil.rmtree(root, ignore_errors=True)
                tmx.unlink(missing_ok=True)
                continue
            queries = make_queries(sources, generator, args.queries, args.seed)
            warmup = [text for _, text in make_queries(sources, generator, 20, args.seed + 1)]
            brute = brute_force(sources, queries, args.brute_budget, args.brute_max)
            for backend in backends:
                profile = workdir / f"import-{backend.name}-{size}.prof" if args.profile else None
                imported, root = measure_import(tmx, write_seconds, workdir, size, backend, profile)
                if profile is not None and backend.name == "sqlite":
                    profile_import(tmx, workdir, profile)
                asked = queries[: args.server_queries] if backend.name == "postgresql" else queries
                measured, imported.open_seconds = measure_queries(root, backend, asked, brute, warmup)
                if args.profile:
                    _profile_lookups(root, queries, workdir / f"lookup-{backend.name}-{size}.prof")
                results.append((size, backend.name, imported, measured, brute))
                report_size(size, backend, imported, measured, brute, final=size >= 1_000_000)
                sys.stdout.flush()
                shutil.rmtree(root, ignore_errors=True)
            tmx.unlink(missing_ok=True)
        update = None if args.skip_update or args.import_only else measure_update(workdir, args.articles, args.update_runs)
        if update is not None:
            report_update(update)
        summary(results)
        print(f"\nbenchmark wall time: {time.perf_counter() - began:.0f} s")
    finally:
        for backend in backends:
            if backend.cluster is not None:
                backend.cluster.stop()  # type: ignore[attr-defined]
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _profile_lookups(root: Path, queries: list[tuple[str, str]], out: Path) -> None:
    """cProfile of ``lookup`` over the queries (written to ``out``; top lines printed)."""
    import cProfile
    import pstats

    from pipeline.config import load_config
    from pipeline.memory.matching import MemoryQuery, lookup
    from pipeline.memory.project import open_memory

    memory = open_memory(load_config(root))
    profiler = cProfile.Profile()
    profiler.enable()
    for _, text in queries:
        lookup(memory, MemoryQuery(text, "de"), MIN_SCORE, LIMIT)
    profiler.disable()
    memory.close()
    profiler.dump_stats(str(out))
    print(f"  lookup profile: {out}")
    pstats.Stats(str(out)).sort_stats("tottime").print_stats(8)


def summary(results: list[tuple[int, str, ImportResult, QueryResult, BruteForce]]) -> None:
    """Every backend and size in one table (the README's), then the targets at 1M units."""
    if not results:
        return
    print("\n== summary (the README's table; wall times on a machine that may be shared: CPU times beside them) ==")
    print("| memory | import: rate (CPU time) | peak memory | lookup p50 / p95 (CPU p50) | 4 clients at once: p50 / p95 (CPU p50) | recall: edited / unseen / all |")
    print("|---|---|---|---|---|---|")
    done_brute: set[int] = set()
    for size, name, imported, queries, brute in results:
        rate = imported.units / imported.import_seconds
        cpu = imported.cpu_seconds + imported.server_cpu_seconds
        p50, p95 = percentile(queries.ours_ms, 0.5), percentile(queries.ours_ms, 0.95)
        c50 = percentile(queries.ours_cpu_ms, 0.5)
        together = "—"
        if queries.concurrent_ms:
            together = (f"{percentile(queries.concurrent_ms, 0.5):.2f} / {percentile(queries.concurrent_ms, 0.95):.2f} ms "
                        f"({percentile(queries.concurrent_cpu_ms, 0.5):.2f} ms)")
        share = lambda hits, total: f"{hits / total:.1%}" if total else "—"  # noqa: E731
        recall = (f"{share(queries.edited_hits_raw, queries.edited_with_match)} / {share(queries.unseen_hits_raw, queries.unseen_with_match)}"
                  f" / {share(queries.hits_raw, queries.with_match)}")
        server = f" + server {imported.server_cpu_seconds:.0f} s" if imported.server_cpu_seconds else ""
        print(f"| {name}, {size:,} units | {rate:,.0f} units/s ({imported.cpu_seconds:.0f} s{server}: {imported.units / cpu:,.0f} units per CPU-s) "
              f"| {mb(imported.peak_bytes)} | {p50:.2f} / {p95:.2f} ms ({c50:.2f} ms) | {together} | {recall} |")
        if size not in done_brute:
            done_brute.add(size)
            b50, b95 = percentile(brute.ms, 0.5), percentile(brute.ms, 0.95)
            print(f"| brute force, {size:,} units | — | — | {b50:.0f} / {b95:.0f} ms ({percentile(brute.cpu_ms, 0.5):.0f} ms) | — "
                  f"| 100% by definition ({len(brute.best)} queries) |")
    largest = max(size for size, *_ in results)
    print(f"\n== targets at {largest:,} units ==")
    rows = [("target", "backend", "measured", "verdict")]
    for size, name, imported, queries, _ in results:
        if size != largest:
            continue
        rate = imported.units / imported.import_seconds
        recall = queries.hits_raw / queries.with_match if queries.with_match else float("nan")
        edited = queries.edited_hits_raw / queries.edited_with_match if queries.edited_with_match else float("nan")
        unseen = queries.unseen_hits_raw / queries.unseen_with_match if queries.unseen_with_match else float("nan")
        rows.append(("import ≥ 50,000 units/s", name, f"{rate:,.0f} units/s", verdict(rate >= TARGETS["import_rate"])))
        rows.append(("peak memory of the import ≤ 1 GB", name, mb(imported.peak_bytes), verdict(imported.peak_bytes <= TARGETS["peak_bytes"])))
        if name == "sqlite":
            p50, p95 = percentile(queries.ours_ms, 0.5), percentile(queries.ours_ms, 0.95)
            rows.append(("lookup p50 ≤ 5 ms / p95 ≤ 20 ms", name, f"{p50:.2f} / {p95:.2f} ms", verdict(p50 <= 5 and p95 <= 20)))
        else:
            factor = TARGETS["server_factor"]
            p50, p95 = percentile(queries.concurrent_ms, 0.5), percentile(queries.concurrent_ms, 0.95)
            rows.append((f"lookup p50 ≤ {5 * factor:g} ms / p95 ≤ {20 * factor:g} ms, {CLIENTS} clients", name, f"{p50:.2f} / {p95:.2f} ms",
                         verdict(p50 <= 5 * factor and p95 <= 20 * factor)))
        rows.append(("recall ≥ 99%: edited / unseen / all", name, f"{edited:.1%} / {unseen:.1%} / {recall:.1%}",
                     verdict(min(edited, unseen, recall) >= TARGETS["recall"])))
    print_table(rows)
    if largest < 1_000_000:
        print("  (the targets are set for 1,000,000 units; this run's largest memory is smaller)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_import":
        worker = argparse.ArgumentParser()
        worker.add_argument("command")
        worker.add_argument("root", type=Path)
        worker.add_argument("tmx", type=Path)
        worker.add_argument("--profile-file", type=Path)
        options = worker.parse_args()
        import_worker(options.root, options.tmx, options.profile_file)
        raise SystemExit(0)
    raise SystemExit(main())
