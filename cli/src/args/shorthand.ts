// The aws CLI's shorthand syntax (`Key=a,Value=b`, `Values=x,y`, `Values=[x,y]`, `M={a=1}`, quoted values,
// `\,` escapes, `Key@=file://path`), parsed as awscli/shorthand.py parses it: into strings, lists and objects,
// with no knowledge of the model (unpack.ts then applies the shapes). Errors give positions, never the input.
import { loadParamFile } from './param-file.ts';

export type ShorthandValue = string | Buffer | ShorthandValue[] | { [key: string]: ShorthandValue };

export class ShorthandSyntaxError extends Error {}

const START_WORD = "!#-&(-+\\--<>-Z\\\\-z|-\\uffff";
const FIRST_FOLLOW = "\\s!#-&(-+\\--\\\\\\\\^-|~-\\uffff";
const SECOND_FOLLOW = "\\s!#-&(-+\\--<>-\\uffff";
const ESCAPED_COMMA = '(\\\\,)';
const FIRST_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${FIRST_FOLLOW}])*`, 'y');
const SECOND_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${SECOND_FOLLOW}])*`, 'y');
const SINGLE_QUOTED = /'(?:\\'|[^'])*'/y;
const DOUBLE_QUOTED = /"(?:\\"|[^"])*"/y;
const KEY_CHARS = /[A-Za-z0-9\-_.#/:]/;
const WHITESPACE = ' \t\n\r\x0b\x0c';

export function parseShorthand(input: string, flag: string): { [key: string]: ShorthandValue } {
  return new Parser(input, flag).parameter();
}

class Parser {
  private index = 0;
  private resolveFiles = false;

  constructor(private readonly input: string, private readonly flag: string) {}

  parameter(): { [key: string]: ShorthandValue } {
    const params: { [key: string]: ShorthandValue } = {};
    let [key, value] = this.keyval();
    params[key] = value;
    while (this.index < this.input.length) {
      this.expect(',', true);
      const at = this.index;
      [key, value] = this.keyval();
      if (Object.hasOwn(params, key)) {
        throw new ShorthandSyntaxError(`Second instance of key "${key}" encountered at position ${at}. This is often because there is a preceding "," instead of a space.`);
      }
      params[key] = value;
    }
    return params;
  }

  private keyval(): [string, ShorthandValue] {
    const key = this.key();
    this.resolveFiles = false;
    this.consumeWhitespace();
    if (this.current() === '@') {
      this.index += 1;
      this.resolveFiles = true;
    }
    this.expect('=', true);
    return [key, this.values()];
  }

  private key(): string {
    const start = this.index;
    while (!this.atEof() && KEY_CHARS.test(this.input[this.index])) this.index += 1;
    return this.input.slice(start, this.index);
  }

  private values(): ShorthandValue {
    if (this.atEof()) return '';
    if (this.current() === '[') return this.explicitList();
    if (this.current() === '{') return this.hashLiteral();
    return this.csvValue();
  }

  private csvValue(): ShorthandValue {
    const first = this.firstValue();
    this.consumeWhitespace();
    if (this.atEof() || this.input[this.index] !== ',') return first;
    this.expect(',', true);
    const list: ShorthandValue[] = [first];
    for (;;) {
      try {
        const current = this.secondValue();
        this.consumeWhitespace();
        if (this.atEof()) {
          list.push(current);
          break;
        }
        this.expect(',', true);
        list.push(current);
      } catch (err) {
        if (!(err instanceof ShorthandSyntaxError) || this.atEof()) throw err;
        this.backtrackTo(',');
        break;
      }
    }
    return list.length === 1 ? first : list;
  }

  private value(): ShorthandValue {
    const consumed = this.match(FIRST_VALUE);
    if (consumed === undefined) return '';
    return this.file(consumed.replace(/\\,/g, ',').trimEnd());
  }

  private explicitList(): ShorthandValue[] {
    this.expect('[', true);
    const values: ShorthandValue[] = [];
    while (this.current() !== ']') {
      values.push(this.explicitValues());
      this.consumeWhitespace();
      if (this.current() !== ']') {
        this.expect(',');
        this.consumeWhitespace();
      }
    }
    this.expect(']');
    return values;
  }

  private explicitValues(): ShorthandValue {
    if (this.current() === '[') return this.explicitList();
    if (this.current() === '{') return this.hashLiteral();
    return this.firstValue();
  }

  private hashLiteral(): { [key: string]: ShorthandValue } {
    this.expect('{', true);
    const out: { [key: string]: ShorthandValue } = {};
    while (this.current() !== '}') {
      const key = this.key();
      this.resolveFiles = false;
      this.consumeWhitespace();
      if (this.current() === '@') {
        this.index += 1;
        this.resolveFiles = true;
      }
      this.expect('=', true);
      const v = this.explicitValues();
      this.consumeWhitespace();
      if (this.current() !== '}') {
        this.expect(',');
        this.consumeWhitespace();
      }
      out[key] = v;
    }
    this.expect('}');
    return out;
  }

  private firstValue(): ShorthandValue {
    if (this.current() === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (this.current() === '"') return this.quoted(DOUBLE_QUOTED, '"');
    return this.value();
  }

  private secondValue(): ShorthandValue {
    if (this.current() === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (this.current() === '"') return this.quoted(DOUBLE_QUOTED, '"');
    const consumed = this.match(SECOND_VALUE);
    if (consumed === undefined) throw this.syntaxError('<second>', '<none>');
    return this.file(consumed.replace(/\\,/g, ',').trimEnd());
  }

  private quoted(regex: RegExp, quote: string): ShorthandValue {
    const consumed = this.match(regex);
    if (consumed === undefined) throw this.syntaxError(`<${quote === '"' ? 'double' : 'singled'} quoted>`, '<none>');
    const inner = consumed.slice(1, -1).split(`\\${quote}`).join(quote).split('\\\\').join('\\');
    return this.file(inner);
  }

  private file(value: string): ShorthandValue {
    return this.resolveFiles ? (loadParamFile(value, this.flag) ?? value) : value;
  }

  private match(regex: RegExp): string | undefined {
    regex.lastIndex = this.index;
    const m = regex.exec(this.input);
    if (!m) return undefined;
    this.index += m[0].length;
    return m[0];
  }

  private expect(char: string, consumeWhitespace = false): void {
    if (consumeWhitespace) this.consumeWhitespace();
    if (this.atEof()) throw this.syntaxError(char, 'EOF');
    const actual = this.input[this.index];
    if (actual !== char) throw this.syntaxError(char, actual === '\n' ? '\\n' : actual);
    this.index += 1;
    if (consumeWhitespace) this.consumeWhitespace();
  }

  private syntaxError(expected: string, actual: string): ShorthandSyntaxError {
    return new ShorthandSyntaxError(`Expected: '${expected}', received: '${actual}' at position ${this.index} of the shorthand value`);
  }

  private current(): string | undefined {
    return this.index < this.input.length ? this.input[this.index] : undefined;
  }

  private atEof(): boolean {
    return this.index >= this.input.length;
  }

  private backtrackTo(char: string): void {
    while (this.index >= 0 && this.input[this.index] !== char) this.index -= 1;
  }

  private consumeWhitespace(): void {
    while (!this.atEof() && WHITESPACE.includes(this.input[this.index])) this.index += 1;
  }
}
