// The lists of a version 2 certificate: retained.ndjson, exceptions.ndjson
// and rescan.ndjson (FORMAT.md 5.5), each against its list head in the
// statement (5.4); section 8 step 7.
package main

import (
	"fmt"
	"io"
	"slices"
)

// listFiles name each list's file.
var listFiles = map[string]string{
	"records": "records.ndjson", "retained": "retained.ndjson", "exceptions": "exceptions.ndjson", "rescan": "rescan.ndjson",
}

// entryShapes are the member tables of 5.5. A v2 entry has exactly these
// members; retained's sha256 and size come together or not at all.
var entryShapes = map[string][]member{
	"retained":   {{"holdId", "id"}, {"reason", "string"}, {"sha256", "hash?"}, {"size", "integer?"}},
	"exceptions": {{"code", "string"}, {"reason", "string"}},
	"rescan":     {{"status", "rescan-status"}},
}

var entryCommon = []member{{"index", "integer"}, {"target", "target"}, {"locator", "locator"}, {"salt", "salt"}}

// checkEntryShape is the members check of a line of list: section 3's table
// for records, 5.5's for the others.
func checkEntryShape(list string, v any) error {
	if list == "records" {
		return checkShape(v, recordShape)
	}
	shape := append(slices.Clone(entryCommon), entryShapes[list]...)
	if err := checkShape(v, shape); err != nil {
		return err
	}
	e := v.(map[string]any)
	for name := range e {
		if !slices.ContainsFunc(shape, func(m member) bool { return m.path == name }) {
			return fmt.Errorf("member %q, which a %s entry does not have", name, list)
		}
	}
	if _, hasSize := e["size"]; list == "retained" && hasSize != (e["sha256"] != nil) {
		return fmt.Errorf("sha256 and size come together")
	}
	return nil
}

// verifyList is 5.5 on one list file: each line as a record line, the head,
// then the per-target counts (retained, exceptions) or the statuses (rescan).
func verifyList(list string, r io.Reader, c *certificate) (treeFile, error) {
	file := listFiles[list]
	tally := map[string]uint64{} // per target, or per status for rescan
	tf, err := readTreeFile(r, file, func(line []byte, i uint64) error {
		e, err := checkLine(list, line, i, c, fmt.Sprintf("%s line %d", file, i))
		if err != nil {
			return err
		}
		key := e["target"].(string)
		if list == "rescan" {
			key = e["status"].(string)
		}
		tally[key] = addSafe(tally[key], 1)
		return nil
	})
	if err != nil {
		return tf, err
	}
	if err := matchHead(file, tf, c.heads[list]); err != nil {
		return tf, err
	}
	if list == "rescan" {
		for _, status := range statusNames {
			if tally[status] != c.statuses[status] {
				return tf, fail("RECORD_COUNT_MISMATCH", "%s has %d entries of status %s, rescan.statuses says %d", file, tally[status], status, c.statuses[status])
			}
		}
		return tf, nil
	}
	for _, name := range c.targetNames {
		want := map[string]uint64{"retained": c.targets[name].retained, "exceptions": c.targets[name].exceptions}[list]
		if tally[name] != want {
			return tf, fail("RECORD_COUNT_MISMATCH", "%s has %d entries of target %s, the certificate says %d", file, tally[name], name, want)
		}
	}
	return tf, nil
}
