"""The check report for people (text), scripts (JSON), CI dashboards (JUnit, GitHub, SARIF).

Every format is a pure function of a :class:`CheckReport` returning a string, so tests parse
what users get. The JSON form is documented by ``schema.json`` beside this module; its
``version`` changes only when a field changes meaning or disappears.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Callable
from xml.etree import ElementTree as ET

import click

from .. import __version__
from ..config import PublishPolicy
from ..stats import CatalogStats
from .findings import Finding, Severity
from .registry import REGISTRY
from .runner import CheckReport

JSON_VERSION = 1
HOW_TO_IGNORE = (
    "switch a check off for one entry with a translator comment '# translatio-ignore: <check>', "
    "or for a locale with ignore_checks = [\"<check>\"] in [tool.translatio.locale.<code>]"
)


def _bar(percent: float, width: int = 20) -> str:
    full = round(percent / 100 * width)
    return "█" * full + "░" * (width - full)


def locale_totals(report: CheckReport) -> dict[str, CatalogStats]:
    totals: dict[str, CatalogStats] = {}
    for figures in report.stats:
        known = totals.get(figures.locale)
        totals[figures.locale] = figures if known is None else known + figures
    return totals


def format_text(report: CheckReport, color: bool = False, strict: bool = False) -> str:
    def style(text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if color else text

    lines: list[str] = []
    for code in report.locales:
        rows = [s for s in report.stats if s.locale == code]
        minimum = report.thresholds.get(code, 100.0)
        lines.append(style(f"{code}", bold=True) + f"  (minimum {minimum:g}%{_policy_note(report, code)})")
        for s in rows:
            good = s.percent >= minimum
            percent = style(f"{s.percent:5.1f}%", fg="green" if good else "red")
            lines.append(
                f"  {s.domain:<14} {_bar(s.percent)} {percent}  "
                f"{s.translated.messages}/{s.total.messages} msgs, {s.translated.words}/{s.total.words} words"
                f"  reviewed {s.reviewed.messages} msgs, {s.reviewed.words} words"
                f"  fuzzy {s.fuzzy.messages}, untranslated {s.untranslated.messages}, obsolete {s.obsolete.messages}"
            )
        disclaimer = [r for r in report.required if r.locale == code]
        if disclaimer:
            ok = all(r.usable for r in disclaimer)
            shown = "reviewed" if all(r.state == "reviewed" for r in disclaimer) else "translated"
            state = style(shown, fg="green") if ok else style("English fallback", fg="red")
            lines.append(f"  disclaimer     {state}")
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_file[report.relative(finding.path)].append(finding)
    for relative in sorted(by_file):
        lines.append("")
        lines.append(style(relative, bold=True))
        for f in sorted(by_file[relative], key=lambda f: (f.line or 0, f.check)):
            tone = "red" if f.severity is Severity.ERROR else "yellow"
            lines.append(f"  {f.location(relative)}: {style(f.severity.value, fg=tone)}: [{f.check}] {f.message}")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append("")
    verdict = "passed" if report.passed(strict) else "FAILED"
    lines.append(style(f"check {verdict}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", bold=True, fg="green" if report.passed(strict) else "red"))
    if report.findings:
        lines.append(HOW_TO_IGNORE)
    return "\n".join(lines) + "\n"


def _policy_note(report: CheckReport, code: str) -> str:
    """``, publish reviewed``, ``, disclaimer reviewed``: a locale's policy where it is not the default."""
    policy = report.policies.get(code)
    if policy is None:
        return ""
    if policy.publish == "reviewed":
        return ", publish reviewed"
    return ", disclaimer reviewed" if policy.required_review else ""


def _finding_dict(report: CheckReport, f: Finding) -> dict[str, Any]:
    return {
        "check": f.check,
        "severity": f.severity.value,
        "path": report.relative(f.path),
        "line": f.line,
        "locale": f.locale,
        "domain": f.domain,
        "message": f.message,
        "msgid": f.msgid,
    }


def _total(totals: dict[str, CatalogStats], code: str) -> dict[str, object] | None:
    """A locale's figures over all its domains (no ``domain`` key: it is every domain)."""
    if code not in totals:
        return None
    figures = totals[code].as_dict()
    figures.pop("domain", None)
    return figures


def _policy_dict(report: CheckReport, code: str) -> dict[str, Any]:
    policy = report.policies.get(code, PublishPolicy())
    return {"publish": policy.publish, "required_review": policy.required_review}


def format_json(report: CheckReport, strict: bool = False) -> str:
    totals = locale_totals(report)
    data = {
        "version": JSON_VERSION,
        "tool": {"name": "translatio", "version": __version__},
        "passed": report.passed(strict),
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "locales": [
            {
                "locale": code,
                "min_percent": report.thresholds.get(code),
                "total": _total(totals, code),
                "domains": [s.as_dict() for s in report.stats if s.locale == code],
                "disclaimer": {
                    "translated": all(r.usable for r in report.required if r.locale == code),
                    "articles": [
                        {"article": r.article, "usable": r.usable, "reason": r.reason, "state": r.state}
                        for r in report.required
                        if r.locale == code
                    ],
                },
                "ignored_checks": list(report.ignored.get(code, ())),
                "policy": _policy_dict(report, code),
            }
            for code in report.locales
        ],
        "findings": [_finding_dict(report, f) for f in report.findings],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_junit(report: CheckReport, strict: bool = False) -> str:
    """One test suite per locale, one test case per check: dashboards show which gate failed where."""
    suites = ET.Element("testsuites", name="translatio check")
    total_tests = total_failures = 0
    for code in report.locales:
        suite = ET.SubElement(suites, "testsuite", name=f"translatio.{code}")
        tests = failures = 0
        for check_id in REGISTRY:
            found = [f for f in report.findings if f.locale == code and f.check == check_id]
            case = ET.SubElement(suite, "testcase", classname=f"translatio.{code}", name=check_id)
            tests += 1
            failing = [f for f in found if f.severity is Severity.ERROR or strict]
            if check_id in report.ignored.get(code, ()):
                ET.SubElement(case, "skipped", message="switched off by ignore_checks")
            elif failing:
                failures += 1
                failure = ET.SubElement(case, "failure", message=f"{len(failing)} finding(s)", type=check_id)
                failure.text = "\n".join(f"{f.location(report.relative(f.path))}: {f.message}" for f in failing)
            elif found:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(f"warning: {f.location(report.relative(f.path))}: {f.message}" for f in found)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests, total_failures = total_tests + tests, total_failures + failures
    project = [f for f in report.findings if f.locale is None]
    if project:
        suite = ET.SubElement(suites, "testsuite", name="translatio.project", tests="1", failures="1", errors="0")
        case = ET.SubElement(suite, "testcase", classname="translatio.project", name="files")
        failure = ET.SubElement(case, "failure", message=f"{len(project)} finding(s)")
        failure.text = "\n".join(f"{f.location(report.relative(f.path))}: {f.message}" for f in project)
        total_tests, total_failures = total_tests + 1, total_failures + 1
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(report: CheckReport, strict: bool = False) -> str:
    """GitHub Actions workflow commands: an annotation on each finding's file and line."""
    lines = []
    for f in report.findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = [f"file={_github_escape(report.relative(f.path), True)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_github_escape(f'translatio {f.check}', True)}")
        lines.append(f"::{level} {','.join(props)}::{_github_escape(f.message)}")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"translatio check: {errors} errors, {warnings} warnings ({'passed' if report.passed(strict) else 'failed'})")
    return "\n".join(lines) + "\n"


def format_sarif(report: CheckReport, strict: bool = False) -> str:
    """SARIF 2.1.0, for code-scanning dashboards: one rule per check, one result per finding."""
    rules = [
        {
            "id": info.id,
            "name": info.id,
            "shortDescription": {"text": info.title},
            "defaultConfiguration": {"level": "error" if info.severity is Severity.ERROR else "warning"},
        }
        for info in REGISTRY.values()
    ]
    index = {info.id: n for n, info in enumerate(REGISTRY.values())}
    results = []
    for f in report.findings:
        region = {"startLine": f.line} if f.line else None
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": report.relative(f.path), "uriBaseId": "%SRCROOT%"}}}
        if region:
            location["physicalLocation"]["region"] = region
        result: dict[str, Any] = {
            "ruleId": f.check,
            "ruleIndex": index[f.check],
            "level": "error" if f.severity is Severity.ERROR else "warning",
            "message": {"text": f.message},
            "locations": [location],
        }
        if f.locale:
            result["properties"] = {"locale": f.locale, "domain": f.domain}
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "translatio", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[..., str]] = {
    "text": format_text,
    "json": format_json,
    "junit": format_junit,
    "github": format_github,
    "sarif": format_sarif,
}


def check_list(as_json: bool = False) -> str:
    """Every registered check: id, severity, what it looks for, and whether it judges an entry
    or a whole catalogue (``check --list``, as ``pofilter --listfilters``)."""
    rows = [
        {"id": info.id, "severity": info.severity.value, "scope": "entry" if info.function is not None else "catalogue", "title": info.title}
        for info in sorted(REGISTRY.values(), key=lambda info: info.id)
    ]
    if as_json:
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    width = max(len(row["id"]) for row in rows)
    return "".join(f"{row['id']:<{width}}  {row['severity']:<7}  {row['scope']:<9}  {row['title']}\n" for row in rows)
