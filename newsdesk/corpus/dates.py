"""Publication dates: parsing metadata values, and finding a full date near the top of a text.

A date is accepted only inside ``PUBLICATION_WINDOW``; relative words ("today") are rejected;
a time with a UTC offset keeps the publisher's local date; day/month order of slash dates
(``05/01/2025``) is settled per file by :func:`slash_date_order`.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from newsdesk.corpus.settings import PUBLICATION_WINDOW, RELATIVE_DATE_RE
from newsdesk.text import split_lines

__all__ = [
    "date_from_text",
    "date_offset",
    "parse_date",
    "slash_date_order",
]

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_FULL_DATE_RE = re.compile(
    rf"\b(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.IGNORECASE,
)
_YEARLESS_DATE_RE = re.compile(
    rf"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?{_MONTHS}\s+\d{{1,2}}\b(?!,?\s*\d{{4}})",
    re.IGNORECASE,
)
_DATE_SEARCH_LINES = 5  # datelines sit in the first or last lines of a page
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*"
                     r"(Z|[+-]\d{2}:?\d{2})?)?$")
_SLASH_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _window_text() -> str:
    return f"{PUBLICATION_WINDOW[0]} to {PUBLICATION_WINDOW[1]}"


def _checked_day(year: int, month: int, day: int, value: str) -> pd.Timestamp:
    """The day as a ``Timestamp``; ``ValueError`` outside the window or for an impossible date."""
    low, high = (tuple(int(p) for p in bound.split("-")) for bound in PUBLICATION_WINDOW)
    if not low <= (year, month, day) <= high:
        raise ValueError(f"date {value!r} is outside the plausible publication window {_window_text()}")
    try:
        return pd.Timestamp(datetime(year, month, day))
    except ValueError:
        raise ValueError(f"unparseable date {value!r}") from None


@lru_cache(maxsize=2**14)  # exports repeat the same few hundred dates; parsing one costs ~0.5 ms
def _parse(text: str, dayfirst: bool | None) -> tuple[pd.Timestamp, str]:
    """``(day, utc_offset)`` of one date text; raises ``ValueError`` with the reason."""
    from dateutil import parser as date_parser

    if RELATIVE_DATE_RE.search(text):
        raise ValueError(f"relative date {text!r} depends on when it was read")
    if iso := _ISO_RE.match(text):
        offset = iso.group(4) or ""
        offset = "+00:00" if offset == "Z" else offset
        return _checked_day(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), text), offset
    if slash := _SLASH_RE.match(text):
        first, second, year = (int(g) for g in slash.groups())
        if first > 12 or first == second or (dayfirst and second <= 12):
            return _checked_day(year, second, first, text), ""
        if second > 12 or dayfirst is False:
            return _checked_day(year, first, second, text), ""
        raise ValueError(f"ambiguous day/month in {text!r} and no other date in the file settles "
                         "the order")
    try:
        one = date_parser.parse(text, default=datetime(1, 1, 1))
        two = date_parser.parse(text, default=datetime(2, 2, 2))
    except (ValueError, OverflowError):
        raise ValueError(f"unparseable date {text!r}") from None
    if (one.year, one.month, one.day) != (two.year, two.month, two.day):
        raise ValueError(f"incomplete date {text!r} (no year, month or day)")
    offset = one.utcoffset()
    note = ""
    if offset is not None:
        minutes = int(offset.total_seconds() // 60)
        note = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return _checked_day(one.year, one.month, one.day, text), note


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def parse_date(value: object, dayfirst: bool | None = None) -> pd.Timestamp:
    """Parse one metadata date (ISO or any dateutil form) to its day; ``NaT`` for empty.

    A time with a UTC offset keeps the publisher's local date (see :func:`date_offset`).
    ``dayfirst`` settles slash dates such as ``05/01/2025`` (``None``: only unambiguous ones).
    Raises ``ValueError`` naming the value when it is unparseable, incomplete, relative
    ("today"), ambiguous, or outside ``PUBLICATION_WINDOW``.
    """
    if _is_empty(value):
        return pd.NaT
    return _parse(str(value).strip(), dayfirst)[0]


def date_offset(value: object, dayfirst: bool | None = None) -> str:
    """The UTC offset written in a date value (``"-05:00"``), or "" when it has none."""
    if _is_empty(value):
        return ""
    try:
        return _parse(str(value).strip(), dayfirst)[1]
    except ValueError:
        return ""


def slash_date_order(values: list[str]) -> tuple[bool | None, str]:
    """Settle the day/month order of one file's slash dates (``05/01/2025``).

    Returns ``(dayfirst, evidence)``: ``True`` when some date can only be day-first
    (``25/01/2025``), ``False`` when some can only be month-first, ``None`` when none
    decides or the file has both (its ambiguous dates are then rejected); ``evidence`` names
    the deciding value, or "" when nothing was decided.
    """
    day_first = month_first = None
    for value in values:
        slash = _SLASH_RE.match(str(value).strip())
        if slash is None:
            continue
        first, second = int(slash.group(1)), int(slash.group(2))
        if first > 12 and second <= 12:
            day_first = day_first or str(value).strip()
        elif second > 12 and first <= 12:
            month_first = month_first or str(value).strip()
    if day_first and month_first:
        return None, f"both day-first {day_first!r} and month-first {month_first!r}"
    if day_first:
        return True, day_first
    if month_first:
        return False, month_first
    return None, ""


def date_from_text(raw_text: str) -> tuple[pd.Timestamp, str, list[str]]:
    """Find a full date (with year) in the first or last lines of an article.

    Returns ``(timestamp, basis, rejected)``. ``timestamp`` is ``NaT`` when no full date
    inside ``PUBLICATION_WINDOW`` is found; ``basis`` then says so and names any yearless
    date seen but not used; ``rejected`` lists full dates outside the window (history dates
    such as "14 October 1066"), each with its line. Relative phrases are never resolved.
    """
    lines = [(n, ln.strip()) for n, ln in enumerate(split_lines(raw_text), 1) if ln.strip()]
    window = lines[:_DATE_SEARCH_LINES] + lines[-_DATE_SEARCH_LINES:]
    rejected: list[str] = []
    for line_no, line in window:
        match = _FULL_DATE_RE.search(line)
        if not match:
            continue
        try:
            stamp = _parse(match.group(0).replace(".", ""), None)[0]
        except ValueError as exc:
            if "outside" in str(exc):
                rejected.append(f"'{match.group(0)}' (line {line_no})")
            continue
        return stamp, f"parsed from text: '{match.group(0)}' (line {line_no})", rejected
    rejected = list(dict.fromkeys(rejected))
    if rejected:
        return pd.NaT, (f"full date {', '.join(rejected)} in the text is outside the "
                        f"plausible publication window {_window_text()}; not used"), rejected
    for line_no, line in window:
        match = _YEARLESS_DATE_RE.search(line)
        if match:
            return pd.NaT, (f"no full date in text; yearless '{match.group(0)}' (line {line_no}) "
                            "may be a page display date and was not used"), rejected
    return pd.NaT, "no full date in the first or last lines of the text", rejected
