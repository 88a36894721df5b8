#!/usr/bin/env node
// The `living-reports` command. A committed launcher rather than `dist/bin.js` itself, so that
// `npm ci` links the command in a fresh clone before the first build has made `dist/`.
import "../dist/bin.js";
