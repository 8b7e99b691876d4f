"""The status page and badges: completeness and findings where people look, not only in CI logs.

``translatio check --html FILE`` writes the page; ``build --status`` (or ``publish_status``)
writes ``build/status.html`` and a badge per locale (``build/badges/<locale>.svg``, "de 100%") that a README can show. The page is
rendered by Jinja2 with autoescape on: messages quote translations, which are untrusted.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from ..files import write_atomic
from .formats import HOW_TO_IGNORE, locale_totals
from .runner import CheckReport

_ENV = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def badge_svg(label: str, percent: float) -> str:
    """A flat badge in the shields.io style: grey label, coloured value."""
    value = f"{percent:.0f}%"
    color = "#2e7d32" if percent >= 100 else "#f9a825" if percent >= 80 else "#c62828"
    left, right = 7 * len(label) + 12, 7 * len(value) + 12
    width = left + right
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{label}: {value}">'
        f"<title>{label}: {value}</title>"
        f'<rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="{color}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2}" y="14">{label}</text><text x="{left + right / 2}" y="14">{value}</text></g></svg>\n'
    )


def status_page(report: CheckReport, page: Path, badges: dict[str, str] | None = None) -> str:
    """The HTML page, with links relative to where it will be written."""

    def href(path: Path, line: int | None) -> str:
        link = os.path.relpath(path.resolve(), page.resolve().parent)
        return f"{Path(link).as_posix()}"

    rows = []
    for s in report.stats:
        rows.append(
            {
                "locale": s.locale,
                "domain": s.domain,
                "percent": s.percent,
                "low": s.percent < report.thresholds.get(s.locale, 100.0),
                "translated": s.translated.messages,
                "total": s.total.messages,
                "words": s.translated.words,
                "total_words": s.total.words,
                "fuzzy": s.fuzzy.messages,
                "untranslated": s.untranslated.messages,
                "badge": (badges or {}).get(s.locale) if s.domain == _first_domain(report, s.locale) else None,
            }
        )
    findings = [
        {
            "href": href(f.path, f.line),
            "location": f.location(report.relative(f.path)),
            "severity": f.severity.value,
            "check": f.check,
            "message": f.message,
            "msgid": f.msgid,
        }
        for f in report.findings
    ]
    return _ENV.get_template("status.html.j2").render(
        passed=report.passed(),
        errors=len(report.errors),
        warnings=len(report.warnings),
        rows=rows,
        required=report.required,
        findings=findings,
        how_to_ignore=HOW_TO_IGNORE,
    )


def _first_domain(report: CheckReport, locale: str) -> str | None:
    return next((s.domain for s in report.stats if s.locale == locale), None)


def write_status(report: CheckReport, page: Path, badge_dir: Path | None = None) -> list[Path]:
    """Write the status page (and a badge per locale); returns the files written."""
    written: list[Path] = []
    badges: dict[str, str] = {}
    if badge_dir is not None:
        for code, total in locale_totals(report).items():
            path = badge_dir / f"{code}.svg"
            write_atomic(path, badge_svg(code, total.percent))
            badges[code] = Path(os.path.relpath(path, page.parent)).as_posix()
            written.append(path)
    write_atomic(page, status_page(report, page, badges))
    written.append(page)
    return written
