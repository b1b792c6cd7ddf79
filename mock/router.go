package mock

import (
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Routing rule. A request path is matched against the operations' path
// templates relative to the server base path: for every base path declared
// by the document's servers (the path part of each server URL, variables
// replaced by their defaults, e.g. "/api/v2" for
// "https://{tenantDomain}/api/v2"), longest first, a request path under it
// is tried with the base removed; then the request path is tried as is
// (bare template path). So both "/api/v2/clients" and "/clients" reach
// `/clients`. A trailing slash is ignored. Within one path, literal segments
// beat parameters (`/clients/mine` before `/clients/{id}`), and a template
// segment with a literal prefix or suffix around its parameter
// (`/files/{name}.json`) beats a bare parameter. The first template that has
// an operation for the request method wins; when only other methods match,
// the answer is 405 with an Allow header.

type node struct {
	lit    map[string]*node
	params []*paramEdge
	ops    map[string]*operation // method -> operation
}

type paramEdge struct {
	prefix, suffix string
	name           string // "" when the segment holds several parameters
	child          *node
}

func (n *node) insert(template string, method string, op *operation) {
	cur := n
	for _, seg := range splitPath(template) {
		open := strings.IndexByte(seg, '{')
		close := strings.LastIndexByte(seg, '}')
		if open < 0 || close < open {
			if cur.lit == nil {
				cur.lit = map[string]*node{}
			}
			next := cur.lit[seg]
			if next == nil {
				next = &node{}
				cur.lit[seg] = next
			}
			cur = next
			continue
		}
		e := &paramEdge{prefix: seg[:open], suffix: seg[close+1:], name: seg[open+1 : close]}
		if strings.ContainsAny(e.name, "{}") {
			e.name, e.prefix, e.suffix = "", "", "" // several parameters in one segment: not extracted
		}
		var found *paramEdge
		for _, x := range cur.params {
			if x.prefix == e.prefix && x.suffix == e.suffix && x.name == e.name {
				found = x
				break
			}
		}
		if found == nil {
			e.child = &node{}
			cur.params = append(cur.params, e)
			// More literal text around the parameter is more specific.
			sort.SliceStable(cur.params, func(i, j int) bool {
				a, b := cur.params[i], cur.params[j]
				return len(a.prefix)+len(a.suffix) > len(b.prefix)+len(b.suffix)
			})
			found = e
		}
		cur = found.child
	}
	if cur.ops == nil {
		cur.ops = map[string]*operation{}
	}
	cur.ops[method] = op
}

// match finds the node for segs that has an operation for method (any
// operation when method is ""), filling params with the extracted values.
func (n *node) match(segs []string, method string, params map[string]string) *node {
	if len(segs) == 0 {
		if len(n.ops) > 0 && (method == "" || n.ops[method] != nil) {
			return n
		}
		return nil
	}
	seg := segs[0]
	if next := n.lit[seg]; next != nil {
		if found := next.match(segs[1:], method, params); found != nil {
			return found
		}
	}
	for _, e := range n.params {
		if len(seg) < len(e.prefix)+len(e.suffix) || !strings.HasPrefix(seg, e.prefix) || !strings.HasSuffix(seg, e.suffix) {
			continue
		}
		val := seg[len(e.prefix) : len(seg)-len(e.suffix)]
		if val == "" {
			continue
		}
		if found := e.child.match(segs[1:], method, params); found != nil {
			if e.name != "" && params != nil {
				params[e.name] = val
			}
			return found
		}
	}
	return nil
}

// splitPath splits a path into unescaped segments, ignoring the leading and
// a trailing slash.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.IndexByte(s, '%') >= 0 {
			if u, err := url.PathUnescape(s); err == nil {
				segs[i] = u
			}
		}
	}
	return segs
}

// basePaths returns the path parts of server URLs, longest first, without
// trailing slashes, excluding "" and "/".
func basePaths(urls []serverURL) []string {
	var out []string
	for _, s := range urls {
		p := s.url
		if i := strings.Index(p, "://"); i >= 0 {
			p = p[i+3:]
			if j := strings.IndexByte(p, '/'); j >= 0 {
				p = p[j:]
			} else {
				p = ""
			}
		}
		for name, def := range s.vars {
			p = strings.ReplaceAll(p, "{"+name+"}", def)
		}
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p = p[:i]
		}
		p = strings.TrimSuffix(p, "/")
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

type serverURL struct {
	url  string
	vars map[string]string
}
