import { effectiveStatus, type Server } from '../../domain/server.js';
import { toWire } from '../../domain/time.js';

// A server as the DeH API lists it (REF querying_ecss_on_a_deh.rst; CONTRACT §2.6):
// RFC 3339 times, flavor {id} with string values only, metadata of strings.

export function dehServerView(s: Server, now: string) {
  return {
    addresses: s.addresses,
    created: toWire(s.createdAt),
    flavor: { id: s.flavorId },
    id: s.id,
    name: s.name,
    status: effectiveStatus(s, now),
    tenant_id: s.projectId,
    updated: toWire(s.updatedAt),
    user_id: s.userId,
    image: { id: s.imageRef },
    metadata: s.metadata,
  };
}
