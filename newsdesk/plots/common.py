"""Saving and showing figures, and untrusted text drawn as plain text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from newsdesk.plots.settings import FIGURE_DPI
from newsdesk.text import spreadsheet_safe

__all__ = [
    "display_saved",
    "plain_text",
    "save_figure",
]


def plain_text(text: object) -> str:
    """Untrusted text as matplotlib plain text: every ``$`` escaped, so no mathtext is parsed
    ("US$1.5bn to S$2bn" is drawn as written, "deal_$5bn_$2bn" does not raise)."""
    return str(text).replace("$", r"\$")


def _neutralise_cells(data: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula, prefixed with ``'``.

    Only text columns change; numbers (negative ones included) are written as they are.
    """
    safe = data.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_safe)
    return safe


def save_figure(fig, data: pd.DataFrame, stem: str, figures_dir: str | Path) -> Path:
    """Write ``<stem>.png`` and ``<stem>.csv`` (the plotted data) into ``figures_dir``.

    Returns the PNG path. The PNG (``FIGURE_DPI``) carries no timestamp or software metadata,
    so the same figure writes the same bytes. Text cells starting with ``= + - @`` (or a tab
    or carriage return) get a leading ``'`` so that a spreadsheet shows them instead of
    running them.
    """
    folder = Path(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{stem}.png"
    fig.savefig(png, dpi=FIGURE_DPI, bbox_inches="tight", metadata={"Software": None})
    _neutralise_cells(data).to_csv(folder / f"{stem}.csv", index=False, lineterminator="\n")
    return png


def display_saved(png: str | Path) -> None:
    """Show a saved PNG inline, the exact file beside its CSV, and close open figures.

    Displaying the file rather than the live figure keeps ``<Figure size …>`` text out of
    notebook outputs and shows readers the same bytes that are in ``figures/``. The output's
    metadata names the CSV beside it (``figure_csv``), so a report page can link to the data.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    plt.close("all")
    display(Image(filename=str(png), metadata={"figure_csv": Path(png).with_suffix(".csv").name}))
