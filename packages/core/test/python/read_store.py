"""Reads a living-reports store with the Python module's strict pydantic models.

Usage: PYTHONPATH=<shared>/seed/python python3 read_store.py <store root>

Loads every by_id/*/outline.json and by_id/*/backups/*.bak as an Outline, and every non-blank
line of index.jsonl as an IndexEntry, as the Python implementation would (extra keys rejected).
Prints one JSON object: the counts and the files that failed, each with the reason; exits 1
if any failed. Audit lines are not read: they carry integrity fields the Python model lacks.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from seedpkg.models import IndexEntry, Outline


def main(root: Path) -> int:
    result: dict[str, object] = {"outlines": 0, "backups": 0, "index_lines": 0, "failures": []}
    failures: list[dict[str, str]] = result["failures"]  # type: ignore[assignment]

    def load(kind: str, path: Path, text: str, model: type) -> None:
        try:
            model(**json.loads(text))
            result[kind] = int(result[kind]) + 1  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 - every failure is reported, none is hidden
            failures.append({"file": str(path.relative_to(root)), "error": str(e)})

    for report in sorted((root / "by_id").iterdir()):
        load("outlines", report / "outline.json", (report / "outline.json").read_text("utf-8"), Outline)
        for backup in sorted((report / "backups").glob("*.bak")):
            load("backups", backup, backup.read_text("utf-8"), Outline)
    index = root / "index.jsonl"
    if index.exists():
        for line in index.read_text("utf-8").splitlines():
            if line.strip():
                load("index_lines", index, line, IndexEntry)
    print(json.dumps(result))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
