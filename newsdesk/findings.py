"""Findings as data: each is a sentence computed from a table, the table it cites, and what it
cannot tell. Notebooks render them, so what they say is true of whatever corpus they ran on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Finding", "findings_markdown", "number_words", "quoted"]


@dataclass(frozen=True)
class Finding:
    """One computed finding: ``text`` (Markdown), the ``evidence`` table it rests on, and a
    ``caveat`` (empty when none applies)."""

    text: str
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False)
    caveat: str = ""


def _escape(text: str) -> str:
    """Markdown and HTML special characters in untrusted text shown as themselves."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]#|$":
        out = out.replace(char, "\\" + char)
    return out


def findings_markdown(findings: list[Finding]) -> str:
    """A Markdown bullet list: each finding's text, then its caveat in italics."""
    if not findings:
        return "- No finding: the data are too thin to say anything here."
    lines = []
    for finding in findings:
        line = f"- {finding.text}"
        if finding.caveat:
            line += f" *{finding.caveat}*"
        lines.append(line)
    return "\n".join(lines)


def number_words(n: int, singular: str, plural: str | None = None) -> str:
    """``"1 article"``, ``"3 articles"``: a count with the noun in the right number."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def quoted(text: str) -> str:
    """Untrusted text (a sentence, a speaker) escaped for a finding's Markdown."""
    return _escape(text)

