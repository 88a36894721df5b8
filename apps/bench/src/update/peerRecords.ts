import { createHash } from "node:crypto";
import type { Outline } from "@living-reports/core";
import { evolveEvent } from "../fixtures.js";

/**
 * The records one logical update writes in a database peer, made the same way for each: the new
 * outline's JSON (pretty, as the store writes it), its audit event chained to the previous one by
 * SHA-256 (as the store's audit lines are), and the index entry.
 */
export interface UpdateRecords {
  outline: Outline;
  outlineJson: string;
  eventJson: string;
  /** SHA-256 (hex) of the previous event's hash followed by this event's JSON. */
  eventHash: string;
  indexJson: string;
}

/** The records of the update after `previous`, whose last audit event hashed to `previousHash`. */
export function updateRecords(previous: Outline, i: number, previousHash: string): UpdateRecords {
  const outline: Outline = {
    ...previous,
    title: `Growth review ${i}`,
    outline_version: previous.outline_version + 1,
    updated_at: new Date().toISOString(),
  };
  const eventJson = JSON.stringify(evolveEvent(outline.report_id, outline.outline_version));
  return {
    outline,
    outlineJson: JSON.stringify(outline, null, 2),
    eventJson,
    eventHash: createHash("sha256").update(previousHash).update(eventJson).digest("hex"),
    indexJson: JSON.stringify({
      report_id: outline.report_id,
      current_title: outline.title,
      created_at: outline.created_at,
      updated_at: outline.updated_at,
      tags: ["growth"],
      status: "active",
      path: `by_id/${outline.report_id}`,
    }),
  };
}

/** The hash the first event of a report chains to. */
export const GENESIS_HASH = "0".repeat(64);
