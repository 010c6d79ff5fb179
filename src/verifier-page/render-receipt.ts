// The certificate's receipt from the issuer's transparency log
// (docs/FORMAT.md section 12.8) as the page shows it, from what the worker
// concluded (./receipt-job.ts): in the verdict, what the receipt proves and
// what it does not, in plain words; in the statement, its facts. Names and
// hashes come from the bundle: they go in as text, through h() (./dom.ts).
import { h, time } from './dom.js';
import type { ReceiptShown } from './protocol.js';
import { type Cell, facts, mono } from './render-parts.js';

type Verified = Extract<ReceiptShown, { status: 'verified' }>;

/** A witness's POSIX time, as the page shows times. */
const cosignedAt = (t: number): string => time(new Date(t * 1000).toISOString());

/** "cosigned by w1 on <time>, a witness the trust root names", or that none did. */
function cosigned(r: Verified): string {
  const n = r.cosignatures.length;
  if (n === 0) return 'cosigned by no witness';
  return `cosigned by ${r.cosignatures.map((c) => `${c.witness} on ${cosignedAt(c.time)}`).join(', ')}, ${n === 1 ? 'a witness' : 'witnesses'} the trust root names`;
}

/** The verdict's sentences about the receipt. */
export function receiptSentences(r: ReceiptShown): string {
  if (r.status !== 'verified') {
    return r.status === 'no-log'
      ? `The bundle carries a receipt from a transparency log (receipt.tlog-proof), but it was NOT checked: ${r.reason}. Nothing here shows that the certificate was published in a log.`
      : `No receipt from the issuer’s transparency log (receipt.tlog-proof): ${r.reason}. Nothing shows that this certificate was published in the log.`;
  }
  const by = r.cosignatures.length > 0 ? ` by ${cosignedAt(Math.min(...r.cosignatures.map((c) => c.time)))}` : '';
  const pinned = r.rootPinned ? '' : ' The log’s key and the witnesses’ are listed in the bundle’s trust.json, which nothing you gave pins: this holds only if that trust.json is the issuer’s.';
  return [
    `Published in the issuer’s transparency log: this certificate is entry ${r.index} of ${r.origin}, in a checkpoint of its first ${r.treeSize} entries signed with the log’s key that the trust root names, and ${cosigned(r)}.`,
    `So it was in the log${by}, where anyone who reads the log sees it: the issuer cannot deny it or swap it unseen, and the log, not the issuer’s clock, places it before or after any revocation of its key.`,
    'It does not prove that the objects were destroyed, nor that no other certificate was logged for this order: those who monitor the log check that.',
  ].join(' ') + pinned;
}

/** The statement's section about the receipt. */
export function receiptSection(r: ReceiptShown): HTMLElement[] {
  if (r.status !== 'verified') return [h('h3', null, 'Transparency log'), facts([['Receipt', `NOT checked: ${r.reason}`]])];
  const rows: Array<[Cell, Cell]> = [
    ['Log', r.origin],
    ['Entry of this certificate', `${r.index} (counted from 0)`],
    ['Checkpoint', h('span', null, `the log’s first ${r.treeSize} entries, root `, mono(r.rootHash))],
    ['Checkpoint signed by the log key', h('span', null, ...r.logKeys.map((k) => mono(k)), ' (named in the trust root)')],
    ['Cosigned by', r.cosignatures.length === 0 ? 'no witness' : r.cosignatures.map((c) => `${c.witness} on ${cosignedAt(c.time)}`).join(', ')],
    ['Witnesses required', r.witnessQuorum === 0 ? 'none: the trust root requires no witness' : `${r.witnessQuorum}, by the trust root`],
  ];
  return [h('h3', null, 'Transparency log'), facts(rows)];
}
