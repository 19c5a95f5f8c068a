"""The word-embedding model behind the engine's "meaning" measure, loaded from the installed package."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from bot.semantics import default_embedder


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
