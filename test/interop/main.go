// Command go-check is an outside check of shredproof's version 1 formats,
// written from docs/FORMAT.md and the expected codes of test/vectors/certificate
// (not from the TypeScript code; rules the vectors hold that FORMAT.md does not
// yet state are marked "not in FORMAT.md" where they are checked): the DSSE
// certificate envelope and its statement (section 5), records.ndjson against
// the signed RFC 6962 Merkle root (sections 2 and 3), and a per-object proof
// (section 7), checked in the order of section 8. It uses Go's standard
// library and github.com/transparency-dev/merkle, nothing of shredproof.
//
//	go-check --public-key KEY.pem --certificate CERT.json [--records RECORDS.ndjson] [--proof PROOF.json]
//	go-check --public-key KEY.pem --proof PROOF.json
//
// It prints VALID, or INVALID <CODE>: <reason> with a code of section 8, and
// exits 0 when valid, 1 when invalid, and 2 for usage errors or input it
// cannot read, including a public key that is not an Ed25519 key (section 8,
// last paragraph).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// invalid is a verification failure: a code of FORMAT.md section 8 and a short reason.
type invalid struct{ code, reason string }

func (e *invalid) Error() string { return e.code + ": " + e.reason }

func fail(code, format string, args ...any) error {
	return &invalid{code, fmt.Sprintf(format, args...)}
}

const usage = "usage: go-check --public-key KEY.pem (--certificate CERT.json [--records RECORDS.ndjson] [--proof PROOF.json] | --proof PROOF.json)"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("go-check", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	certPath := flags.String("certificate", "", "")
	keyPath := flags.String("public-key", "", "")
	recordsPath := flags.String("records", "", "")
	proofPath := flags.String("proof", "", "")
	err := flags.Parse(args)
	if err != nil || flags.NArg() > 0 || *keyPath == "" || (*certPath == "" && *proofPath == "") || (*recordsPath != "" && *certPath == "") {
		if err != nil {
			fmt.Fprintln(stderr, "go-check:", err)
		}
		fmt.Fprintln(stderr, usage)
		return 2
	}
	summary, err := check(*certPath, *keyPath, *recordsPath, *proofPath)
	var bad *invalid
	switch {
	case err == nil:
		fmt.Fprintln(stdout, "VALID")
		for _, line := range summary {
			fmt.Fprintln(stdout, line)
		}
		return 0
	case errors.As(err, &bad):
		fmt.Fprintln(stdout, "INVALID", bad)
		return 1
	default:
		fmt.Fprintln(stderr, "go-check:", err)
		return 2
	}
}

// check runs the steps of FORMAT.md section 8 on the files given. Errors that
// are not *invalid are unreadable input (exit 2).
func check(certPath, keyPath, recordsPath, proofPath string) ([]string, error) {
	pemBytes, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, err
	}
	key, err := parsePublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: KEY_MALFORMED: %v", keyPath, err)
	}
	var summary []string
	var cert *certificate
	if certPath != "" {
		data, err := os.ReadFile(certPath)
		if err != nil {
			return nil, err
		}
		if cert, err = verifyCertificate(data, key); err != nil {
			return nil, err
		}
		summary = append(summary, fmt.Sprintf("certificate %s signed by key %s", cert.id, key.id))
	}
	if recordsPath != "" {
		f, err := os.Open(recordsPath)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := verifyRecords(f, cert); err != nil {
			return nil, err
		}
		summary = append(summary, fmt.Sprintf("records: %d, merkle root %x", cert.treeSize, cert.rootHash))
	}
	if proofPath != "" {
		data, err := os.ReadFile(proofPath)
		if err != nil {
			return nil, err
		}
		op, err := verifyObjectProof(data, key)
		if err != nil {
			return nil, err
		}
		// With both, the proof must be one of this certificate's: the same signed statement.
		if cert != nil && !bytes.Equal(cert.payload, op.cert.payload) {
			return nil, fail("PROOF_CERTIFICATE_MISMATCH", "the proof carries certificate %s, not %s", op.cert.id, cert.id)
		}
		summary = append(summary, fmt.Sprintf("proof: %s:%s (sha256 %s) at leaf %d of %d, certificate %s",
			op.record["target"], op.record["locator"], op.record["sha256"], op.leafIndex, op.cert.treeSize, op.cert.id))
	}
	return summary, nil
}
