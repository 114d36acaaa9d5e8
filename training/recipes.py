"""The settings used for the shipped models, one recipe per language.

Changing a value here changes what ``python -m training all --lang <lang>`` trains.
The model cards record which settings were measured on dev and why they were chosen.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    """Training settings of one language.

    Attributes
    ----------
    tokenizer_steps : int
        Tokenizer training steps (dev checked every 200 steps, best kept).
    mwt_epochs : int
        MWT expander epochs (only where the treebank has multi-word tokens).
    lemma_epochs : int
        Lemmatizer epochs.
    ner_steps : int
        NER training steps (batch 32).
    ner_eval_interval : int
        NER dev evaluation interval (best dev model kept).
    ner_vectors : bool
        Train word2vec vectors on raw text and use them in the NER model.
    ner_max_train : int or None
        Random subset of NER training sentences (None = all).
    ner_extra : tuple of str
        Further ``stanza.models.ner_tagger`` arguments.
    ner_continue_steps : tuple of int
        Steps of further NER runs, each starting from the best model of the run before
        (``--finetune``; fresh optimizer); empty = none.
    ner_continue_lr : tuple of float or None
        Starting learning rate of each continuation (same length as
        ``ner_continue_steps``, None = the saved one, Stanza's 0.1); empty = all None.
    ner_transfer : int
        SlavicNER sentences (with an entity; PER/ORG/LOC/EVT/PRO) per language of
        ``ner_transfer_langs`` added to the NER training data for cross-lingual transfer
        (0 = none).
    ner_transfer_langs : tuple of str
        SlavicNER languages of the transfer sentences.
    ner_train_repeat : int
        Copies of the language's own NER training sentences (so that the transfer
        sentences do not outweigh them).
    ner_adapt_steps : tuple of int
        Steps of the last NER runs, each continuing from the best model of the run before
        (fresh optimizer, learning rates ``ner_adapt_lr``), on the training data plus
        ``ner_adapt_copies`` copies of the even-id half of RONEC v2 valid (the conventions of
        the held-out RONEC v2 test; RONEC v1 differs), selecting on the odd-id half (ro
        only; empty = none).
        Dev scores are then measured on that half.
    ner_adapt_copies : int
        Copies of the even-id half in the adaptation runs' training data.
    ner_adapt_lr : tuple of float or None
        Starting learning rate of each adaptation run (same length as ``ner_adapt_steps``;
        None = the saved one); empty = all None.
    ner_max_delta : int or None
        Keep at most this many delta-embedding rows in the shipped NER model
        (:func:`training.compact.compact_ner`; None = all).
    charlm_hidden_dim : int
        Units of the forward and backward character LMs trained on raw text
        (:mod:`training.charlm`) and read by every NER run; 0 = no character LM (the
        tagger learns its own character model).
    charlm_epochs : int
        Passes of each character LM over its raw text.
    ner_own_data : tuple of str
        Folders under ``data/annotations/`` whose ``gold.jsonl`` (training data made by this
        project, see its README) joins the NER training data.
    ner_own_copies : int
        Copies of the own-data sentences in the training data.
    ner_actor_names : bool
        Re-tag all NER data (train and dev) by the actor-name convention.
    """

    tokenizer_steps: int = 3000
    mwt_epochs: int = 30
    lemma_epochs: int = 60
    ner_steps: int = 6000
    ner_eval_interval: int = 500
    ner_vectors: bool = True
    ner_max_train: int | None = None
    ner_extra: tuple[str, ...] = ()
    ner_continue_steps: tuple[int, ...] = ()
    ner_continue_lr: tuple[float | None, ...] = ()
    ner_transfer: int = 0
    ner_transfer_langs: tuple[str, ...] = ("pl",)
    ner_train_repeat: int = 1
    ner_adapt_steps: tuple[int, ...] = ()
    ner_adapt_copies: int = 2
    ner_adapt_lr: tuple[float | None, ...] = ()
    ner_max_delta: int | None = None
    charlm_hidden_dim: int = 0
    charlm_epochs: int = 1
    ner_own_data: tuple[str, ...] = ()
    ner_own_copies: int = 1
    ner_actor_names: bool = False

    def continue_rates(self) -> tuple[float | None, ...]:
        """The starting learning rate of each continuation (None: the saved one)."""
        return self.ner_continue_lr or (None,) * len(self.ner_continue_steps)

    def adapt_rates(self) -> tuple[float | None, ...]:
        """The starting learning rate of each adaptation run (None: the saved one)."""
        return self.ner_adapt_lr or (None,) * len(self.ner_adapt_steps)


# Sized for the 2-core CPU budget of working sessions (about an hour or two per language);
# longer runs are expected to help, see the model cards for what was measured.
RECIPES: dict[str, Recipe] = {
    "pl": Recipe(tokenizer_steps=1000, mwt_epochs=10, lemma_epochs=4, ner_steps=2500,
                 ner_continue_steps=(6000, 10000, 8000, 6000),
                 ner_continue_lr=(None, None, None, 0.03), ner_max_delta=25000),
    "lt": Recipe(tokenizer_steps=1000, lemma_epochs=6, ner_steps=4000, ner_eval_interval=250,
                 ner_transfer=6000, ner_train_repeat=4, ner_continue_steps=(2500,),
                 ner_continue_lr=(0.02,), ner_own_data=("lt_translated",)),
    "ro": Recipe(tokenizer_steps=1000, lemma_epochs=12, ner_steps=3000,
                 ner_continue_steps=(4000,), ner_adapt_steps=(4000, 4000, 3000, 3000),
                 ner_adapt_lr=(0.02, 0.02, 0.01, 0.02), ner_own_data=("ro_news",),
                 ner_own_copies=2, ner_actor_names=True),
}


def ner_save_names(lang: str, recipe: Recipe) -> list[str]:
    """File names of the NER runs of ``recipe``: the first run, each continuation, each
    adaptation run.

    Examples
    --------
    >>> ner_save_names("pl", Recipe(ner_continue_steps=(6000, 8000)))
    ['pl_ner.pt', 'pl_ner_continued.pt', 'pl_ner_continued2.pt']
    >>> ner_save_names("ro", Recipe(ner_continue_steps=(4000,), ner_adapt_steps=(4000, 4000)))
    ['ro_ner.pt', 'ro_ner_continued.pt', 'ro_ner_adapted.pt', 'ro_ner_adapted2.pt']
    """
    names = [f"{lang}_ner.pt"]
    for i in range(1, len(recipe.ner_continue_steps) + 1):
        names.append(f"{lang}_ner_continued{'' if i == 1 else i}.pt")
    for i in range(1, len(recipe.ner_adapt_steps) + 1):
        names.append(f"{lang}_ner_adapted{'' if i == 1 else i}.pt")
    return names
