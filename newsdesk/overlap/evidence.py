"""Same-story evidence for a pair of articles: the facts they share and how far apart they ran.

Two rewrites of one news event share little wording but the same facts: the firms and people
named, the figures, the outlet whose scoop they follow. :func:`pair_evidence` lists, per pair,
the distinctive named entities and numbers both articles carry (:mod:`overlap.entities`), the
outlets both credit or cite (:mod:`overlap.credits`) and the days between them. An entity or
number is distinctive when the beat does not name it everywhere (``lexicons/beat_entities.txt``)
and it is in at most ``max(FACT_MAX_DOCS_FLOOR, FACT_MAX_DOC_SHARE × n)`` of the ``n`` articles
measured. Only the pairs passed in are measured, so :func:`overlap_pairs` gathers evidence for
its candidate pairs only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsdesk.corpus.credits import credit_rows
from newsdesk.overlap.entities import article_entities, article_numbers
from newsdesk.overlap.settings import EVIDENCE_COLUMNS, FACT_MAX_DOC_SHARE, FACT_MAX_DOCS_FLOOR
from newsdesk.paths import lexicon_cache, read_word_list

__all__ = [
    "FACT_COLUMNS",
    "article_facts",
    "beat_entities",
    "days_between",
    "distinctive_facts",
    "pair_days_apart",
    "pair_evidence",
]

FACT_COLUMNS = ["doc_id", "kind", "key"]
_KINDS = ("entity", "number", "source", "unnamed")


@lexicon_cache
def beat_entities() -> frozenset[str]:
    """Entity keys named across the whole beat (``lexicons/beat_entities.txt``): never distinctive."""
    return frozenset(read_word_list("beat_entities.txt"))


def article_facts(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every fact of every article: ``doc_id, kind, key``, one row per distinct fact, sorted.

    ``kind`` is ``entity`` (:func:`article_entities`), ``number`` (:func:`article_numbers`),
    ``source`` (an outlet credited or cited, :func:`credit_rows` kinds ``credit`` and
    ``report``) or ``unnamed`` (an unnamed source, ``anonymous``).
    """
    rows: list[tuple[str, str, str]] = []
    for doc, text in zip(corpus["doc_id"].astype(str), corpus["text"].fillna("").astype(str), strict=True):
        rows.extend((doc, "entity", key) for key in article_entities(text))
        rows.extend((doc, "number", key) for key in article_numbers(text))
        rows.extend((doc, "unnamed" if kind == "anonymous" else "source", key)
                    for kind, _, key in credit_rows(text))
    table = pd.DataFrame(rows, columns=FACT_COLUMNS).drop_duplicates()
    return table.sort_values(FACT_COLUMNS, kind="stable").reset_index(drop=True)


def distinctive_facts(facts: pd.DataFrame, n_docs: int | None = None,
                      floor: int = FACT_MAX_DOCS_FLOOR, share: float = FACT_MAX_DOC_SHARE) -> pd.DataFrame:
    """The facts that can tell one story from another: entities and numbers in at most
    ``max(floor, share × n_docs)`` articles (``n_docs`` defaults to the articles in ``facts``),
    entities not in :func:`beat_entities`, and every source and unnamed source.

    When ``facts`` has a ``text`` column (the article whose text each row's article repeats,
    see :func:`pair_evidence`), articles are counted by it, so a verbatim copy does not make
    its original's facts look common."""
    if facts.empty:
        return facts.copy()
    unit = "text" if "text" in facts.columns else "doc_id"
    n = facts[unit].nunique() if n_docs is None else n_docs
    limit = max(floor, share * n)
    df = facts.groupby(["kind", "key"])[unit].transform("nunique")
    counted = facts["kind"].isin(["entity", "number"])
    keep = ~counted | (df <= limit)
    keep &= ~((facts["kind"] == "entity") & facts["key"].isin(beat_entities()))
    return facts[keep].reset_index(drop=True)


def _text_of(corpus: pd.DataFrame) -> pd.Series:
    """Each article's original for counting: ``duplicate_of`` when the loader flagged it as
    an identical text, else itself."""
    ids = corpus["doc_id"].astype(str)
    if "duplicate_of" not in corpus:
        return pd.Series(ids.to_numpy(), index=ids.to_numpy())
    original = corpus["duplicate_of"].fillna("").astype(str)
    return pd.Series(np.where(original != "", original, ids), index=ids.to_numpy())


def days_between(published_a, published_b) -> float:
    """Whole days between two publication dates (absolute); NaN unless both are dates."""
    a, b = pd.to_datetime(published_a, errors="coerce"), pd.to_datetime(published_b, errors="coerce")
    if pd.isna(a) or pd.isna(b):
        return float("nan")
    return float(abs((a.normalize() - b.normalize()).days))


def pair_days_apart(corpus: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """:func:`days_between` for every pair of ``pairs`` at once (NaN without a ``published`` column)."""
    if "published" not in corpus or pairs.empty:
        return np.full(len(pairs), np.nan)
    dates = pd.to_datetime(corpus["published"], errors="coerce").dt.normalize()
    dates.index = corpus["doc_id"].astype(str)
    left = pairs["doc_a"].astype(str).map(dates)
    right = pairs["doc_b"].astype(str).map(dates)
    return (left - right).dt.days.abs().astype(float).to_numpy()


def pair_evidence(corpus: pd.DataFrame, pairs: pd.DataFrame,
                  facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The same-story evidence of each pair in ``pairs`` (``doc_a, doc_b``): ``EVIDENCE_COLUMNS``.

    ``shared_entities``, ``shared_numbers`` and ``shared_sources`` are the distinctive facts of
    that kind in both articles ("; "-joined, sorted) and ``n_shared_*`` their counts;
    ``unnamed_sources`` the unnamed sources both describe alike (shown, not counted: "people
    familiar with the matter" is every story's); ``days_apart`` whole days between the two
    ``published`` dates (NaN when either is undated or the corpus has no dates). ``facts``
    defaults to :func:`article_facts` of the articles in ``pairs``; distinctiveness is judged
    among those articles.
    """
    if pairs.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    docs = np.union1d(pairs["doc_a"].astype(str), pairs["doc_b"].astype(str))
    members = corpus[corpus["doc_id"].astype(str).isin(docs)]
    if facts is None:
        facts = article_facts(members)
    text_of = _text_of(members)
    facts = facts.assign(text=facts["doc_id"].map(text_of).fillna(facts["doc_id"]))
    found = distinctive_facts(facts, n_docs=text_of.nunique())
    by_doc: dict[tuple[str, str], set[str]] = {
        key: set(group["key"]) for key, group in found.groupby(["doc_id", "kind"], sort=True)}
    apart = pair_days_apart(members, pairs)
    rows = []
    for a, b, days in zip(pairs["doc_a"].astype(str), pairs["doc_b"].astype(str), apart, strict=True):
        row: dict[str, object] = {"doc_a": a, "doc_b": b, "days_apart": days}
        for kind, column in zip(_KINDS, ("entities", "numbers", "sources", "unnamed"), strict=True):
            shared = sorted(by_doc.get((a, kind), set()) & by_doc.get((b, kind), set()))
            name = "unnamed_sources" if kind == "unnamed" else f"shared_{column}"
            row[name] = "; ".join(shared)
            if kind != "unnamed":
                row[f"n_shared_{column}"] = len(shared)
        rows.append(row)
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
