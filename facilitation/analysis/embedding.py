"""Sentence vectors from the shipped static model, with numpy and the standard library only.

``data/static-minilm`` is a Model2Vec distillation of all-MiniLM-L6-v2 (see its NOTICE):
one fixed vector per WordPiece token. A span of text is the mean of its tokens' vectors,
scaled to unit length. The tokenizer here is BERT's uncased WordPiece written out in
Python (normalise, split on spaces and punctuation, longest match first) so that neither
torch nor a tokenizer package is needed, and nothing ever asks a model hub for anything.
The model loads lazily, once per process, on the first call.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).resolve().parent / "data" / "static-minilm"
_MAX_WORD_CHARS = 100
_CACHE_LIMIT = 100_000
# BERT isolates every ASCII punctuation character and every Unicode punctuation mark.
_PUNCT = (r"!-/:-@\[-`{-~\u00a1\u00a7\u00ab\u00b6\u00b7\u00bb\u00bf"
          r"\u2010-\u2027\u2030-\u205e\u3001-\u3003\u3008-\u3011")
WORD = re.compile(rf"[{_PUNCT}]|[^\s{_PUNCT}]+")
_DTYPES = {"F32": "<f4", "F16": "<f2", "I8": "i1"}


class StaticModel:
    """Token vectors and the vocabulary that indexes them."""

    def __init__(self, vectors: Any, vocab: dict[str, int], unk_id: int | None) -> None:
        self.vectors = vectors
        self.vocab = vocab
        self.unk_id = unk_id
        self.dim = int(vectors.shape[1])
        self._pieces: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, folder: Path = MODEL_DIR) -> StaticModel:
        tokenizer = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        vocab: dict[str, int] = tokenizer["model"]["vocab"]
        # Mapped, not read: every kernel on the machine shares the file's pages, and a kernel
        # holds only the rows its participants' words touch; the int8 rows become float32 as
        # they are summed.
        vectors = _read_safetensors(folder / "model.safetensors")["embeddings"]
        return cls(vectors, vocab, vocab.get(tokenizer["model"].get("unk_token", "[UNK]")))

    def token_ids(self, text: str) -> tuple[list[int], list[int]]:
        """The WordPiece ids of ``text`` and, for each, the character offset of its word."""
        ids: list[int] = []
        starts: list[int] = []
        pieces = self._pieces
        for m in WORD.finditer(text):
            word = m.group(0)
            found = pieces.get(word)
            if found is None:
                if len(pieces) > _CACHE_LIMIT:
                    pieces.clear()
                found = pieces[word] = self._wordpiece(word)
            ids.extend(found)
            starts.extend([m.start()] * len(found))
        return ids, starts

    def _wordpiece(self, word: str) -> tuple[int, ...]:
        word = _normalise(word)
        out: list[int] = []
        for part in WORD.findall(word):  # normalising can expose punctuation (rare)
            if len(part) > _MAX_WORD_CHARS:
                continue
            start, found = 0, []
            while start < len(part):
                end = len(part)
                while end > start:
                    piece = part[start:end] if start == 0 else "##" + part[start:end]
                    if piece in self.vocab:
                        found.append(self.vocab[piece])
                        break
                    end -= 1
                else:
                    found = []  # no piece fits: the whole word is unknown, and unknown words are dropped
                    break
                start = end
            out.extend(found)
        return tuple(out)

    def embed_spans(self, text: str, spans: Sequence[tuple[int, int]]) -> Any:
        """One unit vector per (start, end) span of ``text``; a span with no known token is zeros."""
        import numpy as np

        ids, starts = self.token_ids(text)
        if not ids:
            return np.zeros((len(spans), self.dim), dtype=np.float32)
        # Sums over any span are differences of running sums: one pass for every span.
        running = np.zeros((len(ids) + 1, self.dim), dtype=np.float32)
        np.cumsum(self.vectors[ids], axis=0, dtype=np.float32, out=running[1:])
        bounds = np.searchsorted(starts, np.asarray(spans).ravel()).reshape(-1, 2)
        out = running[bounds[:, 1]] - running[bounds[:, 0]]
        norms = np.sqrt(np.einsum("ij,ij->i", out, out))[:, None]
        return out / np.maximum(norms, 1e-9)

    def embed(self, texts: Sequence[str]) -> Any:
        """One unit vector per text (used to fit the heads and in tests)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.embed_spans(t, [(0, len(t))]) for t in texts])


def _normalise(word: str) -> str:
    """BERT's uncased normaliser: drop control characters, lower-case, strip accents."""
    if word.isascii():
        return word.lower()
    word = "".join(c for c in word if not unicodedata.category(c).startswith("C"))
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


def _read_safetensors(path: Path) -> dict[str, Any]:
    """The tensors of a .safetensors file as read-only memory-mapped numpy arrays (the format is
    an 8-byte header size, a JSON header, then raw little-endian bytes)."""
    import numpy as np

    with path.open("rb") as file:
        (size,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(size))
    arrays = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]])
        arrays[name] = np.memmap(path, dtype=dtype, mode="r", offset=8 + size + a,
                                 shape=tuple(info["shape"]))
        assert (b - a) == arrays[name].nbytes, f"{path}: {name} is not the size its header says"
    return arrays


@lru_cache(maxsize=1)
def static_model() -> StaticModel:
    """The shipped model, loaded on first use and kept for the life of the process."""
    return StaticModel.load()
