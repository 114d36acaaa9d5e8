"""The one writer of run outputs: atomic, world-readable files in one output folder.

:func:`prepare_out_dir` is called before any NER so a bad ``--out`` fails at once;
:func:`write_outputs` writes every table (parquet + CSV), ``network.gexf``, ``manifest.json``,
``summary.txt``, when asked, ``report.html`` and, with ``partition``, the per-document tables as
partitioned parquet datasets (:mod:`analysis.partition`). Outputs of an earlier run that this run
does not write again (``report.html`` or the datasets after a plain ``run``) are removed, so a
folder never mixes runs.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.errors import OptionError

if TYPE_CHECKING:
    from analysis.result import RunResult

logger = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
SUMMARY_FILE = "summary.txt"
GEXF_FILE = "network.gexf"
REPORT_FILE = "report.html"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Write ``path`` through a temporary file in the same folder, then rename it into place.

    ``write`` receives the temporary path. The result has the permissions a plain ``open``
    would give (``0o666`` less the umask), not ``mkstemp``'s private ``0o600``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _open_tree(folder: Path) -> None:
    """Give ``folder``, its subfolders and files the modes plain ``mkdir``/``open`` would."""
    mask = _umask()
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o777 & ~mask)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o777 & ~mask)
        for name in files:
            os.chmod(os.path.join(root, name), 0o666 & ~mask)


def atomic_write_dir(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Write the folder ``path`` through a temporary sibling folder, then swap it into place.

    ``write`` receives the empty temporary folder. Folders and files get the modes a plain
    ``mkdir``/``open`` would give (``0o777``/``0o666`` less the umask). A folder already at
    ``path`` (an earlier run's) is renamed aside and deleted once the new one is in place, so
    nothing of it survives; a reader sees the old folder or the new one, never a mix, but for
    a moment between the two renames it sees none.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        write(tmp)
        _open_tree(tmp)
        old = None
        if path.exists() or path.is_symlink():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            try:
                os.replace(path, old)  # onto the empty folder just made
            except BaseException:
                old.rmdir()
                raise
        try:
            os.replace(tmp, path)
        except BaseException:
            if old is not None:
                os.replace(old, path)
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old)
    return path


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Atomically write UTF-8 text with ``\\n`` line ends (NUL characters become spaces)."""
    def _write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text.replace("\x00", " "))

    return atomic_write(path, _write)


def prepare_out_dir(out: str | os.PathLike[str]) -> Path:
    """Create the output folder or check the existing one is a writable folder.

    Raises
    ------
    OptionError
        ``out`` is a file, cannot be created, or is not writable.
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise OptionError(f"output folder {path} is an existing file", option="out")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-", delete=True)
        probe.close()
    except OSError as err:
        raise OptionError(f"cannot write to output folder {path}: {err.strerror or err}",
                          option="out") from err
    return path


#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV
#: injection"): such a cell gets a leading apostrophe in CSV files; parquet keeps the value.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = value.replace("\x00", " ")
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` as it is written to CSV: text cells that start with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return get a leading ``'`` (so a spreadsheet shows them as
    text, not a formula) and NUL characters become spaces. Numbers are untouched (a negative
    PMI stays a number). Does not mutate ``table``.

    Examples
    --------
    >>> csv_safe(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "b": [-1.5, 2.0, 0.0]})).to_dict("list")
    {'a': ["'=1+1", 'ok', "'-x"], 'b': [-1.5, 2.0, 0.0]}
    """
    text_columns = [c for c in table.columns
                    if table[c].dtype == object or isinstance(table[c].dtype, pd.StringDtype)]
    if not text_columns:
        return table
    return table.assign(**{c: table[c].map(_safe_cell, na_action="ignore")
                           for c in text_columns})


def write_csv(path: str | os.PathLike[str], table: pd.DataFrame) -> Path:
    """Atomically write ``table`` as CSV, formula-safe (see :func:`csv_safe`)."""
    safe = csv_safe(table)
    return atomic_write(path, lambda p: safe.to_csv(p, index=False))


def manifest_json(manifest: dict[str, Any]) -> str:
    """The manifest as sorted, indented JSON (the text of ``manifest.json``)."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def check_dataset_targets(out: str | os.PathLike[str]) -> None:
    """Check that no folder of ``out`` named like a partitioned table is someone else's.

    Such folders are replaced (``partition=True``) or removed (a plain run) by
    :func:`write_outputs`; this refuses before any work when one is not a dataset of an earlier
    run (see :func:`analysis.partition.is_dataset`).

    Raises
    ------
    OptionError
        Naming the folder.
    """
    from analysis.partition import PARTITIONED_TABLES, is_dataset

    for name in PARTITIONED_TABLES:
        target = Path(out) / name
        if (target.exists() or target.is_symlink()) and not is_dataset(target):
            raise OptionError(f"{target} exists and is not a partitioned dataset of an earlier "
                              "run; move it away (it would be replaced)", option="out")


def write_partitioned(result: RunResult, out: str | os.PathLike[str]) -> list[Path]:
    """Write the per-document tables of ``result`` as partitioned datasets into ``out``.

    Each table of :data:`analysis.partition.PARTITIONED_TABLES` becomes
    ``out/<table>/lang=<xx>/month=<YYYY-MM|undated>/part-0.parquet``
    (:func:`analysis.partition.write_dataset`), written into a temporary sibling folder and
    swapped into place (:func:`atomic_write_dir`): the dataset of an earlier run, stale
    partitions included, is replaced whole. Read one back with
    :func:`analysis.partition.read_partitioned`.

    Returns
    -------
    list of Path
        The dataset folders.
    """
    from analysis.partition import PARTITIONED_TABLES, write_dataset

    check_dataset_targets(out)
    tables = result.tables()
    return [atomic_write_dir(Path(out) / name, lambda tmp, name=name: write_dataset(
        tables[name], tmp, documents=result.documents, name=name))
        for name in PARTITIONED_TABLES]


def remove_datasets(out: str | os.PathLike[str]) -> list[Path]:
    """Remove the partitioned datasets an earlier run left in ``out``; return those removed.

    Only folders laid out as such datasets are removed (see
    :func:`analysis.partition.is_dataset`).
    """
    from analysis.partition import PARTITIONED_TABLES, is_dataset

    removed = []
    for name in PARTITIONED_TABLES:
        target = Path(out) / name
        if target.is_dir() and is_dataset(target):
            shutil.rmtree(target)
            removed.append(target)
            logger.info("removed the partitioned dataset %s of an earlier run", target)
    return removed


def write_outputs(result: RunResult, out: str | os.PathLike[str], *, report: bool = False,
                  report_options: dict[str, Any] | None = None, partition: bool = False
                  ) -> Path:
    """Write every output of ``result`` into ``out``; return the folder.

    Parameters
    ----------
    result
        A finished run (its ``graph`` and ``comentions_by_period`` are used for the GEXF).
    out
        Output folder (created if needed).
    report
        Also write ``report.html`` (see :func:`analysis.report.render_report`).
    report_options
        Options for the report (``title``, ``top_n``…).
    partition
        Also write the per-document tables as partitioned parquet datasets by language and
        month (:func:`write_partitioned`); without it, datasets of an earlier run are removed.

    Raises
    ------
    OptionError
        ``out`` is unusable, or a folder there named like a partitioned table is not a
        dataset of an earlier run (checked before anything is written).
    """
    from analysis.gexf import write_gexf_to
    from analysis.result import summary_text

    out_dir = prepare_out_dir(out)
    check_dataset_targets(out_dir)
    written = []
    for name, table in result.tables().items():
        written.append(atomic_write(out_dir / f"{name}.parquet",
                                    lambda p, t=table: t.to_parquet(p, index=False)))
        written.append(write_csv(out_dir / f"{name}.csv", table))
    if result.graph is not None:
        def _gexf(tmp: Path) -> None:
            with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
                write_gexf_to(handle, result.graph, result.comentions_by_period,
                              freq=result.options.get("freq", "MS"))

        written.append(atomic_write(out_dir / GEXF_FILE, _gexf))
    written.append(write_text(out_dir / MANIFEST_FILE, manifest_json(result.manifest)))
    written.append(write_text(out_dir / SUMMARY_FILE, summary_text(result)))
    stale = out_dir / REPORT_FILE
    if report:
        from analysis.report import build_report

        written.append(write_text(stale, build_report(result, **(report_options or {}))))
        logger.info("report written to %s", stale)
    elif stale.is_file():
        stale.unlink()  # from an earlier run: it would not match these tables
        logger.info("removed %s of an earlier run", stale)
    if partition:
        write_partitioned(result, out_dir)
    else:
        remove_datasets(out_dir)  # from an earlier run: they would not match these tables
    return out_dir
