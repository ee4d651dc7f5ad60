import type { AllocateBody, UpdateBody } from '../http/schemas/deh.js';
import type {
  AllocateResponse, DehServerWire, HostListResponse, HostServersResponse, HostShowResponse, HostTypesResponse, HostWire,
  QuotaResponse, TagQueryResponse, TagsResponse, TagWire,
} from '../http/schemas/deh-responses.js';
import type { Session } from './session.js';
import { send, type Query } from './transport.js';

// The DeH API v1.0 operations, against the `deh` endpoint of the session's catalog.

export type { HostWire, TagWire, DehServerWire };
export type AllocateRequest = AllocateBody;
export type HostPatch = UpdateBody['dedicated_host'];

export interface ListHostsQuery {
  readonly state?: string;
  readonly host_type?: string;
  readonly host_type_name?: string;
  readonly availability_zone?: string;
  readonly name?: string;
  readonly flavor?: string;
  readonly dedicated_host_id?: string;
  readonly instance_uuid?: string;
  /** `k=v,k2` as the API takes it. */
  readonly tags?: string;
  readonly tenant?: string;
  readonly 'changes-since'?: string;
  readonly limit?: number;
  readonly marker?: string;
}

export interface QuotaEntry { readonly resource: string; readonly hard_limit: number; readonly used: number }

export class DehClient {
  constructor(private readonly session: Session) {}

  private url(path: string): string {
    return `${this.session.endpoint('deh')}${path}`;
  }

  private async get<T>(path: string, query?: Query): Promise<T> {
    return (await send<T>('GET', this.url(path), { token: this.session.token, query })).body;
  }

  private async write(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await send(method, this.url(path), { token: this.session.token, body })).body;
  }

  /** @returns the new hosts' ids */
  async allocate(req: AllocateRequest): Promise<string[]> {
    return ((await this.write('POST', '/dedicated-hosts', req)) as AllocateResponse).dedicated_host_ids;
  }

  async list(q: ListHostsQuery = {}): Promise<{ hosts: HostWire[]; total: number }> {
    const r = await this.get<HostListResponse>('/dedicated-hosts', { ...q });
    return { hosts: r.dedicated_hosts, total: r.total };
  }

  async show(id: string): Promise<HostWire> {
    return (await this.get<HostShowResponse>(`/dedicated-hosts/${encodeURIComponent(id)}`)).dedicated_host;
  }

  async update(id: string, patch: HostPatch): Promise<void> {
    await this.write('PUT', `/dedicated-hosts/${encodeURIComponent(id)}`, { dedicated_host: patch });
  }

  async release(id: string): Promise<void> {
    await this.write('DELETE', `/dedicated-hosts/${encodeURIComponent(id)}`);
  }

  async tags(id: string): Promise<TagWire[]> {
    return (await this.get<TagsResponse>(`/dedicated-host-tags/${encodeURIComponent(id)}/tags`)).tags;
  }

  async addTags(id: string, tags: TagWire[]): Promise<void> {
    await this.write('POST', `/dedicated-host-tags/${encodeURIComponent(id)}/tags/action`, { action: 'create', tags });
  }

  /** Removes tags by key (a key without a value removes whatever value it has). */
  async removeTags(id: string, keys: string[]): Promise<void> {
    await this.write('POST', `/dedicated-host-tags/${encodeURIComponent(id)}/tags/action`, { action: 'delete', tags: keys.map((key) => ({ key })) });
  }

  /**
   * Tags of every host of the project in one query (the list call does not carry tags),
   * through POST resource_instances/action, paged by the API's limit of 1000.
   */
  async tagsOfAll(): Promise<Map<string, TagWire[]>> {
    const out = new Map<string, TagWire[]>();
    for (let offset = 0; ; offset += 1000) {
      const r = (await this.write('POST', '/dedicated-host-tags/resource_instances/action', { action: 'filter', limit: 1000, offset })) as TagQueryResponse;
      for (const res of r.resources ?? []) out.set(res.resource_id, res.tags);
      if ((r.resources ?? []).length < 1000 || offset + 1000 >= r.total_count) return out;
    }
  }

  async hostTypes(az: string): Promise<HostTypesResponse['dedicated_host_types']> {
    return (await this.get<HostTypesResponse>(`/availability-zone/${encodeURIComponent(az)}/dedicated-host-types`)).dedicated_host_types;
  }

  /** Quota of a tenant (default: the session's project). */
  async quota(tenantId: string = this.session.projectId, resource?: string): Promise<QuotaEntry[]> {
    return (await this.get<QuotaResponse>(`/quota-sets/${encodeURIComponent(tenantId)}`, { resource })).quota_set;
  }

  async servers(hostId: string, q: { limit?: number; marker?: string } = {}): Promise<DehServerWire[]> {
    return (await this.get<HostServersResponse>(`/dedicated-hosts/${encodeURIComponent(hostId)}/servers`, q)).servers;
  }
}
