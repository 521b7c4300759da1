"""Fightin' Words (Monroe et al. 2008): log-odds with an informative Dirichlet prior between two groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.terms.model import TermModel, term_counts, term_model_for
from newsdesk.terms.settings import CONTRAST_SIDE_MIN_DOCS, Z_95

__all__ = [
    "contrast_groups",
    "contrast_plot_data",
    "contrast_texts",
    "default_contrast",
    "describe_split",
    "log_odds_dirichlet",
]


def log_odds_dirichlet(counts_a: np.ndarray, counts_b: np.ndarray, prior: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio with an informative Dirichlet prior, and its z-score.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words", eqs. 16–22. For each term w with
    counts y_a, y_b (group totals n_a, n_b) and prior α_w (total α_0):

    δ_w = log((y_a + α_w) / (n_a + α_0 − y_a − α_w)) − log((y_b + α_w) / (n_b + α_0 − y_b − α_w))
    σ²_w ≈ 1 / (y_a + α_w) + 1 / (y_b + α_w);  z_w = δ_w / σ_w

    Parameters
    ----------
    counts_a, counts_b : term counts of the two groups, same length.
    prior : α_w > 0 for each term, in pseudo-counts.

    Returns
    -------
    ``(delta, z)``: positive means the term is more typical of group a.
    """
    y_a, y_b, alpha = (np.asarray(v, dtype=float) for v in (counts_a, counts_b, prior))
    n_a, n_b, alpha0 = y_a.sum(), y_b.sum(), alpha.sum()
    delta = (np.log((y_a + alpha) / (n_a + alpha0 - y_a - alpha))
             - np.log((y_b + alpha) / (n_b + alpha0 - y_b - alpha)))
    return delta, delta / np.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))


def _contrast_table(model: TermModel, counts_a: np.ndarray, counts_b: np.ndarray,
                    prior_scale: float) -> pd.DataFrame:
    columns = ["term", "count_a", "count_b", "total", "delta", "z"]
    background = np.asarray(model.counts.sum(axis=0)).ravel().astype(float)
    keep = ((counts_a + counts_b) > 0) & (background > 0)
    if not keep.any():
        return pd.DataFrame(columns=columns)
    delta, z = log_odds_dirichlet(counts_a[keep], counts_b[keep], prior_scale * background[keep])
    table = pd.DataFrame({
        "term": model.terms[keep], "count_a": counts_a[keep].astype(int),
        "count_b": counts_b[keep].astype(int), "total": (counts_a + counts_b)[keep].astype(int),
        "delta": delta, "z": z,
    }, columns=columns)
    return table.sort_values(["z", "term"], ascending=[False, True], kind="stable").reset_index(
        drop=True)


def contrast_groups(corpus: pd.DataFrame, ids_a: list[str], ids_b: list[str],
                    model: TermModel | None = None, prior_scale: float = 1.0) -> pd.DataFrame:
    """Terms that separate two groups of articles, by Fightin' Words log-odds.

    Parameters
    ----------
    ids_a, ids_b : ``doc_id`` s of the two groups (disjoint; by origin, by date, by stance…).
    model : the corpus's :func:`fit_term_model`; fitted here when not given.
    prior_scale : the prior is the whole corpus's term counts times this (1 = as many
        pseudo-counts as the corpus has), which shrinks rare terms towards zero.

    Returns
    -------
    DataFrame ``term, count_a, count_b, total, delta, z`` for every term used by either
    group, sorted by ``z`` (most typical of group a first, of group b last). Empty when
    either group is empty: there is nothing to contrast.
    """
    model = term_model_for(corpus, model)
    ids_a, ids_b = [str(d) for d in ids_a], [str(d) for d in ids_b]
    if not ids_a or not ids_b:
        return _contrast_table(model, np.zeros(len(model.terms)), np.zeros(len(model.terms)), 1.0)
    if set(ids_a) & set(ids_b):
        raise ValueError("the two groups share articles")
    unknown = sorted(set(ids_a + ids_b) - set(model.doc_ids))
    if unknown:
        raise ValueError(f"doc_ids not in the corpus: {', '.join(unknown)}")
    row = {d: i for i, d in enumerate(model.doc_ids)}
    counts_a = np.asarray(model.counts[[row[d] for d in ids_a]].sum(axis=0)).ravel()
    counts_b = np.asarray(model.counts[[row[d] for d in ids_b]].sum(axis=0)).ravel()
    return _contrast_table(model, counts_a, counts_b, prior_scale)


def contrast_texts(model: TermModel, texts_a: list[str], texts_b: list[str],
                   prior_scale: float = 1.0) -> pd.DataFrame:
    """As :func:`contrast_groups` for any two groups of texts (e.g. sentences by stance).

    Texts are counted with the model's vocabulary; the prior is still the model's corpus.
    """
    counts_a = np.asarray(term_counts(model, texts_a).sum(axis=0)).ravel()
    counts_b = np.asarray(term_counts(model, texts_b).sum(axis=0)).ravel()
    return _contrast_table(model, counts_a, counts_b, prior_scale)


def _split(basis: str, title: str, groups: tuple[str, list[str], str, list[str]],
           n_credited: int, n_docs: int) -> dict:
    label_a, ids_a, label_b, ids_b = groups
    return {"basis": basis, "title": title, "label_a": label_a, "ids_a": ids_a,
            "label_b": label_b, "ids_b": ids_b, "n_credited": n_credited, "n_docs": n_docs}


def default_contrast(corpus: pd.DataFrame, min_side: int = CONTRAST_SIDE_MIN_DOCS) -> dict:
    """Two groups of articles worth contrasting in any corpus, and which split they are.

    First choice: articles that credit a named origin (wire or paper) against those that do
    not (origin ``unknown`` or ``rewrite of …``), when each side holds ``min_side`` articles.
    When (almost) no article credits an origin, or (almost) every one does, there is no
    credited/uncredited split; the dated articles are then split at the median date instead,
    and ``basis`` and ``title`` say so.

    Returns
    -------
    ``{"basis", "title", "label_a", "ids_a", "label_b", "ids_b", "n_credited", "n_docs"}``:
    ``basis`` is ``"origin"``, ``"date"`` or ``"none"`` (no split leaves ``min_side``
    articles on each side; both lists empty, and :func:`contrast_groups` returns an empty
    table); ``title`` names the split for headings and findings; ``doc_id`` lists in corpus
    order; ``n_credited`` counts the articles crediting an origin, of ``n_docs``.
    """
    origin = corpus["origin"].fillna("unknown").astype(str).str.strip().str.lower()
    uncredited = ((origin == "unknown") | (origin == "") | origin.str.startswith("rewrite")).to_numpy()
    ids = corpus["doc_id"].astype(str)
    n_credited, n_docs = int((~uncredited).sum()), len(corpus)
    if min(n_credited, n_docs - n_credited) >= min_side:
        return _split("origin", "credited vs uncredited copy",
                      ("credited origin", ids[~uncredited].tolist(), "uncredited or rewrite",
                       ids[uncredited].tolist()), n_credited, n_docs)
    dates = pd.to_datetime(corpus["published"])
    known = dates.dropna().sort_values()
    if len(known):
        cut = known.iloc[len(known) // 2]
        early, late = (dates < cut).to_numpy(), (dates >= cut).to_numpy()
        if min(early.sum(), late.sum()) >= min_side:
            label = cut.strftime("%Y-%m-%d")
            return _split("date", "earlier vs later articles (no credited/uncredited split)",
                          (f"before {label}", ids[early].tolist(), f"{label} or later",
                           ids[late].tolist()), n_credited, n_docs)
    return _split("none", "no split", ("", [], "", []), n_credited, n_docs)


def describe_split(split: dict, contrast: pd.DataFrame, max_ids: int = 10) -> pd.DataFrame:
    """The two groups of a contrast, one row each: ``split, group, label, n_docs, doc_ids,
    n_clear``.

    ``split`` is the split's title (:func:`default_contrast`); ``doc_ids`` lists up to
    ``max_ids`` ids (then ``…``); ``n_clear`` counts the terms whose z-score passes ±1.96
    towards that group in ``contrast`` (from :func:`contrast_groups`).
    """
    rows = []
    for group, sign in (("a", 1), ("b", -1)):
        ids = split[f"ids_{group}"]
        shown = ", ".join(ids[:max_ids]) + (" …" if len(ids) > max_ids else "")
        clear = int((sign * contrast["z"] > Z_95).sum()) if not contrast.empty else 0
        rows.append({"split": split.get("title", split.get("basis", "")), "group": group,
                     "label": split[f"label_{group}"], "n_docs": len(ids), "doc_ids": shown,
                     "n_clear": clear})
    return pd.DataFrame(rows, columns=["split", "group", "label", "n_docs", "doc_ids", "n_clear"])


def contrast_plot_data(contrast: pd.DataFrame, n_label: int = 8) -> pd.DataFrame:
    """:func:`contrast_groups` output plus ``labelled``: ``a``/``b`` for the ``n_label``
    terms with the highest / lowest z on each side of zero, empty otherwise."""
    data = contrast.copy()
    data["labelled"] = ""
    data.loc[data[data["z"] > 0].head(n_label).index, "labelled"] = "a"
    data.loc[data[data["z"] < 0].tail(n_label).index, "labelled"] = "b"
    return data
