import { TRASH } from "./layout.js";

const TRASH_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([0-9A-Za-z_]+)$/;

/** The report id a `.trash/` folder name belongs to, or undefined for a name that is not one. */
export function trashedReportId(name: string): string | undefined {
  return TRASH_NAME.exec(name)?.[1];
}

/** True when `location` is `.trash/<id>_<stamp>` for report `id` (a path the store may rename to). */
export function isTrashLocationOf(location: unknown, id: string): location is string {
  if (typeof location !== "string" || !location.startsWith(`${TRASH}/`)) return false;
  return trashedReportId(location.slice(TRASH.length + 1)) === id;
}

/**
 * The trash location `record`, a log's head, names when it is report `id`'s delete event: the
 * delete committed; while the log is still in `by_id/<id>/`, its move there is pending.
 */
export function pendingDeleteLocation(
  record: Record<string, unknown> | undefined,
  id: string,
): string | undefined {
  const location = (record?.payload as Record<string, unknown> | undefined)?.trash_location;
  return record?.action_type === "delete" && isTrashLocationOf(location, id) ? location : undefined;
}
