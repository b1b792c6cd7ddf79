package main

import "testing"

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
