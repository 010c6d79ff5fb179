// Per-object proofs: version 1 proves a record (FORMAT.md section 7), version
// 2 an entry of any of a v2 certificate's four lists (7.1); each is one line,
// its RFC 9162 section 2.1.3 inclusion proof and the certificate. Section 8
// steps 6 and 10.
package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// proofShapes are the member tables of sections 7 and 7.1, without type and
// version (checked first). A proof has exactly these members.
var proofShapes = map[uint64][]member{
	1: {{"record", "string"}, {"leafIndex", "integer"}, {"treeSize", "integer"}, {"auditPath[]", "hash"}, {"certificate", "object"}},
	2: {{"list", "proof-list"}, {"entry", "string"}, {"leafIndex", "integer"}, {"treeSize", "integer"}, {"auditPath[]", "hash"}, {"certificate", "object"}},
}

type objectProof struct {
	cert      *certificate
	version   uint64
	list      string
	entry     map[string]any
	leafIndex uint64
	treeSize  uint64
}

func verifyObjectProof(data []byte, key trustedKey) (*objectProof, error) {
	v, err := parseInput(data, "the proof", "PROOF_MALFORMED")
	if err != nil {
		return nil, err
	}
	if err := checkShape(v, []member{{"type", "proof-type"}}); err != nil { // the type first: is it a proof at all
		return nil, fail("PROOF_MALFORMED", "%v", err)
	}
	p := v.(map[string]any)
	version, _ := integer(p["version"])
	shape := proofShapes[version]
	_, hasRecord := p["record"]
	_, hasEntry := p["entry"]
	if shape == nil || (version == 2 && hasRecord && !hasEntry) { // 7.1: version 1's record under version 2
		return nil, fail("VERSION_UNSUPPORTED", "proof version %v, this checker knows 1 and 2", p["version"])
	}
	for name := range p {
		if name != "type" && name != "version" && !slices.ContainsFunc(shape, func(m member) bool { return m.path == name || m.path == name+"[]" }) {
			return nil, fail("MEMBER_UNKNOWN", "the proof has a member %q, which proof version %d does not define", name, version)
		}
	}
	if err := checkShape(p, shape); err != nil {
		return nil, fail("PROOF_MALFORMED", "%v", err)
	}
	cert, err := verifyEnvelope(p["certificate"], key)
	if err != nil {
		return nil, err
	}
	if cert.version != version { // 7.1: each proof version carries its certificate version
		return nil, fail("PROOF_CERTIFICATE_MISMATCH", "a version %d proof carries a version %d certificate", version, cert.version)
	}
	list, line := "records", p["record"]
	if version == 2 {
		list, line = p["list"].(string), p["entry"]
	}
	op := &objectProof{cert: cert, version: version, list: list, leafIndex: num(p, "leafIndex"), treeSize: num(p, "treeSize")}
	head := cert.heads[list]
	if op.treeSize != head.treeSize {
		return nil, fail("PROOF_CERTIFICATE_MISMATCH", "treeSize %d, the certificate's %s tree has %d", op.treeSize, list, head.treeSize)
	}
	raw := []byte(line.(string))
	what := fmt.Sprintf("the proof's %s line", list)
	if op.entry, err = checkLine(list, raw, op.leafIndex, cert, what); err != nil {
		return nil, err
	}
	// Section 3: a record's method is one of its target's methods.
	if m, _ := op.entry["method"].(string); list == "records" && !slices.Contains(cert.targets[op.entry["target"].(string)].methods, m) {
		return nil, fail("RECORD_INVALID", "%s has method %s, which its target does not list", what, m)
	}
	if op.leafIndex >= op.treeSize {
		return nil, fail("INDEX_OUT_OF_RANGE", "leaf %d of a tree of %d", op.leafIndex, op.treeSize)
	}
	var path [][]byte
	for _, h := range p["auditPath"].([]any) {
		b, _ := hex.DecodeString(h.(string))
		path = append(path, b)
	}
	// VerifyInclusion checks the path's exact length before it hashes anything,
	// then compares the root it yields (RFC 9162 section 2.1.3.2).
	err = proof.VerifyInclusion(rfc6962.DefaultHasher, op.leafIndex, op.treeSize, rfc6962.DefaultHasher.HashLeaf(raw), path, head.rootHash)
	var mismatch proof.RootMismatchError
	switch {
	case errors.As(err, &mismatch):
		return nil, fail("MERKLE_ROOT_MISMATCH", "the audit path yields %x, the certificate's %s root is %x", mismatch.CalculatedRoot, list, head.rootHash)
	case err != nil:
		return nil, fail("PROOF_SIZE_WRONG", "%v", err) // "wrong proof size 7, want 9"
	}
	return op, nil
}

// describe is the summary line of a verified proof.
func (op *objectProof) describe() string {
	e := op.entry
	detail := map[string]string{
		"records":    fmt.Sprintf("sha256 %s", e["sha256"]),
		"retained":   fmt.Sprintf("retained under hold %s", show(fmt.Sprint(e["holdId"]))),
		"exceptions": fmt.Sprintf("exception %s", show(fmt.Sprint(e["code"]))),
		"rescan":     fmt.Sprintf("rescan status %s", e["status"]),
	}[op.list]
	where := ""
	if op.list != "records" {
		where = " of " + listFiles[op.list]
	}
	return fmt.Sprintf("proof: %s:%s (%s) at leaf %d of %d%s, certificate %s",
		show(e["target"].(string)), show(e["locator"].(string)), detail, op.leafIndex, op.treeSize, where, show(op.cert.id))
}
