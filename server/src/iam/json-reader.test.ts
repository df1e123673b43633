import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readJson } from './json-reader.ts';

describe('readJson agrees with JSON.parse on valid documents', () => {
  const docs = [
    '{}', '[]', 'null', 'true', 'false', '0', '-1.5e3', '"x"', '"\\u00e9\\n\\t\\"\\\\\\/"', '{"a":[1,2,{"b":null}],"c":"d"}',
    ' \n\t{ "a" : 1 } \r\n', '"😀 ü"', '[[[[[]]]]]', '{"":""}',
  ];
  for (const text of docs) {
    it(text.trim().slice(0, 40), () => {
      const r = readJson(text);
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.deepEqual(JSON.parse(JSON.stringify(r.value)), JSON.parse(text));
    });
  }
  it('skips a UTF-8 byte order mark', () => {
    const r = readJson('\ufeff{"a":1}');
    assert.ok(r.ok);
  });
  it('objects have no prototype, so __proto__ is an ordinary key', () => {
    const r = readJson('{"__proto__": {"polluted": true}}');
    assert.ok(r.ok);
    assert.equal(Object.getPrototypeOf(r.value), null);
    assert.deepEqual(Object.keys(r.value as object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('readJson errors say what and where', () => {
  const cases: Array<[string, string]> = [
    ['', 'Unexpected end of input, expected a value at line 1, column 1'],
    ['{', 'Unexpected end of input, expected a quoted key at line 1, column 2'],
    ['{"a"}', "Unexpected '}', expected ':' after key \"a\" at line 1, column 5"],
    ['{"a":1,}', "Unexpected '}', expected a quoted key at line 1, column 8"],
    ['[1,]', "Unexpected ']', expected a value at line 1, column 4"],
    ['[1 2]', "Unexpected '2', expected ',' or ']' at line 1, column 4"],
    ['{"a":1 "b":2}', "Unexpected '\"', expected ',' or '}' at line 1, column 8"],
    ["{'a':1}", "Unexpected ''', expected a quoted key at line 1, column 2"],
    ['"abc', 'Unterminated string at line 1, column 1'],
    ['"a\\x"', "Invalid escape sequence '\\x' at line 1, column 3"],
    ['"a\nb"', 'Control character in string (escape it) at line 1, column 3'],
    ['tru', "Unexpected 't' at line 1, column 1"],
    ['01', "Unexpected '1' after the end of the document at line 1, column 2"],
    ['{"a":1}\n{"b":2}', "Unexpected '{' after the end of the document at line 2, column 1"],
    ['{"a":1,"a":2}', 'Duplicate key "a" (JSON keeps only the last one, so the first would be silently ignored) at line 1, column 8'],
    ['{\n  "x": {\n    "k": 1,\n    "k": 2\n  }\n}', 'Duplicate key "k" (JSON keeps only the last one, so the first would be silently ignored) at line 4, column 5'],
    ['[' .repeat(100), 'Document nested too deeply at line 1, column 66'],
    ['NaN', "Unexpected 'N', expected a value at line 1, column 1"],
  ];
  for (const [text, message] of cases) {
    it(JSON.stringify(text).slice(0, 40), () => assert.deepEqual(readJson(text), { ok: false, message }));
  }
});
