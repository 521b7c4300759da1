"""The line cleaner: keeps body lines and audits every dropped line with its reason
(site furniture from ``lexicons/cleaning_rules.csv``, other scripts, tag lines, headlines,
section labels, repeated paragraphs).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import islice

import pandas as pd

from newsdesk.corpus.prefilter import may_hold_any, required_words
from newsdesk.corpus.schema import CleaningRule
from newsdesk.corpus.settings import (
    HEADLINE_WORDS,
    LATIN_LETTER_RE,
    LETTER_RE,
    OTHER_SCRIPT_SHARE,
    OUTSIDE_LATIN_RE,
    REPEAT_MIN_WORDS,
    SECTION_LABEL_MAX_WORDS,
    TAG_LINE_MIN_JOINS,
)
from newsdesk.paths import lexicon_cache, read_lexicon_table
from newsdesk.text import WORD_RE, collapse_spaces, normalize_text, split_lines

__all__ = [
    "clean_lines",
    "cleaning_rules",
    "dominant_script",
    "headline_from_text",
    "line_match_key",
]


@lexicon_cache
def cleaning_rules(path: str | None = None) -> tuple[CleaningRule, ...]:
    """Read the full-line cleaning rules (``reason, pattern, why``), case-insensitive.

    ``path`` is another rules CSV of the same columns; by default ``lexicons/cleaning_rules.csv``.
    """
    table = (pd.read_csv(path, dtype=str, keep_default_na=False) if path
             else read_lexicon_table("cleaning_rules"))
    return tuple(
        CleaningRule(row.reason, re.compile(row.pattern, re.IGNORECASE), row.why)
        for row in table.itertuples()
    )


def _combined_rules(rules: tuple[CleaningRule, ...], skip: frozenset[int] = frozenset()) -> re.Pattern:
    """The rules as one pattern, ``(?P<r0>…)|(?P<r1>…)|…``: one match call per line instead of
    one per rule. Alternatives are tried in order, so the named group that matched is the first
    rule that matches, as when the rules are tried one by one. Rules whose index is in ``skip``
    are left out (the group numbers still name the rule's index)."""
    kept = [f"(?P<r{i}>{rule.pattern.pattern})" for i, rule in enumerate(rules) if i not in skip]
    return re.compile("|".join(kept) or "(?!)", re.IGNORECASE)  # "(?!)" never matches


@lru_cache(maxsize=4)
def _rule_patterns(rules: tuple[CleaningRule, ...]) -> tuple[re.Pattern, re.Pattern, tuple[str, ...]]:
    """``(every rule, the rules that need no word, the words)``: the rules as one pattern; the
    same without the rules that every match of which holds one of a few words
    (:func:`required_words`, e.g. the caption rules that scan up to 300 characters); and all
    those words. A line that holds none of the words (:func:`may_hold_any`) cannot match a left
    out rule, so the shorter pattern gives it the same first matching rule."""
    needs = {i: words for i, rule in enumerate(rules)
             if (words := required_words(rule.pattern.pattern)) is not None}
    every = {word for group in needs.values() for word in group}
    # a word holding another is redundant: "photo" is enough for "photograph"
    words = tuple(sorted(w for w in every if not any(o != w and o in w for o in every)))
    return _combined_rules(rules), _combined_rules(rules, frozenset(needs)), words


def _first_rule(line: str, rules: tuple[CleaningRule, ...],
                patterns: tuple[re.Pattern, re.Pattern, tuple[str, ...]]) -> str | None:
    """The reason of the first full-line rule that matches ``line``, or ``None``;
    ``patterns`` is ``_rule_patterns(rules)``."""
    every_rule, without_word_rules, words = patterns
    pattern = every_rule if may_hold_any(line, words) else without_word_rules
    found = pattern.match(line)
    return rules[int(found.lastgroup[1:])].reason if found else None


def dominant_script(line: str) -> str | None:
    """Name the non-Latin script that most of a line's letters use, or ``None``.

    >>> dominant_script("১ ঘণ্টা আগে")
    'BENGALI'
    """
    if line.isascii():
        return None
    n_letters = len(LETTER_RE.findall(line))
    if not n_letters or len(LATIN_LETTER_RE.findall(line)) / n_letters >= 1 - OTHER_SCRIPT_SHARE:
        return None
    scripts = Counter(unicodedata.name(ch, "UNKNOWN").split()[0] for ch in line if ch.isalpha())
    n_letters = sum(scripts.values())
    non_latin = {script: n for script, n in scripts.items() if script != "LATIN"}
    if not n_letters or sum(non_latin.values()) / n_letters <= OTHER_SCRIPT_SHARE:
        return None
    return sorted(non_latin.items(), key=lambda item: (-item[1], item[0]))[0][0]


_CASE_JOIN_RE = re.compile(r"[a-z][A-Z]")


def _has_words(text: str, n: int) -> bool:
    """``word_count(text) >= n``, reading no further than the ``n``-th word."""
    return sum(1 for _ in islice(WORD_RE.finditer(text), n)) >= n


_SENTENCE_END_RE = re.compile(r"[.!?]\s|[.!?]$")


def _is_tag_line(line: str) -> bool:
    """Run-together keywords and no sentence end; the sentence-end test runs first, as it stops
    early in prose."""
    return not _SENTENCE_END_RE.search(line) and len(_CASE_JOIN_RE.findall(line)) >= TAG_LINE_MIN_JOINS


def _is_section_label(line: str) -> bool:
    words = line.split(maxsplit=SECTION_LABEL_MAX_WORDS)  # one piece more means too many words
    return (
        0 < len(words) <= SECTION_LABEL_MAX_WORDS
        and not re.search(r"[.!?:,;]$", line)
        and all(w[0].isupper() or not w[0].isalpha() for w in words)
    )


def _reads_as_headline(line: str) -> bool:
    n = len(line.split())
    return HEADLINE_WORDS[0] <= n <= HEADLINE_WORDS[1] and not re.search(r"[.]$", line)


def line_match_key(line: str) -> str:
    return collapse_spaces(normalize_text(line))


def clean_lines(raw_text: str, headline: str = "") -> tuple[list[tuple[int, str]], list[dict]]:
    """Split raw article text into kept body lines and audited dropped lines.

    Parameters
    ----------
    raw_text : decoded article text; lines as :func:`split_lines` defines them.
    headline : the known headline; the body line equal to it is moved out as ``headline``,
        and no other line is taken for one. With no headline, the first line that reads as a
        title (4–25 words, no closing full stop) within the first three lines is taken.

    Returns
    -------
    kept : ``[(line_no, line)]`` with 1-based raw line numbers, stripped of outer spaces.
    dropped : ``[{"line_no", "text", "reason", "detail"}]``, one per non-blank line not kept;
        ``detail`` names the line a repeat copies.
        ``len(kept) + len(dropped)`` equals the number of non-blank raw lines.
    """
    lines = split_lines(raw_text)
    rules = cleaning_rules()
    patterns = _rule_patterns(rules)
    may_have_other_script = OUTSIDE_LATIN_RE.search(raw_text) is not None
    headline_key = line_match_key(headline) if headline else ""
    kept: list[tuple[int, str, str]] = []
    dropped: list[dict] = []
    headline_taken = False
    for line_no, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        key = None
        reason = _first_rule(line, rules, patterns)
        if reason is None and may_have_other_script and (script := dominant_script(line)):
            reason = f"other script ({script.title()})"
        if reason is None and _is_tag_line(line):
            reason = "keyword tag line"
        if reason is None and headline_key and (key := line_match_key(line)) == headline_key:
            reason = "repeated headline" if headline_taken else "headline"
            headline_taken = True
        if reason is None and not headline_key and not kept and line_no <= 3 \
                and _reads_as_headline(line):
            reason, headline_taken = "headline", True
            headline_key = line_match_key(line)
        if reason is None and _is_section_label(line):
            reason = "section label"
        if reason is None:
            kept.append((line_no, line, key if key is not None else line_match_key(line)))
        else:
            dropped.append({"line_no": line_no, "text": line, "reason": reason, "detail": ""})
    kept, repeated = _drop_repeats(kept)
    dropped = sorted(dropped + repeated, key=lambda row: row["line_no"])
    return kept, dropped


def _drop_repeats(kept: list[tuple[int, str, str]]) -> tuple[list[tuple[int, str]], list[dict]]:
    """Drop lines that repeat an earlier line, or that stand whole inside a longer line.

    ``kept`` holds ``(line_no, line, line_match_key(line))``; the result drops the key.
    """
    first_seen: dict[str, int] = {}
    unique: list[tuple[int, str, str]] = []
    dropped: list[dict] = []
    for line_no, line, key in kept:
        if key in first_seen:
            dropped.append({"line_no": line_no, "text": line, "reason": "repeated copy",
                            "detail": f"first seen at line {first_seen[key]}"})
            continue
        first_seen[key] = line_no
        unique.append((line_no, line, key))
    hosts = _containing_lines(unique)
    result: list[tuple[int, str]] = []
    for index, (line_no, line, _) in enumerate(unique):
        if index in hosts:
            dropped.append({"line_no": line_no, "text": line, "reason": "repeated text",
                            "detail": f"contained in line {hosts[index]}"})
        else:
            result.append((line_no, line))
    return result, dropped


_GRAM = 8  # words hashed per shingle when looking for a line inside a longer line
_GRAM_WORD_RE = re.compile(r"\w+")  # shingle words: letters and digits, so punctuation never splits them


def _anchored_candidates(unique: list[tuple[int, str, str]], words: list[list[str]]
                         ) -> tuple[dict[tuple[str, ...], list[int]], list[int]]:
    """Index the lines that may stand inside a longer line (``REPEAT_MIN_WORDS`` words or more)
    by one shingle each: the first or the last ``_GRAM`` words, whichever fewer candidates
    share. Returns that index and the candidates too short for a shingle."""
    shingled, short = [], []
    for index, (_, line, _) in enumerate(unique):
        if not _has_words(line, REPEAT_MIN_WORDS):
            continue
        if len(words[index]) >= _GRAM:
            shingled.append((index, tuple(words[index][:_GRAM]), tuple(words[index][-_GRAM:])))
        else:
            short.append(index)
    firsts = Counter(first for _, first, _ in shingled)
    lasts = Counter(last for _, _, last in shingled)
    anchors: dict[tuple[str, ...], list[int]] = {}
    for index, first, last in shingled:
        anchors.setdefault(first if firsts[first] <= lasts[last] else last, []).append(index)
    return anchors, short


def _containing_lines(unique: list[tuple[int, str, str]]) -> dict[int, int]:
    """For each line of ``REPEAT_MIN_WORDS`` words or more that stands whole inside a longer
    line, its index in ``unique`` → the raw line number of the first such longer line.

    Near-linear: each candidate is indexed by one word shingle (see
    :func:`_anchored_candidates`); every line's shingles are intersected with that index as
    sets (in C), and only the candidates whose shingle a line holds are searched in it as
    substrings. Shingle words are runs of letters and digits, so a candidate is found after
    a quote mark or before a full stop; it must start and end on whole words of its host.
    """
    keys = [key for _, _, key in unique]
    words = [_GRAM_WORD_RE.findall(key) for key in keys]
    anchors, short = _anchored_candidates(unique, words)
    hosts: dict[int, int] = {}
    for index in short:
        key = keys[index]
        found = next((n for n, _, other in unique if len(other) > len(key) and key in other), None)
        if found is not None:
            hosts[index] = found
    anchor_set = set(anchors)  # set & set walks the smaller set
    for (line_no, _, other), line_words in zip(unique, words, strict=True):  # first host wins
        if len(line_words) < _GRAM or not anchor_set:
            continue
        grams = zip(*(line_words[k:] for k in range(_GRAM)), strict=False)
        for gram in sorted(anchor_set.intersection(grams)):  # no set of every shingle is built
            for index in anchors[gram]:
                key = keys[index]
                if index not in hosts and len(other) > len(key) and key in other:
                    hosts[index] = line_no
    return hosts


def headline_from_text(raw_text: str) -> str:
    """Return the first line if it reads as a title (4–25 words, no closing full stop)."""
    kept, dropped = clean_lines(raw_text)
    return next((row["text"] for row in dropped if row["reason"] == "headline"), "")
