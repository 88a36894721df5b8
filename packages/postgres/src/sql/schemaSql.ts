import { fileFunctionsDdl } from "./fileFunctions.js";
import { leaseFunctionsDdl } from "./leaseFunctions.js";
import { nameFunctionsDdl } from "./nameFunctions.js";

/**
 * The schema of one store (version 4; versions 2 and 3 had the same tables, and functions that
 * answered fewer things per statement (2) or had no `replace_file` (3); version 1 had no extents
 * or sizes): inodes, their appended extents and directory entries, as on a disk, plus the
 * functions that implement each backend primitive server-side, so that every primitive is one
 * round trip and one transaction.
 *
 * - `inodes(ino, kind, data, mtime_ms, nlink, size)`: a file or a directory. A file with two names
 *   (a hard link) is one inode with `nlink = 2`; its last unlink deletes the inode.
 * - `extents(ino, off, data)`: bytes appended at the end of a file, one row per append, so that an
 *   append writes (and logs) only its own bytes; a file's content is `data` followed by its extents
 *   in order of `off`, `size` bytes in all. A write anywhere but the end folds them into `data`.
 * - `entries(parent, name, ino)`: the names. The root directory is inode 1.
 * - `incarnation(token)`: UNLOGGED, so emptied by every crash recovery of the server (and on a
 *   promoted standby): a connection reads the token once, and a changed token tells the client
 *   that asynchronous commits made before it may have been lost (database.ts).
 *
 * Reads are STABLE functions: all their statements see one snapshot, so a lookup and the read of
 * what it found never straddle a concurrent rename (a reader sees the old file or the new one).
 *
 * Concurrency of changes (READ COMMITTED, each statement on a fresh snapshot): a name is created with
 * `INSERT ... ON CONFLICT DO NOTHING` (the unique key decides between two creators); a directory
 * that gets a new entry is locked `FOR SHARE` and one being removed `FOR UPDATE`, so an rmdir
 * never races a create into an orphan; a removal deletes the exact `(parent, name, ino)` it
 * looked up and raises a serialization failure (40001, retried by the client) when that row
 * changed in between.
 *
 * Errors are raised with private SQLSTATEs that the client maps (pgErrors.ts): LRNOT (no such
 * entry), LREXI (exists), LRKND (wrong kind), LRNEM (directory not empty), LRPRM (not permitted).
 *
 * Durability: every change of names (open's create, mkdir, rmdir, unlink, link, rename,
 * replace_file) commits synchronously, durable when it returns, so `syncdir` only checks its path.
 * File data is as on a disk with its page cache: everything a handle writes commits with
 * `synchronous_commit = off`, visible to every reader at once, durable once a later synchronous
 * commit flushes the write-ahead log (it is flushed in order, so any synchronous commit makes
 * every earlier asynchronous one durable): a handle's `sync` (its buffered writes and a
 * synchronous commit, one statement), a change of names, a lease function. `utimes` and a lease's
 * release commit asynchronously too.
 */
export const SCHEMA_VERSION = 4;

/** The DDL that creates version {@link SCHEMA_VERSION} in schema `s` (a quoted identifier). */
export function schemaDdl(s: string): string {
  return `
CREATE SEQUENCE ${s}.ino_seq START 2;
CREATE TABLE ${s}.inodes (
  ino bigint PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('file', 'directory')),
  data bytea NOT NULL DEFAULT '\\x',
  mtime_ms float8 NOT NULL,
  nlink int NOT NULL,
  size bigint NOT NULL DEFAULT 0
);
CREATE TABLE ${s}.entries (
  parent bigint NOT NULL,
  name text COLLATE "C" NOT NULL,
  ino bigint NOT NULL,
  PRIMARY KEY (parent, name)
);
INSERT INTO ${s}.inodes (ino, kind, mtime_ms, nlink)
  VALUES (1, 'directory', extract(epoch FROM clock_timestamp())::float8 * 1000, 1);
${version2Tables(s)}
${functionsDdl(s)}`;
}

/**
 * The DDL that brings a store of version `from` to {@link SCHEMA_VERSION}, in the caller's
 * transaction: the new tables and columns (from 1), then every function dropped and created anew
 * (from 1, 2 and 3: versions 3 and 4 changed only functions).
 */
export function migrationDdl(s: string, from: number): string {
  const steps: string[] = [];
  if (from < 2) {
    steps.push(`
ALTER TABLE ${s}.inodes ADD COLUMN size bigint NOT NULL DEFAULT 0;
UPDATE ${s}.inodes SET size = octet_length(data);
${version2Tables(s)}`);
  }
  steps.push(`
DO $$ DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = '${s}'::regnamespace LOOP
    EXECUTE 'DROP FUNCTION ' || f;
  END LOOP;
END $$;
${functionsDdl(s)}`);
  return steps.join("\n");
}

function version2Tables(s: string): string {
  return `
CREATE TABLE ${s}.extents (
  ino bigint NOT NULL,
  off bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (ino, off)
);
CREATE UNLOGGED TABLE ${s}.incarnation (id int PRIMARY KEY CHECK (id = 1), token text NOT NULL);`;
}

function functionsDdl(s: string): string {
  return `
CREATE FUNCTION ${s}.now_ms() RETURNS float8 LANGUAGE sql VOLATILE AS
$$ SELECT round(extract(epoch FROM clock_timestamp())::numeric * 1000, 3)::float8 $$;

CREATE FUNCTION ${s}.fail(p_code text, p_message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION USING ERRCODE = p_code, MESSAGE = p_message; END $$;

-- This server's incarnation: a token kept in an UNLOGGED table, which crash recovery empties.
CREATE FUNCTION ${s}.incarnation() RETURNS text LANGUAGE plpgsql AS $$
DECLARE v_token text;
BEGIN
  SELECT token INTO v_token FROM ${s}.incarnation WHERE id = 1;
  IF FOUND THEN RETURN v_token; END IF;
  INSERT INTO ${s}.incarnation VALUES (1, md5(random()::text || clock_timestamp()::text)) ON CONFLICT DO NOTHING;
  SELECT token INTO v_token FROM ${s}.incarnation WHERE id = 1;
  RETURN v_token;
END $$;
${fileFunctionsDdl(s)}
${nameFunctionsDdl(s)}
${leaseFunctionsDdl(s)}`;
}
