"""Target detection: does a sentence refer to US chip export controls (codebook R1–R4)?
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from newsdesk.paths import lexicon_cache, read_lexicon_table
from newsdesk.stance.settings import (
    ACCESS_CONTEXT,
    POINTING_CONTEXT,
    STANCE_BATCH_ARTICLES,
    STANCE_TEXT_CACHE,
    TARGET_RULES,
)
from newsdesk.text import collapse_spaces, normalize_text

__all__ = [
    "detect_targets",
    "in_article_batches",
    "measure_word",
    "points_back",
    "sentences_since_target",
    "stance_marker",
    "stance_patterns",
    "stance_text",
    "target_spans",
]


def _bounded(pattern: str) -> re.Pattern:
    """Compile a lexicon regex so it matches whole words only (hyphens join words)."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])")


@lexicon_cache
def stance_patterns() -> dict[str, list[tuple[re.Pattern, str, str]]]:
    """All stance lexicons compiled: ``{group: [(regex, label, kind), ...]}`` in file order."""
    target = read_lexicon_table("stance_target")
    cues = read_lexicon_table("stance_cues")
    success = read_lexicon_table("stance_success")
    markers = read_lexicon_table("stance_markers")
    return {
        "target": [(_bounded(p), r, "target") for p, r in zip(target["pattern"], target["rule"],
                                                              strict=True)],
        "cues": [(_bounded(p), d, k) for p, d, k in zip(cues["pattern"], cues["direction"],
                                                        cues["kind"], strict=True)],
        "success": [(_bounded(p), "against", "success") for p in success["pattern"]],
        "markers": [(_bounded(p), k, k) for p, k in zip(markers["pattern"], markers["kind"],
                                                        strict=True)],
        "pointing": [(re.compile(p), "R4", "pointing")
                     for p in read_lexicon_table("stance_pointing")["pattern"]],
    }


def points_back(sentence: str) -> str:
    """The first phrase of ``sentence`` that may point back at the measures (codebook R4,
    ``lexicons/stance_pointing.csv``), or ``""``. It counts only after a target sentence."""
    text = stance_text(sentence)
    for rx, _, _ in stance_patterns()["pointing"]:
        found = rx.search(text)
        if found:
            return found.group(0).strip()
    return ""


@lexicon_cache
def _any_target() -> re.Pattern:
    """One regex matching wherever any target pattern does; most sentences fail it at once."""
    return _bounded("|".join(f"(?:{p})" for p in read_lexicon_table("stance_target")["pattern"]))


@lexicon_cache
def _measure_words() -> re.Pattern:
    """One regex matching any word of ``lexicons/stance_measure_words.csv``."""
    return _bounded("|".join(f"(?:{p})" for p in read_lexicon_table("stance_measure_words")["pattern"]))


def measure_word(sentence: str) -> str:
    """The first word of ``sentence`` that names the measures loosely ("ban", "rules",
    "licences", "smuggling": ``lexicons/stance_measure_words.csv``), or ``""``. Such a word
    alone does not make a target; it lets the learned model read the sentence."""
    found = _measure_words().search(stance_text(sentence))
    return found.group(0) if found else ""


@lexicon_cache
def stance_marker(kind: str) -> re.Pattern:
    """The one compiled marker regex of a kind (negator, concession, aim, …)."""
    return next(rx for rx, _, k in stance_patterns()["markers"] if k == kind)




def in_article_batches(func, corpus: pd.DataFrame, size: int = STANCE_BATCH_ARTICLES,
                       processes: int = 1) -> pd.DataFrame:
    """``func`` (articles in, one table out) over runs of ``size`` whole articles, concatenated
    in corpus order.

    Equals ``func(corpus)`` when ``func`` looks within one article at a time, as every stance
    step does; the memoised sentence steps are then reused before the cache moves on. With
    ``processes`` above 1 and more than one run, the runs are shared out to that many worker
    processes (joblib's loky backend); ``func`` must then be picklable (a module-level function
    or a ``functools.partial`` of one), and the result is the same.
    """
    if size < 1:
        raise ValueError(f"size must be a positive number of articles, not {size!r}")
    if processes < 1:
        raise ValueError(f"processes must be a positive number, not {processes!r}")
    if len(corpus) <= size:
        return func(corpus)
    runs = [corpus.iloc[lo:lo + size] for lo in range(0, len(corpus), size)]
    if processes == 1:
        return pd.concat([func(run) for run in runs], ignore_index=True)
    from joblib import Parallel, delayed

    tables = Parallel(n_jobs=min(processes, len(runs)), backend="loky")(delayed(func)(run) for run in runs)
    return pd.concat(tables, ignore_index=True)


@lru_cache(maxsize=STANCE_TEXT_CACHE)
def stance_text(sentence: str) -> str:
    """Normalised, lower-cased sentence on which every stance pattern runs.

    Quotes and dashes are unified and ``U.S.`` becomes ``US`` (:func:`normalize_text`);
    runs of white space collapse to one space. Case folding keeps the length, so offsets
    in the result are offsets in ``normalize_text(sentence)`` with spaces collapsed.
    """
    text = collapse_spaces(normalize_text(sentence))
    lowered = text.lower()
    # str.lower maps a final capital sigma by context; otherwise equal lengths mean every
    # character was lowered to exactly one character, the per-character rule below
    if len(lowered) == len(text) and "\u03a3" not in text:
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def target_spans(sentence: str) -> list[tuple[int, int, str]]:
    """Where a sentence names the target: ``(start, end, rule)`` in :func:`stance_text`.

    ``rule`` is the codebook rule the pattern implements: ``R1`` (measures named),
    ``R2`` (a restriction word standing for them), ``R3-denied`` (access denied from
    outside) or ``R3-access`` (access to advanced chips; counts only beside a named
    measure, see :func:`detect_targets`). Sorted by position.
    """
    return list(_target_spans_in_stance_text(stance_text(sentence)))


@lexicon_cache(maxsize=STANCE_TEXT_CACHE)
def _target_spans_in_stance_text(text: str) -> tuple[tuple[int, int, str], ...]:
    first = _any_target().search(text)
    if first is None:
        return ()
    spans = {(m.start(), m.end(), rule) for rx, rule, _ in stance_patterns()["target"]
             for m in rx.finditer(text, first.start())}  # none starts before the first hit
    return tuple(sorted(spans))


def detect_targets(sentences: pd.DataFrame, context: int = ACCESS_CONTEXT,
                   pointing_context: int = POINTING_CONTEXT) -> pd.DataFrame:
    """Flag the sentences that refer to US chip export controls (codebook R1–R4).

    Parameters
    ----------
    sentences
        ``doc_id, sent_id, sentence`` (as from :func:`corpus_sentences`).
    context
        An ``R3-access`` sentence ("access to high-end processors") counts only when a
        sentence of the same article at most this many sentences away names the measures.
    pointing_context
        A sentence that only points back ("this strategy", "scrapping them": R4) counts when
        one of the previous ``pointing_context`` sentences of the same article refers to the
        measures (itself possibly by R4, so an argument can run over several sentences).

    Returns
    -------
    The input plus ``mentions_target`` (bool), ``target_rule`` (strongest rule that fired,
    ``""`` if none) and ``target_match`` (the matched words, ``" | "``-joined).
    """
    out = sentences.copy()
    rules, matches = [], []
    for sentence in out["sentence"]:
        spans = target_spans(sentence)
        text = stance_text(sentence)
        found = sorted({r for _, _, r in spans}, key=TARGET_RULES.index)
        rules.append(found[0] if found else "")
        matches.append(" | ".join(dict.fromkeys(text[s:e] for s, e, _ in spans)))
    out["target_rule"] = rules
    out["target_match"] = matches
    strong = out["target_rule"].isin(["R1", "R2", "R3-denied"]).to_numpy()
    mentions = strong.copy()
    doc = out["doc_id"].to_numpy()
    for i in np.flatnonzero(out["target_rule"].eq("R3-access").to_numpy()):
        lo, hi = max(0, i - context), min(len(out), i + context + 1)
        mentions[i] = bool(any(strong[j] and doc[j] == doc[i] for j in range(lo, hi)))
    pointing = [bool(points_back(s)) if not hit else False for s, hit in zip(out["sentence"], mentions,
                                                                              strict=True)]
    for i in np.flatnonzero(pointing):
        lo = max(0, i - pointing_context)
        if any(mentions[j] and doc[j] == doc[i] for j in range(lo, i)):
            mentions[i] = True
            out.iat[i, out.columns.get_loc("target_rule")] = "R4"
            out.iat[i, out.columns.get_loc("target_match")] = points_back(out["sentence"].iat[i])
    out["mentions_target"] = mentions
    return out


def sentences_since_target(table: pd.DataFrame) -> np.ndarray:
    """For each sentence of a :func:`detect_targets` table (articles in text order): how many
    sentences back the nearest sentence of the same article that refers to the measures is
    (0 for such a sentence itself), or ``inf`` when none comes before it."""
    position = np.arange(len(table), dtype=float)
    last = pd.Series(np.where(table["mentions_target"].astype(bool).to_numpy(), position, np.nan),
                     index=table.index)
    last = last.groupby(table["doc_id"].to_numpy(), sort=False).ffill().to_numpy()
    return np.where(np.isnan(last), np.inf, position - last)
