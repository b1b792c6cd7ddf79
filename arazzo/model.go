package arazzo

import (
	"fmt"

	"github.com/arazzo-run/arazzo/expr"
	"github.com/arazzo-run/arazzo/expr/criterion"
)

// Pos is a place in a document: the file (path or URL as given to the loader)
// and a 1-based line and column. The zero Pos means "unknown".
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as FILE:LINE:COL, the form editors and CI annotators parse.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether p names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Node records where an object of the document was written. It is embedded in
// every model struct so that diagnostics can point at the exact field.
type Node struct {
	// Pos is the position of the object itself (its first key, or the
	// scalar for objects written as a single value).
	Pos Pos
	// fields maps a field name (or "field/index" for list elements, e.g.
	// "dependsOn/1") to the position of its value.
	fields map[string]Pos
}

// FieldPos returns the position of the value of the named field, or of the
// object itself when the field was not written.
func (n *Node) FieldPos(name string) Pos {
	if p, ok := n.fields[name]; ok {
		return p
	}
	return n.Pos
}

// setField records the position of a field's value. Used by the loader only.
func (n *Node) setField(name string, p Pos) {
	if n.fields == nil {
		n.fields = make(map[string]Pos, 8)
	}
	n.fields[name] = p
}

// Extensions holds the specification extensions (keys beginning with "x-")
// of an object, decoded as JSON values.
type Extensions map[string]any

// Document is an Arazzo description.
type Document struct {
	Node
	// File is where the document was loaded from (path or URL), as given.
	File string

	Arazzo             string // the version string as written, e.g. "1.0.1"
	Info               Info
	SourceDescriptions []*SourceDescription
	Workflows          []*Workflow
	Components         Components
	Extensions         Extensions
}

// Workflow returns the workflow with the given id, or nil.
func (d *Document) Workflow(id string) *Workflow {
	for _, w := range d.Workflows {
		if w.WorkflowID == id {
			return w
		}
	}
	return nil
}

// SourceDescription returns the source description with the given name, or nil.
func (d *Document) SourceDescription(name string) *SourceDescription {
	for _, s := range d.SourceDescriptions {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Info is the Info Object.
type Info struct {
	Node
	Title       string
	Summary     string
	Description string
	Version     string
	Extensions  Extensions
}

// SourceType is the type of a source description.
type SourceType string

const (
	SourceOpenAPI SourceType = "openapi"
	SourceArazzo  SourceType = "arazzo"
)

// SourceDescription is the Source Description Object.
type SourceDescription struct {
	Node
	Name string
	URL  string
	// Type is as written; "" when omitted (the loader then treats the
	// source as OpenAPI, the only kind that carries operations).
	Type       SourceType
	Extensions Extensions
}

// Workflow is the Workflow Object.
type Workflow struct {
	Node
	WorkflowID  string
	Summary     string
	Description string
	// Inputs is the JSON Schema of the workflow's inputs; nil when absent.
	Inputs *Schema
	// DependsOn lists workflow ids as written (plain ids, or
	// "$sourceDescriptions.<name>.<workflowId>"); DependsOnRefs holds them parsed.
	DependsOn      []string
	DependsOnRefs  []WorkflowRef
	Steps          []*Step
	SuccessActions []*Action
	FailureActions []*Action
	Outputs        []*Output
	Parameters     []*Parameter
	Extensions     Extensions
}

// Step returns the step with the given id, or nil.
func (w *Workflow) Step(id string) *Step {
	if i := w.StepIndex(id); i >= 0 {
		return w.Steps[i]
	}
	return nil
}

// StepIndex returns the index of the step with the given id, or -1.
func (w *Workflow) StepIndex(id string) int {
	for i, s := range w.Steps {
		if s.StepID == id {
			return i
		}
	}
	return -1
}

// WorkflowRef names a workflow, in this document (Source == "") or in the
// arazzo source description named Source.
type WorkflowRef struct {
	Source     string
	WorkflowID string
}

// TargetKind says what a step calls.
type TargetKind uint8

const (
	TargetNone          TargetKind = iota // invalid step: none (or several) of the three fields
	TargetOperationID                     // operationId
	TargetOperationPath                   // operationPath
	TargetWorkflow                        // workflowId
)

// Target is what a step calls, parsed from operationId, operationPath or
// workflowId at load time.
type Target struct {
	Kind TargetKind
	// Source is the source description name: given explicitly by
	// "$sourceDescriptions.<name>.<operationId>" or by the
	// "{$sourceDescriptions.<name>.url}" of an operationPath; "" when an
	// operationId or workflowId is unqualified.
	Source string
	// OperationID for TargetOperationID.
	OperationID string
	// Pointer for TargetOperationPath: the JSON pointer after '#',
	// e.g. "/paths/~1pets~1{petId}/get".
	Pointer string
	// WorkflowID for TargetWorkflow.
	WorkflowID string
}

// Step is the Step Object.
type Step struct {
	Node
	StepID      string
	Description string
	// The three mutually exclusive fields as written; Target holds them parsed.
	OperationID     string
	OperationPath   string
	WorkflowID      string
	Target          Target
	Parameters      []*Parameter
	RequestBody     *RequestBody
	SuccessCriteria []*Criterion
	OnSuccess       []*Action
	OnFailure       []*Action
	Outputs         []*Output
	Extensions      Extensions
}

// ParameterIn is the location of a parameter.
type ParameterIn string

const (
	InNone   ParameterIn = "" // allowed only when the step calls a workflow
	InPath   ParameterIn = "path"
	InQuery  ParameterIn = "query"
	InHeader ParameterIn = "header"
	InCookie ParameterIn = "cookie"
)

// Parameter is the Parameter Object. A parameter written as a Reusable Object
// ({reference, value}) is resolved by the loader: Name and In come from the
// component, Value from the override when given, and Reference keeps the
// reference for messages.
type Parameter struct {
	Node
	Name       string
	In         ParameterIn
	Value      *Value
	Reference  *expr.Expression // non-nil when written as a Reusable Object
	Extensions Extensions
}

// ActionKind distinguishes success actions from failure actions.
type ActionKind uint8

const (
	SuccessAction ActionKind = iota + 1
	FailureAction
)

// ActionType is the type of a success or failure action.
type ActionType string

const (
	ActionEnd   ActionType = "end"
	ActionGoto  ActionType = "goto"
	ActionRetry ActionType = "retry" // failure actions only
)

// Action is a Success Action Object or a Failure Action Object. An action
// written as a Reusable Object is resolved by the loader into a copy of the
// component, with Reference set.
type Action struct {
	Node
	Kind ActionKind
	Name string
	Type ActionType
	// Exactly one of StepID and WorkflowID may be set (goto, and retry).
	StepID     string
	WorkflowID string
	// WorkflowRef is WorkflowID parsed.
	WorkflowRef WorkflowRef
	// RetryAfter is in seconds; nil when absent.
	RetryAfter *float64
	// RetryLimit is nil when absent (the spec's default: a single retry).
	RetryLimit *int
	Criteria   []*Criterion
	Reference  *expr.Expression // non-nil when written as a Reusable Object
	Extensions Extensions
}

// Criterion is the Criterion Object, compiled at load time.
type Criterion struct {
	Node
	Context   string
	Condition string
	// Type is the type as written ("" for simple); Version is set when the
	// type was a Criterion Expression Type Object.
	Type       string
	Version    string
	Compiled   *criterion.Criterion // nil only when compiling failed (the document is then invalid)
	Extensions Extensions
}

// Output is one entry of an outputs map; the order of the document is kept.
type Output struct {
	Node
	Name  string
	Value *expr.Template // a runtime expression (or, leniently, a template)
}

// RequestBody is the Request Body Object.
type RequestBody struct {
	Node
	ContentType  string
	Payload      *Value // nil when absent
	Replacements []*Replacement
	Extensions   Extensions
}

// Replacement is the Payload Replacement Object.
type Replacement struct {
	Node
	Target     string // a JSON pointer (JSON payloads) or an XPath expression (XML payloads)
	Value      *Value
	Extensions Extensions
}

// Components is the Components Object.
type Components struct {
	Node
	Inputs         map[string]*Schema
	Parameters     map[string]*Parameter
	SuccessActions map[string]*Action
	FailureActions map[string]*Action
	Extensions     Extensions
}

// Schema is a JSON Schema written in the document (workflow inputs,
// components.inputs). Raw is the decoded schema; the loader compiles it
// once (JSON Schema 2020-12, $refs into the document resolved).
type Schema struct {
	Node
	Raw      any
	compiled schemaValidator
	name     string // prefix of instance locations in messages ("inputs")
}

// schemaValidator is the compiled form of a Schema; unexported so the JSON
// Schema library does not leak into the API.
type schemaValidator interface {
	Validate(v any) error
}

// ValueKind classifies a Value.
type ValueKind uint8

const (
	ValueLiteral  ValueKind = iota // a JSON value with no runtime expression anywhere inside
	ValueTemplate                  // a string holding a runtime expression or "{$...}" parts
	ValueArray                     // an array with at least one expression inside
	ValueObject                    // an object with at least one expression inside
)

// Value is a JSON value from the document (a parameter value, a payload, a
// replacement value) in which strings may be runtime expressions or
// templates. It is parsed once at load time; Eval produces the JSON value to
// send. Subtrees without expressions are kept as Literal and returned as-is,
// so evaluating a constant payload does not copy it.
type Value struct {
	Pos      Pos
	Kind     ValueKind
	Literal  any            // ValueLiteral
	Template *expr.Template // ValueTemplate
	Items    []*Value       // ValueArray
	Members  []Member       // ValueObject, in document order
}

// Member is one key of an object Value.
type Member struct {
	Key   string
	Value *Value
}
