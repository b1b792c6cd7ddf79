package criterion

import (
	"sync"
	"testing"
)

// TestConcurrentEval: a compiled Criterion is shared by concurrent runs (run
// with -race).
func TestConcurrentEval(t *testing.T) {
	v := values()
	var cs []*Criterion
	for _, s := range []Spec{
		{Condition: "$statusCode == 200 && $response.body.pets[0].name == 'rex'"},
		{Context: "$statusCode", Condition: "^2", Type: "regex"},
		{Context: "$response.body", Condition: "$.pets[?@.price < 10]", Type: "jsonpath"},
		{Context: "$inputs.xml", Condition: "count(/store/book[@price > 1]) = 2", Type: "xpath"},
		{Context: "$inputs.xml", Condition: "/store/book[@price > {$inputs.minPrice}]", Type: "xpath"},
	} {
		c, err := Compile(s)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				for _, c := range cs {
					if ok, err := c.Eval(v); !ok || err != nil {
						t.Errorf("%+v: %v %v", c.Spec(), ok, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestXPathSharedExpr is the regression test for evaluating one compiled
// antchfx *xpath.Expr from several goroutines: its query tree keeps iteration
// state, so the matcher must not share one (run with -race).
func TestXPathSharedExpr(t *testing.T) {
	m, err := compileXPath("/store/book[@price > 1]")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := xmlDoc(values().Inputs["xml"])
	if err != nil {
		t.Fatal(err)
	}
	xm := m.(xpathMatcher)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if ok, err := xm.evalDoc(doc); !ok || err != nil {
					t.Errorf("evalDoc = %v, %v", ok, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
