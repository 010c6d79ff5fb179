// Entry point bundled for Chromium by test/browser/console-key-file.test.ts:
// the console's key file reader, where page.evaluate can call it.
import { signerFromKeyFile } from '../../src/console/ui/key-file.js';

/** The key id of the key file's key, or the reader's error message. */
async function keyidOf({ pem, passphrase }: { pem: string; passphrase?: string }): Promise<{ keyid?: string; error?: string }> {
  try {
    return { keyid: (await signerFromKeyFile(pem, passphrase)).keyid };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

export const keyFileChecks = { keyidOf };
export type KeyFileChecks = typeof keyFileChecks;

(globalThis as { keyFileChecks?: KeyFileChecks }).keyFileChecks = keyFileChecks;
