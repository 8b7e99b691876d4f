"""The ``translatio`` command: a thin layer that parses arguments, calls the library, reports.

Every library error is one line on stderr (``path:line: what is wrong`` for a bad file) and an
exit code: 0 success, 1 a check failed, 2 bad input or usage. No traceback reaches a user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Sequence

import click

from .config import Config, load_config
from .errors import PipelineError

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
    return ctx.ensure_object(dict)["config"]  # type: ignore[no-any-return]


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
@click.version_option(package_name="translatio")
@click.pass_context
def cli(ctx: click.Context, project: Path) -> None:
    """translatio: articles → gettext catalogues → localized pages, with a translation memory."""
    ctx.ensure_object(dict)["config"] = load_config(project)


@cli.command()
@click.pass_context
def extract(ctx: click.Context) -> None:
    """Extract every article (and the templates' strings) into locale/<domain>.pot."""
    from .extract import extract_project, write_templates

    config = _config(ctx)
    templates, finished = extract_project(config)
    changed = set(write_templates(config, finished))
    for template in templates:
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
@click.pass_context
def update(ctx: click.Context, locales: tuple[str, ...], output_format: str) -> None:
    """Extract, then merge the templates into every locale's catalogues."""
    from .update import update_locales

    config = _config(ctx)
    results = update_locales(config, list(locales) or None)
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
    for r in results:
        s = r.summary
        memory = f", {s.memory} from memory" if s.memory else ""
        click.echo(
            f"{r.locale} {r.domain}: {s.new} new, {s.changed} changed (fuzzy), {s.obsolete} obsolete, "
            f"{s.revived} revived, {s.unchanged} unchanged{memory}"
            + (" (created)" if r.created else "")
        )


@cli.command()
@LOCALES
@FORMAT
@click.pass_context
def stats(ctx: click.Context, locales: tuple[str, ...], output_format: str) -> None:
    """Messages and words translated / fuzzy / untranslated, per locale and domain."""
    from .stats import project_stats

    config = _config(ctx)
    figures = project_stats(config, list(locales) or None)
    if output_format == "json":
        _emit_json([f.as_dict() for f in figures])
        return
    header = f"{'locale':<8} {'domain':<16} {'translated':>16} {'fuzzy':>12} {'untranslated':>14} {'done':>7}"
    click.echo(header)
    for f in figures:
        click.echo(
            f"{f.locale:<8} {f.domain:<16} "
            f"{f'{f.translated.messages} ({f.translated.words} w)':>16} "
            f"{f'{f.fuzzy.messages} ({f.fuzzy.words} w)':>12} "
            f"{f'{f.untranslated.messages} ({f.untranslated.words} w)':>14} "
            f"{f.percent:>6.1f}%"
        )


@cli.command()
@LOCALES
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Build folder (default: build_dir).")
@click.pass_context
def build(ctx: click.Context, locales: tuple[str, ...], output: Path | None) -> None:
    """Render every article in every locale to HTML and text, verify, then publish."""
    from .build import build_site

    config = _config(ctx)
    result = build_site(config, list(locales) or None, output)
    pages = [o for o in result.outputs if o.article is not None]
    fallbacks = sorted({o.locale for o in pages if o.disclaimer == "fallback"})
    click.echo(f"{len(result.outputs)} files in {result.folder} ({len(pages)} article pages, all verified)")
    for locale in sorted({o.locale for o in pages}):
        shares = [o.translated or 0.0 for o in pages if o.locale == locale and o.path.endswith(".html")]
        share = 100 * sum(shares) / len(shares) if shares else 100.0
        note = ", disclaimer in English" if locale in fallbacks else ""
        click.echo(f"  {locale}: {share:.0f}% translated{note}")
    click.echo(f"open {result.folder / 'index.html'}")


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
@click.pass_context
def check(ctx: click.Context, locales: tuple[str, ...], output_format: str, min_percent: float | None, strict: bool, html_page: Path | None, output: Path | None) -> None:
    """Check catalogues: freshness, syntax, completeness, the disclaimer, quality. Exit 1 on failure."""
    from .checks import FORMATS, run_checks, write_status
    from .files import write_atomic

    config = _config(ctx)
    report = run_checks(config, list(locales) or None, min_percent)
    if output_format == "text":
        color = output is None and sys.stdout.isatty()
        text = FORMATS["text"](report, color=color, strict=strict)
    else:
        text = FORMATS[output_format](report, strict=strict)
    if output is not None:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    if html_page is not None:
        write_status(report, html_page, html_page.parent / "badges")
    if not report.passed(strict):
        ctx.exit(1)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of exiting, so tests can call it in-process."""
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
