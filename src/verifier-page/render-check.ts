// The signing key as a person compares it, and the photo check's results.
// A result says what it means and what it does not: NOT FOUND is no proof
// that a photo survived, and a photo that was kept under a legal hold is
// shown with its hold, from the one retained entry that matches it
// (docs/FORMAT.md sections 5.5 and 7.1), and nothing about other entries.
import type { DestructionRecord, RetainedEntry } from '@shredproof/verify';
import { bytes, count, h, lines, time } from './dom.js';
import type { CheckOutcome, HeldMatch, KeyInfo, Searched } from './protocol.js';
import { facts, mono } from './render-parts.js';

/** The raw key as `openssl pkey -pubin -text` prints it: 15 colon-separated bytes a line. */
function opensslPub(hex: string): string[] {
  const pairs = hex.match(/../g) ?? [];
  const out = ['pub:'];
  for (let i = 0; i < pairs.length; i += 15) out.push(`    ${pairs.slice(i, i + 15).join(':')}${i + 15 < pairs.length ? ':' : ''}`);
  return out;
}

export function renderKey(key: KeyInfo): DocumentFragment {
  const f = document.createDocumentFragment();
  f.append(
    facts([
      ['Key id (SHA-256 of the 32-byte public key)', mono(key.keyid)],
      [h('span', null, 'As ', h('code', null, 'shredproof keygen'), ' prints it'), mono(`keyid ${key.keyid}`)],
      ['As openssl computes it', h('pre', null, lines('$ openssl pkey -pubin -in public-key.pem -outform DER | tail -c 32 | openssl dgst -sha256', `SHA2-256(stdin)= ${key.keyid}`))],
      [h('span', null, 'Raw public key, as ', h('code', null, 'openssl pkey -pubin -text'), ' shows it'), h('pre', null, lines(...opensslPub(key.publicKeyHex)))],
    ]),
  );
  return f;
}

function recordFacts(r: DestructionRecord, proofLength: number, source: 'records' | 'proof'): HTMLDListElement {
  return facts([
    ['Record', `#${count(r.index)} (leaf index ${r.index})`],
    ['Target', r.target],
    ['Locator', r.locator],
    ['Destroyed at', time(r.destroyedAt)],
    ['Method', r.method],
    ['Size when destroyed', bytes(r.size)],
    ['Inclusion proof', `valid: ${proofLength} sibling hashes lead from this record to the certified Merkle root${source === 'records' ? ' (built from the verified records file)' : ' (from the proof file)'}`],
  ]);
}

function heldFacts(e: RetainedEntry, source: HeldMatch['source']): HTMLDListElement {
  return facts([
    ['Hold', e.holdId],
    ['Reason', e.reason],
    ['Target', e.target],
    ['Locator', e.locator],
    ...(e.size !== undefined ? [['Size when held', bytes(e.size)] as [string, string]] : []),
    ['Entry', source === 'retained' ? `#${count(e.index)} of retained.ndjson, which verified against the certificate's root of that list` : 'from the verified proof file, checked against the certificate'],
  ]);
}

/** "the 5 destroyed objects of the verified records file", or what else was searched. */
function searchedText(s: Searched): string {
  if (s.records !== undefined) return `the ${count(s.records)} destroyed objects of the verified records file`;
  if (s.recordProofs === 1) return 'the one object of the verified proof file';
  if (s.recordProofs > 1) return `the ${count(s.recordProofs)} objects of the verified proof files`;
  return 'the destroyed objects: none were given (add records.ndjson)';
}

/** What NOT FOUND means, and what it does not. */
function notFoundExplained(s: Searched): HTMLElement {
  const held =
    s.retained !== undefined
      ? `Nor is it among the ${count(s.retained.hashed)} ${s.retained.hashed === 1 ? 'entry of the verified retained.ndjson that records' : 'entries of the verified retained.ndjson that record'} the held object’s SHA-256${s.retained.count > s.retained.hashed ? ` (${count(s.retained.count - s.retained.hashed)} more held objects have none recorded, so they cannot be compared)` : ''}.`
      : s.version === 1
        ? 'A version 1 certificate records no content hash for the objects it kept, so the page cannot say whether this one was kept.'
        : s.retainedProofs > 0
          ? `Nor is it the held object of the ${count(s.retainedProofs)} verified proof(s) of retained entries.`
          : 'To see whether it was kept under a legal hold, add retained.ndjson and verify again.';
  const partial = s.records === undefined ? ' A proof file covers one object only: add records.ndjson to search every destroyed object.' : '';
  return h(
    'div',
    { class: 'explain' },
    h('p', null, h('strong', null, 'What this means: '), 'no destroyed object that was searched had exactly these bytes.', partial),
    h(
      'p',
      null,
      h('strong', null, 'What it does not mean: '),
      'that the photo still exists, or that it was kept. It may have been kept under a legal hold, been outside the order’s scope, never have been part of the order, or be a different copy of the picture: a resized, cropped or re-encoded photo (as a phone or a messaging app makes them) has another SHA-256, so only the exact file that was destroyed is found.',
    ),
    h('p', null, held),
  );
}

export function renderCheck(o: CheckOutcome): HTMLLIElement {
  if (o.status === 'error') {
    return h('li', { 'data-status': 'error' }, h('p', { class: 'photo-verdict' }, h('strong', null, 'NOT CHECKED'), ` ${o.name}: ${o.message}`));
  }
  const what = searchedText(o.searched);
  const hold = o.held[0]?.entry.holdId;
  const head =
    o.status === 'found'
      ? h('p', { class: 'photo-verdict' }, h('strong', null, 'FOUND'), ` ${o.name}: its SHA-256 is among ${what}.`)
      : o.status === 'held'
        ? h('p', { class: 'photo-verdict' }, h('strong', null, 'KEPT UNDER A LEGAL HOLD'), ` ${o.name}: not destroyed; its SHA-256 is that of an object the issuer kept under hold ${hold}.`)
        : h('p', { class: 'photo-verdict' }, h('strong', null, 'NOT FOUND'), ` ${o.name}: its SHA-256 is not among ${what}.`);
  return h(
    'li',
    { 'data-status': o.status },
    head,
    o.status === 'not-found' ? notFoundExplained(o.searched) : null,
    o.unpinned && o.status !== 'not-found' ? h('p', { class: 'note' }, 'The key is not pinned: this holds only if the key that signed is the issuer’s (see the result above).') : null,
    facts([
      ['SHA-256', mono(o.sha256)],
      ['Size', bytes(o.size)],
    ]),
    ...o.matches.map((m) => recordFacts(m.record, m.proofLength, m.source)),
    ...o.held.map((m) => heldFacts(m.entry, m.source)),
  );
}
