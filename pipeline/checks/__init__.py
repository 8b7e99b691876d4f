"""Catalogue checks for CI: completeness, syntax, freshness, the disclaimer rule, and quality.

:func:`run_checks` returns a :class:`CheckReport` (data, never printed); :mod:`.formats` turns it
into text, JSON, JUnit, GitHub annotations or SARIF; :mod:`.status` into an HTML page and badges.
"""

from __future__ import annotations

from .findings import Finding, Severity
from .formats import FORMATS, check_list
from .registry import REGISTRY, CheckInfo, check
from .runner import CheckReport, RequiredResult, run_checks
from .status import badge_svg, write_status
from .baseline import with_baseline

__all__ = [
    "FORMATS",
    "REGISTRY",
    "CheckInfo",
    "CheckReport",
    "Finding",
    "RequiredResult",
    "Severity",
    "badge_svg",
    "check",
    "check_list",
    "run_checks",
    "with_baseline",
    "write_status",
]
