package openapi

import (
	"errors"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestWarningOf(t *testing.T) {
	leaf := errors.New("bad")
	tests := []struct {
		err error
		ptr string
		msg string
	}{
		{&openapi3.SectionValidationError{Section: "paths", Cause: &openapi3.PathValidationError{Path: "/a/{b}", Cause: &openapi3.OperationValidationError{Method: "GET", Cause: leaf}}}, "/paths/~1a~1{b}/get", "bad"},
		{&openapi3.SectionValidationError{Section: "components", Cause: &openapi3.ComponentValidationError{Section: "request body", Name: "X/Y", Cause: leaf}}, "/components/requestBodies/X~1Y", "bad"},
		{&openapi3.SectionValidationError{Section: "webhooks", Cause: &openapi3.WebhookValidationError{Name: "hook", Cause: &openapi3.OperationValidationError{Method: "POST", Cause: leaf}}}, "/webhooks/hook/post", "bad"},
		{&openapi3.SectionValidationError{Section: "external docs", Cause: leaf}, "/externalDocs", "bad"},
		{&openapi3.OperationValidationError{Method: "COPY", Cause: leaf}, "/additionalOperations/COPY", "bad"},
		{leaf, "", "bad"},
		{&openapi3.SectionValidationError{Section: "info"}, "/info", "invalid"},
	}
	for _, tt := range tests {
		ptr, msg := warningOf(tt.err)
		if ptr != tt.ptr || msg != tt.msg {
			t.Errorf("%v: got %q %q, want %q %q", tt.err, ptr, msg, tt.ptr, tt.msg)
		}
	}
}
