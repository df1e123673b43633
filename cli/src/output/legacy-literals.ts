// The aws CLI's JMESPath (jmespath.py) still accepts JSON literals with elided quotes, `Name` for `"Name"`
// (JEP-12's deprecated form, common in aws CLI examples: Tags[?Key==`team`]); the JMESPath Community
// implementation refuses them. This rewrites each such literal as jmespath.py reads it: a backtick literal
// that is not valid JSON becomes the JSON string of its text (leading whitespace dropped).

export function quoteLegacyLiterals(expression: string): string {
  let out = '';
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i];
    if (ch === "'" || ch === '"') {
      const end = closing(expression, i, ch);
      out += expression.slice(i, end + 1);
      i = end + 1;
    } else if (ch === '`') {
      const end = closing(expression, i, '`');
      if (end >= expression.length) return out + expression.slice(i);
      out += rewrite(expression.slice(i + 1, end));
      i = end + 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** Index of the unescaped `quote` closing the token opened at `start` (the length when it is not closed). */
function closing(text: string, start: number, quote: string): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') j += 1;
    else if (text[j] === quote) return j;
  }
  return text.length;
}

function rewrite(raw: string): string {
  const lexeme = raw.replace(/\\`/g, '`');
  try {
    JSON.parse(lexeme);
    return `\`${raw}\``;
  } catch {
    try {
      const value = JSON.parse(`"${lexeme.trimStart()}"`) as string;
      return `\`${JSON.stringify(value).replace(/`/g, '\\`')}\``;
    } catch {
      return `\`${raw}\``;
    }
  }
}
