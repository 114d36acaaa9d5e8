"""Whole-run cost: raw Stanza vs the full command, cold and warm (prints ratios).

    python benchmarks/bench_pipeline.py [--n 120] [--device cpu]

Takes the first ``--n`` articles of ``../shared/corpora/ro_news/datasets/*.parquet``
(relative to the repository root; columns ``title``, ``article_text``, ``date_published``),
writes them as a CSV in a temporary folder and times, side by side in one run, each in a
fresh Python process:

(a) raw Stanza: import, load the shipped ro models with the processors the package runs
    (:func:`analysis.models.load_pipeline`) and ``bulk_process`` the texts;
(b) ``python -m analysis run <csv> --out <tmp> --cache-dir <empty tmp> --quiet`` (cold);
(c) the same command again (warm: every text comes from the NER cache).

Prints the times and the ratios cold/raw (issue #16 goal <= 1.05) and warm/cold (goal
<= 0.02); (a) also reports its import + load and bulk-processing parts.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ro_news" / "datasets"

#: Run in a fresh process by (a); prints the seconds of import + load and of bulk processing.
RAW = """
import json, sys, time
start = time.perf_counter()
import pandas as pd
import stanza
from analysis.models import load_pipeline, resolve_models
nlp = load_pipeline(resolve_models("ro"), use_gpu=sys.argv[2] == "cuda")
loaded = time.perf_counter()
texts = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)["article_text"].tolist()
docs = nlp.bulk_process([stanza.Document([], text=t) for t in texts])
done = time.perf_counter()
print(json.dumps({"load": loaded - start, "bulk": done - loaded,
                  "entities": sum(len(d.ents) for d in docs)}))
"""


def articles(n: int) -> pd.DataFrame:
    """The first ``n`` articles (files in name order) with a non-empty text."""
    files = sorted(CORPUS.glob("*.parquet"))
    if not files:
        raise SystemExit(f"no parquet files in {CORPUS}")
    parts, total = [], 0
    for path in files:
        part = pd.read_parquet(path, columns=["title", "article_text", "date_published"])
        part = part[part["article_text"].fillna("").str.strip() != ""]
        parts.append(part)
        total += len(part)
        if total >= n:
            break
    return pd.concat(parts, ignore_index=True).head(n)


def _timed(command: list[str]) -> tuple[float, str]:
    """Wall seconds of a command run from the repository root, and its stdout."""
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stderr}")
    return seconds, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=120, help="articles (default: 120)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    args = parser.parse_args()
    table = articles(args.n)
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        csv = Path(tmp) / "ro_news.csv"
        table.to_csv(csv, index=False)
        raw_s, raw_out = _timed([sys.executable, "-c", RAW, str(csv), args.device])
        raw = json.loads(raw_out.strip().splitlines()[-1])
        command = [sys.executable, "-m", "analysis", "run", str(csv), "--text-column",
                   "article_text", "--cache-dir", str(Path(tmp) / "cache"), "--quiet",
                   "--device", args.device]
        cold_s, _ = _timed([*command, "--out", str(Path(tmp) / "cold")])
        warm_s, _ = _timed([*command, "--out", str(Path(tmp) / "warm")])
        manifest = json.loads((Path(tmp) / "warm" / "manifest.json").read_text())
    n_chars = int(table["article_text"].str.len().sum())
    print(f"ro_news, {len(table)} articles, {n_chars:,} characters, device {args.device}")
    print(f"(a) raw Stanza       {raw_s:7.2f} s  (import + load {raw['load']:.2f} s, "
          f"bulk_process {raw['bulk']:.2f} s, {raw['entities']} entities)")
    print(f"(b) analysis run     {cold_s:7.2f} s  cold (empty NER cache)")
    print(f"(c) analysis run     {warm_s:7.2f} s  warm "
          f"({manifest['corpus']['n_processed']} documents processed)")
    print(f"cold/raw  {cold_s / raw_s:.2f}  (goal <= 1.05)")
    print(f"warm/cold {warm_s / cold_s:.3f} (goal <= 0.02)")


if __name__ == "__main__":
    main()
