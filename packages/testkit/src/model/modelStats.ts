/** What a model-based run explored, reported at the end so the output shows it. */
export interface ModelStats {
  /** Property runs (command sequences) executed, shrinking included. */
  runs: number;
  /** Commands executed. */
  commands: number;
  /** Crashes executed, by kind: `power-loss:<mode>` (memfs) or `process-death`. */
  crashes: Record<string, number>;
  /** Fault commands: faults that fired, by how the store came out of them. */
  faults: {
    /** A fault command whose fault never fired (the op made fewer such calls): it must just succeed. */
    notFired: number;
    /** The fault fired and the operation still succeeded (the store absorbed it). */
    absorbed: number;
    /** The operation failed and nothing had changed (the fault hit before the commit point). */
    rolledBack: number;
    /** The operation failed after its commit point: recovery completed it. */
    completed: number;
  };
  /**
   * Recoveries after a fault that found locks the live store keeps between its commits (leases)
   * and left them alone while the failed operation's leftovers went stale.
   */
  keptLocks: number;
}

/** Fresh counters. */
export function newModelStats(): ModelStats {
  return {
    runs: 0,
    commands: 0,
    crashes: {},
    faults: { notFired: 0, absorbed: 0, rolledBack: 0, completed: 0 },
    keptLocks: 0,
  };
}

/** One line summarising `stats`, for the test output. */
export function formatModelStats(name: string, seed: number, stats: ModelStats): string {
  const crashes = Object.entries(stats.crashes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind}=${n}`)
    .join(" ");
  const crashTotal = Object.values(stats.crashes).reduce((a, b) => a + b, 0);
  const f = stats.faults;
  return (
    `[${name}] model-based: seed ${seed}, ${stats.runs} runs, ${stats.commands} commands, ` +
    `${crashTotal} crashes (${crashes || "none"}), faults: ${f.notFired} not fired, ${f.absorbed} absorbed, ` +
    `${f.rolledBack} failed before commit, ${f.completed} failed after commit and were completed by recovery; ` +
    `${stats.keptLocks} recoveries found locks kept between commits (leases)`
  );
}
