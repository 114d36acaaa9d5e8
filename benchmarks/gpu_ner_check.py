"""``--device cuda`` on a lent GPU: the pipeline's own NER path, checked and timed.

Two halves, run on two machines (docs/gpu.md says how the files travel):

``prepare`` (here, on the CPU)
    writes ``<dir>/texts.parquet`` (the first ``--n`` ro_news articles) and
    ``<dir>/reference.parquet`` (the mentions :func:`analysis.ner.annotate_texts` finds in
    the first ``--n-ref`` of them on the CPU).
``check`` (on the GPU machine; needs only Stanza, torch, pandas and pyarrow there)
    annotates the reference texts with ``device="cuda"`` and compares the mentions with the
    CPU's (exact rows, and span-level agreement F1), then times NER over the texts at each
    ``--batch-sizes`` value, sharing what is left of ``--deadline`` seconds, and writes
    ``gpu_ner.json``.

The timings are articles per second of :func:`analysis.ner.annotate_texts` in one process,
model loading excluded (it is loaded before the clock starts).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY = ["text_idx", "start_char", "end_char", "label"]


def _prepare(out: Path, n: int, n_ref: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_pipeline import articles

    from analysis.ner import annotate_texts

    out.mkdir(parents=True, exist_ok=True)
    texts = articles(n)[["article_text"]].reset_index(drop=True)
    texts.to_parquet(out / "texts.parquet", index=False)
    start = time.perf_counter()
    mentions, _ = annotate_texts(texts["article_text"].head(n_ref).tolist(), "ro")
    seconds = time.perf_counter() - start
    mentions.to_parquet(out / "reference.parquet", index=False)
    print(f"{len(texts)} texts, reference: {len(mentions)} mentions in {n_ref} texts, "
          f"{seconds:.1f} s on the CPU ({n_ref / seconds:.2f} articles/s)")


def _agreement(gpu: pd.DataFrame, cpu: pd.DataFrame) -> dict:
    a = set(map(tuple, gpu[KEY].astype(str).to_numpy()))
    b = set(map(tuple, cpu[KEY].astype(str).to_numpy()))
    both = len(a & b)
    f1 = 2 * both / (len(a) + len(b)) if a or b else 1.0
    cols = [c for c in cpu.columns if c in gpu.columns]
    same = (len(gpu) == len(cpu)
            and gpu[cols].reset_index(drop=True).equals(cpu[cols].reset_index(drop=True)))
    return {"gpu_mentions": len(a), "cpu_mentions": len(b), "common": both,
            "span_f1": round(f1, 5), "identical_tables": bool(same)}


def _check(data: Path, out: Path, batch_sizes: list[int], deadline: float,
           device: str = "cuda") -> None:
    import torch

    from analysis.models import load_pipeline, resolve_models
    from analysis.ner import annotate_texts

    clock = time.perf_counter()
    report: dict = {"device": device, "cuda": torch.cuda.is_available(),
                    "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}
    texts = pd.read_parquet(data / "texts.parquet")["article_text"].tolist()
    reference = pd.read_parquet(data / "reference.parquet")
    n_ref = int(reference["text_idx"].max()) + 1 if len(reference) else 0
    spec = resolve_models("ro")
    load_pipeline(spec, use_gpu=device == "cuda")
    report["load_s"] = round(time.perf_counter() - clock, 1)
    gpu, _ = annotate_texts(texts[:n_ref], "ro", spec=spec, device=device)
    report["agreement"] = _agreement(gpu, reference)
    report["throughput"] = []
    for i, size in enumerate(batch_sizes):
        done, start = 0, time.perf_counter()
        budget = (deadline - (start - clock)) / (len(batch_sizes) - i)
        step = 100
        while done < len(texts) and time.perf_counter() - start < budget:
            annotate_texts(texts[done:done + step], "ro", spec=spec, device=device,
                           batch_size=size)
            done += step
        seconds = time.perf_counter() - start
        report["throughput"].append({"batch_size": size, "articles": done,
                                     "seconds": round(seconds, 1),
                                     "articles_per_s": round(done / seconds, 2)})
        print(json.dumps(report["throughput"][-1]), flush=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu_ner.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["prepare", "check"])
    parser.add_argument("--data", type=Path, default=ROOT / ".gpu" / "ner_check")
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--n-ref", type=int, default=200)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--deadline", type=float, default=200.0,
                        help="seconds after which the timing loop stops")
    parser.add_argument("--device", default="cuda", help="cpu: the smoke test here")
    args = parser.parse_args(argv)
    if args.step == "prepare":
        _prepare(args.data, args.n, args.n_ref)
    else:
        _check(args.data, args.out, args.batch_sizes, args.deadline, args.device)


if __name__ == "__main__":
    main()
