package arazzo

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Compiling the inputs schemas without the metaschema.
//
// jsonschema validates against the draft's metaschema every root it loads
// (the whole document, registered as documentSchemaURL) and every subschema
// it is asked to compile that it has not met at a keyword position of an
// already validated schema (each /workflows/N/inputs). The first such
// validation in a process compiles the draft 2020-12 metaschema, ~4 ms.
//
// When the document passed the official schema check, that validation
// proves nothing new: the official schema validates every workflow's inputs
// and every components.inputs entry against the draft 2020-12 metaschema
// (#/$defs/schema). Nothing new, except format assertions: jsonschema
// validates schemas against a metaschema compiled with format assertions on,
// while the official check (like any schema by default) only annotates
// formats. The 2020-12 metaschemas use four: uri ($schema, $vocabulary
// keys), uri-reference ($id, $ref, $dynamicRef) and regex (pattern,
// patternProperties keys). metaProven checks those itself, conservatively:
// any $id, $schema or $vocabulary, a reference that is not a fragment of the
// document, or a pattern that does not compile sends the document down the
// validated path, where everything behaves as before.
//
// The fast path then registers the document under documentAliasURL (roots
// under https://json-schema.org/ are not validated) with the
// inputsLocations vocabulary, whose only effect is to declare
// /workflows/[]/inputs and /components/inputs/{} subschema locations, so
// that they are collected (and marked as processed) with the root and not
// validated again when compiled. Messages that would show the alias show
// documentSchemaURL (unalias), so diagnostics and input errors are the same
// on both paths (TestInputsFastPathSameResults).

// documentAliasURL stands for documentSchemaURL on the fast path. It is
// under https://json-schema.org/ for the exemption, and a fragment-only
// reference resolves against it exactly as against documentSchemaURL.
const documentAliasURL = "https://json-schema.org/x-arazzo-run/document"

// inputsLocations declares where the inputs schemas of an Arazzo document
// are, so that jsonschema collects them with the document root.
var inputsLocations = &jsonschema.Vocabulary{
	URL: "https://json-schema.org/x-arazzo-run/vocab/inputs-locations",
	Subschemas: []jsonschema.SchemaPath{
		{jsonschema.Prop("workflows"), jsonschema.AllItem{}, jsonschema.Prop("inputs")},
		{jsonschema.Prop("components"), jsonschema.Prop("inputs"), jsonschema.AllProp{}},
	},
	// No keywords: nothing to compile.
	Compile: func(*jsonschema.CompilerContext, map[string]any) (jsonschema.SchemaExt, error) {
		return nil, nil
	},
}

// unalias shows documentSchemaURL where a message names the alias.
func unalias(s string) string {
	if !strings.Contains(s, documentAliasURL) {
		return s
	}
	return strings.ReplaceAll(s, documentAliasURL, documentSchemaURL)
}

// metaProven reports whether schemas (inputs schemas that passed the
// official schema check) need nothing the check did not prove, and nothing
// the fast path would treat differently: see the comment at the top.
func metaProven(schemas []any) bool {
	for _, s := range schemas {
		if !metaProvenValue(s, 0) {
			return false
		}
	}
	return true
}

func metaProvenValue(v any, depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			switch k {
			case "$id", "$schema", "$vocabulary":
				return false
			case "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveAnchor", "$recursiveRef":
				// On the fast path every inputs schema is registered up
				// front, so a plain-name fragment ("#foo", "#meta") would
				// resolve to an anchor in another workflow's inputs that the
				// validated path does not see (review finding).
				return false
			case "$ref":
				if s, ok := val.(string); ok && (!fragmentRef(s) || s != "#" && !strings.HasPrefix(s, "#/")) {
					return false
				}
			case "pattern":
				if s, ok := val.(string); ok {
					if _, err := regexp.Compile(s); err != nil {
						return false
					}
				}
			case "patternProperties":
				if m, ok := val.(map[string]any); ok {
					for p := range m {
						if _, err := regexp.Compile(p); err != nil {
							return false
						}
					}
				}
			case "workflows":
				// inputsLocations would apply here too.
				if _, ok := val.([]any); ok {
					return false
				}
			case "components":
				if m, ok := val.(map[string]any); ok && m["inputs"] != nil {
					return false
				}
			}
			if !metaProvenValue(val, depth+1) {
				return false
			}
		}
	case []any:
		for _, it := range x {
			if !metaProvenValue(it, depth+1) {
				return false
			}
		}
	}
	return true
}

// fragmentRef: a reference within the document that passes the
// uri-reference format as jsonschema asserts it.
func fragmentRef(s string) bool {
	if !strings.HasPrefix(s, "#") || strings.Contains(s, `\`) {
		return false
	}
	_, err := url.Parse(s)
	return err == nil
}

// newInputsCompiler returns the compiler for a document's inputs schemas
// and the URL to register the document under: documentAliasURL with the
// inputsLocations vocabulary when proven, documentSchemaURL otherwise.
func newInputsCompiler(proven bool) (*jsonschema.Compiler, string) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	if !proven {
		return c, documentSchemaURL
	}
	c.RegisterVocabulary(inputsLocations)
	return c, documentAliasURL
}
