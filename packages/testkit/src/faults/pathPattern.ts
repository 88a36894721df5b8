/** A compiled path pattern: true when a root-relative path matches. */
export type PathMatcher = (path: string) => boolean;

const GLOB_CHARS = /[*?]/;

/**
 * Compiles a rule's `path`: `undefined` matches every path; a RegExp is tested as is (its
 * `lastIndex` reset first, so `g`/`y` flags do not make matching depend on earlier calls); a string
 * without `*` or `?` matches exactly that path; otherwise it is a glob over the whole path, where
 * `?` is one character and `*` any run of characters within a segment, `**` any run across
 * segments, and a leading or inner `**` followed by `/` may also match no directory at all
 * (`**` `/outline.json` matches `outline.json` too). Never throws.
 */
export function compilePathPattern(pattern: string | RegExp | undefined): PathMatcher {
  if (pattern === undefined) return () => true;
  if (pattern instanceof RegExp) {
    return (path) => {
      pattern.lastIndex = 0;
      return pattern.test(path);
    };
  }
  if (!GLOB_CHARS.test(pattern)) return (path) => path === pattern;
  const regex = new RegExp(`^${globSource(pattern)}$`, "u");
  return (path) => regex.test(path);
}

function globSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      i += 1;
      if (glob[i + 1] === "/") {
        i += 1;
        out += "(?:.*/)?";
      } else {
        out += ".*";
      }
    } else if (c === "*") {
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else {
      out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return out;
}
