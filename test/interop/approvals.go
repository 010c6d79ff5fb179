// Signed approvals (FORMAT.md 5.9): people sign, with their own Ed25519 keys,
// this order (its id and the SHA-256 of its document) and this plan (the
// inventory tree), in a role. The statement carries the signatures; the trust
// root says whose keys may sign, in which roles and when. The statement's own
// rules are step 4 (STATEMENT_INVALID); the checks under a trust root follow
// the signing key's window, in step 9.
package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

const approvalPayloadType = "application/vnd.shredproof.approval.v1+json"

type approval struct {
	role, person, keyid, signedAt string
	sig                           []byte
}

var approvalShape = []member{{"role", "role"}, {"person", "person"}, {"keyid", "hash"}, {"signedAt", "time"}, {"signature", "signature"}}

// readApprovals is 5.9's rules of the statement alone: approvals, when
// present, is an array of well-formed approvals; exactly one approver, who is
// order.approvedBy and not the same person as order.createdBy; at most one
// performer, who is order.createdBy.
func readApprovals(s map[string]any, c *certificate) error {
	v, present := s["approvals"]
	if !present {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		return fail("STATEMENT_INVALID", "approvals is not an array")
	}
	count := map[string]int{}
	for i, item := range items {
		if err := checkShape(item, approvalShape); err != nil {
			return fail("STATEMENT_INVALID", "approvals[%d]: %v", i, err)
		}
		o := item.(map[string]any)
		a := approval{role: o["role"].(string), person: o["person"].(string), keyid: o["keyid"].(string), signedAt: o["signedAt"].(string)}
		a.sig, _ = decodeBase64(o["signature"].(string))
		count[a.role]++
		field := map[string]string{"approver": "approvedBy", "performer": "createdBy"}[a.role]
		if a.person != c.order[field] {
			return fail("STATEMENT_INVALID", "approvals[%d] is by %s %q, but order.%s is %q", i, a.role, a.person, field, c.order[field])
		}
		if createdBy := c.order["createdBy"].(string); a.role == "approver" && personKey(a.person) == personKey(createdBy) {
			return fail("STATEMENT_INVALID", "approvals[%d]: %q created the order (as %q) and cannot approve it", i, a.person, createdBy)
		}
		c.approvals = append(c.approvals, a)
	}
	if count["approver"] != 1 || count["performer"] > 1 {
		return fail("STATEMENT_INVALID", "approvals: %d approvers and %d performers, want one and at most one", count["approver"], count["performer"])
	}
	return nil
}

// personKey is who a name is, for the two-person rule: names that differ only
// in case, punctuation, separators, symbols, controls or format characters
// are one person. 5.9 also folds Unicode compatibility forms (NFKC), which
// Go's standard library cannot do; this folds the full-width forms of ASCII
// only. It matters little here: the approver's name is ASCII (the person
// pattern), and order.createdBy is the issuer's own word, which a dishonest
// issuer could write as any name at all.
func personKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= 0xff01 && r <= 0xff5e { // FULLWIDTH EXCLAMATION MARK to FULLWIDTH TILDE: NFKC maps them to ASCII
			r -= 0xfee0
		}
		switch {
		case unicode.In(r, unicode.P, unicode.Z, unicode.S, unicode.Cc, unicode.Cf):
		case r == 'ß' || r == 'ẞ': // full case folding; unicode.ToUpper has only the simple mappings
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(unicode.ToUpper(r)))
		}
	}
	return b.String()
}

// approvalPayload is what an approval signs (5.9): the RFC 8785 form of its
// role, person and time, and of the statement's own order id, order document
// SHA-256 and inventory tree. Never read from the approval: a signature over
// another plan or order cannot hold.
func approvalPayload(a approval, c *certificate) []byte {
	var buf bytes.Buffer
	// No error: the one number, treeSize, is the statement's, an integer checked in step 4.
	_ = canonical(&buf, map[string]any{
		"type": "shredproof.approval", "version": json.Number("1"), "role": a.role, "person": a.person,
		"order":     map[string]any{"id": c.order["id"], "sha256": c.order["sha256"]},
		"inventory": map[string]any{"treeSize": c.inventory["treeSize"], "rootHash": c.inventory["rootHash"]},
		"signedAt":  a.signedAt,
	})
	return buf.Bytes()
}

// verifyApproval checks one approval's signature, strictly as 5.1 asks: the
// key a canonical encoding of a point of large order (crypto/ed25519 checks
// neither, so strictKey does), S < L and R canonical (crypto/ed25519 checks
// both). crypto/ed25519 then checks the cofactorless equation
// [S]B = R + [k]A, which RFC 8032 5.1.7 allows in place of the cofactored
// [8][S]B = [8]R + [8][k]A. The two differ only for a key with a small-order
// component and a signature made to pass one equation alone; such a key is
// its own person's, registered in the trust root, and nobody else can make
// a signature under it that either equation accepts. So it does not matter
// here: at worst this checker refuses an approval that a cofactored verifier
// accepts, never the reverse.
func verifyApproval(pub ed25519.PublicKey, a approval, c *certificate) bool {
	return strictKey(pub) && len(a.sig) == ed25519.SignatureSize && ed25519.Verify(pub, pae(approvalPayloadType, approvalPayload(a, c)), a.sig)
}

// checkApprovals is 5.9 under a trust root, after the signing key's window:
// each approval's key is one of the root's approvalKeys (APPROVER_UNTRUSTED);
// it is the approval's person's, allows its role, is in force at
// order.approvedAt, and its signature holds (APPROVAL_INVALID); an order
// approved at or after approvalsRequiredFrom has an approver's approval
// (APPROVAL_MISSING). Returns a line per approval, and whether the root
// required one.
func checkApprovals(root *trustRoot, c *certificate) (lines []string, required bool, err error) {
	at := c.order["approvedAt"].(string)
	for i, a := range c.approvals {
		where := fmt.Sprintf("approvals[%d] (%s %s)", i, a.role, a.person)
		k, listed := root.approvalKeys[a.keyid]
		if !listed {
			return nil, false, fail("APPROVER_UNTRUSTED", "%s: key %s is not among the trust root's approvalKeys", where, a.keyid)
		}
		why, _ := k.notInForce(at)
		switch {
		case k.person != a.person:
			why = fmt.Sprintf("key %s is %q's", k.id, k.person)
		case !slices.Contains(k.roles, a.role):
			why = fmt.Sprintf("key %s may sign only as %s", k.id, strings.Join(k.roles, ", "))
		case why != "":
			why = "order.approvedAt is " + at + ", but " + why
		case !verifyApproval(k.pub, a, c):
			why = fmt.Sprintf("the signature does not hold over order %v, its document %v and plan %v (%v objects)",
				c.order["id"], c.order["sha256"], c.inventory["rootHash"], c.inventory["treeSize"])
		}
		if why != "" {
			return nil, false, fail("APPROVAL_INVALID", "%s: %s", where, why)
		}
		lines = append(lines, fmt.Sprintf("approval: %s %s, key %s, signed at %s", a.role, a.person, a.keyid, a.signedAt))
	}
	required = root.approvalsRequiredFrom != "" && compareTimes(at, root.approvalsRequiredFrom) >= 0
	if required && !slices.ContainsFunc(c.approvals, func(a approval) bool { return a.role == "approver" }) {
		return nil, true, fail("APPROVAL_MISSING", "order approved at %s, and the trust root requires an approver's signed approval from %s on",
			at, root.approvalsRequiredFrom)
	}
	return lines, required, nil
}
