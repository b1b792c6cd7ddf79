package main

import (
	"reflect"
	"sort"
	"testing"

	"github.com/arazzo-run/arazzo/arazzo"
)

func TestFindSecretInputs(t *testing.T) {
	doc := &arazzo.Document{Components: arazzo.Components{Inputs: map[string]*arazzo.Schema{
		"creds": {Raw: map[string]any{"type": "object", "properties": map[string]any{
			"user": map[string]any{"type": "string"},
			"pin":  map[string]any{"type": "integer", "format": "password"},
			"keys": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/inputs/key"}},
		}}},
		"key":  {Raw: map[string]any{"type": "object", "properties": map[string]any{"value": map[string]any{"writeOnly": true}}}},
		"loop": {Raw: map[string]any{"$ref": "#/components/inputs/loop"}},
	}}}
	tests := []struct {
		name        string
		schema      any
		inputs      map[string]any
		names, vals []string
	}{
		{"top level by format and by name", map[string]any{"properties": map[string]any{
			"a": map[string]any{"format": "password"}, "apiToken": map[string]any{}, "b": map[string]any{}}},
			map[string]any{"a": "x1", "apiToken": "x2", "b": "plain"}, []string{"a", "apiToken"}, []string{"x1", "x2"}},
		{"$ref, numbers, arrays of $ref", map[string]any{"$ref": "#/components/inputs/creds"},
			map[string]any{"user": "u", "pin": 12345678.0, "keys": []any{map[string]any{"value": "k-1", "label": "l"}}},
			[]string{"pin"}, []string{"12345678", "k-1"}},
		{"short numbers are not masked everywhere", map[string]any{"$ref": "#/components/inputs/creds"},
			map[string]any{"pin": 42.0}, []string{"pin"}, nil},
		{"a secret object masks all its scalars", map[string]any{"properties": map[string]any{"secretStuff": map[string]any{}}},
			map[string]any{"secretStuff": map[string]any{"a": "s-1", "b": []any{"s-2", true}}}, []string{"secretStuff"}, []string{"s-1", "s-2"}},
		{"a $ref cycle ends", map[string]any{"$ref": "#/components/inputs/loop"}, map[string]any{"x": "y"}, nil, nil},
		{"not an object schema", true, map[string]any{"x": "y"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &arazzo.Workflow{WorkflowID: "w", Inputs: &arazzo.Schema{Raw: tt.schema}}
			names, vals := findSecretInputs(doc, []*arazzo.Workflow{w, nil}, tt.inputs)
			sort.Strings(vals)
			if !reflect.DeepEqual(names, tt.names) || !reflect.DeepEqual(vals, tt.vals) {
				t.Errorf("got %q %q, want %q %q", names, vals, tt.names, tt.vals)
			}
		})
	}
}
