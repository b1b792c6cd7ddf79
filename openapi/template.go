package openapi

// OperationTemplate returns the method and path template of the operation
// with operationId id, or at the JSON pointer when id is "". It lets the
// arazzo checker (arazzo.OperationTemplates) check path parameters without
// importing this package.
func (d *Document) OperationTemplate(id, pointer string) (method, path string, ok bool) {
	var op *Operation
	if id != "" {
		op, ok = d.OperationByID(id)
	} else {
		op, ok = d.OperationByPointer(pointer)
	}
	if !ok || op == nil {
		return "", "", false
	}
	return op.Method, op.Path, true
}
