"""One trial of the Python seed module (seedpkg.storage), for apps/bench.

Usage: python3 seed_bench.py <workload> <dir> <ops> <warmup>, with PYTHONPATH naming the seed's
folder. Prints one JSON line {"ops", "elapsedMs", "latenciesUs"} like the Node.js worker, and
touches the same marker paths around the measured section so that strace can count its fsyncs;
os.fsync is wrapped to count them in the timed run too.

- replace-4k: ReportStorage._save_outline_atomic with its backup switched off (the replace alone:
  temp write + fsync + rename + directory fsync, one fixed temp name).
- append: ReportStorage.append_audit_event (temp file + fsync, copy onto the log + fsync,
  directory fsync).
- update: under ReportStorage.lock(): _save_outline_atomic (backup copy, no fsync; replace),
  append_audit_event (evolve), GlobalStorage.save_index_entry: the service's full update.
"""

import datetime
import json
import os
import sys
import time
import uuid

from seedpkg.models import AuditEvent, Outline
from seedpkg.storage import GlobalStorage

TEXT = "Weekly active users rose 4.2% after the onboarding change; retention of the March cohort is flat. "


def outline_of_size(size: int) -> Outline:
    now = datetime.datetime.now(datetime.UTC).isoformat()
    insights = [
        {
            "insight_id": str(uuid.uuid4()),
            "importance": 5 + i,
            "summary": f"Insight {i}: conversion moved after the pricing test",
            "citations": [{"source": "query", "query_id": f"q-{i}", "description": "weekly funnel"}],
        }
        for i in range(3)
    ]
    data = {
        "report_id": str(uuid.uuid4()),
        "title": "Growth review",
        "created_at": now,
        "updated_at": now,
        "insights": insights,
        "sections": [],
        "metadata": {"tags": ["growth", "weekly"], "status": "active"},
    }
    while len(json.dumps(Outline(**data).model_dump(by_alias=True), indent=2)) < size - 400:
        order = len(data["sections"])
        data["sections"].append(
            {
                "section_id": str(uuid.uuid4()),
                "title": f"Section {order}",
                "order": order,
                "insight_ids": [i["insight_id"] for i in insights],
                "content": TEXT * 4,
            }
        )
    return Outline(**data)


def evolve_event(report_id: str, version: int) -> AuditEvent:
    return AuditEvent(
        action_id=str(uuid.uuid4()),
        report_id=report_id,
        ts=datetime.datetime.now(datetime.UTC).isoformat(),
        actor="agent",
        action_type="evolve",
        payload={
            "old_title": "Growth review",
            "new_title": "Growth review",
            "sections_added": 0,
            "insights_added": 0,
            "section_ids_modified": [str(uuid.uuid4())],
            "backup_filename": "outline.json.20250101T000000_000000.bak",
            "outline_version": version,
        },
    )


SYNCS = [0]
_fsync = os.fsync


def counted_fsync(fd: int) -> None:
    """os.fsync, counted (the module calls it through `os`, so this sees every call)."""
    SYNCS[0] += 1
    _fsync(fd)


os.fsync = counted_fsync


def mark(root: str, which: str) -> None:
    os.access(os.path.join(root, f".bench-mark-{which}"), os.F_OK)


def main() -> None:
    workload, root, ops, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    glob = GlobalStorage(__import__("pathlib").Path(root))
    outline = outline_of_size(4096)
    report = glob.get_report_storage(outline.report_id)
    report._save_outline_atomic(outline)

    if workload == "replace-4k":
        report._create_backup = lambda: None

        def op(i: int) -> None:
            report._save_outline_atomic(outline.model_copy(update={"title": f"Growth review {i}"}))
    elif workload == "append":

        def op(i: int) -> None:
            report.append_audit_event(evolve_event(outline.report_id, i + 2))
    elif workload == "update":

        def op(i: int) -> None:
            now = datetime.datetime.now(datetime.UTC).isoformat()
            nxt = outline.model_copy(update={"title": f"Growth review {i}", "updated_at": now, "outline_version": i + 2})
            with report.lock():
                report._save_outline_atomic(nxt)
                report.append_audit_event(evolve_event(outline.report_id, i + 2))
                glob.save_index_entry(
                    {
                        "report_id": nxt.report_id,
                        "current_title": nxt.title,
                        "created_at": nxt.created_at,
                        "updated_at": nxt.updated_at,
                        "tags": ["growth"],
                        "status": "active",
                        "path": f"by_id/{nxt.report_id}",
                    }
                )
    else:
        print(f"seed_bench: no workload {workload}", file=sys.stderr)
        sys.exit(2)

    for i in range(warmup):
        op(i)
    latencies = []
    mark(root, "begin")
    syncs = SYNCS[0]
    start = time.perf_counter_ns()
    for i in range(warmup, warmup + ops):
        t = time.perf_counter_ns()
        op(i)
        latencies.append((time.perf_counter_ns() - t) / 1000)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    fsyncs = SYNCS[0] - syncs
    mark(root, "end")
    print(json.dumps({"ops": ops, "elapsedMs": elapsed, "latenciesUs": latencies, "fsyncs": fsyncs}))


if __name__ == "__main__":
    main()
