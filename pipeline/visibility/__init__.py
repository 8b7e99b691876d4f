"""Visibility: a disclaimer that is in the page but cannot be seen is refused, like a missing one.

:mod:`pipeline.verify` checks that the disclaimer is present, complete and last; this package
checks that nothing in the page hides it. It looks at the rendered page (whatever template made
it) and the stylesheet the build publishes beside it (``style.css`` from the templates folder),
statically — no browser at build time — and refuses what it cannot decide.

Principles:

- Read the page as a browser does, or refuse it (:mod:`.tree`): the elements around the
  disclaimer must be those a browser puts there. Markup on which Python's reader and browsers
  could disagree is refused outright.
- Look at every element from ``<html>`` down to each piece of the disclaimer's text (the *text
  path*), at every style that could reach one of them (:mod:`.css`, :mod:`.selectors`), and at
  everything that could act on the page after loading.
- Undecidable counts as hiding: a selector we cannot decide *might* match, a condition we
  cannot evaluate *might* hold, a value we cannot read *might* hide. A certain declaration that
  wins the cascade (``!important``, specificity, order, ``style`` attribute) overrides the ones
  below it; a possible one never does.

Refused (the build fails, nothing is published, one line names the page and why):

- on any element of the text path: the ``hidden``, ``inert`` and ``popover`` attributes,
  ``aria-hidden="true"``; being (or being inside) ``<template>``, ``<head>``, ``<title>``,
  ``<select>``/``<option>``/``<datalist>``, ``<object>``, ``<video>``, ``<audio>``, ``<canvas>``,
  ``<svg>``, ``<math>``, ``<rt>``/``<rp>``, ``<meter>``, ``<progress>``, ``<font>``, ``<marquee>``,
  ``<bdo>``, a ``<details>`` or ``<dialog>`` without ``open``, ``<body text=…>``; the disclaimer
  inside a raw-text element (``<noscript>``, ``<textarea>``, ``<iframe>``, ``<xmp>``, …);
- styles on any element of the text path, from ``style`` attributes, ``<style>`` elements and
  ``style.css`` (see :mod:`.hiding` for each rule and its threshold): ``display:none``,
  ``visibility:hidden|collapse``, ``content-visibility:hidden``, ``opacity`` below 0.5 (also
  multiplied down the path), a text colour (``color``, ``-webkit-text-fill-color``) with alpha
  below 0.5 or ``transparent``/``Canvas``, a font size under 10px (followed through ``em``,
  ``%``, ``rem``, keywords and the ``font`` shorthand), ``line-height`` that makes lines
  overlap, extreme ``letter-spacing``/``word-spacing``, ``clip``, ``clip-path``, masks,
  ``filter``s that blur or fade, any ``mix-blend-mode``, ``position:fixed``, offsets, margins,
  paddings, ``text-indent`` and ``translate`` of 320px / 100% / 100vw or more, ``transform``s
  other than small moves, scales of 0.5–4 and turns up to 30°, negative ``z-index``,
  ``content`` replacing the element, line clamps, ``offset-path``, ``unicode-bidi`` overrides,
  ``-webkit-text-security``, ``white-space: nowrap|pre``, ``zoom`` below 0.5, widths under
  100px (percentages taken of a 320px phone screen), an ``overflow: hidden|clip`` (or
  ``contain: paint``) box with any set height, ``overflow-y: hidden|clip`` on ``<html>`` or
  ``<body>``, animations whose keyframes do any of this;
- ``@media`` rules count unless no screen can match them (``print``, ``speech``,
  ``not screen``): ``@media (max-width: 600px) { .x { display: none } }`` is refused, ``@media
  print { … }`` is not; ``@supports``, ``@container``, ``@layer``, ``@scope``, ``@starting-style``
  and unknown at-rules are taken as possibly applying;
- ``var()`` is replaced by every value the page gives that custom property anywhere (and the
  fallback); more than 64 combinations count as hiding;
- for the whole page: ``<script>``, ``on…=`` event handlers, ``javascript:`` URLs and embedded
  documents (``<iframe>`` unless sandboxed into its own origin, ``<object>``, ``<embed>``, …)
  unless ``allow_scripts = true``; ``<meta http-equiv="refresh">``; ``<base href>``; declarative
  shadow roots; a stylesheet other than the build's ``style.css``; ``@import``; markup read
  differently by browsers (see :mod:`.tree`), and a page without ``<!DOCTYPE html>``.

Not caught (a hostile template can still do these; the browser test in
``tests/test_visibility_browser.py`` measures the shipped templates in Chromium):

- text the colour of its background (only transparency is caught), a web font whose glyphs are
  blank, another element or a pseudo-element laid over the disclaimer, content before it tall
  enough to push it far down, moves below the thresholds (on a small screen a few hundred
  pixels can still push it partly out of view);
- with ``allow_scripts = true``: anything a script does;
- markup malformed in ways not listed in :mod:`.tree`, where Python's reader and a browser
  might still build different trees.
"""

from __future__ import annotations

from .check import STYLESHEET, SiteStyles, check_visibility, text_path
from .tree import Document, Element, parse_document

__all__ = ["STYLESHEET", "Document", "Element", "SiteStyles", "check_visibility", "parse_document", "text_path"]
