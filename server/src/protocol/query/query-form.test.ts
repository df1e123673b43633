// The Query protocol's form parsing and XML answers: pure, no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../errors/aws-errors.ts';
import { isQueryRequest, parseQueryForm } from './form.ts';
import { errorXml, resultXml } from './xml.ts';

const parse = (body: string) => parseQueryForm(Buffer.from(body), '2011-06-15');
const code = (body: string): string => {
  try {
    parse(body);
  } catch (err) {
    assert.ok(err instanceof AwsError);
    assert.equal(err.status, 400);
    return err.code;
  }
  return 'parsed';
};

test('a form: Action, Version and the other pairs, decoded as the SDKs encode them', () => {
  assert.deepEqual(parse('Action=GetCallerIdentity&Version=2011-06-15&A=x+y%26z'), { action: 'GetCallerIdentity', version: '2011-06-15', params: { A: 'x y&z' } });
});

test('a form without Action or Version, or of another version, is a 400 with its own code', () => {
  assert.equal(code(''), 'MissingAction');
  assert.equal(code('Action=&Version=2011-06-15'), 'MissingAction');
  assert.equal(code('Action=GetCallerIdentity'), 'MissingParameter');
  assert.equal(code('Action=GetCallerIdentity&Version=2010-01-01'), 'InvalidAction');
  assert.equal(code('%zz=%zz&Action=%'), 'MissingParameter');
});

test('only form content types are Query requests', () => {
  assert.equal(isQueryRequest('application/x-www-form-urlencoded; charset=utf-8'), true);
  assert.equal(isQueryRequest('Application/X-WWW-Form-Urlencoded'), true);
  assert.equal(isQueryRequest('application/x-amz-json-1.1'), false);
  assert.equal(isQueryRequest(undefined), false);
});

test('answers escape what they carry', () => {
  assert.equal(
    resultXml('Op', 'urn:ns', { A: 'a<&>"\'', Skipped: undefined }, 'r1'),
    '<OpResponse xmlns="urn:ns"><OpResult><A>a&lt;&amp;&gt;&quot;&apos;</A></OpResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></OpResponse>',
  );
  assert.equal(
    errorXml(new AwsError('InvalidAction', 'Could not find operation <x>'), 'urn:ns', 'r2'),
    '<ErrorResponse xmlns="urn:ns"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation &lt;x&gt;</Message></Error><RequestId>r2</RequestId></ErrorResponse>',
  );
  assert.match(errorXml(new AwsError('InternalFailure', 'x', 500, true), 'urn:ns', 'r3'), /<Type>Receiver<\/Type>/);
});
