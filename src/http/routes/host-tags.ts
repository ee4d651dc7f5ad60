import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../domain/errors.js';
import type { HostsService } from '../../services/hosts.js';
import type { TagPage } from '../../services/tag-query.js';
import { callerOf, requireProject } from '../auth.js';
import { HostParams, ProjectParams, TagActionBody, TagQueryBody } from '../schemas/deh.js';
import { TagQueryResponse, TagsResponse } from '../schemas/deh-responses.js';

// /v1.0/{project_id}/dedicated-host-tags/… — tags of a DeH (200), batch create/delete (204),
// query DeHs by tag (200).

// A page the service kept (tag-query.ts) is the same object on every request it answers, so its
// JSON is kept beside it, for as long as the page itself is kept.
const renderedPages = new WeakMap<TagPage, string>();
function resourcesJson(page: TagPage): string {
  let json = renderedPages.get(page);
  if (json === undefined) {
    json = JSON.stringify(page.map((h) => ({ resource_id: h.id, resource_detail: null, tags: h.tags, resource_name: h.name })));
    renderedPages.set(page, json);
  }
  return json;
}

export function hostTagRoutes(app: FastifyInstance, hosts: HostsService): void {
  app.get<{ Params: HostParams }>('/dedicated-host-tags/:host_id/tags', { schema: { params: HostParams, summary: 'Tags of a DeH', answers: { 200: TagsResponse } }, preHandler: requireProject }, async (req) => {
    return { tags: await hosts.tags(callerOf(req), req.params.host_id) };
  });

  app.post<{ Params: HostParams; Body: TagActionBody }>('/dedicated-host-tags/:host_id/tags/action',
    { schema: { params: HostParams, body: TagActionBody, summary: 'Create or delete tags of a DeH', answers: { 204: null } }, preHandler: requireProject }, async (req, reply) => {
      // REF: `value` is mandatory (an empty string is a value); on delete CONTRACT §2.9 lets it
      // be absent (= any value of the key), as OSC's unset sends only what it knows.
      const missing = req.body.action === 'create' ? req.body.tags.findIndex((t) => t.value === undefined) : -1;
      if (missing >= 0) throw new BadRequest(`invalid body: "tags.${missing}.value" is required on create (an empty string is allowed)`);
      const tags = req.body.tags.map((t) => ({ key: t.key, value: t.value ?? '' }));
      await hosts.tagAction(callerOf(req), req.params.host_id, req.body.action, tags);
      return reply.code(204).send();
    });

  app.post<{ Body: TagQueryBody }>('/dedicated-host-tags/resource_instances/action',
    { schema: { params: ProjectParams, body: TagQueryBody, summary: 'Query DeHs by tag (filter or count)', answers: { 200: TagQueryResponse } }, preHandler: requireProject }, async (req, reply) => {
      const b = req.body;
      const r = await hosts.queryByTags(callerOf(req), {
        action: b.action, tags: b.tags, tagsAny: b.tags_any, notTags: b.not_tags, notTagsAny: b.not_tags_any, matches: b.matches,
        limit: b.limit === undefined ? undefined : Number(b.limit), offset: b.offset === undefined ? undefined : Number(b.offset),
      });
      if (b.action === 'count') return { total_count: r.totalCount };
      return reply.type('application/json; charset=utf-8').send(`{"resources":${resourcesJson(r.resources!)},"total_count":${r.totalCount}}`);
    });
}
