package mock

import (
	"encoding/json"
	"math"
	"testing"
)

// appendJSON agrees with encoding/json (apart from HTML escaping, which it
// does not do) on every value shape the mock produces.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, true, false, "", "plain", "quote\" back\\slash", "ctl\x00\x01\n\r\t\x1f", "bad utf8 \xff\xfe", "line\u2028sep\u2029",
		"unicode é 日本 🎉", 0, -1, int64(1 << 60), int32(-7), uint64(1 << 63), 0.0, -0.5, 1.5, 1e21, 1e-7, 123456789.125, 1e300, float32(3.25),
		json.Number("12345678901234567890"), json.Number("1.5e3"),
		map[string]any{"b": 1, "a": []any{"x", map[string]any{"z": nil, "y": true}}, "": "empty key"},
		[]any{}, map[string]any{},
	}
	for _, v := range values {
		got, err := appendJSON(nil, v)
		if err != nil {
			t.Errorf("%#v: %v", v, err)
			continue
		}
		want, _ := json.Marshal(v)
		if string(got) != string(want) {
			t.Errorf("%#v:\n got %s\nwant %s", v, got, want)
		}
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), json.Number("12x")} {
		if _, err := appendJSON(nil, bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
