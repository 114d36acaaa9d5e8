"""Which Stanza models to use for a language, and loading them without any download.

Resolution order (:func:`resolve_models`):

1. an explicit model directory (our layout: ``model.json`` + ``*.pt``);
2. the user's installed official Stanza models, only when asked (``official=True``);
3. the models shipped in the package (``analysis/_data/models/<lang>/``, see
   :mod:`analysis.resources`).

Loading (:func:`load_pipeline`) always passes ``download_method=None``; a missing file raises
:class:`ModelNotFoundError` naming the language, the processor and where it looked.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import SetupError
from analysis.schemas import ACTOR_LABELS, SUPPORTED_LANGS

logger = logging.getLogger(__name__)

PROCESSORS = ("tokenize", "mwt", "lemma", "ner")
#: Files of our layout; ``mwt``, the embeddings and the common-word list are optional.
FILE_KEYS = ("tokenize", "mwt", "lemma", "ner", "pretrain", "forward_charlm", "backward_charlm",
             "common_words")
REQUIRED_KEYS = ("tokenize", "lemma", "ner")

#: Labels of the official Polish NER model (NKJP) mapped to actor labels.
OFFICIAL_LABEL_MAPS: dict[str, dict[str, str | None]] = {
    "pl": {
        "persName": "PER",
        "orgName": "ORG",
        "placeName": "LOC",
        "geogName": "LOC",
        "date": None,
        "time": None,
    }
}


class ModelNotFoundError(SetupError, FileNotFoundError):
    """A model needed for a language and processor is not where it was looked for."""


@dataclass(frozen=True)
class ModelSpec:
    """Where a language's models are and how their labels map to actor labels.

    Attributes
    ----------
    lang
        ISO 639-1 code.
    origin
        ``"explicit"``, ``"official"`` or ``"shipped"``.
    directory
        The directory the files were found in.
    files
        Tuple of ``(key, path)`` pairs for the files present (see ``FILE_KEYS``).
    label_map
        Tuple of ``(native_label, actor_label_or_None)`` pairs.
    version
        Model version string from ``model.json`` (or ``"official"``).
    """

    lang: str
    origin: str
    directory: str
    files: tuple[tuple[str, str], ...]
    label_map: tuple[tuple[str, str | None], ...]
    version: str

    @property
    def paths(self) -> dict[str, str]:
        """Model files by key."""
        return dict(self.files)

    @property
    def labels(self) -> dict[str, str | None]:
        """Native label → actor label (``None`` for non-actors such as dates)."""
        return dict(self.label_map)

    @functools.cached_property
    def identity(self) -> str:
        """A short hash of the model files' contents and the label map; part of every cache key."""
        digest = hashlib.sha1(self.origin.encode())
        for key, path in self.files:
            digest.update(key.encode())
            digest.update(_file_sha1(path).encode())
        digest.update(repr(self.label_map).encode())
        return digest.hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly summary for manifests (no absolute paths)."""
        return {
            "lang": self.lang,
            "origin": self.origin,
            "version": self.version,
            "identity": self.identity,
            "files": {k: Path(p).name for k, p in self.files},
        }


@functools.lru_cache(maxsize=64)
def _file_sha1(path: str) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_lang(lang: str) -> None:
    if lang not in SUPPORTED_LANGS:
        raise ValueError(f"language {lang!r} is not supported; choose one of {SUPPORTED_LANGS}")


def _spec_from_layout(lang: str, directory: Path, origin: str) -> ModelSpec:
    meta_path = directory / "model.json"
    if not meta_path.is_file():
        raise ModelNotFoundError(
            f"no Stanza models for language {lang!r}: {meta_path} does not exist "
            f"(looked in the {origin} model directory {directory})"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    files = meta.get("files", {})
    found: list[tuple[str, str]] = []
    for key in FILE_KEYS:
        name = files.get(key)
        if not name:
            if key in REQUIRED_KEYS:
                raise ModelNotFoundError(
                    f"no {key} model for language {lang!r}: model.json in {directory} names none"
                )
            continue
        path = directory / name
        if not path.is_file():
            raise ModelNotFoundError(
                f"{key} model for language {lang!r} missing: looked for {path} ({origin} models)"
            )
        found.append((key, str(path)))
    label_map = meta.get("label_map") or {}
    bad = {v for v in label_map.values() if v is not None and v not in ACTOR_LABELS}
    if bad:
        raise ValueError(f"{meta_path}: label_map maps to unknown actor labels {sorted(bad)}")
    return ModelSpec(
        lang=lang,
        origin=origin,
        directory=str(directory),
        files=tuple(found),
        label_map=tuple(sorted(label_map.items())),
        version=str(meta.get("version", "unknown")),
    )


def _official_dir(stanza_dir: str | os.PathLike[str] | None) -> Path:
    if stanza_dir is not None:
        return Path(stanza_dir)
    env = os.environ.get("STANZA_RESOURCES_DIR")
    return Path(env) if env else Path.home() / "stanza_resources"


def _spec_from_official(lang: str, stanza_dir: Path) -> ModelSpec:
    """Find the default official models of ``lang`` below ``stanza_dir`` (no download)."""
    resources = stanza_dir / "resources.json"
    if not resources.is_file():
        raise ModelNotFoundError(
            f"official Stanza models for {lang!r} requested, but {resources} does not exist"
        )
    meta = json.loads(resources.read_text(encoding="utf-8")).get(lang, {})
    defaults = meta.get("default_processors", {})
    lacking = [proc for proc in REQUIRED_KEYS if proc not in defaults]
    if lacking:
        raise ModelNotFoundError(
            f"official Stanza has no default {', '.join(lacking)} model for {lang!r} "
            f"(read {resources}); use the shipped models instead"
        )
    found: list[tuple[str, str]] = []
    for proc in PROCESSORS:
        package = defaults.get(proc)
        if package is None:
            continue
        path = stanza_dir / lang / proc / f"{package}.pt"
        if not path.is_file():
            raise ModelNotFoundError(
                f"official Stanza {proc} model for {lang!r} is not installed: looked for {path}"
            )
        found.append((proc, str(path)))
    ner_package = defaults.get("ner")
    deps = {d["model"]: d["package"] for d in meta.get("ner", {}).get(ner_package, {}).get(
        "dependencies", [])} if ner_package else {}
    for key, kind in (("pretrain", "pretrain"), ("forward_charlm", "forward_charlm"),
                      ("backward_charlm", "backward_charlm")):
        if kind in deps:
            path = stanza_dir / lang / kind / f"{deps[kind]}.pt"
            if not path.is_file():
                raise ModelNotFoundError(
                    f"official Stanza NER for {lang!r} needs {path}, which is not installed"
                )
            found.append((key, str(path)))
    return ModelSpec(
        lang=lang,
        origin="official",
        directory=str(stanza_dir),
        files=tuple(found),
        label_map=tuple(sorted(OFFICIAL_LABEL_MAPS.get(lang, {}).items())),
        version="official",
    )


def resolve_models(
    lang: str,
    *,
    model_dir: str | os.PathLike[str] | None = None,
    official: bool = False,
    stanza_dir: str | os.PathLike[str] | None = None,
) -> ModelSpec:
    """Find the Stanza models for ``lang``; never downloads anything.

    Parameters
    ----------
    lang
        ``"pl"``, ``"lt"`` or ``"ro"``.
    model_dir
        A directory in our layout (``model.json`` + files). If it has a subdirectory named
        ``lang``, that is used, so one root can hold all languages.
    official
        Use the installed official Stanza models (default processors of ``resources.json``
        under ``stanza_dir``) instead of the shipped ones.
    stanza_dir
        Official Stanza resources directory; default ``$STANZA_RESOURCES_DIR`` or
        ``~/stanza_resources``.

    Raises
    ------
    ModelNotFoundError
        Naming the language, the processor and the path looked at.
    """
    _check_lang(lang)
    if model_dir is not None:
        root = Path(model_dir)
        directory = root / lang if (root / lang / "model.json").is_file() else root
        return _spec_from_layout(lang, directory, "explicit")
    if official:
        return _spec_from_official(lang, _official_dir(stanza_dir))
    return _spec_from_layout(lang, shipped_dir() / lang, "shipped")


def shipped_dir() -> Path:
    """Folder of the models shipped in the package (one subfolder per language)."""
    from analysis.resources import models_root

    return models_root()


@functools.cache
def offline_resources_dir() -> str:
    """A folder holding the ``resources.json`` Stanza reads even offline.

    Stanza's ``Pipeline`` reads ``<dir>/resources.json`` to learn the language exists; with
    every model path given explicitly it reads nothing else there. Writing a minimal one to a
    private temporary folder lets any model folder (shipped or ``--model-dir``) load alike.
    """
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="actor-networks-stanza-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    # "default" listed under tokenize: Stanza warns about an unknown default package otherwise
    langs = {lang: {"packages": {}, "tokenize": {"default": {}}} for lang in SUPPORTED_LANGS}
    Path(folder, "resources.json").write_text(json.dumps(langs), encoding="utf-8")
    return folder


#: Values of the ``device`` option: ``auto`` is ``cuda`` when torch sees a GPU, else ``cpu``.
DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str = "cpu") -> str:
    """The device NER runs on, ``"cpu"`` or ``"cuda"``, for the ``device`` option.

    ``"cpu"`` never imports torch; ``"auto"`` and ``"cuda"`` ask
    ``torch.cuda.is_available()``.

    Raises
    ------
    OptionError
        An unknown value, or ``"cuda"`` on a machine where torch sees no GPU.
    """
    from analysis.errors import OptionError

    if device not in DEVICES:
        raise OptionError(f"device must be one of {', '.join(DEVICES)}, not {device!r}",
                          option="device")
    if device == "cpu":
        return "cpu"
    import torch  # heavy: only when a GPU may be used

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise OptionError("device cuda was asked for but torch sees no GPU (torch "
                          f"{torch.__version__}, CUDA build: {torch.version.cuda or 'no'}); "
                          "use --device cpu or auto", option="device")
    return "cpu"


def load_pipeline(spec: ModelSpec, *, use_gpu: bool = False):  # -> stanza.Pipeline
    """Load (once per process and device) a Stanza pipeline for ``spec`` with zero downloads.

    Returns a ``stanza.Pipeline`` running tokenize, (mwt), lemma and ner, on the GPU with
    ``use_gpu=True``.
    """
    return _load_pipeline(spec, bool(use_gpu))


@functools.lru_cache(maxsize=6)
def _load_pipeline(spec: ModelSpec, use_gpu: bool):  # -> stanza.Pipeline
    import stanza  # heavy: imported only when a model is needed

    paths = spec.paths
    processors = [p for p in PROCESSORS if p in paths]
    kwargs: dict[str, Any] = {f"{p}_model_path": paths[p] for p in processors}
    kwargs["ner_pretrain_path"] = paths.get("pretrain")
    kwargs["ner_forward_charlm_path"] = paths.get("forward_charlm")
    kwargs["ner_backward_charlm_path"] = paths.get("backward_charlm")
    if spec.origin == "official":
        resources_dir = spec.directory
    else:
        resources_dir = offline_resources_dir()
        kwargs["lemma_pos"] = False
        kwargs["tokenize_pretokenized"] = False
    logger.info("loading Stanza %s models (%s, %s)", spec.lang, spec.origin, spec.version)
    return stanza.Pipeline(
        lang=spec.lang,
        dir=resources_dir,
        processors=",".join(processors),
        download_method=None,
        use_gpu=use_gpu,
        logging_level="WARN",
        **kwargs,
    )
