"""The status page and badges: completeness and findings where people look, not only in CI logs.

``translatio check --html FILE`` writes the page; ``build --status`` (or ``publish_status``)
writes ``build/status.html`` and a badge per locale (``build/badges/<locale>.svg``, "de 100%")
plus one for all locales (``badges/all.svg``) that a README can show. The page is rendered by
Jinja2 with autoescape on: messages quote translations, which are untrusted.

Principles:

- Read in five seconds: one verdict line first (passed or failed, and from which source
  revision: the git commit and its date, so the page says when without a clock — the same
  input gives the same bytes), then one row per language, then the findings grouped by language
  in plain words.
- Readable on a phone: wide tables scroll inside their own box, never the page.
- Links that work where the page is: inside a published site it links to each language's pages
  and not to catalogues (which are not published); written elsewhere by ``check --html`` it
  links to the catalogues beside it.
- Badges meet WCAG AA: every text colour on its fill is at least 4.5:1.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from ..files import write_atomic
from ..locales import locale_info
from .formats import HOW_TO_IGNORE, locale_totals
from ..stats import CatalogStats
from .runner import CheckReport

_ENV = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=True, trim_blocks=True, lstrip_blocks=True)
ALL_BADGE = "all"
"""The badge of every locale together: ``badges/all.svg``."""

LABEL_FILL = "#555555"
BADGE_FILLS = ((100.0, "#2e7d32"), (80.0, "#8a5a00"), (0.0, "#c62828"))
"""The value's fill by the share translated: green when complete, dark amber from 80%, red
below; white text on each is at least 4.5:1."""
BADGE_TEXT = "#ffffff"


@dataclass(frozen=True, slots=True)
class Revision:
    """The source revision a report was made from."""

    short: str
    date: str
    """The commit's date (ISO 8601), which does not move when the page is written again."""
    dirty: bool
    """The working tree differs from the commit."""


def source_revision(root: Path) -> Revision | None:
    """The git commit checked out at ``root`` (``None`` outside a git checkout or without git)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%h %cd", "--date=format:%Y-%m-%d %H:%M"],
            capture_output=True, text=True, timeout=30, env={**os.environ, "TZ": "UTC"},
        )  # fmt: skip
        if head.returncode != 0 or not head.stdout.strip():
            return None
        changes = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    short, date = head.stdout.strip().split(" ", 1)
    return Revision(short, f"{date} UTC", bool(changes.stdout.strip()))


def badge_svg(label: str, percent: float) -> str:
    """A flat badge in the shields.io style: grey label, coloured value."""
    value = f"{percent:.0f}%"
    color = next(fill for floor, fill in BADGE_FILLS if percent >= floor)
    left, right = 7 * len(label) + 12, 7 * len(value) + 12
    width = left + right
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{label}: {value}">'
        f"<title>{label}: {value}</title>"
        f'<rect width="{left}" height="20" fill="{LABEL_FILL}"/><rect x="{left}" width="{right}" height="20" fill="{color}"/>'
        f'<g fill="{BADGE_TEXT}" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2}" y="14">{label}</text><text x="{left + right / 2}" y="14">{value}</text></g></svg>\n'
    )


def status_page(
    report: CheckReport,
    page: Path,
    badges: dict[str, str] | None = None,
    pages: dict[str, str] | None = None,
    revision: Revision | None = None,
) -> str:
    """The HTML page, with links relative to where it will be written. ``pages`` (inside a
    published site): each locale's home, linked from its row; the catalogues are then not
    linked, since they are not published."""
    badges = badges or {}

    def href(path: Path) -> str | None:
        if pages is not None:
            return None
        return Path(os.path.relpath(path.resolve(), page.resolve().parent)).as_posix()

    totals = locale_totals(report)
    locales = []
    for code in report.locales:
        total = totals.get(code)
        if total is None:
            continue
        info = locale_info(code)
        required = [r for r in report.required if r.locale == code]
        english = [r for r in required if not r.usable]
        errors = sum(1 for f in report.errors if f.locale == code)
        warnings = sum(1 for f in report.warnings if f.locale == code)
        if not required:
            disclaimer, ok = "no articles with one", True
        elif english:
            disclaimer, ok = f"English in {len(english)} of {len(required)} articles", False
        else:
            disclaimer, ok = f"translated in {'the article' if len(required) == 1 else f'all {len(required)} articles'}", True
        locales.append(
            {
                "code": code,
                "tag": info.tag,
                "direction": info.direction,
                "name": info.native_name,
                "percent": total.percent,
                "low": total.percent < report.thresholds.get(code, 100.0),
                "reviewed_percent": total.reviewed_percent,
                "fuzzy": total.fuzzy.messages,
                "untranslated": total.untranslated.messages,
                "disclaimer": disclaimer,
                "disclaimer_ok": ok,
                "errors": errors,
                "warnings": warnings,
                "pages": (pages or {}).get(code),
                "badge": badges.get(code),
            }
        )
    rows = [
        {
            "locale": s.locale,
            "domain": s.domain,
            "percent": s.percent,
            "translated": s.translated.messages,
            "total": s.total.messages,
            "words": s.translated.words,
            "total_words": s.total.words,
            "fuzzy": s.fuzzy.messages,
            "untranslated": s.untranslated.messages,
            "reviewed": s.reviewed.messages,
        }
        for s in report.stats
    ]
    coverage = [
        {
            "locale": code,
            "policy": report.policies[code].publish if code in report.policies else "translated",
            "disclaimer_review": code in report.policies and report.policies[code].needs_review(required=True),
            "percent": total.percent,
            "reviewed_percent": total.reviewed_percent,
            "reviewed": total.reviewed.messages,
            "total": total.total.messages,
            "reviewed_words": total.reviewed.words,
            "total_words": total.total.words,
        }
        for code, total in locale_totals(report).items()
    ]
    groups = []
    for code in sorted({f.locale or "" for f in report.findings}, key=lambda c: (c not in report.locales, c)):
        findings = [f for f in report.findings if (f.locale or "") == code]
        title = f"{locale_info(code).english_name} ({code})" if code else "All languages"
        groups.append(
            {
                "code": code or "all",
                "title": f"{title}: {len(findings)} {'finding' if len(findings) == 1 else 'findings'}",
                "findings": [
                    {
                        "href": href(f.path),
                        "location": f.location(report.relative(f.path)),
                        "severity": f.severity.value,
                        "check": f.check,
                        "message": f.message,
                        "msgid": f.msgid,
                    }
                    for f in findings
                ],
            }
        )
    overall = _overall(totals)
    return _ENV.get_template("status.html.j2").render(
        coverage=coverage,
        passed=report.passed(),
        errors=len(report.errors),
        warnings=len(report.warnings),
        revision=revision,
        locales=locales,
        any_pages=pages is not None,
        rows=rows,
        groups=groups,
        overall=overall,
        overall_badge=badges.get(ALL_BADGE),
        how_to_ignore=HOW_TO_IGNORE,
    )


def _overall(totals: dict[str, CatalogStats]) -> float:
    """Every locale together, measured as each locale's badge is (its catalogues' ``percent``)."""
    combined: CatalogStats | None = None
    for total in totals.values():
        combined = total if combined is None else combined + total
    return combined.percent if combined is not None else 100.0


def write_status(report: CheckReport, page: Path, badge_dir: Path | None = None, pages: dict[str, str] | None = None) -> list[Path]:
    """Write the status page (and a badge per locale, and one for all); returns the files written."""
    written: list[Path] = []
    badges: dict[str, str] = {}
    if badge_dir is not None:
        totals = locale_totals(report)
        figures = {code: total.percent for code, total in totals.items()}
        if totals:
            figures[ALL_BADGE] = _overall(totals)
        for code, percent in figures.items():
            path = badge_dir / f"{code}.svg"
            write_atomic(path, badge_svg("translated" if code == ALL_BADGE else code, percent))
            badges[code] = Path(os.path.relpath(path, page.parent)).as_posix()
            written.append(path)
    write_atomic(page, status_page(report, page, badges, pages, source_revision(report.root)))
    written.append(page)
    return written
