// Signed notes (FORMAT.md 12.2, C2SP signed-note) and the witnesses'
// cosignatures on them (12.4, C2SP tlog-cosignature): verifier keys, a
// note.Verifier for type 0x04 keys (x/mod knows only 0x01), and a reading of
// a note as strict as 12.2 where golang.org/x/mod/sumdb/note.Open is more
// lenient; Open then verifies the signatures.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// The signature types of C2SP signed-note that section 12.2 uses: a log's
// Ed25519 key, and a witness's Ed25519 cosignature/v1 key.
const (
	noteEd25519     = 0x01
	noteCosignature = 0x04
)

var keyHintPattern = regexp.MustCompile(`^[0-9a-f]{8}$`)

// keyHint is 12.2's key hint: the first 4 bytes of SHA-256(name || 0x0A || type || key).
func keyHint(name string, typ byte, pub []byte) uint32 {
	sum := sha256.Sum256(append(append([]byte(name+"\n"), typ), pub...))
	return binary.BigEndian.Uint32(sum[:4])
}

// validKeyName: C2SP signed-note's key names, not empty, no Unicode space, no "+".
func validKeyName(name string) bool {
	return name != "" && utf8.ValidString(name) && !strings.ContainsFunc(name, unicode.IsSpace) && !strings.Contains(name, "+")
}

// strictBase64 is the standard padded base64 of 12.2 and 12.5, canonical:
// Go's decoder would skip line breaks and accept non-zero trailing bits.
func strictBase64(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil && base64.StdEncoding.EncodeToString(b) == s
}

// readVerifierKey reads <name>+<8 lowercase hex digits of the key hint>+<base64(type || key)>
// of a 32-byte Ed25519 key of type typ (12.2), and checks the hint.
func readVerifierKey(vkey string, typ byte) (string, ed25519.PublicKey, error) {
	name, rest, _ := strings.Cut(vkey, "+")
	hint, b64, _ := strings.Cut(rest, "+")
	key, ok := strictBase64(b64)
	switch {
	case !validKeyName(name) || !keyHintPattern.MatchString(hint) || !ok:
		return "", nil, fmt.Errorf("%q is not name+hint+base64", vkey)
	case len(key) != 1+ed25519.PublicKeySize || key[0] != typ:
		return "", nil, fmt.Errorf("%q is not a key of type 0x%02x", vkey, typ)
	case fmt.Sprintf("%08x", keyHint(name, typ, key[1:])) != hint:
		return "", nil, fmt.Errorf("%q: the hint is not the key's", vkey)
	}
	return name, ed25519.PublicKey(key[1:]), nil
}

// cosigVerifier is a witness's key as a note.Verifier: x/mod knows only type
// 0x01. Open hands Verify the signature after its 4-byte hint: an 8-byte
// big-endian time, not 0 (12.4) and at most 2^63-1, then the Ed25519
// signature of "cosignature/v1\ntime <T>\n" and the checkpoint's text.
type cosigVerifier struct {
	name string
	hint uint32
	pub  ed25519.PublicKey
}

func (v cosigVerifier) Name() string    { return v.name }
func (v cosigVerifier) KeyHash() uint32 { return v.hint }
func (v cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append(fmt.Appendf(nil, "cosignature/v1\ntime %d\n", t), msg...)
	return t != 0 && t <= math.MaxInt64 && ed25519.Verify(v.pub, signed, sig[8:])
}

// readNote reads a signed note as 12.2 says, where note.Open is more lenient
// (it keeps the first of two signatures by one key, and decodes base64 laxly);
// it returns the text. NOTE_MALFORMED otherwise.
func readNote(msg []byte) (string, error) {
	malformed := func(why string) (string, error) {
		return "", fail("NOTE_MALFORMED", "receipt.tlog-proof: the checkpoint: %s", why)
	}
	if !utf8.Valid(msg) || bytes.ContainsFunc(msg, func(r rune) bool { return r < 0x20 && r != '\n' }) {
		return malformed("not UTF-8, or a control character other than the newline")
	}
	split := bytes.LastIndex(msg, []byte("\n\n"))
	if split < 0 || len(msg) < split+3 || msg[len(msg)-1] != '\n' {
		return malformed("no blank line before the signature lines, or no signature lines")
	}
	lines := strings.Split(string(msg[split+2:len(msg)-1]), "\n")
	if len(lines) > 100 {
		return malformed(fmt.Sprintf("%d signature lines, more than 100", len(lines)))
	}
	seen := map[string]bool{}
	for _, line := range lines {
		rest, dash := strings.CutPrefix(line, "\u2014 ")
		name, b64, _ := strings.Cut(rest, " ")
		sig, ok := strictBase64(b64)
		if !dash || !validKeyName(name) || !ok || len(sig) < 5 {
			return malformed(fmt.Sprintf("not a signature line: %q", line))
		}
		if id := fmt.Sprintf("%s+%x", name, sig[:4]); seen[id] {
			return malformed("two signatures by the key " + id)
		} else {
			seen[id] = true
		}
	}
	return string(msg[:split+1]), nil
}

// openNote is note.Open with 12.2's codes: a known key's signature that does
// not hold is NOTE_SIGNATURE_INVALID; none by a known key, no error and no signature.
func openNote(msg []byte, known []note.Verifier) ([]note.Signature, error) {
	n, err := note.Open(msg, note.VerifierList(known...))
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified):
		return nil, nil
	case errors.As(err, &invalid):
		return nil, fail("NOTE_SIGNATURE_INVALID", "receipt.tlog-proof: the signature of %s+%08x does not hold", invalid.Name, invalid.Hash)
	case err != nil:
		return nil, fail("NOTE_MALFORMED", "receipt.tlog-proof: the checkpoint: %v", err)
	}
	return n.Sigs, nil
}
