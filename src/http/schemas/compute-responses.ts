import { Type, type Static } from 'typebox';

// Answers of the compute APIs (Nova v2.1 subset, OTC ECS v1), as the views in http/views
// produce them (CONTRACT §5). Documented answers, checked against every answer the test
// suite provokes (http/openapi/route-catalog.ts says why they are not fastify serializers).

const Str = Type.String();
const NullableStr = Type.Union([Str, Type.Null()]);
const Int = Type.Integer();
const Link = Type.Object({ rel: Str, href: Str });
const Links = Type.Array(Link);

const NovaAddresses = Type.Record(Str, Type.Array(Type.Object({ addr: Str, version: Int })));

export const NovaServerWire = Type.Object({
  id: Str, name: Str, status: Str, tenant_id: Str, user_id: Str,
  metadata: Type.Record(Str, Str),
  hostId: Str,
  image: Type.Object({ id: Str, links: Links }),
  flavor: Type.Object({
    id: Str, links: Links, original_name: Str, vcpus: Int, ram: Int, disk: Int, ephemeral: Int, swap: Int, extra_specs: Type.Object({}),
  }),
  created: Str, updated: Str,
  addresses: NovaAddresses,
  accessIPv4: Str, accessIPv6: Str,
  links: Links,
  'OS-DCF:diskConfig': Str,
  progress: Int,
  'OS-EXT-AZ:availability_zone': Str,
  config_drive: Str,
  key_name: NullableStr,
  'OS-SRV-USG:launched_at': NullableStr,
  'OS-SRV-USG:terminated_at': Type.Null(),
  security_groups: Type.Array(Type.Object({ name: Str })),
  'OS-EXT-SRV-ATTR:host': NullableStr,
  'OS-EXT-SRV-ATTR:hypervisor_hostname': NullableStr,
  'OS-EXT-SRV-ATTR:instance_name': Str,
  'OS-EXT-STS:task_state': NullableStr,
  'OS-EXT-STS:vm_state': Str,
  'OS-EXT-STS:power_state': Int,
  'os-extended-volumes:volumes_attached': Type.Array(Type.Object({ id: Str })),
  locked: Type.Boolean(),
  description: Type.Optional(NullableStr),
  host_status: Str,
  fault: Type.Optional(Type.Object({ code: Int, message: Str, created: Str })),
});
export type NovaServerWire = Static<typeof NovaServerWire>;

export const ServerResponse = Type.Object({ server: NovaServerWire });
export const ServerListResponse = Type.Object({
  servers: Type.Array(Type.Object({ id: Str, name: Str, links: Links })),
  servers_links: Type.Optional(Links),
});
export const ServerDetailListResponse = Type.Object({ servers: Type.Array(NovaServerWire), servers_links: Type.Optional(Links) });
export const ServerCreatedResponse = Type.Union([
  Type.Object({
    server: Type.Object({
      id: Str, links: Links, 'OS-DCF:diskConfig': Str, security_groups: Type.Array(Type.Object({ name: Str })), adminPass: Type.Optional(Str),
    }),
  }),
  Type.Object({ reservation_id: Str }, { description: 'with return_reservation_id' }),
]);

export const MetadataResponse = Type.Object({ metadata: Type.Record(Str, Str) });
export const MetaItemResponse = Type.Object({ meta: Type.Record(Str, Str, { minProperties: 1, maxProperties: 1 }) });

const Network = Type.Object({ id: Str, label: Str, cidr: Str });
export const NetworksResponse = Type.Object({ networks: Type.Array(Network) });
export const NetworkResponse = Type.Object({ network: Network });
export const InterfacesResponse = Type.Object({
  interfaceAttachments: Type.Array(Type.Object({
    port_state: Str, port_id: Str, net_id: Str, mac_addr: Str, fixed_ips: Type.Array(Type.Object({ subnet_id: Str, ip_address: Str })),
  })),
});
export const ServerPasswordResponse = Type.Object({ password: Str });

const FlavorSummary = Type.Object({ id: Str, name: Str, links: Links });
export const FlavorWire = Type.Object({
  id: Str, name: Str, vcpus: Int, ram: Int, disk: Int, swap: Type.Union([Str, Int]),
  'OS-FLV-EXT-DATA:ephemeral': Int, 'OS-FLV-DISABLED:disabled': Type.Boolean(), 'os-flavor-access:is_public': Type.Boolean(),
  rxtx_factor: Type.Number(), description: NullableStr, links: Links,
});
export const FlavorListResponse = Type.Object({ flavors: Type.Array(FlavorSummary) });
export type FlavorWire = Static<typeof FlavorWire>;
export const FlavorDetailListResponse = Type.Object({ flavors: Type.Array(FlavorWire) });
export const FlavorResponse = Type.Object({ flavor: FlavorWire });
export const ExtraSpecsResponse = Type.Object({ extra_specs: Type.Record(Str, Str) });

const QuotaSet = Type.Object({ id: Str, instances: Int, cores: Int, ram: Int, metadata_items: Int });
const QuotaItem = Type.Object({ in_use: Int, limit: Int, reserved: Int });
export const QuotaSetResponse = Type.Object({ quota_set: QuotaSet });
export const QuotaSetDetailResponse = Type.Object({
  quota_set: Type.Object({ id: Str, instances: QuotaItem, cores: QuotaItem, ram: QuotaItem, metadata_items: QuotaItem }),
});
export const LimitsResponse = Type.Object({
  limits: Type.Object({
    rate: Type.Array(Type.Unknown()),
    absolute: Type.Object({
      maxTotalInstances: Int, maxTotalCores: Int, maxTotalRAMSize: Int, maxServerMeta: Int,
      totalInstancesUsed: Int, totalCoresUsed: Int, totalRAMUsed: Int,
    }),
  }),
});
export const AvailabilityZonesResponse = Type.Object({
  availabilityZoneInfo: Type.Array(Type.Object({ zoneName: Str, zoneState: Type.Object({ available: Type.Boolean() }), hosts: Type.Null() })),
});

// ---- OTC ECS v1 (views/ecs-view.ts) ----

export const EcsServerWire = Type.Intersect([
  Type.Omit(NovaServerWire, ['addresses', 'flavor', 'image', 'security_groups']),
  Type.Object({
    addresses: Type.Record(Str, Type.Array(Type.Object({
      version: Str, addr: Str, 'OS-EXT-IPS-MAC:mac_addr': Str, 'OS-EXT-IPS:port_id': Str, 'OS-EXT-IPS:type': Str,
    }))),
    flavor: Type.Object({ id: Str, name: Str, vcpus: Str, ram: Str, disk: Str }),
    image: Type.Object({ id: Str }),
    security_groups: Type.Array(Type.Object({ name: Str, id: Str })),
    tags: Type.Array(Str),
    sys_tags: Type.Array(Type.Object({ key: Str, value: Str })),
    'OS-EXT-SRV-ATTR:launch_index': Int,
    'OS-EXT-SRV-ATTR:user_data': Str,
    'os:scheduler_hints': Type.Object({ group: Type.Array(Str), tenancy: Type.Array(Str), dedicated_host_id: Type.Array(Str) }),
  }),
]);
export const EcsServerResponse = Type.Object({ server: EcsServerWire });
export const EcsCreateResponse = Type.Object({ job_id: Str, serverIds: Type.Array(Str) });
export const EcsJobIdResponse = Type.Object({ job_id: Str });
const SubJob = Type.Object({
  job_id: Str, job_type: Str, status: Str, begin_time: Str, end_time: Str, error_code: Type.Null(), fail_reason: Type.Null(),
  entities: Type.Object({ server_id: Str }),
});
export const EcsJobResponse = Type.Object({
  job_id: Str, job_type: Str, status: Str, begin_time: Str, end_time: Str, error_code: Type.Null(), fail_reason: Type.Null(),
  entities: Type.Object({ sub_jobs_total: Int, sub_jobs: Type.Array(SubJob), server_id: Type.Optional(Str) }),
});
export const EcsTagsResponse = Type.Object({ tags: Type.Array(Type.Object({ key: Str, value: Str })) });
export const AutoRecoveryResponse = Type.Object({ support_auto_recovery: Type.Union([Type.Literal('true'), Type.Literal('false')]) });
