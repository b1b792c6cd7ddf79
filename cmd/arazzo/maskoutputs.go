package main

import (
	"encoding/json"
	"strconv"
)

// maskOutputs returns a copy of v with every known secret masked value by
// value, so that the JSON printed on stdout stays JSON whatever the
// secrets are: a string keeps its quotes ("Bearer ***"), and a number
// whose text holds a secret (a PIN 1234 inside 12345) becomes the string
// "***" rather than the invalid JSON ***5 that masking the encoded text
// would print. Member names are masked like strings.
func maskOutputs(v any, redact func(string) string) any {
	switch x := v.(type) {
	case string:
		return redact(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[redact(k)] = maskOutputs(e, redact)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskOutputs(e, redact)
		}
		return out
	case nil, bool:
		return x
	case json.Number:
		return maskNumber(x, x.String(), redact)
	case float64:
		return maskNumber(x, strconv.FormatFloat(x, 'g', -1, 64), redact)
	case int:
		return maskNumber(x, strconv.Itoa(x), redact)
	case int64:
		return maskNumber(x, strconv.FormatInt(x, 10), redact)
	}
	// Anything else is printed through its JSON form: mask that form.
	raw, err := json.Marshal(v)
	if err != nil {
		return v // the encoder reports it
	}
	var d any
	if json.Unmarshal(raw, &d) != nil {
		return v
	}
	return maskOutputs(d, redact)
}

func maskNumber(v any, text string, redact func(string) string) any {
	if redact(text) != text {
		return "***"
	}
	// The encoder may write a float differently from text (1e+21):
	// check that form too.
	if raw, err := json.Marshal(v); err == nil && redact(string(raw)) != string(raw) {
		return "***"
	}
	return v
}
