// The parts StatementBuilderV2.build takes, read back from a built version 2
// statement: what a test builds again, with some parts changed.
import type { CertificateStatementV2 } from '../../packages/verify/src/core/statement-v2.js';
import type { StatementPartsV2 } from '../../packages/verify/src/core/statement-builder-v2.js';

export function statementParts(s: CertificateStatementV2, over: Partial<StatementPartsV2> = {}): StatementPartsV2 {
  return {
    certificateId: s.certificateId,
    issuedAt: s.issuedAt,
    issuer: s.issuer,
    tool: s.tool,
    order: s.order,
    inventory: s.inventory,
    execution: { startedAt: s.execution.startedAt, finishedAt: s.execution.finishedAt },
    targets: s.targets.map((t) => ({ name: t.name, kind: t.kind, system: t.system, persistence: t.persistence, planned: t.planned, retained: t.retained, exceptions: t.exceptions })),
    retained: s.retained,
    exceptions: s.exceptions,
    rescan: { completedAt: s.rescan.completedAt, items: s.rescan.items, statuses: s.rescan.statuses },
    ...over,
  };
}
