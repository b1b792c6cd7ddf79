package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A malformed --input is refused without echoing it: it may be a secret
// typed without its name or with the wrong separator.
func TestReadInputsDoesNotEchoMalformed(t *testing.T) {
	tests := []struct {
		pair, want string
	}{
		{"password:hunter2-SECRET", "no '=' found"},
		{"=hunter2-SECRET", "the name is empty"},
	}
	for _, tt := range tests {
		_, err := readInputs(&env{}, "", []string{tt.pair})
		if err == nil {
			t.Fatalf("%q accepted", tt.pair)
		}
		if ee, ok := err.(*exitError); !ok || ee.code != exitInvalid {
			t.Errorf("%q: %v, want exit 2", tt.pair, err)
		}
		if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v", tt.pair, err)
		}
	}
}

// YAML mappings with keys that are not strings become JSON objects keyed
// by the key's text (they were refused as "not an object, a number" at
// the top, and broke journals when nested).
func TestReadInputsYAMLKeys(t *testing.T) {
	tests := []struct {
		yaml, want string
	}{
		{"1: 2\n", `{"1":2}`},
		{"a: {1: x, true: y}\nb: [{2: z}]\n", `{"a":{"1":"x","true":"y"},"b":[{"2":"z"}]}`},
	}
	for _, tt := range tests {
		f := filepath.Join(t.TempDir(), "in.yaml")
		os.WriteFile(f, []byte(tt.yaml), 0o600)
		in, err := readInputs(&env{}, f, nil)
		if err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		got, err := json.Marshal(in)
		if err != nil || string(got) != tt.want {
			t.Errorf("%q: %s (%v), want %s", tt.yaml, got, err, tt.want)
		}
	}
}
