// The signed certificate: keys (FORMAT.md 5.2), the DSSE v1 envelope and its
// Ed25519 signature (5.1), and the statement (5.3); section 8 steps 1-4.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

const payloadType = "application/vnd.shredproof.certificate.v1+json"

type trustedKey struct {
	pub ed25519.PublicKey
	id  string // lowercase hex SHA-256 of the 32 raw key bytes (5.2)
}

// The encodings of the 8 points of small order (1, 2, 4, 8) of edwards25519:
// the multiples of an order-8 point, computed with RFC 8032 section 5.1
// arithmetic. The last two are y = 1 and y = p-1 with the sign bit set, which
// RFC 8032 section 5.1.3 step 4 rejects (x = 0 with x_0 = 1).
var rejectedKeys = []string{
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	"0100000000000000000000000000000000000000000000000000000000000080",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
}

// p = 2^255 - 19, the field of RFC 8032 section 5.1.
var fieldPrime = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// parsePublicKey reads a PEM "PUBLIC KEY" block holding an RFC 8410 section 4
// SubjectPublicKeyInfo. crypto/ed25519 accepts non-canonical and small-order
// public keys; FORMAT.md 5.1 asks for strict RFC 8032, so they are refused here.
func parsePublicKey(pemBytes []byte) (trustedKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PUBLIC KEY" {
		return trustedKey{}, errors.New("no PEM PUBLIC KEY block")
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return trustedKey{}, err
	}
	pub, ok := parsed.(ed25519.PublicKey)
	if !ok {
		return trustedKey{}, fmt.Errorf("a %T, not an Ed25519 key", parsed)
	}
	y := slices.Clone(pub) // little-endian y with the sign of x in bit 255 (RFC 8032 5.1.2)
	y[31] &= 0x7f
	slices.Reverse(y)
	if new(big.Int).SetBytes(y).Cmp(fieldPrime) >= 0 || slices.Contains(rejectedKeys, hex.EncodeToString(pub)) {
		return trustedKey{}, errors.New("a non-canonical or small-order Ed25519 point")
	}
	sum := sha256.Sum256(pub)
	return trustedKey{pub, hex.EncodeToString(sum[:])}, nil
}

// decodeBase64 reads RFC 4648 base64, standard (section 4) or URL-safe
// (section 5) alphabet, padded or not, as DSSE allows; never whitespace, mixed
// alphabets or non-zero trailing bits (FORMAT.md section 1).
func decodeBase64(s string) ([]byte, error) {
	body := strings.TrimRight(s, "=")
	if pad := len(s) - len(body); pad > 2 || (pad > 0 && len(s)%4 != 0) {
		return nil, errors.New("wrong padding")
	}
	std, url := strings.ContainsAny(body, "+/"), strings.ContainsAny(body, "-_")
	if std && url {
		return nil, errors.New("mixed alphabets")
	}
	if strings.ContainsAny(body, "\r\n") { // Go's decoder would skip them
		return nil, errors.New("a line break")
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	return enc.Strict().DecodeString(body) // Strict: trailing bits must be zero (RFC 4648 3.5)
}

// pae is DSSE v1's pre-authentication encoding (DSSE protocol.md, FORMAT.md 5.1):
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal.
func pae(typ string, body []byte) []byte {
	return append([]byte(fmt.Sprintf("DSSEv1 %d %s %d ", len(typ), typ, len(body))), body...)
}

// certificate holds a verified envelope's statement and what later steps use.
type certificate struct {
	payload       []byte // the signed statement bytes
	id            string
	treeSize      uint64
	rootHash      []byte
	recordsSHA256 string
	targets       map[string]*target
	targetNames   []string // in the statement's order
}

type target struct {
	methods       []string
	count, bytes  uint64 // the statement's destroyed.count and destroyed.bytes
	seenN, seenSz uint64 // what records.ndjson holds for it
	used          map[string]bool
}

// verifyCertificate is section 8 steps 1-4 on a certificate file.
func verifyCertificate(data []byte, key trustedKey) (*certificate, error) {
	v, err := parseInput(data, "the certificate", "JSON_INVALID")
	if err != nil {
		return nil, err
	}
	return verifyEnvelope(v, key)
}

// verifyEnvelope is section 8 steps 1-4 on a parsed envelope (5.1).
func verifyEnvelope(v any, key trustedKey) (*certificate, error) {
	env, _ := v.(map[string]any)
	typ, ok1 := env["payloadType"].(string)
	payload, ok2 := env["payload"].(string)
	sigs, ok3 := env["signatures"].([]any)
	if !ok1 || !ok2 || !ok3 {
		return nil, fail("ENVELOPE_MALFORMED", "the envelope needs string payloadType and payload and a signatures array")
	}
	if len(sigs) == 0 {
		return nil, fail("SIGNATURE_MISSING", "no signatures")
	}
	for i, s := range sigs {
		sig, _ := s.(map[string]any)
		_, hasSig := sig["sig"].(string)
		keyid, hasKeyid := sig["keyid"]
		if _, isString := keyid.(string); !hasSig || (hasKeyid && !isString) {
			return nil, fail("ENVELOPE_MALFORMED", "signatures[%d] is not {keyid?: string, sig: string}", i)
		}
	}
	if typ != payloadType {
		return nil, fail("PAYLOAD_TYPE_WRONG", "payloadType %q, want %q", typ, payloadType)
	}
	statement, err := decodeBase64(payload)
	if err != nil {
		return nil, fail("BASE64_INVALID", "payload: %v", err)
	}
	// Step 3 and 5.1: accept when a signature verifies under the trusted key;
	// fail when one that names the trusted key id does not. DSSE's keyid is an
	// optional, unauthenticated hint: a signature without one is tried too.
	signed := false
	for i, s := range sigs {
		sig := s.(map[string]any)
		keyid, _ := sig["keyid"].(string)
		if keyid != "" && keyid != key.id {
			continue
		}
		raw, err := decodeBase64(sig["sig"].(string))
		if err != nil {
			return nil, fail("BASE64_INVALID", "signatures[%d].sig: %v", i, err)
		}
		// RFC 8032 section 5.1.7; crypto/ed25519 rejects S >= L and non-canonical R.
		ok := len(raw) == ed25519.SignatureSize && ed25519.Verify(key.pub, pae(typ, statement), raw)
		if !ok && keyid != "" {
			return nil, fail("SIGNATURE_INVALID", "signatures[%d] by key %s does not verify", i, key.id)
		}
		signed = signed || ok
	}
	if !signed {
		return nil, fail("KEY_UNTRUSTED", "no signature by key %s", key.id)
	}
	return parseStatement(statement, key)
}

// parseStatement is step 4: the statement's members (5.3) and its sums.
func parseStatement(payload []byte, key trustedKey) (*certificate, error) {
	// Signed, but the signer may be buggy or lying: parsed as strictly as any input.
	v, err := parseInput(payload, "the signed statement", "STATEMENT_INVALID")
	if err != nil {
		return nil, err
	}
	s, ok := v.(map[string]any)
	if !ok {
		return nil, fail("STATEMENT_INVALID", "the payload is not a JSON object")
	}
	if n, ok := integer(s["version"]); !ok || n != 1 {
		return nil, fail("VERSION_UNSUPPORTED", "statement version %v, this checker knows 1", s["version"])
	}
	if err := checkShape(s, statementShape); err != nil {
		return nil, fail("STATEMENT_INVALID", "%v", err)
	}
	n := func(path string) uint64 { return num(s, path) }
	c := &certificate{payload: payload, id: get(s, "certificateId").(string), treeSize: n("merkle.treeSize"),
		recordsSHA256: get(s, "records.sha256").(string), targets: map[string]*target{}}
	c.rootHash, _ = hex.DecodeString(get(s, "merkle.rootHash").(string))

	var planned, destroyed, retained, exceptions, bytesSum uint64
	for _, t := range s["targets"].([]any) {
		t := t.(map[string]any)
		name := t["name"].(string)
		if c.targets[name] != nil {
			return nil, fail("STATEMENT_INVALID", "target name %q is not unique", name)
		}
		tg := &target{count: num(t, "destroyed.count"), bytes: num(t, "destroyed.bytes"), used: map[string]bool{}}
		for _, m := range t["methods"].([]any) {
			tg.methods = append(tg.methods, m.(string))
		}
		c.targets[name] = tg
		c.targetNames = append(c.targetNames, name)
		planned, destroyed = addSafe(planned, num(t, "planned")), addSafe(destroyed, tg.count)
		retained, exceptions = addSafe(retained, num(t, "retained")), addSafe(exceptions, num(t, "exceptions"))
		bytesSum = addSafe(bytesSum, tg.bytes)
	}
	// The sums of section 5.3, each one stated there.
	sums := []struct {
		what      string
		got, want uint64
	}{
		{"completeness.planned = destroyed + retained + exceptions", n("completeness.planned"),
			addSafe(addSafe(n("completeness.destroyed"), n("completeness.retained")), n("completeness.exceptions"))},
		{"merkle.treeSize = completeness.destroyed", n("merkle.treeSize"), n("completeness.destroyed")},
		{"inventory.treeSize = completeness.planned", n("inventory.treeSize"), n("completeness.planned")},
		{"targets[].planned adds up to completeness.planned", planned, n("completeness.planned")},
		{"targets[].destroyed.count adds up to completeness.destroyed", destroyed, n("completeness.destroyed")},
		{"targets[].retained adds up to completeness.retained", retained, n("completeness.retained")},
		{"targets[].exceptions adds up to completeness.exceptions", exceptions, n("completeness.exceptions")},
		{"targets[].destroyed.bytes adds up to records.bytes", bytesSum, n("records.bytes")},
		{"exceptions[] has completeness.exceptions items", uint64(len(s["exceptions"].([]any))), n("completeness.exceptions")},
		{"retained[] has completeness.retained items", uint64(len(s["retained"].([]any))), n("completeness.retained")},
		{"rescan.items[] has rescan.remaining items", uint64(len(get(s, "rescan.items").([]any))), n("rescan.remaining")},
	}
	for _, sum := range sums {
		if sum.got != sum.want {
			return nil, fail("STATEMENT_INVALID", "%s: %d, want %d", sum.what, sum.got, sum.want)
		}
	}
	if want := map[bool]string{true: "complete-with-exceptions", false: "complete"}[n("completeness.exceptions") > 0]; s["status"] != want {
		return nil, fail("STATEMENT_INVALID", "status %v, want %s", s["status"], want)
	}
	// Not in FORMAT.md (yet): two people (5.3 "the two different people"), and
	// every listed object in a listed target, whose counts are its listed items.
	if get(s, "order.createdBy") == get(s, "order.approvedBy") {
		return nil, fail("STATEMENT_INVALID", "order.approvedBy is also order.createdBy")
	}
	listed := map[string]map[string]uint64{}
	for _, list := range []string{"exceptions", "retained", "rescan.items"} {
		listed[list] = map[string]uint64{}
		for i, item := range get(s, list).([]any) {
			name := item.(map[string]any)["target"].(string)
			if c.targets[name] == nil {
				return nil, fail("STATEMENT_INVALID", "%s[%d] names target %q, which targets[] does not list", list, i, name)
			}
			listed[list][name]++
		}
	}
	for _, t := range s["targets"].([]any) {
		t := t.(map[string]any)
		name := t["name"].(string)
		for _, list := range []string{"exceptions", "retained"} {
			if got := num(t, list); got != listed[list][name] {
				return nil, fail("STATEMENT_INVALID", "target %s: %s %d, but %d items of %s[] name it", name, list, got, listed[list][name], list)
			}
		}
	}
	// 5.1 says the statement bytes are its RFC 8785 form; section 8 names no
	// check or code for it (STATEMENT_NOT_CANONICAL follows the vectors).
	var canon bytes.Buffer
	if err := canonical(&canon, s); err != nil || !bytes.Equal(canon.Bytes(), payload) {
		return nil, fail("STATEMENT_NOT_CANONICAL", "the signed statement is not in RFC 8785 form")
	}
	if keyid := get(s, "issuer.keyid"); keyid != key.id {
		return nil, fail("STATEMENT_INVALID", "issuer.keyid %s is not the verifying key's id %s", keyid, key.id)
	}
	return c, nil
}

// statementShape is the member table of FORMAT.md 5.3.
var statementShape = []member{
	{"type", "certificate-type"}, {"certificateId", "id"}, {"issuedAt", "time"},
	{"issuer.name", "string"}, {"issuer.keyid", "hash"},
	{"order.id", "id"}, {"order.reference", "string"}, {"order.sha256", "hash"},
	{"order.createdBy", "string"}, {"order.approvedBy", "string"}, {"order.approvedAt", "time"},
	{"merkle.algorithm", "algorithm"}, {"merkle.treeSize", "integer"}, {"merkle.rootHash", "hash"},
	{"records.sha256", "hash"}, {"records.bytes", "integer"},
	{"inventory.algorithm", "algorithm"}, {"inventory.treeSize", "integer"}, {"inventory.rootHash", "hash"},
	{"inventory.bytes", "integer"}, {"inventory.plannedAt", "time"},
	{"execution.startedAt", "time"}, {"execution.finishedAt", "time"},
	{"targets[].name", "string"}, {"targets[].kind", "string"}, {"targets[].methods[]", "method"},
	{"targets[].planned", "integer"}, {"targets[].destroyed.count", "integer"}, {"targets[].destroyed.bytes", "integer"},
	{"targets[].retained", "integer"}, {"targets[].exceptions", "integer"}, {"targets[].persistence[]", "string"},
	{"completeness.planned", "integer"}, {"completeness.destroyed", "integer"},
	{"completeness.retained", "integer"}, {"completeness.exceptions", "integer"},
	{"rescan.completedAt", "time"}, {"rescan.remaining", "integer"},
	{"rescan.items[].target", "string"}, {"rescan.items[].locator", "string"}, {"rescan.items[].status", "rescan-status"},
	{"exceptions[].target", "string"}, {"exceptions[].locator", "string"},
	{"exceptions[].code", "string"}, {"exceptions[].reason", "string"},
	{"retained[].target", "string"}, {"retained[].locator", "string"},
	{"retained[].holdId", "string"}, {"retained[].reason", "string"},
	{"derived[].name", "string"}, {"derived[].description", "string"}, {"derived[].sha256", "hash?"},
	{"status", "status"},
}

// get follows a dotted path of object members; nil when one is missing.
func get(v any, path string) any {
	for _, name := range strings.Split(path, ".") {
		o, _ := v.(map[string]any)
		v = o[name]
	}
	return v
}
