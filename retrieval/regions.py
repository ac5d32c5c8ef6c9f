"""Regions: which regions a deployment serves and the place names a question may use for
them (``regions.yaml`` next to the catalog, copied into every index), and a gazetteer of
every province (``corpus/places.yaml``) to tell which region a law-library folder or a
question's place belongs to (广州 → 广东). Settings: ``POLICYDESK_REGIONS`` (default: the
regions of regions.yaml, 山西 + 全国 here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policydesk.settings import PROJECT_ROOT

REGIONS_FILE = "regions.yaml"
PLACES_FILE = PROJECT_ROOT / "corpus" / "places.yaml"
NATIONAL = "全国"


@dataclass(frozen=True)
class Regions:
    default_region: str = ""
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def served_places(self, served: tuple[str, ...] | None = None) -> frozenset[str]:
        """Place names of the regions served (all of them when ``served`` is None)."""
        names = self.places if served is None else {r: self.places.get(r, ()) for r in served}
        return frozenset(p for region, places in names.items() for p in (region, *places))

    def served(self, setting: tuple[str, ...] | None) -> tuple[str, ...]:
        """The regions served: the setting, else every region listed (home province first)."""
        if setting:
            return tuple(setting)
        listed = list(self.places) or [self.default_region or "山西", NATIONAL]
        if self.default_region in listed:
            listed.remove(self.default_region)
            listed.insert(0, self.default_region)
        return tuple(listed)


def load_regions(directory: Path | None) -> Regions:
    """``directory/regions.yaml``; an absent or unreadable file means no region data."""
    import yaml

    if directory is None:
        return Regions()
    path = Path(directory) / REGIONS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return Regions()
    if not isinstance(data, dict):
        return Regions()
    raw = data.get("regions") or {}
    places = {str(k): tuple(str(p) for p in (v or ())) for k, v in raw.items()} if isinstance(raw, dict) else {}
    return Regions(default_region=str(data.get("default_region") or "").strip(), places=places)


@dataclass(frozen=True)
class Places:
    """The gazetteer: every province and the cities a citizen may name instead."""

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
        for suffix in ("地方法规", "地方性法规", ""):
            name = folder[: -len(suffix)] if suffix and folder.endswith(suffix) else (folder if not suffix else None)
            if name and self.region_of_word.get(name) == name:
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
