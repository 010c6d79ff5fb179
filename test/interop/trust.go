// The trust root, trust.json (FORMAT.md 5.7), with the people's approval
// keys of 5.9: which keys speak for the issuer and which people may sign
// approvals, in which roles and when, and the transparency log that must
// hold the issuer's certificates (12.7, receipt.go). Section 8 step 9. Pins
// (5.8) are out of this checker's scope: it reads the trust root it is
// given, pinned or not.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// trustKey is one key entry of a trust root; person and roles for approval keys only.
type trustKey struct {
	id                                       string
	pub                                      ed25519.PublicKey
	validFrom, validUntil, revokedAt, reason string // validUntil and revokedAt "" when absent
	person                                   string
	roles                                    []string
	revocationLogIndex                       *uint64 // 12.7: the revocation's index in the log, with revokedAt only
}

type trustRoot struct {
	certificateKeys, approvalKeys map[string]trustKey
	approvalsRequiredFrom         string    // "" when absent
	log                           *trustLog // nil when absent (12.7)
}

// The 12 DER bytes that start every Ed25519 SubjectPublicKeyInfo (RFC 8410 section 4, FORMAT.md 5.2).
var spkiPrefix, _ = hex.DecodeString("302a300506032b6570032100")

var keyShape = []member{{"keyid", "hash"}, {"publicKey", "string"}, {"validFrom", "time"},
	{"validUntil", "time?"}, {"revokedAt", "time?"}, {"revocationReason", "string?"}, {"revocationLogIndex", "integer?"}}

var approvalKeyShape = append(slices.Clone(keyShape), member{"person", "person"}, member{"roles[]", "role"})

// parseTrustRoot checks every rule of 5.7 and 5.9: TRUST_ROOT_INVALID, or
// VERSION_UNSUPPORTED for another version; section 1's codes for the JSON.
// Members it does not know are ignored, as 5.7 says.
func parseTrustRoot(data []byte, what string) (*trustRoot, error) {
	v, err := parseInput(data, what, "TRUST_ROOT_INVALID")
	if err != nil {
		return nil, err
	}
	root, _ := v.(map[string]any)
	if root["type"] != "shredproof.trust-root" {
		return nil, fail("TRUST_ROOT_INVALID", "%s is not a trust root: type %v", what, root["type"])
	}
	if n, ok := integer(root["version"]); !ok || n != 1 {
		return nil, fail("VERSION_UNSUPPORTED", "%s has version %v, this checker reads 1", what, root["version"])
	}
	bad := func(format string, args ...any) error { return fail("TRUST_ROOT_INVALID", what+": "+format, args...) }
	if err := checkShape(root, []member{{"issuer", "string"}, {"approvalsRequiredFrom", "time?"}}); err != nil {
		return nil, bad("%v", err)
	}
	t := &trustRoot{certificateKeys: map[string]trustKey{}, approvalKeys: map[string]trustKey{}}
	t.approvalsRequiredFrom, _ = root["approvalsRequiredFrom"].(string)
	certs, ok := root["certificateKeys"].([]any)
	if !ok || len(certs) == 0 {
		return nil, bad("certificateKeys is not an array of at least one key")
	}
	approvals, ok := root["approvalKeys"].([]any)
	if _, present := root["approvalKeys"]; present && !ok {
		return nil, bad("approvalKeys is not an array")
	}
	for i, v := range certs {
		k, err := readTrustKey(v, keyShape)
		if err == nil && t.certificateKeys[k.id].id != "" {
			err = fmt.Errorf("key %s is listed twice", k.id)
		}
		if err != nil {
			return nil, bad("certificateKeys[%d]: %v", i, err)
		}
		t.certificateKeys[k.id] = k
	}
	for i, v := range approvals {
		k, err := readTrustKey(v, approvalKeyShape)
		switch {
		case err != nil:
		case len(k.roles) == 0 || repeats(k.roles):
			err = fmt.Errorf("roles %v: at least one, none twice", k.roles)
		// One key, one person, one duty: a certificate key that could also approve
		// would let the issuer approve its own orders.
		case t.certificateKeys[k.id].id != "":
			err = fmt.Errorf("key %s is also a certificate key", k.id)
		case t.approvalKeys[k.id].id != "":
			err = fmt.Errorf("key %s is listed twice", k.id)
		}
		if err != nil {
			return nil, bad("approvalKeys[%d]: %v", i, err)
		}
		t.approvalKeys[k.id] = k
	}
	if v, present := root["log"]; present {
		if t.log, err = readTrustLog(v); err != nil {
			return nil, bad("log: %v", err)
		}
	}
	return t, nil
}

func repeats(items []string) bool {
	for i, item := range items {
		if slices.Contains(items[:i], item) {
			return true
		}
	}
	return false
}

// readTrustKey reads one key entry: its members, publicKey as the base64 of a
// 44-byte Ed25519 SPKI whose key's SHA-256 is keyid, validUntil after
// validFrom, and revokedAt and revocationReason together or not at all.
// Whether the key is a canonical point of large order is left to signature
// checks, where 5.1 refuses it, as the core does.
func readTrustKey(v any, shape []member) (trustKey, error) {
	if err := checkShape(v, shape); err != nil {
		return trustKey{}, err
	}
	o := v.(map[string]any)
	str := func(name string) string { s, _ := o[name].(string); return s }
	der, err := decodeBase64(str("publicKey"))
	if err != nil {
		return trustKey{}, fmt.Errorf("publicKey: %v", err)
	}
	if len(der) != len(spkiPrefix)+ed25519.PublicKeySize || !bytes.Equal(der[:len(spkiPrefix)], spkiPrefix) {
		return trustKey{}, fmt.Errorf("publicKey is not an Ed25519 SubjectPublicKeyInfo (%d bytes, want 44)", len(der))
	}
	pub := ed25519.PublicKey(der[len(spkiPrefix):])
	if sum := sha256.Sum256(pub); hex.EncodeToString(sum[:]) != str("keyid") {
		return trustKey{}, fmt.Errorf("keyid %s is not the SHA-256 of publicKey, %x", str("keyid"), sum)
	}
	k := trustKey{id: str("keyid"), pub: pub, validFrom: str("validFrom"), validUntil: str("validUntil"),
		revokedAt: str("revokedAt"), reason: str("revocationReason"), person: str("person")}
	if k.validUntil != "" && compareTimes(k.validUntil, k.validFrom) <= 0 {
		return trustKey{}, fmt.Errorf("key %s: validUntil %s is not after validFrom %s", k.id, k.validUntil, k.validFrom)
	}
	_, revoked := o["revokedAt"]
	if _, reason := o["revocationReason"]; revoked != reason {
		return trustKey{}, fmt.Errorf("key %s: revokedAt and revocationReason come together", k.id)
	}
	if n, present := integer(o["revocationLogIndex"]); present && !revoked {
		return trustKey{}, fmt.Errorf("key %s: revocationLogIndex without revokedAt", k.id)
	} else if present {
		k.revocationLogIndex = &n
	}
	roles, _ := o["roles"].([]any)
	for _, r := range roles {
		k.roles = append(k.roles, r.(string))
	}
	return k, nil
}

// notInForce says why key k may not sign at the instant at (5.7), "" when it
// may: revoked (the first rule, KEY_REVOKED for a certificate key) or outside
// its window (KEY_OUTSIDE_VALIDITY).
func (k trustKey) notInForce(at string) (why string, revoked bool) {
	switch {
	case k.revokedAt != "" && compareTimes(at, k.revokedAt) >= 0:
		return fmt.Sprintf("key %s was revoked at %s: %q", k.id, k.revokedAt, k.reason), true
	case compareTimes(at, k.validFrom) < 0:
		return fmt.Sprintf("key %s is valid only from %s", k.id, k.validFrom), false
	case k.validUntil != "" && compareTimes(at, k.validUntil) >= 0:
		return fmt.Sprintf("key %s is valid only until %s", k.id, k.validUntil), false
	}
	return "", false
}

// checkSigningKey is 5.7 for the key that verified the certificate: one of
// the root's certificate keys (KEY_UNTRUSTED), in force at issuedAt
// (KEY_REVOKED, then KEY_OUTSIDE_VALIDITY).
func checkSigningKey(root *trustRoot, key trustedKey, issuedAt string) error {
	k, listed := root.certificateKeys[key.id]
	if !listed {
		return fail("KEY_UNTRUSTED", "key %s is not among the trust root's certificateKeys", key.id)
	}
	if why, revoked := k.notInForce(issuedAt); revoked {
		return fail("KEY_REVOKED", "issued at %s, but %s", issuedAt, why)
	} else if why != "" {
		return fail("KEY_OUTSIDE_VALIDITY", "issued at %s, but %s", issuedAt, why)
	}
	return nil
}
