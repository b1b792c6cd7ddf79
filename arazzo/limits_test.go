package arazzo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// laughs is a "billion laughs" document: level i is a list of ten aliases
// to level i-1, so the last level expands to 10^levels strings.
func laughs(prefix string, levels int, indent string) string {
	var b strings.Builder
	b.WriteString(prefix)
	fmt.Fprintf(&b, "%sl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n", indent)
	for i := 1; i <= levels; i++ {
		p := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "%sl%d: &l%d [%s]\n", indent, i, i, strings.Repeat(p+", ", 9)+p)
	}
	return b.String()
}

// Hostile documents are refused with one error at the place where the limit
// was crossed, before anything big is allocated (the billion laughs below
// expand to 10^9 strings; refusing them takes a few thousand node visits).
func TestHostileDocumentLimits(t *testing.T) {
	const tooMany = "error: the document expands to more than 250000 values (YAML aliases?); refusing to load it"
	// Merge keys that merge the previous level ten times: the result stays
	// small, the work does not.
	mergeBomb := "arazzo: 1.0.1\nx-m:\n  m0: &m0 {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}\n"
	for i := 1; i <= 9; i++ {
		p := fmt.Sprintf("*m%d", i-1)
		mergeBomb += fmt.Sprintf("  m%d: &m%d {<<: [%s]}\n", i, i, strings.Repeat(p+", ", 9)+p)
	}
	// Merges of an empty object, a thousand at a time: no pair to count,
	// a billion merges to do.
	emptyMerges := "arazzo: 1.0.1\nx-m:\n  e: &e {}\n"
	prev := "*e"
	for i := range 4 {
		emptyMerges += fmt.Sprintf("  f%d: &f%d {<<: [%s]}\n", i, i, strings.Repeat(prev+", ", 999)+prev)
		prev = fmt.Sprintf("*f%d", i)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"billion laughs in an extension", laughs("arazzo: 1.0.1\nx-bomb:\n", 9, "  "), "b.yaml:7:57: " + tooMany},
		{"billion laughs at the top", laughs("", 9, ""), "b.yaml:5:55: " + tooMany},
		// Regression: merged keys already present were skipped without
		// counting, and this ~700-byte document took hours.
		{"merge key bomb", mergeBomb, "b.yaml:3:47: " + tooMany},
		// Regression: merges themselves were not counted, and this 19 KB
		// document took 27 s.
		{"merges of an empty object", emptyMerges, "b.yaml:3:6: " + tooMany},
		{"deep nesting", "{\"arazzo\": \"1.0.1\", \"x\": " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}", "b.yaml:1:282: error: the document is nested more than 256 levels deep; refusing to load it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, ds := Parse([]byte(tc.doc), "b.yaml")
			if doc != nil {
				t.Errorf("a document was returned")
			}
			if len(ds) != 1 || ds[0].String() != tc.want {
				t.Fatalf("got %v\nwant %s", ds, tc.want)
			}
		})
	}
}

// ParseFile refuses a file over MaxDocumentSize from its size, before
// reading it.
func TestParseFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxDocumentSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, ds := ParseFile(path)
	want := fmt.Sprintf("%s: error: the document is %d bytes, more than the %d-byte limit", path, MaxDocumentSize+1, MaxDocumentSize)
	if len(ds) != 1 || ds[0].String() != want {
		t.Fatalf("got %v\nwant %s", ds, want)
	}
}

// Regression: duplicate keys were found by a linear scan of the object's
// keys, so an object of n keys took O(n^2): 60,000 keys (a 700 KB
// document) took 14 s, the 250,000 allowed would take minutes. This runs
// in well under a second now (50,000 keys took about 10 s before).
func TestLargeObjectLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("parses a 600 KB document")
	}
	var b strings.Builder
	b.WriteString("arazzo: 1.0.1\nx-big:\n")
	for i := range 50_000 {
		fmt.Fprintf(&b, "  k%d: 0\n", i)
	}
	b.WriteString("  k7: 1\n")
	_, ds := Parse([]byte(b.String()), "big.yaml")
	want := `big.yaml:50003:3: error: duplicate key "k7" (first written at 10:3)`
	for _, d := range ds {
		if d.String() == want {
			return
		}
	}
	t.Fatalf("no %q in %v", want, ds)
}
