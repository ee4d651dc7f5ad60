import { Command, CommanderError } from 'commander';
import { ApiError, ConnectionError, EndpointNotFound } from '../client/index.js';
import { ConfigError } from '../config.js';
import { registerAdminCommands, registerQuotaSet } from './admin-commands.js';
import { registerHostCommands } from './host-commands.js';
import { registerIamCommands } from './iam-commands.js';
import { registerPoolCommands } from './pool-commands.js';
import { registerKeystoneCommands } from './keystone-commands.js';
import { EXIT, Failure, UsageError, type Io } from './io.js';
import { registerQuotaShow } from './quota-commands.js';
import { registerServerCommands } from './server-commands.js';
import { registerTraceCommands } from './trace-commands.js';

// The `opendeh` command tree, runnable in-process: runCli(argv, io) → exit code. main.ts
// gives it the real process; tests give it buffers.

export function buildProgram(io: Io): Command {
  const program = new Command('opendeh')
    .description('OpenDeH: a self-hosted Dedicated Host (DeH) API v1.0 service — server, operator tools and API client')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerAdminCommands(program, io);
  registerHostCommands(program, io);
  const quota = program.command('quota').description('DeH quotas');
  registerQuotaShow(quota, io);
  registerQuotaSet(quota, io);
  registerServerCommands(program, io);
  registerTraceCommands(program, io);
  registerPoolCommands(program, io);
  registerIamCommands(program, io);
  registerKeystoneCommands(program, io);
  return program;
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander already printed why
    if (e instanceof ApiError) {
      io.err(`error: ${e.toLine()}\n`);
      return EXIT.failed;
    }
    if (e instanceof ConnectionError || e instanceof EndpointNotFound || e instanceof Failure) {
      io.err(`error: ${e.message}\n`);
      return EXIT.failed;
    }
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.err(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    // Unexpected (a port in use, a database down …): the message; the stack only on request.
    io.err(`error: ${io.env.OPENDEH_DEBUG ? (e as Error)?.stack : (e as Error)?.message ?? String(e)}\n`);
    return EXIT.failed;
  }
}
