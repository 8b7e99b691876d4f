"""translatio: a multilingual content pipeline with a translation memory.

English articles in ``source/`` are split into segments (:mod:`pipeline.segments`), stored as
gettext catalogues in ``locale/`` (:mod:`pipeline.extract`, :mod:`pipeline.update`), translated
by people, and recombined into localized pages in ``build/``. Each stage is a module with a small
typed API; :mod:`pipeline.cli` is a thin command-line layer over them.
"""

__version__ = "0.1.0"
