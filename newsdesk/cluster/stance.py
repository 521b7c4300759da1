"""Stance on a Dask cluster: sentence and article stance per partition (every step looks within
one article), and the speaker table as a groupby on the workers.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.stance.aggregate import article_stance, speaker_stance, stance_details
from newsdesk.stance.settings import ARTICLE_STANCE_COLUMNS, SPEAKER_COLUMNS

__all__ = [
    "TARGET_SENTENCE_COLUMNS",
    "cluster_stance",
    "speakers_of_group",
]

# The columns of a target sentence the speaker table needs.
TARGET_SENTENCE_COLUMNS = ["doc_id", "sent_id", "sentence", "mentions_target", "speaker", "speaker_type",
                           "stance", "confidence"]


def _stance_part(part: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(article stance, target sentences)`` of one partition of the cleaned corpus."""
    part = part.copy()
    part.attrs = {}
    details = stance_details(part, processes=1)  # the cluster's workers are the processes
    articles = article_stance(part, sentences=details)
    target = details[details["mentions_target"].astype(bool)][TARGET_SENTENCE_COLUMNS]
    return articles, target.reset_index(drop=True)


def speakers_of_group(target: pd.DataFrame) -> pd.DataFrame:
    """:func:`speaker_stance` of the target sentences of whole speakers (a partition shuffled
    by speaker), put in text order first (``doc_id``, ``sent_id``) as the one-process path
    has them."""
    ordered = target.sort_values(["doc_id", "sent_id"], kind="stable").reset_index(drop=True)
    return speaker_stance(ordered)


def _empty(columns: list[str], types: dict) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, "string")) for c in columns})


def cluster_stance(corpus) -> tuple:
    """Article stance and the speaker table of the cleaned Dask corpus, as Dask frames.

    Returns ``(articles, speakers)``: ``articles`` has ``ARTICLE_STANCE_COLUMNS`` (equal to
    :func:`article_stance` after sorting by ``doc_id``), ``speakers`` has ``SPEAKER_COLUMNS``
    (equal to :func:`speaker_stance` of :func:`stance_details` after sorting it the same way:
    ``n_target`` descending, then ``speaker``).
    """
    import dask
    import dask.dataframe as dd

    counts = {c: "int64" for c in ARTICLE_STANCE_COLUMNS if c not in ("doc_id", "net", "stance", "basis")}
    article_meta = _empty(ARTICLE_STANCE_COLUMNS, {**counts, "net": "float64"})
    target_meta = _empty(TARGET_SENTENCE_COLUMNS, {"sent_id": "int64", "mentions_target": bool,
                                                   "confidence": "float64"})
    done = [dask.delayed(_stance_part, nout=2)(p) for p in corpus.to_delayed()]
    articles = dd.from_delayed([d[0] for d in done], meta=article_meta, verify_meta=False)
    target = dd.from_delayed([d[1] for d in done], meta=target_meta, verify_meta=False)
    speaker_meta = _empty(SPEAKER_COLUMNS, {"n_target": "int64", "n_favor": "int64", "n_against": "int64",
                                            "n_none": "int64", "net": "float64"})
    speakers = target.shuffle("speaker").map_partitions(speakers_of_group, meta=speaker_meta)
    return articles, speakers
