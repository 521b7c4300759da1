"""Cheap tests that tell when a cleaning rule cannot match a line, so the rule's costly
pattern is not run on it.

A caption rule such as ``^.{0,300}\\b(photo|image|…)\\s*:…$`` tries every one of up to 300
starting places on every line. Every match must hold one of the words in its group, so a line
that holds none of them (a fast substring test) cannot match. The test is exact: it never
skips a line the pattern would match.
"""

from __future__ import annotations

import re

from newsdesk.corpus.settings import IGNORECASE_ASCII_LOOKALIKES

__all__ = [
    "may_hold_any",
    "required_words",
]

# ``^.{0,N}`` then an optional ``\b`` and a group of plain words, not optional nor repeated
# zero times: ``^.{0,300}\b(photo|image)\s*:`` requires "photo" or "image".
_LEADING_WORDS_RE = re.compile(
    r"\^\.\{0,\d+\}(?:\\b)?"  # ^.{0,N} and an optional \b
    r"\((?:\?:)?([A-Za-z0-9 -]+(?:\|[A-Za-z0-9 -]+)*)\)"  # (word|word …)
    r"(?![?*{])"  # not optional, not repeated
)


def required_words(pattern: str) -> tuple[str, ...] | None:
    """The words, lower case, one of which every match of ``pattern`` must hold, or ``None``.

    Only a pattern that starts ``^.{0,N}``, then (after an optional ``\\b``) a group of plain
    words separated by ``|``, is read; for any other pattern nothing is known (``None``).

    >>> required_words(r"^.{0,300}\\b(photo|Image)\\s*:\\s*[^.]{1,60}$")
    ('photo', 'image')
    >>> required_words(r"^advertisement$") is None
    True
    """
    found = _LEADING_WORDS_RE.match(pattern)
    if found is None or _has_top_level_bar(pattern):
        return None
    return tuple(word.lower() for word in found.group(1).split("|"))


def _has_top_level_bar(pattern: str) -> bool:
    """Whether ``pattern`` has a ``|`` outside every group and class (``a|b``, not ``(a|b)``):
    then its first part is not required of every match."""
    if "[]" in pattern or "[^]" in pattern:  # a class opening on a literal "]": not read here
        return True
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return True
    return False


def may_hold_any(line: str, words: tuple[str, ...]) -> bool:
    """``False`` only if no case-insensitive regular expression could find any of ``words``
    (lower-case ASCII) in ``line``; a cheap test to run before a costly pattern.

    ``re.IGNORECASE`` also matches a few non-ASCII letters to ASCII ones (``İ``, ``ı``, ``ſ``,
    ``K``: ``IGNORECASE_ASCII_LOOKALIKES``); a line holding one of them is always a maybe.
    """
    if not line.isascii() and any(ch in line for ch in IGNORECASE_ASCII_LOOKALIKES):
        return True
    lowered = line.lower()
    for word in words:  # a plain loop: about twice as fast as any() over a generator here
        if word in lowered:
            return True
    return False
