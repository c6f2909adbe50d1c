export type SplitCommand = { argv: string[] } | { error: string };

/**
 * Splits one command string into argv the way a POSIX shell would for plain words and
 * quotes; there is no shell, so variables, globs and pipes stay literal text.
 */
export function splitCommandLine(text: string): SplitCommand {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: `has an unclosed ' quote at character ${i + 1}; close it or use a list of arguments` };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      const read = readDoubleQuoted(text, i + 1);
      if (read === undefined) return { error: `has an unclosed " quote at character ${i + 1}; close it or use a list of arguments` };
      word += read.text;
      inWord = true;
      i = read.end;
    } else if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i++;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(word);
  return { argv };
}

/** Inside double quotes a backslash escapes only what a shell lets it escape there. */
function readDoubleQuoted(text: string, start: number): { text: string; end: number } | undefined {
  let out = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { text: out, end: i };
    if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
      if (text[i + 1] !== '\n') out += text[i + 1];
      i++;
    } else {
      out += c;
    }
  }
  return undefined;
}
