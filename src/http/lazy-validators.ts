import AjvCompiler from '@fastify/ajv-compiler';

// Fastify compiles every route's JSON schemas with ajv while the app starts: ~280 ms of a
// ~1.1 s start-up for our few hundred routes, most of which a given deployment never serves.
// This factory hands Fastify the same ajv compiler (same options, same shared schemas), but
// each route part's validator is compiled on its first request instead; the answer of every
// request, valid or not, is exactly what the eager validator gives.

type Factory = ReturnType<typeof AjvCompiler>;
type Route = Parameters<ReturnType<Factory>>[0];
type Validate = ReturnType<ReturnType<Factory>> & { errors?: unknown };

export function lazyValidators(): Factory {
  const eager = AjvCompiler();
  return ((externalSchemas: unknown, options: unknown) => {
    const compile = (eager as (s: unknown, o: unknown) => (r: Route) => Validate)(externalSchemas, options);
    return (route: Route) => {
      let compiled: Validate | undefined;
      // Fastify reads `.errors` off the function it was given after a failed call.
      const validate = ((data: unknown, ctx?: unknown) => {
        compiled ??= compile(route);
        const ok = (compiled as (d: unknown, c?: unknown) => unknown)(data, ctx);
        validate.errors = compiled.errors;
        return ok;
      }) as Validate;
      return validate;
    };
  }) as unknown as Factory;
}
