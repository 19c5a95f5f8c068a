"""The contextual sentence model's view of a knowledge base: the engine's second look at unsure questions.

The engine scores every question with its word measures and the static meaning measure (fast, well under
a millisecond). Only when that leaves it unsure (it would decline, yet something scored close) does it
ask the contextual model (bot.sentence_model, all-MiniLM-L6-v2), which reads a question as a sentence:
about 5 ms a question on these machines, so it is spent only where it can change the outcome.

Its phrasing vectors are whitened on the knowledge base's own phrasings (bot.semantics.whitening), as the
static measure's are: directions in which one entry's phrasings differ are shrunk, so that a cosine
measures what tells entries apart.

Building the index embeds every phrasing once (seconds), then the on-disk cache (keyed by the phrasings
and the model) makes later starts take milliseconds. The bot builds it on a worker thread and answers with
the word measures meanwhile (`ready`); the command line builds it on first need (`wait`). A model that
cannot be loaded (missing or altered files) is reported once, and the engine carries on without it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bot.semantics import unit_rows, whitening
from bot.sentence_model import ModelFileError, SentenceModel, default_sentence_model, phrasing_vectors

log = logging.getLogger(__name__)

# Phrasings already embedded in this process, by text (1.5 KB each): a reload that changed a few
# phrasings embeds only those, and the test suite's many bots embed the knowledge base once.
_EMBEDDED: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_EMBEDDED_LIMIT = 30_000
_EMBEDDED_LOCK = threading.Lock()


class ContextualIndex:
    """Whitened contextual vectors of a knowledge base's phrasings, built once, on first need or `warm`.

    `texts` are the phrasings, each document's consecutive from `first_rows`; `cache_dir` keeps the
    embedded matrix between runs (None: only for this process).
    """

    def __init__(
        self, texts: Sequence[str], first_rows: np.ndarray, shrinkage: float, cache_dir: Path | None,
        model: Callable[[], SentenceModel] = default_sentence_model,
    ):
        self._texts = list(texts)
        self._first_rows = first_rows
        self._shrinkage = shrinkage
        self._cache_dir = cache_dir
        self._model_factory = model
        self._lock = threading.Lock()
        self._built: tuple[SentenceModel, np.ndarray, np.ndarray] | None = None
        self._raw = np.zeros((0, 0), dtype=np.float32)  # the phrasings' vectors as embedded
        self._failed = False

    @property
    def ready(self) -> bool:
        """True once built: consulting it costs one embedding of the question."""
        return self._built is not None

    def warm(self) -> bool:
        """Builds the index now if it is not built (slow the first time: run it off the event loop).
        False when the model cannot be loaded; the reason is logged once."""
        with self._lock:
            if self._built is not None or self._failed:
                return self._built is not None
            try:
                model = self._model_factory()
                vectors = _embedded(model, self._texts, self._cache_dir)
            except ModelFileError as error:
                self._failed = True
                log.error("The contextual model is unavailable, so unsure questions are decided by the word "
                          "measures alone: %s", error)
                return False
            except Exception:  # onnxruntime or numpy failing: the knowledge must keep serving without it
                self._failed = True
                log.exception("The contextual model failed to load; unsure questions are decided by the word measures alone")
                return False
            matrix = whitening(vectors, self._first_rows, self._shrinkage)
            self._raw = vectors
            self._built = (model, matrix, unit_rows(vectors @ matrix))
            return True

    def nearest(self, text: str, others: Sequence[str], wait: bool) -> tuple[float, float, int] | None:
        """For comparing `text` with other texts than the phrasings (the phrasebook's small talk): its best
        plain cosine with any phrasing, its best with any of `others`, and which of `others` that is;
        None when the index is not built and `wait` is False, or the model is unavailable."""
        if self._built is None and not (wait and self.warm()):
            return None
        assert self._built is not None
        model, _matrix, _phrasings = self._built
        raw = self._raw
        vector = model.embed([text])[0]
        other_vectors = _Remembering(model).embed(list(others))
        to_others = other_vectors @ vector
        best = int(np.argmax(to_others)) if len(to_others) else -1
        return float(np.max(raw @ vector)), float(to_others[best]) if best >= 0 else 0.0, best

    def cosines(self, text: str, wait: bool) -> np.ndarray | None:
        """Per document, the cosine (floored at 0) of `text` with its nearest phrasing; None when the index
        is not built and `wait` is False, or the model is unavailable."""
        if self._built is None and not (wait and self.warm()):
            return None
        assert self._built is not None
        model, matrix, phrasings = self._built
        vector = unit_rows(model.embed([text])[0] @ matrix)
        return np.maximum(np.maximum.reduceat(phrasings @ vector, self._first_rows), 0.0)


def _embedded(model: SentenceModel, texts: list[str], cache_dir: Path | None) -> np.ndarray:
    """The phrasings' vectors: from the disk cache when it holds exactly these, else embedded, reusing
    those this process already has."""
    return phrasing_vectors(_Remembering(model), texts, cache_dir)


class _Remembering:
    """`model`, remembering the vectors of the texts it embeds for the rest of the process."""

    def __init__(self, model: SentenceModel):
        self.model = model
        self.fingerprint = model.fingerprint  # the disk cache's key: the same model gives the same vectors

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        key = self.fingerprint
        with _EMBEDDED_LOCK:
            known = {t: _EMBEDDED[(key, t)] for t in texts if (key, t) in _EMBEDDED}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = dict(zip(missing, self.model.embed(missing)))
            known.update(fresh)
            with _EMBEDDED_LOCK:
                for text, vector in fresh.items():
                    _EMBEDDED[(key, text)] = vector
                while len(_EMBEDDED) > _EMBEDDED_LIMIT:
                    _EMBEDDED.popitem(last=False)
        out = np.zeros((len(texts), self.model.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = known[text]
        return out
