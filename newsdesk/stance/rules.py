"""The cue-lexicon rule model: clause structure, negation, concession and prescriptions decide
a sentence's stance, with a readable reason.
"""

from __future__ import annotations

import re

import pandas as pd

from newsdesk.paths import lexicon_cache
from newsdesk.stance.settings import (
    AIM_WINDOW,
    CLAUSE_BREAK_RE,
    CONSUME_WINDOW,
    ELLIPSIS_RE,
    NEGATION_WINDOW,
    PRESCRIBE_WINDOW,
    STANCE_TEXT_CACHE,
    TARGET_WINDOW,
)
from newsdesk.stance.targets import stance_marker, stance_patterns, stance_text, target_spans

__all__ = [
    "clause_structure",
    "inside_spans",
    "match_spans",
    "rule_stance",
    "rule_stance_table",
]


def _word_index(text: str, pos: int) -> int:
    """Number of words in ``text`` before character ``pos``."""
    return len(re.findall(r"\S+", text[:pos]))


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause (after the last comma, semicolon, colon or dash) holding ``pos``."""
    breaks = [m.end() for m in CLAUSE_BREAK_RE.finditer(text, 0, pos)]
    return breaks[-1] if breaks else 0


def _clause_end(text: str, pos: int) -> int:
    """End of the clause holding ``pos``: the next comma, semicolon, colon or dash."""
    found = CLAUSE_BREAK_RE.search(text, pos)
    return found.start() if found else len(text)


def match_spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def inside_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans (same length) so later searches skip them."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "_" * (e - s)
    return "".join(chars)


def _negated(masked: str, text: str, start: int) -> bool:
    """A negator within :data:`NEGATION_WINDOW` words before ``start``, in the same clause."""
    lo = _clause_start(text, start)
    before = masked[lo:start].split()[-NEGATION_WINDOW:]
    return bool(stance_marker("negator").search(" ".join(before)))


def clause_structure(text: str) -> dict[str, list[tuple[int, int]]]:
    """Split a sentence into its asserted (main) part and conceded / subordinate parts (H1).

    The part after the last contrast word ("but", "yet", "however") is asserted and the
    part before it conceded; a subordinate clause ("while", "although") is conceded: to
    the end of its clause when it opens the sentence, else to the end of the sentence.
    """
    not_contrast = match_spans(stance_marker("not_contrast"), text)
    asserted_from = 0
    for s, _ in match_spans(stance_marker("contrast"), text):
        if not inside_spans(s, not_contrast) and text[:s].strip(" ,;:-\"'"):
            asserted_from = s
    subordinate = []
    for s, _ in match_spans(stance_marker("subordinator"), text):
        if text[:s].strip(" ,;:-\"'") and text[max(0, s - 5):s].strip() in ("all", "even"):
            continue  # "all while operating": a time adverbial, not a concession
        opens = not text[asserted_from:s].strip(" ,;:-\"'") or text[:s].strip(" ,;:-\"'") == ""
        subordinate.append((s, _clause_end(text, s) if opens else len(text)))
    return {"asserted": [(asserted_from, len(text))],
            "conceded": [(0, asserted_from)] if asserted_from else [],
            "subordinate": subordinate}


def _region_of(pos: int, structure: dict[str, list[tuple[int, int]]]) -> str:
    """``main`` when ``pos`` is asserted and not subordinate, else ``other``."""
    if inside_spans(pos, structure["subordinate"]) or not inside_spans(pos, structure["asserted"]):
        return "other"
    return "main"


def _opposite(direction: str) -> str:
    return {"favor": "against", "against": "favor"}[direction]


def _prescriptions(text: str, masked: str, targets: list[tuple[int, int, str]]) -> list[dict]:
    """Tighten / loosen words that a prescriptive marker governs, next to the target (H9, H10)."""
    found = []
    prescribe = match_spans(stance_marker("prescribe"), text)
    for kind, direction in (("tighten", "favor"), ("loosen", "against")):
        for s, e in match_spans(stance_marker(kind), text):
            w = _word_index(text, s)
            near_target = any(abs(_word_index(text, ts) - w) <= TARGET_WINDOW
                              or ts <= s < te for ts, te, _ in targets)
            governed = any(ps < s and w - _word_index(text, ps) <= PRESCRIBE_WINDOW
                           for ps, _ in prescribe)
            if near_target and governed:
                flipped = _negated(masked, text, s)
                found.append({"start": s, "end": e, "cue": text[s:e], "kind": "prescription",
                              "direction": _opposite(direction) if flipped else direction,
                              "negated": flipped})
    return found


def _evaluations(text: str, masked: str, targets: list[tuple[int, int, str]],
                 scope_from: int | None) -> list[dict]:
    """Effect, difficulty, circumvention and backfire cues, negation resolved (H7)."""
    aims = [(s, s + len(" ".join(text[s:].split()[:AIM_WINDOW + 2]))) for s, _ in
            match_spans(stance_marker("aim"), text)]
    purpose = stance_marker("purpose")
    raw = []
    for rx, direction, kind in stance_patterns()["cues"]:
        for m in rx.finditer(text):
            raw.append({"start": m.start(), "end": m.end(), "cue": m.group(0), "kind": kind,
                        "direction": direction})
    raw.sort(key=lambda c: (c["start"], -(c["end"] - c["start"])))
    cues: list[dict] = []
    for cue in raw:  # keep the longest of overlapping matches
        if cues and cue["start"] < cues[-1]["end"]:
            continue
        cues.append(cue)
    circumvent = [c for c in cues if c["kind"] == "circumvent" and not inside_spans(c["start"], aims)]
    kept = []
    for cue in cues:
        s, w = cue["start"], _word_index(text, cue["start"])
        if cue["kind"] in ("circumvent", "restriction", "difficulty") and inside_spans(s, aims):
            continue  # H4: an attempt to overcome the measures claims nothing
        if cue["kind"] == "restriction" and any(
                c["start"] < s and w - _word_index(text, c["start"]) <= CONSUME_WINDOW for c in circumvent):
            continue  # "overcome … constraints": the noun is the object, already counted
        if cue["kind"] == "backfire" and not any(ts < s for ts, _, _ in targets):
            continue  # only "the curbs spurred innovation", not "DeepSeek spurred innovation"
        negated = _negated(masked, text, s)
        if cue["kind"] == "effect_verb" and not negated:
            before = " ".join(text[_clause_start(text, s):s].split()[-2:])
            if re.search(rf"(?:{purpose.pattern})$", before):
                continue  # "sanctions … to slow China's progress": the aim, not the effect
        if scope_from is not None and s > scope_from:
            negated = not negated
        cue["negated"] = negated
        cue["direction"] = _opposite(cue["direction"]) if negated else cue["direction"]
        kept.append(cue)
    return kept


def _concession_successes(text: str, masked: str, targets: list[tuple[int, int, str]],
                          scope_from: int | None) -> list[dict]:
    """H1: success words asserted alongside "despite / without access to [the measures]"."""
    aims = [(s, s + len(" ".join(text[s:].split()[:AIM_WINDOW + 2]))) for s, _ in
            match_spans(stance_marker("aim"), text)]
    phrases = []
    for s, _ in match_spans(stance_marker("concession"), text):
        end = _clause_end(text, s + 1)
        if inside_spans(s, aims):
            continue  # "tasked to push for breakthroughs in the face of curbs": an aim (H4)
        if any(s <= ts < end for ts, _, _ in targets):
            phrases.append((s, end))
    if not phrases:
        return []
    found = []
    for rx, _, _ in stance_patterns()["success"]:
        for m in rx.finditer(text):
            if inside_spans(m.start(), phrases) or inside_spans(m.start(), aims):
                continue
            negated = _negated(masked, text, m.start())
            if scope_from is not None and m.start() > scope_from:
                negated = not negated
            found.append({"start": m.start(), "end": m.end(), "cue": m.group(0), "kind": "success",
                          "direction": "favor" if negated else "against", "negated": negated})
    return found


def _count_directions(cues: list[dict]) -> tuple[int, int]:
    return (sum(c["direction"] == "favor" for c in cues),
            sum(c["direction"] == "against" for c in cues))


def rule_stance(sentence: str) -> dict:
    """Transparent cue-lexicon stance of one sentence that mentions the target.

    Order of decisions (codebook §5): an open question is ``none`` (H8); a governed
    call to tighten or loosen decides (H10); otherwise cues in the asserted clause are
    counted — effect and difficulty words, circumvention, "spurred innovation" with the
    measures as subject, and success words next to "despite [the measures]" (H1) — with
    negators flipping the cue that follows (H7) and attempts neutralised (H4). When the
    asserted clause has no cue, the conceded clause decides; a tie abstains (``none``).

    Returns
    -------
    dict with ``stance`` (favor / against / none), ``confidence`` (share of evidence
    for the label: ``max(f, a) / (f + a + 1)`` for a stance, ``1 / (f + a + 1)`` for
    ``none``, where f and a count favor and against cues), ``reason`` (rule and cues),
    ``n_favor``, ``n_against`` and ``cue_start`` (offset of the deciding cue in
    :func:`stance_text`, -1 if none).
    """
    return dict(_rule_stance_items(sentence))


@lexicon_cache(maxsize=STANCE_TEXT_CACHE)
def _rule_stance_items(sentence: str) -> tuple:
    return tuple(_rule_stance_uncached(sentence).items())


def _rule_stance_uncached(sentence: str) -> dict:
    text = stance_text(sentence)
    targets = target_spans(sentence)
    scope = match_spans(stance_marker("scope_negator"), text)
    masked = _blank_spans(text, match_spans(stance_marker("not_negator"), text) + scope)
    scope_from = scope[0][1] if scope else None
    if stance_marker("open").search(text):
        return {"stance": "none", "confidence": 1.0, "reason": "H8 open question", "n_favor": 0,
                "n_against": 0, "cue_start": -1}
    prescriptions = _prescriptions(text, masked, targets)
    if prescriptions:
        f, a = _count_directions(prescriptions)
        return _label_from_cue_counts(f, a, prescriptions, "H10 prescription")
    structure = clause_structure(text)
    cues = (_evaluations(text, masked, targets, scope_from)
            + _concession_successes(text, masked, targets, scope_from))
    main = [c for c in cues if _region_of(c["start"], structure) == "main"]
    f, a = _count_directions(main)
    if f or a:
        return _label_from_cue_counts(f, a, main, "asserted clause")
    other = [c for c in cues if _region_of(c["start"], structure) == "other"]
    main_text = "".join(text[s:e] for s, e in structure["asserted"])
    if other and ELLIPSIS_RE.search(main_text) and structure["subordinate"]:
        other = [{**c, "direction": _opposite(c["direction"]) if c.get("negated") else c["direction"]}
                 for c in other]  # "while money has never been a problem, bans are": P holds
        f, a = _count_directions(other)
        return _label_from_cue_counts(f, a, other, "contrastive ellipsis")
    f, a = _count_directions(other)
    return _label_from_cue_counts(f, a, other, "conceded clause (H1 fallback)")


def _label_from_cue_counts(f: int, a: int, cues: list[dict], where: str) -> dict:
    """Turn cue counts into a label, a confidence and a readable reason."""
    if f == a:
        stance = "none"
        confidence = 1.0 / (f + a + 1)
        reason = "no cue" if f == 0 else f"tie, abstain ({where})"
    else:
        stance = "favor" if f > a else "against"
        confidence = max(f, a) / (f + a + 1)
        reason = where
    listed = ", ".join(("not " if c.get("negated") else "") + f"{c['cue']}→{c['direction']}"
                       for c in sorted(cues, key=lambda c: c["start"]))
    deciding = [c["start"] for c in sorted(cues, key=lambda c: c["start"]) if c["direction"] == stance]
    return {"stance": stance, "confidence": round(confidence, 4),
            "reason": f"{reason}: {listed}" if listed else reason,
            "n_favor": f, "n_against": a, "cue_start": deciding[0] if deciding else -1}


def rule_stance_table(sentences: pd.DataFrame) -> pd.DataFrame:
    """:func:`rule_stance` over target sentences; others get ``none`` with reason "no target".

    Input needs ``sentence`` and ``mentions_target``; returns it plus ``stance,
    confidence, reason, cue_start``.
    """
    out = sentences.copy()
    results = [rule_stance(s) if hit else {"stance": "none", "confidence": 1.0, "reason": "no target",
                                           "cue_start": -1}
               for s, hit in zip(out["sentence"], out["mentions_target"], strict=True)]
    for column in ("stance", "confidence", "reason", "cue_start"):
        out[column] = [r[column] for r in results]
    return out
