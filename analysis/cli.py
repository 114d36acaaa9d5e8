"""Command line: ``python -m analysis run|report [CORPUS] --out DIR``.

Exit status: 0 when at least one document was processed; 1 when the run processed none
(empty corpus, every document failed or unsupported); 2 for a setup error found before any
NER (bad option, missing or broken models, unusable output folder, missing corpus).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

EXIT_NOTHING_PROCESSED = 1
EXIT_SETUP = 2


def _prog() -> str:
    """The program name as the user typed it (``python -m analysis`` or the script name)."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m analysis" if name in ("", "__main__.py", "-c") else name


def _parser() -> argparse.ArgumentParser:
    from analysis import __version__

    parser = argparse.ArgumentParser(
        prog=_prog(),
        description="Actor co-mention networks from Polish, Lithuanian and Romanian news.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "run the main job and write tables, the GEXF network and a summary"),
        ("report", "run the main job and write the tables plus a self-contained HTML report"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("corpus", nargs="?", default=None,
                         help="folder of .txt files or a CSV/JSONL/parquet file "
                              "(default: the sample corpus shipped with the package)")
        cmd.add_argument("--out", default="out", help="output directory (default: ./out)")
        cmd.add_argument("--registry", default="default",
                         help="actor registry CSV, 'none' for automatic identity only "
                              "(default: the registry shipped with the package)")
        cmd.add_argument("--model-dir", default=None, help="directory with our model layout")
        cmd.add_argument("--official", action="store_true",
                         help="use installed official Stanza models (never downloads)")
        cmd.add_argument("--text-column", default="text", help="text column of a table input")
        cmd.add_argument("--encoding", default=None,
                         help="encoding of the input files (default: UTF-8, or UTF-16 with a BOM)")
        cmd.add_argument("--no-cache", action="store_true", help="do not use the NER cache")
        cmd.add_argument("--cache-dir", default="default", help="NER cache directory")
        cmd.add_argument("--reference-date", default=None,
                         help="day (YYYY-MM-DD) that relative metadata dates such as "
                              "'wczoraj' or 'yesterday' count from (default: such dates are "
                              "rejected; never the clock)")
        cmd.add_argument("--max-unit-actors", type=int, default=50,
                         help="a unit naming more actors counts only its first ones in "
                              "co-mentions (default: 50)")
        cmd.add_argument("--freq", default="MS", help="calendar bins: MS (month), W-MON, D")
        cmd.add_argument("--network-level", default="document",
                         help="co-mention level of the network: document, paragraph, sentence, "
                              "window")
        cmd.add_argument("--display-language", default="en",
                         help="language of actor names in tables and charts: en (default), "
                              "pl, lt or ro")
        cmd.add_argument("--no-topics", action="store_true", help="skip topic clusters")
        cmd.add_argument("--n-topics", type=int, default=None, help="number of topics")
        cmd.add_argument("--seed", type=int, default=0, help="seed for communities and topics")
        cmd.add_argument("--engine", default="local", choices=("local", "dask"),
                         help="where NER runs: this process (default) or Dask workers")
        cmd.add_argument("--workers", type=int, default=None,
                         help="--engine dask: worker processes of the local cluster "
                              "(default: one per CPU core)")
        cmd.add_argument("--scheduler", default=None,
                         help="--engine dask: address of an existing Dask scheduler "
                              "(tcp://host:8786) instead of a local cluster")
        cmd.add_argument("--chunk-docs", type=int, default=256,
                         help="documents annotated and cached at a time; a killed run "
                              "resumes at its last chunk (default: 256)")
        cmd.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu",
                         help="where NER runs: cpu (default), cuda (an error without a GPU) "
                              "or auto (cuda when torch sees a GPU); the manifest records it")
        cmd.add_argument("--partition", action="store_true",
                         help="also write documents, sentences, mentions, doc_topics and "
                              "doc_map as parquet datasets partitioned by language and month "
                              "(OUT/<table>/lang=xx/month=YYYY-MM/part-0.parquet)")
        cmd.add_argument("--quiet", action="store_true",
                         help="no progress bar, log lines or Stanza/torch warnings")
    return parser


#: Keywords of :func:`analysis.run` whose command-line option has another name.
_OPTION_NAMES = {"topics": "--no-topics", "cache_dir": "--cache-dir / --no-cache",
                 "corpus": "CORPUS"}


def _option_flag(keyword: str | None) -> str | None:
    if keyword is None:
        return None
    return _OPTION_NAMES.get(keyword, "--" + keyword.replace("_", "-"))


@contextlib.contextmanager
def _quiet(enabled: bool):
    """Silence everything but errors, Stanza's and torch's own warnings included.

    Levels and warning filters are restored afterwards, so calling :func:`main` in a
    process (tests, notebooks) leaves its logging as it was.
    """
    if not enabled:
        yield
        return
    names = ("", "stanza", "torch", "analysis")
    levels = {name: logging.getLogger(name).level for name in names}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            logging.getLogger(name).setLevel(logging.ERROR)
        try:
            yield
        finally:
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (see the module docstring)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    with _quiet(args.quiet):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; the exit status."""
    from analysis.errors import SetupError
    from analysis.pipeline import run
    from analysis.result import summary_text

    try:
        result = run(
            args.corpus,
            out=args.out,
            report=args.command == "report",
            registry=args.registry,
            model_dir=args.model_dir,
            official=args.official,
            cache_dir=None if args.no_cache else args.cache_dir,
            text_column=args.text_column,
            encoding=args.encoding,
            reference_date=args.reference_date,
            max_unit_actors=args.max_unit_actors,
            freq=args.freq,
            network_level=args.network_level,
            display_language=args.display_language,
            topics=not args.no_topics,
            n_topics=args.n_topics,
            seed=args.seed,
            progress=not args.quiet,
            engine=args.engine,
            workers=args.workers,
            scheduler=args.scheduler,
            chunk_docs=args.chunk_docs,
            device=args.device,
            partition=args.partition,
        )
    except SetupError as err:
        flag = _option_flag(err.option)
        print(f"error: {flag}: {_first_line(err)}" if flag else f"error: {_first_line(err)}",
              file=sys.stderr)
        return EXIT_SETUP
    except (FileNotFoundError, KeyError, ValueError) as err:  # corpus problems
        print(f"error: {_first_line(err)}", file=sys.stderr)
        return EXIT_SETUP
    print(summary_text(result), end="")
    if result.n_processed == 0:
        print(f"error: no document was processed ({_why_nothing(result)}); tables written to "
              f"{Path(args.out)}, no report", file=sys.stderr)
        return EXIT_NOTHING_PROCESSED
    if args.command == "report":
        print(f"report: {Path(args.out) / 'report.html'}")
    print(f"tables written to {Path(args.out)}")
    return 0


def _first_line(err: BaseException) -> str:
    """The first line of an error's message (a KeyError's without its quotes)."""
    text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    return (text.strip().splitlines() or [type(err).__name__])[0]


def _why_nothing(result) -> str:
    docs = result.documents
    if docs.empty:
        return "the corpus has no documents"
    counts = docs["status"].value_counts().sort_index()
    first = docs.loc[docs["message"].notna(), "message"]
    why = ", ".join(f"{n} {status}" for status, n in counts.items())
    return why + (f"; first: {first.iloc[0]}" if len(first) else "")
