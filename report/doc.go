// Package report writes the record of a run in three formats: a JSON run
// report (described by the JSON Schema in report.schema.json, embedded as
// Schema), HAR 1.2 and JUnit XML.
//
// It owns the report shapes and the masking applied to them. It depends on
// runtime (the Result it reports) and arazzo (action kinds and types) and
// the standard library only; it must not import cmd (or auth: the caller
// passes the auth package's redactor as a Redactor).
package report
