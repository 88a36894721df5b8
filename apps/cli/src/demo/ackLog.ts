import { type Outline, type ReportStore, serializeOutline, sha256Hex } from "@living-reports/core";

/** An acknowledged change the recovered store lacks. */
export interface LostChange {
  report_id: string;
  outline_version: number;
  reason: string;
}

/** What {@link AckLog.check} found. */
export interface AckCheck {
  /** Acknowledged changes checked. */
  checked: number;
  lost: LostChange[];
}

/**
 * Every change a store acknowledged (its call resolved), to check after a crash that each one
 * survived (G2): its outline is in the report's committed history (by the `outline_sha256` of an
 * audit event), and the report is at least at that version; a report that had no write in flight
 * at the crash is exactly at its last acknowledged outline.
 */
export class AckLog {
  readonly #acked = new Map<string, Outline[]>();
  readonly #inFlight = new Set<string>();

  /** Records the outline a resolved call returned. */
  ack(outline: Outline): Outline {
    const list = this.#acked.get(outline.report_id) ?? [];
    list.push(outline);
    this.#acked.set(outline.report_id, list);
    return outline;
  }

  /** Marks a report that had an unacknowledged write in flight at the crash. */
  inFlight(reportId: string): void {
    this.#inFlight.add(reportId);
  }

  /** The ids of all reports with an acknowledged change. */
  get reportIds(): string[] {
    return [...this.#acked.keys()];
  }

  /** Checks every acknowledged change against the (recovered) store. */
  async check(store: ReportStore): Promise<AckCheck> {
    const lost: LostChange[] = [];
    let checked = 0;
    for (const [id, outlines] of this.#acked) {
      const current = await store.get(id);
      const committed = new Set((await store.history(id)).map((e) => e.outline_sha256));
      const last = outlines[outlines.length - 1];
      for (const outline of outlines) {
        checked += 1;
        if (!committed.has(sha256Hex(serializeOutline(outline)))) {
          lost.push({
            report_id: id,
            outline_version: outline.outline_version,
            reason: "not in the audit log",
          });
        }
      }
      if (last === undefined) continue;
      if (current.outline_version < last.outline_version) {
        lost.push({
          report_id: id,
          outline_version: last.outline_version,
          reason: `report is at version ${current.outline_version}`,
        });
      } else if (
        !this.#inFlight.has(id) &&
        sha256Hex(serializeOutline(current)) !== sha256Hex(serializeOutline(last))
      ) {
        lost.push({
          report_id: id,
          outline_version: last.outline_version,
          reason: "outline differs from the acknowledged one",
        });
      }
    }
    return { checked, lost };
  }
}
