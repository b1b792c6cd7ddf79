// Package arazzo owns the Arazzo 1.0.x document model with positions, its
// loading from YAML or JSON, the official JSON Schema check, the semantic
// validation of a document, and the diagnostics (FILE:LINE:COL: message).
//
// It may import expr, expr/criterion, the YAML and JSON Schema libraries and
// the standard library. It must not import openapi, runtime or net/http:
// the checks that need loaded source descriptions go through the small
// OperationSource interface, which *openapi.Document satisfies.
//
// # Loading
//
// Parse decodes YAML (JSON is YAML, so JSON documents get positions too) with
// the yaml.v3 node API and builds a tree that keeps the line and column of
// every value and every key. Limits: MaxDocumentSize bytes, 250,000 values
// after alias expansion (anchored subtrees are shared, so a "billion laughs"
// document stops at the limit without allocating it), 256 levels of nesting.
// Duplicate keys are errors. YAML merge keys (<<) are applied. A file with
// several YAML documents gets a warning; only the first is read. Scalars keep
// their YAML types (1.0 is a number, "1.0" a string); timestamps and other
// tags are kept as their text.
//
// Versions: "arazzo: 1.0.0" and "1.0.1" (any 1.0.x, as the spec says patch
// versions are not distinguished) are accepted. A 1.1.x document gets a
// single error, "Arazzo 1.1 is not supported yet", and is not checked
// further. Any other version is an error, and the rest is still checked.
//
// # What Parse checks
//
//   - The official Arazzo 1.0 JSON Schema (2025-10-15, embedded). Violations
//     are reported at the offending node with a message a person can act on:
//     oneOf/anyOf failures are reduced to the branch the author meant (an
//     object with "reference" is a Reusable Object, otherwise a Parameter or
//     action); an unknown field is reported at its key with a "did you mean";
//     the step target oneOf becomes "step needs exactly one of operationId,
//     operationPath, workflowId".
//   - Unique workflowIds, stepIds (per workflow), source description names;
//     parameter name+in unique per list (header names compare
//     case-insensitively).
//   - Step targets: operationId plain or "$sourceDescriptions.<name>.<id>"
//     (the source must exist and not be an arazzo source); operationPath
//     "{$sourceDescriptions.<name>.url}#<pointer>" (see below); workflowId
//     local (must exist) or "$sourceDescriptions.<name>.<id>" (the source
//     must be of type arazzo).
//   - Actions: goto/retry stepId in the same workflow, workflowId in this
//     document or an arazzo source; fields that do not fit the type.
//   - dependsOn targets exist; cycles are named ("a -> b -> a").
//   - Every runtime expression, template, condition and criterion parses and
//     compiles (expr, expr/criterion); errors point inside the string.
//   - $steps, $workflows, $sourceDescriptions, $components and $inputs
//     references name something that exists, with suggestions.
//   - Reusable Objects are resolved: a parameter reference becomes a
//     Parameter with the component's name and in, the override value when
//     given, and Reference set; an action reference becomes a copy of the
//     component action with Reference set. The reference must name the right
//     kind ($components.parameters in parameters, successActions in
//     onSuccess/successActions, failureActions in onFailure/failureActions).
//   - Workflow and component inputs are compiled as JSON Schema 2020-12;
//     "$ref: '#/components/inputs/x'" resolves against the document itself.
//     External $refs are never fetched.
//
// # Not re-proving what was proven
//
// The official schema check depends only on the document's bytes and on the
// embedded schema, and in a short process it is expensive: compiling the
// schema also compiles the draft 2020-12 metaschema it references for
// inputs schemas. ParseWith takes a SchemaVerdicts store (runtime keeps one
// on disk, next to the OpenAPI cache): before the check it asks whether the
// document's SchemaVerdictKey (sha256 of a format version, of the embedded
// schema's sha256 and of the document's bytes; not of its name) is known,
// and skips the check if so; after a check with no violation at all (not
// even one the translation ignores) it records the key. A document with
// schema errors is never recorded, so it is checked, and reports every
// error, every time; the semantic checks always run. Diagnostics are the
// same with or without a verdict. Parse is ParseWith without a store.
//
// Two more proofs are not redone. The embedded schema is compiled without
// validating it against its metaschema (it is registered under a
// json-schema.org alias, which jsonschema exempts; a test proves it valid).
// The inputs schemas of a document that passed the check (now or by
// verdict) are compiled without validating them against the metaschema
// again, since the official schema already did (#/$defs/schema), except for
// the format assertions jsonschema adds to that validation (uri,
// uri-reference, regex), which are checked here; a document with $id,
// $schema, $vocabulary or a reference outside the document in an inputs
// schema takes the validated path (inputsproven.go). Both paths give the
// same diagnostics and the same input errors (tested over the corpus).
//
// Check adds the checks that need the loaded sources: operationIds exist,
// operationPath pointers resolve, workflows of arazzo sources exist, and
// (when the source implements OperationTemplates) path parameters match the
// operation's path template: a step's path parameter that is not a variable
// of the path is an error with a did-you-mean, and so is a variable that
// neither the step nor its workflow gives a value. Workflow-level path
// parameters apply only to the steps whose path has the variable.
//
// # Choices where the spec is silent (or contradicts itself)
//
//   - Official schema bugs, where the spec text wins: a Criterion Expression
//     Type Object (type: {type: jsonpath, version: ...}) cannot pass the
//     schema's anyOf (it applies the object's schema to the criterion
//     itself), so that anyOf is not reported and the object is checked here;
//     a replacement value may be any JSON value (the schema says string, the
//     spec's own example uses 10).
//   - Position of an error inside a string: the scalar's column plus the
//     character offset, for plain scalars and for quoted ones without escapes
//     on a single line; the scalar's start otherwise (block scalars, escapes).
//   - $steps.X in a step's parameters or request body where X is the same
//     step or a later one: a warning, unless a goto or retry (of any step, or
//     of the workflow) can lead from X back to the step. In outputs, criteria
//     and actions a step may read its own outputs. References in workflow
//     outputs and workflow-level actions are checked for existence only.
//   - $steps.X.outputs.Y where X declares no output Y is an error (it can
//     never be evaluated); "Y.z" and "Y[0]" get a hint with the pointer form
//     "Y#/z". $inputs.Y not declared in the workflow's inputs schema (when it
//     lists properties and does not allow additional ones) is a warning.
//   - In the outputs of a step that calls a workflow, $outputs.Y names the
//     called workflow's outputs (as in the spec's pet-coupons example).
//   - Non-conformant operationPath spellings seen in real documents,
//     "$sourceDescriptions.<name>#<ptr>" and "<name>#<ptr>", are accepted
//     with a warning; a percent-encoded pointer is decoded.
//   - An end action with stepId or workflowId is an error (the target would
//     be ignored, which is never what the author meant); retryAfter or
//     retryLimit on a goto or end action is a warning (the spec only says
//     they apply to retry).
//   - "value" on an action Reusable Object is ignored with a warning.
//   - Unqualified operationIds with several OpenAPI sources are an error (the
//     spec's MUST); the hint names the qualified form when only one source
//     has the id.
//   - Warnings for spec SHOULDs and style: a source description without type
//     (treated as openapi), a step without successCriteria, workflowIds and
//     stepIds outside [A-Za-z0-9_-], a parameter "in" on a step that calls a
//     workflow, a requestBody on such a step, a constant output, strings that
//     almost are runtime expressions (expr.Suspicious).
//   - Parameter names are case-sensitive (Parameter Object), so header
//     parameters differing only in case are distinct; as HTTP header names
//     are not, they get a warning that only the last one is sent. An exact
//     duplicate (name and in) is an error.
//   - $workflows.X.outputs read in a workflow that X cannot have run before
//     (not in its dependsOn closure, not called by a step, not named by an
//     action) is a warning; an inputs schema whose type is not object is a
//     warning (inputs are always an object).
//   - Diagnostics found twice (by the schema and by a semantic check) are
//     worded identically and reported once.
package arazzo
