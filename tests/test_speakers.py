"""Quote extraction and speaker attribution: every quote in the seeds, and crafted cases."""

import pandas as pd
import pytest

import helpers

# Every direct quotation in the five clean seed texts, with the speaker a reader names.
# (doc_id, opening words of the quote, speaker, speaker_type)
SEED_QUOTES = [
    ("000", "China has an obvious advantage", "Liu Xu", "person"),
    ("000", "The biggest resource for China", "Liu Xu", "person"),
    ("000", "should be a wake-up call", "Donald Trump", "person"),
    ("000", "positive development", "Donald Trump", "person"),
    ("000", "a really strong defense", "Michelle Giuda", "person"),
    ("000", "It’s a game changer", "Michelle Giuda", "person"),
    ("000", "Unless we have the engineers", "Michelle Giuda", "person"),
    ("000", "Bunch of talented 22-year-olds", "Tony Haymet", "person"),
    ("000", "It shows you how disruptive", "Tony Haymet", "person"),
    ("000", "And how quickly things can happen", "Tony Haymet", "person"),
    ("001", "Made in China 2025", "", "unknown"),  # a programme's name, no speaker
    ("002", "all of the decisions DeepSeek made", "Ben Thompson", "person"),
    ("002", "impressive", "Sam Altman", "person"),
    ("002", "DeepSeek's R1 is an impressive model", "Sam Altman", "person"),
    ("002", "But mostly we are excited", "Sam Altman", "person"),
    ("003", "We had grown so used", "Ye Kejiang", "person"),
    ("003", "Its success has demonstrated", "Ye Kejiang", "person"),
    ("003", "DeepSeek shows … China is not behind", "Ye Kejiang", "person"),
    ("003", "China has no shortage", "Ye Kejiang", "person"),
    ("003", "The ramification of this recent development", "David Chao", "person"),
    ("003", "This episode also raises questions", "David Chao", "person"),
    ("003", "DeepSeek represents a low-cost approach", "Ye Kejiang", "person"),
    ("003", "Computing power and chips remain", "Ye Kejiang", "person"),
    ("003", "We remain confident", "Ye Kejiang", "person"),
    ("003", "With open source, DeepSeek made", "Ye Kejiang", "person"),
    ("004", "Sputnik moment", "Marc Andreessen", "person"),
]
# Known miss: "the Republican president, who on Monday called … a 'wake-up call'" names no one.
KNOWN_MISSES = [("002", "wake-up call", "Donald Trump", "person")]


@pytest.fixture(scope="module")
def seed_quotes() -> pd.DataFrame:
    return helpers.corpus_speech(helpers.load_corpus("seeds")).quotes


def _find(quotes: pd.DataFrame, doc_id: str, opening: str) -> pd.Series:
    hits = quotes[(quotes["doc_id"] == doc_id) & quotes["quote"].str.startswith(opening)]
    assert len(hits) == 1, (doc_id, opening, len(hits))
    return hits.iloc[0]


def test_every_seed_quote_is_found(seed_quotes):
    expected = sorted((d, o) for d, o, _, _ in SEED_QUOTES + KNOWN_MISSES)
    found = sorted((row.doc_id, next((o for d, o, _, _ in SEED_QUOTES + KNOWN_MISSES
                                      if d == row.doc_id and row.quote.startswith(o)), row.quote))
                   for row in seed_quotes.itertuples())
    assert found == expected


@pytest.mark.parametrize("doc_id,opening,speaker,kind", SEED_QUOTES)
def test_seed_quote_speaker(seed_quotes, doc_id, opening, speaker, kind):
    row = _find(seed_quotes, doc_id, opening)
    assert (row["speaker"], row["speaker_type"]) == (speaker, kind)


@pytest.mark.xfail(strict=True, reason="speaker named only as 'the Republican president'")
@pytest.mark.parametrize("doc_id,opening,speaker,kind", KNOWN_MISSES)
def test_seed_quote_speaker_known_misses(seed_quotes, doc_id, opening, speaker, kind):
    row = _find(seed_quotes, doc_id, opening)
    assert (row["speaker"], row["speaker_type"]) == (speaker, kind)


def test_quote_offsets_point_into_the_clean_text():
    corpus = helpers.load_corpus("seeds")
    texts = corpus.set_index("doc_id")["text"]
    quotes = helpers.corpus_speech(corpus).quotes
    for row in quotes.itertuples():
        assert texts[row.doc_id][row.start:row.end].strip(" ,") == row.quote


@pytest.mark.parametrize("sentence,speaker,kind", [
    ("The curbs are working, said Jane Park, a fellow at the Example Institute.", "Jane Park", "person"),
    ("Jane Park, a fellow at the Example Institute, said the curbs are working.", "Jane Park", "person"),
    ("According to Jane Park, the curbs are working.", "Jane Park", "person"),
    ("Professor Jane Park from Example University has pointed out that the curbs work.",
     "Jane Park", "person"),
    ("Jane Park told Bloomberg TV that the curbs are working.", "Jane Park", "person"),
    ("Tech analyst Sam Lee of Example Research argues that the curbs backfired.", "Sam Lee", "person"),
    ("Some analysts warn that the rules are easy to evade.", "analysts", "person"),
    ("US officials questioned the efficacy of the sanctions.", "US officials", "institution"),
    ("Consultancy TechInsights said in fresh research that the chip is new.", "TechInsights",
     "institution"),
    ("The Commerce Department said the rule takes effect in March.", "Commerce Department",
     "institution"),
    ("The rule takes effect in March.", "author", "author"),
    ("On Monday the rule took effect.", "author", "author"),
])
def test_attribute_sentence(sentence, speaker, kind):
    assert helpers.attribute_sentence(sentence) == (speaker, kind)


def test_pronoun_is_returned_for_the_caller_to_resolve():
    assert helpers.attribute_sentence("The curbs are biting, she said.") == ("she", "pronoun")


def test_extract_quotes_resolves_pronouns_and_continuations():
    text = ("“The controls are biting,” said Jane Park, a fellow at the Example Institute.\n"
            "“They will keep biting,” she added. “For years.”\n"
            "“Nobody can buy these chips now.”\n"
            "Officials disagreed.")
    quotes = helpers.extract_quotes(text)
    assert quotes["quote"].tolist() == ["The controls are biting", "They will keep biting",
                                        "For years.", "Nobody can buy these chips now."]
    assert quotes["speaker"].tolist() == ["Jane Park"] * 4
    assert (quotes["n_words"] >= 2).all()


def test_full_stop_inside_quote_does_not_take_the_next_sentence_as_speaker():
    text = "The president said the release “should be a wake-up call.” He also praised it."
    quotes = helpers.extract_quotes(text)
    assert quotes["speaker"].tolist() == ["president"] or quotes["speaker"].tolist() == [""]


def test_surnames_expand_to_the_full_name_used_in_the_text():
    text = "Sam Altman spoke. “It is impressive,” Altman said."
    assert helpers.extract_quotes(text)["speaker"].tolist() == ["Sam Altman"]


def test_sentence_speakers_marks_the_writers_own_voice():
    corpus = pd.DataFrame({"doc_id": ["x"], "text": [
        "The curbs took effect in 2023.\nJane Park said they were working. “They bite,” she added."]})
    table = helpers.corpus_speech(corpus).sentences
    assert table[["speaker", "speaker_type", "attribution"]].values.tolist() == [
        ["author", "author", "author"],
        ["Jane Park", "person", "reported"],
        ["Jane Park", "person", "quote"],
    ]


def test_cited_sources_counts_sentences_per_speaker():
    corpus = helpers.load_corpus("seeds")
    cited = helpers.cited_sources(corpus)
    people = cited[cited["speaker_type"] == "person"]
    liang = people[people["speaker"] == "Liang Wenfeng"]
    assert liang["doc_id"].tolist() == ["000", "001", "002", "003", "004"]
    assert set(people.loc[people["doc_id"] == "001", "speaker"]) == {
        "Liang Wenfeng", "Liu Xu", "Michelle Giuda"}


def test_one_pass_over_the_corpus_equals_article_by_article():
    corpus = helpers.load_corpus("seeds")
    quotes, speakers = helpers.corpus_speech(corpus)
    for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True):
        alone = helpers.extract_quotes(text)
        mine = quotes[quotes["doc_id"] == doc_id].drop(columns="doc_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
    assert speakers["sentence"].tolist() == helpers.corpus_sentences(corpus)["sentence"].tolist()
    pd.testing.assert_frame_equal(helpers.cited_sources(corpus, speakers), helpers.cited_sources(corpus))


@pytest.mark.parametrize("sentence", [
    "The essays were unsaid and the drawer stayed shut.",  # speech verbs only inside other words
    "Accordingly, the rules changed.",
    "",
])
def test_sentences_without_a_speech_verb_are_the_authors(sentence):
    assert helpers.attribute_sentence(sentence) == ("author", "author")
