#!/usr/bin/env node
import { runCli } from './program.js';

// The `opendeh` binary. Only sets the exit code (never process.exit): `opendeh serve`
// keeps running after runCli returns, and output must drain before the process ends.

process.exitCode = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
});
