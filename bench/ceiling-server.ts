import Fastify from 'fastify';

// The ceiling: a bare fastify route answering a fixed JSON body, in its own process, driven
// with the same client settings as every scenario. Scenarios are reported as a ratio to it,
// because on a shared 2-core machine ratios within one run compare, absolute numbers do not.
//
// GET /payload answers whatever JSON was last PUT to /payload (a real answer of the scenario
// being measured, serialised by fastify on every request as the server does): the cost of
// carrying that answer over HTTP with nothing else, so a 100 KB list page can be compared
// with moving 100 KB, not only with a 200-byte body.

const BODY = {
  versions: [{ id: 'v1.0', links: [{ href: 'http://127.0.0.1/v1.0/', rel: 'self' }], min_version: '', status: 'SUPPORTED', updated: '2016-12-01T11:33:21Z', version: '' }],
};
let payload: unknown = BODY;

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.get('/', async () => BODY);
app.get('/payload', async () => payload);
app.put('/payload', async (req, reply) => {
  payload = req.body;
  return reply.code(204).send();
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
