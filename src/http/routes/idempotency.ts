import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../domain/time.js';
import { runIdempotent, type Answer } from '../../services/idempotency.js';
import { writesOf } from '../write-context.js';

// Route-side helper: reads X-Client-Token, runs the write once, sends the (first) answer.
// The same `present` gives the change's trace its code and response (http/tracing.ts).

export class Idempotency {
  constructor(private readonly clock: Clock) {}

  async run<R>(req: FastifyRequest, reply: FastifyReply, projectId: string, operation: string,
    write: () => Promise<R>, present: (r: R) => Answer): Promise<FastifyReply> {
    const h = req.headers['x-client-token'];
    const token = Array.isArray(h) ? h[0] : h;
    // The trace of this write records the answer itself (its status and a short body).
    const writes = writesOf(req);
    if (writes.trace) writes.trace.present = present as (r: unknown) => Answer;
    const a = await runIdempotent(this.clock, { projectId, token, operation, request: req.body }, write, present, writes);
    return reply.code(a.status).send(a.body);
  }
}
