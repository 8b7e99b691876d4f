"""A deterministic synthetic site for the benchmarks: articles, translations and a revision.

Why synthetic: the speed of extraction, merging and building depends on how many segments
there are, how long they are and above all how often they repeat (exact repeats are cheap,
near-repeats are what fuzzy matching spends its time on). A real health site repeats a lot:
the same disclaimer everywhere, the same caution paragraphs copied between articles on one
drug, the same sentence with only the drug's name changed. This generator reproduces that
shape from a vocabulary and templates, so that every run on every machine sees the same bytes:

- article ``i`` depends only on ``(seed, i)``, so the first 100 articles of a 1,000-article
  site are the 100-article site (the build benchmark grows the site this way);
- every article has the form of ``source/valium.md``: front matter (title, slug, date,
  description), ``##`` and ``###`` headings, paragraphs with ``*emphasis*`` and links, a bullet
  list in some, and the same closing ``::: disclaimer`` block;
- 1,000 articles give about 8,100 unique segments out of about 25,000 (the figure the peer
  measurements in the issue were made on is 8,229).

:func:`translate_project` fills every catalogue of a project with a deterministic
pseudo-translation (:func:`pseudo_translate`), and :func:`revise_sources` applies a realistic
editorial revision (a one-word edit in ~5% of the paragraphs, a few deleted, a few added), so
that ``update`` has real merge work: fuzzy matches, obsolete entries, new messages.

Only the standard library is imported at module level, so the mdpo worker (which runs in
mdpo's own virtualenv) can import :func:`pseudo_translate` from here; the functions that write
our catalogues import ``pipeline`` when called.

Run as a script to make a project folder::

    python bench/corpus.py /tmp/site --articles 1000 --translate --revise
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SEED = 20261125
PARAGRAPH_VARIANTS = 14
"""Paragraphs a section can have (each a fixed selection of its sentences), shared by all drugs."""
DRUG_VOICES = 6
"""Word choices ("often"/"usually"…) per drug: the near-repeats between a drug's articles."""
LOCALES: tuple[str, ...] = ("de", "fr", "es")

DISCLAIMER = (
    "Disclaimer: This article is intended for informational purposes only. It is not a "
    "substitute for professional medical advice, diagnosis, or treatment. Always seek the advice "
    "of your physician or other qualified health providers with any questions you may have "
    "regarding a medical condition."
)


@dataclass(frozen=True, slots=True)
class Drug:
    """One medicine the site writes about; every article is about one drug."""

    brand: str
    generic: str
    drug_class: str
    """Singular, as in "part of the benzodiazepine family"."""
    conditions: tuple[str, ...]
    """What it treats, lower case, as used inside a sentence."""

    @property
    def class_plural(self) -> str:
        return self.drug_class + "s"

    @property
    def page(self) -> str:
        return f"https://example.org/drugs/{self.generic.lower()}"


DRUGS: tuple[Drug, ...] = (
    Drug("Valium", "Diazepam", "benzodiazepine", ("anxiety", "muscle spasms", "seizures")),
    Drug("Xanax", "Alprazolam", "benzodiazepine", ("anxiety", "panic disorder")),
    Drug("Ativan", "Lorazepam", "benzodiazepine", ("anxiety", "insomnia", "seizures")),
    Drug("Klonopin", "Clonazepam", "benzodiazepine", ("seizures", "panic disorder")),
    Drug("Zoloft", "Sertraline", "antidepressant", ("depression", "anxiety", "panic disorder")),
    Drug("Prozac", "Fluoxetine", "antidepressant", ("depression", "bulimia", "panic disorder")),
    Drug("Lexapro", "Escitalopram", "antidepressant", ("depression", "anxiety")),
    Drug("Paxil", "Paroxetine", "antidepressant", ("depression", "social anxiety")),
    Drug("Wellbutrin", "Bupropion", "antidepressant", ("depression", "seasonal depression")),
    Drug("Cymbalta", "Duloxetine", "antidepressant", ("depression", "nerve pain", "fibromyalgia")),
    Drug("Effexor", "Venlafaxine", "antidepressant", ("depression", "anxiety", "panic disorder")),
    Drug("Lipitor", "Atorvastatin", "statin", ("high cholesterol", "heart disease")),
    Drug("Crestor", "Rosuvastatin", "statin", ("high cholesterol", "heart disease")),
    Drug("Zocor", "Simvastatin", "statin", ("high cholesterol",)),
    Drug("Norvasc", "Amlodipine", "calcium channel blocker", ("high blood pressure", "chest pain")),
    Drug("Zestril", "Lisinopril", "ACE inhibitor", ("high blood pressure", "heart failure")),
    Drug("Cozaar", "Losartan", "angiotensin receptor blocker", ("high blood pressure", "kidney disease")),
    Drug("Lopressor", "Metoprolol", "beta blocker", ("high blood pressure", "chest pain", "heart failure")),
    Drug("Tenormin", "Atenolol", "beta blocker", ("high blood pressure", "chest pain")),
    Drug("Lasix", "Furosemide", "diuretic", ("swelling", "high blood pressure")),
    Drug("Coumadin", "Warfarin", "anticoagulant", ("blood clots", "stroke prevention")),
    Drug("Eliquis", "Apixaban", "anticoagulant", ("blood clots", "stroke prevention")),
    Drug("Plavix", "Clopidogrel", "antiplatelet drug", ("heart attack prevention", "stroke prevention")),
    Drug("Glucophage", "Metformin", "antidiabetic drug", ("type 2 diabetes",)),
    Drug("Januvia", "Sitagliptin", "antidiabetic drug", ("type 2 diabetes",)),
    Drug("Synthroid", "Levothyroxine", "thyroid hormone", ("hypothyroidism",)),
    Drug("Prilosec", "Omeprazole", "proton pump inhibitor", ("heartburn", "stomach ulcers")),
    Drug("Nexium", "Esomeprazole", "proton pump inhibitor", ("heartburn", "stomach ulcers")),
    Drug("Pepcid", "Famotidine", "H2 blocker", ("heartburn", "stomach ulcers")),
    Drug("Neurontin", "Gabapentin", "anticonvulsant", ("nerve pain", "seizures")),
    Drug("Lyrica", "Pregabalin", "anticonvulsant", ("nerve pain", "fibromyalgia", "seizures")),
    Drug("Lamictal", "Lamotrigine", "anticonvulsant", ("seizures", "bipolar disorder")),
    Drug("Ultram", "Tramadol", "opioid pain reliever", ("moderate pain", "chronic pain")),
    Drug("Advil", "Ibuprofen", "anti-inflammatory drug", ("pain", "fever", "inflammation")),
    Drug("Aleve", "Naproxen", "anti-inflammatory drug", ("pain", "arthritis", "inflammation")),
    Drug("Tylenol", "Acetaminophen", "pain reliever", ("pain", "fever")),
    Drug("Celebrex", "Celecoxib", "anti-inflammatory drug", ("arthritis", "pain")),
    Drug("Zyrtec", "Cetirizine", "antihistamine", ("allergies", "hives")),
    Drug("Claritin", "Loratadine", "antihistamine", ("allergies", "hives")),
    Drug("Singulair", "Montelukast", "leukotriene blocker", ("asthma", "allergies")),
    Drug("Ventolin", "Albuterol", "bronchodilator", ("asthma", "bronchospasm")),
    Drug("Flonase", "Fluticasone", "corticosteroid", ("allergies", "nasal congestion")),
    Drug("Deltasone", "Prednisone", "corticosteroid", ("inflammation", "asthma", "arthritis")),
    Drug("Amoxil", "Amoxicillin", "antibiotic", ("bacterial infections", "ear infections")),
    Drug("Zithromax", "Azithromycin", "antibiotic", ("bacterial infections", "bronchitis")),
    Drug("Cipro", "Ciprofloxacin", "antibiotic", ("bacterial infections", "urinary tract infections")),
    Drug("Valtrex", "Valacyclovir", "antiviral drug", ("cold sores", "shingles")),
    Drug("Ambien", "Zolpidem", "sedative", ("insomnia",)),
    Drug("Adderall", "Amphetamine", "stimulant", ("ADHD", "narcolepsy")),
    Drug("Ritalin", "Methylphenidate", "stimulant", ("ADHD",)),
    Drug("Seroquel", "Quetiapine", "antipsychotic", ("schizophrenia", "bipolar disorder")),
    Drug("Abilify", "Aripiprazole", "antipsychotic", ("schizophrenia", "bipolar disorder", "depression")),
    Drug("Imitrex", "Sumatriptan", "triptan", ("migraine", "cluster headaches")),
    Drug("Flomax", "Tamsulosin", "alpha blocker", ("enlarged prostate",)),
    Drug("Fosamax", "Alendronate", "bisphosphonate", ("osteoporosis",)),
)

ANGLES: tuple[tuple[str, str], ...] = (
    ("Uses, Benefits and Risks", "how it works, what it treats and the risks to know before using it"),
    ("Dosage, Side Effects and Warnings", "the usual doses, the side effects to expect and the warnings that matter"),
    ("What to Know Before You Start", "what to ask and what to check before your first dose"),
    ("How It Works and Who It Helps", "how it acts in the body and which patients benefit most"),
    ("Side Effects and How to Manage Them", "which side effects are common and how to cope with them"),
    ("Interactions and Precautions", "the medicines, foods and conditions that call for caution"),
    ("Long-Term Use", "what the evidence says about taking it for months or years"),
    ("A Patient’s Guide", "a plain-language guide for people who have just been prescribed it"),
    ("Frequently Asked Questions", "answers to the questions patients ask most often"),
    ("Safety in Older Adults", "why older adults may need lower doses and closer monitoring"),
    ("Pregnancy and Breastfeeding", "what is known about its safety during pregnancy and breastfeeding"),
    ("Stopping Treatment Safely", "how to stop it safely and what withdrawal can feel like"),
    ("Comparing the Alternatives", "how it compares with other treatments for the same conditions"),
    ("Missed Doses and Overdose", "what to do after a missed dose and how to recognize an overdose"),
    ("Storage, Travel and Everyday Life", "how to store it, travel with it and fit it into daily life"),
    ("Alcohol, Food and Other Drugs", "how alcohol, food and other medicines change its effects"),
    ("Generic or Brand Name?", "whether the generic version works as well as the brand name"),
    ("Tips for Caregivers", "practical advice for people who look after someone taking it"),
    ("Questions to Ask Your Doctor", "the questions worth asking before and during treatment"),
)

OPENINGS: tuple[str, ...] = (
    "A trusted treatment for {conds}, {brand}, also known as {generic}, has been helping patients manage their conditions for years.",
    "For many people living with {cond}, {brand} ({generic}) is part of everyday life.",
    "{brand}, sold under the generic name {generic}, is one of the most widely prescribed treatments for {conds}.",
    "If your doctor has suggested {brand}, you probably have questions about how it works and what to expect.",
    "Millions of prescriptions for {generic}, better known as {brand}, are written every year for {conds}.",
    "{brand} ({generic}) belongs to a group of medicines known as {class_plural}, and it is often used for {cond}.",
)
CLOSERS: tuple[str, ...] = (
    "But what is it exactly, how does it work, and what are the potential risks? Let’s delve into the details.",
    "This guide explains {angle_lower}.",
    "Here is what you need to know.",
    "Read on to learn {angle_lower}.",
)

WHAT_IS: tuple[str, ...] = (
    "{brand}, known by its generic name {generic}, is part of the {drug_class} family, which has been extensively used to treat a variety of medical conditions.",
    "{brand} is the brand name of {generic}, a {drug_class} that doctors prescribe for {conds}.",
    "{generic} is the active ingredient of {brand}. It is classified as a {drug_class} and is available by prescription only.",
)
WHAT_IS_MORE: tuple[str, ...] = (
    "For more extensive information about {class_plural}, check out this comprehensive guide by [WebMD](https://example.org/webmd/{slug_class}).",
    "You can read the full prescribing information on the [{generic} page](https://example.org/drugs/{generic_lower}) of our drug library.",
    "It works by acting on the brain and nervous system, which is why it should be taken *exactly* as prescribed.",
    "It has been studied for decades, and its benefits and risks are well understood.",
)

SECTIONS: tuple[str, ...] = (
    "benefits",
    "how",
    "dosage",
    "side_effects",
    "risks",
    "interactions",
    "pregnancy",
    "stopping",
    "storage",
    "alternatives",
    "responsible",
)

HEADINGS: dict[str, tuple[str, ...]] = {
    "benefits": ("Therapeutic Benefits of {brand}", "What {brand} Is Used For"),
    "how": ("How {brand} Works", "How {generic} Acts in the Body"),
    "dosage": ("Dosage Guidelines", "How to Take {brand}"),
    "side_effects": ("Side Effects of {brand}", "Common Side Effects"),
    "risks": ("Risks and Precautions", "Who Should Not Take {brand}"),
    "interactions": ("Drug Interactions", "{brand} and Other Medicines"),
    "pregnancy": ("Pregnancy and Breastfeeding", "{brand} During Pregnancy"),
    "stopping": ("Stopping {brand} Safely", "Withdrawal Symptoms"),
    "storage": ("Storing {brand}", "Storage and Disposal"),
    "alternatives": ("Alternatives to {brand}", "Other Treatment Options"),
    "responsible": ("Responsible Use of {brand}", "Using {brand} Safely"),
}

# Each section's sentences; a paragraph is a fixed selection of them (see _paragraph_variants),
# so that the same paragraph recurs across articles and near-identical ones across drugs.
SENTENCES: dict[str, tuple[str, ...]] = {
    "benefits": (
        "{brand} is {often} prescribed for its diverse range of therapeutic effects.",
        "Its main use is the treatment of {cond}.",
        "Many patients notice an improvement within the first {weeks} weeks.",
        "It can also be combined with other treatments when symptoms are severe.",
        "Doctors value it because its effects are predictable and well documented.",
        "For a detailed discussion of the medical uses of {brand}, [Mayo Clinic](https://example.org/mayo/{generic_lower}) offers an excellent resource.",
    ),
    "how": (
        "{generic} works by changing the activity of certain chemicals in the body.",
        "As a {drug_class}, it acts on the same pathway as the other {class_plural}.",
        "The effect {often} begins within an hour of the first dose.",
        "Its effects last for several hours, which is why the dose is spread over the day.",
        "The liver breaks it down, so liver disease can change how long it stays in the body.",
    ),
    "dosage": (
        "The right dose of {brand} depends on your age, your weight and the condition being treated.",
        "Adults {often} start with a low dose that is increased gradually.",
        "Take it at the same time every day, with or without food.",
        "If you miss a dose, take it as soon as you remember, unless it is almost time for the next one.",
        "*Never* take two doses at once to make up for a missed one.",
        "Your pharmacist can explain the dosing instructions printed on the label.",
    ),
    "side_effects": (
        "Like all medicines, {brand} can cause side effects, although not everybody gets them.",
        "Most side effects are mild and fade as the body adjusts.",
        "Tell your {doctor} if a side effect bothers you or does not go away.",
        "Some side effects are serious and need medical attention right away.",
        "Older adults are {often} more sensitive to these effects.",
    ),
    "risks": (
        "While {brand} offers significant benefits, it’s also essential to understand the potential risks associated with its use.",
        "It is not suitable for everyone, and your medical history matters.",
        "Tell your {doctor} about any liver, kidney or heart problems before you start.",
        "People with a history of substance misuse may need closer monitoring.",
        "Long-term use of {brand} can lead to dependency in some patients.",
    ),
    "interactions": (
        "{brand} can interact with other drugs, leading to enhanced effects or other potentially dangerous complications.",
        "Tell your {doctor} about every medicine you take, including vitamins and herbal supplements.",
        "Alcohol can increase some of its side effects and is best avoided.",
        "You can check a combination with our [interaction checker](https://example.org/tools/interactions).",
        "Grapefruit juice may change how much of the medicine reaches the bloodstream.",
    ),
    "pregnancy": (
        "If you are pregnant or planning a pregnancy, talk to your {doctor} before taking {brand}.",
        "Small amounts of {generic} may pass into breast milk.",
        "Your {doctor} will weigh the benefits for you against the possible risks for the baby.",
        "Do not stop a prescribed medicine on your own if you find out that you are pregnant.",
    ),
    "stopping": (
        "Abrupt discontinuation of {brand} can lead to withdrawal symptoms, which may include restlessness, sweating, and sleep disturbances.",
        "Your {doctor} will {often} reduce the dose slowly over several weeks.",
        "Do not stop taking it suddenly, even if you feel better.",
        "Symptoms of {cond} can return when the treatment ends.",
    ),
    "storage": (
        "Store {brand} at room temperature, away from moisture and heat.",
        "Keep it out of the sight and reach of children.",
        "Do not flush unused medicine down the toilet; ask your pharmacist how to dispose of it.",
        "Keep the tablets in their original package to protect them from light.",
    ),
    "alternatives": (
        "{brand} is not the only option for {cond}.",
        "Other {class_plural} work in a similar way but differ in how long they last.",
        "Talking therapies and lifestyle changes can help alongside or instead of medicine.",
        "Your {doctor} can help you compare the options for your situation.",
    ),
    "responsible": (
        "{brand}, like any medication, should be used responsibly.",
        "Always follow your healthcare provider’s instructions.",
        "Misuse can lead to addiction, overdose, or even death.",
        "Never share your prescription with anyone else.",
        "Keep a list of your medicines and bring it to every appointment.",
    ),
}

GENERIC_PARAGRAPHS: tuple[str, ...] = (
    "Always follow your healthcare provider’s instructions and read the leaflet that comes with your medicine.",
    "If you think you have taken too much, contact a poison control center or emergency services right away.",
    "Keep all medicines out of the sight and reach of children.",
    "Do not change your dose without talking to your doctor first.",
    "Ask your pharmacist if you are unsure how to take your medicine.",
    "Regular check-ups help your doctor see whether the treatment is working.",
    "Write down any questions you have and bring them to your next appointment.",
    "Report side effects to your doctor or to the [FDA MedWatch program](https://example.org/fda/medwatch).",
)

SUBHEADINGS: tuple[str, ...] = ("{Cond} Relief", "Treating {Cond}", "Managing {Cond}")
SUB_SENTENCES: tuple[str, ...] = (
    "One of the primary uses of {brand} is to alleviate symptoms of {cond}.",
    "{brand} can be used in conjunction with other medications to control {cond}.",
    "Studies show that {generic} reduces the symptoms of {cond} in most patients.",
    "It helps reduce the symptoms of {cond}, providing effective relief.",
    "Treatment of {cond} usually starts with the lowest effective dose.",
)

LIST_LEADS: tuple[str, ...] = (
    "Common side effects of {brand} include:",
    "Call your doctor right away if you notice:",
    "Before you start, tell your doctor if you have:",
)
LIST_ITEMS: dict[int, tuple[str, ...]] = {
    0: ("drowsiness", "dizziness", "headache", "nausea or upset stomach", "dry mouth", "tiredness",
        "blurred vision", "changes in appetite", "trouble sleeping", "constipation"),
    1: ("a rash, itching or swelling", "severe dizziness", "trouble breathing", "unusual mood changes",
        "a fast or irregular heartbeat", "yellowing of the skin or eyes", "confusion"),
    2: ("liver disease", "kidney disease", "a history of depression", "breathing problems",
        "glaucoma", "a history of alcohol or drug misuse", "an allergy to any medicine"),
}

CONCLUSIONS: tuple[str, ...] = (
    "Conclusion: {brand} as a Valuable Treatment Option",
    "The Bottom Line",
    "Conclusion",
)
CONCLUSION_SENTENCES: tuple[str, ...] = (
    "{brand} ({generic}) remains a highly effective treatment for several conditions, particularly {conds}.",
    "However, it’s essential to understand the potential risks and ensure its use under the guidance of a healthcare professional.",
    "Used as prescribed, {brand} is safe and effective for most people.",
    "Your doctor and pharmacist are the best sources of advice about your treatment.",
)
FAREWELLS: tuple[str, ...] = (
    "In your journey to better health, knowledge is power. Make sure you’re well informed and reach out to your healthcare provider if you have any questions about {brand} or any other medication.",
    "Knowledge is power: make sure you’re well informed and reach out to your healthcare provider if you have any questions about {brand}.",
    "If you have any questions about {brand} or any other medication, reach out to your healthcare provider.",
)

# Words swapped for "one word changed": the near-repeats of a real site, and the edits of a
# revision. Every key occurs in the templates above.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "often": ("often", "usually", "commonly", "frequently"),
    "weeks": ("two", "three", "four"),
    "doctor": ("doctor", "physician", "healthcare provider"),
}
EDITS: dict[str, str] = {
    "may": "might", "can": "may", "usually": "typically", "often": "frequently", "doctor": "physician",
    "medicine": "medication", "treatment": "therapy", "serious": "severe", "common": "frequent",
    "effects": "reactions", "important": "essential", "help": "assist", "slowly": "gradually",
    "right": "straight", "symptoms": "signs", "risks": "dangers", "patients": "people", "take": "use",
    "every": "each", "most": "many", "first": "initial", "reduce": "lower", "dose": "amount",
    "safe": "secure", "questions": "concerns", "information": "details", "conditions": "disorders",
}
ADDITIONS: tuple[str, ...] = (
    "Recent guidance from health authorities recommends reviewing treatment with {brand} at least once a year.",
    "A newer extended-release form of {generic} is now available in some countries.",
    "Patients taking {brand} should also avoid driving until they know how it affects them.",
    "Ask your doctor whether a lower dose of {brand} would work for you.",
)


def article_name(index: int) -> str:
    """File stem and slug of article ``index`` (1-based): ``article-0001``."""
    return f"article-{index:04d}"


def _rng(seed: int, *parts: object) -> random.Random:
    """A generator that depends only on the seed and ``parts``, never on the call order."""
    return random.Random(f"{seed}:" + ":".join(map(str, parts)))


def _title(words: str) -> str:
    """Title case for headings that keeps acronyms: "stomach ulcers" → "Stomach Ulcers", "ADHD"."""
    return " ".join(w if w.isupper() else w[0].upper() + w[1:] for w in words.split(" "))


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots)


def _slots(drug: Drug, rng: random.Random, angle: str) -> dict[str, str]:
    conds = drug.conditions
    cond = conds[0]
    joined = conds[0] if len(conds) == 1 else ", ".join(conds[:-1]) + " and " + conds[-1]
    return {
        "brand": drug.brand,
        "generic": drug.generic,
        "generic_lower": drug.generic.lower(),
        "drug_class": drug.drug_class,
        "class_plural": drug.class_plural,
        "slug_class": drug.drug_class.lower().replace(" ", "-"),
        "cond": cond,
        "Cond": _title(cond),
        "conds": joined,
        "angle_lower": angle[0].lower() + angle[1:],
        "often": rng.choice(SYNONYMS["often"]),
        "weeks": rng.choice(SYNONYMS["weeks"]),
        "doctor": rng.choice(SYNONYMS["doctor"]),
    }


def _paragraph_variants(seed: int, section: str, count: int = PARAGRAPH_VARIANTS) -> list[tuple[int, ...]]:
    """The fixed sentence selections a section's paragraphs are made of (shared by all drugs)."""
    sentences = SENTENCES[section]
    rng = _rng(seed, "variants", section)
    variants = []
    for _ in range(count):
        size = rng.choice((2, 2, 3))
        variants.append(tuple(sorted(rng.sample(range(len(sentences)), min(size, len(sentences))))))
    return variants


def _markdown_list(items: Iterable[str]) -> str:
    return "\n".join(f"- {item[0].upper()}{item[1:]}" for item in items)


def article_markdown(index: int, seed: int = SEED) -> str:
    """The Markdown of article ``index`` (1-based), the same for a given seed on every machine."""
    drug = DRUGS[(index - 1) % len(DRUGS)]
    angle_title, angle_desc = ANGLES[((index - 1) // len(DRUGS)) % len(ANGLES)]
    rng = _rng(seed, "article", index)
    # Slot values that vary per drug (not per article), so a drug's articles share paragraphs.
    slots = _slots(drug, _rng(seed, "drug", drug.brand, rng.randrange(DRUG_VOICES)), angle_desc)
    date = dt.date(2024, 1, 1) + dt.timedelta(days=(index * 7) % 900)
    blocks: list[str] = [
        "---\n"
        f'title: "{drug.brand} ({drug.generic}): {angle_title}"\n'
        f"slug: {article_name(index)}\n"
        f"date: {date.isoformat()}\n"
        f'description: "What {drug.brand} ({drug.generic}) is, {angle_desc}."\n'
        "---"
    ]
    opening = rng.randrange(len(OPENINGS))
    blocks.append(_fill(OPENINGS[opening] + " " + CLOSERS[rng.randrange(len(CLOSERS))], slots))
    blocks.append(_fill("## What is {brand} ({generic})?", slots))
    more = rng.sample(range(len(WHAT_IS_MORE)), 2)
    what = [WHAT_IS[rng.randrange(len(WHAT_IS))], *(WHAT_IS_MORE[i] for i in sorted(more))]
    blocks.append(_fill(" ".join(what), slots))

    generic = rng.sample(GENERIC_PARAGRAPHS, len(GENERIC_PARAGRAPHS))
    sections = rng.sample(SECTIONS, rng.randint(4, 6))
    for section in sorted(sections, key=SECTIONS.index):
        blocks.append("## " + _fill(HEADINGS[section][rng.randrange(2)], slots))
        chosen: set[int] = set()
        for variant in rng.sample(_paragraph_variants(seed, section), rng.choice((1, 1, 2))):
            if chosen.isdisjoint(variant):  # a sentence is never said twice in one article
                blocks.append(_fill(" ".join(SENTENCES[section][i] for i in variant), slots))
                chosen.update(variant)
        if section == "benefits":
            for cond in drug.conditions[: rng.randint(1, 3)]:
                sub = {**slots, "cond": cond, "Cond": _title(cond)}
                blocks.append("### " + _fill(SUBHEADINGS[rng.randrange(len(SUBHEADINGS))], sub))
                first, second = sorted(rng.sample(range(len(SUB_SENTENCES)), 2))
                blocks.append(_fill(SUB_SENTENCES[first] + " " + SUB_SENTENCES[second], sub))
        if section in ("side_effects", "risks") and rng.random() < 0.6:
            lead = 0 if section == "side_effects" else rng.choice((1, 2))
            blocks.append(_fill(LIST_LEADS[lead], slots))
            pool = LIST_ITEMS[lead]
            blocks.append(_markdown_list(pool[i] for i in sorted(rng.sample(range(len(pool)), rng.randint(3, 5)))))
        if rng.random() < 0.35 and generic:
            blocks.append(generic.pop())

    blocks.append("## " + _fill(CONCLUSIONS[rng.randrange(len(CONCLUSIONS))], slots))
    first, second = sorted(rng.sample(range(len(CONCLUSION_SENTENCES)), 2))
    blocks.append(_fill(CONCLUSION_SENTENCES[first] + " " + CONCLUSION_SENTENCES[second], slots))
    blocks.append(_fill(FAREWELLS[rng.randrange(len(FAREWELLS))], slots))
    blocks.append(f"::: disclaimer\n{DISCLAIMER}\n:::")
    return "\n\n".join(blocks) + "\n"


PYPROJECT = """\
[project]
name = "bench-site"

[tool.translatio]
source_dir = "source"
locale_dir = "locale"
build_dir = "build"
source_locale = "en"
locales = [{locales}]
"""


def write_site(root: Path, articles: int = 1000, seed: int = SEED, locales: tuple[str, ...] = LOCALES) -> list[Path]:
    """Create (or replace) a project folder with ``articles`` articles; returns the sources."""
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(locales=", ".join(f'"{code}"' for code in locales)), encoding="utf-8"
    )
    paths = []
    for index in range(1, articles + 1):
        path = root / "source" / f"{article_name(index)}.md"
        path.write_text(article_markdown(index, seed), encoding="utf-8")
        paths.append(path)
    return paths


# --- translations --------------------------------------------------------------------------


def pseudo_translate(text: str, locale: str) -> str:
    """A deterministic stand-in for a translation: the locale tag in front of the English, in
    capitals (a translation begins with a capital where its source does: ``check`` would say so).

    It keeps everything the build checks in a required segment (sentences, link targets,
    numbers) and every inline Markdown construct, so that pages render and verify exactly as
    with real translations; the length grows by a few characters, as real translations do.
    """
    if not text:
        return text
    return f"[{locale.upper()}] {text}"


def translate_project(root: Path, locales: tuple[str, ...] = LOCALES) -> int:
    """Create every locale's catalogues with ``translatio``'s own API and fill every message.

    The catalogues are written by our writer, so they are exactly what ``translatio update``
    would leave after a translator's work (GNU gettext's layout); returns the number of files.
    """
    from dataclasses import replace

    from pipeline.catalogs import format_po, read_po
    from pipeline.config import load_config
    from pipeline.files import write_atomic
    from pipeline.update import init_locale

    config = load_config(root)
    written = 0
    for code in locales:
        for result in init_locale(config, code):
            catalog = read_po(result.path)
            messages = tuple(
                replace(m, msgstr=tuple(pseudo_translate(m.msgid_plural if i and m.msgid_plural else m.msgid, code) for i in range(len(m.msgstr))))
                for m in catalog.messages
            )
            write_atomic(result.path, format_po(replace(catalog, messages=messages)))
            written += 1
    return written


def translate_pofile(path: Path, locale: str, out: Path | None = None) -> int:
    """Fill every msgstr of a peer tool's PO/POT file (read with polib); returns the count.

    Used for po4a's and mdpo's own catalogues, whose msgids differ from ours (each tool
    segments Markdown its own way), so that every tool works from complete translations.
    """
    import polib

    catalogue = polib.pofile(str(path), wrapwidth=79)
    catalogue.metadata["Language"] = locale
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: pseudo_translate(entry.msgid, locale), 1: pseudo_translate(entry.msgid_plural, locale)}
        else:
            entry.msgstr = pseudo_translate(entry.msgid, locale)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save(str(out or path))
    return len(catalogue)


# --- revision ------------------------------------------------------------------------------

_WORD = re.compile(r"\b[A-Za-z]+\b")


@dataclass(frozen=True, slots=True)
class Revision:
    """What :func:`revise_sources` changed, for the benchmark's printout."""

    edited: int
    deleted: int
    added: int
    paragraphs: int
    """Body paragraphs looked at (headings, lists and the disclaimer are left alone)."""


def _is_body_paragraph(block: str) -> bool:
    return not block.startswith(("---", "#", "- ", ":::")) and not block.endswith(":")


def _edit_one_word(paragraph: str, rng: random.Random) -> str | None:
    """The paragraph with one word replaced (outside link targets), or None if none can be."""
    plain_spans = [m for m in _WORD.finditer(paragraph) if m.group().lower() in EDITS and "](" not in paragraph[max(0, m.start() - 40) : m.start()].rsplit(")", 1)[-1]]
    if not plain_spans:
        return None
    match = rng.choice(plain_spans)
    word = match.group()
    new = EDITS[word.lower()]
    new = new[0].upper() + new[1:] if word[0].isupper() else new
    return paragraph[: match.start()] + new + paragraph[match.end() :]


def revise_text(text: str, index: int, seed: int = SEED, edit: float = 0.05, delete: float = 0.006, add: float = 0.006) -> tuple[str, Revision]:
    """One article after an editorial pass: one-word edits, a deleted and an added paragraph."""
    rng = _rng(seed, "revision", index)
    drug = DRUGS[(index - 1) % len(DRUGS)]
    blocks = text.rstrip("\n").split("\n\n")
    out: list[str] = []
    edited = deleted = added = paragraphs = 0
    for block in blocks:
        if not _is_body_paragraph(block):
            out.append(block)
            continue
        paragraphs += 1
        roll = rng.random()
        if roll < delete:
            deleted += 1
            continue
        if roll < delete + edit:
            changed = _edit_one_word(block, rng)
            if changed is not None:
                block = changed
                edited += 1
        out.append(block)
        if rng.random() < add:
            template = ADDITIONS[rng.randrange(len(ADDITIONS))]
            out.append(template.format(brand=drug.brand, generic=drug.generic))
            added += 1
    return "\n\n".join(out) + "\n", Revision(edited, deleted, added, paragraphs)


def revise_sources(root: Path, seed: int = SEED, edit: float = 0.05) -> Revision:
    """Apply the revision to every ``source/article-NNNN.md`` of a project, in place (``edit``:
    the share of body paragraphs edited by a word)."""
    total = Revision(0, 0, 0, 0)
    for path in sorted((root / "source").glob("article-*.md")):
        index = int(path.stem.rsplit("-", 1)[1])
        text, revision = revise_text(path.read_text(encoding="utf-8"), index, seed, edit=edit)
        path.write_text(text, encoding="utf-8")
        total = Revision(*(a + b for a, b in zip(_astuple(total), _astuple(revision))))
    return total


def edit_one_article(root: Path, mark: str) -> Path:
    """Edit the first article the way an author does between two builds: one paragraph added
    after its title (``mark`` makes each edit new, so no earlier build already has the result).
    The new paragraph has no translation yet, so every locale's page of that article changes."""
    article = sorted((root / "source").glob("*.md"))[0]
    text = article.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n\n")
    article.write_text(f"{head}{sep}An added paragraph, edit {mark}.\n\n{body}", encoding="utf-8")
    return article


def _astuple(revision: Revision) -> tuple[int, int, int, int]:
    return (revision.edited, revision.deleted, revision.added, revision.paragraphs)


def unique_segments(root: Path) -> tuple[int, int]:
    """(unique, total) segments of a project's articles, as ``translatio extract`` sees them."""
    from pipeline.config import load_config
    from pipeline.extract import read_articles
    from pipeline.segments import extract_segments

    texts = [s.text for article in read_articles(load_config(root)) for s in extract_segments(article)]
    return len(set(texts)), len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="project folder to create (replaced if it exists)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--locales", default=",".join(LOCALES), help="target locales (default de,fr,es)")
    parser.add_argument("--translate", action="store_true", help="extract and fill every locale's catalogues")
    parser.add_argument("--revise", action="store_true", help="then apply the editorial revision to the sources")
    parser.add_argument("--edit", type=float, default=0.05, help="share of body paragraphs the revision edits (default 0.05)")
    args = parser.parse_args(argv)
    locales = tuple(code for code in args.locales.split(",") if code)
    write_site(args.folder, args.articles, args.seed, locales)
    unique, total = unique_segments(args.folder)
    print(f"{args.articles} articles in {args.folder}: {unique} unique segments of {total}")
    if args.translate:
        print(f"{translate_project(args.folder, locales)} catalogues translated")
    if args.revise:
        revision = revise_sources(args.folder, args.seed, args.edit)
        print(f"revision: {revision.edited} paragraphs edited, {revision.deleted} deleted, {revision.added} added of {revision.paragraphs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
