/**
 * The functions of version 4 that look up paths and read and write files (see schemaSql.ts for
 * the tables and the durability of each). `s` is the schema's quoted identifier.
 */
export function fileFunctionsDdl(s: string): string {
  return `
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

-- As lookup, but a missing entry or a file in the middle of the path is told in o_err ('LRNOT',
-- 'LRKND') instead of raised: a stat of an absent name (a lock, a waiting marker) is an answer,
-- not an error, and a statement that wrote first must not be rolled back by it.
CREATE FUNCTION ${s}.find(p_path text, OUT o_ino bigint, OUT o_kind text, OUT o_err text)
LANGUAGE plpgsql STABLE AS $$
DECLARE seg text;
BEGIN
  o_ino := 1; o_kind := 'directory';
  IF p_path = '' THEN RETURN; END IF;
  FOREACH seg IN ARRAY string_to_array(p_path, '/') LOOP
    IF o_kind <> 'directory' THEN o_err := 'LRKND'; RETURN; END IF;
    SELECT e.ino, i.kind INTO o_ino, o_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
      WHERE e.parent = o_ino AND e.name = seg;
    IF NOT FOUND THEN o_err := 'LRNOT'; RETURN; END IF;
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

-- A file's bytes: its data followed by its extents (NULL when the inode is gone). PL/pgSQL, as
-- every function called from another: it keeps its statements' plans for the session, where a
-- LANGUAGE sql function called from PL/pgSQL plans its query again at every call.
CREATE FUNCTION ${s}.content(p_ino bigint) RETURNS bytea LANGUAGE plpgsql STABLE AS $$
DECLARE v_data bytea; v_tail bytea;
BEGIN
  SELECT i.data INTO v_data FROM ${s}.inodes i WHERE i.ino = p_ino;
  IF NOT FOUND THEN RETURN NULL; END IF;
  SELECT string_agg(x.data, '\\x'::bytea ORDER BY x.off) INTO v_tail FROM ${s}.extents x WHERE x.ino = p_ino;
  RETURN v_data || coalesce(v_tail, '\\x');
END $$;

-- Folds a file's extents into its data, before a write that is not an append.
CREATE FUNCTION ${s}.fold(p_ino bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH gone AS (DELETE FROM ${s}.extents WHERE ino = p_ino RETURNING off, data)
  UPDATE ${s}.inodes SET data = data || (SELECT string_agg(g.data, '\\x'::bytea ORDER BY g.off) FROM gone g)
    WHERE ino = p_ino AND EXISTS (SELECT 1 FROM gone);
END $$;

-- One row: the inode at p_path, or err ('LRNOT', 'LRKND') with the rest NULL. STABLE: the lookup
-- and the read see one snapshot.
CREATE FUNCTION ${s}.stat(p_path text)
RETURNS TABLE (err text, kind text, size bigint, mtime_ms float8, ino bigint) LANGUAGE plpgsql STABLE AS $$
DECLARE v_ino bigint; v_err text;
BEGIN
  SELECT o_ino, o_err INTO v_ino, v_err FROM ${s}.find(p_path);
  IF v_err IS NULL THEN
    RETURN QUERY SELECT NULL::text, i.kind, i.size, i.mtime_ms, i.ino FROM ${s}.inodes i WHERE i.ino = v_ino;
    IF FOUND THEN RETURN; END IF;
    v_err := 'LRNOT';
  END IF;
  RETURN QUERY SELECT v_err, NULL::text, NULL::bigint, NULL::float8, NULL::bigint;
END $$;

-- A handle's buffered writes sent (as write_chunks without p_sync: committed asynchronously), then
-- the stat of p_path, in one statement: a stat by path that must see this process's buffered
-- writes first (core's index append checks the index lock right after its write). The write's
-- outcome is returned too (written: false when the inode is gone); the stat is stat's row.
CREATE FUNCTION ${s}.write_then_stat(p_ino bigint, p_at bigint[], p_data bytea[], p_path text)
RETURNS TABLE (written boolean, err text, kind text, size bigint, mtime_ms float8, ino bigint)
LANGUAGE plpgsql AS $$
DECLARE v_written boolean;
BEGIN
  SELECT count(*) > 0 INTO v_written FROM ${s}.write_chunks(p_ino, p_at, p_data, false);
  RETURN QUERY SELECT v_written, st.err, st.kind, st.size, st.mtime_ms, st.ino FROM ${s}.stat(p_path) st;
END $$;

CREATE FUNCTION ${s}.read_file(p_path text) RETURNS bytea LANGUAGE plpgsql STABLE AS $$
DECLARE v_ino bigint; v_kind text; v_data bytea;
BEGIN
  SELECT o_ino, o_kind INTO v_ino, v_kind FROM ${s}.lookup(p_path);
  IF v_kind <> 'file' THEN PERFORM ${s}.fail('LRKND', 'is a directory'); END IF;
  v_data := ${s}.content(v_ino);
  IF v_data IS NULL THEN PERFORM ${s}.fail('LRNOT', 'no such file'); END IF;
  RETURN v_data;
END $$;

CREATE FUNCTION ${s}.readdir(p_path text) RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
DECLARE v_ino bigint; v_kind text;
BEGIN
  SELECT o_ino, o_kind INTO v_ino, v_kind FROM ${s}.lookup(p_path);
  IF v_kind <> 'directory' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
  RETURN QUERY SELECT e.name::text FROM ${s}.entries e WHERE e.parent = v_ino ORDER BY e.name;
END $$;

-- syncDir: only checks its path (a directory), since every change of names is durable when it
-- returns (committed synchronously).
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

-- The inode opened (created for w, wx and a when absent), with its size and mtime as of this
-- statement: the handle answers an fstat right after it from them (pgFileHandle.ts). Committed
-- synchronously, as a change of names (a creation) is durable when it returns: the client cannot
-- tell before it runs whether it creates.
CREATE FUNCTION ${s}.open(p_parent text, p_name text, p_mode text)
RETURNS TABLE (ino bigint, size bigint, mtime_ms float8)
LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_ino bigint; v_kind text; v_mtime float8;
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
        DELETE FROM ${s}.extents x WHERE x.ino = v_ino;
        UPDATE ${s}.inodes SET data = '\\x', size = 0, mtime_ms = ${s}.now_ms() WHERE inodes.ino = v_ino;
      END IF;
      RETURN QUERY SELECT i.ino, i.size, i.mtime_ms FROM ${s}.inodes i WHERE i.ino = v_ino;
      IF NOT FOUND THEN PERFORM ${s}.fail('40001', 'the inode changed'); END IF;
      RETURN;
    END IF;
    IF p_mode IN ('r', 'r+') THEN PERFORM ${s}.fail('LRNOT', 'no such file'); END IF;
    v_parent := ${s}.dir_for_entry(p_parent);
    v_ino := nextval('${s}.ino_seq');
    INSERT INTO ${s}.entries AS e VALUES (v_parent, p_name, v_ino) ON CONFLICT DO NOTHING;
    IF FOUND THEN
      INSERT INTO ${s}.inodes (ino, kind, mtime_ms, nlink) VALUES (v_ino, 'file', ${s}.now_ms(), 1)
        RETURNING inodes.mtime_ms INTO v_mtime;
      RETURN QUERY SELECT v_ino, 0::bigint, v_mtime;
      RETURN;
    END IF;
    IF p_mode = 'wx' THEN PERFORM ${s}.fail('LREXI', 'file exists'); END IF;
  END LOOP;
END $$;

CREATE FUNCTION ${s}.fstat(p_ino bigint) RETURNS TABLE (kind text, size bigint, mtime_ms float8, ino bigint)
LANGUAGE sql STABLE AS $$
  SELECT i.kind, i.size, i.mtime_ms, i.ino FROM ${s}.inodes i WHERE i.ino = p_ino
$$;

-- p_len bytes from p_pos (fewer at the end of the file; NULL when the inode is gone): only the
-- extents that overlap the range are read.
CREATE FUNCTION ${s}.pread(p_ino bigint, p_pos bigint, p_len int) RETURNS bytea LANGUAGE plpgsql STABLE AS $$
DECLARE v_base bytea; v_out bytea := '\\x'; v_end bigint := p_pos + p_len; r record;
BEGIN
  SELECT data INTO v_base FROM ${s}.inodes WHERE ino = p_ino;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF p_pos < octet_length(v_base) THEN v_out := substring(v_base FROM (p_pos + 1)::int FOR p_len); END IF;
  FOR r IN SELECT x.off, x.data FROM ${s}.extents x
      WHERE x.ino = p_ino AND x.off < v_end AND x.off + octet_length(x.data) > p_pos ORDER BY x.off LOOP
    v_out := v_out || substring(r.data FROM (greatest(p_pos - r.off, 0) + 1)::int
      FOR (v_end - greatest(p_pos, r.off))::int);
  END LOOP;
  RETURN v_out;
END $$;

-- A handle's buffered writes, in order, in one transaction: p_at[i] is the position of p_data[i],
-- or -1 to append. An append (or a write at the end) adds an extent; any other write folds the
-- extents into the data first. With p_sync, a synchronous commit (the handle's sync: it always
-- writes, so it flushes the log past every earlier commit); without, an asynchronous one. The
-- file's size and mtime after the writes, as of this commit (the handle answers an fstat right
-- after it from them: the audit log's fence reads the size its append left); no row when the
-- inode is gone (its last name was removed while the handle was open).
CREATE FUNCTION ${s}.write_chunks(p_ino bigint, p_at bigint[], p_data bytea[], p_sync boolean)
RETURNS TABLE (size bigint, mtime_ms float8) LANGUAGE plpgsql AS $$
DECLARE v_size bigint; v_at bigint; v_len int; n int := coalesce(array_length(p_data, 1), 0);
BEGIN
  IF NOT p_sync THEN PERFORM set_config('synchronous_commit', 'off', true); END IF;
  SELECT i.size INTO v_size FROM ${s}.inodes i WHERE i.ino = p_ino FOR UPDATE;
  IF NOT FOUND THEN RETURN; END IF;
  FOR k IN 1..n LOOP
    v_at := CASE WHEN p_at[k] < 0 THEN v_size ELSE p_at[k] END;
    v_len := octet_length(p_data[k]);
    IF v_len = 0 THEN CONTINUE; END IF;
    IF v_at = v_size THEN
      INSERT INTO ${s}.extents VALUES (p_ino, v_at, p_data[k]);
      v_size := v_size + v_len;
    ELSE
      PERFORM ${s}.fold(p_ino);
      UPDATE ${s}.inodes i SET data = CASE
          WHEN v_at > octet_length(i.data) THEN i.data || decode(repeat('00', (v_at - octet_length(i.data))::int), 'hex') || p_data[k]
          ELSE overlay(i.data PLACING p_data[k] FROM (v_at + 1)::int FOR v_len) END
        WHERE i.ino = p_ino RETURNING octet_length(i.data) INTO v_size;
    END IF;
  END LOOP;
  RETURN QUERY UPDATE ${s}.inodes i SET size = v_size,
      mtime_ms = CASE WHEN n > 0 THEN ${s}.now_ms() ELSE i.mtime_ms END
    WHERE i.ino = p_ino RETURNING i.size, i.mtime_ms;
END $$;

CREATE FUNCTION ${s}.ftruncate(p_ino bigint, p_len bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM ${s}.fold(p_ino);
  UPDATE ${s}.inodes SET mtime_ms = ${s}.now_ms(), size = p_len, data = CASE
      WHEN p_len <= octet_length(data) THEN substring(data FROM 1 FOR p_len::int)
      ELSE data || decode(repeat('00', (p_len - octet_length(data))::int), 'hex') END
    WHERE ino = p_ino;
END $$;
`;
}
