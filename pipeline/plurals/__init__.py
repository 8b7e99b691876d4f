"""Plural rules: parsing and evaluating ``Plural-Forms`` (:mod:`.expression`), the rules the
project knows per language (:mod:`.rules`), and moving catalogues between rules
(:mod:`.migrate`, :mod:`.project`).

The package imports nothing at its top so that the catalogue reader can use
:mod:`.expression` without pulling in the rest.
"""
