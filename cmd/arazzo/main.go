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

	// For its side effect: the heap's first pages as a huge page. Its
	// initialization runs early (it needs only os and syscall), before the
	// packages that allocate most.
	_ "github.com/arazzo-run/arazzo/cmd/arazzo/internal/hugepages"
)

func main() {
	growStack(0)
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}

// growStack grows the main goroutine's stack to 128 KiB at once, while it
// is shallow. Left alone, the stack starts at 2 KiB and doubles four times
// during a run, each time deeper (YAML, schemas, requests): every growth
// copies the stack and walks each frame's tables in the binary, read from
// disk-backed pages for the first time. That cost 1.5 ms of a 32 ms cached
// run; one growth from a frame near the bottom costs almost nothing. The
// 64 KiB frame is never touched (n is 0), so no memory is written; it
// stays within the compiler's limit for stack variables (128 KiB), which
// would move a larger array to the heap and grow nothing.
//
//go:noinline
func growStack(n int) byte {
	if n > 0 {
		var frame [64 << 10]byte
		frame[n%len(frame)] = 1
		return frame[(n*7)%len(frame)]
	}
	return 0
}
