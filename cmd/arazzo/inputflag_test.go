package main

import (
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
