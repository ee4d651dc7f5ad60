import { ComputeClient } from './compute.js';
import { CtsClient } from './cts.js';
import { DehClient } from './deh.js';
import { IamClient } from './iam.js';
import { OperatorClient } from './operator.js';
import { login, resume, type LoginOptions, Session } from './session.js';

// The typed client of OpenDeH, shared by the CLI (Node) and the console (browser: served
// compiled from /console/client/). It imports only types from the server code.

export { ApiError, ConnectionError, EndpointNotFound, parseErrorBody } from './errors.js';
export { CtsClient, type TraceQuery, type TraceWire, type TrackerWire } from './cts.js';
export { ComputeClient, type CreateServerRequest, type FlavorWire, type NovaServer } from './compute.js';
export { DehClient, type AllocateRequest, type DehServerWire, type HostPatch, type HostWire, type ListHostsQuery, type QuotaEntry, type TagWire } from './deh.js';
export { IamClient, type AssignmentWire, type GrantActor, type GrantScope, type GroupWire, type PolicyInput, type RoleWire, type UserWire } from './iam.js';
export { OperatorClient, type PhysicalServerInput, type PhysicalServerWire, type PoolCountWire, type RecoveryWire } from './operator.js';
export { identityBase, login, resume, Session, type LoginOptions } from './session.js';

export interface Client {
  readonly session: Session;
  readonly deh: DehClient;
  /** Groups, grants and custom policies, at the catalog's `identity` endpoint. */
  readonly iam: IamClient;
  /** CTS traces, at the catalog's `cts` endpoint. */
  readonly cts: CtsClient;
  /** /opendeh/v1: the caller's permissions, and the operator calls (admin role), the physical pool among them. */
  readonly operator: OperatorClient;
  /** Present when the token's catalog lists a `compute` service. */
  readonly compute?: ComputeClient;
}

export function clientFor(session: Session): Client {
  return {
    session,
    deh: new DehClient(session),
    iam: new IamClient(session),
    cts: new CtsClient(session),
    operator: new OperatorClient(session),
    ...(session.hasService('compute') && { compute: new ComputeClient(session) }),
  };
}

export async function connect(o: LoginOptions): Promise<Client> {
  return clientFor(await login(o));
}

export async function reconnect(authUrl: string, token: string, endpointOrigin?: string): Promise<Client> {
  return clientFor(await resume(authUrl, token, endpointOrigin));
}
