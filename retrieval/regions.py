"""Regions served, read from ``regions.yaml`` next to the catalog (never from code).

``default_region`` is the region of a source whose catalog entry names none; ``regions``
maps each region to the place names a question may use for it. A copy of the file goes
into every index (with the word lists), so search reads what the index was built with."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REGIONS_FILE = "regions.yaml"
NATIONAL = "全国"


@dataclass(frozen=True)
class Regions:
    default_region: str = ""
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def served_places(self, served: tuple[str, ...] | None = None) -> frozenset[str]:
        """Place names of the regions served (all of them when ``served`` is None)."""
        names = self.places if served is None else {r: self.places.get(r, ()) for r in served}
        return frozenset(p for region, places in names.items() for p in (region, *places))


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
