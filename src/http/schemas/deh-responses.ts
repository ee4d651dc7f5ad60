import { Type, type Static } from 'typebox';

// Response shapes of the DeH API (CONTRACT §2), as data. The views in http/views produce
// them; src/client derives its types from them (type-only imports, so the compiled client
// stays free of server code and runs in the browser as is). Routes may also declare them as
// `response` schemas.

export const TagWire = Type.Object({ key: Type.String(), value: Type.String() });
export type TagWire = Static<typeof TagWire>;

const Time = Type.Union([Type.String(), Type.Null()]);

export const HostWire = Type.Object({
  dedicated_host_id: Type.String(),
  name: Type.String(),
  auto_placement: Type.Union([Type.Literal('on'), Type.Literal('off')]),
  availability_zone: Type.String(),
  project_id: Type.String(),
  host_properties: Type.Object({
    host_type: Type.String(),
    host_type_name: Type.String(),
    vcpus: Type.Integer(),
    cores: Type.Integer(),
    sockets: Type.Integer(),
    memory: Type.Integer(),
    available_instance_capacities: Type.Array(Type.Object({ flavor: Type.String() })),
  }),
  state: Type.String(),
  available_vcpus: Type.Integer(),
  available_memory: Type.Integer(),
  instance_total: Type.Integer(),
  /** OpenDeH's own: per accepted flavor, how many more ECSs of it fit now. */
  available_instance_counts: Type.Array(Type.Object({ flavor: Type.String(), count: Type.Integer() })),
  /** Detail only. */
  instance_uuids: Type.Optional(Type.Array(Type.String())),
  /** Detail only. */
  tags: Type.Optional(Type.Array(TagWire)),
  allocated_at: Time,
  released_at: Time,
});
export type HostWire = Static<typeof HostWire>;

export const AllocateResponse = Type.Object({ dedicated_host_ids: Type.Array(Type.String()) });
export type AllocateResponse = Static<typeof AllocateResponse>;

export const HostListResponse = Type.Object({ dedicated_hosts: Type.Array(HostWire), total: Type.Integer() });
export type HostListResponse = Static<typeof HostListResponse>;

export const HostShowResponse = Type.Object({ dedicated_host: HostWire });
export type HostShowResponse = Static<typeof HostShowResponse>;

export const TagsResponse = Type.Object({ tags: Type.Array(TagWire) });
export type TagsResponse = Static<typeof TagsResponse>;

export const TagQueryResponse = Type.Object({
  resources: Type.Optional(Type.Array(Type.Object({
    resource_id: Type.String(), resource_detail: Type.Null(), resource_name: Type.String(), tags: Type.Array(TagWire),
  }))),
  total_count: Type.Integer(),
});
export type TagQueryResponse = Static<typeof TagQueryResponse>;

export const HostTypesResponse = Type.Object({
  dedicated_host_types: Type.Array(Type.Object({ host_type: Type.String(), host_type_name: Type.String() })),
});
export type HostTypesResponse = Static<typeof HostTypesResponse>;

export const QuotaResponse = Type.Object({
  quota_set: Type.Array(Type.Object({ resource: Type.String(), hard_limit: Type.Integer(), used: Type.Integer() })),
});
export type QuotaResponse = Static<typeof QuotaResponse>;

export const DehServerWire = Type.Object({
  addresses: Type.Record(Type.String(), Type.Array(Type.Object({ addr: Type.String(), version: Type.Integer() }, { additionalProperties: true }))),
  created: Time,
  flavor: Type.Object({ id: Type.String() }),
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  tenant_id: Type.String(),
  updated: Time,
  user_id: Type.String(),
  image: Type.Object({ id: Type.String() }),
  metadata: Type.Record(Type.String(), Type.String()),
});
export type DehServerWire = Static<typeof DehServerWire>;

export const HostServersResponse = Type.Object({ servers: Type.Array(DehServerWire) });
export type HostServersResponse = Static<typeof HostServersResponse>;
