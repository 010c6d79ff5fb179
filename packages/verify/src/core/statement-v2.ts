// The certificate statement, version 2 (docs/FORMAT.md section 5.4). It keeps
// what version 1 says about the destroyed objects and names no other object:
// the retained, exception and re-scan lists are files of their own (list.ts),
// of which the statement holds only the heads (tree root, count, file digest).
// It also names the tool, each target's system and the order's deadline.
import { type Attestation, checkAttestation } from './attestation.js';
import { type Approval, checkApprovalsAgainstOrder, checkApprovalShape } from './approval.js';
import { checkDerivedArtifacts, DERIVED_TARGET_PREFIX, type DerivedArtifactEntry } from './derived-artifacts.js';
import { ValidationError } from './errors.js';
import type { CertificateStatement, DerivedArtifact, TargetSummary, TreeHead } from './statement.js';
import { checkSharedShape, checkSharedSums, checkTreeHead, MERKLE_ALGORITHM, STATEMENT_TYPE } from './statement-shape.js';
import { compareTimes } from './time.js';
import { Checker, type Obj } from './validate.js';

export const CERTIFICATE_PAYLOAD_TYPE_V2 = 'application/vnd.shredproof.certificate.v2+json';
export const STATEMENT_VERSION_V2 = 2;
/** SHA-256 of nothing: the root of an empty tree (RFC 6962 section 2.1) and the digest of an empty file. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A list file as the statement commits to it: the RFC 6962 tree over its lines, and the whole file's SHA-256. */
export interface ListHead {
  algorithm: typeof MERKLE_ALGORITHM;
  treeSize: number;
  rootHash: string;
  sha256: string;
}

export const RESCAN_STATUSES = ['held', 'exception', 'unplanned', 'recreated'] as const;
export type RescanStatus = (typeof RESCAN_STATUSES)[number];
/** How many entries of rescan.ndjson have each status. */
export type RescanStatuses = Record<RescanStatus, number>;

export interface TargetSummaryV2 extends TargetSummary {
  /** The store, named by its operator without any secret: a bucket and region, a host and path. */
  system: string;
}

export interface CertificateStatementV2 {
  type: typeof STATEMENT_TYPE;
  version: typeof STATEMENT_VERSION_V2;
  certificateId: string;
  issuedAt: string;
  issuer: { name: string; keyid: string };
  /** The software that executed the order and issued the certificate. */
  tool: { name: string; version: string };
  /** Version 1's order, and the order document's deadline when it set one. */
  order: CertificateStatement['order'] & { deadline?: string };
  merkle: TreeHead;
  records: { sha256: string; bytes: number };
  inventory: TreeHead & { bytes: number; plannedAt: string };
  /** withinDeadline: finishedAt <= order.deadline; present exactly when the deadline is. */
  execution: { startedAt: string; finishedAt: string; withinDeadline?: boolean };
  targets: TargetSummaryV2[];
  completeness: { planned: number; destroyed: number; retained: number; exceptions: number };
  rescan: { completedAt: string; remaining: number; items: ListHead; statuses: RescanStatuses };
  exceptions: ListHead;
  retained: ListHead;
  derived: DerivedArtifact[];
  audit?: { entries: number; head: string };
  status: 'complete' | 'complete-with-exceptions';
  /** The approvals signed with people's own keys (section 5.9); absent from certificates issued before they existed. */
  approvals?: Approval[];
  /** The derived artifacts the order reached, and what became of each (section 5.10). */
  derivedArtifacts?: DerivedArtifactEntry[];
  /** Who performed and validated it, and the officer's declaration (section 5.11); absent when the order names none. */
  attestation?: Attestation;
}

export type AnyCertificateStatement = CertificateStatement | CertificateStatementV2;

export function isStatementV2(s: AnyCertificateStatement): s is CertificateStatementV2 {
  return s.version === STATEMENT_VERSION_V2;
}

// C0, DEL and C1: a system name is shown to people, and these are commands to a terminal.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkListHead(c: Checker, v: unknown, path: string): void {
  const o = checkTreeHead(c, v, path);
  if (o) c.hex(o.sha256, `${path}.sha256`, 32);
}

/** Field problems of the members version 2 adds or changes. */
function shapeProblems(s: Obj, c: Checker): void {
  const shared = checkSharedShape(s, c, (t, p) => {
    if (c.string(t.system, `${p}.system`, { max: 256 }) !== undefined && CONTROL.test(t.system as string)) {
      c.add(`${p}.system`, 'must not contain a control character');
    }
  });
  const tool = c.object(s.tool, '$.tool');
  if (tool) {
    c.string(tool.name, '$.tool.name', { max: 200 });
    c.string(tool.version, '$.tool.version', { max: 200 });
  }
  if (shared.order && shared.order.deadline !== undefined) c.time(shared.order.deadline, '$.order.deadline');
  const within = shared.execution?.withinDeadline;
  if (within !== undefined && typeof within !== 'boolean') c.add('$.execution.withinDeadline', 'must be true or false');
  checkListHead(c, s.retained, '$.retained');
  checkListHead(c, s.exceptions, '$.exceptions');
  if (shared.rescan) {
    checkListHead(c, shared.rescan.items, '$.rescan.items');
    const statuses = c.object(shared.rescan.statuses, '$.rescan.statuses');
    if (statuses) for (const k of RESCAN_STATUSES) c.count(statuses[k], `$.rescan.statuses.${k}`);
  }
  if (s.approvals !== undefined) c.array(s.approvals, '$.approvals')?.forEach((a, i) => checkApprovalShape(c, a, `$.approvals[${i}]`));
  if (s.attestation !== undefined) checkAttestation(c, s.attestation);
}

/** Cross-checks of version 2: the list heads are the counts the statement gives, and the deadline is told right. */
function listProblems(s: CertificateStatementV2, c: Checker): void {
  const { completeness: comp, rescan } = s;
  const sum = (f: (t: TargetSummaryV2) => number) => s.targets.reduce((a, t) => a + f(t), 0);
  if (sum((t) => t.retained) !== comp.retained) c.add('$.targets', 'retained counts do not add up to completeness.retained');
  if (sum((t) => t.exceptions) !== comp.exceptions) c.add('$.targets', 'exceptions counts do not add up to completeness.exceptions');
  if (s.retained.treeSize !== comp.retained) c.add('$.retained.treeSize', `${s.retained.treeSize} != completeness.retained ${comp.retained}`);
  if (s.exceptions.treeSize !== comp.exceptions) c.add('$.exceptions.treeSize', `${s.exceptions.treeSize} != completeness.exceptions ${comp.exceptions}`);
  if (rescan.items.treeSize !== rescan.remaining) c.add('$.rescan.items.treeSize', `${rescan.items.treeSize} != rescan.remaining ${rescan.remaining}`);
  const statuses = RESCAN_STATUSES.reduce((a, k) => a + rescan.statuses[k], 0);
  if (statuses !== rescan.remaining) c.add('$.rescan.statuses', `add up to ${statuses}, rescan.remaining is ${rescan.remaining}`);
  const heads: Array<[ListHead, string]> = [[s.retained, '$.retained'], [s.exceptions, '$.exceptions'], [rescan.items, '$.rescan.items']];
  for (const [head, path] of heads) {
    if (head.treeSize !== 0) continue;
    // An empty list is an empty file: its tree and its digest are both SHA-256 of nothing.
    if (head.rootHash !== EMPTY_SHA256) c.add(`${path}.rootHash`, `must be ${EMPTY_SHA256} (the empty tree) when treeSize is 0`);
    if (head.sha256 !== EMPTY_SHA256) c.add(`${path}.sha256`, `must be ${EMPTY_SHA256} (an empty file) when treeSize is 0`);
  }
  const { deadline } = s.order;
  const { withinDeadline, finishedAt } = s.execution;
  if (deadline === undefined) {
    if (withinDeadline !== undefined) c.add('$.execution.withinDeadline', 'is present, but order.deadline is not');
  } else if (withinDeadline === undefined) {
    c.add('$.execution.withinDeadline', `is missing, but order.deadline is ${deadline}`);
  } else if (withinDeadline !== compareTimes(finishedAt, deadline) <= 0) {
    c.add('$.execution.withinDeadline', `must be ${!withinDeadline}: finishedAt ${finishedAt}, deadline ${deadline}`);
  }
}

/**
 * Validates an untrusted version 2 statement: shape first, then every sum of
 * section 5.4. Throws ValidationError listing every problem by its JSON path.
 * Unknown members are allowed, never __proto__, constructor or prototype;
 * `version` must be 2.
 */
export function validateStatementV2(value: unknown): CertificateStatementV2 {
  const c = new Checker();
  const s = c.object(value, '$');
  if (!s) throw new ValidationError('invalid certificate statement', c.problems);
  c.literal(s.version, '$.version', [STATEMENT_VERSION_V2]);
  c.noForbiddenMembers(s, '$');
  shapeProblems(s, c);
  if (c.problems.length === 0) {
    const v2 = s as unknown as CertificateStatementV2;
    checkSharedSums(v2, c);
    listProblems(v2, c);
    if (v2.approvals !== undefined) checkApprovalsAgainstOrder(c, v2.approvals, v2.order);
    const targetNames = v2.targets.map((t) => t.name);
    if (v2.derivedArtifacts !== undefined) checkDerivedArtifacts(c, v2.derivedArtifacts, v2.targets);
    else if (targetNames.some((t) => t.startsWith(DERIVED_TARGET_PREFIX))) c.add('$.derivedArtifacts', `is missing, but the statement has derived artifacts' targets (${DERIVED_TARGET_PREFIX}...)`);
  }
  if (c.problems.length > 0) throw new ValidationError('invalid certificate statement', c.problems);
  return s as unknown as CertificateStatementV2;
}
