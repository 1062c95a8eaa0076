/** Readers for the tshark golden files in test/golden (see test/golden/regenerate.sh). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const GOLDEN = join(REPO, 'test', 'golden');

export interface GoldenInput {
  name: string; // e.g. captures/tls13-wrong-ca or zeek/hrr
  input: string; // path relative to the repo
  keylog?: string;
  frames: number;
}

export function goldenInputs(): GoldenInput[] {
  const text = readFileSync(join(GOLDEN, 'index.tsv'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.split('\t');
      return { name: f[0], input: f[1], keylog: f[3] && f[3] !== '-' ? f[3] : undefined, frames: Number(f[6]) };
    });
}

export function rows(name: string, suffix: string): string[][] | null {
  const p = join(GOLDEN, `${name}.${suffix}`);
  if (!existsSync(p)) return null;
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

export function available(input: GoldenInput): boolean {
  return existsSync(join(REPO, input.input));
}
