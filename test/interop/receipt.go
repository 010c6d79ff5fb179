// The certificate's receipt from the issuer's transparency log (FORMAT.md
// section 12; section 8 step 12): receipt.tlog-proof (12.5, C2SP tlog-proof)
// proves that the log holds the certificate's entry (12.1) under a checkpoint
// (12.3) that is a signed note (12.2, C2SP signed-note) of the log's key and
// cosigned by witnesses (12.4, C2SP tlog-cosignature). The signatures are
// checked by golang.org/x/mod/sumdb/note and the inclusion proof by
// github.com/transparency-dev/merkle; this file and signed-note.go read the
// formats as strictly as 12.2, 12.3 and 12.5 say, where those packages are
// more lenient.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

const entryPrefix = "shredproof.log-entry.v1\n" // 12.1: 24 bytes before the event's RFC 8785 JSON

var decimalPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

// trustLog is a trust root's log member (12.7).
type trustLog struct {
	origin               string
	keys                 []note.Verifier // type 0x01, x/mod's own verifiers
	witnesses            []note.Verifier // type 0x04, cosigVerifier
	quorum               uint64
	receiptsRequiredFrom string // "" when absent
}

var logShape = []member{{"origin", "log-origin"}, {"keys[]", "string"}, {"witnesses[]", "string?"},
	{"witnessQuorum", "integer?"}, {"receiptsRequiredFrom", "time?"}}

// readTrustLog checks the rules of 12.7; the caller reports TRUST_ROOT_INVALID.
func readTrustLog(v any) (*trustLog, error) {
	if err := checkShape(v, logShape); err != nil {
		return nil, err
	}
	o := v.(map[string]any)
	l := &trustLog{origin: o["origin"].(string)}
	l.quorum, _ = integer(o["witnessQuorum"])
	l.receiptsRequiredFrom, _ = o["receiptsRequiredFrom"].(string)
	keys, _ := o["keys"].([]any)
	if len(keys) == 0 {
		return nil, errors.New("keys: none")
	}
	for i, k := range keys {
		if _, _, err := readVerifierKey(k.(string), noteEd25519); err != nil {
			return nil, fmt.Errorf("keys[%d]: %v", i, err)
		}
		nv, err := note.NewVerifier(k.(string))
		if err != nil {
			return nil, fmt.Errorf("keys[%d]: %v", i, err)
		}
		// A key listed twice is one key (x/mod's VerifierList would call it ambiguous).
		if !slices.ContainsFunc(l.keys, func(v note.Verifier) bool { return v.Name() == nv.Name() && v.KeyHash() == nv.KeyHash() }) {
			l.keys = append(l.keys, nv)
		}
	}
	witnesses, _ := o["witnesses"].([]any)
	seen := map[string]bool{}
	for i, w := range witnesses {
		name, pub, err := readVerifierKey(w.(string), noteCosignature)
		if err != nil {
			return nil, fmt.Errorf("witnesses[%d]: %v", i, err)
		}
		// "Each witness once": one name and one key. The cosigned message does not
		// name the witness, so one key under two names would count twice.
		if seen[name] || seen[string(pub)] {
			return nil, fmt.Errorf("witnesses[%d]: %s, or its key, is listed twice", i, name)
		}
		seen[name], seen[string(pub)] = true, true
		l.witnesses = append(l.witnesses, cosigVerifier{name, keyHint(name, noteCosignature, pub), pub})
	}
	if l.quorum > uint64(len(l.witnesses)) {
		return nil, fmt.Errorf("witnessQuorum %d is more than the %d witnesses", l.quorum, len(l.witnesses))
	}
	return l, nil
}

// checkpoint is 12.3's text: origin, tree size, root hash, extension lines.
type checkpoint struct {
	origin string
	size   uint64
	root   []byte
}

func readCheckpoint(text string) (checkpoint, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	var cp checkpoint
	ok := len(lines) >= 3 && !slices.Contains(lines, "") && decimalPattern.MatchString(lines[1])
	if ok {
		cp.origin = lines[0]
		cp.size, _ = strconv.ParseUint(lines[1], 10, 64)
		cp.root, ok = strictBase64(lines[2])
	}
	if !ok || len(cp.root) != sha256.Size || cp.size > maxSafe {
		return cp, fail("NOTE_MALFORMED", "receipt.tlog-proof: the checkpoint is not origin, size, 32-byte root and non-empty extension lines")
	}
	return cp, nil
}

// tlogProof is a receipt (12.5, C2SP tlog-proof); extra, if any, is not authenticated and is ignored.
type tlogProof struct {
	index      uint64
	hashes     [][]byte
	checkpoint []byte
}

func readTlogProof(data []byte) (tlogProof, error) {
	malformed := func(why string) (tlogProof, error) {
		return tlogProof{}, fail("NOTE_MALFORMED", "receipt.tlog-proof: %s", why)
	}
	cut := bytes.Index(data, []byte("\n\n"))
	if cut <= 0 {
		return malformed("no blank line before the checkpoint")
	}
	head := strings.Split(string(data[:cut]), "\n")
	if head[0] != "c2sp.org/tlog-proof@v1" {
		return malformed("the first line is not c2sp.org/tlog-proof@v1")
	}
	head = head[1:]
	if len(head) > 0 && strings.HasPrefix(head[0], "extra ") {
		if extra, ok := strictBase64(strings.TrimPrefix(head[0], "extra ")); !ok || len(extra) == 0 {
			return malformed("extra is not standard padded base64")
		}
		head = head[1:]
	}
	if len(head) == 0 {
		return malformed("no index line")
	}
	index, isIndex := strings.CutPrefix(head[0], "index ")
	var p tlogProof
	p.index, _ = strconv.ParseUint(index, 10, 64)
	if !isIndex || !decimalPattern.MatchString(index) || p.index > maxSafe {
		return malformed("no index line, or an index with a leading zero")
	}
	if head = head[1:]; len(head) > 63 {
		return malformed(fmt.Sprintf("%d hashes, more than 63", len(head)))
	}
	for i, line := range head {
		h, ok := strictBase64(line)
		if !ok || len(h) != sha256.Size {
			return malformed(fmt.Sprintf("hash %d is not 32 bytes of standard padded base64", i))
		}
		p.hashes = append(p.hashes, h)
	}
	if p.checkpoint = data[cut+2:]; len(p.checkpoint) == 0 {
		return malformed("no checkpoint")
	}
	return p, nil
}

// certificateEntry is 12.1's entry of a certificate, from the certificate
// alone; keyid is its issuer.keyid, which step 4 of section 8 found to be the signing key's.
func certificateEntry(c *certificate, keyid string) []byte {
	sum := sha256.Sum256(c.payload)
	event := map[string]any{"type": "certificate", "certificateId": c.id, "orderId": c.order["id"], "issuedAt": c.issuedAt,
		"keyid": keyid, "statementSha256": hex.EncodeToString(sum[:])}
	buf := bytes.NewBufferString(entryPrefix)
	canonical(buf, event) // strings only: cannot fail
	return buf.Bytes()
}

// checkReceipt is section 12.8 for the receipt at path ("" when there is
// none), under a trust root that names a log, for a certificate signed by key.
func checkReceipt(path string, root *trustRoot, key trustedKey, c *certificate) ([]string, error) {
	log := root.log
	if path == "" { // step 1
		if log.receiptsRequiredFrom != "" && compareTimes(c.issuedAt, log.receiptsRequiredFrom) >= 0 {
			return nil, fail("RECEIPT_MISSING", "no receipt.tlog-proof; the trust root requires one for a certificate issued from %s on", log.receiptsRequiredFrom)
		}
		return []string{"not checked: receipt (there is none, and the trust root requires none at issuedAt " + c.issuedAt + ")"}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := readTlogProof(data) // step 2
	if err != nil {
		return nil, err
	}
	text, err := readNote(p.checkpoint)
	if err != nil {
		return nil, err
	}
	cp, err := readCheckpoint(text)
	if err != nil {
		return nil, err
	}
	signed, err := openNote(p.checkpoint, log.keys)
	if err != nil {
		return nil, err
	}
	if len(signed) == 0 {
		return nil, fail("NOTE_UNVERIFIED", "receipt.tlog-proof: no key of the trust root's log signed the checkpoint")
	}
	if cp.origin != log.origin {
		return nil, fail("NOTE_UNVERIFIED", "receipt.tlog-proof: a checkpoint of %q, not of the log %q", show(cp.origin), show(log.origin))
	}
	cosigned, err := openNote(p.checkpoint, log.witnesses) // step 3
	if err != nil {
		return nil, err
	}
	if uint64(len(cosigned)) < log.quorum {
		return nil, fail("COSIGNATURE_MISSING", "receipt.tlog-proof: %d of the trust root's witnesses cosigned, %d must", len(cosigned), log.quorum)
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(certificateEntry(c, key.id)) // step 4
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, p.index, cp.size, leaf, p.hashes, cp.root); err != nil {
		var mismatch proof.RootMismatchError
		if errors.As(err, &mismatch) { // its message shows both roots as byte lists
			err = fmt.Errorf("the hashes lead to root %x, the checkpoint's is %x", mismatch.CalculatedRoot, cp.root)
		}
		return nil, fail("RECEIPT_MISMATCH", "receipt.tlog-proof: the certificate's entry at index %d is not in the tree of size %d: %v", p.index, cp.size, err)
	}
	k := root.certificateKeys[key.id] // step 5
	if k.revocationLogIndex != nil && p.index > *k.revocationLogIndex {
		return nil, fail("KEY_REVOKED", "receipt.tlog-proof: logged at index %d, after key %s was revoked at index %d", p.index, key.id, *k.revocationLogIndex)
	}
	var logKeys, witnesses []string
	for _, s := range signed {
		logKeys = append(logKeys, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
	}
	for _, s := range cosigned {
		sig, _ := base64.StdEncoding.DecodeString(s.Base64) // Open has decoded and verified it: hint, time, signature
		witnesses = append(witnesses, fmt.Sprintf("%s at %d", s.Name, binary.BigEndian.Uint64(sig[4:12])))
	}
	if len(witnesses) == 0 {
		witnesses = []string{"no witness"}
	}
	return []string{fmt.Sprintf("receipt: entry %d of %d in the log %s (root %x), signed by %s, cosigned by %s (%d required)",
		p.index, cp.size, show(cp.origin), cp.root, strings.Join(logKeys, ", "), strings.Join(witnesses, ", "), log.quorum)}, nil
}
