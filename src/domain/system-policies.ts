import { createHash } from 'node:crypto';

// The system policies and role-style system roles OpenDeH ships (CONTRACT §9.1), seeded by
// migration 0006 into `roles` and visible in GET /v3/roles like on OTC.
//
// * `name` is OTC's internal name (what Terraform's identity_role_v3 data source looks up
//   and what a token's roles carry); `display_name` is what the console shows.
// * Ids are derived from the name, so every installation (and every re-run of the seed)
//   gives a system policy the same id: scripts and docs may name it, seeding is idempotent.
// * DeH contents are inferred from the user manual's table 2 (OTC does not publish them);
//   ECS contents follow the ECS user manual's permissions page.
// * Role-style policies (Version 1.0) hold only Allow statements (readonly likewise names the
//   services instead of `*`). te_admin is "every service
//   except IAM": listed as the services OpenDeH serves rather than `*:*:*` plus a Deny of
//   iam, because an explicit Deny wins across everything a user holds and would take IAM away
//   from someone who also holds secu_admin (Keystone `admin` maps to exactly that pair).

export type RoleKind = 'keystone' | 'system_policy' | 'system_role' | 'custom';

export interface SystemRole {
  readonly name: string;
  readonly displayName: string;
  readonly kind: 'system_policy' | 'system_role';
  /** AX: domain level (global services), XA: project level, AA: both (role-style). */
  readonly type: 'AX' | 'XA' | 'AA';
  readonly catalog: string;
  readonly description: string;
  readonly policy: { readonly Version: '1.0' | '1.1'; readonly Statement: readonly { readonly Effect: 'Allow' | 'Deny'; readonly Action: readonly string[] }[] };
}

const allow = (version: '1.0' | '1.1', actions: readonly string[]) => ({ Version: version, Statement: [{ Effect: 'Allow' as const, Action: actions }] });

/** Services OpenDeH answers for (or names in its system policies), IAM excluded. */
export const NON_IAM_SERVICES = ['deh', 'ecs', 'evs', 'vpc', 'ims', 'cts'] as const;

export const SYSTEM_ROLES: readonly SystemRole[] = [
  {
    name: 'system_all_57', displayName: 'DeH FullAccess', kind: 'system_policy', type: 'XA', catalog: 'DeH',
    description: 'All permissions of Dedicated Host service.',
    policy: allow('1.1', ['deh:*:*']),
  },
  {
    name: 'system_all_59', displayName: 'DeH CommonOperations', kind: 'system_policy', type: 'XA', catalog: 'DeH',
    description: 'Common operations of Dedicated Host service: everything except allocating and releasing DeHs.',
    policy: allow('1.1', [
      'deh:dedicatedHosts:list', 'deh:dedicatedHosts:get', 'deh:dedicatedHosts:update',
      'deh:dedicatedHostTypes:list', 'deh:quotas:get', 'deh:dedicatedHostTags:*',
    ]),
  },
  {
    name: 'system_all_58', displayName: 'DeH ReadOnlyAccess', kind: 'system_policy', type: 'XA', catalog: 'DeH',
    description: 'Read-only permissions of Dedicated Host service.',
    policy: allow('1.1', ['deh:*:get*', 'deh:*:list*']),
  },
  {
    name: 'system_all_51', displayName: 'ECS FullAccess', kind: 'system_policy', type: 'XA', catalog: 'ECS',
    description: 'All permissions of Elastic Cloud Server.',
    policy: allow('1.1', [
      'ecs:*:*',
      'evs:*:get*', 'evs:*:list*', 'evs:volumes:create', 'evs:volumes:delete', 'evs:volumes:attach', 'evs:volumes:detach',
      'evs:volumes:manage', 'evs:volumes:update', 'evs:volumes:use', 'evs:volumes:uploadImage', 'evs:snapshots:create',
      'vpc:*:get*', 'vpc:*:list*', 'vpc:networks:create', 'vpc:networks:update', 'vpc:subnets:create', 'vpc:subnets:update',
      'vpc:ports:*', 'vpc:routers:get', 'vpc:routers:update', 'vpc:securityGroups:*', 'vpc:securityGroupRules:*',
      'vpc:floatingIps:*', 'vpc:publicIps:*', 'vpc:bandwidths:*',
      'ims:images:create', 'ims:images:delete', 'ims:images:get', 'ims:images:list', 'ims:images:update', 'ims:images:upload',
    ]),
  },
  {
    name: 'system_all_49', displayName: 'ECS CommonOperations', kind: 'system_policy', type: 'XA', catalog: 'ECS',
    description: 'Basic operations of Elastic Cloud Server: start, stop, restart and query ECSs.',
    policy: allow('1.1', [
      'ecs:*:get*', 'ecs:*:list*', 'ecs:*:start', 'ecs:*:stop', 'ecs:*:reboot',
      'ecs:blockDevice:use', 'ecs:serverGroups:manage', 'ecs:serverVolumes:use', 'ecs:serverInterfaces:use',
      'ecs:serverKeypairs:*', 'ecs:securityGroups:use', 'ecs:diskConfigs:use',
      'ecs:cloudServers:pause', 'ecs:cloudServers:unpause', 'ecs:cloudServers:vnc',
      'evs:*:get*', 'evs:*:list*', 'vpc:*:get*', 'vpc:*:list*', 'ims:*:get*', 'ims:*:list*',
    ]),
  },
  {
    name: 'system_all_50', displayName: 'ECS ReadOnlyAccess', kind: 'system_policy', type: 'XA', catalog: 'ECS',
    description: 'Read-only permissions of Elastic Cloud Server.',
    policy: allow('1.1', [
      'ecs:*:get*', 'ecs:*:list*', 'ecs:serverGroups:manage', 'ecs:serverVolumes:use',
      'evs:*:get*', 'evs:*:list*', 'vpc:*:get*', 'vpc:*:list*', 'ims:*:get*', 'ims:*:list*',
    ]),
  },
  {
    name: 'te_admin', displayName: 'Tenant Administrator', kind: 'system_role', type: 'AA', catalog: 'BASE',
    description: 'Tenant Administrator (all services except IAM).',
    policy: allow('1.0', NON_IAM_SERVICES.map((s) => `${s}:*:*`)),
  },
  {
    name: 'readonly', displayName: 'Tenant Guest', kind: 'system_role', type: 'AA', catalog: 'BASE',
    description: 'Tenant Guest (read-only access to all services except IAM).',
    // CONTRACT §9.3 writes it `*:*:get*`, `*:*:list*`; spelled per service so that it does not
    // read IAM (users, groups, policies) or the operator API, as OTC's Tenant Guest does not.
    policy: allow('1.0', NON_IAM_SERVICES.flatMap((s) => [`${s}:*:get*`, `${s}:*:list*`])),
  },
  {
    name: 'secu_admin', displayName: 'Security Administrator', kind: 'system_role', type: 'AX', catalog: 'IAM',
    description: 'Security Administrator (full permissions for IAM).',
    policy: allow('1.0', ['iam:*:*']),
  },
  {
    name: 'server_adm', displayName: 'Server Administrator', kind: 'system_role', type: 'XA', catalog: 'ECS',
    description: 'Server Administrator (ECS, EVS, VPC and IMS).',
    policy: allow('1.0', ['ecs:*:*', 'evs:*:*', 'vpc:*:*', 'ims:*:*']),
  },
];

/** The fixed id of a system role: the same on every installation. */
export function systemRoleId(name: string): string {
  return createHash('sha256').update(`opendeh:system-role:${name}`).digest('hex').slice(0, 32);
}
