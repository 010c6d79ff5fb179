// The certificate's derived section (docs/FORMAT.md section 5.10) as a tree
// a person reads: the order's own data at the root, each artifact under what
// it was derived from (the last step of its lineage before it), each with
// its kind and what became of it: destroyed (its target and how many of its
// objects were destroyed), retained (why, and the approver who signed it),
// or held by a vendor (whose own certificate, and whether the vendor's
// bundle verified: ./vendor-job.ts). Nested lists, so that a screen reader
// says how deep each artifact is. Every string goes in through h() (./dom.ts).
import { type CertificateStatementV2, DERIVED_TARGET_PREFIX, type DerivedArtifactEntry, type DispositionSignature } from '@shredproof/verify';
import { count, h, time } from './dom.js';
import type { ApprovalFacts, VendorShown } from './protocol.js';
import { mono } from './render-parts.js';

type Child = Node | string;

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** How many of a destroyed artifact's objects its target destroyed, and what happened to the rest. */
function destroyedCount(s: CertificateStatementV2, target: string): string {
  const t = s.targets.find((x) => x.name === target);
  if (!t) return 'no such target in this certificate';
  const done = t.destroyed.count === t.planned ? plural(t.destroyed.count, 'object destroyed', 'objects destroyed') : `${count(t.destroyed.count)} of ${plural(t.planned, 'object', 'objects')} destroyed`;
  const rest = [t.retained > 0 ? `${count(t.retained)} kept under a legal hold` : '', t.exceptions > 0 ? plural(t.exceptions, 'exception (not destroyed)', 'exceptions (not destroyed)') : ''].filter(Boolean);
  return rest.length ? `${done}; ${rest.join(', ')}` : done;
}

/** Where a retained artifact's objects are listed, when the plan found them here (section 5.10). */
function keptCount(s: CertificateStatementV2, target: string): Child[] {
  const t = s.targets.find((x) => x.name === target);
  if (!t) return [];
  return [' Its objects are target ', h('code', null, target), `: ${plural(t.retained, 'object kept', 'objects kept')}, each in retained.ndjson with its content hash; none destroyed.`];
}

/** Who decided a disposition, and what the trust root makes of their key (checked by verifyTrusted with the certificate). */
function signedBy(by: DispositionSignature, approvals: ApprovalFacts | undefined): Child[] {
  const lead = [` Decided and signed by ${by.person} with their own key `, mono(by.keyid), ` (signed ${time(by.signedAt)}).`];
  if (!approvals?.checked) return [...lead, ' Not checked: no trust root says whose key this is.'];
  if (approvals.rootPinned) return [...lead, ` The trust root lists this key as ${by.person}’s, an approver’s.`];
  return [...lead, ` The bundle’s trust.json lists this key as ${by.person}’s, an approver’s; nothing you gave pins that trust.json.`];
}

/** Whether the vendor's bundle verified, in the words of its status. */
function vendorBundle(shown: VendorShown | undefined): Child[] {
  if (!shown) return ['its bundle was not checked.'];
  if (shown.status === 'verified') return ['its bundle, ', h('code', null, shown.dir), ', verified, with its trust.json pinned by the SHA-256 this certificate signed, and it is for an order that names this one.'];
  if (shown.status === 'missing') return ['its bundle, ', h('code', null, shown.dir), ', was not given, so nothing shows the vendor destroyed it.'];
  return ['its bundle, ', h('code', null, shown.dir), `, did NOT verify: ${shown.code ?? ''} at `, h('code', null, shown.file ?? shown.dir), '.'];
}

function decision(s: CertificateStatementV2, e: DerivedArtifactEntry, approvals: ApprovalFacts | undefined, vendors: readonly VendorShown[]): Child[] {
  const head: Child[] = [h('strong', null, e.name), ` (${e.kind}): `];
  if (e.disposition === 'destroyed') return [...head, 'DESTROYED. Its objects are target ', h('code', null, e.target ?? ''), `: ${destroyedCount(s, e.target ?? '')}.`];
  const by = e.signedBy ? signedBy(e.signedBy, approvals) : [];
  if (e.disposition === 'retained-with-justification') {
    const kept = e.target ? keptCount(s, e.target) : [];
    return [...head, `RETAINED, not destroyed. Why, in the approver’s words: “${e.justification ?? ''}”`, ...kept, ...by];
  }
  if (e.disposition === 'not-in-plan') {
    return [...head, 'NOT IN THE PLAN, NOT DESTROYED by this order: it was registered after the plan, and found derived from this order’s data when the certificate was made. A new order must reach it.'];
  }
  const v = e.vendor;
  return [
    ...head,
    `HELD BY A VENDOR, ${v?.name ?? ''}. Its destruction is certified by the vendor’s own certificate ${v?.certificateId ?? ''}, signed by the vendor’s key `,
    mono(v?.keyid ?? ''),
    ': ',
    ...vendorBundle(vendors.find((x) => x.artifact === e.name)),
    ...by,
  ];
}

/** The tree: each own target something was derived from, and under it each artifact by the last step of its lineage. */
function tree(s: CertificateStatementV2, approvals: ApprovalFacts | undefined, vendors: readonly VendorShown[]): HTMLElement[] {
  const entries = s.derivedArtifacts ?? [];
  const children = new Map<string, DerivedArtifactEntry[]>();
  for (const e of entries) {
    const parent = e.lineage[e.lineage.length - 2] ?? '';
    children.set(parent, [...(children.get(parent) ?? []), e]);
  }
  const placed = new Set<string>();
  const under = (name: string, path: string[]): HTMLElement | null => {
    const kids = children.get(name) ?? [];
    return kids.length ? h('ul', null, ...kids.map((k) => node(k, path))) : null;
  };
  const node = (e: DerivedArtifactEntry, path: string[]): HTMLLIElement => {
    placed.add(e.name);
    const here = [...path, e.name];
    // Lineages are each the issuer's word: one that disagrees with where its last step puts it is shown whole.
    const stated = e.lineage.join(' → ');
    return h(
      'li',
      { 'data-artifact': e.name, 'data-disposition': e.disposition },
      h('p', { class: 'derived-node' }, ...decision(s, e, approvals, vendors)),
      h('p', { class: 'derived-description' }, e.description),
      stated !== here.join(' → ') ? h('p', { class: 'note' }, `Its lineage, as the certificate states it: ${stated}.`) : null,
      under(e.name, here),
    );
  };
  const roots = s.targets.filter((t) => !t.name.startsWith(DERIVED_TARGET_PREFIX) && children.has(t.name));
  const list = h(
    'ul',
    { class: 'derived-tree', 'aria-labelledby': 'derived-title' },
    ...roots.map((t) => h('li', { 'data-target': t.name }, h('p', { class: 'derived-node' }, h('strong', null, t.name), ': the order’s own data (a target of this order)'), under(t.name, [t.name]))),
  );
  // Only lineages that loop among artifacts reach no target; each is listed with the lineage it states.
  const astray = entries.filter((e) => !placed.has(e.name));
  return [list, ...(astray.length ? [h('p', null, 'Not in the tree above, because their lineages lead back to each other and not to the order’s data:'), h('ul', { class: 'derived-tree' }, ...astray.map((e) => node(e, [])))] : [])];
}

/** "4 derived artifacts: 2 destroyed, 1 retained, 1 held by a vendor." */
export function derivedSummary(s: CertificateStatementV2): string {
  const entries = s.derivedArtifacts ?? [];
  const n = (d: DerivedArtifactEntry['disposition']) => entries.filter((e) => e.disposition === d).length;
  const parts = [
    n('destroyed') ? `${count(n('destroyed'))} destroyed` : '',
    n('retained-with-justification') ? `${count(n('retained-with-justification'))} retained with a signed justification` : '',
    n('held-by-vendor') ? `${count(n('held-by-vendor'))} held by ${n('held-by-vendor') === 1 ? 'a vendor' : 'vendors'}` : '',
    n('not-in-plan') ? `${count(n('not-in-plan'))} NOT in the plan and not destroyed (registered after it)` : '',
  ].filter(Boolean);
  return `${plural(entries.length, 'derived artifact', 'derived artifacts')}: ${parts.join(', ')}.`;
}

/** The derived section, for a statement that carries one. */
export function renderDerived(s: CertificateStatementV2, approvals: ApprovalFacts | undefined, vendors: readonly VendorShown[]): HTMLElement[] {
  return [
    h('h3', { id: 'derived-title' }, 'Derived artifacts, and what became of each'),
    h('p', { id: 'derived-summary' }, `${derivedSummary(s)} Each is shown under what it was derived from, starting from the order’s own data.`),
    ...tree(s, approvals, vendors),
  ];
}
