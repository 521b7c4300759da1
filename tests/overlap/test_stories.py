"""Stories from related pairs, who published first, and independence weights."""

from __future__ import annotations

import pandas as pd
import pytest

from newsdesk.overlap.settings import RELATIONS
from newsdesk.overlap.stories import (
    article_stories,
    copy_direction,
    independence_weights,
    story_counts,
    story_table,
)


def corpus() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["a", "b", "c", "d", "e"],
        "outlet": ["Aggregator Daily", "Capitol Trade Report", "Third Post", "Fourth Wire", "unknown"],
        "published": pd.to_datetime(["2025-02-02", "2025-01-30", "2025-01-31", "2025-01-30", None]),
        "text": ["(Capitol Trade Report) — Copy.", "Original.", "A retelling.", "Other event.",
                 "Undated piece."],
    })


def pairs() -> pd.DataFrame:
    return pd.DataFrame({"doc_a": ["a", "a", "b", "c"], "doc_b": ["b", "d", "c", "d"],
                         "relation": [RELATIONS[0], RELATIONS[3], RELATIONS[1], RELATIONS[4]]})


def test_stories_are_components_of_copy_and_same_story_edges():
    stories = article_stories(corpus(), pairs())
    expected = {"a": "b", "b": "b", "c": "b", "d": "d", "e": "e"}
    assert stories.set_index("doc_id")["story"].to_dict() == expected
    counts = story_counts(corpus(), pairs()).iloc[0]
    assert (counts["n_articles"], counts["n_stories"], counts["n_retold_stories"]) == (5, 3, 1)


def test_story_table_names_the_earliest_dated_article_original():
    table = story_table(corpus(), pairs())
    top = table.iloc[0]
    assert (top["story"], top["n_articles"], top["members"]) == ("b", 3, "b; c; a")
    assert top["earliest"] == pd.Timestamp("2025-01-30") and top["basis"] == "date"
    assert top["outlets"] == "Aggregator Daily; Capitol Trade Report; Third Post"
    assert len(story_table(corpus(), pairs(), min_articles=2)) == 1


def test_same_day_ties_break_on_the_credit_line_not_the_doc_id():
    same_day = corpus().assign(published=pd.to_datetime(["2025-01-30"] * 4 + [None]))
    direction = copy_direction(same_day, pairs()).set_index(["doc_a", "doc_b"])
    assert direction.loc[("a", "b"), "earlier"] == "b"  # a credits b's outlet although "a" < "b"
    assert direction.loc[("a", "b"), "basis"] == "credit line"
    assert bool(direction.loc[("a", "b"), "later_credits_earlier"])
    assert direction.loc[("b", "c"), "basis"] == "doc_id"


def test_dated_article_comes_before_an_undated_one():
    rel = pd.DataFrame({"doc_a": ["b"], "doc_b": ["e"], "relation": [RELATIONS[1]]})
    direction = copy_direction(corpus(), rel).iloc[0]
    assert (direction["earlier"], direction["basis"]) == ("b", "only one dated")


def test_independence_weights_sum_to_the_number_of_stories():
    weights = independence_weights(corpus(), pairs())
    assert weights.to_dict() == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 1.0, "e": 1.0})
    assert independence_weights(corpus(), pairs(), "story").sum() == 3
    assert independence_weights(corpus(), pairs(), "article").sum() == 5
    with pytest.raises(ValueError):
        independence_weights(corpus(), pairs(), "outlet")


def test_no_pairs_means_every_article_is_its_own_story():
    empty = pd.DataFrame(columns=["doc_a", "doc_b", "relation"])
    assert story_counts(corpus(), empty).iloc[0]["n_stories"] == 5
    assert copy_direction(corpus(), empty).empty


def test_story_timeline_rows_follow_the_story_table():
    from newsdesk.overlap.views import story_timeline

    timeline = story_timeline(corpus(), pairs(), max_stories=2)
    assert timeline["row"].tolist() == [0, 0, 0, 1]
    assert timeline["doc_id"].tolist() == ["b", "c", "a", "d"]
    assert timeline["is_original"].tolist() == [True, False, False, True]
    assert timeline.loc[timeline["doc_id"] == "b", "published"].item() == "2025-01-30"


def test_story_timeline_figure_has_a_row_per_story_and_an_undated_column():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from newsdesk.overlap.views import story_timeline
    from newsdesk.plots.overlap import plot_story_timeline

    fig = plot_story_timeline(story_timeline(corpus(), pairs()))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b (3)", "d (1)", "e (1)"]
    assert ax.get_xticklabels()[-1].get_text() == "undated"
    plt.close(fig)
    empty = plot_story_timeline(story_timeline(corpus().head(0), pairs().head(0)))
    assert empty.axes[0].texts[0].get_text() == "no articles"
    plt.close(empty)
