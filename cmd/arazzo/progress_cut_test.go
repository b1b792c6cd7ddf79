package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/auth"
)

// --verbose cuts long bodies: a secret across the cut must not show its
// first half.
func TestVerboseBodyCutMasksFirst(t *testing.T) {
	const secret = "tok-SECRET-0123456789"
	for _, at := range []int{maxVerboseBody - 10, maxVerboseBody - 1, maxVerboseBody - len(secret)} {
		var b bytes.Buffer
		p := &progress{w: &b, redact: auth.Redactor(secret), verbose: true}
		p.body("  < ", []byte(strings.Repeat("a", at)+secret+strings.Repeat("b", 100)))
		if strings.Contains(b.String(), "tok-SEC") {
			t.Errorf("secret at %d: part of it printed", at)
		}
	}
}
