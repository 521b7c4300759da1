"""Corpora the report is built on in test_report_corpora.py (not a test module): a generated
three-month Media Cloud-style CSV with a verbatim copy, a paraphrase and an off-topic story,
and a folder of saved HTML pages.
"""

import html
from pathlib import Path

import pandas as pd

import helpers

ROOT = Path(__file__).resolve().parents[1]
MONTHS = pd.date_range("2025-02-03", "2025-04-28", freq="7D")  # weekly dates over three months

ORIGINAL = ("Washington tightened export controls on advanced chips on Monday, adding twelve Chinese "
            "firms to the Entity List, the Commerce Department said.\n"
            "Officials said the curbs would stop Nvidia H20 processors reaching Chinese AI labs, "
            "while Huawei said its Ascend chips would fill the gap.\n"
            "Analyst Mara Lindqvist of Tideway Research said the rules bite: smugglers now pay "
            "double for each server, and training runs take longer.\n")
PARAPHRASE = ("On Monday the Commerce Department put twelve more Chinese companies on the Entity List, "
              "widening the limits on exports of advanced chips.\n"
              "The new curbs are meant to keep Nvidia H20 processors away from AI labs in China, "
              "officials said; Huawei answered that its Ascend chips could replace them.\n"
              "Mara Lindqvist, an analyst at Tideway Research, argued that the restrictions work, "
              "since smuggled servers now cost twice as much and training runs are slower.\n")
OFF_TOPIC = ("The city marathon drew a record field on Sunday as runners crossed the river bridges "
             "under clear skies.\n"
             "Organisers said the course would change next year to avoid roadworks near the harbour, "
             "and volunteers handed out water at every mile.\n")


def generated_export() -> pd.DataFrame:
    """Twelve generated articles over three months in Media Cloud's columns, plus a verbatim
    copy of one hand-written story, a paraphrase of it and an off-topic story."""
    seeds = helpers.load_corpus(ROOT / "seeds")
    export = helpers.synthetic_export(seeds, len(MONTHS), seed=7, copy_share=0.0, exact_share=0.0,
                                      paragraphs=(3, 5)).drop(columns=["notes"])
    export["publish_date"] = MONTHS.strftime("%Y-%m-%d")
    extra = pd.DataFrame([
        {"stories_id": "w1", "title": "US widens chip curbs", "publish_date": "2025-03-03",
         "media_name": "Wire One", "url": "https://example.org/w1", "text": ORIGINAL},
        {"stories_id": "w2", "title": "US widens chip curbs", "publish_date": "2025-03-04",
         "media_name": "Daily Two", "url": "https://example.org/w2", "text": ORIGINAL},
        {"stories_id": "w3", "title": "Twelve more firms on the Entity List", "publish_date": "2025-03-05",
         "media_name": "Weekly Three", "url": "https://example.org/w3", "text": PARAPHRASE},
        {"stories_id": "w4", "title": "Record field for the city marathon", "publish_date": "2025-04-06",
         "media_name": "Local Four", "url": "https://example.org/w4", "text": OFF_TOPIC},
    ])
    return pd.concat([export, extra], ignore_index=True)


def write_generated_csv(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "export.csv"
    generated_export().to_csv(path, index=False)
    return path


def write_html_folder(folder: Path) -> Path:
    """The generated stories as saved web pages: title, site name, date in the page's metadata
    and the text in paragraphs."""
    folder.mkdir(parents=True, exist_ok=True)
    for row in generated_export().head(8).itertuples(index=False):
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in row.text.split("\n") if p.strip())
        page = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
                f"<title>{html.escape(row.title)}</title>"
                f"<meta property='og:site_name' content='{html.escape(row.media_name)}'>"
                f"<meta property='article:published_time' content='{row.publish_date}'>"
                f"</head><body><nav>Home | World | Business</nav><article><h1>{html.escape(row.title)}</h1>"
                f"{paragraphs}</article><footer>Copyright</footer></body></html>")
        (folder / f"{row.stories_id}.html").write_text(page, encoding="utf-8")
    return folder
