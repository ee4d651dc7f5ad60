import type { FastifyInstance, FastifyReply } from 'fastify';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFound } from '../../domain/errors.js';
import { Type } from 'typebox';
import { TextBody } from '../schemas/service-responses.js';

const FileParams = Type.Object({ file: Type.String() });

// The web console: static assets served by the API process under /console (outside the
// 406 Accept check, see app.ts). Two directories are served, flat and by exact file name:
//   /console/<file>         the console itself, from web/ at the repository root
//   /console/client/<file>  the compiled src/client, which the console imports as is
// Paths resolve from this compiled file (dist/src/http/routes/console.js). Only names listed
// in those directories at start-up are served, so no request path ever reaches the disk.

const WEB_DIR = fileURLToPath(new URL('../../../../web/', import.meta.url));
const CLIENT_DIR = fileURLToPath(new URL('../../client/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// The console only ever talks to its own origin; nothing inline, nothing from elsewhere.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async function listing(dir: string, ext: Set<string>): Promise<Map<string, string>> {
  try {
    const names = await readdir(dir);
    return new Map(names.filter((n) => ext.has(extname(n))).map((n) => [n, join(dir, n)]));
  } catch {
    return new Map(); // a build without web/ simply has no console
  }
}

export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const web = await listing(WEB_DIR, new Set(Object.keys(TYPES)));
  const client = await listing(CLIENT_DIR, new Set(['.js']));

  const serve = async (files: Map<string, string>, name: string, reply: FastifyReply) => {
    const path = files.get(name);
    if (!path) throw new NotFound(`the console has no file ${name}`);
    // Read per request (files are small): an edited asset shows on reload, no restart.
    const body = await readFile(path);
    return reply
      .type(TYPES[extname(name)])
      .header('Cache-Control', 'no-cache')
      .header('Content-Security-Policy', CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .send(body);
  };

  app.get('/console', { schema: { summary: 'The web console', produces: 'text/html', answers: { 200: TextBody } } }, (_req, reply) => serve(web, 'index.html', reply));
  app.get<{ Params: { file: string } }>('/console/:file', { schema: { params: FileParams, summary: 'A console asset (api.html: this API\'s reference)', produces: '*/*', answers: { 200: TextBody } } }, (req, reply) => serve(web, req.params.file, reply));
  app.get<{ Params: { file: string } }>('/console/client/:file', { schema: { params: FileParams, summary: 'The compiled typed client the console imports', produces: 'text/javascript', answers: { 200: TextBody } } }, (req, reply) => serve(client, req.params.file, reply));
}
