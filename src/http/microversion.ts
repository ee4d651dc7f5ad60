import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest, DomainError, ErrorCodes } from '../domain/errors.js';

// Nova microversions. Clients name one in `OpenStack-API-Version: compute 2.x` (preferred)
// or the legacy `X-OpenStack-Nova-API-Version: 2.x`, or ask for `latest`; no header means
// 2.1. Terraform sends 2.55 in both. Every v2.1 answer carries the version it was served at
// in both headers, plus `Vary`, as Nova's do. The responses of this subset have one shape for
// every version in range (a server's flavor carries both the <2.47 `id` and the ≥2.47 fields).

export const MIN_MINOR = 1;
export const MAX_MINOR = 60;
export const MAX_VERSION = `2.${MAX_MINOR}`;
export const MIN_VERSION = `2.${MIN_MINOR}`;

declare module 'fastify' {
  interface FastifyRequest {
    computeVersion?: string;
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The requested version text, or undefined when the client named none. */
export function requestedVersion(headers: { standard?: string; legacy?: string }): string | undefined {
  if (headers.standard !== undefined) {
    for (const part of headers.standard.split(',')) {
      const [service, version] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute' && version !== undefined) return version;
    }
  }
  return headers.legacy?.trim() || undefined;
}

/**
 * The version to serve. @raises BadRequest (malformed), NotAcceptable 406 (out of range,
 * Nova's "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.60.")
 */
export function negotiate(requested: string | undefined): string {
  if (requested === undefined) return MIN_VERSION;
  if (requested.toLowerCase() === 'latest') return MAX_VERSION;
  const m = /^(\d+)\.(\d+)$/.exec(requested);
  if (!m) throw new BadRequest(`Invalid API version request string: ${requested}`, ErrorCodes.InvalidParameter);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 2 || minor < MIN_MINOR || minor > MAX_MINOR) {
    throw new DomainError(ErrorCodes.NotAcceptable, `Version ${requested} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`);
  }
  return `2.${minor}`;
}

/** onRequest hook of the Nova scope: negotiates and stamps the answer's headers. */
export async function microversionHook(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('Vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  const version = negotiate(requestedVersion({ standard: header(req, 'openstack-api-version'), legacy: header(req, 'x-openstack-nova-api-version') }));
  req.computeVersion = version;
  reply.header('OpenStack-API-Version', `compute ${version}`).header('X-OpenStack-Nova-API-Version', version);
}
