package openapi

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Descriptions built to expand exponentially through YAML aliases (a
// "billion laughs": 10^9 strings) or merge keys are refused by the YAML
// decoder's alias accounting, in milliseconds, with an error that names
// the problem.
func TestAliasBombsRefused(t *testing.T) {
	head := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-bomb:\n"
	laughs := head + "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	merge := head + "  m0: &m0 {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}\n"
	for i := 1; i <= 9; i++ {
		l := fmt.Sprintf("*l%d", i-1)
		laughs += fmt.Sprintf("  l%d: &l%d [%s]\n", i, i, strings.Repeat(l+", ", 9)+l)
		m := fmt.Sprintf("*m%d", i-1)
		merge += fmt.Sprintf("  m%d: &m%d {<<: [%s]}\n", i, i, strings.Repeat(m+", ", 9)+m)
	}
	for _, tc := range []struct{ name, doc string }{{"billion laughs", laughs}, {"merge keys", merge}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadData(context.Background(), []byte(tc.doc), "bomb.yaml", LoadOptions{})
			if err == nil || !strings.Contains(err.Error(), "excessive aliasing") {
				t.Fatalf("err = %v, want excessive aliasing", err)
			}
		})
	}
}
