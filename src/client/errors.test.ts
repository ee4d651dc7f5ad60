import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseErrorBody } from './errors.js';

// The three error shapes the service produces (http/error-handler.ts), plus what a proxy in
// front of it might answer.

describe('parseErrorBody', () => {
  const cases: [string, number, string, { code: string; message: string }][] = [
    ['DeH', 404, '{"error":{"code":"DEH.0404","message":"DeH x could not be found"},"request_id":"req-1"}', { code: 'DEH.0404', message: 'DeH x could not be found' }],
    ['Keystone', 401, '{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}', { code: 'Unauthorized', message: 'The request you have made requires authentication.' }],
    ['Nova', 404, '{"itemNotFound":{"code":404,"message":"Server s could not be found."}}', { code: 'itemNotFound', message: 'Server s could not be found.' }],
    ['flat message', 400, '{"message":"bad"}', { code: 'HTTP400', message: 'bad' }],
    ['HTML from a proxy', 502, '<html>Bad Gateway</html>', { code: 'HTTP502', message: '<html>Bad Gateway</html>' }],
    ['empty body', 503, '', { code: 'HTTP503', message: 'HTTP 503' }],
  ];
  for (const [name, status, body, expected] of cases) {
    test(name, () => assert.deepEqual(parseErrorBody(status, body), expected));
  }
});
