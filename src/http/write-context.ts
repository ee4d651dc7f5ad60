import type { FastifyRequest } from 'fastify';
import type { WriteContext } from '../services/traces.js';

// The request's WriteContext (store/write-context.ts): created on first use, carried by the
// request, handed to every service call that writes (Caller.writes or a last argument).

declare module 'fastify' {
  interface FastifyRequest {
    writes?: WriteContext;
  }
}

export function writesOf(req: FastifyRequest): WriteContext {
  return (req.writes ??= {});
}
