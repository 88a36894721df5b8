import { usageError } from "./cliError.js";

type RawValue = string | boolean | (string | boolean)[] | undefined;

/**
 * The parsed command line of one command, with typed accessors: parseArgs types values loosely
 * when the option table is built at run time, so every read is checked here instead of cast.
 */
export class ParsedArgs {
  /** Positional arguments after the command name. */
  readonly positionals: readonly string[];
  readonly #values: Readonly<Record<string, RawValue>>;

  constructor(values: Readonly<Record<string, RawValue>>, positionals: readonly string[]) {
    this.#values = values;
    this.positionals = positionals;
  }

  /** The n-th positional; INVALID_INPUT naming `what` when absent. */
  positional(index: number, what: string): string {
    const value = this.positionals[index];
    if (value === undefined) throw usageError(`missing ${what}`);
    return value;
  }

  /** A single-valued string option, or undefined when not given. */
  string(name: string): string | undefined {
    const value = this.#values[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw usageError(`option --${name} takes one value`);
    return value;
  }

  /** A repeatable string option: every value given, in order (empty when none). */
  strings(name: string): string[] {
    const value = this.#values[name];
    if (value === undefined) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => {
      if (typeof v !== "string") throw usageError(`option --${name} takes a value`);
      return v;
    });
  }

  /** A boolean flag: true when given. */
  flag(name: string): boolean {
    return this.#values[name] === true;
  }

  /**
   * An integer option within bounds, or undefined when not given.
   * @throws LivingReportsError INVALID_INPUT when it is not an integer in [min, max]
   */
  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw usageError(`option --${name} must be an integer from ${min} to ${max}, got '${text}'`);
    }
    return value;
  }
}
