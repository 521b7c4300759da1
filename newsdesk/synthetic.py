"""Generated corpora for tests, benchmarks and notebook 05: planted copies and retellings,
and a Media Cloud-style export of made-up articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from newsdesk.overlap.settings import QUOTE_COLUMNS, SOURCE_COLUMNS

__all__ = [
    "EXPORT_COLUMNS",
    "planted_copies",
    "planted_corpus",
    "synthetic_export",
]

_PLANT_MIX = (0.55, 0.30, 0.15)  # word source shares in synthetic text: background, topic, story


def _syllable_words(rng: np.random.Generator, n: int, min_syl: int, max_syl: int) -> list[str]:
    onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
              "z", "br", "ch", "dr", "gr", "kl", "pr", "sh", "st", "tr", "th"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rk"]
    words: dict[str, None] = {}
    while len(words) < n:
        k = int(rng.integers(min_syl, max_syl + 1))
        word = "".join(onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                       + codas[rng.integers(len(codas))] for _ in range(k))
        words.setdefault(word, None)
    return list(words)


@dataclass
class _PlantWorld:
    rng: np.random.Generator
    vocab: np.ndarray
    zipf_cdf: np.ndarray
    topics: list[np.ndarray]
    first_names: list[str]
    last_names: list[str]

    def words(self, n: int, topic: int, story_words: np.ndarray) -> list[str]:
        source = self.rng.choice(3, size=n, p=_PLANT_MIX)
        ranks = np.minimum(np.searchsorted(self.zipf_cdf, self.rng.random(n)), len(self.vocab) - 1)
        out = self.vocab[ranks].astype(object)
        topic_words = self.topics[topic]
        n_topic, n_story = int((source == 1).sum()), int((source == 2).sum())
        out[source == 1] = self.vocab[topic_words[self.rng.integers(len(topic_words), size=n_topic)]]
        out[source == 2] = self.vocab[story_words[self.rng.integers(len(story_words), size=n_story)]]
        return list(out)

    def sentence(self, topic: int, story_words: np.ndarray, low: int = 8, high: int = 28) -> str:
        words = self.words(int(self.rng.integers(low, high)), topic, story_words)
        return " ".join(words).capitalize() + "."


def _plant_world(seed: int, vocab_size: int, n_topics: int) -> _PlantWorld:
    rng = np.random.default_rng(seed)
    vocab = np.array(_syllable_words(rng, vocab_size, 1, 4), dtype=object)
    ranks = np.arange(1, vocab_size + 1, dtype=float)
    zipf = 1.0 / (ranks + 2.7)
    zipf /= zipf.sum()
    topics = [rng.choice(np.arange(300, vocab_size), size=400, replace=False) for _ in range(n_topics)]
    first = [w.capitalize() for w in _syllable_words(rng, 400, 1, 2)]
    last = [w.capitalize() for w in _syllable_words(rng, 800, 2, 3)]
    return _PlantWorld(rng, vocab, np.cumsum(zipf), topics, first, last)


def _plant_story(world: _PlantWorld, topic: int) -> dict:
    rng = world.rng
    story_words = rng.choice(np.arange(3000, len(world.vocab)), size=15, replace=False)
    speakers = sorted({f"{world.first_names[rng.integers(len(world.first_names))]} "
                       f"{world.last_names[rng.integers(len(world.last_names))]}" for _ in range(3)})
    quotes = [(world.sentence(topic, story_words, 10, 24)[:-1], speakers[q % len(speakers)])
              for q in range(3)]
    return {"topic": topic, "words": story_words, "speakers": speakers, "quotes": quotes}


def _plant_article(world: _PlantWorld, story: dict, edit_quotes: bool) -> list[dict]:
    """Paragraphs of a fresh article on ``story``: ``{"text", "quotes": [(quote, speaker)]}``."""
    rng = world.rng
    quotes = list(story["quotes"])
    if edit_quotes:
        quotes = [(_edit_words(world, q, 1.0 / max(len(q.split()), 1)), s) for q, s in quotes]
    n_par = int(rng.integers(6, 16))
    quote_slots = sorted(rng.choice(np.arange(1, n_par), size=min(len(quotes), n_par - 1), replace=False))
    paragraphs = []
    for p in range(n_par):
        sentences = [world.sentence(story["topic"], story["words"]) for _ in range(int(rng.integers(1, 4)))]
        if p in quote_slots:
            quote, speaker = quotes[quote_slots.index(p)]
            paragraphs.append({"text": f'"{quote}," said {speaker}. ' + " ".join(sentences[:1]),
                               "quotes": [(quote, speaker)]})
        else:
            if rng.random() < 0.3:
                speaker = story["speakers"][rng.integers(len(story["speakers"]))]
                sentences.append(f"That is according to {speaker}.")
            paragraphs.append({"text": " ".join(sentences), "quotes": []})
    return paragraphs


def _edit_words(world: _PlantWorld, text: str, rate: float) -> str:
    """Replace each space-separated word with a random common word with probability ``rate``."""
    words = text.split(" ")
    hits = world.rng.random(len(words)) < rate
    for i in np.nonzero(hits)[0]:
        words[i] = str(world.vocab[world.rng.integers(200)])
    return " ".join(words)


def planted_corpus(n_docs: int, seed: int = 0, copy_share: float = 0.1, retell_share: float = 0.1,
                   max_edit_rate: float = 0.1, vocab_size: int = 20000) -> dict[str, pd.DataFrame]:
    """A synthetic corpus with planted near-duplicates and retellings, for benchmarks and tests.

    Text is sampled word by word from a Zipf background over ``vocab_size`` made-up words mixed
    with topic and story words (``_PLANT_MIX``); no paragraph is reused except by planting.
    Each new article either copies an earlier original (``copy_share``: each word replaced with
    probability up to ``max_edit_rate``, paragraphs sometimes cut or added), retells an earlier
    original's story (``retell_share``: same speakers and quotes, quotes sometimes edited by a word,
    all prose new), or starts a new story.

    Returns
    -------
    ``{"corpus", "truth", "quotes", "sources"}``: ``corpus`` has ``doc_id, text, raw_text``;
    ``truth`` has ``doc_a, doc_b, kind`` (copy / retelling) for every pair of articles on the
    same planted story (``corpus["topic"]`` gives each article's topic); ``quotes`` and
    ``sources`` have the shapes of ``corpus_speech(...).quotes`` and ``cited_sources`` for the planted
    quotes and speakers.
    """
    n_topics = max(4, n_docs // 40)
    world = _plant_world(seed, vocab_size, n_topics)
    rng = world.rng
    docs, stories, lineage, originals = [], [], [], []
    for n in range(n_docs):
        roll = rng.random()
        if originals and roll < copy_share:
            base = originals[rng.integers(len(originals))]
            rate = float(rng.uniform(0, max_edit_rate))
            paragraphs = [{"text": _edit_words(world, p["text"], rate), "quotes": p["quotes"]}
                          for p in docs[base]]
            if rng.random() < 0.3 and len(paragraphs) > 4:
                paragraphs = paragraphs[:len(paragraphs) - int(rng.integers(1, 3))]
            if rng.random() < 0.3:
                story = stories[base]
                paragraphs.append({"text": world.sentence(story["topic"], story["words"]), "quotes": []})
            docs.append(paragraphs)
            stories.append(stories[base])
            lineage.append(base)
        elif originals and roll < copy_share + retell_share:
            base = originals[rng.integers(len(originals))]
            docs.append(_plant_article(world, stories[base], edit_quotes=rng.random() < 0.5))
            stories.append(stories[base])
            lineage.append(n)
        else:
            story = _plant_story(world, int(rng.integers(n_topics)))
            docs.append(_plant_article(world, story, edit_quotes=False))
            stories.append(story)
            lineage.append(n)
            originals.append(n)
    ids = [f"s{n:05d}" for n in range(n_docs)]
    texts = ["\n".join(p["text"] for p in paragraphs) for paragraphs in docs]
    corpus = pd.DataFrame({"doc_id": ids, "text": texts, "raw_text": texts,
                           "topic": [s["topic"] for s in stories]})
    story_ids = [id(s) for s in stories]
    truth = []
    groups: dict[int, list[int]] = {}
    for n, key in enumerate(story_ids):
        groups.setdefault(key, []).append(n)
    for members in groups.values():
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                kind = "copy" if lineage[a] == lineage[b] or lineage[b] == a or lineage[a] == b \
                    else "retelling"
                truth.append({"doc_a": ids[a], "doc_b": ids[b], "kind": kind})
    truth = pd.DataFrame(truth, columns=["doc_a", "doc_b", "kind"])
    quote_rows, source_rows = [], []
    for n, paragraphs in enumerate(docs):
        for quote, speaker in sorted({q for p in paragraphs for q in p["quotes"]}):
            start = texts[n].find(quote)
            quote_rows.append({"doc_id": ids[n], "quote": quote, "speaker": speaker,
                               "speaker_type": "person", "start": start,
                               "end": start + len(quote) if start >= 0 else -1})
        for speaker in stories[n]["speakers"]:
            count = texts[n].count(speaker)
            if count:
                source_rows.append({"doc_id": ids[n], "speaker": speaker, "speaker_type": "person",
                                    "n_mentions": count})
    return {"corpus": corpus, "truth": truth.sort_values(["doc_a", "doc_b"]).reset_index(drop=True),
            "quotes": pd.DataFrame(quote_rows, columns=QUOTE_COLUMNS),
            "sources": pd.DataFrame(source_rows, columns=SOURCE_COLUMNS)}


# Synthetic corpora for benchmarks and tests, and the Dask path for corpora too large for
# one process. The Dask functions map the per-article functions above over partitions;
# they hold no analysis logic of their own.
_SYNTH_GENERATED_SHARE = 0.15  # share of words replaced by made-up tokens: the vocabulary keeps growing
_SYNTH_VOCAB = 100_000  # made-up tokens (names, places, jargon), drawn with Zipf-like frequencies
_SYNTH_ZIPF_SHIFT = 2.7  # Zipf–Mandelbrot offset of the made-up tokens' frequencies
_SYNTH_NAME_SHARE = 0.3  # made-up tokens written capitalised, as names are
_SYNTH_MIN_WORDS = 6  # a sentence ends at a full stop only after this many words
_SYNTH_MAX_WORDS = 40  # and always after this many
_SYNTH_PARAGRAPHS = (6, 16)  # paragraphs per article (uniform, inclusive)
_SYNTH_SENTENCES = (1, 3)  # sentences per paragraph (uniform, inclusive)
_SYNTH_COPY_SHARE = 0.05  # articles planted as near-duplicates of an earlier original
_SYNTH_EXACT_SHARE = 0.02  # articles planted as exact copies (the loader flags them)
_SYNTH_COPY_DELAY_DAYS = 4  # a planted copy appears 0-3 days after its original
_SYNTH_EDIT_RATE = 0.03  # share of a near-duplicate's words replaced
_SYNTH_UNDATED_SHARE = 0.1  # articles without a date, as in real exports
_SYNTH_OUTLETS = 20  # made-up outlet names
_SYNTH_BATCH = 20_000  # sentences generated at once; bounds the generator's memory
EXPORT_COLUMNS = ["stories_id", "title", "publish_date", "media_name", "url", "text", "notes"]


def _made_up_words(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct pronounceable made-up lowercase words of 1–3 syllables."""
    onsets = np.array(["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
                       "w", "z", "br", "ch", "dr", "gr", "kl", "pr", "sh", "st", "tr", "th", "x"])
    vowels = np.array(["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"])
    codas = np.array(["", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rk", "ng"])
    found: dict[str, None] = {}
    while len(found) < n:
        size = 2 * (n - len(found)) + 16
        n_syl = rng.integers(1, 4, size)
        syllables = (onsets[rng.integers(len(onsets), size=(size, 4))]
                     + vowels[rng.integers(len(vowels), size=(size, 4))]
                     + codas[rng.integers(len(codas), size=(size, 4))])
        for i in range(size):
            found.setdefault("".join(syllables[i, :n_syl[i]]), None)
            if len(found) == n:
                break
    return np.array(list(found), dtype=object)


@dataclass(frozen=True)
class _Chain:
    """A word-level Markov chain (order 1): successors of token ``t`` are
    ``succ[offset[t]:offset[t + 1]]``, with repeats, so sampling follows their frequency."""

    vocab: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    offset: np.ndarray
    succ: np.ndarray


def _markov_chain(texts: list[str]) -> _Chain:
    """Fit the chain on whitespace tokens of each paragraph; punctuation stays on the words."""
    index: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    starts: list[int] = []
    for text in texts:
        for paragraph in text.split("\n"):
            ids = [index.setdefault(w, len(index)) for w in paragraph.split()]
            if ids:
                starts.append(ids[0])
                pairs.extend(zip(ids, ids[1:], strict=False))
    vocab = np.array(list(index), dtype=object)
    ends = np.array([bool(re.search(r"[.!?][\"”’')]?$", w)) for w in vocab], dtype=bool)
    for a, b in pairs:
        if ends[a]:
            starts.append(b)
    pair_arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    order = np.lexsort((pair_arr[:, 1], pair_arr[:, 0]))
    pair_arr = pair_arr[order]
    offset = np.searchsorted(pair_arr[:, 0], np.arange(len(vocab) + 1)).astype(np.int64)
    return _Chain(vocab, np.array(sorted(starts), dtype=np.int64), ends, offset, pair_arr[:, 1].copy())


def _chain_sentences(chain: _Chain, rng: np.random.Generator, n: int, made_up: np.ndarray,
                     made_up_cdf: np.ndarray) -> list[str]:
    """``n`` sentences walked on the chain, with made-up tokens swapped in for plain words."""
    words = np.concatenate([chain.vocab, made_up])
    plain = np.concatenate([np.array([w.isalpha() for w in chain.vocab], dtype=bool),
                            np.zeros(len(made_up), dtype=bool)])
    out: list[str] = []
    for lo in range(0, n, _SYNTH_BATCH):
        size = min(_SYNTH_BATCH, n - lo)
        grid = np.full((size, _SYNTH_MAX_WORDS), -1, dtype=np.int64)
        cur = chain.starts[rng.integers(len(chain.starts), size=size)]
        active = np.ones(size, dtype=bool)
        for step in range(_SYNTH_MAX_WORDS):
            grid[active, step] = cur[active]
            n_succ = chain.offset[cur + 1] - chain.offset[cur]
            active &= ~((n_succ == 0) | (chain.ends[cur] & (step + 1 >= _SYNTH_MIN_WORDS)))
            if not active.any():
                break
            pick = chain.offset[cur] + (rng.random(size) * np.maximum(n_succ, 1)).astype(np.int64)
            cur = np.where(active, chain.succ[np.minimum(pick, len(chain.succ) - 1)], cur)
        swap = (grid >= 0) & plain[np.maximum(grid, 0)] & (rng.random(grid.shape) < _SYNTH_GENERATED_SHARE)
        drawn = np.searchsorted(made_up_cdf, rng.random(int(swap.sum())))
        grid[swap] = len(chain.vocab) + np.minimum(drawn, len(made_up) - 1)
        for row in grid:
            ids = row[row >= 0]
            sentence = " ".join(words[ids])
            ended = ids[-1] < len(chain.vocab) and chain.ends[ids[-1]]
            out.append(sentence if ended else sentence + ".")
    return out


def _edit_text(text: str, rng: np.random.Generator, made_up: np.ndarray, rate: float) -> str:
    """Replace each word of ``text`` with a made-up token with probability ``rate``."""
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        for i in np.flatnonzero(rng.random(len(words)) < rate):
            words[i] = str(made_up[rng.integers(len(made_up))])
        lines.append(" ".join(words))
    return "\n".join(lines)


def synthetic_export(source: pd.DataFrame, n_docs: int, seed: int = 0,
                     copy_share: float = _SYNTH_COPY_SHARE,
                     exact_share: float = _SYNTH_EXACT_SHARE,
                     paragraphs: tuple[int, int] = _SYNTH_PARAGRAPHS) -> pd.DataFrame:
    """A synthetic export of ``n_docs`` varied articles, with planted copies.

    Sentences are walked on a word-level Markov chain (order 1) fitted on the clean text of
    ``source`` (e.g. the seeds), and ``_SYNTH_GENERATED_SHARE`` of the plain words are then
    replaced by made-up tokens drawn with Zipf-like frequencies from ``_SYNTH_VOCAB`` of them,
    so the vocabulary grows with the corpus as real coverage does. Articles have 6–16 (``paragraphs``)
    paragraphs of 1–3 sentences and no paragraph is reused, except by planting: a share
    ``exact_share`` of articles copy an earlier original exactly, and ``copy_share`` copy one
    with ``_SYNTH_EDIT_RATE`` of the words replaced and sometimes the last paragraph cut.
    Dates are spread over 2024; ``_SYNTH_UNDATED_SHARE`` are undated.

    Parameters
    ----------
    source : a corpus from :func:`load_corpus`; only ``text`` is used. With no text at all
        the chain is fitted on made-up words alone.
    n_docs : number of articles.
    seed : the random seed; the same seed and source give the same export.
    paragraphs : fewest and most paragraphs per article (e.g. ``(1, 2)`` for quick tests).

    Returns
    -------
    DataFrame ``EXPORT_COLUMNS`` (Media Cloud names, as :func:`load_corpus` reads them), one
    row per article, ``stories_id`` ``s000000`` … in order; ``notes`` names the original of a
    planted copy ("exact copy of s000012" / "near copy of s000012"), else empty.
    """
    rng = np.random.default_rng(seed)
    made_up = _made_up_words(rng, _SYNTH_VOCAB)
    names = rng.random(len(made_up)) < _SYNTH_NAME_SHARE
    made_up[names] = [w.capitalize() for w in made_up[names]]
    weights = 1.0 / (np.arange(1, len(made_up) + 1) + _SYNTH_ZIPF_SHIFT)
    cdf = np.cumsum(weights) / weights.sum()
    chain = _markov_chain(source["text"].fillna("").astype(str).tolist() if len(source) else [])
    if not len(chain.starts) or not len(chain.succ):
        chain = _markov_chain([" ".join(made_up[:500]) + "."])
    n_par = rng.integers(paragraphs[0], paragraphs[1] + 1, n_docs)
    n_sent = [rng.integers(_SYNTH_SENTENCES[0], _SYNTH_SENTENCES[1] + 1, k) for k in n_par]
    sentences = iter(_chain_sentences(chain, rng, int(sum(s.sum() for s in n_sent)) + n_docs,
                                      made_up, cdf))
    outlets = [f"The {w.capitalize()} {kind}" for w, kind in
               zip(_made_up_words(rng, _SYNTH_OUTLETS),
                   rng.choice(["Times", "Post", "Herald", "Daily", "Wire"], _SYNTH_OUTLETS), strict=True)]
    days = rng.integers(0, 366, n_docs)
    undated = rng.random(n_docs) < _SYNTH_UNDATED_SHARE
    roll = rng.random(n_docs)
    rows, originals = [], []
    for n in range(n_docs):
        headline = " ".join(next(sentences).rstrip(".!?\"”’'").split()[:12])
        text = "\n".join(" ".join(next(sentences) for _ in range(k)) for k in n_sent[n])
        notes, day_offset, is_undated = "", int(days[n]), bool(undated[n])
        if originals and roll[n] < exact_share + copy_share:
            base = originals[int(rng.integers(len(originals)))]
            # A copy appears with or after its original: same dating, a few days later.
            day_offset = int(days[base]) + int(days[n]) % _SYNTH_COPY_DELAY_DAYS
            is_undated = bool(undated[base])
            headline = rows[base]["title"]
            if roll[n] < exact_share:
                text, notes = rows[base]["text"], f"exact copy of {rows[base]['stories_id']}"
            else:
                paragraphs = rows[base]["text"].split("\n")
                if rng.random() < 0.3 and len(paragraphs) > 1:
                    paragraphs = paragraphs[:-1]
                text = _edit_text("\n".join(paragraphs), rng, made_up, _SYNTH_EDIT_RATE)
                notes = f"near copy of {rows[base]['stories_id']}"
        else:
            originals.append(n)
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day_offset)
        date = "" if is_undated else str(day.date())
        rows.append({"stories_id": f"s{n:06d}", "title": headline, "publish_date": date,
                     "media_name": outlets[int(rng.integers(len(outlets)))],
                     "url": f"https://example.org/{n:06d}", "text": text, "notes": notes})
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def planted_copies(export: pd.DataFrame) -> pd.DataFrame:
    """The planted copies of :func:`synthetic_export`: ``doc_a`` (original), ``doc_b``, ``kind``."""
    found = export["notes"].str.extract(r"^(exact|near) copy of (\S+)$")
    keep = found[1].notna()
    table = pd.DataFrame({"doc_a": found.loc[keep, 1], "doc_b": export.loc[keep, "stories_id"],
                          "kind": found.loc[keep, 0]})
    return table.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)
