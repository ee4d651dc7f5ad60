import { Type, type Static } from 'typebox';
import { DigitString, Int } from './common.js';

// Request shapes of the DeH API (REF), as data: validated at the edge with
// additionalProperties:false so an unknown or misspelt field is a 400, not silently dropped.

const TagSchema = Type.Object({
  key: Type.String({ maxLength: 255 }),
  value: Type.String({ maxLength: 255 }),
}, { additionalProperties: false });

export const AllocateBody = Type.Object({
  name: Type.String({ maxLength: 1024 }),
  auto_placement: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('off')])),
  availability_zone: Type.String({ minLength: 1, maxLength: 64 }),
  host_type: Type.String({ minLength: 1, maxLength: 64 }),
  quantity: Int(),
  tags: Type.Optional(Type.Array(TagSchema, { maxItems: 64 })),
}, { additionalProperties: false });
export type AllocateBody = Static<typeof AllocateBody>;

export const UpdateBody = Type.Object({
  dedicated_host: Type.Object({
    name: Type.Optional(Type.String({ maxLength: 1024 })),
    auto_placement: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('off')])),
    // openstacksdk echoes the id inside the body (its alternate_id); accepted when it matches the path.
    dedicated_host_id: Type.Optional(Type.String()),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type UpdateBody = Static<typeof UpdateBody>;

export const TagActionBody = Type.Object({
  action: Type.Union([Type.Literal('create'), Type.Literal('delete')]),
  tags: Type.Array(Type.Object({
    key: Type.String({ maxLength: 255 }),
    value: Type.Optional(Type.String({ maxLength: 255 })),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 64 }),
}, { additionalProperties: false });
export type TagActionBody = Static<typeof TagActionBody>;

const TagCondition = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 127 }),
  // REF: optional; absent (like []) means any value of the key.
  values: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 10 })),
}, { additionalProperties: false });
const IntOrString = Type.Union([Int(), DigitString()]);

export const TagQueryBody = Type.Object({
  action: Type.Union([Type.Literal('filter'), Type.Literal('count')]),
  tags: Type.Optional(Type.Array(TagCondition, { maxItems: 10 })),
  tags_any: Type.Optional(Type.Array(TagCondition, { maxItems: 10 })),
  not_tags: Type.Optional(Type.Array(TagCondition, { maxItems: 10 })),
  not_tags_any: Type.Optional(Type.Array(TagCondition, { maxItems: 10 })),
  matches: Type.Optional(Type.Array(Type.Object({
    key: Type.String(), value: Type.String({ maxLength: 255 }),
  }, { additionalProperties: false }), { maxItems: 1 })),
  limit: Type.Optional(IntOrString),
  offset: Type.Optional(IntOrString),
}, { additionalProperties: false });
export type TagQueryBody = Static<typeof TagQueryBody>;

export const ProjectParams = Type.Object({ project_id: Type.String() });
export const HostParams = Type.Object({ project_id: Type.String(), host_id: Type.String() });
export type HostParams = Static<typeof HostParams>;
export const AzParams = Type.Object({ project_id: Type.String(), az: Type.String() });
export const QuotaParams = Type.Object({ project_id: Type.String(), tenant_id: Type.String() });
