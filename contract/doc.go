// Package contract checks HTTP exchanges against an OpenAPI description
// (contract testing): a response's status, Content-Type, required headers
// and JSON body against the operation's documented responses, and,
// optionally, a request's required parameters, Content-Type and JSON body
// before it is sent.
//
// It owns: the response and request checks, the conversion of OpenAPI
// schemas to JSON Schema 2020-12, their compilation (santhosh-tekuri/
// jsonschema, with an ECMA-262 regular expression engine) and the Problem
// model. It imports openapi and kin-openapi (for descriptions loaded in full); it must not import runtime,
// arazzo or cmd (the executor plugs it in, never the reverse).
//
//	c := contract.New(doc, contract.Options{})   // once per description (per Plan)
//	problems := c.CheckResponse(op, status, header, body)
//	problems = c.CheckRequest(op, req, body)
//
// A Checker is safe for concurrent use. A media type's schema is converted
// the first time a check needs it (the status and media type received, or
// the request body sent), and compiled as described under "Compiling";
// Precompile compiles all of an operation's at once. Component schemas
// are converted once per Checker, when a check first reaches them, and
// compiled in full once each, however many operations use them.
//
// Schemas are read from the generic form of a lazily loaded description
// (openapi.Document.Raw: what the runtime loads) and converted from it, so
// that a check never makes kin-openapi decode the description; for a
// description loaded in full (or an operation the lazy loader handed to
// the full load), from kin-openapi's structures. Both conversions give the
// same JSON Schema documents (TestRawConverterMatchesKin).
//
// # Rules (where OpenAPI leaves room)
//
// Status: the exact code, else its range ("2XX", any case), else "default"
// documents a status. An operation without responses is not checked.
// An undocumented status is the only problem reported for that response.
//
// Content type: compared without parameters (charset...), case-insensitive.
// The most specific documented key wins: exact "type/subtype", then a
// structured-suffix range "type/*+json", then "type/*", then "*/*". A
// documented "application/json" does not accept "application/problem+json"
// (a different media type). A response whose documented response has no
// `content` is not checked beyond status and headers (OpenAPI does not say
// there is no body). A documented content with an empty body is a problem
// (KindBody), except for HEAD and 304.
//
// Headers: a required response header that is missing is a problem;
// header values are not checked against their schemas. For requests,
// required query, header and cookie parameters must be present (path
// parameters always are); their values are not checked.
//
// Bodies: only JSON bodies (application/json, text/json, any "+json") are
// checked against the schema; other media types (XML, forms, text) are
// checked for content type only. A body larger than Options.MaxBodyBytes
// (4 MiB) is not checked against its schema: no problem is reported for it.
// A JSON media type whose body does not parse is KindInvalidJSON.
//
// Schemas: OpenAPI 3.1 schemas are JSON Schema 2020-12 and are used as
// written. OpenAPI 3.0 schemas are converted: `nullable: true` adds "null"
// to the type (and to an enum; without a type, null becomes an anyOf
// alternative), the boolean exclusiveMinimum/exclusiveMaximum become the
// numeric form, `example` and other annotations are dropped. In both
// versions a required property that is writeOnly is not required in a
// response, and one that is readOnly is not required in a request, as
// OpenAPI 3.0 says. `discriminator` is an annotation (oneOf/anyOf still
// apply). $refs to components.schemas resolve to the component (compiled
// once, recursion allowed); other $refs (other files) are inlined, a cycle
// through them accepting anything. Types JSON Schema does not know
// ("file") are dropped.
//
// Patterns are ECMA-262: RE2 is tried first (linear time), regexp2 in
// ECMAScript mode otherwise (lookaheads such as '^(?!admin).*$'), with a
// 100 ms match timeout that counts as a match; a pattern neither engine
// compiles matches everything. One message gets 1 s in total of regexp2
// matching: when it is spent, the remaining pattern checks are skipped
// (they count as matches) and one "unchecked" problem says so, so a
// pathological pattern in a description cannot stall a run. Compiled
// patterns are cached process-wide, at most 4,096 (least recently used
// dropped).
//
// Formats: asserted for the formats JSON Schema defines (date-time, date,
// time, duration, email, hostname, ipv4, ipv6, uri, uri-reference, iri,
// iri-reference, uri-template, uuid, json-pointer, relative-json-pointer;
// also period and semver) and for OpenAPI's int32 and int64 (range).
// "regex" accepts every string (see Patterns). Other OpenAPI formats
// (float, double, byte, binary, password) and unknown formats (Auth0's
// "client-id", "absolute-https-uri-or-empty"...) assert nothing.
//
// A schema that cannot be compiled is reported as KindUnchecked (the body
// was not checked); that is a problem of the description, not a violation
// (Problem.Violation is false), so it never fails a strict run.
//
// # Compiling
//
// The converter emits only keywords it has type-checked, so its output is
// a valid JSON Schema 2020-12 document by construction (lists the
// metaschema wants unique, such as type, required and dependentRequired,
// are deduplicated). The compiler is therefore not asked to validate it
// against the metaschema, which costs about as much as compiling it: the
// resources are named under https://json-schema.org/x-arazzo-run/contract/,
// a prefix jsonschema trusts (trustedPrefix in compile.go). Tests hold
// both ends: the converted schemas of real descriptions (Auth0, and the
// shared corpus when present) and fuzzed ones pass the metaschema, and a
// canary fails if the library stops trusting the prefix.
//
// A command-line run checks each (operation, status, media type) once; a
// library user checks the same one thousands of times. So:
//
//   - the first check of a media type compiles a copy of its schema
//     pruned to that body: the `properties` (and `dependentSchemas`)
//     entries no object of the body has a member for are removed, and a
//     subschema nothing in the body reaches is replaced by `true`; the
//     components only those parts refer to are neither converted nor
//     compiled (on a lazily loaded description the body is walked through
//     the generic form and only what it reaches is converted; on one
//     loaded in full, the converted schema is pruned). The copy is used
//     for that body only and not cached. On a
//     large description (Auth0's Client schema: addons, jwt_configuration,
//     mobile...) a first check costs a fraction of a full compile;
//   - the second check compiles the full schema, once, and caches it for
//     the Checker's life: the steady state is unchanged;
//   - Precompile compiles in full; a check after it never prunes; a first
//     check whose body does not parse, or is larger than 256 KiB, uses
//     the full schema.
//
// Pruning is exact: the problems (messages, body and schema pointers) are
// those of the full schema, because what the validator can evaluate on
// that body is kept as it is, at the same keyword locations (prune.go
// says why; TestPrunedMatchesFull compares both on every schema of the
// Auth0 description with generated and broken bodies, and
// FuzzPrunedMatchesFull on fuzzed ones). If the pruned copy fails to
// compile, the full schema is compiled and its error reported.
//
// # Secrets
//
// Messages never quote a header or parameter value. A schema violation
// message quotes the offending body value only when it is a number, a
// boolean, null, or a string of at most 40 characters without control
// characters, and no member name on its path is secret-like (contains
// authorization, token, secret, password, passwd, key, credential,
// private, cookie or session, case-insensitively); otherwise the message
// says "(value not shown)". JSON syntax errors are reported by byte offset
// only.
package contract
