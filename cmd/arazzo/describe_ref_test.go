package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

// list and describe show the inputs of a workflow whose inputs schema is a
// $ref to components.inputs (they printed "(none)").
func TestListDescribeInputsByRef(t *testing.T) {
	t.Setenv(openapi.CacheDirEnv, t.TempDir())
	doc := filepath.Join("testdata", "secrets", "vault-ref.arazzo.yaml")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"list", doc}, []string{"inputs:  password* string, pin* string, user* string, account object, code integer"}},
		{[]string{"describe", doc}, []string{"  password  string   required", "  code      integer"}},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := Main(tt.args, strings.NewReader(""), &stdout, &stderr, nil); code != 0 {
			t.Fatalf("%v: exit %d\n%s", tt.args, code, stderr.String())
		}
		for _, w := range tt.want {
			if !strings.Contains(stdout.String(), w) {
				t.Errorf("%v: no %q in\n%s", tt.args, w, stdout.String())
			}
		}
	}
}
