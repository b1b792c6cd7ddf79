package auth0sim

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/arazzo-run/arazzo/openapi"
)

// auth0Description is the Auth0 Management API description the repository
// tests with.
const auth0Description = "../../testdata/auth0/openapi/auth0-management-api-openapi.yml"

// The route table follows the description: every route is an operation of
// it, requires exactly the operation's oAuth2ClientCredentials scopes, and
// answers an object missing from the path with a status the operation
// documents.
func TestRoutesFollowTheDescription(t *testing.T) {
	if _, err := os.Stat(auth0Description); err != nil {
		t.Skipf("%s: %v", auth0Description, err)
	}
	doc, err := openapi.Load(context.Background(), auth0Description, openapi.LoadOptions{SkipValidation: true})
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}/]+\}`)
	ops := map[string]*openapi.Operation{}
	for _, op := range doc.Operations() {
		ops[op.Method+" "+param.ReplaceAllString(op.Path, "*")] = op
	}
	for _, r := range routes {
		op := ops[r.method+" /"+r.pattern]
		if op == nil {
			t.Errorf("%s %s: no such operation in the description", r.method, r.pattern)
			continue
		}
		var want []string
		for _, alt := range op.Security {
			want = append(want, alt["oAuth2ClientCredentials"]...)
		}
		if !slices.Equal(r.scopes, want) {
			t.Errorf("%s %s: scopes %v, the description says %v", r.method, r.pattern, r.scopes, want)
		}
		if _, ok := op.Responses[strconv.Itoa(r.missing)]; !ok && r.missing != 0 {
			t.Errorf("%s %s: status %d for a missing object is not documented", r.method, r.pattern, r.missing)
		}
	}
}
