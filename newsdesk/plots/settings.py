"""Figure sizes that keep text readable in the report, each with its reason.

The report shows a figure at most ``REPORT_COLUMN_PX`` wide (its text column), shrinking wider
PNGs. A figure saved at ``FIGURE_DPI`` and at most ``MAX_FIGURE_WIDTH_IN`` wide shrinks by at
most REPORT_COLUMN_PX / (MAX_FIGURE_WIDTH_IN × FIGURE_DPI), so text of ``MIN_FONT_PT`` shows at
least ``MIN_FONT_PT × FIGURE_DPI / 72`` × that factor pixels high: 11 px with the values below.
"""

from __future__ import annotations

__all__ = [
    "FIGURE_DPI",
    "FONT_PT",
    "MAX_FIGURE_WIDTH_IN",
    "MIN_FONT_PT",
    "REPORT_COLUMN_PX",
]

FIGURE_DPI = 120  # PNG resolution: sharp on screen, files of a few hundred kB at most
REPORT_COLUMN_PX = 792  # the report's text column (52rem less its padding): figures shrink to it
MAX_FIGURE_WIDTH_IN = 9.0  # 1,080 px at FIGURE_DPI, shown at 73 % in the report column
MIN_FONT_PT = 9.0  # smallest text in any figure: 15 px saved, 11 px as the report shows it
FONT_PT = 10.0  # body text of figures (matplotlib's default), titles a little larger
