package expr

import (
	"errors"
	"fmt"
)

// Source identifies the root of a runtime expression: the part before the first
// dot-separated name ($url, $request.header, $steps, ...).
type Source uint8

// The sources of the Arazzo 1.0.1 runtime expression ABNF.
const (
	SourceInvalid            Source = iota
	SourceURL                       // $url
	SourceMethod                    // $method
	SourceStatusCode                // $statusCode
	SourceRequestHeader             // $request.header.<token>
	SourceRequestQuery              // $request.query.<name>
	SourceRequestPath               // $request.path.<name>
	SourceRequestBody               // $request.body[#/pointer]
	SourceResponseHeader            // $response.header.<token>
	SourceResponseQuery             // $response.query.<name>
	SourceResponsePath              // $response.path.<name>
	SourceResponseBody              // $response.body[#/pointer]
	SourceInputs                    // $inputs.<name>
	SourceOutputs                   // $outputs.<name>
	SourceSteps                     // $steps.<stepId>.outputs.<name>
	SourceWorkflows                 // $workflows.<workflowId>.inputs|outputs.<name>
	SourceSourceDescriptions        // $sourceDescriptions.<name>.<url|operationId|workflowId>
	SourceComponents                // $components.<inputs|parameters|successActions|failureActions>.<name>
)

// ErrNotFound is wrapped by Eval errors when a referenced value does not exist
// (a missing step output, an absent header, a JSON pointer that selects nothing).
// Test with errors.Is.
var ErrNotFound = errors.New("value not found")

// SyntaxError is a parse error. Offset is a byte offset into the string that was
// parsed, so a caller that knows where the string starts in a file can report
// FILE:LINE:COL.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
}

// Context supplies the values runtime expressions refer to. Value returns the root
// value an expression names, before its JSON pointer is applied (for
// $steps.a.outputs.b#/0 it returns output b of step a); false means the value does
// not exist. Header names must be matched case-insensitively.
type Context interface {
	Value(e *Expression) (any, bool)
}
