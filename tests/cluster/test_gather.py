"""What comes back to the client: the ledger, and the refusal of article text."""

import dask.dataframe as dd
import pandas as pd
import pytest

import helpers


def test_gather_small_records_what_came_back(client):
    frame = dd.from_pandas(pd.DataFrame({"doc_id": ["a", "b", "c"], "n": [1, 2, 3]}), npartitions=2)
    ledger = []
    got = helpers.gather_small(frame, "counts", ledger, where=lambda f: f[f["n"] > 1])
    assert sorted(got["doc_id"]) == ["b", "c"]
    assert ledger[0]["what"] == "counts" and ledger[0]["rows"] == 2
    assert ledger[0]["columns"] == "doc_id, n"
    assert list(helpers.ledger_table(ledger).columns) == helpers.LEDGER_COLUMNS


def test_gather_small_refuses_article_text(client):
    frame = dd.from_pandas(pd.DataFrame({"doc_id": ["a"], "text": ["Body."]}), npartitions=1)
    ledger = []
    with pytest.raises(ValueError, match="'text' would bring article text"):
        helpers.gather_small(frame, "corpus", ledger)
    assert ledger == []

