/**
 * The detail pane: the selected event's decoded fields as a collapsible tree — its role in the mTLS
 * flow, where it is on the wire, the decoded `details` (extensions, cipher suites ...), the
 * certificate chain (subject / issuer / validity / EKU / fingerprint) and the CertificateRequest CA
 * list. Labels are terminal-safe; `flattenTree` turns the open part of the tree into lines.
 */
import type { CertificateModel, ConnectionModel, EventModel } from '../../analysis/model.js';
import { eventLabel } from '../../report/ladder.js';
import { displayText as san } from './text.js';
import { explainEvent } from './explain.js';
import { seg, type Style, type StyledLine } from './styled.js';
import { wrap } from './text.js';

export interface TreeNode {
  /** Path-like id, unique in its tree (keeps the open/closed state). */
  id: string;
  label: string;
  style?: Style;
  /** Open when first shown. */
  open?: boolean;
  children?: TreeNode[];
}

export interface TreeLine {
  node: TreeNode;
  depth: number;
  expandable: boolean;
  expanded: boolean;
}

/** Arrays longer than this show the first items and a "+N more" line. */
const MAX_ARRAY_ITEMS = 500;
const MAX_DEPTH = 8;

function leaf(id: string, label: string, style?: Style): TreeNode {
  return style ? { id, label, style } : { id, label };
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return san(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return san(JSON.stringify(v) ?? '');
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** Generic JSON (event.details) to nodes; objects in arrays are named after their `name` field. */
export function jsonNode(id: string, key: string, v: unknown, depth = 0): TreeNode {
  if (isScalar(v) || depth >= MAX_DEPTH) return leaf(id, `${san(key)}: ${scalar(v)}`);
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every(isScalar) && v.length <= 4 && v.join(', ').length <= 60) {
      return leaf(id, `${san(key)}: ${v.map(scalar).join(', ')}`);
    }
    const children = v.slice(0, MAX_ARRAY_ITEMS).map((item, i) => {
      const obj = item as Record<string, unknown> | null;
      const name = obj && typeof obj === 'object' && !Array.isArray(obj) && typeof obj.name === 'string' ? obj.name : undefined;
      return jsonNode(`${id}/${i}`, name ?? `[${i}]`, item, depth + 1);
    });
    if (v.length > MAX_ARRAY_ITEMS) children.push(leaf(`${id}/more`, `(+${v.length - MAX_ARRAY_ITEMS} more)`, 'dim'));
    return { id, label: `${san(key)} (${v.length})`, children };
  }
  const entries = Object.entries(v as Record<string, unknown>);
  // an object whose only non-scalar content is small reads best on one line
  const children = entries.filter(([k]) => k !== 'name').map(([k, val]) => jsonNode(`${id}/${k}`, k, val, depth + 1));
  return { id, label: san(key), children };
}

export function certificateNode(id: string, title: string, c: CertificateModel, open: boolean): TreeNode {
  const kids: TreeNode[] = [
    leaf(`${id}/subject`, `subject: ${san(c.subject)}`),
    leaf(`${id}/issuer`, `issuer: ${san(c.issuer)}`),
    leaf(`${id}/validity`, `valid: ${san(c.notBefore)} .. ${san(c.notAfter)}`),
  ];
  if (c.extendedKeyUsage) kids.push(leaf(`${id}/eku`, `extended key usage: ${c.extendedKeyUsage.map(san).join(', ') || '(none)'}`));
  if (c.keyUsage) kids.push(leaf(`${id}/ku`, `key usage: ${c.keyUsage.map(san).join(', ')}`));
  if (c.subjectAltNames && c.subjectAltNames.length > 0) {
    kids.push(jsonNode(`${id}/san`, 'subject alt names', c.subjectAltNames));
  }
  kids.push(leaf(`${id}/sha256`, `SHA-256: ${san(c.sha256)}`));
  if (c.serialNumber) kids.push(leaf(`${id}/serial`, `serial: ${san(c.serialNumber)}`));
  if (c.publicKey) kids.push(leaf(`${id}/pk`, `public key: ${san(c.publicKey)}`));
  if (c.signatureAlgorithm) kids.push(leaf(`${id}/sig`, `signature: ${san(c.signatureAlgorithm)}`));
  if (c.selfSigned !== undefined) kids.push(leaf(`${id}/self`, `self-signed: ${c.selfSigned ? 'yes' : 'no'}`));
  if (c.isCa !== undefined) kids.push(leaf(`${id}/ca`, `CA: ${c.isCa ? 'yes' : 'no'}`));
  if (c.error) kids.push(leaf(`${id}/err`, `parse error: ${san(c.error)}`, 'error'));
  return { id, label: `${title}: ${san(c.subject)}`, open, children: kids };
}

function wireNode(e: EventModel): TreeNode {
  const kids: TreeNode[] = [];
  const frames = e.frames && e.frames.length > 1 ? `frames ${e.frames.join(', ')} (completed in ${e.frame})` : `frame ${e.frame}`;
  kids.push(leaf('wire/frame', frames));
  kids.push(leaf('wire/time', `time: ${san(e.time)}${e.relTime !== undefined ? ` (+${e.relTime.toFixed(6)} s)` : ''}`));
  kids.push(leaf('wire/dir', `direction: ${e.direction}`));
  kids.push(leaf('wire/vis', `visibility: ${e.visibility}`, e.visibility === 'plaintext' ? undefined : e.visibility));
  if (e.recordIndex !== undefined) kids.push(leaf('wire/rec', `TLS record: ${e.recordIndex} (in this direction)`));
  if (e.streamOffset !== undefined) kids.push(leaf('wire/off', `stream offset: ${e.streamOffset}`));
  if (e.length !== undefined) kids.push(leaf('wire/len', `length: ${e.length} bytes`));
  return { id: 'wire', label: 'On the wire', open: true, children: kids };
}

/** JA4 / JA3 under the ClientHello, JA3S under the ServerHello (the connection's fingerprints). */
function fingerprintNode(e: EventModel, c: ConnectionModel): TreeNode | undefined {
  const f = c.fingerprints;
  if (!f || e.kind !== 'handshake') return undefined;
  const kids: TreeNode[] = [];
  if (e.type === 'ClientHello' && e.direction === 'client->server' && f.ja4 !== undefined) {
    kids.push(leaf('fp/ja4', `JA4: ${f.ja4}`, 'bold'));
    if (f.ja4_r !== undefined) kids.push(leaf('fp/ja4r', `JA4_r: ${f.ja4_r}`));
    if (f.ja3 !== undefined) kids.push(leaf('fp/ja3', `JA3: ${f.ja3}`, 'bold'));
    if (f.ja3_full !== undefined) kids.push(leaf('fp/ja3full', `JA3 string: ${f.ja3_full}`));
  } else if (e.type === 'ServerHello' && f.ja3s !== undefined) {
    kids.push(leaf('fp/ja3s', `JA3S: ${f.ja3s}`, 'bold'));
    if (f.ja3s_full !== undefined) kids.push(leaf('fp/ja3sfull', `JA3S string: ${f.ja3s_full}`));
  }
  return kids.length > 0 ? { id: 'fp', label: 'Fingerprints', open: true, children: kids } : undefined;
}

/** The tree for one event of connection `c`. */
export function eventTree(e: EventModel, c: ConnectionModel): TreeNode {
  const isAlert = e.kind === 'alert';
  const root: TreeNode = {
    id: 'root',
    label: san(eventLabel(e)),
    style: isAlert ? 'alert' : undefined,
    open: true,
    children: [],
  };
  const kids = root.children as TreeNode[];
  if (isAlert) {
    // who sent it first: alerts are most often misread as local failures
    const who = e.direction === 'client->server' ? 'client' : 'server';
    kids.push(leaf('alert/who', `sent by: the ${who}`, 'bold'));
    kids.push(leaf('alert/level', `level: ${e.level ?? '?'}`));
    kids.push(leaf('alert/desc', `description: ${san(e.description ?? '?')}${e.code !== undefined ? ` (${e.code})` : ''}`, 'alert'));
  }
  kids.push(leaf('role', `Role: ${explainEvent(e, c.version)}`, 'info'));
  if (e.reason) kids.push(leaf('reason', `Why: ${san(e.reason)}`, e.visibility === 'inferred' ? 'inferred' : undefined));
  if (e.certificates) {
    const fromClient = e.direction === 'client->server';
    const chainKids = e.certificates.map((cert, i) =>
      certificateNode(`chain/${i}`, i === 0 ? 'leaf' : `[${i}]`, cert, i === 0),
    );
    if (chainKids.length === 0) chainKids.push(leaf('chain/empty', 'EMPTY: no certificates', 'warning'));
    kids.push({
      id: 'chain',
      label: `${fromClient ? 'Client' : 'Server'} certificate chain (${e.certificates.length})`,
      style: fromClient ? 'client-cert' : undefined,
      open: true,
      children: chainKids,
    });
  }
  if (e.certificateAuthorities) {
    const cas = e.certificateAuthorities;
    kids.push({
      id: 'cas',
      label: `Acceptable client CAs (${cas.length})`,
      open: true,
      children: cas.length > 0 ? cas.map((dn, i) => leaf(`cas/${i}`, san(dn))) : [leaf('cas/none', '(none named: any CA)', 'dim')],
    });
  }
  if (e.application) {
    const d = jsonNode('app', 'Decrypted application data (first bytes)', e.application);
    d.open = true;
    kids.push(d);
  }
  const fp = fingerprintNode(e, c);
  if (fp) kids.push(fp);
  if (e.details && Object.keys(e.details).length > 0) {
    const d = jsonNode('details', 'Decoded fields', e.details);
    d.open = true;
    kids.push(d);
  }
  kids.push(wireNode(e));
  return root;
}

/** The ids of the nodes open by default. */
export function defaultOpen(root: TreeNode): Set<string> {
  const open = new Set<string>();
  const walk = (n: TreeNode): void => {
    if (n.open) open.add(n.id);
    n.children?.forEach(walk);
  };
  walk(root);
  return open;
}

/** Every expandable node id (expand all). */
export function allExpandable(root: TreeNode): Set<string> {
  const ids = new Set<string>();
  const walk = (n: TreeNode): void => {
    if (n.children && n.children.length > 0) ids.add(n.id);
    n.children?.forEach(walk);
  };
  walk(root);
  return ids;
}

/** The visible lines of the tree given the open node ids. */
export function flattenTree(root: TreeNode, open: ReadonlySet<string>): TreeLine[] {
  const out: TreeLine[] = [];
  const walk = (n: TreeNode, depth: number): void => {
    const expandable = (n.children?.length ?? 0) > 0;
    const expanded = expandable && open.has(n.id);
    out.push({ node: n, depth, expandable, expanded });
    if (expanded) for (const ch of n.children as TreeNode[]) walk(ch, depth + 1);
  };
  walk(root, 0);
  return out;
}

/** Index of the parent line of line `i` (for "collapse / go to parent"), or -1. */
export function parentLine(lines: TreeLine[], i: number): number {
  const d = lines[i]?.depth ?? 0;
  for (let j = i - 1; j >= 0; j--) if (lines[j].depth < d) return j;
  return -1;
}

/** One tree line as display rows of at most `width` cells (long labels wrap under themselves). */
export function renderTreeLine(l: TreeLine, width: number): StyledLine[] {
  const indent = '  '.repeat(Math.min(l.depth, 12));
  const mark = l.expandable ? (l.expanded ? '[-] ' : '[+] ') : '  ';
  const prefix = indent + mark;
  const labelWidth = Math.max(10, width - prefix.length);
  const parts = wrap(l.node.label, labelWidth);
  return parts.map((p, i) => [seg(i === 0 ? prefix : ' '.repeat(prefix.length), 'dim'), seg(p, l.node.style)]);
}
