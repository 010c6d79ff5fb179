// What `verify` says about what it checked, one line at a time, for a person:
// the proven record or list entry, the certificate in short, and whether the
// key was pinned (docs/FORMAT.md section 5.8). Every line goes through
// escapeForDisplay in the caller: these strings come from the inputs.
import {
  type AnyCertificateStatement,
  type ApprovalVerdict,
  type DestructionRecord,
  isStatementV2,
  type Pin,
  statementApprovals,
  type VerifiedObjectProof,
} from '../core/index.js';

/**
 * The revealed record of a proof, one field a line, for a person to compare
 * with what they hold. `sha256sum FILE` is suggested for files only: the
 * hash of an S3 object, a SQL row or a Redis value is not that of a file.
 */
export function describeRecord(r: DestructionRecord, statement: AnyCertificateStatement): string[] {
  const isFile = statement.targets.find((t) => t.name === r.target)?.kind === 'filesystem';
  const lines = [
    `the certified tree holds this record at leaf ${r.index} (of ${statement.merkle.treeSize}, counted from 0):`,
    `  target       ${r.target}`,
    `  locator      ${r.locator}`,
    `  sha256       ${r.sha256}${isFile ? '   (compare: sha256sum FILE)' : ''}`,
    `  size         ${r.size} bytes`,
    `  destroyedAt  ${r.destroyedAt}`,
    `  method       ${r.method}`,
  ];
  for (const [k, v] of Object.entries(r.attributes ?? {})) lines.push(`  attributes.${k}  ${v}`);
  return lines;
}

/** A proven entry of any list of a version 2 certificate (section 7.1). */
export function describeProven(v: VerifiedObjectProof): string[] {
  if (v.list === 'records') return describeRecord(v.record, v.statement);
  const e = v.entry;
  const head = `the certified ${v.list} list holds this entry at leaf ${e.index} (of ${v.proof.treeSize}, counted from 0):`;
  const lines = [head, `  target       ${e.target}`, `  locator      ${e.locator}`];
  if (v.list === 'retained') {
    lines.unshift('KEPT under a legal hold, not destroyed:');
    lines.push(`  hold         ${v.entry.holdId}`, `  reason       ${v.entry.reason}`);
    if (v.entry.sha256 !== undefined) lines.push(`  sha256       ${v.entry.sha256}`, `  size         ${v.entry.size} bytes`);
  } else if (v.list === 'exceptions') {
    lines.unshift('NOT destroyed (an exception):');
    lines.push(`  code         ${v.entry.code}`, `  reason       ${v.entry.reason}`);
  } else {
    lines.unshift('FOUND in scope by the re-scan after execution:');
    lines.push(`  status       ${v.entry.status}`);
  }
  return lines;
}

export function summarize(s: AnyCertificateStatement, keyid: string): string[] {
  const lines = [
    `certificate ${s.certificateId} (version ${s.version}) for order ${s.order.reference} (${s.order.id})`,
    `issued ${s.issuedAt} by ${s.issuer.name}; status ${s.status}`,
  ];
  if (isStatementV2(s)) {
    lines.push(`executed by ${s.tool.name} ${s.tool.version}, ${s.execution.startedAt} to ${s.execution.finishedAt}`);
    if (s.order.deadline !== undefined) lines.push(`deadline ${s.order.deadline}: ${s.execution.withinDeadline ? 'met' : 'MISSED'}`);
  }
  lines.push(
    `destroyed ${s.completeness.destroyed} of ${s.completeness.planned} planned objects (${s.records.bytes} bytes); retained ${s.completeness.retained}; exceptions ${s.completeness.exceptions}`,
    `merkle root ${s.merkle.rootHash} over ${s.merkle.treeSize} records`,
    `signed by key ${keyid}`,
  );
  for (const t of s.targets) {
    const system = 'system' in t ? ` at ${(t as { system: string }).system}` : '';
    lines.push(`  ${t.name} (${t.kind}${system}, ${t.methods.join('+') || 'no method'}): destroyed ${t.destroyed.count}, retained ${t.retained}, exceptions ${t.exceptions}`);
  }
  return lines;
}

/**
 * Who approved, and how far the verifier could check it (section 5.9): signed
 * with the person's own key and checked against the trust root, or only the
 * issuer's word. Then the derived artifacts, whose dispositions approvers sign.
 */
export function approvalLines(s: AnyCertificateStatement, check: ApprovalVerdict | undefined): string[] {
  const carried = statementApprovals(s) ?? [];
  if (!check) {
    const unchecked = carried.length === 0
      ? `approved by ${s.order.approvedBy} at ${s.order.approvedAt}: the issuer's word (no signed approval, and no trust root to ask for one)`
      : `approvals: ${carried.length} signed (${carried.map((a) => `${a.role} ${a.person}`).join(', ')}), NOT checked: no trust root was given (--trust, or a bundle's trust.json)`;
    return [unchecked, ...derivedLines(s, false)];
  }
  const lines = check.approvals.map(
    (a) => `${a.role === 'approver' ? 'approved by' : 'plan signed by the performer'} ${a.person} with their own key ${a.keyid} (signed ${a.signedAt}; in the trust root)`,
  );
  if (!check.approvals.some((a) => a.role === 'approver')) {
    lines.unshift(`approved by ${s.order.approvedBy} at ${s.order.approvedAt}: the issuer's word only (not signed by the approver; this trust root does not require signed approvals for orders approved then)`);
  }
  return [...lines, ...derivedLines(s, true)];
}

/**
 * The derived section (section 5.10), one line per artifact: what it is,
 * what became of it and its lineage; for a vendor's copy, the vendor's
 * certificate and key, and for a kept one, why and who signed it. A signed
 * disposition was checked against the trust root exactly when approvals were
 * (`checked`); a vendor's bundle, by `verify --bundle`, which fails without it.
 */
export function derivedLines(s: AnyCertificateStatement, checked: boolean): string[] {
  const entries = isStatementV2(s) ? s.derivedArtifacts : undefined;
  if (!entries) return [];
  const lines = [`derived artifacts: ${entries.length} (each from the ordered data; lineage from an order target to the artifact)`];
  for (const e of entries) {
    const signed = e.signedBy
      ? `; decided by ${e.signedBy.person} with their own key ${e.signedBy.keyid} (signed ${e.signedBy.signedAt}; ${checked ? 'in the trust root' : 'NOT checked: no trust root'})`
      : '';
    const what =
      e.disposition === 'destroyed'
        ? `destroyed, its objects the records of target ${e.target}`
        : e.disposition === 'held-by-vendor'
          ? `HELD BY VENDOR ${e.vendor!.name}: its certificate ${e.vendor!.certificateId}, signed by key ${e.vendor!.keyid} (its bundle, vendors/${e.name}/, is what verify --bundle checks)`
          : e.disposition === 'retained-with-justification'
            ? `RETAINED, justified: ${JSON.stringify(e.justification)}${e.target ? `; its objects, the entries of target ${e.target} in retained.ndjson, were kept, none destroyed` : ''}`
            : 'NOT IN THE PLAN: registered after it, found derived from this order\'s data when the certificate was made; NOT destroyed by this order (a new order must reach it)';
    lines.push(`  ${e.name} (${e.kind}): ${what}; lineage ${e.lineage.join(' > ')}${signed}`);
  }
  return lines;
}

const PIN_NAMES: Record<Pin['kind'], string> = { 'trust-root': 'the trust root given with --trust (SHA-256', 'trust-sha256': 'the trust root SHA-256', keyid: 'the key id' };

/** The line (or lines) that say whether the key that signed was pinned. */
export function pinLines(pinned: boolean, pin: Pin | undefined, keyid: string, trustSha256?: string): string[] {
  if (pinned && pin) {
    const what = pin.kind === 'trust-root' ? `${PIN_NAMES[pin.kind]} ${pin.value})` : `${PIN_NAMES[pin.kind]} ${pin.value}`;
    return [`key pinned: yes, by ${what}`];
  }
  return [
    `key NOT pinned: the signature is valid, but nothing given to this verifier ties key ${keyid} to the issuer.`,
    `  compare it with the key id the issuer published out of band (the settlement, the docket${trustSha256 ? `; or the trust root's SHA-256, here ${trustSha256}` : ''}),`,
    '  then run again with --keyid HEX, --trust FILE or --trust-sha256 HEX (with --require-pin, an unpinned key fails the check)',
  ];
}
