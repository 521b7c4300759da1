"""Who is quoted or cited: direct quotes, reported speech, "he said" resolution and the
speaker of each sentence, in one pass per article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from newsdesk.paths import lexicon_cache, read_word_list
from newsdesk.text import collapse_spaces, split_sentences, word_count

__all__ = [
    "Speech",
    "attribute_sentence",
    "cited_sources",
    "corpus_speech",
    "extract_quotes",
    "name_expander",
    "speaker_type",
    "speaker_vocab",
]

_QUOTE_PAIRS = (("“", "”"), ('"', '"'))
_MAX_APPOSITIVE_CHARS = 160  # "Michelle Giuda, chief executive officer at …, told" fits


@lexicon_cache
def _speaker_patterns() -> dict[str, re.Pattern]:
    verbs = sorted(read_word_list("speech_verbs.txt"), key=len, reverse=True)
    verb = r"(?:" + "|".join(re.escape(v) for v in verbs) + r")"
    token = r"[A-Z][\w’'.\-]*"
    name = rf"{token}(?:\s+(?:(?:of|for|and|de|van|von|al)\s+)?{token}){{0,5}}"
    groups = sorted((g.split(",")[0] for g in read_word_list("speaker_groups.txt")), key=len, reverse=True)
    group = r"(?i:(?:some\s+|many\s+|other\s+)?(?:" + "|".join(re.escape(g) for g in groups) + r"))"
    subject = rf"(?P<name>{name})|(?P<group>{group})|(?P<pron>[Hh]e|[Ss]he|[Tt]hey)"
    tail = (rf"(?:\s+(?:from|of|at|with)\s+(?:the\s+)?{name})?"
            rf"(?:,\s*[^,“”\"]{{1,{_MAX_APPOSITIVE_CHARS}}},)?,?"
            rf"\s+(?:has\s+|have\s+|had\s+|also\s+|\w+ly\s+)*")
    return {
        "subject_verb": re.compile(rf"(?:^|(?<=[\s(“\"]))(?:{subject}){tail}(?P<verb>{verb})\b"),
        "verb_subject": re.compile(rf"^\W*(?P<verb>{verb})\s+(?:{subject})"),
        "inverted": re.compile(rf",\s*(?P<verb>{verb})\s+(?:{subject})"),
        "according": re.compile(rf"\b[Aa]ccording to\s+(?:an?\s+\w+\s+(?:on|by|from|in)\s+)?"
                                rf"(?:the\s+)?(?:{subject})"),
        "name": re.compile(name),
        "cue": re.compile(rf"\b(?:{verb}|[Aa]ccording to)"),  # what every pattern above needs
    }


@lexicon_cache
def speaker_vocab() -> dict[str, object]:
    groups = dict(ln.split(",") for ln in read_word_list("speaker_groups.txt"))
    return {
        "titles": set(read_word_list("person_titles.txt")),
        "not_names": set(read_word_list("not_names.txt")),
        "institution_words": set(read_word_list("institution_words.txt")),
        "groups": groups,
    }


def _clean_name(raw: str) -> str:
    """Strip possessives, leading titles and non-name words from a capitalised phrase."""
    vocab = speaker_vocab()
    words = [w.rstrip(".,") for w in re.sub(r"[’']s\b", "", raw).split()]
    while words and (words[0].lower().strip(".") in vocab["titles"]
                     or words[0].lower() in vocab["not_names"]):
        words = words[1:]
    title_at = [i for i, w in enumerate(words) if w.lower().strip(".") in vocab["titles"]]
    if title_at and title_at[-1] < len(words) - 1:
        words = words[title_at[-1] + 1:]
    connector = next((i for i, w in enumerate(words) if w in ("of", "for", "from", "at")), None)
    if connector is not None and connector >= 2 and not any(
            w.lower() in vocab["institution_words"] for w in words[:connector]):
        words = words[:connector]  # "Ben Thompson of Stratechery" -> "Ben Thompson"
    return " ".join(words)


def speaker_type(speaker: str, context: str = "") -> str:
    """Classify a speaker as ``person`` or ``institution``; ``author`` for the writer.

    ``context`` is the text just before the name ("consultancy" in "consultancy
    TechInsights"). One-word names written in camel case or capitals (``OpenAI``, ``SMEE``)
    are institutions; so is any name containing a word from ``institution_words.txt``.
    """
    if speaker in ("", "author"):
        return "author"
    vocab = speaker_vocab()
    lowered = speaker.lower()
    if lowered in vocab["groups"]:
        return vocab["groups"][lowered]
    words = lowered.split()
    before = context.lower().split()[-2:]
    if any(w.strip(".,") in vocab["institution_words"] for w in words + before):
        return "institution"
    if lowered in vocab["institution_words"]:
        return "institution"
    if len(words) == 1 and (re.search(r"[a-z][A-Z]", speaker) or speaker.isupper()):
        return "institution"
    return "person"


def _match_speaker(match: re.Match) -> tuple[str, str]:
    """Turn a pattern match into ``(speaker, kind)``; kind is name, group or pronoun."""
    if match.group("pron"):
        return match.group("pron").lower(), "pronoun"
    if match.group("group"):
        group = re.sub(r"^(some|many|other)\s+", "", match.group("group").lower())
        return re.sub(r"^us\b", "US", group), "group"
    name = _clean_name(match.group("name"))
    return (name, "name") if name else ("", "")


def attribute_sentence(sentence: str) -> tuple[str, str]:
    """Who a sentence reports as speaking, from its own words only.

    Handles "X said", "said X", "according to X", "X argues that", "X told Bloomberg TV
    that", "X, a researcher at Y, said" and "some analysts warn". Pronoun subjects
    ("he said") come back as the pronoun; ``corpus_speech(...).sentences`` resolves them.

    Returns
    -------
    ``(speaker, speaker_type)``; ``("author", "author")`` when no speaker is found.
    """
    patterns = _speaker_patterns()
    text = collapse_spaces(sentence, strip=False)
    if not patterns["cue"].search(text):  # each pattern below needs a speech verb or "according to"
        return "author", "author"
    for key in ("according", "subject_verb", "inverted"):
        for match in patterns[key].finditer(text):
            speaker, kind = _match_speaker(match)
            if not speaker:
                continue
            if kind == "pronoun":
                return speaker, "pronoun"
            if kind == "group":
                return speaker, speaker_type(speaker)
            name_at = text.find(speaker, match.start())
            name_at = name_at if name_at >= 0 else match.start()
            return speaker, speaker_type(speaker, text[max(0, name_at - 40):name_at])
    return "author", "author"


def _quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of direct quotations, quote marks excluded."""
    spans = []
    for match in re.finditer(r"“([^“”]+)”", paragraph):
        spans.append((match.start(1), match.end(1)))
    for match in re.finditer(r'"([^"]+)"', paragraph):
        spans.append((match.start(1), match.end(1)))
    opened = re.search(r"“([^“”]+)$", paragraph)  # a quote running to the paragraph's end
    if opened:
        spans.append((opened.start(1), opened.end(1)))
    return sorted(spans)


def _attribution_after(quote: str, after: str) -> tuple[str, str] | None:
    """Speaker named right after a quote ("…,” said X" / "…,” he added"), if any.

    A quote that closes its sentence with a full stop, followed by a capitalised word,
    is followed by a new sentence, not by its attribution.
    """
    if re.search(r"\.\s*$", quote) and re.match(r"^\s*[A-Z]", after):
        return None
    match = re.match(r"^[,.!?]?\s*", after)
    rest = collapse_spaces(after[match.end():][:200], strip=False)
    patterns = _speaker_patterns()
    for key in ("verb_subject", "subject_verb"):
        found = patterns[key].match(rest)
        if found:
            speaker, kind = _match_speaker(found)
            if speaker:
                return speaker, kind
    return None


_EXTRACTED_QUOTE_COLUMNS = ["quote", "speaker", "speaker_type", "start", "end", "n_words"]
_SENTENCE_SPEAKER_COLUMNS = ["doc_id", "sent_id", "sentence", "speaker", "speaker_type", "attribution"]


@dataclass(frozen=True)
class _Paragraph:
    """One paragraph of an article: its text, its offset in the article, its sentences and
    each sentence's :func:`attribute_sentence`, computed once for quotes and speakers alike."""

    text: str
    offset: int
    sentences: list[str]
    attributions: list[tuple[str, str]]


def _paragraphs(text: str) -> list[_Paragraph]:
    """Every paragraph of ``text`` (blank ones too, so offsets add up), split and attributed."""
    out, offset = [], 0
    for paragraph in text.split("\n"):
        sentences = split_sentences(paragraph)
        out.append(_Paragraph(paragraph, offset, sentences, [attribute_sentence(s) for s in sentences]))
        offset += len(paragraph) + 1
    return out


def _persons_named(paragraph: _Paragraph) -> list[tuple[int, str]]:
    """``(offset, name)`` of each person a sentence of the paragraph reports as speaking."""
    named, cursor = [], 0
    groups = speaker_vocab()["groups"]
    for sentence, (speaker, stype) in zip(paragraph.sentences, paragraph.attributions, strict=True):
        position = paragraph.text.find(sentence, cursor)
        cursor = max(cursor, position + len(sentence))
        if stype == "person" and speaker not in groups:
            named.append((position, speaker))
    return named


def _quote_rows(paragraphs: list[_Paragraph]) -> list[dict]:
    """The rows of :func:`extract_quotes`, speakers not yet expanded to full names."""
    rows: list[dict] = []
    last_person = last_paragraph_speaker = ""
    for part in paragraphs:
        paragraph, offset = part.text, part.offset
        named = _persons_named(part)
        previous = ""
        for start, end in _quote_spans(paragraph):
            found = _attribution_after(paragraph[start:end], paragraph[end + 1:])
            if found is None:
                sentence_start = max(paragraph.rfind(". ", 0, start - 1) + 1, 0)
                speaker, kind = attribute_sentence(paragraph[sentence_start:max(start - 1, 0)])
                found = None if speaker == "author" else (speaker, kind)
            speaker, kind = found or (previous, "name")
            if kind == "pronoun":
                before = [name for position, name in named if position < start]
                speaker = before[-1] if before else last_person
            if not speaker and paragraph.lstrip().startswith(("“", '"')):
                speaker = last_paragraph_speaker
            stype = speaker_type(speaker, paragraph[:start]) if speaker else "unknown"
            if stype == "person" and kind != "group":
                last_person = speaker
            previous = speaker or previous
            quote = paragraph[start:end].strip(" ,")
            rows.append({"quote": quote, "speaker": speaker, "speaker_type": stype,
                         "start": offset + start, "end": offset + end, "n_words": word_count(quote)})
        if named and (not rows or named[-1][0] > rows[-1]["start"] - offset):
            last_person = named[-1][1]
        last_paragraph_speaker = previous or last_paragraph_speaker
    return rows


def _sentence_rows(text: str, paragraphs: list[_Paragraph], quotes: list[dict]) -> list[dict]:
    """The rows of ``corpus_speech(...).sentences`` for one article (no ``doc_id``), speakers not
    yet expanded; ``quotes`` are the article's :func:`_quote_rows`."""
    spans = [(q["start"], q["end"], q["speaker"], q["speaker_type"]) for q in quotes if q["speaker"] != ""]
    rows: list[dict] = []
    last_person = ""
    cursor = 0
    sentences = [pair for part in paragraphs
                 for pair in zip(part.sentences, part.attributions, strict=True)]
    for sent_id, (sentence, (speaker, stype)) in enumerate(sentences):
        start = text.find(sentence, cursor)
        end = start + len(sentence)
        cursor = max(cursor, end) if start >= 0 else cursor
        inside = next((q for q in spans if q[0] < end and q[1] > start), None)
        attribution = "reported"
        if inside is not None:
            speaker, stype, attribution = inside[2], inside[3], "quote"
        elif stype == "pronoun":
            speaker, stype, attribution = (last_person, "person", "pronoun") if last_person \
                else ("author", "author", "author")
        elif stype == "author":
            attribution = "author"
        if stype == "person" and attribution != "author":
            last_person = speaker
        rows.append({"sent_id": sent_id, "sentence": sentence, "speaker": speaker,
                     "speaker_type": stype, "attribution": attribution})
    return rows


def _article_speech(text: str) -> tuple[list[dict], list[dict]]:
    """Quotes and sentence speakers of one article, each sentence split and attributed once.

    Returns ``(quotes, sentences)``: the rows of :func:`extract_quotes` and of
    ``corpus_speech(...).sentences`` (without ``doc_id``), one-word names expanded by
    :func:`canonical_speakers`.
    """
    paragraphs = _paragraphs(text)
    quotes = _quote_rows(paragraphs)
    expand = name_expander(text)
    for row in quotes:
        row["speaker"] = expand(row["speaker"])
    sentences = _sentence_rows(text, paragraphs, quotes)
    for row in sentences:
        row["speaker"] = expand(row["speaker"])
    return quotes, sentences


def extract_quotes(text: str) -> pd.DataFrame:
    """Direct quotations in a clean article text, with their speakers.

    The speaker comes from the attribution right after the quote ("…,” said Liu Xu" /
    "…,” he added"), else from the reported-speech subject before it in the same
    sentence ("President Trump said … “should be …”"), else from another quote in the
    same paragraph, else, for a paragraph that is only a quote, from the previous
    paragraph's speaker. Pronouns resolve to the last person named as a speaker.

    Returns
    -------
    DataFrame ``quote, speaker, speaker_type, start, end, n_words`` with ``start``/``end``
    character offsets of the quote (marks excluded) in ``text``. ``speaker_type`` is
    ``person``, ``institution`` or ``unknown`` (no attribution found).
    """
    return pd.DataFrame(_article_speech(text)[0], columns=_EXTRACTED_QUOTE_COLUMNS)


_FULL_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")


def name_expander(text: str):
    """The function :func:`canonical_speakers` applies to each speaker of ``text``."""
    full_names = sorted(set(_FULL_NAME_RE.findall(text)))
    vocab = speaker_vocab()
    two_word = [n for n in full_names if len(n.split()) == 2
                and n.split()[0].lower() not in vocab["titles"]
                and n.split()[0].lower() not in vocab["not_names"]]

    def expand(speaker: str) -> str:
        if not speaker or " " in speaker or not speaker[:1].isupper():
            return speaker
        longer = [n for n in two_word if speaker in (n.split()[0], n.split()[-1])]
        return longer[0] if len(longer) == 1 else speaker

    return expand


class Speech(NamedTuple):
    """What :func:`corpus_speech` returns: two tables from one pass over the sentences."""

    quotes: pd.DataFrame
    """``doc_id`` plus the columns of :func:`extract_quotes`, in text order."""
    sentences: pd.DataFrame
    """``doc_id, sent_id, sentence, speaker, speaker_type, attribution``, one row per sentence
    of :func:`corpus_sentences`. ``attribution`` is ``quote`` (the sentence holds a direct
    quote), ``reported`` (reported speech), ``pronoun`` (resolved "he said"), or ``author``
    (the writer's own voice, ``speaker_type`` ``author``)."""


def corpus_speech(corpus: pd.DataFrame) -> Speech:
    """The one way to get an article's speech: its direct quotes and the speaker whose view
    each sentence carries, for every article, in one pass over its sentences.

    Returns a :class:`Speech` ``(quotes, sentences)``.
    """
    quote_rows, sentence_rows = [], []
    for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True):
        quotes, sentences = _article_speech(text)
        quote_rows.extend({"doc_id": doc_id, **row} for row in quotes)
        sentence_rows.extend({"doc_id": doc_id, **row} for row in sentences)
    return Speech(pd.DataFrame(quote_rows, columns=["doc_id", *_EXTRACTED_QUOTE_COLUMNS]),
                  pd.DataFrame(sentence_rows, columns=_SENTENCE_SPEAKER_COLUMNS))


def cited_sources(corpus: pd.DataFrame, speakers: pd.DataFrame | None = None) -> pd.DataFrame:
    """People and institutions quoted or cited per article.

    ``speakers`` is ``corpus_speech(corpus).sentences``, if already computed.

    Returns
    -------
    DataFrame ``doc_id, speaker, speaker_type, n_mentions``: sentences attributed to the
    speaker (quotes and reported speech), sorted by ``doc_id`` then ``speaker``.
    """
    if speakers is None:
        speakers = corpus_speech(corpus).sentences
    cited = speakers[speakers["speaker_type"].isin(["person", "institution"])]
    table = (cited.groupby(["doc_id", "speaker", "speaker_type"]).size()
             .rename("n_mentions").reset_index())
    return table.sort_values(["doc_id", "speaker"], kind="stable").reset_index(drop=True)
