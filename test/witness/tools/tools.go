//go:build tools

// Package tools pins the C2SP witness that test/witness/litewitness.test.ts
// runs against shredproof's log: litewitness and witnessctl from
// filippo.io/torchwood v0.6.1 (go.sum pins every module it needs).
// scripts/services.sh builds them into test/witness/bin.
package tools

import (
	_ "filippo.io/torchwood/cmd/litewitness"
	_ "filippo.io/torchwood/cmd/witnessctl"
)
