"""Publication dates (newsdesk.corpus.dates): plausible window, relative words, time zones,
day/month order. Each case is an input named in issue 12."""


import pandas as pd
import pytest
from corpus_inputs import load_quietly, write

import helpers

BODY = (
    "Chipmakers in China face new limits on what they can buy.\n"
    "Officials said the rules would take effect next month, and analysts expect delays.\n"
)




@pytest.mark.parametrize("value", ["2502-01-27", "3000-01-01", "0099-01-01"])
def test_out_of_range_metadata_date_warns_and_is_left_empty(tmp_path, value):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", f"file,published\na.txt,{value}\n")
    corpus, messages = load_quietly(tmp_path)
    assert pd.isna(corpus.loc[0, "published"])
    assert len(messages) == 1 and messages[0].startswith("a.txt: ")
    assert value in messages[0] and "outside" in messages[0]
    with pytest.raises(ValueError, match=rf"^a\.txt: .*{value}.*outside"):
        helpers.load_corpus(tmp_path, strict=True)


def test_out_of_range_export_date_warns_and_is_left_empty(tmp_path):
    path = write(tmp_path, "export.csv", f'id,publish_date,text\n1,2502-01-27,"{BODY}"\n')
    corpus, messages = load_quietly(path)
    assert pd.isna(corpus.loc[0, "published"])
    assert messages and "export.csv#row1" in messages[0] and "2502-01-27" in messages[0]


@pytest.mark.parametrize("line, value", [
    ("On 14 October 1066 the Normans won at Hastings.", "14 October 1066"),
    ("On July 4, 1776 the colonies declared independence.", "July 4, 1776"),
])
def test_history_date_in_the_text_is_not_the_publication_date(tmp_path, line, value):
    write(tmp_path, "a.txt", f"{line}\n{BODY}")
    corpus, messages = load_quietly(tmp_path)
    assert pd.isna(corpus.loc[0, "published"])
    assert value in corpus.loc[0, "date_basis"] and "outside" in corpus.loc[0, "date_basis"]
    assert len(messages) == 1 and messages[0].startswith("a.txt: ") and value in messages[0]


def test_text_date_inside_the_window_is_still_used():
    stamp, basis, _ = helpers.date_from_text("On 14 October 1066 the Normans won.\n27 January 2025\n" + BODY)
    assert stamp == pd.Timestamp("2025-01-27")
    assert "line 2" in basis


@pytest.mark.parametrize("value", ["today", "now", "Yesterday", "2 days ago"])
def test_relative_metadata_dates_are_rejected(tmp_path, value):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", f"file,published\na.txt,{value}\n")
    corpus, messages = load_quietly(tmp_path)
    assert pd.isna(corpus.loc[0, "published"])
    assert len(messages) == 1 and "relative" in messages[0] and repr(value) in messages[0]


def test_offset_keeps_the_publishers_local_date_and_records_the_offset(tmp_path):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "metadata.csv", "file,published\na.txt,2025-01-27T20:00:00-05:00\n")
    corpus, messages = load_quietly(tmp_path)
    assert corpus.loc[0, "published"] == pd.Timestamp("2025-01-27")
    assert "-05:00" in corpus.loc[0, "date_basis"]
    assert messages == []


def test_day_month_order_is_resolved_per_file_and_reported(tmp_path):
    path = write(tmp_path, "export.csv",
                 f'id,publish_date,text\n1,05/01/2025,"{BODY}"\n2,25/01/2025,"{BODY} Two."\n')
    corpus, messages = load_quietly(path)
    assert corpus["published"].tolist() == [pd.Timestamp("2025-01-05"), pd.Timestamp("2025-01-25")]
    assert len(messages) == 1 and messages[0].startswith("export.csv: ")
    assert "day-first" in messages[0] and "25/01/2025" in messages[0]
    with pytest.raises(ValueError, match=r"^export\.csv: .*day-first"):
        helpers.load_corpus(path, strict=True)


def test_ambiguous_day_month_with_no_evidence_is_rejected(tmp_path):
    path = write(tmp_path, "export.csv", f'id,publish_date,text\n1,05/01/2025,"{BODY}"\n')
    corpus, messages = load_quietly(path)
    assert pd.isna(corpus.loc[0, "published"])
    assert len(messages) == 1 and "ambiguous" in messages[0] and "05/01/2025" in messages[0]


def test_parse_date_accepts_the_usual_forms():
    assert helpers.parse_date("2025-01-28") == pd.Timestamp("2025-01-28")
    assert helpers.parse_date("2025-01-28 10:00:00") == pd.Timestamp("2025-01-28")
    assert helpers.parse_date("Jan 28, 2025") == pd.Timestamp("2025-01-28")
    assert helpers.parse_date("2025-01-28T23:30:00Z") == pd.Timestamp("2025-01-28")
    assert pd.isna(helpers.parse_date(""))
    with pytest.raises(ValueError, match="incomplete"):
        helpers.parse_date("January 28")
