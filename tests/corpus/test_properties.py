"""Property-based test of ``load_corpus`` (hypothesis): generated folders and exports with random
bytes, encodings, line breaks, metadata and dates. Whatever comes in, only ``CorpusWarning``
and ``ValueError`` come out, every article's raw lines equal kept plus audited lines, and
every input file is loaded or named in a problem."""

import json
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers

BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
LINES = [
    "Chipmakers in China face new limits on what they can buy.",
    "Officials said the rules would take effect next month, and analysts expect delays.",
    "Advertisement", "Read More", "Article content", "", "   ",
    "DeepSeek Rises as a Strong AI Contender",
    "On 14 October 1066 the Normans won at Hastings.", "Published January 28, 2025",
    "১ ঘণ্টা আগে", "美国对先进芯片的出口管制正在收紧。", "US$1.5bn to S$2bn =SUM(A1)",
    "\"Curbs bite,\" said an official.",
]
DATES = ["", "2025-01-27", "2502-01-27", "0099-01-01", "today", "05/01/2025", "25/01/2025",
         "2025-01-27T20:00:00-05:00", "sometime", "January 28"]

line_texts = st.one_of(st.sampled_from(LINES), st.text(max_size=40))
article_texts = st.builds(
    lambda lines, breaks: "".join(line + brk for line, brk in zip(lines, breaks, strict=False)),
    st.lists(line_texts, min_size=0, max_size=8), st.lists(st.sampled_from(BREAKS), min_size=8, max_size=8))


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


file_bytes = st.one_of(
    st.builds(encoded, article_texts, st.sampled_from(ENCODINGS)),
    st.binary(max_size=200),
)
names = st.text(alphabet="abcXYZ09_-. $", min_size=1, max_size=8).filter(lambda n: n not in (".", ".."))


@st.composite
def folders(draw) -> dict[str, bytes]:
    files = draw(st.dictionaries(names.map(lambda n: n + ".txt"), file_bytes, max_size=4))
    if draw(st.booleans()):
        rows = ["file,doc_id,published"] + [
            f"{json.dumps(name)},{draw(st.sampled_from(['', 'x', 'y']))},{draw(st.sampled_from(DATES))}"
            for name in list(files)[: draw(st.integers(0, 4))] + draw(st.lists(names, max_size=1))]
        files["metadata.csv"] = encoded("\n".join(rows) + "\n", draw(st.sampled_from(ENCODINGS)))
    return files


@st.composite
def exports(draw) -> dict[str, bytes]:
    rows = draw(st.lists(st.fixed_dictionaries({
        "id": st.one_of(st.none(), st.integers(-2**64, 2**64), st.sampled_from(["1", "a"])),
        "title": st.sampled_from(["", "A title", "DeepSeek Rises as a Strong AI Contender"]),
        "publish_date": st.sampled_from(DATES),
        "text": article_texts,
    }), max_size=5))
    if draw(st.booleans()):
        lines = [json.dumps(row, ensure_ascii=False) for row in rows]
        if lines and draw(st.booleans()):
            lines.insert(draw(st.integers(0, len(lines))), '{"id": 3, "text": "cut')
        return {"export.jsonl": encoded("\n".join(lines) + "\n", draw(st.sampled_from(ENCODINGS)))}
    table = pd.DataFrame(rows, columns=["id", "title", "publish_date", "text"])
    text = table.to_csv(index=False)
    return {"export.csv": encoded(text, draw(st.sampled_from(ENCODINGS)))}


def named_in(problems: list[str], name: str) -> bool:
    return any(p == name or p.startswith(name + "#") for p in problems)


def check_load(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        source = folder / next(iter(files)) if next(iter(files), "").startswith("export.") else folder
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                corpus = helpers.load_corpus(source)
            except ValueError as error:
                corpus, failed = None, str(error)
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # raw files untouched
    others = [str(w.message) for w in caught if not issubclass(w.category, helpers.CorpusWarning)]
    assert others == []
    warned = [str(w.message).split(": ", 1)[0] for w in caught]
    inputs = [n for n in files if n != "metadata.csv" and (n.endswith(".txt") or n.startswith("export."))]
    inputs = [n for n in inputs if not n.startswith(".")] if source == folder else inputs
    if corpus is None:
        assert failed.startswith("no articles in") or failed.startswith(tuple(inputs) or ("",)), failed
        assert all(named_in(warned, n) for n in inputs), (inputs, warned)
        return
    problems = list(helpers.load_problems(corpus)["file"])
    assert problems == warned
    for name in inputs:
        assert named_in(list(corpus["file"]), name) or named_in(problems, name), name
    summary = helpers.audit_summary(corpus)
    assert (summary["raw_lines"] == summary["kept_lines"] + summary["dropped_lines"]).all()


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY_SETTINGS
@given(folders())
def test_any_folder_loads_or_fails_clearly_and_the_audit_balances(files):
    check_load(files)


@PROPERTY_SETTINGS
@given(exports())
def test_any_export_loads_or_fails_clearly_and_the_audit_balances(files):
    check_load(files)
