// The per-object proof (FORMAT.md section 7): one record line, its RFC 9162
// section 2.1.3 inclusion proof, and the certificate; section 8 step 6.
package main

import (
	"encoding/hex"
	"errors"
	"slices"
	"strings"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

var proofShape = []member{
	{"type", "proof-type"}, {"record", "string"}, {"leafIndex", "integer"}, {"treeSize", "integer"},
	{"auditPath[]", "hash"}, {"certificate", "object"},
}

type objectProof struct {
	cert      *certificate
	record    map[string]any
	leafIndex uint64
}

func verifyObjectProof(data []byte, key trustedKey) (*objectProof, error) {
	v, err := parseInput(data, "the proof", "PROOF_MALFORMED")
	if err != nil {
		return nil, err
	}
	if err := checkShape(v, proofShape[:1]); err != nil { // the type first: is it a proof at all
		return nil, fail("PROOF_MALFORMED", "%v", err)
	}
	if n, ok := integer(get(v, "version")); !ok || n != 1 {
		return nil, fail("VERSION_UNSUPPORTED", "proof version %v, this checker knows 1", get(v, "version"))
	}
	// Not in FORMAT.md: a version 1 proof has exactly the members of section 7.
	for name := range v.(map[string]any) {
		if !slices.ContainsFunc(proofShape, func(m member) bool { return strings.TrimSuffix(m.path, "[]") == name }) && name != "version" {
			return nil, fail("MEMBER_UNKNOWN", "the proof has a member %q, which proof version 1 does not define", name)
		}
	}
	if err := checkShape(v, proofShape[1:]); err != nil {
		return nil, fail("PROOF_MALFORMED", "%v", err)
	}
	p := v.(map[string]any)
	cert, err := verifyEnvelope(p["certificate"], key)
	if err != nil {
		return nil, err
	}
	index, size := num(p, "leafIndex"), num(p, "treeSize")
	if size != cert.treeSize {
		return nil, fail("PROOF_CERTIFICATE_MISMATCH", "treeSize %d, the certificate says %d", size, cert.treeSize)
	}
	line := []byte(p["record"].(string))
	rec, err := checkRecord(line, index, cert)
	if err != nil {
		return nil, err
	}
	if index >= size {
		return nil, fail("INDEX_OUT_OF_RANGE", "leaf %d of a tree of %d", index, size)
	}
	var path [][]byte
	for _, h := range p["auditPath"].([]any) {
		b, _ := hex.DecodeString(h.(string))
		path = append(path, b)
	}
	// VerifyInclusion checks the path's exact length before it hashes anything,
	// then compares the root it yields (RFC 9162 section 2.1.3.2).
	err = proof.VerifyInclusion(rfc6962.DefaultHasher, index, size, rfc6962.DefaultHasher.HashLeaf(line), path, cert.rootHash)
	var mismatch proof.RootMismatchError
	switch {
	case errors.As(err, &mismatch):
		return nil, fail("MERKLE_ROOT_MISMATCH", "the audit path yields %x, the certificate says %x", mismatch.CalculatedRoot, cert.rootHash)
	case err != nil:
		return nil, fail("PROOF_SIZE_WRONG", "%v", err) // "wrong proof size 7, want 9"
	}
	return &objectProof{cert, rec, index}, nil
}
