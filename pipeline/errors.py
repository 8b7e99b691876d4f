"""The one exception family of translatio.

The library raises these and never prints or exits; the CLI maps each class to an exit code
(``exit_code``) and prints ``str(error)``, which is always one line. Errors about a file carry
its path and line so that the message reads ``path:line: what is wrong`` like a compiler's.

    PipelineError                      exit 2 unless said otherwise
    ├── ConfigError                    a bad value in [tool.translatio]
    ├── LocaleError                    a locale code Babel does not know, or a hostile one
    ├── InputError                     a file we read is wrong: path, line, offending line
    │   ├── SourceError                an article in source/
    │   ├── CatalogError               a .po/.pot file
    │   ├── TemplateError              a Jinja2 template
    │   └── MemoryFileError            a TMX file or PO compendium given to the memory
    ├── OutputError                    a file or folder we cannot write (a full disk, a link out
    │   │                              of the project, a device where a file should be)
    │   └── ChangedError               a file changed on disk after we read it: not overwritten
    ├── MemoryServerError              the translation memory's server is down, went away or refused
    ├── LockBusy                       another translatio process kept the lock past --wait
    ├── ReviewError                    review: an entry named for signing is not waiting for review
    └── CheckFailed                    exit 1: the pipeline ran, the content failed a gate
        └── VerificationError          build: a rendered page breaks the disclaimer guarantee
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code: int = 2


class ConfigError(PipelineError):
    """A key of ``[tool.translatio]`` has a value we cannot use; the message names the key."""


class LocaleError(PipelineError):
    """A locale code is unknown to Babel or could escape the locale folder."""


class InputError(PipelineError):
    """A file we read is malformed. ``str()`` is ``path:line: message``."""

    def __init__(
        self,
        path: Path | str,
        line: int | None,
        message: str,
        source_line: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        self.source_line = source_line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type[InputError], tuple[Path, int | None, str, str | None]]:
        """Errors cross process boundaries (the build renders in worker processes)."""
        return (self.__class__, (self.path, self.line, self.message, self.source_line))


class SourceError(InputError):
    """An article in ``source/`` cannot be read or segmented."""


class CatalogError(InputError):
    """A ``.po``/``.pot`` file does not parse or breaks a gettext rule."""


class TemplateError(InputError):
    """A Jinja2 template is missing or has a syntax error."""


class MemoryFileError(InputError):
    """A TMX file or PO compendium given to the translation memory is not usable."""


class OutputError(PipelineError):
    """A file or folder cannot be written (permissions, a file where a folder should be)."""


class ChangedError(OutputError):
    """A file we read was written by someone else (an editor's save) before we could replace it:
    it is left as they saved it, and the command can simply run again."""

    def __init__(self, path: Path | str, command: str = "update") -> None:
        self.path = Path(path)
        self.command = command
        super().__init__(
            f"{path}: changed while {command} was running; nothing of it was overwritten — run 'translatio {command}' again"
        )

    def __reduce__(self) -> tuple[type[ChangedError], tuple[Path, str]]:
        return (self.__class__, (self.path, self.command))


class MemoryServerError(PipelineError):
    """The shared translation memory's server cannot be reached or failed a request. ``str()`` is
    ``<url without password>: <what was being done>: <the server's reason>``."""

    def __init__(self, location: str, message: str) -> None:
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")

    def __reduce__(self) -> tuple[type[MemoryServerError], tuple[str, str]]:
        return (self.__class__, (self.location, self.message))


class LockBusy(PipelineError):
    """Another translatio process held the project's lock for longer than we were told to wait."""


class ReviewError(PipelineError):
    """``review --approve`` was asked to sign what is not waiting for review (an unknown id, or
    an entry that changed since it was listed): nothing is signed."""


class CheckFailed(PipelineError):
    """The pipeline ran correctly and the content failed one of its gates."""

    exit_code = 1


class VerificationError(CheckFailed):
    """A rendered output breaks the disclaimer guarantee; nothing was published."""
