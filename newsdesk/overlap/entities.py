"""What a story is made of: the named entities and the numbers with units of one article.

No maintained extractor fits here without a model download: spaCy and NLTK need pipelines or
data that cannot be fetched, and ``quantulum3`` (0.10.0) loads a pickled classifier that the
pinned scikit-learn cannot read, reads "10,000 GPUs" as a physical unit and takes seconds per
article. So both extractors are regular expressions over the text, with their word lists in
``lexicons/`` (``entity_stopwords.txt``, ``number_units.csv``), and tested on hand-made text.

- An **entity** is a run of capitalised words ("Bureau of Industry and Security", "Nvidia"),
  an acronym ("BIS", "HBM") or a product code ("H20", "Ascend 910C"). Titles and sentence-start
  words are stripped; a surname alone joins the full name it shortens in the same article.
- A **number** is a value with its unit, scaled and keyed so that different writings agree:
  "$2 billion", "US$2bn" and "2 billion dollars" all give ``2000000000 USD``; "25%" and "25 per
  cent" give ``25 %``; "10,000 GPUs" gives ``10000 gpu``. Bare years and small bare numbers are
  not kept: they date or count everything.
"""

from __future__ import annotations

import calendar
import re
from functools import cache

from newsdesk.paths import lexicon_cache, read_lexicon_table, read_word_list
from newsdesk.text import entity_key, normalize_text

__all__ = [
    "article_entities",
    "article_numbers",
    "number_units",
]

# One capitalised word: a letter-led word with a capital first, an acronym, or a digit-led code
# with letters ("910C"); words may hold inner hyphens, apostrophes and ampersands ("AT&T").
_CAP_WORD = r"(?:[A-Z][\w&'-]*[\w&]|[A-Z]|\d+[A-Z][\w-]*)"
_CONNECTOR = r"(?:of|for|and|&|de|van|von|der|del|al|la)"
_ENTITY_RE = re.compile(rf"(?<![\w&'-]){_CAP_WORD}(?:[ ](?:{_CONNECTOR}[ ])?{_CAP_WORD})*(?![\w&'$-])")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:]['\")\]]?\s+|\n\s*|[\"'(\[]\s*)$")
_POSSESSIVE_RE = re.compile(r"'s?$")
_CODE_RE = re.compile(r"[A-Z].*\d|\d.*[A-Z]|^[A-Z]{2,}$|[a-z][A-Z]")  # acronym, code, or "DeepSeek"


@lexicon_cache
def _entity_stopwords() -> frozenset[str]:
    """Lower-case words that never make an entity on their own or start one (sentence-start
    function words, months, weekdays, titles): ``not_names.txt``, ``person_titles.txt`` and
    ``entity_stopwords.txt``."""
    words = set(read_word_list("not_names.txt")) | set(read_word_list("person_titles.txt"))
    months = {name for name in calendar.month_abbr[1:]} | {"Sept"}
    return frozenset(w.lower() for w in words | months | set(read_word_list("entity_stopwords.txt")))


def _trim(words: list[str], stop: frozenset[str]) -> list[str]:
    """Drop stop words (titles, "The", months) and dangling connectors from both ends."""
    while words and (_POSSESSIVE_RE.sub("", words[0].lower()) in stop or words[0].lower() in _EDGE_WORDS):
        words = words[1:]
    while words and (words[-1].lower() in stop or words[-1].lower() in _EDGE_WORDS):
        words = words[:-1]
    return words


_EDGE_WORDS = frozenset({"the", "of", "for", "and", "&", "de", "van", "von", "der", "del", "al", "la"})


def _split_run(words: list[str]) -> list[list[str]]:
    """One capitalised run as one or more entities: split after a possessive ("Commerce
    Department's Bureau of ...") and at "and" unless an "of" comes before it ("Bureau of
    Industry and Security" stays whole, "Nvidia and AMD" splits)."""
    parts: list[list[str]] = [[]]
    for word in words:
        if word.lower() in {"and", "&"} and "of" not in [w.lower() for w in parts[-1]]:
            parts.append([])
            continue
        parts[-1].append(word)
        if _POSSESSIVE_RE.search(word) and word != words[-1]:
            parts.append([])
    return [part for part in parts if part]


def _runs(clean: str) -> list[tuple[list[str], bool]]:
    """Capitalised runs of ``clean`` text as word lists, each with whether it opens a sentence."""
    return [(match.group(0).split(" "),
             bool(_SENTENCE_START_RE.search(clean[max(0, match.start() - 4):match.start()])))
            for match in _ENTITY_RE.finditer(clean)]


def article_entities(text: str) -> list[str]:
    """The distinct named entities of one article, as :func:`entity_key` keys, sorted.

    A capitalised word that opens a sentence, alone or before "of"/"and", is kept only if it is
    an acronym or code, or the same word is also capitalised inside a sentence of the article
    (so "Companies" gives no entity and "Shares of Nvidia" gives "Nvidia", while a recurring
    "Nvidia" or a two-word name such as "Howard Lutnick" opening a sentence is kept).
    Acronyms and codes inside a longer run ("Nvidia H20") are entities of their own too. A
    one-word entity that is the last word of exactly one longer one in the same article
    ("Lutnick" after "Howard Lutnick") merges into it.
    """
    stop = _entity_stopwords()
    runs = _runs(normalize_text(text))
    inside = {word for words, opens in runs for word in (words[1:] if opens else words)}
    keys: set[str] = set()
    codes: set[str] = set()
    for words, opens in runs:
        if opens and not _CODE_RE.search(words[0]) and words[0] not in inside and \
                (len(words) == 1 or words[1].lower() in _EDGE_WORDS):
            words = words[1:]
        for part in _split_run(_trim(words, stop)):
            part = _trim(part, stop)
            if not part or (len(part) == 1 and len(part[0]) == 1):
                continue
            keys.add(entity_key(" ".join(part)))
            if len(part) > 1:
                codes.update(entity_key(w) for w in part if _CODE_RE.search(w))
    keys = (keys | codes) - {""}
    lasts: dict[str, set[str]] = {}
    for key in keys:
        parts = key.split(" ")
        if len(parts) > 1:
            lasts.setdefault(parts[-1], set()).add(key)
    return sorted(key for key in keys
                  if key in codes or not (" " not in key and len(lasts.get(key, ())) == 1))


@lexicon_cache
def number_units() -> dict[str, dict[str, tuple[str, float]]]:
    """``lexicons/number_units.csv`` by kind: ``{"currency" | "unit" | "scale": {surface:
    (key, factor)}}``, surfaces in lower case."""
    table = read_lexicon_table("number_units")
    units: dict[str, dict[str, tuple[str, float]]] = {"currency": {}, "unit": {}, "scale": {}}
    for row in table.itertuples(index=False):
        units[row.kind][row.surface.lower()] = (row.key, float(row.factor or 1))
    return units


@cache
def _number_re(currencies: tuple[str, ...], scales: tuple[str, ...], units: tuple[str, ...]) -> re.Pattern:
    def alternation(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    return re.compile(
        rf"(?<![\w.,$€£¥-])(?P<cur>{alternation(currencies)})?\s?"
        rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]*[A-Za-z]\d)"
        rf"(?:\s?-?(?P<scale>{alternation(scales)})\b)?"
        rf"(?:\s?-?(?P<unit>{alternation(units)})(?![\w]))?",
        re.IGNORECASE)


def _format_value(value: float) -> str:
    """A value without float noise or trailing zeros: 4100000000.0000005 → ``4100000000``."""
    return f"{round(value, 4):.4f}".rstrip("0").rstrip(".")


def article_numbers(text: str, min_bare: float = 10.0) -> list[str]:
    """The distinct numbers with units of one article, keyed (see the module notes), sorted.

    A currency sign before the value or a unit word after it gives the key's unit; a scale
    word ("billion", "bn") multiplies the value. A bare count is keyed by its value alone, so
    "27 companies" and "27 Chinese firms" agree; a bare value under ``min_bare``, a year
    (1900-2100) and a day after a month name are dropped.
    """
    units = number_units()
    months = {name.lower() for name in calendar.month_name[1:]} | \
        {name.lower() for name in calendar.month_abbr[1:]}
    pattern = _number_re(tuple(units["currency"]), tuple(units["scale"]), tuple(units["unit"]))
    clean = normalize_text(text)
    keys: set[str] = set()
    for match in pattern.finditer(clean):
        value = float(match.group("num").replace(",", ""))
        scale = match.group("scale")
        if scale:
            value *= units["scale"][scale.lower()][1]
        cur, unit = match.group("cur"), match.group("unit")
        if cur or unit:
            kind, surface = ("currency", cur) if cur else ("unit", unit)
            keys.add(f"{_format_value(value)} {units[kind][surface.lower()][0]}")
        else:
            before = clean[:match.start()].rstrip().rsplit(" ", 1)[-1].lower().rstrip(".,")
            year = 1900 <= value <= 2100 and match.group("num").isdigit()
            if before in months or (year and not scale) or (value < min_bare and not scale):
                continue
            keys.add(_format_value(value))
    return sorted(keys)
