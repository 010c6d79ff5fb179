// Who is the same person, for the two-person rule. Names are free text chosen
// at token creation, so "alice", "Alice", "ALICE" and "alice." must be one
// person: Unicode NFKC (UAX #15) folds compatibility forms (full-width letters,
// ligatures), lower-casing after upper-casing folds case (ß -> ss), and
// punctuation, separators, symbols and format characters (zero-width joiners)
// do not distinguish people. Pure: the verifiers use it too.

/** A person's name as the server registers it (and as tokens were named before people existed). */
export const PERSON_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The key under which two names are the same person. Empty for a name made only of punctuation. */
export function personKey(name: string): string {
  return name
    .normalize('NFKC')
    // U+1E9E (capital sharp s) lower-cases to ß, not to ss as ß does after upper-casing:
    // Unicode case folding (CaseFolding.txt) maps both to ss.
    .replace(/\u1e9e/g, 'ss')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\p{P}\p{Z}\p{S}\p{Cc}\p{Cf}]/gu, '');
}

export function samePerson(a: string, b: string): boolean {
  return personKey(a) === personKey(b);
}
