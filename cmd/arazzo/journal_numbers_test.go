package main

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/arazzo-run/arazzo/auth"
)

// A number whose text holds a known secret (a numeric PIN input echoed
// back) is withheld from journals like a string (numbers were written as
// they were); a secret-looking name alone does not withhold a number.
func TestMaskerNumbers(t *testing.T) {
	m := &masker{redact: auth.Redactor("98765432")}
	got := m.outputs(map[string]any{
		"otpToken": json.Number("123456"),
		"echo":     98765432.0,
		"count":    json.Number("3"),
		"list":     []any{int64(98765432), 7},
	}, "$steps.s.outputs.")
	want := map[string]any{"otpToken": json.Number("123456"), "echo": "***", "count": json.Number("3"), "list": []any{"***", 7}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("masked %v, want %v", got, want)
	}
	wantWithheld := []string{"$steps.s.outputs.echo", "$steps.s.outputs.list#/0"}
	if !reflect.DeepEqual(m.withheld, wantWithheld) {
		t.Errorf("withheld %v, want %v", m.withheld, wantWithheld)
	}
}
