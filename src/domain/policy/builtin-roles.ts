// Documents of the roles and system policies OpenDeH knows by name. The Keystone default roles
// (admin, member, reader) are not OTC names; they map as CONTRACT §9.3 says: admin → every
// action (te_admin + secu_admin, and the operator API), member → te_admin, reader → readonly.
// A grant whose policy is null is looked up here by name; an unknown name allows nothing.

/** Services a tenant administrator (te_admin) controls: all but IAM and the operator API. */
const TENANT_SERVICES = ['deh', 'ecs', 'cts', 'ims', 'evs', 'vpc'];

export const ROLE_DOCUMENTS: Readonly<Record<string, unknown>> = {
  admin: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['*:*:*'] }] },
  te_admin: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: TENANT_SERVICES.map((s) => `${s}:*:*`) }] },
  readonly: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: TENANT_SERVICES.flatMap((s) => [`${s}:*:get*`, `${s}:*:list*`]) }] },
  secu_admin: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['iam:*:*'] }] },
  server_adm: { Version: '1.0', Statement: [{ Effect: 'Allow', Action: ['ecs:*:*', 'evs:*:*', 'vpc:*:*', 'ims:*:*'] }] },
};

/** Keystone's default role names and the OTC roles they stand for. */
export const KEYSTONE_ROLE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  admin: ['admin'],
  member: ['te_admin'],
  _member_: ['te_admin'],
  reader: ['readonly'],
};

export function documentsForRoleName(name: string): unknown[] {
  const alias = KEYSTONE_ROLE_ALIASES[name];
  if (alias) return alias.map((n) => ROLE_DOCUMENTS[n]);
  const doc = ROLE_DOCUMENTS[name];
  return doc ? [doc] : [];
}
