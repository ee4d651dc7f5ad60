import { Type, type TProperties } from 'typebox';

// Query strings of the routes that read one, as data: fastify validates them (each value a
// string — a repeated key arrives as an array and is a 400) and the OpenAPI document lists
// them. The route still parses each value with http/query.ts, whose 400s name the rule
// (range, enum, time format); the descriptions here say the same. Unknown keys are ignored,
// as OpenStack services ignore them (additionalProperties: true).

const S = (description?: string) => Type.Optional(Type.String(description === undefined ? {} : { description }));
const query = (props: TProperties) => Type.Object(props, { additionalProperties: true });

export const HostListQuery = query({
  tenant: S('all: every project (admin only)'), dedicated_host_id: S(), id: S('alias of dedicated_host_id'), name: S(),
  host_type: S(), host_type_name: S(), flavor: S(), state: S('available, fault or released'), status: S('alias of state'),
  availability_zone: S(), instance_uuid: S(), tags: S('k1=v1,k2: every tag must be on the DeH (1 to 10 items)'),
  'changes-since': S('ISO 8601 time'), changes_since: S('alias of changes-since'),
  limit: S('integer 1–10000'), marker: S('id of the last DeH of the previous page'),
});
export const HostServersQuery = query({ limit: S('integer 1–10000'), marker: S() });
export const DehQuotaQuery = query({ resource: S('one host type') });

export const TokenQuery = query({ nocatalog: S('present: answer without the catalog') });
export const NameQuery = query({ name: S() });
export const DomainNameQuery = query({ domain_id: S(), name: S() });
export const UserListQuery = query({ domain_id: S(), name: S(), enabled: S('true or false') });
export const RoleAssignmentsQuery = query({
  'user.id': S(), 'group.id': S(), 'role.id': S(), 'scope.project.id': S(), 'scope.domain.id': S(),
  'scope.OS-INHERIT:inherited_to': S('projects'), effective: S('present: expand group and inherited grants'),
  include_names: S('present (not 0/false): add names of role, actor, project and domain'),
});
export const PageQuery = query({ page: S('integer ≥ 1, with per_page'), per_page: S('integer 1–300, with page') });

export const NovaServerListQuery = query({
  name: S(), status: S(), flavor: S(), image: S(), ip: S(), 'changes-since': S('ISO 8601 time'), changes_since: S('alias of changes-since'),
  limit: S('integer 0–1000'), marker: S(),
});
export const FlavorListQuery = query({ minRam: S('integer MB'), minDisk: S('integer GB'), limit: S('integer 0–1000'), marker: S() });
export const ImageListQuery = query({
  limit: S('integer 1–1000'), marker: S(), visibility: S('public or all find the images; others none'),
  name: S('any other key filters on the image property of that name'),
});
/** CTS trace listing (CONTRACT §10.2/§10.3; docs/traces.md). */
export const TraceQuery = query({
  service_type: S('DEH, ECS or IAM (any case)'), resource_type: S(), resource_id: S(), resource_name: S(), trace_name: S(),
  trace_id: S('overrides every other filter'), user: S('user name'), trace_rating: S('normal, warning or incident (any case)'),
  trace_status: S('alias of trace_rating'), from: S('ms since the epoch (default: one hour before to)'), to: S('ms since the epoch (default: now)'),
  limit: S('integer 1–200 (default 10)'), next: S('meta_data.marker of the previous page (a trace_id), or a ms upper bound'),
});
export const OperatorTraceQuery = query({ ...TraceQuery.properties, project_id: S('only this project (default: every project, and none)') });
export const TrackerQuery = query({ tracker_name: S('system (the only tracker)') });
export const PoolServersQuery = query({
  availability_zone: S(), host_type: S(), state: S('free, allocated, faulty or retired'), limit: S('integer 1–1000 (default 1000)'), marker: S('name of the last server of the previous page'),
});
export const RecoveriesQuery = query({ state: S('pending, waiting, done or cancelled'), dedicated_host_id: S(), limit: S('integer 1–1000 (default 100)') });
