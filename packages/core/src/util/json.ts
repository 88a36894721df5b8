const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of objects and arrays in a JSON text (a top-level `{}` is depth 1), found
 * by one linear scan over the characters, without parsing or recursion, so that a
 * million-deep input costs O(n) and cannot overflow the stack. Brackets inside strings are
 * ignored. The scan stops early and returns `limit + 1` as soon as the depth exceeds `limit`.
 * The text need not be valid JSON (JSON.parse judges that afterwards). Never throws.
 */
export function jsonTextDepth(text: string, limit: number = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return max;
}

/**
 * The deepest nesting of objects and arrays in a JavaScript value (a top-level object is depth
 * 1), counted the same way as {@link jsonTextDepth}, with an explicit stack instead of recursion.
 * The walk stops below `limit`: it returns `limit + 1` as soon as the depth exceeds it, which
 * also bounds the walk of a cyclic value. Never throws.
 */
export function valueDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (typeof top.value !== "object" || top.value === null) continue;
    if (top.depth > max) {
      max = top.depth;
      if (max > limit) return max;
    }
    const children = Array.isArray(top.value) ? top.value : Object.values(top.value);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: top.depth + 1 });
    }
  }
  return max;
}

/**
 * Whether two JSON values are equal as JSON texts with sorted keys would be (the order of object
 * keys does not matter; a key whose value is `undefined` counts as absent, as in
 * `JSON.stringify`), without building those texts: it stops at the first difference, allocates
 * nothing, and takes the same object as equal at once. Recursive: meant for values whose depth
 * is bounded already (a validated outline). Never throws.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue;
    defined++;
    if (!Object.hasOwn(y, key) || !jsonEqual(x[key], y[key])) return false;
  }
  for (const key in y) if (Object.hasOwn(y, key) && y[key] !== undefined) defined--;
  return defined === 0;
}
