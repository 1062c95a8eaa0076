/**
 * The shape of a diagnosis rule and what every rule reads: the finished connection model, the
 * analysis-stage context (certificate context, TLS 1.3 size inference, acceptance) and a few TLS
 * facts the model does not carry (DiagnosisFacts). Rules run in the explicit order of
 * ./index.ts; a rule may read what earlier rules found (`x.out`, `x.explained`) and says so.
 */
import type { TlsFacts } from '../../tls/events.js';
import type { CertContext } from '../certificates.js';
import type { Tls13Inference } from '../infer-tls13.js';
import type { CatalogueEntry, CertificateModel, ConnectionModel, DiagnosisModel, EventModel } from '../model.js';
import type { ChainCheck } from '../chain-check.js';
import type { DiagnosisCode, Severity } from '../diagnosis-codes.js';
import { clientAbort, serverAcceptance, type Acceptance, type ClientAbort } from '../acceptance.js';
import { AlertDescription as AD } from '../../tls/registry/index.js';

/** Client alerts that reject the server's certificate. */
const SERVER_CERT_REJECT = new Set<number>([
  AD.bad_certificate, AD.unsupported_certificate, AD.certificate_revoked, AD.certificate_expired,
  AD.certificate_unknown, AD.unknown_ca, AD.access_denied,
]);

/** TLS-stage facts a rule needs that the connection model does not hold (built once per connection). */
export interface DiagnosisFacts {
  /** A real ServerHello (not a HelloRetryRequest) was parsed: its random is known. */
  serverHelloSeen: boolean;
  /** The client was told by the ServerHello: the ClientHello is not in the capture. */
  clientHelloMissing: boolean;
  /** Key-log secrets exist for the connection but do not decrypt it. */
  keyProblem?: string;
  /** Secret labels missing from the key log. */
  missingSecrets?: readonly string[];
  /** Capture gaps inside the TLS stream (capped by the tls stage). */
  gaps?: ReadonlyArray<{ streamOffset: number; length: number; frames: readonly number[] }>;
}

export function diagnosisFacts(f: TlsFacts): DiagnosisFacts {
  return {
    serverHelloSeen: f.serverRandom !== undefined,
    clientHelloMissing: f.clientSideBy === 'server-hello',
    ...(f.keyProblem !== undefined ? { keyProblem: f.keyProblem } : {}),
    ...(f.missingSecrets !== undefined ? { missingSecrets: f.missingSecrets } : {}),
    ...(f.gaps !== undefined ? { gaps: f.gaps } : {}),
  };
}

/** What a rule states about one connection: only what is specific to it (the generic
 * explanation and the fix are the rule's, in the catalogue). The engine adds code, severity and `inferred`. */
export interface Finding {
  summary: string;
  /** Connection-specific facts and conclusions, in words (alerts, CA lists, names, frames, times). */
  evidence?: Array<string | undefined | false>;
  evidenceFrames: number[];
  /** For rules whose `inferred` depends on the evidence. */
  inferred?: boolean;
}

/** The generic text of a diagnosis code (../diagnosis-catalogue.ts): rfc (the RFC section or other
 * reference the rule rests on), explanation (what the code means, nothing about a particular
 * connection) and fix (what to change, for the stacks our users run). */
export type CodeText = CatalogueEntry;

/**
 * One rule: when it applies, what it cites, and the diagnosis it makes. `each` makes a rule
 * apply per item (every unexplained alert, every side's Certificate message). Rules with the
 * same code share one CodeText.
 */
export interface DiagnosisRule<T = undefined> extends CodeText {
  /** Unique, stable name of the rule (tests name rules by it). */
  name: string;
  code: DiagnosisCode;
  /** Fixed, or decided by the evidence. */
  severity: Severity | ((x: RuleContext, it: T) => Severity);
  /** The evidence the diagnosis cites, in words. */
  cites: string;
  /** Every diagnosis of this rule rests on inference (sizes, timing). */
  inferred?: true;
  each?: (x: RuleContext) => readonly T[];
  appliesWhen: (x: RuleContext, it: T) => boolean;
  evaluate: (x: RuleContext, it: T) => Finding;
  /** Alerts the diagnosis accounts for: the generic handshake-alert rule skips them. */
  explains?: (x: RuleContext, it: T) => EventModel[];
  /** Earlier diagnoses this one replaces (withdrawn after it is added, the others keep their order). */
  supersedes?: (x: RuleContext, it: T, earlier: DiagnosisModel) => boolean;
}

/** A rule with its item type erased, for the table. */
export type AnyRule = DiagnosisRule<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function rule<T = undefined>(r: DiagnosisRule<T>): DiagnosisRule<T> {
  return r;
}

/** The inputs of every rule, plus lazily computed shared evidence and the findings so far. */
export class RuleContext {
  /** Diagnoses made so far, in rule order. */
  readonly out: DiagnosisModel[] = [];
  /** Alerts some diagnosis accounts for. */
  readonly explained = new Set<EventModel>();
  private readonly memo = new Map<string, unknown>();

  constructor(
    readonly m: ConnectionModel,
    readonly certs: CertContext,
    readonly inf: Tls13Inference | undefined,
    readonly tls: DiagnosisFacts,
    /** The client chain verified offline against --ca (../chain-check.ts; given by ../diagnose.ts, so
     * that the rules — and the catalogue built from them — do not load the X.509 code). */
    readonly chainCheck: (chain: CertificateModel[], atIso: string) => ChainCheck = () => ({ text: '' }),
  ) {}

  /** Computes `f` once per connection. */
  once<V>(key: string, f: () => V): V {
    if (this.memo.has(key)) return this.memo.get(key) as V;
    const v = f();
    this.memo.set(key, v);
    return v;
  }

  get events(): EventModel[] {
    return this.m.events;
  }
  /** The server's CertificateRequest. */
  get certRequest(): EventModel | undefined {
    return this.once('cr', () => this.m.events.find((e) => e.type === 'CertificateRequest' && e.direction === 'server->client'));
  }
  /** The client's Certificate handshake message. */
  get clientCert(): EventModel | undefined {
    return this.once('clientCert', () => this.m.events.find((e) => e.type === 'Certificate' && e.direction === 'client->server' && e.kind === 'handshake'));
  }
  /** The server's Certificate handshake message. */
  get serverCert(): EventModel | undefined {
    return this.once('serverCert', () => this.m.events.find((e) => e.type === 'Certificate' && e.direction === 'server->client' && e.kind === 'handshake'));
  }
  get clientCv(): EventModel | undefined {
    return this.once('clientCv', () => this.m.events.find((e) => e.type === 'CertificateVerify' && e.direction === 'client->server'));
  }
  /** Accepted or rejected by the server (../acceptance.ts). */
  get acceptance(): Acceptance {
    return this.once('acc', () => serverAcceptance(this.m, this.inf));
  }
  /** The client closed right after the server's flight (../acceptance.ts), unless it rejected the server by alert. */
  get clientAbort(): ClientAbort | null {
    return this.once('abort', () => (this.clientRejectAlert ? null : clientAbort(this.m)));
  }
  /** The client's alert after the server's Certificate that rejects it (bad_certificate ... access_denied). */
  get clientRejectAlert(): EventModel | undefined {
    return this.once('clientReject', () =>
      after(this.m.events, this.serverCert).find((e) => e.kind === 'alert' && who(e) === 'client' && SERVER_CERT_REJECT.has(e.code ?? -1)),
    );
  }
  has(code: DiagnosisCode): boolean {
    return this.out.some((d) => d.code === code);
  }
  hasError(): boolean {
    return this.out.some((d) => d.severity === 'error');
  }
}

export function who(e: EventModel): 'client' | 'server' {
  return e.direction === 'client->server' ? 'client' : 'server';
}

export function after(events: EventModel[], ref: EventModel | undefined): EventModel[] {
  if (!ref) return [];
  const i = events.indexOf(ref);
  return i < 0 ? [] : events.slice(i + 1);
}

export function alertSentence(a: EventModel, aboutWhose: string): string {
  return `the ${who(a)} sent alert ${a.description} (${a.code}) in frame ${a.frame}${a.visibility === 'decrypted' ? ' (decrypted)' : ''}${aboutWhose}`;
}

/** The frames given, without the unknown and the 0 ones. */
export function frames(...f: Array<number | undefined>): number[] {
  return f.filter((x): x is number => x !== undefined && x > 0);
}

/** The frames given, without the unknown ones. */
export function known(...f: Array<number | undefined>): number[] {
  return f.filter((x): x is number => x !== undefined);
}
