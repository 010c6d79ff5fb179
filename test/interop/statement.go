// The signed statement, versions 1 (FORMAT.md 5.3) and 2 (5.4): its members,
// the sums, and the other rules a verifier reports as STATEMENT_INVALID;
// section 8 step 4.
package main

import (
	"bytes"
	"encoding/hex"
	"strings"
)

// certificate holds a verified envelope's statement and what later steps use.
type certificate struct {
	payload     []byte // the signed statement bytes
	version     uint64
	id          string
	heads       map[string]listHead // "records" (merkle and records.sha256), and in version 2 the three lists
	targets     map[string]*target
	targetNames []string          // in the statement's order
	statuses    map[string]uint64 // version 2: rescan.statuses
	order       map[string]any    // the statement's order member
	inventory   map[string]any    // and its inventory member: the plan that approvals sign (5.9)
	issuedAt    string
	approvals   []approval // version 2: the statement's approvals (5.9), checked against order
	derived     []artifact // version 2: the derived section (5.10)
}

// listHead is what the statement commits to for one file: its RFC 6962 tree
// and the file's SHA-256 (5.4 "list head"; for records, merkle and records).
type listHead struct {
	treeSize uint64
	rootHash []byte
	sha256   string
}

type target struct {
	methods                       []string
	count, bytes                  uint64 // destroyed.count and destroyed.bytes
	retained, exceptions, planned uint64
}

// The tree size, root and SHA-256 of an empty list (5.4): SHA-256 of nothing.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// statementShape is what versions 1 and 2 share (5.3, and 5.4's "all other
// members"); v1Shape and v2Shape are where they differ.
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
	{"derived[].name", "string"}, {"derived[].description", "string"}, {"derived[].sha256", "hash?"},
	{"audit", "audit?"}, {"status", "status"},
}

var v1Shape = []member{
	{"rescan.items[].target", "string"}, {"rescan.items[].locator", "string"}, {"rescan.items[].status", "rescan-status"},
	{"exceptions[].target", "string"}, {"exceptions[].locator", "string"},
	{"exceptions[].code", "string"}, {"exceptions[].reason", "string"},
	{"retained[].target", "string"}, {"retained[].locator", "string"},
	{"retained[].holdId", "string"}, {"retained[].reason", "string"},
}

var v2Shape = append([]member{
	{"tool.name", "tool"}, {"tool.version", "tool"}, {"order.deadline", "time?"},
	{"execution.withinDeadline", "boolean?"}, {"targets[].system", "system"},
	{"rescan.statuses.held", "integer"}, {"rescan.statuses.exception", "integer"},
	{"rescan.statuses.unplanned", "integer"}, {"rescan.statuses.recreated", "integer"},
}, headShape("retained", "exceptions", "rescan.items")...)

func headShape(paths ...string) []member {
	var shape []member
	for _, p := range paths {
		shape = append(shape, member{p + ".algorithm", "algorithm"}, member{p + ".treeSize", "integer"},
			member{p + ".rootHash", "hash"}, member{p + ".sha256", "hash"})
	}
	return shape
}

// statusNames are the members of rescan.statuses (5.4).
var statusNames = []string{"held", "exception", "unplanned", "recreated"}

// listPaths are where the statement holds each list's head (5.4).
var listPaths = map[string]string{"retained": "retained", "exceptions": "exceptions", "rescan": "rescan.items"}

// parseStatement is step 4: the payload as JSON, its version (that of the
// payload type), members, sums and rules, its canonical form, its issuer.
func parseStatement(payload []byte, version uint64, key trustedKey) (*certificate, error) {
	// Signed, but the signer may be buggy or lying: parsed as strictly as any input.
	v, err := parseInput(payload, "the signed statement", "STATEMENT_INVALID")
	if err != nil {
		return nil, err
	}
	s, ok := v.(map[string]any)
	if !ok {
		return nil, fail("STATEMENT_INVALID", "the payload is not a JSON object")
	}
	if n, ok := integer(s["version"]); !ok || n != version {
		return nil, fail("VERSION_UNSUPPORTED", "statement version %v under the payload type of version %d", s["version"], version)
	}
	shape := append(append([]member{}, statementShape...), map[uint64][]member{1: v1Shape, 2: v2Shape}[version]...)
	if err := checkShape(s, shape); err != nil {
		return nil, fail("STATEMENT_INVALID", "%v", err)
	}
	c := &certificate{payload: payload, version: version, id: get(s, "certificateId").(string),
		heads: map[string]listHead{"records": head(s, "merkle", "records.sha256")}, targets: map[string]*target{},
		order: s["order"].(map[string]any), inventory: s["inventory"].(map[string]any), issuedAt: s["issuedAt"].(string)}
	for _, t := range s["targets"].([]any) {
		t := t.(map[string]any)
		name := t["name"].(string)
		if c.targets[name] != nil {
			return nil, fail("STATEMENT_INVALID", "target name %q is not unique", name)
		}
		tg := &target{count: num(t, "destroyed.count"), bytes: num(t, "destroyed.bytes"),
			retained: num(t, "retained"), exceptions: num(t, "exceptions"), planned: num(t, "planned")}
		for _, m := range t["methods"].([]any) {
			tg.methods = append(tg.methods, m.(string))
		}
		c.targets[name] = tg
		c.targetNames = append(c.targetNames, name)
	}
	if err := checkSums(s, c); err != nil {
		return nil, err
	}
	check := map[uint64]func(map[string]any, *certificate) error{1: checkV1, 2: checkV2}[version]
	if err := check(s, c); err != nil {
		return nil, err
	}
	var canon bytes.Buffer
	if err := canonical(&canon, s); err != nil || !bytes.Equal(canon.Bytes(), payload) {
		return nil, fail("STATEMENT_NOT_CANONICAL", "the signed statement is not in RFC 8785 form")
	}
	if keyid := get(s, "issuer.keyid"); keyid != key.id {
		return nil, fail("STATEMENT_INVALID", "issuer.keyid %s is not the verifying key's id %s", keyid, key.id)
	}
	return c, nil
}

// head reads a tree (algorithm, treeSize, rootHash) at path and a file digest at sha256Path.
func head(s map[string]any, path, sha256Path string) listHead {
	root, _ := hex.DecodeString(get(s, path+".rootHash").(string))
	return listHead{num(s, path+".treeSize"), root, get(s, sha256Path).(string)}
}

type sum struct {
	what      string
	got, want uint64
}

func checkEqual(sums []sum) error {
	for _, x := range sums {
		if x.got != x.want {
			return fail("STATEMENT_INVALID", "%s: %d, want %d", x.what, x.got, x.want)
		}
	}
	return nil
}

// checkSums holds the rules 5.3 and 5.4 share: the sums over completeness and
// targets, two people, and the status.
func checkSums(s map[string]any, c *certificate) error {
	n := func(path string) uint64 { return num(s, path) }
	var planned, destroyed, retained, exceptions, bytesSum uint64
	for _, t := range c.targets {
		planned, destroyed = addSafe(planned, t.planned), addSafe(destroyed, t.count)
		retained, exceptions = addSafe(retained, t.retained), addSafe(exceptions, t.exceptions)
		bytesSum = addSafe(bytesSum, t.bytes)
	}
	err := checkEqual([]sum{
		{"completeness.planned = destroyed + retained + exceptions", n("completeness.planned"),
			addSafe(addSafe(n("completeness.destroyed"), n("completeness.retained")), n("completeness.exceptions"))},
		{"merkle.treeSize = completeness.destroyed", n("merkle.treeSize"), n("completeness.destroyed")},
		{"inventory.treeSize = completeness.planned", n("inventory.treeSize"), n("completeness.planned")},
		{"targets[].planned adds up to completeness.planned", planned, n("completeness.planned")},
		{"targets[].destroyed.count adds up to completeness.destroyed", destroyed, n("completeness.destroyed")},
		{"targets[].retained adds up to completeness.retained", retained, n("completeness.retained")},
		{"targets[].exceptions adds up to completeness.exceptions", exceptions, n("completeness.exceptions")},
		{"targets[].destroyed.bytes adds up to records.bytes", bytesSum, n("records.bytes")},
	})
	if err != nil {
		return err
	}
	if want := map[bool]string{true: "complete-with-exceptions", false: "complete"}[n("completeness.exceptions") > 0]; s["status"] != want {
		return fail("STATEMENT_INVALID", "status %v, want %s", s["status"], want)
	}
	if get(s, "order.createdBy") == get(s, "order.approvedBy") { // SELF_APPROVAL at the issuer (5.3)
		return fail("STATEMENT_INVALID", "order.approvedBy is also order.createdBy")
	}
	return nil
}

// checkV1: the lists are in the statement (5.3), with exactly the counted
// items, each naming a listed target whose counts are its items.
func checkV1(s map[string]any, c *certificate) error {
	n := func(path string) uint64 { return num(s, path) }
	size := func(path string) uint64 { return uint64(len(get(s, path).([]any))) }
	err := checkEqual([]sum{
		{"exceptions[] has completeness.exceptions items", size("exceptions"), n("completeness.exceptions")},
		{"retained[] has completeness.retained items", size("retained"), n("completeness.retained")},
		{"rescan.items[] has rescan.remaining items", size("rescan.items"), n("rescan.remaining")},
	})
	if err != nil {
		return err
	}
	listed := map[string]map[string]uint64{}
	for _, list := range []string{"exceptions", "retained", "rescan.items"} {
		listed[list] = map[string]uint64{}
		for i, item := range get(s, list).([]any) {
			name := item.(map[string]any)["target"].(string)
			if c.targets[name] == nil {
				return fail("STATEMENT_INVALID", "%s[%d] names target %q, which targets[] does not list", list, i, name)
			}
			listed[list][name]++
		}
	}
	for _, name := range c.targetNames {
		t := c.targets[name]
		if t.exceptions != listed["exceptions"][name] || t.retained != listed["retained"][name] {
			return fail("STATEMENT_INVALID", "target %s: exceptions %d and retained %d, but %d and %d items name it",
				name, t.exceptions, t.retained, listed["exceptions"][name], listed["retained"][name])
		}
	}
	return nil
}

// checkV2: the list heads in place of the lists (5.4), the statuses, and the deadline.
func checkV2(s map[string]any, c *certificate) error {
	n := func(path string) uint64 { return num(s, path) }
	c.statuses = map[string]uint64{}
	var statuses uint64
	for _, status := range statusNames {
		c.statuses[status] = n("rescan.statuses." + status)
		statuses = addSafe(statuses, c.statuses[status])
	}
	err := checkEqual([]sum{
		{"retained.treeSize = completeness.retained", n("retained.treeSize"), n("completeness.retained")},
		{"exceptions.treeSize = completeness.exceptions", n("exceptions.treeSize"), n("completeness.exceptions")},
		{"rescan.items.treeSize = rescan.remaining", n("rescan.items.treeSize"), n("rescan.remaining")},
		{"rescan.statuses add up to rescan.remaining", statuses, n("rescan.remaining")},
	})
	if err != nil {
		return err
	}
	for list, path := range listPaths {
		h := head(s, path, path+".sha256")
		if h.treeSize == 0 && (hex.EncodeToString(h.rootHash) != emptySHA256 || h.sha256 != emptySHA256) {
			return fail("STATEMENT_INVALID", "%s has treeSize 0, so its rootHash and sha256 are both %s", path, emptySHA256)
		}
		c.heads[list] = h
	}
	deadline, hasDeadline := get(s, "order.deadline").(string)
	within, hasWithin := get(s, "execution.withinDeadline").(bool)
	switch {
	case hasDeadline != hasWithin:
		return fail("STATEMENT_INVALID", "order.deadline and execution.withinDeadline are not both present or both absent")
	case hasDeadline && within != (compareTimes(get(s, "execution.finishedAt").(string), deadline) <= 0):
		return fail("STATEMENT_INVALID", "execution.withinDeadline is %t, but finishedAt %s and deadline %s say otherwise",
			within, get(s, "execution.finishedAt"), deadline)
	}
	if err := readApprovals(s, c); err != nil {
		return err
	}
	return readDerived(s, c)
}

// get follows a dotted path of object members; nil when one is missing.
func get(v any, path string) any {
	for _, name := range strings.Split(path, ".") {
		o, _ := v.(map[string]any)
		v = o[name]
	}
	return v
}
