"""Character language models (Stanza ``charlm``) trained on the corpora's raw text.

Stanza's NER reads a forward and a backward character LM when it has them; their
hidden states carry what the raw text taught them about word shapes and contexts.
Only Romanian has enough raw text here (ro_news, ~53 M characters); the models are
small (a 1-layer LSTM of ``hidden_dim`` units) so that they train on two CPU cores.
"""

from __future__ import annotations

import logging
from pathlib import Path

from training.paths import corpora_dir, work_dir
from training.steps import run_stanza

logger = logging.getLogger(__name__)

# Every n-th ro_news article goes to the charLM dev text instead of its train text.
DEV_EVERY = 100


def write_charlm_text(lang: str, *, corpora: Path | None = None,
                      workdir: Path | None = None) -> tuple[Path, Path]:
    """Write the raw train and dev text of the character LM of ``lang``.

    ro: the title, description and text of every ro_news article (cased, one field
    per line); every ``DEV_EVERY``-th article goes to the dev text.

    Parameters
    ----------
    lang : str
        Only ``ro`` has a raw-text corpus large enough.
    corpora, workdir : Path, optional
        Corpora root and work folder.

    Returns
    -------
    (Path, Path)
        The train text (a folder holding one file, as Stanza's ``--train_dir`` wants)
        and the dev text file.
    """
    if lang != "ro":
        raise ValueError(f"no raw text large enough for a {lang!r} character LM")
    import pyarrow.parquet as pq

    root = corpora_dir(corpora)
    out = work_dir(workdir) / "charlm" / lang
    train_dir = out / "train"
    train_dir.mkdir(parents=True, exist_ok=True)
    train_path, dev_path = train_dir / "ro_news.txt", out / "dev.txt"
    index = 0
    with open(train_path, "w", encoding="utf-8") as train, \
            open(dev_path, "w", encoding="utf-8") as dev:
        for path in sorted((root / "ro_news" / "datasets").glob("*.parquet")):
            table = pq.read_table(path, columns=["title", "description", "article_text"])
            for row in table.to_pylist():
                fields = [(row[c] or "").strip() for c in ("title", "description",
                                                            "article_text")]
                text = "\n".join(f for f in fields if f)
                if not text:
                    continue
                (dev if index % DEV_EVERY == 0 else train).write(text + "\n")
                index += 1
    logger.info("charLM text: %d articles -> %s, %s", index, train_path, dev_path)
    return train_dir, dev_path


def charlm_path(lang: str, direction: str, *, workdir: Path | None = None) -> Path:
    """Where :func:`train_charlm` saves the ``direction`` model of ``lang``."""
    return work_dir(workdir) / "saved_models" / "charlm" / f"{lang}_news_{direction}_charlm.pt"


def train_charlm(lang: str, direction: str, *, hidden_dim: int = 256, epochs: int = 1,
                 eval_steps: int = 250, workdir: Path | None = None) -> Path:
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

    Returns
    -------
    Path
        The saved model.
    """
    wd = work_dir(workdir)
    out = wd / "charlm" / lang
    model = charlm_path(lang, direction, workdir=wd)
    model.parent.mkdir(parents=True, exist_ok=True)
    run_stanza(
        ["-m", "stanza.models.charlm", "--train_dir", str(out / "train"),
         "--eval_file", str(out / "dev.txt"), "--shorthand", f"{lang}_news",
         "--direction", direction, "--mode", "train", "--char_hidden_dim", str(hidden_dim),
         "--epochs", str(epochs), "--eval_steps", str(eval_steps), "--cutoff", "1000",
         "--save_dir", str(model.parent), "--save_name", model.name,
         "--vocab_save_name", f"{lang}_news_{direction}_vocab.pt",
         "--seed", "1234", "--cpu"],
        wd,
    )
    return model
