import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { registerCatalog } from '../services/keystone-register.js';
import { Failure, UsageError, type Io } from './io.js';
import { table } from './table.js';

// `opendeh keystone register`: OpenDeH's services and endpoints into an external Keystone's
// catalog (idempotent). Credentials of a Keystone admin come from the options or the usual
// OS_* variables, as the openstack CLI takes them; never from OpenDeH's service user, which
// only needs to validate tokens.

export function registerKeystoneCommands(program: Command, io: Io): void {
  const ks = program.command('keystone').description('plug OpenDeH into an existing Keystone (OPENDEH_KEYSTONE_URL)');
  ks.command('register')
    .description('create (or correct) OpenDeH\'s services and endpoints in the Keystone catalog: deh, compute, ecs, image')
    .option('--keystone-url <url>', 'Keystone root or /v3 URL (default OPENDEH_KEYSTONE_URL, else OS_AUTH_URL)')
    .option('--public-url <url>', 'base URL clients reach OpenDeH at (default OPENDEH_PUBLIC_URL)')
    .option('--region <id>', 'region of the endpoints, created if missing (default OPENDEH_REGION)')
    .option('--interface <list>', 'endpoint interfaces, comma-separated', 'public,internal')
    .option('--os-username <name>', 'Keystone admin user (default OS_USERNAME)')
    .option('--os-project-name <name>', 'project of the admin token (default OS_PROJECT_NAME)')
    .option('--os-user-domain-name <name>', 'domain of the admin user (default OS_USER_DOMAIN_NAME, else Default)')
    .option('--os-project-domain-name <name>', 'domain of the project (default OS_PROJECT_DOMAIN_NAME, else Default)')
    .option('--json', 'print JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const config = loadConfig(io.env);
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
      const keystoneUrl = (str(o.keystoneUrl) ?? (config.keystoneUrl || str(io.env.OS_AUTH_URL)) ?? '').replace(/\/+$/, '').replace(/\/v3$/, '');
      const user = str(o.osUsername) ?? str(io.env.OS_USERNAME);
      const password = str(io.env.OS_PASSWORD);
      const project = str(o.osProjectName) ?? str(io.env.OS_PROJECT_NAME);
      const missing = [!keystoneUrl && '--keystone-url (or OPENDEH_KEYSTONE_URL)', !user && '--os-username (or OS_USERNAME)',
        !password && 'OS_PASSWORD', !project && '--os-project-name (or OS_PROJECT_NAME)'].filter(Boolean);
      if (missing.length > 0) throw new UsageError(`missing: ${missing.join(', ')}`);
      if (!/^https?:\/\//.test(keystoneUrl)) throw new UsageError(`--keystone-url: expected an http(s) URL, got "${keystoneUrl}"`);
      try {
        const lines = await registerCatalog({
          keystoneUrl, timeoutMs: config.keystoneTimeoutMs,
          admin: {
            user: user!, password: password!, project: project!,
            userDomain: str(o.osUserDomainName) ?? str(io.env.OS_USER_DOMAIN_NAME) ?? 'Default',
            projectDomain: str(o.osProjectDomainName) ?? str(io.env.OS_PROJECT_DOMAIN_NAME) ?? 'Default',
          },
          publicUrl: (str(o.publicUrl) ?? config.publicUrl).replace(/\/+$/, ''),
          region: str(o.region) ?? config.region,
          interfaces: String(o.interface).split(',').map((s) => s.trim()).filter(Boolean),
        });
        if (o.json) return io.out(`${JSON.stringify(lines, null, 2)}\n`);
        io.out(table(['WHAT', 'ID', 'ACTION', 'DETAIL'], lines.map((l) => [l.what, l.id, l.action, l.detail])));
      } catch (e) {
        if (e instanceof DomainError) throw new Failure(`${e.code} ${e.message}`);
        throw e;
      }
    });
}
