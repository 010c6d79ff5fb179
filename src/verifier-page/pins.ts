// The pin inputs (docs/FORMAT.md section 5.8): the key id or the SHA-256 of
// trust.json that the issuer published where it cannot change it alone, or a
// trust.json of the person's own. Spaces, line breaks and colons that come
// with a copied value are dropped; what is left must be 64 hex digits, as
// the core's resolveTrust requires. The worker decides what they pin.
import { byId, bytes, setText } from './dom.js';
import type { PinInput } from './protocol.js';

const HEX64 = /^[0-9a-fA-F]{64}$/;

const fields = [
  { key: 'keyid', input: byId<HTMLInputElement>('pin-keyid'), problem: byId('pin-keyid-problem'), what: 'The published key id' },
  { key: 'trustSha256', input: byId<HTMLInputElement>('pin-trust-sha256'), problem: byId('pin-trust-sha256-problem'), what: 'The published SHA-256 of trust.json' },
] as const;

const trustInput = byId<HTMLInputElement>('file-pinTrust');
const trustChosen = byId('chosen-pinTrust');
const trustClear = byId<HTMLButtonElement>('clear-pinTrust');
let trustRoot: File | undefined;

const clean = (s: string) => s.replace(/[\s:]/g, '');

/** What the person pinned, or what is wrong with a pin they typed. */
export function currentPins(): { pins: PinInput; problem?: string } {
  const pins: PinInput = {};
  let problem: string | undefined;
  for (const f of fields) {
    const v = clean(f.input.value);
    const bad = v !== '' && !HEX64.test(v);
    f.input.setAttribute('aria-invalid', String(bad));
    f.problem.textContent = bad ? `${f.what} must be 64 hex digits (0-9, a-f); this has ${v.length} characters${/[^0-9a-fA-F]/.test(v) ? ', some not hex' : ''}.` : '';
    if (bad) problem ??= f.problem.textContent;
    else if (v) pins[f.key] = v;
  }
  if (trustRoot) pins.trustRoot = trustRoot;
  return problem ? { pins, problem } : { pins };
}

function chooseTrust(file: File | undefined): void {
  trustRoot = file;
  setText(trustChosen, file ? `${file.name} (${bytes(file.size)})` : 'No file chosen.');
  trustClear.hidden = !file;
  trustInput.closest('.slot')?.classList.toggle('filled', !!file);
  if (!file) trustInput.value = '';
}

/** Calls `changed` after any pin changes; Enter in a pin field calls `submit`. */
export function wirePins(changed: () => void, submit: () => void): void {
  for (const f of fields) {
    f.input.addEventListener('input', changed);
    f.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') submit();
    });
  }
  trustInput.addEventListener('change', () => {
    chooseTrust(trustInput.files?.[0]);
    changed();
  });
  trustClear.addEventListener('click', () => {
    chooseTrust(undefined);
    changed();
  });
}

/** For a file dropped on the trust root box. */
export function dropTrustRoot(file: File): void {
  const one = new DataTransfer();
  one.items.add(file);
  trustInput.files = one.files;
  chooseTrust(file);
}
