// Package report writes the record of a workflow run for people and for
// machines: a JSON run report (WriteJSON, WriteJSONAll for several
// workflows), HAR 1.2 (WriteHAR), JUnit XML (WriteJUnit) and a single
// self-contained HTML page (WriteHTML, WriteHTMLWith: the workflow graph
// with the path taken, a timeline, every attempt masked). It works from the
// runtime.Result the executor returns; it runs nothing. Secrets returns
// the secret values one step attempt carries where the reports find them
// by their place, for callers that print while the run goes on (the CLI's
// progress, stdout and journal mask them as the reports do).
//
// It owns the report shapes and the masking applied to them. It imports
// runtime, arazzo, graph (for the HTML page's flowchart) and the standard
// library only; it must not import cmd, nor auth (the caller passes the
// auth package's redactor as a Redactor).
//
// # The JSON report
//
// report.schema.json (embedded as Schema) is the JSON Schema (2020-12) of
// WriteJSON's output and documents every field. In outline:
//
//	{
//	  "reportVersion": 1,
//	  "tool": {"name", "version"},
//	  "document": "path as given",
//	  "workflowId": "...",
//	  "verdict": "passed" | "failed",
//	  "error": null | {"kind": "step"|"limit"|"canceled"|"other", "message", "workflowId", "stepId", "attempt"},
//	  "started": RFC 3339 with ms | null, "durationMs": number,
//	  "inputs": {...masked...},
//	  "steps": [ one object per step attempt, in the order run:
//	    {"stepId", "attempt", "workflowId", "source"?, "depth",
//	     "operation"?: {"source", "operationId"?, "method", "path"},
//	     "calledWorkflow"?, "verdict", "reason"?, "error"?,
//	     "started", "durationMs",
//	     "request":  null | {"method", "url", "headers": [{"name","value"}], "body"},
//	     "response": null | {"status", "statusText", "headers", "body"},
//	     "criteria": [{"condition", "type", "context"?, "passed", "explanation"?, "error"?, "pos"?}],
//	     "action": null | {"kind": "success"|"failure", "type": "end"|"goto"|"retry"|"next"|"break",
//	                       "name"?, "default", "summary", "stepId"?, "workflowId"?,
//	                       "retry"?: {"n", "limit", "waitMs", "fromRetryAfter"},
//	                       "criteria", "workflowLevel", "pos"?},
//	     "outputs": {...}}
//	  ],
//	  "outputs": {...}
//	}
//
// A body is null when empty, else {"mimeType"?, "size", "truncated",
// "encoding", "content"}: encoding "json" embeds the body's value (when it
// was declared JSON, or had no Content-Type, and parses, and fits the cap),
// "text" a string (valid UTF-8), "base64" the bytes. size is the length
// as sent or received; content is cut at MaxBody (64 KiB), after masking,
// on a character boundary, and truncated says so. A JSON body too long to
// embed whole becomes text.
//
// Stability: fields are written in a fixed order (the order above) and
// header lists are sorted by name, so two reports of the same run differ
// only where the run did. Within a reportVersion, fields are never removed,
// renamed or given another meaning; new fields may be added, so consumers
// should ignore fields they do not know (the schema in this package
// rejects unknown fields because it describes exactly this version's
// output). Anything else bumps reportVersion.
//
// # Masking
//
// All three formats share one masker, built per write:
//
//   - Authorization, Proxy-Authorization, Cookie and Set-Cookie values are
//     always "***", as are headers whose names look like credentials
//     (containing api-key, apikey, api_key, token, secret, password,
//     session).
//   - Values of JSON properties and form/query parameters named
//     client_secret, access_token, refresh_token, id_token, token,
//     password, client_assertion, api_key or apikey (case-insensitive, '-'
//     read as '_') are "***"; so is a URL's password.
//   - Inputs named in Meta.SecretInputs are "***", and any input string a
//     mask would change is replaced whole.
//   - Every value found in those places (the credential of an
//     Authorization header, a cookie value, a token in a login response,
//     a secret input) is learned and masked wherever else it appears, with
//     its base64 and URL-escaped forms: a token read from a response is
//     masked in the later requests that use it, even when the Redactor does
//     not know it. Values shorter than 4 bytes are masked only in place.
//   - Finally every string written (header values, URLs, bodies, criteria
//     explanations, errors, outputs) goes through the caller's Redactor.
//
// Masking happens before a body is capped, so a secret cut by the cap
// cannot show its first half.
//
// # HAR and JUnit
//
// WriteHAR writes one page for the run and one entry per attempt that sent
// a request, with the step in the entry's comment and "_workflowId",
// "_stepId", "_attempt", "_verdict" fields. The executor records one
// duration per attempt: it is reported as timings.wait (send and receive
// 0; blocked, dns, connect and ssl -1), and httpVersion as HTTP/1.1. A
// transport error gives status 0 and "_error", as browsers write it.
//
// WriteJUnit writes one testsuite per result and one testcase per step
// (classname the workflow run, name the step id, or "workflow.step" for
// the steps of sub-workflows and dependencies, prefixed with the source
// name for another document's). The last attempt decides; every attempt,
// its criteria and the action taken are in the case's system-out. Unmet
// criteria, a failed sub-workflow or a failure end are failures; no
// response at all (transport error, request not built) is an error. A
// failure handled by a goto failure action passes (the workflow chose that
// path). A failed run whose steps all passed (a limit, an interruption)
// gets a testcase "(workflow)" with an error. Steps that never ran are
// skipped test cases when Meta.Steps (see StepsOf) lists the workflow's
// steps.
package report
