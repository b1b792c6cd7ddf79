package graph

import (
	"fmt"
	"regexp"
	"strings"
)

// The structural checkers below accept exactly the subset of Mermaid and DOT
// that this package writes, and check what a parser would not: node ids are
// safe, no Mermaid keyword is used as an id, every edge endpoint is declared
// (Mermaid silently creates a node for an unknown id), labels hold no
// character that ends them early. They run everywhere; TestMermaidParses and
// TestDOTParses check the real parsers when those are installed.

const idPat = `[A-Za-z][A-Za-z0-9_]*`

var (
	mmdSubgraph = regexp.MustCompile(`^subgraph (` + idPat + `) \["([^"]*)"\]$`)
	mmdNode     = regexp.MustCompile(`^(` + idPat + `)(\(\[|\[\[|\{\{|\[)"([^"]*)"(\]\)|\]\]|\}\}|\])$`)
	mmdEdge     = regexp.MustCompile(`^(` + idPat + `) (-->|-\.->|==>)(?:\|"([^"]*)"\|)? (` + idPat + `)$`)
	mmdClassDef = regexp.MustCompile(`^classDef [a-z]+ [a-z-]+:[^ ;]+(?:,[a-z-]+:[^;]+)*$`)
	mmdClass    = regexp.MustCompile(`^class (` + idPat + `(?:,` + idPat + `)*) [a-z]+$`)
	// Inside a label '#' may only start an entity code and '<' only <br/>.
	mmdEntity = regexp.MustCompile(`#(?:quot|lt|gt|amp|[0-9]+);|<br/>`)

	mmdKeywords = map[string]bool{"end": true, "subgraph": true, "graph": true, "flowchart": true,
		"class": true, "classDef": true, "style": true, "click": true, "linkStyle": true,
		"direction": true, "default": true, "call": true, "href": true}
	mmdPairs = map[string]string{"([": "])", "[[": "]]", "{{": "}}", "[": "]"}
)

func checkMermaidLabel(l string) error {
	rest := mmdEntity.ReplaceAllString(l, "")
	if i := strings.IndexAny(rest, "\"#<>&|`\n\r\t"); i >= 0 {
		return fmt.Errorf("label %q holds an unescaped %q", l, rest[i])
	}
	return nil
}

func checkMermaid(text string) error {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) == 0 || lines[0] != "flowchart TD" {
		return fmt.Errorf("first line is not `flowchart TD`")
	}
	declared := map[string]bool{}
	subgraphs := map[string]bool{}
	type ref struct {
		line int
		id   string
	}
	var uses []ref
	depth := 0
	declare := func(i int, id string) error {
		if mmdKeywords[id] || mmdKeywords[strings.ToLower(id)] {
			return fmt.Errorf("line %d: id %q is a Mermaid keyword", i+1, id)
		}
		if declared[id] || subgraphs[id] {
			return fmt.Errorf("line %d: id %q declared twice", i+1, id)
		}
		return nil
	}
	for i, line := range lines[1:] {
		i++
		s := strings.TrimSpace(line)
		switch {
		case s == "end":
			depth--
			if depth < 0 {
				return fmt.Errorf("line %d: `end` without subgraph", i+1)
			}
		case mmdSubgraph.MatchString(s):
			m := mmdSubgraph.FindStringSubmatch(s)
			if err := declare(i, m[1]); err != nil {
				return err
			}
			if err := checkMermaidLabel(m[2]); err != nil {
				return fmt.Errorf("line %d: %v", i+1, err)
			}
			subgraphs[m[1]] = true
			depth++
		case mmdNode.MatchString(s):
			m := mmdNode.FindStringSubmatch(s)
			if mmdPairs[m[2]] != m[4] {
				return fmt.Errorf("line %d: brackets %s…%s do not match", i+1, m[2], m[4])
			}
			if err := declare(i, m[1]); err != nil {
				return err
			}
			if err := checkMermaidLabel(m[3]); err != nil {
				return fmt.Errorf("line %d: %v", i+1, err)
			}
			declared[m[1]] = true
		case mmdEdge.MatchString(s):
			m := mmdEdge.FindStringSubmatch(s)
			if err := checkMermaidLabel(m[3]); err != nil {
				return fmt.Errorf("line %d: %v", i+1, err)
			}
			uses = append(uses, ref{i, m[1]}, ref{i, m[4]})
		case mmdClassDef.MatchString(s):
		case mmdClass.MatchString(s):
			for _, id := range strings.Split(mmdClass.FindStringSubmatch(s)[1], ",") {
				uses = append(uses, ref{i, id})
			}
		default:
			return fmt.Errorf("line %d: unexpected %q", i+1, line)
		}
	}
	if depth != 0 {
		return fmt.Errorf("%d subgraph(s) not closed", depth)
	}
	for _, u := range uses {
		if !declared[u.id] {
			return fmt.Errorf("line %d: %q is not a declared node", u.line+1, u.id)
		}
	}
	return nil
}

const (
	dotStr   = `"(?:[^"\\\x00-\x1f]|\\[\\"n])*"`
	dotValue = `(?:` + dotStr + `|[A-Za-z0-9.]+)`
	dotAttrs = `[a-z]+=` + dotValue + `(?:, [a-z]+=` + dotValue + `)*`
)

var (
	dotSubgraph = regexp.MustCompile(`^subgraph "(cluster_` + idPat + `)" \{$`)
	dotNodeLine = regexp.MustCompile(`^"(` + idPat + `)" \[` + dotAttrs + `\];$`)
	dotEdgeLine = regexp.MustCompile(`^"(` + idPat + `)" -> "(` + idPat + `)"(?: \[` + dotAttrs + `\])?;$`)
	dotAttrLine = regexp.MustCompile(`^(?:(?:node|edge) \[` + dotAttrs + `\]|[a-z]+=` + dotValue + `);$`)
	dotAmp      = regexp.MustCompile(`&amp;`)
)

func checkDOT(text string) error {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 2 || lines[0] != "digraph arazzo {" || lines[len(lines)-1] != "}" {
		return fmt.Errorf("not a `digraph arazzo { ... }`")
	}
	declared := map[string]bool{}
	var uses []string
	depth := 0
	for i, line := range lines[1 : len(lines)-1] {
		s := strings.TrimSpace(line)
		if strings.Contains(dotAmp.ReplaceAllString(s, ""), "&") {
			return fmt.Errorf("line %d: bare '&' (Graphviz would read an entity)", i+2)
		}
		switch {
		case s == "}":
			depth--
			if depth < 0 {
				return fmt.Errorf("line %d: unbalanced }", i+2)
			}
		case dotSubgraph.MatchString(s):
			depth++
		case dotNodeLine.MatchString(s):
			id := dotNodeLine.FindStringSubmatch(s)[1]
			if declared[id] {
				return fmt.Errorf("line %d: node %q declared twice", i+2, id)
			}
			declared[id] = true
		case dotEdgeLine.MatchString(s):
			m := dotEdgeLine.FindStringSubmatch(s)
			uses = append(uses, m[1], m[2])
		case dotAttrLine.MatchString(s):
		default:
			return fmt.Errorf("line %d: unexpected %q", i+2, line)
		}
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced braces")
	}
	for _, id := range uses {
		if !declared[id] {
			return fmt.Errorf("edge endpoint %q is not a declared node", id)
		}
	}
	return nil
}
