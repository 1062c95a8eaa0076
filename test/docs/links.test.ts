/**
 * README.md and docs/: every relative link resolves to a file in the repository (and a #anchor to
 * a heading of that file), README stays short enough to read (≤ 30 KB), and the diagnosis
 * catalogue names every diagnosis code the analysis can emit.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO } from '../helpers/golden.js';

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (f.endsWith('.md')) out.push(p);
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(md: string): Set<string> {
  const out = new Set<string>();
  for (const m of md.matchAll(/^#{1,6} +(.+)$/gm)) {
    out.add(m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

/** Links outside code: [text](target) with a relative target. */
function links(md: string): string[] {
  const prose = md.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

const files = [join(REPO, 'README.md'), ...markdownFiles(join(REPO, 'docs'))];

describe('README and docs', () => {
  it('README.md is at most 30 KB', () => {
    expect(statSync(join(REPO, 'README.md')).size).toBeLessThanOrEqual(30 * 1024);
  });

  it.each(files.map((f) => [relative(REPO, f), f]))('%s: every relative link resolves inside the repository', (_n, file) => {
    const md = readFileSync(file, 'utf8');
    const bad: string[] = [];
    for (const l of links(md)) {
      const [path, anchor] = l.split('#');
      const target = path === '' ? file : join(dirname(file), decodeURIComponent(path));
      if (relative(REPO, target).startsWith('..') || !existsSync(target)) {
        bad.push(`${l} (no such file in the repository)`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) bad.push(`${l} (no such heading)`);
    }
    expect(bad).toEqual([]);
  });

  it('the link checker sees links, anchors and escapes from the repository', () => {
    expect(links('[a](x.md) [`b`](y.md) `[no](code.md)`\n```\n[c](z.md)\n```\n[d](https://e) [f](#g)')).toEqual(['x.md', 'y.md', '#g']);
    expect(anchors('## How it works (map of `src/`)').has('how-it-works-map-of-src')).toBe(true);
  });

  it('the diagnosis catalogue lists every code in src/analysis', () => {
    const codes = new Set<string>();
    for (const f of readdirSync(join(REPO, 'src', 'analysis'), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts')) continue;
      const src = readFileSync(join(REPO, 'src', 'analysis', f), 'utf8');
      for (const m of src.matchAll(/code: ([^,\n]+)/g)) for (const q of m[1].matchAll(/'([a-z0-9]+(?:-[a-z0-9]+)+)'/g)) codes.add(q[1]);
    }
    expect(codes.size).toBeGreaterThanOrEqual(15);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const catalogue = readme.slice(readme.indexOf('## Diagnosis catalogue'), readme.indexOf('<!-- catalogue:end -->'));
    const missing = [...codes].filter((c) => !catalogue.includes(`| \`${c}\` |`));
    expect(missing).toEqual([]);
  });
});
