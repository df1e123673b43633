// --output yaml as aws CLI v2 prints it (ruamel's safe dumper): block style, sequences not indented under
// their key, single quotes where a plain scalar would read as another type (including ISO timestamps).
import { createRequire } from 'node:module';
import { isEmptyObject } from './json.ts';

export function formatYaml(data: unknown): string {
  if (isEmptyObject(data)) return '';
  // Loaded on use: most commands never print YAML.
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const text = stringify(data, { customTags: ['timestamp'], singleQuote: true, indentSeq: false, lineWidth: 80, minContentWidth: 0 });
  // A document that is one plain scalar ends with the document-end marker, as ruamel/PyYAML write it.
  const plainScalar = (data === null || typeof data !== 'object') && !/^['"|>]/.test(text) && text.indexOf('\n') === text.length - 1;
  return plainScalar ? `${text}...\n` : text;
}
