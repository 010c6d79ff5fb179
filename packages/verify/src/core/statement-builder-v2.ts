// Builds a version 2 statement (docs/FORMAT.md section 5.4) while the records
// stream through, exactly as the v1 builder does (RecordStream,
// statement-builder.ts). The lists are written by their own ListBuilders
// (list.ts); this builder takes their heads and counts, never their entries,
// so that no locator other than the records' reaches the statement.
import type { CertificateStatement, DerivedArtifact } from './statement.js';
import { RecordStream } from './statement-builder.js';
import { STATEMENT_TYPE } from './statement-shape.js';
import {
  type CertificateStatementV2,
  type ListHead,
  type RescanStatuses,
  STATEMENT_VERSION_V2,
  type TargetSummaryV2,
  validateStatementV2,
} from './statement-v2.js';
import { compareTimes } from './time.js';
import { isRfc3339Utc } from './validate.js';

export interface TargetInfoV2 {
  name: string;
  kind: string;
  /** The store, named without any secret (the backends file's `system`). */
  system: string;
  /** What this target's method is known to leave behind. Methods are taken from the records. */
  persistence: string[];
  planned: number;
  /** Entries of retained.ndjson that name this target (ListBuilder.countsByTarget). */
  retained: number;
  /** Entries of exceptions.ndjson that name this target. */
  exceptions: number;
}

export interface StatementPartsV2 {
  certificateId: string;
  issuedAt: string;
  issuer: CertificateStatement['issuer'];
  tool: CertificateStatementV2['tool'];
  /** With `deadline` when the order document set one. */
  order: CertificateStatementV2['order'];
  inventory: CertificateStatement['inventory'];
  execution: { startedAt: string; finishedAt: string };
  targets: TargetInfoV2[];
  /** The heads of the three lists (ListBuilder.head). */
  retained: ListHead;
  exceptions: ListHead;
  rescan: { completedAt: string; items: ListHead; statuses: RescanStatuses };
  derived?: DerivedArtifact[];
  audit?: { entries: number; head: string };
  /** The approvals signed with people's own keys (section 5.9), when the order has any. */
  approvals?: CertificateStatementV2['approvals'];
  /** The order's derived artifacts (section 5.10), when it included them. */
  derivedArtifacts?: CertificateStatementV2['derivedArtifacts'];
  attestation?: CertificateStatementV2['attestation'];
}

/** finishedAt <= deadline; false for a time that is not one (validation then names it). */
function withinDeadline(finishedAt: string, deadline: string): boolean {
  return isRfc3339Utc(finishedAt) && isRfc3339Utc(deadline) && compareTimes(finishedAt, deadline) <= 0;
}

/** Takes records with add() (RecordStream), then build() once. */
export class StatementBuilderV2 extends RecordStream {
  /** Completes the statement from the records seen and the lists' heads, and validates it (every sum of section 5.4). */
  build(parts: StatementPartsV2): CertificateStatementV2 {
    const { merkle, records, byTarget } = this.recordsPart(parts.targets.map((t) => t.name));
    const targets: TargetSummaryV2[] = parts.targets.map((t) => {
      const got = byTarget(t.name);
      return {
        name: t.name,
        kind: t.kind,
        system: t.system,
        methods: got.methods,
        planned: t.planned,
        destroyed: got.destroyed,
        retained: t.retained,
        exceptions: t.exceptions,
        persistence: t.persistence,
      };
    });
    const sum = (f: (t: TargetInfoV2) => number) => parts.targets.reduce((a, t) => a + f(t), 0);
    const completeness = {
      planned: sum((t) => t.planned),
      destroyed: merkle.treeSize,
      retained: sum((t) => t.retained),
      exceptions: sum((t) => t.exceptions),
    };
    const { deadline } = parts.order;
    const statement: CertificateStatementV2 = {
      type: STATEMENT_TYPE,
      version: STATEMENT_VERSION_V2,
      certificateId: parts.certificateId,
      issuedAt: parts.issuedAt,
      issuer: parts.issuer,
      tool: parts.tool,
      order: parts.order,
      merkle,
      records,
      inventory: parts.inventory,
      execution: {
        startedAt: parts.execution.startedAt,
        finishedAt: parts.execution.finishedAt,
        ...(deadline === undefined ? {} : { withinDeadline: withinDeadline(parts.execution.finishedAt, deadline) }),
      },
      targets,
      completeness,
      rescan: { completedAt: parts.rescan.completedAt, remaining: parts.rescan.items.treeSize, items: parts.rescan.items, statuses: parts.rescan.statuses },
      exceptions: parts.exceptions,
      retained: parts.retained,
      derived: parts.derived ?? [],
      ...(parts.audit ? { audit: parts.audit } : {}),
      status: completeness.exceptions > 0 ? 'complete-with-exceptions' : 'complete',
      ...(parts.approvals !== undefined && parts.approvals.length > 0 ? { approvals: parts.approvals } : {}),
      ...(parts.derivedArtifacts !== undefined ? { derivedArtifacts: parts.derivedArtifacts } : {}),
      ...(parts.attestation !== undefined ? { attestation: parts.attestation } : {}),
    };
    return validateStatementV2(statement);
  }
}
