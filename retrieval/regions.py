"""Regions: which province a document belongs to, which places a question names, and which
regions a deployment serves (``POLICYDESK_REGIONS``, default 山西 + 全国).

The place list is data (``corpus/places.yaml``): a province and the cities a citizen may
name instead (太原 → 山西, 广州 → 广东)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policydesk.settings import PROJECT_ROOT

PLACES_FILE = PROJECT_ROOT / "corpus" / "places.yaml"
NATIONAL = "全国"


@dataclass(frozen=True)
class Places:
    national: str
    national_words: frozenset[str]
    home_words: frozenset[str]
    region_of_word: dict  # place word (province or city) → region name

    @property
    def regions(self) -> set[str]:
        return set(self.region_of_word.values())

    def region_of(self, word: str) -> str | None:
        """The region a place word names (广州 → 广东; 广东省 → 广东), or None."""
        word = word.strip()
        if word in self.region_of_word:
            return self.region_of_word[word]
        for suffix in ("省", "市", "自治区"):
            if word.endswith(suffix) and word[: -len(suffix)] in self.region_of_word:
                return self.region_of_word[word[: -len(suffix)]]
        return None

    def region_of_folder(self, folder: str) -> str | None:
        """A library folder naming a region: 广东, or 广东地方法规."""
        for suffix in ("", "地方法规", "地方性法规"):
            if suffix and folder.endswith(suffix):
                name = folder[: -len(suffix)]
            elif not suffix:
                name = folder
            else:
                continue
            if name in self.region_of_word and self.region_of_word[name] == name:
                return name
        return None

    def named_regions(self, words: list[str], home: str | None = None) -> list[str]:
        """Regions named in a question's words, in order; 我省/本省 mean ``home``."""
        out: list[str] = []
        for w in words:
            region = self.region_of(w)
            if region is None and home and w in self.home_words:
                region = home
            if region and region not in out:
                out.append(region)
        return out


@lru_cache(maxsize=4)
def load_places(path: str | None = None) -> Places:
    import yaml

    data = yaml.safe_load(Path(path or PLACES_FILE).read_text(encoding="utf-8")) or {}
    mapping: dict[str, str] = {}
    for region, words in (data.get("regions") or {}).items():
        mapping[str(region)] = str(region)
        for w in words or ():
            mapping[str(w)] = str(region)
    return Places(
        national=str(data.get("national") or NATIONAL),
        national_words=frozenset(str(w) for w in data.get("national_words") or ()),
        home_words=frozenset(str(w) for w in data.get("home_words") or ()),
        region_of_word=mapping,
    )


def home_region(served: tuple[str, ...] | list[str]) -> str | None:
    """The deployment's own province: the first served region that is not 全国."""
    return next((r for r in served if r != NATIONAL), None)
