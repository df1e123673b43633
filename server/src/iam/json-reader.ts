// A strict JSON reader for policy documents. JSON.parse would do, except for two things a policy author
// needs: the line and column of a syntax error, and duplicate keys. JSON.parse keeps the last of two
// `"StringEquals"` blocks and silently drops the first, which turns a two-condition Allow into a
// one-condition Allow; we refuse such documents instead (a deliberate deviation, see README.md).
// Objects come back with a null prototype, so a `__proto__` key is plain data.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type ReadResult = { ok: true; value: JsonValue } | { ok: false; message: string };

class JsonSyntaxError extends Error {}

// Nesting deeper than this is not a policy; refusing early keeps the recursion bounded.
const MAX_DEPTH = 64;

export function readJson(text: string): ReadResult {
  let pos = 0;

  const fail = (what: string, at = pos): never => {
    let line = 1;
    let col = 1;
    for (let i = 0; i < at && i < text.length; i++) {
      if (text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    throw new JsonSyntaxError(`${what} at line ${line}, column ${col}`);
  };
  const describe = (ch: string | undefined) => (ch === undefined ? 'end of input' : `'${ch}'`);

  const skipSpace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };

  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    let chunk = pos;
    for (;;) {
      if (pos >= text.length) fail('Unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(chunk, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('Control character in string (escape it)');
      if (c === 0x5c) {
        out += text.slice(chunk, pos);
        const e = text[pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else fail(`Invalid escape sequence '\\${e ?? ''}'`);
        chunk = pos;
        continue;
      }
      pos++;
    }
  };

  const readNumber = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 64));
    if (!m) fail(`Unexpected ${describe(text[pos])}`);
    pos += m![0].length;
    return Number(m![0]);
  };

  const readLiteral = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    return fail(`Unexpected ${describe(text[pos])}`);
  };

  const readValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('Document nested too deeply');
    skipSpace();
    const ch = text[pos];
    if (ch === '{') return readObject(depth);
    if (ch === '[') return readArray(depth);
    if (ch === '"') return readString();
    if (ch === 't') return readLiteral('true', true);
    if (ch === 'f') return readLiteral('false', false);
    if (ch === 'n') return readLiteral('null', null);
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return readNumber();
    return fail(`Unexpected ${describe(ch)}, expected a value`);
  };

  const readObject = (depth: number): JsonObject => {
    const obj = Object.create(null) as JsonObject;
    pos++;
    skipSpace();
    if (text[pos] === '}') {
      pos++;
      return obj;
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail(`Unexpected ${describe(text[pos])}, expected a quoted key`);
      const keyAt = pos;
      const key = readString();
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        fail(`Duplicate key "${key}" (JSON keeps only the last one, so the first would be silently ignored)`, keyAt);
      }
      skipSpace();
      if (text[pos] !== ':') fail(`Unexpected ${describe(text[pos])}, expected ':' after key "${key}"`);
      pos++;
      obj[key] = readValue(depth + 1);
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      fail(`Unexpected ${describe(text[pos])}, expected ',' or '}'`);
    }
  };

  const readArray = (depth: number): JsonValue[] => {
    const arr: JsonValue[] = [];
    pos++;
    skipSpace();
    if (text[pos] === ']') {
      pos++;
      return arr;
    }
    for (;;) {
      arr.push(readValue(depth + 1));
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      fail(`Unexpected ${describe(text[pos])}, expected ',' or ']'`);
    }
  };

  try {
    // A UTF-8 byte order mark is harmless and some editors add it.
    if (text.charCodeAt(0) === 0xfeff) pos = 1;
    const value = readValue(0);
    skipSpace();
    if (pos < text.length) fail(`Unexpected ${describe(text[pos])} after the end of the document`);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, message: err.message };
    throw err;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
