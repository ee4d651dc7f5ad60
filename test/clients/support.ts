import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Shared by the suites that run real OpenStack clients (Debian's python3-openstackclient, and
// python-otcextensions where it is importable) against a listening server: running a program,
// finding the CLI and its interpreter, and the environment the clients get.

export interface Run { readonly code: number; readonly out: string; readonly err: string }

/** Runs a program without a shell: its exit code (1 when killed, e.g. by the timeout), stdout and stderr. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 90_000 }, (e, out, err) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }));
  });
}

const which = await run('sh', ['-c', 'command -v openstack'], process.env);
/** The `openstack` CLI on PATH, or '' when there is none. */
export const OPENSTACK = which.code === 0 ? which.out.trim() : '';
/** The interpreter the CLI runs on (its shebang), so openstacksdk, keystoneauth and otcextensions are the CLI's own. */
export const PYTHON = OPENSTACK ? readFileSync(OPENSTACK, 'utf8').split('\n')[0].replace(/^#!\s*/, '').trim() : '';
/** Why a suite of the CLI is skipped, or false. */
export const NO_OPENSTACK = OPENSTACK === '' && 'no openstack CLI on PATH (apt install python3-openstackclient)';

/**
 * Only what the clients need: never the developer's OS_* variables or ~/.config/openstack.
 * PYTHONPATH is passed on, so a developer can put otcextensions' source there.
 */
export function clientEnv(home: string, cloudsYaml?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8',
    ...(cloudsYaml && { OS_CLIENT_CONFIG_FILE: cloudsYaml }),
    ...(process.env.PYTHONPATH && { PYTHONPATH: process.env.PYTHONPATH }),
  };
}

/** Whether the CLI has a command (`openstack deh …`, `openstack cts …` exist only with otcextensions). */
export async function hasCommand(env: NodeJS.ProcessEnv, ...words: string[]): Promise<boolean> {
  return (await run(OPENSTACK, [...words, '--help'], env)).code === 0;
}

/** One cloud of a clouds.yaml, named after its user: a password login to `project` of OpenDeH at `url`. */
export const cloud = (url: string, user: string, password: string, project = 'eu-de') => `
  ${user}:
    auth:
      auth_url: ${url}/identity/v3
      username: ${user}
      password: ${password}
      project_name: ${project}
      user_domain_name: Default
      project_domain_name: Default
    region_name: eu-de
    interface: public
    identity_api_version: 3`;

/** A fresh home (the caller removes it) holding `cloudsYaml` as clouds.yaml, and the clients' environment there. */
export function clientHome(prefix: string, cloudsYaml: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'clouds.yaml'), cloudsYaml);
  return { dir, env: clientEnv(dir, join(dir, 'clouds.yaml')) };
}
