package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// TestGrowStackFrame: growStack's frame must stay on the stack (an array
// the compiler moves to the heap grows nothing): no allocation.
func TestGrowStackFrame(t *testing.T) {
	if n := testing.AllocsPerRun(10, func() { growStack(1) }); n != 0 {
		t.Errorf("growStack allocates %v times: its frame went to the heap", n)
	}
	if growStack(1) != 0 || growStack(0) != 0 {
		t.Error("growStack's frame is not zero")
	}
}

// TestMainStartup: the process tuning is wired where it works. A test
// binary runs neither main nor (alone) the import of main.go, so this
// reads the source: main.go imports the hugepages package, and main's
// first statement is growStack(0).
func TestMainStartup(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	imported := false
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/arazzo-run/arazzo/cmd/arazzo/internal/hugepages" {
			imported = true
		}
	}
	if !imported {
		t.Error("main.go does not import internal/hugepages")
	}
	first := ""
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "main" && fn.Recv == nil && len(fn.Body.List) > 0 {
			if es, ok := fn.Body.List[0].(*ast.ExprStmt); ok {
				if call, ok := es.X.(*ast.CallExpr); ok {
					if id, ok := call.Fun.(*ast.Ident); ok {
						first = id.Name
					}
				}
			}
		}
	}
	if first != "growStack" {
		t.Errorf("main's first statement calls %q, want growStack", first)
	}
}
