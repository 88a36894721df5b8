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
