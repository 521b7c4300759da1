"""Whether a distributed run's tables equal the one-process path's on the same articles: the
check the cluster benchmark records, table by table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from newsdesk.cluster.run import read_cluster_table
from newsdesk.overlap.pairs import overlap_pairs
from newsdesk.overlap.settings import ALL_PAIRS_MAX_DOCS, OVERLAP_COLUMNS, STORY_RELATIONS
from newsdesk.stance.aggregate import article_stance, speaker_stance, stance_details
from newsdesk.terms.model import fit_term_model, top_terms
from newsdesk.terms.trends import term_trends

__all__ = [
    "EQUALITY_COLUMNS",
    "EQUALITY_TOLERANCE",
    "cluster_equality",
    "table_difference",
]

EQUALITY_COLUMNS = ["table", "rows_cluster", "rows_one_process", "same_keys", "max_abs_diff", "equal"]
EQUALITY_TOLERANCE = 1e-9  # floats may differ by summation order, no more


def table_difference(got: pd.DataFrame, want: pd.DataFrame, keys: list[str]) -> tuple[bool, float]:
    """``(same, max_abs_diff)`` of two tables sorted by ``keys``: ``same`` when they have the same
    rows and every non-float cell is equal; ``max_abs_diff`` over the float columns (0.0 if none)."""
    if len(got) != len(want) or list(got.columns) != list(want.columns):
        return False, float("nan")
    got = got.sort_values(keys, kind="stable").reset_index(drop=True)
    want = want.sort_values(keys, kind="stable").reset_index(drop=True)
    same, worst = True, 0.0
    for column in want.columns:
        a, b = got[column], want[column]
        if pd.api.types.is_float_dtype(b) or pd.api.types.is_float_dtype(a):
            a, b = a.astype(float).to_numpy(), b.astype(float).to_numpy()
            if not np.array_equal(np.isnan(a), np.isnan(b)):
                return False, float("nan")
            both = ~np.isnan(a)
            worst = max(worst, float(np.abs(a[both] - b[both]).max()) if both.any() else 0.0)
        else:
            same &= a.astype(str).tolist() == b.astype(str).tolist()
    return same, worst


def cluster_equality(out_dir: str | Path, corpus: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Each table of a :func:`run_pipeline_dask` run in ``out_dir`` beside the one-process path
    on ``corpus`` (the same articles loaded by :func:`load_corpus`).

    The one-process tables are those :func:`run_pipeline` returns, plus :func:`speaker_stance`.
    Overlap pairs are compared with ``overlap_pairs(corpus, max_all_pairs=0)``, the one-process
    path's candidate mode; ``story pairs found`` checks that every copy and retelling of
    ``overlap_pairs(corpus)`` (every pair up to ``ALL_PAIRS_MAX_DOCS`` articles) is among the
    distributed pairs. Returns ``EQUALITY_COLUMNS``, one row per
    table.
    """
    model = fit_term_model(corpus)
    details = stance_details(corpus)
    sampled = overlap_pairs(corpus, max_all_pairs=0)[OVERLAP_COLUMNS]
    wanted = {
        "top_terms": (top_terms(corpus, model=model), ["doc_id", "rank"]),
        "term_trends": (term_trends(corpus, freq=freq, model=model), ["period", "term"]),
        "article_stance": (article_stance(corpus, sentences=details), ["doc_id"]),
        "speaker_stance": (speaker_stance(details), ["speaker", "speaker_type"]),
        "overlap_pairs": (sampled, ["doc_a", "doc_b"]),
    }
    rows = []
    for name, (want, keys) in wanted.items():
        got = read_cluster_table(out_dir, name)[list(want.columns)]
        same_keys = got[keys].astype(str).apply(tuple, axis=1).sort_values().tolist() == \
            want[keys].astype(str).apply(tuple, axis=1).sort_values().tolist()
        same, worst = table_difference(got, want, keys)
        rows.append({"table": name, "rows_cluster": len(got), "rows_one_process": len(want),
                     "same_keys": same_keys, "max_abs_diff": worst,
                     "equal": bool(same and worst <= EQUALITY_TOLERANCE)})
    every = sampled if len(corpus) > ALL_PAIRS_MAX_DOCS else overlap_pairs(corpus)
    story = every[every["relation"].isin(STORY_RELATIONS)]
    distributed = read_cluster_table(out_dir, "overlap_pairs")[["doc_a", "doc_b"]]
    found = story.merge(distributed, on=["doc_a", "doc_b"])
    complete = len(found) == len(story)
    rows.append({"table": "story pairs found", "rows_cluster": len(found), "rows_one_process": len(story),
                 "same_keys": complete, "max_abs_diff": 0.0, "equal": complete})
    return pd.DataFrame(rows, columns=EQUALITY_COLUMNS)
