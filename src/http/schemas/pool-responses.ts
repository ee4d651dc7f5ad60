import { Type } from 'typebox';

// Answers of the physical-pool operator API (routes/operator-pool.ts, docs/operations.md#physical-pool),
// documented for /openapi.json and checked against every answer of the test suite.

const Str = Type.String();
const NullableStr = Type.Union([Str, Type.Null()]);
const Int = Type.Integer();

export const PhysicalServerWire = Type.Object({
  id: Str, name: Str, availability_zone: Str, host_type: Str, state: Str,
  dedicated_host_id: NullableStr, created_at: Str, updated_at: Str,
});
export const PoolSummaryResponse = Type.Object({
  configured: Type.Boolean(),
  pool: Type.Array(Type.Object({ availability_zone: Str, host_type: Str, free: Int, allocated: Int, faulty: Int, retired: Int })),
});
export const PhysicalServersResponse = Type.Object({ physical_servers: Type.Array(PhysicalServerWire) });
export const PhysicalServerResponse = Type.Object({ physical_server: PhysicalServerWire });
export const RecoveriesResponse = Type.Object({
  recoveries: Type.Array(Type.Object({
    id: Str, dedicated_host_id: Str, project_id: Str, availability_zone: Str, host_type: Str, state: Str,
    new_dedicated_host_id: NullableStr, attempts: Int, detail: Str, created_at: Str, updated_at: Str,
  })),
});
