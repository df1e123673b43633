// Component tests of the editors (key/value, tags, policy) in jsdom: their own rules, the messages they
// show, and what they hand back. The end-to-end suites drive the same components in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byLabel, button, click, render, type } from './support/dom.ts';
import { createElement, useState } from 'react';
import { KeyValueEditor } from '../src/features/editors/key-value-editor.tsx';
import { keyValueProblems, parseKeyValue, serializeKeyValue, type KeyValueRow } from '../src/features/editors/key-value.ts';
import { TagsEditor } from '../src/features/editors/tags-editor.tsx';
import { diffTags, tagProblems, type TagRow } from '../src/features/editors/tags.ts';
import { PolicyEditor, type PolicyValidator } from '../src/features/editors/policy-editor.tsx';

function stateful<T>(Component: (p: { rows: T; onChange: (rows: T) => void }) => unknown, initial: T, seen: { rows: T }) {
  return function Harness() {
    const [rows, setRows] = useState(initial);
    seen.rows = rows;
    return createElement(Component as never, { rows, onChange: setRows });
  };
}

test('key/value: a flat JSON object round-trips; anything else has no key/value view', () => {
  assert.deepEqual(parseKeyValue('{"username":"anika","port":5432}'), [{ key: 'username', value: 'anika' }, { key: 'port', value: '5432' }]);
  assert.equal(parseKeyValue('plain text'), undefined);
  assert.equal(parseKeyValue('["a"]'), undefined);
  assert.equal(parseKeyValue('{"nested":{"a":1}}'), undefined);
  assert.equal(serializeKeyValue([{ key: 'a', value: '1' }, { key: '', value: '' }, { key: 'b', value: 'x"y' }]), '{"a":"1","b":"x\\"y"}');
  assert.deepEqual([...keyValueProblems([{ key: 'a', value: '1' }, { key: 'a', value: '2' }, { key: '', value: 'v' }])], [[1, 'The key a is already used; each key appears once.'], [2, 'Enter a key.']]);
});

test('key/value editor: typing, adding and removing rows; a duplicate key is marked on its row', async () => {
  const seen = { rows: [] as KeyValueRow[] };
  const { container, unmount } = await render(createElement(stateful(KeyValueEditor, [{ key: 'username', value: 'anika' }], seen)));
  await type(byLabel(container, 'Value 1'), 'bob');
  await click(button(container, 'Add row'));
  await type(byLabel(container, 'Key 2'), 'username');
  assert.match(container.textContent!, /The key username is already used/);
  assert.equal(byLabel(container, 'Key 2')!.getAttribute('aria-invalid'), 'true');
  await type(byLabel(container, 'Key 2'), 'password');
  assert.doesNotMatch(container.textContent!, /already used/);
  await type(byLabel(container, 'Value 2'), 's3cret');
  assert.deepEqual(seen.rows, [{ key: 'username', value: 'bob' }, { key: 'password', value: 's3cret' }]);
  await click(button(container, 'Remove row 1'));
  assert.deepEqual(seen.rows, [{ key: 'password', value: 's3cret' }]);
  await unmount();
});

test('tags: case-sensitive keys, one tag per key, reserved aws: prefix, lengths; the diff to send', () => {
  assert.equal(tagProblems([{ key: 'Env', value: '' }, { key: 'env', value: '' }]).size, 0);
  assert.match(tagProblems([{ key: 'env', value: 'a' }, { key: 'env', value: 'b' }]).get(1)!, /Only one tag can have the key env/);
  assert.match(tagProblems([{ key: 'aws:x', value: '' }]).get(0)!, /reserved/);
  assert.match(tagProblems([{ key: 'k'.repeat(129), value: '' }]).get(0)!, /128/);
  assert.match(tagProblems([{ key: '', value: 'v' }]).get(0)!, /Enter a tag key/);
  assert.match(tagProblems([{ key: 'a', value: 'v'.repeat(257) }]).get(0)!, /256/);
  assert.deepEqual(diffTags([{ key: 'team', value: 'a' }, { key: 'old', value: '1' }, { key: 'same', value: 's' }], [{ key: 'team', value: 'b' }, { key: 'same', value: 's' }, { key: 'new', value: 'n' }]), {
    add: [{ key: 'team', value: 'b' }, { key: 'new', value: 'n' }],
    remove: ['old'],
  });
});

test('tags editor: the rule is stated, a duplicate key explained inline, rows added and removed', async () => {
  const seen = { rows: [] as TagRow[] };
  const { container, unmount } = await render(createElement(stateful(TagsEditor, [{ key: 'team', value: 'payments' }], seen)));
  assert.match(container.textContent!, /Tag keys and values are case sensitive. Only one tag on a secret can have a given key./);
  await click(button(container, 'Add tag'));
  await type(byLabel(container, 'Tag key 2'), 'team');
  assert.match(container.querySelector('#tag-problem-1')!.textContent!, /Only one tag can have the key team. Keys are case sensitive, so team and TEAM would be two keys./);
  await type(byLabel(container, 'Tag key 2'), 'Team');
  assert.equal(container.querySelector('#tag-problem-1'), null);
  await type(byLabel(container, 'Tag value 2'), 'x');
  await click(button(container, 'Remove tag 1'));
  assert.deepEqual(seen.rows, [{ key: 'Team', value: 'x' }]);
  await unmount();
});

test('policy editor: JSON problems inline, ValidateResourcePolicy findings and the API error shown, the text kept', async () => {
  const calls: string[] = [];
  let answer: Awaited<ReturnType<PolicyValidator>> | Error = { PolicyValidationPassed: true, ValidationErrors: [] };
  const validate: PolicyValidator = async (text) => { calls.push(text); if (answer instanceof Error) throw answer; return answer; };
  const seen = { text: '' };
  function Harness() {
    const [text, setText] = useState('');
    seen.text = text;
    return createElement(PolicyEditor, { value: text, onChange: setText, validate });
  }
  const { container, unmount } = await render(createElement(Harness));
  const editor = byLabel(container, 'Resource policy (JSON)')!;
  await type(editor, '{"Statement": [');
  assert.match(container.textContent!, /The policy is not valid JSON/);
  await click(button(container, 'Validate policy'));
  assert.equal(calls.length, 0, 'invalid JSON is not sent');
  await type(editor, '{"Version":"2012-10-17"}');
  assert.match(container.textContent!, /The policy has no Statement/);
  const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Resource":"*"}]}';
  await type(editor, policy);
  await click(button(container, 'Validate policy'));
  assert.deepEqual(calls, [policy]);
  assert.match(container.textContent!, /Policy validation passed./);
  answer = { PolicyValidationPassed: false, ValidationErrors: [{ CheckName: 'x', ErrorMessage: 'The policy grants access to everyone.' } as never] };
  await type(editor, policy + ' ');
  await click(button(container, 'Validate policy'));
  assert.match(container.querySelector('[role=alert]')!.textContent!, /The policy grants access to everyone./);
  answer = Object.assign(new Error('User: x is not authorized to perform: secretsmanager:ValidateResourcePolicy'), { name: 'AccessDeniedException' });
  await click(button(container, 'Validate policy'));
  assert.match(container.textContent!, /AccessDeniedException: User: x is not authorized/);
  assert.equal(seen.text, policy + ' ');
  await unmount();
});
