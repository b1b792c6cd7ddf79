// Package graph draws Arazzo workflows as flowcharts (Mermaid or Graphviz DOT).
//
// It imports only package arazzo and the standard library; it must not import
// runtime or cmd.
package graph

import (
	"errors"
	"io"

	"github.com/arazzo-run/arazzo/arazzo"
)

// Format is an output format.
type Format string

const (
	Mermaid Format = "mermaid"
	DOT     Format = "dot"
)

// Options controls Write.
type Options struct {
	// Format is Mermaid (also when empty) or DOT.
	Format Format
	// Workflow selects one workflow by id; "" draws all workflows.
	Workflow string
	// Operation optionally labels the operation a step calls (e.g.
	// "POST /clients"); nil or "" uses the operationId/operationPath as written.
	Operation func(s *arazzo.Step) string
}

// Write writes the flowchart of doc to w.
func Write(w io.Writer, doc *arazzo.Document, opts Options) error {
	return errors.New("graph: not implemented")
}
