package graph

import (
	"bytes"
	"strings"
)

// writeMermaid prints ch as a Mermaid flowchart. Nodes are declared inside
// their subgraph before any edge mentions them, and edges between clusters
// come last: Mermaid puts a node in the subgraph where it first appears, so
// an early cross edge would move a node into the wrong cluster.
func writeMermaid(buf *bytes.Buffer, ch *chart) {
	buf.WriteString("flowchart TD\n")
	for _, n := range ch.nodes {
		mermaidNode(buf, "  ", n)
	}
	for _, cl := range ch.clusters {
		buf.WriteString("  subgraph " + cl.id + " [\"" + mermaidEscape(cl.title) + "\"]\n")
		for _, n := range cl.nodes {
			mermaidNode(buf, "    ", n)
		}
		for _, e := range cl.edges {
			mermaidEdge(buf, "    ", e)
		}
		buf.WriteString("  end\n")
	}
	for _, e := range ch.edges {
		mermaidEdge(buf, "  ", e)
	}
	// Colour the start and end nodes, and mark missing references; a class
	// is defined only when some node uses it.
	classes := []struct {
		name, style string
		kind        nodeKind
	}{
		{"start", "fill:#e8f0fe,stroke:#1a73e8", nodeStart},
		{"success", "fill:#e6f4ea,stroke:#137333", nodeEndSuccess},
		{"failure", "fill:#fce8e6,stroke:#c5221f", nodeEndFailure},
		{"missing", "stroke:#c5221f,stroke-dasharray:4 3", nodeMissing},
	}
	for _, c := range classes {
		var ids []string
		for _, n := range ch.nodes {
			if n.kind == c.kind {
				ids = append(ids, n.id)
			}
		}
		for _, cl := range ch.clusters {
			for _, n := range cl.nodes {
				if n.kind == c.kind {
					ids = append(ids, n.id)
				}
			}
		}
		if len(ids) > 0 {
			buf.WriteString("  classDef " + c.name + " " + c.style + "\n")
			buf.WriteString("  class " + strings.Join(ids, ",") + " " + c.name + "\n")
		}
	}
}

func mermaidNode(buf *bytes.Buffer, indent string, n *node) {
	open, close := "[", "]"
	switch n.kind {
	case nodeStart, nodeEndSuccess, nodeEndFailure:
		open, close = "([", "])" // stadium
	case nodeCall:
		open, close = "[[", "]]" // subroutine
	case nodeExternal:
		open, close = "{{", "}}" // hexagon
	}
	buf.WriteString(indent + n.id + open + "\"" + mermaidLabel(n.lines) + "\"" + close + "\n")
}

func mermaidEdge(buf *bytes.Buffer, indent string, e *edge) {
	arrow := "-->"
	switch e.kind {
	case edgeFailure, edgeDepends:
		arrow = "-.->"
	case edgeCall:
		arrow = "==>"
	}
	buf.WriteString(indent + e.from + " " + arrow)
	if len(e.lines) > 0 {
		buf.WriteString("|\"" + mermaidLabel(e.lines) + "\"|")
	}
	buf.WriteString(" " + e.to + "\n")
}

func mermaidLabel(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = mermaidEscape(l)
	}
	return strings.Join(esc, "<br/>")
}

// mermaidEscape makes s safe inside a double-quoted Mermaid label: Mermaid
// has no backslash escapes, only entity codes ("#quot;", "#35;"), so the
// characters that end a label, start an entity, or would be read as HTML or
// Markdown are written as entity codes, and control characters as spaces.
func mermaidEscape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			sb.WriteString("#quot;")
		case '#':
			sb.WriteString("#35;")
		case '<':
			sb.WriteString("#lt;")
		case '>':
			sb.WriteString("#gt;")
		case '&':
			sb.WriteString("#amp;")
		case '|':
			sb.WriteString("#124;")
		case '`':
			sb.WriteString("#96;")
		default:
			if r < 0x20 || r == 0x7f {
				sb.WriteByte(' ')
			} else {
				sb.WriteRune(r)
			}
		}
	}
	return sb.String()
}

// writeDOT prints ch as a Graphviz digraph.
func writeDOT(buf *bytes.Buffer, ch *chart) {
	buf.WriteString("digraph arazzo {\n")
	buf.WriteString("  rankdir=TB;\n")
	buf.WriteString("  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n")
	buf.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, n := range ch.nodes {
		dotNode(buf, "  ", n)
	}
	for _, cl := range ch.clusters {
		buf.WriteString("  subgraph " + dotQuote("cluster_"+cl.id) + " {\n")
		buf.WriteString("    label=" + dotQuote(cl.title) + ";\n")
		buf.WriteString("    style=rounded;\n")
		for _, n := range cl.nodes {
			dotNode(buf, "    ", n)
		}
		for _, e := range cl.edges {
			dotEdge(buf, "    ", e)
		}
		buf.WriteString("  }\n")
	}
	for _, e := range ch.edges {
		dotEdge(buf, "  ", e)
	}
	buf.WriteString("}\n")
}

func dotNode(buf *bytes.Buffer, indent string, n *node) {
	attrs := "label=" + dotLabel(n.lines)
	switch n.kind {
	case nodeStart:
		attrs += `, shape=oval, style=filled, fillcolor="#e8f0fe", color="#1a73e8"`
	case nodeEndSuccess:
		attrs += `, shape=oval, style=filled, fillcolor="#e6f4ea", color="#137333"`
	case nodeEndFailure:
		attrs += `, shape=oval, style=filled, fillcolor="#fce8e6", color="#c5221f"`
	case nodeCall:
		attrs += `, peripheries=2`
	case nodeExternal:
		attrs += `, shape=hexagon, style=solid`
	case nodeMissing:
		attrs += `, style="rounded,dashed", color="#c5221f"`
	}
	buf.WriteString(indent + dotQuote(n.id) + " [" + attrs + "];\n")
}

func dotEdge(buf *bytes.Buffer, indent string, e *edge) {
	var attrs []string
	if len(e.lines) > 0 {
		attrs = append(attrs, "label="+dotLabel(e.lines))
	}
	switch e.kind {
	case edgeFailure:
		attrs = append(attrs, `style=dashed`, `color="#c5221f"`, `fontcolor="#c5221f"`)
	case edgeCall:
		attrs = append(attrs, `style=bold`)
	case edgeDepends:
		attrs = append(attrs, `style=dotted`)
	}
	buf.WriteString(indent + dotQuote(e.from) + " -> " + dotQuote(e.to))
	if len(attrs) > 0 {
		buf.WriteString(" [" + strings.Join(attrs, ", ") + "]")
	}
	buf.WriteString(";\n")
}

func dotLabel(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = dotEscape(l)
	}
	return "\"" + strings.Join(esc, `\n`) + "\""
}

func dotQuote(s string) string { return "\"" + dotEscape(s) + "\"" }

// dotEscape makes s safe inside a double-quoted DOT string: backslashes
// (which start Graphviz escapes such as \n and \N) and quotes are escaped,
// '&' is written as an entity because Graphviz decodes entities in labels,
// and control characters become spaces.
func dotEscape(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			sb.WriteString(`\\`)
		case '"':
			sb.WriteString(`\"`)
		case '&':
			sb.WriteString("&amp;")
		default:
			if r < 0x20 || r == 0x7f {
				sb.WriteByte(' ')
			} else {
				sb.WriteRune(r)
			}
		}
	}
	return sb.String()
}
