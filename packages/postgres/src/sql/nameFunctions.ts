/**
 * The functions of version 4 that change names: mkdir, rmdir, unlink, link, rename and
 * replace_file, each committed synchronously: durable when it returns (see schemaSql.ts). `s` is
 * the schema's quoted identifier.
 */
export function nameFunctionsDdl(s: string): string {
  return `
CREATE FUNCTION ${s}.make_dir(p_parent text, p_name text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_ino bigint;
BEGIN
  v_parent := ${s}.dir_for_entry(p_parent);
  v_ino := nextval('${s}.ino_seq');
  INSERT INTO ${s}.entries VALUES (v_parent, p_name, v_ino) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO ${s}.inodes (ino, kind, mtime_ms, nlink) VALUES (v_ino, 'directory', ${s}.now_ms(), 1);
  RETURN v_ino;
END $$;

CREATE FUNCTION ${s}.mkdir(p_parent text, p_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ${s}.make_dir(p_parent, p_name) IS NULL THEN PERFORM ${s}.fail('LREXI', 'file exists'); END IF;
END $$;

-- Removes the entry (p_parent, p_name), which must be inode p_ino, dropping the inode (and its
-- extents) with its last name. A directory must be empty.
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
  IF v_links <= 0 THEN
    DELETE FROM ${s}.extents WHERE ino = p_ino;
    DELETE FROM ${s}.inodes WHERE ino = p_ino;
  END IF;
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

-- A new file holding p_data at (p_parent, p_name), replacing the file there, in one step: what a
-- temp file, its write and a rename over the name do on a disk (readers see the old file or the
-- new one). Its data is the inode's own (no extents), so a read of it is one row.
CREATE FUNCTION ${s}.replace_file(p_parent text, p_name text, p_data bytea) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE v_parent bigint; v_ino bigint; v_old bigint; v_old_kind text;
BEGIN
  v_parent := ${s}.dir_for_entry(p_parent);
  SELECT e.ino, i.kind INTO v_old, v_old_kind FROM ${s}.entries e JOIN ${s}.inodes i ON i.ino = e.ino
    WHERE e.parent = v_parent AND e.name = p_name;
  IF FOUND THEN
    IF v_old_kind = 'directory' THEN PERFORM ${s}.fail('LRKND', 'is a directory'); END IF;
    PERFORM ${s}.drop_entry(v_parent, p_name, v_old, v_old_kind);
  END IF;
  v_ino := nextval('${s}.ino_seq');
  INSERT INTO ${s}.inodes (ino, kind, data, mtime_ms, nlink, size)
    VALUES (v_ino, 'file', p_data, ${s}.now_ms(), 1, octet_length(p_data));
  -- A name created meanwhile by another statement: nothing happened, run it again.
  INSERT INTO ${s}.entries VALUES (v_parent, p_name, v_ino) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN PERFORM ${s}.fail('40001', 'the entry changed'); END IF;
END $$;
`;
}
