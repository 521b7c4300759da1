"""Figures (newsdesk.plots): untrusted text is drawn as plain text, never as mathtext."""

import io

import matplotlib
import numpy as np

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
    days = pd.to_datetime(["2025-01-27", "2025-01-28"])
    trends = pd.DataFrame({"term": ["a$b", "a$b"], "period": ["2025-01-27", "2025-01-28"],
                           "start": days, "end": days, "share": [0.01, 0.02], "n_docs": [1, 1]})
    assert any(s.startswith("a$b") for s in drawn_texts(helpers.plot_term_trends(trends)))
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


# --- readable at the report's width -------------------------------------------------------

OUTLETS = ["The Shoursestxyst Wire", "The Ziondchound Daily", "Reuters", "The Tai Wire"]
DOCS = [f"s{i:06d}" for i in range(20)]
LABELS = {d: f"{OUTLETS[i % 4]} · 2025-0{1 + i % 3}-{10 + i:02d}" for i, d in enumerate(DOCS)}


def twenty_article_figures():
    """Every figure a report draws for a corpus of 20 articles, built from small tables."""
    rng = np.random.default_rng(0)
    terms = [f"term{i}" for i in range(40)]
    heat = pd.DataFrame([{"term": t, "doc_id": d, "label": LABELS[d], "tfidf": float(rng.random())}
                         for t in terms for d in DOCS])
    start = pd.date_range("2025-01-06", periods=12, freq="7D")
    trends = pd.DataFrame([{"period": str(s.date()), "start": s, "end": s + pd.Timedelta(days=6),
                            "term": t, "share": float(rng.random()) / 100, "n_docs": 1 + i % 3}
                           for i, s in enumerate(start) for t in terms[:6]])
    trends = pd.concat([trends, pd.DataFrame({"period": "undated", "start": pd.NaT, "end": pd.NaT,
                                              "term": terms[:6], "share": np.nan, "n_docs": 2})])
    pairs = [(a, b) for i, a in enumerate(DOCS) for b in DOCS[i + 1:]]
    long = pd.DataFrame([{"doc_row": a, "doc_col": b, "measure": m, "value": 0.5}
                         for a in DOCS for b in DOCS for m in ("cosine", "containment")])
    graph = nx.Graph()
    graph.add_nodes_from(DOCS)
    for a, b in pairs[::7]:
        graph.add_edge(a, b, relation="same topic", weight=0.1)
    stance = pd.DataFrame({"doc_id": DOCS, "n_favor": range(20), "n_against": range(20),
                           "net": np.linspace(-1, 1, 20)})
    matrix = pd.DataFrame(rng.integers(0, 3, (15, 20)), index=[f"Speaker {i}" for i in range(15)],
                          columns=DOCS)
    contrast = pd.DataFrame({"term": terms[:10], "total": range(1, 11), "z": np.linspace(-3, 3, 10),
                             "labelled": ["b"] * 5 + ["a"] * 5})
    timeline = pd.DataFrame({"row": range(20), "story": DOCS, "n_articles": 1, "doc_id": DOCS,
                             "published": [f"2025-01-{10 + i:02d}" for i in range(20)],
                             "is_original": True})
    lengths = pd.DataFrame({"doc_id": DOCS, "raw_words": 500, "clean_words": 400})
    return {
        "term heatmap": helpers.plot_term_heatmap(heat),
        "term trends": helpers.plot_term_trends(trends),
        "contrast": helpers.plot_contrast(contrast, "before 2025-03-10", "2025-03-10 or later",
                                          "earlier vs later articles (no credited/uncredited split): "
                                          "before 2025-03-10 vs 2025-03-10 or later, Fightin' Words"),
        "similarity": helpers.plot_similarity_heatmaps(long, LABELS),
        "network": helpers.plot_article_network(graph, LABELS),
        "stance": helpers.plot_stance_bars(stance, LABELS),
        "speakers": helpers.plot_speaker_matrix(matrix, LABELS),
        "timeline": helpers.plot_story_timeline(timeline),
        "lengths": helpers.plot_length_before_after(lengths, [LABELS[d] for d in DOCS]),
        "cluster memory": helpers.plot_cluster_memory(pd.DataFrame({
            "articles": [2000, 5000, 20000, 50000], "input_mb": [7.0, 17.0, 70.0, 175.0],
            "client_peak_mb": [244.0, 249.0, 252.0, 260.0], "worker_peak_mb": [660.0, 704.0, 800.0, 900.0]})),
    }


def test_figures_for_twenty_articles_keep_text_readable_at_the_report_width(tmp_path):
    for name, fig in twenty_article_figures().items():
        png = helpers.save_figure(fig, pd.DataFrame(), name.replace(" ", "-"), tmp_path)
        width_px = plt.imread(png).shape[1]
        # the report shrinks a PNG wider than its column; text must stay MIN_FONT_PT there
        assert width_px <= (helpers.MAX_FIGURE_WIDTH_IN + 0.25) * helpers.FIGURE_DPI, name
        shown = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
        small = sorted({(t.get_text(), t.get_fontsize()) for t in shown
                        if t.get_fontsize() < helpers.MIN_FONT_PT})
        assert small == [], name
        plt.close(fig)
    scale = min(1.0, helpers.REPORT_COLUMN_PX / (helpers.MAX_FIGURE_WIDTH_IN * helpers.FIGURE_DPI))
    assert helpers.MIN_FONT_PT * helpers.FIGURE_DPI / 72 * scale >= 11  # px on the page


@pytest.mark.parametrize("n_nodes", [8, 40])
def test_network_names_articles_by_label_beside_the_nodes_with_room_between(n_nodes):
    docs = [f"s{i:06d}" for i in range(n_nodes)]
    labels = {d: f"{OUTLETS[i % 4]} · 2025-01-{1 + i % 28:02d}" for i, d in enumerate(docs)}
    graph = nx.Graph()
    graph.add_nodes_from(docs)
    fig = helpers.plot_article_network(graph, labels)
    fig.canvas.draw()
    ax = fig.axes[0]
    names = [t for t in ax.texts if t.get_text().replace("\n", " ") in set(labels.values())]
    assert len(names) == n_nodes
    assert all(matplotlib.colors.to_hex(t.get_color()) == "#222222" for t in names)  # dark text
    # names start beside their node, outside the circle, and neighbours are a line height apart
    anchors = np.array([ax.transData.transform(t.get_position()) for t in names])
    centre = ax.transData.transform((0, 0))
    node = np.linalg.norm(ax.transData.transform((1, 0)) - centre)
    assert (np.linalg.norm(anchors - centre, axis=1) > node).all()
    gaps = np.linalg.norm(anchors - np.roll(anchors, 1, axis=0), axis=1)
    line_px = helpers.MIN_FONT_PT * fig.dpi / 72
    assert gaps.min() >= (1.2 if n_nodes > 12 else 2.4) * line_px
    plt.close(fig)


def test_trend_chart_has_a_date_axis_an_articles_panel_and_the_undated_count():
    days = pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-20"])
    trends = pd.DataFrame({"period": [*days.strftime("%Y-%m-%d"), "undated"],
                           "start": [*days, pd.NaT], "end": [*(days + pd.Timedelta(days=6)), pd.NaT],
                           "term": "tariff", "share": [0.01, 0.02, 0.03, 0.01], "n_docs": [1, 3, 2, 4]})
    tests = pd.DataFrame({"term": ["tariff"], "verdict": ["too few articles"], "q": [np.nan]})
    fig = helpers.plot_term_trends(trends, tests)
    bars = fig.axes[0]
    assert [round(p.get_height()) for p in bars.patches] == [1, 3, 2]  # articles per period
    left = matplotlib.dates.num2date(bars.get_xlim()[0]).date()
    assert str(left) == "2025-01-06"  # a true date axis, not positions of category labels
    assert "4 undated articles, not on the time axis" in bars.get_title()
    assert fig.axes[1].get_title() == "tariff: too few articles"
    line = fig.axes[1].lines[0]
    assert len(line.get_xdata()) == 3  # the undated bucket is not a point on the axis
    centres = [p.get_x() + p.get_width() / 2 for p in bars.patches]
    assert np.allclose(matplotlib.dates.date2num(line.get_xdata()), centres)  # points sit on their bars
    plt.close(fig)


def test_stance_bars_look_labels_up_by_doc_id_whatever_the_row_order():
    table = pd.DataFrame({"doc_id": ["b", "a"], "n_favor": [1, 2], "n_against": [0, 1], "net": [1.0, 0.3]})
    fig = helpers.plot_stance_bars(table, {"a": "Daily · 2025-01-01", "b": "Wire · 2025-01-02"})
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Wire · 2025-01-02",
                                                                     "Daily · 2025-01-01"]
    plt.close(fig)
    fig = helpers.plot_stance_bars(table, ["first row", "second row"])  # a list stays in row order
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["first row", "second row"]
    plt.close(fig)
