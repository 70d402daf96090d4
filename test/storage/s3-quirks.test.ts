// Table tests of the S3 server quirks the adapter absorbs (the conformance suite proves them against the servers).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lostRaceToConflict, metaHeaderValue } from '../../lib/storage/s3-put.ts';

const test = suite('storage/s3-quirks');
const where = { bucket: 'cmp-ops-state', key: 'alert-router/state.json' };
const unknown500 = Object.assign(new Error(''), { code: 'UnknownError', statusCode: 500 });

const races: Array<[string, unknown, object, string | undefined]> = [
  ['RGW 500 UnknownError on If-Match', unknown500, { ifMatch: 'abc' }, 'CONFLICT'],
  ['RGW 500 UnknownError on If-None-Match', unknown500, { ifNoneMatch: '*' }, 'CONFLICT'],
  ['500 UnknownError on a plain PUT stays a server error', unknown500, {}, undefined],
  [
    '500 InternalError on If-Match stays a server error',
    Object.assign(new Error(''), { code: 'InternalError', statusCode: 500 }),
    { ifMatch: 'abc' },
    undefined,
  ],
  [
    '503 on If-Match stays a server error',
    Object.assign(new Error(''), { code: 'UnknownError', statusCode: 503 }),
    { ifMatch: 'abc' },
    undefined,
  ],
];
for (const [name, err, options, code] of races) {
  test(`lost race :: ${name}`, () => {
    assert.is(lostRaceToConflict(err, options, where)?.code, code);
  });
}

const values: Array<[string, string, string]> = [
  ['ASCII kept', 'DUTCH/a b+c.dat.sha256', 'DUTCH/a b+c.dat.sha256'],
  ['UTF-8 as RFC 2047', 'eph ü.dat', `=?UTF-8?B?${Buffer.from('eph ü.dat').toString('base64')}?=`],
  ['control character encoded', 'a\nb', `=?UTF-8?B?${Buffer.from('a\nb').toString('base64')}?=`],
  ['empty kept', '', ''],
];
for (const [name, value, header] of values) {
  test(`metadata header :: ${name}`, () => {
    assert.is(metaHeaderValue(value), header);
  });
}

test.run();
