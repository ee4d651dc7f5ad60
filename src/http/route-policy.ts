// THE route table of the service's authorization: every route the app registers names here
// its IAM action (CONTRACT §9.1; OTC `service:resourceType:operation`), the API family whose
// error shape it answers in, and — for state-changing routes — what its CTS trace is called.
// A route missing from this table makes buildApp throw: no route can exist without a
// decision about who may call it.
//
//   action: null            — public: no token (version documents, token issue, console, probes)
//           TOKEN           — any valid token, no permission (token validation, own catalog)
//           'svc:type:op'   — the permission the caller's policies must allow
//           { fn, variants } — an action that depends on the request (the body's `action` of
//                              tag calls, the verb of a server action); `variants` lists every
//                              value fn can return, for the permissions listing and the tests
//   own:    for paths with {project_id}: whose project the token must be scoped to.
//           'own' (default) — exactly the path's project; 'own-or-admin' — admins may read others'.

export type Family = 'deh' | 'identity' | 'compute';
export type TraceService = 'DEH' | 'ECS' | 'IAM' | 'CTS';

/** What an action function may look at: the route params, the parsed (not yet validated) body, the caller. */
export interface ActionRequest {
  readonly params: unknown;
  readonly body: unknown;
  readonly userId: string;
}

export interface DynamicAction {
  readonly fn: (req: ActionRequest) => string | null;
  readonly variants: readonly string[];
}

export interface TraceSpec {
  readonly name: string | ((req: ActionRequest) => string);
  readonly service: TraceService;
  readonly resourceType: string;
  /**
   * The status a success answers with, recorded as the trace's `code` in the change's
   * transaction (before the answer exists). Default (http/tracing.ts): DELETE and DeH PUT 204,
   * compute PUT and PATCH 200, identity POST 201, compute POST 202, DeH POST 200.
   */
  readonly ok?: number | ((req: ActionRequest) => number);
}

export interface RoutePolicy {
  readonly action: string | DynamicAction | null;
  readonly family: Family;
  readonly trace?: TraceSpec;
  readonly own?: 'own' | 'own-or-admin';
  /**
   * The operator API: besides its permission, the caller must hold the `admin` role. Tenant
   * policies use wildcards (`*:*:list*` of readonly) that would otherwise reach operator reads.
   */
  readonly operator?: true;
}

/** Any valid token; no permission is needed. */
export const TOKEN: DynamicAction = { fn: () => null, variants: [] };

const bodyField = (body: unknown, key: string): unknown =>
  typeof body === 'object' && body !== null && Object.prototype.hasOwnProperty.call(body, key) ? (body as Record<string, unknown>)[key] : undefined;
const hasKey = (body: unknown, key: string): boolean =>
  typeof body === 'object' && body !== null && Object.prototype.hasOwnProperty.call(body, key);
const param = (params: unknown, key: string): unknown => (typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[key] : undefined);

/** A tag batch call: `delete` when the body says so, `create` otherwise (an invalid body then fails validation with 400). */
const tagAction = (create: string, remove: string): DynamicAction => ({
  fn: (r) => (bodyField(r.body, 'action') === 'delete' ? remove : create),
  variants: [create, remove],
});
const tagTrace = (service: TraceService, resourceType: string, create: string, remove: string): TraceSpec => ({
  name: (r) => (bodyField(r.body, 'action') === 'delete' ? remove : create), service, resourceType,
});

/** Nova's POST /servers/{id}/action: the verb is the body's only key. */
const SERVER_VERBS: readonly [string, string, string][] = [
  ['os-start', 'ecs:servers:start', 'startServer'],
  ['os-stop', 'ecs:servers:stop', 'stopServer'],
  ['reboot', 'ecs:servers:reboot', 'rebootServer'],
  ['resize', 'ecs:servers:resize', 'resizeServer'],
  ['confirmResize', 'ecs:servers:resize', 'confirmResizeServer'],
  ['revertResize', 'ecs:servers:resize', 'revertResizeServer'],
  ['migrate', 'ecs:servers:migrate', 'migrateServer'],
];
const serverVerb = (body: unknown) => SERVER_VERBS.find(([k]) => hasKey(body, k));
const serverAction: DynamicAction = {
  // A body with no known verb still needs a permission before validation answers 400: the
  // broadest one a verb would need, so an unauthorised caller learns nothing about the schema.
  fn: (r) => serverVerb(r.body)?.[1] ?? 'ecs:servers:start',
  variants: [...new Set(SERVER_VERBS.map(([, a]) => a))],
};

/** Self-service identity reads: the caller's own user needs no permission. */
const selfOr = (idParam: string, action: string): DynamicAction => ({
  fn: (r) => (param(r.params, idParam) === r.userId ? null : action),
  variants: [action],
});

const deh = (action: RoutePolicy['action'], trace?: string | TraceSpec): RoutePolicy => ({
  action, family: 'deh',
  ...(trace && { trace: typeof trace === 'string' ? { name: trace, service: 'DEH', resourceType: 'dedicatedHosts' } : trace }),
});
const op = (action: string, trace?: string | TraceSpec): RoutePolicy => ({ ...deh(action, trace), operator: true });
const nova = (action: RoutePolicy['action'], trace?: string, ok?: number): RoutePolicy => ({
  action, family: 'compute', ...(trace && { trace: { name: trace, service: 'ECS', resourceType: 'servers', ...(ok && { ok }) } }),
});
const iam = (action: RoutePolicy['action'], trace?: [string, string], ok?: number): RoutePolicy => ({
  action, family: 'identity', ...(trace && { trace: { name: trace[0], service: 'IAM', resourceType: trace[1], ...(ok && { ok }) } }),
});

/** Grants of a role to a user or group on a project, a domain, or all projects of a domain (OS-INHERIT). */
function grantRows(): Record<string, RoutePolicy> {
  const rows: Record<string, RoutePolicy> = {};
  const scopes: [string, string, string][] = [
    ['/v3/projects/:sid', '', 'Project'], ['/v3/domains/:sid', '', 'Domain'],
    ['/v3/OS-INHERIT/domains/:sid', '/inherited_to_projects', 'AllProjects'],
  ];
  for (const [actors, who] of [['users', 'User'], ['groups', 'Group']]) {
    for (const [prefix, suffix, where] of scopes) {
      const one = `${prefix}/${actors}/:aid/roles/:rid${suffix}`;
      rows[`PUT ${one}`] = iam(`iam:permissions:grantRoleTo${who}On${where}`, [`grantRoleTo${who}On${where}`, 'roleAssignments']);
      rows[`GET ${one}`] = iam(`iam:permissions:checkRoleFor${who}On${where}`);
      rows[`DELETE ${one}`] = iam(`iam:permissions:revokeRoleFrom${who}On${where}`, [`revokeRoleFrom${who}On${where}`, 'roleAssignments']);
      rows[`GET ${prefix}/${actors}/:aid/roles${suffix}`] = iam(`iam:permissions:listRolesFor${who}On${where}`);
    }
  }
  return rows;
}

const V1 = '/v1.0/:project_id';
const NOVA = '/compute/v2.1/:project_id';
const ECS = '/compute/v1/:project_id';
const CTS1 = '/cts/v1.0/:project_id';
const CTS2 = '/cts/v2.0/:project_id';
const cts = (action: string): RoutePolicy => ({ action, family: 'deh', own: 'own-or-admin' });

export const ROUTE_POLICY: Readonly<Record<string, RoutePolicy>> = {
  // ---- DeH API v1.0 (REF permissions_and_actions) ----
  'GET /': deh(null),
  'GET /v1.0': deh(null),
  [`POST ${V1}/dedicated-hosts`]: deh('deh:dedicatedHosts:create', 'createDedicatedHosts'),
  [`GET ${V1}/dedicated-hosts`]: deh('deh:dedicatedHosts:list'),
  [`GET ${V1}/dedicated-hosts/:host_id`]: deh('deh:dedicatedHosts:get'),
  [`PUT ${V1}/dedicated-hosts/:host_id`]: deh('deh:dedicatedHosts:update', 'updateDedicatedHosts'),
  [`DELETE ${V1}/dedicated-hosts/:host_id`]: deh('deh:dedicatedHosts:delete', 'releaseDedicatedHosts'),
  [`GET ${V1}/dedicated-hosts/:host_id/servers`]: deh('deh:dedicatedHosts:get'),
  [`GET ${V1}/dedicated-host-tags/:host_id/tags`]: deh('deh:dedicatedHostTags:list'),
  [`POST ${V1}/dedicated-host-tags/:host_id/tags/action`]: deh(tagAction('deh:dedicatedHostTags:create', 'deh:dedicatedHostTags:delete'),
    { ...tagTrace('DEH', 'dedicatedHosts', 'batchCreateDedicatedHostTags', 'batchDeleteDedicatedHostTags'), ok: 204 }),
  [`POST ${V1}/dedicated-host-tags/resource_instances/action`]: deh('deh:dedicatedHostTags:listDeh'),
  [`GET ${V1}/availability-zone/:az/dedicated-host-types`]: deh('deh:dedicatedHostTypes:list'),
  [`GET ${V1}/quota-sets/:tenant_id`]: deh('deh:quotas:get'),

  // ---- identity (Keystone v3 subset; /identity/v3/… is looked up as /v3/…) ----
  'GET /identity': iam(null),
  'GET /v3': iam(null),
  // Logins are traced (IAM `login`, in the project the token is scoped to); a failed one is a
  // `warning` trace with no project — the operator's view (GET /opendeh/v1/traces) shows it.
  'POST /v3/auth/tokens': iam(null, ['login', 'users']),
  'GET /v3/auth/tokens': iam(TOKEN),
  'DELETE /v3/auth/tokens': iam(TOKEN, ['logout', 'users']),
  'GET /v3/auth/catalog': iam(TOKEN),
  'GET /v3/auth/projects': iam(TOKEN),
  'GET /v3/projects': iam('iam:projects:listProjects'),
  'GET /v3/projects/:id': iam('iam:projects:getProject'),
  'POST /v3/projects': iam('iam:projects:createProject', ['createProject', 'projects']),
  'PATCH /v3/projects/:id': iam('iam:projects:updateProject', ['updateProject', 'projects']),
  'DELETE /v3/projects/:id': iam('iam:projects:deleteProject', ['deleteProject', 'projects']),
  'GET /v3/users': iam('iam:users:listUsers'),
  'GET /v3/users/:id': iam(selfOr('id', 'iam:users:getUser')),
  'POST /v3/users': iam('iam:users:createUser', ['createUser', 'users']),
  'PATCH /v3/users/:id': iam('iam:users:updateUser', ['updateUser', 'users']),
  'DELETE /v3/users/:id': iam('iam:users:deleteUser', ['deleteUser', 'users']),
  'GET /v3/users/:id/projects': iam(selfOr('id', 'iam:users:listProjectsForUser')),
  'GET /v3/roles': iam('iam:roles:listRoles'),
  'GET /v3/roles/:id': iam('iam:roles:getRole'),
  'POST /v3/roles': iam('iam:roles:createRole', ['createRole', 'roles']),
  'DELETE /v3/roles/:id': iam('iam:roles:deleteRole', ['deleteRole', 'roles']),
  'GET /v3/role_assignments': iam('iam:permissions:listRoleAssignments'),
  ...grantRows(),
  // groups and membership (CONTRACT §9.4)
  'GET /v3/groups': iam('iam:groups:listGroups'),
  'POST /v3/groups': iam('iam:groups:createGroup', ['createGroup', 'groups']),
  'GET /v3/groups/:gid': iam('iam:groups:getGroup'),
  'PATCH /v3/groups/:gid': iam('iam:groups:updateGroup', ['updateGroup', 'groups']),
  'DELETE /v3/groups/:gid': iam('iam:groups:deleteGroup', ['deleteGroup', 'groups']),
  'GET /v3/groups/:gid/users': iam('iam:users:listUsersForGroup'),
  'PUT /v3/groups/:gid/users/:uid': iam('iam:users:addUserToGroup', ['addUserToGroup', 'groups']),
  'GET /v3/groups/:gid/users/:uid': iam('iam:users:checkUserInGroup'),
  'DELETE /v3/groups/:gid/users/:uid': iam('iam:users:removeUserFromGroup', ['removeUserFromGroup', 'groups']),
  'GET /v3/users/:uid/groups': iam(selfOr('uid', 'iam:groups:listGroupsForUser')),
  // OTC custom policies (CONTRACT §9.2), under /identity/v3.0 and /v3.0
  'GET /v3.0/OS-ROLE/roles': iam('iam:roles:listRoles'),
  'POST /v3.0/OS-ROLE/roles': iam('iam:roles:createRole', ['createRole', 'roles']),
  'GET /v3.0/OS-ROLE/roles/:id': iam('iam:roles:getRole'),
  'PATCH /v3.0/OS-ROLE/roles/:id': iam('iam:roles:updateRole', ['updateRole', 'roles']),
  'DELETE /v3.0/OS-ROLE/roles/:id': iam('iam:roles:deleteRole', ['deleteRole', 'roles'], 200),
  'GET /v3/domains': iam('iam:domains:listDomains'),
  'GET /v3/domains/:id': iam('iam:domains:getDomain'),
  'POST /v3/domains': iam('iam:domains:createDomain', ['createDomain', 'domains']),

  // ---- compute: Nova v2.1 subset (ECS permissions_and_supported_actions) ----
  'GET /compute': nova(null),
  'GET /compute/v2.1': nova(null),
  [`POST ${NOVA}/servers`]: nova('ecs:servers:create', 'createServer'),
  [`GET ${NOVA}/servers`]: nova('ecs:servers:list'),
  [`GET ${NOVA}/servers/detail`]: nova('ecs:servers:list'),
  [`GET ${NOVA}/servers/:server_id`]: nova('ecs:servers:get'),
  [`PUT ${NOVA}/servers/:server_id`]: nova('ecs:servers:update', 'updateServer'),
  [`DELETE ${NOVA}/servers/:server_id`]: nova('ecs:servers:delete', 'deleteServer'),
  [`POST ${NOVA}/servers/:server_id/action`]: {
    action: serverAction, family: 'compute',
    trace: {
      name: (r) => serverVerb(r.body)?.[2] ?? 'serverAction', service: 'ECS', resourceType: 'servers',
      ok: (r) => (hasKey(r.body, 'confirmResize') ? 204 : 202),
    },
  },
  [`GET ${NOVA}/servers/:server_id/metadata`]: nova('ecs:servers:getMetadata'),
  [`PUT ${NOVA}/servers/:server_id/metadata`]: nova('ecs:servers:setMetadata', 'setServerMetadata'),
  [`POST ${NOVA}/servers/:server_id/metadata`]: nova('ecs:servers:updateMetadata', 'updateServerMetadata', 200),
  [`GET ${NOVA}/servers/:server_id/metadata/:key`]: nova('ecs:servers:getMetadata'),
  [`PUT ${NOVA}/servers/:server_id/metadata/:key`]: nova('ecs:servers:updateMetadata', 'updateServerMetadata'),
  [`DELETE ${NOVA}/servers/:server_id/metadata/:key`]: nova('ecs:servers:deleteMetadata', 'deleteServerMetadata'),
  [`GET ${NOVA}/servers/:server_id/os-interface`]: nova('ecs:servers:listInterfaces'),
  [`GET ${NOVA}/servers/:server_id/os-server-password`]: nova('ecs:serverPasswords:manage'),
  [`DELETE ${NOVA}/servers/:server_id/os-server-password`]: nova('ecs:serverPasswords:manage', 'deleteServerPassword'),
  [`GET ${NOVA}/flavors`]: nova('ecs:flavors:get'),
  [`GET ${NOVA}/flavors/detail`]: nova('ecs:flavors:get'),
  [`GET ${NOVA}/flavors/:flavor_id`]: nova('ecs:flavors:get'),
  [`GET ${NOVA}/flavors/:flavor_id/os-extra_specs`]: nova('ecs:flavors:get'),
  [`GET ${NOVA}/os-quota-sets/:tenant_id`]: nova('ecs:quotas:get'),
  [`PUT ${NOVA}/os-quota-sets/:tenant_id`]: { ...nova('ecs:quotas:update'), trace: { name: 'updateQuota', service: 'ECS', resourceType: 'quotas' } },
  [`GET ${NOVA}/os-quota-sets/:tenant_id/detail`]: nova('ecs:quotas:get'),
  [`GET ${NOVA}/os-quota-sets/:tenant_id/defaults`]: nova('ecs:quotas:get'),
  [`GET ${NOVA}/limits`]: nova('ecs:quotas:get'),
  [`GET ${NOVA}/os-availability-zone`]: nova('ecs:availabilityZones:list'),
  [`GET ${NOVA}/os-networks`]: nova('vpc:networks:list'),
  [`GET ${NOVA}/os-networks/:network_id`]: nova('vpc:networks:get'),
  [`GET ${NOVA}/os-tenant-networks`]: nova('vpc:networks:list'),
  [`GET ${NOVA}/os-tenant-networks/:network_id`]: nova('vpc:networks:get'),
  [`GET ${NOVA}/cloudimages`]: nova('ims:images:list'),
  [`GET ${NOVA}/images/:image_id`]: nova('ims:images:get'),

  // ---- compute: OTC ECS v1 ----
  [`POST ${ECS}/cloudservers`]: nova('ecs:cloudServers:createServers', 'createServer'),
  [`POST ${ECS}/cloudservers/delete`]: nova('ecs:cloudServers:deleteServers', 'deleteServer', 200),
  [`GET ${ECS}/cloudservers/:server_id`]: nova('ecs:cloudServers:showServer'),
  [`POST ${ECS}/cloudservers/:server_id/migrate`]: nova('ecs:cloudServers:migrate', 'migrateServer', 200),
  [`GET ${ECS}/cloudservers/:server_id/tags`]: nova('ecs:cloudServers:showServerTags'),
  [`POST ${ECS}/cloudservers/:server_id/tags/action`]: {
    action: tagAction('ecs:cloudServers:batchSetServerTags', 'ecs:cloudServers:batchDeleteServerTags'), family: 'compute',
    trace: { ...tagTrace('ECS', 'servers', 'batchCreateServerTags', 'batchDeleteServerTags'), ok: 204 },
  },
  [`GET ${ECS}/cloudservers/:server_id/autorecovery`]: nova('ecs:cloudServers:showServer'),
  [`PUT ${ECS}/cloudservers/:server_id/autorecovery`]: nova('ecs:cloudServers:setAutoRecovery', 'updateAutoRecovery', 204),
  [`GET ${ECS}/jobs/:job_id`]: nova('ecs:cloudServers:showJob'),

  // ---- image (Glance v2 subset) ----
  'GET /image': deh(null),
  'GET /image/v2': deh(null),
  'GET /image/v2/images': deh('ims:images:list'),
  'GET /image/v2/images/:image_id': deh('ims:images:get'),

  // ---- console, probes, metrics: public ----
  'GET /console': deh(null),
  'GET /console/:file': deh(null),
  'GET /console/client/:file': deh(null),
  'GET /opendeh/healthz': deh(null),
  'GET /opendeh/readyz': deh(null),
  'GET /metrics': deh(null),
  'GET /openapi.json': deh(null),

  // ---- operator API (cloud operator: the `admin` role, and its opendeh:* permission) ----
  'GET /opendeh/v1/permissions': deh(TOKEN),
  'PUT /opendeh/v1/quotas/:tenant_id/:resource': op('opendeh:quotas:update', { name: 'setQuota', service: 'DEH', resourceType: 'quotas' }),
  'POST /opendeh/v1/hosts/:host_id/fault': op('opendeh:dedicatedHosts:fault', 'faultDedicatedHost'),
  'POST /opendeh/v1/hosts/:host_id/repair': op('opendeh:dedicatedHosts:repair', 'repairDedicatedHost'),
  // the physical pool (docs/operations.md#physical-pool)
  'GET /opendeh/v1/pool': op('opendeh:pool:list'),
  'GET /opendeh/v1/pool/servers': op('opendeh:pool:list'),
  'POST /opendeh/v1/pool/servers': op('opendeh:pool:add', { name: 'addPhysicalServers', service: 'DEH', resourceType: 'physicalServers', ok: 201 }),
  'POST /opendeh/v1/pool/servers/:name/retire': op('opendeh:pool:retire', { name: 'retirePhysicalServer', service: 'DEH', resourceType: 'physicalServers' }),
  'GET /opendeh/v1/recoveries': op('opendeh:recoveries:list'),
  // Every project's traces, including those of no project (domain-scoped IAM calls, failed logins).
  'GET /opendeh/v1/traces': op('opendeh:traces:list'),

  // ---- Cloud Trace Service (CONTRACT §10): a project's own trail; admins may read any project's ----
  [`GET ${CTS1}/:tracker_name/trace`]: cts('cts:trace:list'),
  [`GET ${CTS2}/:tracker_name/trace`]: cts('cts:trace:list'),
  [`GET ${CTS1}/tracker`]: cts('cts:tracker:list'),
  [`GET ${CTS2}/tracker`]: cts('cts:tracker:list'),
};

/** The table's key of a registered route: HEAD is looked up as GET, /identity/v3… as /v3…, no trailing slash. */
export function policyKey(method: string, url: string): string {
  let path = url.replace(/^\/identity(\/v3(\.0)?)(?=\/|$)/, '$1');
  if (path.length > 1) path = path.replace(/\/+$/, '');
  return `${method === 'HEAD' ? 'GET' : method} ${path || '/'}`;
}

export function policyOf(method: string, url: string): RoutePolicy | undefined {
  return ROUTE_POLICY[policyKey(method, url)];
}

/** Every action a caller can be checked for, for GET /opendeh/v1/permissions and the matrix test. */
export function allActions(): string[] {
  const out = new Set<string>();
  for (const p of Object.values(ROUTE_POLICY)) {
    if (typeof p.action === 'string') out.add(p.action);
    else if (p.action) for (const v of p.action.variants) out.add(v);
  }
  return [...out].sort();
}

/** Actions of the operator API: allowed only to callers with the `admin` role, whatever their policies say. */
export function operatorActions(): Set<string> {
  return new Set(Object.values(ROUTE_POLICY).filter((p) => p.operator && typeof p.action === 'string').map((p) => p.action as string));
}

/** The API family of a path that matched no route (404/405/501), from its leading segment. */
export function familyOfPath(rawUrl: string): Family {
  const path = rawUrl.split('?')[0].replace(/\/{2,}/g, '/');
  if (/^\/(identity|v3(\.0)?)(\/|$)/.test(path)) return 'identity';
  if (/^\/compute(\/|$)/.test(path)) return 'compute';
  return 'deh';
}
