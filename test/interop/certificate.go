// The signed certificate: keys (FORMAT.md 5.2), the DSSE v1 envelope and its
// Ed25519 signature (5.1); section 8 steps 1-3. statement.go does step 4.
package main

import (
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

// payloadTypes are the envelope types of section 8 step 2, each carrying
// statements of one version only (5.4).
var payloadTypes = map[string]uint64{
	"application/vnd.shredproof.certificate.v1+json": 1,
	"application/vnd.shredproof.certificate.v2+json": 2,
}

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
	if !strictKey(pub) {
		return trustedKey{}, errors.New("a non-canonical or small-order Ed25519 point")
	}
	sum := sha256.Sum256(pub)
	return trustedKey{pub, hex.EncodeToString(sum[:])}, nil
}

// strictKey is false for the public keys that FORMAT.md 5.1 refuses and
// crypto/ed25519 accepts: a y coordinate not below p, or a point of small order.
func strictKey(pub ed25519.PublicKey) bool {
	y := slices.Clone(pub) // little-endian y with the sign of x in bit 255 (RFC 8032 5.1.2)
	y[31] &= 0x7f
	slices.Reverse(y)
	return new(big.Int).SetBytes(y).Cmp(fieldPrime) < 0 && !slices.Contains(rejectedKeys, hex.EncodeToString(pub))
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
	version, known := payloadTypes[typ]
	if !known {
		return nil, fail("PAYLOAD_TYPE_WRONG", "payloadType %q is neither version 1's nor version 2's", typ)
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
	return parseStatement(statement, version, key)
}
