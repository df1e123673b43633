import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLog, prettyMessage } from './log.ts';

test('JSON format: one object a line, with the level, time, pid and fields', () => {
  const lines: string[] = [];
  const log = createLog({ level: 'info', format: 'json' }, { write: (line: string) => void lines.push(line) });
  log.info({ requestId: 'r-1', status: 200 }, 'request');
  log.debug('below the level');
  assert.equal(lines.length, 1);
  assert.ok(lines[0].endsWith('\n') && !lines[0].slice(0, -1).includes('\n'));
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.level, 30);
  assert.equal(entry.msg, 'request');
  assert.equal(entry.requestId, 'r-1');
  assert.equal(entry.pid, process.pid);
  assert.equal(typeof entry.time, 'number');
});

test('pretty format: a request is one line of text, an error about a request names it', () => {
  const request = { msg: 'request', requestId: 'r-2', service: 'secretsmanager', operation: 'GetSecretValue', principal: 'arn:aws:iam::111122223333:user/app', sourceIp: '127.0.0.1', status: 400, errorType: 'ResourceNotFoundException', latencyMs: 0.42 };
  assert.equal(prettyMessage(request, 'msg'), 'secretsmanager.GetSecretValue 400 ResourceNotFoundException 0.42 ms arn:aws:iam::111122223333:user/app from 127.0.0.1 (request r-2)');
  assert.equal(prettyMessage({ msg: 'request failed', requestId: 'r-3', operation: 'PutSecretValue', error: 'x' }, 'msg'), 'request failed (requestId=r-3 operation=PutSecretValue)');
  assert.equal(prettyMessage({ msg: 'SIGTERM: shutting down' }, 'msg'), 'SIGTERM: shutting down');
});
