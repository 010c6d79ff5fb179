// Command go-check is an outside check of shredproof's formats, versions 1 and
// 2, written from docs/FORMAT.md and the expected codes of
// test/vectors/certificate (not from the TypeScript code): the DSSE
// certificate envelope and its statement (section 5), records.ndjson and the
// three lists of version 2 against the signed RFC 6962 Merkle trees (sections
// 2, 3 and 5.5), order.json (5.6), a trust root and the approvals signed
// under it (5.7, 5.9) and per-object proofs of either version (section 7),
// checked in the order of section 8, and a bundle's receipt from the issuer's
// transparency log (section 12). It uses Go's standard library,
// github.com/transparency-dev/merkle and golang.org/x/mod/sumdb/note, nothing
// of shredproof.
//
//	go-check --public-key KEY.pem --certificate CERT.json [--records FILE] [--retained FILE]
//	         [--exceptions FILE] [--rescan FILE] [--order FILE] [--trust FILE] [--receipt FILE]
//	         [--proof PROOF.json]...
//	go-check --public-key KEY.pem --proof PROOF.json...
//	go-check --bundle DIR [--public-key KEY.pem]
//
// A bundle (section 10) is checked file by file: certificate.json, and each of
// records.ndjson, the lists, order.json, trust.json, proofs/*.json and
// receipt.tlog-proof that is present. The key is --public-key, else the
// bundle's public-key.pem; with a trust root (--trust, a bundle's trust.json)
// it must be one of the root's certificate keys, in force when the
// certificate was issued, and the statement's approvals and signed
// dispositions (5.10) are checked against the root's approval keys. A
// bundle's vendors/NAME/ (5.10) is checked as a bundle of its own, once its
// certificate.json and trust.json are the ones the statement binds by
// SHA-256. A trust root that names a log (12.7) asks for the certificate's
// receipt (--receipt, a bundle's receipt.tlog-proof), checked by section
// 12.8. Which key speaks for the issuer, pins (5.8), is out of scope: the
// trust root is taken as given.
//
// It prints VALID and a line per file checked, or INVALID <CODE>: <reason>
// with a code of section 8, and exits 0 when valid, 1 when invalid, and 2 for
// usage errors or input it cannot read, including a public key that is not an
// Ed25519 key (section 8, last paragraph).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// invalid is a verification failure: a code of FORMAT.md section 8 and a short reason.
type invalid struct{ code, reason string }

func (e *invalid) Error() string { return e.code + ": " + e.reason }

func fail(code, format string, args ...any) error {
	return &invalid{code, fmt.Sprintf(format, args...)}
}

const usage = `usage: go-check --public-key KEY.pem (--certificate CERT.json [--records FILE] [--retained FILE] [--exceptions FILE] [--rescan FILE] [--order FILE] [--trust FILE] [--receipt FILE] [--proof PROOF.json]... | --proof PROOF.json...)
       go-check --bundle DIR [--public-key KEY.pem]`

// inputs are the files to check; lists maps "retained", "exceptions" and "rescan" to their files.
type inputs struct {
	cert, key, records, order, trust string
	receipt                          string // receipt.tlog-proof (12.5)
	lists                            map[string]string
	proofs                           []string
	bundle                           bool
	notes                            []string // bundle files not checked, printed last
	dir                              string   // a bundle's directory, and how deep in vendors/ it is (0: the one given)
	depth                            int
	vendors                          bool // the bundle has a vendors/ directory
	verified                         *certificate
	keyid                            string // the key that verified it
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	in, err := parseArgs(args)
	if err != nil {
		fmt.Fprintln(stderr, "go-check:", err)
		fmt.Fprintln(stderr, usage)
		return 2
	}
	summary, err := check(in)
	var bad *invalid
	switch {
	case err == nil:
		fmt.Fprintln(stdout, "VALID")
		for _, line := range append(summary, in.notes...) {
			fmt.Fprintln(stdout, line)
		}
		return 0
	case errors.As(err, &bad):
		fmt.Fprintln(stdout, "INVALID", bad.code+":", show(bad.reason))
		return 1
	default:
		fmt.Fprintln(stderr, "go-check:", show(err.Error()))
		return 2
	}
}

func parseArgs(args []string) (*inputs, error) {
	flags := flag.NewFlagSet("go-check", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	in := &inputs{lists: map[string]string{}}
	flags.StringVar(&in.cert, "certificate", "", "")
	flags.StringVar(&in.key, "public-key", "", "")
	flags.StringVar(&in.records, "records", "", "")
	flags.StringVar(&in.order, "order", "", "")
	flags.StringVar(&in.trust, "trust", "", "")
	flags.StringVar(&in.receipt, "receipt", "", "")
	flags.Func("proof", "", func(p string) error { in.proofs = append(in.proofs, p); return nil })
	for _, list := range []string{"retained", "exceptions", "rescan"} {
		flags.Func(list, "", func(p string) error { in.lists[list] = p; return nil })
	}
	bundle := flags.String("bundle", "", "")
	if err := flags.Parse(args); err != nil {
		return nil, err
	}
	files := in.cert != "" || in.records != "" || in.order != "" || in.trust != "" || in.receipt != "" || len(in.lists) > 0 || len(in.proofs) > 0
	switch {
	case flags.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", flags.Arg(0))
	case *bundle != "" && files:
		return nil, errors.New("--bundle takes no other file but --public-key")
	case *bundle != "":
		return in, readBundle(*bundle, in)
	case in.key == "":
		return nil, errors.New("--public-key is required")
	case in.cert == "" && len(in.proofs) == 0:
		return nil, errors.New("nothing to check: give --certificate or --proof")
	case in.cert == "" && (in.records != "" || in.order != "" || in.trust != "" || in.receipt != "" || len(in.lists) > 0):
		return nil, errors.New("records, lists, order.json, trust roots and receipts are checked against a --certificate")
	}
	return in, nil
}

// check runs the steps of FORMAT.md section 8 on the files given. Errors that
// are not *invalid are unreadable input or usage errors (exit 2).
func check(in *inputs) ([]string, error) {
	pemBytes, err := os.ReadFile(in.key)
	if err != nil {
		return nil, err
	}
	key, err := parsePublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: KEY_MALFORMED: %v", in.key, err)
	}
	if in.cert == "" {
		return checkProofs(in.proofs, nil, key)
	}
	var root *trustRoot // read first, as the keys are (step 3)
	if in.trust != "" {
		data, err := os.ReadFile(in.trust)
		if err != nil {
			return nil, err
		}
		if root, err = parseTrustRoot(data, filepath.Base(in.trust)); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(in.cert)
	if err != nil {
		return nil, err
	}
	cert, err := verifyCertificate(data, key) // steps 1-4
	if err != nil {
		return nil, err
	}
	in.verified, in.keyid = cert, key.id
	if root != nil && root.certificateKeys[key.id].id == "" { // step 3: the key is the trust root's
		return nil, fail("KEY_UNTRUSTED", "key %s is not among the trust root's certificateKeys", key.id)
	}
	summary := []string{fmt.Sprintf("certificate %s signed by key %s, statement version %d", show(cert.id), key.id, cert.version)}
	if len(in.lists) > 0 && cert.version < 2 {
		if !in.bundle {
			return nil, fmt.Errorf("a version %d certificate has no retained, exceptions or rescan list", cert.version)
		}
		for _, list := range []string{"retained", "exceptions", "rescan"} {
			if in.lists[list] != "" {
				in.notes = append(in.notes, "ignored: "+listFiles[list]+" (version 2 only)")
			}
		}
		in.lists = nil
	}
	steps := []func() ([]string, error){
		func() ([]string, error) { return checkFile(in.records, "records", cert) }, // step 5
	}
	proofs := func() ([]string, error) { return checkProofs(in.proofs, cert, key) }
	if cert.version == 1 {
		steps = append(steps, proofs) // step 6
	}
	for _, list := range []string{"retained", "exceptions", "rescan"} { // step 7
		steps = append(steps, func() ([]string, error) { return checkFile(in.lists[list], list, cert) })
	}
	steps = append(steps, func() ([]string, error) { // step 8
		if in.order == "" {
			return nil, nil
		}
		data, err := os.ReadFile(in.order)
		if err != nil {
			return nil, err
		}
		digest, err := verifyOrder(data, cert)
		return []string{fmt.Sprintf("order.json: sha256 %s, reference %s", digest, show(fmt.Sprint(cert.order["reference"])))}, err
	})
	steps = append(steps, func() ([]string, error) { // step 9: the key's window, then the approvals and dispositions
		if root == nil {
			return notChecked(cert), nil
		}
		if err := checkSigningKey(root, key, cert.issuedAt); err != nil {
			return nil, err
		}
		lines, required, err := checkApprovals(root, cert)
		if err != nil {
			return nil, err
		}
		approvals := "not required"
		if required {
			approvals = "required from " + root.approvalsRequiredFrom
		}
		line := fmt.Sprintf("trust root: key %s in force at issuedAt %s; %d approval keys, approvals %s", key.id, cert.issuedAt, len(root.approvalKeys), approvals)
		decided, err := checkDispositions(root, cert)
		return append(append([]string{line}, lines...), decided...), err
	})
	if cert.version == 2 {
		steps = append(steps, proofs)                                                     // step 10
		steps = append(steps, func() ([]string, error) { return checkVendors(in, cert) }) // step 11
	}
	steps = append(steps, func() ([]string, error) { // step 12: the receipt, section 12.8
		switch {
		case root != nil && root.log != nil:
			return checkReceipt(in.receipt, root, key, cert)
		case in.receipt != "":
			return []string{"not checked: receipt.tlog-proof (no trust root names a log)"}, nil
		}
		return nil, nil
	})
	for _, step := range steps {
		lines, err := step()
		if err != nil {
			return nil, err
		}
		summary = append(summary, lines...)
	}
	return summary, nil
}

// notChecked names what needs a trust root: the approvals and the signed dispositions.
func notChecked(cert *certificate) []string {
	var lines []string
	if len(cert.approvals) > 0 {
		lines = append(lines, "not checked: approvals (no trust root lists the approvers' keys)")
	}
	if slices.ContainsFunc(cert.derived, func(a artifact) bool { return a.signedBy != nil }) {
		lines = append(lines, "not checked: dispositions (no trust root lists the approvers' keys)")
	}
	return lines
}

// checkFile checks records.ndjson or a list file, when given.
func checkFile(path, list string, cert *certificate) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	verify := verifyList
	if list == "records" {
		verify = func(_ string, r io.Reader, c *certificate) (treeFile, error) { return verifyRecords(r, c) }
	}
	tf, err := verify(list, f, cert)
	if list == "records" { // the line of version 1, kept
		return []string{fmt.Sprintf("records: %d, merkle root %x", tf.size, tf.root)}, err
	}
	return []string{fmt.Sprintf("%s: %d entries, merkle root %x", listFiles[list], tf.size, tf.root)}, err
}

// checkProofs checks each proof; with a certificate, each must carry exactly
// it, the same signed statement (section 10).
func checkProofs(paths []string, cert *certificate, key trustedKey) ([]string, error) {
	var lines []string
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		op, err := verifyObjectProof(data, key)
		if err != nil {
			return nil, err
		}
		if cert != nil && string(cert.payload) != string(op.cert.payload) {
			return nil, fail("PROOF_CERTIFICATE_MISMATCH", "%s carries certificate %s, not %s", path, show(op.cert.id), show(cert.id))
		}
		lines = append(lines, op.describe())
	}
	return lines, nil
}

// show writes the characters that section 8 says a verifier must not print
// as they are (controls C0, DEL and C1, bidi marks, embeddings, overrides and
// isolates, line and paragraph separators) as JSON escapes: a terminal would
// obey them, and one could erase INVALID and print VALID.
func show(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x061c || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
