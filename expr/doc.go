// Package expr owns Arazzo runtime expressions ($steps.a.outputs.b#/0), templates
// ("Bearer {$inputs.token}") and simple conditions ($statusCode == 201 && ...):
// their parsers, syntax trees, evaluators and limits.
//
// It imports only the standard library: no HTTP, no YAML, no Arazzo model.
// (Full documentation follows as the implementation lands.)
package expr
