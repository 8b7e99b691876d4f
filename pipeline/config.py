"""Project configuration from ``pyproject.toml``'s ``[tool.translatio]`` table.

An absent file or table means the defaults, which match the shipped layout; every key is
checked for its type and meaning, and an unknown key is an error too (a typo in a threshold
must not silently become the default). Errors name the file and the key.

    [tool.translatio]
    source_dir = "source"          # articles (*.md, *.txt)
    locale_dir = "locale"          # <slug>.pot, <lang>/LC_MESSAGES/<slug>.po, TMX files
    build_dir = "build"            # generated pages
    templates_dir = ""             # your own Jinja2 templates; "" means the shipped ones
    source_locale = "en"
    locales = ["de", "fr"]         # [] means every locale found under locale_dir
    require_disclaimer = true      # an article without a required block is an error
    allow_scripts = false          # pages may carry scripts (then nothing vouches for what they do)
    base_url = ""                  # the site's public address ("https://example.org/health/"):
                                   # canonical links, absolute hreflang alternates, sitemap.xml
    publish_status = false         # build also writes status.html and badges/ into the site
    min_percent = 100              # check: minimum share of translated messages
    fuzzy_threshold = 60           # update: similarity (0-100) for a fuzzy suggestion
    tm_threshold = 75              # update: minimum translation-memory score to pre-fill
    plural_rules = "gettext"       # new catalogues: GNU gettext's plural rules, or "cldr"
    project_name = "translatio"    # catalogue headers
    bugs_address = ""              # Report-Msgid-Bugs-To
    team = "translatio translation team <i18n@example.org>"
    publish = "translated"         # what pages show: "translated", or "reviewed" (signed) only
    required_review = false        # the disclaimer is shown translated only once reviewed
    memory_url = ""                # a shared memory on PostgreSQL: "postgresql://user@host/db";
                                   # TRANSLATIO_MEMORY_URL wins (keep passwords out of git)

    [tool.translatio.locale.de]    # per-locale overrides
    min_percent = 90
    ignore_checks = ["length-ratio"]
    plural_rules = "cldr"
    publish = "reviewed"
    required_review = true
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from .errors import ConfigError, LocaleError
from .locales import normalize_locale
from .plurals.rules import DEFAULT_SCHEME, SCHEMES

DEFAULT_TEAM = "translatio translation team <i18n@translatio.example>"
PUBLISH_CHOICES = ("translated", "reviewed")
"""What a locale publishes: every approved (translated, not fuzzy) translation, or only those a
reviewer signed (:mod:`pipeline.approval`); the rest is shown in English."""


@dataclass(frozen=True, slots=True)
class PublishPolicy:
    """What one locale's pages may show translated (applied by :func:`pipeline.policy.verdict`)."""

    publish: str = "translated"
    """``translated``: every approved translation; ``reviewed``: only those with a valid approval."""
    required_review: bool = False
    """The required segments (the disclaimer) are shown translated only with a valid approval,
    whatever ``publish`` says."""

    def needs_review(self, required: bool) -> bool:
        """Whether a segment (required or not) is published only once reviewed."""
        return self.publish == "reviewed" or (required and self.required_review)


@dataclass(frozen=True, slots=True)
class LocaleSettings:
    """Overrides for one locale."""

    min_percent: float | None = None
    """Minimum translated share for ``check``; ``None`` means the global value."""
    ignore_checks: tuple[str, ...] = ()
    """Quality checks switched off for this locale."""
    plural_rules: str | None = None
    """``gettext`` or ``cldr`` for this locale's new catalogues; ``None`` means the global value."""
    publish: str | None = None
    """``translated`` or ``reviewed`` for this locale; ``None`` means the global value."""
    required_review: bool | None = None
    """Whether this locale's disclaimer must be reviewed; ``None`` means the global value."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the pipeline stages need to know about a project."""

    root: Path
    """The project folder; every other path is resolved against it."""
    source_dir: Path
    locale_dir: Path
    build_dir: Path
    templates_dir: Path | None = None
    """A publisher's own templates, or ``None`` for the ones shipped in the package."""
    source_locale: str = "en"
    locales: tuple[str, ...] = ()
    """Configured target locales; empty means those found on disk (see :meth:`target_locales`)."""
    require_disclaimer: bool = True
    allow_scripts: bool = False
    """Published pages may contain scripts; by default a page with one fails verification,
    since a script could hide or remove the disclaimer after the page has loaded."""
    base_url: str | None = None
    """The published site's address, ending in ``/``; ``None``: relative links, no sitemap."""
    publish_status: bool = False
    """``build`` writes ``status.html`` and ``badges/`` into the published site (else they are
    not public: ``check --html`` writes them where you choose)."""
    min_percent: float = 100.0
    fuzzy_threshold: int = 60
    tm_threshold: int = 75
    plural_rules: str = DEFAULT_SCHEME
    """Which family of plural rules new catalogues get: ``gettext`` (msginit's) or ``cldr``."""
    project_name: str = "translatio"
    bugs_address: str = ""
    team: str = DEFAULT_TEAM
    publish: str = "translated"
    """The project's default publish policy (see :class:`PublishPolicy`)."""
    required_review: bool = False
    locale_settings: dict[str, LocaleSettings] = field(default_factory=dict)
    config_file: str = "pyproject.toml"
    """Where the settings were read, as errors name it (``site/pyproject.toml`` with ``-C site``)."""
    configured: frozenset[str] = frozenset()
    """The keys the table sets explicitly (a default ``locale_dir`` may be absent: no locales yet)."""
    memory_url: str = ""
    """Where the translation memory is kept: empty for the project's own (TMX files and a SQLite
    index in ``locale/``), or a shared server (``postgresql://…``) that the TMX files are synced
    with. ``TRANSLATIO_MEMORY_URL`` overrides the configured value."""

    def folder(self, key: str) -> Path:
        """The configured folder ``key`` (``source_dir``, ``locale_dir``, ``templates_dir``), which
        must exist: a misspelt folder read as an empty one would publish an empty site over the
        full one, or make ``update`` delete every template. Commands that create the folder
        (``init``, ``extract``, ``update`` for ``locale_dir``) do not ask for it. The default
        ``locale`` of a project that has no catalogues yet may be absent (an English-only site);
        a ``locale_dir`` the configuration names must exist."""
        path = getattr(self, key)
        assert isinstance(path, Path), key
        if key == "locale_dir" and key not in self.configured and not path.exists():
            return path  # a new project: no catalogues yet, which readers treat as no locales
        if not path.is_dir():
            state = "is not a folder" if path.exists() else "does not exist"
            raise ConfigError(f"{self.config_file}: tool.translatio.{key}: folder {self.relative(path)!r} {state}")
        return path

    def relative(self, path: Path) -> str:
        """``path`` as written in references and messages: relative to the root, with ``/``."""
        if path.is_absolute() == self.root.is_absolute() and ".." not in path.parts:
            try:  # built from the root, as almost every path is: no file system calls needed
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        try:
            return _resolved(path).relative_to(_resolved(self.root)).as_posix()
        except ValueError:
            return path.as_posix()

    def fingerprint(self) -> str:
        """Every setting, as text: part of the key of each cached result that settings shape.
        The same settings give the same text in every process (sets are sorted: their order
        follows string hashing, which is randomized per process)."""
        values = {name: getattr(self, name) for name in (f.name for f in fields(self))}
        values["configured"] = sorted(self.configured)
        return repr(values)

    def target_locales(self) -> tuple[str, ...]:
        """The configured locales, or every ``locale/<code>/LC_MESSAGES`` folder, sorted."""
        if self.locales:
            return self.locales
        if not self.locale_dir.is_dir():
            return ()
        found = []
        for child in sorted(self.locale_dir.iterdir()):
            if (child / "LC_MESSAGES").is_dir():
                try:
                    found.append(normalize_locale(child.name))
                except LocaleError:
                    continue
        return tuple(found)

    def settings_for(self, locale: str) -> LocaleSettings:
        return self.locale_settings.get(locale, LocaleSettings())

    def plural_rules_for(self, locale: str) -> str:
        own = self.settings_for(locale).plural_rules
        return self.plural_rules if own is None else own

    def min_percent_for(self, locale: str) -> float:
        own = self.settings_for(locale).min_percent
        return self.min_percent if own is None else own

    def policy_for(self, locale: str) -> PublishPolicy:
        """What ``locale``'s pages may show translated: its own settings, else the project's."""
        own = self.settings_for(locale)
        return PublishPolicy(
            self.publish if own.publish is None else own.publish,
            self.required_review if own.required_review is None else own.required_review,
        )


@lru_cache(maxsize=4096)
def _resolved(path: Path) -> Path:
    return path.resolve()


_PATH_KEYS = ("source_dir", "locale_dir", "build_dir", "templates_dir")
_KNOWN = {
    *_PATH_KEYS,
    "source_locale",
    "locales",
    "require_disclaimer",
    "allow_scripts",
    "base_url",
    "publish_status",
    "min_percent",
    "fuzzy_threshold",
    "tm_threshold",
    "plural_rules",
    "project_name",
    "bugs_address",
    "team",
    "publish",
    "required_review",
    "memory_url",
    "locale",
}
_LOCALE_KEYS = ("ignore_checks", "min_percent", "plural_rules", "publish", "required_review")
MEMORY_SCHEMES = ("postgresql", "postgres")
"""URL schemes of the shared memory servers translatio can use (see :mod:`pipeline.memory.project`)."""
MEMORY_URL_ENV = "TRANSLATIO_MEMORY_URL"


def load_config(root: Path | str = ".") -> Config:
    """Read ``root/pyproject.toml`` (if any) and return the project's :class:`Config`."""
    root = Path(root)
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] = {}
    data: dict[str, Any] = {}
    project_name = "translatio"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from exc
        table = data.get("tool", {}).get("translatio", {})
        project_name = str(data.get("project", {}).get("name", project_name))
        if not isinstance(table, dict):
            raise ConfigError(f"{pyproject}: [tool.translatio] must be a table")
    named = "project_name" in table or "name" in data.get("project", {})
    config = config_from_table(root, table, where=str(pyproject), project_name=project_name)
    from_env = os.environ.get(MEMORY_URL_ENV)
    if from_env:  # the environment wins, so a password never has to be committed
        config = replace(config, memory_url=memory_url(from_env, MEMORY_URL_ENV))
    if config.memory_url and not named:
        # A shared memory keeps each project's record under its name: two unnamed projects
        # would both be "translatio", and each would write the other's units into its TMX files.
        raise ConfigError(
            f"{pyproject}: tool.translatio.project_name: a shared memory (memory_url) needs the project's name, "
            "unique on the server: set project_name (or [project] name)"
        )
    return config


def memory_url(value: str, where: str) -> str:
    """``value`` if it is a URL of a memory server translatio can use; the error names ``where``
    and never repeats the URL (it may hold a password)."""
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if value and scheme not in MEMORY_SCHEMES:
        raise ConfigError(f"{where}: expected a URL such as postgresql://user@host:5432/database, or nothing for the project's own memory")
    return value


def config_from_table(
    root: Path, table: dict[str, Any], where: str = "pyproject.toml", project_name: str = "translatio"
) -> Config:
    """Validate a ``[tool.translatio]`` table; errors read ``<where>: tool.translatio.<key>: …``."""

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{where}: tool.translatio.{key}: {message}")

    for key in table:
        if key not in _KNOWN:
            raise fail(key, f"unknown key (known keys: {', '.join(sorted(_KNOWN))})")

    def text(key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise fail(key, f"expected a string, got {value!r}")
        return value

    def number(key: str, default: float, low: float, high: float, source: dict[str, Any] | None = None, name: str | None = None) -> float:
        value = (table if source is None else source).get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise fail(name or key, f"expected a number from {low:g} to {high:g}, got {value!r}")
        return float(value)

    def locale_code(key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise fail(key, f"expected a locale code, got {value!r}")
        try:
            return normalize_locale(value)
        except LocaleError as exc:
            raise fail(key, str(exc)) from exc

    def flag(key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise fail(key, f"expected true or false, got {value!r}")
        return value

    def publish(key: str, value: Any) -> str:
        if value not in PUBLISH_CHOICES:
            raise fail(key, f"expected one of {', '.join(repr(p) for p in PUBLISH_CHOICES)}, got {value!r}")
        return str(value)

    def scheme(key: str, value: Any) -> str:
        if value not in SCHEMES:
            raise fail(key, f"expected one of {', '.join(repr(s) for s in SCHEMES)}, got {value!r}")
        return str(value)

    paths: dict[str, Path | None] = {}
    for key in _PATH_KEYS:
        value = text(key, "" if key == "templates_dir" else key.removesuffix("_dir"))
        if key != "templates_dir" and not value:
            raise fail(key, "must not be empty")
        paths[key] = (root / value) if value else None

    locales = table.get("locales", [])
    if not isinstance(locales, list):
        raise fail("locales", f"expected a list of locale codes, got {locales!r}")
    codes = tuple(dict.fromkeys(locale_code("locales", code) for code in locales))

    require = table.get("require_disclaimer", True)
    if not isinstance(require, bool):
        raise fail("require_disclaimer", f"expected true or false, got {require!r}")

    allow_scripts = table.get("allow_scripts", False)
    if not isinstance(allow_scripts, bool):
        raise fail("allow_scripts", f"expected true or false, got {allow_scripts!r}")

    flags = {}
    for key in ("publish_status",):
        flags[key] = table.get(key, False)
        if not isinstance(flags[key], bool):
            raise fail(key, f"expected true or false, got {flags[key]!r}")

    base_url = _base_url(text("base_url", ""), lambda message: fail("base_url", message))

    overrides = table.get("locale", {})
    if not isinstance(overrides, dict):
        raise fail("locale", "expected tables such as [tool.translatio.locale.de]")
    settings: dict[str, LocaleSettings] = {}
    for raw_code, values in overrides.items():
        code = locale_code(f"locale.{raw_code}", raw_code)
        if not isinstance(values, dict):
            raise fail(f"locale.{raw_code}", "expected a table")
        for key in values:
            if key not in _LOCALE_KEYS:
                raise fail(f"locale.{raw_code}.{key}", f"unknown key (known: {', '.join(_LOCALE_KEYS)})")
        own_min = None
        if "min_percent" in values:
            own_min = number("min_percent", 100, 0, 100, values, f"locale.{raw_code}.min_percent")
        ignore = values.get("ignore_checks", [])
        if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
            raise fail(f"locale.{raw_code}.ignore_checks", "expected a list of check ids")
        own_rules = scheme(f"locale.{raw_code}.plural_rules", values["plural_rules"]) if "plural_rules" in values else None
        own_publish = publish(f"locale.{raw_code}.publish", values["publish"]) if "publish" in values else None
        own_review = flag(f"locale.{raw_code}.required_review", values["required_review"]) if "required_review" in values else None
        settings[code] = LocaleSettings(own_min, tuple(ignore), own_rules, own_publish, own_review)

    source_dir, locale_dir, build_dir = paths["source_dir"], paths["locale_dir"], paths["build_dir"]
    assert source_dir and locale_dir and build_dir
    return Config(
        root=root,
        source_dir=source_dir,
        locale_dir=locale_dir,
        build_dir=build_dir,
        templates_dir=paths["templates_dir"],
        source_locale=locale_code("source_locale", table.get("source_locale", "en")),
        locales=codes,
        require_disclaimer=require,
        allow_scripts=allow_scripts,
        base_url=base_url,
        publish_status=flags["publish_status"],
        min_percent=number("min_percent", 100, 0, 100),
        fuzzy_threshold=int(number("fuzzy_threshold", 60, 0, 100)),
        tm_threshold=int(number("tm_threshold", 75, 0, 100)),
        plural_rules=scheme("plural_rules", table.get("plural_rules", DEFAULT_SCHEME)),
        project_name=text("project_name", project_name),
        bugs_address=text("bugs_address", ""),
        team=text("team", DEFAULT_TEAM),
        publish=publish("publish", table.get("publish", "translated")),
        required_review=flag("required_review", table.get("required_review", False)),
        locale_settings=settings,
        config_file=where,
        configured=frozenset(table),
        memory_url=memory_url(text("memory_url", ""), f"{where}: tool.translatio.memory_url"),
    )


def _base_url(value: str, fail: Callable[[str], ConfigError]) -> str | None:
    """``""`` → ``None``; else an absolute http(s) address of a folder, ending in ``/`` (a
    missing one is added: ``https://example.org`` means the host's root)."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise fail(f"expected an absolute http or https address such as 'https://example.org/', got {value!r}")
    if parts.query or parts.fragment:
        raise fail(f"expected the address of a folder, without '?' or '#', got {value!r}")
    return value if value.endswith("/") else value + "/"
