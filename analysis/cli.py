"""Command line: ``python -m analysis run|report [CORPUS] --out DIR``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Actor co-mention networks from Polish, Lithuanian and Romanian news.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "run the main job and write tables, the GEXF network and a summary"),
        ("report", "run the main job and write the tables plus a self-contained HTML report"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("corpus", nargs="?", default=None,
                         help="folder of .txt files or a CSV/JSONL/parquet file "
                              "(default: the sample corpus in data/sample)")
        cmd.add_argument("--out", default="out", help="output directory (default: ./out)")
        cmd.add_argument("--registry", default="default",
                         help="actor registry CSV, 'none' for automatic identity only "
                              "(default: data/actors.csv)")
        cmd.add_argument("--model-dir", default=None, help="directory with our model layout")
        cmd.add_argument("--official", action="store_true",
                         help="use installed official Stanza models (never downloads)")
        cmd.add_argument("--text-column", default="text", help="text column of a table input")
        cmd.add_argument("--no-cache", action="store_true", help="do not use the NER cache")
        cmd.add_argument("--cache-dir", default="default", help="NER cache directory")
        cmd.add_argument("--freq", default="MS", help="calendar bins: MS (month), W-MON, D")
        cmd.add_argument("--no-topics", action="store_true", help="skip topic clusters")
        cmd.add_argument("--n-topics", type=int, default=None, help="number of topics")
        cmd.add_argument("--seed", type=int, default=0, help="seed for communities and topics")
        cmd.add_argument("--quiet", action="store_true", help="no progress bar or log lines")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    from analysis.models import ModelNotFoundError
    from analysis.pipeline import run, summary_text

    try:
        result = run(
            args.corpus,
            out=args.out,
            registry=args.registry,
            model_dir=args.model_dir,
            official=args.official,
            cache_dir=None if args.no_cache else args.cache_dir,
            text_column=args.text_column,
            freq=args.freq,
            topics=not args.no_topics,
            n_topics=args.n_topics,
            seed=args.seed,
            progress=not args.quiet,
        )
    except (FileNotFoundError, ModelNotFoundError, KeyError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.command == "report":
        from analysis.report import write_report

        path = write_report(result, args.out, params=result.manifest.get("parameters"))
        print(f"report: {Path(path)}")
    print(summary_text(result), end="")
    print(f"tables written to {Path(args.out)}")
    return 0
