package main

// Journals: `arazzo run --journal FILE` records each completed top-level
// step, as it completes, so that `arazzo run --resume FILE` continues a
// failed or interrupted run instead of creating everything again.
//
// Choices:
//   - Durability: every update rewrites the whole journal through a
//     temporary file in the same directory, fsync, rename over the journal
//     and fsync of the directory: a crash leaves the old journal or the new
//     one, never half of one. The file is 0600.
//   - Position: runtime.Checkpoint (runtime/journal.go): the completed
//     top-level steps with their outputs and the step to continue from. A
//     sub-workflow (workflow step, goto to a workflow, dependsOn) is a unit:
//     interrupted inside, it runs again as a whole. A step whose request was
//     in flight when the run stopped is sent again on resume.
//   - Refusals (exit 2, nothing sent): the document's content changed
//     (SHA-256 of the Arazzo file; its OpenAPI sources are not hashed: a
//     fixed server or description is a legitimate reason to resume), the
//     workflow or the inputs differ (hash), or the journal lacks a value it
//     would need (below). --journal over an unfinished journal is refused
//     too: starting over would create everything again; --resume it or
//     delete it.
//   - Secrets are never written. Inputs the schema or the name marks as
//     secret appear as "***" (the inputs hash still tells other inputs
//     apart); credentials never appear at all. A step output value that
//     holds a known secret (a secret input, a credential, a token the auth
//     layer obtained) or whose name (or member name) looks secret (token,
//     secret, password, ...) is withheld: written as "***" and listed under
//     "withheld", and the user is told when it happens. Such a journal
//     cannot be resumed after that step (resuming would need the secret):
//     --resume refuses, naming the values. Keep credentials in --auth, which
//     journals never need, rather than in step outputs.
//   - A finished run marks the journal complete. --resume of a complete
//     journal prints the recorded outputs (secrets masked), sends nothing
//     and exits 0: running it again is what the journal exists to prevent.
//   - stdout of a resumed run is the outputs a clean run prints; --report,
//     --har and --junit describe the steps this invocation ran; the HTML
//     page shows the steps the journal had recorded as "done earlier
//     (journal)" rather than "not reached" (report.Meta.DoneEarlier).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/report"
	"github.com/arazzo-run/arazzo/runtime"
)

// journalFormat names the file format; a reader refuses others.
const journalFormat = "arazzo-journal/1"

// journalFile is what a journal holds.
type journalFile struct {
	Format string `json:"format"`
	// Document is the Arazzo document as given on the command line;
	// DocumentHash the SHA-256 of its content.
	Document     string `json:"document"`
	DocumentHash string `json:"documentHash"`
	// Inputs are the run's inputs with secret ones masked; informational
	// (the checkpoint's inputsHash is what a resume compares).
	Inputs map[string]any `json:"inputs"`
	// Withheld lists the values not written because they looked secret, as
	// expressions ($steps.login.outputs.token#/access_token).
	Withheld   []string            `json:"withheld,omitempty"`
	Updated    string              `json:"updated"`
	Checkpoint *runtime.Checkpoint `json:"checkpoint"`
}

// journalRun is the journal side of one `arazzo run`.
type journalRun struct {
	path    string // where progress is written ("" : not written)
	file    string // the Arazzo document, as given
	docHash string
	resume  *journalFile // the journal --resume read, nil otherwise
	resumed string       // its path
	stderr  io.Writer

	inputs       map[string]any
	secretInputs []string
	redact       func(string) string
	warned       map[string]bool
	last         *journalFile // last written
}

// prepareJournal checks --journal and --resume before anything is loaded
// or sent. With --resume and no --workflow, it sets f.workflow to the
// journal's.
func prepareJournal(e *env, file string, f *runFlags, inputs map[string]any) (*journalRun, error) {
	if f.journal == "" && f.resume == "" {
		return nil, nil
	}
	if f.all {
		return nil, usageErrorf("--journal and --resume work with one workflow, not --all")
	}
	jr := &journalRun{path: f.journal, file: file, stderr: e.stderr, warned: map[string]bool{}}
	if jr.path == "" {
		jr.path = f.resume // a resumed run goes on recording in the same journal
	}
	hash, err := documentHash(e.ctx, file)
	if err != nil {
		return nil, &exitError{code: exitInvalid, err: err}
	}
	jr.docHash = hash
	if f.resume != "" {
		j, err := readJournal(f.resume)
		if err != nil {
			return nil, usageErrorf("--resume: %v", err)
		}
		if j.DocumentHash != hash {
			return nil, usageErrorf("--resume %s: %s has changed since the journal was written (its content hash differs); resuming could skip or repeat the wrong steps. Restore the document to resume, or start over without --resume (delete %s first to journal again)", f.resume, file, f.resume)
		}
		cp := j.Checkpoint
		if f.workflow == "" {
			f.workflow = cp.Workflow
		} else if f.workflow != cp.Workflow {
			return nil, usageErrorf("--resume %s: the journal is for workflow %q, not %q", f.resume, cp.Workflow, f.workflow)
		}
		if runtime.InputsHash(inputs) != cp.InputsHash {
			return nil, usageErrorf("--resume %s: the inputs differ from those of the interrupted run (%s); give the same --inputs/--input, secrets included", f.resume, inputsDiff(j.Inputs, inputs))
		}
		if !cp.Complete {
			var blocking []string
			for _, w := range j.Withheld {
				if strings.HasPrefix(w, "$steps.") || strings.HasPrefix(w, "$workflows.") {
					blocking = append(blocking, w)
				}
			}
			if len(blocking) > 0 {
				return nil, usageErrorf("--resume %s: cannot resume: the journal does not hold %s, which looked secret (journals never store secrets) and which the rest of the run may need. Start over without --resume (delete %s first to journal again); keep credentials in --auth so that journals do not need them", f.resume, strings.Join(blocking, ", "), f.resume)
			}
		}
		jr.resume, jr.resumed = j, f.resume
	}
	if !samePath(jr.path, f.resume) {
		if err := checkJournalTarget(jr.path); err != nil {
			return nil, err
		}
	}
	return jr, nil
}

// samePath reports whether a and b name the same file (./j.json and
// j.json do).
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// checkJournalTarget refuses to overwrite an unfinished journal (starting
// over would create everything again) or a file that is not a journal.
func checkJournalTarget(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return usageErrorf("--journal: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	j, err := parseJournal(data)
	if err != nil {
		return usageErrorf("--journal %s: the file exists and is not an arazzo journal (%v); choose another path", path, err)
	}
	if !j.Checkpoint.Complete && (len(j.Checkpoint.Steps) > 0 || len(j.Checkpoint.Workflows) > 0) {
		return usageErrorf("--journal %s holds an unfinished run of workflow %q (%s done); continue it with --resume %s, or delete the file to start over", path, j.Checkpoint.Workflow, stepList(j.Checkpoint), path)
	}
	return nil
}

// doneEarlier is report.Meta.DoneEarlier: the steps of the journal a
// resumed run started from; nil without --resume (or a nil jr).
func (jr *journalRun) doneEarlier() map[string][]string {
	if jr == nil || jr.resume == nil {
		return nil
	}
	return report.DoneEarlierOf(jr.resume.Checkpoint)
}

// attach wires the journal into the run options, once the secrets to mask
// are known (redact masks the secret inputs and every credential, tokens
// included).
func (jr *journalRun) attach(opts *runtime.Options, inputs map[string]any, secretInputs []string, redact func(string) string, quiet bool) {
	jr.inputs, jr.secretInputs, jr.redact = inputs, secretInputs, redact
	opts.OnCheckpoint = jr.write
	if jr.resume == nil {
		return
	}
	cp := jr.resume.Checkpoint
	opts.Resume = cp
	if quiet {
		return
	}
	switch {
	case cp.Complete:
		fmt.Fprintf(jr.stderr, "journal %s: workflow %s already completed; its recorded outputs follow, nothing is sent\n", jr.resumed, cp.Workflow)
	default:
		next := cp.Next
		if cp.NextWorkflow != "" {
			next = "workflow " + cp.NextWorkflow
		} else if next == "" {
			next = "(the workflow's outputs)"
		}
		fmt.Fprintf(jr.stderr, "journal %s: resuming workflow %s after %s; next: %s\n", jr.resumed, cp.Workflow, stepList(cp), next)
	}
}

// write is Options.OnCheckpoint: mask, then replace the journal durably.
func (jr *journalRun) write(cp *runtime.Checkpoint) error {
	j := &journalFile{
		Format:       journalFormat,
		Document:     jr.file,
		DocumentHash: jr.docHash,
		Inputs:       jr.maskedInputs(),
		Updated:      time.Now().UTC().Format(time.RFC3339),
	}
	m := &masker{redact: jr.redact}
	out := *cp
	out.Steps = make([]runtime.CompletedStep, len(cp.Steps))
	for i, s := range cp.Steps {
		s.Outputs = m.outputs(s.Outputs, "$steps."+s.Step+".outputs.")
		out.Steps[i] = s
	}
	out.Workflows = make([]runtime.CompletedWorkflow, len(cp.Workflows))
	for i, w := range cp.Workflows {
		w.Outputs = m.outputs(w.Outputs, "$workflows."+w.Workflow+".outputs.")
		out.Workflows[i] = w
	}
	if out.Outputs != nil {
		out.Outputs = m.outputs(cp.Outputs, "$outputs.")
	}
	j.Checkpoint = &out
	j.Withheld = m.withheld
	for _, w := range m.withheld {
		if !jr.warned[w] {
			jr.warned[w] = true
			fmt.Fprintf(jr.stderr, "arazzo: journal: %s looks secret and is not written to %s; the journal cannot be resumed after that point\n", w, jr.path)
		}
	}
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("journal %s: %w", jr.path, err)
	}
	if err := writeFileAtomic(jr.path, append(data, '\n')); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary file's name would only confuse
		}
		return fmt.Errorf("cannot write journal %s: %w", jr.path, err)
	}
	jr.last = j
	return nil
}

// hint tells a user whose run failed how to continue it.
func (jr *journalRun) hint(w io.Writer, file string) {
	if jr == nil || jr.last == nil {
		return
	}
	cp := jr.last.Checkpoint
	if len(cp.Steps) == 0 && len(cp.Workflows) == 0 {
		return
	}
	for _, wh := range jr.last.Withheld {
		if strings.HasPrefix(wh, "$steps.") || strings.HasPrefix(wh, "$workflows.") {
			fmt.Fprintf(w, "arazzo: journal %s records %s done but cannot be resumed: it does not hold %s (a secret)\n", jr.path, stepList(cp), wh)
			return
		}
	}
	fmt.Fprintf(w, "arazzo: journal %s records %s done; continue with: arazzo run %s --resume %s (and the same inputs and flags)\n", jr.path, stepList(cp), file, jr.path)
}

func (jr *journalRun) maskedInputs() map[string]any {
	secret := map[string]bool{}
	for _, n := range jr.secretInputs {
		secret[n] = true
	}
	m := &masker{redact: jr.redact}
	out := make(map[string]any, len(jr.inputs))
	for k, v := range jr.inputs {
		if secret[k] {
			out[k] = "***"
			continue
		}
		out[k] = m.value(v, k, "")
	}
	return out
}

// stepList is "2 steps (create, fetch)".
func stepList(cp *runtime.Checkpoint) string {
	ids := cp.Done()
	if len(ids) == 0 {
		return "0 steps"
	}
	return plural(len(ids), "step") + " (" + strings.Join(ids, ", ") + ")"
}

// inputsDiff names the inputs that differ from the journal's record
// (secret ones are recorded masked, so only "a secret input" can be said).
func inputsDiff(recorded, now map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	names := map[string]bool{}
	for k := range recorded {
		names[k] = true
	}
	for k := range now {
		names[k] = true
	}
	var diff []string
	secretDiffers := false
	for k := range names {
		r, inRec := recorded[k]
		n, inNow := now[k]
		switch {
		case inRec && r == "***":
			if !inNow {
				diff = append(diff, k+" (missing)")
			} else {
				secretDiffers = true
			}
		case inRec != inNow || enc(r) != enc(n):
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	if len(diff) == 0 && secretDiffers {
		return "a secret input differs"
	}
	if len(diff) == 0 {
		return "their normalized values differ"
	}
	return "differing: " + strings.Join(diff, ", ")
}

// masker replaces values that look secret with "***" and lists them.
type masker struct {
	redact   func(string) string
	withheld []string
}

func (m *masker) outputs(outs map[string]any, prefix string) map[string]any {
	if outs == nil {
		return nil
	}
	out := make(map[string]any, len(outs))
	for k, v := range outs {
		out[k] = m.value(v, k, prefix+k)
	}
	sort.Strings(m.withheld)
	return out
}

// value masks v, the member key of its parent; where is its expression
// ("" : do not list).
func (m *masker) value(v any, key, where string) any {
	switch x := v.(type) {
	case string:
		if x != "" && (secretName(key) || m.redact != nil && m.redact(x) != x) {
			if where != "" {
				m.withheld = append(m.withheld, where)
			}
			return "***"
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = m.value(e, k, pointerJoin(where, k))
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = m.value(e, "", pointerJoin(where, strconv.Itoa(i)))
		}
		return out
	case json.Number, float64, int, int64:
		// A number holding a known secret (a numeric PIN input echoed
		// back) is withheld like a string. Its name alone does not
		// withhold it (tokenCount: 3 is no secret).
		text := fmt.Sprint(x)
		if f, ok := x.(float64); ok {
			text = strconv.FormatFloat(f, 'f', -1, 64)
		}
		if m.redact != nil && m.redact(text) != text {
			if where != "" {
				m.withheld = append(m.withheld, where)
			}
			return "***"
		}
	}
	return v
}

func pointerJoin(where, token string) string {
	if where == "" {
		return ""
	}
	token = strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
	if strings.Contains(where, "#") {
		return where + "/" + token
	}
	return where + "#/" + token
}

// secretName reports a member or output name that says it holds a secret
// (the rule secret inputs follow).
func secretName(name string) bool {
	return name != "" && containsAny(strings.ToLower(name), secretWords)
}

func readJournal(path string) (*journalFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	j, err := parseJournal(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return j, nil
}

func parseJournal(data []byte) (*journalFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // large ids survive, and print as a clean run prints them
	var j journalFile
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("not a journal: %v", err)
	}
	if j.Format != journalFormat {
		return nil, fmt.Errorf("not a journal of this version (format %q, want %q)", j.Format, journalFormat)
	}
	if j.Checkpoint == nil || j.Checkpoint.Workflow == "" {
		return nil, errors.New("the journal has no checkpoint")
	}
	return &j, nil
}

// documentHash is "sha256:<hex>" of the Arazzo document's content (a local
// file, or what an http(s) URL serves now).
func documentHash(ctx context.Context, file string) (string, error) {
	var data []byte
	var err error
	if strings.HasPrefix(file, "http://") || strings.HasPrefix(file, "https://") {
		data, err = fetchDocument(ctx, file)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

func fetchDocument(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, runtime.DefaultLoadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory, fsync, rename, fsync of the directory. Readers (and a crash)
// see the old content or the new one, never a mix.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable once the directory is: best effort where a
	// directory cannot be synced (some file systems, Windows).
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
