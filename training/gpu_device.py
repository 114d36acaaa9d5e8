"""Driver that runs on a lent GPU machine from a bundle made by :mod:`training.gpu_bundle`.

Standalone on purpose: it needs Python, torch and stanza (installed from the bundle's wheels)
and nothing of this package, because only the bundle travels to the device machine. The
bundle folder holds ``bundle.json`` (the jobs), per language ``train.json.xz``,
``dev.json.xz``, ``start.pt`` (the shipped NER), ``pretrain.pt``, and for the throughput
probe ``tokenize.pt`` and ``articles.jsonl.xz``. Usage on the device::

    python3 <bundle>/run.py --deadline 400 --throughput 60 --out "$OUT"

Every job continues a shipped tagger (``--finetune``) on the bundle's data at its learning
rate and batch size, all at once on one GPU; Stanza keeps the best dev checkpoint, the driver
keeps a verified copy of it, stops the runs at the deadline and writes to ``--out``:
``<job>.pt`` per job that saved a model, ``summary.json`` (per job: steps, dev scores by step,
median seconds per batch, exit status; the throughput figure) and ``logs.tar.gz``.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

#: Default Stanza NER batch cap in words; a larger batch_size needs a larger cap to matter.
STANZA_MAX_BATCH_WORDS = 800


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _unpack(bundle: str, lang: str, work: str) -> None:
    os.makedirs(f"{work}/{lang}", exist_ok=True)
    for part in ("train", "dev"):
        with lzma.open(f"{bundle}/{lang}/{part}.json.xz", "rb") as src, \
                open(f"{work}/{lang}/{part}.json", "wb") as dst:
            shutil.copyfileobj(src, dst)


def _start_model(bundle: str, job: dict, work: str) -> str:
    """The shipped tagger with the job's starting learning rate stored in its config
    (``ner_tagger --finetune`` takes the optimizer settings from the saved model)."""
    import torch

    ckpt = torch.load(f"{bundle}/{job['lang']}/start.pt", map_location="cpu", weights_only=False)
    ckpt["config"]["lr"] = job["lr"]
    path = f"{work}/{job['name']}.start.pt"
    torch.save(ckpt, path, _use_new_zipfile_serialization=False)
    return path


def _launch(bundle: str, job: dict, work: str, cpu: bool) -> subprocess.Popen:
    lang = job["lang"]
    args = [sys.executable, "-m", "stanza.models.ner_tagger", "--mode", "train",
            "--shorthand", job["shorthand"],
            "--train_file", f"{work}/{lang}/train.json", "--eval_file", f"{work}/{lang}/dev.json",
            "--max_steps", str(job.get("max_steps", 100_000)),
            "--eval_interval", str(job["eval_interval"]),
            "--batch_size", str(job.get("batch_size", 32)),
            "--max_batch_words", str(job.get("max_batch_words", STANZA_MAX_BATCH_WORDS)),
            "--save_dir", f"{work}/save", "--save_name", f"{job['name']}.pt",
            "--wordvec_pretrain_file", f"{bundle}/{lang}/pretrain.pt",
            "--finetune", "--finetune_load_name", _start_model(bundle, job, work)]
    if cpu:
        args.append("--cpu")
    env = dict(os.environ, OMP_NUM_THREADS=str(job.get("threads", 3)), PYTHONUNBUFFERED="1",
               STANZA_RESOURCES_DIR=f"{work}/stanza_resources")
    log = open(f"{work}/logs/{job['name']}.log", "w", encoding="utf-8")  # noqa: SIM115
    return subprocess.Popen(args, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)


def _loadable(path: str) -> bool:
    import torch

    try:
        torch.load(path, map_location="cpu", weights_only=False)
    except Exception:  # noqa: BLE001 - any failure means a broken or half-written file
        return False
    return True


def _keep_copies(names: list[str], work: str, seen: dict[str, float]) -> None:
    """Copy each job's best checkpoint once it is fully written (a stop may cut a save)."""
    for name in names:
        path = f"{work}/save/{name}.pt"
        if os.path.exists(path):
            mtime = os.path.getmtime(path)
            if seen.get(name) != mtime and time.time() - mtime > 4 and _loadable(path):
                shutil.copyfile(path, path + ".bak")
                seen[name] = mtime


def parse_log(text: str) -> dict:
    """Steps, dev scores by step and median seconds per batch from a ``ner_tagger`` log.

    >>> parse_log("step 20/9, loss = 1 (0.1 sec/batch)\\nstep 20: train_loss = 1, dev_score = 0.5")
    {'steps': 20, 'dev': {'20': 0.5}, 'sec_per_batch': 0.1}
    """
    secs = sorted(float(x) for x in re.findall(r"\(([0-9.]+) sec/batch\)", text))
    steps = re.findall(r"step (\d+)/", text)
    dev = {s: float(v) for s, v in re.findall(r"step (\d+): train_loss = \S+ dev_score = ([0-9.]+)",
                                              text.replace(",", ""))}
    return {"steps": int(steps[-1]) if steps else 0, "dev": dev,
            "sec_per_batch": secs[len(secs) // 2] if secs else None}


def train(bundle: str, jobs: list[dict], work: str, out: str, deadline: float,
          cpu: bool) -> dict:
    """Run ``jobs`` at once until they end or ``deadline`` seconds pass; models to ``out``."""
    os.makedirs(f"{work}/logs", exist_ok=True)
    os.makedirs(f"{work}/save", exist_ok=True)
    for lang in sorted({job["lang"] for job in jobs}):
        _unpack(bundle, lang, work)
    procs = {job["name"]: _launch(bundle, job, work, cpu) for job in jobs}
    start, seen = time.monotonic(), {}
    while time.monotonic() - start < deadline and any(p.poll() is None for p in procs.values()):
        time.sleep(3)
        _keep_copies(list(procs), work, seen)
    if not cpu:
        with open(f"{work}/logs/nvidia-smi.txt", "w", encoding="utf-8") as handle:
            subprocess.run(["nvidia-smi"], stdout=handle, stderr=subprocess.STDOUT, check=False)
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    report = {}
    for name, proc in procs.items():
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        path = f"{work}/save/{name}.pt"
        best = path if os.path.exists(path) and _loadable(path) else path + ".bak"
        with open(f"{work}/logs/{name}.log", encoding="utf-8", errors="replace") as handle:
            row = parse_log(handle.read())
        row.update(exit=proc.returncode, seconds=round(time.monotonic() - start, 1),
                   model=None)
        if os.path.exists(best):
            shutil.copyfile(best, f"{out}/{name}.pt")
            row["model"] = f"{name}.pt"
        report[name] = row
        _log(f"{name}: {json.dumps(row, sort_keys=True)}")
    return report


_WORKER = r"""
import json, lzma, sys, time, stanza
bundle, work, i, n, limit, cpu, ner = sys.argv[1:8]
i, n, limit = int(i), int(n), float(limit)
texts = [json.loads(l) for l in lzma.open(f"{bundle}/ro/articles.jsonl.xz", "rt")][i::n]
nlp = stanza.Pipeline("ro", processors="tokenize,ner", download_method=None, dir=f"{work}/res",
    use_gpu=cpu != "1", tokenize_model_path=f"{bundle}/ro/tokenize.pt", ner_model_path=ner,
    ner_pretrain_path=f"{bundle}/ro/pretrain.pt", logging_level="WARN",
    ner_forward_charlm_path=None, ner_backward_charlm_path=None)
nlp.bulk_process([stanza.Document([], text=t) for t in texts[:5]])
start, done, chars = time.monotonic(), 0, 0
for j in range(5, len(texts), 50):
    batch = texts[j:j + 50]
    nlp.bulk_process([stanza.Document([], text=t) for t in batch])
    done, chars = done + len(batch), chars + sum(map(len, batch))
    if time.monotonic() - start > limit:
        break
print(json.dumps({"articles": done, "chars": chars, "seconds": time.monotonic() - start}))
"""


def throughput(bundle: str, work: str, seconds: float, processes: int, cpu: bool) -> dict:
    """Raw Stanza tokenize+NER articles per second of ``processes`` pipelines sharing the
    device, on the bundle's ro_news articles (each process a disjoint slice)."""
    os.makedirs(f"{work}/res", exist_ok=True)
    with open(f"{work}/res/resources.json", "w", encoding="utf-8") as handle:
        json.dump({"ro": {"packages": {}, "tokenize": {"default": {}}}}, handle)
    with open(f"{work}/worker.py", "w", encoding="utf-8") as handle:
        handle.write(_WORKER)
    env = dict(os.environ, OMP_NUM_THREADS="2", PYTHONUNBUFFERED="1")
    procs = [subprocess.Popen([sys.executable, f"{work}/worker.py", bundle, work, str(i),
                               str(processes), str(seconds), "1" if cpu else "0",
                               f"{bundle}/ro/start.pt"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for i in range(processes)]
    outs = [p.communicate(timeout=seconds + 300)[0].strip() for p in procs]
    rows = [json.loads(o.splitlines()[-1]) for o in outs if o.endswith("}")]
    secs = max((r["seconds"] for r in rows), default=0.0)
    done = sum(r["articles"] for r in rows)
    return {"processes": processes, "finished": len(rows), "articles": done,
            "chars": sum(r["chars"] for r in rows), "seconds": round(secs, 1),
            "articles_per_s": round(done / secs, 2) if secs else None,
            "errors": [o[-400:] for o in outs if not o.endswith("}")]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder for models, summary and logs")
    parser.add_argument("--deadline", type=float, default=400, help="training seconds")
    parser.add_argument("--throughput", type=float, default=0,
                        help="seconds of the throughput probe (0: none)")
    parser.add_argument("--processes", type=int, default=8, help="throughput processes")
    parser.add_argument("--only", nargs="*", default=None, help="run only these jobs")
    parser.add_argument("--work", default="/tmp/gpu-work")
    parser.add_argument("--cpu", action="store_true", help="no GPU (the smoke test)")
    args = parser.parse_args(argv)
    bundle = os.path.dirname(os.path.abspath(__file__))
    with open(f"{bundle}/bundle.json", encoding="utf-8") as handle:
        jobs = json.load(handle)["jobs"]
    if args.only is not None:
        jobs = [job for job in jobs if job["name"] in args.only]
    os.makedirs(args.out, exist_ok=True)
    summary: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    try:
        summary["jobs"] = train(bundle, jobs, args.work, args.out, args.deadline, args.cpu)
        if args.throughput > 0 and os.path.exists(f"{bundle}/ro/articles.jsonl.xz"):
            summary["throughput"] = throughput(bundle, args.work, args.throughput,
                                               args.processes, args.cpu)
    finally:
        with open(f"{args.out}/summary.json", "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=1, sort_keys=True)
        if os.path.isdir(f"{args.work}/logs"):
            with tarfile.open(f"{args.out}/logs.tar.gz", "w:gz") as tar:
                tar.add(f"{args.work}/logs", arcname="logs")
    _log(json.dumps(summary.get("throughput", {})))
    return 0 if any(row["model"] for row in summary.get("jobs", {}).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
