import type { FastifyInstance } from 'fastify';

// The web console: static assets served by the API process (added with the console work).
export async function consoleRoutes(_app: FastifyInstance): Promise<void> {}
