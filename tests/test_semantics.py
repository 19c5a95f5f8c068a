"""The word-embedding model behind the engine's "meaning" measure, loaded from the installed package."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from bot.semantics import default_embedder, unit_rows, whitening


def test_vectors_are_unit_length_and_line_up_with_the_texts() -> None:
    texts = ["What was Russia asked to accept?", "who wrote the article", "x" * 5000]
    vectors = default_embedder().embed(texts)
    assert vectors.shape == (3, default_embedder().dimensions)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    again = default_embedder().embed(texts[1:2])
    assert np.allclose(again[0], vectors[1], atol=1e-6)


def test_a_text_without_tokens_gets_the_zero_vector_not_nan() -> None:
    vectors = default_embedder().embed(["", "minerals deal"])
    assert not np.isnan(vectors).any()
    assert not vectors[0].any()
    assert vectors[1].any()


def test_a_paraphrase_is_nearer_than_another_topic_with_the_same_subject() -> None:
    question, paraphrase, other = default_embedder().embed(
        ["what compromises did washington want from moscow", "What was Russia asked to accept?", "Did Russia attend the Istanbul talks?"]
    )
    assert question @ paraphrase > question @ other


def test_loading_the_model_neither_imports_wordllama_nor_touches_logging() -> None:
    # wordllama's own loader configures the root logger (an unredacted second handler) and fetches
    # its tokenizer over the network: the bot reads the package's data files without importing it.
    script = (
        "import logging, sys\n"
        "from bot.semantics import default_embedder\n"
        "default_embedder().embed(['hello'])\n"
        "print('wordllama' in sys.modules, len(logging.getLogger().handlers))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["False", "0"], done.stdout + done.stderr


def test_whitening_shrinks_the_directions_phrasings_of_one_entry_vary_in() -> None:
    # Two entries told apart along axis 0; their phrasings vary a lot along axis 1 (wording).
    rng = np.random.default_rng(0)
    entry_a = np.column_stack([np.full(50, 1.0), rng.normal(0, 3, 50), rng.normal(0, 0.1, 50)])
    entry_b = np.column_stack([np.full(50, -1.0), rng.normal(0, 3, 50), rng.normal(0, 0.1, 50)])
    vectors = unit_rows(np.vstack([entry_a, entry_b]).astype(np.float32))
    whitened = unit_rows(vectors @ whitening(vectors, np.array([0, 50]), shrinkage=0.1))
    same_entry, other_entry = slice(0, 50), slice(50, 100)

    def mean_cosine(rows: np.ndarray, first: slice, second: slice) -> float:
        return float((rows[first] @ rows[second].T).mean())

    assert mean_cosine(whitened, same_entry, same_entry) > mean_cosine(vectors, same_entry, same_entry) + 0.2
    assert mean_cosine(whitened, same_entry, other_entry) < mean_cosine(vectors, same_entry, other_entry)


def test_whitening_is_the_identity_when_every_entry_has_one_phrasing() -> None:
    vectors = default_embedder().embed(["who wrote the article", "minerals deal"])
    assert np.array_equal(whitening(vectors, np.array([0, 1]), shrinkage=0.2), np.eye(vectors.shape[1], dtype=np.float32))
