// Destruction records and records.ndjson (FORMAT.md section 3) against the
// signed Merkle root, an RFC 6962 section 2.1 tree (FORMAT.md section 2);
// section 8 step 5.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

const maxLine = 65536 // bytes in a record line, without its "\n" (section 3)

// recordShape is the member table of section 3. Other members are allowed:
// the leaf hash covers them, and verifiers ignore their meaning.
var recordShape = []member{
	{"index", "integer"}, {"target", "string"}, {"locator", "string"}, {"sha256", "hash"},
	{"size", "integer"}, {"destroyedAt", "time"}, {"method", "method"}, {"salt", "salt"},
	{"attributes", "strings?"},
}

// checkRecord checks one record line, without its "\n", that must sit at leaf index.
func checkRecord(line []byte, index uint64, c *certificate) (map[string]any, error) {
	if len(line) > maxLine {
		return nil, fail("RECORD_TOO_LONG", "record %d is %d bytes, at most %d", index, len(line), maxLine)
	}
	v, err := parseInput(line, fmt.Sprintf("record %d", index), "RECORD_INVALID")
	if err != nil {
		return nil, err
	}
	if err := checkShape(v, recordShape); err != nil {
		return nil, fail("RECORD_INVALID", "record %d: %v", index, err)
	}
	var canon bytes.Buffer
	if err := canonical(&canon, v); err != nil || !bytes.Equal(canon.Bytes(), line) {
		return nil, fail("RECORD_NOT_CANONICAL", "record %d is not in RFC 8785 form", index)
	}
	rec := v.(map[string]any)
	if got := num(rec, "index"); got != index {
		return nil, fail("RECORD_INDEX_WRONG", "leaf %d holds a record with index %d", index, got)
	}
	if c.targets[rec["target"].(string)] == nil {
		return nil, fail("RECORD_INVALID", "record %d names target %q, which the certificate does not list", index, rec["target"])
	}
	return rec, nil
}

// verifyRecords reads records.ndjson once: each line checked and hashed into
// the tree as a leaf (SHA-256(0x00 || line), RFC 6962 section 2.1), and the
// whole file into records.sha256. Errors that are not *invalid are I/O errors.
func verifyRecords(r io.Reader, c *certificate) error {
	digest := sha256.New()
	in := bufio.NewReaderSize(io.TeeReader(r, digest), maxLine+1)
	// compact.Range keeps only the O(log n) roots of the perfect subtrees so far.
	tree := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	var n uint64
	for ; ; n++ {
		line, err := in.ReadSlice('\n')
		switch {
		case err == io.EOF && len(line) == 0:
			return finishRecords(c, n, tree, digest.Sum(nil))
		case errors.Is(err, bufio.ErrBufferFull):
			return fail("RECORD_TOO_LONG", "record %d is longer than %d bytes", n, maxLine)
		case err == io.EOF:
			return fail("RECORD_INVALID", `the last line, %d, does not end in "\n"`, n)
		case err != nil:
			return err
		}
		line = line[:len(line)-1]
		rec, err := checkRecord(line, n, c)
		if err != nil {
			return err
		}
		if err := tree.Append(rfc6962.DefaultHasher.HashLeaf(line), nil); err != nil {
			return err
		}
		t := c.targets[rec["target"].(string)]
		t.seenN, t.seenSz = addSafe(t.seenN, 1), addSafe(t.seenSz, num(rec, "size"))
		t.used[rec["method"].(string)] = true
	}
}

// finishRecords: the count, root and digest, then each target's counts, bytes
// and methods. "Methods match" (section 8 step 5) is read as: the records use
// exactly the target's methods, each record one of them (section 3).
func finishRecords(c *certificate, n uint64, tree *compact.Range, digest []byte) error {
	if n != c.treeSize {
		return fail("RECORD_COUNT_MISMATCH", "%d records, the certificate says %d", n, c.treeSize)
	}
	root, err := tree.GetRootHash(nil)
	if err != nil {
		return err
	}
	if n == 0 {
		root = rfc6962.DefaultHasher.EmptyRoot() // MTH({}) = SHA-256() (RFC 6962 section 2.1)
	}
	if !bytes.Equal(root, c.rootHash) {
		return fail("MERKLE_ROOT_MISMATCH", "the records hash to %x, the certificate says %x", root, c.rootHash)
	}
	if got := hex.EncodeToString(digest); got != c.recordsSHA256 {
		return fail("RECORDS_DIGEST_MISMATCH", "the file's SHA-256 is %s, the certificate says %s", got, c.recordsSHA256)
	}
	for _, name := range c.targetNames {
		t := c.targets[name]
		if t.seenN != t.count || t.seenSz != t.bytes {
			return fail("RECORD_COUNT_MISMATCH", "target %s: %d records of %d bytes, the certificate says %d of %d",
				name, t.seenN, t.seenSz, t.count, t.bytes)
		}
		for m := range t.used {
			if !slices.Contains(t.methods, m) {
				return fail("RECORD_INVALID", "target %s: a record's method %s is not among its methods", name, m)
			}
		}
		for _, m := range t.methods {
			if !t.used[m] {
				return fail("RECORD_INVALID", "target %s: the certificate names method %s, which no record used", name, m)
			}
		}
	}
	return nil
}
