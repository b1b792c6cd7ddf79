// Command arazzo loads, checks and runs Arazzo 1.0 workflows against the APIs
// their OpenAPI descriptions describe.
//
//	arazzo validate FILE...                 check documents, report FILE:LINE:COL problems
//	arazzo list FILE                        workflows, inputs, steps
//	arazzo describe FILE [--workflow ID]    one workflow in detail, with the credentials it needs
//	arazzo scopes FILE [--workflow ID]      OAuth2 scopes a workflow needs, per step and in total
//	arazzo run FILE [flags]                 run a workflow; stdout is one JSON object (its outputs)
//	arazzo mock OPENAPI_FILE [--port N]     serve an OpenAPI-driven mock on 127.0.0.1
//
// Exit codes: 0 success; 1 the workflow ran and failed, or a document is
// invalid (validate); 2 the document, the inputs or the flags are invalid and
// nothing was sent.
//
// This package owns flags, output formats and exit codes; it wires the
// library packages together and holds no Arazzo semantics of its own.
package main

import (
	"os"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}
