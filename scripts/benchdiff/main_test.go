package main

import (
	"math"
	"strings"
	"testing"
)

func TestMannWhitney(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []float64
		want float64
	}{
		// Exact: 2 of C(10,5)=252 orderings are as extreme as total separation.
		{"separated 5+5", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 2.0 / 252},
		{"separated 6+6", []float64{1, 2, 3, 4, 5, 6}, []float64{7, 8, 9, 10, 11, 12}, 2.0 / 924},
		{"reversed 6+6", []float64{7, 8, 9, 10, 11, 12}, []float64{1, 2, 3, 4, 5, 6}, 2.0 / 924},
		{"interleaved", []float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}, 0.690476},
		{"identical (ties)", []float64{5, 5, 5}, []float64{5, 5, 5}, 1},
		// Ties: normal approximation with tie and continuity corrections
		// (U = 0, mu = 8, sigma = sqrt(16/12 * (9 - 24/56))).
		{"separated with ties", []float64{1, 1, 2, 2}, []float64{3, 3, 4, 4}, math.Erfc((8 - 0.5) / math.Sqrt(16.0/12*(9-24.0/56)) / math.Sqrt2)},
		{"empty", nil, []float64{1}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mannWhitney(tc.a, tc.b); math.Abs(got-tc.want) > 1e-5 {
				t.Errorf("p = %.6f, want %.6f", got, tc.want)
			}
		})
	}
}

func TestParseAndWrite(t *testing.T) {
	old := `goos: linux
pkg: example.com/p
BenchmarkLoad-2   	     100	  10000000 ns/op	  2048 B/op	      10 allocs/op
BenchmarkLoad-2   	     100	  11000000 ns/op	  2048 B/op	      10 allocs/op
BenchmarkLoad-2   	     100	  10500000 ns/op	  2048 B/op	      10 allocs/op
BenchmarkLoad-2   	     100	  10200000 ns/op	  2048 B/op	      10 allocs/op
BenchmarkLoad-2   	     100	  10300000 ns/op	  2048 B/op	      10 allocs/op
BenchmarkOther/sub-case-2	 5	 100 ns/op
PASS
`
	// Ten times faster, fewer allocations, same bytes.
	cur := strings.NewReplacer("  10000000 ns/op", "   1000000 ns/op", "  11000000 ns/op", "   1100000 ns/op",
		"  10500000 ns/op", "   1050000 ns/op", "  10200000 ns/op", "   1020000 ns/op", "  10300000 ns/op", "   1030000 ns/op",
		"10 allocs/op", "4 allocs/op").Replace(old)
	a, err := parse(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.values[key{"example.com/p.BenchmarkLoad", "sec/op"}]; len(got) != 5 || got[0] != 0.01 {
		t.Fatalf("sec/op = %v", got)
	}
	if got := a.values[key{"example.com/p.BenchmarkOther/sub-case", "sec/op"}]; len(got) != 1 {
		t.Fatalf("sub-benchmark with a dash: %v (keys %v)", got, a.order)
	}
	b, err := parse(strings.NewReader(cur))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	write(&out, a, b)
	s := out.String()
	for _, want := range []string{"10.3ms", "1.03ms", "-90.0%", "-60.0%", "0.008 (5+5)", "B/op"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// Equal B/op on both sides: no change can be claimed.
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "B/op") && !strings.Contains(line, " ~ ") {
			t.Errorf("identical samples reported as a change: %q", line)
		}
	}
}
