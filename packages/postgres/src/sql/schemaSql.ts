/**
 * The schema of one store (version 1): inodes and directory entries, as on a disk, plus the
 * functions that implement each backend primitive server-side, so that every primitive is one
 * round trip and one transaction.
 *
 * - `inodes(ino, kind, data, mtime_ms, nlink)`: a file's bytes or a directory. A file with two
 *   names (a hard link) is one inode with `nlink = 2`; its last unlink deletes the inode.
 * - `entries(parent, name, ino)`: the names. The root directory is inode 1.
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
 * Data writes (`pwrite`, `append`, `ftruncate`) and `utimes` commit with `synchronous_commit = off`: visible to
 * every reader at once, durable only once a later synchronous commit flushes the write-ahead log,
 * which is what `fsync` does (the page cache and fsync of a disk). Everything else commits
 * synchronously, so a name change is durable when it resolves.
 */
export const SCHEMA_VERSION = 1;

/** The DDL that creates version {@link SCHEMA_VERSION} in schema `s` (a quoted identifier). */
export function schemaDdl(s: string): string {
  return `
CREATE SEQUENCE ${s}.ino_seq START 2;
CREATE TABLE ${s}.inodes (
  ino bigint PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('file', 'directory')),
  data bytea NOT NULL DEFAULT '\\x',
  mtime_ms float8 NOT NULL,
  nlink int NOT NULL
);
CREATE TABLE ${s}.entries (
  parent bigint NOT NULL,
  name text COLLATE "C" NOT NULL,
  ino bigint NOT NULL,
  PRIMARY KEY (parent, name)
);
INSERT INTO ${s}.inodes VALUES (1, 'directory', '\\x', extract(epoch FROM clock_timestamp())::float8 * 1000, 1);

CREATE FUNCTION ${s}.now_ms() RETURNS float8 LANGUAGE sql VOLATILE AS
$$ SELECT round(extract(epoch FROM clock_timestamp())::numeric * 1000, 3)::float8 $$;

CREATE FUNCTION ${s}.fail(p_code text, p_message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION USING ERRCODE = p_code, MESSAGE = p_message; END $$;

CREATE FUNCTION ${s}.lookup(p_path text, OUT o_ino bigint, OUT o_kind text) LANGUAGE plpgsql STABLE AS $$
DECLARE seg text;
BEGIN
  o_ino := 1; o_kind := 'directory';
  IF p_path = '' THEN RETURN; END IF;
  FOREACH seg IN ARRAY string_to_array(p_path, '/') LOOP
    IF o_kind <> 'directory' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
    SELECT e.ino, i.kind INTO o_ino, o_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
      WHERE e.parent = o_ino AND e.name = seg;
    IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'no such file or directory'); END IF;
  END LOOP;
END $$;

-- The directory at p_path, locked against removal until the transaction ends. The root is never
-- removed, so it is not locked: every app server creates and removes names there (the index, its
-- lock), and share-locking one hot row would make each of those statements write a row lock.
CREATE FUNCTION ${s}.dir_for_entry(p_path text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_ino bigint; v_kind text;
BEGIN
  SELECT o_ino, o_kind INTO v_ino, v_kind FROM ${s}.lookup(p_path);
  IF v_kind <> 'directory' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
  IF v_ino = 1 THEN RETURN v_ino; END IF;
  PERFORM 1 FROM ${s}.inodes WHERE ino = v_ino FOR SHARE;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'the directory was removed'); END IF;
  RETURN v_ino;
END $$;

CREATE FUNCTION ${s}.stat(p_path text) RETURNS TABLE (kind text, size bigint, mtime_ms float8, ino bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE v_ino bigint;
BEGIN
  SELECT o_ino INTO v_ino FROM ${s}.lookup(p_path);
  RETURN QUERY SELECT i.kind, octet_length(i.data)::bigint, i.mtime_ms, i.ino FROM ${s}.inodes i WHERE i.ino = v_ino;
END $$;

CREATE FUNCTION ${s}.read_file(p_path text) RETURNS bytea LANGUAGE plpgsql STABLE AS $$
DECLARE v_ino bigint; v_kind text; v_data bytea;
BEGIN
  SELECT o_ino, o_kind INTO v_ino, v_kind FROM ${s}.lookup(p_path);
  IF v_kind <> 'file' THEN PERFORM ${s}.fail('LRKND', 'is a directory'); END IF;
  SELECT data INTO v_data FROM ${s}.inodes WHERE ino = v_ino;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'no such file'); END IF;
  RETURN v_data;
END $$;

CREATE FUNCTION ${s}.readdir(p_path text) RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
DECLARE v_ino bigint; v_kind text;
BEGIN
  SELECT o_ino, o_kind INTO v_ino, v_kind FROM ${s}.lookup(p_path);
  IF v_kind <> 'directory' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
  RETURN QUERY SELECT e.name::text FROM ${s}.entries e WHERE e.parent = v_ino ORDER BY e.name;
END $$;

CREATE FUNCTION ${s}.syncdir(p_path text) RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE v_kind text;
BEGIN
  SELECT o_kind INTO v_kind FROM ${s}.lookup(p_path);
  IF v_kind <> 'directory' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
END $$;

-- Volatile until a sync, as on a disk (an mtime is metadata): committed without a log flush.
CREATE FUNCTION ${s}.utimes(p_path text, p_mtime float8) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_ino bigint;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT o_ino INTO v_ino FROM ${s}.lookup(p_path);
  UPDATE ${s}.inodes SET mtime_ms = p_mtime WHERE ino = v_ino;
  IF NOT FOUND THEN PERFORM ${s}.fail('40001', 'the inode changed'); END IF;
END $$;

CREATE FUNCTION ${s}.open(p_parent text, p_name text, p_mode text) RETURNS TABLE (ino bigint, size bigint)
LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_ino bigint; v_kind text;
BEGIN
  SELECT o_ino, o_kind INTO v_parent, v_kind FROM ${s}.lookup(p_parent);
  IF v_kind <> 'directory' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
  LOOP
    SELECT e.ino, i.kind INTO v_ino, v_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
      WHERE e.parent = v_parent AND e.name = p_name;
    IF FOUND THEN
      IF p_mode = 'wx' THEN PERFORM ${s}.fail('LREXI', 'file exists'); END IF;
      IF v_kind <> 'file' THEN PERFORM ${s}.fail('LRKND', 'is a directory'); END IF;
      IF p_mode = 'w' THEN
        UPDATE ${s}.inodes SET data = '\\x', mtime_ms = ${s}.now_ms() WHERE inodes.ino = v_ino;
      END IF;
      RETURN QUERY SELECT i.ino, octet_length(i.data)::bigint FROM ${s}.inodes i WHERE i.ino = v_ino;
      IF NOT FOUND THEN PERFORM ${s}.fail('40001', 'the inode changed'); END IF;
      RETURN;
    END IF;
    IF p_mode IN ('r', 'r+') THEN PERFORM ${s}.fail('LRNOT', 'no such file'); END IF;
    v_parent := ${s}.dir_for_entry(p_parent);
    v_ino := nextval('${s}.ino_seq');
    INSERT INTO ${s}.entries AS e VALUES (v_parent, p_name, v_ino) ON CONFLICT DO NOTHING;
    IF FOUND THEN
      INSERT INTO ${s}.inodes VALUES (v_ino, 'file', '\\x', ${s}.now_ms(), 1);
      RETURN QUERY SELECT v_ino, 0::bigint;
      RETURN;
    END IF;
    IF p_mode = 'wx' THEN PERFORM ${s}.fail('LREXI', 'file exists'); END IF;
  END LOOP;
END $$;

CREATE FUNCTION ${s}.fstat(p_ino bigint) RETURNS TABLE (kind text, size bigint, mtime_ms float8, ino bigint)
LANGUAGE sql STABLE AS $$
  SELECT i.kind, octet_length(i.data)::bigint, i.mtime_ms, i.ino FROM ${s}.inodes i WHERE i.ino = p_ino
$$;

CREATE FUNCTION ${s}.pread(p_ino bigint, p_pos bigint, p_len int) RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT substring(data FROM (p_pos + 1)::int FOR p_len) FROM ${s}.inodes WHERE ino = p_ino
$$;

CREATE FUNCTION ${s}.pwrite(p_ino bigint, p_pos bigint, p_data bytea) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_size bigint;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE ${s}.inodes SET mtime_ms = ${s}.now_ms(), data = CASE
      WHEN p_pos > octet_length(data) THEN data || decode(repeat('00', (p_pos - octet_length(data))::int), 'hex') || p_data
      ELSE overlay(data PLACING p_data FROM (p_pos + 1)::int FOR octet_length(p_data)) END
    WHERE ino = p_ino RETURNING octet_length(data) INTO v_size;
  RETURN v_size;
END $$;

CREATE FUNCTION ${s}.append(p_ino bigint, p_data bytea) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_size bigint;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE ${s}.inodes SET mtime_ms = ${s}.now_ms(), data = data || p_data
    WHERE ino = p_ino RETURNING octet_length(data) INTO v_size;
  RETURN v_size;
END $$;

CREATE FUNCTION ${s}.ftruncate(p_ino bigint, p_len bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE ${s}.inodes SET mtime_ms = ${s}.now_ms(), data = CASE
      WHEN p_len <= octet_length(data) THEN substring(data FROM 1 FOR p_len::int)
      ELSE data || decode(repeat('00', (p_len - octet_length(data))::int), 'hex') END
    WHERE ino = p_ino;
END $$;

-- A lease's renewal made durable: true while p_path is still inode p_ino with mtime p_mtime (the
-- stamp just written), after a synchronous commit that flushes the log past that stamp.
CREATE FUNCTION ${s}.confirm_stamp(p_path text, p_ino bigint, p_mtime float8) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE v_ino bigint;
BEGIN
  SELECT o_ino INTO v_ino FROM ${s}.lookup(p_path);
  IF v_ino <> p_ino THEN RETURN false; END IF;
  UPDATE ${s}.inodes SET nlink = nlink WHERE ino = p_ino AND mtime_ms = p_mtime;
  RETURN FOUND;
END $$;

-- fsync: a synchronous commit that writes (so that it flushes the log up to and past every
-- earlier write to the file). True when the inode still exists.
CREATE FUNCTION ${s}.fsync(p_ino bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ${s}.inodes SET nlink = nlink WHERE ino = p_ino;
  RETURN FOUND;
END $$;
${mutationsDdl(s)}`;
}

/** Functions that change names: mkdir, rmdir, unlink, link, rename, and the lock's compare-and-delete. */
function mutationsDdl(s: string): string {
  return `
CREATE FUNCTION ${s}.mkdir(p_parent text, p_name text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_ino bigint;
BEGIN
  v_parent := ${s}.dir_for_entry(p_parent);
  v_ino := nextval('${s}.ino_seq');
  INSERT INTO ${s}.entries VALUES (v_parent, p_name, v_ino) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN PERFORM ${s}.fail('LREXI', 'file exists'); END IF;
  INSERT INTO ${s}.inodes VALUES (v_ino, 'directory', '\\x', ${s}.now_ms(), 1);
END $$;

-- Removes the entry (p_parent, p_name), which must be inode p_ino, dropping the inode with its
-- last name. A directory must be empty.
CREATE FUNCTION ${s}.drop_entry(p_parent bigint, p_name text, p_ino bigint, p_kind text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_links int;
BEGIN
  IF p_kind = 'directory' THEN
    PERFORM 1 FROM ${s}.inodes WHERE ino = p_ino FOR UPDATE;
    IF EXISTS (SELECT 1 FROM ${s}.entries WHERE parent = p_ino) THEN
      PERFORM ${s}.fail('LRNEM', 'directory not empty');
    END IF;
  END IF;
  DELETE FROM ${s}.entries WHERE parent = p_parent AND name = p_name AND ino = p_ino;
  IF NOT FOUND THEN PERFORM ${s}.fail('40001', 'the entry changed'); END IF;
  UPDATE ${s}.inodes SET nlink = nlink - 1 WHERE ino = p_ino RETURNING nlink INTO v_links;
  IF v_links <= 0 THEN DELETE FROM ${s}.inodes WHERE ino = p_ino; END IF;
END $$;

CREATE FUNCTION ${s}.remove(p_parent text, p_name text, p_want text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_ino bigint; v_kind text;
BEGIN
  v_parent := ${s}.dir_for_entry(p_parent);
  SELECT e.ino, i.kind INTO v_ino, v_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_parent AND e.name = p_name;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'no such file or directory'); END IF;
  IF v_kind <> p_want THEN
    PERFORM ${s}.fail('LRKND', CASE WHEN p_want = 'file' THEN 'is a directory' ELSE 'not a directory' END);
  END IF;
  PERFORM ${s}.drop_entry(v_parent, p_name, v_ino, v_kind);
END $$;

-- The lock's compare-and-delete: removes the name only while it is still the instance the
-- caller inspected (same inode, same mtime); otherwise LRNOT (that instance is gone).
CREATE FUNCTION ${s}.remove_if(p_parent text, p_name text, p_ino bigint, p_mtime float8) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_kind text;
BEGIN
  v_parent := ${s}.dir_for_entry(p_parent);
  SELECT i.kind INTO v_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_parent AND e.name = p_name AND e.ino = p_ino AND i.mtime_ms = p_mtime FOR UPDATE OF i;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'the lock instance is gone'); END IF;
  PERFORM ${s}.drop_entry(v_parent, p_name, p_ino, v_kind);
END $$;

-- A lease's release: removes the lock only while it is still the holder's instance (its inode),
-- committed asynchronously: a release lost in a server crash leaves a lease that lapses after its
-- stale time (a delay, never a double hold), and the holder does not wait for a log flush.
CREATE FUNCTION ${s}.release_if(p_parent text, p_name text, p_ino bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_kind text;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  v_parent := ${s}.dir_for_entry(p_parent);
  SELECT i.kind INTO v_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_parent AND e.name = p_name AND e.ino = p_ino FOR UPDATE OF i;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'the lock is no longer this holder''s'); END IF;
  PERFORM ${s}.drop_entry(v_parent, p_name, p_ino, v_kind);
END $$;

CREATE FUNCTION ${s}.link(p_from_parent text, p_from_name text, p_to_parent text, p_to_name text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_from bigint; v_to bigint; v_ino bigint; v_kind text;
BEGIN
  v_from := ${s}.dir_for_entry(p_from_parent);
  SELECT e.ino, i.kind INTO v_ino, v_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_from AND e.name = p_from_name;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'no such file'); END IF;
  IF v_kind <> 'file' THEN PERFORM ${s}.fail('LRPRM', 'hard link to a directory'); END IF;
  v_to := ${s}.dir_for_entry(p_to_parent);
  PERFORM 1 FROM ${s}.inodes WHERE ino = v_ino AND nlink > 0 FOR UPDATE;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'no such file'); END IF;
  INSERT INTO ${s}.entries VALUES (v_to, p_to_name, v_ino) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN PERFORM ${s}.fail('LREXI', 'file exists'); END IF;
  UPDATE ${s}.inodes SET nlink = nlink + 1 WHERE ino = v_ino;
END $$;

CREATE FUNCTION ${s}.rename(p_from_parent text, p_from_name text, p_to_parent text, p_to_name text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_from bigint; v_to bigint; v_ino bigint; v_kind text; v_old bigint; v_old_kind text;
BEGIN
  v_from := ${s}.dir_for_entry(p_from_parent);
  SELECT e.ino, i.kind INTO v_ino, v_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_from AND e.name = p_from_name;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'no such file or directory'); END IF;
  v_to := ${s}.dir_for_entry(p_to_parent);
  SELECT e.ino, i.kind INTO v_old, v_old_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_to AND e.name = p_to_name;
  IF FOUND THEN
    IF v_old = v_ino THEN RETURN; END IF;
    IF v_kind = 'file' AND v_old_kind = 'directory' THEN PERFORM ${s}.fail('LRKND', 'is a directory'); END IF;
    IF v_kind = 'directory' AND v_old_kind = 'file' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
    PERFORM ${s}.drop_entry(v_to, p_to_name, v_old, v_old_kind);
  END IF;
  UPDATE ${s}.entries SET parent = v_to, name = p_to_name
    WHERE parent = v_from AND name = p_from_name AND ino = v_ino;
  IF NOT FOUND THEN PERFORM ${s}.fail('40001', 'the entry changed'); END IF;
END $$;
`;
}
