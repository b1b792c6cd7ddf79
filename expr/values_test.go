package expr

import (
	"encoding/json"
	"math"
	"testing"
)

// TestNumericForms: "expr accepts every numeric form in comparisons"
// (ARCHITECTURE.md, Values).
func TestNumericForms(t *testing.T) {
	for _, n := range []any{int(7), int8(7), int16(7), int32(7), int64(7), uint(7), uint8(7), uint16(7), uint32(7), uint64(7), float32(7), float64(7), json.Number("7"), json.Number("7.0"), "7"} {
		v := &Values{Inputs: map[string]any{"n": n}}
		for cond, want := range map[string]bool{"$inputs.n == 7": true, "$inputs.n < 7.5": true, "$inputs.n >= 8": false, "$inputs.n != 7.0": false} {
			c, err := ParseCondition(cond)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := c.Eval(v); err != nil || got != want {
				t.Errorf("%T %v: %s = %v, %v; want %v", n, n, cond, got, err, want)
			}
		}
	}
	// Beyond int64 and float64 edge cases.
	v := &Values{Inputs: map[string]any{
		"huge": uint64(math.MaxUint64), "nan": math.NaN(), "inf": math.Inf(1), "f": 1e300,
		"bigNeg": json.Number("-99999999999999999999"),
	}}
	for cond, want := range map[string]bool{
		"$inputs.huge > 9223372036854775807":      true,
		"$inputs.nan == $inputs.nan":              false,
		"$inputs.nan < 1":                         false,
		"$inputs.nan":                             false,
		"$inputs.inf > 1e308":                     true,
		"$inputs.f > 1":                           true,
		"$inputs.bigNeg < -99999999999999999998":  true,
		"$inputs.bigNeg < 0.5":                    true,
		"-99999999999999999999 == $inputs.bigNeg": true,
	} {
		c, err := ParseCondition(cond)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.Eval(v); err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", cond, got, err, want)
		}
	}
}

// TestTypedValues: Context implementations may hand back Go values that are
// not the encoding/json shapes; navigation and truthiness still work.
func TestTypedValues(t *testing.T) {
	v := &Values{Inputs: map[string]any{
		"strs": []string{"a", "b"}, "empty": []string{}, "m": map[string]int{"k": 1, "0": 5}, "em": map[string]int{},
		"arr": [2]int{3, 4}, "ptr": (*int)(nil), "obj0": map[string]any{"0": "zero"}, "num": json.Number("0"),
	}}
	for cond, want := range map[string]bool{
		"$inputs.strs[1] == 'B'":       true,
		"$inputs.strs.length == 2":     true,
		"$inputs.arr[1] == 4":          true,
		"$inputs.arr.length == 2":      true,
		"$inputs.m.k == 1":             true,
		"$inputs.m[0] == 5":            true,
		"$inputs.obj0[0] == 'zero'":    true,
		"$inputs.strs":                 true,
		"$inputs.empty":                false,
		"$inputs.m":                    true,
		"$inputs.em":                   false,
		"$inputs.ptr":                  false,
		"$inputs.num":                  false,
		"$inputs.strs == $inputs.strs": true,
	} {
		c, err := ParseCondition(cond)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.Eval(v); err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", cond, got, err, want)
		}
	}
}

func TestFoldCompare(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"a", "B", -1}, {"B", "a", 1}, {"ABC", "abc", 0}, {"ab", "abc", -1}, {"abc", "AB", 1}, {"", "", 0}, {"É", "é", 0}} {
		if got := foldCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("foldCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSensitive(t *testing.T) {
	for s, want := range map[string]bool{
		"$steps.login.outputs.token": true, "$inputs.password": true, "$request.header.Authorization": true,
		"$inputs.apiKey": true, "$response.header.Set-Cookie": true, "$statusCode": false, "$inputs.name": false,
	} {
		e, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if Sensitive(e) != want {
			t.Errorf("Sensitive(%s) = %v", s, !want)
		}
	}
	var nilExpr *Expression
	if nilExpr.String() != "<nil>" {
		t.Errorf("nil String")
	}
}
