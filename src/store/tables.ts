import type { ColumnType } from 'kysely';
import type { PhysicalServerState } from '../domain/pool.js';

/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

// Kysely table types, as stored (snake_case). Timestamps are ISO 8601 UTC text and booleans
// are 0/1 integers on both engines, so one set of queries serves SQLite and PostgreSQL.

export interface DomainsTable { id: string; name: string; enabled: number; description: string; created_at: string }
export interface ProjectsTable { id: string; name: string; domain_id: string; description: string; enabled: number; created_at: string }
export interface UsersTable {
  id: string; name: string; domain_id: string; password_hash: string; enabled: number;
  default_project_id: string | null; created_at: string;
  /** 1 for the domain owner (the account): keeps every permission. */
  is_owner: Defaulted<number>;
}
/**
 * Keystone roles and OTC policies in one table (GET /v3/roles lists both). `policy` is the
 * document's JSON text exactly as sent; null for plain Keystone roles. Times are ms strings.
 */
export interface RolesTable {
  id: string; name: string; display_name: Defaulted<string>;
  kind: Defaulted<'keystone' | 'system_policy' | 'system_role' | 'custom'>;
  description: Defaulted<string>; type: string | null; catalog: string | null; domain_id: string | null;
  policy: string | null; created_time: string | null; updated_time: string | null;
}
/** 'inherited': granted on every project of the domain `scope_id` (OS-INHERIT). */
export type GrantScope = 'project' | 'domain' | 'inherited';
export interface RoleAssignmentsTable { role_id: string; user_id: string; scope_type: GrantScope; scope_id: string }
export interface GroupsTable { id: string; name: string; domain_id: string; description: string; created_at: string }
export interface GroupMembersTable { group_id: string; user_id: string }
export interface GroupAssignmentsTable { role_id: string; group_id: string; scope_type: GrantScope; scope_id: string }
export interface TokensTable {
  token_hash: string; user_id: string; project_id: string | null; domain_id: string | null;
  methods: string; issued_at: string; expires_at: string; revoked: number; audit_id: string;
}
export interface HostsTable {
  id: string; project_id: string; name: string; host_type: string; availability_zone: string;
  auto_placement: 'on' | 'off'; state: 'available' | 'fault' | 'released';
  vcpus: number; memory_mb: number; used_vcpus: number; used_memory_mb: number;
  /** Denormalised for the auto-placement index: memory_mb − used_memory_mb. */
  free_memory_mb: number;
  instance_total: number; generation: number;
  allocated_at: string; released_at: string | null; updated_at: string;
}
export interface HostTagsTable { host_id: string; key: string; value: string }
export interface HostQuotasTable { project_id: string; resource: string; hard_limit: number }
/** One row per project; its generation serialises quota-checked writes of that project. */
/** One row per project: its generation serialises the project's quota-checked writes; ecs_* are its ECS usage. */
export interface ProjectGuardsTable { project_id: string; generation: number; ecs_instances: number; ecs_cores: number; ecs_ram: number }
/** One row per project with hosts: moves with every change a host list or tag query could count (migration 0009). */
export interface HostListGenerationsTable { project_id: string; generation: number }
export interface ServersTable {
  id: string; project_id: string; user_id: string; name: string; host_id: string | null;
  flavor_id: string; vcpus: number; ram_mb: number; disk_gb: number;
  availability_zone: string; status: string; task_state: string | null; power_state: number;
  image_ref: string; networks: string; metadata: string; addresses: string; fault: string | null;
  key_name: string | null; user_data: string | null; security_groups: string;
  scheduler_hints: string; old_flavor_id: string | null; old_host_id: string | null;
  build_until: string; created_at: string; updated_at: string; deleted_at: string | null;
  generation: number; description: string | null; config_drive: number; auto_recovery: number;
}
export interface ServerTagsTable { server_id: string; key: string; value: string }
/** ECS v1 jobs; `server_ids` is a JSON array, `done_at` when the job's work is finished. */
export interface ComputeJobsTable { id: string; project_id: string; job_type: string; server_ids: string; created_at: string; done_at: string }
export interface IdempotencyTable {
  project_id: string; client_token: string; operation: string; request_hash: string;
  status: number; body: string; created_at: string;
}
/**
 * CTS traces (migration 0007). `time`/`record_time` are ms since the epoch (bigint: PostgreSQL
 * hands them back as strings, SQLite as numbers — readers convert). `project_id` is the project
 * the call was made in (null: a domain-scoped or unauthenticated call, operator view only).
 */
export interface TracesTable {
  trace_id: string; time: number | string; record_time: number | string;
  project_id: string | null; domain_id: string | null;
  trace_name: string; trace_rating: string; trace_type: string; service_type: string; resource_type: string;
  resource_id: string | null; resource_name: string | null; source_ip: string;
  user_id: string | null; user_name: string | null; user_domain_id: string | null; user_domain_name: string | null;
  request: string; response: string; code: string; api_version: string; message: string; request_id: string;
}
/** SQLite only (migration 0012): traces waiting to join `traces`, in commit order (`seq`). */
export interface TraceInboxTable extends TracesTable { seq: Defaulted<number> }
export interface ComputeQuotasTable { project_id: string; resource: string; hard_limit: number }

export interface FixedIpsTable { project_id: string; network: string; ip: string; ip_offset: number | null; server_id: string | null }
export interface FixedIpCursorsTable { project_id: string; network: string; next_offset: number }

/** The operator's inventory (migration 0008); host_id = the DeH it backs while allocated/faulty. */
export interface PhysicalServersTable {
  id: string; name: string; availability_zone: string; host_type: string; state: PhysicalServerState;
  host_id: string | null; generation: number; created_at: string; updated_at: string;
}
export type RecoveryJobState = 'pending' | 'waiting' | 'done' | 'cancelled';
/** Automatic recovery of one failed DeH; `snapshot` is JSON ({id, status, powerState}[]). */
export interface RecoveryJobsTable {
  id: string; host_id: string; project_id: string; availability_zone: string; host_type: string; state: RecoveryJobState;
  snapshot: string; new_host_id: string | null; lease_owner: string | null; lease_until: string | null;
  attempts: number; detail: string; created_at: string; updated_at: string;
}

export interface Database {
  domains: DomainsTable;
  projects: ProjectsTable;
  users: UsersTable;
  roles: RolesTable;
  role_assignments: RoleAssignmentsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_assignments: GroupAssignmentsTable;
  tokens: TokensTable;
  hosts: HostsTable;
  fixed_ips: FixedIpsTable;
  fixed_ip_cursors: FixedIpCursorsTable;
  host_tags: HostTagsTable;
  host_quotas: HostQuotasTable;
  project_guards: ProjectGuardsTable;
  host_list_generations: HostListGenerationsTable;
  servers: ServersTable;
  idempotency: IdempotencyTable;
  traces: TracesTable;
  trace_inbox: TraceInboxTable;
  compute_quotas: ComputeQuotasTable;
  server_tags: ServerTagsTable;
  compute_jobs: ComputeJobsTable;
  physical_servers: PhysicalServersTable;
  recovery_jobs: RecoveryJobsTable;
}
