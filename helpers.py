"""The one module the notebooks import: the public API of the ``newsdesk`` package.

``import helpers`` and call ``helpers.<name>``. Each name below lives in one module of the
package; open that module to read or change it. Imports inside the package run one way,
from the bottom of this list to the top (``tests/test_structure.py`` checks it).

Package map
-----------
newsdesk.paths                 project root, the lexicon readers, ``reload_lexicons()``
newsdesk.text                  quote unification, white space, word counts, sentence splitting
newsdesk.parallel              the Dask helpers the per-article steps share
newsdesk.findings              findings as data (text, evidence, caveat) and their Markdown
newsdesk.corpus                loading (notebook 01)
    schema    columns, ``CorpusWarning``, the problem log
    settings  cleaner thresholds
    decode    bytes to text: encodings, stray bytes replaced and reported
    read      exports, HTML pages, folders → raw records
    dates     publication dates from metadata and text
    prefilter quick word tests that spare a line the cleaning rules it cannot match
    clean     the line cleaner and its audit rows
    credits   credit lines and cited outlets; each article's origin and how it is known
    language  which language an article is in (py3langid)
    cache     the Parquet cache
    load      ``load_corpus``
    audit     ``cleaning_audit``, ``load_problems`` and other views of the load
    describe  sentences, article labels, date order and span
    summary   the loading findings (``loading_findings``, ``corpus_findings``)
newsdesk.speakers              quotes, reported speech, the speaker of each sentence
newsdesk.terms                 TF-IDF terms (notebook 02): settings, model, trends, trend_test,
                               contrast, kwic, summary (``term_findings``)
newsdesk.stance                stance on export controls (notebook 03): settings, targets, rules,
                               vectors, learned, combine, aggregate, metrics, baselines, evaluate,
                               heldout, gold (which gold labels apply), relevance (off-topic
                               articles), summary
newsdesk.overlap               source overlap (notebook 04): settings, shingles, passages,
                               candidates, sources, entities (names and numbers), evidence
                               (same-story facts per pair, with the credit lines of
                               corpus.credits), pairs, stories (stories, who published first,
                               independence weights), labelled (the hand-labelled pairs,
                               scored), findings (computed sentences), views
newsdesk.pipeline              the whole pipeline, timed, and the benchmark readers (notebook 05)
newsdesk.scaling               the scaling notebook's computed findings (``scaling_findings``)
newsdesk.cluster               the pipeline on a Dask cluster (``run_pipeline_dask``): shards (read and
                               clean), terms, trend_terms (the followed terms), stance, candidates
                               (MinHash bands, cosine neighbours), verify (pairs), relations
                               (evidence, stories), gather (what reaches the client), run, compare
                               (equality with the one-process path), tables (read a run's folder
                               back by its manifest, never its texts), benchmark (the recorded
                               cluster benchmark, notebook 05)
newsdesk.plots                 every figure, saved as PNG + CSV: settings (readable sizes), common
                               (save, show, plain text), loading, terms, stance, overlap, scaling
newsdesk.synthetic             generated corpora for tests, benchmarks and notebook 05
newsdesk.report                the stakeholder HTML report: execute, render, write the folder
newsdesk.report_display        tables while report notebooks run: a head, and the whole as CSV
newsdesk.report_pages          what a page leaves out, plain headers, long tables (a preprocessor)
newsdesk.report_links          the glossary, and links to it and between pages
newsdesk.report_index          the index page: cards, appendix, data files, articles
newsdesk.report_data           the report's data folder (articles, sentences, pairs)
newsdesk.report_findings       the key findings that open the report index
newsdesk.report_source         what a report notebook reads: a loaded corpus, or the tables of
                               ``run_pipeline_dask`` (``report_source``), and the tables either way

Every function is pure unless its name says it writes or shows (``save_*``, ``write_*``,
``display_*``).
"""

from newsdesk.cluster.benchmark import *
from newsdesk.cluster.candidates import *
from newsdesk.cluster.compare import *
from newsdesk.cluster.gather import *
from newsdesk.cluster.relations import *
from newsdesk.cluster.run import *
from newsdesk.cluster.shards import *
from newsdesk.cluster.stance import *
from newsdesk.cluster.tables import *
from newsdesk.cluster.terms import *
from newsdesk.cluster.trend_terms import *
from newsdesk.cluster.verify import *
from newsdesk.corpus.audit import *
from newsdesk.corpus.cache import *
from newsdesk.corpus.clean import *
from newsdesk.corpus.credits import *
from newsdesk.corpus.dates import *
from newsdesk.corpus.decode import *
from newsdesk.corpus.describe import *
from newsdesk.corpus.language import *
from newsdesk.corpus.load import *
from newsdesk.corpus.prefilter import *
from newsdesk.corpus.read import *
from newsdesk.corpus.schema import *
from newsdesk.corpus.settings import *
from newsdesk.corpus.summary import *
from newsdesk.findings import *
from newsdesk.overlap.candidates import *
from newsdesk.overlap.entities import *
from newsdesk.overlap.evidence import *
from newsdesk.overlap.findings import *
from newsdesk.overlap.labelled import *
from newsdesk.overlap.pairs import *
from newsdesk.overlap.passages import *
from newsdesk.overlap.settings import *
from newsdesk.overlap.shingles import *
from newsdesk.overlap.sources import *
from newsdesk.overlap.stories import *
from newsdesk.overlap.views import *
from newsdesk.parallel import *
from newsdesk.paths import *
from newsdesk.pipeline import *
from newsdesk.plots.common import *
from newsdesk.plots.loading import *
from newsdesk.plots.overlap import *
from newsdesk.plots.scaling import *
from newsdesk.plots.settings import *
from newsdesk.plots.stance import *
from newsdesk.plots.terms import *
from newsdesk.report import *
from newsdesk.report_data import *
from newsdesk.report_display import *
from newsdesk.report_findings import *
from newsdesk.report_index import *
from newsdesk.report_links import *
from newsdesk.report_pages import *
from newsdesk.report_source import *
from newsdesk.scaling import *
from newsdesk.speakers import *
from newsdesk.stance.aggregate import *
from newsdesk.stance.baselines import *
from newsdesk.stance.combine import *
from newsdesk.stance.evaluate import *
from newsdesk.stance.gold import *
from newsdesk.stance.heldout import *
from newsdesk.stance.learned import *
from newsdesk.stance.metrics import *
from newsdesk.stance.relevance import *
from newsdesk.stance.rules import *
from newsdesk.stance.settings import *
from newsdesk.stance.summary import *
from newsdesk.stance.targets import *
from newsdesk.stance.vectors import *
from newsdesk.synthetic import *
from newsdesk.terms.contrast import *
from newsdesk.terms.kwic import *
from newsdesk.terms.model import *
from newsdesk.terms.settings import *
from newsdesk.terms.summary import *
from newsdesk.terms.trend_test import *
from newsdesk.terms.trends import *
from newsdesk.text import *

__all__ = sorted(name for name in dir() if not name.startswith("_"))
