import { Permissions } from '../src/services/permissions.js';

// Preloaded ONLY by `npm run bench:iam` into the baseline server (node --import
// dist/bench/skip-permission-check.js dist/src/main.js): every permission check answers
// "allowed" without compiling or evaluating a policy, so the same request measured against a
// normal server shows what the check costs. No flag in the server's configuration can do this;
// it exists only as this bench file. It imports the module the server itself loads (same URL,
// so the same class) and replaces its method.

const ALLOWED = Object.freeze({ allowed: true as const, reason: 'allow' as const, by: 'bench: permission check skipped' });
(Permissions.prototype as { check: unknown }).check = () => ALLOWED;
