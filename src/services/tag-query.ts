import { BadRequest, ErrorCodes } from '../domain/errors.js';
import { hostRepo } from '../store/host-repo.js';
import type { Store, TagPage } from '../store/store.js';

export type { TagPage };
import { tagQueryRepo, type TagCondition } from '../store/tag-query-repo.js';
import type { Caller } from './hosts.js';

// POST /dedicated-host-tags/resource_instances/action (REF querying_dehs_by_tag.rst).

export interface TagQueryRequest {
  readonly action: 'filter' | 'count';
  readonly tags?: readonly TagCondition[];
  readonly tagsAny?: readonly TagCondition[];
  readonly notTags?: readonly TagCondition[];
  readonly notTagsAny?: readonly TagCondition[];
  readonly matches?: readonly { key: string; value: string }[];
  readonly limit?: number;
  readonly offset?: number;
}

export interface TagQueryResult {
  readonly totalCount: number;
  /** The page; the same object for every request it was kept for (so its rendering can be kept with it). */
  readonly resources?: TagPage;
}

export const MAX_TAG_QUERY_LIMIT = 1000;

export async function queryHostsByTags(store: Store, caller: Caller, req: TagQueryRequest): Promise<TagQueryResult> {
  const limit = req.limit ?? MAX_TAG_QUERY_LIMIT;
  const offset = req.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TAG_QUERY_LIMIT) throw new BadRequest(`limit must be 1 to ${MAX_TAG_QUERY_LIMIT}`, ErrorCodes.InvalidParameter);
  if (!Number.isInteger(offset) || offset < 0) throw new BadRequest('offset must be an integer ≥ 0', ErrorCodes.InvalidParameter);
  let nameContains: string | undefined;
  for (const m of req.matches ?? []) {
    if (m.key !== 'resource_name') throw new BadRequest(`matches key must be "resource_name", not "${m.key}"`, ErrorCodes.InvalidParameter);
    nameContains = m.value;
  }
  const q = {
    projectId: caller.projectId, tags: req.tags ?? [], tagsAny: req.tagsAny ?? [], notTags: req.notTags ?? [],
    notTagsAny: req.notTagsAny ?? [], nameContains,
  };
  return store.read(async (ex) => {
    // The total and the page are kept per project generation (generation-cache.ts): a repeated
    // query costs one primary-key read instead of a count over every tagged host of the
    // project and a walk of its hosts in id order.
    const key = `tags\n${q.projectId}\n${JSON.stringify([q.tags, q.tagsAny, q.notTags, q.notTagsAny, q.nameContains])}`;
    const generation = await hostRepo.listGeneration(ex, q.projectId);
    let totalCount = store.counts.get(key, generation);
    if (totalCount === undefined) {
      totalCount = await tagQueryRepo.count(ex, q);
      store.counts.set(key, generation, totalCount);
    }
    if (req.action === 'count') return { totalCount };
    const pageKey = `${key}\n${offset}\n${limit}`;
    let resources = store.tagPages.get(pageKey, generation);
    if (resources === undefined) {
      resources = await tagQueryRepo.page(ex, q, offset, limit);
      // An empty page (past the end, or no match) costs its count, which is kept: not worth a place.
      if (resources.length > 0) store.tagPages.set(pageKey, generation, resources);
    }
    return { totalCount, resources };
  });
}
