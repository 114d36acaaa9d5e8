"""Every table's columns and dtypes, in one place.

Each table is a plain :class:`pandas.DataFrame`. Functions in the package build their output
with :func:`conform`, so an empty input gives an empty table with the same columns and dtypes,
and read their input through :func:`require`, so a missing column gives an error that names it.

Tables
------
documents
    One row per input document, whatever happened to it (nothing is dropped).
mentions
    One row per named-entity mention found by NER.
sentences
    One row per sentence of every processed document (units for co-mentions, evidence text).
entities
    One row per actor (after identity resolution).
merges
    The identity decisions that joined surface forms into actors, least certain first.
comentions
    One row per pair of actors mentioned together in a unit (document, paragraph, sentence or
    token window), with association weights and one evidence sentence.
nodes
    Actor-network node metrics.
doc_topics / topic_terms / topic_actors / topics_over_time
    Topic model outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

ACTOR_LABELS: tuple[str, ...] = ("PER", "ORG", "LOC", "EVT", "PRO")
SUPPORTED_LANGS: tuple[str, ...] = ("pl", "lt", "ro")
COMENTION_LEVELS: tuple[str, ...] = ("document", "paragraph", "sentence", "window")

#: Document statuses. ``processed`` in the documents table says whether NER ran.
STATUSES: Mapping[str, str] = {
    "ok": "processed",
    "truncated": "processed; text longer than max_chars was cut before NER",
    "empty": "not processed; no text after decoding",
    "undecodable": "not processed; bytes are not text in any supported encoding",
    "unsupported_language": "not processed; language is not pl, lt or ro",
    "duplicate_id": "not processed; another document already has this id",
    "unreadable": "not processed; the source could not be read",
    "unsupported_format": "not processed; a file in the corpus folder that is not .txt or a table",
    "failed": "not processed; NER raised an error (see message)",
}

S = "string"
INT = "Int64"
F = "float64"
B = "boolean"
T = "datetime64[ns]"

SCHEMAS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": S,  # given id, or a stable id from the source name
        "source": S,  # file path (relative to the corpus) or "<file>#<row>"
        "title": S,
        "url": S,
        "lang": S,  # ISO 639-1 code; "und" when undetermined
        "lang_source": S,  # "metadata" | "detected" | "none"
        "lang_confidence": F,
        "published_at": T,  # first instant of the period given by date_precision
        "date_precision": S,  # "day" | "month" | "year" | NA
        "date_source": S,  # "metadata" | "header" | "text" | "none"
        "date_text": S,  # the string the date was read from
        "year_inferred": B,  # True when the year was not written and was inferred
        "status": S,  # see STATUSES
        "processed": B,
        "message": S,  # human-readable detail for any status or warning
        "n_chars": INT,
        "n_paragraphs": INT,
        "n_sentences": INT,
        "n_mentions": INT,
        "text_sha1": S,
    },
    "mentions": {
        "doc_id": S,
        "lang": S,
        "paragraph_idx": INT,  # 0-based paragraph (blank-line or line separated block)
        "sentence_idx": INT,  # 0-based sentence index within the document
        "token_start": INT,  # 0-based token index within the document (inclusive)
        "token_end": INT,  # exclusive
        "start_char": INT,  # character offsets into the document text
        "end_char": INT,
        "text": S,  # surface form as written
        "lemma": S,  # token lemmas from the lemmatizer, joined with the original spacing
        "base_form": S,  # nominative base form of the whole name
        "label": S,  # PER | ORG | LOC | EVT | PRO
        "label_native": S,  # the label the NER model emitted
        "entity_id": S,
    },
    "entities": {
        "entity_id": S,
        "name": S,  # canonical name shown in charts
        "label": S,
        "wikidata_qid": S,
        "n_mentions": INT,
        "n_docs": INT,
        "languages": S,  # sorted, comma-separated ISO codes
        "aliases": S,  # surface forms seen, " | "-separated, most frequent first
        "source": S,  # "registry" | "automatic"
    },
    "merges": {
        "entity_id": S,
        "key": S,  # the normalized form or cluster member that was merged
        "merged_into": S,  # the key it joined
        "score": F,  # 0..1 similarity behind the decision
        "reason": S,  # e.g. "registry alias", "translit+fuzzy 0.93", "CLDR: Belarus"
        "languages": S,
    },
    "comentions": {
        "level": S,  # document | paragraph | sentence | window
        "source": S,  # entity_id; source < target
        "target": S,
        "n": INT,  # number of units where both occur
        "n_source": INT,  # units where source occurs
        "n_target": INT,
        "n_units": INT,  # all units at this level (with or without actors)
        "jaccard": F,
        "dice": F,
        "pmi": F,
        "npmi": F,
        "llr": F,  # Dunning log-likelihood ratio (G2)
        "evidence_doc_id": S,
        "evidence_text": S,  # one sentence where both are mentioned (or the nearest)
    },
    "nodes": {
        "entity_id": S,
        "name": S,
        "label": S,
        "n_mentions": INT,
        "n_docs": INT,
        "languages": S,
        "degree": INT,
        "weighted_degree": F,
        "betweenness": F,
        "eigenvector": F,
        "community": INT,
    },
    "sentences": {
        "doc_id": S,
        "paragraph_idx": INT,
        "sentence_idx": INT,
        "token_start": INT,  # document-level token offsets (end exclusive)
        "token_end": INT,
        "start_char": INT,
        "end_char": INT,
        "text": S,
        "lemmas": S,  # lower-cased token lemmas, space-separated (punctuation dropped)
    },
    "doc_topics": {
        "doc_id": S,
        "topic_id": INT,
        "probability": F,
        "published_at": T,
        "lang": S,
    },
    "topic_terms": {
        "topic_id": INT,
        "lang": S,  # language of the term; "xx" for actor ids
        "term": S,
        "weight": F,
        "rank": INT,
    },
    "topic_actors": {
        "topic_id": INT,
        "entity_id": S,
        "name": S,
        "weight": F,
        "rank": INT,
    },
    "topics": {
        "topic_id": INT,
        "label": S,
        "n_docs": INT,
        "top_terms": S,
        "top_actors": S,
    },
    "doc_map": {
        "doc_id": S,
        "x": F,  # 2-D embedding of the document-topic space
        "y": F,
        "topic_id": INT,
        "published_at": T,
        "lang": S,
        "title": S,
    },
    "topics_over_time": {
        "period": T,  # start of the calendar bin
        "topic_id": INT,
        "group": S,  # "all", or the language/source value when split
        "n_docs": INT,  # documents of the topic in the period
        "n_docs_period": INT,  # all documents in the period (same group)
        "share": F,  # n_docs / n_docs_period
    },
}


def columns(name: str) -> list[str]:
    """Return the column names of table ``name``."""
    return list(SCHEMAS[name])


def empty(name: str) -> pd.DataFrame:
    """Return an empty table ``name`` with its columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in SCHEMAS[name].items()})


def conform(table: pd.DataFrame, name: str, *, extra: Iterable[str] = ()) -> pd.DataFrame:
    """Return ``table`` with exactly the schema's columns, in order, cast to its dtypes.

    Missing schema columns are added as missing values. Columns listed in ``extra`` are kept
    after the schema columns; all others are dropped. The index is reset. Does not mutate.
    """
    schema = SCHEMAS[name]
    if table.empty and not len(table.columns):
        return empty(name)
    out = {}
    for col, dtype in schema.items():
        if col in table.columns:
            series = table[col]
            if dtype == T:
                series = pd.to_datetime(series)
                series = series.astype(T) if series.dt.tz is None else series.dt.tz_localize(None)
            elif dtype in (INT, B) and series.dtype == object:
                series = series.astype(dtype)
            out[col] = series.astype(dtype).reset_index(drop=True)
        else:
            out[col] = pd.Series([None] * len(table), dtype=object).astype(dtype)
    frame = pd.DataFrame(out)
    for col in extra:
        if col in table.columns and col not in frame.columns:
            frame[col] = table[col].reset_index(drop=True)
    return frame


def require(table: pd.DataFrame, cols: Iterable[str], *, where: str) -> None:
    """Raise ``KeyError`` naming the first of ``cols`` missing from ``table``.

    Parameters
    ----------
    table
        The input table.
    cols
        Columns the caller needs.
    where
        Name of the calling function, used in the message.
    """
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise KeyError(
            f"{where}: input table lacks column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(str, table.columns)) or 'no columns'}"
        )
