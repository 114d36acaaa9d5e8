"""Training steps: data layout for Stanza's tools and wrappers around its trainers.

Every step runs Stanza's own ``python -m stanza...`` tools in a subprocess with
``UDBASE`` / ``DATA_ROOT`` pointing into the work folder, one torch thread
(``OMP_NUM_THREADS=1``) and never a download (``--no_charlm``, own or no vectors).
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from training import data
from training.paths import NER_SHORTNAMES, SHORTNAMES, TREEBANKS, corpora_dir, work_dir

logger = logging.getLogger(__name__)

# Which UD files make up train / dev for each language (relative to corpora/ud).
# PDB and RRT ship no train file: we train on their test files (+ PUD for pl) and
# select on dev. ALKSNIS: the older partial train file + HSE train; dev = ALKSNIS dev.
UD_SPLITS: dict[str, dict[str, list[str]]] = {
    "pl": {
        "train": [
            "UD_Polish-PDB/pl_pdb-ud-test.conllu",
            "UD_Polish-PUD/pl_pud-ud-test.conllu",
        ],
        "dev": ["UD_Polish-PDB/pl_pdb-ud-dev.conllu"],
    },
    "lt": {
        "train": [
            "UD_Lithuanian-ALKSNIS/lt_alksnis-ud-train.PARTIAL_2019-10_commit-e922747.conllu",
            "UD_Lithuanian-HSE/lt_hse-ud-train.conllu",
        ],
        "dev": ["UD_Lithuanian-ALKSNIS/lt_alksnis-ud-dev.conllu"],
    },
    "ro": {
        "train": ["UD_Romanian-RRT/ro_rrt-ud-test.conllu"],
        "dev": ["UD_Romanian-RRT/ro_rrt-ud-dev.conllu"],
    },
}

# Languages whose treebank has multi-word tokens (an MWT model is trained and shipped).
MWT_LANGS = frozenset({"pl"})

# Share of NKJP documents (every n-th document) held out of NER training for dev.
NKJP_DEV_EVERY = 20


def _env(workdir: Path, threads: int = 1) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "UDBASE": str(workdir / "extern_data" / "ud2"),
            "DATA_ROOT": str(workdir / "data"),
            "OMP_NUM_THREADS": str(threads),
            "MKL_NUM_THREADS": str(threads),
            "STANZA_RESOURCES_DIR": str(workdir / "stanza_resources"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_stanza(args: Sequence[str], workdir: Path, threads: int = 1) -> None:
    """Run ``python <args>`` in ``workdir`` with the training environment.

    Parameters
    ----------
    args : sequence of str
        Arguments after ``python`` (e.g. ``["-m", "stanza.models.ner_tagger", ...]``).
    workdir : Path
        Work folder (cwd of the subprocess).
    threads : int
        Torch / OpenMP threads.

    Raises
    ------
    subprocess.CalledProcessError
        When the tool fails.
    """
    cmd = [sys.executable, *args]
    logger.info("running: %s", " ".join(cmd))
    subprocess.run(cmd, cwd=workdir, env=_env(workdir, threads), check=True)


# ------------------------------------------------------------------ UD


def prepare_ud(lang: str, *, corpora: Path | None = None, workdir: Path | None = None) -> Path:
    """Write the Stanza UD layout (train/dev/test CoNLL-U) for ``lang``.

    The test file is a copy of dev (Stanza's preparers require one; we have no test).

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    corpora, workdir : Path, optional
        Corpora root and work folder.

    Returns
    -------
    Path
        The treebank folder under ``<workdir>/extern_data/ud2``.
    """
    corpora = corpora_dir(corpora)
    workdir = work_dir(workdir)
    tb_dir = workdir / "extern_data" / "ud2" / TREEBANKS[lang]
    tb_dir.mkdir(parents=True, exist_ok=True)
    short = SHORTNAMES[lang]
    for split in ("train", "dev"):
        sents: list[str] = []
        for rel in UD_SPLITS[lang][split]:
            with data.open_text(corpora / "ud" / rel) as fh:
                sents.extend(data.read_conllu_sentences(fh))
        text = "\n\n".join(sents) + "\n\n"
        (tb_dir / f"{short}-ud-{split}.conllu").write_text(text, encoding="utf-8")
        logger.info("%s %s: %d sentences", lang, split, len(sents))
    shutil.copyfile(tb_dir / f"{short}-ud-dev.conllu", tb_dir / f"{short}-ud-test.conllu")
    return tb_dir


def train_tokenizer(lang: str, *, steps: int = 3000, workdir: Path | None = None) -> Path:
    """Prepare data and train the tokenizer (+ sentence splitter) for ``lang``.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    steps : int
        Training steps (dev is evaluated every 200 steps; best kept).
    workdir : Path, optional
        Work folder.

    Returns
    -------
    Path
        The saved model file.
    """
    workdir = work_dir(workdir)
    tb = TREEBANKS[lang]
    run_stanza(["-m", "stanza.utils.datasets.prepare_tokenizer_treebank", tb], workdir)
    save_dir = workdir / "saved_models" / "tokenize"
    name = f"{SHORTNAMES[lang]}_tokenizer.pt"
    run_stanza(
        [
            "-m", "stanza.utils.training.run_tokenizer", tb, "--no_charlm",
            "--save_dir", str(save_dir), "--save_name", name,
            "--steps", str(steps), "--eval_steps", "200", "--force",
        ],
        workdir,
    )
    return save_dir / name


def train_mwt(lang: str, *, workdir: Path | None = None, epochs: int = 30) -> Path | None:
    """Train the multi-word-token expander (only for languages in :data:`MWT_LANGS`).

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    workdir : Path, optional
        Work folder.
    epochs : int
        Training epochs.

    Returns
    -------
    Path or None
        The saved model, or None when the treebank has no multi-word tokens.
    """
    if lang not in MWT_LANGS:
        return None
    workdir = work_dir(workdir)
    tb = TREEBANKS[lang]
    run_stanza(["-m", "stanza.utils.datasets.prepare_mwt_treebank", tb], workdir)
    save_dir = workdir / "saved_models" / "mwt"
    name = f"{SHORTNAMES[lang]}_mwt_expander.pt"
    run_stanza(
        [
            "-m", "stanza.utils.training.run_mwt", tb,
            "--save_dir", str(save_dir), "--save_name", name,
            "--num_epoch", str(epochs), "--force",
        ],
        workdir,
    )
    return save_dir / name


def train_lemma(lang: str, *, workdir: Path | None = None, epochs: int = 60) -> Path:
    """Train the lemmatizer on gold UD lemmas (no POS, no charLM).

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    workdir : Path, optional
        Work folder.
    epochs : int
        Seq2seq training epochs.

    Returns
    -------
    Path
        The saved model.
    """
    workdir = work_dir(workdir)
    tb = TREEBANKS[lang]
    run_stanza(["-m", "stanza.utils.datasets.prepare_lemma_treebank", tb, "--gold"], workdir)
    save_dir = workdir / "saved_models" / "lemma"
    name = f"{SHORTNAMES[lang]}_nocharlm_lemmatizer.pt"
    run_stanza(
        [
            "-m", "stanza.utils.training.run_lemma", tb, "--no_charlm", "--no_pos",
            "--save_dir", str(save_dir), "--save_name", name,
            "--num_epoch", str(epochs), "--force",
        ],
        workdir,
    )
    return save_dir / name


# ------------------------------------------------------------------ NER data


def prepare_ner(
    lang: str,
    *,
    corpora: Path | None = None,
    workdir: Path | None = None,
    max_train: int | None = None,
    seed: int = 1234,
    repeat: int = 1,
    transfer: int = 0,
    transfer_seed: int = 0,
    transfer_langs: Sequence[str] = ("pl",),
    adapt_copies: int = 0,
    adapt_seed: int = 0,
    own_data: Sequence[Path] = (),
    own_copies: int = 1,
    actor_names: bool = False,
) -> dict[str, Path]:
    """Write BIO and Stanza JSON NER files for ``lang``.

    pl: NKJP with nested labels flattened to the outermost type; every
    ``NKJP_DEV_EVERY``-th document is held out as dev. lt: ``lt_ner`` train/dev.
    ro: RONEC v1 (train) and RONEC v2 valid (dev), v1 names renamed to v2.
    Cross-lingual transfer (``transfer`` > 0): the training file gets ``repeat`` copies of
    the language's own sentences plus, per language of ``transfer_langs``, ``transfer``
    SlavicNER sentences that hold an entity (labels PER/ORG/LOC/EVT/PRO, mapped to the
    language's native labels, pl without nationality words:
    :func:`training.data.transfer_sentence`), shuffled.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    corpora, workdir : Path, optional
        Corpora root and work folder.
    max_train : int, optional
        Random subset size for training sentences (pl is large).
    seed : int
        Seed for the subset.
    repeat : int
        Copies of the language's own training sentences.
    transfer : int
        SlavicNER sentences per transfer language added to the training data (0: none).
    transfer_seed : int
        Seed for choosing and shuffling the transfer sentences.
    transfer_langs : sequence of str
        SlavicNER languages of the transfer sentences (``pl``, ``cs``).
    adapt_copies : int
        ro only: also write the adaptation files ``<short>.adapt.{train,dev}``: the
        training sentences plus this many copies of the even-id half of RONEC v2 valid
        (:func:`training.data.ronec_valid_halves`), and the odd-id half as dev (0: none).
    adapt_seed : int
        Seed for shuffling the adaptation training sentences.
    own_data : sequence of Path
        Gold files of training data made by this project (``data/annotations/*/gold.jsonl``,
        :func:`training.annotation.gold_sentences`); ``own_copies`` copies of their sentences,
        actor labels mapped to the language's native ones (:func:`training.labels.native_tag`),
        join the training (and adaptation training) sentences.
    own_copies : int
        Copies of the own-data sentences.
    actor_names : bool
        Re-tag every split by the actor-name convention (:func:`training.data.to_actor_names`),
        the convention the pipeline and the ro held-out set use.

    Returns
    -------
    dict
        ``{"train": json, "dev": json, "train_bio": bio, "dev_bio": bio}`` paths (and
        ``adapt.train``, ``adapt.dev``, … with ``adapt_copies``).
    """
    corpora = corpora_dir(corpora)
    workdir = work_dir(workdir)
    out_dir = workdir / "data" / "ner"
    out_dir.mkdir(parents=True, exist_ok=True)
    short = NER_SHORTNAMES[lang]
    train: list[list[data.Token]]
    dev: list[list[data.Token]]
    if lang == "pl":
        with data.open_text(corpora / "pl_nkjp" / "nkjp-nested-simplified-v2.iob.gz") as fh:
            sents = data.read_nkjp_iob(fh)
        docs = list(dict.fromkeys(doc for doc, _ in sents))
        dev_docs = set(docs[::NKJP_DEV_EVERY])
        flat = [
            (doc, [data.Token(t.form, data.flatten_nkjp_tag(t.tag), t.space_after) for t in s])
            for doc, s in sents
        ]
        train = [s for doc, s in flat if doc not in dev_docs]
        dev = [s for doc, s in flat if doc in dev_docs]
    elif lang == "lt":
        with data.open_text(corpora / "lt_ner" / "lt_ner-train.bio") as fh:
            train = [s for _, s in data.read_bio(fh)]
        with data.open_text(corpora / "lt_ner" / "lt_ner-dev.bio") as fh:
            dev = [s for _, s in data.read_bio(fh)]
    elif lang == "ro":
        with data.open_text(corpora / "ro_ronec" / "v1" / "ronec_v1_minus_v2test.conllup.gz") as fh:
            train = [s for _, s in data.read_ronec_conllup(fh)]
        valid = data.load_json(corpora / "ro_ronec" / "v2" / "valid.json.gz")
        dev = [s for _, s in data.read_ronec_json(valid)]
    else:
        raise ValueError(f"unknown language {lang!r}")
    if max_train is not None and len(train) > max_train:
        rng = random.Random(seed)
        train = rng.sample(train, max_train)
    if transfer:
        rng = random.Random(transfer_seed)
        extra = [data.transfer_sentence(s, lang) for s in
                 data.sample_slavicner(corpora / "slavicner", transfer_langs, transfer, rng)]
        train = train * repeat + extra
        rng.shuffle(train)
    elif repeat > 1:
        train = train * repeat
    if own_data:
        from training.annotation import gold_sentences
        from training.labels import native_tag

        own = [[data.Token(f, native_tag(lang, t), sp) for f, t, sp in sent]
               for path in own_data for sent in gold_sentences(path)]
        logger.info("%s NER: %d own sentences x %d", lang, len(own), own_copies)
        train = train + own * own_copies
        random.Random(seed).shuffle(train)
    else:
        own = []
    splits = [("train", train), ("dev", dev)]
    if adapt_copies:
        if lang != "ro":
            raise ValueError("adaptation data exist for ro only (RONEC v2 valid)")
        v2_train, v2_dev = data.ronec_valid_halves(valid)
        adapt_train = train + v2_train * adapt_copies
        random.Random(adapt_seed).shuffle(adapt_train)
        splits += [("adapt.train", adapt_train), ("adapt.dev", v2_dev)]
    if actor_names:
        splits = [(name, [data.to_actor_names(x) for x in sents_]) for name, sents_ in splits]
    paths: dict[str, Path] = {}
    for split, sents_ in splits:
        bio = out_dir / f"{short}.{split}.bio"
        n = data.write_bio(sents_, bio)
        js = out_dir / f"{short}.{split}.json"
        run_stanza(["-m", "stanza.utils.datasets.ner.prepare_ner_file", str(bio), str(js)], workdir)
        logger.info("%s NER %s: %d sentences", lang, split, n)
        paths[split] = js
        paths[f"{split}_bio"] = bio
    return paths


def train_ner(
    lang: str,
    *,
    workdir: Path | None = None,
    max_steps: int = 3000,
    eval_interval: int = 500,
    pretrain: Path | None = None,
    save_name: str | None = None,
    batch_size: int = 32,
    extra: Sequence[str] = (),
    continue_from: Path | None = None,
    lr: float | None = None,
    dataset: str = "",
    charlm: tuple[Path, Path] | None = None,
) -> Path:
    """Train the NER tagger with ``stanza.models.ner_tagger``.

    Parameters
    ----------
    lang : str
        pl, lt or ro.
    workdir : Path, optional
        Work folder (expects :func:`prepare_ner` output).
    max_steps : int
        Training steps.
    eval_interval : int
        Dev evaluation interval; the best dev model is kept.
    pretrain : Path, optional
        Stanza pretrain ``.pt`` with word vectors; without it ``--no_pretrain``.
    save_name : str, optional
        Model file name (default ``<short>_nertagger.pt``).
    batch_size : int
        Sentences per batch.
    extra : sequence of str
        Further ``ner_tagger`` arguments.
    continue_from : Path, optional
        Start from this saved model (``--finetune``) instead of from scratch; the best
        dev checkpoint of the continued run is saved under ``save_name``.
    lr : float, optional
        Starting learning rate (default: Stanza's 0.1 for a fresh run, the saved one when
        continuing). ``ner_tagger --finetune`` takes the optimizer settings from the saved
        model and ignores ``--lr``, so a continued run starts from a copy of
        ``continue_from`` whose stored learning rate is replaced.
    dataset : str
        Which prepared files to train and select on: ``""`` the standard ones,
        ``"adapt"`` the adaptation files (see :func:`prepare_ner`).
    charlm : (Path, Path), optional
        Forward and backward character LM (:mod:`training.charlm`); without them the
        tagger learns its own character model (``--no_charlm`` is not needed: the
        tagger has no default charLM to download).

    Returns
    -------
    Path
        The saved model.
    """
    workdir = work_dir(workdir)
    short = NER_SHORTNAMES[lang]
    ner_dir = workdir / "data" / "ner"
    save_dir = workdir / "saved_models" / "ner"
    name = save_name or f"{short}_nertagger.pt"
    stem = f"{short}.{dataset}" if dataset else short
    args = [
        "-m", "stanza.models.ner_tagger", "--mode", "train", "--shorthand", short,
        "--train_file", str(ner_dir / f"{stem}.train.json"),
        "--eval_file", str(ner_dir / f"{stem}.dev.json"),
        "--max_steps", str(max_steps), "--eval_interval", str(eval_interval),
        "--batch_size", str(batch_size),
        "--save_dir", str(save_dir), "--save_name", name,
    ]
    if pretrain is None:
        args.append("--no_pretrain")
    else:
        args.extend(["--wordvec_pretrain_file", str(pretrain)])
    if continue_from is not None:
        if lr is not None:
            continue_from = _with_learning_rate(continue_from, lr, save_dir / f"{name}.start.pt")
        args.extend(["--finetune", "--finetune_load_name", str(continue_from)])
    elif lr is not None:
        args.extend(["--lr", str(lr)])
    if charlm is not None:
        forward, backward = charlm
        args.extend(["--charlm", "--charlm_shorthand", f"{lang}_charlm",
                     "--charlm_forward_file", str(forward),
                     "--charlm_backward_file", str(backward)])
    args.extend(extra)
    run_stanza(args, workdir)
    return save_dir / name


def _with_learning_rate(model: Path, lr: float, out: Path) -> Path:
    """Copy the NER checkpoint ``model`` to ``out`` with its stored learning rate set to ``lr``."""
    import torch

    checkpoint = torch.load(model, map_location="cpu", weights_only=True)
    checkpoint["config"]["lr"] = lr
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, out)
    return out
