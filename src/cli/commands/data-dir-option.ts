// The --data-dir option of the commands that run on the server's machine
// against its ledger (token, key, person, vendor). Kept apart from
// src/cli/local-ledger.ts, which loads the ledger: declaring a command must not.
export const DATA_DIR_OPTION = ['--data-dir <dir>', "the server's data directory (env DATA_DIR, default ./data)"] as const;
