// JSON: parsing (RFC 8259), the value types of FORMAT.md section 1, member
// tables, and the RFC 8785 canonical form that records are written in.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// forbiddenNames are refused as member names anywhere: JavaScript gives them
// a meaning, and no version of the formats uses them (MEMBER_FORBIDDEN,
// FORMAT.md section 1).
var forbiddenNames = []string{"__proto__", "constructor", "prototype"}

// parseInput parses one untrusted input (a certificate, the signed statement,
// a record or list line, a proof, order.json) as section 8 says: UTF-8
// (RFC 8259 section 8.1; Go's decoder would put U+FFFD in place of bad bytes)
// or UTF8_INVALID; one JSON value with numbers in IEEE 754 double range (I-JSON,
// RFC 7493 section 2.2) or syntaxCode; then, in text order, no member name twice
// in one object (RFC 7493 section 2.3, JSON_DUPLICATE_MEMBER) and none of
// forbiddenNames (MEMBER_FORBIDDEN). Numbers are kept as written.
func parseInput(data []byte, what, syntaxCode string) (any, error) {
	if !utf8.Valid(data) {
		return nil, fail("UTF8_INVALID", "%s is not valid UTF-8", what)
	}
	if !json.Valid(data) {
		return nil, fail(syntaxCode, "%s is not JSON", what)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec, what)
	var bad *invalid
	if err != nil && !errors.As(err, &bad) {
		return nil, fail(syntaxCode, "%s is not I-JSON: %v", what, err)
	}
	return v, err
}

// readValue builds one value from dec's tokens, checking member names as it goes.
func readValue(dec *json.Decoder, what string) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Number:
		if _, err := strconv.ParseFloat(string(t), 64); err != nil {
			return nil, fmt.Errorf("the number %s is beyond double range", t)
		}
	case json.Delim: // '[' or '{': json.Valid has checked that it closes
		if t == '[' {
			items := []any{}
			for dec.More() {
				v, err := readValue(dec, what)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			_, err := dec.Token()
			return items, err
		}
		obj := map[string]any{}
		for dec.More() {
			tok, _ := dec.Token()
			name := tok.(string)
			if slices.Contains(forbiddenNames, name) {
				return nil, fail("MEMBER_FORBIDDEN", "%s has a member named %s, which verifiers refuse", what, name)
			}
			if _, twice := obj[name]; twice {
				return nil, fail("JSON_DUPLICATE_MEMBER", "%s has the member %q twice", what, name)
			}
			if obj[name], err = readValue(dec, what); err != nil {
				return nil, err
			}
		}
		_, err := dec.Token()
		return obj, err
	}
	return tok, nil // a number, string, bool or nil
}

const maxSafe = 1<<53 - 1

// integer reads a JSON integer from 0 to 2^53-1 (FORMAT.md section 1).
func integer(v any) (uint64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || f < 0 || f > maxSafe {
		return 0, false
	}
	return uint64(f), true
}

// num is the integer at a dotted path, 0 when there is none (after checkShape).
func num(v any, path string) uint64 { n, _ := integer(get(v, path)); return n }

// addSafe adds counts without overflow: any sum beyond 2^53-1 is maxSafe+1,
// which equals no valid count.
func addSafe(a, b uint64) uint64 { return min(a+b, maxSafe+1) }

var (
	hashPattern   = regexp.MustCompile(`^[0-9a-f]{64}$`)       // 32 bytes, lowercase hex
	saltPattern   = regexp.MustCompile(`^([0-9a-f]{2}){16,}$`) // at least 16 bytes
	methodPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	personPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)
	zeroHash      = strings.Repeat("0", 64)
)

func matches(re *regexp.Regexp) func(any) bool {
	return func(v any) bool { s, ok := v.(string); return ok && re.MatchString(s) }
}

func oneOf(values ...string) func(any) bool {
	return func(v any) bool { s, ok := v.(string); return ok && slices.Contains(values, s) }
}

// text is a string of lo to hi characters, read as Unicode code points (the
// limits of FORMAT.md 5.4 and 5.5 do not say which unit they count), and
// without control characters when plain is set: C0, DEL and C1, the control
// characters that section 8 names.
func text(lo, hi int, plain bool) func(any) bool {
	return func(v any) bool {
		s, ok := v.(string)
		n := utf8.RuneCountInString(s)
		return ok && n >= lo && n <= hi && (!plain || !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }))
	}
}

// kinds are the member types of FORMAT.md sections 1, 3, 5.3 to 5.5 and 7.
var kinds = map[string]func(any) bool{
	"string":  func(v any) bool { _, ok := v.(string); return ok },
	"id":      func(v any) bool { s, ok := v.(string); return ok && s != "" },
	"integer": func(v any) bool { _, ok := integer(v); return ok },
	"boolean": func(v any) bool { _, ok := v.(bool); return ok },
	"hash":    matches(hashPattern),
	"salt":    matches(saltPattern),
	"method":  matches(methodPattern),
	"time":    func(v any) bool { s, ok := v.(string); return ok && validTime(s) },
	"tool":    text(1, 200, false),  // tool.name, tool.version (5.4)
	"system":  text(1, 256, true),   // targets[].system (5.4)
	"target":  text(0, 256, false),  // a list entry's target (5.5)
	"locator": text(1, 4096, false), // a list entry's locator (5.5)
	"object":  func(v any) bool { _, ok := v.(map[string]any); return ok },
	"strings": func(v any) bool { // an object whose members are all strings
		o, ok := v.(map[string]any)
		for _, x := range o {
			if _, isString := x.(string); !isString {
				return false
			}
		}
		return ok
	},
	"algorithm":        oneOf("rfc6962-sha256"),
	"status":           oneOf("complete", "complete-with-exceptions"),
	"rescan-status":    oneOf("held", "exception", "unplanned", "recreated"),
	"certificate-type": oneOf("shredproof.certificate"),
	"proof-type":       oneOf("shredproof.object-proof"),
	"proof-list":       oneOf("records", "retained", "exceptions", "rescan"),
	"person":           matches(personPattern), // 5.9: approvals[].person, approvalKeys[].person
	"role":             oneOf("approver", "performer"),
	"signature": func(v any) bool { // 5.9: base64 of a 64-byte Ed25519 signature
		s, ok := v.(string)
		sig, err := decodeBase64(s)
		return ok && err == nil && len(sig) == 64
	},
	"audit": func(v any) bool { // 5.3: entries (count) and head (hex, 32 bytes)
		o, ok := v.(map[string]any)
		_, isCount := integer(o["entries"])
		head, isString := o["head"].(string)
		return ok && isCount && isString && hashPattern.MatchString(head)
	},
	"log-origin": func(v any) bool { // 12.7: 1 to 255 characters, counted in UTF-16 code units (section 1), no control character
		s, ok := v.(string)
		return ok && text(1, 255, true)(v) && len(utf16.Encode([]rune(s))) <= 255
	},
}

// member is one row of a member table: "a.b" is member b of member a, "a[]"
// each item of array a, and a kind ending in "?" may be absent.
type member struct{ path, kind string }

func checkShape(v any, shape []member) error {
	for _, m := range shape {
		if err := walk(v, strings.Split(m.path, "."), m); err != nil {
			return err
		}
	}
	return nil
}

func walk(v any, path []string, m member) error {
	o, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: not inside an object", m.path)
	}
	name, each := strings.CutSuffix(path[0], "[]")
	child, present := o[name]
	kind, optional := strings.CutSuffix(m.kind, "?")
	switch {
	case !present && optional && len(path) == 1:
		return nil
	case !present:
		return fmt.Errorf("%s is missing", m.path)
	case !each:
		return walkValue(child, path[1:], kind, m)
	}
	items, ok := child.([]any)
	if !ok {
		return fmt.Errorf("%s is not an array", m.path)
	}
	for _, item := range items {
		if err := walkValue(item, path[1:], kind, m); err != nil {
			return err
		}
	}
	return nil
}

func walkValue(v any, rest []string, kind string, m member) error {
	if len(rest) > 0 {
		return walk(v, rest, m)
	}
	if !kinds[kind](v) {
		return fmt.Errorf("%s is not a valid %s", m.path, kind)
	}
	return nil
}

// canonical writes v in RFC 8785 (JCS) form: no whitespace (section 3.2.1),
// strings with only the mandatory escapes (3.2.2.2), numbers as ECMAScript's
// Number.prototype.toString (3.2.2.3), members sorted by UTF-16 code units (3.2.3).
func canonical(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return err // beyond IEEE 754 double range: no canonical form
		}
		if f == 0 {
			f = 0 // -0 is written 0
		}
		// encoding/json writes float64 as ES6 Number.prototype.toString does.
		b, _ := json.Marshal(f)
		buf.Write(b)
	case string:
		writeString(buf, x)
	case []any:
		buf.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := canonical(buf, item); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
		})
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, k)
			buf.WriteByte(':')
			if err := canonical(buf, x[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	}
	return nil
}

// escapes are RFC 8785 section 3.2.2.2's short escapes; other controls are \u00xx.
var escapes = map[rune]string{'"': `\"`, '\\': `\\`, '\b': `\b`, '\t': `\t`, '\n': `\n`, '\f': `\f`, '\r': `\r`}

func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for _, r := range s {
		if e, ok := escapes[r]; ok {
			buf.WriteString(e)
		} else if r < 0x20 {
			fmt.Fprintf(buf, `\u%04x`, r)
		} else {
			buf.WriteRune(r)
		}
	}
	buf.WriteByte('"')
}
