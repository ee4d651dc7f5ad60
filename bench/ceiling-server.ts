import Fastify from 'fastify';

// The ceiling: a bare fastify route answering a fixed JSON body, in its own process, driven
// with the same client settings as every scenario. Scenarios are reported as a ratio to it,
// because on a shared 2-core machine ratios within one run compare, absolute numbers do not.

const BODY = {
  versions: [{ id: 'v1.0', links: [{ href: 'http://127.0.0.1/v1.0/', rel: 'self' }], min_version: '', status: 'SUPPORTED', updated: '2016-12-01T11:33:21Z', version: '' }],
};

const app = Fastify({ logger: false });
app.get('/', async () => BODY);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
