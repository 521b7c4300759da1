"""The overlap findings as computed sentences, so notebook 04 states only what its outputs show
for whatever corpus it ran on.
"""

from __future__ import annotations

import pandas as pd

from newsdesk.findings import Finding, number_words
from newsdesk.overlap.pairs import candidate_evidence, rank_pairs
from newsdesk.overlap.settings import PASSAGE_MIN_WORDS, QUOTE_MIN_CHARS, RELATIONS, STORY_RELATIONS
from newsdesk.overlap.stories import copy_direction, story_counts, story_table

__all__ = [
    "overlap_findings",
    "stories_sentence",
]

_MAX_LISTED = 5  # pairs and stories named one by one; the rest are counted
_PAIR_COLUMNS = ["doc_a", "doc_b", "relation", "cosine", "jaccard", "containment_ab", "containment_ba",
                 "shared_words"]  # what a verbatim finding cites of each pair


def _verbatim(pairs: pd.DataFrame) -> Finding:
    top = float(pairs[["containment_ab", "containment_ba"]].max().max()) if len(pairs) else 0.0
    sharing = pairs[pairs["shared_words"] > 0]
    copies = pairs[pairs["relation"] == RELATIONS[0]]
    if sharing.empty:
        return Finding(f"No two articles share a run of {PASSAGE_MIN_WORDS} or more words, and no pair's "
                       f"5-gram containment passes {top:.3f} in either direction: no article is a verbatim "
                       f"copy of another.", _ranked(pairs))
    sharers = number_words(len(sharing), "pair shares", "pairs share")
    copied = number_words(len(copies), "pair is a duplicate or syndicated copy",
                          "pairs are duplicate or syndicated copies")
    return Finding(f"{sharers} runs of {PASSAGE_MIN_WORDS} or more words; "
                   f"{copied} "
                   f"(5-gram containment up to {top:.3f}).", _ranked(sharing))


def _ranked(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs a finding cites, strongest first, measures rounded to 3 places."""
    return rank_pairs(pairs)[_PAIR_COLUMNS].round(3).reset_index(drop=True)


def stories_sentence(counts: pd.Series) -> str:
    """"The N articles hold M independent stories: …" from one row of :func:`story_counts`."""
    return (f"The {number_words(int(counts['n_articles']), 'article')} hold "
            f"{number_words(int(counts['n_stories']), 'independent story', 'independent stories')}: "
            + (f"{number_words(int(counts['n_retold_stories']), 'story', 'stories')} reached the corpus "
               f"more than once, in {number_words(int(counts['n_articles_in_retold']), 'article')}."
               if counts["n_retold_stories"] else "each reached the corpus once."))


def _stories(corpus: pd.DataFrame, pairs: pd.DataFrame) -> Finding:
    counts = story_counts(corpus, pairs).iloc[0]
    text = stories_sentence(counts)
    stories = story_table(corpus, pairs)
    retold = stories[stories["n_articles"] > 1].head(_MAX_LISTED)
    if len(retold):
        text += " Largest: " + "; ".join(f"{r.members.replace('; ', ', ')} ({r.n_articles} articles)"
                                         for r in retold.itertuples(index=False)) + "."
    evidence = stories[["story", "n_articles", "members", "original", "basis"]].reset_index(drop=True)
    return Finding(text, evidence)


def _pair_sentence(row, evidence: dict, direction: dict) -> Finding:
    facts = evidence.get((row.doc_a, row.doc_b), {})
    shared = [f"shared {label}: {facts[column].replace('; ', ', ')}" for label, column in
              (("entities", "shared_entities"), ("numbers", "shared_numbers"), ("outlets", "shared_sources"))
              if facts.get(column)]
    order = direction.get((row.doc_a, row.doc_b))
    first = f"; {order['earlier']} is the candidate original ({order['basis']})" if order else ""
    credit = " and the later one credits it" if order and order["later_credits_earlier"] else ""
    text = (f"{row.doc_a} and {row.doc_b}: {row.relation} (cosine {row.cosine:.3f}, 5-gram Jaccard "
            f"{row.jaccard:.3f}, {number_words(row.n_shared_speakers, 'shared named speaker')}, "
            f"{number_words(row.n_shared_quotes, 'shared quote')}"
            f"{'; ' + '; '.join(shared) if shared else ''})"
            f"{first}{credit}.")
    table = {"doc_a": row.doc_a, "doc_b": row.doc_b, "relation": row.relation, "cosine": round(row.cosine, 3),
             "jaccard": round(row.jaccard, 3), "n_shared_speakers": row.n_shared_speakers,
             "n_shared_quotes": row.n_shared_quotes,
             **{column: facts.get(column, "") for column in ("shared_entities", "shared_numbers",
                                                            "shared_sources")},
             "earlier": order["earlier"] if order else "", "basis": order["basis"] if order else ""}
    return Finding(text, pd.DataFrame([table]))


def _same_topic(pairs: pd.DataFrame) -> Finding | None:
    topic = pairs[pairs["relation"] == RELATIONS[3]]
    if topic.empty:
        return None
    facts = topic[["n_shared_entities", "n_shared_numbers", "n_shared_sources",
                   "n_shared_quotes"]].sum(axis=1)
    text = (f"{number_words(len(topic), 'pair is', 'pairs are')} the same topic only: cosine "
            f"{topic['cosine'].min():.3f}–{topic['cosine'].max():.3f}, with at most "
            f"{number_words(int(facts.max()), 'distinctive shared fact')} each.")
    table = topic[["doc_a", "doc_b", "cosine"]].round(3).assign(shared_facts=facts.astype(int).to_numpy())
    return Finding(text, table.sort_values(["cosine", "doc_a", "doc_b"], ascending=[False, True, True],
                                           kind="stable").reset_index(drop=True))


def _quotes(matches: pd.DataFrame | None) -> Finding | None:
    if matches is None:
        return None
    if matches.empty:
        return Finding(f"No direct quote of {QUOTE_MIN_CHARS} or more characters appears in two articles.",
                       matches)
    linked = matches[["doc_a", "doc_b"]].drop_duplicates().shape[0]
    return Finding(f"{number_words(len(matches), 'matched quote')} of {QUOTE_MIN_CHARS}+ characters link "
                   f"{number_words(linked, 'article pair')}.", matches.reset_index(drop=True))


def _repetition(repetition: pd.DataFrame | None) -> Finding | None:
    if repetition is None:
        return None
    doubled = repetition[repetition["contains_itself_twice"]]
    if doubled.empty:
        return Finding("No raw file contains itself twice.", repetition)
    return Finding(" ".join(f"Raw {r.doc_id} contains itself twice: {r.repeated_share:.0%} of its raw words "
                            f"repeat an earlier run, the longest {r.longest_repeat} words."
                            for r in doubled.itertuples(index=False)), doubled.reset_index(drop=True))


def overlap_findings(corpus: pd.DataFrame, pairs: pd.DataFrame, quote_matches: pd.DataFrame | None = None,
                     repetition: pd.DataFrame | None = None) -> list[Finding]:
    """The findings of notebook 04, each computed from the tables passed in and citing the rows
    it rests on as its evidence.

    ``pairs`` from :func:`overlap_pairs`; ``quote_matches`` from :func:`match_quotes` and
    ``repetition`` from :func:`self_repetition` (each finding is skipped when its table is not
    given). Lists verbatim sharing, stories, the first ``_MAX_LISTED`` copy and retelling pairs
    with their evidence and direction, the same-topic pairs, shared quotes and self-repetition.
    """
    if pairs.empty:
        return [Finding(f"No finding on overlap: with {number_words(len(corpus), 'article')} there is "
                        f"no pair to compare.")]
    related = rank_pairs(pairs[pairs["relation"].isin(STORY_RELATIONS)]).head(_MAX_LISTED)
    evidence = {(r["doc_a"], r["doc_b"]): r for r in candidate_evidence(corpus, pairs).to_dict("records")}
    direction = {(r["doc_a"], r["doc_b"]): r for r in copy_direction(corpus, related).to_dict("records")}
    found = [_verbatim(pairs), _stories(corpus, pairs)]
    found += [_pair_sentence(row, evidence, direction) for row in related.itertuples(index=False)]
    found += [f for f in (_same_topic(pairs), _quotes(quote_matches), _repetition(repetition)) if f]
    return found
