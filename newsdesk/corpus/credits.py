"""Who an article credits or cites: credit lines, other outlets' reporting, unnamed sources,
and the article's origin (who first wrote the story) with how it is known.

Each pattern of ``lexicons/source_credits.csv`` (one row per kind of line, with its reason)
finds a named ``source`` in the text; its ``cue`` words ("|"-separated) must appear in the text
for the pattern to be tried, which keeps the scan cheap. ``credit`` rows are credit lines and bylines of a
republished or rewritten story ("(Bloomberg) —", "This article originally appeared in ...",
"Source: ..."); ``report`` rows cite another outlet's reporting ("Reuters reported", "told the
Financial Times"); ``anonymous`` rows are unnamed sources as the story describes them ("a US
official said", "people familiar with the matter").

The loader fills each article's ``origin`` from metadata, else from its first credit line
(:func:`origin_with_basis`); the overlap analysis reads the same credit lines as story facts.
"""

from __future__ import annotations

import re

import pandas as pd

from newsdesk.corpus.settings import CREDIT_LINE_WINDOW
from newsdesk.paths import lexicon_cache, read_lexicon_table
from newsdesk.text import collapse_spaces, entity_key, normalize_text

__all__ = [
    "CREDIT_COLUMNS",
    "NO_ORIGIN_BASIS",
    "article_credits",
    "article_origin",
    "credit_line",
    "credit_rows",
    "credits_outlet",
    "origin_with_basis",
    "source_key",
]

CREDIT_COLUMNS = ["kind", "source", "key"]
NO_ORIGIN_BASIS = "none found"  # origin_basis of an article with no origin metadata and no credit line
_UNKNOWN = frozenset({"", "unknown", "nan", "none"})  # metadata values that name no origin

# A name as credit lines write it: capitalised words, "of"/"for"/"and" inside, "The" in front.
_NAME = r"(?-i:(?:[Tt]he )?[A-Z][\w&'-]*(?: (?:of |for |and |& )?[A-Z][\w&'-]*){0,5})"
_DETERMINERS = ("a ", "an ", "the ", "two ", "three ", "several ", "some ")


@lexicon_cache
def _credit_patterns() -> tuple[tuple[str, tuple[str, ...], re.Pattern], ...]:
    """The compiled rows of ``lexicons/source_credits.csv``, in file order: ``(kind, cues,
    regex)``; a row's regex is tried only on text (lower-cased) that holds one of its cues."""
    table = read_lexicon_table("source_credits")
    return tuple((row.kind, tuple(row.cue.split("|")),
                  re.compile(row.pattern.replace("{NAME}", _NAME), re.IGNORECASE | re.MULTILINE))
                 for row in table.itertuples(index=False))


def source_key(source: str) -> str:
    """A cited source as matched across articles and against outlet names: :func:`entity_key`
    without a leading determiner or trailing full stop; unnamed sources in the singular
    (``"The Fab Report."`` → ``"fab report"``, ``"two US officials"`` → ``"us official"``)."""
    key = entity_key(source.strip().rstrip(".,"))
    for word in _DETERMINERS:
        if key.startswith(word):
            key = key[len(word):]
            break
    return re.sub(r"(official|source|executive|diplomat|aide|person)s\b", r"\1", key)


def credit_rows(text: str) -> list[tuple[str, str, str]]:
    """:func:`article_credits` as sorted ``(kind, source, key)`` tuples, without a DataFrame
    (about ten times faster on one article; what :func:`overlap_pairs` calls per article)."""
    clean = normalize_text(text)
    lowered = clean.lower()
    rows: dict[tuple[str, str], str] = {}
    for kind, cues, pattern in _credit_patterns():
        if not any(cue in lowered for cue in cues):
            continue
        for match in pattern.finditer(clean):
            source = match.group("source").strip()
            key = source_key(source)
            if key and (kind, key) not in rows:
                rows[(kind, key)] = source.rstrip(".,")
    return sorted((kind, source, key) for (kind, key), source in rows.items())


def article_credits(text: str) -> pd.DataFrame:
    """Every credit line and cited source of one article: ``kind, source, key``.

    ``kind`` is ``credit``, ``report`` or ``anonymous`` (see the module notes); ``source`` the
    name as written (its first spelling); ``key`` its :func:`source_key`. One row per distinct
    ``(kind, key)``, sorted by kind and key.
    """
    rows = sorted(credit_rows(text), key=lambda row: (row[0], row[2]))
    return pd.DataFrame(rows, columns=CREDIT_COLUMNS)


def credits_outlet(text: str, outlet: str) -> bool:
    """Whether ``text`` has a credit line or cites reporting by ``outlet`` (names compared by
    :func:`source_key`; an empty or "unknown" outlet is never credited)."""
    wanted = source_key(outlet or "")
    if not wanted or wanted == "unknown":
        return False
    return any(kind != "anonymous" and key == wanted for kind, _, key in credit_rows(text))


def credit_line(text: str, window: int = CREDIT_LINE_WINDOW) -> tuple[str, str]:
    """The first credit line of an article, in text order: ``(source, matched text)``.

    Only the first and last ``window`` characters are searched (cut at line ends), where
    credit lines sit; a shorter text is searched whole.

    Only ``credit`` rows of ``lexicons/source_credits.csv`` count (a wire credit, a
    republication note, a byline naming an agency), not reporting cited in passing. ``source``
    is the outlet as written, without a lower-case leading "the"; ``matched text`` is the
    line's matched words, white space collapsed. ``("", "")`` when the text has none.
    """
    if len(text) > 2 * window:
        head, tail = text[:window], text[-window:]
        text = head[:head.rfind("\n") + 1 or None] + "\n" + tail[tail.find("\n") + 1:]
    clean = normalize_text(text)
    lowered = clean.lower()
    found: list[tuple[int, str, str]] = []
    for kind, cues, pattern in _credit_patterns():
        if kind != "credit" or not any(cue in lowered for cue in cues):
            continue
        match = pattern.search(clean)
        if match and source_key(match.group("source")):
            source = match.group("source").strip().rstrip(".,").removeprefix("the ")
            found.append((match.start(), source, collapse_spaces(match.group(0))))
    if not found:
        return "", ""
    _, source, matched = min(found)
    return source, matched


def origin_with_basis(text: str, origin: str = "") -> tuple[str, str]:
    """Who originally wrote an article's story, and how that is known: ``(origin, basis)``.

    In order: the ``origin`` metadata (an export's ``author``/``origin`` column, a folder's
    ``metadata.csv``, a page's author meta), basis ``"metadata"``; else the first credit line
    of ``text`` (:func:`credit_line`), basis ``"credit line: <the matched text>"``; else
    ``("unknown", NO_ORIGIN_BASIS)``. Metadata that says "unknown" names no origin.
    """
    if origin and origin.strip().lower() not in _UNKNOWN:
        return origin.strip(), "metadata"
    source, matched = credit_line(text)
    if source:
        return source, f"credit line: {matched}"
    return "unknown", NO_ORIGIN_BASIS


def article_origin(text: str, outlet: str = "", origin: str = "") -> str:
    """Where an article's story comes from: :func:`origin_with_basis` when it finds one, else
    the ``outlet`` itself ("" when none is known)."""
    found, basis = origin_with_basis(text, origin)
    if basis != NO_ORIGIN_BASIS:
        return found
    return "" if not outlet or outlet.strip().lower() in _UNKNOWN else outlet.strip()
