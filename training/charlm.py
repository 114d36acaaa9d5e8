"""Character language models (Stanza ``charlm``) trained on the corpora's raw text.

Stanza's NER reads a forward and a backward character LM when it has them; their
hidden states carry what the raw text taught them about word shapes and contexts.
Romanian has the most raw text here (ro_news, ~53 M characters), Polish a few million
characters (news, NKJP), Lithuanian little (UD, lt_ner, the project's translations). On CPU
the models are kept small (``hidden_dim`` 256); the GPU recipe (:mod:`training.gpu`) trains
Stanza's default 1024 units.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from training import data
from training.paths import REPO_ROOT, corpora_dir, work_dir
from training.steps import run_stanza

logger = logging.getLogger(__name__)

# Every n-th ro_news article goes to the charLM dev text instead of its train text.
DEV_EVERY = 100


def _ro_texts(root: Path) -> Iterator[str]:
    import pyarrow.parquet as pq

    for path in sorted((root / "ro_news" / "datasets").glob("*.parquet")):
        table = pq.read_table(path, columns=["title", "description", "article_text"])
        for row in table.to_pylist():
            fields = [(row[c] or "").strip() for c in ("title", "description", "article_text")]
            text = "\n".join(f for f in fields if f)
            if text:
                yield text


def _conllu_texts(paths: Iterable[Path]) -> Iterator[str]:
    for path in paths:
        with data.open_text(path) as fh:
            for line in fh:
                if line.startswith("# text = "):
                    yield line[len("# text = "):].strip()


def _pl_texts(root: Path) -> Iterator[str]:
    for path in sorted((root / "pl_dated_news").rglob("*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        body = "\n".join(lines[5:]).strip()  # id, lang, date, url, title
        if body:
            yield body
    for path in sorted((root / "slavicner" / "raw").glob("*/pl/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if text:
            yield text
    with data.open_text(root / "pl_nkjp" / "nkjp-nested-simplified-v2.iob.gz") as fh:
        for _, sent in data.read_nkjp_iob(fh):
            yield data.detokenize(sent)[0]
    yield from _conllu_texts(sorted((root / "ud").glob("UD_Polish-*/*.conllu")))


def _lt_texts(root: Path) -> Iterator[str]:
    yield from _conllu_texts(sorted((root / "ud").glob("UD_Lithuanian-*/*.conllu")))
    for path in sorted((root / "lt_ner").glob("*.bio")):
        with data.open_text(path) as fh:
            for _, sent in data.read_bio(fh):
                yield data.detokenize(sent)[0]
    own = REPO_ROOT / "data" / "annotations" / "lt_translated" / "gold.jsonl"
    if own.is_file():
        from training.annotation import read_items

        yield from (it.text for it in read_items(own))


#: Cased raw text of each language's character LM, one unit (article or sentence) at a time.
CHARLM_TEXTS = {"ro": _ro_texts, "pl": _pl_texts, "lt": _lt_texts}


def write_charlm_text(lang: str, *, corpora: Path | None = None, workdir: Path | None = None,
                      max_chars: int | None = None) -> tuple[Path, Path]:
    """Write the raw train and dev text of the character LM of ``lang`` (cased).

    ro: title, description and text of every ro_news article (one field per line). pl:
    pl_dated_news and SlavicNER article texts, NKJP and UD sentences. lt: UD and lt_ner
    sentences and the project's Lithuanian translations (``data/annotations``). Every
    ``DEV_EVERY``-th unit goes to the dev text.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    corpora, workdir : Path, optional
        Corpora root and work folder.
    max_chars : int, optional
        Stop after this many characters of train text (a time budget: Stanza's charlm has
        no step limit, an epoch is one pass over the text).

    Returns
    -------
    (Path, Path)
        The train text (a folder holding one file, as Stanza's ``--train_dir`` wants)
        and the dev text file.
    """
    if lang not in CHARLM_TEXTS:
        raise ValueError(f"no raw text for a {lang!r} character LM")
    root = corpora_dir(corpora)
    out = work_dir(workdir) / "charlm" / lang
    train_dir = out / "train"
    train_dir.mkdir(parents=True, exist_ok=True)
    train_path, dev_path = train_dir / f"{lang}_raw.txt", out / "dev.txt"
    for old in train_dir.glob("*.txt"):
        old.unlink()
    index = n_chars = 0
    with open(train_path, "w", encoding="utf-8") as train, \
            open(dev_path, "w", encoding="utf-8") as dev:
        for text in CHARLM_TEXTS[lang](root):
            if index % DEV_EVERY == 0:
                dev.write(text + "\n")
            else:
                train.write(text + "\n")
                n_chars += len(text) + 1
            index += 1
            if max_chars is not None and n_chars >= max_chars:
                break
    logger.info("charLM text: %d units, %d train characters -> %s, %s", index, n_chars,
                train_path, dev_path)
    return train_dir, dev_path


def charlm_path(lang: str, direction: str, *, workdir: Path | None = None) -> Path:
    """Where :func:`train_charlm` saves the ``direction`` model of ``lang``."""
    return work_dir(workdir) / "saved_models" / "charlm" / f"{lang}_news_{direction}_charlm.pt"


#: Characters per sequence of a charLM batch (Stanza's ``--bptt_size`` default).
BPTT = 250


def batch_size_for(dev_chars: int, *, largest: int = 100) -> int:
    """A batch size the dev text fills at least twice (Stanza divides by its batch count)."""
    return max(1, min(largest, dev_chars // (2 * BPTT)))


def train_charlm(lang: str, direction: str, *, hidden_dim: int = 256, epochs: int = 1,
                 eval_steps: int = 250, workdir: Path | None = None, cpu: bool = True) -> Path:
    """Train one direction of the character LM of ``lang`` (best dev model kept).

    Parameters
    ----------
    lang : str
        Language (see :func:`write_charlm_text`).
    direction : str
        ``forward`` or ``backward``.
    hidden_dim : int
        LSTM units (Stanza's default 1024 trains ~4.5 s/step on these CPUs; 256 ~1 s).
    epochs : int
        Passes over the train text (batch 100 x 250 characters a step).
    eval_steps : int
        Dev perplexity interval in steps.
    workdir : Path, optional
        Work folder; the text of :func:`write_charlm_text` must be there.
    cpu : bool
        Force the CPU (``False``: Stanza uses a GPU when torch sees one).

    Returns
    -------
    Path
        The saved model.
    """
    wd = work_dir(workdir)
    out = wd / "charlm" / lang
    dev_chars = len((out / "dev.txt").read_text(encoding="utf-8"))
    model = charlm_path(lang, direction, workdir=wd)
    model.parent.mkdir(parents=True, exist_ok=True)
    run_stanza(
        ["-m", "stanza.models.charlm", "--train_dir", str(out / "train"),
         "--eval_file", str(out / "dev.txt"), "--shorthand", f"{lang}_news",
         "--direction", direction, "--mode", "train", "--char_hidden_dim", str(hidden_dim),
         "--epochs", str(epochs), "--eval_steps", str(eval_steps), "--cutoff", "1000",
         "--batch_size", str(batch_size_for(dev_chars)), "--bptt_size", str(BPTT),
         "--save_dir", str(model.parent), "--save_name", model.name,
         "--vocab_save_name", f"{lang}_news_{direction}_vocab.pt",
         "--seed", "1234", *(["--cpu"] if cpu else [])],
        wd,
    )
    return model
