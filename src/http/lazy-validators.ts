import AjvCompiler from '@fastify/ajv-compiler';

// Fastify compiles every route's JSON schemas with ajv while the app starts: ~280 ms of a
// ~1.1 s start-up for our few hundred routes, most of which a given deployment never serves.
// This factory hands Fastify the same ajv compiler (same options, same shared schemas), but
// each route part's validator is compiled on its first request instead; the answer of every
// request, valid or not, is exactly what the eager validator gives. Two things Fastify does
// only for its own compiler are not done for this one: header schemas are not lower-cased
// (app.ts refuses a route whose header schema names a header in capitals: Node lower-cases
// incoming names, so it could never match) and their $ref checks (no header schema uses one).

type Factory = ReturnType<typeof AjvCompiler>;
type Route = Parameters<ReturnType<Factory>>[0];
type Validate = ReturnType<ReturnType<Factory>> & { errors?: unknown };

export function lazyValidators(): Factory {
  const eager = AjvCompiler();
  return ((externalSchemas: unknown, options: unknown) => {
    const compile = (eager as (s: unknown, o: unknown) => (r: Route) => Validate)(externalSchemas, options);
    return (route: Route) => {
      let compiled: Validate | undefined;
      let broken: Error | undefined;
      // Fastify reads `.errors` off the function it was given after a failed call.
      const validate = ((data: unknown, ctx?: unknown) => {
        // A schema ajv refuses used to stop the start; now its route answers 500 (once
        // compiled, remembered). The fuzz suite sends requests to every route, so such a
        // schema fails the tests instead of reaching a user.
        if (broken) throw broken;
        try {
          compiled ??= compile(route);
        } catch (e) {
          broken = new Error(`${route.method} ${route.url} ${route.httpPart}: schema does not compile: ${(e as Error).message}`);
          throw broken;
        }
        const ok = (compiled as (d: unknown, c?: unknown) => unknown)(data, ctx);
        validate.errors = compiled.errors;
        return ok;
      }) as Validate;
      return validate;
    };
  }) as unknown as Factory;
}
