"""Every figure, saved as PNG with the plotted data beside it as CSV: ``common`` (saving,
showing, plain text), ``settings`` (sizes that keep figures readable in the report), and one
module per analysis (``loading``, ``terms``, ``stance``, ``overlap``, ``scaling``).
Data shaping stays with its analysis; these modules only draw.
"""
