package openapi

import (
	"net/url"
	"slices"
	"sort"
	"strings"
)

// The operation index of a lazy document.
//
// A load from the cache indexes only the operations asked for (sel) and
// the sorted operationIds (ids): that answers HasOperationID and
// OperationIDs for the whole document, and the lookups of the operations
// a workflow calls. Any other lookup (an operation outside the set, a
// pointer that is not one of them) first decodes the whole outline kept in
// the entry (all). A cold load has the whole outline from the start.

// newSelIndex is the index of a few operations (idx ascending, ops
// aligned).
func newSelIndex(idx []int, ops []outlineOp) *opIndex {
	return &opIndex{ops: ops, idx: idx, byID: make(map[string]int, len(idx)), byPtr: make(map[string]int, len(idx))}
}

// get returns operation i when the index has it.
func (x *opIndex) get(i int) (outlineOp, bool) {
	if x.idx == nil {
		return x.ops[i], true
	}
	k, found := slices.BinarySearch(x.idx, i)
	if !found {
		return outlineOp{}, false
	}
	return x.ops[k], true
}

// add indexes operation i; byID false leaves it out of the id index (a
// duplicate operationId).
func (x *opIndex) add(i int, op outlineOp, byID bool) {
	x.byPtr[OperationPointer(op.Path, op.Method)] = i
	if byID && op.ID != "" {
		x.byID[op.ID] = i
	}
}

// indexAll indexes a whole outline (sorted): a duplicate operationId
// names its first operation.
func indexAll(ops []outlineOp) *opIndex {
	x := &opIndex{ops: ops, byID: make(map[string]int, len(ops)), byPtr: make(map[string]int, len(ops))}
	for i, op := range ops {
		_, dup := x.byID[op.ID]
		x.add(i, op, !dup)
	}
	return x
}

// lookupPtr finds an operation by pointer with the tolerance of
// OperationByPointer.
func (x *opIndex) lookupPtr(ptr string) (int, bool) {
	ptr = normalizePointer(ptr)
	if i, ok := x.byPtr[ptr]; ok {
		return i, true
	}
	if strings.Contains(ptr, "%") {
		if u, err := url.PathUnescape(ptr); err == nil {
			if i, ok := x.byPtr[u]; ok {
				return i, true
			}
			ptr = u
		}
	}
	if i := strings.LastIndexByte(ptr, '/'); i >= 0 {
		if j, ok := x.byPtr[ptr[:i+1]+strings.ToLower(ptr[i+1:])]; ok {
			return j, true
		}
	}
	return 0, false
}

// setAll makes ops (sorted) the whole index (a cold load).
func (l *lazyDoc) setAll(ops []outlineOp) {
	x := indexAll(ops)
	l.n, l.sel, l.all = len(ops), x, x
	l.allOnce.Do(func() {})
	l.ids = make([]string, 0, len(x.byID))
	for id := range x.byID {
		l.ids = append(l.ids, id)
	}
	sort.Strings(l.ids)
	l.built = make([]*Operation, l.n)
}

// setSel indexes the operations asked for of a cache entry; the rest of
// the outline is decoded from it on first need.
func (l *lazyDoc) setSel(e *cacheEntry) {
	l.n, l.ids = e.n, e.ids
	l.sel = newSelIndex(e.sel, e.selOps)
	for k, i := range e.sel {
		l.sel.add(i, e.selOps[k], e.selFirst[k])
	}
	l.selIdx = e.sel
	file, at := e.file, e.outline
	l.allFn = func() ([]outlineOp, error) {
		s, ok := file.piece(at)
		if !ok {
			return nil, errEntry
		}
		return decodeOutline(s)
	}
	l.built = make([]*Operation, l.n)
}

// fullIndex returns the index of the whole outline, decoding it on first
// use. When the entry's outline is unusable it is outlined again from the
// document; when that fails too, only the operations asked for are
// indexed.
func (l *lazyDoc) fullIndex() *opIndex {
	l.allOnce.Do(func() {
		if ops, err := l.allFn(); err == nil && l.consistent(ops) {
			l.all = indexAll(ops)
			return
		}
		if src, err := l.source(); err == nil {
			if ops, err := src.operations(); err == nil {
				sortOps(ops)
				if l.consistent(ops) {
					l.all = indexAll(ops)
					l.rewrite(nil, ops)
					return
				}
			}
		}
		l.all = l.sel
	})
	return l.all
}

// consistent reports whether a whole outline agrees with the operations
// already indexed.
func (l *lazyDoc) consistent(ops []outlineOp) bool {
	if len(ops) != l.n {
		return false
	}
	for k, i := range l.sel.idx {
		if ops[i] != l.sel.ops[k] {
			return false
		}
	}
	return true
}

// opByID returns the outline index of the operation with that id.
func (l *lazyDoc) opByID(id string) (int, bool) {
	if i, ok := l.sel.byID[id]; ok {
		return i, true
	}
	if !l.hasID(id) {
		return 0, false
	}
	i, ok := l.fullIndex().byID[id]
	return i, ok
}

func (l *lazyDoc) hasID(id string) bool {
	if _, ok := l.sel.byID[id]; ok {
		return true
	}
	_, found := sort.Find(len(l.ids), func(i int) int { return strings.Compare(id, l.ids[i]) })
	return found
}

// opByPtr returns the outline index of the operation at ptr.
func (l *lazyDoc) opByPtr(ptr string) (int, bool) {
	if i, ok := l.sel.lookupPtr(ptr); ok {
		return i, true
	}
	if all := l.fullIndex(); all != l.sel {
		return all.lookupPtr(ptr)
	}
	return 0, false
}

// opAt is outline operation i, which a lookup returned.
func (l *lazyDoc) opAt(i int) outlineOp {
	if op, ok := l.sel.get(i); ok {
		return op
	}
	op, _ := l.fullIndex().get(i)
	return op
}

// selectOps returns the indexes of the operations named by ids or
// pointers (a cold load: the whole index); names that match nothing are
// ignored (the caller reports them).
func (l *lazyDoc) selectOps(names []string) []int {
	var out []int
	seen := map[int]bool{}
	for _, n := range names {
		i, ok := l.all.byID[n]
		if !ok {
			i, ok = l.all.lookupPtr(n)
		}
		if ok && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out
}

// duplicateWarnings warns of every operation whose operationId an earlier
// one has (a cold load: the whole index).
func (l *lazyDoc) duplicateWarnings() []Warning {
	var ws []Warning
	ops := l.all.ops
	for i, op := range ops {
		if op.ID == "" {
			continue
		}
		if first := l.all.byID[op.ID]; first != i {
			ws = append(ws, Warning{
				Message: "duplicate operationId " + quote(op.ID) + " (also at #" + OperationPointer(ops[first].Path, ops[first].Method) + "); the first one is used",
				Pointer: OperationPointer(op.Path, op.Method),
			})
		}
	}
	return ws
}

// lazyComponent returns the component sec/name of the cache entry,
// decoding it into l.sub on first use; false when the entry does not have
// it. A piece that cannot be read or does not check makes the entry's
// components again from the document (fromSource). l.mu held, or during
// Load.
func (l *lazyDoc) lazyComponent(sec, name string) (any, bool) {
	c, ok := findComp(l.comps, sec, name)
	if !ok {
		return nil, false
	}
	section := l.subSection(sec)
	if v, done := section[name]; done {
		return v, true
	}
	js, ok := l.file.piece(c.at)
	var v any
	var err error
	if ok {
		v, err = decodeJSON(js)
	}
	if !ok || err != nil {
		if !l.fromSource() {
			return nil, false
		}
		v, ok = gmap(gmap(l.sub["components"])[sec])[name]
		return v, ok
	}
	section[name] = v
	return v, true
}

// fromSource makes the sub-document of the operations asked for again
// from the document, as a cold load does, when the entry's components
// cannot be read: every component then is in l.sub (l.mu held).
func (l *lazyDoc) fromSource() bool {
	if l.comps == nil {
		return false
	}
	src, err := l.source()
	if err != nil {
		return false
	}
	s, err := newSubDoc(src)
	if err != nil {
		return false
	}
	for _, i := range l.selIdx {
		if err := s.addOperation(l.opAt(i)); err != nil {
			return false
		}
	}
	if err := s.finish(); err != nil {
		return false
	}
	mergeSub(l.sub, s.tree)
	l.comps = nil
	l.rewrite(s.tree, l.fullIndex().ops)
	return true
}

// rewrite writes the cache entry again after one of its pieces failed: the
// head as read, the components of tree (nil: the entry's own pieces, when
// they all check) and the outline ops.
func (l *lazyDoc) rewrite(tree map[string]any, ops []outlineOp) {
	if l.entry == nil || l.cache == nil || len(ops) != l.n {
		return
	}
	e := *l.entry
	if tree != nil {
		t, comps, err := splitSub(tree)
		if err != nil {
			return
		}
		e.tree, e.treeJSON, e.comps = t, "", comps
	} else {
		e.tree, e.comps = nil, slices.Clone(e.comps)
		for k := range e.comps {
			js, ok := l.file.piece(e.comps[k].at)
			if !ok {
				return // the components' failure rewrites it
			}
			e.comps[k].js = js
		}
	}
	l.cache.put(&e, ops)
}

// subComponents is l.sub's components, created if needed.
func (l *lazyDoc) subComponents() map[string]any {
	comps, _ := l.sub["components"].(map[string]any)
	if comps == nil {
		comps = map[string]any{}
		l.sub["components"] = comps
	}
	return comps
}

// subSection is l.sub's components section sec, created if needed.
func (l *lazyDoc) subSection(sec string) map[string]any {
	comps := l.subComponents()
	m, _ := comps[sec].(map[string]any)
	if m == nil {
		m = map[string]any{}
		comps[sec] = m
	}
	return m
}

// materialize decodes every component of the entry in section sec ("" for
// all) not decoded yet (l.mu held).
func (l *lazyDoc) materialize(sec string) {
	if len(l.comps) > 0 && !l.file.loadTail() {
		l.fromSource()
	}
	for _, c := range l.comps {
		if sec == "" || c.sec == sec {
			l.lazyComponent(c.sec, c.name)
		}
	}
}
