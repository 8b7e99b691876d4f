"""``python -m pipeline`` is the ``translatio`` command."""

from .cli import run

run()
