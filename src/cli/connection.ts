import type { Command } from 'commander';
import { connect, type Client } from '../client/index.js';
import { UsageError, type Io } from './io.js';

// How client commands find and log in to a running server: flags first, then the usual
// OpenStack OS_* variables (an openrc file works as is), then OpenDeH's defaults.

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface ConnectionFlags {
  url?: string;
  user?: string;
  password?: string;
  project?: string;
  domain?: string;
  json?: boolean;
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option('--url <url>', `server base URL (default: $OS_AUTH_URL, else ${DEFAULT_URL})`)
    .option('--user <name>', 'user name (default: $OS_USERNAME, else admin)')
    .option('--password <password>', 'password (default: $OPENDEH_PASSWORD, else $OS_PASSWORD)')
    .option('--project <name>', 'project to scope the token to (default: $OS_PROJECT_NAME, else eu-de)')
    .option('--domain <name>', 'domain of user and project (default: $OS_USER_DOMAIN_NAME, else Default)')
    .option('--json', 'print the API\'s JSON instead of a table');
}

export function authUrlOf(flags: ConnectionFlags, env: Io['env']): string {
  if (flags.url) return `${flags.url.replace(/\/+$/, '')}/identity/v3`;
  if (env.OS_AUTH_URL) return env.OS_AUTH_URL;
  return `${DEFAULT_URL}/identity/v3`;
}

export async function open(flags: ConnectionFlags, io: Io): Promise<Client> {
  const env = io.env;
  const password = flags.password ?? env.OPENDEH_PASSWORD ?? env.OS_PASSWORD;
  if (!password) throw new UsageError('no password: pass --password or set OPENDEH_PASSWORD (or OS_PASSWORD)');
  return connect({
    authUrl: authUrlOf(flags, env),
    username: flags.user ?? env.OS_USERNAME ?? 'admin',
    password,
    projectName: flags.project ?? env.OS_PROJECT_NAME ?? 'eu-de',
    domainName: flags.domain ?? env.OS_USER_DOMAIN_NAME ?? env.OS_PROJECT_DOMAIN_NAME ?? env.OS_DOMAIN_NAME ?? 'Default',
  });
}

/** `--json` prints this; otherwise the table text. */
export function emit(io: Io, flags: ConnectionFlags, json: unknown, text: () => string): void {
  io.out(flags.json ? `${JSON.stringify(json, null, 2)}\n` : text());
}
