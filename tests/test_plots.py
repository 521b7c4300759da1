"""Figures (newsdesk.plots): untrusted text is drawn as plain text, never as mathtext."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.cbook import is_math_text  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import helpers  # noqa: E402

HOSTILE = ["deal_$5bn_$2bn", "US$1.5bn to S$2bn"]


def drawn_texts(fig) -> list[str]:
    """Render the figure (fails on a mathtext error) and return every text it shows."""
    fig.savefig(io.BytesIO(), format="png")
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    axis_numbers = [t for t in texts if t.get_text().startswith(r"$\mathdefault{")]  # log-axis ticks
    assert not any(is_math_text(t.get_text()) for t in texts
                   if t.get_parse_math() and t not in axis_numbers)
    shown = [t.get_text().replace(r"\$", "$") if t.get_parse_math() else t.get_text() for t in texts]
    plt.close(fig)
    return shown


def test_dollar_signs_in_article_labels_are_plain_text_in_length_bars():
    lengths = pd.DataFrame({"doc_id": HOSTILE, "raw_words": [10, 20], "clean_words": [5, 15]})
    shown = drawn_texts(helpers.plot_length_before_after(lengths))
    assert set(HOSTILE) <= set(shown)


def test_dollar_signs_are_plain_text_in_stance_bars_network_and_matrix():
    table = pd.DataFrame({"doc_id": HOSTILE, "n_favor": [1, 2], "n_against": [2, 0], "net": [-0.3, 1.0]})
    assert set(HOSTILE) <= set(drawn_texts(helpers.plot_stance_bars(table, labels=HOSTILE)))
    graph = nx.Graph()
    graph.add_edge(*HOSTILE, relation="same topic", weight=0.2)
    shown = drawn_texts(helpers.plot_article_network(graph, labels={h: h for h in HOSTILE}))
    assert set(HOSTILE) <= set(shown)
    matrix = pd.DataFrame([[1, 0], [2, 1]], index=HOSTILE, columns=HOSTILE)
    assert set(HOSTILE) <= set(drawn_texts(helpers.plot_speaker_matrix(matrix)))


def test_dollar_signs_are_plain_text_in_term_figures():
    heat = pd.DataFrame({"term": ["$5bn", "$5bn"], "doc_id": HOSTILE, "tfidf": [0.5, 0.2],
                         "label": HOSTILE})
    shown = drawn_texts(helpers.plot_term_heatmap(heat))
    assert "$5bn" in shown and any("US$1.5bn" in s for s in shown)
    trends = pd.DataFrame({"term": ["a$b", "a$b"], "period": ["2025-01-27", "2025-01-28"],
                           "share": [0.01, 0.02], "n_docs": [1, 1]})
    assert "a$b" in drawn_texts(helpers.plot_term_trends(trends))
    contrast = pd.DataFrame({"term": ["x$y", "p$q"], "total": [3, 4], "z": [2.5, -2.5],
                             "labelled": ["a", "b"]})
    shown = drawn_texts(helpers.plot_contrast(contrast, HOSTILE[0], HOSTILE[1]))
    assert "x$y" in shown and any(HOSTILE[0] in s for s in shown)


@pytest.mark.parametrize("cell", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx"])
def test_figure_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path, cell):
    fig = plt.figure()
    data = pd.DataFrame({"doc_id": [cell, "plain"], "value": [-1.5, 2.0]})
    helpers.save_figure(fig, data, "x", tmp_path)
    plt.close(fig)
    written = pd.read_csv(tmp_path / "x.csv", dtype=str, keep_default_na=False)
    assert written["doc_id"].tolist() == ["'" + cell, "plain"]
    assert written["value"].tolist() == ["-1.5", "2.0"]
