import { BadRequest, ErrorCodes } from './errors.js';
import { MAX_TAGS, validateTagBatch, type Tag } from './tag.js';

// ECS tags (`/cloudservers/{id}/tags`, CONTRACT §5.4): the same key/value rules and limit of
// ten as DeH tags; Nova's string tags of a create request become keys with an empty value.

export function validateServerTags(tags: readonly Tag[], action: 'create' | 'delete'): void {
  validateTagBatch(tags, action);
}

/** Tags after an upsert; throws when the ECS would carry more than MAX_TAGS. */
export function mergeServerTags(existing: readonly Tag[], add: readonly Tag[]): Tag[] {
  const m = new Map(existing.map((t) => [t.key, t.value]));
  for (const t of add) m.set(t.key, t.value);
  if (m.size > MAX_TAGS) throw new BadRequest(`an ECS can have at most ${MAX_TAGS} tags (this request would make ${m.size})`, ErrorCodes.TooManyTags);
  return [...m].map(([key, value]) => ({ key, value }));
}

/** Delete = remove by key when the value matches the stored one or is empty (as for DeH tags). */
export function removeServerTags(existing: readonly Tag[], remove: readonly Tag[]): Tag[] {
  return existing.filter((e) => !remove.some((t) => t.key === e.key && (t.value === '' || t.value === e.value)));
}
