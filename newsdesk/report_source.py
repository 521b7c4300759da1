"""What a report notebook reads: a corpus loaded in memory, or the folder of tables
:func:`run_pipeline_dask` wrote, which the notebooks render without ever holding an article's text.

Each notebook makes one call near its top, ``source = helpers.report_source(CORPUS)``, and then
asks for its tables through the ``source_*`` functions here, which return the same table either
way: computed from the loaded corpus, or read from the folder. What needs the texts (evidence
sentences, the full audit, the gold labels, shared passages) is ``None`` for a table folder, and
``source.lacks(what)`` says so on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from newsdesk.cluster.tables import (
    TABLE_FOLDER_COLUMNS,
    check_table_folder,
    is_table_folder,
    read_folder_table,
    table_folder_traces,
)
from newsdesk.corpus.audit import audit_by_reason, cleaning_audit, most_cleaned_article
from newsdesk.corpus.load import load_corpus
from newsdesk.corpus.summary import corpus_findings, loading_findings, origin_findings
from newsdesk.findings import Finding, number_words
from newsdesk.overlap.findings import overlap_findings, stories_sentence
from newsdesk.overlap.pairs import overlap_pairs
from newsdesk.overlap.passages import self_repetition
from newsdesk.overlap.settings import STORY_RELATIONS
from newsdesk.overlap.stories import story_counts, story_table
from newsdesk.speakers import cited_sources, corpus_speech
from newsdesk.stance.aggregate import article_stance, speaker_stance, stance_details
from newsdesk.stance.gold import gold_findings, matching_gold
from newsdesk.stance.relevance import off_topic_articles, off_topic_findings, on_topic
from newsdesk.terms.model import fit_term_model, top_terms
from newsdesk.terms.settings import TOP_TERMS_N
from newsdesk.terms.summary import policy_word_counts
from newsdesk.terms.trends import suggest_freq, term_trends, trend_term_table, trend_terms

__all__ = [
    "ReportSource",
    "report_source",
    "source_article_stance",
    "source_audit_counts",
    "source_dropped_lines",
    "source_gold_findings",
    "source_ledger",
    "source_loading_findings",
    "source_most_cleaned_article",
    "source_off_topic",
    "source_off_topic_findings",
    "source_on_topic",
    "source_overlap_findings",
    "source_pairs",
    "source_policy_word_counts",
    "source_self_repetition",
    "source_speaker_stance",
    "source_speech",
    "source_stance_details",
    "source_story_counts",
    "source_story_table",
    "source_term_model",
    "source_term_trends",
    "source_top_terms",
    "source_trend_candidates",
    "source_trend_freq",
    "source_trend_terms",
    "table_folder",
]


@dataclass(frozen=True, eq=False)
class ReportSource:
    """What a report notebook reads.

    ``corpus`` is the loaded corpus (:func:`load_corpus`), or, for a table folder, its articles'
    metadata (``ARTICLE_METADATA_COLUMNS``: no text, no raw text) with the load's problems;
    ``tables`` is the folder (``None`` for a loaded corpus) and ``manifest`` its manifest.
    """

    name: str
    corpus: pd.DataFrame
    tables: Path | None = None
    manifest: dict = field(default_factory=dict)

    @property
    def has_texts(self) -> bool:
        """Whether the article texts are at hand (a loaded corpus, not a table folder)."""
        return self.tables is None

    def lacks(self, what: str):
        """For a table folder, a Markdown note that this report has no ``what`` (it needs the
        texts); ``None`` (nothing shown) when the texts are at hand."""
        if self.has_texts:
            return None
        from IPython.display import Markdown

        return Markdown(f"**Not in this report:** {what}. It needs the article texts, and this report "
                        f"was made from the tables `run_pipeline_dask` wrote (`{self.name}`), which "
                        "hold no article text.")


def report_source(corpus: str | Path, *, strict: bool = False) -> ReportSource:
    """What the notebooks read for ``corpus``: a folder written by :func:`run_pipeline_dask` (it
    holds ``manifest.json``) is checked and its article metadata read; anything else goes to
    :func:`load_corpus` (``strict`` as there).

    Raises ``ValueError`` naming the file and the problem for a table folder with a missing,
    unreadable or incomplete table (:func:`check_table_folder`), and for a folder that holds a
    run's tables but no manifest (an unfinished run).
    """
    path = Path(corpus)
    if not (is_table_folder(path) or table_folder_traces(path)):
        return ReportSource(path.name, load_corpus(corpus, strict=strict))
    manifest = check_table_folder(path)
    articles = read_folder_table(path, "corpus", TABLE_FOLDER_COLUMNS["corpus"], manifest)
    articles = articles.sort_values("shard", kind="stable").drop(columns="shard").reset_index(drop=True)
    articles.attrs = {"problems": read_folder_table(path, "problems", manifest=manifest)}
    return ReportSource(path.name, articles, path, manifest)


def table_folder(corpus: str | Path) -> Path | None:
    """``corpus`` as a checked :func:`run_pipeline_dask` folder, or ``None`` when it is none (a
    corpus for :func:`load_corpus`). Raises ``ValueError`` as :func:`report_source` does."""
    path = Path(corpus)
    if is_table_folder(path) or table_folder_traces(path):
        check_table_folder(path)
        return path
    return None


def _table(source: ReportSource, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    return read_folder_table(source.tables, name, columns or TABLE_FOLDER_COLUMNS[name], source.manifest)


# Loading (notebooks 00 and 01)

def source_audit_counts(source: ReportSource) -> pd.DataFrame:
    """Dropped lines per article and reason: ``doc_id, reason, lines, first_line, last_line``,
    by ``doc_id`` and reason; from the audit's line numbers and reasons, never its text."""
    if source.has_texts:
        table = _line_counts(cleaning_audit(source.corpus))
    else:  # each part of the audit counted as it is read; an article's lines sit in one part
        parts = read_folder_table(source.tables, "audit", ["doc_id", "line_no", "reason"], source.manifest,
                                  per_part=_line_counts)
        table = parts.groupby(["doc_id", "reason"], sort=True).agg(
            lines=("lines", "sum"), first_line=("first_line", "min"), last_line=("last_line", "max"))
        table = table.reset_index()
    return table.astype({"lines": "int64", "first_line": "int64", "last_line": "int64"})


def _line_counts(audit: pd.DataFrame) -> pd.DataFrame:
    """Dropped lines of an audit per article and reason, with their first and last line numbers."""
    grouped = audit.groupby(["doc_id", "reason"], sort=True)["line_no"]
    return grouped.agg(lines="size", first_line="min", last_line="max").reset_index()


def source_dropped_lines(source: ReportSource) -> pd.DataFrame:
    """:func:`audit_by_reason`: dropped lines per article (rows, corpus order) and reason (columns)."""
    if source.has_texts:
        return audit_by_reason(source.corpus)
    counts = source_audit_counts(source)
    table = counts.pivot_table(index="doc_id", columns="reason", values="lines", aggfunc="sum", fill_value=0)
    return table.sort_index(axis=1).reindex(source.corpus["doc_id"], fill_value=0).astype("int64")


def source_most_cleaned_article(source: ReportSource) -> str:
    """:func:`most_cleaned_article`: the article with the most dropped lines (then by ``doc_id``)."""
    if source.has_texts:
        return most_cleaned_article(source.corpus)
    per_article = source_dropped_lines(source).sum(axis=1).rename("dropped").reset_index()
    per_article = per_article.sort_values(["dropped", "doc_id"], ascending=[False, True], kind="stable")
    return str(per_article["doc_id"].iloc[0])


def source_ledger(source: ReportSource) -> pd.DataFrame | None:
    """A table folder's ledger (``what, rows, columns, bytes``: each result that reached the
    client during the run); ``None`` for a corpus loaded in memory, which has none."""
    return None if source.has_texts else _table(source, "ledger")


def source_loading_findings(source: ReportSource) -> list[Finding]:
    """:func:`loading_findings`; for a table folder, who wrote the articles and their dates, after
    a finding that the cleaning's own findings need the raw texts."""
    if source.has_texts:
        return loading_findings(source.corpus)
    note = Finding("No finding on what the cleaner dropped: the lines kept and the words before and "
                   "after cleaning need the raw texts, which the tables of this report do not hold; "
                   "the dropped lines per article and reason are above.")
    return [note, *origin_findings(source.corpus), *corpus_findings(source.corpus)]


# Off-topic articles (notebooks 01, 02, 03)

def source_off_topic(source: ReportSource) -> pd.DataFrame | None:
    """:func:`off_topic_articles`, or ``None`` for a table folder (the flag reads the sentences)."""
    return off_topic_articles(source.corpus) if source.has_texts else None


def source_on_topic(table: pd.DataFrame, flags: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`on_topic` of ``table``; the whole table when the flags are not known (``None``)."""
    return table if flags is None else on_topic(table, flags)


def source_off_topic_findings(source: ReportSource, flags: pd.DataFrame | None, n_articles: int, *,
                              left_out_of: str = "") -> list[Finding]:
    """:func:`off_topic_findings`; without the flags, a finding that none was computed, so every
    article counts."""
    if flags is not None:
        return off_topic_findings(flags, n_articles, left_out_of=left_out_of)
    counted = f"; every article counts in {left_out_of}" if left_out_of else ""
    return [Finding("No article is flagged off topic in this report: the flag reads each article's "
                    f"sentences, which the tables do not hold{counted}.")]


# Terms (notebooks 00 and 02)

def source_term_model(source: ReportSource):
    """:func:`fit_term_model` of the corpus, or ``None`` for a table folder."""
    return fit_term_model(source.corpus) if source.has_texts else None


def source_top_terms(source: ReportSource, n: int = TOP_TERMS_N, model=None) -> pd.DataFrame:
    """:func:`top_terms` (``doc_id, rank, term, tfidf, doc_freq``); from a table folder, its
    ``top_terms`` up to rank ``n``, articles in corpus order."""
    if source.has_texts:
        return top_terms(source.corpus, n=n, model=model)
    top = read_folder_table(source.tables, "top_terms", TABLE_FOLDER_COLUMNS["top_terms"], source.manifest,
                            filters=[("rank", "<=", n)])
    order = {doc: i for i, doc in enumerate(source.corpus["doc_id"].astype(str))}
    top = top.assign(_order=top["doc_id"].astype(str).map(order))
    return top.sort_values(["_order", "rank"], kind="stable").drop(columns="_order").reset_index(drop=True)


def source_policy_word_counts(source: ReportSource) -> pd.DataFrame | None:
    """:func:`policy_word_counts`, or ``None`` for a table folder (it counts words in the texts)."""
    return policy_word_counts(source.corpus) if source.has_texts else None


def source_trend_candidates(source: ReportSource, topical: pd.DataFrame, model) -> pd.DataFrame | None:
    """:func:`trend_term_table`, or ``None`` for a table folder."""
    return trend_term_table(topical, model) if source.has_texts else None


def source_trend_terms(source: ReportSource, topical: pd.DataFrame, model) -> list[str]:
    """:func:`trend_terms`; from a table folder, the terms its ``term_trends`` follows, in order."""
    if source.has_texts:
        return trend_terms(topical, model)
    return _table(source, "term_trends")["term"].astype(str).drop_duplicates().tolist()


def source_trend_freq(source: ReportSource, topical: pd.DataFrame) -> str:
    """:func:`suggest_freq`; for a table folder, the period its run used (the manifest's ``freq``)."""
    return suggest_freq(topical) if source.has_texts else str(source.manifest["settings"]["freq"])


def source_term_trends(source: ReportSource, topical: pd.DataFrame, terms: list[str], freq: str,
                       model) -> pd.DataFrame:
    """:func:`term_trends`, or a table folder's ``term_trends`` as written."""
    if source.has_texts:
        return term_trends(topical, terms, freq=freq, model=model)
    return read_folder_table(source.tables, "term_trends", manifest=source.manifest)


# Stance (notebooks 00 and 03)

def source_stance_details(source: ReportSource) -> pd.DataFrame | None:
    """:func:`stance_details` (one row per sentence), or ``None`` for a table folder."""
    return stance_details(source.corpus) if source.has_texts else None


def source_article_stance(source: ReportSource, details: pd.DataFrame | None,
                          flags: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`article_stance` of the articles on topic; a table folder's ``article_stance`` (every
    article, by ``doc_id``)."""
    if source.has_texts:
        return article_stance(source_on_topic(source.corpus, flags), details)
    return _table(source, "article_stance").sort_values("doc_id", kind="stable").reset_index(drop=True)


def source_speaker_stance(source: ReportSource, details: pd.DataFrame | None,
                          flags: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`speaker_stance` of the sentences on topic; a table folder's ``speaker_stance``
    without its ``evidence`` sentences (article text)."""
    if source.has_texts:
        return speaker_stance(source_on_topic(details, flags))
    return _table(source, "speaker_stance")


def source_gold_findings(source: ReportSource, gold_file: pd.DataFrame | None) -> list[Finding]:
    """:func:`gold_findings` of the gold rows that match the corpus; for a table folder, a finding
    that matching them needs the texts."""
    if source.has_texts:
        n_in_file = 0 if gold_file is None else len(gold_file)
        return gold_findings(matching_gold(gold_file, source.corpus), n_in_file)
    return [Finding("No gold labels are matched in this report: a gold row applies only where its "
                    "sentence is found in the article's text, which the tables do not hold; "
                    "sentence-level scores on this corpus cannot be computed.")]


# Overlap (notebooks 00 and 04)

def source_speech(source: ReportSource) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """``(quotes, cited sources)`` (:func:`corpus_speech`, :func:`cited_sources`), or
    ``(None, None)`` for a table folder."""
    if not source.has_texts:
        return None, None
    return corpus_speech(source.corpus).quotes, cited_sources(source.corpus)


def source_pairs(source: ReportSource, quotes: pd.DataFrame | None = None,
                 sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`overlap_pairs`, or a table folder's ``overlap_pairs`` (the candidate pairs its run
    verified), by pair."""
    if source.has_texts:
        return overlap_pairs(source.corpus, quotes, sources)
    pairs = _table(source, "overlap_pairs")
    return pairs.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)


def source_self_repetition(source: ReportSource) -> pd.DataFrame | None:
    """:func:`self_repetition` (it reads the raw texts), or ``None`` for a table folder."""
    return self_repetition(source.corpus) if source.has_texts else None


def _stories(source: ReportSource) -> pd.DataFrame:
    """Each article's story from a table folder's ``stories`` (articles in no copy or retelling
    are stories of their own): ``doc_id, story``, corpus order."""
    joined = _table(source, "stories").set_index("doc_id")["story"]
    ids = source.corpus["doc_id"].astype(str)
    return pd.DataFrame({"doc_id": ids, "story": [joined.get(d, d) for d in ids]})


def source_story_counts(source: ReportSource, pairs: pd.DataFrame) -> pd.DataFrame:
    """:func:`story_counts` (``n_articles, n_stories, n_retold_stories, n_articles_in_retold``)."""
    if source.has_texts:
        return story_counts(source.corpus, pairs)
    stories = _stories(source)
    sizes = stories["story"].map(stories["story"].value_counts())
    retold = stories[sizes > 1]
    return pd.DataFrame([{"n_articles": len(stories), "n_stories": stories["story"].nunique(),
                          "n_retold_stories": retold["story"].nunique(),
                          "n_articles_in_retold": len(retold)}])


def source_story_table(source: ReportSource, pairs: pd.DataFrame) -> pd.DataFrame:
    """:func:`story_table`; from a table folder, each story of two or more articles with its
    members (by ``doc_id``), dates and outlets from the metadata. The candidate original is
    left out: choosing it reads credit lines in the texts."""
    if source.has_texts:
        return story_table(source.corpus, pairs)
    meta = source.corpus.assign(doc_id=source.corpus["doc_id"].astype(str)).set_index("doc_id")
    rows = []
    for story, group in _stories(source).groupby("story", sort=True):
        members = sorted(group["doc_id"])
        if len(members) < 2:
            continue
        dates = meta.loc[members, "published"].dropna()
        outlets = sorted({str(o) for o in meta.loc[members, "outlet"].fillna("") if str(o)})
        rows.append({"story": story, "n_articles": len(members), "members": "; ".join(members),
                     "earliest": dates.min() if len(dates) else pd.NaT,
                     "latest": dates.max() if len(dates) else pd.NaT, "outlets": "; ".join(outlets)})
    table = pd.DataFrame(rows, columns=["story", "n_articles", "members", "earliest", "latest", "outlets"])
    table = table.sort_values(["n_articles", "story"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def source_overlap_findings(source: ReportSource, pairs: pd.DataFrame,
                            quote_matches: pd.DataFrame | None = None,
                            repetition: pd.DataFrame | None = None) -> list[Finding]:
    """:func:`overlap_findings`; for a table folder, the pairs by relation and the stories, then a
    finding that the evidence of each pair (shared facts, passages, quotes, who came first) needs
    the texts."""
    if source.has_texts:
        return overlap_findings(source.corpus, pairs, quote_matches, repetition)
    counts = pairs["relation"].value_counts()
    by_relation = "; ".join(f"{int(counts[r])} {r}" for r in sorted(counts.index))
    found = [Finding(f"{number_words(len(pairs), 'candidate pair was', 'candidate pairs were')} measured"
                     + (f": {by_relation}." if len(pairs) else "."),
                     counts.rename("pairs").rename_axis("relation").reset_index())]
    stories = source_story_counts(source, pairs)
    found.append(Finding(stories_sentence(stories.iloc[0]), stories))
    story = pairs.loc[pairs["relation"].isin(STORY_RELATIONS), ["doc_a", "doc_b", "relation"]]
    pairs_named = number_words(len(story), "copy or retelling pair")
    found.append(Finding(f"No finding on the evidence of the {pairs_named}: the facts and passages "
                         "they share and who published first are read from the texts, which the "
                         "tables of this report do not hold.", story.reset_index(drop=True)))
    return found

