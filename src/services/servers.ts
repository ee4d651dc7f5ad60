import { BadRequest, ErrorCodes } from '../domain/errors.js';
import { UUID_RE } from '../domain/ids.js';
import type { Server } from '../domain/server.js';
import type { Clock } from '../domain/time.js';
import { serverRepo } from '../store/server-repo.js';
import type { Store } from '../store/store.js';
import type { Caller, HostsService } from './hosts.js';

// ECS use cases. (Placement, create, actions and delete come with the compute API.)

export interface ServersOptions {
  readonly serverBuildSeconds: number;
}

export class ServersService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly hosts: HostsService,
    readonly opts: ServersOptions,
  ) {}

  /** ECSs on a DeH the caller can see. @raises NotFound (host), BadRequest (marker) */
  async listOnHost(caller: Caller, hostId: string, page: { limit?: number; marker?: string }): Promise<Server[]> {
    return this.store.read(async (ex) => {
      await this.hosts.mustGet(ex, caller, hostId);
      let afterId: string | undefined;
      if (page.marker !== undefined) {
        const onHost = UUID_RE.test(page.marker) ? await serverRepo.get(ex, caller.projectId, page.marker) : undefined;
        if (!onHost || onHost.hostId !== hostId) throw new BadRequest(`marker "${page.marker}" is not an ECS on this DeH`, ErrorCodes.InvalidMarker);
        afterId = onHost.id;
      }
      return serverRepo.listOnHost(ex, hostId, { limit: page.limit, afterId });
    });
  }
}
