import { Type, type Static } from 'typebox';

// The Keystone v3 token body (CONTRACT §1.5) as data; the client reads its catalog to find
// every other API, so only the fields a client needs are required here.

const NamedRef = Type.Object({ id: Type.String(), name: Type.String() });

export const CatalogEntryWire = Type.Object({
  type: Type.String(),
  name: Type.String(),
  id: Type.String(),
  endpoints: Type.Array(Type.Object({
    id: Type.String(), interface: Type.String(), region: Type.String(), region_id: Type.String(), url: Type.String(),
  })),
});
export type CatalogEntryWire = Static<typeof CatalogEntryWire>;

export const TokenResponse = Type.Object({
  token: Type.Object({
    methods: Type.Array(Type.String()),
    expires_at: Type.String(),
    issued_at: Type.String(),
    user: Type.Object({ id: Type.String(), name: Type.String(), domain: NamedRef }),
    project: Type.Optional(Type.Object({ id: Type.String(), name: Type.String(), domain: NamedRef })),
    domain: Type.Optional(NamedRef),
    roles: Type.Array(NamedRef),
    catalog: Type.Optional(Type.Array(CatalogEntryWire)),
  }),
});
export type TokenResponse = Static<typeof TokenResponse>;
