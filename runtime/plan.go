package runtime

import (
	"context"
	"errors"

	"github.com/arazzo-run/arazzo/arazzo"
)

// Load reads the Arazzo document at location (a file path or an http(s)
// URL), parses it, loads every source description it names (urls are
// resolved against the document's location; each distinct URL is loaded
// once per Load, even when several documents or sources name it), runs
// Doc.Check and gathers all diagnostics. The error is non-nil only when the
// main document itself cannot be read.
func Load(ctx context.Context, location string, opts LoadOptions) (*Bundle, error) {
	return nil, errors.New("runtime.Load: not implemented yet")
}

// Plan is a compiled bundle: every step resolved to its operation (or
// workflow), parameters and actions merged, everything precomputed that can
// be. It is immutable and safe for concurrent Runs.
type Plan struct {
	doc *arazzo.Document
}

// Compile turns a bundle without errors into a Plan.
func Compile(b *Bundle) (*Plan, error) {
	return nil, errors.New("runtime.Compile: not implemented yet")
}

// Document returns the main Arazzo document.
func (p *Plan) Document() *arazzo.Document { return p.doc }

// Run executes the workflow workflowID with inputs. The error is non-nil
// only when nothing was sent: an unknown workflow (*UsageError listing the
// ids) or invalid inputs (*InputError listing every violation). A workflow
// that ran and failed returns a Result with Success false and Err set, and
// a nil error.
func (p *Plan) Run(ctx context.Context, workflowID string, inputs map[string]any, opts Options) (*Result, error) {
	return nil, errors.New("runtime.Run: not implemented yet")
}
