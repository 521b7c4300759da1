"""Shared passages between two texts, percent copied, repetition inside one text, and the
escaped side-by-side HTML view.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from newsdesk.overlap.settings import PASSAGE_COLUMNS, PASSAGE_MIN_WORDS, RUN_MAX_OCCURRENCES, SELF_COPY_SHARE
from newsdesk.overlap.shingles import overlap_tokens

__all__ = [
    "repeated_passages",
    "copied_share_by_pair",
    "copied_share",
    "covered_words",
    "maximal_runs",
    "passage_table",
    "self_repetition",
    "shared_passages",
    "side_by_side_html",
]


def _gram_index(keys: list[str], k: int) -> dict[tuple, list[int]]:
    index: dict[tuple, list[int]] = {}
    for j in range(len(keys) - k + 1):
        index.setdefault(tuple(keys[j:j + k]), []).append(j)
    return {g: pos for g, pos in index.items() if len(pos) <= RUN_MAX_OCCURRENCES}


def maximal_runs(a: list[str], b: list[str], min_words: int = PASSAGE_MIN_WORDS,
                 same: bool = False) -> list[tuple[int, int, int]]:
    """Maximal runs of equal words shared by sequences ``a`` and ``b``.

    Parameters
    ----------
    a, b : word keys (see :func:`overlap_tokens`).
    min_words : shortest run reported.
    same : ``a`` and ``b`` are the same text; only runs whose second copy starts later are
        reported, cut so that the two copies do not overlap.

    Returns
    -------
    ``[(i, j, n)]``: ``a[i:i+n] == b[j:j+n]`` and the run cannot be extended either way,
    sorted by ``(i, j)``. A passage that ``b`` holds twice gives two runs.
    """
    if min_words < 1:
        raise ValueError("min_words must be at least 1")
    index = _gram_index(b, min_words)
    covered: dict[int, int] = {}  # diagonal j - i -> end (in a) of the last run reported on it
    runs = []
    for i in range(len(a) - min_words + 1):
        for j in index.get(tuple(a[i:i + min_words]), ()):
            diagonal = j - i
            if (same and diagonal <= 0) or covered.get(diagonal, -1) > i:
                continue
            start_i, start_j = i, j
            while start_i > 0 and start_j > 0 and a[start_i - 1] == b[start_j - 1] \
                    and (not same or start_j - 1 > start_i - 1):
                start_i, start_j = start_i - 1, start_j - 1
            n = i - start_i + min_words
            while start_i + n < len(a) and start_j + n < len(b) and a[start_i + n] == b[start_j + n]:
                n += 1
            covered[diagonal] = start_i + n
            if same:
                n = min(n, diagonal)
            if n >= min_words:
                runs.append((start_i, start_j, n))
    return sorted(set(runs))


def shared_passages(text_a: str, text_b: str, min_words: int = PASSAGE_MIN_WORDS) -> list[dict]:
    """Maximal word runs of at least ``min_words`` that two texts share.

    Words are compared after :func:`overlap_tokens` normalisation, so runs survive changes of
    case, quote marks, dashes and ``U.S.``/``US``.

    Returns
    -------
    One dict per run, sorted by position in ``text_a``: ``a_start, a_end`` and
    ``b_start, b_end`` are character offsets (``text_a[a_start:a_end]`` is the passage as
    ``text_a`` writes it), ``n_words`` its length in words.
    """
    tokens_a, tokens_b = overlap_tokens(text_a), overlap_tokens(text_b)
    runs = maximal_runs([t.key for t in tokens_a], [t.key for t in tokens_b], min_words)
    return [{"a_start": tokens_a[i].start, "a_end": tokens_a[i + n - 1].end,
             "b_start": tokens_b[j].start, "b_end": tokens_b[j + n - 1].end, "n_words": n}
            for i, j, n in runs]


def covered_words(runs: list[tuple[int, int, int]], side: int) -> int:
    """Words covered by the union of runs on one side (0 = a, 1 = b)."""
    marked: set[int] = set()
    for run in runs:
        marked.update(range(run[side], run[side] + run[2]))
    return len(marked)


def copied_share(text_a: str, text_b: str, min_words: int = PASSAGE_MIN_WORDS) -> dict:
    """Per-direction "percent copied", as churnalism detectors report it.

    Returns ``words_a, words_b`` (word counts), ``shared_words_a, shared_words_b`` (words inside
    shared runs of at least ``min_words``), ``pct_a_in_b`` (share of A's words found in runs
    shared with B, 0-1), ``pct_b_in_a``, ``n_passages`` and ``longest_passage`` (words).
    """
    keys_a = [t.key for t in overlap_tokens(text_a)]
    keys_b = [t.key for t in overlap_tokens(text_b)]
    runs = maximal_runs(keys_a, keys_b, min_words)
    shared_a, shared_b = covered_words(runs, 0), covered_words(runs, 1)
    return {"words_a": len(keys_a), "words_b": len(keys_b),
            "shared_words_a": shared_a, "shared_words_b": shared_b,
            "pct_a_in_b": shared_a / len(keys_a) if keys_a else 0.0,
            "pct_b_in_a": shared_b / len(keys_b) if keys_b else 0.0,
            "n_passages": len(runs), "longest_passage": max((r[2] for r in runs), default=0)}


def passage_table(corpus: pd.DataFrame, pairs: pd.DataFrame,
                  min_words: int = PASSAGE_MIN_WORDS) -> pd.DataFrame:
    """Every shared passage of the given pairs: ``PASSAGE_COLUMNS``.

    ``pairs`` needs ``doc_a, doc_b``; offsets index into each article's clean ``text`` and
    ``passage`` is the run as ``doc_a`` writes it. Sorted by pair, then ``a_start``.
    """
    texts = corpus.set_index("doc_id")["text"]
    rows = [
        {"doc_a": a, "doc_b": b, **run, "passage": texts[a][run["a_start"]:run["a_end"]]}
        for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)
        for run in shared_passages(texts[a], texts[b], min_words)
    ]
    table = pd.DataFrame(rows, columns=PASSAGE_COLUMNS)
    return table.sort_values(["doc_a", "doc_b", "a_start", "b_start"], kind="stable").reset_index(drop=True)


def copied_share_by_pair(corpus: pd.DataFrame, pairs: pd.DataFrame,
                       min_words: int = PASSAGE_MIN_WORDS) -> pd.DataFrame:
    """:func:`copied_share` for each pair in ``pairs`` (``doc_a, doc_b``), one row per pair."""
    texts = corpus.set_index("doc_id")["text"]
    rows = [{"doc_a": a, "doc_b": b, **copied_share(texts[a], texts[b], min_words)}
            for a, b in zip(pairs["doc_a"], pairs["doc_b"], strict=True)]
    columns = ["doc_a", "doc_b", "words_a", "words_b", "shared_words_a", "shared_words_b",
               "pct_a_in_b", "pct_b_in_a", "n_passages", "longest_passage"]
    return pd.DataFrame(rows, columns=columns)


def _marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """Escaped ``text`` with the (merged) character spans wrapped in ``<mark>``; paragraphs kept."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, cursor = [], 0
    for start, end in merged:
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    body = "".join(pieces)
    paragraphs = [p for p in body.split("\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def side_by_side_html(text_a: str, text_b: str, passages: list[dict], label_a: str = "A",
                      label_b: str = "B", caption: str = "") -> str:
    """Two texts in two columns with their shared passages highlighted.

    ``passages`` are :func:`shared_passages` dicts. All article text and labels are
    HTML-escaped; ``<mark>`` is the only markup added inside the texts (a ``<mark>`` that
    crosses a paragraph break is closed and reopened there).
    """
    def column(text: str, key: str, label: str) -> str:
        marked = _marked_html(text, [(p[f"{key}_start"], p[f"{key}_end"]) for p in passages])
        return (f'<div style="flex:1;min-width:0;padding:0 .6em;font-size:.85em">'
                f"<h4>{html.escape(label)}</h4>{_balance_marks(marked)}</div>")

    head = f"<p><b>{html.escape(caption)}</b></p>" if caption else ""
    return (f'<div class="side-by-side">{head}<div style="display:flex;gap:1em">'
            f"{column(text_a, 'a', label_a)}{column(text_b, 'b', label_b)}</div></div>")


def _balance_marks(fragment: str) -> str:
    """Close an open ``<mark>`` at each paragraph end and reopen it in the next paragraph."""
    out, open_mark = [], False
    for paragraph in re.findall(r"<p>(.*?)</p>", fragment, flags=re.S):
        text = ("<mark>" if open_mark else "") + paragraph
        opened = text.count("<mark>") - text.count("</mark>")
        open_mark = opened > 0
        out.append(f"<p>{text}{'</mark>' if open_mark else ''}</p>")
    return "".join(out)


def repeated_passages(text: str, min_words: int = PASSAGE_MIN_WORDS) -> list[dict]:
    """Passages that ``text`` holds more than once.

    Returns one dict per (earlier copy, later copy) run: ``first_start, first_end,
    second_start, second_end`` (character offsets into ``text``) and ``n_words``.
    """
    tokens = overlap_tokens(text)
    keys = [t.key for t in tokens]
    return [{"first_start": tokens[i].start, "first_end": tokens[i + n - 1].end,
             "second_start": tokens[j].start, "second_end": tokens[j + n - 1].end, "n_words": n}
            for i, j, n in maximal_runs(keys, keys, min_words, same=True)]


def self_repetition(corpus: pd.DataFrame, column: str = "raw_text",
                    min_words: int = PASSAGE_MIN_WORDS) -> pd.DataFrame:
    """How much of each article repeats itself.

    Returns ``doc_id, words, repeated_words`` (words in later copies of an earlier passage),
    ``repeated_share`` (0-1), ``longest_repeat`` (words) and ``contains_itself_twice``
    (``repeated_share >= SELF_COPY_SHARE``), measured on ``column`` (raw text by default).
    """
    rows = []
    for doc_id, text in zip(corpus["doc_id"], corpus[column], strict=True):
        keys = [t.key for t in overlap_tokens(text)]
        runs = maximal_runs(keys, keys, min_words, same=True)
        repeated = covered_words(runs, 1)
        share = repeated / len(keys) if keys else 0.0
        rows.append({"doc_id": doc_id, "words": len(keys), "repeated_words": repeated,
                     "repeated_share": share, "longest_repeat": max((r[2] for r in runs), default=0),
                     "contains_itself_twice": share >= SELF_COPY_SHARE})
    return pd.DataFrame(rows, columns=["doc_id", "words", "repeated_words", "repeated_share",
                                       "longest_repeat", "contains_itself_twice"])
