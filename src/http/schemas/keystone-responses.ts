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

// ---- Keystone resources (views/keystone-view.ts) ----

const Str = Type.String();
const NullableStr = Type.Union([Type.String(), Type.Null()]);
const SelfLink = Type.Object({ self: Str });
/** Keystone's list links; previous/next are always null here (no paging). */
const ListLinks = Type.Object({ self: Str, previous: NullableStr, next: NullableStr });

export const ProjectWire = Type.Object({
  id: Str, name: Str, domain_id: Str, description: Str, enabled: Type.Boolean(), is_domain: Type.Boolean(),
  parent_id: NullableStr, tags: Type.Array(Str), links: SelfLink,
});
export const UserWire = Type.Object({
  id: Str, name: Str, domain_id: Str, enabled: Type.Boolean(), default_project_id: Type.Optional(Str),
  password_expires_at: Type.Null(), options: Type.Object({}), links: SelfLink,
});
/** A Keystone role, or a system/custom policy with OTC's extra fields (display_name, type, catalog, flag, policy …). */
export const RoleWire = Type.Object({
  id: Str, name: Str, domain_id: NullableStr, description: NullableStr, options: Type.Object({}), links: SelfLink,
  display_name: Type.Optional(Str), type: Type.Optional(NullableStr), catalog: Type.Optional(NullableStr), flag: Type.Optional(Str),
  policy: Type.Optional(Type.Unknown()), created_time: Type.Optional(Str), updated_time: Type.Optional(Str),
  references: Type.Optional(Type.Integer({ description: 'OS-ROLE answers: how many grants name the policy' })),
});
export type ProjectWire = Static<typeof ProjectWire>;
export type UserWire = Static<typeof UserWire>;
export type RoleWire = Static<typeof RoleWire>;
export const CustomRoleWire = Type.Intersect([RoleWire, Type.Object({ references: Type.Integer() })]);
export const GroupWire = Type.Object({ id: Str, name: Str, description: NullableStr, domain_id: Str, links: SelfLink });
export type GroupWire = Static<typeof GroupWire>;
export const DomainWire = Type.Object({
  id: Str, name: Str, description: Str, enabled: Type.Boolean(), tags: Type.Array(Str), options: Type.Object({}), links: SelfLink,
});

export const ProjectResponse = Type.Object({ project: ProjectWire });
export const ProjectsResponse = Type.Object({ projects: Type.Array(ProjectWire), links: ListLinks });
export const UserResponse = Type.Object({ user: UserWire });
export const UsersResponse = Type.Object({ users: Type.Array(UserWire), links: ListLinks });
export const RoleResponse = Type.Object({ role: RoleWire });
export const RolesResponse = Type.Object({ roles: Type.Array(RoleWire), links: ListLinks });
export const GroupResponse = Type.Object({ group: GroupWire });
export const GroupsResponse = Type.Object({ groups: Type.Array(GroupWire), links: ListLinks });
export const DomainResponse = Type.Object({ domain: DomainWire });
export const DomainsResponse = Type.Object({ domains: Type.Array(DomainWire), links: ListLinks });
export const CatalogResponse = Type.Object({ catalog: Type.Array(CatalogEntryWire), links: ListLinks });

const IdRef = Type.Object({ id: Str });
export const AssignmentWire = Type.Object({
  role: IdRef, user: Type.Optional(IdRef), group: Type.Optional(IdRef),
  scope: Type.Object({ project: Type.Optional(IdRef), domain: Type.Optional(IdRef), 'OS-INHERIT:inherited_to': Type.Optional(Type.Literal('projects')) }),
  links: Type.Object({ assignment: Str, membership: Type.Optional(Str) }),
});
export type AssignmentWire = Static<typeof AssignmentWire>;
export const RoleAssignmentsResponse = Type.Object({ role_assignments: Type.Array(AssignmentWire), links: ListLinks });

/** OTC OS-ROLE (custom policies). */
export const CustomRoleResponse = Type.Object({ role: CustomRoleWire });
export const CustomRolesResponse = Type.Object({
  links: Type.Object({ self: Str, previous: NullableStr, next: NullableStr }),
  roles: Type.Array(CustomRoleWire),
  total_number: Type.Integer(),
});
