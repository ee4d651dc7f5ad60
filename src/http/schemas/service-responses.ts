import { Type, type Static } from 'typebox';

// Answers outside the three OTC/OpenStack families' resources: version documents, probes,
// the operator API, the permission listing, this service's own OpenAPI document. Documented
// answers (see http/openapi/route-catalog.ts), not fastify serializers.

const Str = Type.String();
const Link = Type.Object({ rel: Str, href: Str });

export const DehVersion = Type.Object({
  id: Str, status: Str, updated: Str, min_version: Str, version: Str, links: Type.Array(Link),
});
export const DehVersionsResponse = Type.Object({ versions: Type.Array(DehVersion) });
export const DehVersionResponse = Type.Object({ version: DehVersion });

const KeystoneVersion = Type.Object({
  id: Str, status: Str, updated: Str, links: Type.Array(Link),
  'media-types': Type.Array(Type.Object({ base: Str, type: Str })),
});
export const KeystoneVersionsResponse = Type.Object({ versions: Type.Object({ values: Type.Array(KeystoneVersion) }) });
export const KeystoneVersionResponse = Type.Object({ version: KeystoneVersion });

const NovaVersion = Type.Object({ id: Str, status: Str, version: Str, min_version: Str, updated: Str, links: Type.Array(Type.Object({ rel: Str, href: Str })) });
export const NovaVersionsResponse = Type.Object({ versions: Type.Array(NovaVersion) });
export const NovaVersionResponse = Type.Object({ version: NovaVersion });

export const GlanceVersionsResponse = Type.Object({ versions: Type.Array(Type.Object({ id: Str, status: Str, links: Type.Array(Link) })) });

export const HealthResponse = Type.Object({ status: Type.Literal('ok') });
export const ReadyResponse = Type.Object({ status: Type.Literal('ready'), engine: Str });

export const PermissionsResponse = Type.Object({
  permissions: Type.Record(Str, Type.Boolean(), { description: 'every IAM action of the route table → whether the caller may perform it' }),
});
export type PermissionsResponse = Static<typeof PermissionsResponse>;

export const FaultResponse = Type.Object({ state: Type.Literal('fault'), failed_servers: Type.Integer({ description: 'how many ECSs went to ERROR' }) });
export const RepairResponse = Type.Object({ state: Type.Literal('available') });


export const OpenApiDocument = Type.Object({
  openapi: Type.String({ pattern: '^3\\.1\\.' }), info: Type.Object({ title: Str, version: Str }), paths: Type.Object({}),
});

/** Text answers (metrics, console assets). */
export const TextBody = Type.String();
