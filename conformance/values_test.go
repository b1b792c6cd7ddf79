package conformance

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
)

// normalize turns decoded YAML/JSON values into comparable shapes: every
// number becomes a *big.Rat (so 1001, int64(1001), 1001.0 and
// json.Number("1001") are equal and large ids keep their precision),
// map[any]any becomes map[string]any.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return new(big.Rat).SetInt64(int64(x))
	case int64:
		return new(big.Rat).SetInt64(x)
	case uint64:
		return new(big.Rat).SetUint64(x)
	case float64:
		r := new(big.Rat)
		if r.SetFloat64(x) == nil {
			return x // NaN or Inf: compare as is
		}
		return r
	case json.Number:
		r, ok := new(big.Rat).SetString(string(x))
		if !ok {
			return string(x)
		}
		return r
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normalize(e)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = normalize(e)
		}
		return s
	}
	return v
}

// equalJSON compares two decoded values, numbers numerically.
func equalJSON(a, b any) bool {
	return eqNorm(normalize(a), normalize(b))
}

func eqNorm(a, b any) bool {
	switch x := a.(type) {
	case *big.Rat:
		y, ok := b.(*big.Rat)
		return ok && x.Cmp(y) == 0
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			f, ok := y[k]
			if !ok || !eqNorm(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !eqNorm(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// show renders a value for a failure message.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}
