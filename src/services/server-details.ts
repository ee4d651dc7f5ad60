import { DEFAULT_NETWORK_LABEL, defaultNetworkId } from '../domain/addresses.js';
import { BadRequest, ConcurrentUpdate, ErrorCodes, NotFound } from '../domain/errors.js';
import { mergeServerTags, removeServerTags, validateServerTags } from '../domain/server-tags.js';
import type { Server } from '../domain/server.js';
import type { Tag } from '../domain/tag.js';
import { serverRepo, type ServerPatch } from '../store/server-repo.js';
import { traceResource } from '../store/trace-scope.js';
import type { Caller } from './hosts.js';
import type { ServersService } from './servers.js';

// The parts of a server that are not its placement: metadata (Nova), ECS tags and auto
// recovery (ECS v1; Terraform reads both on every refresh). Each write is a compare-and-swap
// on the server's generation.

export const MAX_METADATA_ITEMS = 128;

export class ServerDetails {
  constructor(private readonly servers: ServersService) {}

  /** @raises NotFound */
  async metadata(caller: Caller, id: string): Promise<Record<string, string>> {
    return (await this.servers.get(caller, id)).metadata;
  }

  /**
   * POST (merge) or PUT (replace) of a server's metadata; returns the result.
   * @raises NotFound, BadRequest (too many items)
   */
  async setMetadata(caller: Caller, id: string, items: Record<string, string>, replace: boolean): Promise<Record<string, string>> {
    return this.patch(caller, id, (s) => {
      const metadata = replace ? { ...items } : { ...s.metadata, ...items };
      if (Object.keys(metadata).length > MAX_METADATA_ITEMS) {
        throw new BadRequest(`Quota exceeded for metadata_items: at most ${MAX_METADATA_ITEMS} items`, ErrorCodes.InvalidParameter);
      }
      return { metadata };
    }).then((s) => s.metadata);
  }

  /** @raises NotFound (server, or key not set — Nova answers 404 for both) */
  async deleteMetadataItem(caller: Caller, id: string, key: string): Promise<void> {
    await this.patch(caller, id, (s) => {
      // Own keys only: `toString` or `__proto__` are not items unless a client set them.
      if (!Object.hasOwn(s.metadata, key)) throw new NotFound(`Metadata item was not found: ${key}`);
      const { [key]: _gone, ...metadata } = s.metadata;
      return { metadata };
    });
  }

  /** @raises NotFound */
  async tags(caller: Caller, id: string): Promise<Tag[]> {
    return this.servers.store.read(async (ex) => {
      await this.servers.mustGet(ex, caller, id);
      return serverRepo.tags(ex, id);
    });
  }

  /** create = upsert by key (≤ 10 in all); delete = by key when the value matches or is empty. @raises NotFound, BadRequest */
  async tagAction(caller: Caller, id: string, action: 'create' | 'delete', tags: readonly Tag[]): Promise<void> {
    validateServerTags(tags, action);
    await this.servers.store.write(async (tx) => {
      const s = await this.servers.mustGet(tx, caller, id);
      traceResource(caller.writes, s.id, s.name);
      const existing = await serverRepo.tags(tx, id);
      await serverRepo.replaceTags(tx, id, action === 'create' ? mergeServerTags(existing, tags) : removeServerTags(existing, tags));
      if (!await serverRepo.casUpdate(tx, s.id, s.generation, { updatedAt: this.servers.stamps().now })) throw new ConcurrentUpdate();
    }, caller.writes);
  }

  /** @raises NotFound */
  async setAutoRecovery(caller: Caller, id: string, on: boolean): Promise<void> {
    await this.patch(caller, id, () => ({ autoRecovery: on }));
  }

  /**
   * The networks of the project: its default network and every network its servers use.
   * There is no network service; any id a client names is a network (see domain/addresses.ts).
   */
  async networks(caller: Caller): Promise<{ id: string; label: string }[]> {
    const servers = await this.servers.store.read((ex) => serverRepo.listByProject(ex, caller.projectId));
    const out = new Map([[defaultNetworkId(caller.projectId), DEFAULT_NETWORK_LABEL]]);
    for (const s of servers) for (const n of s.networks) if (n.networkId !== null) out.set(n.networkId, n.label);
    return [...out].map(([id, label]) => ({ id, label }));
  }

  /**
   * Any network id names a network; the default one has its own label and is also found by
   * it (`openstack server create --network default` looks the name up at os-networks/default).
   */
  network(caller: Caller, id: string): { id: string; label: string } {
    const dflt = defaultNetworkId(caller.projectId);
    if (id === dflt || id === DEFAULT_NETWORK_LABEL) return { id: dflt, label: DEFAULT_NETWORK_LABEL };
    return { id, label: id };
  }

  /** The images the project's servers were created from (an image is any id a client names). */
  async images(caller: Caller): Promise<string[]> {
    const servers = await this.servers.store.read((ex) => serverRepo.listByProject(ex, caller.projectId));
    return [...new Set(servers.map((s) => s.imageRef).filter((i) => i !== ''))].sort();
  }

  private async patch(caller: Caller, id: string, change: (s: Server) => ServerPatch): Promise<Server> {
    return this.servers.store.write(async (tx) => {
      const s = await this.servers.mustGet(tx, caller, id);
      traceResource(caller.writes, s.id, s.name);
      const p = { ...change(s), updatedAt: this.servers.stamps().now };
      if (!await serverRepo.casUpdate(tx, s.id, s.generation, p)) throw new ConcurrentUpdate();
      return { ...s, ...p, generation: s.generation + 1 } as Server;
    }, caller.writes);
  }
}
