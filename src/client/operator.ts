import type { Session } from './session.js';
import { send, type Query } from './transport.js';

// OpenDeH's own API under /opendeh/v1 (not in the catalog: it sits on the server's origin,
// beside the DeH endpoint): what the caller may do, and the operator calls of the admin role,
// among them the physical pool.

export interface PhysicalServerWire {
  readonly id: string;
  readonly name: string;
  readonly availability_zone: string;
  readonly host_type: string;
  readonly state: 'free' | 'allocated' | 'faulty' | 'retired';
  readonly dedicated_host_id: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface PoolCountWire {
  readonly availability_zone: string;
  readonly host_type: string;
  readonly free: number;
  readonly allocated: number;
  readonly faulty: number;
  readonly retired: number;
}

export interface RecoveryWire {
  readonly id: string;
  readonly dedicated_host_id: string;
  readonly project_id: string;
  readonly availability_zone: string;
  readonly host_type: string;
  readonly state: 'pending' | 'waiting' | 'done' | 'cancelled';
  readonly new_dedicated_host_id: string | null;
  readonly attempts: number;
  readonly detail: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface PhysicalServerInput { readonly name: string; readonly availability_zone: string; readonly host_type: string }

export class OperatorClient {
  constructor(private readonly session: Session) {}

  private url(path: string): string {
    return `${new URL(this.session.endpoint('deh')).origin}/opendeh/v1${path}`;
  }

  private async call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    return (await send<T>(method, this.url(path), { token: this.session.token, body, query })).body;
  }

  /** `{action: allowed}` for every IAM action of the route table, as the service decides it for this token. */
  async permissions(): Promise<Record<string, boolean>> {
    return (await this.call<{ permissions: Record<string, boolean> }>('GET', '/permissions')).permissions;
  }

  /** Failure injection: the DeH goes to `fault`, its ECSs to ERROR. */
  async fault(hostId: string, reason?: string): Promise<{ state: string; failed_servers: number }> {
    return this.call('POST', `/hosts/${encodeURIComponent(hostId)}/fault`, reason ? { reason } : {});
  }

  async repair(hostId: string): Promise<void> {
    await this.call('POST', `/hosts/${encodeURIComponent(hostId)}/repair`);
  }

  /** A tenant's DeH quota of one host type (`-1` = unlimited). */
  async setQuota(tenantId: string, hostType: string, hardLimit: number): Promise<void> {
    await this.call('PUT', `/quotas/${encodeURIComponent(tenantId)}/${encodeURIComponent(hostType)}`, { hard_limit: hardLimit });
  }

  /** Physical pool counts per AZ and host type; `configured` false = no inventory, allocation unlimited. */
  async pool(): Promise<{ configured: boolean; pool: PoolCountWire[] }> {
    return this.call('GET', '/pool');
  }

  async physicalServers(q: { availability_zone?: string; host_type?: string; state?: string; limit?: number; marker?: string } = {}): Promise<PhysicalServerWire[]> {
    return (await this.call<{ physical_servers: PhysicalServerWire[] }>('GET', '/pool/servers', undefined, { ...q })).physical_servers;
  }

  /** Adds physical servers, all or none. */
  async addPhysicalServers(servers: readonly PhysicalServerInput[]): Promise<PhysicalServerWire[]> {
    return (await this.call<{ physical_servers: PhysicalServerWire[] }>('POST', '/pool/servers', { physical_servers: servers })).physical_servers;
  }

  async retirePhysicalServer(name: string): Promise<PhysicalServerWire> {
    return (await this.call<{ physical_server: PhysicalServerWire }>('POST', `/pool/servers/${encodeURIComponent(name)}/retire`)).physical_server;
  }

  /** Automatic recovery jobs, newest first (docs/recovery.md). */
  async recoveries(q: { state?: string; dedicated_host_id?: string; limit?: number } = {}): Promise<RecoveryWire[]> {
    return (await this.call<{ recoveries: RecoveryWire[] }>('GET', '/recoveries', undefined, { ...q })).recoveries;
  }
}
