package expr

import (
	"fmt"
	"strings"
)

// Expression is one parsed runtime expression.
type Expression struct {
	Source Source
	// Owner is the stepId ($steps), the workflowId ($workflows), the source
	// description name ($sourceDescriptions) or the component kind ($components:
	// inputs, parameters, successActions or failureActions).
	Owner string
	// Field is "outputs" ($steps), "inputs" or "outputs" ($workflows), or for
	// $sourceDescriptions everything after the source name ("url", an
	// operationId or a workflowId).
	Field string
	// Name is the header, query or path parameter name, the input or output
	// name, or the component name.
	Name string
	// Pointer is the RFC 6901 pointer written after '#'; Pointer.Present reports
	// whether one was written.
	Pointer Pointer

	text string // canonical text, computed once
}

// Limits that keep hostile input from exhausting memory or the stack.
const (
	// MaxLength is the longest expression, template or condition accepted, in bytes.
	MaxLength = 16 << 10
	// MaxDepth is the deepest nesting of parentheses, '!' and index brackets in
	// a condition.
	MaxDepth = 64
)

// Parse parses s, which must be exactly one runtime expression (no surrounding
// braces, no leading or trailing text).
func Parse(s string) (*Expression, error) {
	if len(s) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: fmt.Sprintf("expression longer than %d bytes", MaxLength)}
	}
	return nil, &SyntaxError{Msg: "not implemented yet"}
}

// String returns the canonical text of the expression. Parse(e.String()) yields
// an equal Expression.
func (e *Expression) String() string {
	if e == nil {
		return "<nil>"
	}
	return e.text
}

// Eval resolves the expression against ctx and applies its JSON pointer. Errors
// wrap ErrNotFound when the value does not exist.
func (e *Expression) Eval(ctx Context) (any, error) {
	v, ok := ctx.Value(e)
	if !ok {
		return nil, &NotFoundError{What: e.String()}
	}
	if len(e.Pointer.tokens) == 0 {
		return v, nil
	}
	r, err := e.Pointer.Get(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.String(), err)
	}
	return r, nil
}

var _ = strings.Builder{}
