// Derived artifacts (FORMAT.md 5.10): the statement's derivedArtifacts, each
// artifact's lineage from an order target and what became of it (step 4,
// STATEMENT_INVALID); an approver's signed disposition of a kept artifact or
// a vendor's copy, checked under a trust root as approvals are (step 9); and
// a bundle's vendors/NAME/, the vendor's own bundle (step 11, vendors.go).
package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

const dispositionPayloadType = "application/vnd.shredproof.disposition.v1+json"
const derivedPrefix = "derived:"

type artifact struct {
	name, disposition, target, justification string
	lineage                                  []string
	vendor                                   map[string]string // name, certificateId, certificateSha256, keyid, trustSha256
	signedBy                                 *approval         // its role is unused
}

func init() {
	kinds["artifact-name"] = matches(regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`))
	kinds["artifact-kind"] = text(1, 50, false)
	kinds["description"] = text(1, 2000, false)
	kinds["justification"] = text(1, 5000, false)
	kinds["vendor-text"] = text(1, 200, false)
	kinds["disposition"] = oneOf("destroyed", "retained-with-justification", "held-by-vendor", "not-in-plan")
}

var artifactShape = []member{{"name", "artifact-name"}, {"kind", "artifact-kind"}, {"description", "description"},
	{"lineage[]", "string"}, {"disposition", "disposition"}, {"target", "string?"}, {"justification", "justification?"}}
var vendorShape = []member{{"name", "vendor-text"}, {"certificateId", "vendor-text"}, {"certificateSha256", "hash"},
	{"keyid", "hash"}, {"trustSha256", "hash"}}
var signedByShape = []member{{"person", "person"}, {"keyid", "hash"}, {"signedAt", "time"}, {"signature", "signature"}}

// readDerived is 5.10's rules of the statement alone. Without derivedArtifacts,
// no target may be a derived artifact's.
func readDerived(s map[string]any, c *certificate) error {
	bad := func(format string, args ...any) error {
		return fail("STATEMENT_INVALID", "derivedArtifacts"+format, args...)
	}
	var own, derived []string
	for _, t := range c.targetNames {
		if strings.HasPrefix(t, derivedPrefix) {
			derived = append(derived, t)
		} else {
			own = append(own, t)
		}
	}
	v, present := s["derivedArtifacts"]
	items, ok := v.([]any)
	switch {
	case !present && len(derived) > 0:
		return bad(" is missing, but targets %v are derived artifacts'", derived)
	case present && !ok:
		return bad(" is not an array")
	}
	for i, item := range items {
		a, err := readArtifact(item, c)
		if err != nil {
			return bad("[%d]: %v", i, err)
		}
		if slices.ContainsFunc(c.derived, func(b artifact) bool { return b.name == a.name }) {
			return bad("[%d]: name %s is listed twice", i, a.name)
		}
		c.derived = append(c.derived, a)
	}
	listed := func(name string) bool {
		return slices.ContainsFunc(c.derived, func(b artifact) bool { return b.name == name })
	}
	for i, a := range c.derived {
		l := a.lineage
		switch {
		case len(l) < 2 || !slices.Contains(own, l[0]):
			return bad("[%d].lineage %v does not start at one of the order's targets %v", i, l, own)
		case l[len(l)-1] != a.name:
			return bad("[%d].lineage %v does not end with the artifact %s", i, l, a.name)
		case slices.ContainsFunc(l[1:len(l)-1], func(n string) bool { return !listed(n) }):
			return bad("[%d].lineage %v runs through a name the section does not list", i, l)
		case repeats(l):
			return bad("[%d].lineage %v names one step twice", i, l)
		}
	}
	for _, t := range derived {
		if !slices.ContainsFunc(c.derived, func(a artifact) bool { return a.target == t }) {
			return fail("STATEMENT_INVALID", "target %s is no artifact's of derivedArtifacts", t)
		}
	}
	return nil
}

// readArtifact reads one entry: its members, each member that belongs to its
// disposition and no other, and the target derived:NAME of a destroyed
// artifact, or of a retained one the plan listed, which destroyed nothing.
func readArtifact(item any, c *certificate) (artifact, error) {
	if err := checkShape(item, artifactShape); err != nil {
		return artifact{}, err
	}
	o := item.(map[string]any)
	str := func(name string) string { s, _ := o[name].(string); return s }
	a := artifact{name: str("name"), disposition: str("disposition"), target: str("target"), justification: str("justification")}
	for _, step := range o["lineage"].([]any) {
		a.lineage = append(a.lineage, step.(string))
	}
	for _, m := range [][2]string{{"justification", "retained-with-justification"}, {"vendor", "held-by-vendor"}} {
		if _, has := o[m[0]]; has != (a.disposition == m[1]) {
			return artifact{}, fmt.Errorf("%s is there exactly for a %s artifact, not %s", m[0], m[1], a.disposition)
		}
	}
	// A target is a destroyed artifact's; a retained one names its target only when the plan listed its objects.
	_, hasTarget := o["target"]
	if hasTarget != (a.disposition == "destroyed") && !(hasTarget && a.disposition == "retained-with-justification") {
		return artifact{}, fmt.Errorf("target is there for a destroyed artifact, may be for a retained-with-justification one, and is for no other: not %s", a.disposition)
	}
	decided := a.disposition == "retained-with-justification" || a.disposition == "held-by-vendor"
	if _, has := o["signedBy"]; has != decided {
		return artifact{}, fmt.Errorf("signedBy is there exactly for a disposition an approver decided, not %s", a.disposition)
	}
	if hasTarget && (a.target != derivedPrefix+a.name || c.targets[a.target] == nil) {
		return artifact{}, fmt.Errorf("target %q is not %s%s of targets[]", a.target, derivedPrefix, a.name)
	}
	if hasTarget && a.disposition == "retained-with-justification" && c.targets[a.target].count != 0 {
		return artifact{}, fmt.Errorf("is retained whole, but its target %s destroyed %d object(s)", a.target, c.targets[a.target].count)
	}
	if v, has := o["vendor"]; has {
		if err := checkShape(v, vendorShape); err != nil {
			return artifact{}, fmt.Errorf("vendor: %v", err)
		}
		a.vendor = map[string]string{}
		for _, m := range vendorShape {
			a.vendor[m.path] = v.(map[string]any)[m.path].(string)
		}
	}
	if b, has := o["signedBy"]; has {
		if err := checkShape(b, signedByShape); err != nil {
			return artifact{}, fmt.Errorf("signedBy: %v", err)
		}
		m := b.(map[string]any)
		a.signedBy = &approval{person: m["person"].(string), keyid: m["keyid"].(string), signedAt: m["signedAt"].(string)}
		a.signedBy.sig, _ = decodeBase64(m["signature"].(string))
	}
	return a, nil
}

// dispositionPayload is what a disposition signs (5.10): the RFC 8785 form of
// this order, this artifact and this decision, all from the statement.
func dispositionPayload(a artifact, c *certificate) []byte {
	body := map[string]any{"type": "shredproof.disposition", "version": json.Number("1"),
		"order":    map[string]any{"id": c.order["id"], "sha256": c.order["sha256"]},
		"artifact": a.name, "disposition": a.disposition, "person": a.signedBy.person, "signedAt": a.signedBy.signedAt}
	if a.justification != "" {
		body["justification"] = a.justification
	}
	if a.vendor != nil {
		body["vendor"] = map[string]any{"certificateSha256": a.vendor["certificateSha256"], "trustSha256": a.vendor["trustSha256"]}
	}
	var buf bytes.Buffer
	_ = canonical(&buf, body) // strings and the one number only: no error
	return buf.Bytes()
}

// checkDispositions is 5.10 under a trust root: each signed disposition's key
// is one of the root's approvalKeys (APPROVER_UNTRUSTED); it is the signer's,
// with the role approver, in force at signedAt, and the signature holds
// (APPROVAL_INVALID). A line per disposition.
func checkDispositions(root *trustRoot, c *certificate) ([]string, error) {
	var lines []string
	for i, a := range c.derived {
		b := a.signedBy
		if b == nil {
			continue
		}
		where := fmt.Sprintf("derivedArtifacts[%d] (%s, %s)", i, a.name, a.disposition)
		k, listed := root.approvalKeys[b.keyid]
		if !listed {
			return nil, fail("APPROVER_UNTRUSTED", "%s: key %s is not among the trust root's approvalKeys", where, b.keyid)
		}
		why, _ := k.notInForce(b.signedAt)
		switch {
		case k.person != b.person:
			why = fmt.Sprintf("key %s is %q's", k.id, k.person)
		case !slices.Contains(k.roles, "approver"):
			why = fmt.Sprintf("key %s may sign only as %s", k.id, strings.Join(k.roles, ", "))
		case why != "":
			why = "signed at " + b.signedAt + ", but " + why
		case !strictKey(k.pub) || len(b.sig) != 64 || !ed25519.Verify(k.pub, pae(dispositionPayloadType, dispositionPayload(a, c)), b.sig):
			why = "the signature does not hold over this order, this artifact and this decision"
		}
		if why != "" {
			return nil, fail("APPROVAL_INVALID", "%s: %s", where, why)
		}
		lines = append(lines, fmt.Sprintf("disposition: %s %s by %s, key %s, signed at %s", a.disposition, a.name, b.person, b.keyid, b.signedAt))
	}
	return lines, nil
}
