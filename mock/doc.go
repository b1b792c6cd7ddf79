// Package mock is an OpenAPI-driven mock server for offline runs
// (`arazzo run FILE --mock`, `arazzo mock OPENAPI_FILE`).
//
// It owns: routing a request to an operation of an *openapi.Document by
// method and path template, validating the request against the operation
// (parameters, request body), answering with the operation's documented
// response (an example, else a body generated deterministically from the
// response schema, with request values echoed back), and an in-process
// http.RoundTripper (Transport) that routes requests by host to handlers
// without sockets.
//
// Dependency direction: cmd/arazzo -> mock -> openapi. It must not import
// runtime, arazzo or cmd.
//
// # Routing
//
// Request paths are matched against the path templates relative to the
// server base path: the path part of every server URL of the document and
// of its operations (variables replaced by their defaults, e.g. "/api/v2"
// for "https://{tenantDomain}/api/v2") is tried as a prefix, longest first,
// and then the request path is tried as is. So a mock mounted at
// http://auth0ManagementApi.mock answers both /api/v2/clients and /clients.
// Literal segments beat parameters (/clients/mine before /clients/{id}); a
// trailing slash is ignored; HEAD is answered like GET when the path has no
// HEAD operation. No match is a 404, a match for other methods only a 405
// with an Allow header, both with a JSON body {"error": "..."} naming the
// method and path asked for.
//
// # Validation
//
// Declared path, query, header and cookie parameters (required, type after
// coercion from their string form, enum, bounds, patterns) and the request
// body (required, Content-Type against the documented media types, JSON or
// form decoding, then the schema: required properties, types, enum, const,
// additionalProperties: false, lengths, bounds, items, combinators) are
// checked. Any problem answers 400
// {"error":"mock: request does not match operation ID","problems":[...]},
// each problem prefixed by where it is ("body.scopes[0].value", "query.page",
// "header.X-Request-Id"). Formats are annotations and are not asserted;
// oneOf is checked like anyOf; readOnly properties are not required in
// requests; a pattern neither RE2 nor regexp2 (ECMAScript mode) compiles is
// skipped. Messages never quote the request's values (they may be secrets).
// Security requirements are not checked: credentials are ignored.
//
// # Responses
//
// The status is Options.Status's answer when it gives one (a status the
// operation does not document is answered without a body), else the lowest
// documented 2xx, else a 2XX range or "default" (as 200), else the lowest
// documented code below 400, else 200 without a body. 204 and 304 never have
// a body. The media type is the first the Accept header names, else JSON
// first (application/json, then other JSON types, then the documented
// order). The body is the media type's `example`, else the first of its
// `examples` by name (a map has no order), else generated from the schema
// (see generate.go for the policy: const, enum, default, schema examples,
// formats, patterns, bounds, 1-2 array items, optional properties down to
// three levels, capped recursion). JSON types are JSON-encoded, text/* types
// get strings as is, other types a string example or no body.
//
// Every answer from an operation carries an X-Mock-Operation header naming
// it (its operationId, else "METHOD /template").
//
// Echo: the top-level properties of the request body and the path
// parameters come back in the top-level properties of the response object
// with the same name, when the value satisfies that property's schema (so a
// created "name" or "identifier" is what a later step reads).
//
// Determinism: the random source of an answer is seeded by Options.Seed,
// the operation, the status, the request (method, path, query, body) and the
// number of times that exact request was seen before by this Mock. The same
// sequence of requests gives the same bytes for a seed; another seed gives
// other invented ids; repeating a create invents a new id.
//
// Everything derived from the description (parameter lists, responses,
// chosen defaults, merged allOf schemas, compiled patterns, valid schema
// examples) is computed once, lazily, and cached; a Mock is safe for
// concurrent use.
package mock
