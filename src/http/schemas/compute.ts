import { Type, type Static } from 'typebox';
import { DigitString, Int } from './common.js';

// Request shapes of the compute APIs, as data. Liberal with every field Nova (2.1–2.60),
// novaclient, openstacksdk and Terraform send (CONTRACT §5.1, §5.4), but each is typed, and
// an unknown field is a 400 as in Nova (additionalProperties: false).

const Str = (max = 255) => Type.String({ maxLength: max });
const IntLike = Type.Union([Int({ minimum: 0 }), DigitString()]);
const Open = Type.Object({}, { additionalProperties: true });
/** Nova checks user_data is base64; "" (Terraform's default) is valid base64. */
const Base64 = Type.String({ maxLength: 65535, pattern: '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$' });
const Metadata = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Str(255));
export const SchedulerHints = Type.Object({}, { additionalProperties: true });

const NetworkItem = Type.Object({
  uuid: Type.Optional(Str()), port: Type.Optional(Str()), fixed_ip: Type.Optional(Str(64)), tag: Type.Optional(Str(60)),
}, { additionalProperties: false });

export const ServerCreateBody = Type.Object({
  server: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 255 }),
    imageRef: Type.Optional(Str()),
    flavorRef: Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Int()]),
    adminPass: Type.Optional(Str()),
    metadata: Type.Optional(Metadata),
    networks: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('none'), Type.Array(NetworkItem, { maxItems: 16 })])),
    'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
    accessIPv4: Type.Optional(Str(64)),
    accessIPv6: Type.Optional(Str(64)),
    personality: Type.Optional(Type.Array(Open)),
    availability_zone: Type.Optional(Str()),
    block_device_mapping: Type.Optional(Type.Array(Open)),
    block_device_mapping_v2: Type.Optional(Type.Array(Open)),
    config_drive: Type.Optional(Type.Union([Type.Boolean(), Str(32), Type.Null()])),
    key_name: Type.Optional(Type.Union([Str(), Type.Null()])),
    min_count: Type.Optional(IntLike),
    max_count: Type.Optional(IntLike),
    return_reservation_id: Type.Optional(Type.Union([Type.Boolean(), Str(8)])),
    security_groups: Type.Optional(Type.Array(Type.Object({ name: Str() }, { additionalProperties: false }), { maxItems: 32 })),
    user_data: Type.Optional(Type.Union([Base64, Type.Null()])),
    description: Type.Optional(Type.Union([Str(), Type.Null()])),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 50 })),
    trusted_image_certificates: Type.Optional(Type.Union([Type.Array(Str()), Type.Null()])),
    host: Type.Optional(Str()),
    hypervisor_hostname: Type.Optional(Str()),
    hostname: Type.Optional(Str()),
  }, { additionalProperties: false }),
  'os:scheduler_hints': Type.Optional(SchedulerHints),
  'OS-SCH-HNT:scheduler_hints': Type.Optional(SchedulerHints),
}, { additionalProperties: false });
export type ServerCreateBody = Static<typeof ServerCreateBody>;

export const ServerUpdateBody = Type.Object({
  server: Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.Union([Str(), Type.Null()])),
    accessIPv4: Type.Optional(Str(64)),
    accessIPv6: Type.Optional(Str(64)),
    'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
    hostname: Type.Optional(Str()),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type ServerUpdateBody = Static<typeof ServerUpdateBody>;

/** One action per request; an unknown action is a 400 naming it. */
export const ServerActionBody = Type.Object({
  'os-start': Type.Optional(Type.Null()),
  'os-stop': Type.Optional(Type.Null()),
  reboot: Type.Optional(Type.Object({ type: Type.Union([Type.Literal('SOFT'), Type.Literal('HARD')]) }, { additionalProperties: false })),
  resize: Type.Optional(Type.Object({
    flavorRef: Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Int()]),
    'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
  }, { additionalProperties: false })),
  confirmResize: Type.Optional(Type.Null()),
  revertResize: Type.Optional(Type.Null()),
  // Nova: null (scheduler picks); 2.56: {host}. Here null = out to the shared pool (as in the
  // ECS v1 API); `host` or `dedicated_host_id` names the target DeH.
  migrate: Type.Optional(Type.Union([Type.Null(), Type.Object({
    host: Type.Optional(Type.Union([Str(), Type.Null()])),
    dedicated_host_id: Type.Optional(Type.Union([Str(), Type.Null()])),
  }, { additionalProperties: false })])),
}, { additionalProperties: false, minProperties: 1, maxProperties: 1 });
export type ServerActionBody = Static<typeof ServerActionBody>;

export const MetadataBody = Type.Object({ metadata: Metadata }, { additionalProperties: false });
export type MetadataBody = Static<typeof MetadataBody>;
export const MetadataItemBody = Type.Object({ meta: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Str(255), { minProperties: 1, maxProperties: 1 }) }, { additionalProperties: false });
export type MetadataItemBody = Static<typeof MetadataItemBody>;

const QuotaValue = Int({ minimum: -1 });
export const QuotaSetBody = Type.Object({
  quota_set: Type.Object({
    instances: Type.Optional(QuotaValue), cores: Type.Optional(QuotaValue), ram: Type.Optional(QuotaValue),
    force: Type.Optional(Type.Union([Type.Boolean(), Str(8)])),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type QuotaSetBody = Static<typeof QuotaSetBody>;

// ---- OTC ECS v1 (gophertelekomcloud openstack/ecs/v1/cloudservers) ----

export const EcsCreateBody = Type.Object({
  server: Type.Object({
    imageRef: Str(),
    flavorRef: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    user_data: Type.Optional(Type.Union([Base64, Type.Null()])),
    adminPass: Type.Optional(Str()),
    key_name: Type.Optional(Str()),
    vpcid: Str(),
    nics: Type.Array(Type.Object({
      subnet_id: Str(), ip_address: Type.Optional(Str(64)), 'binding:profile': Type.Optional(Open),
      extra_dhcp_opts: Type.Optional(Type.Array(Open)), ipv6_enable: Type.Optional(Type.Boolean()), ipv6_bandwidth: Type.Optional(Open),
    }, { additionalProperties: false }), { minItems: 1, maxItems: 12 }),
    publicip: Type.Optional(Open),
    count: Type.Optional(Int({ minimum: 1 })),
    isAutoRename: Type.Optional(Type.Boolean()),
    root_volume: Type.Optional(Open),
    data_volumes: Type.Optional(Type.Array(Open)),
    security_groups: Type.Optional(Type.Array(Type.Object({ id: Type.Optional(Str()) }, { additionalProperties: false }))),
    availability_zone: Type.Optional(Str()),
    extendparam: Type.Optional(Open),
    metadata: Type.Optional(Metadata),
    'os:scheduler_hints': Type.Optional(Type.Object({
      group: Type.Optional(Str()), tenancy: Type.Optional(Str(16)), dedicated_host_id: Type.Optional(Str()),
    }, { additionalProperties: false })),
    tags: Type.Optional(Type.Array(Str(), { maxItems: 10 })),
    server_tags: Type.Optional(Type.Array(Type.Object({ key: Str(), value: Type.Optional(Str()) }, { additionalProperties: false }), { maxItems: 10 })),
    description: Type.Optional(Str()),
    batch_create_in_multi_az: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type EcsCreateBody = Static<typeof EcsCreateBody>;

export const EcsDeleteBody = Type.Object({
  servers: Type.Array(Type.Object({ id: Str() }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }),
  delete_publicip: Type.Optional(Type.Boolean()),
  delete_volume: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type EcsDeleteBody = Static<typeof EcsDeleteBody>;

export const EcsMigrateBody = Type.Object({
  migrate: Type.Union([Type.Null(), Type.Object({ dedicated_host_id: Type.Optional(Str()) }, { additionalProperties: false })]),
}, { additionalProperties: false });
export type EcsMigrateBody = Static<typeof EcsMigrateBody>;

export const AutoRecoveryBody = Type.Object({
  support_auto_recovery: Type.Union([Type.Literal('true'), Type.Literal('false')]),
}, { additionalProperties: false });
export type AutoRecoveryBody = Static<typeof AutoRecoveryBody>;

export const ServerParams = Type.Object({ project_id: Type.String(), server_id: Type.String() });
export type ServerParams = Static<typeof ServerParams>;
export const ProjectParams = Type.Object({ project_id: Type.String() });
