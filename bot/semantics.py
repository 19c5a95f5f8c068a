"""Meaning-level similarity of short texts, for paraphrases that share no words with a phrasing.

A text's vector is the mean of its tokens' vectors in WordLlama's static embedding (the
l2_supercat 256-dimension model, MIT-licensed, shipped inside the `wordllama` wheel), normalised so
that a dot product is a cosine. `whitening` adapts the space to a knowledge base: directions in
which phrasings of the same entry differ (wording, style) are shrunk, so that what remains tells
entries apart.

Only the package's data files are used, located through its installed-files record: importing
`wordllama` itself would configure the root logger (a second, unredacted log handler) and, through a
path bug in its loader, fetch the bundled tokenizer from Hugging Face, while this bot must never
reach the network outside Discord. Each file is checked against the sha256 that record holds before
it is used, and a tokenizer that can produce ids beyond the weights' rows is refused: a damaged or
swapped file gives a clear ModelError, not quietly wrong answers.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import metadata
from itertools import chain
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

MODEL_PACKAGE = "wordllama"
WEIGHTS_FILE = "l2_supercat_256.safetensors"
TOKENIZER_FILE = "l2_supercat_tokenizer_config.json"
WEIGHTS_KEY = "embedding.weight"
BATCH = 2048  # texts or words at once
WORD_CACHE_LIMIT = 30_000  # words remembered (1 KB each, 30 MB at most): arbitrary user text must not grow it forever
MAX_CHARACTERS = 1000  # a question's meaning is in its start; 4,000 characters of paste need not be read
REINSTALL = f"pip install --force-reinstall --no-deps '{MODEL_PACKAGE}>=0.4,<0.5'"


class ModelError(Exception):
    """The word-embedding model's files are missing, altered or do not fit together; the message says
    which file, what is wrong and how to fix it."""


class Embedder:
    """Turns texts into unit vectors; rows of `embed`'s result line up with its input."""

    def __init__(self, vectors: np.ndarray, tokenizer: Tokenizer):
        # Every id the tokenizer can produce must have its row: an id past the end would index out of
        # range, and clamping it would silently give a wrong word's vector.
        highest = max(tokenizer.get_vocab(with_added_tokens=True).values(), default=-1)
        if vectors.ndim != 2 or highest >= len(vectors):
            raise ModelError(
                f"the tokenizer produces ids up to {highest} but the weights have {len(vectors)} rows: "
                f"the two files are from different models; reinstall {MODEL_PACKAGE} ({REINSTALL})"
            )
        self._vectors = vectors.astype(np.float32)
        # Shared by the engine answering on the event loop and one being built for a reload on a worker
        # thread: only ever read (encode_batch borrows it shared; changing padding or truncation
        # would borrow it exclusively and fail with "Already borrowed", tokenizers issue #537), and
        # the word cache only grows.
        self._tokenizer = tokenizer
        self._word_sums: dict[str, np.ndarray] = {}
        self.dimensions = self._vectors.shape[1]

    @classmethod
    def from_bytes(cls, weights: bytes, tokenizer: bytes) -> Embedder:
        """An embedder from the contents of a safetensors file holding WEIGHTS_KEY and a tokenizer JSON."""
        tensors = load_safetensors(weights)
        if WEIGHTS_KEY not in tensors:
            raise ModelError(f"the weights hold no {WEIGHTS_KEY!r}; reinstall {MODEL_PACKAGE} ({REINSTALL})")
        return cls(tensors[WEIGHTS_KEY], Tokenizer.from_str(tokenizer.decode("utf-8")))

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dimensions) float32 unit vectors; a text with no tokens gets the zero vector."""
        # The tokenizer never merges across a space, so a text's token vectors are its words' token
        # vectors, and a word that 60,000 phrasings repeat is tokenized once.
        split = [text[:MAX_CHARACTERS].split() for text in texts]
        row_of = {word: row for row, word in enumerate(dict.fromkeys(chain.from_iterable(split)))}
        word_sums = self._token_sums(list(row_of))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(split), BATCH):  # in batches, to stay in the processor's cache
            batch = split[start : start + BATCH]
            lengths = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
            filled = lengths > 0
            if not filled.any():
                continue
            rows = np.fromiter((row_of[w] for words in batch for w in words), dtype=np.int64, count=int(lengths.sum()))
            starts = np.concatenate(([0], np.cumsum(lengths[filled])[:-1]))
            out[start : start + len(batch)][filled] = unit_rows(np.add.reduceat(word_sums[rows], starts, axis=0))
        return out

    def _token_sums(self, words: list[str]) -> np.ndarray:
        """Per distinct word, the sum of its tokens' vectors; remembered, as questions reuse words."""
        fresh: dict[str, np.ndarray] = {}
        missing = [w for w in words if w not in self._word_sums]
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            ids = [e.ids for e in self._tokenizer.encode_batch(batch, add_special_tokens=False)]
            lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
            flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))  # every word has at least one token
            fresh.update(zip(batch, np.add.reduceat(self._vectors[flat], starts, axis=0)))
        if len(self._word_sums) + len(fresh) <= WORD_CACHE_LIMIT:
            self._word_sums.update(fresh)
        sums = np.zeros((len(words), self.dimensions), dtype=np.float32)
        for row, word in enumerate(words):
            sums[row] = fresh[word] if word in fresh else self._word_sums[word]
        return sums


@cache
def default_embedder() -> Embedder:
    """The bundled model, loaded once per process (about 0.1 s, 33 MB), its files verified."""
    try:
        distribution = metadata.distribution(MODEL_PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"the {MODEL_PACKAGE} package, which holds the word-embedding model, is not installed: install "
            f"the project as the README says (pip install -e .), or {REINSTALL}"
        ) from None
    return load_model(distribution)


def load_model(distribution: metadata.Distribution) -> Embedder:
    """The embedder from `distribution`'s weights and tokenizer, each verified against its RECORD."""
    return Embedder.from_bytes(verified_file(distribution, WEIGHTS_FILE), verified_file(distribution, TOKENIZER_FILE))


def verified_file(distribution: metadata.Distribution, name: str) -> bytes:
    """The bytes of the installed file called `name`, once they match the sha256 in the distribution's
    installed-files record (RECORD). Raises ModelError saying what is wrong and how to fix it."""
    package = f"{distribution.metadata['Name']} {distribution.version}"
    entry = next((f for f in distribution.files or () if f.name == name), None)
    if entry is None:
        raise ModelError(f"{name} is not among the installed files of {package}; reinstall it: {REINSTALL}")
    path = Path(str(entry.locate()))
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelError(f"{path} ({package}) cannot be read: {error.strerror or error}; reinstall it: {REINSTALL}") from error
    if entry.hash is None or entry.hash.mode != "sha256":
        raise ModelError(f"the installed-files record of {package} holds no sha256 for {name}, so the file "
                         f"cannot be verified; reinstall it: {REINSTALL}")
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    if digest != entry.hash.value:
        raise ModelError(f"{path} does not match the sha256 recorded when {package} was installed: the file "
                         f"was altered or damaged; reinstall it: {REINSTALL}")
    return data


def whitening(vectors: np.ndarray, first_rows: np.ndarray, shrinkage: float) -> np.ndarray:
    """Within-class covariance normalisation: the matrix that, applied to unit vectors, makes the
    spread of phrasings around their own entry's mean equal in every direction.

    Each entry's phrasings are consecutive rows of `vectors`, starting at `first_rows`. `shrinkage`
    (relative to the mean variance) keeps directions the phrasings never vary in from being blown
    up. Returns a (dimensions, dimensions) matrix; the identity when there is nothing to learn from.
    """
    dimensions = vectors.shape[1]
    counts = np.diff(np.append(first_rows, len(vectors)))
    if len(vectors) <= len(first_rows):
        return np.eye(dimensions, dtype=np.float32)
    means = np.add.reduceat(vectors, first_rows, axis=0) / counts[:, None].astype(vectors.dtype)
    residuals = vectors - np.repeat(means, counts, axis=0)
    variances, directions = np.linalg.eigh((residuals.T @ residuals).astype(np.float64) / len(vectors))
    scale = variances.mean()
    if scale <= 0:
        return np.eye(dimensions, dtype=np.float32)
    return ((directions / np.sqrt(np.maximum(variances, 0) + shrinkage * scale)) @ directions.T).astype(np.float32)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """`vectors` scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)
