package main

import (
	"github.com/arazzo-run/arazzo/auth"
	"github.com/arazzo-run/arazzo/runtime"
)

// usesOf lists the operations a workflow will call (its steps, and the
// steps of the workflows it calls or depends on), for credentials, scopes
// and the mock.
func usesOf(plan *runtime.Plan, workflowID string) []auth.Use {
	ops := plan.Operations(workflowID)
	uses := make([]auth.Use, 0, len(ops))
	for _, o := range ops {
		uses = append(uses, auth.Use{Source: o.Source, StepID: o.StepID, Op: o.Operation, Doc: o.Document})
	}
	return uses
}
