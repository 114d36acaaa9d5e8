"""The main job: corpus → documents → mentions → actors → co-mentions → network (→ topics).

This is the only module that wires the steps together; :func:`run` returns the tables and,
with ``out``, writes them (parquet + CSV), the GEXF network, a manifest and a summary.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import __version__, schemas
from analysis.cache import NerCache, default_cache_dir
from analysis.comention import DEFAULT_WINDOW, comention_table, comentions_over_time
from analysis.corpus import DEFAULT_MAX_CHARS, corpus_fingerprint, default_corpus, load_corpus
from analysis.dates import resolve_dates
from analysis.langid import detect_languages
from analysis.models import ModelSpec, resolve_models
from analysis.networks import build_graph, dynamic_graph, node_table
from analysis.result import RunResult

logger = logging.getLogger(__name__)

PROCESSABLE = ("ok", "truncated")
DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "actors.csv"


def read_registry(registry: str | os.PathLike[str] | pd.DataFrame | None) -> pd.DataFrame | None:
    """Resolve the ``registry`` option: ``"default"``, ``"none"``/``None``, a path or a table."""
    from analysis.identity import validate_registry

    if registry is None or (isinstance(registry, str) and registry.lower() == "none"):
        return None
    if isinstance(registry, pd.DataFrame):
        return validate_registry(registry)
    path = DEFAULT_REGISTRY if registry == "default" else Path(registry)
    if not path.is_file():
        if registry == "default":
            return None
        raise FileNotFoundError(f"actor registry not found: {path}")
    return validate_registry(pd.read_csv(path, dtype=str, keep_default_na=False))


def _annotate(texts: list[str], spec: ModelSpec, batch_size: int, progress: bool):
    from analysis.ner import annotate_texts

    return annotate_texts(texts, spec.lang, spec=spec, batch_size=batch_size, progress=progress)


def ner_cache_key(spec: ModelSpec) -> str:
    """Cache key of NER results: the model files and the version of the mention rules."""
    from analysis.ner import RULES_VERSION

    return f"{spec.identity}-r{RULES_VERSION}"


def extract_mentions(
    documents: pd.DataFrame,
    *,
    model_dir: str | os.PathLike[str] | None = None,
    official: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    batch_size: int = 64,
    progress: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Run NER (through the cache) on every processable document.

    Parameters
    ----------
    documents
        Needs ``doc_id``, ``lang``, ``text``, ``text_sha1``, ``status``, ``message``.

    Returns
    -------
    documents, mentions, sentences, info
        ``documents`` with ``processed``, ``status`` (``failed`` when NER raised for a
        document), ``message``, ``n_paragraphs``, ``n_sentences`` updated; all mentions
        (actor and non-actor labels) with ``doc_id`` and ``lang``; sentences; ``info`` with
        the models used and cache hits/misses.
    """
    schemas.require(documents, ["doc_id", "lang", "text", "text_sha1", "status", "message"],
                    where="extract_mentions")
    docs = documents.copy()
    mention_parts, sentence_parts = [], []
    info: dict[str, Any] = {"models": {}, "cache_hits": 0, "cache_misses": 0}
    todo = docs[docs["status"].isin(PROCESSABLE)]
    for lang, group in todo.groupby("lang", sort=True):
        spec = resolve_models(str(lang), model_dir=model_dir, official=official)
        info["models"][lang] = spec.describe()
        cache = NerCache(cache_dir, ner_cache_key(spec))
        pending: list[tuple[int, str, str]] = []  # row index, doc_id, sha1
        for idx, doc_id, sha in zip(group.index, group["doc_id"], group["text_sha1"],
                                    strict=True):
            cached = cache.get(sha)
            if cached is None:
                pending.append((idx, doc_id, sha))
            else:
                mention_parts.append(cached[0].assign(doc_id=doc_id, lang=lang))
                sentence_parts.append(cached[1].assign(doc_id=doc_id))
        failures = _annotate_pending(docs, pending, spec, cache, batch_size, progress,
                                     mention_parts, sentence_parts)
        for idx, err in failures.items():
            docs.loc[idx, "status"] = "failed"
            docs.loc[idx, "message"] = f"NER failed: {err}"
        info["cache_hits"] += cache.hits
        info["cache_misses"] += cache.misses
    mentions = (pd.concat(mention_parts, ignore_index=True) if mention_parts
                else pd.DataFrame(columns=["doc_id", "lang"]))
    sentences = (pd.concat(sentence_parts, ignore_index=True) if sentence_parts
                 else pd.DataFrame(columns=["doc_id"]))
    mentions = schemas.conform(mentions, "mentions").sort_values(
        ["doc_id", "start_char", "end_char"], kind="stable").reset_index(drop=True)
    sentences = schemas.conform(sentences, "sentences").sort_values(
        ["doc_id", "sentence_idx"], kind="stable").reset_index(drop=True)
    processed = docs["status"].isin(PROCESSABLE)
    per_doc = sentences.groupby("doc_id").agg(
        n_sentences=("sentence_idx", "size"), n_paragraphs=("paragraph_idx", "nunique"))
    docs["processed"] = processed.astype("boolean")
    docs["n_sentences"] = docs["doc_id"].map(per_doc["n_sentences"]).where(processed)
    docs["n_sentences"] = docs["n_sentences"].fillna(0).where(processed).astype("Int64")
    docs["n_paragraphs"] = docs["doc_id"].map(per_doc["n_paragraphs"]).fillna(0).where(
        processed).astype("Int64")
    return docs, mentions, sentences, info


def _annotate_pending(docs, pending, spec, cache, batch_size, progress, mention_parts,
                      sentence_parts) -> dict[int, str]:
    """Annotate uncached documents in one batch; isolate failures document by document."""
    if not pending:
        return {}
    texts = [docs.at[idx, "text"] for idx, _, _ in pending]
    try:
        mentions, sentences = _annotate(texts, spec, batch_size, progress)
        results = {i: (mentions[mentions["text_idx"] == i], sentences[sentences["text_idx"] == i])
                   for i in range(len(pending))}
    except Exception:  # noqa: BLE001 - retry one by one to find the culprit(s)
        logger.exception("NER batch failed for %s; retrying document by document", spec.lang)
        results = {}
        for i, text in enumerate(texts):
            try:
                results[i] = _annotate([text], spec, batch_size, False)
            except Exception as err:  # noqa: BLE001 - recorded as the document's status
                results[i] = err
    failures: dict[int, str] = {}
    for i, (idx, doc_id, sha) in enumerate(pending):
        result = results[i]
        if isinstance(result, Exception):
            failures[idx] = f"{type(result).__name__}: {result}"
            continue
        m, s = (part.drop(columns="text_idx").reset_index(drop=True) for part in result)
        cache.put(sha, m, s)
        mention_parts.append(m.assign(doc_id=doc_id, lang=spec.lang))
        sentence_parts.append(s.assign(doc_id=doc_id))
    return failures


def entity_tables(mentions: pd.DataFrame, registry: pd.DataFrame | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Base forms and actor identity for actor mentions: (mentions, entities, merges)."""
    from analysis.identity import resolve_actors
    from analysis.normalize import add_base_forms

    actors = mentions[mentions["label"].notna()].reset_index(drop=True)
    if actors.empty:
        return schemas.empty("mentions"), schemas.empty("entities"), schemas.empty("merges")
    actors = add_base_forms(actors)
    linked, entities, merges = resolve_actors(actors, registry=registry)
    return (schemas.conform(linked, "mentions"), schemas.conform(entities, "entities"),
            schemas.conform(merges, "merges"))


def run(
    corpus: str | os.PathLike[str] | pd.DataFrame | None = None,
    *,
    out: str | os.PathLike[str] | None = None,
    registry: str | os.PathLike[str] | pd.DataFrame | None = "default",
    model_dir: str | os.PathLike[str] | None = None,
    official: bool = False,
    cache_dir: str | os.PathLike[str] | None = "default",
    text_column: str = "text",
    max_chars: int = DEFAULT_MAX_CHARS,
    reference_year: int | None = None,
    window: int = DEFAULT_WINDOW,
    network_level: str = "document",
    network_weight: str = "n",
    freq: str = "MS",
    topics: bool = True,
    n_topics: int | None = None,
    seed: int = 0,
    batch_size: int = 64,
    progress: bool = True,
) -> RunResult:
    """Run the whole analysis on a corpus.

    Parameters
    ----------
    corpus
        Folder of ``.txt`` files, a CSV/JSONL/parquet file, or a table already loaded with
        :func:`analysis.corpus.load_corpus`; default the sample corpus in ``data/sample``.
    out
        If given, write every table as parquet and CSV, ``network.gexf``, ``manifest.json``
        and ``summary.txt`` there.
    registry
        Actor registry: ``"default"`` (``data/actors.csv``), ``"none"``/``None`` for purely
        automatic identity, a CSV path, or a table.
    model_dir, official
        Model resolution (see :func:`analysis.models.resolve_models`).
    cache_dir
        NER cache directory; ``"default"`` is ``$ACTOR_NETWORKS_CACHE`` or
        ``~/.cache/actor-networks``; ``None`` disables caching.
    reference_year
        Year for dates written without one (default: the corpus' most common year).
    window
        Token window of the ``window`` co-mention level.
    network_level, network_weight
        Co-mention level and weight column of the network (``nodes`` metrics, GEXF).
    freq
        Calendar bins for everything over time (``"MS"`` months, ``"W-MON"``, ``"D"``…).
    topics, n_topics
        Fit topic clusters (``n_topics=None`` picks a number for the corpus size).
    seed
        Seed for communities and topics.

    Returns
    -------
    RunResult
        All tables; ``documents`` has one row per input document with its status.
    """
    params = {k: v for k, v in locals().items()
              if k not in ("corpus", "out", "progress", "cache_dir")}
    params["registry"] = registry if not isinstance(registry, (pd.DataFrame, Path)) else str(
        registry) if isinstance(registry, Path) else "<table>"
    params["model_dir"] = None if model_dir is None else str(model_dir)
    if isinstance(corpus, pd.DataFrame):
        documents = corpus
        corpus_name = "<table>"
    else:
        documents = load_corpus(corpus, text_column=text_column, max_chars=max_chars)
        corpus_name = str(corpus) if corpus is not None else "sample (data/sample)"
    registry_table = read_registry(registry)
    documents = detect_languages(documents).pipe(resolve_dates, reference_year=reference_year)
    cache = default_cache_dir() if cache_dir == "default" else cache_dir
    documents, all_mentions, sentences, info = extract_mentions(
        documents, model_dir=model_dir, official=official, cache_dir=cache,
        batch_size=batch_size, progress=progress)
    mentions, entities, merges = entity_tables(all_mentions, registry_table)
    documents = documents.assign(n_mentions=documents["doc_id"].map(
        mentions.groupby("doc_id").size()).fillna(0).where(documents["processed"]).astype(
        "Int64"))
    comentions = comention_table(mentions, sentences, documents, window=window)
    graph = build_graph(entities, comentions, level=network_level, weight=network_weight)
    nodes = node_table(graph, seed=seed)
    topic_results: dict[str, pd.DataFrame] = {}
    if topics:
        topic_results = _topic_tables(documents, mentions, sentences, entities, n_topics,
                                      freq, seed)
    manifest = _manifest(documents, params, info, corpus_name)
    result = RunResult(
        documents=schemas.conform(documents, "documents"),
        sentences=sentences,
        mentions=mentions,
        entities=entities,
        merges=merges,
        comentions=comentions,
        nodes=nodes,
        manifest=manifest,
        **topic_results,
    )
    logger.info("documents per status: %s", manifest["documents_per_status"])
    if out is not None:
        write_outputs(result, out, graph=graph, freq=freq, network_level=network_level)
    return result


def _topic_tables(documents, mentions, sentences, entities, n_topics, freq, seed
                  ) -> dict[str, Any]:
    from analysis.topics import topic_tables

    tables = topic_tables(documents, mentions=mentions, sentences=sentences, entities=entities,
                          n_topics=n_topics, freq=freq, seed=seed)
    return {name: schemas.conform(table, name) for name, table in tables.items()}


def _manifest(documents: pd.DataFrame, params: dict, info: dict, corpus_name: str) -> dict:
    import stanza
    import torch

    dated = documents["published_at"].dropna()
    statuses = documents["status"].value_counts().sort_index()
    return {
        "package": {"name": "actor-networks", "version": __version__},
        "versions": {"stanza": stanza.__version__, "torch": torch.__version__.split("+")[0],
                     "pandas": pd.__version__},
        "models": info["models"],
        "corpus": {
            "name": corpus_name,
            "fingerprint": corpus_fingerprint(documents),
            "n_documents": len(documents),
            "date_min": dated.min().date().isoformat() if len(dated) else None,
            "date_max": dated.max().date().isoformat() if len(dated) else None,
            "languages": documents["lang"].value_counts().sort_index().to_dict(),
        },
        "documents_per_status": {str(k): int(v) for k, v in statuses.items()},
        "parameters": params,
    }


def summary_text(result: RunResult) -> str:
    """A short human-readable summary of a run (also written as ``summary.txt``)."""
    docs = result.documents
    buf = io.StringIO()
    statuses = ", ".join(f"{k}: {v}" for k, v in result.manifest.get(
        "documents_per_status", {}).items())
    buf.write(f"documents: {len(docs)} ({statuses})\n")
    langs = ", ".join(f"{k}: {v}" for k, v in docs["lang"].value_counts().sort_index().items())
    buf.write(f"languages: {langs}\n")
    corpus = result.manifest.get("corpus", {})
    buf.write(f"dates: {corpus.get('date_min')} to {corpus.get('date_max')}\n")
    labels = ", ".join(f"{k}: {v}" for k, v in result.mentions["label"].value_counts()
                       .sort_index().items())
    buf.write(f"mentions: {len(result.mentions)} ({labels})\n")
    buf.write(f"actors: {len(result.entities)}\n")
    for level, n in result.comentions["level"].value_counts().sort_index().items():
        buf.write(f"co-mention pairs ({level}): {n}\n")
    top = result.entities.sort_values(["n_mentions", "entity_id"], ascending=[False, True])
    buf.write("top actors: " + "; ".join(
        f"{n} ({c})" for n, c in zip(top["name"].head(10), top["n_mentions"].head(10),
                                     strict=True)) + "\n")
    bad = docs[~docs["status"].isin(["ok"])]
    for row in bad.itertuples():
        buf.write(f"  {row.doc_id}: {row.status} — {row.message}\n")
    return buf.getvalue()


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(result: RunResult, out: str | os.PathLike[str], *, graph=None,
                  freq: str = "MS", network_level: str = "document") -> Path:
    """Write every table (parquet + CSV), ``network.gexf``, ``manifest.json``, ``summary.txt``.

    Returns the output directory.
    """
    import networkx as nx

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in result.tables().items():
        _atomic_write(out_dir / f"{name}.parquet", lambda p, t=table: t.to_parquet(p, index=False))
        _atomic_write(out_dir / f"{name}.csv", lambda p, t=table: t.to_csv(p, index=False))
    if graph is None:
        graph = build_graph(result.entities, result.comentions, level=network_level)
    by_period = comentions_over_time(result.mentions, result.sentences, result.documents,
                                     freq=freq, levels=(network_level,))
    dynamic = dynamic_graph(graph, by_period, freq=freq)
    _atomic_write(out_dir / "network.gexf", lambda p: nx.write_gexf(dynamic, p))
    _atomic_write(out_dir / "manifest.json", lambda p: p.write_text(
        json.dumps(result.manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        + "\n", encoding="utf-8"))
    _atomic_write(out_dir / "summary.txt",
                  lambda p: p.write_text(summary_text(result), encoding="utf-8"))
    return out_dir


__all__ = ["run", "extract_mentions", "entity_tables", "read_registry", "write_outputs",
           "summary_text", "default_corpus"]
