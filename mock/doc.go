// Package mock is an OpenAPI-driven mock server for offline runs
// (`arazzo run FILE --mock`, `arazzo mock OPENAPI_FILE`).
//
// It owns: routing a request to an operation of an *openapi.Document by
// method and path template, validating the request against the operation
// (parameters, request body), and answering with the operation's documented
// response (example, else a body generated deterministically from the
// response schema, with request values echoed back), plus an in-process
// http.RoundTripper (Transport) that routes requests by host to handlers
// without sockets.
//
// Dependency direction: cmd/arazzo -> mock -> openapi. It must not import
// runtime, arazzo or cmd.
package mock
