// Package runtime loads an Arazzo document together with every source
// description it names (a Bundle), compiles it once into an immutable Plan,
// and executes the Plan's workflows over HTTP, any number of times and
// concurrently, with per-run state only.
//
// It owns: bundle loading (Load), plan compilation (Compile), the executor
// (Plan.Run), the expr.Context of a step, request building (parameters,
// bodies, replacements), criteria and action handling, and run events. It
// must not import cmd/...: the CLI is built on this API, never the reverse.
//
// (The full documentation of the choices made where the specification is
// silent follows with the implementation.)
package runtime
