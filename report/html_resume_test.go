package report

import (
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
)

// Regression: the page of a run resumed from a journal greyed the steps an
// earlier invocation completed as "not reached". With Meta.DoneEarlier
// they read "done earlier (journal)".
func TestHTMLResumedRun(t *testing.T) {
	cp := &runtime.Checkpoint{Workflow: "adoptPet", Steps: []runtime.CompletedStep{
		{Workflow: "adoptPet", Step: "listPets"}, {Workflow: "adoptPet", Step: "createPet"},
	}, Next: "getPet"}
	tests := []struct {
		name        string
		doneEarlier map[string][]string
		earlier     int // boxes "done earlier (journal)"
		notReached  int // boxes "not reached"
	}{
		{"resumed", DoneEarlierOf(cp), 2, 0},
		{"without the journal's steps", nil, 0, 2},
		{"other workflow's steps", map[string][]string{"other": {"listPets", "createPet"}}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, meta := passingRun()
			res.Steps = res.Steps[2:] // this invocation ran getPet only
			meta.DoneEarlier = tt.doneEarlier
			page := writeHTML(t, res, meta, nil, HTMLOptions{})
			svg := page[strings.Index(page, "<svg"):]
			if n := strings.Count(svg, "done earlier (journal)"); n != tt.earlier {
				t.Errorf("%d boxes done earlier, want %d", n, tt.earlier)
			}
			if n := strings.Count(svg, "not reached"); n != tt.notReached {
				t.Errorf("%d boxes not reached, want %d", n, tt.notReached)
			}
			legend := strings.Contains(page, "</i>done earlier (journal)</span>")
			if legend != (tt.earlier > 0) {
				t.Errorf("legend entry shown = %v", legend)
			}
		})
	}
	if DoneEarlierOf(nil) != nil || DoneEarlierOf(&runtime.Checkpoint{Workflow: "w"}) != nil {
		t.Error("DoneEarlierOf of no steps is not nil")
	}
}
