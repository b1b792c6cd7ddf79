package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/runtime"
)

func TestMasker(t *testing.T) {
	redact := auth.Redactor("s3cret-value", "client-id:client-secret-6")
	tests := []struct {
		name     string
		outputs  map[string]any
		want     string
		withheld []string
	}{
		{"plain", map[string]any{"id": "pet-1", "n": json.Number("12345678901234567890"), "ok": true}, `{"id":"pet-1","n":12345678901234567890,"ok":true}`, nil},
		{"secret name", map[string]any{"accessToken": "eyJ.abc", "tokenCount": 3}, `{"accessToken":"***","tokenCount":3}`, []string{"$steps.s.outputs.accessToken"}},
		{"known secret inside a value", map[string]any{"header": "Bearer s3cret-value"}, `{"header":"***"}`, []string{"$steps.s.outputs.header"}},
		{"base64 of a credential", map[string]any{"h": "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQtNg=="}, `{"h":"***"}`, []string{"$steps.s.outputs.h"}},
		{"secret member of a body", map[string]any{"client": map[string]any{"client_id": "abc", "client_secret": "xyz", "list": []any{map[string]any{"password": "p"}, "s3cret-value"}}},
			`{"client":{"client_id":"abc","client_secret":"***","list":[{"password":"***"},"***"]}}`,
			[]string{"$steps.s.outputs.client#/client_secret", "$steps.s.outputs.client#/list/0/password", "$steps.s.outputs.client#/list/1"}},
		{"pointer escaping", map[string]any{"m": map[string]any{"a/b~token": "v"}}, `{"m":{"a/b~token":"***"}}`, []string{"$steps.s.outputs.m#/a~1b~0token"}},
		{"empty and non-string secrets kept", map[string]any{"token": "", "password": nil, "secretLen": 8}, `{"password":null,"secretLen":8,"token":""}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &masker{redact: redact}
			got := m.outputs(tt.outputs, "$steps.s.outputs.")
			raw, _ := json.Marshal(got)
			if string(raw) != tt.want {
				t.Errorf("masked %s, want %s", raw, tt.want)
			}
			if !reflect.DeepEqual(m.withheld, tt.withheld) {
				t.Errorf("withheld %v, want %v", m.withheld, tt.withheld)
			}
		})
	}
}

func TestInputsDiff(t *testing.T) {
	tests := []struct {
		recorded, now map[string]any
		want          string
	}{
		{map[string]any{"a": "x", "b": json.Number("1")}, map[string]any{"a": "y", "b": 1.0}, "differing: a"},
		{map[string]any{"a": "x"}, map[string]any{"a": "x", "c": true}, "differing: c"},
		{map[string]any{"a": "x", "pw": "***"}, map[string]any{"a": "x", "pw": "other"}, "a secret input differs"},
		{map[string]any{"pw": "***"}, map[string]any{}, "differing: pw (missing)"},
		{map[string]any{"a": "x"}, map[string]any{"a": "x"}, "their normalized values differ"},
	}
	for i, tt := range tests {
		if got := inputsDiff(tt.recorded, tt.now); got != tt.want {
			t.Errorf("%d: %q, want %q", i, got, tt.want)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "j.json")
	for _, content := range []string{"first\n", "second, longer\n", "3\n"} {
		if err := writeFileAtomic(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600 (journals are private)", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
	if err := writeFileAtomic(filepath.Join(dir, "no", "such", "dir.json"), []byte("x")); err == nil {
		t.Error("no error for a missing directory")
	}
}

func TestCheckJournalTarget(t *testing.T) {
	journal := func(cp runtime.Checkpoint) string {
		raw, _ := json.Marshal(journalFile{Format: journalFormat, Checkpoint: &cp})
		return string(raw)
	}
	tests := []struct {
		name, content string // "" content: no file
		want          string // "" : allowed
	}{
		{"absent", "", ""},
		{"empty", " \n", ""},
		{"complete", journal(runtime.Checkpoint{Workflow: "w", Complete: true, Steps: []runtime.CompletedStep{{Step: "a"}}}), ""},
		{"nothing done", journal(runtime.Checkpoint{Workflow: "w", Next: "a"}), ""},
		{"unfinished", journal(runtime.Checkpoint{Workflow: "w", Steps: []runtime.CompletedStep{{Step: "a"}}, Next: "b"}), `holds an unfinished run of workflow "w" (1 step (a) done)`},
		{"dependencies done", journal(runtime.Checkpoint{Workflow: "w", Workflows: []runtime.CompletedWorkflow{{Workflow: "d", Dependency: true}}, Next: "a"}), "unfinished"},
		{"not JSON", "hello", "is not an arazzo journal"},
		{"other format", `{"format":"x/2","checkpoint":{"workflow":"w"}}`, "is not an arazzo journal"},
		{"no checkpoint", `{"format":"arazzo-journal/1"}`, "is not an arazzo journal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "j.json")
			if tt.content != "" {
				if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := checkJournalTarget(p)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestJournalWriteNoSecrets: what the CLI writes for a checkpoint holds no
// secret input, credential or secret-looking output, and reads back.
func TestJournalWriteNoSecrets(t *testing.T) {
	dir := t.TempDir()
	jr := &journalRun{
		path: filepath.Join(dir, "j.json"), file: "flow.yaml", docHash: "sha256:00",
		stderr: &strings.Builder{}, warned: map[string]bool{},
	}
	jr.inputs = map[string]any{"name": "n", "apiKey": "key-123456", "nested": map[string]any{"note": "uses key-123456"}}
	jr.secretInputs = []string{"apiKey"}
	jr.redact = auth.Redactor("key-123456", "cred-abcdef")
	cp := &runtime.Checkpoint{
		Workflow: "w", InputsHash: "sha256:11", Next: "c",
		Steps: []runtime.CompletedStep{
			{Workflow: "w", Step: "a", Outputs: map[string]any{"id": "x1", "echo": "cred-abcdef"}},
			{Workflow: "w", Step: "b", Outputs: map[string]any{"body": map[string]any{"refresh_token": "r"}}},
		},
		Workflows: []runtime.CompletedWorkflow{{Workflow: "dep", Dependency: true, Outputs: map[string]any{"password": "p"}}},
	}
	if err := jr.write(cp); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(jr.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"key-123456", "cred-abcdef", `"r"`, `"p"`} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("journal holds %s:\n%s", secret, raw)
		}
	}
	j, err := readJournal(jr.path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"$steps.a.outputs.echo", "$steps.b.outputs.body#/refresh_token", "$workflows.dep.outputs.password"}
	if !reflect.DeepEqual(j.Withheld, want) {
		t.Errorf("withheld %v, want %v", j.Withheld, want)
	}
	if j.Checkpoint.Steps[0].Outputs["id"] != "x1" || j.Inputs["apiKey"] != "***" || j.Inputs["name"] != "n" {
		t.Errorf("journal: %s", raw)
	}
	// The caller's checkpoint is left as it was (the runtime may reuse it).
	if cp.Steps[0].Outputs["echo"] != "cred-abcdef" {
		t.Error("the checkpoint was modified")
	}
	// Each withheld value is announced once.
	jr.write(cp)
	if n := strings.Count(jr.stderr.(*strings.Builder).String(), "looks secret"); n != 3 {
		t.Errorf("%d warnings, want 3", n)
	}
}

// BenchmarkJournalWrite is the cost of one journal update: masking, JSON,
// temporary file, fsync, rename, directory fsync.
func BenchmarkJournalWrite(b *testing.B) {
	jr := &journalRun{
		path: filepath.Join(b.TempDir(), "j.json"), file: "flow.yaml", docHash: "sha256:00",
		stderr: &strings.Builder{}, warned: map[string]bool{},
		inputs: map[string]any{"name": "n", "apiKey": "key-123456"}, secretInputs: []string{"apiKey"},
		redact: auth.Redactor("key-123456", "cred-abcdef"),
	}
	cp := &runtime.Checkpoint{Workflow: "w", InputsHash: "sha256:11", Next: "c"}
	for i := 0; i < 3; i++ {
		cp.Steps = append(cp.Steps, runtime.CompletedStep{Workflow: "w", Step: "s" + strings.Repeat("x", i), Outputs: map[string]any{
			"id": "thing-1", "body": map[string]any{"name": "n", "tags": []any{"a", "b"}, "n": json.Number("12")},
		}})
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := jr.write(cp); err != nil {
			b.Fatal(err)
		}
	}
}
