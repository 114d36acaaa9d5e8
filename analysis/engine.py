"""Where NER runs: in this process (``local``) or on ``dask.distributed`` workers (``dask``).

NER is the only step whose cost grows with the corpus text; everything after it reads the
gathered mention tables. With ``engine="dask"`` the uncached documents of a language are cut
into contiguous partitions of about equal length, each partition is annotated on a worker by
:func:`analysis.ner.annotate_texts` (each worker loads the models once, before the first
partition, and keeps them: :func:`analysis.models.load_pipeline` is cached per process), and
the results come back to the caller, which caches them and runs the corpus-level steps.
Partitions hold whole documents and the mention rules look at one document at a time, so the
tables are the same as with ``local``.

Locally a ``LocalCluster`` of ``workers`` single-threaded processes is started for the run
and closed after it; ``scheduler="tcp://host:8786"`` uses an existing cluster instead, whose
workers must have this package installed (the shipped models are looked up on each worker and
must be the same version; explicit model folders must be readable at the same path there).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import SetupError
from analysis.models import ModelSpec

logger = logging.getLogger(__name__)

ENGINES = ("local", "dask")

#: Partitions per worker: small enough for load balancing, large enough that the per-call
#: overhead (a few ms) disappears beside NER.
PARTITIONS_PER_WORKER = 4


@dataclass(frozen=True)
class Engine:
    """Where NER runs.

    Attributes
    ----------
    kind
        ``"local"`` (this process) or ``"dask"``.
    workers
        Worker processes of the local Dask cluster (``None``: one per CPU core); ignored
        with ``scheduler``.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``); ``None`` starts a
        ``LocalCluster``.
    """

    kind: str = "local"
    workers: int | None = None
    scheduler: str | None = None

    def describe(self) -> dict[str, Any]:
        """The engine as recorded in the run's manifest."""
        return asdict(self)


def make_engine(kind: str = "local", *, workers: int | None = None,
                scheduler: str | None = None) -> Engine:
    """A validated :class:`Engine`.

    Raises
    ------
    SetupError
        For an unknown kind, a worker count below 1, or ``dask`` without the ``dask``
        extra installed.

    Examples
    --------
    >>> make_engine("local")
    Engine(kind='local', workers=None, scheduler=None)
    """
    if kind not in ENGINES:
        raise SetupError(f"unknown engine {kind!r}; choose one of {', '.join(ENGINES)}",
                         option="engine")
    if workers is not None and workers < 1:
        raise SetupError(f"workers must be at least 1, not {workers}", option="workers")
    if kind == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError as err:
            raise SetupError("engine 'dask' needs dask.distributed: pip install "
                             "'actor-networks[dask]'", option="engine") from err
    elif scheduler is not None:
        raise SetupError("scheduler= needs engine='dask'", option="scheduler")
    return Engine(kind, workers, scheduler)


def partition_bounds(lengths: Sequence[int], n_parts: int) -> list[tuple[int, int]]:
    """Cut texts of ``lengths`` characters into at most ``n_parts`` contiguous
    ``(start, stop)`` ranges of about equal total length, none empty.

    Examples
    --------
    >>> partition_bounds([10, 10, 10, 10], 2)
    [(0, 2), (2, 4)]
    >>> partition_bounds([100, 1, 1], 3)
    [(0, 1), (1, 2), (2, 3)]
    """
    n = len(lengths)
    if n == 0:
        return []
    n_parts = max(1, min(n_parts, n))
    cum = np.cumsum(np.asarray(lengths, dtype=np.float64) + 1.0)
    cuts = np.searchsorted(cum, cum[-1] * np.arange(1, n_parts) / n_parts, side="left") + 1
    edges = sorted({0, n, *(int(c) for c in cuts if 0 < c < n)})
    return list(zip(edges[:-1], edges[1:], strict=True))


def annotate(texts: Sequence[str], spec: ModelSpec, *, client: Any = None,
             batch_size: int = 64, progress: bool = False, device: str = "cpu"
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`analysis.ner.annotate_texts` over ``texts``, on the workers of ``client``
    (from :func:`connect`; they run on their CPU) or, when it is None, in this process on
    ``device``; the same tables."""
    from analysis.ner import annotate_texts

    if client is None or len(texts) < 2:
        return annotate_texts(texts, spec.lang, spec=spec, batch_size=batch_size,
                              progress=progress, device=device)
    return annotate_on(client, texts, spec, batch_size=batch_size, progress=progress)


def annotate_on(client, texts: Sequence[str], spec: ModelSpec, *, batch_size: int = 64,
                progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annotate ``texts`` on the workers of a ``distributed.Client``; rows in input order."""
    from distributed import as_completed

    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    bounds = partition_bounds([len(t) for t in texts], n_workers * PARTITIONS_PER_WORKER)
    futures = {client.submit(_annotate_partition, list(texts[a:b]), spec, batch_size,
                             pure=False): (a, b) for a, b in bounds}
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(texts), desc=f"NER {spec.lang}", unit="doc")
    parts: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}
    for future in as_completed(futures):
        start, stop = futures[future]
        mentions, sentences = future.result()
        parts[start] = (_shift(mentions, start), _shift(sentences, start))
        if bar is not None:
            bar.update(stop - start)
    if bar is not None:
        bar.close()
    ordered = [parts[a] for a, _ in bounds]
    return (pd.concat([m for m, _ in ordered], ignore_index=True),
            pd.concat([s for _, s in ordered], ignore_index=True))


def load_on_workers(client, spec: ModelSpec) -> None:
    """Load the models of ``spec`` on every worker of ``client`` now (a broken model is then
    a setup error before any document, and timings do not include loading)."""
    client.run(_load_models, spec)


def _load_models(spec: ModelSpec) -> None:
    from analysis.models import load_pipeline

    load_pipeline(_worker_spec(spec))


def _shift(table: pd.DataFrame, offset: int) -> pd.DataFrame:
    return table.assign(text_idx=table["text_idx"] + offset) if offset else table


def _annotate_partition(texts: list[str], spec: ModelSpec, batch_size: int
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One partition on a worker (module level: pickled by reference)."""
    from analysis.ner import annotate_texts

    return annotate_texts(texts, spec.lang, spec=_worker_spec(spec), batch_size=batch_size)


def _worker_spec(spec: ModelSpec) -> ModelSpec:
    """``spec`` as seen from a worker: shipped models are looked up in the worker's own
    installation (another machine has another path) and must be the same version."""
    if spec.origin != "shipped" or os.path.isdir(spec.directory):
        return spec
    from analysis.models import resolve_models

    local = resolve_models(spec.lang)
    if local.version != spec.version:
        raise SetupError(f"worker has {spec.lang} models {local.version}, the client "
                         f"{spec.version}: install the same package version on the workers")
    return local


@contextlib.contextmanager
def connect(engine: Engine) -> Iterator[Any]:
    """A ``distributed.Client`` for a ``dask`` engine (None for ``local``), closed with its
    local cluster afterwards."""
    if engine.kind == "local":
        yield None
        return
    from distributed import Client, LocalCluster

    if engine.scheduler is not None:
        client = Client(engine.scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    workers = engine.workers or os.cpu_count() or 1
    # One thread per worker and torch limited to it: N workers use N cores, not N x N.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None,
                           env={"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    client = Client(cluster)
    logger.info("dask: local cluster of %d worker(s)", workers)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
