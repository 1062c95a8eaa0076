/**
 * No import circles in src/ (type-only imports included, as `npx madge --circular --extensions ts
 * src` counts them): the stages depend one way, and modules inside a stage do too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? modules(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports and re-exports of a module (static, type-only and `import('...')` types). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...[...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Every circle, as the modules on it (strongly connected components of more than one module). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w.startsWith(SRC) ? relative(SRC, w) : w);
    } while (w !== v);
    if (scc.length > 1) out.push(scc.sort());
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return out;
}

describe('module structure', () => {
  it('src/ has no import circles', () => {
    const files = modules(SRC);
    expect(files.length).toBeGreaterThan(100);
    expect(circles(new Map(files.map((f) => [f, imports(f)])))).toEqual([]);
  });

  it('the circle finder finds circles, long and short, and nothing in a chain', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(circles(g({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
    expect(circles(g({ a: ['b'], b: ['a'], c: ['a'] }))).toEqual([['a', 'b']]);
    expect(circles(g({ a: ['b'], b: ['c'], c: ['a'], d: ['e'], e: ['d'] }))).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  it('reads type-only imports and re-exports too', () => {
    const stage = imports(join(SRC, 'tls/tls-stage.ts'));
    expect(stage).toContain(join(SRC, 'tls/tls-connection.ts'));
    expect(stage).toContain(join(SRC, 'tls/stage-options.ts'));
    expect(imports(join(SRC, 'tls/tls-connection.ts'))).toContain(join(SRC, 'tls/stage-options.ts'));
  });
});
