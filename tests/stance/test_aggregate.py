"""Article stance counts: the grouped count equals a plain per-article scan."""

import numpy as np
import pandas as pd
import pytest

import helpers


def scan_counts(corpus: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The per-article counts the slow way: one scan of the sentences per article."""
    target = table[table["mentions_target"].astype(bool)]
    author = target["speaker_type"].isin(helpers.AUTHOR_VOICE_TYPES)
    rows = []
    for doc_id in corpus["doc_id"]:
        mine = target["doc_id"].eq(doc_id)
        row = {"doc_id": doc_id, "n_target": int(mine.sum())}
        for who, voice in (("author", author), ("quoted", ~author)):
            for side in ("favor", "against"):
                row[f"{who}_{side}"] = int((mine & voice & target["stance"].eq(side)).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def random_sentences(seed: int, docs: list[str], n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "doc_id": rng.choice(docs, n), "sent_id": np.arange(n), "sentence": "s",
        "mentions_target": rng.random(n) < 0.6,
        "speaker_type": rng.choice(["author", "unknown", "person", "institution", "pronoun"], n),
        "stance": rng.choice(["favor", "against", "none"], n)})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grouped_counts_equal_a_per_article_scan(seed):
    # "e" has no sentence at all and "d" none that refers: both must count zero
    corpus = pd.DataFrame({"doc_id": ["c", "a", "e", "b", "d"]})
    table = random_sentences(seed, ["a", "b", "c"], 60)
    table = pd.concat([table, table.head(3).assign(doc_id="d", mentions_target=False)], ignore_index=True)
    result = helpers.article_stance(corpus, table)
    expected = scan_counts(corpus, table)
    assert result["doc_id"].tolist() == ["c", "a", "e", "b", "d"]
    columns = ["n_target", "author_favor", "author_against", "quoted_favor", "quoted_against"]
    assert result[columns].to_numpy().tolist() == expected[columns].to_numpy().tolist()
    assert result.loc[result["doc_id"].isin(["d", "e"]), "n_target"].tolist() == [0, 0]
    favor = expected["author_favor"] + expected["quoted_favor"]
    assert result["n_favor"].tolist() == favor.tolist()


def test_article_stance_with_no_target_sentence_at_all():
    table = random_sentences(0, ["a"], 4).assign(mentions_target=False)
    result = helpers.article_stance(pd.DataFrame({"doc_id": ["a", "b"]}), table)
    assert result["n_target"].tolist() == [0, 0]
    assert result["stance"].tolist() == ["none", "none"]
    assert result["basis"].tolist() == ["reports without arguing"] * 2


def test_article_stance_names_missing_columns():
    with pytest.raises(ValueError, match="lack the columns"):
        helpers.article_stance(pd.DataFrame({"doc_id": ["a"]}), pd.DataFrame({"doc_id": ["a"]}))
