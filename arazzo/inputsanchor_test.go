package arazzo

import (
	"fmt"
	"slices"
	"testing"
)

func anchorDoc(in0, in1, comps string) string {
	return `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: a
    inputs: ` + in0 + `
    steps:
      - {stepId: s, operationId: op, successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: b
    inputs: ` + in1 + `
    steps:
      - {stepId: s, operationId: op, successCriteria: [{condition: $statusCode == 200}]}
` + comps
}

// TestInputsFastPathAnchors (regression): the fast inputs path (schemas
// proven by the official check, compiled without metaschema validation)
// resolved "#foo" and "$dynamicRef: #meta" to anchors in other workflows'
// inputs or in components, where the validated path reports the anchor
// missing; such schemas now take the validated path.
func TestInputsFastPathAnchors(t *testing.T) {
	cases := map[string]string{
		"anchor across workflows":      anchorDoc(`{type: object, properties: {x: {$ref: "#foo"}}}`, `{$anchor: foo, type: string}`, ""),
		"anchor in later component":    anchorDoc(`{type: object, properties: {x: {$ref: "#bar"}}}`, `{type: object}`, "components:\n  inputs:\n    z: {$anchor: bar, type: string}\n"),
		"ref to other workflow inputs": anchorDoc(`{type: object, properties: {x: {$ref: "#/workflows/1/inputs"}}}`, `{type: string}`, ""),
		"dynamic anchor":               anchorDoc(`{type: object, properties: {x: {$dynamicRef: "#meta"}}}`, `{$dynamicAnchor: meta, type: string}`, ""),
	}
	for name, src := range cases {
		data := []byte(src)
		doc, ds := Parse(data, "f.yaml")
		ref, refDs := ParseWith(data, "f.yaml", ParseOptions{validatedInputs: true})
		g, w := diagStrings(ds), diagStrings(refDs)
		gi, wi := inputResults(doc), inputResults(ref)
		extra := []any{map[string]any{"x": 5.0}, map[string]any{"x": "s"}}
		for _, v := range extra {
			for k, wf := range doc.Workflows {
				rw := ref.Workflows[k]
				if wf.Inputs != nil && rw.Inputs != nil {
					gi = append(gi, fmt.Sprint(wf.Inputs.Validate(v)))
					wi = append(wi, fmt.Sprint(rw.Inputs.Validate(v)))
				} else {
					gi = append(gi, fmt.Sprint(wf.Inputs != nil))
					wi = append(wi, fmt.Sprint(rw.Inputs != nil))
				}
			}
		}
		if !slices.Equal(g, w) || !slices.Equal(gi, wi) {
			t.Errorf("%s: fast and validated paths differ\nfast diags: %q\nvalidated diags: %q\nfast inputs: %q\nvalidated inputs: %q", name, g, w, gi[len(gi)-4:], wi[len(wi)-4:])
		} else {
			t.Logf("%s: same; diags %q", name, g)
		}
	}
}
