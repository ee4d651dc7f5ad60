import type { ServerActionBody, ServerCreateBody } from '../http/schemas/compute.js';
import type { FlavorWire } from '../http/schemas/compute-responses.js';
import type { Session } from './session.js';
import { send } from './transport.js';

// Nova v2.1 servers and their actions, against the `compute` endpoint of the catalog. Requests are typed from
// the compute API's schemas; of the answers only the fields the CLI and console show are
// typed here (the compute API declares no response schemas yet).

export interface NovaServer {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly flavor?: { readonly id?: string; readonly original_name?: string };
  readonly 'OS-EXT-AZ:availability_zone'?: string;
  readonly created?: string;
  readonly [key: string]: unknown;
}

export interface CreateServerRequest {
  readonly name: string;
  readonly flavorRef: string;
  readonly imageRef?: string;
  readonly availability_zone?: string;
  readonly metadata?: Record<string, string>;
  /** Places the server on this DeH (scheduler hints tenancy=dedicated, CONTRACT §5). */
  readonly dedicatedHostId?: string;
  /** Any DeH with auto placement on (tenancy=dedicated without a host). */
  readonly dedicated?: boolean;
}

export class ComputeClient {
  constructor(private readonly session: Session) {}

  private url(path: string): string {
    return `${this.session.endpoint('compute')}${path}`;
  }

  async list(): Promise<NovaServer[]> {
    return (await send<{ servers: NovaServer[] }>('GET', this.url('/servers/detail'), { token: this.session.token })).body.servers;
  }

  async show(id: string): Promise<NovaServer> {
    return (await send<{ server: NovaServer }>('GET', this.url(`/servers/${encodeURIComponent(id)}`), { token: this.session.token })).body.server;
  }

  async create(req: CreateServerRequest): Promise<{ id: string }> {
    const { dedicatedHostId, dedicated, ...server } = req;
    const hints = dedicatedHostId ? { tenancy: 'dedicated', dedicated_host_id: dedicatedHostId } : dedicated ? { tenancy: 'dedicated' } : undefined;
    const body: ServerCreateBody = { server: { imageRef: '', ...server }, ...(hints && { 'os:scheduler_hints': hints }) };
    return (await send<{ server: { id: string } }>('POST', this.url('/servers'), { token: this.session.token, body })).body.server;
  }

  async delete(id: string): Promise<void> {
    await send('DELETE', this.url(`/servers/${encodeURIComponent(id)}`), { token: this.session.token });
  }

  /** POST /servers/{id}/action with one action body (Nova answers 202, confirmResize 204). */
  private async action(id: string, body: ServerActionBody): Promise<void> {
    await send('POST', this.url(`/servers/${encodeURIComponent(id)}/action`), { token: this.session.token, body });
  }

  start(id: string): Promise<void> { return this.action(id, { 'os-start': null }); }
  stop(id: string): Promise<void> { return this.action(id, { 'os-stop': null }); }
  reboot(id: string, type: 'SOFT' | 'HARD' = 'SOFT'): Promise<void> { return this.action(id, { reboot: { type } }); }
  /** Modify specifications: RESIZE → VERIFY_RESIZE, then confirmResize (or revertResize). */
  resize(id: string, flavorRef: string): Promise<void> { return this.action(id, { resize: { flavorRef } }); }
  confirmResize(id: string): Promise<void> { return this.action(id, { confirmResize: null }); }
  revertResize(id: string): Promise<void> { return this.action(id, { revertResize: null }); }
  /** Cold migration of a stopped ECS to another DeH, or with `null` out to the shared pool. */
  migrate(id: string, dedicatedHostId: string | null): Promise<void> {
    return this.action(id, { migrate: dedicatedHostId === null ? null : { dedicated_host_id: dedicatedHostId } });
  }

  async flavors(): Promise<FlavorWire[]> {
    return (await send<{ flavors: FlavorWire[] }>('GET', this.url('/flavors/detail'), { token: this.session.token })).body.flavors;
  }

  /** The image catalog (Glance v2 at the catalog's `image` endpoint): names and ids. */
  async images(): Promise<{ id: string; name: string }[]> {
    return (await send<{ images: { id: string; name: string }[] }>('GET', `${this.session.endpoint('image')}/v2/images`, { token: this.session.token })).body.images;
  }

  /** GET /limits: the project's ECS quota (instances, cores, RAM) and its use. */
  async limits(): Promise<Record<string, number>> {
    return (await send<{ limits: { absolute: Record<string, number> } }>('GET', this.url('/limits'), { token: this.session.token })).body.limits.absolute;
  }
}

export type { FlavorWire };
