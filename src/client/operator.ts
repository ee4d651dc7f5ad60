import type { Session } from './session.js';
import { send } from './transport.js';

// OpenDeH's own API under /opendeh/v1 (not in the catalog: it sits on the server's origin,
// beside the DeH endpoint): what the caller may do, and the operator calls of the admin role.

export class OperatorClient {
  constructor(private readonly session: Session) {}

  private url(path: string): string {
    return `${new URL(this.session.endpoint('deh')).origin}/opendeh/v1${path}`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await send<T>(method, this.url(path), { token: this.session.token, body })).body;
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
}
