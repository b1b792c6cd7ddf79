package openapi_test

import (
	"context"
	"fmt"

	"github.com/arazzo-run/arazzo/openapi"
)

func ExampleLoad() {
	doc, err := openapi.Load(context.Background(), "testdata/petstore-3.0.yaml", openapi.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	op, _ := doc.OperationByID("showPetById")
	fmt.Println(op.Method, op.Path, op.Pointer)
	scopes, _ := op.Scopes("oauth")
	fmt.Println(scopes)
	// Output:
	// GET /pets/{petId} /paths/~1pets~1{petId}/get
	// [read:pets]
}

func ExampleParameter_SerializeQuery() {
	p := openapi.NewParameter("color", "query") // undeclared: form, explode
	pairs, _ := p.SerializeQuery([]any{"blue", "black & white"})
	fmt.Println(openapi.EncodeQuery(pairs))
	p.Explode = false
	pairs, _ = p.SerializeQuery([]any{"blue", "a,b"})
	fmt.Println(openapi.EncodeQuery(pairs))
	// Output:
	// color=blue&color=black%20%26%20white
	// color=blue,a%2Cb
}

func ExampleParameter_SerializePath() {
	p := &openapi.Parameter{Name: "id", In: "path", Style: "matrix", Explode: true}
	s, _ := p.SerializePath([]any{1, "a/b"})
	fmt.Println(s)
	// Output: ;id=1;id=a%2Fb
}
