// Entry point bundled for Chromium by test/browser/console-key-file.test.ts:
// the console's key file reader, where page.evaluate can call it.
import { KeyFileError, signerFromKeyFile } from '../../src/console/ui/key-file.js';

/** The key id of the key file's key, or the reader's error message. */
async function keyidOf({ pem, passphrase }: { pem: string; passphrase?: string }): Promise<{ keyid?: string; error?: string }> {
  try {
    return { keyid: (await signerFromKeyFile(pem, passphrase)).keyid };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** As keyidOf, saying also whether what was thrown is the reader's own KeyFileError (a TypeError only named so would not be). */
async function refusalOf(input: { pem: string; passphrase?: string }): Promise<{ keyid?: string; error?: string; keyFileError?: boolean }> {
  try {
    return { keyid: (await signerFromKeyFile(input.pem, input.passphrase)).keyid };
  } catch (e) {
    return { error: (e as Error).message, keyFileError: e instanceof KeyFileError };
  }
}

export const keyFileChecks = { keyidOf, refusalOf };
export type KeyFileChecks = typeof keyFileChecks;

(globalThis as { keyFileChecks?: KeyFileChecks }).keyFileChecks = keyFileChecks;
