/**
 * The functions of version 3 behind the lease lock primitive (pgLockPrimitive.ts): take, renew,
 * reclaim and release a lease in one statement each. Taking, renewing and reclaiming commit
 * synchronously (a lease a holder trusts must survive a crash of the server); a release
 * asynchronously (one lost in a crash leaves a lease that lapses: a delay, never a double hold).
 * A release or reclaim notifies on channel `living_reports_release` (payload `<schema>:<path>`), so
 * that a waiter learns of it at once (releaseWaker.ts); the notification is only a hint.
 * `s` is the schema's quoted identifier.
 */
export function leaseFunctionsDdl(s: string): string {
  return `
-- A new lease: the directory p_parent/p_name created and stamped with the server's time (taken
-- true). When the name is taken, what holds it (taken false, its kind, inode and mtime), found
-- without a write: a waiter's attempt costs no commit, and tells it what inspect would.
CREATE FUNCTION ${s}.lease_take(p_parent text, p_name text)
RETURNS TABLE (taken boolean, kind text, ino bigint, mtime_ms float8) LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_kind text; v_ino bigint;
BEGIN
  LOOP
    SELECT o_ino, o_kind INTO v_parent, v_kind FROM ${s}.lookup(p_parent);
    IF v_kind <> 'directory' THEN PERFORM ${s}.fail('LRKND', 'not a directory'); END IF;
    RETURN QUERY SELECT false, i.kind, i.ino, i.mtime_ms FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
      WHERE e.parent = v_parent AND e.name = p_name;
    IF FOUND THEN RETURN; END IF;
    v_ino := ${s}.make_dir(p_parent, p_name);
    IF v_ino IS NOT NULL THEN
      RETURN QUERY SELECT true, i.kind, i.ino, i.mtime_ms FROM ${s}.inodes i WHERE i.ino = v_ino;
      RETURN;
    END IF;
    -- Taken between the look and the insert: look again (it may be gone again, then retry).
  END LOOP;
END $$;

-- A lease's renewal: stamps p_mtime while p_path is still inode p_ino last stamped p_was.
-- 'ok', or 'replaced' (another instance is there, or the stamp changed).
CREATE FUNCTION ${s}.lease_renew(p_path text, p_ino bigint, p_was float8, p_mtime float8) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE v_ino bigint;
BEGIN
  SELECT o_ino INTO v_ino FROM ${s}.lookup(p_path);
  IF v_ino <> p_ino THEN RETURN 'replaced'; END IF;
  UPDATE ${s}.inodes SET mtime_ms = p_mtime WHERE ino = p_ino AND mtime_ms = p_was AND kind = 'directory';
  RETURN CASE WHEN FOUND THEN 'ok' ELSE 'replaced' END;
END $$;

-- A lease's renewal made durable, for a primitive working through a wrapper of the backend (which
-- stamped with utimes): true while p_path is still inode p_ino with mtime p_mtime, after a
-- synchronous commit that flushes the log past that stamp.
CREATE FUNCTION ${s}.confirm_stamp(p_path text, p_ino bigint, p_mtime float8) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE v_ino bigint;
BEGIN
  SELECT o_ino INTO v_ino FROM ${s}.lookup(p_path);
  IF v_ino <> p_ino THEN RETURN false; END IF;
  UPDATE ${s}.inodes SET nlink = nlink WHERE ino = p_ino AND mtime_ms = p_mtime;
  RETURN FOUND;
END $$;

-- The reclaim's compare-and-delete: removes the name only while it is still the instance the
-- caller inspected (same inode, same mtime); otherwise LRNOT (that instance is gone).
-- It and release_if notify the waiters (releaseWaker.ts: a hint, delivered at the commit).
CREATE FUNCTION ${s}.remove_if(p_parent text, p_name text, p_ino bigint, p_mtime float8) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_kind text;
BEGIN
  v_parent := ${s}.dir_for_entry(p_parent);
  SELECT i.kind INTO v_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_parent AND e.name = p_name AND e.ino = p_ino AND i.mtime_ms = p_mtime FOR UPDATE OF i;
  IF NOT FOUND THEN PERFORM ${s}.fail('LRNOT', 'the lock instance is gone'); END IF;
  PERFORM ${s}.drop_entry(v_parent, p_name, p_ino, v_kind);
  PERFORM pg_notify('living_reports_release', '${s}:' ||
    CASE WHEN p_parent = '' THEN p_name ELSE p_parent || '/' || p_name END);
END $$;

-- A lease's release: removes the lock only while it is still the holder's instance (its inode).
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
  PERFORM pg_notify('living_reports_release', '${s}:' ||
    CASE WHEN p_parent = '' THEN p_name ELSE p_parent || '/' || p_name END);
END $$;
`;
}
