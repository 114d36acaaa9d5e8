"""Shrink a trained Stanza NER model to the shipped size limit.

Stanza's NER keeps a trainable "delta" embedding row for every training word (``cutoff=1``):
on NKJP that is 124k rows × 80 floats (40 MB), most of them for words seen once or twice,
whose rows barely moved from zero. :func:`compact_ner` keeps the ``max_delta`` rows that moved
most (largest L2 norm) and drops the rest; a dropped word falls back to its pretrained vector
(or the unknown-word path) plus the character model, exactly like an unseen word. The cost is
measured on dev and written in the model card.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

#: Ids 0-3 of a Stanza vocab are <PAD>, <UNK>, <EMPTY>, <ROOT>.
_N_SPECIAL = 4


def compact_ner(src: Path, dst: Path, *, max_delta: int) -> dict[str, int]:
    """Write a copy of the NER model ``src`` to ``dst`` with at most ``max_delta`` delta rows.

    Parameters
    ----------
    src, dst : Path
        Stanza NER model files (``dst`` is written atomically).
    max_delta : int
        Delta-embedding rows to keep (besides the four special ids).

    Returns
    -------
    dict
        ``delta_before``, ``delta_after``, ``bytes_before``, ``bytes_after``.
    """
    import torch

    ckpt = torch.load(src, map_location="cpu", weights_only=False)
    vocab = ckpt["vocab"]["delta"]
    weight = ckpt["model"]["delta_emb.weight"]
    n = weight.shape[0]
    if n <= max_delta + _N_SPECIAL:
        keep = torch.arange(n)
    else:
        norms = weight[_N_SPECIAL:].norm(dim=1)
        top = torch.topk(norms, max_delta).indices + _N_SPECIAL
        keep = torch.cat([torch.arange(_N_SPECIAL), torch.sort(top).values])
    id2unit = [vocab["_id2unit"][i] for i in keep.tolist()]
    vocab["_id2unit"] = id2unit
    vocab["_unit2id"] = {unit: i for i, unit in enumerate(id2unit)}
    ckpt["model"]["delta_emb.weight"] = weight[keep].clone()
    tmp = dst.with_name(dst.name + ".tmp")
    dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save(ckpt, tmp)
    tmp.replace(dst)
    info = {"delta_before": n, "delta_after": len(id2unit),
            "bytes_before": src.stat().st_size, "bytes_after": dst.stat().st_size}
    logger.info("compacted %s: %s", src.name, info)
    return info
