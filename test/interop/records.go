// Line files (records.ndjson, FORMAT.md section 3, and the lists of 5.5,
// which follow its rules) against the signed RFC 6962 section 2.1 tree
// (FORMAT.md section 2) and the file's SHA-256; section 8 step 5.
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

const maxLine = 65536 // bytes in a line, without its "\n" (sections 3 and 5.5)

// recordShape is the member table of section 3. Other members are allowed:
// the leaf hash covers them, and verifiers ignore their meaning.
var recordShape = []member{
	{"index", "integer"}, {"target", "string"}, {"locator", "string"}, {"sha256", "hash"},
	{"size", "integer"}, {"destroyedAt", "time"}, {"method", "method"}, {"salt", "salt"},
	{"attributes", "strings?"},
}

// checkLine checks one line of list (without its "\n") that must sit at
// index, in the order of step 5: length, UTF-8 and JSON, members, canonical
// form, index, target. what names the line in messages.
func checkLine(list string, line []byte, index uint64, c *certificate, what string) (map[string]any, error) {
	if len(line) > maxLine {
		return nil, fail("RECORD_TOO_LONG", "%s is %d bytes, at most %d", what, len(line), maxLine)
	}
	v, err := parseInput(line, what, "RECORD_INVALID")
	if err != nil {
		return nil, err
	}
	if err := checkEntryShape(list, v); err != nil {
		return nil, fail("RECORD_INVALID", "%s: %v", what, err)
	}
	var canon bytes.Buffer
	if err := canonical(&canon, v); err != nil || !bytes.Equal(canon.Bytes(), line) {
		return nil, fail("RECORD_NOT_CANONICAL", "%s is not in RFC 8785 form", what)
	}
	e := v.(map[string]any)
	if got := num(e, "index"); got != index {
		return nil, fail("RECORD_INDEX_WRONG", "%s, at leaf %d, has index %d", what, index, got)
	}
	if c.targets[e["target"].(string)] == nil {
		return nil, fail("RECORD_INVALID", "%s names target %q, which the certificate does not list", what, e["target"])
	}
	return e, nil
}

// treeFile is what reading a line file yields: its line count, the RFC 6962
// root over its lines and the SHA-256 of its bytes.
type treeFile struct {
	size   uint64
	root   []byte
	sha256 string
}

// readTreeFile reads a line file once: each line handed to check and hashed
// into the tree as a leaf (SHA-256(0x00 || line), RFC 6962 section 2.1), the
// whole file into its digest. Errors that are not *invalid are I/O errors.
func readTreeFile(r io.Reader, file string, check func(line []byte, index uint64) error) (treeFile, error) {
	digest := sha256.New()
	in := bufio.NewReaderSize(io.TeeReader(r, digest), maxLine+1)
	// compact.Range keeps only the O(log n) roots of the perfect subtrees so far.
	tree := (&compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}).NewEmptyRange(0)
	for n := uint64(0); ; n++ {
		line, err := in.ReadSlice('\n')
		switch {
		case err == io.EOF && len(line) == 0:
			root := rfc6962.DefaultHasher.EmptyRoot() // MTH({}) = SHA-256() (RFC 6962 section 2.1)
			if n > 0 {
				if root, err = tree.GetRootHash(nil); err != nil {
					return treeFile{}, err
				}
			}
			return treeFile{n, root, hex.EncodeToString(digest.Sum(nil))}, nil
		case errors.Is(err, bufio.ErrBufferFull):
			return treeFile{}, fail("RECORD_TOO_LONG", "%s line %d is longer than %d bytes", file, n, maxLine)
		case err == io.EOF:
			return treeFile{}, fail("RECORD_INVALID", `%s: the last line, %d, does not end in "\n"`, file, n)
		case err != nil:
			return treeFile{}, err
		}
		line = line[:len(line)-1]
		if err := check(line, n); err != nil {
			return treeFile{}, err
		}
		if err := tree.Append(rfc6962.DefaultHasher.HashLeaf(line), nil); err != nil {
			return treeFile{}, err
		}
	}
}

// matchHead compares a file with the statement's head: the line count, the
// root, then the file's SHA-256 (step 5, and 5.5 for the lists).
func matchHead(file string, got treeFile, want listHead) error {
	if got.size != want.treeSize {
		return fail("RECORD_COUNT_MISMATCH", "%s has %d lines, the certificate says %d", file, got.size, want.treeSize)
	}
	if !bytes.Equal(got.root, want.rootHash) {
		return fail("MERKLE_ROOT_MISMATCH", "%s hashes to %x, the certificate says %x", file, got.root, want.rootHash)
	}
	if got.sha256 != want.sha256 {
		return fail("RECORDS_DIGEST_MISMATCH", "the SHA-256 of %s is %s, the certificate says %s", file, got.sha256, want.sha256)
	}
	return nil
}

// verifyRecords is step 5 on records.ndjson, ending with each target's
// counts, bytes and methods. "Methods match" is read as: the records use
// exactly the target's methods, each record one of them (section 3).
func verifyRecords(r io.Reader, c *certificate) (treeFile, error) {
	count, size, used := map[string]uint64{}, map[string]uint64{}, map[string]map[string]bool{}
	tf, err := readTreeFile(r, "records.ndjson", func(line []byte, i uint64) error {
		rec, err := checkLine("records", line, i, c, fmt.Sprintf("records.ndjson line %d", i))
		if err != nil {
			return err
		}
		t := rec["target"].(string)
		count[t], size[t] = addSafe(count[t], 1), addSafe(size[t], num(rec, "size"))
		if used[t] == nil {
			used[t] = map[string]bool{}
		}
		used[t][rec["method"].(string)] = true
		return nil
	})
	if err != nil {
		return tf, err
	}
	if err := matchHead("records.ndjson", tf, c.heads["records"]); err != nil {
		return tf, err
	}
	for _, name := range c.targetNames {
		t := c.targets[name]
		if count[name] != t.count || size[name] != t.bytes {
			return tf, fail("RECORD_COUNT_MISMATCH", "target %s: %d records of %d bytes, the certificate says %d of %d",
				name, count[name], size[name], t.count, t.bytes)
		}
		for m := range used[name] {
			if !slices.Contains(t.methods, m) {
				return tf, fail("RECORD_INVALID", "target %s: a record's method %s is not among its methods", name, m)
			}
		}
		for _, m := range t.methods {
			if !used[name][m] {
				return tf, fail("RECORD_INVALID", "target %s: the certificate names method %s, which no record used", name, m)
			}
		}
	}
	return tf, nil
}
