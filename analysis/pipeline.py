"""The main job: corpus → documents → mentions → actors → co-mentions → network (→ topics).

This is the only module that wires the steps together; :func:`run` returns the tables and,
with ``out``, writes them (parquet + CSV), the GEXF network, a manifest and a summary.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import __version__, schemas
from analysis.cache import NerCache, default_cache_dir
from analysis.comention import (
    DEFAULT_MAX_UNIT_ACTORS,
    DEFAULT_WINDOW,
    comention_table,
    comentions_over_time,
    crowded_units,
)
from analysis.corpus import (
    CLEAN_VERSION,
    DEFAULT_MAX_CHARS,
    MAX_RUN_CHARS,
    clean_text_positions,
    corpus_fingerprint,
    count_long_runs,
    default_corpus,
    documents_from_table,
    read_corpus,
)
from analysis.dates import resolve_dates
from analysis.engine import Engine, connect, make_engine
from analysis.errors import OptionError, SetupError
from analysis.langid import detect_languages
from analysis.models import ModelSpec, resolve_device, resolve_models
from analysis.networks import build_graph, node_table, sampled_sources
from analysis.output import check_dataset_targets, prepare_out_dir, write_outputs
from analysis.result import RunResult, summary_text

logger = logging.getLogger(__name__)

#: Uncached documents annotated (and cached) at a time, see :func:`extract_mentions`.
CHUNK_DOCS = 256

PROCESSABLE = ("ok", "truncated")
NETWORK_WEIGHTS = ("n", "jaccard", "dice", "pmi", "npmi", "llr")


def read_registry(registry: str | os.PathLike[str] | pd.DataFrame | None) -> pd.DataFrame | None:
    """Resolve the ``registry`` option: ``"default"``, ``"none"``/``None``, a path or a table.

    Raises
    ------
    OptionError
        A registry file that does not exist or is not a valid registry.
    """
    from analysis.identity import validate_registry
    from analysis.resources import default_registry_path

    if registry is None or (isinstance(registry, str) and registry.lower() == "none"):
        return None
    try:
        if isinstance(registry, pd.DataFrame):
            return validate_registry(registry)
        path = default_registry_path() if registry == "default" else Path(registry)
        if not path.is_file():
            raise OptionError(f"actor registry not found: {path}", option="registry")
        return validate_registry(pd.read_csv(path, dtype=str, keep_default_na=False))
    except (KeyError, ValueError) as err:
        if isinstance(err, OptionError):
            raise
        raise OptionError(f"bad actor registry: {err}", option="registry") from err


def check_options(**options: Any) -> dict[str, Any]:
    """Validate the options of :func:`run` before any work; return them unchanged.

    Raises
    ------
    OptionError
        Naming the option (its :func:`run` keyword) and the accepted values.
    """
    from pandas.tseries.frequencies import to_offset

    try:
        to_offset(options["freq"])
    except (ValueError, TypeError) as err:
        raise OptionError(f"unknown calendar frequency {options['freq']!r} (use MS for months, "
                          "W-MON for weeks, D for days, QS, YS)", option="freq") from err
    if options["network_level"] not in schemas.COMENTION_LEVELS:
        raise OptionError(f"network level must be one of {', '.join(schemas.COMENTION_LEVELS)}",
                          option="network_level")
    from analysis.identity import DISPLAY_LANGUAGES

    if options.get("display_language", "en") not in DISPLAY_LANGUAGES:
        raise OptionError(f"display language must be one of {', '.join(DISPLAY_LANGUAGES)}",
                          option="display_language")
    if options["network_weight"] not in NETWORK_WEIGHTS:
        raise OptionError(f"network weight must be one of {', '.join(NETWORK_WEIGHTS)}",
                          option="network_weight")
    for name, low in (("window", 2), ("max_chars", 1), ("batch_size", 1),
                      ("max_unit_actors", 2), ("chunk_docs", 1)):
        if name not in options:
            continue
        value = options[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise OptionError(f"{name} must be an integer >= {low}, not {value!r}", option=name)
    n_topics = options["n_topics"]
    if n_topics is not None and (not isinstance(n_topics, int) or n_topics < 2):
        raise OptionError(f"n_topics must be an integer >= 2, not {n_topics!r}",
                          option="n_topics")
    if options["encoding"] is not None:
        import codecs

        try:
            codecs.lookup(options["encoding"])
        except LookupError as err:
            raise OptionError(f"unknown encoding {options['encoding']!r}",
                              option="encoding") from err
    reference_date = options["reference_date"]
    if reference_date is not None:
        parse_reference_date(reference_date)
    model_dir = options["model_dir"]
    if model_dir is not None and not Path(model_dir).is_dir():
        raise OptionError(f"model folder not found: {model_dir}", option="model_dir")
    return options


def parse_reference_date(value: str | dt.date) -> dt.date:
    """The ``reference_date`` option as a date: a ``datetime.date`` or an ISO ``YYYY-MM-DD``.

    Raises
    ------
    OptionError
        Anything else (``"yesterday"`` is no reference).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as err:
        raise OptionError(f"reference date must be a date as YYYY-MM-DD, not {value!r}",
                          option="reference_date") from err


def open_cache(cache_dir: str | os.PathLike[str] | None) -> Path | None:
    """The NER cache folder to use, or ``None``: an unwritable cache warns and is skipped."""
    if cache_dir is None:
        return None
    path = default_cache_dir() if cache_dir == "default" else Path(cache_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as err:
        logger.warning("NER cache %s is not writable (%s); running without a cache", path,
                       err.strerror or err)
        return None
    return path


def resolve_specs(documents: pd.DataFrame, *, model_dir: str | os.PathLike[str] | None = None,
                  official: bool = False) -> dict[str, ModelSpec]:
    """Model specs of every language with a processable document (no NER, no loading).

    Raises
    ------
    ModelNotFoundError
        For the first language whose models are missing.
    """
    langs = sorted(set(documents.loc[documents["status"].isin(PROCESSABLE), "lang"].dropna()))
    return {lang: resolve_models(lang, model_dir=model_dir, official=official)
            for lang in langs}


def _annotate(texts: list[str], spec: ModelSpec, batch_size: int, progress: bool,
              client: Any = None, device: str = "cpu"):
    """NER of ``texts``: in this process on ``device``, or on the Dask workers of
    ``client`` (which run on their CPU); see :func:`analysis.engine.annotate`."""
    from analysis.engine import annotate

    return annotate(texts, spec, client=client, batch_size=batch_size, progress=progress,
                    device=device)


def ner_cache_key(spec: ModelSpec) -> str:
    """Cache key of NER results: the model files, the version of the mention rules and that of
    the text cleaning (:func:`analysis.corpus.clean_text`)."""
    from analysis.ner import RULES_VERSION

    return f"{spec.identity}-r{RULES_VERSION}-c{CLEAN_VERSION}"


def extract_mentions(
    documents: pd.DataFrame,
    *,
    specs: dict[str, ModelSpec] | None = None,
    model_dir: str | os.PathLike[str] | None = None,
    official: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    batch_size: int = 64,
    progress: bool = True,
    engine: Engine | None = None,
    chunk_docs: int = CHUNK_DOCS,
    device: str = "cpu",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Run NER (through the cache) on every processable document.

    Parameters
    ----------
    documents
        Needs ``doc_id``, ``lang``, ``text``, ``text_sha1``, ``status``, ``message``.
    specs
        Models per language (default: :func:`resolve_specs` with ``model_dir``/``official``).
        The models of a language are loaded before its first uncached document, so a broken
        model file raises :class:`~analysis.errors.SetupError` instead of failing documents.
    engine
        Where NER runs (:func:`analysis.engine.make_engine`; default in this process).
    chunk_docs
        Uncached documents are annotated ``chunk_docs`` at a time and cached as each chunk
        ends: memory holds one chunk of Stanza output, and a killed run resumes at the
        chunk it was in.
    device
        ``"cpu"`` or ``"cuda"``: where Stanza runs in this process
        (:func:`analysis.models.resolve_device` turns the ``auto`` option into one of them).

    Returns
    -------
    documents, mentions, sentences, info
        ``documents`` with ``processed``, ``status`` (``failed`` when NER raised for a
        document), ``message``, ``n_paragraphs``, ``n_sentences`` updated; all mentions
        (actor and non-actor labels) with ``doc_id`` and ``lang``; sentences; ``info`` with
        the models used, the engine, the device and cache hits/misses.
    """
    schemas.require(documents, ["doc_id", "lang", "text", "text_sha1", "status", "message"],
                    where="extract_mentions")
    if specs is None:
        specs = resolve_specs(documents, model_dir=model_dir, official=official)
    docs = _note_long_runs(documents)
    mention_parts, sentence_parts = [], []
    info: dict[str, Any] = {"models": {}, "device": device, "cache_hits": 0,
                            "cache_misses": 0}
    todo = docs[docs["status"].isin(PROCESSABLE)]
    engine = engine or make_engine()
    info["engine"] = engine.describe()
    with contextlib.ExitStack() as stack:
        clients: list[Any] = []

        def client_now() -> Any:
            """The Dask client (None: local), connected at the first uncached document."""
            if not clients:
                clients.append(stack.enter_context(connect(engine)))
            return clients[0]

        _extract_languages(docs, todo, specs, cache_dir, batch_size, progress, client_now,
                           info, mention_parts, sentence_parts, chunk_docs, device)
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


def _extract_languages(docs, todo, specs, cache_dir, batch_size, progress, client_now, info,
                       mention_parts, sentence_parts, chunk_docs, device="cpu") -> None:
    """The per-language part of :func:`extract_mentions` (cache, NER in chunks, failures)."""
    for lang, group in todo.groupby("lang", sort=True):
        spec = specs[str(lang)]
        info["models"][lang] = spec.describe()
        cache = NerCache(cache_dir, ner_cache_key(spec))
        cached_mentions, cached_sentences, found = cache.get_tables(
            group["text_sha1"].tolist())
        hit = group["text_sha1"].isin(found)
        keys = group.loc[hit, ["doc_id", "text_sha1"]]  # a text twice: both documents get it
        mention_parts.append(keys.merge(cached_mentions, on="text_sha1").drop(
            columns="text_sha1").assign(lang=lang))
        sentence_parts.append(keys.merge(cached_sentences, on="text_sha1").drop(
            columns="text_sha1"))
        pending: list[tuple[int, str, str]] = [  # row index, doc_id, sha1
            (idx, doc_id, sha) for idx, doc_id, sha in zip(
                group.index[~hit], group.loc[~hit, "doc_id"], group.loc[~hit, "text_sha1"],
                strict=True)]
        client = client_now() if pending else None
        if pending:  # here or on the workers (a per-document retry here loads them lazily)
            _load_models(spec, client, device)
        failures: dict[int, str] = {}
        chunks = [pending[i:i + chunk_docs] for i in range(0, len(pending), chunk_docs)]
        bar = _chunk_bar(lang, len(group), len(group) - len(pending)) if (
            progress and len(chunks) > 1) else None
        for chunk in chunks:  # cached as each chunk ends: a killed run resumes from there
            failures |= _annotate_pending(docs, chunk, spec, cache, batch_size,
                                          progress and bar is None, mention_parts,
                                          sentence_parts, client, device)
            if bar is not None:
                bar.update(len(chunk))
        if bar is not None:
            bar.close()
        for idx, err in failures.items():
            docs.loc[idx, "status"] = "failed"
            docs.loc[idx, "message"] = f"NER failed: {err}"
        info["cache_hits"] += cache.hits
        info["cache_misses"] += cache.misses


def _chunk_bar(lang: str, total: int, done: int):
    """A progress bar over the documents of one language (cached ones counted as done)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc=f"NER {lang}", unit="doc")


def _note_long_runs(documents: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``documents`` whose processable rows with runs of more than
    :data:`analysis.corpus.MAX_RUN_CHARS` characters without a space say so in ``message``."""
    todo = documents["status"].isin(PROCESSABLE)
    counts = [count_long_runs(text) if go else 0 for text, go in
              zip(documents["text"].fillna(""), todo, strict=True)]
    notes = [f"{n} run(s) of more than {MAX_RUN_CHARS} characters without a space blanked "
             "before NER" if n else None for n in counts]
    message = [f"{m}; {n}" if n and isinstance(m, str) and m else n or m
               for m, n in zip(documents["message"], notes, strict=True)]
    return documents.assign(message=pd.array(message, dtype="string"))


def _load_models(spec: ModelSpec, client: Any = None, device: str = "cpu") -> None:
    """Load the Stanza pipeline of ``spec`` now, here or (with a Dask ``client``) on every
    worker; a broken model is a setup error."""
    from analysis.engine import load_on_workers
    from analysis.models import load_pipeline

    try:
        if client is None:
            load_pipeline(spec, use_gpu=device == "cuda")
        else:
            load_on_workers(client, spec)
    except Exception as err:  # noqa: BLE001 - any loading failure means the models are unusable
        raise SetupError(f"cannot load the {spec.lang} models ({spec.origin}, "
                         f"{spec.directory}): {type(err).__name__}: {err}",
                         option="model_dir" if spec.origin == "explicit" else None) from err


def _annotate_pending(docs, pending, spec, cache, batch_size, progress, mention_parts,
                      sentence_parts, client=None, device="cpu") -> dict[int, str]:
    """Annotate uncached documents in one batch; isolate failures document by document.

    NER reads each text through :func:`analysis.corpus.clean_text` (length-preserving);
    offsets are mapped back to the document text before they are cached."""
    if not pending:
        return {}
    cleaned = [clean_text_positions(docs.at[idx, "text"]) for idx, _, _ in pending]
    texts = [text for text, _ in cleaned]
    try:
        mentions, sentences = _annotate(texts, spec, batch_size, progress, client, device)
        # one grouping pass (a boolean mask per document is quadratic in the corpus)
        empty_m, empty_s = mentions.iloc[:0], sentences.iloc[:0]
        by_m = dict(iter(mentions.groupby("text_idx", sort=False)))
        by_s = dict(iter(sentences.groupby("text_idx", sort=False)))
        results = {i: (by_m.get(i, empty_m), by_s.get(i, empty_s)) for i in range(len(pending))}
    except Exception:  # noqa: BLE001 - retry one by one to find the culprit(s)
        logger.exception("NER batch failed for %s; retrying document by document", spec.lang)
        results = {}
        for i, text in enumerate(texts):
            try:
                results[i] = _annotate([text], spec, batch_size, False, None, device)
            except Exception as err:  # noqa: BLE001 - recorded as the document's status
                results[i] = err
    failures: dict[int, str] = {}
    done: list[tuple[str, pd.DataFrame, pd.DataFrame]] = []
    for i, (idx, doc_id, sha) in enumerate(pending):
        result = results[i]
        if isinstance(result, Exception):
            failures[idx] = f"{type(result).__name__}: {result}"
            continue
        m, s = (_to_original(part.drop(columns="text_idx").reset_index(drop=True),
                             cleaned[i][1]) for part in result)
        done.append((sha, m, s))
        mention_parts.append(m.assign(doc_id=doc_id, lang=spec.lang))
        sentence_parts.append(s.assign(doc_id=doc_id))
    cache.put_many(done)  # one transaction per chunk
    return failures


def _to_original(table: pd.DataFrame, positions: list[int] | None) -> pd.DataFrame:
    """Spans (``start_char``, ``end_char``) in a cleaned text → spans in the original text
    (see :func:`analysis.corpus.clean_text_positions`). Does not mutate ``table``."""
    if positions is None or table.empty:
        return table
    where = np.asarray(positions)
    start = where[table["start_char"].astype(int).to_numpy()]
    end = where[table["end_char"].astype(int).to_numpy() - 1] + 1
    return table.assign(start_char=pd.array(start, dtype="Int64"),
                        end_char=pd.array(end, dtype="Int64"))


def note_crowded_units(documents: pd.DataFrame, crowded: pd.DataFrame, max_unit_actors: int
                       ) -> pd.DataFrame:
    """Add a message to each document with units over ``max_unit_actors`` actors.

    Parameters
    ----------
    documents
        Needs ``doc_id`` and ``message``.
    crowded
        :func:`analysis.comention.crowded_units`.

    Returns
    -------
    DataFrame
        A copy of ``documents``. Does not mutate its inputs.
    """
    schemas.require(documents, ["doc_id", "message"], where="note_crowded_units")
    if crowded.empty:
        return documents
    notes = {}
    for doc_id, group in crowded.groupby("doc_id", sort=False):
        units = [f"{level}{'' if pd.isna(idx) else f' {idx}'}: {n:,} actors"
                 for level, idx, n in zip(group["level"], group["unit_idx"], group["n_actors"],
                                          strict=True)]
        more = f" and {len(units) - 4} more" if len(units) > 4 else ""
        notes[doc_id] = (f"units naming more than {max_unit_actors} actors (max_unit_actors); "
                         f"co-mentions count their first {max_unit_actors}: "
                         f"{'; '.join(units[:4])}{more}")
    note = documents["doc_id"].map(notes)
    message = [f"{m}; {n}" if isinstance(m, str) and m and isinstance(n, str) else
               n if isinstance(n, str) else m for m, n in zip(documents["message"], note,
                                                               strict=True)]
    return documents.assign(message=pd.array(message, dtype="string"))


def entity_tables(mentions: pd.DataFrame, registry: pd.DataFrame | None, *,
                  display_language: str = "en",
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Base forms, actor identity and one label per actor: (mentions, entities, merges).

    Steps: :func:`analysis.normalize.add_base_forms`, :func:`analysis.identity.resolve_actors`,
    :func:`analysis.identity.harmonise_labels` (a mention's ``label`` becomes its actor's; the
    model's label stays in ``label_native``), :func:`analysis.identity.display_names` (one
    name per actor in ``display_language``).
    """
    from analysis.identity import display_names, harmonise_labels, resolve_actors
    from analysis.normalize import add_base_forms

    actors = mentions[mentions["label"].notna()].reset_index(drop=True)
    if actors.empty:
        return schemas.empty("mentions"), schemas.empty("entities"), schemas.empty("merges")
    actors = add_base_forms(actors)
    linked, entities, merges = resolve_actors(actors, registry=registry)
    linked = harmonise_labels(linked, entities)
    entities = display_names(entities, linked, language=display_language)
    return (schemas.conform(linked, "mentions"), schemas.conform(entities, "entities"),
            schemas.conform(merges, "merges"))


def run(
    corpus: str | os.PathLike[str] | pd.DataFrame | None = None,
    *,
    out: str | os.PathLike[str] | None = None,
    report: bool = False,
    registry: str | os.PathLike[str] | pd.DataFrame | None = "default",
    model_dir: str | os.PathLike[str] | None = None,
    official: bool = False,
    cache_dir: str | os.PathLike[str] | None = "default",
    text_column: str = "text",
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    reference_year: int | None = None,
    reference_date: str | dt.date | None = None,
    window: int = DEFAULT_WINDOW,
    max_unit_actors: int = DEFAULT_MAX_UNIT_ACTORS,
    network_level: str = "document",
    network_weight: str = "n",
    display_language: str = "en",
    freq: str = "MS",
    topics: bool = True,
    n_topics: int | None = None,
    seed: int = 0,
    batch_size: int = 64,
    progress: bool = True,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_docs: int = CHUNK_DOCS,
    device: str = "cpu",
    partition: bool = False,
) -> RunResult:
    """Run the whole analysis on a corpus.

    Every option, the output folder, the registry and the models of each language present
    are checked before any NER runs; a problem raises :class:`~analysis.errors.SetupError`
    (an :class:`~analysis.errors.OptionError` names the option).

    Parameters
    ----------
    corpus
        Folder of ``.txt`` files, a CSV/JSONL/parquet file, a table of texts (read like a
        CSV file, see :func:`analysis.corpus.documents_from_table`) or a table already loaded
        with :func:`analysis.corpus.load_corpus`; default the sample corpus shipped with the
        package.
    out
        If given, write every table as parquet and CSV, ``network.gexf``, ``manifest.json``
        and ``summary.txt`` there (:func:`analysis.output.write_outputs`).
    report
        With ``out``, also write ``report.html``.
    registry
        Actor registry: ``"default"`` (the shipped ``actors.csv``), ``"none"``/``None`` for
        purely automatic identity, a CSV path, or a table.
    model_dir, official
        Model resolution (see :func:`analysis.models.resolve_models`).
    cache_dir
        NER cache directory; ``"default"`` is ``$ACTOR_NETWORKS_CACHE`` or
        ``~/.cache/actor-networks``; ``None`` disables caching. An unwritable cache warns and
        the run goes on without it.
    text_column, encoding
        Text column of a table input; encoding of the input files (default UTF-8/UTF-16).
    max_chars
        Longer documents are cut (status ``truncated``).
    reference_year
        Year for dates written without one (default: the corpus' most common year).
    reference_date
        Day (``YYYY-MM-DD``) that relative metadata dates ("wczoraj", "yesterday") count
        from; without it they are rejected with a message. Never the clock.
    window
        Token window of the ``window`` co-mention level.
    max_unit_actors
        A unit (document, paragraph, sentence, window) naming more actors counts only its
        first ``max_unit_actors`` in co-mentions; each such document gets a message and the
        summary counts them.
    network_level, network_weight
        Co-mention level and weight column of the network (``nodes`` metrics, GEXF, report).
    display_language
        Language of the actor names in every table and chart: ``"en"`` (English names of
        countries and places, registry names, else the base form named in most languages),
        ``"pl"``, ``"lt"`` or ``"ro"`` (see :func:`analysis.identity.display_names`).
    freq
        Calendar bins for everything over time (``"MS"`` months, ``"W-MON"``, ``"D"``…).
    topics, n_topics
        Fit topic clusters (``n_topics=None`` picks a number for the corpus size).
    seed
        Seed for communities and topics.
    batch_size, progress
        NER batch size (sentences); show a progress bar.
    engine, workers, scheduler
        Where NER runs: ``"local"`` (this process) or ``"dask"`` (``workers`` processes of a
        local Dask cluster, or the cluster at ``scheduler``; see :mod:`analysis.engine`).
        The tables are the same; ``manifest.json`` records the engine.
    chunk_docs
        Documents annotated and cached at a time (see :func:`extract_mentions`).
    device
        Where Stanza runs with the local engine: ``"cpu"`` (default), ``"cuda"`` (an
        :class:`~analysis.errors.OptionError` when torch sees no GPU, or with
        ``engine="dask"``, whose workers run on their CPU) or ``"auto"`` (``cuda`` when torch
        sees a GPU, else ``cpu``). ``manifest["device"]`` records the one used.
    partition
        With ``out``, also write the per-document tables (documents, sentences, mentions,
        doc_topics, doc_map) as parquet datasets partitioned by language and month,
        ``out/<table>/lang=<xx>/month=<YYYY-MM>/part-0.parquet`` (``month=undated`` without a
        date); read them back with :func:`analysis.partition.read_partitioned`. Without it,
        such datasets of an earlier run in ``out`` are removed.

    Returns
    -------
    RunResult
        All tables; ``documents`` has one row per input document with its status.
    """
    options = check_options(
        report=report, registry=registry if isinstance(registry, str | type(None)) else (
            str(registry) if isinstance(registry, Path) else "<table>"),
        model_dir=None if model_dir is None else str(model_dir), official=official,
        text_column=text_column, encoding=encoding, max_chars=max_chars,
        reference_year=reference_year,
        reference_date=None if reference_date is None else str(reference_date),
        window=window, max_unit_actors=max_unit_actors, network_level=network_level,
        network_weight=network_weight, display_language=display_language, freq=freq,
        topics=topics, n_topics=n_topics, seed=seed, batch_size=batch_size,
        chunk_docs=chunk_docs, device=device, partition=partition)
    ner_engine = make_engine(engine, workers=workers, scheduler=scheduler)
    if ner_engine.kind == "dask" and device == "cuda":
        raise OptionError("device cuda needs engine local (Dask workers run NER on their CPU)",
                          option="device")
    used_device = resolve_device(device) if ner_engine.kind == "local" else "cpu"
    if out is not None:
        prepare_out_dir(out)
        check_dataset_targets(out)
    registry_table = read_registry(registry)
    cache = open_cache(cache_dir)
    skipped = {"hidden": 0, "vcs": 0}
    if isinstance(corpus, pd.DataFrame):
        documents = documents_from_table(corpus, text_column=text_column, encoding=encoding,
                                         max_chars=max_chars)
        corpus_name = "<table>"
    else:
        try:
            documents, skipped = read_corpus(corpus, text_column=text_column, encoding=encoding,
                                             max_chars=max_chars)
        except FileNotFoundError as err:
            raise OptionError(str(err), option="corpus") from err
        corpus_name = str(corpus) if corpus is not None else "sample (shipped with the package)"
    documents = detect_languages(documents).pipe(
        resolve_dates, reference_year=reference_year,
        reference_date=None if reference_date is None else parse_reference_date(reference_date))
    specs = resolve_specs(documents, model_dir=model_dir, official=official)
    documents, all_mentions, sentences, info = extract_mentions(
        documents, specs=specs, cache_dir=cache, batch_size=batch_size, progress=progress,
        engine=ner_engine, chunk_docs=chunk_docs, device=used_device)
    mentions, entities, merges = entity_tables(all_mentions, registry_table,
                                               display_language=display_language)
    documents = documents.assign(n_mentions=documents["doc_id"].map(
        mentions.groupby("doc_id").size()).fillna(0).where(documents["processed"]).astype(
        "Int64"))
    comentions = comention_table(mentions, sentences, documents, window=window,
                                 max_unit_actors=max_unit_actors)
    crowded = crowded_units(mentions, sentences, window=window, max_unit_actors=max_unit_actors)
    documents = note_crowded_units(documents, crowded, max_unit_actors)
    graph = build_graph(entities, comentions, level=network_level, weight=network_weight)
    by_period = comentions_over_time(mentions, sentences, documents, freq=freq,
                                     levels=(network_level,), window=window,
                                     max_unit_actors=max_unit_actors)
    topic_results: dict[str, pd.DataFrame] = {}
    if topics:
        topic_results = _topic_tables(documents, mentions, sentences, entities, n_topics,
                                      freq, seed)
    result = RunResult(
        documents=schemas.conform(documents, "documents"),
        sentences=sentences,
        mentions=mentions,
        entities=entities,
        merges=merges,
        comentions=comentions,
        nodes=node_table(graph, seed=seed),
        comentions_by_period=schemas.conform(by_period, "comentions_by_period"),
        graph=graph,
        options=options,
        manifest=_manifest(documents, options, info, corpus_name) | {
            "skipped": skipped,
            "crowded_units": {str(k): int(v) for k, v in
                              crowded["level"].value_counts().sort_index().items()},
            # None: exact betweenness; a number: estimated from that many seeded sources
            "betweenness_sources": sampled_sources(graph.number_of_nodes(),
                                                   graph.number_of_edges()),
            "engine": info["engine"],
            "device": used_device},
        **topic_results,
    )
    logger.info("documents per status: %s", result.manifest["documents_per_status"])
    if out is not None:
        write_outputs(result, out, report=report and result.n_processed > 0,
                      partition=partition)
    return result


def _topic_tables(documents, mentions, sentences, entities, n_topics, freq, seed
                  ) -> dict[str, Any]:
    from analysis.topics import topic_tables

    tables = topic_tables(documents, mentions=mentions, sentences=sentences, entities=entities,
                          n_topics=n_topics, freq=freq, seed=seed)
    return {name: schemas.conform(table, name) for name, table in tables.items()}


def _manifest(documents: pd.DataFrame, params: dict, info: dict, corpus_name: str) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def _version(dist: str) -> str | None:
        try:
            return version(dist).split("+")[0]
        except PackageNotFoundError:
            return None

    dated = documents["published_at"].dropna()
    statuses = documents["status"].value_counts().sort_index()
    return {
        "package": {"name": "actor-networks", "version": __version__},
        "versions": {dist: _version(dist) for dist in
                     ("stanza", "torch", "pandas", "networkx", "plotly", "scikit-learn")},
        "models": info["models"],
        "corpus": {
            "name": corpus_name,
            "fingerprint": corpus_fingerprint(documents),
            "n_documents": len(documents),
            "date_min": dated.min().date().isoformat() if len(dated) else None,
            "date_max": dated.max().date().isoformat() if len(dated) else None,
            "languages": documents["lang"].value_counts().sort_index().to_dict(),
            "n_processed": int(documents["processed"].fillna(False).astype(bool).sum()),
            "n_dated": int(documents.loc[documents["processed"].fillna(False).astype(bool),
                                         "published_at"].notna().sum()),
        },
        "documents_per_status": {str(k): int(v) for k, v in statuses.items()},
        "parameters": params,
    }


__all__ = ["run", "check_options", "extract_mentions", "entity_tables", "read_registry",
           "resolve_specs", "write_outputs", "summary_text", "default_corpus"]
