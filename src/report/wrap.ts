/**
 * Word wrap for the text report: a line longer than the width breaks at spaces, continuation
 * lines indented under the text (after `why: ` / `fix: `, else 4 columns in). Colour codes take
 * no columns; a word longer than the width stays whole. Terminal attributes carry over the
 * line break, so a painted line stays painted.
 */
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

const visible = (s: string) => s.replace(SGR, '').length;

/** `sep` is what words are separated by (the connection header separates its fields by two spaces). */
export function wrapText(line: string, width: number | undefined, sep = ' '): string {
  if (width === undefined || !(width > 0) || visible(line) <= width) return line;
  // colour codes before the indent stay in front of it
  const m = /^((?:\x1b\[[0-9;]*m)*)( *)/.exec(line)!;
  const indent = m[2];
  const label = /^ *(?:why|fix|evidence): /.exec(line.replace(SGR, ''));
  let hang = label ? ' '.repeat(label[0].length) : `${indent}    `;
  if (hang.length > width / 2) hang = indent.slice(0, Math.floor(width / 4));
  const words = line.slice(m[0].length).split(sep);
  const out: string[] = [];
  let cur = m[1] + indent;
  let len = indent.length;
  let fresh = true; // nothing on the current line yet
  for (const w of words) {
    if (w === '' && fresh) continue;
    const wl = visible(w);
    if (!fresh && len + sep.length + wl > width) {
      out.push(cur.trimEnd());
      cur = hang;
      len = hang.length;
      fresh = true;
      if (w === '') continue;
    }
    cur += fresh ? w : `${sep}${w}`;
    len += fresh ? wl : wl + sep.length;
    fresh = false;
  }
  out.push(cur);
  return out.join('\n');
}
