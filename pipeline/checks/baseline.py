"""``check --baseline FILE``: compare this run with an earlier JSON report and fail on regressions.

A report from an earlier run (``translatio check --format json``, say the main branch's) is the
baseline. The run fails (check ``baseline``, an error) when, for a locale checked in both:

- its translated share of messages dropped (a translation lost, a text changed and now fuzzy,
  a new article not yet translated);
- its reviewed share dropped (an approval gone stale, an approval removed);
- an article's disclaimer was published translated in the baseline and now falls back to
  English (it became fuzzy, incomplete, or needs a review it does not have).

Shares are compared as the JSON gives them (rounded to two decimals), so the same catalogues
never differ from themselves. A baseline from before reviews were counted (no ``reviewed_percent``)
is compared on what it has. A locale or article only one side knows is not a regression.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import InputError
from .findings import Finding, Severity
from .formats import JSON_VERSION, locale_totals
from .registry import catalogue_check
from .runner import CheckReport

catalogue_check("baseline", Severity.ERROR, "No locale lost translated or reviewed share, and no translated disclaimer fell back to English, since the baseline report.")


def read_baseline(path: Path) -> dict[str, dict[str, Any]]:
    """The locales of an earlier ``check --format json`` report, by code; a file that is not one
    is an :class:`~pipeline.errors.InputError` (exit 2)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(path, None, "baseline report not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"cannot read the baseline report: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"not a JSON check report: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("locales"), list):
        raise InputError(path, None, "not a translatio check report (made with 'translatio check --format json')")
    if data.get("version") != JSON_VERSION:
        raise InputError(path, None, f"check report version {data.get('version')!r}; this translatio reads version {JSON_VERSION}")
    locales: dict[str, dict[str, Any]] = {}
    for entry in data["locales"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("locale"), str):
            raise InputError(path, None, "not a translatio check report: a locale without its code")
        locales[entry["locale"]] = entry
    return locales


def compare(report: CheckReport, baseline: dict[str, dict[str, Any]], config: Config, name: str) -> list[Finding]:
    """The regressions of ``report`` against the baseline's locales, one finding each."""
    findings: list[Finding] = []
    totals = locale_totals(report)
    for code in report.locales:
        before = baseline.get(code)
        if before is None or code not in totals:
            continue
        folder = config.locale_dir / code / "LC_MESSAGES"
        now = totals[code]
        then = before.get("total") or {}
        for key, what, value in (("percent", "translated", now.percent), ("reviewed_percent", "reviewed", now.reviewed_percent)):
            old = then.get(key)
            if isinstance(old, (int, float)) and round(value, 2) < old:
                findings.append(Finding("baseline", Severity.ERROR, folder, None, f"{code}: the {what} share dropped from {old:g}% to {round(value, 2):g}% (baseline {name})", code))
        was = {a.get("article"): a for a in (before.get("disclaimer") or {}).get("articles", []) if isinstance(a, dict)}
        for result in report.required:
            if result.locale != code or result.usable:
                continue
            earlier = was.get(result.article)
            if earlier is not None and earlier.get("usable") is True:
                findings.append(
                    Finding(
                        "baseline", Severity.ERROR, result.path, result.line,
                        f"the disclaimer of {result.article!r} was published translated in the baseline ({name}) and now falls back to English: {result.reason}",
                        code, result.article,
                    )
                )  # fmt: skip
    return findings


def with_baseline(report: CheckReport, path: Path, config: Config) -> CheckReport:
    """``report`` with the regressions against the baseline report at ``path`` added (unless a
    locale switched the ``baseline`` check off with ``ignore_checks``)."""
    found = compare(report, read_baseline(path), config, config.relative(path))
    found = [f for f in found if "baseline" not in report.ignored.get(f.locale or "", ())]
    unique = {(f.path, f.line, f.message): f for f in found}  # one disclaimer may hold several segments
    return replace(report, findings=(*report.findings, *unique.values()))
