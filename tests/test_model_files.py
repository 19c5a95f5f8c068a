"""The word-embedding model's files are verified before use: a tiny stand-in of the wordllama package,
installed in tmp_path with its own installed-files record, altered in the ways a disk or a person can."""

from __future__ import annotations

import base64
import hashlib
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save
from tokenizers import Tokenizer, models, pre_tokenizers

from bot.semantics import REINSTALL, TOKENIZER_FILE, WEIGHTS_FILE, WEIGHTS_KEY, ModelError, load_model

WEIGHTS = f"wordllama/weights/{WEIGHTS_FILE}"
TOKENIZER = f"wordllama/tokenizers/{TOKENIZER_FILE}"
WORDS = ["[UNK]", "hello", "world", "peace", "talks"]


def tokenizer_json(words: list[str]) -> bytes:
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    return tokenizer.to_str().encode("utf-8")


def install(site: Path, rows: int = len(WORDS), words: list[str] = WORDS, hashed: bool = True) -> metadata.Distribution:
    """A wordllama 0.4.0 with a `rows` x 4 embedding and a tokenizer of `words`, recorded as pip records it."""
    files = {
        WEIGHTS: save({WEIGHTS_KEY: np.random.default_rng(0).normal(size=(rows, 4)).astype(np.float16)}),
        TOKENIZER: tokenizer_json(words),
    }
    record = []
    for name, data in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}" if hashed else f"{name},,")
    info = site / "wordllama-0.4.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: wordllama\nVersion: 0.4.0\n", encoding="utf-8")
    (info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
    return metadata.PathDistribution(info)


def test_intact_files_load_and_embed(tmp_path: Path) -> None:
    embedder = load_model(install(tmp_path))
    vectors = embedder.embed(["hello world", "peace talks", "unheard-of words"])
    assert vectors.shape == (3, 4) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_altered_weights_are_refused_with_how_to_fix_it(tmp_path: Path) -> None:
    distribution = install(tmp_path)
    data = bytearray((tmp_path / WEIGHTS).read_bytes())
    data[-1] ^= 0xFF  # one byte of one weight
    (tmp_path / WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(ModelError) as caught:
        load_model(distribution)
    message = str(caught.value)
    assert f"{tmp_path / WEIGHTS} does not match the sha256 recorded when wordllama 0.4.0 was installed" in message
    assert message.endswith(f"reinstall it: {REINSTALL}")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    distribution = install(tmp_path)
    (tmp_path / TOKENIZER).unlink()
    with pytest.raises(ModelError, match=rf"{TOKENIZER_FILE} \(wordllama 0.4.0\) cannot be read: No such file or directory; reinstall it"):
        load_model(distribution)


def test_a_file_without_a_recorded_checksum_is_not_trusted(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=rf"holds no sha256 for {WEIGHTS_FILE}, so the file cannot be verified"):
        load_model(install(tmp_path, hashed=False))


def test_a_tokenizer_with_more_ids_than_the_weights_have_rows_is_refused(tmp_path: Path) -> None:
    # Both files as recorded, but from different models: ids 3 and 4 have no row.
    with pytest.raises(ModelError, match=r"the tokenizer produces ids up to 4 but the weights have 3 rows"):
        load_model(install(tmp_path, rows=3))
