#!/usr/bin/env node
import { processIo, run } from "./main.js";

// exitCode instead of process.exit(): pending stdout writes to a pipe are flushed first.
process.exitCode = await run(process.argv.slice(2), processIo());
