// The words of a legal exhibit (docs/FORMAT.md section 13), made from the
// signed statement and the bundle's own files, and from nothing else: the
// issuer draws exactly these paragraphs into the PDF, and a verifier that
// extracts the PDF's text compares it with these, so that the pages cannot
// say something the certificate does not. Pure and deterministic (no locale,
// no clock): the same bundle gives the same words in Node and in a browser.
import type { Attestation } from './attestation.js';
import type { CertificateStatementV2 } from './statement-v2.js';

/** What the exhibit says beyond the statement, each read from a file the exhibit carries. */
export interface ExhibitFacts {
  /** The ids of the holds order.json names. */
  holdIds: string[];
  /** The receipt's entry and checkpoint, when the bundle has one that verified (docs/FORMAT.md section 12.5). */
  receipt?: { index: number; treeSize: number; origin: string };
  /** SHA-256 of the bundle as exhibitBundleDigest computes it. */
  bundleSha256: string;
}

export interface ExhibitSection {
  heading: string;
  paragraphs: string[];
  /** Sections from this one on start a new page. */
  newPage?: boolean;
}

/** 1234567 as "1,234,567", the same everywhere (no locale). */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const plural = (n: number, one: string, many = `${one}s`) => `${groupDigits(n)} ${n === 1 ? one : many}`;

/**
 * The bundle's digest, as the exhibit prints it: SHA-256 over one line per
 * file, "<hex sha256>  <name>\n", sorted by name, where records.ndjson's hash
 * is always the statement's records.sha256 (the file may be too large to
 * attach). `files` maps each attached file's name to its hex SHA-256.
 */
export function exhibitDigestInput(files: ReadonlyMap<string, string>, recordsSha256: string): string {
  const all = new Map(files);
  all.set('records.ndjson', recordsSha256);
  return [...all.keys()]
    .sort()
    .map((name) => `${all.get(name)}  ${name}\n`)
    .join('');
}

function person(p: { name: string; title: string; organization?: string }): string {
  return [p.name, p.title, p.organization].filter(Boolean).join(', ');
}

/** NIST SP 800-88 Rev. 1 Appendix G's sanitization fields, as this certificate answers them. */
function nistFields(s: CertificateStatementV2, a: Attestation | undefined): string[] {
  const methods = [...new Set(s.targets.flatMap((t) => t.methods))];
  return [
    'Method type: logical deletion through each storage system\'s own delete operation. This is not Clear, Purge or Destroy as NIST SP 800-88 defines them: the storage media were not overwritten or destroyed.',
    `Method used: ${methods.length > 0 ? methods.join(', ') : 'none (nothing was destroyed)'}.`,
    `Tool used: ${s.tool.name} ${s.tool.version}.`,
    `Verification method: full. Every object's content was hashed before it was deleted and probed absent after; the whole scope was re-scanned at ${s.rescan.completedAt}; each destroyed object is a record of an RFC 6962 Merkle tree whose root the certificate signs with Ed25519.`,
    `Performed by: ${a?.performer ? person(a.performer) : `${s.order.createdBy} (who created the order; the order names no performer)`}, from ${s.execution.startedAt} to ${s.execution.finishedAt}.`,
    `Validated by: ${a?.validator ? person(a.validator) : `${s.order.approvedBy} (who approved the order; the order names no validator)`}.`,
  ];
}

/** The exhibit's sections, in the order they are drawn. */
export function exhibitSections(s: CertificateStatementV2, facts: ExhibitFacts): ExhibitSection[] {
  const o = s.order;
  const deadline =
    o.deadline === undefined
      ? 'The order set no deadline.'
      : `Deadline ${o.deadline}: ${s.execution.withinDeadline ? 'met' : 'MISSED'} (the destruction finished at ${s.execution.finishedAt}).`;
  const c = s.completeness;
  const summary = [
    `Certificate ${s.certificateId}, issued at ${s.issuedAt} by ${s.issuer.name}. Status: ${s.status}.`,
    `Order: ${o.reference} (${o.id}), created by ${o.createdBy}, approved by ${o.approvedBy} at ${o.approvedAt}. ${deadline}`,
    `In all: ${plural(c.planned, 'object')} planned, ${groupDigits(c.destroyed)} destroyed, ${groupDigits(c.retained)} kept under a legal hold, ${groupDigits(c.exceptions)} not destroyed (exceptions).`,
  ];
  const systems = s.targets.map((t) => {
    const kept = t.retained > 0 ? `; ${plural(t.retained, 'object')} kept under a legal hold` : '';
    const failed = t.exceptions > 0 ? `; ${plural(t.exceptions, 'object')} NOT destroyed` : '';
    return `${t.name} (${t.kind} at ${t.system}), method ${t.methods.length > 0 ? t.methods.join(', ') : 'none'}: ${groupDigits(t.destroyed.count)} of ${plural(t.planned, 'object')} destroyed (${groupDigits(t.destroyed.bytes)} bytes)${kept}${failed}.`;
  });
  const st = s.rescan.statuses;
  const after = [
    `Executed from ${s.execution.startedAt} to ${s.execution.finishedAt}.`,
    `Re-scan of every scope at ${s.rescan.completedAt}: ${plural(s.rescan.remaining, 'object')} remain in scope (${groupDigits(st.held)} held, ${groupDigits(st.exception)} not destroyed, ${groupDigits(st.unplanned)} appeared after the plan, ${groupDigits(st.recreated)} created again after their destruction).`,
    c.retained > 0
      ? `Kept under legal holds: ${plural(c.retained, 'object')}${facts.holdIds.length > 0 ? `, holds ${facts.holdIds.join(', ')}` : ''}. Their names are in retained.ndjson, attached; this page names no one.`
      : 'Nothing was kept under a legal hold.',
    c.exceptions > 0 ? `Not destroyed: ${plural(c.exceptions, 'object')}, each with its reason in exceptions.ndjson, attached.` : 'Every planned object not held was destroyed.',
  ];
  const derived = (s.derivedArtifacts ?? []).map((d) => {
    const what =
      d.disposition === 'destroyed'
        ? 'destroyed'
        : d.disposition === 'held-by-vendor'
          ? `held by the vendor ${d.vendor?.name ?? ''}, whose own certificate ${d.vendor?.certificateId ?? ''} is attached`
          : d.disposition === 'retained-with-justification'
            ? `RETAINED, with the approver's justification: "${d.justification ?? ''}"`
            : 'NOT IN THE PLAN: registered after it; not destroyed by this order';
    return `${d.name} (${d.kind}), derived ${d.lineage.join(' > ')}: ${what}.`;
  });
  // One paragraph per thing that persists, naming every system it holds for (several targets often share a method).
  const persists = new Map<string, string[]>();
  for (const t of s.targets) for (const p of t.persistence) persists.set(p, [...(persists.get(p) ?? []), t.name]);
  const persistence = [...persists].map(([p, names]) => `${names.join(', ')}: ${p}${/[.!?]$/.test(p) ? '' : '.'}`);
  const sections: ExhibitSection[] = [
    { heading: 'Certificate of data destruction', paragraphs: summary },
    { heading: 'What was destroyed, per system', paragraphs: systems },
    { heading: 'When, and what remains', paragraphs: after },
  ];
  if (derived.length > 0) sections.push({ heading: 'Models and other artifacts derived from the data', paragraphs: derived });
  sections.push({
    heading: 'What is known to persist',
    paragraphs: persistence.length > 0 ? [...persistence, 'These copies expire as each system\'s own retention of backups, logs and replicas runs out; the certificate does not cover them.'] : ['No target names anything that persists.'],
  });
  sections.push({ heading: 'NIST SP 800-88 Appendix G: sanitization record', paragraphs: nistFields(s, s.attestation), newPage: true });
  const d = s.attestation?.declaration;
  sections.push({
    heading: 'Declaration',
    paragraphs: d
      ? [d.text, `Signature: ________________________________   Date: ________________`, `${d.signer.name}, ${d.signer.title}`, `SHA-256 of the declaration's text, as the certificate signs it: ${d.sha256}`]
      : ['The order names no declaration.'],
  });
  const approvals = (s.approvals ?? []).map((a) => `${a.role === 'approver' ? 'Approved' : 'Plan signed'} by ${a.person} with their own key ${a.keyid} at ${a.signedAt}.`);
  const log = facts.receipt
    ? `Transparency log: entry ${groupDigits(facts.receipt.index)} of the log ${facts.receipt.origin}, proved by the attached receipt against its checkpoint of ${plural(facts.receipt.treeSize, 'entry', 'entries')}.`
    : 'Transparency log: no receipt is attached.';
  sections.push({
    heading: 'Verification',
    paragraphs: [
      `Merkle root ${s.merkle.rootHash} over ${plural(s.merkle.treeSize, 'record')}.`,
      `Signed with the Ed25519 key ${s.issuer.keyid}.`,
      ...(approvals.length > 0 ? approvals : ['No approval signed with a person\'s own key.']),
      log,
      `SHA-256 of the attached bundle (one line per file, "<sha256>  <name>", sorted): ${facts.bundleSha256}.`,
      'The certificate, order.json, trust.json and the other files of the bundle are attached to this PDF. To check this exhibit: shredproof verify --exhibit <this file> --trust <the issuer\'s trust.json>.',
    ],
  });
  return sections;
}

/** Every string the exhibit draws, in order: each section's heading, then its paragraphs. */
export function exhibitText(s: CertificateStatementV2, facts: ExhibitFacts): string[] {
  return exhibitSections(s, facts).flatMap((sec) => [sec.heading, ...sec.paragraphs]);
}

/** What the QR code on the exhibit carries: the certificate id, the Merkle root and the key id, one per line. */
export function exhibitQrText(s: CertificateStatementV2): string {
  return `shredproof certificate ${s.certificateId}\nroot ${s.merkle.rootHash}\nkey ${s.issuer.keyid}`;
}
