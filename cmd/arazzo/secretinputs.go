package main

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/arazzo-run/arazzo/arazzo"
)

// maxSchemaDepth bounds how deep secretInputs follows properties, items and
// $refs (a $ref cycle among components.inputs must not loop).
const maxSchemaDepth = 32

// minSecretNumber is the fewest digits a secret number needs to be masked
// wherever it appears: masking every "12" would shred the output.
const minSecretNumber = 4

// findSecretInputs finds, for the workflows to run, the inputs to mask: names
// are the top-level inputs that are secret (reports and journals show them
// as ***), values every string or number found under a secret input at any
// depth. An input is secret when its schema says so (format: password,
// writeOnly: true) or its name does (token, secret, password, api key...),
// whether the property is top-level or nested in an object or array
// input, and whether the schema is written in the workflow or reached
// through "$ref: '#/components/inputs/...'".
func findSecretInputs(doc *arazzo.Document, ws []*arazzo.Workflow, inputs map[string]any) (names, values []string) {
	seenName := map[string]bool{}
	seenValue := map[string]bool{}
	addValue := func(s string) {
		if s != "" && !seenValue[s] {
			seenValue[s] = true
			values = append(values, s)
		}
	}
	for _, w := range ws {
		if w == nil || w.Inputs == nil {
			continue
		}
		root := resolveInputSchema(doc, w.Inputs.Raw, 0)
		props, _ := root["properties"].(map[string]any)
		for _, name := range sortedNames(props) {
			if secretProperty(name, resolveInputSchema(doc, props[name], 0)) && !seenName[name] {
				seenName[name] = true
				names = append(names, name)
			}
		}
		walkSecretInputs(doc, root, inputs, false, 0, addValue)
	}
	return names, values
}

// walkSecretInputs reports the scalars of v that are secret: all of them
// when secret, else those under secret properties of schema.
func walkSecretInputs(doc *arazzo.Document, schema map[string]any, v any, secret bool, depth int, add func(string)) {
	if depth > maxSchemaDepth {
		return
	}
	switch v := v.(type) {
	case string:
		if secret {
			add(v)
		}
	case json.Number:
		if secret && len(v) >= minSecretNumber {
			add(v.String())
		}
	case float64:
		if s := strconv.FormatFloat(v, 'f', -1, 64); secret && len(s) >= minSecretNumber {
			add(s)
		}
	case int:
		if s := strconv.Itoa(v); secret && len(s) >= minSecretNumber {
			add(s)
		}
	case int64:
		if s := strconv.FormatInt(v, 10); secret && len(s) >= minSecretNumber {
			add(s)
		}
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for k, e := range v {
			ps := resolveInputSchema(doc, props[k], depth+1)
			walkSecretInputs(doc, ps, e, secret || secretProperty(k, ps), depth+1, add)
		}
	case []any:
		items := resolveInputSchema(doc, schema["items"], depth+1)
		for _, e := range v {
			walkSecretInputs(doc, items, e, secret, depth+1, add)
		}
	}
}

// secretProperty: the schema marks the property secret, or its name does.
func secretProperty(name string, schema map[string]any) bool {
	format, _ := schema["format"].(string)
	writeOnly, _ := schema["writeOnly"].(bool)
	return format == "password" || writeOnly || containsAny(strings.ToLower(name), secretWords)
}

// resolveInputSchema returns s as an object schema, following "$ref:
// '#/components/inputs/NAME'" (the only references inputs schemas may
// make); nil when s is not an object or the reference goes nowhere.
func resolveInputSchema(doc *arazzo.Document, s any, depth int) map[string]any {
	for ; depth <= maxSchemaDepth; depth++ {
		m, _ := s.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		name, found := strings.CutPrefix(ref, "#/components/inputs/")
		if !found || doc == nil || doc.Components.Inputs[name] == nil {
			return m
		}
		s = doc.Components.Inputs[name].Raw
	}
	return nil
}

func sortedNames(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
