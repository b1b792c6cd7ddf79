package runtime

import (
	"context"
	"testing"
)

// BenchmarkRunAll runs allDoc's five workflows in one call (base runs
// once); BenchmarkRunEach runs them one Run at a time, so base runs again
// for each of its three dependents. Per op: one call, or five Runs.
func BenchmarkRunAll(b *testing.B) {
	p := compileDoc(b, allDoc)
	srv := scripted(b, map[string][]int{"/v1/pets": {201}}, nil)
	o := srv.opts(nil)
	b.ReportAllocs()
	for b.Loop() {
		rs, err := p.RunAll(context.Background(), nil, nil, o)
		if err != nil || len(rs) != 5 || !rs[4].Success {
			b.Fatal(err)
		}
	}
}

func BenchmarkRunEach(b *testing.B) {
	p := compileDoc(b, allDoc)
	srv := scripted(b, map[string][]int{"/v1/pets": {201}}, nil)
	o := srv.opts(nil)
	ids := p.WorkflowIDs()
	b.ReportAllocs()
	for b.Loop() {
		for _, id := range ids {
			res, err := p.Run(context.Background(), id, nil, o)
			if err != nil || !res.Success {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDependencyOrder orders 200 workflows, each depending on the
// previous one, written in reverse (the worst case of the stable
// topological order).
func BenchmarkDependencyOrder(b *testing.B) {
	const n = 200
	ws := make([]*cworkflow, n)
	for i := range ws {
		ws[i] = &cworkflow{}
	}
	for i := 0; i < n-1; i++ {
		ws[i].deps = []*cworkflow{ws[i+1]}
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := dependencyOrder(ws); got[0] != ws[n-1] {
			b.Fatal("wrong order")
		}
	}
}
