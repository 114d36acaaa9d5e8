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

from collections.abc import Callable, Iterable, Mapping

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
    "outside_corpus": "not processed; a link to a file outside the corpus folder, not read",
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
    "comentions_by_period": {
        "period": T,  # start of the calendar bin (documents without a date have none)
        "level": S,
        "source": S,
        "target": S,
        "n": INT,
        "n_source": INT,
        "n_target": INT,
        "n_units": INT,
        "jaccard": F,
        "dice": F,
        "pmi": F,
        "npmi": F,
        "llr": F,
        "evidence_doc_id": S,
        "evidence_text": S,
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
    "mentions_per_period": {
        "period": T,
        "entity_id": S,
        "name": S,
        "lang": S,
        "n_mentions": INT,
        "n_docs": INT,
    },
    "period_nodes": {
        "period": T,
        "entity_id": S,
        "name": S,
        "label": S,
        "n_mentions": INT,
        "n_docs": INT,
        "languages": S,
    },
    "comention_matrix": {
        "row_rank": INT,
        "row_id": S,
        "row_name": S,
        "col_rank": INT,
        "col_id": S,
        "col_name": S,
        "value": F,
        "n": INT,
    },
    "crowded_units": {  # units naming more actors than max_unit_actors (analysis.comention)
        "level": S,  # document | paragraph | sentence | window
        "doc_id": S,
        "unit_idx": INT,  # paragraph, sentence or window index; NA for a document
        "n_actors": INT,  # distinct actors in the unit (co-mentions count the first ones)
    },
    "positions": {  # node positions of the network layout (analysis.layout)
        "entity_id": S,
        "x": F,
        "y": F,
    },
    "label_positions": {  # permanent node labels placed without overlap (analysis.layout)
        "entity_id": S,
        "text": S,  # plain text (no HTML entities)
        "x": F,  # centre of the label's text box, plot coordinates
        "y": F,
        "half_width": F,  # half the estimated text box, plot coordinates
        "half_height": F,
        "node_x": F,  # the labelled node, plot coordinates
        "node_y": F,
        "leader": B,  # placed away from its node, joined to it by a leader line
    },
    "community_names": {  # communities named by their most central actors (analysis.plotdata)
        "community": INT,
        "name": S,  # e.g. "Putin · Lukashenko · Kremlin"
        "n_actors": INT,
    },
    "language_names": {  # each actor's most frequent base form per language (plotdata)
        "entity_id": S,
        "lang": S,
        "name": S,
        "n_mentions": INT,
    },
    "registry": {  # the editable actor registry (docs/identity.md)
        "actor_id": S,
        "name": S,
        "label": S,
        "wikidata_qid": S,
        "aliases": S,  # "lang:alias | alias | …"
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


# ------------------------------------------------------------------------------ value checks
class SchemaError(ValueError):
    """A table breaks its schema: wrong columns or dtypes, or values outside their rules."""


def _in(col: str, allowed: Iterable[str]) -> tuple[str, Callable[[pd.DataFrame], pd.Series]]:
    allowed = frozenset(allowed)
    return (f"{col} in {sorted(allowed)}",
            lambda t: t[col].notna() & ~t[col].astype("string").isin(allowed))


def _range(col: str, low: float | None, high: float | None
           ) -> tuple[str, Callable[[pd.DataFrame], pd.Series]]:
    def bad(t: pd.DataFrame) -> pd.Series:
        values = pd.to_numeric(t[col], errors="coerce").astype("float64")
        out = pd.Series(False, index=t.index)
        if low is not None:
            out |= values < low - 1e-9
        if high is not None:
            out |= values > high + 1e-9
        return out.fillna(False)

    return f"{low} <= {col} <= {high}", bad


def _unique(*cols: str) -> tuple[str, Callable[[pd.DataFrame], pd.Series]]:
    return (f"({', '.join(cols)}) unique", lambda t: t.duplicated(list(cols), keep="first"))


def _present(col: str) -> tuple[str, Callable[[pd.DataFrame], pd.Series]]:
    return f"{col} present", lambda t: t[col].isna() | (t[col].astype("string") == "")


def _before(a: str, b: str) -> tuple[str, Callable[[pd.DataFrame], pd.Series]]:
    return f"{a} < {b}", lambda t: (t[a] >= t[b]).fillna(False).astype(bool)


def _not_above(a: str, b: str) -> tuple[str, Callable[[pd.DataFrame], pd.Series]]:
    return f"{a} <= {b}", lambda t: (t[a] > t[b]).fillna(False).astype(bool)


_PAIR_CHECKS = [
    _in("level", COMENTION_LEVELS), _before("source", "target"), _range("n", 1, None),
    _not_above("n", "n_source"), _not_above("n", "n_target"), _not_above("n_source", "n_units"),
    _range("jaccard", 0, 1), _range("dice", 0, 1), _range("npmi", -1, 1),
]
#: Value rules per table: (description, function returning a mask of the rows breaking it).
CHECKS: dict[str, list[tuple[str, Callable[[pd.DataFrame], pd.Series]]]] = {
    "documents": [
        _present("doc_id"), _unique("doc_id"), _in("status", STATUSES),
        _in("date_precision", ("day", "month", "year")),
        ("processed only for ok/truncated", lambda t: t["processed"].fillna(False).astype(bool)
         != t["status"].isin(("ok", "truncated"))),
        _range("n_chars", 0, None), _range("n_mentions", 0, None),
    ],
    "mentions": [
        _present("doc_id"), _in("label", ACTOR_LABELS), _range("start_char", 0, None),
        _before("start_char", "end_char"), _before("token_start", "token_end"),
    ],
    "entities": [
        _present("entity_id"), _unique("entity_id"), _in("label", ACTOR_LABELS),
        _range("n_mentions", 1, None), _in("source", ("registry", "automatic")),
    ],
    "merges": [_range("score", 0, 1)],
    "sentences": [_present("doc_id"), _unique("doc_id", "sentence_idx"),
                  _before("start_char", "end_char")],
    "comentions": [*_PAIR_CHECKS, _unique("level", "source", "target")],
    "comentions_by_period": [*_PAIR_CHECKS, _unique("period", "level", "source", "target")],
    "nodes": [_present("entity_id"), _unique("entity_id"), _range("degree", 0, None),
              _range("community", 0, None)],
    "doc_topics": [_range("probability", 0, 1)],
    "topic_terms": [_range("rank", 1, None)],
    "topic_actors": [_range("rank", 1, None)],
    "topics": [_unique("topic_id"), _range("n_docs", 0, None)],
    "topics_over_time": [_range("share", 0, 1), _not_above("n_docs", "n_docs_period")],
    "doc_map": [_unique("doc_id")],
    "mentions_per_period": [_range("n_mentions", 0, None)],
    "period_nodes": [_unique("period", "entity_id")],
    "comention_matrix": [_unique("row_id", "col_id")],
    "label_positions": [_unique("entity_id"), _range("half_width", 0, None)],
    "community_names": [_unique("community"), _range("n_actors", 1, None)],
    "language_names": [_unique("entity_id", "lang")],
    "positions": [_unique("entity_id")],
    "crowded_units": [_in("level", COMENTION_LEVELS), _range("n_actors", 1, None)],
    "registry": [_present("actor_id"), _unique("actor_id"), _in("label", ACTOR_LABELS)],
}


def validate(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check ``table`` against schema ``name``: columns, dtypes and the :data:`CHECKS` rules.

    Returns
    -------
    DataFrame
        ``table`` itself, so it can end a ``.pipe`` chain.

    Raises
    ------
    SchemaError
        Listing every broken rule with the number of rows and the first offending row.
    """
    schema = SCHEMAS[name]
    problems = []
    if list(table.columns[: len(schema)]) != list(schema):
        problems.append(f"columns {list(table.columns)} are not {list(schema)}")
    else:
        for col, dtype in schema.items():
            if str(table[col].dtype) != str(pd.Series(dtype=dtype).dtype):
                problems.append(f"{col} has dtype {table[col].dtype}, not {dtype}")
        for rule, bad_rows in CHECKS.get(name, ()):
            bad = bad_rows(table)
            if bool(bad.any()):
                first = table.loc[bad].iloc[0].to_dict()
                problems.append(f"{int(bad.sum())} row(s) break {rule!r}, e.g. {first}")
    if problems:
        raise SchemaError(f"table {name!r}: " + "; ".join(problems))
    return table
