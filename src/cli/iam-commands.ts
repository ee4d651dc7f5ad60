import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { AssignmentWire, Client, GrantActor, GrantScope, PolicyInput, RoleWire } from '../client/index.js';
import { emit, open, withConnection, type ConnectionFlags } from './connection.js';
import { UsageError, type Io } from './io.js';
import { fields, table } from './table.js';

// `opendeh policy|group|grant …`: OTC IAM administration through src/client (custom
// policies, groups and membership, grants to a group or a user on a project, a domain or
// every project of a domain). Names or ids are accepted wherever the API wants an id and
// resolved the way openstackclient does it (by id, else by name).

const split = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const typeOption = () => new Option('--type <AX|XA>', 'XA: project-level services such as DeH and ECS; AX: global services').choices(['AX', 'XA']);

/** The policy document from --policy, --file, or --allow/--deny shorthands. */
function policyOf(o: { policy?: string; file?: string; allow?: string[]; deny?: string[] }): unknown | undefined {
  const given = [o.policy !== undefined, o.file !== undefined, o.allow !== undefined || o.deny !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError('give the policy one way: --policy, --file, or --allow/--deny');
  let text: string | undefined;
  if (o.policy !== undefined) text = o.policy;
  if (o.file !== undefined) {
    try {
      text = readFileSync(o.file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${o.file}: ${(e as Error).message}`);
    }
  }
  if (text !== undefined) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UsageError('the policy is not valid JSON');
    }
  }
  if (o.allow === undefined && o.deny === undefined) return undefined;
  return {
    Version: '1.1',
    Statement: [
      ...(o.allow?.length ? [{ Effect: 'Allow', Action: o.allow }] : []),
      ...(o.deny?.length ? [{ Effect: 'Deny', Action: o.deny }] : []),
    ],
  };
}

function policyDetail(r: RoleWire): string {
  return fields([
    ['id', r.id], ['name', r.name], ['display_name', r.display_name], ['type', r.type], ['description', r.description],
    ['domain_id', r.domain_id], ['references', r.references], ['policy', JSON.stringify(r.policy)],
    ['created_time', r.created_time], ['updated_time', r.updated_time],
  ]);
}

function withPolicyOptions(cmd: Command): Command {
  return cmd
    .option('--description <text>', 'description (up to 256 characters)')
    .option('--policy <json>', 'the policy document, JSON ({"Version":"1.1","Statement":[…]})')
    .option('--file <path>', 'read the policy document from a file')
    .option('--allow <actions>', 'shorthand: an Allow statement of these actions (comma-separated, repeatable)', split)
    .option('--deny <actions>', 'shorthand: a Deny statement of these actions (comma-separated, repeatable)', split);
}

type PolicyFlags = ConnectionFlags & { name?: string; type?: 'AX' | 'XA'; description?: string; policy?: string; file?: string; allow?: string[]; deny?: string[] };

export function registerIamCommands(program: Command, io: Io): void {
  // ---- policy ----
  const policy = program.command('policy').description('custom policies (OTC policy language; needs IAM rights)');
  withConnection(withPolicyOptions(policy.command('create').description('create a custom policy; prints it')))
    .requiredOption('--name <display_name>', 'display name (up to 64 characters)')
    .addOption(typeOption().default('XA'))
    .action(async (o: PolicyFlags) => {
      const doc = policyOf(o);
      if (doc === undefined) throw new UsageError('no policy: give --policy, --file, or --allow/--deny');
      const r = await (await open(o, io)).iam.createPolicy({ display_name: o.name, type: o.type, ...(o.description !== undefined && { description: o.description }), policy: doc });
      emit(io, o, { role: r }, () => policyDetail(r));
    });
  withConnection(policy.command('list').description('list the custom policies of the domain'))
    .action(async (o: ConnectionFlags) => {
      const rows = await (await open(o, io)).iam.listPolicies();
      emit(io, o, { roles: rows, total_number: rows.length }, () => table(['ID', 'NAME', 'DISPLAY NAME', 'TYPE', 'REFERENCES'],
        rows.map((r) => [r.id, r.name, r.display_name, r.type, r.references])));
    });
  withConnection(policy.command('show').description('show a custom policy').argument('<id>', 'policy id'))
    .action(async (id: string, o: ConnectionFlags) => {
      const r = await (await open(o, io)).iam.showPolicy(id);
      emit(io, o, { role: r }, () => policyDetail(r));
    });
  withConnection(withPolicyOptions(policy.command('update').description('change a custom policy; prints it').argument('<id>', 'policy id')))
    .option('--name <display_name>', 'new display name')
    .addOption(typeOption())
    .action(async (id: string, o: PolicyFlags) => {
      const doc = policyOf(o);
      const patch: PolicyInput = {
        ...(o.name !== undefined && { display_name: o.name }), ...(o.type !== undefined && { type: o.type }),
        ...(o.description !== undefined && { description: o.description }), ...(doc !== undefined && { policy: doc }),
      };
      if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give --name, --type, --description or a policy');
      const c = await open(o, io);
      await c.iam.updatePolicy(id, patch);
      const r = await c.iam.showPolicy(id);
      emit(io, o, { role: r }, () => policyDetail(r));
    });
  withConnection(policy.command('delete').description('delete a custom policy (its grants go with it)').argument('<id>', 'policy id'))
    .action(async (id: string, o: ConnectionFlags) => {
      await (await open(o, io)).iam.deletePolicy(id);
    });

  // ---- group ----
  const group = program.command('group').description('user groups (needs IAM rights)');
  withConnection(group.command('create').description('create a group; prints its id').argument('<name>', 'group name'))
    .option('--description <text>', 'description')
    .action(async (name: string, o: ConnectionFlags & { description?: string }) => {
      const g = await (await open(o, io)).iam.createGroup(name, o.description);
      emit(io, o, { group: g }, () => `${g.id}\n`);
    });
  withConnection(group.command('list').description('list groups, with their members'))
    .option('--name <name>', 'only this name')
    .action(async (o: ConnectionFlags & { name?: string }) => {
      const c = await open(o, io);
      const groups = await c.iam.listGroups(o.name);
      const members = await Promise.all(groups.map((g) => c.iam.members(g.id)));
      emit(io, o, { groups }, () => table(['ID', 'NAME', 'DESCRIPTION', 'MEMBERS'],
        groups.map((g, i) => [g.id, g.name, g.description, members[i].map((u) => u.name).join(',')])));
    });
  withConnection(group.command('delete').description('delete a group').argument('<group>', 'group id or name'))
    .action(async (g: string, o: ConnectionFlags) => {
      const c = await open(o, io);
      await c.iam.deleteGroup((await c.iam.resolve('groups', g)).id);
    });
  for (const [verb, what] of [['add-user', 'add users to a group'], ['remove-user', 'remove users from a group']] as const) {
    withConnection(group.command(verb).description(what).argument('<group>', 'group id or name').argument('<user...>', 'user ids or names'))
      .action(async (g: string, users: string[], o: ConnectionFlags) => {
        const c = await open(o, io);
        const gid = (await c.iam.resolve('groups', g)).id;
        for (const u of users) {
          const uid = (await c.iam.resolve('users', u)).id;
          if (verb === 'add-user') await c.iam.addUser(gid, uid);
          else await c.iam.removeUser(gid, uid);
        }
      });
  }

  // ---- grant ----
  const grant = program.command('grant').description('grants of a role or policy to a group or a user (needs IAM rights)');
  type GrantFlags = ConnectionFlags & { group?: string; toUser?: string; onProject?: string; onDomain?: string; inherited?: boolean };
  const grantOptions = (cmd: Command) => withConnection(cmd)
    .option('--group <group>', 'grant to this group (id or name)')
    .option('--to-user <user>', 'grant to this user (id or name; --user is the login)')
    .option('--on-project <project>', 'on this project (id or name)')
    .option('--on-domain <domain>', 'on this domain (id); with --inherited: on all its projects')
    .option('--inherited', 'on every project of the domain (default domain: your own)');
  async function target(c: Client, o: GrantFlags): Promise<{ actor: GrantActor; scope: GrantScope }> {
    if ((o.group === undefined) === (o.toUser === undefined)) throw new UsageError('give exactly one of --group and --to-user');
    const scopes = [o.onProject !== undefined, o.onDomain !== undefined && !o.inherited, o.inherited === true].filter(Boolean).length;
    if (scopes !== 1) throw new UsageError('give exactly one of --on-project, --on-domain and --inherited');
    const actor: GrantActor = o.group !== undefined ? { group: (await c.iam.resolve('groups', o.group)).id } : { user: (await c.iam.resolve('users', o.toUser!)).id };
    if (o.onProject !== undefined) return { actor, scope: { project: (await c.iam.resolve('projects', o.onProject)).id } };
    const domain = o.onDomain ?? c.session.body.project?.domain.id ?? c.session.body.user.domain.id;
    return { actor, scope: { domain, inherited: o.inherited === true } };
  }
  for (const [verb, what] of [['add', 'grant a role or policy'], ['remove', 'revoke a grant']] as const) {
    grantOptions(grant.command(verb).description(what).argument('<role>', 'role or policy: id, name (system_all_57, te_admin …) or custom display name'))
      .action(async (role: string, o: GrantFlags) => {
        const c = await open(o, io);
        const t = await target(c, o);
        const rid = (await c.iam.resolve('roles', role)).id;
        if (verb === 'add') await c.iam.grant(t.actor, t.scope, rid);
        else await c.iam.revoke(t.actor, t.scope, rid);
      });
  }
  withConnection(grant.command('list').description('list grants (role assignments)'))
    .option('--group <group>', 'only grants to this group')
    .option('--to-user <user>', 'only grants to this user (id or name; --user is the login)')
    .option('--on-project <project>', 'only grants on this project')
    .option('--on-domain <domain>', 'only grants on this domain (including its inherited ones)')
    .option('--effective', 'what users hold in effect: group grants per member, inherited grants per project')
    .action(async (o: GrantFlags & { effective?: boolean }) => {
      const c = await open(o, io);
      const rows = await c.iam.assignments({
        ...(o.group !== undefined && { group: (await c.iam.resolve('groups', o.group)).id }),
        ...(o.toUser !== undefined && { user: (await c.iam.resolve('users', o.toUser)).id }),
        ...(o.onProject !== undefined && { project: (await c.iam.resolve('projects', o.onProject)).id }),
        ...(o.onDomain !== undefined && { domain: o.onDomain }),
        effective: o.effective === true,
      });
      const names = new Map((await c.iam.roles()).map((r) => [r.id, r.display_name ?? r.name]));
      emit(io, o, { role_assignments: rows }, () => table(['ROLE', 'NAME', 'GROUP', 'USER', 'SCOPE'], rows.map((a) => [
        a.role.id, names.get(a.role.id), a.group?.id, a.user?.id, scopeText(a),
      ])));
    });
}

function scopeText(a: AssignmentWire): string {
  if (a.scope.project) return `project ${a.scope.project.id}`;
  if (a.scope['OS-INHERIT:inherited_to']) return `all projects of domain ${a.scope.domain?.id}`;
  return `domain ${a.scope.domain?.id}`;
}
