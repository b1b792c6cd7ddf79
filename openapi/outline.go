package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// errUnsupported makes the lazy loader give up and fall back to the full
// kin-openapi load, which handles (or reports) everything.
var errUnsupported = errors.New("openapi: not supported by the lazy loader")

// treeSource gives decoded parts of a document without decoding all of it.
// Values are the encoding/json shapes (map[string]any, []any, string,
// float64, bool, nil).
type treeSource interface {
	// operations lists every operation (path, method, operationId).
	operations() ([]outlineOp, error)
	// value returns the decoded value at a pointer of 1 to 3 tokens:
	// a top-level field, ("components", section), ("components", section,
	// name) or ("paths", path, field).
	value(tokens ...string) (any, bool, error)
}

// outlineOp is one operation of the outline: enough to answer
// HasOperationID/OperationIDs/HasOperationPointer without decoding it.
type outlineOp struct {
	Path   string `json:"p"`
	Method string `json:"m"` // lower case, as written under the path item
	ID     string `json:"i,omitempty"`
}

// newTreeSource picks the fastest way in: JSON is decoded whole (it is
// fast); block-style YAML is outlined line by line and only the parts asked
// for are decoded; other YAML is decoded whole.
func newTreeSource(data []byte) (treeSource, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var v any
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if err := dec.Decode(&v); err != nil {
			return nil, errUnsupported
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, errUnsupported
		}
		return fullTree(m), nil
	}
	if o, err := newYAMLOutline(data); err == nil {
		return o, nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, errUnsupported
	}
	v, err := nodeToAny(&n, new(int))
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errUnsupported
	}
	return fullTree(m), nil
}

// fullTree is a document decoded whole.
type fullTree map[string]any

func (t fullTree) operations() ([]outlineOp, error) {
	paths, _ := t["paths"].(map[string]any)
	var out []outlineOp
	for path, item := range paths {
		im, ok := item.(map[string]any)
		if !ok {
			if item == nil {
				continue
			}
			return nil, errUnsupported
		}
		if _, ok := im["$ref"]; ok {
			return nil, errUnsupported
		}
		if _, ok := im["additionalOperations"]; ok {
			return nil, errUnsupported
		}
		for key, v := range im {
			if !isMethodKey(key) {
				continue
			}
			om, ok := v.(map[string]any)
			if !ok {
				return nil, errUnsupported
			}
			op := outlineOp{Path: path, Method: key}
			if id, ok := om["operationId"]; ok {
				s, ok := id.(string)
				if !ok {
					return nil, errUnsupported
				}
				op.ID = s
			}
			out = append(out, op)
		}
	}
	return out, nil
}

func (t fullTree) value(tokens ...string) (any, bool, error) {
	var cur any = map[string]any(t)
	for _, tok := range tokens {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false, nil
		}
		cur, ok = m[tok]
		if !ok {
			return nil, false, nil
		}
	}
	return cur, true, nil
}

// methodKeys are the Path Item fields holding an operation.
var methodKeys = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true, "query": true,
}

func isMethodKey(k string) bool { return methodKeys[k] }

// yamlEntry is one "key: value" of a block mapping: the byte range of its
// lines (key line included) and the text after the colon on the key line.
type yamlEntry struct {
	key        string
	start, end int
	inline     string
}

// yamlOutline indexes a block-style YAML document by line indentation: the
// top-level keys, the fields of each path item and the components, each
// with its byte range, so that one operation or one component can be
// decoded alone. Anything it does not understand makes it give up (the
// caller then decodes the document whole).
type yamlOutline struct {
	data  []byte
	top   map[string]yamlEntry
	paths []yamlPath
	byKey map[string]int                  // path -> index in paths
	comps map[string]map[string]yamlEntry // section -> name -> entry
}

type yamlPath struct {
	e      yamlEntry
	fields map[string]yamlEntry
	order  []string
}

func newYAMLOutline(data []byte) (*yamlOutline, error) {
	start := 0
	// A leading document marker or comment lines are fine; directives are
	// not worth the trouble.
	for start < len(data) {
		end := lineEnd(data, start)
		line := bytes.TrimRight(data[start:end], "\r")
		trimmed := bytes.TrimLeft(line, " ")
		if len(trimmed) == 0 || trimmed[0] == '#' {
			start = nextLine(data, end)
			continue
		}
		if bytes.Equal(line, []byte("---")) {
			start = nextLine(data, end)
		}
		break
	}
	top, err := yamlEntries(data, start, len(data), true)
	if err != nil {
		return nil, err
	}
	o := &yamlOutline{data: data, top: map[string]yamlEntry{}, byKey: map[string]int{}, comps: map[string]map[string]yamlEntry{}}
	for _, e := range top {
		if _, dup := o.top[e.key]; dup {
			return nil, errUnsupported
		}
		o.top[e.key] = e
	}
	if p, ok := o.top["paths"]; ok {
		items, err := o.children(p)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if _, dup := o.byKey[it.key]; dup {
				return nil, errUnsupported
			}
			fields, err := o.children(it)
			if err != nil {
				return nil, err
			}
			yp := yamlPath{e: it, fields: map[string]yamlEntry{}}
			for _, f := range fields {
				if f.key == "$ref" || f.key == "additionalOperations" {
					return nil, errUnsupported
				}
				if _, dup := yp.fields[f.key]; dup {
					return nil, errUnsupported
				}
				yp.fields[f.key] = f
				yp.order = append(yp.order, f.key)
			}
			o.byKey[it.key] = len(o.paths)
			o.paths = append(o.paths, yp)
		}
	}
	if c, ok := o.top["components"]; ok {
		sections, err := o.children(c)
		if err != nil {
			return nil, err
		}
		for _, s := range sections {
			if _, dup := o.comps[s.key]; dup {
				return nil, errUnsupported
			}
			names, err := o.children(s)
			if err != nil {
				return nil, err
			}
			m := make(map[string]yamlEntry, len(names))
			for _, n := range names {
				if _, dup := m[n.key]; dup {
					return nil, errUnsupported
				}
				m[n.key] = n
			}
			o.comps[s.key] = m
		}
	}
	return o, nil
}

// children returns the entries of e's value, which must be a block mapping
// (an empty value is an empty mapping).
func (o *yamlOutline) children(e yamlEntry) ([]yamlEntry, error) {
	if e.inline != "" {
		if e.inline == "{}" {
			return nil, nil
		}
		return nil, errUnsupported
	}
	return yamlEntries(o.data, nextLine(o.data, lineEnd(o.data, e.start)), e.end, false)
}

func lineEnd(data []byte, pos int) int {
	if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
		return pos + i
	}
	return len(data)
}

func nextLine(data []byte, end int) int {
	if end < len(data) {
		return end + 1
	}
	return end
}

// yamlEntries splits the lines [start, end) into the entries of a block
// mapping: lines at the mapping's indentation start entries; deeper lines,
// comments and blank lines belong to the entry before them, and so do
// "- " lines at the same indentation after a key with no inline value (a
// block sequence may sit at its key's indentation).
func yamlEntries(data []byte, start, end int, root bool) ([]yamlEntry, error) {
	var out []yamlEntry
	indent := -1
	pos := start
	for pos < end {
		le := lineEnd(data, pos)
		if le > end {
			le = end
		}
		line := data[pos:le]
		ind := 0
		for ind < len(line) && line[ind] == ' ' {
			ind++
		}
		rest := line[ind:]
		for len(rest) > 0 && (rest[len(rest)-1] == ' ' || rest[len(rest)-1] == '\r') {
			rest = rest[:len(rest)-1]
		}
		if len(rest) == 0 || rest[0] == '#' {
			pos = nextLine(data, le)
			continue
		}
		if rest[0] == '\t' {
			return nil, errUnsupported
		}
		if indent < 0 {
			indent = ind
			if root && ind != 0 {
				return nil, errUnsupported
			}
		}
		switch {
		case ind < indent:
			return nil, errUnsupported
		case ind > indent:
			if len(out) == 0 {
				return nil, errUnsupported
			}
		case isSeqItem(rest):
			if len(out) == 0 || out[len(out)-1].inline != "" {
				return nil, errUnsupported
			}
		default:
			if root && ind == 0 && (bytes.HasPrefix(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("..."))) {
				return nil, errUnsupported // a second document
			}
			key, inline, ok := parseYAMLKey(rest)
			if !ok {
				return nil, errUnsupported
			}
			if len(out) > 0 {
				out[len(out)-1].end = pos
			}
			out = append(out, yamlEntry{key: key, start: pos, end: end, inline: inline})
		}
		pos = nextLine(data, le)
	}
	return out, nil
}

func isSeqItem(rest []byte) bool {
	return rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ')
}

// parseYAMLKey parses `key: value` (plain, single- or double-quoted key)
// and returns the key and the inline value without a trailing comment.
func parseYAMLKey(rest []byte) (key, inline string, ok bool) {
	var after []byte
	switch rest[0] {
	case '"':
		i := 1
		for i < len(rest) && rest[i] != '"' {
			if rest[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(rest) {
			return "", "", false
		}
		raw := string(rest[:i+1])
		if strings.IndexByte(raw, '\\') >= 0 {
			var s string
			if err := yaml.Unmarshal([]byte(raw), &s); err != nil {
				return "", "", false
			}
			key = s
		} else {
			key = raw[1 : len(raw)-1]
		}
		after = rest[i+1:]
	case '\'':
		i := 1
		for i < len(rest) {
			if rest[i] == '\'' {
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i += 2
					continue
				}
				break
			}
			i++
		}
		if i >= len(rest) {
			return "", "", false
		}
		key = strings.ReplaceAll(string(rest[1:i]), "''", "'")
		after = rest[i+1:]
	case '[', '{', '&', '*', '!', '?', '|', '>', '%', '@', '`', '-', ',', '#':
		return "", "", false
	default:
		i := 0
		for {
			j := bytes.IndexByte(rest[i:], ':')
			if j < 0 {
				return "", "", false
			}
			i += j
			if i+1 == len(rest) || rest[i+1] == ' ' {
				break
			}
			i++
		}
		key = strings.TrimRight(string(rest[:i]), " ")
		if strings.Contains(key, " #") {
			return "", "", false
		}
		after = rest[i:]
	}
	after = bytes.TrimLeft(after, " ")
	if len(after) == 0 || after[0] != ':' {
		return "", "", false
	}
	val := bytes.TrimLeft(after[1:], " ")
	if len(val) > 0 && val[0] == '#' {
		val = nil
	} else if i := bytes.Index(val, []byte(" #")); i >= 0 && val[0] != '"' && val[0] != '\'' {
		val = bytes.TrimRight(val[:i], " ")
	}
	return key, string(val), true
}

// decode decodes one entry's value alone.
func (o *yamlOutline) decode(e yamlEntry) (any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(o.data[e.start:e.end], &n); err != nil {
		return nil, errUnsupported // e.g. an alias of an anchor elsewhere
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 {
		return nil, errUnsupported
	}
	m := n.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2 {
		return nil, errUnsupported
	}
	return nodeToAny(m.Content[1], new(int))
}

func (o *yamlOutline) operations() ([]outlineOp, error) {
	var out []outlineOp
	for _, p := range o.paths {
		for _, key := range p.order {
			if !isMethodKey(key) {
				continue
			}
			op := outlineOp{Path: p.e.key, Method: key}
			fields, err := o.children(p.fields[key])
			if err != nil {
				return nil, err
			}
			for _, f := range fields {
				if f.key != "operationId" {
					continue
				}
				if isPlainScalar(f.inline) {
					op.ID = f.inline
					break
				}
				v, err := o.decode(f)
				if err != nil {
					return nil, err
				}
				s, ok := v.(string)
				if !ok {
					return nil, errUnsupported
				}
				op.ID = s
				break
			}
			out = append(out, op)
		}
	}
	return out, nil
}

// isPlainScalar reports whether s is a plain scalar that is a string as
// written (no quoting, no indicator, nothing YAML would resolve to another
// type).
func isPlainScalar(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '"', '\'', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`', '-', '?', '#', '~', '.', '+':
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", "yes", "no", "on", "off", "y", "n":
		return false
	}
	return !strings.ContainsAny(s, ":#\t")
}

func (o *yamlOutline) value(tokens ...string) (any, bool, error) {
	var e yamlEntry
	var ok bool
	switch {
	case len(tokens) == 1:
		e, ok = o.top[tokens[0]]
	case len(tokens) == 2 && tokens[0] == "components":
		if c, found := o.top["components"]; found && c.inline == "" {
			if sec, found := o.comps[tokens[1]]; found {
				m := make(map[string]any, len(sec))
				for name, ne := range sec {
					v, err := o.decode(ne)
					if err != nil {
						return nil, false, err
					}
					m[name] = v
				}
				return m, true, nil
			}
		}
		return nil, false, nil
	case len(tokens) == 3 && tokens[0] == "components":
		e, ok = o.comps[tokens[1]][tokens[2]]
	case len(tokens) == 3 && tokens[0] == "paths":
		i, found := o.byKey[tokens[1]]
		if !found {
			return nil, false, nil
		}
		e, ok = o.paths[i].fields[tokens[2]]
	default:
		return nil, false, errUnsupported
	}
	if !ok {
		return nil, false, nil
	}
	v, err := o.decode(e)
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// maxNodes bounds alias expansion (a "billion laughs" document).
const maxNodes = 10_000_000

// nodeToAny converts a yaml.v3 node into the encoding/json shapes: mapping
// keys are their scalar text (as kin-openapi's YAML-to-JSON step makes
// them), numbers float64 (as encoding/json decodes them).
func nodeToAny(n *yaml.Node, count *int) (any, error) {
	*count++
	if *count > maxNodes {
		return nil, errUnsupported
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeToAny(n.Content[0], count)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, errUnsupported
		}
		return nodeToAny(n.Alias, count)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return nil, errUnsupported
			}
			v, err := nodeToAny(n.Content[i+1], count)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeToAny(c, count)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str", "!!timestamp", "!!binary":
			return n.Value, nil
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, errUnsupported
			}
			return b, nil
		case "!!int":
			if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				return float64(i), nil // as encoding/json decodes numbers
			}
			var v any
			if err := n.Decode(&v); err != nil {
				return nil, errUnsupported
			}
			switch x := v.(type) {
			case int:
				return float64(x), nil
			case int64:
				return float64(x), nil
			case uint64:
				return float64(x), nil
			case float64:
				return x, nil
			}
			return nil, errUnsupported
		case "!!float":
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil {
				var v float64
				if err := n.Decode(&v); err != nil {
					return nil, errUnsupported
				}
				f = v
			}
			return f, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("%w: YAML node kind %d", errUnsupported, n.Kind)
}

// sortOps orders operations as Document.Operations does.
func sortOps(ops []outlineOp) {
	sort.SliceStable(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		mi, mj := strings.ToUpper(ops[i].Method), strings.ToUpper(ops[j].Method)
		ri, rj := methodRank(mi), methodRank(mj)
		if ri != rj {
			return ri < rj
		}
		return mi < mj
	})
}
