import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/dialects.js';

// The console's files as the API process serves them: content types, the Accept exemption
// of /console, the compiled client next to them, and nothing outside the two directories.

for (const dialect of DIALECTS) {
  describe(`console assets [${dialect}]`, () => {
    let t: TestApp;
    before(async () => { t = await buildTestApp(dialect); });
    after(async () => { await t.close(); });

    const get = (url: string) => t.call('GET', url, { headers: { accept: 'text/html,*/*;q=0.1' } });

    test('the page, its assets and the client are served with their content types', async () => {
      for (const [url, type] of [
        ['/console', 'text/html; charset=utf-8'], ['/console/', 'text/html; charset=utf-8'],
        ['/console/app.js', 'text/javascript; charset=utf-8'], ['/console/console.css', 'text/css; charset=utf-8'],
        ['/console/favicon.svg', 'image/svg+xml'], ['/console/client/index.js', 'text/javascript; charset=utf-8'],
      ]) {
        const r = await get(url);
        assert.equal(r.statusCode, 200, url);
        assert.equal(r.headers['content-type'], type, url);
        assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
      }
      assert.match((await get('/console')).body, /<script type="module" src="\/console\/app.js">/);
    });

    test('unknown names and paths outside the console are 404', async () => {
      for (const url of ['/console/nope.js', '/console/..%2Fpackage.json', '/console/client/index.js.map', '/console/client/..%2F..%2Fmain.js', '/console/index.html/x']) {
        assert.equal((await get(url)).statusCode, 404, url);
      }
    });

    test('the API keeps refusing non-JSON Accept outside /console', async () => {
      assert.equal((await t.call('GET', '/v1.0', { headers: { accept: 'text/html' } })).statusCode, 406);
      assert.equal((await t.call('GET', '/console', { headers: { accept: 'text/html' } })).statusCode, 200);
    });
  });
}
