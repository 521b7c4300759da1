"""Which language an article is written in: a quick English check, then py3langid (a maintained
fork of langid.py) for texts that fail it, so whole articles in another language, in any script,
are named instead of being cleaned away as furniture.
"""

from __future__ import annotations

from functools import lru_cache

from newsdesk.corpus.settings import (
    CORPUS_LANGUAGE,
    ENGLISH_FUNCTION_SHARE,
    ENGLISH_FUNCTION_WORDS,
    LANGUAGE_MIN_LETTERS,
    LANGUAGE_MIN_PROBABILITY,
    LANGUAGE_NAMES,
    LANGUAGE_SAMPLE_CHARS,
    LETTER_RE,
)
from newsdesk.text import WORD_RE

__all__ = [
    "detect_language",
    "foreign_language",
    "language_name",
]


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's identifier with normalised probabilities (loaded once, about 1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """``(ISO 639-1 code, probability)`` of the first ``LANGUAGE_SAMPLE_CHARS`` of ``text``."""
    code, probability = _identifier().classify(text[:LANGUAGE_SAMPLE_CHARS])
    return str(code), float(probability)


def language_name(code: str) -> str:
    """``"Chinese (zh)"`` for a code named in ``LANGUAGE_NAMES``, else the code itself."""
    return f"{LANGUAGE_NAMES[code]} ({code})" if code in LANGUAGE_NAMES else code


def _reads_as_english(sample: str) -> bool:
    words = [w.lower() for w in WORD_RE.findall(sample)]
    function_words = sum(w in ENGLISH_FUNCTION_WORDS for w in words)
    return bool(words) and function_words / len(words) >= ENGLISH_FUNCTION_SHARE


def foreign_language(text: str, corpus_language: str = CORPUS_LANGUAGE) -> str | None:
    """The code of the language ``text`` is written in when it is clearly not ``corpus_language``,
    else ``None`` (also when the text is too short to tell).

    English text passes on its share of function words; any other text goes to the detector,
    which must reach ``LANGUAGE_MIN_PROBABILITY``.
    """
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if len(LETTER_RE.findall(sample)) < LANGUAGE_MIN_LETTERS:
        return None
    if corpus_language == "en" and _reads_as_english(sample):
        return None
    code, probability = detect_language(sample)
    return code if code != corpus_language and probability >= LANGUAGE_MIN_PROBABILITY else None
