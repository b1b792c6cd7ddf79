// Command benchdiff compares two sets of `go test -bench` results, as
// benchstat does (golang.org/x/perf is not reachable from the module proxy
// this project is built with, so this is the small part of it we use):
//
//	go test -run '^$' -bench . -benchmem -count 10 ./contract > old.txt
//	# change the code
//	go test -run '^$' -bench . -benchmem -count 10 ./contract > new.txt
//	go run ./scripts/benchdiff old.txt new.txt
//
// For each benchmark and unit (sec/op, B/op, allocs/op and any custom
// metric) it prints the median of each side with its spread (the largest
// distance of a sample from the median, in percent of the median), the
// change of the median, and the p-value of a two-sided Mann-Whitney U test.
// A change whose p-value is above 0.05 is shown as "~": it cannot be told
// apart from noise with these samples. Like benchstat, it needs several
// runs per side (-count 6 or more) to say anything.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: benchdiff OLD NEW (files of `go test -bench` output)")
		os.Exit(2)
	}
	old, err := readFile(os.Args[1])
	if err == nil {
		var cur *results
		cur, err = readFile(os.Args[2])
		if err == nil {
			write(os.Stdout, old, cur)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "benchdiff:", err)
	os.Exit(1)
}

// key is one benchmark (package-qualified when the output names packages)
// and one unit.
type key struct{ name, unit string }

type results struct {
	order  []key
	values map[key][]float64
}

func readFile(name string) (*results, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parse(f)
}

// parse reads benchmark lines: "BenchmarkX-2  100  123 ns/op  45 B/op ...".
// "pkg:" lines qualify the names that follow; other lines are ignored.
func parse(r io.Reader) (*results, error) {
	res := &results{values: map[key][]float64{}}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue // not an iteration count: not a result line
		}
		name := trimProcs(f[0])
		if pkg != "" {
			name = pkg + "." + name
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%q: %v", line, err)
			}
			unit := f[i+1]
			if unit == "ns/op" {
				v, unit = v/1e9, "sec/op"
			}
			k := key{name, unit}
			if _, seen := res.values[k]; !seen {
				res.order = append(res.order, k)
			}
			res.values[k] = append(res.values[k], v)
		}
	}
	return res, sc.Err()
}

// trimProcs drops the "-2" GOMAXPROCS suffix so results of machines with
// different core counts still pair up.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

func write(w io.Writer, old, cur *results) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tunit\told\t\tnew\t\tdelta\tp (n)\t")
	for _, k := range old.order {
		a, b := old.values[k], cur.values[k]
		if len(b) == 0 {
			continue
		}
		ma, mb := median(a), median(b)
		p := mannWhitney(a, b)
		delta := "~"
		if p <= 0.05 {
			delta = pct(ma, mb)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t±%s\t%s\t±%s\t%s\t%.3f (%d+%d)\t\n",
			k.name, k.unit, format(ma, k.unit), spread(a, ma), format(mb, k.unit), spread(b, mb), delta, p, len(a), len(b))
	}
	tw.Flush()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread is the largest distance of a sample from the median, in percent.
func spread(v []float64, med float64) string {
	if med == 0 {
		return "0%"
	}
	d := 0.0
	for _, x := range v {
		d = max(d, math.Abs(x-med))
	}
	return fmt.Sprintf("%.0f%%", 100*d/med)
}

func pct(a, b float64) string {
	if a == 0 {
		return "?"
	}
	return fmt.Sprintf("%+.1f%%", 100*(b-a)/a)
}

func format(v float64, unit string) string {
	if unit == "sec/op" {
		switch {
		case v >= 1:
			return fmt.Sprintf("%.3gs", v)
		case v >= 1e-3:
			return fmt.Sprintf("%.3gms", v*1e3)
		case v >= 1e-6:
			return fmt.Sprintf("%.3gµs", v*1e6)
		default:
			return fmt.Sprintf("%.3gns", v*1e9)
		}
	}
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.3gG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.3gk", v/1e3)
	default:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}

// mannWhitney returns the two-sided p-value of the Mann-Whitney U test of
// a and b: exact (by counting rank sums) for small samples without ties,
// the normal approximation with tie correction otherwise.
func mannWhitney(a, b []float64) float64 {
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return 1
	}
	type obs struct {
		v     float64
		first bool
	}
	all := make([]obs, 0, n1+n2)
	for _, x := range a {
		all = append(all, obs{x, true})
	}
	for _, x := range b {
		all = append(all, obs{x, false})
	}
	slices.SortFunc(all, func(x, y obs) int {
		switch {
		case x.v < y.v:
			return -1
		case x.v > y.v:
			return 1
		}
		return 0
	})
	// Mid-ranks for ties; tieTerm accumulates sum(t^3 - t).
	r1, tieTerm, ties := 0.0, 0.0, false
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		rank := float64(i+j+1) / 2 // ranks i+1..j
		for k := i; k < j; k++ {
			if all[k].first {
				r1 += rank
			}
		}
		if t := float64(j - i); t > 1 {
			ties = true
			tieTerm += t*t*t - t
		}
		i = j
	}
	u := r1 - float64(n1*(n1+1))/2
	if !ties && n1+n2 <= 40 {
		return exactP(u, n1, n2)
	}
	n := float64(n1 + n2)
	mu := float64(n1*n2) / 2
	sigma := math.Sqrt(float64(n1*n2) / 12 * ((n + 1) - tieTerm/(n*(n-1))))
	if sigma == 0 {
		return 1
	}
	z := (math.Abs(u-mu) - 0.5) / sigma // continuity correction
	if z < 0 {
		z = 0
	}
	return math.Min(1, math.Erfc(z/math.Sqrt2))
}

// exactP counts the arrangements of n1+n2 distinct ranks whose U is at
// least as far from the mean as u (two-sided).
func exactP(u float64, n1, n2 int) float64 {
	// count(m, n, u): how many orderings of m first-sample and n
	// second-sample observations give U = u (the classic recurrence).
	maxU := n1 * n2
	memo := map[[3]int]float64{}
	var count func(m, n, u int) float64
	count = func(m, n, u int) float64 {
		if u < 0 || u > m*n {
			return 0
		}
		if m == 0 || n == 0 {
			if u == 0 {
				return 1
			}
			return 0
		}
		k := [3]int{m, n, u}
		if v, ok := memo[k]; ok {
			return v
		}
		// The largest observation belongs to the first sample (it beats
		// all n of the second: adds n to U) or to the second.
		v := count(m-1, n, u-n) + count(m, n-1, u)
		memo[k] = v
		return v
	}
	total := 0.0
	for x := 0; x <= maxU; x++ {
		total += count(n1, n2, x)
	}
	mean := float64(maxU) / 2
	dist := math.Abs(u - mean)
	extreme := 0.0
	for x := 0; x <= maxU; x++ {
		if math.Abs(float64(x)-mean) >= dist-1e-9 {
			extreme += count(n1, n2, x)
		}
	}
	return math.Min(1, extreme/total)
}
