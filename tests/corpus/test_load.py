"""Unit tests for loading (newsdesk.corpus) and the text primitives (newsdesk.text)."""

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from corpus_inputs import load_quietly, write

import helpers

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_SHA256 = {
    "000_6bb0fd4121b4a7b0.txt": "842fb93825d2c5f465ce8f5fd9afd72827ee9c69a294551e7f83283180964627",
    "001_97a10b66897f57d7.txt": "9e99b46df4c72a486a33e6d3af881f54dc0a291d0662fc3df6849e2677b33484",
    "002_9d232cb06c14f531.txt": "df1b6cbaa30684869ffd64d29fe49dc11e589f8d70496cab75a8c0a535b51e42",
    "003_abc600b155f6e648.txt": "7f7dcf6278f81fa533512e535f97ee3e30407adf9a97b6ddee167f4dc7071fe4",
    "004_50f83be8e4cb46c8.txt": "6c63767614c3d6df42912701f5bfc4c27967f97faa151197ab673413f8082a7d",
}
BODY = (
    "Chipmakers in China face new limits on what they can buy.\n"
    "Officials said the rules would take effect next month, and analysts expect delays.\n"
)


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    return helpers.load_corpus(SEEDS)




# --- seeds ---------------------------------------------------------------------------

def test_seed_files_are_byte_for_byte_copies():
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(SEEDS.glob("*.txt"))}
    assert found == SEED_SHA256


def test_seed_metadata_has_the_documented_columns_and_one_row_per_file():
    meta = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    assert list(meta.columns) == ["file", "doc_id", "outlet", "origin", "headline", "published",
                                  "date_basis", "language", "notes"]
    assert sorted(meta["file"]) == sorted(SEED_SHA256)
    assert meta["date_basis"].str.len().min() > 20


def test_seeds_load_sorted_with_required_columns_and_no_problems(seeds):
    assert list(seeds["doc_id"]) == ["000", "001", "002", "003", "004"]
    for column in ["doc_id", "file", "outlet", "origin", "headline", "published", "date_basis",
                   "raw_text", "text", "n_words", "n_sentences"]:
        assert column in seeds.columns
    assert str(seeds["published"].dtype) == "datetime64[ns]"
    assert seeds["published"].isna().tolist() == [False, True, False, False, True]
    assert helpers.load_problems(seeds).empty


def test_every_raw_line_is_kept_or_audited(seeds):
    audit = helpers.cleaning_audit(seeds)
    for row in seeds.itertuples():
        raw = [ln for ln in row.raw_text.splitlines() if ln.strip()]
        kept = row.text.split("\n")
        dropped = audit[audit["doc_id"] == row.doc_id]
        assert len(raw) == len(kept) + len(dropped), row.doc_id
        raw_lines = row.raw_text.splitlines()
        for line_no, text in zip(dropped["line_no"], dropped["text"], strict=True):
            assert raw_lines[line_no - 1].strip() == text


def test_seed_002_keeps_one_copy_and_audits_bengali_and_furniture(seeds):
    text = seeds.set_index("doc_id").loc["002", "text"]
    assert text.count("DeepSeek has triggered a dramatic rethink") == 1
    assert text.count("Altman said on X") == 1
    assert "শিক্ষার্থীরা" not in text
    audit = helpers.cleaning_audit(seeds)
    reasons = audit[audit["doc_id"] == "002"].groupby("reason").size().to_dict()
    assert reasons["repeated copy"] == 8
    assert reasons["other script (Bengali)"] == 3
    assert reasons["site furniture"] == 2  # the two "Comments" lines
    assert reasons["photo caption or credit"] == 2


def test_seed_furniture_is_gone_from_clean_text(seeds):
    joined = "\n".join(seeds["text"])
    for furniture in ["Article content", "Advertisement 2", "Leave A Reply", "Exit mobile version",
                      "Add Comment", "Comments (0)", "Read More:", "Follow The Big Take",
                      "Photo: REUTERS", "Engineers Needed", "With assistance from"]:
        assert furniture not in joined, furniture
    tag_line = helpers.cleaning_audit(seeds).query("reason == 'keyword tag line'")
    assert tag_line["doc_id"].tolist() == ["003"]


def test_headlines_come_from_metadata_and_are_not_body_text(seeds):
    row = seeds.set_index("doc_id").loc["003"]
    assert row["headline"].startswith("DeepSeek’s success gives Chinese firms jolt")
    assert not row["text"].startswith("DeepSeek’s success gives")


# --- bad input -----------------------------------------------------------------------

def test_empty_and_whitespace_files_warn_and_are_skipped(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "blank.txt", "  \n\t\n")
    corpus, messages = load_quietly(tmp_path)
    assert corpus["doc_id"].tolist() == ["a"]
    assert any(m.startswith("empty.txt: file is empty") for m in messages)
    assert any(m.startswith("blank.txt: file is empty") for m in messages)
    assert sorted(helpers.load_problems(corpus)["file"]) == ["blank.txt", "empty.txt"]


def test_strict_raises_value_error_naming_the_file(tmp_path):
    write(tmp_path, "empty.txt", "")
    with pytest.raises(ValueError, match=r"^empty\.txt: file is empty"):
        helpers.load_corpus(tmp_path, strict=True)


def test_binary_file_is_reported_not_decoded(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    corpus, messages = load_quietly(tmp_path)
    assert corpus["doc_id"].tolist() == ["a"]
    assert any(m.startswith("image.txt: file looks binary") for m in messages)


def test_cp1252_text_is_decoded_and_recorded(tmp_path):
    write(tmp_path, "cafe.txt", ("Le Café des chips opened in Shenzhen.\n" + BODY).encode("cp1252"))
    corpus, messages = load_quietly(tmp_path)
    assert "Café" in corpus.loc[0, "text"]
    assert corpus.loc[0, "encoding"] == "cp1252"
    assert messages == ["cafe.txt: not UTF-8; decoded as cp1252 (loaded)"]


def test_utf8_bom_is_stripped_and_recorded(tmp_path):
    content = "Café society met the chip curbs.\n" + BODY
    write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + content.encode())
    corpus, messages = load_quietly(tmp_path)
    assert corpus.loc[0, "text"].startswith("Café")
    assert corpus.loc[0, "encoding"] == "utf-8-sig"
    assert messages == ["bom.txt: not UTF-8; decoded as utf-8-sig (loaded)"]


def test_crlf_line_endings_are_normalised_and_reported(tmp_path):
    write(tmp_path, "crlf.txt", BODY.replace("\n", "\r\n"))
    corpus, messages = load_quietly(tmp_path)
    assert "\r" not in corpus.loc[0, "text"]
    assert corpus.loc[0, "text"] == BODY.strip()
    assert messages == ["crlf.txt: Windows (CRLF) line endings; normalised to LF (loaded)"]


def test_all_furniture_file_is_skipped_with_its_lines_audited(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "furniture.txt", "Article content\nAdvertisement 3\nComments (0)\nAdd Comment\n")
    corpus, messages = load_quietly(tmp_path)
    assert corpus["doc_id"].tolist() == ["a"]
    assert any(m.startswith("furniture.txt: no article text left after cleaning") for m in messages)
    audit = helpers.cleaning_audit(corpus)
    assert audit[audit["doc_id"] == "furniture"]["reason"].tolist() == ["site furniture"] * 4


def test_identical_texts_are_flagged(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", BODY)
    corpus, messages = load_quietly(tmp_path)
    assert corpus["duplicate_of"].tolist() == ["", "a"]
    assert messages == ["b.txt: text identical to doc_id a (flagged in duplicate_of)"]


def test_metadata_rows_and_files_that_do_not_match(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", BODY.replace("China", "Korea"))
    write(tmp_path, "metadata.csv", "file,doc_id,outlet\na.txt,A1,Example Post\nghost.txt,G,Nowhere\n")
    corpus, messages = load_quietly(tmp_path)
    assert corpus["doc_id"].tolist() == ["A1", "b"]
    assert corpus["outlet"].tolist() == ["Example Post", "unknown"]
    assert "ghost.txt: listed in metadata.csv but the file is missing (row ignored)" in messages
    assert "b.txt: file has no row in metadata.csv (loaded with text-derived metadata)" in messages


def test_unparseable_metadata_date_is_reported_and_left_empty(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", "file,published\na.txt,sometime in spring\n")
    corpus, messages = load_quietly(tmp_path)
    assert pd.isna(corpus.loc[0, "published"])
    assert "unparseable" in corpus.loc[0, "date_basis"]
    assert messages == ["a.txt: unparseable date 'sometime in spring' in metadata (date left empty)"]


def test_unknown_metadata_columns_are_named(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", "file,outlet,sentiment\na.txt,X,0.4\n")
    corpus, messages = load_quietly(tmp_path)
    assert messages == ["metadata.csv: unknown columns ignored: sentiment (ignored columns)"]
    assert corpus.loc[0, "outlet"] == "X"


def test_csv_without_a_text_column_is_reported(tmp_path):
    path = write(tmp_path, "export.csv", "title,when\nA headline,2025-01-27\n")
    with pytest.warns(helpers.CorpusWarning) as caught, pytest.raises(ValueError, match="^no articles in"):
        helpers.load_corpus(path)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and messages[0].startswith("export.csv: no article text column")
    with pytest.raises(ValueError, match=r"^export\.csv: no article text column"):
        helpers.load_corpus(path, strict=True)


def test_malformed_csv_is_reported_by_file_name(tmp_path):
    path = write(tmp_path, "broken.csv", 'id,text\n1,"an unterminated quote\n2,next row\n')
    with pytest.warns(helpers.CorpusWarning) as caught, pytest.raises(ValueError, match="^no articles in"):
        helpers.load_corpus(path)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and messages[0].startswith("broken.csv: malformed CSV")


def test_malformed_jsonl_is_reported_by_file_name(tmp_path):
    path = write(tmp_path, "broken.jsonl", '{"id": 1, "text": "fine"}\n{"id": 2, "text": \n')
    with pytest.raises(ValueError, match=r"^broken\.jsonl: malformed JSONL"):
        helpers.load_corpus(path, strict=True)


def test_media_cloud_csv_columns_are_mapped(tmp_path):
    rows = pd.DataFrame({
        "stories_id": ["17", "9"],
        "publish_date": ["2025-01-28 10:00:00", "not a date"],
        "title": ["Curbs bite", "Curbs fail"],
        "media_name": ["Example Times", "Example Post"],
        "url": ["https://example.org/a", "https://example.org/b"],
        "text": [BODY, BODY.replace("limits", "rules")],
        "language": ["en", "en"],
        "ap_syndicated": ["False", "False"],
    })
    path = tmp_path / "mc.csv"
    rows.to_csv(path, index=False)
    corpus, messages = load_quietly(path)
    assert corpus["doc_id"].tolist() == ["17", "9"]
    assert corpus["outlet"].tolist() == ["Example Times", "Example Post"]
    assert corpus["headline"].tolist() == ["Curbs bite", "Curbs fail"]
    assert corpus.loc[0, "published"] == pd.Timestamp("2025-01-28")
    assert pd.isna(corpus.loc[1, "published"])
    assert messages == ["mc.csv#row2: unparseable date 'not a date' in metadata (date left empty)"]


def test_jsonl_with_id_and_unknown_column(tmp_path):
    lines = [{"id": 2, "title": "B", "text": BODY, "mood": "calm"},
             {"id": 1, "title": "A", "text": BODY.replace("China", "Japan"), "mood": "tense"}]
    path = write(tmp_path, "stories.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    corpus, messages = load_quietly(path)
    assert corpus["doc_id"].tolist() == ["1", "2"]
    assert messages == ["stories.jsonl: unknown columns ignored: mood (ignored columns)"]


def test_csv_row_with_empty_text_is_reported(tmp_path):
    path = write(tmp_path, "export.csv", f'id,text\n1,"{BODY}"\n2,\n')
    corpus, messages = load_quietly(path)
    assert corpus["doc_id"].tolist() == ["1"]
    assert messages == ["export.csv: row 2 (doc_id 2) has empty text (row skipped)"]


def test_missing_source_raises_clearly(tmp_path):
    with pytest.raises(ValueError, match="nowhere: no such file or folder"):
        helpers.load_corpus(tmp_path / "nowhere")


# --- headline, date, sentences --------------------------------------------------------

def test_headline_is_the_first_line_only_when_it_reads_as_a_title():
    assert helpers.headline_from_text("Beijing Bets Big on Home-Grown Chips\n" + BODY) == \
        "Beijing Bets Big on Home-Grown Chips"
    assert helpers.headline_from_text(BODY) == ""


def test_date_from_text_uses_full_dates_only():
    stamp, basis, _ = helpers.date_from_text("Published January 28, 2025\n" + BODY)
    assert stamp == pd.Timestamp("2025-01-28")
    assert "January 28, 2025" in basis and "line 1" in basis
    stamp, basis, _ = helpers.date_from_text("Wednesday, May 14\n" + BODY)
    assert pd.isna(stamp)
    assert "yearless 'Wednesday, May 14'" in basis
    stamp, basis, _ = helpers.date_from_text("On Monday, the president spoke.\n")
    assert pd.isna(stamp) and basis.startswith("no full date")


def test_text_date_is_used_when_there_is_no_metadata(tmp_path):
    write(tmp_path, "a.txt", "Chip curbs tighten again\n27 January 2025\n" + BODY)
    corpus, _ = load_quietly(tmp_path)
    assert corpus.loc[0, "published"] == pd.Timestamp("2025-01-27")
    assert corpus.loc[0, "headline"] == "Chip curbs tighten again"
    assert corpus.loc[0, "date_basis"] == "parsed from text: '27 January 2025' (line 2)"


def test_sentence_splitter_handles_news_abbreviations():
    text = ("On Jan. 27 the U.S. said Huawei Technologies Co. had made a 7nm chip. "
            "“It is a wake-up call. We must act,” he said. Shares fell.")
    assert helpers.split_sentences(text) == [
        "On Jan. 27 the U.S. said Huawei Technologies Co. had made a 7nm chip.",
        "“It is a wake-up call. We must act,” he said.",
        "Shares fell.",
    ]


def test_sentences_never_cross_paragraphs():
    assert helpers.split_sentences("First paragraph without a stop\nSecond one.") == [
        "First paragraph without a stop", "Second one."]


def test_normalize_text_unifies_quotes_dashes_and_us():
    assert helpers.normalize_text("“U.S. curbs” — the US’s U.S.-made chips") == \
        "\"US curbs\" - the US's US-made chips"


def test_other_script_is_named():
    assert helpers.dominant_script("১ ঘণ্টা আগে") == "BENGALI"
    assert helpers.dominant_script("Café in 北京 today") is None


# --- saved web pages and the cache ----------------------------------------------------

PAGE = """<html><head><title>Curbs bite - Example Times</title>
<meta property="og:site_name" content="Example Times">
<meta property="article:published_time" content="2025-01-28T10:00:00Z"></head>
<body><nav>Home | World | Tech</nav><article><h1>Curbs bite</h1>
<p>Chipmakers in China face new limits on what they can buy, officials said on Tuesday.</p>
<p>Analysts expect delays to the rollout of new chips as a result, and some firms are stockpiling.</p>
<p>&lt;script&gt;alert(1)&lt;/script&gt; appeared in a comment quoted here.</p>
</article><footer>Copyright Example Times</footer></body></html>"""


def test_saved_html_pages_give_text_title_date_and_site(tmp_path):
    write(tmp_path, "page.html", PAGE)
    write(tmp_path, "empty-shell.html", "<html><head><title>Nothing</title></head><body></body></html>")
    corpus, messages = load_quietly(tmp_path)
    row = corpus.iloc[0]
    assert corpus["doc_id"].tolist() == ["page"]
    assert row["headline"] == "Curbs bite"
    assert row["outlet"] == "Example Times"
    assert row["published"] == pd.Timestamp("2025-01-28")
    assert row["text"].startswith("Chipmakers in China face new limits")
    assert "<script>alert(1)</script>" in row["text"]  # kept as text, escaped when shown
    assert "Home | World" not in row["text"]
    assert messages == ["empty-shell.html: no main text found in the HTML page (skipped)"]


def test_cache_returns_the_same_corpus_and_is_invalidated_by_a_changed_input(tmp_path):
    source, cache = tmp_path / "articles", tmp_path / "cache"
    source.mkdir()
    write(source, "a.txt", BODY)
    write(source, "b.txt", BODY.replace("China", "Korea"))
    first = helpers.load_corpus(source, cache_dir=cache)
    assert len(list(cache.iterdir())) == 1
    second = helpers.load_corpus(source, cache_dir=cache)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(helpers.cleaning_audit(first), helpers.cleaning_audit(second))
    write(source, "b.txt", BODY.replace("China", "Japan"))
    third = helpers.load_corpus(source, cache_dir=cache)
    assert len(list(cache.iterdir())) == 2
    assert "Japan" in third.loc[1, "text"]


def test_cached_load_repeats_the_original_warnings(tmp_path):
    source, cache = tmp_path / "articles", tmp_path / "cache"
    source.mkdir()
    write(source, "a.txt", BODY)
    write(source, "empty.txt", "")
    _, first = load_quietly(source, cache_dir=cache)
    _, second = load_quietly(source, cache_dir=cache)
    assert first == second == ["empty.txt: file is empty or whitespace only (skipped)"]


def test_doc_labels_name_the_outlet_and_keep_the_id_only_where_needed():
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c", "d", "e"],
                           "outlet": ["Daily", "unknown", None, "Wire", "Wire"],
                           "origin": ["Wire", "Bloomberg", None, "unknown", "unknown"],
                           "published": pd.to_datetime(["2025-01-28", None, "2025-02-01",
                                                        "2025-02-02", "2025-02-02"])})
    labels = helpers.doc_labels(corpus)
    assert labels.tolist() == ["Daily · 2025-01-28", "b · Bloomberg · undated", "c · 2025-02-01",
                               "d · Wire · 2025-02-02", "e · Wire · 2025-02-02"]
    assert labels.index.tolist() == ["a", "b", "c", "d", "e"]
    assert not labels.str.contains("unknown").any()


def test_unify_quotes_maps_each_mark_one_for_one():
    assert helpers.unify_quotes("“a” „b” «c» ‘d’ ‚e′ f—g–h‒i\u00a0j") == '"a" "b" "c" \'d\' \'e\' f-g-h-i j'
    assert helpers.unify_quotes("plain 'ASCII' - text") == "plain 'ASCII' - text"


def test_the_earliest_dated_copy_is_the_original(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", BODY)
    write(tmp_path, "c.txt", BODY)
    write(tmp_path, "metadata.csv", "file,doc_id,published\na.txt,a,2025-02-02\nb.txt,b,\n"
          "c.txt,c,2025-01-30\n")
    corpus, messages = load_quietly(tmp_path)
    assert corpus.set_index("doc_id")["duplicate_of"].to_dict() == {"a": "c", "b": "c", "c": ""}
    assert messages == ["a.txt: text identical to doc_id c (flagged in duplicate_of)",
                        "b.txt: text identical to doc_id c (flagged in duplicate_of)"]
