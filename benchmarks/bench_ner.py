"""NER throughput, measured side by side in one run (prints ratios, asserts nothing).

    python benchmarks/bench_ner.py [--repeat 3] [--docs N]

Compares, on the sample corpus (repeated to N documents with distinct texts):
1. batched paragraphs through ``annotate_texts`` vs one call per document;
2. a cold pipeline run vs a rerun that hits the NER cache.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from analysis.corpus import load_corpus
from analysis.langid import detect_languages
from analysis.models import load_pipeline, resolve_models
from analysis.ner import annotate_texts
from analysis.pipeline import extract_mentions


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=15)
    args = parser.parse_args()
    docs = detect_languages(load_corpus())
    pl = [t for t, lang in zip(docs["text"], docs["lang"], strict=True) if lang == "pl"]
    texts = [f"{pl[i % len(pl)]}\n\n(kopia {i})" for i in range(args.docs)]
    spec = resolve_models("pl")
    load_pipeline(spec)  # load once, outside the timings
    annotate_texts(texts[:1], "pl", spec=spec)  # warm-up
    batched = _timed(lambda: annotate_texts(texts, "pl", spec=spec, batch_size=64))
    single = _timed(lambda: [annotate_texts([t], "pl", spec=spec) for t in texts])
    print(f"pl, {len(texts)} documents: batched {batched:.2f} s, one call per document "
          f"{single:.2f} s, ratio {single / batched:.2f}x")

    with tempfile.TemporaryDirectory() as cache:
        cold = _timed(lambda: extract_mentions(docs, cache_dir=cache, progress=False))
        warm = _timed(lambda: extract_mentions(docs, cache_dir=cache, progress=False))
    print(f"sample corpus NER: cold {cold:.2f} s, cached rerun {warm:.3f} s, "
          f"ratio {cold / warm:.1f}x")


if __name__ == "__main__":
    main()
