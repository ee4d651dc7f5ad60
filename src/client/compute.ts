import type { ServerCreateBody } from '../http/schemas/compute.js';
import type { Session } from './session.js';
import { send } from './transport.js';

// Nova v2.1 servers, against the `compute` endpoint of the catalog. Requests are typed from
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
}
