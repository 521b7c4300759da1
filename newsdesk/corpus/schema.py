"""The corpus's columns, the audit's and problem table's columns, export column aliases,
and the warning class and problem log every loading step reports through.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

__all__ = [
    "AUDIT_COLUMNS",
    "COLUMN_ALIASES",
    "CORPUS_COLUMNS",
    "CleaningRule",
    "CorpusWarning",
    "KNOWN_UNUSED_COLUMNS",
    "LoadLog",
    "METADATA_COLUMNS",
    "PROBLEM_COLUMNS",
    "QuietLog",
]

CORPUS_COLUMNS = [
    "doc_id", "file", "outlet", "origin", "origin_basis", "headline", "published", "date_basis",
    "language", "url", "encoding", "duplicate_of", "raw_text", "text", "n_words",
    "n_sentences",
]
AUDIT_COLUMNS = ["doc_id", "line_no", "text", "reason", "detail"]
PROBLEM_COLUMNS = ["file", "problem", "action"]
METADATA_COLUMNS = [
    "file", "doc_id", "outlet", "origin", "headline", "published", "date_basis",
    "language", "notes", "url",
]


# Export column names (Media Cloud first) mapped onto ours; the first alias present wins.
COLUMN_ALIASES: dict[str, list[str]] = {
    "doc_id": ["doc_id", "stories_id", "id", "guid"],
    "headline": ["headline", "title"],
    "published": ["published", "publish_date", "date", "publication_date"],
    "outlet": ["outlet", "media_name", "source", "media_url", "domain"],
    "origin": ["origin", "author", "byline"],
    "url": ["url", "link"],
    "language": ["language", "lang"],
    "text": ["text", "body", "content", "article_text", "story_text"],
}


# Export columns we recognise but do not use, so they raise no "unknown column" warning.
KNOWN_UNUSED_COLUMNS = {
    "processed_stories_id", "collect_date", "ap_syndicated", "themes", "media_id",
    "word_count", "feeds", "metadata", "indexed_date", "tags", "notes", "date_basis",
    "file", "publish_day",
}


class CorpusWarning(UserWarning):
    """A problem with one input file: the message names the file and the problem."""


@dataclass(frozen=True)
class CleaningRule:
    """One full-line pattern from ``lexicons/cleaning_rules.csv``."""

    reason: str
    pattern: re.Pattern
    why: str


@dataclass
class LoadLog:
    """Collects problems while loading; warns, or raises under ``strict``."""

    strict: bool
    problems: list[dict] = field(default_factory=list)

    def report(self, file: str, problem: str, action: str) -> None:
        message = f"{file}: {problem}"
        if self.strict:
            raise ValueError(message)
        warnings.warn(f"{message} ({action})", CorpusWarning, stacklevel=3)
        self.problems.append({"file": file, "problem": problem, "action": action})


class QuietLog(LoadLog):
    """Collects problems without warning, to be replayed in order by a :class:`LoadLog`."""

    def report(self, file: str, problem: str, action: str) -> None:
        self.problems.append({"file": file, "problem": problem, "action": action})
