"""Bad arguments to the term functions raise a ValueError that names the argument."""

import pandas as pd
import pytest

import helpers


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return helpers.load_corpus("seeds")


@pytest.mark.parametrize("term", [None, 3, ["export"]])
def test_kwic_names_a_term_that_is_not_text(corpus, term):
    with pytest.raises(ValueError, match=r"^term must be"):
        helpers.kwic(corpus, term)


@pytest.mark.parametrize("n", [-1, 0, 2.5, "3"])
def test_top_terms_names_a_bad_n(corpus, n):
    with pytest.raises(ValueError, match=r"^n must be"):
        helpers.top_terms(corpus, n=n)


@pytest.mark.parametrize("freq", ["X", "", "weekly"])
def test_term_trends_names_a_bad_freq(corpus, freq):
    with pytest.raises(ValueError, match=r"^freq .* is not a period"):
        helpers.term_trends(corpus, ["export"], freq=freq)


def test_good_arguments_still_work(corpus):
    assert len(helpers.top_terms(corpus, n=1)) == len(corpus)
    assert set(helpers.term_trends(corpus, ["export"], freq="ME")["term"]) == {"export"}
    assert not helpers.kwic(corpus, "export controls").empty
