"""Stance per sentence, per article and per speaker, for a whole corpus.
"""

from __future__ import annotations

import re
from functools import partial

import pandas as pd

from newsdesk.parallel import map_article_chunks
from newsdesk.speakers import attribute_sentence, corpus_speech, name_expander
from newsdesk.stance.combine import PROBABILITY_COLUMNS, learned_stance_table
from newsdesk.stance.learned import StanceModel, shipped_stance_model
from newsdesk.stance.rules import clause_structure, inside_spans, match_spans, rule_stance_table
from newsdesk.stance.settings import (
    ARTICLE_STANCE_COLUMNS,
    AUTHOR_VOICE_TYPES,
    ONE_SIDED_MIN_QUOTED,
    SPEAKER_COLUMNS,
    STANCE_BATCH_ARTICLES,
    STANCE_PROCESSES,
    UNATTRIBUTED_RE,
)
from newsdesk.stance.targets import detect_targets, in_article_batches, stance_text
from newsdesk.text import collapse_spaces, normalize_text

__all__ = [
    "STANCE_SENTENCE_COLUMNS",
    "article_stance",
    "article_stance_dask",
    "speaker_stance",
    "stance_details",
    "stance_sentences",
    "stance_sentences_dask",
    "stance_speaker",
]


def _quote_spans_normalised(text: str) -> list[tuple[int, int]]:
    """Direct-quote spans in a :func:`stance_text` string (a quote may run to the end)."""
    spans = match_spans(re.compile(r'"[^"]*"'), text)
    if text.count('"') % 2 == 1:
        spans.append((text.rfind('"'), len(text)))
    return spans


def stance_speaker(sentence: str, cue_start: int, speaker: str, speaker_type: str,
                   attribution: str) -> tuple[str, str]:
    """Whose view the deciding clause carries (codebook §4, H5).

    Starts from ``corpus_speech(...).sentences`` (``speaker, speaker_type, attribution``) and
    re-attributes only the clause that holds the deciding cue: its own reported-speech
    subject wins ("Liang acknowledged …, yet analysts argue …" → analysts); a cue outside
    the quote marks of a quoting sentence is the author's; agentless reporting ("are being
    urged") is ``unattributed`` (type ``unknown``).
    """
    text = stance_text(sentence)
    if cue_start < 0:
        return speaker, speaker_type
    if inside_spans(cue_start, _quote_spans_normalised(text)):
        return speaker, speaker_type
    original = collapse_spaces(normalize_text(sentence))
    part_start = max([m.end() for m in re.finditer(r";", text[:cue_start])], default=0)
    part_end = text.find(";", cue_start)
    part_end = len(text) if part_end < 0 else part_end
    structure = clause_structure(text)
    asserted_from = structure["asserted"][0][0]
    if asserted_from > part_start and cue_start >= asserted_from:
        part_start = asserted_from
    part = original[part_start:part_end]
    found, found_type = attribute_sentence(part)
    if found_type not in ("author", "pronoun"):
        if speaker and (found in speaker.split() or found.lower() == speaker.lower()):
            return speaker, speaker_type  # the sentence-level name is the fuller one
        return found, found_type
    if UNATTRIBUTED_RE.search(part):
        return "unattributed", "unknown"
    if found_type == "pronoun" or (part_start == 0 and part_end == len(text) and attribution != "quote"):
        return speaker, speaker_type
    return "author", "author"


STANCE_SENTENCE_COLUMNS = ["doc_id", "sent_id", "sentence", "mentions_target", "speaker",
                           "speaker_type", "stance", "confidence"]


def stance_details(corpus: pd.DataFrame, *, batch_articles: int = STANCE_BATCH_ARTICLES,
                   processes: int = STANCE_PROCESSES) -> pd.DataFrame:
    """Every sentence with target detection, stance, speaker and the reason.

    Target detection is the rules' (codebook R1–R4) plus the sentences the learned model
    labels favor or against in an article about the measures (:func:`learned_stance_table`).

    Returns
    -------
    DataFrame ``doc_id, sent_id, sentence, mentions_target, target_rule, target_match,
    speaker, speaker_type, attribution, stance, confidence, reason, rule_stance, p_favor,
    p_against, p_none``, one row per sentence of :func:`corpus_sentences`, in text order.
    Articles are labelled
    ``batch_articles`` at a time so the memoised sentence steps are reused, and on a corpus of
    more than one batch the batches are shared out to ``processes`` worker processes, each
    sent the fitted shipped model; the result depends on neither.
    """
    if processes > 1 and len(corpus) > batch_articles:
        step = partial(_stance_details_one_batch, model=shipped_stance_model())
        return in_article_batches(step, corpus, batch_articles, processes)
    return in_article_batches(_stance_details_one_batch, corpus, batch_articles)


def _stance_details_one_batch(corpus: pd.DataFrame, model: StanceModel | None = None) -> pd.DataFrame:
    columns = ["doc_id", "sent_id", "sentence", "mentions_target", "target_rule", "target_match",
               "speaker", "speaker_type", "attribution", "stance", "confidence", "reason", "rule_stance",
               *PROBABILITY_COLUMNS]
    speakers = corpus_speech(corpus).sentences
    if speakers.empty:
        return pd.DataFrame(columns=columns)
    table = learned_stance_table(rule_stance_table(detect_targets(speakers)), model)
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    expanders: dict = {}
    names, types = [], []
    for row in table.itertuples(index=False):
        if row.mentions_target:
            name, kind = stance_speaker(row.sentence, row.cue_start, row.speaker, row.speaker_type,
                                        row.attribution)
            if kind in ("person", "institution"):
                if row.doc_id not in expanders:
                    expanders[row.doc_id] = name_expander(texts[row.doc_id])
                name = expanders[row.doc_id](name)
        else:
            name, kind = row.speaker, row.speaker_type
        names.append(name)
        types.append(kind)
    table["speaker"], table["speaker_type"] = names, types
    return table[columns].reset_index(drop=True)


def stance_sentences(corpus: pd.DataFrame, *, processes: int = STANCE_PROCESSES) -> pd.DataFrame:
    """Stance of every sentence towards US chip export controls (public API).

    The rules find the sentences that name the measures and the learned model labels the
    sentences of articles about them (:func:`learned_stance_table`); it abstains (``none``)
    when unsure. Sentences that do not refer to the measures are ``none``. ``processes``: as
    in :func:`stance_details`.

    Returns
    -------
    DataFrame ``doc_id, sent_id, sentence, mentions_target, speaker, speaker_type,
    stance, confidence``; ``stance`` in favor / against / none, ``confidence`` in [0, 1].
    """
    return stance_details(corpus, processes=processes)[STANCE_SENTENCE_COLUMNS]


def article_stance(corpus: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                   batch_articles: int = STANCE_BATCH_ARTICLES,
                   processes: int = STANCE_PROCESSES) -> pd.DataFrame:
    """Per-article counts and the article's stance, separating arguing from reporting (public API).

    ``net = (n_favor - n_against) / max(1, n_favor + n_against)`` counts every voice. The
    article's own ``stance`` weighs voices (codebook §7, "Article stance"): the author's own
    sentences decide when they take a side; otherwise quoted voices decide only when they
    are all on one side (at least ``ONE_SIDED_MIN_QUOTED`` sentences); an article that only
    reports, or quotes both sides, is ``none``. ``basis`` says which case applied. Pass
    ``sentences`` (from :func:`stance_sentences`) to avoid recomputing them; otherwise they
    are computed with ``processes`` worker processes (:func:`stance_details`).

    Returns
    -------
    DataFrame ``ARTICLE_STANCE_COLUMNS``, one row per article, in corpus order.
    """
    table = (stance_details(corpus, batch_articles=batch_articles, processes=processes)
             if sentences is None else sentences)
    missing = [c for c in ("doc_id", "mentions_target", "stance", "speaker_type") if c not in table.columns]
    if missing:
        raise ValueError(f"article_stance: sentences lack the columns {missing}")
    counts = _voice_counts(table, corpus["doc_id"])
    rows = []
    for doc_id, n_target, af, aa, qf, qa in counts.itertuples(index=False):
        voices = {"author_favor": af, "author_against": aa, "quoted_favor": qf, "quoted_against": qa}
        favor, against = af + qf, aa + qa
        stance, basis = _article_verdict(voices)
        rows.append({"doc_id": doc_id, "n_target": n_target, "n_favor": favor, "n_against": against,
                     "net": round((favor - against) / max(1, favor + against), 4), **voices,
                     "stance": stance, "basis": basis})
    return pd.DataFrame(rows, columns=ARTICLE_STANCE_COLUMNS)


def _voice_counts(table: pd.DataFrame, doc_ids: pd.Series) -> pd.DataFrame:
    """Per article of ``doc_ids`` (in that order, repeats kept): target sentences, then
    author and quoted favor / against counts (``AUTHOR_VOICE_TYPES`` are the author's voice).
    One pass over the sentences, grouped by article; articles without any count 0."""
    target = table[table["mentions_target"].astype(bool)]
    author = target["speaker_type"].isin(AUTHOR_VOICE_TYPES)
    keys = ["author_favor", "author_against", "quoted_favor", "quoted_against"]
    frame = pd.DataFrame({"doc_id": target["doc_id"], "n_target": 1}, index=target.index)
    for key in keys:
        who, side = key.split("_")
        frame[key] = ((author if who == "author" else ~author) & target["stance"].eq(side)).astype(int)
    summed = frame.groupby("doc_id", sort=False)[["n_target", *keys]].sum()
    counts = summed.reindex(pd.Index(doc_ids, name="doc_id"), fill_value=0).astype(int)
    return counts.reset_index()


def _article_verdict(counts: dict[str, int]) -> tuple[str, str]:
    """The article's stance and its basis from author and quoted favor / against counts."""
    af, aa, qf, qa = (counts["author_favor"], counts["author_against"], counts["quoted_favor"],
                      counts["quoted_against"])
    if af != aa:
        return ("favor" if af > aa else "against"), "the author's own voice"
    if af:
        return "none", "the author argues both ways"
    if qf + qa >= ONE_SIDED_MIN_QUOTED and (qf == 0 or qa == 0):
        return ("favor" if qf else "against"), "every quoted voice is on one side"
    if qf and qa:
        return "none", "quotes both sides, concludes nothing"
    return "none", "reports without arguing"


def speaker_stance(details: pd.DataFrame, weights: pd.Series | None = None) -> pd.DataFrame:
    """Who takes which side: one row per speaker of a target sentence.

    Input is :func:`stance_details` (or :func:`stance_sentences`). ``evidence`` is the
    speaker's most confident favor / against sentence (earliest on ties), else the first
    target sentence. Sorted by number of target sentences, then speaker.

    ``weights`` is the independent-voices switch: a weight per ``doc_id`` (for example
    ``independence_weights(corpus, pairs, "weight")``, 1 / the size of the article's story).
    Each sentence then counts its article's weight, so a story that reached the corpus twice
    counts once; the counts become weighted sums rounded to 3 places. Articles missing from
    ``weights`` count 1. Without ``weights`` every article counts in full.
    """
    target = details[details["mentions_target"].astype(bool)]
    weight = (target["doc_id"].astype(str).map(weights).fillna(1.0).astype(float) if weights is not None
              else pd.Series(1, index=target.index))
    rows = []
    for (speaker, kind), part in target.groupby(["speaker", "speaker_type"], sort=True):
        w = weight.loc[part.index]
        counts = [w[part["stance"] == "favor"].sum(), w[part["stance"] == "against"].sum(), w.sum()]
        favor, against, total = ([round(float(c), 3) for c in counts] if weights is not None
                                 else [int(c) for c in counts])
        none = round(total - favor - against, 3) if weights is not None else total - favor - against
        stanced = part[part["stance"] != "none"].sort_values(
            ["confidence", "doc_id", "sent_id"], ascending=[False, True, True], kind="stable")
        evidence = (stanced if len(stanced) else part).iloc[0]["sentence"]
        net = round((favor - against) / (favor + against), 4) if favor + against > 0 else 0.0
        rows.append({"speaker": speaker, "speaker_type": kind, "n_target": total,
                     "n_favor": favor, "n_against": against, "n_none": none, "net": net,
                     "doc_ids": ", ".join(sorted(part["doc_id"].astype(str).unique())),
                     "evidence": evidence})
    table = pd.DataFrame(rows, columns=SPEAKER_COLUMNS)
    return table.sort_values(["n_target", "speaker"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def stance_sentences_dask(corpus: pd.DataFrame, client, npartitions: int | None = None) -> pd.DataFrame:
    """:func:`stance_sentences` run on a Dask cluster, articles split over the workers.

    Every step of the stance model looks within one article only, so the result equals
    ``stance_sentences(corpus)`` row for row.
    """
    return map_article_chunks(partial(stance_sentences, processes=1), corpus, client, npartitions)


def article_stance_dask(corpus: pd.DataFrame, client, npartitions: int | None = None) -> pd.DataFrame:
    """:func:`article_stance` run on a Dask cluster; equals ``article_stance(corpus)``."""
    return map_article_chunks(partial(article_stance, processes=1), corpus, client, npartitions)
