"""Vectors already computed, so no text is embedded twice.

Two layers, both keyed by ``cache_key(embedder name, text)``:

- the previous index's ``embeddings.npy`` (what the last build of this home embedded);
- a shared folder (``POLICYDESK_EMBED_CACHE``) used by every build on the machine — other
  homes, test sessions, the bench. Each build adds what it embedded as one or more *pack*
  files (``pack-<uuid>.npz``: keys + float32 vectors). A pack is written under a temporary
  name and renamed into place, so a reader sees a whole pack or none and concurrent
  writers never touch the same file. When a folder holds many packs, a writer merges the
  ones it read into one new pack (same atomic rename) and removes them; a pack that
  disappears between listing and reading is skipped (its vectors are in the merged one,
  or are simply embedded again). Vectors are stored exactly (float32), so a warm build
  ranks exactly like a cold one.
"""
from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from pathlib import Path

import numpy as np

PACK_PREFIX = "pack-"
PACK_SUFFIX = ".npz"
PACK_SIZE = 256          # vectors per pack written during a build (a crash loses at most this many)
COMPACT_AT = 24          # merge packs when a folder holds more than this many


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def cache_key(embedder_name: str, text: str) -> str:
    return text_hash(f"{embedder_name}\x00{text}")


def _slug(embedder_name: str) -> str:
    readable = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in embedder_name)[:40].strip("-")
    return f"{readable or 'embedder'}-{hashlib.sha1(embedder_name.encode('utf-8')).hexdigest()[:10]}"


class SharedVectorCache:
    """The shared folder of one embedder: ``<root>/<embedder slug>/pack-*.npz``."""

    def __init__(self, root: Path | str, embedder_name: str):
        self.folder = Path(root) / _slug(embedder_name)
        self._read_packs: list[Path] = []

    def _packs(self) -> list[Path]:
        try:
            return sorted(p for p in self.folder.iterdir()
                          if p.name.startswith(PACK_PREFIX) and p.name.endswith(PACK_SUFFIX))
        except OSError:
            return []

    def load(self) -> dict[str, np.ndarray]:
        """Every vector in the folder (packs that vanish or cannot be read are skipped)."""
        vectors: dict[str, np.ndarray] = {}
        self._read_packs = []
        for path in self._packs():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys, matrix = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
                continue
            if len(keys) != len(matrix):
                continue
            for k, v in zip(keys.tolist(), matrix):
                vectors[k] = v
            self._read_packs.append(path)
        return vectors

    def write(self, vectors: dict[str, np.ndarray]) -> Path | None:
        """One new pack holding ``vectors`` (atomic); returns its path."""
        if not vectors:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = list(vectors)
        matrix = np.stack([np.asarray(vectors[k], dtype=np.float32) for k in keys])
        final = self.folder / f"{PACK_PREFIX}{uuid.uuid4().hex}{PACK_SUFFIX}"
        tmp = self.folder / f".tmp-{uuid.uuid4().hex}{PACK_SUFFIX}"
        try:
            with tmp.open("wb") as fh:
                np.savez(fh, keys=np.asarray(keys, dtype=str), vectors=matrix)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                tmp.unlink(missing_ok=True)
        return final

    def compact(self, vectors: dict[str, np.ndarray]) -> None:
        """Merge the packs read by ``load`` into one when there are too many."""
        if len(self._read_packs) <= COMPACT_AT:
            return
        merged = self.write(vectors)
        if merged is None:
            return
        for path in self._read_packs:
            if path != merged:
                try:
                    path.unlink()
                except OSError:
                    pass  # another writer removed it first
        self._read_packs = [merged]
