package contract_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/arazzo-run/arazzo/contract"
	"github.com/arazzo-run/arazzo/openapi"
)

func Example() {
	doc, err := openapi.Load(context.Background(), "testdata/users-3.1.yaml", openapi.LoadOptions{})
	if err != nil {
		panic(err)
	}
	c := contract.New(doc, contract.Options{})
	op, _ := doc.OperationByID("listUsers")
	header := http.Header{"Content-Type": {"application/json"}}
	for _, p := range c.CheckResponse(op, 200, header, []byte(`{"items":[{"id":"admin1","name":"Root"}]}`)) {
		fmt.Println(p)
	}
	create, _ := doc.OperationByID("createUser")
	for _, p := range c.CheckResponse(create, 302, header, nil) {
		fmt.Println(p)
	}
	// Output:
	// response schema /items/0/id: "admin1" does not match pattern "^(?!admin).*$" (#/components/schemas/User/properties/id/pattern)
	// response undocumented-status: status 302 is not documented (documented: 201) (#/paths/~1users/post/responses)
}
