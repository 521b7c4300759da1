"""Reading raw inputs (newsdesk.corpus.read): folders, exports and what is skipped. Each case
is an input named in issue 12; every skipped entry is named in a warning."""

import json
import os
import warnings

import pytest
from corpus_inputs import load_quietly, write

import helpers

BODY = (
    "Chipmakers in China face new limits on what they can buy.\n"
    "Officials said the rules would take effect next month, and analysts expect delays.\n"
)




def messages_before_error(source) -> tuple[list[str], str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError) as error:
            helpers.load_corpus(source)
    return [str(w.message) for w in caught if issubclass(w.category, helpers.CorpusWarning)], \
        str(error.value)


# --- silent empty loads ----------------------------------------------------------------

def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"^no articles in empty"):
        helpers.load_corpus(tmp_path / "empty")


def test_articles_in_subfolders_are_named_and_the_load_fails(tmp_path):
    write(tmp_path, "2025/a.txt", BODY)
    write(tmp_path, "2025/b.txt", BODY + "More.\n")
    messages, error = messages_before_error(tmp_path)
    assert messages == ["2025: subfolder with 2 article files ignored; only files directly in the "
                        "corpus folder are read (skipped)"]
    assert error.startswith("no articles in ")


def test_header_only_csv_warns_and_fails(tmp_path):
    path = write(tmp_path, "export.csv", "id,title,text\n")
    messages, error = messages_before_error(path)
    assert messages == ["export.csv: no rows below the header (skipped)"]
    assert error.startswith("no articles in export.csv")


def test_file_named_dot_txt_is_named(tmp_path):
    write(tmp_path, ".txt", BODY)
    write(tmp_path, "a.txt", BODY)
    corpus, messages = load_quietly(tmp_path)
    assert corpus["doc_id"].tolist() == ["a"]
    assert messages == [".txt: hidden file (name starts with a dot) (skipped)"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_broken_looping_and_outside_symlinks_are_skipped_and_named(tmp_path):
    corpus_dir, outside = tmp_path / "c", tmp_path / "outside.txt"
    write(corpus_dir, "a.txt", BODY)
    write(tmp_path, "outside.txt", "Secret host name kept outside the corpus folder entirely.\n")
    (corpus_dir / "broken.txt").symlink_to(corpus_dir / "missing.txt")
    (corpus_dir / "loop.txt").symlink_to(corpus_dir / "loop.txt")
    (corpus_dir / "out.txt").symlink_to(outside)
    (corpus_dir / "same.txt").symlink_to(corpus_dir / "a.txt")
    corpus, messages = load_quietly(corpus_dir)
    assert corpus["doc_id"].tolist() == ["a", "same"]
    assert messages == [
        "broken.txt: broken symlink (its target does not exist) (skipped)",
        "loop.txt: symlink loop (skipped)",
        "out.txt: symlink points outside the corpus folder (skipped)",
        "same.txt: text identical to doc_id a (flagged in duplicate_of)",
    ]
    with pytest.raises(ValueError, match=r"^broken\.txt: broken symlink"):
        helpers.load_corpus(corpus_dir, strict=True)


def test_all_bad_inputs_end_in_a_clear_error(tmp_path):
    write(tmp_path, "a.txt", b"")
    messages, error = messages_before_error(tmp_path)
    assert messages == ["a.txt: file is empty or whitespace only (skipped)"]
    assert error.startswith("no articles in ") and "1 problem" in error


# --- JSONL ids and lines ---------------------------------------------------------------

def test_jsonl_ids_are_read_as_strings(tmp_path):
    rows = [{"id": 2897361234, "text": BODY}, {"id": None, "text": BODY + "Two.\n"},
            {"id": 2**53 + 1, "text": BODY + "Three.\n"}, {"id": 2**53, "text": BODY + "Four.\n"}]
    path = write(tmp_path, "s.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    corpus, messages = load_quietly(path)
    assert sorted(corpus["doc_id"]) == sorted(["2897361234", "row000002", str(2**53 + 1), str(2**53)])
    assert messages == []


def test_one_bad_jsonl_line_is_skipped_with_its_true_line_number(tmp_path):
    good = [json.dumps({"id": i, "text": BODY + f"Story {i}.\n"}) for i in (1, 2, 4)]
    path = write(tmp_path, "s.jsonl", "\n".join([good[0], good[1], '{"id": 3, "text": "cut', good[2]]) + "\n")
    corpus, messages = load_quietly(path)
    assert corpus["doc_id"].tolist() == ["1", "2", "4"]
    assert len(messages) == 1 and messages[0].startswith("s.jsonl: line 3 is not valid JSON")
    assert messages[0].endswith("(line skipped)")


def test_stray_byte_in_a_large_csv_keeps_every_row(tmp_path):
    lines = ["id,text"] + [f'{i},"Café owners in row {i} said chip curbs bite hard."' for i in range(6000)]
    data = "\n".join(lines).encode("utf-8") + b"\n"
    cut = data.index(b"row 4000 ")
    data = data[:cut] + b"\x81" + data[cut:]
    path = write(tmp_path, "big.csv", data)
    corpus, messages = load_quietly(path)
    assert len(corpus) == 6000
    assert corpus.loc[corpus["doc_id"] == "0", "text"].iloc[0].startswith("Café")
    assert len(messages) == 1 and messages[0].startswith("big.csv: 1 byte that is not UTF-8")
    assert "line 4002" in messages[0]


# --- parsing surprises -----------------------------------------------------------------

def test_columns_differing_only_in_case_are_named(tmp_path):
    path = write(tmp_path, "e.csv", f'id,Text,text\n1,"Upper {BODY}","{BODY}"\n')
    corpus, messages = load_quietly(path)
    assert corpus.loc[0, "text"].startswith("Chipmakers")
    assert messages == ["e.csv: columns 'Text' and 'text' differ only in case; 'text' used, "
                        "'Text' ignored (ignored columns)"]


def test_duplicate_doc_id_keeps_the_first_row(tmp_path):
    rows = [f'{i},"{BODY} Story {i}."' for i in range(1, 12)]
    rows[9] = f'2,"{BODY} The tenth row reuses id 2."'
    path = write(tmp_path, "e.csv", "id,text\n" + "\n".join(rows) + "\n")
    corpus, messages = load_quietly(path)
    assert corpus.loc[corpus["doc_id"] == "2", "file"].item() == "e.csv#row2"
    assert messages == ["e.csv#row10: doc_id 2 is used twice (skipped)"]


def test_known_export_title_is_not_guessed_again_from_the_body(tmp_path):
    body = "Chip Curbs Take Effect Next Month\n" + BODY
    path = write(tmp_path, "e.csv", f'id,title,text\n1,Curbs begin,"{body}"\n')
    corpus, _ = load_quietly(path)
    assert corpus.loc[0, "headline"] == "Curbs begin"
    assert corpus.loc[0, "text"].startswith("Chip Curbs Take Effect Next Month")
    assert helpers.cleaning_audit(corpus).empty


def test_utf8_metadata_with_a_byte_order_mark_passes_strict(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", b"\xef\xbb\xbffile,outlet\na.txt,Example Times\n")
    corpus = helpers.load_corpus(tmp_path, strict=True)
    assert corpus.loc[0, "outlet"] == "Example Times"


# --- misleading messages ---------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_text_is_decoded_not_called_binary(tmp_path, encoding):
    write(tmp_path, "a.txt", ("Pékin " + BODY).encode(encoding))
    corpus, messages = load_quietly(tmp_path)
    assert corpus.loc[0, "text"].startswith("Pékin Chipmakers")
    assert messages == [f"a.txt: not UTF-8; decoded as {encoding} (loaded)"]


@pytest.mark.parametrize("text, code", [
    ("美国对先进芯片的出口管制正在收紧。分析人士说，中国的人工智能公司将面临更多困难。\n"
     "官员们表示，新规则将于下个月生效。深度求索公司的模型引起了市场的关注。\n", "zh"),
    ("Экспортный контроль США на передовые чипы ужесточается. Аналитики говорят, что китайские "
     "компании столкнутся с трудностями.\nЧиновники заявили, что новые правила вступят в силу "
     "в следующем месяце.\n", "ru"),
    ("Los controles de exportación de Estados Unidos sobre los chips avanzados se endurecen. "
     "Los analistas dicen que las empresas chinas tendrán más dificultades.\nLos funcionarios "
     "afirmaron que las nuevas reglas entrarán en vigor el próximo mes.\n", "es"),
])
def test_whole_article_in_another_language_is_named(tmp_path, text, code):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", text)
    corpus, messages = load_quietly(tmp_path)
    assert corpus["doc_id"].tolist() == ["a"]
    assert len(messages) == 1 and messages[0].startswith("b.txt: not in the corpus language (en)")
    assert f"({code})" in messages[0] and "furniture" not in messages[0]


@pytest.mark.parametrize("header", ["id,title,text", "id,title,text,"])
def test_trailing_comma_on_every_row_keeps_the_text(tmp_path, header):
    path = write(tmp_path, "e.csv", f'{header}\n1,Curbs,"{BODY}",\n2,More,"{BODY} Two.",\n')
    corpus, messages = load_quietly(path)
    assert corpus["doc_id"].tolist() == ["1", "2"]
    assert corpus.loc[0, "headline"] == "Curbs"
    assert messages == []


def test_other_files_linked_from_outside_are_ignored_but_broken_links_are_named(tmp_path):
    corpus_dir = tmp_path / "c"
    write(corpus_dir, "a.txt", BODY)
    write(tmp_path, "readme.md", "A note kept outside the corpus folder.\n")
    (corpus_dir / "notes.md").symlink_to(tmp_path / "readme.md")
    (corpus_dir / "gone.md").symlink_to(corpus_dir / "missing.md")
    corpus, messages = load_quietly(corpus_dir)
    assert corpus["doc_id"].tolist() == ["a"]
    assert messages == ["gone.md: broken symlink (its target does not exist) (skipped)"]
