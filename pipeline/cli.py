"""The ``translatio`` command: a thin layer that parses arguments, calls the library, reports.

Every library error is one line on stderr (``path:line: what is wrong`` for a bad file) and an
exit code: 0 success, 1 a check failed, 2 bad input or usage. No traceback reaches a user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import click

from .config import Config, load_config
from .errors import PipelineError

if TYPE_CHECKING:
    from .merge import MergeSummary
    from .review import ReviewItem

FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report for people (text) or scripts (json).",
)
LOCALES = click.option(
    "-l", "--locale", "locales", multiple=True, metavar="LANG", help="Only this locale (repeatable)."
)


def _config(ctx: click.Context) -> Config:
    return ctx.ensure_object(dict)["config"]


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The project folder (holding pyproject.toml, source/ and locale/).",
)
@click.option(
    "--wait",
    "wait",
    type=click.FloatRange(min=0),
    default=None,
    envvar="TRANSLATIO_LOCK_TIMEOUT",
    metavar="SECONDS",
    help="How long to wait for another translatio process working in the same project (default: as long as it takes; 0: not at all). Also TRANSLATIO_LOCK_TIMEOUT.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse and check everything again, neither reading nor writing the cache of earlier runs (also TRANSLATIO_CACHE=0).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    envvar="TRANSLATIO_JOBS",
    metavar="N",
    help="Worker processes for reading, merging and rendering (default: one per usable core). Also TRANSLATIO_JOBS.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar (it is shown only on a terminal, for runs that take more than a second).")
@click.version_option(package_name="translatio")
@click.pass_context
def cli(ctx: click.Context, project: Path, wait: float | None, no_cache: bool, jobs: int | None, quiet: bool) -> None:
    """translatio: articles → gettext catalogues → localized pages, with a translation memory."""
    from .cache import switched_off
    from .lock import waiting
    from .parallel import limited_jobs
    from .progress import shown_on

    if not quiet:
        ctx.with_resource(shown_on(sys.stderr))

    if no_cache:
        ctx.with_resource(switched_off())
    if jobs is not None:
        ctx.with_resource(limited_jobs(jobs))
    ctx.ensure_object(dict)["config"] = load_config(project)
    ctx.with_resource(waiting(wait, lambda line: click.echo(line, err=True)))


@cli.command()
@click.pass_context
def extract(ctx: click.Context) -> None:
    """Extract every article (and the templates' strings) into locale/<domain>.pot."""
    from .extract import extract_project, write_templates
    from .lock import project_lock

    config = _config(ctx)
    with project_lock(config):
        extraction = extract_project(config)
        changed = set(write_templates(config, extraction.texts))
    for template in extraction.templates:
        state = "written" if template.path in changed else "unchanged"
        count = len(template.catalog.messages)
        click.echo(f"{config.relative(template.path)}: {count} messages ({state})")


@cli.command()
@click.argument("lang")
@click.pass_context
def init(ctx: click.Context, lang: str) -> None:
    """Create the catalogues of a new locale LANG (e.g. de, pt_BR)."""
    from .update import init_locale

    config = _config(ctx)
    for result in init_locale(config, lang):
        state = "created" if result.created else "exists (use 'translatio update')"
        click.echo(f"{config.relative(result.path)}: {state}")


@cli.command()
@LOCALES
@FORMAT
@click.option("-v", "--verbose", is_flag=True, help="A line per catalogue as well as the summary per locale.")
@click.pass_context
def update(ctx: click.Context, locales: tuple[str, ...], output_format: str, verbose: bool) -> None:
    """Extract, then merge the templates into every locale's catalogues.

    Prints a summary per locale and the articles whose catalogue changed; -v adds a line per
    catalogue, --format json gives one object per catalogue."""
    from .progress import finished
    from .update import summarize, update_locales

    config = _config(ctx)
    results = update_locales(config, list(locales) or None)
    finished()
    if output_format == "json":
        _emit_json(
            [
                {
                    "locale": r.locale,
                    "domain": r.domain,
                    "path": config.relative(r.path),
                    "created": r.created,
                    "written": r.written,
                    **r.summary.as_dict(),
                }
                for r in results
            ]
        )
        return
    if not results:
        click.echo("no locales yet: add one with 'translatio init LANG'")
    for locale in summarize(results):
        if verbose:
            for r in results:
                if r.locale == locale.locale:
                    click.echo(f"{r.locale} {r.domain}: {_merge_figures(r.summary)}" + (" (created)" if r.created else ""))
        files = f"{_count(locale.catalogues, 'catalogue')}, {locale.written} written" + (f", {locale.created} created" if locale.created else "")
        click.echo(f"{locale.locale}: {_merge_figures(locale.totals)} ({files})")
        if locale.touched and not verbose:
            shown = ", ".join(locale.touched[:_SHOWN_DOMAINS])
            more = f" and {len(locale.touched) - _SHOWN_DOMAINS} more (-v lists every catalogue)" if len(locale.touched) > _SHOWN_DOMAINS else ""
            click.echo(f"  changed: {shown}{more}")


_SHOWN_DOMAINS = 8
"""Domains named in an update's summary line; ``-v`` lists them all."""


def _merge_figures(s: MergeSummary) -> str:
    memory = f", {s.memory} from memory" if s.memory else ""
    return f"{s.new} new, {s.changed} changed (fuzzy), {s.obsolete} obsolete, {s.revived} revived, {s.unchanged} unchanged{memory}"


@cli.command()
@LOCALES
@FORMAT
@click.pass_context
def stats(ctx: click.Context, locales: tuple[str, ...], output_format: str) -> None:
    """Messages and words translated (and of those, reviewed) / fuzzy / untranslated, per locale and domain."""
    from .stats import project_stats

    config = _config(ctx)
    figures = project_stats(config, list(locales) or None)
    if output_format == "json":
        _emit_json([f.as_dict() for f in figures])
        return
    header = f"{'locale':<8} {'domain':<16} {'translated':>16} {'reviewed':>16} {'fuzzy':>12} {'untranslated':>14} {'done':>7} {'reviewed':>9}"
    click.echo(header)
    for f in figures:
        click.echo(
            f"{f.locale:<8} {f.domain:<16} "
            f"{f'{f.translated.messages} ({f.translated.words} w)':>16} "
            f"{f'{f.reviewed.messages} ({f.reviewed.words} w)':>16} "
            f"{f'{f.fuzzy.messages} ({f.fuzzy.words} w)':>12} "
            f"{f'{f.untranslated.messages} ({f.untranslated.words} w)':>14} "
            f"{f.percent:>6.1f}% {f.reviewed_percent:>8.1f}%"
        )


@cli.command()
@LOCALES
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Build folder (default: build_dir).")
@click.option("--status/--no-status", default=None, help="Also publish status.html and badges/ in the site (default: the publish_status setting).")
@click.option(
    "--clean",
    is_flag=True,
    help="Build every page and replace the whole folder in one atomic swap (default: when the folder is as the last build left it, publish only what changed, in place).",
)
@click.pass_context
def build(ctx: click.Context, locales: tuple[str, ...], output: Path | None, status: bool | None, clean: bool) -> None:
    """Render every article in every locale to HTML and text, verify, then publish."""
    from .build import build_site
    from .progress import finished

    config = _config(ctx)
    result = build_site(config, list(locales) or None, output, status=status, clean=clean)
    finished()
    pages = [o for o in result.outputs if o.article is not None]
    fallbacks = sorted({o.locale for o in pages if o.disclaimer == "fallback"})
    click.echo(f"{len(result.outputs)} files in {result.folder} ({len(pages)} article pages, all verified){result.in_place_note()}")
    for locale in sorted({o.locale for o in pages}):
        shares = [o.translated or 0.0 for o in pages if o.locale == locale and o.path.endswith(".html")]
        share = 100 * sum(shares) / len(shares) if shares else 100.0
        note = ", disclaimer in English" if locale in fallbacks else ""
        click.echo(f"  {locale}: {share:.0f}% translated{note}")
        for reason in sorted({w for o in pages if o.locale == locale for w in o.withheld}):
            click.echo(f"    shown in English: {reason}")
    for note in result.notes:
        click.echo(f"note: {note} (set tool.translatio.base_url in {config.config_file})")
    click.echo(f"open {result.folder / 'index.html'}")


@cli.command()
@LOCALES
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--status/--no-status", default=None, help="Also publish status.html and badges/ (default: the publish_status setting).")
@click.pass_context
def serve(ctx: click.Context, locales: tuple[str, ...], port: int, status: bool | None) -> None:
    """Build, serve the site on 127.0.0.1, and build again when sources, catalogues or templates change."""
    import signal

    from .build import build_site
    from .serve import serve as serve_site

    config = _config(ctx)

    def build() -> str:
        fresh = load_config(config.root)  # the settings may have changed too
        result = build_site(fresh, list(locales) or None, status=status)
        pages = sum(1 for o in result.outputs if o.article is not None)
        return f"{len(result.outputs)} files in {result.folder} ({pages} article pages, all verified){result.in_place_note()}"

    def stop(number: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C must stop the preview even when SIGINT came ignored from the parent (a shell runs
    # background jobs, and so CI steps, with SIGINT ignored, and Python then keeps it ignored).
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)
    try:
        serve_site(config, build, lambda line: click.echo(line), port)
    except KeyboardInterrupt:
        click.echo("stopped")

@cli.command()
@LOCALES
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "junit", "github", "sarif"]),
    default="text",
    show_default=True,
    help="Report for people, scripts (json), CI dashboards (junit, github annotations, sarif).",
)
@click.option("--min-percent", type=click.FloatRange(0, 100), default=None, help="Minimum translated share for every locale (overrides the configuration).")
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option("--html", "html_page", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write an HTML status page (and badges beside it).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the report to a file instead of standard output.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None, help="An earlier 'check --format json' report: fail if a locale's translated or reviewed share dropped, or a translated disclaimer fell back.")
@click.option("--list", "list_checks", is_flag=True, help="List every check with its severity and what it looks for, and exit.")
@click.pass_context
def check(
    ctx: click.Context,
    locales: tuple[str, ...],
    output_format: str,
    min_percent: float | None,
    strict: bool,
    html_page: Path | None,
    output: Path | None,
    baseline: Path | None,
    list_checks: bool,
) -> None:
    """Check catalogues: freshness, syntax, completeness, the disclaimer, reviews, quality. Exit 1 on failure."""
    from .checks import FORMATS, check_list, run_checks, with_baseline, write_status
    from .files import is_special, write_atomic

    if list_checks:
        click.echo(check_list(as_json=output_format == "json"), nl=False)
        return
    config = _config(ctx)
    report = run_checks(config, list(locales) or None, min_percent)
    if baseline is not None:
        report = with_baseline(report, baseline, config)
    if output_format == "text":
        color = output is None and sys.stdout.isatty()
        text = FORMATS["text"](report, color=color, strict=strict)
    else:
        text = FORMATS[output_format](report, strict=strict)
    if output is not None:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    if html_page is not None:  # badges go beside a page file, not beside /dev/stdout
        write_status(report, html_page, None if is_special(html_page) else html_page.parent / "badges")
    if not report.passed(strict):
        ctx.exit(1)


@cli.command()
@click.option("-l", "--locale", "locale", required=True, metavar="LANG", help="The locale to review.")
@click.option("-d", "--domain", "domains", multiple=True, metavar="DOMAIN", help="Only this article (slug) or 'ui' (repeatable).")
@click.option("--approve", is_flag=True, help="Sign the given entries (IDs), or every listed one after a confirmation.")
@click.option("--by", "reviewer", metavar="NAME", default=None, help="Who signs (with --approve), e.g. 'Jane Doe <jane@example.org>'.")
@click.option("--date", "day", metavar="YYYY-MM-DD", default=None, help="The date of the approval (default: today, taken once).")
@click.option("--yes", is_flag=True, help="Sign every listed entry without asking (for scripts).")
@FORMAT
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.pass_context
def review(
    ctx: click.Context, locale: str, domains: tuple[str, ...], approve: bool, reviewer: str | None, day: str | None, yes: bool, output_format: str, ids: tuple[str, ...]
) -> None:
    """List what waits for review in a locale (translated, never or no longer approved), or sign it.

    Each entry is listed with its ID, the hash of its exact text; where the English changed since
    the translation or its last approval, with a word diff ([-old-]{+new+}). With --approve --by
    NAME, the given IDs are signed, or every listed entry after a confirmation (--yes: without).
    Signing adds a '# translatio-approved: DATE by NAME [sha256:ID]' comment; it never changes a
    translation, and any later change of the text voids the approval by itself.
    """
    from datetime import date

    from .review import approve as sign, pending

    config = _config(ctx)
    if approve and not reviewer:
        raise click.UsageError("--approve needs --by NAME: the reviewer who signs")
    if not approve and (reviewer or day or yes):
        raise click.UsageError("--by, --date and --yes go with --approve")
    try:
        when = date.fromisoformat(day) if day else date.today()  # taken once: never re-computed
    except ValueError as exc:
        raise click.BadParameter(f"{day!r} is not a date YYYY-MM-DD", param_hint="--date") from exc
    items = pending(config, locale, domains)
    if ids:
        unknown = sorted(set(ids) - {i.id for i in items})
        items = [i for i in items if i.id in set(ids)]
        if unknown and not approve:
            raise click.UsageError(f"no entry waiting for review has the id {unknown[0]}")
    if not approve or not ids:
        _show_review(config, locale, items, output_format, approve)
    if not approve or (not items and not ids):
        return
    if not ids and not yes:
        try:
            agreed = click.confirm(f"Sign {_count(len(items), 'entry', 'entries')} as {reviewer} on {when.isoformat()}?", default=False, err=True)
        except click.exceptions.Abort:
            agreed = False
        if not agreed:
            click.echo("nothing signed", err=True)
            ctx.exit(1)
    assert reviewer is not None
    try:
        results = sign(config, locale, list(ids) or [i.id for i in items], reviewer, when, domains)
    except ValueError as exc:  # a reviewer's name that an approval cannot hold
        raise click.BadParameter(str(exc), param_hint="--by") from exc
    if output_format == "json":
        _emit_json({"reviewer": reviewer, "date": when.isoformat(), "signed": [{"path": config.relative(r.path), "domain": r.domain, "ids": list(r.ids)} for r in results]})
        return
    for r in results:
        click.echo(f"{config.relative(r.path)}: {_count(len(r.ids), 'entry', 'entries')} signed by {reviewer} on {when.isoformat()}")


def _visible(text: str) -> str:
    """A text as a reviewer must see it: quoted when spaces at its ends or line breaks matter (the
    byline's " · ")."""
    return json.dumps(text, ensure_ascii=False) if text != text.strip() or "\n" in text else text


def _show_review(config: Config, locale: str, items: list[ReviewItem], output_format: str, approving: bool) -> None:
    """The review list: for people (text, on stderr when a confirmation follows) or scripts (json)."""
    from .review import word_diff

    if output_format == "json":
        if not approving:
            _emit_json([item.as_dict(config.relative) for item in items])
        return
    if not items:
        click.echo(f"nothing waits for review in {locale}")
        return
    for item in items:
        m = item.message
        why = f"approval by {item.stale[-1].describe()} is stale" if item.stale else "not reviewed"
        label = "disclaimer, " if item.required else ""
        click.echo(f"{config.relative(item.path)}:{item.line}  [{item.id}]  {label}{why}", err=approving)
        if item.previous_source is not None:
            click.echo(f"  en (changed): {word_diff(item.previous_source, m.msgid)}", err=approving)
        else:
            click.echo(f"  en: {_visible(m.msgid)}", err=approving)
        for index, form in enumerate(m.msgstr):
            label = f"{locale}[{index}]" if m.msgid_plural is not None else locale
            if index == 0 and item.previous_translation is not None:
                click.echo(f"  {label} (changed since approved): {word_diff(item.previous_translation, form)}", err=approving)
            else:
                click.echo(f"  {label}: {_visible(form)}", err=approving)
    click.echo(f"{_count(len(items), 'entry', 'entries')} of {locale} {'waits' if len(items) == 1 else 'wait'} for review", err=approving)


@cli.command()
@click.argument("lang")
@click.option("--to", "scheme", type=click.Choice(["gettext", "cldr"]), default=None, help="Move the catalogues to GNU gettext's or CLDR's rule (without it: show the rules in use).")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@FORMAT
@click.pass_context
def plurals(ctx: click.Context, lang: str, scheme: str | None, dry_run: bool, output_format: str) -> None:
    """Show or change the plural rule of LANG's catalogues, moving every translated form."""
    from .plurals.project import describe_plan, move_locale, show_locale

    config = _config(ctx)
    if scheme is None:
        rows = show_locale(config, lang)
        if output_format == "json":
            _emit_json(rows)
            return
        for row in rows:
            click.echo(f"{row['path']}: {row['rule']}  ({row['source']})")
            for form in row["forms"]:
                click.echo(f"  {form['index']} {form['name']}: {', '.join(str(n) for n in form['numbers'])}…")
            if row["defect"]:
                click.echo(f"  known defect: {row['defect']}")
        return
    moves = move_locale(config, lang, scheme, dry_run)
    if output_format == "json":
        _emit_json([m.as_dict(config) for m in moves])
        return
    for m in moves:
        state = ("would change" if m.changed else "unchanged") if dry_run else ("written" if m.written else "unchanged")
        to_fill = f", {_count(m.added, 'form')} to fill ({_count(m.fuzzy, 'entry', 'entries')} marked fuzzy)" if m.added else ""
        kept = f", {_count(m.kept, 'merged-away form')} kept in comments" if m.kept else ""
        restored = f", {_count(m.restored, 'form')} restored from comments" if m.restored else ""
        click.echo(
            f"{config.relative(m.path)}: {m.old.source} → {m.new.source}; {_count(m.entries, 'plural entry', 'plural entries')}; "
            f"{describe_plan(m.plan)}{to_fill}{kept}{restored}; {state}"
        )
    if dry_run:
        click.echo("dry run: nothing written")


@cli.group()
def tm() -> None:
    """The translation memory: import, export, search, stats; push, pull, sync with a shared server."""


@tm.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def tm_import(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Import TMX 1.4b files (OmegaT, Translate Toolkit's po2tmx…) or PO compendia; all or nothing."""
    from .memory.project import import_files

    config = _config(ctx)
    report = import_files(config, list(files))
    for locale, (read, changed) in sorted(report.items()):
        click.echo(f"{locale}: {read} units read, {changed} new or updated")


@tm.command("push")
@click.pass_context
def tm_push(ctx: click.Context) -> None:
    """Add every unit of the project's TMX files to the shared memory (memory_url); idempotent."""
    _sync(ctx, push=True, pull=False)


@tm.command("pull")
@click.pass_context
def tm_pull(ctx: click.Context) -> None:
    """Write the project's TMX files from the shared memory's record of the project; idempotent."""
    _sync(ctx, push=False, pull=True)


@tm.command("sync")
@click.pass_context
def tm_sync(ctx: click.Context) -> None:
    """Push, then pull: the TMX files and the shared memory hold the same units of the project."""
    _sync(ctx, push=True, pull=True)


def _sync(ctx: click.Context, push: bool, pull: bool) -> None:
    from .memory.project import sync_files

    config = _config(ctx)
    for r in sync_files(config, push, pull):
        parts = ([f"{r.read} units pushed, {r.pushed} new or updated on the server"] if push else []) + (
            [f"{r.units} units pulled, {config.relative(config.locale_dir / 'tm' / (r.locale + '.tmx'))} {'written' if r.written else 'unchanged'}"]
            if pull else []
        )  # fmt: skip
        click.echo(f"{r.locale}: {'; '.join(parts)}")


@tm.command("init-server")
@click.pass_context
def tm_init_server(ctx: click.Context) -> None:
    """Create or migrate the shared memory's schema on the server memory_url names (also done on first use)."""
    from .memory.project import init_server

    where, found, now = init_server(_config(ctx))
    state = "created" if found == 0 else "up to date" if found == now else f"migrated from version {found}"
    click.echo(f"{where}: schema version {now} ({state})")


@tm.command("export")
@LOCALES
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def tm_export(ctx: click.Context, locales: tuple[str, ...], file: Path) -> None:
    """Write the memory (or one locale's part) to a TMX 1.4b file."""
    from .files import is_special
    from .memory.project import export_file

    count = export_file(_config(ctx), file, list(locales) or None)
    click.echo(f"{file}: {count} units", err=is_special(file))  # not into the TMX piped to stdout


@tm.command("search")
@click.argument("text")
@click.option("-l", "--locale", "locale", required=True, metavar="LANG", help="Target locale.")
@click.option("--min", "min_score", type=click.IntRange(0, 100), default=None, help="Minimum score (default: tm_threshold).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=None, help="At most this many results (default: 5; 50 with --concordance).")
@click.option("--concordance", is_flag=True, help="Every unit whose text contains TEXT (a phrase, whole words, any case), whatever its similarity.")
@click.option("--words", is_flag=True, help="With --concordance: each word of TEXT anywhere, in any order.")
@click.option("--target", "in_target", is_flag=True, help="With --concordance: search the translations instead of the sources.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def tm_search(ctx: click.Context, text: str, locale: str, min_score: int | None, limit: int | None, concordance: bool,
              words: bool, in_target: bool, output_format: str) -> None:  # fmt: skip
    """Find the memory's best matches for TEXT, best first, with their scores.

    Every translation the memory holds is listed with its status: current (used in a catalogue),
    archived (no known place: imported, or obsolete) or superseded (replaced where it was used,
    never offered again); several current translations of one text are a choice (99%). Where a
    unit comes from another project sharing the memory, its places name that project
    (``other-site/valium``). With --concordance, every unit containing TEXT is listed instead,
    the matching part highlighted on a terminal.
    """
    from .locales import normalize_locale
    from .memory.matching import MemoryQuery, lookup
    from .memory.project import read_memory

    config = _config(ctx)
    code = normalize_locale(locale)
    if (words or in_target) and not concordance:
        raise click.UsageError("--words and --target go with --concordance")
    if concordance:
        _concordance(config, text, code, limit or 50, words, in_target, output_format)
        return
    with read_memory(config) as memory:
        query = MemoryQuery(text, code)
        matches = lookup(memory, query, config.tm_threshold if min_score is None else min_score, limit or 5, withheld=True)
    if output_format == "json":
        _emit_json(
            [
                {
                    "score": m.score,
                    "similarity": round(m.similarity, 2),
                    "source": m.unit.source,
                    "target": m.unit.target,
                    "status": m.unit.status,
                    "first_seen": m.unit.first_seen,
                    "differences": list(m.differences),
                    "origins": _places(m.unit.origins),
                    "superseded_in": _places(m.unit.superseded),
                    "alternatives": [
                        {"target": u.target, "first_seen": u.first_seen, "origins": _places(u.origins)} for u in m.alternatives
                    ],
                    "withheld": m.withheld,
                }
                for m in matches
            ]
        )
        return
    if not matches:
        click.echo("no match")
    for m in matches:
        risk = f"  [{'; '.join(m.differences)}]" if m.differences else ""
        click.echo(f"{m.score:>3}%  {m.unit.source}{risk}\n      {m.unit.target}\n      ({_status_line(m.unit, m.alternatives)})")


def _places(origins: Sequence[Any]) -> list[dict[str, str]]:
    """Origins for JSON: ``project`` is empty for this project's own."""
    return [{"project": o.project, "domain": o.domain, "reference": o.reference} for o in origins]


def _concordance(config: Config, text: str, code: str, limit: int, words: bool, in_target: bool, output_format: str) -> None:
    from .memory.concordance import SOURCE, TARGET, concordance_query
    from .memory.project import read_memory
    from .memory.units import normalize

    query = concordance_query(text, TARGET if in_target else SOURCE, words)
    with read_memory(config) as memory:
        units = memory.concordance(query, code, limit)
    if output_format == "json":
        _emit_json(
            [
                {
                    "source": u.source,
                    "target": u.target,
                    "status": u.status,
                    "first_seen": u.first_seen,
                    "origins": _places(u.origins),
                    "superseded_in": _places(u.superseded),
                    "matches": [list(span) for span in query.spans(query.text_of(u))],
                }
                for u in units
            ]
        )
        return
    if not units:
        click.echo("not found")

    def marked(value: str) -> str:
        value, out, at = normalize(value), [], 0
        for start, end in query.spans(value):
            out += [value[at:start], click.style(value[start:end], bold=True, reverse=True)]
            at = end
        return "".join(out) + value[at:]  # click drops the styling where stdout is no terminal

    for u in units:
        source, target = (u.source, marked(u.target)) if in_target else (marked(u.source), u.target)
        click.echo(f"{source}\n      {target}\n      ({_status_line(u)})")
    click.echo(f"{_count(len(units), 'unit')}{' (the limit: --limit N for more)' if len(units) == limit else ''}", err=True)


def _status_line(unit: Any, alternatives: Sequence[Any] = ()) -> str:
    """``current in valium since 2026-05-02``, ``superseded in valium``, ``1 of 2 current translations…``."""
    since = f" since {unit.first_seen[:4]}-{unit.first_seen[4:6]}-{unit.first_seen[6:8]}" if unit.first_seen else ""
    domains = lambda origins: ", ".join(sorted({o.named() for o in origins}))  # noqa: E731
    if unit.status == "superseded":
        return f"superseded in {domains(unit.superseded)}: never offered again"
    where = f" in {domains(unit.origins)}" if unit.origins else " (no catalogue uses it)"
    choice = f"; one of {len(alternatives) + 1} translations on offer: a choice, not an exact match" if alternatives else ""
    replaced = f"; superseded in {domains(unit.superseded)}" if unit.superseded else ""
    return f"{unit.status}{where}{since}{replaced}{choice}"


@tm.command("stats")
@FORMAT
@click.pass_context
def tm_stats(ctx: click.Context, output_format: str) -> None:
    """Units per locale by status, and where the memory is kept."""
    from .memory.project import read_memory, tmx_path

    config = _config(ctx)
    with read_memory(config) as memory:
        figures = memory.stats()
        shared = bool(config.memory_url)
    index = figures.path if shared else config.relative(Path(figures.path))
    if output_format == "json":
        where: dict[str, dict[str, Any]] = {"server": {"url": figures.path, "project": config.project_name, "projects": figures.projects}} if shared else {
            "index": {"path": index, "in_memory": figures.in_memory}}  # fmt: skip
        _emit_json(
            {
                "locales": {
                    locale: {**f.as_dict(), "file": config.relative(tmx_path(config, locale))} for locale, f in figures.locales.items()
                },
                **where,
            }
        )
        return
    for locale, f in figures.locales.items():
        choice = f"; {_count(f.ambiguous, 'text')} with several current translations (offered as a choice)" if f.ambiguous else ""
        click.echo(
            f"{locale}: {_count(f.units, 'unit')}: {f.current} current, {f.archived} archived, {f.superseded} superseded{choice}"
            f"  ({config.relative(tmx_path(config, locale))})"
        )
    if shared:
        others = ", ".join(f"{name}: {count}" for name, count in figures.projects.items())
        click.echo(f"server: {index}, project {config.project_name!r} (units per project: {others or 'none yet'})")
        return
    kept = "held in memory for this run: locale/ cannot be written" if figures.in_memory else "derived, not in git"
    click.echo(f"index: {index} ({kept})")


@cli.command()
@LOCALES
@click.option("-d", "--domain", "domains", multiple=True, metavar="DOMAIN", help="Only this article (slug) or 'ui' (repeatable).")
@FORMAT
@click.pass_context
def analyze(ctx: click.Context, locales: tuple[str, ...], domains: tuple[str, ...], output_format: str) -> None:
    """Leverage report: words per match band against the memory, per locale."""
    from .memory.analyze import BANDS, analyze as run_analysis
    from .memory.project import read_memory

    config = _config(ctx)
    with read_memory(config) as memory:
        results = run_analysis(config, memory, list(locales) or None, list(domains) or None)
    if output_format == "json":
        _emit_json([r.as_dict() for r in results])
        return
    click.echo(f"{'locale':<8}" + "".join(f"{band:>16}" for band in (*BANDS, "total")))
    for r in results:
        cells = [f"{b.words} w / {b.segments} s" for b in (*r.bands.values(), r.total)]
        click.echo(f"{r.locale:<8}" + "".join(f"{cell:>16}" for cell in cells))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of exiting, so tests can call it in-process."""
    from .cache import close_all

    try:
        return _main(argv)
    finally:
        close_all()  # what the run computed is kept for the next one


def _main(argv: Sequence[str] | None) -> int:
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="translatio", standalone_mode=False)
    except PipelineError as exc:
        click.echo(str(exc), err=True)
        return exc.exit_code
    except click.exceptions.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
