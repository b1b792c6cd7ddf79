package openapi

import (
	"net/url"
	"sort"
	"strings"
)

// OperationByID returns the operation with that operationId.
func (d *Document) OperationByID(id string) (*Operation, bool) {
	if d.lazy != nil {
		i, ok := d.lazy.opByID(id)
		if !ok {
			return nil, false
		}
		op := d.lazy.operation(d, i)
		return op, op != nil
	}
	op, ok := d.byID[id]
	return op, ok
}

// OperationByPointer returns the operation at a JSON pointer (the part after
// '#'), e.g. "/paths/~1pets~1{petId}/get". A leading '#' is tolerated, and
// so is the percent-encoded form a URI fragment may use
// ("/paths/~1pets~1%7BpetId%7D/get"); the method token is matched
// case-insensitively for the fixed methods.
func (d *Document) OperationByPointer(ptr string) (*Operation, bool) {
	if d.lazy != nil {
		i, ok := d.lazy.opByPtr(ptr)
		if !ok {
			return nil, false
		}
		op := d.lazy.operation(d, i)
		return op, op != nil
	}
	ptr = normalizePointer(ptr)
	if op, ok := d.byPtr[ptr]; ok {
		return op, true
	}
	if strings.Contains(ptr, "%") {
		if u, err := url.PathUnescape(ptr); err == nil {
			if op, ok := d.byPtr[u]; ok {
				return op, true
			}
			ptr = u
		}
	}
	if i := strings.LastIndexByte(ptr, '/'); i >= 0 {
		if op, ok := d.byPtr[ptr[:i+1]+strings.ToLower(ptr[i+1:])]; ok {
			return op, true
		}
	}
	return nil, false
}

// Operations returns every operation, ordered by path then by method
// (GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE, then others).
// After a lazy load it returns the operations built so far.
func (d *Document) Operations() []*Operation {
	if d.lazy != nil {
		return d.lazy.builtOps()
	}
	return append([]*Operation(nil), d.ops...)
}

// HasOperationID reports whether an operation has that operationId.
func (d *Document) HasOperationID(id string) bool {
	if d.lazy != nil {
		return d.lazy.hasID(id)
	}
	_, ok := d.byID[id]
	return ok
}

// OperationIDs returns all operationIds, sorted.
func (d *Document) OperationIDs() []string {
	if d.lazy != nil {
		return append(make([]string, 0, len(d.lazy.ids)), d.lazy.ids...)
	}
	ids := make([]string, 0, len(d.byID))
	for id := range d.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// HasOperationPointer reports whether ptr (after '#') names an operation.
func (d *Document) HasOperationPointer(ptr string) bool {
	if d.lazy != nil {
		_, ok := d.lazy.opByPtr(ptr)
		return ok
	}
	_, ok := d.OperationByPointer(ptr)
	return ok
}

func normalizePointer(ptr string) string {
	if len(ptr) > 0 && ptr[0] == '#' {
		ptr = ptr[1:]
	}
	return ptr
}

// OperationByMethodPath returns the operation for an HTTP method (any case)
// and a path template exactly as written under `paths` ("/pets/{petId}").
func (d *Document) OperationByMethodPath(method, path string) (*Operation, bool) {
	if d.lazy != nil {
		return d.OperationByPointer(OperationPointer(path, method))
	}
	op, ok := d.byPtr[OperationPointer(path, method)]
	return op, ok
}
