// order.json, the order as approved (FORMAT.md 5.6); section 8 step 8.
package main

import (
	"crypto/sha256"
	"encoding/hex"
)

// verifyOrder checks, in 5.6's order: the file's SHA-256 is order.sha256;
// it is JSON under section 1's rules; its reference is order.reference; and
// for version 2 its deadline and order.deadline are both absent or the same
// instant. Returns the file's SHA-256.
func verifyOrder(data []byte, c *certificate) (string, error) {
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	if want := c.order["sha256"]; digest != want {
		return "", fail("ORDER_MISMATCH", "the SHA-256 of order.json is %s, the certificate says %s (the file must not be reformatted)", digest, want)
	}
	v, err := parseInput(data, "order.json", "JSON_INVALID")
	if err != nil {
		return "", err
	}
	doc, _ := v.(map[string]any)
	if ref, ok := doc["reference"].(string); !ok || ref != c.order["reference"] {
		return "", fail("ORDER_MISMATCH", "order.json's reference is %v, the certificate says %v", doc["reference"], c.order["reference"])
	}
	if c.version < 2 {
		return digest, nil
	}
	got, inFile := doc["deadline"]
	want, inStatement := c.order["deadline"].(string)
	// The order document's deadline is a time of section 1's form (docs/ORDERS.md);
	// one that is not cannot be the statement's instant.
	s, isTime := got.(string)
	if inFile != inStatement || (inFile && (!isTime || !validTime(s) || compareTimes(s, want) != 0)) {
		return "", fail("ORDER_MISMATCH", "order.json's deadline is %v, the certificate's order.deadline %v", orNone(got, inFile), orNone(want, inStatement))
	}
	return digest, nil
}

func orNone(v any, present bool) any {
	if !present {
		return "absent"
	}
	return v
}
