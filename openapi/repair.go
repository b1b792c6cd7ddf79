package openapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Dangling local $refs.
//
// Real-world descriptions (excerpts cut out of a larger API, hand-edited
// files) often contain "$ref: '#/components/schemas/X'" where X does not
// exist. kin-openapi refuses the whole document. A runner only needs the
// operations a workflow calls, so a dangling local $ref is a warning: the
// reference is replaced by an empty object carrying
// "x-arazzo-unresolved-ref: <ref>" (an empty schema accepts anything), and
// the document is loaded again. This costs a second parse, but only for
// documents that failed the first time. $refs to other files are not
// repaired: a missing file stays an error that names it.

const unresolvedRefKey = "x-arazzo-unresolved-ref"

// repairDanglingRefs returns data re-encoded with every dangling local $ref
// replaced, and one warning per replacement; ok is false when there was
// nothing to repair (or data is not parsable).
func repairDanglingRefs(data []byte) (out []byte, ws []Warning, ok bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return nil, nil, false
	}
	doc := root.Content[0]
	var walk func(n *yaml.Node, ptr string, depth int)
	walk = func(n *yaml.Node, ptr string, depth int) {
		if n == nil || depth > 10000 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode && strings.HasPrefix(v.Value, "#") {
					if resolveNodePointer(doc, v.Value[1:]) == nil {
						ws = append(ws, Warning{
							Message: fmt.Sprintf("line %d: $ref %q does not resolve; treated as an empty object", v.Line, v.Value),
							Pointer: ptr,
						})
						n.Content = []*yaml.Node{
							{Kind: yaml.ScalarNode, Tag: "!!str", Value: unresolvedRefKey},
							{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.Value},
						}
						return
					}
					continue
				}
				walk(v, ptr+"/"+EscapePointerToken(k.Value), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, ptr+"/"+strconv.Itoa(i), depth+1)
			}
		}
	}
	walk(doc, "", 0)
	if len(ws) == 0 {
		return nil, nil, false
	}
	b, err := yaml.Marshal(&root)
	if err != nil {
		return nil, nil, false
	}
	return b, ws, true
}

// resolveNodePointer resolves a JSON pointer (percent-encoded as a URI
// fragment or not) in a yaml node tree; nil when it does not resolve.
func resolveNodePointer(n *yaml.Node, ptr string) *yaml.Node {
	if ptr == "" {
		return n
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for tok := range strings.SplitSeq(ptr[1:], "/") {
		if u, err := url.PathUnescape(tok); err == nil {
			tok = u
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n == nil {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
					break
				}
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}
