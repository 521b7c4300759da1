"""Publication dates: parsing metadata values, and finding a full date near the top of a text.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "date_from_text",
    "parse_date",
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


def date_from_text(raw_text: str) -> tuple[pd.Timestamp, str]:
    """Find a full date (with year) in the first or last lines of an article.

    Returns ``(timestamp, basis)``. ``timestamp`` is ``NaT`` when no full date is found;
    ``basis`` then says so and names any yearless date that was seen but not used.
    Dates are parsed with ``dateutil``; relative phrases ("on Monday") are never resolved.
    """
    from dateutil import parser as date_parser

    lines = [(n, ln.strip()) for n, ln in enumerate(raw_text.splitlines(), 1) if ln.strip()]
    window = lines[:_DATE_SEARCH_LINES] + lines[-_DATE_SEARCH_LINES:]
    for line_no, line in window:
        match = _FULL_DATE_RE.search(line)
        if match:
            try:
                stamp = pd.Timestamp(date_parser.parse(match.group(0).replace(".", "")))
            except (ValueError, OverflowError):
                continue
            return stamp.normalize(), f"parsed from text: '{match.group(0)}' (line {line_no})"
    for line_no, line in window:
        match = _YEARLESS_DATE_RE.search(line)
        if match:
            return pd.NaT, (f"no full date in text; yearless '{match.group(0)}' (line {line_no}) "
                            "may be a page display date and was not used")
    return pd.NaT, "no full date in the first or last lines of the text"


def parse_date(value: object) -> pd.Timestamp:
    """Parse one metadata date (ISO or any dateutil form); ``NaT`` for empty.

    Raises ``ValueError`` for a value that is present but unparseable.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return pd.NaT
    stamp = _parse_date_text(str(value).strip())
    if pd.isna(stamp):
        raise ValueError(f"unparseable date {str(value)!r}")
    return stamp


@lru_cache(maxsize=2**14)  # exports repeat the same few hundred dates; parsing one costs ~0.5 ms
def _parse_date_text(text: str) -> pd.Timestamp:
    stamp = pd.to_datetime(text, errors="coerce", utc=True)
    return pd.NaT if pd.isna(stamp) else stamp.tz_convert(None).normalize()
