// A bundle's vendors (FORMAT.md 5.10, section 8 step 11): for each
// held-by-vendor artifact, vendors/NAME/ holds the vendor's own certificate
// bundle. Its certificate.json and trust.json must be the files the statement
// binds by SHA-256 (which pins the vendor's trust root: this checker then
// takes it as given), it must verify as a bundle of its own, and its
// certificate must be signed by the key, be the certificate and be for an
// order whose reference names ours: VENDOR_CERTIFICATE_MISMATCH otherwise, or
// the vendor bundle's own code with its path. Vendors nest to a depth of four.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const maxVendorDepth = 4

func checkVendors(in *inputs, c *certificate) ([]string, error) {
	var lines []string
	var bound []string
	for _, a := range c.derived {
		if a.disposition != "held-by-vendor" {
			continue
		}
		bound = append(bound, a.name)
		if !in.bundle {
			lines = append(lines, fmt.Sprintf("not checked: vendors/%s/ (give --bundle)", a.name))
			continue
		}
		got, err := checkVendor(in, a, c)
		if err != nil {
			return nil, err
		}
		lines = append(lines, got...)
	}
	if in.vendors {
		entries, err := os.ReadDir(filepath.Join(in.dir, "vendors"))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !slices.Contains(bound, e.Name()) {
				in.notes = append(in.notes, "ignored: vendors/"+e.Name())
			}
		}
	}
	return lines, nil
}

func checkVendor(in *inputs, a artifact, c *certificate) ([]string, error) {
	at := "vendors/" + a.name + "/"
	dir := filepath.Join(in.dir, "vendors", a.name)
	mismatch := func(format string, args ...any) error {
		return fail("VENDOR_CERTIFICATE_MISMATCH", at+format, args...)
	}
	if in.depth+1 > maxVendorDepth {
		return nil, mismatch(": vendors nest deeper than %d", maxVendorDepth)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, mismatch(": missing, but the statement says %s is held by a vendor", a.name)
	}
	// 1. The very bundle the statement binds; only then is it worth checking.
	for _, f := range [][2]string{{"certificate.json", a.vendor["certificateSha256"]}, {"trust.json", a.vendor["trustSha256"]}} {
		data, err := os.ReadFile(filepath.Join(dir, f[0]))
		if errors.Is(err, os.ErrNotExist) {
			return nil, mismatch("%s: missing; the statement binds one with SHA-256 %s", f[0], f[1])
		} else if err != nil {
			return nil, err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f[1] {
			return nil, mismatch("%s: SHA-256 %x, the statement binds %s", f[0], sum, f[1])
		}
	}
	// 2. A bundle of its own.
	sub := &inputs{lists: map[string]string{}, depth: in.depth + 1}
	if err := readBundle(dir, sub); err != nil {
		return nil, fmt.Errorf("%s: %v", at, err)
	}
	summary, err := check(sub)
	var bad *invalid
	if errors.As(err, &bad) {
		return nil, fail(bad.code, "in %s: %s", at, bad.reason)
	} else if err != nil {
		return nil, fmt.Errorf("%s: %v", at, err)
	}
	// 3. Signed by the key, the certificate, and for the order the statement names.
	theirs := sub.verified
	reference, _ := theirs.order["reference"].(string)
	ours, _ := c.order["id"].(string)
	switch {
	case sub.keyid != a.vendor["keyid"]:
		return nil, mismatch("certificate.json: signed by key %s, the statement names %s", sub.keyid, a.vendor["keyid"])
	case theirs.id != a.vendor["certificateId"]:
		return nil, mismatch("certificate.json: certificate %s, the statement names %s", show(theirs.id), show(a.vendor["certificateId"]))
	case !namesOrder(reference, ours):
		return nil, mismatch("certificate.json: for the order %q, whose reference does not name ours (%s)", show(reference), ours)
	}
	var lines []string
	for _, l := range append(summary, sub.notes...) {
		lines = append(lines, at+": "+l)
	}
	return append(lines, fmt.Sprintf("vendor: %s, certificate %s signed by key %s, for %q", at, show(theirs.id), sub.keyid, show(reference))), nil
}

// namesOrder: the reference names the order as a whole word (FORMAT.md 5.10),
// not inside a longer id (ord-1 is not named by ord-12).
func namesOrder(reference, id string) bool {
	isIDChar := func(b byte) bool {
		return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '.' || b == '_' || b == '-'
	}
	for from := 0; ; {
		i := strings.Index(reference[from:], id)
		if i < 0 {
			return false
		}
		at := from + i
		end := at + len(id)
		if (at == 0 || !isIDChar(reference[at-1])) && (end == len(reference) || !isIDChar(reference[end])) {
			return true
		}
		from = at + 1
	}
}
