import { Type, type Static } from 'typebox';

// The three error body shapes (error-handler.ts errorBody), one per API family, as data: the
// OpenAPI document refers to them for every error status of a route of that family.

/** OTC DeH (and the operator API): `{"error":{"code":"DEH.xxxx","message":…},"request_id":…}`. */
export const DehError = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  request_id: Type.String(),
});
export type DehError = Static<typeof DehError>;

/** Keystone: `{"error":{"code":401,"title":"Unauthorized","message":…}}`. */
export const KeystoneError = Type.Object({
  error: Type.Object({ code: Type.Integer(), title: Type.String(), message: Type.String() }),
});
export type KeystoneError = Static<typeof KeystoneError>;

/** Nova: one key naming the fault (`itemNotFound`, `badRequest`, …) → `{code, message}`. */
export const NovaError = Type.Object({}, {
  minProperties: 1, maxProperties: 1,
  additionalProperties: Type.Object({ code: Type.Integer(), message: Type.String() }),
});
export type NovaError = Static<typeof NovaError>;
