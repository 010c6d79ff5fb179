// A certificate bundle (FORMAT.md section 10): a directory whose files are
// each checked when present; only certificate.json is required.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// readBundle fills in from dir. A file that section 10 does not name is noted.
func readBundle(dir string, in *inputs) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	in.bundle, in.dir = true, dir
	at := func(name string) string { return filepath.Join(dir, name) }
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "certificate.json":
			in.cert = at(name)
		case name == "records.ndjson":
			in.records = at(name)
		case name == "order.json":
			in.order = at(name)
		case name == "trust.json":
			in.trust = at(name)
		case name == "receipt.tlog-proof": // step 12, receipt.go
			in.receipt = at(name)
		case strings.HasSuffix(name, ".ndjson") && listFiles[strings.TrimSuffix(name, ".ndjson")] == name:
			in.lists[strings.TrimSuffix(name, ".ndjson")] = at(name)
		case name == "public-key.pem" && in.key == "":
			in.key = at(name)
		case name == "public-key.pem":
			in.notes = append(in.notes, "not used: public-key.pem (the key is --public-key)")
		case name == "vendors" && e.IsDir(): // step 11, vendors.go
			in.vendors = true
		case name == "proofs" && e.IsDir():
			proofs, err := os.ReadDir(at(name))
			if err != nil {
				return err
			}
			for _, p := range proofs {
				if strings.HasSuffix(p.Name(), ".json") && !p.IsDir() {
					in.proofs = append(in.proofs, filepath.Join(at(name), p.Name()))
				} else {
					in.notes = append(in.notes, "ignored: "+filepath.Join("proofs", p.Name()))
				}
			}
		default:
			in.notes = append(in.notes, "ignored: "+name)
		}
	}
	sort.Strings(in.proofs)
	switch {
	case in.cert == "":
		return fmt.Errorf("%s has no certificate.json", dir)
	case in.key == "":
		return errors.New("the bundle has no public-key.pem: give --public-key")
	}
	return nil
}
