// The certificate's approvals as the page shows them (docs/FORMAT.md section
// 5.9), from what verifyTrusted concluded in the worker: an approval signed
// with the approver's own key, which the trust root lists; none, where the
// trust root does not require one, which leaves "approved by" the issuer's
// word; or nothing checked, without a trust root. Names and key ids come
// from the bundle: they go in as text, through h() (./dom.ts).
import { h, time } from './dom.js';
import type { ApprovalFacts, ApprovalShown } from './protocol.js';
import { type Cell, mono } from './render-parts.js';

/** The first 16 hex digits of a key id: enough to tell keys apart at a glance. The statement shows it whole. */
export const shortKeyid = (keyid: string): string => keyid.slice(0, 16);

const signed = (a: ApprovalShown): string => `with their own key ${shortKeyid(a.keyid)} (signed ${time(a.signedAt)})`;

const byRole = (f: ApprovalFacts) => ({ approver: f.approvals.find((a) => a.role === 'approver'), performer: f.approvals.find((a) => a.role === 'performer') });

/** A key id pin ties the certificate's key to the issuer, not the approval keys listed beside it in the bundle's trust.json. */
const notPinned = (n: number): string =>
  n === 1
    ? 'That key is listed in the bundle’s trust.json, which nothing you gave pins: it holds only if that trust.json is the issuer’s (pin its SHA-256 to rely on it).'
    : 'Those keys are listed in the bundle’s trust.json, which nothing you gave pins: they hold only if that trust.json is the issuer’s (pin its SHA-256 to rely on them).';

/** The verdict's sentences about the approvals, after the line about the signing key. */
export function approvalSentences(f: ApprovalFacts, approvedBy: string): string[] {
  if (!f.checked) {
    return [`Approvals not checked: no trust root. The certificate says ${approvedBy} approved the order; only a trust root (the bundle’s trust.json or one of your own) says whose keys may sign approvals.`];
  }
  const { approver, performer } = byRole(f);
  const out = [
    approver
      ? `Approved by ${approver.person} ${signed(approver)}.`
      : `Approved by ${approvedBy} (not signed by the approver: this trust root does not require signed approvals). That is only the issuer’s word.`,
  ];
  if (performer) out.push(`Plan signed by the performer ${performer.person} ${signed(performer)}.`);
  if (f.approvals.length > 0 && !f.rootPinned) out.push(notPinned(f.approvals.length));
  return out;
}

const keyLine = (a: ApprovalShown, role: string): HTMLElement =>
  h('span', null, `${a.person}, ${role}, with their own key `, mono(a.keyid), ` (signed ${time(a.signedAt)}); the trust root lists this key as ${a.person}’s`);

/** The statement's rows about the approvals, after "Approved by". */
export function approvalRows(f: ApprovalFacts, approvedBy: string): Array<[Cell, Cell]> {
  if (!f.checked) return [['Approval', 'not checked: no trust root']];
  const { approver, performer } = byRole(f);
  const rows: Array<[Cell, Cell]> = [
    approver
      ? ['Approval signed by', keyLine(approver, 'the approver')]
      : ['Approval', `approved by ${approvedBy} (not signed by the approver: this trust root does not require signed approvals); only the issuer says so`],
  ];
  if (performer) rows.push(['Plan signed by the performer', keyLine(performer, 'who created the order')]);
  rows.push(['Signed approval required', f.required ? 'yes: the trust root requires one for an order approved when this one was' : 'no: the trust root does not require one for this order']);
  return rows;
}
