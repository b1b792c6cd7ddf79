package arazzo

import (
	"crypto/sha256"
	"encoding/hex"
)

// SchemaVerdicts remembers which documents passed the official schema check,
// so that a document checked once is not checked again: the check's result
// depends only on the document's bytes and on the embedded schema, and
// compiling that schema (it pulls in the draft 2020-12 metaschema) costs
// milliseconds that a warm run cannot afford.
//
// Keys come from SchemaVerdictKey. Implementations must be safe for
// concurrent use; they may forget anything at any time (a verdict not known
// only costs the check). Known must only answer true for a key that Record
// was given: whoever can plant a verdict can make a document skip the
// schema check (the semantic checks still run), so a disk implementation
// belongs in a directory only the user writes (runtime's cache does this).
type SchemaVerdicts interface {
	// Known reports whether a document with this key passed the check.
	Known(key string) bool
	// Record notes that a document with this key passed the check.
	Record(key string)
}

// ParseOptions control ParseWith. The zero value parses exactly as Parse.
type ParseOptions struct {
	// Verdicts, when set, is asked before the official schema check and
	// told when a document passes it cleanly. Only clean verdicts are
	// recorded: a document with schema errors is checked every time.
	Verdicts SchemaVerdicts

	// validatedInputs makes compileSchemas take the validated path even
	// for a proven document (tests compare both paths).
	validatedInputs bool
}

// ParseWith is Parse with options. With opts.Verdicts it skips the official
// schema check of a document whose verdict is known; the diagnostics are the
// same either way, since only documents the check accepts without a single
// violation are recorded.
func ParseWith(data []byte, file string, opts ParseOptions) (*Document, Diagnostics) {
	return parse(data, file, opts)
}

// verdictFormat is part of every verdict key: bump it whenever what a clean
// verdict means changes (the translation of violations, what is skipped on a
// known verdict).
const verdictFormat = "arazzo-schema-verdict/1"

// officialSchemaSHA256 is the sha256 of the embedded schema (hex), part of
// every key so that a new schema iteration never reuses verdicts of the
// old one. A constant rather than computed: hashing the embedded bytes
// costs a fresh process ~0.1 ms of page faults. TestOfficialSchemaSHA256
// fails when the schema changes and this was not updated.
const officialSchemaSHA256 = "b8715bd824fffcb2accf5077977d37c9e7a15be60d785e7a3a51cf600fd46ad4"

// SchemaVerdictKey is the key of data's verdict: the sha256 (hex) of the
// verdict format, the embedded official schema's sha256 and the document's
// bytes. The file name is not part of it: the check does not depend on it.
func SchemaVerdictKey(data []byte) string {
	h := sha256.New()
	h.Write([]byte(verdictFormat + "\x00" + officialSchemaSHA256 + "\x00"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// checkSchema runs the official schema check unless opts.Verdicts knows
// data passed it. It reports whether the document is proven valid against
// the official schema (now or by a known verdict): every inputs schema then
// passed the draft 2020-12 metaschema, which compileSchemas relies on.
func checkSchema(data []byte, root *tnode, sink *diagSink, opts ParseOptions) (proven bool) {
	var key string
	if opts.Verdicts != nil {
		key = SchemaVerdictKey(data)
		if opts.Verdicts.Known(key) {
			return !opts.validatedInputs
		}
	}
	if !schemaCheck(root, sink) {
		return false
	}
	if opts.Verdicts != nil {
		opts.Verdicts.Record(key)
	}
	return !opts.validatedInputs
}
