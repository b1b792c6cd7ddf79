package graph

import (
	"strings"
	"testing"

	"github.com/arazzo-run/arazzo/arazzo"
)

// edgesOf lists the edges drawn from the first step of a one-step workflow
// as "kind:label->target", with targets shortened to "next", "ok", "fail",
// "self" or the node id.
func edgesOf(t *testing.T, wf *arazzo.Workflow) []string {
	t.Helper()
	wf.Steps = append(wf.Steps, &arazzo.Step{StepID: "next", OperationID: "op2"})
	doc := &arazzo.Document{Workflows: []*arazzo.Workflow{wf}}
	ch, err := build(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cl := ch.clusters[0]
	names := map[string]string{
		"wf_w__s_first":     "self",
		"wf_w__s_next":      "next",
		"wf_w__end_success": "ok",
		"wf_w__end_failure": "fail",
	}
	kinds := map[edgeKind]string{edgeSuccess: "S", edgeFailure: "F", edgeCall: "C", edgeDepends: "D"}
	var out []string
	for _, e := range append(cl.edges, ch.edges...) {
		if e.from != "wf_w__s_first" {
			continue
		}
		to := names[e.to]
		if to == "" {
			to = e.to
		}
		out = append(out, kinds[e.kind]+":"+strings.Join(e.lines, " / ")+"->"+to)
	}
	return out
}

func TestStepEdges(t *testing.T) {
	crit := []*arazzo.Criterion{{Condition: "$statusCode == 429"}}
	two, after := 2, 1.5
	tests := []struct {
		name      string
		onSuccess []*arazzo.Action
		onFailure []*arazzo.Action
		wfSuccess []*arazzo.Action
		wfFailure []*arazzo.Action
		want      []string
	}{
		{
			name: "no actions: next step and break",
			want: []string{"S:->next", "F:break->fail"},
		},
		{
			name:      "conditional goto keeps the default as otherwise",
			onSuccess: []*arazzo.Action{{Name: "g", Type: arazzo.ActionGoto, StepID: "first", Criteria: crit}},
			want:      []string{"S:g: goto / if $statusCode == 429->self", "S:otherwise->next", "F:break->fail"},
		},
		{
			name:      "unconditional end replaces the default success edge",
			onSuccess: []*arazzo.Action{{Name: "e", Type: arazzo.ActionEnd}},
			want:      []string{"S:e: end->ok", "F:break->fail"},
		},
		{
			name:      "unconditional failure end replaces break and goes to the failure end",
			onFailure: []*arazzo.Action{{Name: "e", Type: arazzo.ActionEnd}},
			want:      []string{"S:->next", "F:e: end->fail"},
		},
		{
			name:      "an unconditional retry does not replace break (its limit runs out)",
			onFailure: []*arazzo.Action{{Name: "r", Type: arazzo.ActionRetry}},
			want:      []string{"S:->next", "F:r: retry ≤ 1->self", "F:break->fail"},
		},
		{
			name:      "retry with limit, delay and a step to run first",
			onFailure: []*arazzo.Action{{Name: "r", Type: arazzo.ActionRetry, RetryLimit: &two, RetryAfter: &after, StepID: "next", Criteria: crit}},
			want:      []string{"S:->next", "F:r: before retry / if $statusCode == 429->next", "F:r: retry ≤ 2, after 1.5s / if $statusCode == 429->self", "F:break->fail"},
		},
		{
			name:      "workflow-level actions come after the step's, overridden by name",
			onFailure: []*arazzo.Action{{Name: "a", Type: arazzo.ActionEnd, Criteria: crit}},
			wfFailure: []*arazzo.Action{{Name: "a", Type: arazzo.ActionRetry}, {Name: "b", Type: arazzo.ActionGoto, StepID: "next"}},
			wfSuccess: []*arazzo.Action{{Name: "c", Type: arazzo.ActionEnd, Criteria: crit}},
			want:      []string{"S:c (workflow): end / if $statusCode == 429->ok", "S:otherwise->next", "F:a: end / if $statusCode == 429->fail", "F:b (workflow): goto->next"},
		},
		{
			name:      "goto to a missing step draws a not-found node",
			onSuccess: []*arazzo.Action{{Name: "g", Type: arazzo.ActionGoto, StepID: "nope"}},
			want:      []string{"S:g: goto->wf_w__missing_nope", "F:break->fail"},
		},
		{
			name:      "goto to an external workflow",
			onSuccess: []*arazzo.Action{{Name: "g", Type: arazzo.ActionGoto, WorkflowID: "$sourceDescriptions.lib.other"}},
			want:      []string{"F:break->fail", "S:g: goto->ext_lib_other"}, // cross-cluster edges are listed last
		},
		{
			name: "invalid actions are skipped, not drawn",
			onSuccess: []*arazzo.Action{
				{Name: "no target", Type: arazzo.ActionGoto},
				{Name: "bad type", Type: "jump", StepID: "next"},
				nil,
			},
			want: []string{"S:->next", "F:break->fail"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wf := &arazzo.Workflow{
				WorkflowID:     "w",
				SuccessActions: tt.wfSuccess,
				FailureActions: tt.wfFailure,
				Steps:          []*arazzo.Step{{StepID: "first", OperationID: "op1", OnSuccess: tt.onSuccess, OnFailure: tt.onFailure}},
			}
			got := edgesOf(t, wf)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSelectWorkflows(t *testing.T) {
	doc := &arazzo.Document{Workflows: []*arazzo.Workflow{
		{WorkflowID: "a", Steps: []*arazzo.Step{{StepID: "s", WorkflowID: "b"}}},
		{WorkflowID: "b", FailureActions: []*arazzo.Action{{Type: arazzo.ActionGoto, WorkflowID: "c"}}},
		{WorkflowID: "c", DependsOn: []string{"d", "$sourceDescriptions.x.a"}},
		{WorkflowID: "d", DependsOn: []string{"a"}}, // a cycle back to the root
		{WorkflowID: "e"},
		nil,
	}}
	tests := []struct{ sel, want string }{
		{"", "a b c d e"},
		{"a", "a b c d"},
		{"c", "a b c d"},
		{"e", "e"},
	}
	for _, tt := range tests {
		got, err := selectWorkflows(doc, tt.sel)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, wf := range got {
			ids = append(ids, wf.WorkflowID)
		}
		if strings.Join(ids, " ") != tt.want {
			t.Errorf("select %q = %v, want %s", tt.sel, ids, tt.want)
		}
	}
}

func TestCriteriaText(t *testing.T) {
	tests := []struct {
		cs   []*arazzo.Criterion
		want string
	}{
		{nil, ""},
		{[]*arazzo.Criterion{{Condition: "$statusCode == 200"}, nil, {Condition: "a\n  b"}}, "$statusCode == 200 and a b"},
		{[]*arazzo.Criterion{{Context: "$response.body", Condition: "$.x", Type: "jsonpath"}}, "jsonpath($response.body) $.x"},
		{[]*arazzo.Criterion{{Context: "$statusCode", Condition: "200", Type: "simple"}}, "$statusCode: 200"},
		{[]*arazzo.Criterion{{Condition: strings.Repeat("é", 70)}}, strings.Repeat("é", 59) + "…"},
	}
	for _, tt := range tests {
		if got := criteriaText(tt.cs); got != tt.want {
			t.Errorf("criteriaText = %q, want %q", got, tt.want)
		}
	}
}
